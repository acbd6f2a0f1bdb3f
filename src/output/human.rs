//! Human-readable output, line for line as contract §9 specifies; on a terminal, the same lines
//! with colour and the extra texts only a person at a terminal sees (see [`Presentation`]).

use super::{Output, audit, inspect};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::ops::Question;
use crate::ops::apply::ApplyOutput;
use crate::ops::plan::PlanOutput;
use crate::ops::status::StatusOutput;
use crate::ops::sync::SyncOutput;
use crate::ops::unlock::UnlockOutput;
use crate::ops::validate::ValidateOutput;
use crate::plan::{Change, Disposition, Operation};
use crate::state::lock::{LockWait, StateLockFile};
use crate::state::{ResourceStatus, StateObservations};
use anstyle::{AnsiColor, Style};
use std::fmt::Write;
use std::time::Duration;

/// How human text is dressed. The default is the contract's plain text, byte for byte.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Presentation {
    /// Colour severity labels, operations and dispositions (a terminal, or `--color always`).
    pub color: bool,
    /// Stdout is a terminal: after `state_lock_held`, add a hint block naming the holder and a
    /// paste-ready `force-unlock` for this absolute config dir.
    pub lock_hint_config: Option<String>,
}

/// Paints words when colour is on; otherwise returns them unchanged.
#[derive(Clone, Copy)]
pub(crate) struct Paint(pub(crate) bool);

impl Paint {
    pub(crate) fn word(self, style: Style, text: &str) -> String {
        if self.0 {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    pub(crate) fn operation(self, operation: Operation) -> String {
        let color = match operation {
            Operation::Create => AnsiColor::Green,
            Operation::Update => AnsiColor::Yellow,
            Operation::Delete => AnsiColor::Red,
        };
        self.word(color.on_default(), operation_word(operation))
    }

    pub(crate) fn status(self, status: ResourceStatus) -> String {
        let color = match status {
            ResourceStatus::Applied => AnsiColor::Green,
            ResourceStatus::Drifted => AnsiColor::Yellow,
            ResourceStatus::Blocked => AnsiColor::Magenta,
            ResourceStatus::Error => AnsiColor::Red,
            _ => AnsiColor::White,
        };
        self.word(color.on_default(), status.as_str())
    }

    pub(crate) fn disposition(self, disposition: Disposition) -> String {
        self.word(
            disposition_color(disposition).on_default(),
            disposition_word(disposition),
        )
    }
}

/// The colour of a disposition in every text view.
pub(crate) fn disposition_color(disposition: Disposition) -> AnsiColor {
    match disposition {
        Disposition::Applied => AnsiColor::Green,
        Disposition::Derived => AnsiColor::Cyan,
        Disposition::Deferred => AnsiColor::Blue,
        Disposition::Blocked => AnsiColor::Magenta,
    }
}

pub(crate) fn operation_word(operation: Operation) -> &'static str {
    match operation {
        Operation::Create => "Create",
        Operation::Update => "Update",
        Operation::Delete => "Delete",
    }
}

pub(crate) fn disposition_word(disposition: Disposition) -> &'static str {
    match disposition {
        Disposition::Applied => "Applied",
        Disposition::Derived => "Derived",
        Disposition::Deferred => "Deferred",
        Disposition::Blocked => "Blocked",
    }
}

/// ` (id=…, operation=…, pid=…, created_at=…, age_seconds=…)` or empty without a lock id (§9.2).
pub(crate) fn lock_summary(obs: &StateObservations) -> String {
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

pub(crate) fn diagnostic_lines(out: &mut String, diagnostics: &[Diagnostic], paint: Paint) {
    for d in diagnostics {
        // The warning label is five characters wide: `WARN` and a space (§9.1).
        let label = match d.severity {
            Severity::Error => paint.word(AnsiColor::Red.on_default().bold(), "ERROR"),
            Severity::Warning => paint.word(AnsiColor::Yellow.on_default().bold(), "WARN") + " ",
        };
        let _ = writeln!(out, "{label} {} {}: {}", d.code, d.path, d.message);
    }
}

fn change_lines(out: &mut String, changes: &[Change], with_disposition: bool, paint: Paint) {
    if changes.is_empty() {
        out.push_str("  no changes\n");
    }
    for change in changes {
        let _ = write!(
            out,
            "  {} {}",
            paint.operation(change.operation),
            change.resource
        );
        if let (true, Some(disposition)) = (with_disposition, change.disposition) {
            let word = paint.disposition(disposition);
            match change.reason {
                Some(reason) => {
                    let _ = write!(out, " [{word}: {reason}]");
                }
                None => {
                    let _ = write!(out, " [{word}]");
                }
            }
        }
        out.push('\n');
    }
}

/// The human text of `output`: its own lines, then every diagnostic line (§9).
pub fn render(output: &Output) -> String {
    render_with(output, &Presentation::default())
}

/// [`render`], dressed as `presentation` asks.
pub fn render_with(output: &Output, presentation: &Presentation) -> String {
    let mut out = String::new();
    let paint = Paint(presentation.color);
    let diagnostics = match output {
        Output::Validate(o) => validate(&mut out, o),
        Output::Plan(o) => plan(&mut out, o, paint),
        Output::Apply(o) => apply(&mut out, o, paint),
        Output::Status(o) => status(&mut out, o),
        Output::Sync(o) => sync(&mut out, o),
        Output::Drift(o) => audit::drift(&mut out, o),
        Output::History(o) => audit::history(&mut out, o),
        Output::Revision(o) => audit::revision(&mut out, o, paint),
        Output::Unlock(o) => unlock(&mut out, o),
        // The commands issue 18 added have no contract text: the rich view's lines, uncoloured
        // unless asked.
        Output::StateList(o) => inspect::state_list(&mut out, o, paint),
        Output::StateShow(o) => inspect::state_show(&mut out, o, paint),
        Output::ShowPlan(o) => match inspect::saved_plan(&mut out, o) {
            Some(saved) => plan(&mut out, saved, paint),
            None => &o.diagnostics,
        },
        Output::Graph(o) => inspect::graph_failed(&mut out, o),
    };
    diagnostic_lines(&mut out, diagnostics, paint);
    if let Some(config_dir) = &presentation.lock_hint_config {
        lock_hint(&mut out, output, config_dir);
    }
    out
}

pub(crate) fn validate<'a>(out: &mut String, o: &'a ValidateOutput) -> &'a [Diagnostic] {
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

fn plan<'a>(out: &mut String, o: &'a PlanOutput, paint: Paint) -> &'a [Diagnostic] {
    if o.ok {
        let _ = writeln!(
            out,
            "cluster plan: {} change(s), {} approval gate(s)",
            o.changes.len(),
            o.approvals_required.len()
        );
        change_lines(out, &o.changes, false, paint);
        if let Some(file) = &o.saved_plan {
            let _ = writeln!(out, "  saved plan: {file}");
        }
    } else {
        out.push_str("cluster plan failed\n");
    }
    &o.diagnostics
}

fn apply<'a>(out: &mut String, o: &'a ApplyOutput, paint: Paint) -> &'a [Diagnostic] {
    if o.ok {
        let _ = writeln!(
            out,
            "cluster apply: {} applied, {} deferred/blocked",
            o.applied_count, o.deferred_count
        );
    } else {
        out.push_str("cluster apply failed\n");
    }
    change_lines(out, &o.changes, true, paint);
    if o.ok {
        apply_state_lines(out, o);
    }
    &o.diagnostics
}

/// `  state: revision R, converged: …, written: …` and the note on what `applied` means.
pub(crate) fn apply_state_lines(out: &mut String, o: &ApplyOutput) {
    let _ = writeln!(
        out,
        "  state: revision {}, converged: {}, written: {}",
        o.state_observations.state_revision, o.converged, o.state_written
    );
    out.push_str("  note: applied = recorded in the cluster catalog; the server still boots from omnigraph.yaml\n");
}

/// The ledger lines of status and refresh/import: `«title»: revision R, N resource(s)`, an
/// optional detail line, then `  lock: «verb»«S»` or `  lock: not «verb»`.
pub(crate) fn ledger_lines(
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

pub(crate) fn status<'a>(out: &mut String, o: &'a StatusOutput) -> &'a [Diagnostic] {
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

pub(crate) fn sync<'a>(out: &mut String, o: &'a SyncOutput) -> &'a [Diagnostic] {
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

pub(crate) fn unlock<'a>(out: &mut String, o: &'a UnlockOutput) -> &'a [Diagnostic] {
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

/// The state observations and diagnostics of the commands that take the lock, and of a saved
/// plan, whose plain text is its plan's.
fn lock_context(output: &Output) -> Option<(&StateObservations, &[Diagnostic])> {
    match output {
        Output::Plan(o) => Some((&o.state_observations, &o.diagnostics)),
        Output::Apply(o) => Some((&o.state_observations, &o.diagnostics)),
        Output::Sync(o) => Some((&o.state_observations, &o.diagnostics)),
        Output::ShowPlan(o) => o
            .plan
            .as_ref()
            .map(|plan| (&plan.state_observations, &plan.diagnostics[..])),
        _ => None,
    }
}

/// After `state_lock_held` on a terminal: who holds the lock, and how to remove it.
pub(crate) fn lock_hint(out: &mut String, output: &Output, config_dir: &str) {
    let Some((obs, diagnostics)) = lock_context(output) else {
        return;
    };
    if !diagnostics.iter().any(|d| d.code == Code::StateLockHeld) {
        return;
    }
    out.push('\n');
    let Some(id) = &obs.lock_id else {
        let _ = writeln!(
            out,
            "The cluster state lock {} is held, but it could not be read.\nRemove it by hand only after confirming no cluster command is running.",
            obs.lock_path
        );
        return;
    };
    out.push_str("The cluster state lock is held by another command:\n");
    let at = obs.lock_created_at.as_deref().unwrap_or("unknown");
    holder_lines(
        out,
        obs.lock_operation.as_deref(),
        obs.lock_pid,
        at,
        obs.lock_age_seconds,
    );
    let _ = writeln!(
        out,
        "If no cluster command is still running, remove the lock with:\n  omnigraph cluster force-unlock {} --config {}",
        shell_word(id),
        shell_word(config_dir)
    );
}

/// `  operation: …`, `  pid: …`, `  created at: … (age …)`, each when known.
fn holder_lines(
    out: &mut String,
    operation: Option<&str>,
    pid: Option<u32>,
    created_at: &str,
    age: Option<u64>,
) {
    if let Some(operation) = operation {
        let _ = writeln!(out, "  operation:  {operation}");
    }
    if let Some(pid) = pid {
        let _ = writeln!(out, "  pid:        {pid}");
    }
    match age {
        Some(age) => {
            let _ = writeln!(out, "  created at: {created_at} (age {})", age_text(age));
        }
        None => {
            let _ = writeln!(out, "  created at: {created_at}");
        }
    }
}

/// `42s`, `3m 5s`, `2h 3m`, `5d 2h`: an age at a glance.
pub fn age_text(seconds: u64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds / 3_600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

/// `500ms`, `30s`, `2m`, `1h30m`: a duration as `--lock-timeout` takes it, so what is printed
/// can be typed back.
fn duration_text(duration: Duration) -> String {
    if duration.subsec_millis() != 0 {
        return format!("{}ms", duration.as_millis());
    }
    let secs = duration.as_secs();
    let parts: Vec<String> = [(secs / 3_600, "h"), (secs / 60 % 60, "m"), (secs % 60, "s")]
        .iter()
        .filter(|(n, _)| *n != 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if parts.is_empty() {
        "0s".to_string()
    } else {
        parts.concat()
    }
}

/// `text` as one word for a POSIX shell: bare when it is plain, else single-quoted.
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:@%+=,".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The one stderr line of a command that starts waiting for a held lock (terminal only).
pub fn lock_wait_line(wait: &LockWait) -> String {
    let limit = duration_text(wait.timeout);
    let Some(lock) = &wait.holder else {
        return format!(
            "waiting up to {limit} for the cluster state lock (its holder could not be read)"
        );
    };
    let age = wait
        .age_seconds
        .map(|age| format!(", {} ago", age_text(age)))
        .unwrap_or_default();
    format!(
        "waiting up to {limit} for the cluster state lock held by {} (pid {}, taken {}{age})",
        lock.operation, lock.pid, lock.created_at
    )
}

/// The text of a confirmation prompt; the answer is read on the same line.
pub fn question_text(question: &Question<'_>, presentation: &Presentation) -> String {
    let paint = Paint(presentation.color);
    let mut out = String::new();
    match question {
        Question::RemoveLock { lock, age_seconds } => {
            remove_lock_text(&mut out, lock, *age_seconds)
        }
        Question::DeleteResources { addresses } => {
            let _ = writeln!(
                out,
                "cluster apply will delete {} applied resource(s):",
                addresses.len()
            );
            for address in *addresses {
                let _ = writeln!(out, "  {} {address}", paint.operation(Operation::Delete));
            }
            out.push_str("Type `yes` to apply: ");
        }
    }
    out
}

fn remove_lock_text(out: &mut String, lock: &StateLockFile, age: Option<u64>) {
    out.push_str("cluster force-unlock will remove the state lock held by:\n");
    let _ = writeln!(out, "  id:         {}", lock.lock_id);
    holder_lines(
        out,
        Some(&lock.operation),
        Some(lock.pid),
        &lock.created_at,
        age,
    );
    out.push_str(
        "Remove it only if no cluster command is still running.\nType `yes` to remove it: ",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_durations() {
        assert_eq!(age_text(0), "0s");
        assert_eq!(age_text(59), "59s");
        assert_eq!(age_text(61), "1m 1s");
        assert_eq!(age_text(3_700), "1h 1m");
        assert_eq!(age_text(90_000), "1d 1h");
        assert_eq!(duration_text(Duration::from_millis(300)), "300ms");
        assert_eq!(duration_text(Duration::from_secs(30)), "30s");
        assert_eq!(duration_text(Duration::from_secs(120)), "2m");
        assert_eq!(duration_text(Duration::from_secs(5_400)), "1h30m");
        assert_eq!(duration_text(Duration::from_secs(3_661)), "1h1m1s");
        assert_eq!(duration_text(Duration::ZERO), "0s");
    }

    /// What the lock wait line says is a duration `--lock-timeout` accepts, and the same one.
    #[test]
    fn durations_read_back() {
        for millis in [
            0, 1, 300, 1_000, 1_500, 59_000, 90_000, 5_400_000, 3_661_000, 90_061_000,
        ] {
            let duration = Duration::from_millis(millis);
            let text = duration_text(duration);
            assert_eq!(crate::cli::parse_duration(&text), Ok(duration), "{text}");
        }
    }

    #[test]
    fn shell_words() {
        assert_eq!(
            shell_word("01JZ8Q3T0W6Y3C4Q7R8S9T0V1W"),
            "01JZ8Q3T0W6Y3C4Q7R8S9T0V1W"
        );
        assert_eq!(shell_word("/tmp/a-b_c.d"), "/tmp/a-b_c.d");
        assert_eq!(shell_word("/tmp/my dir"), "'/tmp/my dir'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn paint_off_is_the_plain_word() {
        assert_eq!(Paint(false).operation(Operation::Delete), "Delete");
        assert_eq!(
            Paint(true).operation(Operation::Delete),
            "\u{1b}[31mDelete\u{1b}[0m"
        );
    }
}
