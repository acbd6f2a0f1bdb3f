//! Issue 11 §2–§3 on a terminal: colour, the `state_lock_held` hint block, the lock-wait line and
//! the confirmation prompts, each driven through a pseudo-terminal (`pty_run`: the binary's
//! stdin, stdout and stderr are the terminal), and the same commands piped, where none of it may
//! appear. Since issue 18 the rich view is a terminal's default; the contract's lines are checked
//! here with `--format plain`, the rich view in `rich.rs`.

use cluster_test_support::*;
use serde_json::json;

const ESC: char = '\u{1b}';
const RED_BOLD: &str = "\u{1b}[1m\u{1b}[31m";
const YELLOW_BOLD: &str = "\u{1b}[1m\u{1b}[33m";
const RESET: &str = "\u{1b}[0m";

fn green(word: &str) -> String {
    format!("\u{1b}[32m{word}{RESET}")
}

/// S45's folder with `policy.base` taken out of the config: apply would delete an applied
/// resource.
pub(crate) fn policy_removed() -> Folder {
    let f = Folder::applied();
    let yaml = cluster_yaml("company-brain");
    let cut = yaml.find("policies:").expect("policies");
    f.write("cluster.yaml", &yaml[..cut]);
    f
}

#[test]
fn colours_on_a_terminal() {
    let f = Folder::standard();
    f.applyable_state();
    let run = f.pty(&["apply", "--format", "plain"], "");
    assert_eq!(run.code, 0, "{}", run.screen);
    let expected = format!(
        "cluster apply: 2 applied, 0 deferred/blocked\n  {ESC}[33mUpdate{RESET} graph.knowledge [{ESC}[36mDerived{RESET}]\n  {} policy.base [{}]\n  {} query.knowledge.find_person [{}]\n  state: revision 2, converged: true, written: true\n  note: applied = recorded in the cluster catalog; the server still boots from omnigraph.yaml\n",
        green("Create"),
        green("Applied"),
        green("Create"),
        green("Applied"),
    );
    assert_eq!(run.screen, expected);

    let fresh = Folder::standard();
    let run = fresh.pty(&["status", "--format", "plain"], "");
    assert_eq!(
        run.screen,
        format!(
            "cluster state missing\n{YELLOW_BOLD}WARN{RESET}  state_missing __cluster/state.json: state.json is missing; no applied cluster revision has been recorded\n"
        )
    );
    let run = fresh.pty(&["apply", "--format", "plain"], "");
    assert_eq!(run.code, 1);
    assert!(
        run.screen
            .contains(&format!("{RED_BOLD}ERROR{RESET} state_missing __cluster")),
        "{}",
        run.screen
    );
    // Deferred and blocked have colours of their own.
    let run = fresh.pty(&["plan", "--color", "always", "--format", "plain"], "");
    assert!(
        run.screen
            .contains(&format!("  {} graph.knowledge", green("Create")))
    );
}

#[test]
fn no_colour_when_asked_not_to_or_piped() {
    let f = Folder::standard();
    f.applyable_state();
    let plain = f.run(&["plan"]).stdout;
    assert!(!plain.contains(ESC));
    for (args, env) in [
        (
            vec!["plan", "--color", "never", "--format", "plain"],
            vec![],
        ),
        (vec!["plan", "--format", "plain"], vec![("NO_COLOR", "1")]),
        (vec!["plan", "--format", "plain"], vec![("TERM", "dumb")]),
        (vec!["plan", "--format", "plain"], vec![("CLICOLOR", "0")]),
        (
            vec!["plan"],
            vec![("NO_COLOR", "1"), ("OMNIGRAPH_FORMAT", "plain")],
        ),
    ] {
        let run = pty_run(&f.args(&args), "", &env);
        assert_eq!(run.code, 0);
        assert_eq!(run.screen, plain, "{args:?} {env:?}");
    }
    // JSON is never coloured, not even on request or on a terminal.
    let run = f.run(&["plan", "--json", "--color", "always"]);
    assert!(!run.stdout.contains(ESC));
    run.json();
    let run = f.pty(&["validate", "--json"], "");
    assert!(!run.screen.contains(ESC));
    assert_eq!(run.screen, f.run(&["validate", "--json"]).stdout);
}

#[test]
fn colour_always_when_piped() {
    let f = Folder::standard();
    let run = f.run(&["status", "--color", "always"]);
    assert_eq!(
        run.stdout,
        format!(
            "cluster state missing\n{YELLOW_BOLD}WARN{RESET}  state_missing __cluster/state.json: state.json is missing; no applied cluster revision has been recorded\n"
        )
    );
    // The flag is global: it may come before the subcommand.
    let before = run_in(
        None,
        &["--color", "always", "validate", "--config", "/nonexistent"],
    );
    assert!(
        before
            .stdout
            .starts_with(&format!("cluster config invalid\n{RED_BOLD}ERROR"))
    );
    let bad = run_in(None, &["validate", "--color", "sometimes"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn lock_held_hint_on_a_terminal() {
    let f = Folder::standard();
    f.held_lock("refresh");
    let canonical = std::fs::canonicalize(f.path()).expect("canonical");
    for command in ["plan", "apply", "refresh", "import"] {
        let run = f.pty(&[command, "--color", "never", "--format", "plain"], "");
        assert_eq!(run.code, 1, "{}", run.screen);
        let piped = f.run(&[command]).stdout;
        let hint = run.screen.strip_prefix(&piped).expect("piped text first");
        let hint = hint.rsplit_once("(age ").map(|(head, tail)| {
            let (_, rest) = tail.split_once(')').expect("age");
            format!("{head}(age [AGE]){rest}")
        });
        assert_eq!(
            hint.as_deref(),
            Some(
                format!(
                    "\nThe cluster state lock is held by another command:\n  operation:  refresh\n  pid:        123\n  created at: 1970-01-01T00:00:00Z (age [AGE])\nIf no cluster command is still running, remove the lock with:\n  omnigraph cluster force-unlock held-lock --config {}\n",
                    canonical.display()
                )
                .as_str()
            ),
            "{command}"
        );
    }
    // Not under --json, not when piped, and not for another failure.
    let run = f.pty(&["plan", "--json"], "");
    assert!(!run.screen.contains("force-unlock held-lock --config"));
    assert!(!f.run(&["plan"]).stdout.contains("--config"));
    f.remove("__cluster/lock.json");
    let run = Folder::standard().pty(&["apply"], "");
    assert!(!run.screen.contains("state lock is held"));
}

#[test]
fn lock_hint_quotes_what_a_shell_would_split() {
    let f = Folder::standard();
    let spaced = f.at("my cluster");
    std::fs::create_dir(&spaced).expect("mkdir");
    for name in ["people.pg", "people.gq", "base.policy.yaml", "cluster.yaml"] {
        std::fs::copy(f.at(name), spaced.join(name)).expect("copy");
    }
    std::fs::create_dir(spaced.join("__cluster")).expect("mkdir");
    std::fs::write(
        spaced.join("__cluster/lock.json"),
        HELD_LOCK.replace("held-lock", "it's held"),
    )
    .expect("lock");
    let config = spaced.to_str().expect("utf8");
    let run = pty_run(&["plan", "--config", config], "", &[]);
    let canonical = std::fs::canonicalize(&spaced).expect("canonical");
    assert!(
        run.screen.contains(&format!(
            "  omnigraph cluster force-unlock 'it'\\''s held' --config '{}'\n",
            canonical.display()
        )),
        "{}",
        run.screen
    );
    // An unreadable lock gets a hint without a command.
    std::fs::write(spaced.join("__cluster/lock.json"), "{").expect("lock");
    let run = pty_run(&["plan", "--config", config], "", &[]);
    assert!(
        run.screen.contains("is held, but it could not be read"),
        "{}",
        run.screen
    );
}

#[test]
fn force_unlock_asks_on_a_terminal() {
    let f = Folder::standard();
    f.held_lock("plan");
    let run = f.pty(&["force-unlock", "held-lock", "--format", "plain"], "no\n");
    assert_eq!(run.code, 1, "{}", run.screen);
    assert!(run.screen.contains(
        "cluster force-unlock will remove the state lock held by:\n  id:         held-lock\n  operation:  plan\n  pid:        123\n  created at: 1970-01-01T00:00:00Z (age "
    ), "{}", run.screen);
    assert!(run.screen.contains("Type `yes` to remove it: "));
    assert!(run.screen.ends_with(&format!(
        "cluster force-unlock failed\n  lock: held (id=held-lock, operation=plan, pid=123, created_at=1970-01-01T00:00:00Z, age_seconds={})\n{RED_BOLD}ERROR{RESET} confirmation_declined __cluster/lock.json: force-unlock was not confirmed; the lock was left in place\n",
        run.screen.split("age_seconds=").nth(1).and_then(|t| t.split(')').next()).expect("age")
    )), "{}", run.screen);
    assert!(f.exists("__cluster/lock.json"));

    // End of input declines too.
    let run = f.pty(&["force-unlock", "held-lock", "--json"], "\u{4}");
    assert_eq!(run.code, 1);
    assert!(run.screen.contains("\"code\": \"confirmation_declined\""));
    assert!(f.exists("__cluster/lock.json"));

    let run = f.pty(&["force-unlock", "held-lock"], "yes\n");
    assert_eq!(run.code, 0, "{}", run.screen);
    assert!(
        run.screen
            .contains("cluster force-unlock: removed lock (id=held-lock")
    );
    assert!(!f.exists("__cluster/lock.json"));
}

#[test]
fn force_unlock_asks_nobody_with_force_or_without_a_terminal() {
    let f = Folder::standard();
    f.held_lock("plan");
    let run = f.pty(&["force-unlock", "held-lock", "--force"], "");
    assert_eq!(run.code, 0, "{}", run.screen);
    assert!(!run.screen.contains("Type `yes`"));
    assert!(!f.exists("__cluster/lock.json"));
    // A wrong id is refused before anyone is asked.
    f.held_lock("plan");
    let run = f.pty(&["force-unlock", "other-lock"], "");
    assert_eq!(run.code, 1);
    assert!(!run.screen.contains("Type `yes`"));
    // Piped: exactly today's behaviour (S89).
    let (code, out) = f.json(&["force-unlock", "held-lock"]);
    assert_eq!(code, 0);
    assert_eq!(out["lock_removed"], true);
}

#[test]
fn force_unlock_looks_again_after_the_answer() {
    // The lock changes hands while the operator reads the prompt: the answer was about the old
    // lock, so nothing is removed.
    let f = Folder::standard();
    f.held_lock("plan");
    let run = pty_script(&f.args(&["force-unlock", "held-lock"]), &[], |terminal| {
        terminal.wait_for("Type `yes` to remove it: ");
        f.write(
            "__cluster/lock.json",
            HELD_LOCK.replace("held-lock", "new-lock"),
        );
        terminal.type_text("yes\n");
    });
    assert_eq!(run.code, 1, "{}", run.screen);
    assert!(
        run.screen.contains("Type `yes` to remove it: "),
        "{}",
        run.screen
    );
    assert!(
        run.screen.contains("state_lock_id_mismatch"),
        "{}",
        run.screen
    );
    assert!(f.read_string("__cluster/lock.json").contains("new-lock"));
}

#[test]
fn apply_asks_before_deleting_applied_resources() {
    let f = policy_removed();
    let before = f.read("__cluster/state.json");
    let run = f.pty(&["apply", "--format", "plain"], "no\n");
    assert_eq!(run.code, 1, "{}", run.screen);
    assert!(
        run.screen.contains(&format!(
            "cluster apply will delete 1 applied resource(s):\n  {ESC}[31mDelete{RESET} policy.base\nType `yes` to apply: "
        )),
        "{}",
        run.screen
    );
    assert!(
        run.screen.contains(
            "confirmation_declined changes: apply was not confirmed; nothing was applied"
        )
    );
    assert_eq!(f.read("__cluster/state.json"), before);
    assert!(!f.exists("__cluster/lock.json"));

    let run = f.pty(&["apply"], "yes\n");
    assert_eq!(run.code, 0, "{}", run.screen);
    assert!(
        run.screen
            .contains("cluster apply: 1 applied, 0 deferred/blocked")
    );
    assert!(
        f.state()["applied_revision"]["resources"]
            .get("policy.base")
            .is_none()
    );
}

#[test]
fn apply_asks_nobody_with_auto_approve_without_a_terminal_or_without_deletes() {
    let f = policy_removed();
    let run = f.pty(&["apply", "--auto-approve"], "");
    assert_eq!(run.code, 0, "{}", run.screen);
    assert!(!run.screen.contains("Type `yes`"));
    assert!(
        f.state()["applied_revision"]["resources"]
            .get("policy.base")
            .is_none()
    );

    let f = policy_removed();
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0);
    assert_eq!(out["applied_count"], 1);

    // Creates and updates need no confirmation.
    let f = Folder::standard();
    f.applyable_state();
    let run = f.pty(&["apply"], "");
    assert_eq!(run.code, 0);
    assert!(!run.screen.contains("Type `yes`"));
}

#[test]
fn lock_wait_line_on_a_terminal_only() {
    let f = Folder::standard();
    f.applyable_state();
    f.held_lock("plan");
    let args = f.args(&["apply", "--lock-timeout", "30s", "--color", "never"]);
    let run = pty_script(&args, &[], |terminal| {
        terminal.wait_for("waiting up to");
        f.remove("__cluster/lock.json");
    });
    assert_eq!(run.code, 0, "{}", run.screen);
    let (line, rest) = run.screen.split_once('\n').expect("lines");
    assert!(
        line.starts_with(
            "waiting up to 30s for the cluster state lock held by plan (pid 123, taken 1970-01-01T00:00:00Z, "
        ) && line.ends_with(" ago)"),
        "{line}"
    );
    assert!(rest.starts_with("cluster apply: 2 applied"), "{rest}");
    assert_eq!(run.screen.matches("waiting up to").count(), 1);

    // Piped, the wait is silent: one JSON document and nothing on stderr.
    let f = Folder::standard();
    f.applyable_state();
    f.held_lock("plan");
    let release = release_after(&f, 300);
    let (code, out) = f.json(&["apply", "--lock-timeout", "5s"]);
    release.join().expect("release");
    assert_eq!(code, 0);
    assert_eq!(out["state_observations"]["lock_acquired"], json!(true));
}

/// Remove the folder's lock file after `ms` milliseconds, from another thread.
fn release_after(f: &Folder, ms: u64) -> std::thread::JoinHandle<()> {
    let lock = f.at("__cluster/lock.json");
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(ms));
        std::fs::remove_file(lock).expect("release the lock");
    })
}
