//! Human-readable output, line for line as contract §9 specifies.

use crate::diagnostic::{Diagnostic, Severity};
use crate::ops::Output;
use crate::ops::apply::ApplyOutput;
use crate::ops::plan::PlanOutput;
use crate::ops::status::StatusOutput;
use crate::ops::sync::SyncOutput;
use crate::ops::unlock::UnlockOutput;
use crate::ops::validate::ValidateOutput;
use crate::plan::{Change, Disposition, Operation};
use crate::state::StateObservations;
use std::fmt::Write;

fn operation_word(operation: Operation) -> &'static str {
    match operation {
        Operation::Create => "Create",
        Operation::Update => "Update",
        Operation::Delete => "Delete",
    }
}

fn disposition_word(disposition: Disposition) -> &'static str {
    match disposition {
        Disposition::Applied => "Applied",
        Disposition::Derived => "Derived",
        Disposition::Deferred => "Deferred",
        Disposition::Blocked => "Blocked",
    }
}

/// ` (id=…, operation=…, pid=…, created_at=…, age_seconds=…)` or empty without a lock id (§9.2).
fn lock_summary(obs: &StateObservations) -> String {
    if obs.lock_id.is_none() {
        return String::new();
    }
    let mut parts = Vec::new();
    if let Some(id) = &obs.lock_id {
        parts.push(format!("id={id}"));
    }
    if let Some(operation) = &obs.lock_operation {
        parts.push(format!("operation={operation}"));
    }
    if let Some(pid) = obs.lock_pid {
        parts.push(format!("pid={pid}"));
    }
    if let Some(created) = &obs.lock_created_at {
        parts.push(format!("created_at={created}"));
    }
    if let Some(age) = obs.lock_age_seconds {
        parts.push(format!("age_seconds={age}"));
    }
    format!(" ({})", parts.join(", "))
}

fn diagnostic_lines(out: &mut String, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let label = match d.severity {
            Severity::Error => "ERROR",
            Severity::Warning => "WARN ",
        };
        let _ = writeln!(out, "{label} {} {}: {}", d.code, d.path, d.message);
    }
}

fn change_lines(out: &mut String, changes: &[Change], with_disposition: bool) {
    if changes.is_empty() {
        out.push_str("  no changes\n");
    }
    for change in changes {
        let _ = write!(
            out,
            "  {} {}",
            operation_word(change.operation),
            change.resource
        );
        if let (true, Some(disposition)) = (with_disposition, change.disposition) {
            match change.reason {
                Some(reason) => {
                    let _ = write!(out, " [{}: {reason}]", disposition_word(disposition));
                }
                None => {
                    let _ = write!(out, " [{}]", disposition_word(disposition));
                }
            }
        }
        out.push('\n');
    }
}

/// The human text of `output`: its own lines, then every diagnostic line (§9).
pub fn render(output: &Output) -> String {
    let mut out = String::new();
    let diagnostics = match output {
        Output::Validate(o) => validate(&mut out, o),
        Output::Plan(o) => plan(&mut out, o),
        Output::Apply(o) => apply(&mut out, o),
        Output::Status(o) => status(&mut out, o),
        Output::Sync(o) => sync(&mut out, o),
        Output::Unlock(o) => unlock(&mut out, o),
    };
    diagnostic_lines(&mut out, diagnostics);
    out
}

fn validate<'a>(out: &mut String, o: &'a ValidateOutput) -> &'a [Diagnostic] {
    if o.ok {
        let _ = writeln!(
            out,
            "cluster config valid: {} resource(s), {} dependency edge(s)",
            o.resources.len(),
            o.dependencies.len()
        );
    } else {
        out.push_str("cluster config invalid\n");
    }
    &o.diagnostics
}

fn plan<'a>(out: &mut String, o: &'a PlanOutput) -> &'a [Diagnostic] {
    if o.ok {
        let _ = writeln!(
            out,
            "cluster plan: {} change(s), {} approval gate(s)",
            o.changes.len(),
            o.approvals_required.len()
        );
        change_lines(out, &o.changes, false);
    } else {
        out.push_str("cluster plan failed\n");
    }
    &o.diagnostics
}

fn apply<'a>(out: &mut String, o: &'a ApplyOutput) -> &'a [Diagnostic] {
    if o.ok {
        let _ = writeln!(
            out,
            "cluster apply: {} applied, {} deferred/blocked",
            o.applied_count, o.deferred_count
        );
    } else {
        out.push_str("cluster apply failed\n");
    }
    change_lines(out, &o.changes, true);
    if o.ok {
        let _ = writeln!(
            out,
            "  state: revision {}, converged: {}, written: {}",
            o.state_observations.state_revision, o.converged, o.state_written
        );
        out.push_str("  note: applied = recorded in the cluster catalog; the server still boots from omnigraph.yaml\n");
    }
    &o.diagnostics
}

/// The ledger lines of status and refresh/import: `«title»: revision R, N resource(s)`, an
/// optional detail line, then `  lock: «verb»«S»` or `  lock: not «verb»`.
fn ledger_lines(
    out: &mut String,
    title: &str,
    detail: Option<String>,
    verb: &str,
    obs: &StateObservations,
) {
    let _ = writeln!(
        out,
        "{title}: revision {}, {} resource(s)",
        obs.state_revision, obs.resource_count
    );
    if let Some(detail) = detail {
        let _ = writeln!(out, "  {detail}");
    }
    if obs.locked {
        let _ = writeln!(out, "  lock: {verb}{}", lock_summary(obs));
    } else {
        let _ = writeln!(out, "  lock: not {verb}");
    }
}

fn status<'a>(out: &mut String, o: &'a StatusOutput) -> &'a [Diagnostic] {
    let obs = &o.state_observations;
    if !o.ok {
        out.push_str("cluster status failed\n");
    } else if obs.state_found {
        let applied = obs
            .applied_config_digest
            .as_ref()
            .map(|digest| format!("applied config: {digest}"));
        ledger_lines(out, "cluster state", applied, "held", obs);
    } else {
        out.push_str("cluster state missing\n");
    }
    &o.diagnostics
}

fn sync<'a>(out: &mut String, o: &'a SyncOutput) -> &'a [Diagnostic] {
    let obs = &o.state_observations;
    let op = o.operation.label();
    if o.ok {
        let cas = obs
            .state_cas
            .as_ref()
            .map(|cas| format!("state_cas: {cas}"));
        // `locked` only means "someone else's lock was seen", so success always prints
        // "not acquired" — a reference quirk kept for parity.
        ledger_lines(out, &format!("cluster {op}"), cas, "acquired", obs);
    } else {
        let _ = writeln!(out, "cluster {op} failed");
    }
    &o.diagnostics
}

fn unlock<'a>(out: &mut String, o: &'a UnlockOutput) -> &'a [Diagnostic] {
    let obs = &o.state_observations;
    if o.ok && o.lock_removed {
        let _ = writeln!(
            out,
            "cluster force-unlock: removed lock{}",
            lock_summary(obs)
        );
    } else if o.ok {
        out.push_str("cluster force-unlock: no lock removed\n");
    } else {
        out.push_str("cluster force-unlock failed\n");
        if obs.locked {
            let _ = writeln!(out, "  lock: held{}", lock_summary(obs));
        }
    }
    &o.diagnostics
}
