//! §10.2 — plan (S30–S43).

use cluster_test_support::*;
use serde_json::json;

#[test]
fn s30_fresh_plan() {
    let f = Folder::standard();
    let run = f.run(&["plan", "--json"]);
    assert_eq!(run.code, 0);
    let out = run.json();
    assert_eq!(change_list(&out), fresh_changes());
    assert_eq!(
        out["blast_radius"],
        json!([
            {"resource": "graph.knowledge", "affected": ["policy.base", "query.knowledge.find_person", "schema.knowledge"]},
            {"resource": "schema.knowledge", "affected": ["query.knowledge.find_person"]},
        ])
    );
    assert_eq!(out["approvals_required"], json!([]));
    let obs = &out["state_observations"];
    assert_eq!(obs["state_found"], false);
    assert_eq!(obs["lock_acquired"], true);
    assert_eq!(obs["locked"], false);
    let id = obs["acquired_lock_id"].as_str().expect("lock id");
    assert_eq!(id.len(), 26);
    assert!(
        id.chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    );
    assert_eq!(
        obs["state_path"],
        format!("{}/__cluster/state.json", f.path().display())
    );
    assert!(f.at("__cluster").is_dir());
    assert_eq!(
        std::fs::read_dir(f.at("__cluster")).expect("dir").count(),
        0
    );
    snap!(f, "s30_fresh_plan_json", run.stdout);
    snap!(f, "s30_fresh_plan_human", f.human(&["plan"]).1);
}

#[test]
fn s31_plan_against_partial_state() {
    let f = Folder::named("test");
    let graph = GRAPH_DIGEST;
    f.write_state(&format!(
        r#"{{"version":1,"applied_revision":{{"resources":{{"graph.knowledge":{{"digest":"{graph}"}},"policy.old":{{"digest":"abc"}},"schema.knowledge":{{"digest":"old-schema"}}}}}}}}"#
    ));
    let (code, out) = f.json(&["plan"]);
    assert_eq!(code, 0);
    assert_eq!(
        change_list(&out),
        [
            ch("policy.base", "create", "applied", ""),
            ch("policy.old", "delete", "applied", ""),
            ch(
                "query.knowledge.find_person",
                "create",
                "blocked",
                "dependency_not_applied"
            ),
            ch(
                "schema.knowledge",
                "update",
                "deferred",
                "apply_unsupported_kind"
            ),
        ]
    );
    assert_eq!(
        out["changes"][3],
        json!({
            "resource": "schema.knowledge",
            "operation": "update",
            "before_digest": "old-schema",
            "after_digest": SCHEMA_DIGEST,
            "disposition": "deferred",
            "reason": "apply_unsupported_kind",
        })
    );
    assert_eq!(
        out["changes"][1],
        json!({"resource": "policy.old", "operation": "delete", "before_digest": "abc", "disposition": "applied"})
    );
    assert_eq!(
        out["blast_radius"],
        json!([{"resource": "schema.knowledge", "affected": ["query.knowledge.find_person"]}])
    );
    assert_eq!(out["approvals_required"], json!([]));
}

#[test]
fn s32_minimal_state() {
    let f = Folder::standard();
    let text = r#"{"version":1,"applied_revision":{"config_digest":"old","resources":{"graph.knowledge":{"digest":"old-graph"}}}}"#;
    f.write_state(text);
    let (code, out) = f.json(&["plan"]);
    assert_eq!(code, 0);
    let obs = &out["state_observations"];
    assert_eq!(obs["state_revision"], 0);
    assert_eq!(
        obs["state_cas"],
        format!("sha256:{}", sha256_hex(text.as_bytes()))
    );
    assert_eq!(obs["applied_config_digest"], "old");
    assert_eq!(obs["resource_count"], 1);
    assert_eq!(
        change_list(&out),
        [
            ch(
                "graph.knowledge",
                "update",
                "deferred",
                "apply_unsupported_kind"
            ),
            ch("policy.base", "create", "applied", ""),
            ch(
                "query.knowledge.find_person",
                "create",
                "blocked",
                "dependency_not_applied"
            ),
            ch(
                "schema.knowledge",
                "create",
                "deferred",
                "apply_unsupported_kind"
            ),
        ]
    );
}

#[test]
fn s33_revision_reported_and_lock_released() {
    let f = Folder::standard();
    f.write_state(r#"{"version":1,"state_revision":7,"applied_revision":{}}"#);
    let (code, out) = f.json(&["plan"]);
    assert_eq!(code, 0);
    let obs = &out["state_observations"];
    assert_eq!(obs["state_revision"], 7);
    assert_eq!(obs["locked"], false);
    assert!(obs.get("lock_id").is_none());
    assert_eq!(obs["lock_acquired"], true);
    assert!(!f.exists("__cluster/lock.json"));
}

#[test]
fn s34_held_lock() {
    let f = Folder::standard();
    f.held_lock("plan");
    let run = f.run(&["plan", "--json"]);
    assert_eq!(run.code, 1);
    let out = run.json();
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "state_lock_held",
            "severity": "error",
            "path": "__cluster/lock.json",
            "message": "cluster state lock already exists (lock id held-lock); run `omnigraph cluster force-unlock held-lock` only after confirming no cluster operation is active",
        }])
    );
    let obs = &out["state_observations"];
    assert_eq!(obs["locked"], true);
    assert_eq!(obs["lock_id"], "held-lock");
    assert_eq!(obs["lock_operation"], "plan");
    assert_eq!(obs["lock_pid"], 123);
    assert_eq!(obs["lock_created_at"], "1970-01-01T00:00:00Z");
    assert!(obs["lock_age_seconds"].as_u64().expect("age") > 1_700_000_000);
    assert_eq!(obs["lock_acquired"], false);
    assert!(obs.get("acquired_lock_id").is_none());
    assert_eq!(out["changes"], json!([]));
    assert_eq!(f.read_string("__cluster/lock.json"), HELD_LOCK);
    snap!(f, "s34_held_lock_json", run.stdout);
    snap!(f, "s34_held_lock_human", f.human(&["plan"]).1);
}

#[test]
fn s35_unparsable_lock() {
    let f = Folder::standard();
    f.write("__cluster/lock.json", "{");
    let (code, out) = f.json(&["plan"]);
    assert_eq!(code, 1);
    assert_eq!(
        diag(&out, "state_lock_held")["message"],
        "cluster state lock already exists; remove it only after confirming no cluster operation is active"
    );
    assert_eq!(out["state_observations"]["locked"], true);
    assert!(out["state_observations"].get("lock_id").is_none());
    assert_eq!(f.read_string("__cluster/lock.json"), "{");
}

#[test]
fn s36_lock_disabled() {
    let f = Folder::standard_edited("lock: true", "lock: false");
    let (code, out) = f.json(&["plan"]);
    assert_eq!(code, 0);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "state_lock_disabled",
            "severity": "warning",
            "path": "state.lock",
            "message": "state.lock is false; plan read state without acquiring the cluster state lock",
        }])
    );
    assert_eq!(out["state_observations"]["lock_acquired"], false);
    assert_eq!(out["state_observations"]["locked"], false);
    assert!(!f.exists("__cluster"));
}

#[test]
fn s37_unparsable_state() {
    let f = Folder::standard();
    f.write_state("{");
    let (code, out) = f.json(&["plan"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["invalid_state_json"]);
    assert_eq!(
        out["diagnostics"][0]["message"],
        "could not parse state JSON: EOF while parsing an object at line 1 column 1"
    );
    let obs = &out["state_observations"];
    assert_eq!(obs["state_found"], true);
    assert_eq!(obs["state_cas"], format!("sha256:{}", sha256_hex(b"{")));
    assert_eq!(out["changes"], json!([]));
    assert!(!f.exists("__cluster/lock.json"));
}

#[test]
fn s38_unsupported_state_version() {
    let f = Folder::standard();
    f.write_state(r#"{"version":2,"state_revision":5,"applied_revision":{"config_digest":"x"}}"#);
    let (code, out) = f.json(&["plan"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "unsupported_state_version",
            "severity": "error",
            "path": "state.version",
            "message": "unsupported cluster state version 2; this build supports version 1",
        }])
    );
    let obs = &out["state_observations"];
    assert_eq!(obs["state_found"], true);
    assert!(obs["state_cas"].is_string());
    assert_eq!(obs["state_revision"], 0);
    assert!(obs.get("applied_config_digest").is_none());
}

#[test]
fn s39_unknown_state_field() {
    let f = Folder::standard();
    f.write_state(r#"{"version":1,"applied_revision":{},"foo":1}"#);
    let (code, out) = f.json(&["plan"]);
    assert_eq!(code, 1);
    let message = diag(&out, "invalid_state_json")["message"]
        .as_str()
        .expect("message")
        .to_string();
    assert!(
        message.contains("unknown field") && message.contains("foo"),
        "{message}"
    );
}

#[test]
fn s40_header_error_takes_no_lock() {
    let f = Folder::standard_edited("version: 1", "version: 2");
    let (code, out) = f.json(&["plan"]);
    assert_eq!(code, 1);
    assert!(out["desired_revision"]["config_digest"].is_string());
    assert_eq!(
        out["resource_digests"].as_object().expect("digests").len(),
        4
    );
    assert_eq!(out["state_observations"]["lock_acquired"], false);
    assert!(!f.exists("__cluster"));
}

#[test]
fn s41_unparsable_config() {
    let f = Folder::empty();
    f.write("cluster.yaml", "version: [\n");
    let run = f.run(&["plan", "--json"]);
    assert_eq!(run.code, 1);
    let out = run.json();
    assert_eq!(out["desired_revision"], json!({}));
    assert_eq!(out["resource_digests"], json!({}));
    assert_eq!(out["dependencies"], json!([]));
    assert_eq!(codes(&out), ["invalid_cluster_yaml"]);
    snap!(f, "s41_unparsable_config_json", run.stdout);
}

#[test]
fn s42_graph_and_schema_deletes_need_approval() {
    let f = Folder::standard();
    f.write_state(&format!(
        r#"{{"version":1,"applied_revision":{{"resources":{{
            "graph.knowledge":{{"digest":"{GRAPH_DIGEST}"}},
            "schema.knowledge":{{"digest":"{SCHEMA_DIGEST}"}},
            "query.knowledge.find_person":{{"digest":"{QUERY_DIGEST}"}},
            "policy.base":{{"digest":"{POLICY_DIGEST}"}},
            "graph.old":{{"digest":"1"}},"schema.old":{{"digest":"2"}},"query.old.q":{{"digest":"3"}}}}}}}}"#
    ));
    let (code, out) = f.json(&["plan"]);
    assert_eq!(code, 0);
    assert_eq!(
        change_list(&out),
        [
            ch("graph.old", "delete", "deferred", "apply_unsupported_kind"),
            ch("query.old.q", "delete", "blocked", "dependency_not_applied"),
            ch("schema.old", "delete", "deferred", "apply_unsupported_kind"),
        ]
    );
    assert_eq!(
        out["approvals_required"],
        json!([
            {"resource": "graph.old", "reason": "delete may remove deployed graph or schema definition"},
            {"resource": "schema.old", "reason": "delete may remove deployed graph or schema definition"},
        ])
    );
    assert_eq!(out["blast_radius"], json!([]));
    let (_, human) = f.human(&["plan"]);
    assert_eq!(
        human,
        "cluster plan: 3 change(s), 2 approval gate(s)\n  Delete graph.old\n  Delete query.old.q\n  Delete schema.old\n"
    );
}

#[test]
fn s43_no_changes_human() {
    let f = Folder::standard();
    f.write_state(&format!(
        r#"{{"version":1,"applied_revision":{{"resources":{{
            "graph.knowledge":{{"digest":"{GRAPH_DIGEST}"}},
            "schema.knowledge":{{"digest":"{SCHEMA_DIGEST}"}},
            "query.knowledge.find_person":{{"digest":"{QUERY_DIGEST}"}},
            "policy.base":{{"digest":"{POLICY_DIGEST}"}}}}}}}}"#
    ));
    let (code, out) = f.human(&["plan"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "cluster plan: 0 change(s), 0 approval gate(s)\n  no changes\n"
    );
}

#[test]
fn plan_never_writes_state() {
    let f = Folder::standard();
    f.applyable_state();
    let before = f.read("__cluster/state.json");
    let (code, _) = f.json(&["plan"]);
    assert_eq!(code, 0);
    assert_eq!(f.read("__cluster/state.json"), before);
    assert!(!f.exists("__cluster/resources"));
}
