//! Issue 11 §1–§2 and §4 for CI: `--detailed-exitcode`, saved plans (`plan --out`,
//! `apply --plan`) with each refusal, `--lock-timeout`, and the completion script and man page.

use cluster_test_support::*;
use serde_json::{Value, json};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Applyable state whose schema differs from the config: apply runs but cannot converge (the
/// schema change is deferred).
fn not_convergeable() -> Folder {
    let f = Folder::standard();
    f.applyable_state();
    f.write(
        "people.pg",
        format!("{PEOPLE_PG}\nnode Team {{ name: String @key }}\n"),
    );
    f
}

/// `plan --out «file» --json`.
fn save_plan(f: &Folder, file: &str) -> (i32, Value) {
    let path = f.at(file);
    f.json(&["plan", "--out", path.to_str().expect("utf8")])
}

fn apply_saved(f: &Folder, file: &str) -> (i32, Value) {
    let path = f.at(file);
    f.json(&["apply", "--plan", path.to_str().expect("utf8")])
}

#[test]
fn plan_detailed_exitcode() {
    // Changes apply would make: the policy and the query are applied, the graph derived.
    let pending = Folder::standard();
    pending.applyable_state();
    let plain = pending.run(&["plan"]);
    let detailed = pending.run(&["plan", "--detailed-exitcode"]);
    assert_eq!((plain.code, detailed.code), (0, 2));
    assert_eq!(plain.stdout, detailed.stdout);
    assert_eq!(pending.json(&["plan", "--detailed-exitcode"]).0, 2);

    // Issue 17: only deferred and blocked changes (no graph root yet, as in the bundled
    // example) are listed with their reasons, but apply would write nothing: 0, not 2.
    let fresh = Folder::standard();
    let (code, out) = fresh.json(&["plan", "--detailed-exitcode"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(change_list(&out), fresh_changes());
    // One executable change among deferred ones is enough.
    let mixed = Folder::standard();
    mixed.write_state(&format!(
        r#"{{"version":1,"applied_revision":{{"resources":{{"policy.gone":{{"digest":"{POLICY_DIGEST}"}}}}}}}}"#
    ));
    let (code, out) = mixed.json(&["plan", "--detailed-exitcode"]);
    assert_eq!(code, 2, "{out}");
    assert!(change_list(&out).contains(&ch("policy.gone", "delete", "applied", "")));

    let done = Folder::applied();
    assert_eq!(done.run(&["plan", "--detailed-exitcode"]).code, 0);

    let broken = Folder::standard();
    broken.write("cluster.yaml", "version: 2\n");
    assert_eq!(broken.run(&["plan", "--detailed-exitcode"]).code, 1);
    let locked = Folder::standard();
    locked.held_lock("plan");
    assert_eq!(locked.run(&["plan", "--detailed-exitcode"]).code, 1);
}

#[test]
fn apply_detailed_exitcode() {
    let f = Folder::standard();
    f.applyable_state();
    let (code, out) = f.json(&["apply", "--detailed-exitcode"]);
    assert_eq!((code, &out["converged"]), (0, &json!(true)));
    // Converged and nothing to do: still 0.
    assert_eq!(f.run(&["apply", "--detailed-exitcode"]).code, 0);

    let f = not_convergeable();
    let (code, out) = f.json(&["apply", "--detailed-exitcode"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(out["ok"], true);
    assert_eq!(out["converged"], false);
    // Without the flag the same run exits 0.
    assert_eq!(not_convergeable().run(&["apply"]).code, 0);

    let no_state = Folder::standard();
    assert_eq!(no_state.run(&["apply", "--detailed-exitcode"]).code, 1);
}

#[test]
fn saved_plan_round_trip() {
    let f = Folder::standard();
    f.applyable_state();
    let (code, planned) = save_plan(&f, "tfplan.json");
    assert_eq!(code, 0, "{planned}");
    let shown = f.at("tfplan.json").to_str().expect("utf8").to_string();
    assert_eq!(planned["saved_plan"], json!(shown));
    let saved: Value = serde_json::from_slice(&f.read("tfplan.json")).expect("JSON");
    let text = f.read_string("tfplan.json");
    assert_eq!(
        text,
        format!(
            "{}\n",
            serde_json::to_string_pretty(&saved).expect("encode")
        )
    );
    let keys: Vec<&str> = saved
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "format_version",
            "cluster",
            "config_digest",
            "state_cas",
            "ok",
            "config_dir",
            "desired_revision",
            "resource_digests",
            "dependencies",
            "state_observations",
            "changes",
            "blast_radius",
            "approvals_required",
            "diagnostics"
        ]
    );
    assert_eq!(saved["format_version"], 2);
    // The cluster is its storage root: here the config folder itself, canonicalised.
    let canonical = std::fs::canonicalize(f.path()).expect("canonical");
    assert_eq!(saved["cluster"], json!(canonical.to_str()));
    assert_eq!(saved["config_digest"], CONFIG_DIGEST);
    let cas = format!("sha256:{}", sha256_hex(&f.read("__cluster/state.json")));
    assert_eq!(saved["state_cas"], json!(cas));
    // The rest is the plan object `plan --json` printed.
    let mut printed = planned.clone();
    printed
        .as_object_mut()
        .expect("object")
        .remove("saved_plan");
    let mut rest = saved.clone();
    for key in ["format_version", "cluster", "config_digest", "state_cas"] {
        rest.as_object_mut().expect("object").remove(key);
    }
    assert_eq!(rest, printed);

    let (code, applied) = apply_saved(&f, "tfplan.json");
    assert_eq!(code, 0, "{applied}");
    assert_eq!(applied["converged"], true);
    assert_eq!(applied["changes"], saved["changes"]);
    assert_eq!(applied["diagnostics"], json!([]));
    assert_eq!(f.read(&query_blob_rel(QUERY_DIGEST)), PEOPLE_GQ.as_bytes());
    // Applied once, the plan is stale: the state moved.
    let (code, again) = apply_saved(&f, "tfplan.json");
    assert_eq!(code, 1);
    assert_eq!(codes(&again), ["saved_plan_stale"]);
}

#[test]
fn saved_plan_human_line_and_no_state() {
    let f = Folder::standard();
    let path = f.at("p.json");
    let (code, text) = f.human(&["plan", "--out", path.to_str().expect("utf8")]);
    assert_eq!(code, 0);
    assert_eq!(
        text,
        format!(
            "cluster plan: 4 change(s), 0 approval gate(s)\n  Create graph.knowledge\n  Create policy.base\n  Create query.knowledge.find_person\n  Create schema.knowledge\n  saved plan: {}\n",
            path.display()
        )
    );
    let saved: Value = serde_json::from_slice(&f.read("p.json")).expect("JSON");
    assert_eq!(saved["state_cas"], Value::Null);
    // Applying a plan made without state still needs a state.
    let (code, out) = apply_saved(&f, "p.json");
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["state_missing"]);
}

#[test]
fn stale_after_a_config_edit() {
    let f = Folder::standard();
    f.applyable_state();
    assert_eq!(save_plan(&f, "p.json").0, 0);
    let state = f.read("__cluster/state.json");
    f.write("cluster.yaml", cluster_yaml("test"));
    let (code, out) = apply_saved(&f, "p.json");
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "saved_plan_stale",
            "severity": "error",
            "path": f.at("p.json").to_str(),
            "message": format!("the config changed since the plan was saved: config digest was {CONFIG_DIGEST}, is now {CONFIG_DIGEST_TEST}; run `cluster plan --out` again"),
        }])
    );
    assert_eq!(out["state_written"], false);
    assert_eq!(f.read("__cluster/state.json"), state);
    assert!(!f.exists("__cluster/resources"));
    assert!(!f.exists("__cluster/lock.json"));

    // An edited query moves the config digest too.
    let f = Folder::standard();
    f.applyable_state();
    assert_eq!(save_plan(&f, "p.json").0, 0);
    f.write("people.gq", PEOPLE_GQ.replace(", $p.age", ""));
    let (code, out) = apply_saved(&f, "p.json");
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["saved_plan_stale"]);
    assert!(!f.exists("__cluster/resources"));
}

#[test]
fn stale_after_another_apply() {
    let f = Folder::standard();
    f.applyable_state();
    assert_eq!(save_plan(&f, "p.json").0, 0);
    let planned_cas = format!("sha256:{}", sha256_hex(&f.read("__cluster/state.json")));
    assert_eq!(f.json(&["apply"]).0, 0);
    let now_cas = format!("sha256:{}", sha256_hex(&f.read("__cluster/state.json")));
    let state = f.read("__cluster/state.json");
    let (code, out) = apply_saved(&f, "p.json");
    assert_eq!(code, 1);
    assert_eq!(
        diag(&out, "saved_plan_stale")["message"],
        format!(
            "the state changed since the plan was saved: state CAS was {planned_cas}, is now {now_cas}; run `cluster plan --out` again"
        )
    );
    assert_eq!(codes(&out), ["saved_plan_stale"]);
    assert_eq!(f.read("__cluster/state.json"), state);

    // Config and state both moved: both are named.
    f.write("cluster.yaml", cluster_yaml("test"));
    let (_, out) = apply_saved(&f, "p.json");
    assert_eq!(codes(&out), ["saved_plan_stale", "saved_plan_stale"]);
}

#[test]
fn invalid_plan_files() {
    let f = Folder::standard();
    f.applyable_state();
    assert_eq!(save_plan(&f, "good.json").0, 0);
    let good: Value = serde_json::from_slice(&f.read("good.json")).expect("JSON");
    let edited = |edit: &dyn Fn(&mut Value)| {
        let mut value = good.clone();
        edit(&mut value);
        serde_json::to_string(&value).expect("encode")
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "corrupt.json",
            "{".into(),
            "saved plan is not JSON: EOF while parsing an object at line 1 column 1",
        ),
        (
            "v1.json",
            edited(&|v| v["format_version"] = json!(1)),
            "saved plan has format_version 1; this build reads format_version 2",
        ),
        (
            "nov.json",
            edited(&|v| {
                v.as_object_mut().expect("object").remove("format_version");
            }),
            "saved plan has no format_version",
        ),
        (
            "nocas.json",
            edited(&|v| {
                v.as_object_mut().expect("object").remove("state_cas");
            }),
            "could not parse saved plan: missing field `state_cas`",
        ),
        (
            "failed.json",
            edited(&|v| v["ok"] = json!(false)),
            "saved plan records a failed plan (ok: false); it cannot be applied",
        ),
        (
            "other.json",
            edited(&|v| v["cluster"] = json!("/elsewhere")),
            "",
        ),
    ];
    let state = f.read("__cluster/state.json");
    for (file, contents, message) in cases {
        f.write(file, contents);
        let (code, out) = apply_saved(&f, file);
        assert_eq!(code, 1, "{file}");
        assert_eq!(codes(&out), ["saved_plan_invalid"], "{file}");
        let d = diag(&out, "saved_plan_invalid");
        assert_eq!(d["path"], json!(f.at(file).to_str()));
        if message.is_empty() {
            let canonical = std::fs::canonicalize(f.path()).expect("canonical");
            assert_eq!(
                d["message"],
                format!(
                    "saved plan was made for the cluster at '/elsewhere', not '{}'",
                    canonical.display()
                )
            );
        } else {
            assert_eq!(d["message"], message, "{file}");
        }
        assert_eq!(out["changes"], json!([]));
        assert_eq!(f.read("__cluster/state.json"), state);
        assert!(!f.exists("__cluster/resources"));
        assert!(!f.exists("__cluster/lock.json"));
    }
    let (code, out) = apply_saved(&f, "missing.json");
    assert_eq!(code, 1);
    assert_eq!(
        diag(&out, "saved_plan_invalid")["message"],
        "could not read saved plan: No such file or directory (os error 2)"
    );
}

#[test]
fn a_plan_from_another_cluster_is_refused() {
    let a = Folder::standard();
    a.applyable_state();
    assert_eq!(save_plan(&a, "p.json").0, 0);
    // An identical copy is still another cluster.
    let b = Folder::standard();
    b.applyable_state();
    let path = a.at("p.json");
    let (code, out) = b.json(&["apply", "--plan", path.to_str().expect("utf8")]);
    assert_eq!(code, 1);
    assert!(
        diag(&out, "saved_plan_invalid")["message"]
            .as_str()
            .expect("message")
            .starts_with("saved plan was made for the cluster at '")
    );
    assert!(!b.exists("__cluster/resources"));
}

#[test]
fn failed_plans_are_not_saved() {
    let f = Folder::standard();
    f.held_lock("apply");
    let (code, out) = save_plan(&f, "p.json");
    assert_eq!(code, 1);
    assert!(out.get("saved_plan").is_none());
    assert!(!f.exists("p.json"));

    let f = Folder::standard();
    let (code, out) = save_plan(&f, "no/such/dir/p.json");
    assert_eq!(code, 1);
    let d = diag(&out, "saved_plan_write_error");
    assert_eq!(
        d["message"],
        format!(
            "could not write saved plan '{}': No such file or directory (os error 2)",
            f.at("no/such/dir/p.json").display()
        )
    );
    assert_eq!(out["changes"].as_array().expect("changes").len(), 4);
    // A directory where the file should be.
    std::fs::create_dir(f.at("dir.json")).expect("mkdir");
    let (code, out) = save_plan(&f, "dir.json");
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["saved_plan_write_error"]);
    let leftovers: Vec<_> = std::fs::read_dir(f.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn saved_plans_can_still_be_refused_by_the_lock() {
    let f = Folder::standard();
    f.applyable_state();
    assert_eq!(save_plan(&f, "p.json").0, 0);
    f.held_lock("plan");
    let (code, out) = apply_saved(&f, "p.json");
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["state_lock_held"]);
    f.remove("__cluster/lock.json");
    let release = {
        f.held_lock("plan");
        let lock = f.at("__cluster/lock.json");
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            std::fs::remove_file(lock).expect("release");
        })
    };
    let path = f.at("p.json");
    let (code, out) = f.json(&[
        "apply",
        "--plan",
        path.to_str().expect("utf8"),
        "--lock-timeout",
        "5s",
    ]);
    release.join().expect("release");
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["converged"], true);
}

/// Spawn `omnigraph cluster «args» --config F --json` without waiting for it.
fn spawn(f: &Folder, args: &[&str]) -> std::process::Child {
    let mut all = f.args(args);
    all.push("--json");
    Command::new(binary())
        .arg("cluster")
        .args(all)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn")
}

fn finish(child: std::process::Child) -> (i32, Value) {
    let run = Run::from(child::finish(child, "a command of the lock-timeout race"));
    let value = run.json();
    (run.code, value)
}

#[test]
fn a_lock_released_during_the_wait_is_taken() {
    for command in ["apply", "plan", "refresh", "import"] {
        let f = Folder::standard();
        if command != "import" {
            f.applyable_state();
        }
        f.held_lock("plan");
        let start = Instant::now();
        let child = spawn(&f, &[command, "--lock-timeout", "5s"]);
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            f.exists("__cluster/lock.json"),
            "{command} must not take a held lock"
        );
        f.remove("__cluster/lock.json");
        let (code, out) = finish(child);
        let waited = start.elapsed();
        assert_eq!(code, 0, "{command}: {out}");
        assert!(waited >= Duration::from_millis(300), "{waited:?}");
        assert!(waited < Duration::from_secs(5), "{waited:?}");
        let obs = &out["state_observations"];
        assert_eq!(obs["lock_acquired"], true);
        assert_eq!(obs["locked"], false);
        assert!(obs.get("lock_id").is_none());
        assert!(!f.exists("__cluster/lock.json"));
    }
}

#[test]
fn the_wait_expires_with_the_usual_refusal() {
    let f = Folder::standard();
    f.applyable_state();
    f.held_lock("plan");
    let now = f.json(&["apply"]).1;
    let start = Instant::now();
    let (code, waited) = f.json(&["apply", "--lock-timeout", "300ms"]);
    let elapsed = start.elapsed();
    assert_eq!(code, 1);
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(codes(&waited), ["state_lock_held"]);
    assert_eq!(waited["diagnostics"], now["diagnostics"]);
    assert_eq!(waited["state_observations"]["lock_id"], "held-lock");
    assert!(f.exists("__cluster/lock.json"));
    assert_eq!(f.state()["state_revision"], 1);
    // Human text is the same too.
    let (_, human) = f.human(&["plan", "--lock-timeout", "200ms"]);
    assert_eq!(human.lines().next(), Some("cluster plan failed"));
}

#[test]
fn lock_timeout_values() {
    let f = Folder::standard();
    f.applyable_state();
    for ok in [
        "0", "0s", "500ms", "30s", "2m", "1h", "1m30s", "1h5m", "2s500ms",
    ] {
        assert_eq!(f.run(&["plan", "--lock-timeout", ok]).code, 0, "{ok}");
    }
    for bad in ["soon", "5", "1.5s", "-1s", "10d", "30s1m", "1m1m", "1m30"] {
        let flag = format!("--lock-timeout={bad}");
        let run = f.run(&["plan", &flag]);
        assert_eq!(run.code, 2, "{bad}");
        assert!(run.stdout.is_empty());
        assert!(run.stderr.contains("invalid duration"), "{}", run.stderr);
    }
    // Only the commands that take the lock have it.
    assert_eq!(f.run(&["status", "--lock-timeout", "1s"]).code, 2);
    assert_eq!(f.run(&["validate", "--lock-timeout", "1s"]).code, 2);
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = child::output(Command::new(binary()).args(["completions", shell]), shell);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).expect("utf8");
        assert!(script.contains("omnigraph"), "{shell}");
        assert!(script.contains("force-unlock"), "{shell}");
        assert!(script.contains("lock-timeout"), "{shell}");
        assert!(out.stderr.is_empty());
    }
    let bad = child::output(Command::new(binary()).args(["completions", "tcsh"]), "tcsh");
    assert_eq!(bad.status.code(), Some(2));

    let out = child::output(Command::new(binary()).arg("man"), "man");
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).expect("utf8");
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &page[..80.min(page.len())]
    );
    assert!(page.contains(".TH omnigraph 1"), "{page}");
    assert!(page.contains("completions"));

    let help = child::output(Command::new(binary()).arg("--help"), "--help");
    let help = String::from_utf8(help.stdout).expect("utf8");
    assert!(
        help.contains("Validate, plan, apply and observe an OmniGraph cluster configuration"),
        "{help}"
    );
    assert!(!help.contains("read-only cluster"));
}

/// Issue 17 §2: `plan --lock=false` reads the state without the lock, creates and writes
/// nothing, and works where the folder is read-only; the output says it ran without the lock.
#[test]
fn plan_without_the_lock_needs_only_read_access() {
    let f = Folder::standard();
    f.applyable_state();
    let before = f.files();
    let locked = f.run(&["plan", "--json"]);
    let run = f.run_read_only(&["plan", "--lock=false", "--json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let out = run.json();
    assert_eq!(out["changes"], locked.json()["changes"]);
    assert_eq!(
        diag(&out, "state_lock_disabled")["message"],
        "plan --lock=false; plan read state without acquiring the cluster state lock"
    );
    assert_eq!(diag(&out, "state_lock_disabled")["path"], "--lock");
    assert_eq!(out["state_observations"]["lock_acquired"], false);
    assert_eq!(out["state_observations"]["state_found"], true);
    assert_eq!(f.files(), before);
    // The lock the default plan takes needs write access.
    let run = f.run_read_only(&["plan", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(codes(&run.json()), ["state_lock_error"]);

    // Without any state, nothing is created either (a plan with the lock creates `__cluster/`).
    let fresh = Folder::standard();
    let (code, out) = fresh.json(&["plan", "--lock=false"]);
    assert_eq!(code, 0, "{out}");
    assert!(!fresh.exists("__cluster"));
    // The human text says so too (as a warning line).
    let (_, human) = fresh.human(&["plan", "--lock=false"]);
    assert!(
        human.contains("WARN  state_lock_disabled --lock: plan --lock=false"),
        "{human}"
    );
}

/// A held lock does not stop `plan --lock=false`, which shows the holder as `status` does.
#[test]
fn plan_without_the_lock_shows_a_held_lock() {
    let f = Folder::standard();
    f.applyable_state();
    f.held_lock("apply");
    let (code, out) = f.json(&["plan", "--lock=false"]);
    assert_eq!(code, 0, "{out}");
    let obs = &out["state_observations"];
    assert_eq!(obs["locked"], true);
    assert_eq!(obs["lock_operation"], "apply");
    assert_eq!(obs["lock_acquired"], false);
    assert!(f.exists("__cluster/lock.json"));
}

/// A plan saved without the lock still carries the state CAS: apply refuses it once the state
/// moved, and applies it while it has not.
#[test]
fn a_plan_saved_without_the_lock_is_bound_to_the_state_it_read() {
    let f = Folder::standard();
    f.applyable_state();
    let path = f.at("p.json");
    let out = path.to_str().expect("utf8");
    let (code, planned) = f.json(&["plan", "--lock=false", "--out", out]);
    assert_eq!(code, 0, "{planned}");
    let saved: Value = serde_json::from_slice(&f.read("p.json")).expect("json");
    assert_eq!(
        saved["state_cas"],
        format!("sha256:{}", sha256_hex(&f.read("__cluster/state.json")))
    );
    // Someone refreshes meanwhile: the state moved.
    let moved = f
        .read_string("__cluster/state.json")
        .replace("\"state_revision\":1", "\"state_revision\":7");
    f.write_state(&moved);
    let (code, refused) = f.json(&["apply", "--plan", out]);
    assert_eq!(
        (code, codes(&refused)),
        (1, vec!["saved_plan_stale".to_string()])
    );
    // A fresh plan without the lock applies.
    assert_eq!(f.json(&["plan", "--lock=false", "--out", out]).0, 0);
    let (code, applied) = f.json(&["apply", "--plan", out]);
    assert_eq!(code, 0, "{applied}");
    assert_eq!(applied["converged"], true);
}

/// Issue 17 §3: a saved plan is bound to the cluster (its storage root), not to the checkout,
/// so a plan made in one checkout applies in another that shares the state.
#[test]
fn a_saved_plan_travels_between_checkouts_of_one_cluster() {
    let shared = Folder::empty();
    shared.add_root("knowledge", "people-fresh.omni");
    let root = shared.path().to_str().expect("utf8").to_string();
    let (a, b) = (Folder::standard(), Folder::standard());
    for checkout in [&a, &b] {
        checkout.write("people.pg", LIVE_PEOPLE_PG);
        checkout.set_storage(&root);
    }
    assert_eq!(a.json(&["import"]).0, 0);
    let (code, out) = a.json(&["plan", "--out", a.at("p.json").to_str().expect("utf8")]);
    assert_eq!(code, 0, "{out}");
    let saved: Value = serde_json::from_slice(&a.read("p.json")).expect("json");
    let canonical = std::fs::canonicalize(shared.path()).expect("canonical");
    assert_eq!(saved["cluster"], json!(canonical.to_str()));
    // B applies A's plan: the same cluster and config, another checkout.
    b.write("p.json", a.read("p.json"));
    let (code, out) = b.json(&["apply", "--plan", b.at("p.json").to_str().expect("utf8")]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["converged"], true);
    assert_eq!(out["changes"], saved["changes"]);
    // A checkout of another cluster (its own root) still refuses it.
    let c = Folder::standard();
    c.write("people.pg", LIVE_PEOPLE_PG);
    c.write("p.json", a.read("p.json"));
    let (code, out) = c.json(&["apply", "--plan", c.at("p.json").to_str().expect("utf8")]);
    assert_eq!(
        (code, codes(&out)),
        (1, vec!["saved_plan_invalid".to_string()])
    );
}
