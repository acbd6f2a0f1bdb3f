//! Arbitrary bytes → `parse_query` and, for every declaration that parses, `typecheck_query_decl`
//! against the spec's reference schema S: neither may panic, overflow the stack or hang, and every
//! error points into the text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use omnigraph_lang::query::{QueryError, parse_query, typecheck_query_decl};
use omnigraph_lang::schema::{Catalog, build_catalog, parse_schema};
use std::sync::OnceLock;

/// Schema S of query-language.md §8.0.
const SCHEMA_S: &str = include_str!("../../crates/lang/tests/query_lang/schema_s.pg");

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| match parse_schema(SCHEMA_S).and_then(|s| build_catalog(&s)) {
        Ok(catalog) => catalog,
        Err(e) => panic!("schema S must build: {e}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let catalog = catalog();
    if let Ok(text) = std::str::from_utf8(data) {
        // Every error points into the text it is about.
        let points_into = |e: &QueryError| {
            let span = e.span().expect("errors have a span");
            assert!(text.get(span.start..span.end).is_some(), "{e}: {span:?}");
        };
        match parse_query(text) {
            Ok(file) => {
                for decl in &file.queries {
                    assert_eq!(decl.name_span.slice(text), decl.name);
                    if let Err(e) = typecheck_query_decl(catalog, decl) {
                        points_into(&e);
                    }
                }
            }
            Err(e) => points_into(&e),
        }
    }
});
