//! `cluster refresh` and `cluster import` (§3.5): observe every declared graph root read-only
//! and record what was seen in the ledger. Import creates the first state; refresh rewrites an
//! existing one.

use super::Context;
use super::session::Session;
use crate::address::Address;
use crate::blobs::{self, Finding};
use crate::diagnostic::{Code, Diagnostic};
use crate::digest;
use crate::glossary::StatusCondition;
use crate::observe::{self, LiveGraph, Observation};
use crate::state::{
    ClusterState, LedgerView, ResourceStatus, ResourceStatusRecord, StateObservations,
};
use crate::store::STATE_FILE_REL;
use serde::Serialize;
use serde_json::{Value, json};

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
    #[serde(flatten)]
    pub ledger: LedgerView,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn run(context: &Context<'_>, operation: SyncOperation) -> SyncOutput {
    let (shown, end) = match Session::open(context, operation.label()) {
        // Stopped before the state: the desired digests, if the config parsed (§3.5 step 3).
        Err(early) => {
            let resource_digests = early
                .desired
                .map(|d| d.resource_digests)
                .unwrap_or_default();
            let shown = LedgerView {
                resource_digests,
                ..LedgerView::default()
            };
            (shown, early.end)
        }
        Ok(mut session) => {
            let shown = execute(&mut session, operation);
            (shown, session.close().1)
        }
    };
    SyncOutput {
        ok: end.ok(),
        operation,
        config_dir: context.config_dir(),
        state_observations: end.observations,
        ledger: shown,
        diagnostics: end.diagnostics,
    }
}

/// §3.5 steps 7–14, on an opened session.
fn execute(session: &mut Session<'_>, operation: SyncOperation) -> LedgerView {
    let (mut state, before) = match (session.state.take(), operation) {
        (None, SyncOperation::Refresh) => {
            session.push(Diagnostic::new(
                Code::StateMissing,
                STATE_FILE_REL,
                "refresh requires an existing state.json; run `cluster import` to bootstrap state",
            ));
            return LedgerView::default();
        }
        (Some(loaded), SyncOperation::Import) => {
            session.push(Diagnostic::new(
                Code::StateAlreadyExists,
                STATE_FILE_REL,
                "import creates initial state only when state.json is missing; use `cluster refresh` for an existing state ledger",
            ));
            return loaded.state.into();
        }
        // The state read is kept as it was: the history records what this refresh changed.
        (Some(loaded), SyncOperation::Refresh) => (loaded.state.clone(), Some(loaded)),
        (None, SyncOperation::Import) => (
            ClusterState::empty(Some(session.desired.config_digest.clone())),
            None,
        ),
    };
    observe_into(session, &mut state);
    if operation == SyncOperation::Import && session.has_errors() {
        return state.into();
    }
    state.state_revision = match operation {
        SyncOperation::Import => 1,
        SyncOperation::Refresh => state.state_revision.saturating_add(1),
    };
    session.write_state(&state, before.as_ref().map(|b| (&b.state, &b.version)));
    state.into()
}

/// §3.5 steps 9–11 on `state`: verify the recorded payloads, observe every declared graph root,
/// and record what was found, as refresh and import write it (and `refresh --dry-run` shows it).
pub(super) fn observe_into(session: &mut Session<'_>, state: &mut ClusterState) {
    heal_payloads(session, state);
    let failures = observe_graphs(session, state);
    if failures > 0 {
        session.push(Diagnostic::new(
            Code::GraphObservationError,
            "graphs",
            format!("{failures} graph observation(s) failed"),
        ));
    }
}

/// Verify recorded payloads; drop drifted digests so `apply` republishes them (§3.5 step 9).
fn heal_payloads(session: &mut Session<'_>, state: &mut ClusterState) {
    for (address, finding) in blobs::verify(
        session.store.as_ref(),
        state.digests(),
        session.context.meter(),
    ) {
        session.push(finding.diagnostic(&address));
        let record = match &finding {
            // Left as recorded: nothing was read, so nothing is known about it (apply drops it,
            // as it is never a desired address).
            Finding::Refused => continue,
            Finding::Missing => {
                state.applied_revision.resources.remove(&address);
                ResourceStatusRecord::new(
                    ResourceStatus::Drifted,
                    Some(StatusCondition::PayloadMissing.as_str()),
                    Some("catalog payload blob is missing; re-run `cluster apply` to republish"),
                )
            }
            Finding::Mismatch { .. } => {
                state.applied_revision.resources.remove(&address);
                ResourceStatusRecord::new(
                    ResourceStatus::Drifted,
                    Some(StatusCondition::PayloadMismatch.as_str()),
                    Some(
                        "catalog payload blob does not match the recorded digest; re-run `cluster apply` to republish",
                    ),
                )
            }
            Finding::ReadError(text) => ResourceStatusRecord::new(
                ResourceStatus::Error,
                Some(StatusCondition::PayloadReadError.as_str()),
                Some(text),
            ),
        };
        state.resource_statuses.insert(address, record);
    }
}

/// Observe every declared graph in id order (§7.1); returns how many roots failed to open.
fn observe_graphs(session: &Session<'_>, state: &mut ClusterState) -> usize {
    let mut failures = 0;
    for (graph, desired_schema) in &session.desired.graphs {
        let observed_at = session.context.runtime.now_rfc3339();
        let seen = match observe::graph(session.store.as_ref(), graph) {
            Observation::Missing => Seen::missing(state, graph),
            Observation::Live(live) => Seen::live(state, graph, &live, desired_schema),
            Observation::Failed(message) => {
                failures += 1;
                Seen::failed(message)
            }
        };
        let graph_address = Address::graph(graph).to_string();
        state
            .resource_statuses
            .insert(Address::schema(graph).to_string(), seen.record.clone());
        state
            .resource_statuses
            .insert(graph_address.clone(), seen.record);
        let observation = json!({
            "kind": "graph",
            "address": graph_address,
            "graph_uri": session.store.graph_uri(graph),
            "observed_at": observed_at,
            "exists": seen.exists,
            "manifest_version": seen.manifest_version,
            "schema_digest": seen.schema_digest,
            "desired_schema_digest": desired_schema,
            "schema_matches_desired": seen.matches,
            "error": seen.error,
        });
        state.observations.insert(graph_address, observation);
    }
    failures
}

/// What one graph observation recorded: the observation's fields and both statuses (§7.1).
struct Seen {
    exists: bool,
    manifest_version: Value,
    schema_digest: Value,
    matches: Value,
    error: Value,
    record: ResourceStatusRecord,
}

impl Seen {
    /// No root: the graph and its schema leave the resources.
    fn missing(state: &mut ClusterState, graph: &str) -> Self {
        let resources = &mut state.applied_revision.resources;
        resources.remove(&Address::graph(graph).to_string());
        resources.remove(&Address::schema(graph).to_string());
        Seen {
            exists: false,
            manifest_version: Value::Null,
            schema_digest: Value::Null,
            matches: json!(false),
            error: json!(GRAPH_MISSING),
            record: ResourceStatusRecord::new(
                ResourceStatus::Drifted,
                Some(StatusCondition::GraphMissing.as_str()),
                Some(GRAPH_MISSING),
            ),
        }
    }

    /// A live root: record its schema and recompute the composite from the state's queries.
    fn live(state: &mut ClusterState, graph: &str, root: &LiveGraph, desired: &str) -> Self {
        let live = digest::sha256_hex(root.schema_text.as_bytes());
        let composite = digest::graph_digest(graph, &live, state.query_digests(graph));
        state.set_digest(&Address::schema(graph).to_string(), live.clone());
        state.set_digest(&Address::graph(graph).to_string(), composite);
        let matches = live == desired;
        let record = if matches {
            ResourceStatusRecord::new(ResourceStatus::Applied, None, None)
        } else {
            ResourceStatusRecord::new(
                ResourceStatus::Drifted,
                Some(StatusCondition::SchemaMismatch.as_str()),
                Some("live schema digest differs from desired schema digest"),
            )
        };
        Seen {
            exists: true,
            manifest_version: json!(root.manifest_version),
            schema_digest: json!(live),
            matches: json!(matches),
            error: Value::Null,
            record,
        }
    }

    /// A root that could not be opened: resources stay as they were.
    fn failed(message: String) -> Self {
        Seen {
            exists: true,
            manifest_version: Value::Null,
            schema_digest: Value::Null,
            matches: Value::Null,
            record: ResourceStatusRecord::new(
                ResourceStatus::Error,
                Some(StatusCondition::GraphObservationError.as_str()),
                Some(&message),
            ),
            error: json!(message),
        }
    }
}
