//! The top of the library: the output object of any command, and its rendering as pretty JSON
//! or as the exact human lines of contract §9. Only the binary and the renderers use it.

pub mod human;

use crate::ops::apply::ApplyOutput;
use crate::ops::drift::DriftOutput;
use crate::ops::history::{HistoryOutput, RevisionOutput};
use crate::ops::plan::PlanOutput;
use crate::ops::status::StatusOutput;
use crate::ops::sync::SyncOutput;
use crate::ops::unlock::UnlockOutput;
use crate::ops::validate::ValidateOutput;
use crate::plan::Change;
use std::io::Write;

/// The output object of any subcommand.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    Validate(ValidateOutput),
    Plan(PlanOutput),
    Apply(ApplyOutput),
    Status(StatusOutput),
    Sync(SyncOutput),
    /// `refresh --dry-run`.
    Drift(DriftOutput),
    /// `history`.
    History(HistoryOutput),
    /// `history show REV`.
    Revision(RevisionOutput),
    Unlock(UnlockOutput),
}

impl Output {
    pub fn ok(&self) -> bool {
        match self {
            Output::Validate(o) => o.ok,
            Output::Plan(o) => o.ok,
            Output::Apply(o) => o.ok,
            Output::Status(o) => o.ok,
            Output::Sync(o) => o.ok,
            Output::Drift(o) => o.ok,
            Output::History(o) => o.ok,
            Output::Revision(o) => o.ok,
            Output::Unlock(o) => o.ok,
        }
    }

    /// The process exit status: 0 when ok, 1 when not. With `--detailed-exitcode`, these exit 2
    /// when ok: a plan that `apply` would act on (a change `applied` or `derived`: the ledger
    /// would move), an apply that did not converge, a `refresh --dry-run` that found drift.
    /// Deferred and blocked changes alone leave a plan at 0: no apply could take them, so a
    /// "changes pending" gate must not fire on them.
    pub fn exit_status(&self, detailed: bool) -> u8 {
        match self {
            _ if !self.ok() => 1,
            Output::Plan(o) if detailed && o.changes.iter().any(Change::moves_ledger) => 2,
            Output::Apply(o) if detailed && !o.converged => 2,
            Output::Drift(o) if detailed && !o.drift.is_empty() => 2,
            _ => 0,
        }
    }

    /// Pretty JSON (two-space indent), without the final newline, written to `out`.
    pub fn write_json(&self, out: impl std::io::Write) -> serde_json::Result<()> {
        match self {
            Output::Validate(o) => serde_json::to_writer_pretty(out, o),
            Output::Plan(o) => serde_json::to_writer_pretty(out, o),
            Output::Apply(o) => serde_json::to_writer_pretty(out, o),
            Output::Status(o) => serde_json::to_writer_pretty(out, o),
            Output::Sync(o) => serde_json::to_writer_pretty(out, o),
            Output::Drift(o) => serde_json::to_writer_pretty(out, o),
            Output::History(o) => serde_json::to_writer_pretty(out, o),
            Output::Revision(o) => serde_json::to_writer_pretty(out, o),
            Output::Unlock(o) => serde_json::to_writer_pretty(out, o),
        }
    }
}

/// Write `output` as pretty JSON (two-space indent) plus one newline. Streamed, because the
/// document of a large plan runs to tens of megabytes and need never exist whole in memory.
pub fn write_json(output: &Output, out: &mut impl Write) -> serde_json::Result<()> {
    output.write_json(&mut *out)?;
    out.write_all(b"\n").map_err(serde_json::Error::io)?;
    out.flush().map_err(serde_json::Error::io)
}
