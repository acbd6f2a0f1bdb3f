//! §10.4 — status (S60–S71).

use cluster_test_support::*;
use serde_json::json;

#[test]
fn s60_status_without_state() {
    let f = Folder::standard();
    let (code, out) = f.human(&["status"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "cluster state missing\nWARN  state_missing __cluster/state.json: state.json is missing; no applied cluster revision has been recorded\n"
    );
    assert!(!f.exists("__cluster"));
}

#[test]
fn s61_status_mirrors_the_ledger() {
    let f = Folder::standard();
    let text = r#"{"version":1,"state_revision":42,"applied_revision":{"config_digest":"applied-config","resources":{"graph.knowledge":{"digest":"g"}}},"resource_statuses":{"graph.knowledge":{"status":"applied","conditions":["healthy"],"message":"ready"}},"observations":{"graph.knowledge":{"manifest_version":12,"b":1,"a":2}}}"#;
    f.write_state(text);
    let run = f.run(&["status", "--json"]);
    assert_eq!(run.code, 0);
    let out = run.json();
    let obs = &out["state_observations"];
    assert_eq!(obs["state_revision"], 42);
    assert_eq!(
        obs["state_cas"],
        format!("sha256:{}", sha256_hex(text.as_bytes()))
    );
    assert_eq!(obs["applied_config_digest"], "applied-config");
    assert_eq!(out["resource_digests"], json!({"graph.knowledge": "g"}));
    assert_eq!(
        out["resource_statuses"],
        json!({"graph.knowledge": {"status": "applied", "conditions": ["healthy"], "message": "ready"}})
    );
    // Inner key order is preserved, not sorted.
    assert!(run.stdout.contains(
        "\"graph.knowledge\": {\n      \"manifest_version\": 12,\n      \"b\": 1,\n      \"a\": 2\n    }"
    ));
    assert_eq!(f.read_string("__cluster/state.json"), text);
    snap!(f, "s61_status_json", run.stdout);
    let (_, human) = f.human(&["status"]);
    assert_eq!(
        human,
        "cluster state: revision 42, 1 resource(s)\n  applied config: applied-config\n  lock: not held\n"
    );
}

#[test]
fn s62_unparsable_state() {
    let f = Folder::standard();
    f.write_state("{");
    let (code, out) = f.json(&["status"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["invalid_state_json"]);
    assert_eq!(out["state_observations"]["state_found"], true);
    let (_, human) = f.human(&["status"]);
    assert!(human.starts_with("cluster status failed\nERROR invalid_state_json __cluster/state.json: could not parse state JSON: "));
}

#[test]
fn s63_status_shows_a_held_lock() {
    let f = Folder::standard();
    f.applyable_state();
    f.held_lock("refresh");
    let (code, out) = f.human(&["status"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "cluster state: revision 1, 2 resource(s)");
    let prefix = "  lock: held (id=held-lock, operation=refresh, pid=123, created_at=1970-01-01T00:00:00Z, age_seconds=";
    assert!(lines[1].starts_with(prefix), "{out}");
    assert!(
        lines[1][prefix.len()..]
            .trim_end_matches(')')
            .parse::<u64>()
            .is_ok()
    );
    assert_eq!(lines.len(), 2);
    snap!(
        f,
        "s63_status_held_lock_json",
        f.run(&["status", "--json"]).stdout
    );
}

#[test]
fn s64_unparsable_lock_is_a_warning() {
    let f = Folder::standard();
    f.applyable_state();
    f.write("__cluster/lock.json", "{");
    let (code, out) = f.json(&["status"]);
    assert_eq!(code, 0);
    let warning = diag(&out, "invalid_state_lock");
    assert_eq!(warning["severity"], "warning");
    assert_eq!(warning["path"], "__cluster/lock.json");
    assert!(
        warning["message"]
            .as_str()
            .expect("message")
            .starts_with("could not parse state lock: ")
    );
    assert_eq!(out["state_observations"]["locked"], true);
    assert!(out["state_observations"].get("lock_id").is_none());
    let (_, human) = f.human(&["status"]);
    assert!(human.contains("\n  lock: held\n"), "{human}");
}

#[test]
fn s65_lock_version_two_is_a_warning() {
    let f = Folder::standard();
    f.applyable_state();
    f.write(
        "__cluster/lock.json",
        HELD_LOCK.replace("\"version\":1", "\"version\":2"),
    );
    let (code, out) = f.json(&["status"]);
    assert_eq!(code, 0);
    let warning = diag(&out, "unsupported_state_lock_version");
    assert_eq!(warning["severity"], "warning");
    assert_eq!(
        warning["message"],
        "unsupported cluster state lock version 2"
    );
}

#[test]
fn s66_missing_blob_is_reported_not_fixed() {
    let f = Folder::applied();
    let before = f.read("__cluster/state.json");
    f.remove(&query_blob_rel(QUERY_DIGEST));
    let (code, out) = f.json(&["status"]);
    assert_eq!(code, 0);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "catalog_payload_missing",
            "severity": "warning",
            "path": "query.knowledge.find_person",
            "message": "catalog payload blob is missing; re-run `cluster apply` to republish",
        }])
    );
    assert_eq!(
        out["resource_statuses"]["query.knowledge.find_person"]["status"],
        "applied"
    );
    assert_eq!(f.read("__cluster/state.json"), before);
}

#[test]
fn s67_corrupted_blob() {
    let f = Folder::applied();
    f.write(&query_blob_rel(QUERY_DIGEST), "corrupted content");
    let (code, out) = f.json(&["status"]);
    assert_eq!(code, 0);
    assert_eq!(
        diag(&out, "catalog_payload_mismatch")["message"],
        format!(
            "catalog payload blob does not match the recorded digest (actual sha256:{}); re-run `cluster apply` to republish",
            sha256_hex(b"corrupted content")
        )
    );
}

#[test]
fn s68_blob_replaced_by_a_directory() {
    let f = Folder::applied();
    let blob = query_blob_rel(QUERY_DIGEST);
    f.remove(&blob);
    std::fs::create_dir(f.at(&blob)).expect("mkdir");
    let (code, out) = f.json(&["status"]);
    assert_eq!(code, 1);
    let err = diag(&out, "catalog_payload_read_error");
    assert_eq!(err["severity"], "error");
    assert_eq!(
        err["message"],
        format!(
            "could not read catalog payload '{}/{blob}': Is a directory (os error 21)",
            f.path().display()
        )
    );
}

#[test]
fn s69_graph_and_schema_have_no_blobs() {
    let f = Folder::standard();
    f.applyable_state();
    let (code, out) = f.json(&["status"]);
    assert_eq!(code, 0);
    assert_eq!(out["diagnostics"], json!([]));
}

#[test]
fn s70_status_never_reads_sources() {
    let f = Folder::applied();
    f.remove("people.pg");
    f.remove("people.gq");
    let (code, out) = f.json(&["status"]);
    assert_eq!(code, 0);
    assert_eq!(out["diagnostics"], json!([]));
}

#[test]
fn s71_lock_observed_even_when_config_is_broken() {
    let f = Folder::standard();
    f.write("cluster.yaml", "version: [\n");
    f.held_lock("plan");
    f.applyable_state();
    let run = f.run(&["status", "--json"]);
    assert_eq!(run.code, 1);
    let out = run.json();
    assert_eq!(codes(&out), ["invalid_cluster_yaml"]);
    assert_eq!(out["state_observations"]["locked"], true);
    assert_eq!(out["state_observations"]["lock_id"], "held-lock");
    assert_eq!(out["state_observations"]["state_found"], false);
    assert_eq!(out["resource_digests"], json!({}));
    snap!(f, "s71_status_broken_config_json", run.stdout);
}
