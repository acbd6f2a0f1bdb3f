//! Mutation declarations (query-language.md §8.8): each `insert`, `update` and `delete`
//! statement on its own, against the node or edge type it targets.

use std::collections::{BTreeMap, BTreeSet};

use super::{Check, assign_mismatch, check_literal, check_now, error};
use crate::error::ErrorDetail;
use crate::query::ast::*;
use crate::query::types::{Scalar, Ty, compatible};
use crate::schema::{Catalog, NodeType, PropType};

/// The type of an edge's `from`/`to` endpoints in mutations: the key value of a node.
const STRING_ENDPOINT: Ty<'static> = Ty::of(Scalar::String);

/// The names that always denote an edge's endpoints in mutations.
const ENDPOINTS: [&str; 2] = ["from", "to"];

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
        .map(|()| mutation.target().0.to_owned())
    }

    /// T10 (M-14, M-16, M-23): the target is neither a node nor an edge type.
    fn unknown_type(&self, type_name: &str, span: Span) -> ErrorDetail {
        let types = self.catalog.node_types.keys();
        error(span, format!("T10: unknown node/edge type `{type_name}`"))
            .suggesting(type_name, types.chain(self.catalog.edge_types.keys()))
    }

    /// V-LIT / V-PARAM / V-NOW against expected type `e` (no membership semantics), for a value
    /// written at `span`.
    fn value(&self, prop: &str, e: Ty<'_>, value: &MatchValue, span: Span) -> Check {
        match value {
            MatchValue::Literal(lit) => check_literal(prop, e, lit, span),
            MatchValue::Variable(name) => {
                let Some(&a) = self.params.get(name.as_str()) else {
                    let message = format!(
                        "T14: mutation variable `${name}` must be a declared query parameter"
                    );
                    return Err(error(span, message).suggesting(name, self.params.keys()));
                };
                // V-3: a String parameter may stand for a Blob.
                if compatible(a, e) || (e.scalar == Scalar::Blob && a.is(Scalar::String)) {
                    Ok(())
                } else {
                    Err(assign_mismatch(a, e, prop, span))
                }
            }
            MatchValue::Now => check_now(prop, e, span),
        }
    }

    /// M-06 / M-18: the first property assigned a second time.
    fn duplicates(assignments: &[Assignment]) -> Check {
        let mut seen = BTreeSet::new();
        for a in assignments {
            if !seen.insert(a.property.as_str()) {
                let message = format!("T13: duplicate assignment for property `{}`", a.property);
                return Err(error(a.property_span, message));
            }
        }
        Ok(())
    }

    fn insert(&self, insert: &'a Insert) -> Check {
        let type_name = insert.type_name.as_str();
        let missing = |message: String| Err(error(insert.span, message));
        if insert.assignments.is_empty() {
            return missing("T10: insert mutation requires at least one assignment".to_owned());
        }
        Self::duplicates(&insert.assignments)?;
        let assigned: BTreeSet<&str> = insert
            .assignments
            .iter()
            .map(|a| a.property.as_str())
            .collect();
        if let Some(node) = self.catalog.node(type_name) {
            for a in &insert.assignments {
                let pt = property(&node.properties, type_name, a, &[])?;
                self.value(&a.property, Ty::from_prop(pt), &a.value, a.value_span)?;
            }
            // M-08 / M-09.
            for (name, pt) in required_order(&node.columns, &node.properties) {
                if pt.nullable || assigned.contains(name) {
                    continue;
                }
                match node.embed_sources.get(name) {
                    Some(src) if assigned.contains(src.as_str()) => {}
                    Some(src) => {
                        return missing(format!(
                            "T12: insert for `{type_name}` must provide non-nullable property `{name}` or @embed source `{src}`"
                        ));
                    }
                    None => {
                        return missing(format!(
                            "T12: insert for `{type_name}` must provide non-nullable property `{name}`"
                        ));
                    }
                }
            }
            Ok(())
        } else if let Some(edge) = self.catalog.edge_types.get(type_name) {
            for a in &insert.assignments {
                let prop = a.property.as_str();
                if ENDPOINTS.contains(&prop) {
                    self.value(prop, STRING_ENDPOINT, &a.value, a.value_span)?;
                } else {
                    let pt = property(&edge.properties, type_name, a, &ENDPOINTS)?;
                    self.value(prop, Ty::from_prop(pt), &a.value, a.value_span)?;
                }
            }
            for endpoint in ENDPOINTS {
                if !assigned.contains(endpoint) {
                    return missing(format!(
                        "T12: insert for `{type_name}` must provide required endpoint `{endpoint}`"
                    ));
                }
            }
            for (name, pt) in required_order(&edge.columns, &edge.properties) {
                if !pt.nullable && !assigned.contains(name) {
                    return missing(format!(
                        "T12: insert for `{type_name}` must provide non-nullable property `{name}`"
                    ));
                }
            }
            Ok(())
        } else {
            Err(self.unknown_type(type_name, insert.type_span))
        }
    }

    fn update(&self, update: &'a Update) -> Check {
        let type_name = update.type_name.as_str();
        let Some(node) = self.catalog.node(type_name) else {
            return Err(if self.catalog.edge_types.contains_key(type_name) {
                let message =
                    format!("T16: update mutation for edge type `{type_name}` is not supported");
                error(update.type_span, message)
            } else {
                self.unknown_type(type_name, update.type_span)
            });
        };
        if update.assignments.is_empty() {
            return Err(error(
                update.span,
                "T10: update mutation requires at least one assignment",
            ));
        }
        Self::duplicates(&update.assignments)?;
        for a in &update.assignments {
            let pt = property(&node.properties, type_name, a, &[])?;
            self.value(&a.property, Ty::from_prop(pt), &a.value, a.value_span)?;
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
            if ENDPOINTS.contains(&prop) {
                self.value(
                    prop,
                    STRING_ENDPOINT,
                    &predicate.value,
                    predicate.value_span,
                )
            } else {
                // No Blob restriction on edge predicates.
                let pt = property(&edge.properties, type_name, predicate, &ENDPOINTS)?;
                self.value(
                    prop,
                    Ty::from_prop(pt),
                    &predicate.value,
                    predicate.value_span,
                )
            }
        } else {
            Err(self.unknown_type(type_name, delete.type_span))
        }
    }

    /// M-20, M-21, then the plain value check (the operator is never checked).
    fn node_predicate(&self, node: &NodeType, type_name: &str, predicate: &Predicate) -> Check {
        let prop = predicate.property.as_str();
        let pt = property(&node.properties, type_name, predicate, &[])?;
        let e = Ty::from_prop(pt);
        if e.scalar == Scalar::Blob {
            let message = format!("T11: blob property `{prop}` cannot be used in WHERE predicates");
            return Err(error(predicate.property_span, message));
        }
        self.value(prop, e, &predicate.value, predicate.value_span)
    }
}

/// A property named in a mutation: an assignment's or a predicate's.
trait Named {
    fn name(&self) -> (&str, Span);
}

impl Named for Assignment {
    fn name(&self) -> (&str, Span) {
        (&self.property, self.property_span)
    }
}

impl Named for Predicate {
    fn name(&self) -> (&str, Span) {
        (&self.property, self.property_span)
    }
}

/// M-07 / M-10 / M-19 / M-20 / M-22: the property `named` names, else an error suggesting the
/// closest of the type's properties and `also` (an edge's endpoint names).
fn property<'p>(
    properties: &'p BTreeMap<String, PropType>,
    type_name: &str,
    named: &impl Named,
    also: &[&str],
) -> Check<&'p PropType> {
    let (prop, span) = named.name();
    properties.get(prop).ok_or_else(|| {
        let message = format!("T11: type `{type_name}` has no property `{prop}`");
        let candidates = properties
            .keys()
            .map(String::as_str)
            .chain(also.iter().copied());
        error(span, message).suggesting(prop, candidates)
    })
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
