//! The differ and everything derived from a change list: dispositions, blast radius, approvals
//! (contract §6.1–§6.4). Pure functions over digests and dependency edges.

use crate::address::Address;
use crate::desired::Dependency;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    Create,
    Update,
    Delete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Disposition {
    Applied,
    Derived,
    Deferred,
    Blocked,
}

pub const REASON_UNSUPPORTED_KIND: &str = "apply_unsupported_kind";
pub const REASON_DEPENDENCY_MISSING: &str = "dependency_missing";
pub const REASON_DEPENDENCY_NOT_APPLIED: &str = "dependency_not_applied";
pub const APPROVAL_REASON: &str = "delete may remove deployed graph or schema definition";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub resource: String,
    pub operation: Operation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before_digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disposition: Option<Disposition>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlastRadius {
    pub resource: String,
    pub affected: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalRequirement {
    pub resource: String,
    pub reason: &'static str,
}

/// Changes that turn `prior` into `desired`, sorted by resource (§6.1). No dispositions yet.
pub fn diff(prior: &BTreeMap<String, String>, desired: &BTreeMap<String, String>) -> Vec<Change> {
    let mut changes = Vec::new();
    for (address, after) in desired {
        let operation = match prior.get(address) {
            None => Operation::Create,
            Some(before) if before != after => Operation::Update,
            Some(_) => continue,
        };
        changes.push(Change {
            resource: address.clone(),
            operation,
            before_digest: prior.get(address).cloned(),
            after_digest: Some(after.clone()),
            disposition: None,
            reason: None,
        });
    }
    for (address, before) in prior {
        if !desired.contains_key(address) {
            changes.push(Change {
                resource: address.clone(),
                operation: Operation::Delete,
                before_digest: Some(before.clone()),
                after_digest: None,
                disposition: None,
                reason: None,
            });
        }
    }
    changes.sort_by(|a, b| a.resource.cmp(&b.resource));
    changes
}

/// Give every change its disposition and reason (§6.2).
pub fn classify(changes: &mut [Change], dependencies: &[Dependency]) {
    let mut schema_changed = BTreeSet::new();
    let mut graph_creates = BTreeSet::new();
    let mut graph_deletes = BTreeSet::new();
    for change in changes.iter() {
        match (Address::parse(&change.resource), change.operation) {
            (Some(Address::Schema(g)), _) => {
                schema_changed.insert(g.to_string());
            }
            (Some(Address::Graph(g)), Operation::Create) => {
                graph_creates.insert(g.to_string());
            }
            (Some(Address::Graph(g)), Operation::Delete) => {
                graph_deletes.insert(g.to_string());
            }
            _ => {}
        }
    }
    // Policies whose `applies_to` names a graph this plan creates: one lookup per change
    // instead of a scan of every edge.
    let policies_on_new_graphs: BTreeSet<&str> = dependencies
        .iter()
        .filter(|dep| {
            matches!(Address::parse(&dep.to), Some(Address::Graph(g)) if graph_creates.contains(g))
        })
        .map(|dep| dep.from.as_str())
        .collect();
    for change in changes.iter_mut() {
        use Disposition::*;
        let writes = change.operation != Operation::Delete;
        let (disposition, reason) = match Address::parse(&change.resource) {
            Some(Address::Schema(_)) | None => (Deferred, Some(REASON_UNSUPPORTED_KIND)),
            Some(Address::Graph(g)) => {
                if change.operation == Operation::Update && !schema_changed.contains(g) {
                    (Derived, None)
                } else {
                    (Deferred, Some(REASON_UNSUPPORTED_KIND))
                }
            }
            Some(Address::Query { graph, .. }) => {
                if !writes {
                    if graph_deletes.contains(graph) {
                        (Blocked, Some(REASON_DEPENDENCY_NOT_APPLIED))
                    } else {
                        (Applied, None)
                    }
                } else if graph_creates.contains(graph) {
                    (Blocked, Some(REASON_DEPENDENCY_MISSING))
                } else if schema_changed.contains(graph) {
                    (Blocked, Some(REASON_DEPENDENCY_NOT_APPLIED))
                } else {
                    (Applied, None)
                }
            }
            Some(Address::Policy(_)) => {
                if writes && policies_on_new_graphs.contains(change.resource.as_str()) {
                    (Blocked, Some(REASON_DEPENDENCY_MISSING))
                } else {
                    (Applied, None)
                }
            }
        };
        change.disposition = Some(disposition);
        change.reason = reason;
    }
}

/// For each change, the resources whose dependency edges point at it (§6.3), in the order of
/// the (sorted) dependency list.
pub fn blast_radius(changes: &[Change], dependencies: &[Dependency]) -> Vec<BlastRadius> {
    let mut dependants: HashMap<&str, Vec<&str>> = HashMap::new();
    for dep in dependencies {
        dependants.entry(&dep.to).or_default().push(&dep.from);
    }
    changes
        .iter()
        .filter_map(|change| {
            let affected = dependants.get(change.resource.as_str())?;
            Some(BlastRadius {
                resource: change.resource.clone(),
                affected: affected.iter().map(|from| from.to_string()).collect(),
            })
        })
        .collect()
}

/// Deletes of graphs and schemas need an operator's approval (§6.4).
pub fn approvals(changes: &[Change]) -> Vec<ApprovalRequirement> {
    changes
        .iter()
        .filter(|c| {
            c.operation == Operation::Delete
                && Address::parse(&c.resource).is_some_and(Address::is_graph_or_schema)
        })
        .map(|c| ApprovalRequirement {
            resource: c.resource.clone(),
            reason: APPROVAL_REASON,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn map(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries
            .iter()
            .map(|(a, d)| (a.to_string(), d.to_string()))
            .collect()
    }

    fn dep(from: &str, to: &str) -> Dependency {
        Dependency {
            from: from.into(),
            to: to.into(),
        }
    }

    fn standard_deps() -> Vec<Dependency> {
        vec![
            dep("policy.base", "graph.knowledge"),
            dep("query.knowledge.find_person", "graph.knowledge"),
            dep("query.knowledge.find_person", "schema.knowledge"),
            dep("schema.knowledge", "graph.knowledge"),
        ]
    }

    fn summary(changes: &[Change]) -> Vec<(String, Operation, Disposition, Option<&str>)> {
        changes
            .iter()
            .map(|c| {
                (
                    c.resource.clone(),
                    c.operation,
                    c.disposition.expect("classified"),
                    c.reason,
                )
            })
            .collect()
    }

    #[test]
    fn fresh_plan_defers_graph_and_blocks_dependants() {
        let desired = map(&[
            ("graph.knowledge", "g"),
            ("policy.base", "p"),
            ("query.knowledge.find_person", "q"),
            ("schema.knowledge", "s"),
        ]);
        let mut changes = diff(&BTreeMap::new(), &desired);
        classify(&mut changes, &standard_deps());
        use Disposition::*;
        use Operation::*;
        assert_eq!(
            summary(&changes),
            vec![
                (
                    "graph.knowledge".into(),
                    Create,
                    Deferred,
                    Some(REASON_UNSUPPORTED_KIND)
                ),
                (
                    "policy.base".into(),
                    Create,
                    Blocked,
                    Some(REASON_DEPENDENCY_MISSING)
                ),
                (
                    "query.knowledge.find_person".into(),
                    Create,
                    Blocked,
                    Some(REASON_DEPENDENCY_MISSING)
                ),
                (
                    "schema.knowledge".into(),
                    Create,
                    Deferred,
                    Some(REASON_UNSUPPORTED_KIND)
                ),
            ]
        );
        let blast = blast_radius(&changes, &standard_deps());
        assert_eq!(blast.len(), 2);
        assert_eq!(
            blast[0].affected,
            vec![
                "policy.base",
                "query.knowledge.find_person",
                "schema.knowledge"
            ]
        );
        assert!(approvals(&changes).is_empty());
    }

    #[test]
    fn graph_update_is_derived_unless_schema_changes() {
        let prior = map(&[("graph.k", "old"), ("schema.k", "s")]);
        let desired = map(&[("graph.k", "new"), ("schema.k", "s"), ("query.k.q", "q")]);
        let mut changes = diff(&prior, &desired);
        classify(&mut changes, &[]);
        assert_eq!(changes[0].disposition, Some(Disposition::Derived));
        assert_eq!(changes[1].disposition, Some(Disposition::Applied));

        let desired = map(&[("graph.k", "new"), ("schema.k", "s2"), ("query.k.q", "q")]);
        let mut changes = diff(&prior, &desired);
        classify(&mut changes, &[]);
        assert_eq!(changes[0].disposition, Some(Disposition::Deferred));
        assert_eq!(changes[1].reason, Some(REASON_DEPENDENCY_NOT_APPLIED));
    }

    #[test]
    fn deletes_of_graphs_need_approval_and_block_their_queries() {
        let prior = map(&[
            ("graph.old", "1"),
            ("schema.old", "2"),
            ("query.old.q", "3"),
        ]);
        let mut changes = diff(&prior, &BTreeMap::new());
        classify(&mut changes, &[]);
        assert_eq!(changes[1].disposition, Some(Disposition::Blocked));
        assert_eq!(changes[1].reason, Some(REASON_DEPENDENCY_NOT_APPLIED));
        let gates: Vec<_> = approvals(&changes)
            .into_iter()
            .map(|a| a.resource)
            .collect();
        assert_eq!(gates, vec!["graph.old", "schema.old"]);
    }

    fn digests() -> impl Strategy<Value = BTreeMap<String, String>> {
        proptest::collection::btree_map(
            "(graph|schema|policy)\\.[a-c]|query\\.[a-c]\\.[a-c]",
            "[0-3]",
            0..12,
        )
    }

    proptest! {
        /// Applying a diff to the prior map yields the desired map, and every address appears once.
        #[test]
        fn diff_is_exact(prior in digests(), desired in digests()) {
            let changes = diff(&prior, &desired);
            let mut result = prior.clone();
            let mut seen = BTreeSet::new();
            for change in &changes {
                prop_assert!(seen.insert(change.resource.clone()));
                match change.operation {
                    Operation::Delete => { result.remove(&change.resource); }
                    _ => { result.insert(change.resource.clone(), change.after_digest.clone().unwrap_or_default()); }
                }
            }
            prop_assert_eq!(result, desired);
            let mut sorted = changes.clone();
            sorted.sort_by(|a, b| a.resource.cmp(&b.resource));
            prop_assert_eq!(sorted, changes.clone());
            let mut classified = changes;
            classify(&mut classified, &[]);
            for change in &classified {
                let d = change.disposition;
                prop_assert!(d.is_some());
                prop_assert_eq!(change.reason.is_none(), matches!(d, Some(Disposition::Applied | Disposition::Derived)));
            }
        }
    }
}
