//! `cluster refresh --dry-run` (issue 17): everything `refresh` does up to its write (verify every
//! catalog blob, observe every declared graph root), then a report of what it would record
//! instead of the write: the nightly drift check Terraform users run as
//! `plan -refresh-only -detailed-exitcode`. Takes no lock (it only looks at it, like `status`)
//! and writes nothing.

use super::Context;
use super::session::{Locking, Session};
use super::sync::{SyncOperation, observe_into};
use crate::diagnostic::{Code, Diagnostic};
use crate::state::{ClusterState, LedgerView, ResourceStatusRecord, StateObservations};
use crate::store::STATE_FILE_REL;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The output object of `refresh --dry-run`: refresh's object (the ledger it would record,
/// without writing it), marked `dry_run`, with the list of what would change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftOutput {
    pub ok: bool,
    pub operation: SyncOperation,
    pub dry_run: bool,
    pub config_dir: String,
    pub state_observations: StateObservations,
    #[serde(flatten)]
    pub ledger: LedgerView,
    pub drift: Vec<Drift>,
    pub diagnostics: Vec<Diagnostic>,
}

/// One resource whose record refresh would change. Only what changes is present.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drift {
    pub resource: String,
    /// The recorded digest and the one refresh would record (`null`: none, or dropped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<Moved<Option<String>>>,
    /// The recorded status and the one refresh would record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Moved<Option<ResourceStatusRecord>>>,
    /// Observation fields that would change, by name (`observed_at` aside: it always moves).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub observation: BTreeMap<String, Moved<Value>>,
}

/// A value as recorded now and as refresh would record it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved<T> {
    pub before: T,
    pub after: T,
}

pub fn run(context: &Context<'_>) -> DriftOutput {
    let operation = SyncOperation::Refresh;
    let observe = Locking::Observe { warning: None };
    let (ledger, drift, end) = match Session::open_with(context, operation.label(), observe) {
        Err(early) => (LedgerView::default(), Vec::new(), early.end),
        Ok(mut session) => {
            let (ledger, drift) = execute(&mut session);
            (ledger, drift, session.close().1)
        }
    };
    DriftOutput {
        ok: end.ok(),
        operation,
        dry_run: true,
        config_dir: context.config_dir(),
        state_observations: end.observations,
        ledger,
        drift,
        diagnostics: end.diagnostics,
    }
}

fn execute(session: &mut Session<'_>) -> (LedgerView, Vec<Drift>) {
    let Some(loaded) = session.state.take() else {
        session.push(Diagnostic::new(
            Code::StateMissing,
            STATE_FILE_REL,
            "refresh requires an existing state.json; run `cluster import` to bootstrap state",
        ));
        return (LedgerView::default(), Vec::new());
    };
    let mut next = loaded.state.clone();
    observe_into(session, &mut next);
    let drift = compare(&loaded.state, &next);
    (next.into(), drift)
}

/// Every address whose digest, status or observation (timestamps aside) differs between the
/// recorded state and the one refresh would write, in address order.
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
    let fields = |value: Option<&Value>| {
        value
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (before, after) = (fields(before), fields(after));
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names
        .into_iter()
        .filter(|name| name.as_str() != "observed_at")
        .filter_map(|name| {
            let value = |fields: &serde_json::Map<String, Value>| {
                fields.get(name).cloned().unwrap_or(Value::Null)
            };
            moved(value(&before), value(&after)).map(|m| (name.clone(), m))
        })
        .collect()
}
