//! Content diffs as text: the `---`/`+++` header and the hunks a change carries (see
//! `plan::ContentDiff`), coloured on a terminal, stopped after [`SHOWN_LINES`] lines unless all
//! are asked for; the reason a diff cannot be shown; the words for a digest-only change.

use super::Output;
use super::human::{Paint, operation_word};
use crate::plan::{Change, ContentDiff};
use anstyle::{AnsiColor, Style};
use std::fmt::Write;

/// Lines of one diff the text views print before saying how many more there are.
pub const SHOWN_LINES: usize = 40;

/// A side of a diff as its header names it: its path, or `/dev/null` when it does not exist.
pub(crate) fn side(at: &Option<String>) -> &str {
    at.as_deref().unwrap_or("/dev/null")
}

/// The lines of `unified` a text view prints (all when `full`, else the first
/// [`SHOWN_LINES`]), and how many more there are.
pub(crate) fn shown(unified: &str, full: bool) -> (Vec<&str>, usize) {
    let mut lines: Vec<&str> = unified.lines().collect();
    let more = match full {
        true => 0,
        false => lines.len().saturating_sub(SHOWN_LINES),
    };
    lines.truncate(lines.len() - more);
    (lines, more)
}

/// The lines of `diff`, each prefixed with `indent`, ending in `\n`.
pub(crate) fn lines(out: &mut String, diff: &ContentDiff, indent: &str, paint: Paint, full: bool) {
    match diff {
        ContentDiff::Text {
            old, new, unified, ..
        } => {
            let bold = Style::new().bold();
            let _ = writeln!(
                out,
                "{indent}{}",
                paint.word(bold, &format!("--- {}", side(old)))
            );
            let _ = writeln!(
                out,
                "{indent}{}",
                paint.word(bold, &format!("+++ {}", side(new)))
            );
            let (kept, more) = shown(unified, full);
            for line in kept {
                let _ = writeln!(out, "{indent}{}", paint_line(paint, line));
            }
            if more > 0 {
                let _ = writeln!(
                    out,
                    "{indent}… {more} more line(s) of this diff not shown (--full-diff shows all)"
                );
            }
        }
        ContentDiff::Unavailable { note, .. } => {
            let _ = writeln!(out, "{indent}(no diff: {note})");
        }
        ContentDiff::Digest { note } => {
            let _ = writeln!(out, "{indent}{note}");
        }
    }
}

/// A hunk line in the colours of `git diff`.
fn paint_line(paint: Paint, line: &str) -> String {
    let color = match line.as_bytes().first() {
        Some(b'+') => AnsiColor::Green,
        Some(b'-') => AnsiColor::Red,
        Some(b'@') => AnsiColor::Cyan,
        _ => return line.to_string(),
    };
    paint.word(color.on_default(), line)
}

/// The changes of a plan or apply output, if it has any.
pub fn changes_of(output: &Output) -> &[Change] {
    match output {
        Output::Plan(o) => &o.changes,
        Output::Apply(o) => &o.changes,
        _ => &[],
    }
}

/// The contract text with `--diff`: after it, each change's diff under its
/// `«Operation» «resource»` line, so piped text keeps its every line and gains the diffs.
pub fn plain_section(out: &mut String, output: &Output, color: bool, full: bool) {
    let paint = Paint(color);
    let with_diffs: Vec<&Change> = changes_of(output)
        .iter()
        .filter(|c| c.diff.is_some())
        .collect();
    if with_diffs.is_empty() {
        return;
    }
    out.push_str("\ncontent diffs:\n");
    for change in with_diffs {
        let _ = writeln!(
            out,
            "  {} {}",
            operation_word(change.operation),
            change.resource
        );
        if let Some(diff) = &change.diff {
            lines(out, diff, "    ", paint, full);
        }
    }
}
