//! One module per subcommand. Each takes the config folder (and the runtime for clock/ids) and
//! returns a complete output object; nothing prints here, and any lock is released before return.

pub mod apply;
pub mod plan;
pub mod status;
pub mod sync;
pub mod unlock;
pub mod validate;

use crate::diagnostic::{Diagnostic, has_errors};
use crate::layout::Layout;
use crate::runtime::Runtime;
use crate::state::StateObservations;
use crate::state::lock::{self, LockGuard};
use serde::Serialize;

/// Take the state lock for `label` when `state.lock` is on; otherwise warn that the command ran
/// unlocked (contract §2.6.3). `None` when no lock is held afterwards.
pub(crate) fn lock_or_warn(
    enabled: bool,
    layout: &Layout,
    runtime: &Runtime,
    label: &str,
    observations: &mut StateObservations,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LockGuard> {
    if enabled {
        return lock::acquire(layout, runtime, label, observations, diagnostics);
    }
    let verb = if label == "plan" { "read" } else { "wrote" };
    diagnostics.push(Diagnostic::warning(
        "state_lock_disabled",
        "state.lock",
        format!(
            "state.lock is false; {label} {verb} state without acquiring the cluster state lock"
        ),
    ));
    None
}

/// Output objects that end with `ok`, `state_observations` and `diagnostics` set from the run.
pub(crate) trait Finish: Sized {
    fn set_result(
        &mut self,
        ok: bool,
        observations: StateObservations,
        diagnostics: Vec<Diagnostic>,
    );

    /// Complete the object: `ok` is true iff no diagnostic is an error (§1.3).
    fn finish(mut self, observations: StateObservations, diagnostics: Vec<Diagnostic>) -> Self {
        self.set_result(!has_errors(&diagnostics), observations, diagnostics);
        self
    }
}

macro_rules! impl_finish {
    ($($ty:ty),*) => {$(
        impl Finish for $ty {
            fn set_result(&mut self, ok: bool, observations: StateObservations, diagnostics: Vec<Diagnostic>) {
                self.ok = ok;
                self.state_observations = observations;
                self.diagnostics = diagnostics;
            }
        }
    )*};
}

impl_finish!(
    plan::PlanOutput,
    apply::ApplyOutput,
    status::StatusOutput,
    sync::SyncOutput
);

/// `desired_revision` of plan/apply: `{}` when there is no raw config.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DesiredRevision {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_digest: Option<String>,
}

/// The output object of any subcommand.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    Validate(validate::ValidateOutput),
    Plan(plan::PlanOutput),
    Apply(apply::ApplyOutput),
    Status(status::StatusOutput),
    Sync(sync::SyncOutput),
    Unlock(unlock::UnlockOutput),
}

impl Output {
    pub fn ok(&self) -> bool {
        match self {
            Output::Validate(o) => o.ok,
            Output::Plan(o) => o.ok,
            Output::Apply(o) => o.ok,
            Output::Status(o) => o.ok,
            Output::Sync(o) => o.ok,
            Output::Unlock(o) => o.ok,
        }
    }

    /// Pretty JSON (two-space indent), without the final newline.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        match self {
            Output::Validate(o) => serde_json::to_string_pretty(o),
            Output::Plan(o) => serde_json::to_string_pretty(o),
            Output::Apply(o) => serde_json::to_string_pretty(o),
            Output::Status(o) => serde_json::to_string_pretty(o),
            Output::Sync(o) => serde_json::to_string_pretty(o),
            Output::Unlock(o) => serde_json::to_string_pretty(o),
        }
    }
}
