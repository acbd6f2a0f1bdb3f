//! `plan --format markdown` and `show-plan FILE --format markdown` (issue 18 §5): a report to
//! post as a pull-request comment. Deterministic: the same plan gives the same bytes (no times,
//! no ids, no paths of the machine beyond those the diffs name). A headline with the counts and
//! whether apply would converge; a table of the changes with disposition, reason and blast
//! radius; the approval gates, warnings and errors; the content diffs in `<details>` blocks; the
//! Mermaid picture.

use super::Output;
use super::counts::Counts;
use super::diff;
use crate::diagnostic::Severity;
use crate::ops::graph::picture;
use crate::ops::plan::PlanOutput;
use crate::plan::{BlastRadius, Change, ContentDiff, Disposition};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The report of a plan output (or a saved plan's); `None` for other outputs.
pub fn render(output: &Output, full: bool) -> Option<String> {
    match output {
        Output::Plan(o) => Some(report(o, full)),
        Output::ShowPlan(o) => o.plan.as_ref().map(|plan| report(plan, full)),
        _ => None,
    }
}

/// Text with the characters Markdown reads inline backslash-escaped and `<`, `>`, `&` as
/// entities, so a message is shown as written, never as Markdown or HTML; line breaks become
/// `<br>`. (Line-start markers cannot occur: the text always follows other text.)
fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for (i, line) in raw.lines().enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        for c in line.chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '!' | '#' => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
    }
    out
}

/// An inline code span that holds `raw` whatever backticks it contains.
fn code(raw: &str) -> String {
    let longest = longest_run(raw, '`');
    let fence = "`".repeat(longest + 1);
    let pad = if raw.starts_with('`') || raw.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{raw}{pad}{fence}")
}

fn longest_run(raw: &str, c: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for ch in raw.chars() {
        run = if ch == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

fn report(o: &PlanOutput, full: bool) -> String {
    let mut out = String::new();
    if !o.ok {
        out.push_str("## Cluster plan failed\n\n");
        problems(&mut out, o);
        return out;
    }
    out.push_str("## Cluster plan\n\n");
    headline(&mut out, &o.changes);
    changes_table(&mut out, &o.changes, &o.blast_radius);
    out.push_str("### Approval gates\n\n");
    if o.approvals_required.is_empty() {
        out.push_str("None.\n\n");
    }
    for gate in &o.approvals_required {
        let _ = writeln!(out, "- {}: {}", code(&gate.resource), text(gate.reason));
    }
    if !o.approvals_required.is_empty() {
        out.push('\n');
    }
    problems(&mut out, o);
    diffs(&mut out, &o.changes, full);
    out.push_str("### Dependency graph\n\n```mermaid\n");
    let (nodes, edges) = picture(o);
    out.push_str(&super::graph::mermaid(&nodes, &edges));
    out.push_str("```\n\n");
    let digest = o
        .desired_revision
        .config_digest
        .as_deref()
        .unwrap_or("none");
    let cas = o.state_observations.state_cas.as_deref().unwrap_or("none");
    let _ = writeln!(
        out,
        "<sub>config digest {} · state CAS {}</sub>",
        code(digest),
        code(cas)
    );
    out
}

/// `**3 change(s)**: … · … · ✅ apply would converge`: the rich view's summary, as a headline.
fn headline(out: &mut String, changes: &[Change]) {
    let counts = Counts::of(changes);
    let mark = match counts.waiting() {
        0 => "✅",
        _ => "⚠️",
    };
    let _ = writeln!(
        out,
        "**{} change(s)**: {} · {} · {mark} {}\n",
        changes.len(),
        counts.actions(),
        counts.dispositions("to apply"),
        counts.convergence()
    );
}

fn changes_table(out: &mut String, changes: &[Change], blast: &[BlastRadius]) {
    if changes.is_empty() {
        out.push_str("No changes.\n\n");
        return;
    }
    let radius: BTreeMap<&str, &BlastRadius> =
        blast.iter().map(|b| (b.resource.as_ref(), b)).collect();
    out.push_str("| Action | Resource | Disposition | Reason | Blast radius |\n");
    out.push_str("| --- | --- | --- | --- | --- |\n");
    for change in changes {
        let reason = change.reason.map(code).unwrap_or_default();
        let affected = radius
            .get(change.resource.as_ref())
            .map(|b| {
                b.affected
                    .iter()
                    .map(|a| code(a))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {reason} | {affected} |",
            change.operation.as_str(),
            code(&change.resource),
            change.disposition.map_or("", Disposition::as_str)
        );
    }
    out.push('\n');
}

/// The warnings and errors, or `None.`.
fn problems(out: &mut String, o: &PlanOutput) {
    out.push_str("### Warnings and errors\n\n");
    if o.diagnostics.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    for d in &o.diagnostics {
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let at = match d.path.is_empty() {
            true => String::new(),
            false => format!(" at {}", code(&d.path)),
        };
        let _ = writeln!(
            out,
            "- **{severity}** {}{at}: {}",
            code(d.code.as_str()),
            text(&d.message)
        );
    }
    out.push('\n');
}

/// Each change's diff in a collapsed `<details>` block.
fn diffs(out: &mut String, changes: &[Change], full: bool) {
    let with_diffs: Vec<(&Change, &ContentDiff)> = changes
        .iter()
        .filter_map(|c| Some((c, c.diff.as_deref()?)))
        .collect();
    if with_diffs.is_empty() {
        return;
    }
    out.push_str("### Content diffs\n\n");
    for (change, diff) in with_diffs {
        let detail = match diff {
            ContentDiff::Text { added, removed, .. } => format!("+{added} −{removed}"),
            ContentDiff::Unavailable { .. } => "no diff".to_string(),
            ContentDiff::Digest { .. } => "digest only".to_string(),
        };
        let _ = writeln!(
            out,
            "<details>\n<summary><code>{}</code> ({}, {detail})</summary>\n",
            change.resource,
            change.operation.as_str()
        );
        match diff {
            ContentDiff::Text {
                old, new, unified, ..
            } => {
                let mut body = format!("--- {}\n+++ {}\n", diff::side(old), diff::side(new));
                let (kept, more) = diff::shown(unified, full);
                for line in kept {
                    body.push_str(line);
                    body.push('\n');
                }
                let fence = "`".repeat(3.max(longest_run(&body, '`') + 1));
                let _ = write!(out, "{fence}diff\n{body}{fence}\n");
                if more > 0 {
                    let _ = writeln!(
                        out,
                        "\n… {more} more line(s) not shown (`--full-diff` shows all)"
                    );
                }
            }
            ContentDiff::Unavailable { note, .. } => {
                let _ = writeln!(out, "No diff: {}", text(note));
            }
            ContentDiff::Digest { note } => {
                let _ = writeln!(out, "{}", text(note));
            }
        }
        out.push_str("\n</details>\n\n");
    }
}
