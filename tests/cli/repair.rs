//! Issue 11 §5: `apply` repairs damaged catalog blobs, so the hint of `catalog_payload_missing`
//! / `catalog_payload_mismatch` ("re-run `cluster apply` to republish") is true as written:
//! recorded blobs are verified and republished from their sources, and a blob already at a
//! publish target is read back and replaced when damaged (S54 in tests/cli/apply.rs).

use cluster_test_support::*;
use serde_json::json;

/// The folder path shown in source paths of F (`«T»/./people.gq`).
fn source(f: &Folder, file: &str) -> String {
    format!("{}/./{file}", f.path().display())
}

#[test]
fn apply_replaces_a_damaged_recorded_blob() {
    let f = Folder::applied();
    let blob = query_blob_rel(QUERY_DIGEST);
    f.write(&blob, "corrupted content");
    let (_, status) = f.json(&["status"]);
    assert_eq!(codes(&status), ["catalog_payload_mismatch"]);
    let state = f.read("__cluster/state.json");

    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "catalog_payload_repaired",
            "severity": "warning",
            "path": "query.knowledge.find_person",
            "message": format!(
                "catalog payload blob did not match the recorded digest (actual sha256:{}); replaced it from '{}'",
                sha256_hex(b"corrupted content"),
                source(&f, "people.gq")
            ),
        }])
    );
    assert_eq!(out["changes"], json!([]));
    assert_eq!(out["converged"], true);
    // The ledger already recorded this blob: nothing to write there.
    assert_eq!(out["state_written"], false);
    assert_eq!(f.read("__cluster/state.json"), state);
    assert_eq!(f.read(&blob), PEOPLE_GQ.as_bytes());
    assert_no_temp_files(&f, "__cluster/resources/query/knowledge/find_person");

    let (code, status) = f.json(&["status"]);
    assert_eq!(code, 0);
    assert_eq!(status["diagnostics"], json!([]));
    // Repaired once, the next apply has nothing to say.
    let (_, out) = f.json(&["apply"]);
    assert_eq!(out["diagnostics"], json!([]));
}

#[test]
fn apply_republishes_a_missing_recorded_blob() {
    let f = Folder::applied();
    f.remove(&policy_blob_rel(POLICY_DIGEST));
    let (_, status) = f.json(&["status"]);
    assert_eq!(codes(&status), ["catalog_payload_missing"]);
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "catalog_payload_repaired",
            "severity": "warning",
            "path": "policy.base",
            "message": format!(
                "catalog payload blob was missing; republished it from '{}'",
                source(&f, "base.policy.yaml")
            ),
        }])
    );
    assert_eq!(f.read(&policy_blob_rel(POLICY_DIGEST)), POLICY.as_bytes());
    assert_eq!(f.json(&["status"]).1["diagnostics"], json!([]));
    let (_, human) = f.human(&["apply"]);
    assert!(!human.contains("WARN"));
}

#[test]
fn refresh_then_apply_repairs_too() {
    let f = Folder::live();
    assert_eq!(f.json(&["import"]).0, 0);
    assert_eq!(f.json(&["apply"]).0, 0);
    let blob = query_blob_rel(QUERY_DIGEST);
    f.write(&blob, "corrupted");
    let (code, refreshed) = f.json(&["refresh"]);
    assert_eq!(code, 0, "{refreshed}");
    assert_eq!(
        refreshed["resource_statuses"]["query.knowledge.find_person"]["conditions"],
        json!(["payload_mismatch"])
    );
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        change_list(&out),
        [
            ch("graph.knowledge", "update", "derived", ""),
            ch("query.knowledge.find_person", "create", "applied", ""),
        ]
    );
    assert_eq!(codes(&out), ["catalog_payload_repaired"]);
    assert_eq!(out["converged"], true);
    assert_eq!(f.read(&blob), PEOPLE_GQ.as_bytes());
    assert_eq!(
        out["resource_statuses"]["query.knowledge.find_person"],
        json!({"status": "applied"})
    );
    assert_eq!(f.json(&["status"]).1["diagnostics"], json!([]));
}

#[test]
fn unreadable_blobs_are_left_to_status() {
    let f = Folder::applied();
    let blob = query_blob_rel(QUERY_DIGEST);
    f.remove(&blob);
    std::fs::create_dir(f.at(&blob)).expect("mkdir");
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["diagnostics"], json!([]));
    assert!(f.at(&blob).is_dir());
}

#[test]
fn repairs_wait_for_an_ok_plan() {
    // A config error stops apply before any blob is looked at.
    let f = Folder::applied();
    let blob = query_blob_rel(QUERY_DIGEST);
    f.write(&blob, "corrupted");
    f.write("cluster.yaml", "version: 2\n");
    let (code, _) = f.json(&["apply"]);
    assert_eq!(code, 1);
    assert_eq!(f.read(&blob), b"corrupted");
    // So does a held lock.
    let f = Folder::applied();
    f.write(&blob, "corrupted");
    f.held_lock("plan");
    assert_eq!(f.json(&["apply"]).0, 1);
    assert_eq!(f.read(&blob), b"corrupted");
}

fn assert_no_temp_files(f: &Folder, dir: &str) {
    let names: Vec<String> = std::fs::read_dir(f.at(dir))
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp.")), "{names:?}");
}
