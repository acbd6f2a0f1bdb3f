//! The schema AST (schema-language.md §5.1): what `parse_schema` returns once every parse-stage
//! check has passed. It is the reference's post-resolution AST — interface properties injected,
//! property-level `@key`/`@unique`/`@index` desugared into constraints — with one addition: every
//! derived item is marked (`Property::injected_from`, `ConstraintOrigin::Annotation`), so the
//! pretty-printer can print exactly what was written and re-parsing gives the same AST.
//!
//! Declarations, properties, annotations and constraints carry the [`Span`]s of their names and
//! text, which errors point at. Spans are not part of a tree's equality: a tree equals the tree
//! of its pretty-printed text.

use std::collections::HashMap;

use super::catalog::{Cardinality, CheckConstraint, PropType, RangeConstraint};
pub use crate::span::Span;
use crate::span::eq_ignoring_spans;

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

impl Declaration {
    /// The declared name and where it is written.
    pub fn name(&self) -> (&str, Span) {
        match self {
            Declaration::Interface(i) => (&i.name, i.name_span),
            Declaration::Node(n) => (&n.name, n.name_span),
            Declaration::Edge(e) => (&e.name, e.name_span),
        }
    }
}

/// `interface Name { props }` — no annotations, no constraints.
#[derive(Debug, Clone)]
pub struct InterfaceDecl {
    pub name: String,
    pub properties: Vec<Property>,
    pub name_span: Span,
}

eq_ignoring_spans!(InterfaceDecl { name, properties } ignoring { name_span });

/// `node Name @ann… implements I, … { props and body constraints }`.
#[derive(Debug, Clone)]
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
    pub name_span: Span,
    /// Where each name of `implements` is written, in the same order.
    pub implements_spans: Vec<Span>,
}

eq_ignoring_spans!(NodeDecl { name, annotations, implements, properties, constraints } ignoring {
    name_span, implements_spans,
});

/// `edge Name: From -> To @card(…) @ann… { props and body constraints }`.
#[derive(Debug, Clone)]
pub struct EdgeDecl {
    pub name: String,
    pub from_type: String,
    pub to_type: String,
    /// `0..` (unbounded) when no `@card` clause was written.
    pub cardinality: Cardinality,
    pub annotations: Vec<Annotation>,
    pub properties: Vec<Property>,
    pub constraints: Vec<Constraint>,
    pub name_span: Span,
    pub from_span: Span,
    pub to_span: Span,
}

eq_ignoring_spans!(EdgeDecl {
    name, from_type, to_type, cardinality, annotations, properties, constraints,
} ignoring { name_span, from_span, to_span });

#[derive(Debug, Clone)]
pub struct Property {
    pub name: String,
    pub prop_type: PropType,
    pub annotations: Vec<Annotation>,
    /// `Some(interface)` when the property was injected into a node from that interface.
    pub injected_from: Option<String>,
    /// Where the name is written (an injected property's: in its interface).
    pub name_span: Span,
    /// The type as written, `?` included.
    pub type_span: Span,
}

eq_ignoring_spans!(Property { name, prop_type, annotations, injected_from } ignoring {
    name_span, type_span,
});

/// `@name` or `@name(arg)`. A string argument is stored decoded (quotes removed, escapes
/// processed); any other argument is stored as its exact source text.
#[derive(Debug, Clone)]
pub struct Annotation {
    pub name: String,
    pub value: Option<String>,
    /// From `@` to the end of the argument.
    pub span: Span,
}

eq_ignoring_spans!(Annotation { name, value } ignoring { span });
impl Eq for Annotation {}

impl Annotation {
    /// Whether this annotation is named `name`.
    pub fn is(&self, name: &str) -> bool {
        self.name == name
    }
}

#[derive(Debug, Clone)]
pub struct Constraint {
    pub kind: ConstraintKind,
    pub origin: ConstraintOrigin,
    /// The body constraint as written (`@key(a, b)`), or the property annotation it was
    /// desugared from (`@key`).
    pub span: Span,
    /// Where each argument is written: a body constraint's arguments in order, or a desugared
    /// constraint's property name.
    pub arg_spans: Vec<Span>,
}

eq_ignoring_spans!(Constraint { kind, origin } ignoring { span, arg_spans });

impl Constraint {
    /// Where the `i`-th argument (column, or a range's/check's property) is written, or the
    /// whole constraint if that is not known.
    pub fn arg_span(&self, i: usize) -> Span {
        self.arg_spans.get(i).copied().unwrap_or(self.span)
    }
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
            span: annotation.span,
            arg_spans: vec![property.name_span],
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

    /// Every property name, in list order.
    pub fn names(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.properties.iter().map(|p| p.name.as_str())
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
