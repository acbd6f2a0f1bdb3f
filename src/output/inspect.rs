//! The text of the commands issue 18 added to look at a cluster: `state list`, `state show`,
//! `show-plan`, and `graph` when it could not be drawn. They have no contract lines, so the
//! plain text and the rich view print these same lines; they differ only in how they draw the
//! diagnostics and, for a saved plan, in the plan's own text (each view's plan text).

use super::human::Paint;
use super::rich::what_to_do;
use crate::diagnostic::Diagnostic;
use crate::ops::contents::short;
use crate::ops::graph::GraphOutput;
use crate::ops::plan::PlanOutput;
use crate::ops::show_plan::ShowPlanOutput;
use crate::ops::state_view::{StateEntry, StateListOutput, StateShowOutput};
use crate::state::StateObservations;
use anstyle::Style;
use serde_json::Value;
use std::fmt::Write;

/// `cluster state: revision R, N resource(s)` or `cluster state missing`.
fn state_headline(out: &mut String, obs: &StateObservations, ok: bool) {
    if obs.state_found {
        let _ = writeln!(
            out,
            "cluster state: revision {}, {} resource(s)",
            obs.state_revision, obs.resource_count
        );
    } else if ok {
        out.push_str("cluster state missing\n");
    } else {
        out.push_str("cluster state failed\n");
    }
}

pub(crate) fn state_list<'a>(
    out: &mut String,
    o: &'a StateListOutput,
    paint: Paint,
) -> &'a [Diagnostic] {
    state_headline(out, &o.state_observations, o.ok);
    let width = o
        .resources
        .iter()
        .map(|r| r.address.len())
        .max()
        .unwrap_or(0);
    for entry in &o.resources {
        let status = entry
            .status
            .map(|s| paint.status(s))
            .unwrap_or_else(|| "-".into());
        let pad = " ".repeat(width - entry.address.len());
        let digest = entry.digest.as_deref().map(short).unwrap_or("-");
        let conditions = match entry.conditions.as_slice() {
            [] => String::new(),
            all => format!(" [{}]", all.join(", ")),
        };
        // The status is padded by its plain width, so colour does not break the columns.
        let status_pad = " ".repeat(8usize.saturating_sub(plain_status_len(entry)));
        let _ = writeln!(
            out,
            "  {}{pad}  {:<7} {status}{status_pad} {digest:<12}{conditions}",
            entry.address, entry.kind
        );
    }
    &o.diagnostics
}

fn plain_status_len(entry: &StateEntry) -> usize {
    entry.status.map_or(1, |s| s.as_str().len())
}

pub(crate) fn state_show<'a>(
    out: &mut String,
    o: &'a StateShowOutput,
    paint: Paint,
) -> &'a [Diagnostic] {
    let Some(entry) = &o.resource else {
        state_headline(out, &o.state_observations, o.ok);
        return &o.diagnostics;
    };
    let bold = Style::new().bold();
    let _ = writeln!(out, "{} ({})", paint.word(bold, &entry.address), entry.kind);
    let none = || "-".to_string();
    let _ = writeln!(
        out,
        "  digest:     {}",
        entry.digest.clone().unwrap_or_else(none)
    );
    let status = entry.status.map(|s| paint.status(s)).unwrap_or_else(none);
    let _ = writeln!(out, "  status:     {status}");
    let conditions = match entry.conditions.as_slice() {
        [] => none(),
        all => all.join(", "),
    };
    let _ = writeln!(out, "  conditions: {conditions}");
    let _ = writeln!(
        out,
        "  message:    {}",
        entry.message.clone().unwrap_or_else(none)
    );
    if let Some(blob) = &o.blob {
        let _ = writeln!(out, "  blob:       {blob}");
    }
    if let Some(payload) = &o.payload {
        out.push_str("  payload:\n");
        for line in payload.lines() {
            let _ = writeln!(out, "    | {line}");
        }
    }
    if let Some(Value::Object(observation)) = &o.observation {
        out.push_str("  last observation:\n");
        for (key, value) in observation {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let _ = writeln!(out, "    {key}: {text}");
        }
    }
    what_to_do(out, entry.conditions.iter().map(String::as_str), paint);
    &o.diagnostics
}

/// `saved plan FILE: made for CLUSTER` and what it was planned against, then the plan for the
/// view to print; or `cluster show-plan failed` and `None`, the diagnostics left to the view.
pub(crate) fn saved_plan<'a>(out: &mut String, o: &'a ShowPlanOutput) -> Option<&'a PlanOutput> {
    let (Some(header), Some(plan)) = (&o.header, &o.plan) else {
        out.push_str("cluster show-plan failed\n");
        return None;
    };
    let _ = writeln!(out, "saved plan {}: made for {}", o.file, header.cluster);
    let _ = writeln!(out, "  config digest: {}", header.config_digest);
    let _ = writeln!(
        out,
        "  state CAS:     {}",
        header.state_cas.as_deref().unwrap_or("none (no state)")
    );
    Some(plan)
}

/// `cluster graph failed`: a graph that could be made is always drawn (DOT or Mermaid), so
/// this line is its only text.
pub(crate) fn graph_failed<'a>(out: &mut String, o: &'a GraphOutput) -> &'a [Diagnostic] {
    out.push_str("cluster graph failed\n");
    &o.diagnostics
}
