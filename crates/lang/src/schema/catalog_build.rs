//! Catalog construction (schema-language.md §6.4 and §9, phase 6, rules K1–K5): check that node
//! and edge names are unique and that edges join declared nodes, then lay out what the query
//! type-checker needs. Errors point at the offending name: the repeated declaration's, or the
//! unknown endpoint type (with the closest node name as a suggestion).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::ast::{
    Annotation, Constraint, ConstraintKind, EdgeDecl, NodeDecl, Property, SchemaFile, Span,
};
use super::catalog::{Catalog, EdgeType, InterfaceType, NodeType, PropType, ScalarType};
use crate::error::ErrorDetail;

/// An error of `rule` pointing at `span`.
fn error(rule: &'static str, span: Span, message: String) -> ErrorDetail {
    ErrorDetail::new(message).with_rule(rule).at(span)
}

pub(crate) fn build(file: &SchemaFile) -> Result<Catalog, ErrorDetail> {
    let mut node_names: HashSet<&str> = HashSet::new();
    for node in file.nodes() {
        if !node_names.insert(&node.name) {
            let message = format!("duplicate node type: {}", node.name);
            return Err(error("K1", node.name_span, message));
        }
    }
    // An unknown endpoint type, suggesting the closest node name (in declaration order).
    let unknown = |rule, name: &str, span, message| {
        error(rule, span, message).suggesting(name, file.nodes().map(|n| n.name.as_str()))
    };
    // Lower-cased edge name → first edge with that spelling.
    let mut folded: HashMap<String, &str> = HashMap::new();
    let mut edge_names: HashSet<&str> = HashSet::new();
    for edge in file.edges() {
        if !edge_names.insert(&edge.name) {
            let message = format!("duplicate edge type: {}", edge.name);
            return Err(error("K2", edge.name_span, message));
        }
        if !node_names.contains(edge.from_type.as_str()) {
            let message = format!(
                "edge {} references unknown source type: {}",
                edge.name, edge.from_type
            );
            return Err(unknown("K3", &edge.from_type, edge.from_span, message));
        }
        if !node_names.contains(edge.to_type.as_str()) {
            let message = format!(
                "edge {} references unknown target type: {}",
                edge.name, edge.to_type
            );
            return Err(unknown("K4", &edge.to_type, edge.to_span, message));
        }
        let lower = edge.name.to_lowercase();
        if let Some(earlier) = folded.get(&lower) {
            let message = format!(
                "edge name collision after case folding: '{}' conflicts with '{earlier}'",
                edge.name
            );
            return Err(error("K5", edge.name_span, message));
        }
        folded.insert(lower, &edge.name);
    }

    let mut interfaces = BTreeMap::new();
    for interface in file.interfaces() {
        // A later interface of the same name replaces the earlier one.
        let name = interface.name.clone();
        let properties = property_map(&interface.properties);
        interfaces.insert(name.clone(), InterfaceType { name, properties });
    }
    // Node and edge names are unique by now, so the maps can be bulk-built from their entries.
    Ok(Catalog {
        interfaces,
        node_types: file
            .nodes()
            .map(|node| (node.name.clone(), node_type(node)))
            .collect(),
        edge_types: file
            .edges()
            .map(|edge| (edge.name.clone(), edge_type(edge)))
            .collect(),
        edge_name_index: file
            .edges()
            .map(|edge| (edge.name.to_lowercase(), edge.name.clone()))
            .collect(),
    })
}

/// Name → type; a name declared twice keeps the last declaration.
fn property_map(properties: &[Property]) -> BTreeMap<String, PropType> {
    properties
        .iter()
        .map(|p| (p.name.clone(), p.prop_type.clone()))
        .collect()
}

fn implicit_string(name: &str) -> (String, PropType) {
    (
        name.to_string(),
        PropType {
            scalar: ScalarType::String,
            nullable: false,
            list: false,
            enum_values: None,
        },
    )
}

/// Row shape: the implicit columns, then every property in list order (duplicates repeated).
fn columns(implicit: &[&str], properties: &[Property]) -> Vec<(String, PropType)> {
    implicit
        .iter()
        .map(|name| implicit_string(name))
        .chain(
            properties
                .iter()
                .map(|p| (p.name.clone(), p.prop_type.clone())),
        )
        .collect()
}

fn blob_properties(properties: &[Property]) -> BTreeSet<String> {
    properties
        .iter()
        .filter(|p| p.prop_type.scalar == ScalarType::Blob)
        .map(|p| p.name.clone())
        .collect()
}

/// Header annotations, name → value (`""` when written without a value). Validation allows
/// `@description`/`@instruction` only once; for a repeated custom annotation the first is kept.
fn annotation_map(annotations: &[Annotation]) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for a in annotations {
        map.entry(a.name.clone())
            .or_insert_with(|| a.value.clone().unwrap_or_default());
    }
    map
}

/// Unique column lists; index column lists (a key implies an index, at the key's position).
fn unique_and_indices(constraints: &[Constraint]) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let mut unique = Vec::new();
    let mut indices = Vec::new();
    for constraint in constraints {
        match &constraint.kind {
            ConstraintKind::Unique(columns) => unique.push(columns.clone()),
            ConstraintKind::Key(columns) | ConstraintKind::Index(columns) => {
                indices.push(columns.clone())
            }
            ConstraintKind::Range(_) | ConstraintKind::Check(_) => {}
        }
    }
    (unique, indices)
}

fn node_type(node: &NodeDecl) -> NodeType {
    let (unique, indices) = unique_and_indices(&node.constraints);
    let mut key = None;
    let mut ranges = Vec::new();
    let mut checks = Vec::new();
    for constraint in &node.constraints {
        match &constraint.kind {
            ConstraintKind::Key(columns) => {
                key.get_or_insert_with(|| columns.clone());
            }
            ConstraintKind::Range(range) => ranges.push(range.clone()),
            ConstraintKind::Check(check) => checks.push(check.clone()),
            ConstraintKind::Unique(_) | ConstraintKind::Index(_) => {}
        }
    }
    let mut embed_sources = BTreeMap::new();
    for property in &node.properties {
        for a in &property.annotations {
            if let ("embed", Some(source)) = (a.name.as_str(), &a.value) {
                embed_sources.insert(property.name.clone(), source.clone());
            }
        }
    }
    NodeType {
        name: node.name.clone(),
        properties: property_map(&node.properties),
        columns: columns(&["id"], &node.properties),
        key,
        embed_sources,
        implements: node.implements.clone(),
        unique,
        indices,
        ranges,
        checks,
        blob_properties: blob_properties(&node.properties),
        annotations: annotation_map(&node.annotations),
    }
}

fn edge_type(edge: &EdgeDecl) -> EdgeType {
    let (unique, indices) = unique_and_indices(&edge.constraints);
    EdgeType {
        name: edge.name.clone(),
        from_type: edge.from_type.clone(),
        to_type: edge.to_type.clone(),
        cardinality: edge.cardinality,
        properties: property_map(&edge.properties),
        columns: columns(&["id", "src", "dst"], &edge.properties),
        unique,
        indices,
        blob_properties: blob_properties(&edge.properties),
        annotations: annotation_map(&edge.annotations),
    }
}
