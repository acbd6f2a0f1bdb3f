//! The `.gq` stored-query language: source → declarations (`parse_query`), and the type-checker
//! (`typecheck_query_decl`). Specified by `shared/spec/query-language.md`.

use crate::lang::schema::Catalog;

/// A query error; its `Display` text is used verbatim as a diagnostic message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Syntax error: Display = `parse error: «report»`.
    #[error("parse error: {0}")]
    Syntax(String),
    /// Post-parse rejection: Display = `parse error: parse error: «msg»`.
    #[error("parse error: parse error: {0}")]
    Parse(String),
    /// Type error: Display = `type error: «msg»`.
    #[error("type error: {0}")]
    Type(String),
}

/// A whole `.gq` file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryFile {
    pub queries: Vec<QueryDecl>,
}

/// One `query name(...) { ... }` declaration. Filled in by the query-language implementation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryDecl {
    pub name: String,
}

/// Parse a whole `.gq` file.
pub fn parse_query(_text: &str) -> Result<QueryFile, QueryError> {
    Err(QueryError::Syntax(
        "query language not implemented yet".into(),
    ))
}

/// Type-check one declaration against a schema catalog.
pub fn typecheck_query_decl(_catalog: &Catalog, _decl: &QueryDecl) -> Result<(), QueryError> {
    Err(QueryError::Type(
        "query language not implemented yet".into(),
    ))
}
