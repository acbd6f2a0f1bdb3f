//! The top of the library: the output object of any command, and its rendering: pretty JSON,
//! the exact human lines of contract §9 (`human`), the rich view (`rich`, with `diff` for content
//! diffs), the Markdown report (`markdown`), the dependency picture (`graph`) and the lines of
//! the drift check and the history (`audit`). Only the binary and the renderers use it.

mod audit;
mod counts;
pub mod diff;
pub mod graph;
pub mod human;
mod inspect;
pub mod markdown;
pub mod rich;

use crate::addressed::Dependency;
use crate::ops::apply::ApplyOutput;
use crate::ops::drift::DriftOutput;
use crate::ops::graph::{GraphOutput, Node};
use crate::ops::history::{HistoryOutput, RevisionOutput};
use crate::ops::plan::PlanOutput;
use crate::ops::show_plan::ShowPlanOutput;
use crate::ops::state_view::{StateListOutput, StateShowOutput};
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
    StateList(StateListOutput),
    StateShow(StateShowOutput),
    ShowPlan(ShowPlanOutput),
    Graph(GraphOutput),
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
            Output::StateList(o) => o.ok,
            Output::StateShow(o) => o.ok,
            Output::ShowPlan(o) => o.ok,
            Output::Graph(o) => o.ok,
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
            Output::StateList(o) => serde_json::to_writer_pretty(out, o),
            Output::StateShow(o) => serde_json::to_writer_pretty(out, o),
            Output::ShowPlan(o) => serde_json::to_writer_pretty(out, o),
            Output::Graph(o) => serde_json::to_writer_pretty(out, o),
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

/// Which text view a command prints (`--format`, `OMNIGRAPH_FORMAT`, or the terminal decided).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The contract's lines (§9), as piped output has always printed them.
    Plain,
    /// The rich view: what changed, why, and what to do.
    Rich,
    /// A Markdown report (plan and show-plan).
    Markdown,
    /// The dependency picture (`cluster graph`).
    Dot,
    Mermaid,
}

/// How content diffs are shown in the text views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DiffDisplay {
    /// Print the diffs the changes carry.
    pub shown: bool,
    /// Every line (`--full-diff`) instead of the first [`diff::SHOWN_LINES`] of each.
    pub full: bool,
}

/// The text of `output` in `view`, dressed as `presentation` asks.
pub fn render_text(
    output: &Output,
    view: View,
    presentation: &human::Presentation,
    diffs: DiffDisplay,
) -> String {
    match view {
        View::Plain => {
            let mut text = human::render_with(output, presentation);
            if diffs.shown {
                diff::plain_section(&mut text, output, presentation.color, diffs.full);
            }
            text
        }
        View::Rich => rich::render(output, presentation, diffs),
        View::Markdown => match markdown::render(output, diffs.full) {
            Some(text) => text,
            None => rich::render(output, presentation, diffs),
        },
        View::Dot => picture(output, presentation, graph::dot),
        View::Mermaid => picture(output, presentation, graph::mermaid),
    }
}

/// The dependency picture of a `cluster graph` that could be made, drawn by `draw`; one that
/// could not says why in plain lines, as a script expects.
fn picture(
    output: &Output,
    presentation: &human::Presentation,
    draw: fn(&[Node], &[Dependency]) -> String,
) -> String {
    match output {
        Output::Graph(o) if o.ok => draw(&o.nodes, &o.edges),
        _ => human::render_with(output, presentation),
    }
}

#[cfg(test)]
mod tests {
    use crate::plan::{Disposition, Operation};
    use crate::state::ResourceStatus;
    use serde::Serialize;

    fn json_word(value: impl Serialize) -> String {
        serde_json::to_value(value)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// The text views print the words `--json` carries.
    #[test]
    fn words_are_the_json_words() {
        use Disposition::*;
        use ResourceStatus as S;
        for op in [Operation::Create, Operation::Update, Operation::Delete] {
            assert_eq!(op.as_str(), json_word(op));
        }
        for d in [Applied, Derived, Deferred, Blocked] {
            assert_eq!(d.as_str(), json_word(d));
        }
        let statuses = [
            S::Pending,
            S::Planned,
            S::Applying,
            S::Applied,
            S::Drifted,
            S::Blocked,
            S::Error,
        ];
        for s in statuses {
            assert_eq!(s.as_str(), json_word(s));
        }
    }
}
