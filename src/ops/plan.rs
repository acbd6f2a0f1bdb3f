//! `cluster plan` (§3.2): diff the desired revision against the ledger under the lock; writes
//! nothing but the (empty) state directory the lock needs.

use super::session::Session;
use super::{Context, DesiredRevision, contents, saved_plan};
use crate::addressed::{Dependency, Digests};
use crate::diagnostic::Diagnostic;
use crate::layout;
use crate::plan::{self, ApprovalRequirement, BlastRadius, Change, ContentDiff};
use crate::state::StateObservations;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanOutput {
    pub ok: bool,
    pub config_dir: String,
    pub desired_revision: DesiredRevision,
    pub resource_digests: Digests,
    pub dependencies: Vec<Dependency>,
    pub state_observations: StateObservations,
    pub changes: Vec<Change>,
    pub blast_radius: Vec<BlastRadius>,
    pub approvals_required: Vec<ApprovalRequirement>,
    /// Where `--out` saved the plan; only present when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_plan: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What the command line adds to a plan.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// `--out FILE`: save an ok plan there for `apply --plan`.
    pub out: Option<PathBuf>,
    /// Give each change its content diff (`--diff`, the rich view). A saved plan never holds
    /// them: it is saved before they are attached.
    pub diffs: bool,
}

pub fn run(context: &Context<'_>) -> PlanOutput {
    run_with(context, &PlanOptions::default())
}

/// `plan`, then save it when `--out` asks and the plan is ok (a failed plan is never saved).
pub fn run_with(context: &Context<'_>, options: &PlanOptions) -> PlanOutput {
    let (mut output, diffs) = compute(context, options.diffs);
    if let (Some(out), true) = (&options.out, output.ok) {
        let saved = saved_plan::ToSave {
            plan: &output,
            config_digest: output
                .desired_revision
                .config_digest
                .as_deref()
                .unwrap_or(""),
            state_cas: output.state_observations.state_cas.as_deref(),
        };
        match saved_plan::save(context, out, &saved) {
            Ok(()) => output.saved_plan = Some(layout::display(out)),
            Err(diagnostic) => {
                output.diagnostics.push(diagnostic);
                output.ok = false;
            }
        }
    }
    if let Some(diffs) = diffs {
        contents::attach(&mut output.changes, diffs);
    }
    output
}

/// The plan, and the content diffs of its changes when `diffs` asks for them.
fn compute(context: &Context<'_>, diffs: bool) -> (PlanOutput, Option<Vec<Arc<ContentDiff>>>) {
    let (desired, changes, diffs, end) = match Session::open(context, "plan") {
        Err(early) => (early.desired, Vec::new(), None, early.end),
        Ok(session) => {
            let prior = session
                .state
                .iter()
                .flat_map(|loaded| loaded.state.digests());
            let mut changes = plan::diff(prior, &session.desired.resource_digests);
            plan::classify(&mut changes, &session.desired.dependencies);
            let diffs = diffs.then(|| {
                let meter = context.meter();
                contents::diffs(session.store.as_ref(), &session.desired, &changes, meter)
            });
            let (desired, end) = session.close();
            (Some(desired), changes, diffs, end)
        }
    };
    let desired_revision = DesiredRevision::of(desired.as_ref());
    let (resource_digests, dependencies) = desired
        .map(|d| (d.resource_digests, d.dependencies))
        .unwrap_or_default();
    let output = PlanOutput {
        ok: end.ok(),
        config_dir: context.config_dir(),
        desired_revision,
        blast_radius: plan::blast_radius(&changes, &dependencies),
        approvals_required: plan::approvals(&changes),
        resource_digests,
        dependencies,
        state_observations: end.observations,
        changes,
        saved_plan: None,
        diagnostics: end.diagnostics,
    };
    (output, diffs)
}
