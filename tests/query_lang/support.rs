//! Catalogs for the query-language tests.
//!
//! Until the schema language is available on this branch, catalogs are built by hand from a
//! compact description mirroring `.pg` property types.

use omnigraph_cluster::lang::schema::{
    Cardinality, Catalog, EdgeType, NodeType, PropType, ScalarType,
};
use std::collections::{BTreeMap, BTreeSet};

/// The reference schema S of query-language.md §8.0, as text.
#[allow(dead_code)]
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

/// `String`, `I32?`, `[String]?`, `enum(b, a)?`, `Vector(3)?` → a catalog property type.
pub fn prop_type(text: &str) -> PropType {
    let (text, nullable) = match text.strip_suffix('?') {
        Some(t) => (t, true),
        None => (text, false),
    };
    if let Some(values) = text.strip_prefix("enum(").and_then(|t| t.strip_suffix(')')) {
        let mut values: Vec<String> = values.split(',').map(|v| v.trim().to_owned()).collect();
        values.sort();
        values.dedup();
        return PropType {
            scalar: ScalarType::String,
            nullable,
            list: false,
            enum_values: Some(values),
        };
    }
    let (text, list) = match text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        Some(t) => (t, true),
        None => (text, false),
    };
    let scalar = match text {
        "String" => ScalarType::String,
        "Bool" => ScalarType::Bool,
        "I32" => ScalarType::I32,
        "I64" => ScalarType::I64,
        "U32" => ScalarType::U32,
        "U64" => ScalarType::U64,
        "F32" => ScalarType::F32,
        "F64" => ScalarType::F64,
        "Date" => ScalarType::Date,
        "DateTime" => ScalarType::DateTime,
        "Blob" => ScalarType::Blob,
        other => {
            let dim = other
                .strip_prefix("Vector(")
                .and_then(|t| t.strip_suffix(')'))
                .and_then(|d| d.parse().ok())
                .unwrap_or_else(|| panic!("bad test type {other}"));
            ScalarType::Vector(dim)
        }
    };
    PropType {
        scalar,
        nullable,
        list,
        enum_values: None,
    }
}

fn props(list: &[(&str, &str)]) -> (BTreeMap<String, PropType>, Vec<(String, PropType)>) {
    let columns: Vec<(String, PropType)> = list
        .iter()
        .map(|(name, ty)| ((*name).to_owned(), prop_type(ty)))
        .collect();
    (columns.iter().cloned().collect(), columns)
}

/// A node type: properties in declaration order, `@embed(src)` pairs.
pub fn node(name: &str, list: &[(&str, &str)], embeds: &[(&str, &str)]) -> NodeType {
    let (properties, mut columns) = props(list);
    columns.insert(0, ("id".to_owned(), prop_type("String")));
    NodeType {
        name: name.to_owned(),
        blob_properties: properties
            .iter()
            .filter(|(_, t)| t.scalar == ScalarType::Blob)
            .map(|(n, _)| n.clone())
            .collect(),
        properties,
        columns,
        key: None,
        embed_sources: embeds
            .iter()
            .map(|(v, s)| ((*v).to_owned(), (*s).to_owned()))
            .collect(),
        implements: Vec::new(),
        unique: Vec::new(),
        indices: Vec::new(),
        ranges: Vec::new(),
        checks: Vec::new(),
        annotations: BTreeMap::new(),
    }
}

pub fn edge(name: &str, from: &str, to: &str, list: &[(&str, &str)]) -> EdgeType {
    let (properties, columns) = props(list);
    EdgeType {
        name: name.to_owned(),
        from_type: from.to_owned(),
        to_type: to.to_owned(),
        cardinality: Cardinality::default(),
        blob_properties: BTreeSet::new(),
        properties,
        columns,
        unique: Vec::new(),
        indices: Vec::new(),
        annotations: BTreeMap::new(),
    }
}

pub fn catalog(nodes: Vec<NodeType>, edges: Vec<EdgeType>) -> Catalog {
    let mut c = Catalog::default();
    for n in nodes {
        c.node_types.insert(n.name.clone(), n);
    }
    for e in edges {
        c.edge_name_index
            .insert(e.name.to_lowercase(), e.name.clone());
        c.edge_types.insert(e.name.clone(), e);
    }
    c
}

/// Schema S (§8.0).
pub fn schema_s() -> Catalog {
    catalog(
        vec![
            node(
                "Person",
                &[
                    ("name", "String"),
                    ("age", "I32?"),
                    ("tags", "[String]?"),
                    ("status", "enum(inactive, active)?"),
                    ("photo", "Blob?"),
                    ("born", "Date?"),
                    ("seen_at", "DateTime?"),
                    ("embedding", "Vector(3)?"),
                ],
                &[],
            ),
            node("Company", &[("name", "String")], &[]),
            node(
                "Doc",
                &[
                    ("slug", "String"),
                    ("body", "String?"),
                    ("embedding", "Vector(3)"),
                ],
                &[("embedding", "body")],
            ),
        ],
        vec![
            edge("Knows", "Person", "Person", &[("since", "Date?")]),
            edge(
                "WorksAt",
                "Person",
                "Company",
                &[("title", "String?"), ("weight", "F64")],
            ),
            edge("Cites", "Doc", "Doc", &[("note", "Blob?")]),
        ],
    )
}
