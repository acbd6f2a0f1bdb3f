//! Mutation declarations (query-language.md §8.8): each `insert`, `update` and `delete`
//! statement on its own, against the node or edge type it targets.

use std::collections::{BTreeMap, BTreeSet};

use super::{Check, assign_mismatch, check_literal, check_now};
use crate::query::ast::*;
use crate::query::types::{Scalar, Ty, compatible};
use crate::schema::{Catalog, NodeType, PropType};

/// The type of an edge's `from`/`to` endpoints in mutations: the key value of a node.
const STRING_ENDPOINT: Ty<'static> = Ty::of(Scalar::String);

pub(super) struct MutationCx<'a> {
    catalog: &'a Catalog,
    params: BTreeMap<&'a str, Ty<'static>>,
}

impl<'a> MutationCx<'a> {
    pub(super) fn new(catalog: &'a Catalog, params: BTreeMap<&'a str, Ty<'static>>) -> Self {
        MutationCx { catalog, params }
    }

    pub(super) fn check(&self, mutation: &'a Mutation) -> Check<String> {
        match mutation {
            Mutation::Insert(insert) => self.insert(insert),
            Mutation::Update(update) => self.update(update),
            Mutation::Delete(delete) => self.delete(delete),
        }
        .map(|()| self.target(mutation))
    }

    fn target(&self, mutation: &Mutation) -> String {
        match mutation {
            Mutation::Insert(m) => m.type_name.clone(),
            Mutation::Update(m) => m.type_name.clone(),
            Mutation::Delete(m) => m.type_name.clone(),
        }
    }

    /// V-LIT / V-PARAM / V-NOW against expected type `e` (no membership semantics).
    fn value(&self, prop: &str, e: Ty<'_>, value: &MatchValue) -> Check {
        match value {
            MatchValue::Literal(lit) => check_literal(prop, e, lit),
            MatchValue::Variable(name) => {
                let Some(&a) = self.params.get(name.as_str()) else {
                    return Err(format!(
                        "T14: mutation variable `${name}` must be a declared query parameter"
                    ));
                };
                // V-3: a String parameter may stand for a Blob.
                if compatible(a, e) || (e.scalar == Scalar::Blob && a.is(Scalar::String)) {
                    Ok(())
                } else {
                    Err(assign_mismatch(a, e, prop))
                }
            }
            MatchValue::Now => check_now(prop, e),
        }
    }

    /// M-06 / M-18: the first property assigned a second time.
    fn duplicates(assignments: &[Assignment]) -> Check {
        let mut seen = BTreeSet::new();
        for a in assignments {
            if !seen.insert(a.property.as_str()) {
                return Err(format!(
                    "T13: duplicate assignment for property `{}`",
                    a.property
                ));
            }
        }
        Ok(())
    }

    fn insert(&self, insert: &'a Insert) -> Check {
        let type_name = insert.type_name.as_str();
        if insert.assignments.is_empty() {
            return Err("T10: insert mutation requires at least one assignment".to_owned());
        }
        Self::duplicates(&insert.assignments)?;
        let assigned: BTreeSet<&str> = insert
            .assignments
            .iter()
            .map(|a| a.property.as_str())
            .collect();
        if let Some(node) = self.catalog.node(type_name) {
            for a in &insert.assignments {
                let pt = property(&node.properties, type_name, &a.property)?;
                self.value(&a.property, Ty::from_prop(pt), &a.value)?;
            }
            // M-08 / M-09.
            for (name, pt) in required_order(&node.columns, &node.properties) {
                if pt.nullable || assigned.contains(name) {
                    continue;
                }
                match node.embed_sources.get(name) {
                    Some(src) if assigned.contains(src.as_str()) => {}
                    Some(src) => {
                        return Err(format!(
                            "T12: insert for `{type_name}` must provide non-nullable property `{name}` or @embed source `{src}`"
                        ));
                    }
                    None => {
                        return Err(format!(
                            "T12: insert for `{type_name}` must provide non-nullable property `{name}`"
                        ));
                    }
                }
            }
            Ok(())
        } else if let Some(edge) = self.catalog.edge_types.get(type_name) {
            for a in &insert.assignments {
                let prop = a.property.as_str();
                if prop == "from" || prop == "to" {
                    self.value(prop, STRING_ENDPOINT, &a.value)?;
                } else {
                    let pt = property(&edge.properties, type_name, prop)?;
                    self.value(prop, Ty::from_prop(pt), &a.value)?;
                }
            }
            for endpoint in ["from", "to"] {
                if !assigned.contains(endpoint) {
                    return Err(format!(
                        "T12: insert for `{type_name}` must provide required endpoint `{endpoint}`"
                    ));
                }
            }
            for (name, pt) in required_order(&edge.columns, &edge.properties) {
                if !pt.nullable && !assigned.contains(name) {
                    return Err(format!(
                        "T12: insert for `{type_name}` must provide non-nullable property `{name}`"
                    ));
                }
            }
            Ok(())
        } else {
            Err(format!("T10: unknown node/edge type `{type_name}`"))
        }
    }

    fn update(&self, update: &'a Update) -> Check {
        let type_name = update.type_name.as_str();
        let Some(node) = self.catalog.node(type_name) else {
            return Err(if self.catalog.edge_types.contains_key(type_name) {
                format!("T16: update mutation for edge type `{type_name}` is not supported")
            } else {
                format!("T10: unknown node/edge type `{type_name}`")
            });
        };
        if update.assignments.is_empty() {
            return Err("T10: update mutation requires at least one assignment".to_owned());
        }
        Self::duplicates(&update.assignments)?;
        for a in &update.assignments {
            let pt = property(&node.properties, type_name, &a.property)?;
            self.value(&a.property, Ty::from_prop(pt), &a.value)?;
        }
        self.node_predicate(node, type_name, &update.predicate)
    }

    fn delete(&self, delete: &'a Delete) -> Check {
        let type_name = delete.type_name.as_str();
        let predicate = &delete.predicate;
        if let Some(node) = self.catalog.node(type_name) {
            self.node_predicate(node, type_name, predicate)
        } else if let Some(edge) = self.catalog.edge_types.get(type_name) {
            let prop = predicate.property.as_str();
            if prop == "from" || prop == "to" {
                self.value(prop, STRING_ENDPOINT, &predicate.value)
            } else {
                // No Blob restriction on edge predicates.
                let pt = property(&edge.properties, type_name, prop)?;
                self.value(prop, Ty::from_prop(pt), &predicate.value)
            }
        } else {
            Err(format!("T10: unknown node/edge type `{type_name}`"))
        }
    }

    /// M-20, M-21, then the plain value check (the operator is never checked).
    fn node_predicate(&self, node: &NodeType, type_name: &str, predicate: &Predicate) -> Check {
        let prop = predicate.property.as_str();
        let pt = property(&node.properties, type_name, prop)?;
        let e = Ty::from_prop(pt);
        if e.scalar == Scalar::Blob {
            return Err(format!(
                "T11: blob property `{prop}` cannot be used in WHERE predicates"
            ));
        }
        self.value(prop, e, &predicate.value)
    }
}

/// M-07 / M-10 / M-19 / M-20 / M-22.
fn property<'p>(
    properties: &'p BTreeMap<String, PropType>,
    type_name: &str,
    prop: &str,
) -> Check<&'p PropType> {
    properties
        .get(prop)
        .ok_or_else(|| format!("T11: type `{type_name}` has no property `{prop}`"))
}

/// The order in which required properties are checked (M-08/M-09/M-13). The reference iterates a
/// hash map, so which missing property it names is random (§10.1); we use schema declaration
/// order (the catalog's column list), then any property not listed there in name order.
fn required_order<'p>(
    columns: &'p [(String, PropType)],
    properties: &'p BTreeMap<String, PropType>,
) -> impl Iterator<Item = (&'p str, &'p PropType)> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut order: Vec<(&str, &PropType)> = Vec::with_capacity(properties.len());
    let listed = columns.iter().map(|(name, _)| name.as_str());
    for name in listed.chain(properties.keys().map(String::as_str)) {
        if let Some((key, pt)) = properties.get_key_value(name)
            && seen.insert(key.as_str())
        {
            order.push((key.as_str(), pt));
        }
    }
    order.into_iter()
}
