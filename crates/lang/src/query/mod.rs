//! The `.gq` stored-query language: source → declarations (`parse_query`), and the type-checker
//! (`typecheck_query_decl`). Specified by `shared/spec/query-language.md`; this module knows
//! nothing about clusters.
//!
//! Layout:
//! * `lexer` — the token rules, scanned directly on the source bytes (trivia, names, numbers and
//!   strings are `lang::text`'s, shared with the schema language);
//! * `parser` — a recursive-descent PEG with the reference's ordered choices, building the `ast`
//!   and collecting post-parse rejections. A file is first parsed without attempt tracking
//!   (alternatives that cannot start with the byte at hand are skipped); only if that fails is it
//!   parsed again with the reference's attempt tracking, to locate the syntax error exactly;
//! * `attempts` — that tracking, the grammar rules it reports and the first-byte filter of the
//!   untracked pass (as `schema::error` keeps the schema parser's apart);
//! * `report` — the plain words for what a syntax error expected; the report's layout and the
//!   words for what was found are `lang::text`'s, so both languages read alike;
//! * `types` — property/literal/parameter types, display names, compatibility;
//! * `typecheck` — the rules of §8, first error wins: `typecheck/read.rs` for read declarations,
//!   `typecheck/mutation.rs` for mutations.
//!
//! Deliberate differences from the reference, all allowed by the spec:
//! * Syntax errors keep the reference's position, layout and `parse error: ` prefix, but the last
//!   line says in plain words what was expected and what was found instead of listing grammar
//!   rule names, and a source line longer than 160 characters is shown as a window around the
//!   caret.
//! * Nesting (lists, calls, `not { }`) is bounded (about 120 levels); deeper input is a syntax
//!   error instead of a stack overflow (§10.6).
//! * When an insert misses several non-nullable properties (M-08/M-09/M-13), the reference names a
//!   random one (hash-map order, §10.1). We name the first in schema declaration order (the
//!   catalog's column order), falling back to name order for anything not listed there.

mod ast;
mod attempts;
mod lexer;
mod parser;
mod report;
mod typecheck;
mod types;

pub use ast::*;
pub use typecheck::Checked;

use crate::error::{ErrorDetail, detail_accessors};
use crate::schema::Catalog;

/// A query error. Its `Display` text is used verbatim as a diagnostic message; its
/// [`ErrorDetail`] also holds, as data, the span it points at, its rule and any suggestion.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Syntax error: Display = `parse error: «report»`.
    #[error("parse error: {0}")]
    Syntax(ErrorDetail),
    /// Post-parse rejection: Display = `parse error: parse error: «msg»`.
    #[error("parse error: parse error: {0}")]
    Parse(ErrorDetail),
    /// Type error: Display = `type error: «msg»`.
    #[error("type error: {0}")]
    Type(ErrorDetail),
}

detail_accessors!(QueryError {
    Syntax,
    Parse,
    Type
});

/// Parse a whole `.gq` file: the first syntax error, else the first post-parse rejection, else
/// every declaration in source order.
pub fn parse_query(text: &str) -> Result<QueryFile, QueryError> {
    parser::parse(text).map_err(|failure| match failure {
        parser::ParseFailure::Syntax(syntax) => QueryError::Syntax(report::render(text, &syntax)),
        parser::ParseFailure::PostParse(detail) => QueryError::Parse(detail),
    })
}

/// Type-check one declaration against a schema catalog.
pub fn typecheck_query_decl(catalog: &Catalog, decl: &QueryDecl) -> Result<Checked, QueryError> {
    typecheck::check(catalog, decl).map_err(QueryError::Type)
}
