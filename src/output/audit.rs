//! The texts of the views issue 17 added, which have no contract lines: `refresh --dry-run`'s
//! drift, the history's listing, and one revision whole. The plain text and the rich view print
//! the same lines (the rich view draws the diagnostics its own way).

use super::human::{Paint, operation_word};
use crate::diagnostic::Diagnostic;
use crate::ops::drift::DriftOutput;
use crate::ops::history::{HistoryOutput, RevisionOutput};
use crate::state::ResourceStatusRecord;
use crate::state::drift::Drift;
use crate::state::history::Counts;
use std::fmt::Write;

/// `refresh --dry-run`: the state read, then each resource refresh would record differently,
/// with what would move.
pub(crate) fn drift<'a>(out: &mut String, o: &'a DriftOutput) -> &'a [Diagnostic] {
    let obs = &o.state_observations;
    if !o.ok {
        out.push_str("cluster refresh --dry-run failed\n");
    }
    if o.ok || !o.drift.is_empty() {
        let _ = writeln!(
            out,
            "cluster refresh --dry-run: {} drift(s) against revision {}; nothing was written",
            o.drift.len(),
            obs.state_revision
        );
    }
    for item in &o.drift {
        drift_lines(out, item);
    }
    &o.diagnostics
}

fn drift_lines(out: &mut String, item: &Drift) {
    let _ = writeln!(out, "  ~ {}", item.resource);
    if let Some(digest) = &item.digest {
        let shown = |d: &Option<String>| d.clone().unwrap_or_else(|| "(none)".to_string());
        let _ = writeln!(
            out,
            "      digest: {} -> {}",
            shown(&digest.before),
            shown(&digest.after)
        );
    }
    if let Some(status) = &item.status {
        let shown = |record: &Option<ResourceStatusRecord>| match record {
            None => "(none)".to_string(),
            Some(r) => {
                let mut text = r.status.as_str().to_string();
                if !r.conditions.is_empty() {
                    let _ = write!(text, " [{}]", r.conditions.join(", "));
                }
                if let Some(message) = &r.message {
                    let _ = write!(text, " {message}");
                }
                text
            }
        };
        let _ = writeln!(
            out,
            "      status: {} -> {}",
            shown(&status.before),
            shown(&status.after)
        );
    }
    for (field, moved) in &item.observation {
        let _ = writeln!(
            out,
            "      observation {field}: {} -> {}",
            moved.before, moved.after
        );
    }
}

/// `history`: one line per revision, newest first.
pub(crate) fn history<'a>(out: &mut String, o: &'a HistoryOutput) -> &'a [Diagnostic] {
    if !o.ok {
        out.push_str("cluster history failed\n");
        return &o.diagnostics;
    }
    let _ = writeln!(
        out,
        "cluster history: {} revision(s), newest first",
        o.revisions.len()
    );
    for entry in &o.revisions {
        let _ = writeln!(
            out,
            "  {}  {}  {}  {}  {}",
            entry.revision,
            entry.recorded_at,
            entry.operation,
            entry.actor,
            counts_text(&entry.changes)
        );
    }
    &o.diagnostics
}

/// `3 created, 1 deleted, 2 drifted`, or `no changes`.
fn counts_text(counts: &Counts) -> String {
    let parts: Vec<String> = [
        (counts.create, "created"),
        (counts.update, "updated"),
        (counts.delete, "deleted"),
        (counts.drift, "drifted"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, word)| format!("{n} {word}"))
    .collect();
    if parts.is_empty() {
        "no changes".to_string()
    } else {
        parts.join(", ")
    }
}

/// `history show REV`: the record whole.
pub(crate) fn revision<'a>(
    out: &mut String,
    o: &'a RevisionOutput,
    paint: Paint,
) -> &'a [Diagnostic] {
    let Some(record) = o.record.as_ref().filter(|_| o.ok) else {
        out.push_str("cluster history show failed\n");
        return &o.diagnostics;
    };
    let _ = writeln!(
        out,
        "cluster revision {}: {} by {} at {}",
        record.revision, record.operation, record.actor, record.recorded_at
    );
    let _ = writeln!(out, "  tool: {}", record.tool_version);
    let _ = writeln!(
        out,
        "  state_cas: {} -> {}",
        record.state_cas_before.as_deref().unwrap_or("(none)"),
        record.state_cas_after
    );
    if record.changes.is_empty() {
        out.push_str("  no resource changes\n");
    }
    for change in &record.changes {
        let word = operation_word(change.action);
        let _ = writeln!(
            out,
            "  {word} {}: {} -> {}",
            change.resource,
            change.before_digest.as_deref().unwrap_or("(none)"),
            change.after_digest.as_deref().unwrap_or("(none)")
        );
        // Its content diff, both sides from the catalog (one revision: shown whole).
        if let Some(shown) = o.diffs.iter().find(|d| d.resource == change.resource) {
            super::diff::lines(out, &shown.diff, "      ", paint, true);
        }
    }
    if !record.drift.is_empty() {
        let _ = writeln!(out, "  observed {} drift(s):", record.drift.len());
        for item in &record.drift {
            drift_lines(out, item);
        }
    }
    &o.diagnostics
}
