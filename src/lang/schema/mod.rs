//! The `.pg` schema language: source text → AST (`parse_schema`) → `Catalog` (`build_catalog`).
//! Specified by `shared/spec/schema-language.md`.

pub mod catalog;

pub use catalog::{
    Cardinality, Catalog, CheckConstraint, EdgeType, InterfaceType, NodeType, PropType, RangeBound,
    RangeConstraint, ScalarType,
};

/// A schema error. Its `Display` text is used verbatim as a diagnostic message, so it carries the
/// reference's prefixes (`parse error: `, `parse error: parse error: `, `catalog error: `).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// Syntax error: Display = `parse error: «report»`.
    #[error("parse error: {0}")]
    Syntax(String),
    /// Any other error raised inside `parse_schema`: Display = `parse error: parse error: «msg»`.
    #[error("parse error: parse error: {0}")]
    Parse(String),
    /// Error raised by `build_catalog`: Display = `catalog error: «msg»`.
    #[error("catalog error: {0}")]
    Catalog(String),
}

/// Parsed schema file (the AST). Filled in by the schema-language implementation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SchemaFile {}

/// Parse schema source text into its AST.
pub fn parse_schema(_text: &str) -> Result<SchemaFile, SchemaError> {
    Err(SchemaError::Syntax(
        "schema language not implemented yet".into(),
    ))
}

/// Build the catalog of a parsed schema.
pub fn build_catalog(_schema: &SchemaFile) -> Result<Catalog, SchemaError> {
    Err(SchemaError::Catalog(
        "schema language not implemented yet".into(),
    ))
}
