//! The rich view (issue 18): the default on a terminal, and anywhere with `--format rich` or
//! `OMNIGRAPH_FORMAT=rich`. It says what the contract's plain lines leave out: what changed in
//! each query and policy (`super::diff`), why a change is deferred or blocked and what depends on
//! it, which graph roots are missing or failed and why, which resources are not applied, and it
//! ends plan and apply with one summary line. Nothing here is read by scripts: they get the plain
//! text or `--json`, which never change without a flag.

use super::counts::Counts;
use super::human::{self, Paint, Presentation};
use super::{DiffDisplay, Output, audit, diff, inspect};
use crate::diagnostic::{Code, Diagnostic, Severity, SourceSpot};
use crate::discovery::{Discovered, SourceKind};
use crate::glossary::{PlanReason, StatusCondition};
use crate::ops::apply::ApplyOutput;
use crate::ops::contents::short;
use crate::ops::plan::PlanOutput;
use crate::ops::status::StatusOutput;
use crate::ops::sync::SyncOutput;
use crate::plan::{self, ApprovalRequirement, BlastRadius, Change, Disposition};
use crate::state::ResourceStatus;
use anstyle::{AnsiColor, Style};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// How many dependants a blast-radius line names before it counts the rest.
const SHOWN_DEPENDANTS: usize = 6;

/// The rich text of `output`.
pub fn render(output: &Output, presentation: &Presentation, diffs: DiffDisplay) -> String {
    let paint = Paint(presentation.color);
    let mut out = String::new();
    match output {
        Output::Validate(o) => {
            let diagnostics = human::validate(&mut out, o);
            discovered_section(&mut out, &o.discovered, paint);
            diagnostic_block(&mut out, diagnostics, paint);
        }
        Output::Plan(o) => plan(&mut out, o, paint, diffs),
        Output::Apply(o) => apply(&mut out, o, paint, diffs),
        Output::Status(o) => status(&mut out, o, paint),
        Output::Sync(o) => sync(&mut out, o, paint),
        Output::Unlock(o) => {
            let diagnostics = human::unlock(&mut out, o);
            diagnostic_block(&mut out, diagnostics, paint);
        }
        // Issue 17's views have no contract text to enrich: their lines, rich diagnostics.
        Output::Drift(o) => {
            let diagnostics = audit::drift(&mut out, o);
            diagnostic_block(&mut out, diagnostics, paint);
        }
        Output::History(o) => {
            let diagnostics = audit::history(&mut out, o);
            diagnostic_block(&mut out, diagnostics, paint);
        }
        Output::Revision(o) => {
            let diagnostics = audit::revision(&mut out, o, paint);
            diagnostic_block(&mut out, diagnostics, paint);
        }
        // Their lines are the plain text's (`inspect`), with rich diagnostics.
        Output::StateList(o) => {
            let diagnostics = inspect::state_list(&mut out, o, paint);
            diagnostic_block(&mut out, diagnostics, paint);
        }
        Output::StateShow(o) => {
            let diagnostics = inspect::state_show(&mut out, o, paint);
            diagnostic_block(&mut out, diagnostics, paint);
        }
        Output::ShowPlan(o) => {
            match inspect::saved_plan(&mut out, o) {
                Some(saved) => {
                    out.push('\n');
                    plan_body(&mut out, saved, paint, DiffDisplay::default(), "Saved plan");
                }
                None => diagnostic_block(&mut out, &o.diagnostics, paint),
            }
            // No lock hint after a saved plan in this view (the plain text, being its plan's
            // text, keeps the one `plan` would print).
            return out;
        }
        Output::Graph(o) => {
            let diagnostics = inspect::graph_failed(&mut out, o);
            diagnostic_block(&mut out, diagnostics, paint);
        }
    }
    if let Some(config_dir) = &presentation.lock_hint_config {
        human::lock_hint(&mut out, output, config_dir);
    }
    out
}

/// `Discovered queries:`, then per graph using a discovery form of `queries:` how many stored
/// queries it registered, and per declared path how many of them came from there (issue 19).
fn discovered_section(out: &mut String, discovered: &[Discovered], paint: Paint) {
    if discovered.is_empty() {
        return;
    }
    out.push_str("\nDiscovered queries:\n");
    let dim = Style::new().dimmed();
    for graph in discovered {
        let _ = writeln!(
            out,
            "  graph {}: {} stored query(ies)",
            paint.word(Style::new().bold(), &graph.graph),
            graph.queries
        );
        for source in &graph.sources {
            let files = match source.kind {
                SourceKind::Directory => format!(" in {} file(s)", source.files),
                SourceKind::File => String::new(),
            };
            let _ = writeln!(
                out,
                "      {} {}: {} query(ies){files}",
                source.path,
                paint.word(dim, &format!("({})", source.kind.as_str())),
                source.queries
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

/// Every diagnostic, after a blank line.
fn diagnostic_block(out: &mut String, diagnostics: &[Diagnostic], paint: Paint) {
    if diagnostics.is_empty() {
        return;
    }
    out.push('\n');
    for d in diagnostics {
        diagnostic(out, d, paint);
    }
}

/// One diagnostic, as rustc shows one: `error[code]: message`, then `  --> path` and any further
/// lines of the message (a parse error's excerpt and caret). A schema or query diagnostic that
/// knows its place in the source (issue 18 §8) names the file, line and column instead, shows the
/// source line with a caret under the offending text, the closest declared name for an unknown
/// one, and the config path it belongs to. The one place the rich view draws a diagnostic.
pub(crate) fn diagnostic(out: &mut String, d: &Diagnostic, paint: Paint) {
    let (word, color) = match d.severity {
        Severity::Error => ("error", AnsiColor::Red),
        Severity::Warning => ("warning", AnsiColor::Yellow),
    };
    let blue = AnsiColor::Blue.on_default().bold();
    let mut lines = d.message.lines();
    let first = match &d.source {
        Some(spot) => spot_headline(d, spot),
        None => lines.next().unwrap_or_default().to_string(),
    };
    let _ = writeln!(
        out,
        "{}{}",
        paint.word(color.on_default().bold(), &format!("{word}[{}]", d.code)),
        paint.word(Style::new().bold(), &format!(": {first}"))
    );
    if let Some(spot) = &d.source {
        source_excerpt(out, d, spot, paint);
        return;
    }
    if !d.path.is_empty() {
        let _ = writeln!(out, "  {} {}", paint.word(blue, "-->"), d.path);
    }
    for line in lines {
        let _ = writeln!(out, "   {} {line}", paint.word(blue, "|"));
    }
}

/// The first line of a diagnostic with a source spot. A syntax error's message is a whole report
/// (its place and caret are drawn by the excerpt): its kind and what it says in one line.
fn spot_headline(d: &Diagnostic, spot: &SourceSpot) -> String {
    let first = d.message.lines().next().unwrap_or_default();
    if !d.message.contains('\n') {
        return first.to_string();
    }
    let kind = first.split_once(": ").map_or(first, |(kind, _)| kind);
    format!("{kind}: {}", spot.summary)
}

/// `  --> file:line:col`, the source line with a caret under the spot, then `= help:` with the
/// suggestion, `= note:` lines, and the config path the diagnostic belongs to.
fn source_excerpt(out: &mut String, d: &Diagnostic, spot: &SourceSpot, paint: Paint) {
    let blue = AnsiColor::Blue.on_default().bold();
    let caret_color = match d.severity {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
    };
    let number = spot.line.to_string();
    let gutter = " ".repeat(number.len());
    let bar = paint.word(blue, "|");
    let _ = writeln!(
        out,
        "{gutter}{} {}:{}:{}",
        paint.word(blue, "-->"),
        spot.file,
        spot.line,
        spot.column
    );
    let _ = writeln!(out, "{gutter} {bar}");
    // Tabs are one column in the count: shown as one space, the caret stays under its text.
    let shown = spot.line_text.replace('\t', " ");
    let _ = writeln!(out, "{} {bar} {shown}", paint.word(blue, &number));
    let lead = " ".repeat(spot.column.saturating_sub(1));
    let width = spot
        .width
        .min(shown.chars().count().saturating_sub(spot.column - 1).max(1));
    let _ = writeln!(
        out,
        "{gutter} {bar} {lead}{}",
        paint.word(caret_color.on_default().bold(), &"^".repeat(width))
    );
    let equals = paint.word(blue, "=");
    if let Some(name) = &spot.suggestion {
        let _ = writeln!(out, "{gutter} {equals} help: did you mean `{name}`?");
    }
    for note in &spot.notes {
        let _ = writeln!(out, "{gutter} {equals} note: {note}");
    }
    if let Some(rule) = &spot.rule
        && !spot.summary.starts_with(&format!("{rule}:"))
    {
        let _ = writeln!(out, "{gutter} {equals} rule: {rule}");
    }
    if !d.path.is_empty() {
        let _ = writeln!(out, "{gutter} {equals} in: {}", d.path);
    }
}

/// `N error(s), M warning(s)`.
fn diagnostic_counts(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    format!(
        "{errors} error(s), {} warning(s)",
        diagnostics.len() - errors
    )
}

// ---------------------------------------------------------------------------------------------
// Plan and apply

/// Where a change list stands: planned, executed by an apply, or stopped before it executed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Moment {
    Planned,
    Executed,
    Stopped,
}

/// `[will apply]`, `[applied]`, `[not applied]`, `[deferred: reason]`, …: what happens (or
/// happened) to a change, never claiming an apply that did not happen.
fn tag(change: &Change, moment: Moment, paint: Paint) -> String {
    let Some(disposition) = change.disposition else {
        return String::new();
    };
    let words = match (disposition, moment, change.reason) {
        (_, _, Some(reason)) => format!("{}: {reason}", disposition.as_str()),
        (Disposition::Applied | Disposition::Derived, Moment::Stopped, None) => {
            return format!(
                " [{}]",
                paint.word(AnsiColor::Red.on_default(), "not applied")
            );
        }
        (Disposition::Applied, Moment::Planned, None) => "will apply".to_string(),
        (Disposition::Derived, Moment::Planned, None) => "will be derived".to_string(),
        (d, _, None) => d.as_str().to_string(),
    };
    let color = human::disposition_color(disposition);
    format!(" [{}]", paint.word(color.on_default(), &words))
}

impl Moment {
    /// What the summary calls the `applied` changes.
    fn applied_word(self) -> &'static str {
        match self {
            Moment::Planned => "to apply",
            Moment::Executed => "applied",
            Moment::Stopped => "not applied",
        }
    }
}

/// Each change with its tag, reason, blast radius, approval gate and diff.
fn change_blocks(
    out: &mut String,
    changes: &[Change],
    blast: &[BlastRadius],
    approvals: &[ApprovalRequirement],
    moment: Moment,
    paint: Paint,
    diffs: DiffDisplay,
) {
    out.push('\n');
    if changes.is_empty() {
        out.push_str("  no changes\n");
        return;
    }
    let dependants: BTreeMap<&str, &BlastRadius> =
        blast.iter().map(|b| (b.resource.as_ref(), b)).collect();
    let gated: BTreeMap<&str, &ApprovalRequirement> =
        approvals.iter().map(|a| (a.resource.as_ref(), a)).collect();
    let outer = out;
    let mut first = true;
    // Changes with details are set apart by a blank line.
    let mut after_details = false;
    for change in changes {
        let mut block = String::new();
        let out = &mut block;
        let _ = writeln!(
            out,
            "  {} {}{}",
            paint.operation(change.operation),
            change.resource,
            tag(change, moment, paint)
        );
        let dim = Style::new().dimmed();
        if let Some(reason) = change.reason.and_then(PlanReason::parse) {
            let _ = writeln!(
                out,
                "      {}",
                paint.word(dim, &format!("why: {}", reason.meaning()))
            );
        }
        if let Some(radius) = dependants.get(change.resource.as_ref()) {
            let _ = writeln!(out, "      affects: {}", dependant_list(radius));
        }
        if let Some(gate) = gated.get(change.resource.as_ref()) {
            let _ = writeln!(
                out,
                "      {}",
                paint.word(
                    AnsiColor::Red.on_default().bold(),
                    &format!("needs approval: {}", gate.reason)
                )
            );
        }
        if let (true, Some(content)) = (diffs.shown, &change.diff) {
            diff::lines(out, content, "      ", paint, diffs.full);
        }
        let details = block.lines().count() > 1;
        if (after_details || details) && !first {
            outer.push('\n');
        }
        after_details = details;
        first = false;
        outer.push_str(&block);
    }
}

/// `a, b, c and 4 more`.
fn dependant_list(radius: &BlastRadius) -> String {
    let names: Vec<&str> = radius
        .affected
        .iter()
        .take(SHOWN_DEPENDANTS)
        .map(|a| a.as_ref())
        .collect();
    let more = radius.affected.len().saturating_sub(SHOWN_DEPENDANTS);
    match more {
        0 => names.join(", "),
        _ => format!("{} and {more} more", names.join(", ")),
    }
}

/// `Approval gates (N):` and one line per gated resource.
fn approval_section(out: &mut String, approvals: &[ApprovalRequirement], paint: Paint) {
    if approvals.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nApproval gates ({}):", approvals.len());
    for gate in approvals {
        let _ = writeln!(
            out,
            "  {} {}: {}",
            paint.word(AnsiColor::Red.on_default().bold(), "!"),
            gate.resource,
            gate.reason
        );
    }
}

/// The last line of a plan or apply.
fn summary_line(out: &mut String, text: &str, paint: Paint) {
    let _ = writeln!(out, "\n{}", paint.word(Style::new().bold(), text));
}

fn plan(out: &mut String, o: &PlanOutput, paint: Paint, diffs: DiffDisplay) {
    plan_body(out, o, paint, diffs, "Plan");
}

/// A plan (of `plan` or `show-plan`), ending in its summary line.
fn plan_body(out: &mut String, o: &PlanOutput, paint: Paint, diffs: DiffDisplay, title: &str) {
    if !o.ok {
        out.push_str("cluster plan failed\n");
        diagnostic_block(out, &o.diagnostics, paint);
        let text = format!(
            "{title} failed: {}; nothing was planned.",
            diagnostic_counts(&o.diagnostics)
        );
        summary_line(out, &text, paint);
        return;
    }
    let _ = writeln!(
        out,
        "cluster plan: {} change(s), {} approval gate(s)",
        o.changes.len(),
        o.approvals_required.len()
    );
    if let Some(file) = &o.saved_plan {
        let _ = writeln!(out, "  saved plan: {file}");
    }
    change_blocks(
        out,
        &o.changes,
        &o.blast_radius,
        &o.approvals_required,
        Moment::Planned,
        paint,
        diffs,
    );
    approval_section(out, &o.approvals_required, paint);
    diagnostic_block(out, &o.diagnostics, paint);
    let counts = Counts::of(&o.changes);
    let text = format!(
        "{title}: {} change(s): {} · {} · {}.",
        o.changes.len(),
        counts.actions(),
        counts.dispositions(Moment::Planned.applied_word()),
        counts.convergence()
    );
    summary_line(out, &text, paint);
}

/// Why an apply that wrote nothing stopped, from its first error.
fn stop_reason(diagnostics: &[Diagnostic]) -> String {
    let Some(error) = diagnostics.iter().find(|d| d.is_error()) else {
        return "apply failed".to_string();
    };
    let why = match error.code {
        Code::ConfirmationDeclined => "the prompt was not answered `yes`",
        Code::SavedPlanInvalid => {
            "the saved plan was refused: it is not a usable plan of this cluster"
        }
        Code::SavedPlanStale => {
            "the saved plan was refused: the config or the state moved since it was made"
        }
        Code::StateLockHeld | Code::StateLockError => "the state lock could not be taken",
        Code::StateMissing => "there is no state yet (run `cluster import`)",
        Code::StateCasMismatch => "the state changed while apply ran",
        Code::ResourcePayloadWriteError | Code::ResourceContentChanged => {
            "a payload could not be published"
        }
        _ => "apply failed",
    };
    format!("{}: {why}", error.code)
}

fn apply(out: &mut String, o: &ApplyOutput, paint: Paint, diffs: DiffDisplay) {
    let moment = if o.ok || o.state_written {
        Moment::Executed
    } else {
        Moment::Stopped
    };
    match moment {
        Moment::Stopped => {
            let _ = writeln!(
                out,
                "cluster apply failed: {}",
                paint.word(AnsiColor::Red.on_default().bold(), "nothing was applied")
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "cluster apply: {} applied, {} deferred/blocked",
                o.applied_count, o.deferred_count
            );
        }
    }
    let approvals = plan::approvals(&o.changes);
    change_blocks(
        out,
        &o.changes,
        &o.blast_radius,
        &approvals,
        moment,
        paint,
        diffs,
    );
    approval_section(out, &approvals, paint);
    if moment == Moment::Executed {
        out.push('\n');
        human::apply_state_lines(out, o);
    }
    diagnostic_block(out, &o.diagnostics, paint);
    let counts = Counts::of(&o.changes);
    let text = match moment {
        Moment::Stopped => format!(
            "Nothing was applied ({}). {} change(s): {} · {} · the state is unchanged.",
            stop_reason(&o.diagnostics),
            o.changes.len(),
            counts.actions(),
            counts.dispositions(moment.applied_word())
        ),
        _ => {
            let converged = match o.converged {
                true => "converged".to_string(),
                false => format!("not converged ({} change(s) wait)", counts.waiting()),
            };
            let state = match o.state_written {
                true => format!(
                    "state revision {} written",
                    o.state_observations.state_revision
                ),
                false => format!(
                    "state unchanged (revision {})",
                    o.state_observations.state_revision
                ),
            };
            format!(
                "Apply: {} change(s): {} · {} · {converged} · {state}.",
                o.changes.len(),
                counts.actions(),
                counts.dispositions(moment.applied_word())
            )
        }
    };
    summary_line(out, &text, paint);
}

// ---------------------------------------------------------------------------------------------
// Status, refresh and import

fn status(out: &mut String, o: &StatusOutput, paint: Paint) {
    human::status(out, o);
    let not_applied: Vec<(&String, &crate::state::ResourceStatusRecord)> = o
        .ledger
        .resource_statuses
        .iter()
        .filter(|(_, r)| r.status != ResourceStatus::Applied)
        .collect();
    if !not_applied.is_empty() {
        let _ = writeln!(out, "\nNot applied ({}):", not_applied.len());
        let mut conditions = BTreeSet::new();
        let width = not_applied.iter().map(|(a, _)| a.len()).max().unwrap_or(0);
        for (address, record) in &not_applied {
            let condition = match record.conditions.as_slice() {
                [] => String::new(),
                all => format!(" [{}]", all.join(", ")),
            };
            let message = record
                .message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {address:<width$}  {}{condition}{message}",
                paint.status(record.status)
            );
            conditions.extend(record.conditions.iter().map(String::as_str));
        }
        what_to_do(out, conditions, paint);
    }
    if !o.diagnostics.is_empty() {
        let _ = writeln!(out, "\nFindings ({}):", o.diagnostics.len());
        for d in &o.diagnostics {
            diagnostic(out, d, paint);
        }
    }
    if o.state_observations.state_found && o.ok {
        let applied = o
            .ledger
            .resource_statuses
            .values()
            .filter(|r| r.status == ResourceStatus::Applied)
            .count();
        let text = format!(
            "Status: revision {} · {} resource(s) · {applied} status(es) applied, {} not · {} finding(s).",
            o.state_observations.state_revision,
            o.state_observations.resource_count,
            not_applied.len(),
            o.diagnostics.len()
        );
        summary_line(out, &text, paint);
    }
}

/// For each condition met, what to do about it (from the glossary).
pub(crate) fn what_to_do<'a>(
    out: &mut String,
    conditions: impl IntoIterator<Item = &'a str>,
    paint: Paint,
) {
    let known: Vec<(&str, &str)> = conditions
        .into_iter()
        .filter_map(|c| {
            let todo = StatusCondition::parse(c)
                .map(|w| w.what_to_do())
                .or_else(|| PlanReason::parse(c).map(|w| w.what_to_do()))?;
            Some((c, todo))
        })
        .collect();
    if known.is_empty() {
        return;
    }
    out.push_str("\nWhat to do:\n");
    for (condition, todo) in known {
        let _ = writeln!(
            out,
            "  {}: {todo}",
            paint.word(Style::new().bold(), condition)
        );
    }
}

/// A field of a graph observation as text.
fn field<'v>(observation: &'v Value, key: &str) -> Option<&'v Value> {
    observation.get(key).filter(|v| !v.is_null())
}

fn sync(out: &mut String, o: &SyncOutput, paint: Paint) {
    let op = o.operation.label();
    if o.ok {
        human::sync(out, o);
    } else {
        let _ = writeln!(
            out,
            "cluster {op} failed: {}",
            paint.word(AnsiColor::Red.on_default().bold(), "nothing was written")
        );
    }
    let mut counts = [0usize; 4];
    if !o.ledger.observations.is_empty() {
        let _ = writeln!(out, "\nGraph roots ({}):", o.ledger.observations.len());
    }
    let mut conditions = BTreeSet::new();
    for (address, observation) in &o.ledger.observations {
        let graph = address.strip_prefix("graph.").unwrap_or(address);
        let uri = field(observation, "graph_uri")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let error = field(observation, "error").and_then(Value::as_str);
        let exists = field(observation, "exists").and_then(Value::as_bool) == Some(true);
        let matches = field(observation, "schema_matches_desired").and_then(Value::as_bool);
        let (slot, word, color, detail) = match (exists, error) {
            (false, _) => {
                conditions.insert(StatusCondition::GraphMissing.as_str());
                (
                    1,
                    "missing",
                    AnsiColor::Yellow,
                    format!(
                        "{}; graph.{graph} and schema.{graph} left the applied resources",
                        error.unwrap_or("nothing is there")
                    ),
                )
            }
            (true, Some(error)) => {
                conditions.insert(StatusCondition::GraphObservationError.as_str());
                (2, "failed", AnsiColor::Red, error.to_string())
            }
            (true, None) if matches == Some(false) => {
                conditions.insert(StatusCondition::SchemaMismatch.as_str());
                let live = field(observation, "schema_digest")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let desired = field(observation, "desired_schema_digest")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                (
                    3,
                    "drifted",
                    AnsiColor::Yellow,
                    format!(
                        "live schema sha256 {} differs from the declared {}",
                        short(live),
                        short(desired)
                    ),
                )
            }
            (true, None) => {
                let version = field(observation, "manifest_version")
                    .map(Value::to_string)
                    .unwrap_or_else(|| "?".into());
                (
                    0,
                    "live",
                    AnsiColor::Green,
                    format!("manifest version {version}, schema as declared"),
                )
            }
        };
        counts[slot] += 1;
        let _ = writeln!(
            out,
            "  {graph} {} {uri}",
            paint.word(color.on_default().bold(), word)
        );
        let _ = writeln!(out, "      {detail}");
    }
    what_to_do(out, conditions, paint);
    diagnostic_block(out, &o.diagnostics, paint);
    let [live, missing, failed, drifted] = counts;
    let written = match o.ok {
        true => format!(
            "state revision {} written",
            o.state_observations.state_revision
        ),
        false => "nothing was written".to_string(),
    };
    let title = match o.operation {
        crate::ops::sync::SyncOperation::Refresh => "Refresh",
        crate::ops::sync::SyncOperation::Import => "Import",
    };
    let text = format!(
        "{title}: {} graph root(s): {live} live, {missing} missing, {failed} failed, {drifted} schema mismatch · {written}.",
        o.ledger.observations.len()
    );
    summary_line(out, &text, paint);
}
