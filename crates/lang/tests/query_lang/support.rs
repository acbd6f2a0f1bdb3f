//! Catalogs for the query-language tests, built from `.pg` text by the schema language.

use omnigraph_lang::schema::{Catalog, build_catalog, parse_schema};

/// The reference schema S of query-language.md §8.0, as text.
pub const SCHEMA_S: &str = include_str!("schema_s.pg");

/// The catalog of a schema given as `.pg` text (which must be valid).
pub fn catalog(text: &str) -> Catalog {
    match parse_schema(text).and_then(|schema| build_catalog(&schema)) {
        Ok(catalog) => catalog,
        Err(e) => panic!("test schema rejected: {e}\n{text}"),
    }
}
