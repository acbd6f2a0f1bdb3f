//! The two OmniGraph languages. Neither module knows anything about clusters: the cluster code
//! reaches them only through `schema::parse_schema` → `schema::build_catalog` → `Catalog`, and
//! `query::parse_query` → `query::typecheck_query_decl(&Catalog, &QueryDecl)`. What the two front
//! ends share — trivia, string literals, base type names, the syntax-error report — is `text`.

//!
//! Errors of both languages carry their data apart from their text ([`ErrorDetail`]): the rule
//! broken, the [`Span`] of source they point at, and a suggestion for an unknown name; [`locate`]
//! turns a span's offset into a line, a column and the source line.

mod error;
mod peg;
pub mod query;
pub mod schema;
mod span;
mod suggest;
mod text;

pub use error::ErrorDetail;
pub use span::{Location, Span, locate};
