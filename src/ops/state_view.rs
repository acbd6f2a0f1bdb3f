//! `cluster state list` and `cluster state show ADDRESS` (issue 18 §3): what the ledger records,
//! resource by resource. Like `status` they only parse `cluster.yaml` (for its storage root),
//! never take the lock and never write; they read the ledger, and `show` the one catalog blob it
//! names, through the store, so a bucket is inspected as a local folder is.

use super::Context;
use super::session::Parsed;
use crate::address::Address;
use crate::blobs::{self, Finding};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::state::{ClusterState, ResourceStatus, StateObservations};
use crate::store::{Fetch, Store};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

/// One address of the ledger: in the applied resources, in the statuses, or both.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateEntry {
    pub address: String,
    /// `graph`, `schema`, `query`, `policy`, or `unknown` for an address of no known kind.
    pub kind: &'static str,
    /// The applied digest; `None` when the ledger keeps only a status (e.g. a missing graph).
    pub digest: Option<String>,
    pub status: Option<ResourceStatus>,
    pub conditions: Vec<String>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateListOutput {
    pub ok: bool,
    pub config_dir: String,
    pub state_observations: StateObservations,
    pub resources: Vec<StateEntry>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateShowOutput {
    pub ok: bool,
    pub config_dir: String,
    pub state_observations: StateObservations,
    pub address: String,
    /// The recorded resource; `None` when the ledger does not know the address.
    pub resource: Option<StateEntry>,
    /// Where the catalog blob of a query or policy lives.
    pub blob: Option<String>,
    /// The blob's text, when it is intact UTF-8.
    pub payload: Option<String>,
    /// The last observation of the graph (for a graph or its schema).
    pub observation: Option<Value>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The kind word of an address.
pub fn kind(address: &str) -> &'static str {
    match Address::parse(address) {
        Some(Address::Graph(_)) => "graph",
        Some(Address::Schema(_)) => "schema",
        Some(Address::Query { .. }) => "query",
        Some(Address::Policy(_)) => "policy",
        None => "unknown",
    }
}

/// What both commands start from: the observations, the diagnostics, the store and the state
/// (when there is one).
struct Read {
    config_dir: String,
    observations: StateObservations,
    diagnostics: Vec<Diagnostic>,
    store: Option<std::sync::Arc<dyn Store>>,
    state: Option<ClusterState>,
}

/// Parse `cluster.yaml` for its storage root and read the ledger, without the lock. No state is
/// `state_missing` with severity `missing`.
fn read(context: &Context<'_>, missing: Severity) -> Read {
    let mut parsed = Parsed::open(context);
    let (store, state) = match parsed.read_ledger(missing) {
        Some((store, loaded)) => (Some(store), Some(loaded.state)),
        None => (None, None),
    };
    let end = parsed.end();
    Read {
        config_dir: context.config_dir(),
        observations: end.observations,
        diagnostics: end.diagnostics,
        store,
        state,
    }
}

/// Every address of `state`, in address order.
fn entries(state: &ClusterState) -> Vec<StateEntry> {
    let addresses: BTreeSet<&String> = state
        .applied_revision
        .resources
        .keys()
        .chain(state.resource_statuses.keys())
        .collect();
    addresses
        .into_iter()
        .map(|address| entry(state, address))
        .collect()
}

fn entry(state: &ClusterState, address: &str) -> StateEntry {
    let record = state.resource_statuses.get(address);
    StateEntry {
        address: address.to_string(),
        kind: kind(address),
        digest: state
            .applied_revision
            .resources
            .get(address)
            .map(|r| r.digest.clone()),
        status: record.map(|r| r.status),
        conditions: record.map(|r| r.conditions.clone()).unwrap_or_default(),
        message: record.and_then(|r| r.message.clone()),
    }
}

/// `cluster state list`: a missing state is a warning and an empty list, as `status` reports it.
pub fn list(context: &Context<'_>) -> StateListOutput {
    let read = read(context, Severity::Warning);
    let resources = read.state.as_ref().map(entries).unwrap_or_default();
    StateListOutput {
        ok: !crate::diagnostic::has_errors(&read.diagnostics),
        config_dir: read.config_dir,
        state_observations: read.observations,
        resources,
        diagnostics: read.diagnostics,
    }
}

/// `cluster state show ADDRESS`: an address the ledger does not know is `resource_not_in_state`.
pub fn show(context: &Context<'_>, address: &str) -> StateShowOutput {
    let mut read = read(context, Severity::Error);
    let mut shown = StateShowOutput {
        ok: false,
        config_dir: read.config_dir.clone(),
        state_observations: read.observations.clone(),
        address: address.to_string(),
        resource: None,
        blob: None,
        payload: None,
        observation: None,
        diagnostics: Vec::new(),
    };
    if let (Some(state), Some(store)) = (&read.state, &read.store) {
        let known = state.applied_revision.resources.contains_key(address)
            || state.resource_statuses.contains_key(address);
        if known {
            let entry = entry(state, address);
            if let Some(digest) = &entry.digest {
                read_payload(store.as_ref(), &mut shown, digest, &mut read.diagnostics);
            }
            shown.observation = graph_of(address)
                .and_then(|graph| state.observations.get(&Address::graph(graph).to_string()))
                .cloned();
            shown.resource = Some(entry);
        } else {
            read.diagnostics.push(Diagnostic::new(
                Code::ResourceNotInState,
                address,
                format!(
                    "the state ledger records no resource `{address}`; `cluster state list` shows what it records"
                ),
            ));
        }
    }
    shown.ok = !crate::diagnostic::has_errors(&read.diagnostics);
    shown.diagnostics = read.diagnostics;
    shown
}

/// The graph id of a graph or schema address.
fn graph_of(address: &str) -> Option<&str> {
    match Address::parse(address)? {
        Address::Graph(g) | Address::Schema(g) => Some(g),
        _ => None,
    }
}

/// The blob of a query or policy at `digest`, verified against it: its text when intact, else
/// the finding `status` would report.
fn read_payload(
    store: &dyn Store,
    shown: &mut StateShowOutput,
    digest: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let key = match blobs::place(&shown.address, digest) {
        blobs::Place::Blob(key) => key,
        blobs::Place::None => return,
        // A recorded address that breaks the id rule names no file: said, never read.
        blobs::Place::Refused => {
            diagnostics.push(Finding::Refused.diagnostic(&shown.address));
            return;
        }
    };
    let uri = store.blob_uri(&key);
    let fetched = store
        .read_blobs(std::slice::from_ref(&key))
        .pop()
        .unwrap_or(Fetch::NotFound);
    match blobs::check(fetched, digest, &uri).map(String::from_utf8) {
        Ok(Ok(text)) => shown.payload = Some(text),
        Ok(Err(_)) => diagnostics.push(Diagnostic::warning(
            Code::CatalogPayloadReadError,
            &shown.address,
            format!("catalog payload '{uri}' is not UTF-8 text; not shown"),
        )),
        Err(finding) => diagnostics.push(finding.diagnostic(&shown.address)),
    }
    shown.blob = Some(uri);
}
