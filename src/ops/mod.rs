//! One module per subcommand. Each takes the command's [`Context`] and returns a complete output
//! object, built once at the end; nothing prints here, and any lock is released before return.
//! The commands that read the ledger open through [`session`].

pub mod apply;
pub mod plan;
pub mod session;
pub mod status;
pub mod sync;
pub mod unlock;
pub mod validate;

use crate::desired::Desired;
use crate::layout::{self, Layout};
use crate::runtime::Runtime;
use serde::Serialize;

/// What every command runs against: the config folder and the outside world (clock, ids, pid).
pub struct Context<'a> {
    pub layout: &'a Layout,
    pub runtime: &'a Runtime,
}

impl Context<'_> {
    /// `config_dir` of every output: `--config` as typed.
    pub fn config_dir(&self) -> String {
        layout::display(&self.layout.config_dir)
    }
}

/// `desired_revision` of plan/apply: `{}` when there is no raw config.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DesiredRevision {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_digest: Option<String>,
}

impl DesiredRevision {
    pub fn of(desired: Option<&Desired>) -> Self {
        DesiredRevision {
            config_digest: desired.map(|d| d.config_digest.clone()),
        }
    }
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
