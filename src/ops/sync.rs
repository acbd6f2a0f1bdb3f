//! `cluster refresh` and `cluster import`: observe every declared graph root read-only and record
//! what was seen in the ledger. Import creates the first state; refresh rewrites an existing one.

use super::{Finish, lock_or_warn};
use crate::catalog::{self, Finding};
use crate::desired::{self, Desired};
use crate::diagnostic::{Diagnostic, has_errors};
use crate::digest;
use crate::layout::{self, Layout, STATE_FILE_REL};
use crate::observe::{self, Observation};
use crate::ops::apply::state_query_digests;
use crate::runtime::Runtime;
use crate::state::{ClusterState, ResourceStatus, StateObservations, StatusRecord, ledger};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub const GRAPH_MISSING: &str = "derived graph root is missing";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SyncOperation {
    Refresh,
    Import,
}

impl SyncOperation {
    pub fn label(self) -> &'static str {
        match self {
            SyncOperation::Refresh => "refresh",
            SyncOperation::Import => "import",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncOutput {
    pub ok: bool,
    pub operation: SyncOperation,
    pub config_dir: String,
    pub state_observations: StateObservations,
    pub resource_digests: BTreeMap<String, String>,
    pub resource_statuses: BTreeMap<String, StatusRecord>,
    pub observations: BTreeMap<String, Value>,
    pub diagnostics: Vec<Diagnostic>,
}

impl SyncOutput {
    fn show_state(&mut self, state: &ClusterState) {
        self.resource_digests = state.digests();
        self.resource_statuses = state.resource_statuses.clone();
        self.observations = state.observations.clone();
    }
}

pub fn run(layout: &Layout, runtime: &Runtime, operation: SyncOperation) -> SyncOutput {
    let label = operation.label();
    let mut diagnostics = Vec::new();
    let desired = desired::load(layout, &mut diagnostics);
    let mut observations = StateObservations::new(layout);
    let mut output = SyncOutput {
        ok: false,
        operation,
        config_dir: layout::display(&layout.config_dir),
        state_observations: observations.clone(),
        resource_digests: BTreeMap::new(),
        resource_statuses: BTreeMap::new(),
        observations: BTreeMap::new(),
        diagnostics: Vec::new(),
    };
    let Some(desired) = desired else {
        return output.finish(observations, diagnostics);
    };
    if has_errors(&diagnostics) {
        output.resource_digests = desired.resource_digests.clone();
        return output.finish(observations, diagnostics);
    }

    let _guard = lock_or_warn(
        desired.state_lock,
        layout,
        runtime,
        label,
        &mut observations,
        &mut diagnostics,
    );
    let read = if has_errors(&diagnostics) {
        ledger::StateRead::Failed
    } else {
        ledger::read_state(layout, &mut observations, &mut diagnostics)
    };
    let (mut state, expected_cas) = match (read, operation) {
        (ledger::StateRead::Failed, _) => {
            output.resource_digests = desired.resource_digests.clone();
            return output.finish(observations, diagnostics);
        }
        (ledger::StateRead::Missing, SyncOperation::Refresh) => {
            diagnostics.push(Diagnostic::error(
                "state_missing",
                STATE_FILE_REL,
                "refresh requires an existing state.json; run `cluster import` to bootstrap state",
            ));
            return output.finish(observations, diagnostics);
        }
        (ledger::StateRead::Found { state, .. }, SyncOperation::Import) => {
            diagnostics.push(Diagnostic::error(
                "state_already_exists",
                STATE_FILE_REL,
                "import creates initial state only when state.json is missing; use `cluster refresh` for an existing state ledger",
            ));
            output.show_state(&state);
            return output.finish(observations, diagnostics);
        }
        (ledger::StateRead::Found { state, cas }, SyncOperation::Refresh) => (state, Some(cas)),
        (ledger::StateRead::Missing, SyncOperation::Import) => (
            ClusterState::empty(Some(desired.config_digest.clone())),
            None,
        ),
    };

    heal_payloads(layout, &mut state, &mut diagnostics);
    let failures = observe_graphs(layout, runtime, &desired, &mut state);
    if failures > 0 {
        diagnostics.push(Diagnostic::error(
            "graph_observation_error",
            "graphs",
            format!("{failures} graph observation(s) failed"),
        ));
    }
    if operation == SyncOperation::Import && has_errors(&diagnostics) {
        output.show_state(&state);
        return output.finish(observations, diagnostics);
    }
    state.state_revision = match operation {
        SyncOperation::Import => 1,
        SyncOperation::Refresh => state.state_revision.saturating_add(1),
    };
    ledger::write_state(
        layout,
        runtime,
        &state,
        expected_cas.as_deref(),
        &mut observations,
        &mut diagnostics,
    );
    output.show_state(&state);
    output.finish(observations, diagnostics)
}

/// Verify recorded payloads; drop drifted digests so `apply` republishes them (§3.5 step 9).
fn heal_payloads(layout: &Layout, state: &mut ClusterState, diagnostics: &mut Vec<Diagnostic>) {
    for (address, finding) in catalog::verify(layout, &state.digests()) {
        diagnostics.push(finding.diagnostic(&address));
        let record = match &finding {
            Finding::Missing => {
                state.applied_revision.resources.remove(&address);
                StatusRecord::new(
                    ResourceStatus::Drifted,
                    Some("payload_missing"),
                    Some("catalog payload blob is missing; re-run `cluster apply` to republish"),
                )
            }
            Finding::Mismatch { .. } => {
                state.applied_revision.resources.remove(&address);
                StatusRecord::new(
                    ResourceStatus::Drifted,
                    Some("payload_mismatch"),
                    Some(
                        "catalog payload blob does not match the recorded digest; re-run `cluster apply` to republish",
                    ),
                )
            }
            Finding::ReadError(text) => StatusRecord::new(
                ResourceStatus::Error,
                Some("payload_read_error"),
                Some(text),
            ),
        };
        state.resource_statuses.insert(address, record);
    }
}

/// Observe every declared graph in id order (§7.1); returns how many roots failed to open.
fn observe_graphs(
    layout: &Layout,
    runtime: &Runtime,
    desired: &Desired,
    state: &mut ClusterState,
) -> usize {
    let mut failures = 0;
    for (graph, desired_schema) in &desired.graphs {
        let root = layout.graph_root(graph);
        let observed_at = runtime.now_rfc3339();
        let graph_address = format!("graph.{graph}");
        let schema_address = format!("schema.{graph}");
        let (exists, manifest_version, schema_digest, matches, error, record) =
            match observe::observe(&root) {
                Observation::Missing => {
                    state.applied_revision.resources.remove(&graph_address);
                    state.applied_revision.resources.remove(&schema_address);
                    let record = StatusRecord::new(
                        ResourceStatus::Drifted,
                        Some("graph_missing"),
                        Some(GRAPH_MISSING),
                    );
                    (
                        false,
                        Value::Null,
                        Value::Null,
                        json!(false),
                        json!(GRAPH_MISSING),
                        record,
                    )
                }
                Observation::Live(live) => {
                    let live_digest = digest::sha256_hex(live.schema_text.as_bytes());
                    let composite = digest::graph_digest(
                        graph,
                        &live_digest,
                        state_query_digests(state, graph),
                    );
                    state.set_digest(&schema_address, live_digest.clone());
                    state.set_digest(&graph_address, composite);
                    let matches = &live_digest == desired_schema;
                    let record = if matches {
                        StatusRecord::new(ResourceStatus::Applied, None, None)
                    } else {
                        StatusRecord::new(
                            ResourceStatus::Drifted,
                            Some("schema_mismatch"),
                            Some("live schema digest differs from desired schema digest"),
                        )
                    };
                    (
                        true,
                        json!(live.manifest_version),
                        json!(live_digest),
                        json!(matches),
                        Value::Null,
                        record,
                    )
                }
                Observation::Failed(message) => {
                    failures += 1;
                    let record = StatusRecord::new(
                        ResourceStatus::Error,
                        Some("graph_observation_error"),
                        Some(&message),
                    );
                    (
                        true,
                        Value::Null,
                        Value::Null,
                        Value::Null,
                        json!(message),
                        record,
                    )
                }
            };
        state
            .resource_statuses
            .insert(graph_address.clone(), record.clone());
        state.resource_statuses.insert(schema_address, record);
        state.observations.insert(
            graph_address.clone(),
            json!({
                "kind": "graph",
                "address": graph_address,
                "graph_uri": layout::display(&root),
                "observed_at": observed_at,
                "exists": exists,
                "manifest_version": manifest_version,
                "schema_digest": schema_digest,
                "desired_schema_digest": desired_schema,
                "schema_matches_desired": matches,
                "error": error,
            }),
        );
    }
    failures
}
