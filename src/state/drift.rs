//! What differs between two states of the ledger, resource by resource: the drift that
//! `refresh --dry-run` reports and the history records of refresh and import keep. Pure.

use super::{ClusterState, ResourceStatusRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One resource whose record differs between two states. Only what changes is present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    pub resource: String,
    /// The digest before and after (`null`: none, or dropped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<Moved<Option<String>>>,
    /// The status record before and after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Moved<Option<ResourceStatusRecord>>>,
    /// Observation fields that would change, by name (`observed_at` aside: it always moves).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub observation: BTreeMap<String, Moved<Value>>,
}

/// A value in the earlier state and in the later one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moved<T> {
    pub before: T,
    pub after: T,
}

/// Every address whose digest, status or observation (timestamps aside) differs between
/// `before` and `after`, in address order.
pub fn compare(before: &ClusterState, after: &ClusterState) -> Vec<Drift> {
    let digest = |state: &ClusterState, address: &str| {
        state
            .applied_revision
            .resources
            .get(address)
            .map(|r| r.digest.clone())
    };
    let addresses: BTreeSet<&String> = [before, after]
        .into_iter()
        .flat_map(|state| {
            state
                .applied_revision
                .resources
                .keys()
                .chain(state.resource_statuses.keys())
                .chain(state.observations.keys())
        })
        .collect();
    addresses
        .into_iter()
        .filter_map(|address| {
            let drift = Drift {
                resource: address.clone(),
                digest: moved(digest(before, address), digest(after, address)),
                status: moved(
                    before.resource_statuses.get(address).cloned(),
                    after.resource_statuses.get(address).cloned(),
                ),
                observation: observation_changes(
                    before.observations.get(address),
                    after.observations.get(address),
                ),
            };
            let changed =
                drift.digest.is_some() || drift.status.is_some() || !drift.observation.is_empty();
            changed.then_some(drift)
        })
        .collect()
}

fn moved<T: PartialEq>(before: T, after: T) -> Option<Moved<T>> {
    (before != after).then_some(Moved { before, after })
}

/// The fields of two observation objects that differ, `observed_at` aside.
fn observation_changes(
    before: Option<&Value>,
    after: Option<&Value>,
) -> BTreeMap<String, Moved<Value>> {
    let (before, after) = (
        before.and_then(Value::as_object),
        after.and_then(Value::as_object),
    );
    let names: BTreeSet<&String> = before
        .into_iter()
        .chain(after)
        .flat_map(|m| m.keys())
        .collect();
    names
        .into_iter()
        .filter(|name| name.as_str() != "observed_at")
        .filter_map(|name| {
            let (old, new) = (field(before, name), field(after, name));
            (old != new).then(|| {
                let moved = Moved {
                    before: old.clone(),
                    after: new.clone(),
                };
                (name.clone(), moved)
            })
        })
        .collect()
}

/// Field `name` of an observation; one that is absent counts as `null`.
fn field<'a>(fields: Option<&'a serde_json::Map<String, Value>>, name: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    fields.and_then(|m| m.get(name)).unwrap_or(&NULL)
}
