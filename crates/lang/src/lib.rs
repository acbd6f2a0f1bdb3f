//! The two OmniGraph languages. Neither module knows anything about clusters: the cluster code
//! reaches them only through `schema::parse_schema` → `schema::build_catalog` → `Catalog`, and
//! `query::parse_query` → `query::typecheck_query_decl(&Catalog, &QueryDecl)`. What the two front
//! ends share — trivia, string literals, base type names, the syntax-error report — is `text`.

mod peg;
pub mod query;
pub mod schema;
mod text;
