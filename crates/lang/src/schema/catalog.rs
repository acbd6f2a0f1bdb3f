//! The catalog built from an accepted schema: what the query type-checker (and graph observation)
//! needs to know about node types, edge types and interfaces (schema-language.md §9).

use std::collections::{BTreeMap, BTreeSet};

/// Base scalar of a property (schema-language.md §8.5). Both languages use it: the schema to
/// declare properties, the query checker to type values against them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarType {
    String,
    Bool,
    I32,
    I64,
    U32,
    U64,
    F32,
    F64,
    Date,
    DateTime,
    Blob,
    /// `Vector(n)`, 1 ≤ n ≤ 2147483647.
    Vector(u32),
}

/// A property's full type. Enums are `scalar = String`, `list = false`,
/// `enum_values = Some(sorted, deduplicated values)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PropType {
    pub scalar: ScalarType,
    pub nullable: bool,
    pub list: bool,
    pub enum_values: Option<Vec<String>>,
}

impl ScalarType {
    /// One of the eleven base type keywords (`Vector(N)` is spelled differently and parsed apart).
    pub fn from_name(name: &str) -> Option<ScalarType> {
        Some(match name {
            "String" => ScalarType::String,
            "Blob" => ScalarType::Blob,
            "Bool" => ScalarType::Bool,
            "I32" => ScalarType::I32,
            "I64" => ScalarType::I64,
            "U32" => ScalarType::U32,
            "U64" => ScalarType::U64,
            "F32" => ScalarType::F32,
            "F64" => ScalarType::F64,
            "DateTime" => ScalarType::DateTime,
            "Date" => ScalarType::Date,
            _ => return None,
        })
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ScalarType::I32
                | ScalarType::I64
                | ScalarType::U32
                | ScalarType::U64
                | ScalarType::F32
                | ScalarType::F64
        )
    }

    pub fn is_integer(self) -> bool {
        matches!(
            self,
            ScalarType::I32 | ScalarType::I64 | ScalarType::U32 | ScalarType::U64
        )
    }

    /// The type as messages print it: the keyword, or `Vector(768)` with its dimension.
    pub fn display_name(self) -> String {
        match self {
            ScalarType::Vector(dim) => format!("Vector({dim})"),
            scalar => scalar.name().to_string(),
        }
    }

    /// The base type name as written (`Vector` without its dimension).
    pub fn name(&self) -> &'static str {
        match self {
            ScalarType::String => "String",
            ScalarType::Bool => "Bool",
            ScalarType::I32 => "I32",
            ScalarType::I64 => "I64",
            ScalarType::U32 => "U32",
            ScalarType::U64 => "U64",
            ScalarType::F32 => "F32",
            ScalarType::F64 => "F64",
            ScalarType::Date => "Date",
            ScalarType::DateTime => "DateTime",
            ScalarType::Blob => "Blob",
            ScalarType::Vector(_) => "Vector",
        }
    }
}

impl PropType {
    /// The type as messages print it (schema-language.md §5.3): `String`, `I32?`, `[String]?`,
    /// `enum(a, b)`, `Vector(768)?`. It is also valid `.pg` syntax for the type.
    pub fn display_name(&self) -> String {
        display_type(
            self.scalar,
            self.enum_values.as_deref(),
            self.list,
            self.nullable,
        )
    }
}

/// `String`, `I32?`, `[String]?`, `enum(a, b)`, `Vector(768)?`: how both languages' messages
/// print a property-shaped type (schema-language.md §5.3, query-language.md §6.2). Enum values
/// are printed in the order given.
pub(crate) fn display_type(
    scalar: ScalarType,
    enum_values: Option<&[String]>,
    list: bool,
    nullable: bool,
) -> String {
    let base = match enum_values {
        Some(values) => format!("enum({})", values.join(", ")),
        None => scalar.display_name(),
    };
    let base = if list { format!("[{base}]") } else { base };
    if nullable { format!("{base}?") } else { base }
}

/// Numeric bound of a `@range` constraint.
#[derive(Debug, Clone, PartialEq)]
pub enum RangeBound {
    Integer(i64),
    Float(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RangeConstraint {
    pub property: String,
    pub min: Option<RangeBound>,
    pub max: Option<RangeBound>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckConstraint {
    pub property: String,
    pub pattern: String,
}

/// Edge cardinality: `max = None` means unbounded. Default `0..`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cardinality {
    pub min: u32,
    pub max: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeType {
    pub name: String,
    /// Own plus injected properties; a name declared twice keeps the last declaration.
    /// No implicit `id` entry.
    pub properties: BTreeMap<String, PropType>,
    /// Row shape: `id` then every property in list order (own in source order, then injected),
    /// duplicates repeated.
    pub columns: Vec<(String, PropType)>,
    /// Key column names, if the node has a key.
    pub key: Option<Vec<String>>,
    /// Vector property → source property, one entry per `@embed(src)`.
    pub embed_sources: BTreeMap<String, String>,
    /// Interface names as written.
    pub implements: Vec<String>,
    pub unique: Vec<Vec<String>>,
    pub indices: Vec<Vec<String>>,
    pub ranges: Vec<RangeConstraint>,
    pub checks: Vec<CheckConstraint>,
    pub blob_properties: BTreeSet<String>,
    /// Header annotations carried through (e.g. `description`, `instruction`), name → value.
    pub annotations: BTreeMap<String, String>,
}

impl NodeType {
    /// The first key column (the usual single-column key), if the node has a key.
    pub fn key_property(&self) -> Option<&str> {
        self.key.as_ref()?.first().map(String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EdgeType {
    pub name: String,
    pub from_type: String,
    pub to_type: String,
    pub cardinality: Cardinality,
    /// Declared properties (endpoints are not properties).
    pub properties: BTreeMap<String, PropType>,
    /// Row shape: `id`, `src`, `dst`, then properties.
    pub columns: Vec<(String, PropType)>,
    pub unique: Vec<Vec<String>>,
    pub indices: Vec<Vec<String>>,
    pub blob_properties: BTreeSet<String>,
    pub annotations: BTreeMap<String, String>,
}

impl EdgeType {
    /// The lower-camel spelling queries conventionally use for this edge (`WorksAt` →
    /// `worksAt`). Any spelling that lower-cases to the same text finds it via
    /// [`Catalog::lookup_edge`].
    pub fn query_name(&self) -> String {
        let mut chars = self.name.chars();
        match chars.next() {
            Some(first) => first.to_lowercase().chain(chars).collect(),
            None => String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct InterfaceType {
    pub name: String,
    pub properties: BTreeMap<String, PropType>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalog {
    pub node_types: BTreeMap<String, NodeType>,
    pub edge_types: BTreeMap<String, EdgeType>,
    /// Lower-cased edge name → edge name.
    pub edge_name_index: BTreeMap<String, String>,
    pub interfaces: BTreeMap<String, InterfaceType>,
}

impl Catalog {
    /// Node lookup is exact only.
    pub fn node(&self, name: &str) -> Option<&NodeType> {
        self.node_types.get(name)
    }

    /// Edge lookup: the exact name first, then the lower-cased spelling through the index
    /// (so `knows`, `KNOWS` and `Knows` all find edge `Knows`).
    pub fn lookup_edge(&self, name: &str) -> Option<&EdgeType> {
        if let Some(edge) = self.edge_types.get(name) {
            return Some(edge);
        }
        self.edge_name_index
            .get(&name.to_lowercase())
            .and_then(|exact| self.edge_types.get(exact))
    }
}
