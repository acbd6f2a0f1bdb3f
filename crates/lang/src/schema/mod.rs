//! The `.pg` schema language: source text → AST (`parse_schema`) → `Catalog` (`build_catalog`).
//! Specified by `shared/spec/schema-language.md`; the phases of its §1.3 map onto modules:
//!
//! 1. syntax — `scanner` (SKIP and tokens) + `parser` (the grammar), errors tracked by `error`
//!    and rendered, like the query language's, by `lang::text`;
//! 2. AST construction — `convert`, called by the parser as each construct completes;
//! 3. interface resolution — `resolve`;
//! 4. annotation validation and 5. constraint validation — `validate`;
//! 6. catalog construction — `catalog_build`, producing the `catalog` types.
//!
//! `pretty` prints an AST back to source. Nothing here knows about clusters.

use crate::error::{ErrorDetail, detail_accessors};

pub mod ast;
pub mod catalog;
mod catalog_build;
mod convert;
mod error;
mod parser;
mod pretty;
mod resolve;
mod scanner;
mod validate;

pub use ast::{
    Annotation, Constraint, ConstraintKind, ConstraintOrigin, Declaration, EdgeDecl, InterfaceDecl,
    NodeDecl, Property, SchemaFile, Span,
};
pub use catalog::{
    Cardinality, Catalog, CheckConstraint, EdgeType, InterfaceType, NodeType, PropType, RangeBound,
    RangeConstraint, ScalarType,
};

/// A schema error. Its `Display` text is used verbatim as a diagnostic message, so it carries the
/// reference's prefixes (`parse error: `, `parse error: parse error: `, `catalog error: `). Its
/// [`ErrorDetail`] also holds, as data, the span it points at, its rule (schema-language.md §7)
/// and any suggestion.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// Syntax error: Display = `parse error: «report»`.
    #[error("parse error: {0}")]
    Syntax(ErrorDetail),
    /// Any other error raised inside `parse_schema`: Display = `parse error: parse error: «msg»`.
    #[error("parse error: parse error: {0}")]
    Parse(ErrorDetail),
    /// Error raised by `build_catalog`: Display = `catalog error: «msg»`.
    #[error("catalog error: {0}")]
    Catalog(ErrorDetail),
}

detail_accessors!(SchemaError {
    Syntax,
    Parse,
    Catalog
});

/// Parse schema source text into its AST: phases 1–5 of schema-language.md §1.3, each over the
/// whole file before the next, stopping at the first error.
pub fn parse_schema(text: &str) -> Result<SchemaFile, SchemaError> {
    let mut file = match parser::parse(text) {
        parser::Parsed::Ok(file) => file,
        parser::Parsed::Syntax(report) => return Err(SchemaError::Syntax(report)),
        parser::Parsed::Construction(error) => return Err(SchemaError::Parse(error)),
    };
    resolve::resolve_interfaces(&mut file).map_err(SchemaError::Parse)?;
    validate::check_annotations(&file).map_err(SchemaError::Parse)?;
    validate::check_constraints(&file).map_err(SchemaError::Parse)?;
    Ok(file)
}

/// Build the catalog of a parsed schema (phase 6).
pub fn build_catalog(schema: &SchemaFile) -> Result<Catalog, SchemaError> {
    catalog_build::build(schema).map_err(SchemaError::Catalog)
}

#[cfg(test)]
mod tests;
