//! `cluster status`: report the ledger and verify catalog blobs. Never locks, never writes, never
//! reads schema/query/policy files or graph roots.

use super::Finish;
use crate::catalog;
use crate::config;
use crate::diagnostic::{Diagnostic, has_errors};
use crate::layout::{self, Layout, STATE_FILE_REL};
use crate::runtime::Runtime;
use crate::state::{StateObservations, StatusRecord, ledger, lock};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusOutput {
    pub ok: bool,
    pub config_dir: String,
    pub state_observations: StateObservations,
    pub resource_digests: BTreeMap<String, String>,
    pub resource_statuses: BTreeMap<String, StatusRecord>,
    pub observations: BTreeMap<String, Value>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn run(layout: &Layout, runtime: &Runtime) -> StatusOutput {
    let mut diagnostics = Vec::new();
    let raw = config::parse(layout, &mut diagnostics);
    let mut observations = StateObservations::new(layout);
    lock::observe(layout, runtime, &mut observations, &mut diagnostics);
    let mut output = StatusOutput {
        ok: false,
        config_dir: layout::display(&layout.config_dir),
        state_observations: observations.clone(),
        resource_digests: BTreeMap::new(),
        resource_statuses: BTreeMap::new(),
        observations: BTreeMap::new(),
        diagnostics: Vec::new(),
    };
    if let Some(raw) = raw {
        config::check_header(&raw, &mut diagnostics);
        if !has_errors(&diagnostics) {
            match ledger::read_state(layout, &mut observations, &mut diagnostics) {
                ledger::StateRead::Failed => {}
                ledger::StateRead::Missing => diagnostics.push(Diagnostic::warning(
                    "state_missing",
                    STATE_FILE_REL,
                    "state.json is missing; no applied cluster revision has been recorded",
                )),
                ledger::StateRead::Found { state, .. } => {
                    let digests = state.digests();
                    for (address, finding) in catalog::verify(layout, &digests) {
                        diagnostics.push(finding.diagnostic(&address));
                    }
                    output.resource_digests = digests;
                    output.resource_statuses = state.resource_statuses;
                    output.observations = state.observations;
                }
            }
        }
    }
    output.finish(observations, diagnostics)
}
