//! `cluster plan` (§3.2): diff the desired revision against the ledger under the lock; writes
//! nothing but the (empty) state directory the lock needs. With `--lock=false` it reads the
//! ledger without the lock and writes nothing at all.

use super::session::{Locking, Session};
use super::{Context, DesiredRevision, contents, saved_plan};
use crate::addressed::{Dependency, Digests};
use crate::diagnostic::{Code, Diagnostic};
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
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// `--out FILE`: save an ok plan there for `apply --plan`.
    pub out: Option<PathBuf>,
    /// `--lock=false` makes this false: read the state without taking the lock, and write
    /// nothing (a plan job with read-only credentials).
    pub lock: bool,
    /// Give each change its content diff (`--diff`, the rich view). A saved plan never holds
    /// them: it is saved before they are attached.
    pub diffs: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            out: None,
            lock: true,
            diffs: false,
        }
    }
}

pub fn run(context: &Context<'_>) -> PlanOutput {
    run_with(context, &PlanOptions::default())
}

/// `plan`, then save it when `--out` asks and the plan is ok (a failed plan is never saved).
pub fn run_with(context: &Context<'_>, options: &PlanOptions) -> PlanOutput {
    let (mut output, computed) = compute(context, options);
    if let (Some(out), Some(cluster), true) = (&options.out, computed.cluster, output.ok) {
        let header = saved_plan::PlanHeader {
            cluster,
            config_digest: output
                .desired_revision
                .config_digest
                .clone()
                .unwrap_or_default(),
            state_cas: output.state_observations.state_cas.clone(),
        };
        match saved_plan::save(context, out, &header, &output) {
            Ok(()) => output.saved_plan = Some(layout::display(out)),
            Err(diagnostic) => {
                output.diagnostics.push(diagnostic);
                output.ok = false;
            }
        }
    }
    if let Some(diffs) = computed.diffs {
        contents::attach(&mut output.changes, diffs);
    }
    output
}

/// What a plan knows beyond its output object.
struct Computed {
    /// The identity of the cluster the plan was made for, when the ledger could be read.
    cluster: Option<String>,
    /// The content diffs of its changes, when asked for.
    diffs: Option<Vec<Arc<ContentDiff>>>,
}

/// The plan, made as `options` say.
fn compute(context: &Context<'_>, options: &PlanOptions) -> (PlanOutput, Computed) {
    let locking = if options.lock {
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
    let (desired, changes, diffs, end) = match Session::open_with(context, "plan", locking) {
        Err(early) => (early.desired, Vec::new(), None, early.end),
        Ok(session) => {
            cluster = Some(session.store.identity());
            let prior = session
                .state
                .iter()
                .flat_map(|loaded| loaded.state.digests());
            let mut changes = plan::diff(prior, &session.desired.resource_digests);
            plan::classify(&mut changes, &session.desired.dependencies);
            let diffs = options.diffs.then(|| {
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
    (output, Computed { cluster, diffs })
}
