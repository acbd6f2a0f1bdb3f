//! Issue 17 §4: `refresh --dry-run` observes and verifies exactly as `refresh` does, reports
//! what it would record, and writes nothing; `--detailed-exitcode` makes it a drift gate.

use cluster_test_support::*;
use serde_json::{Value, json};

/// A live folder after import and a converging apply.
fn converged() -> Folder {
    let f = Folder::live();
    for step in ["import", "apply"] {
        let (code, out) = f.json(&[step]);
        assert_eq!(code, 0, "{step}: {out}");
    }
    f
}

/// The ledger maps of an output, without the observation timestamps.
fn ledger(out: &Value) -> Value {
    let mut view = json!({
        "resource_digests": out["resource_digests"],
        "resource_statuses": out["resource_statuses"],
        "observations": out["observations"],
    });
    for observation in view["observations"]
        .as_object_mut()
        .expect("observations")
        .values_mut()
    {
        observation
            .as_object_mut()
            .expect("observation")
            .remove("observed_at");
    }
    view
}

#[test]
fn no_drift_exits_zero_and_writes_nothing() {
    let f = converged();
    let before = f.files();
    let state = f.read("__cluster/state.json");
    let run = f.run(&["refresh", "--dry-run", "--detailed-exitcode", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let out = run.json();
    assert_eq!(out["dry_run"], true);
    assert_eq!(out["operation"], "refresh");
    assert_eq!(out["drift"], json!([]));
    assert_eq!(out["diagnostics"], json!([]));
    assert_eq!(out["state_observations"]["lock_acquired"], false);
    assert_eq!(f.read("__cluster/state.json"), state);
    assert_eq!(f.files(), before);
    let (code, human) = f.human(&["refresh", "--dry-run"]);
    assert_eq!(code, 0);
    assert_eq!(
        human,
        "cluster refresh --dry-run: 0 drift(s) against revision 2; nothing was written\n"
    );
}

/// A deleted graph root and a missing blob: the dry run names both, exits 2, writes nothing;
/// the real refresh then records exactly the ledger the dry run showed.
#[test]
fn drift_is_reported_as_refresh_would_record_it() {
    let f = converged();
    f.remove("graphs/knowledge.omni");
    f.remove(&query_blob_rel(QUERY_DIGEST));
    let state = f.read("__cluster/state.json");
    let run = f.run(&["refresh", "--dry-run", "--detailed-exitcode", "--json"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let dry = run.json();
    assert_eq!(f.read("__cluster/state.json"), state);
    let drift = dry["drift"].as_array().expect("drift");
    let resources: Vec<&str> = drift
        .iter()
        .map(|d| d["resource"].as_str().expect("resource"))
        .collect();
    assert_eq!(
        resources,
        [
            "graph.knowledge",
            "query.knowledge.find_person",
            "schema.knowledge"
        ]
    );
    assert_eq!(
        drift[0]["status"]["after"]["conditions"],
        json!(["graph_missing"])
    );
    assert_eq!(
        drift[0]["observation"]["exists"],
        json!({"before": true, "after": false})
    );
    assert_eq!(drift[0]["digest"]["after"], Value::Null);
    assert_eq!(
        drift[1]["digest"],
        json!({"before": QUERY_DIGEST, "after": null})
    );
    assert_eq!(
        drift[1]["status"]["after"]["conditions"],
        json!(["payload_missing"])
    );
    assert_eq!(
        codes(&dry),
        ["catalog_payload_missing"],
        "the findings refresh reports: {dry}"
    );
    let (_, human) = f.human(&["refresh", "--dry-run"]);
    assert!(human.starts_with(
        "cluster refresh --dry-run: 3 drift(s) against revision 2; nothing was written\n  ~ graph.knowledge\n"
    ), "{human}");
    assert!(
        human.contains(
            "      status: applied -> drifted [graph_missing] derived graph root is missing\n"
        ),
        "{human}"
    );

    let (code, refreshed) = f.json(&["refresh"]);
    assert_eq!(code, 0, "{refreshed}");
    assert_eq!(ledger(&refreshed), ledger(&dry));
    // Recorded now: no drift is left.
    let (code, out) = f.json(&["refresh", "--dry-run", "--detailed-exitcode"]);
    assert_eq!((code, &out["drift"]), (0, &json!([])), "{out}");
}

/// Like `status`, the dry run takes no lock: a held one is shown, not waited for, and a
/// read-only folder is enough.
#[test]
fn takes_no_lock_and_needs_only_read_access() {
    let f = converged();
    f.held_lock("apply");
    let (code, out) = f.json(&["refresh", "--dry-run", "--detailed-exitcode"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["state_observations"]["locked"], true);
    assert_eq!(out["state_observations"]["lock_operation"], "apply");
    f.remove("__cluster/lock.json");
    let run = f.run_read_only(&["refresh", "--dry-run", "--detailed-exitcode", "--json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn errors_and_usage() {
    let f = Folder::live();
    let (code, out) = f.json(&["refresh", "--dry-run", "--detailed-exitcode"]);
    assert_eq!((code, codes(&out)), (1, vec!["state_missing".to_string()]));
    assert!(!f.exists("__cluster"));
    // The exit-code flag only means something for a dry run.
    let run = f.run(&["refresh", "--detailed-exitcode"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--dry-run"), "{}", run.stderr);
}
