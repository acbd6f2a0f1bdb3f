//! Catalogs for the query-language tests, built from `.pg` text by the schema language.

use omnigraph_cluster::lang::schema::{Catalog, build_catalog, parse_schema};

/// The reference schema S of query-language.md §8.0, as text.
pub const SCHEMA_S: &str = r#"node Person {
    name: String @key
    age: I32?
    tags: [String]?
    status: enum(inactive, active)?
    photo: Blob?
    born: Date?
    seen_at: DateTime?
    embedding: Vector(3)?
}
node Company {
    name: String @key
}
node Doc {
    slug: String @key
    body: String?
    embedding: Vector(3) @embed(body)
}
edge Knows: Person -> Person {
    since: Date?
}
edge WorksAt: Person -> Company {
    title: String?
    weight: F64
}
edge Cites: Doc -> Doc {
    note: Blob?
}
"#;

/// The catalog of a schema given as `.pg` text (which must be valid).
pub fn catalog(text: &str) -> Catalog {
    match parse_schema(text).and_then(|schema| build_catalog(&schema)) {
        Ok(catalog) => catalog,
        Err(e) => panic!("test schema rejected: {e}\n{text}"),
    }
}
