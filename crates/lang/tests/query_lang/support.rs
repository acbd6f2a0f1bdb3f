//! Helpers shared by the query-language test modules: the reference schema S and catalogs built
//! from `.pg` text, parse and type-check shortcuts, the syntax-report reader, the `fails!` and
//! `passes!` test tables, and query skeletons.

pub use omnigraph_lang::query::{
    AggFunc, Checked, Clause, CompOp, ExprKind, Literal, MatchValue, Mutation, QueryDecl,
    QueryError, QueryFile, parse_query, typecheck_query_decl,
};
pub use omnigraph_lang::schema::{Catalog, build_catalog, parse_schema};
use std::sync::OnceLock;

/// The reference schema S of query-language.md §8.0, as text.
pub const SCHEMA_S: &str = include_str!("schema_s.pg");

/// The catalog of a schema given as `.pg` text (which must be valid).
pub fn catalog(text: &str) -> Catalog {
    match parse_schema(text).and_then(|schema| build_catalog(&schema)) {
        Ok(catalog) => catalog,
        Err(e) => panic!("test schema rejected: {e}\n{text}"),
    }
}

pub fn schema_s() -> &'static Catalog {
    static S: OnceLock<Catalog> = OnceLock::new();
    S.get_or_init(|| catalog(SCHEMA_S))
}

pub fn parse_ok(src: &str) -> QueryFile {
    match parse_query(src) {
        Ok(file) => file,
        Err(e) => panic!("expected {src:?} to parse, got:\n{e}"),
    }
}

pub fn decl(src: &str) -> QueryDecl {
    let mut file = parse_ok(src);
    assert!(!file.queries.is_empty(), "no declaration in {src:?}");
    file.queries.remove(0)
}

/// Type-checks the first declaration of `src` against `catalog`.
pub fn tc_with(catalog: &Catalog, src: &str) -> Result<Checked, String> {
    typecheck_query_decl(catalog, &decl(src)).map_err(|e| e.to_string())
}

pub fn tc(src: &str) -> Result<Checked, String> {
    tc_with(schema_s(), src)
}

pub fn parse_err(src: &str) -> String {
    match parse_query(src) {
        Ok(file) => panic!("expected {src:?} to be rejected, parsed {file:?}"),
        Err(e) => e.to_string(),
    }
}

/// The message line of a syntax error (`= …`), and its `line:column`.
pub fn syntax(src: &str) -> (String, String) {
    let err = parse_query(src).expect_err("expected a syntax error");
    assert!(
        matches!(err, QueryError::Syntax(_)),
        "not a syntax error: {err}"
    );
    let text = err.to_string();
    let pos = text
        .lines()
        .next()
        .and_then(|l| l.split("--> ").nth(1))
        .unwrap_or_default()
        .to_owned();
    let msg = text
        .lines()
        .last()
        .and_then(|l| l.split(" = ").nth(1))
        .unwrap_or_default()
        .to_owned();
    (pos, msg)
}

/// One test per case: the first declaration fails type-checking with exactly this Display text.
macro_rules! fails {
    ($($name:ident: $src:expr => $msg:expr;)*) => {$(
        #[test]
        fn $name() {
            assert_eq!(tc($src), Err(($msg).to_owned()), "{}", $src);
        }
    )*};
}

/// One test per case: the first declaration type-checks.
macro_rules! passes {
    ($($name:ident: $src:expr;)*) => {$(
        #[test]
        fn $name() {
            if let Err(e) = tc($src) {
                panic!("{}\n  → {e}", $src);
            }
        }
    )*};
}

pub const M: &str = "match { $p: Person }";
pub const R: &str = "return { $p }";

/// A read query around a match body.
pub fn with_match(clauses: &str) -> String {
    format!("query q($x: String) {{ match {{ {clauses} }} {R} }}")
}

/// A read query with this return body (and optional tail: order/limit).
pub fn with_return(projections: &str, tail: &str) -> String {
    format!("query q($x: String) {{ {M} return {{ {projections} }} {tail} }}")
}
