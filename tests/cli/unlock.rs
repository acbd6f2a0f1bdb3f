//! §10.6 — force-unlock and the command line (S89–S98).

use cluster_test_support::*;
use serde_json::json;

#[test]
fn s89_force_unlock_removes_a_matching_lock() {
    let f = Folder::standard();
    f.held_lock("plan");
    let run = f.run(&["force-unlock", "held-lock", "--json"]);
    assert_eq!(run.code, 0);
    let out = run.json();
    assert_eq!(out["lock_removed"], true);
    assert_eq!(out["state_observations"]["lock_id"], "held-lock");
    assert_eq!(out["state_observations"]["lock_operation"], "plan");
    assert!(!f.exists("__cluster/lock.json"));
    snap!(f, "s89_force_unlock_json", run.stdout);

    f.held_lock("plan");
    let (code, human) = f.human(&["force-unlock", "held-lock"]);
    assert_eq!(code, 0);
    let prefix = "cluster force-unlock: removed lock (id=held-lock, operation=plan, pid=123, created_at=1970-01-01T00:00:00Z, age_seconds=";
    assert!(human.starts_with(prefix), "{human}");
    assert!(human.ends_with(")\n"));
    assert_eq!(human.lines().count(), 1);
}

#[test]
fn s90_wrong_id_keeps_the_lock() {
    let f = Folder::standard();
    f.held_lock("plan");
    let (code, out) = f.json(&["force-unlock", "other-lock"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "state_lock_id_mismatch",
            "severity": "error",
            "path": "__cluster/lock.json",
            "message": "cluster state lock id is held-lock; refusing to unlock with requested id other-lock",
        }])
    );
    assert_eq!(out["lock_removed"], false);
    assert_eq!(f.read_string("__cluster/lock.json"), HELD_LOCK);
    let (code, human) = f.human(&["force-unlock", "other-lock"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = human.lines().collect();
    assert_eq!(lines[0], "cluster force-unlock failed");
    assert!(lines[1].starts_with("  lock: held (id=held-lock, operation=plan, pid=123, created_at=1970-01-01T00:00:00Z, age_seconds="));
    assert_eq!(
        lines[2],
        "ERROR state_lock_id_mismatch __cluster/lock.json: cluster state lock id is held-lock; refusing to unlock with requested id other-lock"
    );
}

#[test]
fn s91_no_lock_to_remove() {
    let f = Folder::standard();
    let (code, out) = f.json(&["force-unlock", "held-lock"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "state_lock_missing",
            "severity": "error",
            "path": "__cluster/lock.json",
            "message": "cluster state lock is not present; nothing was unlocked",
        }])
    );
    assert_eq!(out["state_observations"]["locked"], false);
}

#[test]
fn s92_unparsable_lock_human() {
    let f = Folder::standard();
    f.write("__cluster/lock.json", "{");
    let (code, out) = f.human(&["force-unlock", "held-lock"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "cluster force-unlock failed\n  lock: held\nERROR invalid_state_lock __cluster/lock.json: could not parse state lock: EOF while parsing an object at line 1 column 1\n"
    );
    assert_eq!(f.read_string("__cluster/lock.json"), "{");
}

#[test]
fn s93_lock_version_two_is_refused() {
    let f = Folder::standard();
    f.write(
        "__cluster/lock.json",
        HELD_LOCK.replace("\"version\":1", "\"version\":2"),
    );
    let (code, out) = f.json(&["force-unlock", "held-lock"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"][0]["message"],
        "unsupported cluster state lock version 2"
    );
    assert_eq!(
        out["diagnostics"][0]["code"],
        "unsupported_state_lock_version"
    );
    assert!(f.exists("__cluster/lock.json"));
}

#[test]
fn s94_header_error_leaves_the_lock_unread() {
    let f = Folder::standard_edited("backend: cluster", "backend: s3://bucket/state");
    f.held_lock("plan");
    let (code, out) = f.json(&["force-unlock", "held-lock"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["unsupported_state_backend"]);
    assert_eq!(out["state_observations"]["locked"], false);
    assert!(f.exists("__cluster/lock.json"));
}

#[test]
fn s95_plan_unlock_plan() {
    let f = Folder::standard();
    f.held_lock("plan");
    assert_eq!(f.json(&["plan"]).0, 1);
    assert_eq!(f.json(&["force-unlock", "held-lock"]).0, 0);
    assert_eq!(f.json(&["plan"]).0, 0);
}

#[test]
fn s96_missing_lock_id_is_a_usage_error() {
    let f = Folder::standard();
    let run = f.run(&["force-unlock"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("<LOCK_ID>"), "{}", run.stderr);
}

#[test]
fn s96_other_usage_errors() {
    let bare = run_in(None, &[]);
    assert_eq!(bare.code, 2);
    assert!(bare.stdout.is_empty());
    assert!(
        bare.stderr.contains("Usage: omnigraph cluster"),
        "{}",
        bare.stderr
    );

    let unknown = run_in(None, &["validate", "--bogus"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stdout.is_empty());

    let twice = run_in(None, &["validate", "--config", "a", "--config", "b"]);
    assert_eq!(twice.code, 2);
    assert!(twice.stdout.is_empty());

    let help = run_in(None, &["plan", "--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains(
            "Produce a read-only plan by diffing cluster.yaml against __cluster/state.json"
        )
    );
    assert!(
        help.stdout
            .contains("Cluster config directory containing cluster.yaml [default: .]")
    );
    assert!(help.stdout.contains("Emit JSON instead of human text"));
}

#[test]
fn s97_default_config_is_the_working_directory() {
    let f = Folder::standard();
    let run = run_in(Some(f.path()), &["validate", "--json"]);
    assert_eq!(run.code, 0);
    let out = run.json();
    assert_eq!(out["config_dir"], ".");
    assert_eq!(out["config_file"], "./cluster.yaml");
    assert_eq!(out["resources"][3]["path"], "././people.pg");
    assert_eq!(out["resources"][2]["path"], "././people.gq");
    assert_eq!(out["resources"][1]["path"], "././base.policy.yaml");
    // `--config=X` is accepted too, and `--as` is ignored.
    let run = run_in(
        Some(f.path()),
        &["--as", "me", "validate", "--config=.", "--json"],
    );
    assert_eq!(run.code, 0);
}

#[test]
fn s98_every_json_run_is_one_document() {
    let f = Folder::live();
    for args in [
        vec!["validate"],
        vec!["plan"],
        vec!["status"],
        vec!["import"],
        vec!["refresh"],
        vec!["apply"],
        vec!["force-unlock", "nope"],
    ] {
        let mut with_json = args.clone();
        with_json.push("--json");
        // `json()` asserts: nothing on stderr, one pretty document, one trailing newline.
        f.run(&with_json).json();
    }
}
