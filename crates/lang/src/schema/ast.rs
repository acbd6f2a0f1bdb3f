//! The schema AST (schema-language.md §5.1): what `parse_schema` returns once every parse-stage
//! check has passed. It is the reference's post-resolution AST — interface properties injected,
//! property-level `@key`/`@unique`/`@index` desugared into constraints — with one addition: every
//! derived item is marked (`Property::injected_from`, `ConstraintOrigin::Annotation`), so the
//! pretty-printer can print exactly what was written and re-parsing gives the same AST.

use std::collections::HashMap;

use super::catalog::{Cardinality, CheckConstraint, PropType, RangeConstraint};

/// A whole `.pg` file: its declarations in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SchemaFile {
    pub declarations: Vec<Declaration>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Declaration {
    Interface(InterfaceDecl),
    Node(NodeDecl),
    Edge(EdgeDecl),
}

/// `interface Name { props }` — no annotations, no constraints.
#[derive(Debug, Clone, PartialEq)]
pub struct InterfaceDecl {
    pub name: String,
    pub properties: Vec<Property>,
}

/// `node Name @ann… implements I, … { props and body constraints }`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeDecl {
    pub name: String,
    pub annotations: Vec<Annotation>,
    /// Interface names as written, duplicates kept.
    pub implements: Vec<String>,
    /// Own properties in source order, then injected interface properties.
    pub properties: Vec<Property>,
    /// Body constraints in source order, then desugared property annotations (own properties,
    /// then injected ones).
    pub constraints: Vec<Constraint>,
}

/// `edge Name: From -> To @card(…) @ann… { props and body constraints }`.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeDecl {
    pub name: String,
    pub from_type: String,
    pub to_type: String,
    /// `0..` (unbounded) when no `@card` clause was written.
    pub cardinality: Cardinality,
    pub annotations: Vec<Annotation>,
    pub properties: Vec<Property>,
    pub constraints: Vec<Constraint>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub name: String,
    pub prop_type: PropType,
    pub annotations: Vec<Annotation>,
    /// `Some(interface)` when the property was injected into a node from that interface.
    pub injected_from: Option<String>,
}

/// `@name` or `@name(arg)`. A string argument is stored decoded (quotes removed, escapes
/// processed); any other argument is stored as its exact source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub name: String,
    pub value: Option<String>,
}

impl Annotation {
    /// Whether this annotation is named `name`.
    pub fn is(&self, name: &str) -> bool {
        self.name == name
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    pub kind: ConstraintKind,
    pub origin: ConstraintOrigin,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConstraintKind {
    Key(Vec<String>),
    Unique(Vec<String>),
    Index(Vec<String>),
    Range(RangeConstraint),
    Check(CheckConstraint),
}

/// Where a constraint came from: written in the body, or desugared from a property-level
/// `@key`/`@unique`/`@index` annotation (own or injected property).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintOrigin {
    Body,
    Annotation,
}

impl ConstraintKind {
    /// The constraint's name as written after `@`.
    pub fn name(&self) -> &'static str {
        match self {
            ConstraintKind::Key(_) => "key",
            ConstraintKind::Unique(_) => "unique",
            ConstraintKind::Index(_) => "index",
            ConstraintKind::Range(_) => "range",
            ConstraintKind::Check(_) => "check",
        }
    }
}

impl SchemaFile {
    pub fn interfaces(&self) -> impl Iterator<Item = &InterfaceDecl> {
        self.declarations.iter().filter_map(|d| match d {
            Declaration::Interface(i) => Some(i),
            _ => None,
        })
    }

    pub fn nodes(&self) -> impl Iterator<Item = &NodeDecl> {
        self.declarations.iter().filter_map(|d| match d {
            Declaration::Node(n) => Some(n),
            _ => None,
        })
    }

    pub fn edges(&self) -> impl Iterator<Item = &EdgeDecl> {
        self.declarations.iter().filter_map(|d| match d {
            Declaration::Edge(e) => Some(e),
            _ => None,
        })
    }
}

/// Desugar property-level `@key`/`@unique`/`@index` (§5.7): one constraint per annotation, in
/// annotation order. Shared by declaration building and interface injection.
pub(crate) fn desugar_property(property: &Property, out: &mut Vec<Constraint>) {
    for annotation in &property.annotations {
        let columns = vec![property.name.clone()];
        let kind = match annotation.name.as_str() {
            "key" => ConstraintKind::Key(columns),
            "unique" => ConstraintKind::Unique(columns),
            "index" => ConstraintKind::Index(columns),
            _ => continue,
        };
        out.push(Constraint {
            kind,
            origin: ConstraintOrigin::Annotation,
        });
    }
}

/// Property lookup by name over a node's or edge's property list, resolving a repeated name to
/// its first or its last declaration (the spec uses both). Short lists — nearly all of them — are
/// scanned; long ones get a hash map, so hostile inputs stay linear.
pub(crate) struct PropertyIndex<'a> {
    properties: &'a [Property],
    last: bool,
    map: Option<HashMap<&'a str, &'a Property>>,
}

impl<'a> PropertyIndex<'a> {
    const SCAN_LIMIT: usize = 16;

    pub fn first(properties: &'a [Property]) -> Self {
        Self::new(properties, false)
    }

    pub fn last(properties: &'a [Property]) -> Self {
        Self::new(properties, true)
    }

    fn new(properties: &'a [Property], last: bool) -> Self {
        let map = (properties.len() > Self::SCAN_LIMIT).then(|| {
            let mut map = HashMap::with_capacity(properties.len());
            for p in properties {
                if last {
                    map.insert(p.name.as_str(), p);
                } else {
                    map.entry(p.name.as_str()).or_insert(p);
                }
            }
            map
        });
        PropertyIndex {
            properties,
            last,
            map,
        }
    }

    pub fn get(&self, name: &str) -> Option<&'a Property> {
        if let Some(map) = &self.map {
            return map.get(name).copied();
        }
        let matches = |p: &&Property| p.name == name;
        if self.last {
            self.properties.iter().rev().find(matches)
        } else {
            self.properties.iter().find(matches)
        }
    }
}
