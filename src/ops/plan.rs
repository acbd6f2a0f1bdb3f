//! `cluster plan`: diff the desired revision against the ledger under the lock; writes nothing
//! but the (empty) state directory the lock needs.

use super::{DesiredRevision, Finish, lock_or_warn};
use crate::desired::{self, Dependency};
use crate::diagnostic::{Diagnostic, has_errors};
use crate::layout::{self, Layout};
use crate::plan::{self, ApprovalRequirement, BlastRadius, Change};
use crate::runtime::Runtime;
use crate::state::{StateObservations, ledger};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanOutput {
    pub ok: bool,
    pub config_dir: String,
    pub desired_revision: DesiredRevision,
    pub resource_digests: BTreeMap<String, String>,
    pub dependencies: Vec<Dependency>,
    pub state_observations: StateObservations,
    pub changes: Vec<Change>,
    pub blast_radius: Vec<BlastRadius>,
    pub approvals_required: Vec<ApprovalRequirement>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn run(layout: &Layout, runtime: &Runtime) -> PlanOutput {
    let mut diagnostics = Vec::new();
    let desired = desired::load(layout, &mut diagnostics);
    let mut observations = StateObservations::new(layout);
    let mut output = PlanOutput {
        ok: false,
        config_dir: layout::display(&layout.config_dir),
        desired_revision: DesiredRevision::default(),
        resource_digests: BTreeMap::new(),
        dependencies: Vec::new(),
        state_observations: observations.clone(),
        changes: Vec::new(),
        blast_radius: Vec::new(),
        approvals_required: Vec::new(),
        diagnostics: Vec::new(),
    };
    let Some(desired) = desired else {
        return output.finish(observations, diagnostics);
    };
    output.desired_revision.config_digest = Some(desired.config_digest.clone());
    output.resource_digests = desired.resource_digests.clone();
    output.dependencies = desired.dependencies.clone();
    if has_errors(&diagnostics) {
        return output.finish(observations, diagnostics);
    }

    let _guard = lock_or_warn(
        desired.state_lock,
        layout,
        runtime,
        "plan",
        &mut observations,
        &mut diagnostics,
    );
    let mut prior = BTreeMap::new();
    if !has_errors(&diagnostics)
        && let ledger::StateRead::Found { state, .. } =
            ledger::read_state(layout, &mut observations, &mut diagnostics)
    {
        prior = state.digests();
    }
    if !has_errors(&diagnostics) {
        let mut changes = plan::diff(&prior, &desired.resource_digests);
        plan::classify(&mut changes, &desired.dependencies);
        output.blast_radius = plan::blast_radius(&changes, &desired.dependencies);
        output.approvals_required = plan::approvals(&changes);
        output.changes = changes;
    }
    output.finish(observations, diagnostics)
}
