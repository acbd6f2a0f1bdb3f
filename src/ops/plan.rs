//! `cluster plan` (§3.2): diff the desired revision against the ledger under the lock; writes
//! nothing but the (empty) state directory the lock needs. With `--lock=false` it reads the
//! ledger without the lock and writes nothing at all.

use super::session::{Locking, Session};
use super::{Context, DesiredRevision, saved_plan};
use crate::addressed::{Dependency, Digests};
use crate::diagnostic::{Code, Diagnostic};
use crate::layout;
use crate::plan::{self, ApprovalRequirement, BlastRadius, Change};
use crate::state::StateObservations;
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Serialize)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saved_plan: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What the command line adds to a plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// `--out FILE`: save an ok plan there for `apply --plan`.
    pub out: Option<PathBuf>,
    /// `--lock=false` makes this false: read the state without taking the lock, and write
    /// nothing (a plan job with read-only credentials).
    pub lock: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            out: None,
            lock: true,
        }
    }
}

pub fn run(context: &Context<'_>) -> PlanOutput {
    run_with(context, &PlanOptions::default())
}

/// `plan`, then save it when `--out` asks and the plan is ok (a failed plan is never saved).
pub fn run_with(context: &Context<'_>, options: &PlanOptions) -> PlanOutput {
    let (mut output, cluster) = compute(context, options.lock);
    if let (Some(out), Some(cluster), true) = (&options.out, cluster, output.ok) {
        let saved = saved_plan::ToSave {
            plan: &output,
            cluster: &cluster,
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
    output
}

/// The plan, and the identity of the cluster it was made for when the ledger could be read.
fn compute(context: &Context<'_>, lock: bool) -> (PlanOutput, Option<String>) {
    let locking = if lock {
        Locking::Take
    } else {
        Locking::Observe {
            warning: Some(Diagnostic::new(
                Code::StateLockDisabled,
                "--lock",
                "plan --lock=false; plan read state without acquiring the cluster state lock",
            )),
        }
    };
    let mut cluster = None;
    let (desired, changes, end) = match Session::open_with(context, "plan", locking) {
        Err(early) => (early.desired, Vec::new(), early.end),
        Ok(session) => {
            cluster = Some(session.store.identity());
            let prior = session
                .state
                .iter()
                .flat_map(|loaded| loaded.state.digests());
            let mut changes = plan::diff(prior, &session.desired.resource_digests);
            plan::classify(&mut changes, &session.desired.dependencies);
            let (desired, end) = session.close();
            (Some(desired), changes, end)
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
    (output, cluster)
}
