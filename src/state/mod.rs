//! The JSON state ledger (`__cluster/state.json`), the lock file (`__cluster/lock.json`) and the
//! `state_observations` object every stateful command reports.

pub mod drift;
pub mod history;
pub mod ledger;
pub mod lock;

pub use ledger::{
    AppliedRevisionState, ClusterState, LoadedState, ResourceStatus, ResourceStatusRecord,
    StateRead, StateResource,
};

use crate::addressed::Digests;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// What a command saw of the ledger and the lock (contract §2.4). Field order is the JSON order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateObservations {
    pub state_path: String,
    pub lock_path: String,
    pub state_found: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_config_digest: Option<String>,
    pub state_revision: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_cas: Option<String>,
    pub resource_count: usize,
    pub locked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock_id: Option<String>,
    pub lock_acquired: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acquired_lock_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock_operation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock_created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock_pid: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock_age_seconds: Option<u64>,
}

impl StateObservations {
    pub fn new(store: &dyn Store) -> Self {
        StateObservations {
            state_path: store.state_path(),
            lock_path: store.lock_path(),
            state_found: false,
            applied_config_digest: None,
            state_revision: 0,
            state_cas: None,
            resource_count: 0,
            locked: false,
            lock_id: None,
            lock_acquired: false,
            acquired_lock_id: None,
            lock_operation: None,
            lock_created_at: None,
            lock_pid: None,
            lock_age_seconds: None,
        }
    }

    /// obs.read-parsed / the ledger part of obs.written.
    pub fn record_state(&mut self, state: &ClusterState) {
        self.state_found = true;
        self.applied_config_digest = state.applied_revision.config_digest.clone();
        self.state_revision = state.state_revision;
        self.resource_count = state.applied_revision.resources.len();
    }
}

/// The three maps of a ledger that status, refresh and import show (§3.4, §3.5); empty when no
/// state was read.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct LedgerView {
    pub resource_digests: Digests,
    pub resource_statuses: BTreeMap<String, ResourceStatusRecord>,
    pub observations: BTreeMap<String, Value>,
}

impl From<ClusterState> for LedgerView {
    fn from(state: ClusterState) -> Self {
        LedgerView {
            resource_digests: Digests::from_pairs(
                state.digests().map(|(a, d)| (a.into(), d.into())).collect(),
            ),
            resource_statuses: state.resource_statuses,
            observations: state.observations,
        }
    }
}
