//! The differ and everything derived from a change list: dispositions, blast radius, approvals
//! (contract §6.1–§6.4). Pure functions over digests and dependency edges.

use crate::address::Address;
use crate::addressed::{Dependency, Digests, Text};
use crate::glossary::PlanReason;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

pub use crate::addressed::Operation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Disposition {
    Applied,
    Derived,
    Deferred,
    Blocked,
}

impl Disposition {
    /// The word JSON uses (`applied`, `derived`, `deferred`, `blocked`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Disposition::Applied => "applied",
            Disposition::Derived => "derived",
            Disposition::Deferred => "deferred",
            Disposition::Blocked => "blocked",
        }
    }
}

pub const REASON_UNSUPPORTED_KIND: &str = PlanReason::ApplyUnsupportedKind.as_str();
pub const REASON_DEPENDENCY_MISSING: &str = PlanReason::DependencyMissing.as_str();
pub const REASON_DEPENDENCY_NOT_APPLIED: &str = PlanReason::DependencyNotApplied.as_str();
pub const APPROVAL_REASON: &str = "delete may remove deployed graph or schema definition";

/// One planned change. Its texts are shared with the desired revision (`Text`), so a plan of
/// 50,000 changes does not copy 50,000 addresses and digests again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub resource: Text,
    pub operation: Operation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before_digest: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_digest: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disposition: Option<Disposition>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "known_reason"
    )]
    pub reason: Option<Word>,
    /// What changed in the content, when it was asked for (`--diff`, the rich view); never part
    /// of a plan's JSON otherwise, nor of a saved plan.
    #[serde(default, skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub diff: Option<Arc<ContentDiff>>,
}

impl Change {
    /// Whether `apply` would act on this change now: it is executed (`applied`) or recomputed
    /// from the others (`derived`). Deferred and blocked changes wait for a later phase.
    pub fn moves_ledger(&self) -> bool {
        matches!(
            self.disposition,
            Some(Disposition::Applied | Disposition::Derived)
        )
    }
}

/// What changed in a resource's content (issue 18 §1): a unified diff of the texts, the reason
/// none can be shown, or, for a resource whose content is not in the catalog (a graph's derived
/// digest, a schema), what moved in words. `old` and `new` name where each side was read from
/// (`None`: the side does not exist, as for a create or a delete).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ContentDiff {
    Text {
        old: Option<String>,
        new: Option<String>,
        added: usize,
        removed: usize,
        /// The hunks (`@@ … @@` and ` `/`-`/`+` lines); empty when both sides are equal.
        unified: String,
    },
    Unavailable {
        old: Option<String>,
        new: Option<String>,
        note: String,
    },
    Digest {
        note: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlastRadius {
    pub resource: Text,
    pub affected: Vec<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRequirement {
    pub resource: Text,
    #[serde(deserialize_with = "approval_reason")]
    pub reason: Word,
}

/// A fixed word of the plan (a reason). An alias, because serde would borrow a field spelled
/// `&str` from the input, which a saved plan read from a file cannot lend.
pub type Word = &'static str;

/// A change's reason read back (from a saved plan): one of the plan reasons.
fn known_reason<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'static str>, D::Error> {
    let Some(text) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    PlanReason::parse(&text)
        .map(|reason| Some(reason.as_str()))
        .ok_or_else(|| serde::de::Error::custom(format!("unknown plan reason `{text}`")))
}

/// An approval's reason read back: there is one.
fn approval_reason<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let text = String::deserialize(d)?;
    (text == APPROVAL_REASON)
        .then_some(APPROVAL_REASON)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown approval reason `{text}`")))
}

/// Changes that turn `prior` (address → digest pairs in address order, e.g. a state's
/// resources) into `desired`, sorted by resource (§6.1). No dispositions yet. One merge of the
/// two sorted lists.
pub fn diff<'a>(
    prior: impl IntoIterator<Item = (&'a str, &'a str)>,
    desired: &Digests,
) -> Vec<Change> {
    let change = |resource: Text, operation, before: Option<&str>, after: Option<&Text>| Change {
        resource,
        operation,
        before_digest: before.map(Text::from),
        after_digest: after.cloned(),
        disposition: None,
        reason: None,
        diff: None,
    };
    let mut changes = Vec::new();
    let mut prior = prior.into_iter().peekable();
    for (address, after) in desired.pairs() {
        while let Some((gone, before)) = prior.next_if(|(p, _)| *p < address.as_ref()) {
            changes.push(change(gone.into(), Operation::Delete, Some(before), None));
        }
        match prior.next_if(|(p, _)| *p == address.as_ref()) {
            None => changes.push(change(
                address.clone(),
                Operation::Create,
                None,
                Some(after),
            )),
            Some((_, before)) if before != after.as_ref() => changes.push(change(
                address.clone(),
                Operation::Update,
                Some(before),
                Some(after),
            )),
            Some(_) => {}
        }
    }
    for (gone, before) in prior {
        changes.push(change(gone.into(), Operation::Delete, Some(before), None));
    }
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
        .map(|dep| dep.from.as_ref())
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
                if writes && policies_on_new_graphs.contains(change.resource.as_ref()) {
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
    let mut dependants: HashMap<&str, Vec<&Text>> = HashMap::new();
    for dep in dependencies {
        dependants.entry(&dep.to).or_default().push(&dep.from);
    }
    changes
        .iter()
        .filter_map(|change| {
            let affected = dependants.get(change.resource.as_ref())?;
            Some(BlastRadius {
                resource: change.resource.clone(),
                affected: affected.iter().map(|&from| from.clone()).collect(),
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
    use std::collections::BTreeMap;

    /// `diff` of two plain maps.
    fn run_diff(
        prior: &BTreeMap<String, String>,
        desired: &BTreeMap<String, String>,
    ) -> Vec<Change> {
        let desired = Digests::from_pairs(
            desired
                .iter()
                .map(|(a, d)| (a.as_str().into(), d.as_str().into()))
                .collect(),
        );
        diff(
            prior.iter().map(|(a, d)| (a.as_str(), d.as_str())),
            &desired,
        )
    }

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
                    c.resource.to_string(),
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
        let mut changes = run_diff(&BTreeMap::new(), &desired);
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
        let affected: Vec<&str> = blast[0].affected.iter().map(|a| a.as_ref()).collect();
        assert_eq!(
            affected,
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
        let mut changes = run_diff(&prior, &desired);
        classify(&mut changes, &[]);
        assert_eq!(changes[0].disposition, Some(Disposition::Derived));
        assert_eq!(changes[1].disposition, Some(Disposition::Applied));

        let desired = map(&[("graph.k", "new"), ("schema.k", "s2"), ("query.k.q", "q")]);
        let mut changes = run_diff(&prior, &desired);
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
        let mut changes = run_diff(&prior, &BTreeMap::new());
        classify(&mut changes, &[]);
        assert_eq!(changes[1].disposition, Some(Disposition::Blocked));
        assert_eq!(changes[1].reason, Some(REASON_DEPENDENCY_NOT_APPLIED));
        let gates: Vec<_> = approvals(&changes)
            .into_iter()
            .map(|a| a.resource.to_string())
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
            let changes = run_diff(&prior, &desired);
            let mut result = prior.clone();
            let mut seen = BTreeSet::new();
            for change in &changes {
                prop_assert!(seen.insert(change.resource.clone()));
                match change.operation {
                    Operation::Delete => { result.remove(change.resource.as_ref()); }
                    _ => { result.insert(change.resource.to_string(), change.after_digest.as_deref().unwrap_or_default().to_string()); }
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
