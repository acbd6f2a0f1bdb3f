//! Reliability, proven through the real binary (docs/reliability.md):
//! - crash safety: SIGKILL at random instants of `apply`, `refresh` and `import` on a folder with
//!   300 stored queries never leaves a torn state, a digest without its blob, or a lock that
//!   `force-unlock` cannot clear; one apply converges afterwards;
//! - signals: SIGINT, SIGTERM and SIGHUP never leave our lock behind;
//! - contention: concurrent commands on one folder succeed or fail with `state_lock_held` /
//!   `state_cas_mismatch` only, and no update is lost, with and without `state.lock`;
//! - with `--features fault-injection`: exact crash windows and injected I/O errors.
//!
//! The default run takes well under a minute; `OMNIGRAPH_RELIABILITY_LONG=1` multiplies the
//! iteration counts by ten (and `OMNIGRAPH_RELIABILITY_SEED` pins the random kill points).

use cluster_test_support::*;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const QUERIES: usize = 300;
const POLICIES: usize = 10;

fn scale() -> usize {
    if std::env::var("OMNIGRAPH_RELIABILITY_LONG").is_ok_and(|v| v == "1") {
        10
    } else {
        1
    }
}

/// Which starting point a command is exercised from.
#[derive(Clone, Copy)]
enum Start {
    /// No `__cluster/` at all (for import).
    Fresh,
    /// Imported: graph and schema recorded, 310 payloads still to publish (for apply).
    Imported,
    /// Imported and applied: converged, every blob written (for refresh).
    Applied,
}

/// A live folder with 300 stored queries and 10 policies in the given starting state, on a RAM
/// file system where there is one (each round publishes hundreds of fsynced files). Built once
/// per test and cloned per round.
fn template(start: Start) -> Folder {
    let f = Folder::scratch();
    f.write("people.pg", LIVE_PEOPLE_PG);
    f.add_root("knowledge", "people-fresh.omni");
    let mut yaml = String::from(
        "version: 1\nmetadata:\n  name: big\ngraphs:\n  knowledge:\n    schema: ./people.pg\n    queries:\n",
    );
    for i in 0..QUERIES {
        f.write(
            &format!("queries/q{i:03}.gq"),
            format!(
                "query q{i:03}($name: String) {{\n  match {{ $p: Person {{ name: $name }} }}\n  return {{ $p.name, $p.age }}\n  limit {}\n}}\n",
                i + 1
            ),
        );
        yaml.push_str(&format!(
            "      q{i:03}:\n        file: ./queries/q{i:03}.gq\n"
        ));
    }
    yaml.push_str("policies:\n");
    for i in 0..POLICIES {
        f.write(&format!("policies/p{i}.yaml"), format!("rules: [{i}]\n"));
        yaml.push_str(&format!(
            "  p{i}:\n    file: ./policies/p{i}.yaml\n    applies_to: [knowledge]\n"
        ));
    }
    f.write("cluster.yaml", yaml);
    if matches!(start, Start::Imported | Start::Applied) {
        let (code, out) = f.json(&["import"]);
        assert_eq!(code, 0, "{out}");
    }
    if matches!(start, Start::Applied) {
        let (code, out) = f.json(&["apply"]);
        assert_eq!(code, 0, "{out}");
    }
    f
}

fn clone_folder(template: &Folder) -> Folder {
    let f = Folder::scratch();
    copy_dir(template.path(), f.path());
    f
}

fn spawn(dir: &Path, cmd: &str, env: &[(&str, &str)]) -> std::process::Child {
    let mut command = hermetic(binary());
    command
        .args(["cluster", cmd, "--json", "--config"])
        .arg(dir)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command.spawn().expect("spawn")
}

/// Wall time of one undisturbed run of `cmd` on a fresh clone.
fn calibrate(template: &Folder, cmd: &str) -> Duration {
    let mut longest = Duration::ZERO;
    for _ in 0..3 {
        let f = clone_folder(template);
        let started = Instant::now();
        let out = child::finish(spawn(f.path(), cmd, &[]), cmd);
        longest = longest.max(started.elapsed());
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    longest
}

/// What every crash must leave (see `check_ledger_invariants`), on the local folder, and a
/// history with no gap and no phantom (`check_history`).
fn check_invariants(f: &Folder, context: &str) {
    check_ledger_invariants(|rel| f.exists(rel).then(|| f.read(rel)), context);
    let (_, history) = f.json(&["history"]);
    check_history(&history, context);
}

/// Clear a stale lock with `force-unlock`, bootstrap state if the import never published, then
/// one apply must converge.
fn recover(f: &Folder, context: &str) {
    if f.exists("__cluster/lock.json") {
        let lock: Value = serde_json::from_slice(&f.read("__cluster/lock.json")).expect("lock");
        let id = lock["lock_id"].as_str().expect("lock id");
        let (code, out) = f.json(&["force-unlock", id]);
        assert_eq!(code, 0, "{context}: force-unlock: {out}");
    }
    if !f.exists("__cluster/state.json") {
        let (code, out) = f.json(&["import"]);
        assert_eq!(code, 0, "{context}: import: {out}");
    }
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0, "{context}: apply: {out}");
    // Converged means the ledger now equals the desired revision exactly.
    assert_eq!(out["converged"], true, "{context}: {out}");
    check_invariants(f, context);
}

/// SIGKILL `cmd` at `kills` random instants spread over its undisturbed run time.
fn kill_loop(cmd: &str, start: Start, kills: usize) {
    let template = template(start);
    let span = calibrate(&template, cmd);
    let mut rng = Rng::seeded();
    let mut interrupted = 0;
    for round in 0..kills {
        let f = clone_folder(&template);
        let before = f.exists("__cluster/state.json").then(|| f.state());
        let delay = Duration::from_micros(rng.below(span.as_micros() as u64 * 11 / 10));
        let mut child = spawn(f.path(), cmd, &[]);
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child::finish(child, cmd).status;
        interrupted += usize::from(!status.success());
        let context = format!("{cmd} killed after {delay:?} (round {round})");
        check_invariants(&f, &context);
        if let (Some(before), true) = (before, f.exists("__cluster/state.json")) {
            let revision = f.state()["state_revision"].as_u64().expect("revision");
            let old = before["state_revision"].as_u64().expect("revision");
            assert!(
                revision == old || revision == old + 1,
                "{context}: revision {revision}"
            );
        }
        recover(&f, &context);
    }
    // Most kill points must land inside the run, or the loop proves nothing.
    assert!(
        interrupted * 4 >= kills,
        "{cmd}: only {interrupted}/{kills} runs were interrupted"
    );
}

#[test]
fn sigkill_during_apply() {
    kill_loop("apply", Start::Imported, 50 * scale());
}

#[test]
fn sigkill_during_refresh() {
    kill_loop("refresh", Start::Applied, 50 * scale());
}

#[test]
fn sigkill_during_import() {
    kill_loop("import", Start::Fresh, 50 * scale());
}

/// Deliver `signal` to `pid` (which may already have exited).
fn send(signal: &str, pid: u32) {
    let _ = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

/// Signals at random instants of locking commands: the process either finished normally or
/// exited 128 + signal, and in every case our lock is gone and the folder is consistent.
#[test]
fn signals_never_leave_our_lock() {
    let imported = template(Start::Imported);
    let applied = template(Start::Applied);
    let mut rng = Rng::seeded();
    let mut landed = 0;
    let rounds = 30 * scale();
    for round in 0..rounds {
        let (signal, code) = [("INT", 130), ("TERM", 143), ("HUP", 129)][round % 3];
        let (cmd, start) = [
            ("apply", &imported),
            ("refresh", &applied),
            ("plan", &imported),
        ][(round / 3) % 3];
        let f = clone_folder(start);
        let child = spawn(f.path(), cmd, &[]);
        std::thread::sleep(Duration::from_micros(2_000 + rng.below(40_000)));
        send(signal, child.id());
        let context = format!("{cmd} SIG{signal} round {round}");
        // Read the output while waiting: a lost signal leaves the command running to its end,
        // writing more JSON than a pipe holds.
        let status = child::finish(child, &context).status;
        match status.code() {
            Some(0) => {}
            Some(c) if c == code => landed += 1,
            // Delivered during start-up, before the handler was installed (and before any lock).
            None => {}
            other => panic!("{context}: exit {other:?}"),
        }
        assert!(
            !f.exists("__cluster/lock.json"),
            "{context}: lock left behind"
        );
        check_invariants(&f, &context);
        recover(&f, &context);
    }
    assert!(landed > 0, "no signal arrived while a command ran");
}

/// Run `commands` all at once on one folder; return each command with its JSON output.
fn race(f: &Folder, commands: &[&str]) -> Vec<(String, Value)> {
    let children: Vec<_> = commands
        .iter()
        .map(|cmd| (cmd.to_string(), spawn(f.path(), cmd, &[])))
        .collect();
    children
        .into_iter()
        .map(|(cmd, child)| {
            let out = child::finish(child, &cmd);
            let stdout = String::from_utf8(out.stdout).expect("utf8");
            assert!(
                out.stderr.is_empty(),
                "{cmd}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let value: Value = serde_json::from_str(&stdout)
                .unwrap_or_else(|e| panic!("{cmd}: not JSON ({e}): {stdout}"));
            (cmd, value)
        })
        .collect()
}

/// The number of state writes that succeeded in a race.
fn writes(results: &[(String, Value)], allowed_failures: &[&str]) -> u64 {
    let mut writes = 0;
    for (cmd, out) in results {
        if out["ok"] == true {
            let wrote = match cmd.as_str() {
                "apply" => out["state_written"] == true,
                "refresh" | "import" => true,
                _ => false,
            };
            writes += u64::from(wrote);
            continue;
        }
        for d in out["diagnostics"].as_array().expect("diagnostics") {
            if d["severity"] == "error" {
                let code = d["code"].as_str().expect("code");
                assert!(
                    allowed_failures.contains(&code),
                    "{cmd} failed with {code}: {out}"
                );
            }
        }
    }
    writes
}

fn contention_round(lock: bool, rounds: usize) {
    let template = template(Start::Imported);
    let mix = [
        "refresh", "apply", "plan", "refresh", "apply", "status", "refresh", "apply", "plan",
        "refresh",
    ];
    for round in 0..rounds {
        let f = clone_folder(&template);
        if !lock {
            let yaml = f.read_string("cluster.yaml");
            f.write(
                "cluster.yaml",
                yaml.replace("metadata:\n", "state:\n  lock: false\nmetadata:\n"),
            );
        }
        let before = f.state()["state_revision"].as_u64().expect("revision");
        let results = race(&f, &mix);
        let allowed: &[&str] = if lock {
            &["state_lock_held", "state_cas_mismatch"]
        } else {
            &["state_cas_mismatch"]
        };
        let written = writes(&results, allowed);
        let context = format!("contention lock={lock} round {round}");
        check_invariants(&f, &context);
        assert!(!f.exists("__cluster/lock.json"), "{context}");
        // No lost update: every successful write is one revision.
        let after = f.state()["state_revision"].as_u64().expect("revision");
        assert_eq!(after, before + written, "{context}: {results:?}");
        recover(&f, &context);
    }
}

#[test]
fn contention_with_the_lock() {
    contention_round(true, 3 * scale());
}

#[test]
fn contention_without_the_lock_is_still_compare_and_swap() {
    contention_round(false, 3 * scale());
}

#[test]
fn concurrent_imports_create_state_once() {
    let template = template(Start::Fresh);
    for _ in 0..3 * scale() {
        let f = clone_folder(&template);
        let results = race(&f, &["import"; 8]);
        let ok = results.iter().filter(|(_, out)| out["ok"] == true).count();
        assert_eq!(ok, 1, "{results:?}");
        writes(
            &results,
            &[
                "state_lock_held",
                "state_already_exists",
                "state_cas_mismatch",
            ],
        );
        assert_eq!(f.state()["state_revision"], 1);
        recover(&f, "concurrent imports");
    }
}

/// Exact crash windows and injected I/O errors (build with `--features fault-injection`).
#[cfg(feature = "fault-injection")]
mod injected {
    use super::*;

    fn run_with(f: &Folder, cmd: &str, env: &[(&str, &str)]) -> (Option<i32>, String) {
        let out = child::finish(spawn(f.path(), cmd, env), cmd);
        (
            out.status.code(),
            String::from_utf8(out.stdout).expect("utf8"),
        )
    }

    #[test]
    fn crash_at_every_publish_window() {
        let imported = template(Start::Imported);
        let applied = template(Start::Applied);
        let fresh = template(Start::Fresh);
        for (cmd, start, point) in [
            ("apply", &imported, "blob-before-rename"),
            ("apply", &imported, "blob-after-rename"),
            ("apply", &imported, "state-before-rename"),
            ("apply", &imported, "state-after-rename"),
            ("apply", &imported, "lock-before-link"),
            ("apply", &imported, "lock-held"),
            ("refresh", &applied, "state-before-rename"),
            ("refresh", &applied, "state-after-rename"),
            ("import", &fresh, "state-before-rename"),
            ("import", &fresh, "state-after-rename"),
            // Between the history record and the publish: the record is a phantom.
            ("apply", &imported, "history-before-write"),
            ("apply", &imported, "history-before-rename"),
            ("apply", &imported, "history-written"),
            ("refresh", &applied, "history-written"),
            ("import", &fresh, "history-written"),
        ] {
            let f = clone_folder(start);
            let (code, _) = run_with(&f, cmd, &[("OMNIGRAPH_FAULT_CRASH", point)]);
            let context = format!("{cmd} crashed at {point}");
            assert_eq!(code, None, "{context}: the crash point was not reached");
            check_invariants(&f, &context);
            if point == "history-written" {
                phantom_never_shown(&f, &context);
            }
            recover(&f, &context);
        }
    }

    /// After a crash between the record and the publish, the record is on disk but the history
    /// does not show it: the ledger still has the revision it had.
    fn phantom_never_shown(f: &Folder, context: &str) {
        let records = f
            .files()
            .into_iter()
            .filter(|n| n.starts_with("__cluster/history/") && n.ends_with(".json"))
            .count();
        let (_, history) = f.json(&["history"]);
        let shown = history["revisions"].as_array().expect("revisions").len();
        assert_eq!(
            records,
            shown + 1,
            "{context}: the phantom record is on disk: {history}"
        );
    }

    #[test]
    fn signal_inside_the_lock_window() {
        let imported = template(Start::Imported);
        for (signal, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
            let f = clone_folder(&imported);
            let child = spawn(
                f.path(),
                "apply",
                &[
                    ("OMNIGRAPH_FAULT_PAUSE", "lock-held"),
                    ("OMNIGRAPH_FAULT_PAUSE_MS", "3000"),
                ],
            );
            let deadline = Instant::now() + Duration::from_secs(10);
            while !f.exists("__cluster/lock.json") {
                assert!(Instant::now() < deadline, "lock never appeared");
                std::thread::sleep(Duration::from_millis(2));
            }
            send(signal, child.id());
            assert_eq!(child::finish(child, "apply").status.code(), Some(code));
            assert!(
                !f.exists("__cluster/lock.json"),
                "SIG{signal} left the lock"
            );
            let leftovers: Vec<_> = std::fs::read_dir(f.at("__cluster"))
                .expect("dir")
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".tmp."))
                .collect();
            assert!(leftovers.is_empty(), "{leftovers:?}");
            recover(&f, &format!("SIG{signal}"));
        }
    }

    /// A signal never removes a lock that is not ours.
    #[test]
    fn signal_leaves_a_foreign_lock_alone() {
        let f = template(Start::Imported);
        f.held_lock("plan");
        let child = spawn(
            f.path(),
            "apply",
            &[
                ("OMNIGRAPH_FAULT_PAUSE", "lock-refused"),
                ("OMNIGRAPH_FAULT_PAUSE_MS", "5000"),
            ],
        );
        // Loading 300 queries takes a few milliseconds; the pause then lasts five seconds.
        std::thread::sleep(Duration::from_millis(1500));
        send("TERM", child.id());
        assert_eq!(
            child::finish(child, "the signalled command").status.code(),
            Some(143)
        );
        assert_eq!(f.read_string("__cluster/lock.json"), HELD_LOCK);
    }

    #[test]
    fn signal_during_a_state_write_waits_for_the_publish() {
        let f = template(Start::Imported);
        let before = f.state()["state_revision"].as_u64().expect("revision");
        let child = spawn(
            f.path(),
            "refresh",
            &[
                ("OMNIGRAPH_FAULT_PAUSE", "state-before-rename"),
                ("OMNIGRAPH_FAULT_PAUSE_MS", "1500"),
            ],
        );
        std::thread::sleep(Duration::from_millis(500));
        send("TERM", child.id());
        assert_eq!(
            child::finish(child, "the signalled command").status.code(),
            Some(143)
        );
        // The write that was in flight completed before the exit: the new revision is published.
        assert_eq!(f.state()["state_revision"], before + 1);
        assert!(!f.exists("__cluster/lock.json"));
        check_invariants(&f, "signal during write");
    }

    fn temp_files(dir: &Path) -> Vec<String> {
        let mut found = Vec::new();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return found;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(temp_files(&path));
            } else if path.to_string_lossy().contains(".tmp.") {
                found.push(path.display().to_string());
            }
        }
        found
    }

    #[test]
    fn full_disk_is_a_typed_error_and_leaves_nothing_half_written() {
        let imported = template(Start::Imported);
        let applied = template(Start::Applied);
        let fresh = template(Start::Fresh);
        for (cmd, start, point, code, message) in [
            (
                "apply",
                &imported,
                "state-write",
                "state_write_error",
                "could not write temporary state file: No space left on device (os error 28)",
            ),
            (
                "apply",
                &imported,
                "state-sync",
                "state_write_error",
                "could not sync temporary state file: No space left on device (os error 28)",
            ),
            (
                "apply",
                &imported,
                "state-rename",
                "state_write_error",
                "could not replace state.json atomically: No space left on device (os error 28)",
            ),
            (
                "apply",
                &imported,
                "blob-write",
                "resource_payload_write_error",
                "could not write payload file: No space left on device (os error 28)",
            ),
            (
                "apply",
                &imported,
                "blob-rename",
                "resource_payload_write_error",
                "could not move payload file into place: No space left on device (os error 28)",
            ),
            (
                "refresh",
                &applied,
                "state-write",
                "state_write_error",
                "could not write temporary state file: No space left on device (os error 28)",
            ),
            (
                "import",
                &fresh,
                "lock-write",
                "state_lock_error",
                "could not write state lock: No space left on device (os error 28)",
            ),
        ] {
            let f = clone_folder(start);
            let state_before = f
                .exists("__cluster/state.json")
                .then(|| f.read("__cluster/state.json"));
            let (exit, stdout) = run_with(&f, cmd, &[("OMNIGRAPH_FAULT_IO", point)]);
            let context = format!("{cmd} with ENOSPC at {point}");
            assert_eq!(exit, Some(1), "{context}: {stdout}");
            let out: Value = serde_json::from_str(&stdout).expect("json");
            let found = out["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .any(|d| d["code"] == code && d["message"] == message);
            assert!(found, "{context}: {out}");
            let after = f
                .exists("__cluster/state.json")
                .then(|| f.read("__cluster/state.json"));
            assert_eq!(after, state_before, "{context}: state changed");
            assert_eq!(
                temp_files(&f.at("__cluster")),
                Vec::<String>::new(),
                "{context}"
            );
            assert!(!f.exists("__cluster/lock.json"), "{context}");
            check_invariants(&f, &context);
            recover(&f, &context);
        }
    }

    /// Published blob files (not temp files) under `dir`, recursively.
    fn blob_files(dir: &Path) -> usize {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        entries
            .flatten()
            .map(|entry| {
                let path = entry.path();
                if path.is_dir() {
                    blob_files(&path)
                } else {
                    usize::from(!path.to_string_lossy().contains(".tmp."))
                }
            })
            .sum()
    }

    /// The local store publishes a batch of blobs in chunks, each in four steps: write every
    /// temp file, fsync them all, rename them all, fsync the directories they touched. A crash
    /// between any two steps, in the only chunk or in the third of five, leaves the earlier
    /// chunks published, the state untouched (it is published only after the whole batch), and
    /// never a recorded digest without its blob; one apply then converges.
    #[test]
    fn crash_between_the_batch_steps() {
        let imported = template(Start::Imported);
        let all = QUERIES + POLICIES;
        // (point, blobs per chunk, which hit of the point crashes, blobs then published, temp
        // files then left behind); the default chunk (512) holds all 310 blobs.
        for (point, chunk, hit, published, temps) in [
            ("blobs-written", None, None, 0, all),
            ("blob-before-rename", None, None, 0, all),
            ("blobs-renamed", None, None, all, 0),
            ("blob-after-rename", None, None, all, 0),
            ("blobs-written", Some("64"), Some("3"), 128, 64),
            ("blob-before-rename", Some("64"), Some("3"), 128, 64),
            ("blobs-renamed", Some("64"), Some("3"), 192, 0),
            ("blob-after-rename", Some("64"), Some("3"), 192, 0),
        ] {
            let f = clone_folder(&imported);
            let state_before = f.read("__cluster/state.json");
            let mut env = vec![("OMNIGRAPH_FAULT_CRASH", point)];
            env.extend(chunk.map(|c| ("OMNIGRAPH_FAULT_BLOB_CHUNK", c)));
            env.extend(hit.map(|h| ("OMNIGRAPH_FAULT_HIT", h)));
            let (code, _) = run_with(&f, "apply", &env);
            let context = format!("apply crashed at {point} (chunk {chunk:?}, hit {hit:?})");
            assert_eq!(code, None, "{context}: the crash point was not reached");
            let resources = f.at("__cluster/resources");
            assert_eq!(blob_files(&resources), published, "{context}");
            assert_eq!(temp_files(&resources).len(), temps, "{context}");
            assert_eq!(f.read("__cluster/state.json"), state_before, "{context}");
            check_invariants(&f, &context);
            recover(&f, &context);
        }
    }

    /// A signal during a long blob batch is handled once the chunk in flight is published, not
    /// after the whole batch: the process exits 143 with exactly one chunk published, no temp
    /// file, no lock and the state untouched.
    #[test]
    fn a_signal_during_a_blob_batch_waits_for_one_chunk() {
        let f = template(Start::Imported);
        let state_before = f.read("__cluster/state.json");
        let child = spawn(
            f.path(),
            "apply",
            &[
                ("OMNIGRAPH_FAULT_BLOB_CHUNK", "64"),
                ("OMNIGRAPH_FAULT_PAUSE", "blob-before-rename"),
                ("OMNIGRAPH_FAULT_PAUSE_MS", "1500"),
            ],
        );
        // The first chunk's 64 temp files are written just before its pause.
        let resources = f.at("__cluster/resources");
        let deadline = Instant::now() + Duration::from_secs(20);
        while temp_files(&resources).len() < 64 {
            assert!(Instant::now() < deadline, "the first chunk never staged");
            std::thread::sleep(Duration::from_millis(5));
        }
        send("TERM", child.id());
        assert_eq!(
            child::finish(child, "the signalled command").status.code(),
            Some(143)
        );
        assert_eq!(
            blob_files(&resources),
            64,
            "not stopped after the first chunk"
        );
        assert_eq!(temp_files(&resources), Vec::<String>::new());
        assert!(!f.exists("__cluster/lock.json"));
        assert_eq!(f.read("__cluster/state.json"), state_before);
        check_invariants(&f, "signal during a blob batch");
        recover(&f, "signal during a blob batch");
    }

    /// ENOSPC at one blob's write, fsync or rename in the middle of a batch fails that blob
    /// alone (its diagnostic, its temp file removed); the rest of the batch is published, and
    /// the state is not. ENOSPC at every fsync fails every blob the same way.
    #[test]
    fn one_failing_blob_leaves_the_rest_of_the_batch_published() {
        let imported = template(Start::Imported);
        let all = QUERIES + POLICIES;
        let enospc = "No space left on device (os error 28)";
        for (point, hit, chunk, failed) in [
            ("blob-write", Some("100"), None, 1),
            ("blob-sync", Some("100"), None, 1),
            ("blob-rename", Some("100"), None, 1),
            ("blob-write", Some("100"), Some("64"), 1),
            ("blob-sync", Some("100"), Some("64"), 1),
            ("blob-rename", Some("100"), Some("64"), 1),
            ("blob-sync", None, None, all),
            ("blob-sync", None, Some("64"), all),
        ] {
            let f = clone_folder(&imported);
            let state_before = f.read("__cluster/state.json");
            let mut env = vec![("OMNIGRAPH_FAULT_IO", point)];
            env.extend(hit.map(|h| ("OMNIGRAPH_FAULT_HIT", h)));
            env.extend(chunk.map(|c| ("OMNIGRAPH_FAULT_BLOB_CHUNK", c)));
            let (exit, stdout) = run_with(&f, "apply", &env);
            let context = format!("apply with ENOSPC at {point} (hit {hit:?}, chunk {chunk:?})");
            assert_eq!(exit, Some(1), "{context}: {stdout}");
            let out: Value = serde_json::from_str(&stdout).expect("json");
            let message = if point == "blob-rename" {
                format!("could not move payload file into place: {enospc}")
            } else {
                format!("could not write payload file: {enospc}")
            };
            let errors: Vec<&Value> = out["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .filter(|d| d["severity"] == "error")
                .collect();
            assert_eq!(errors.len(), failed, "{context}: {out}");
            assert!(
                errors
                    .iter()
                    .all(|d| d["code"] == "resource_payload_write_error"
                        && d["message"] == message.as_str()),
                "{context}: {out}"
            );
            let resources = f.at("__cluster/resources");
            assert_eq!(blob_files(&resources), all - failed, "{context}");
            assert_eq!(temp_files(&resources), Vec::<String>::new(), "{context}");
            assert_eq!(f.read("__cluster/state.json"), state_before, "{context}");
            assert!(!f.exists("__cluster/lock.json"), "{context}");
            check_invariants(&f, &context);
            recover(&f, &context);
        }
    }
}
