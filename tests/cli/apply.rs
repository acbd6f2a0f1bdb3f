//! §10.3 — apply (S44–S59). S58 (source changed mid-apply) is a unit test in `ops::apply`.

use cluster_test_support::*;
use serde_json::json;

#[test]
fn s44_apply_without_state() {
    let f = Folder::standard();
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "state_missing",
            "severity": "error",
            "path": "__cluster/state.json",
            "message": "apply requires an existing state.json; run `cluster import` to bootstrap state",
        }])
    );
    assert_eq!(out["changes"], json!([]));
    assert!(!f.exists("__cluster/state.json"));
    assert!(!f.exists("__cluster/resources"));
    assert!(!f.exists("__cluster/lock.json"));
    let (code, human) = f.human(&["apply"]);
    assert_eq!(code, 1);
    assert_eq!(
        human,
        "cluster apply failed\n  no changes\nERROR state_missing __cluster/state.json: apply requires an existing state.json; run `cluster import` to bootstrap state\n"
    );
}

#[test]
fn s45_apply_converges() {
    let f = Folder::standard();
    f.applyable_state();
    let run = f.run(&["apply", "--json"]);
    assert_eq!(run.code, 0);
    let out = run.json();
    assert_eq!(
        change_list(&out),
        [
            ch("graph.knowledge", "update", "derived", ""),
            ch("policy.base", "create", "applied", ""),
            ch("query.knowledge.find_person", "create", "applied", ""),
        ]
    );
    assert_eq!(out["applied_count"], 2);
    assert_eq!(out["deferred_count"], 0);
    assert_eq!(out["converged"], true);
    assert_eq!(out["state_written"], true);
    assert_eq!(out["diagnostics"], json!([]));
    assert_eq!(f.read(&query_blob_rel(QUERY_DIGEST)), PEOPLE_GQ.as_bytes());
    assert_eq!(f.read(&policy_blob_rel(POLICY_DIGEST)), POLICY.as_bytes());
    assert!(!f.exists("__cluster/lock.json"));

    let state_text = f.read_string("__cluster/state.json");
    assert_eq!(
        state_text,
        format!(
            r#"{{
  "version": 1,
  "state_revision": 2,
  "applied_revision": {{
    "config_digest": "{CONFIG_DIGEST}",
    "resources": {{
      "graph.knowledge": {{
        "digest": "{GRAPH_DIGEST}"
      }},
      "policy.base": {{
        "digest": "{POLICY_DIGEST}"
      }},
      "query.knowledge.find_person": {{
        "digest": "{QUERY_DIGEST}"
      }},
      "schema.knowledge": {{
        "digest": "{SCHEMA_DIGEST}"
      }}
    }}
  }},
  "resource_statuses": {{
    "policy.base": {{
      "status": "applied"
    }},
    "query.knowledge.find_person": {{
      "status": "applied"
    }}
  }},
  "approval_records": {{}},
  "recovery_records": {{}},
  "observations": {{}}
}}
"#
        )
    );
    let obs = &out["state_observations"];
    assert_eq!(obs["state_revision"], 2);
    assert_eq!(
        obs["state_cas"],
        format!("sha256:{}", sha256_hex(state_text.as_bytes()))
    );
    assert_eq!(obs["applied_config_digest"], CONFIG_DIGEST);
    assert_eq!(obs["resource_count"], 4);
    snap!(f, "s45_apply_json", run.stdout);
}

#[test]
fn s46_second_apply_is_a_no_op() {
    let f = Folder::applied();
    let before = f.read("__cluster/state.json");
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0);
    assert_eq!(out["changes"], json!([]));
    assert_eq!(out["applied_count"], 0);
    assert_eq!(out["converged"], true);
    assert_eq!(out["state_written"], false);
    assert_eq!(out["state_observations"]["state_revision"], 2);
    assert_eq!(f.read("__cluster/state.json"), before);
    let (_, human) = f.human(&["apply"]);
    assert_eq!(
        human,
        "cluster apply: 0 applied, 0 deferred/blocked\n  no changes\n  state: revision 2, converged: true, written: false\n  note: applied = recorded in the cluster catalog; the server still boots from omnigraph.yaml\n"
    );
}

#[test]
fn s47_superseded_blob_is_kept() {
    let f = Folder::standard();
    let zeros = "0".repeat(64);
    f.write_state(&format!(
        r#"{{"version":1,"state_revision":3,"applied_revision":{{"resources":{{
            "graph.knowledge":{{"digest":"{}"}},
            "schema.knowledge":{{"digest":"{SCHEMA_DIGEST}"}},
            "query.knowledge.find_person":{{"digest":"{zeros}"}},
            "policy.base":{{"digest":"{POLICY_DIGEST}"}}}}}}}}"#,
        graph_digest("knowledge", SCHEMA_DIGEST, &[("find_person", &zeros)])
    ));
    f.write(&query_blob_rel(&zeros), "old bytes");
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(f.read(&query_blob_rel(QUERY_DIGEST)), PEOPLE_GQ.as_bytes());
    assert_eq!(f.read(&query_blob_rel(&zeros)), b"old bytes");
    let state = f.state();
    assert_eq!(
        state["applied_revision"]["resources"]["query.knowledge.find_person"]["digest"],
        QUERY_DIGEST
    );
    assert_eq!(out["converged"], true);
}

#[test]
fn s48_orphans_are_removed() {
    let f = Folder::standard();
    f.write_state(&format!(
        r#"{{"version":1,"state_revision":1,"applied_revision":{{"resources":{{
            "graph.knowledge":{{"digest":"{}"}},
            "schema.knowledge":{{"digest":"{SCHEMA_DIGEST}"}},
            "query.knowledge.find_person":{{"digest":"{QUERY_DIGEST}"}},
            "query.knowledge.orphan":{{"digest":"1111"}},
            "policy.base":{{"digest":"{POLICY_DIGEST}"}},
            "policy.old":{{"digest":"2222"}}}}}},
          "resource_statuses":{{"query.knowledge.orphan":{{"status":"applied"}},"policy.old":{{"status":"applied"}}}}}}"#,
        graph_digest(
            "knowledge",
            SCHEMA_DIGEST,
            &[("find_person", QUERY_DIGEST), ("orphan", "1111")]
        )
    ));
    f.write(&query_blob_rel(QUERY_DIGEST), PEOPLE_GQ);
    f.write(&policy_blob_rel(POLICY_DIGEST), POLICY);
    f.write("__cluster/resources/policy/old/2222.yaml", "old policy");
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        change_list(&out),
        [
            ch("graph.knowledge", "update", "derived", ""),
            ch("policy.old", "delete", "applied", ""),
            ch("query.knowledge.orphan", "delete", "applied", ""),
        ]
    );
    let state = f.state();
    let resources = &state["applied_revision"]["resources"];
    assert!(resources.get("query.knowledge.orphan").is_none());
    assert!(resources.get("policy.old").is_none());
    assert_eq!(resources["graph.knowledge"]["digest"], GRAPH_DIGEST);
    assert_eq!(state["resource_statuses"], json!({}));
    assert_eq!(
        f.read("__cluster/resources/policy/old/2222.yaml"),
        b"old policy"
    );
    assert_eq!(out["converged"], true);
}

#[test]
fn s49_schema_edit_defers_and_blocks() {
    let f = Folder::standard();
    f.applyable_state();
    f.write(
        "people.pg",
        "\nnode Person {\n  name: String @key\n  age: I32?\n  email: String?\n}\n",
    );
    let run = f.run(&["apply", "--json"]);
    assert_eq!(run.code, 0);
    let out = run.json();
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
                "update",
                "deferred",
                "apply_unsupported_kind"
            ),
        ]
    );
    assert_eq!(
        out["diagnostics"],
        json!([
            {
                "code": "apply_unsupported_change",
                "severity": "warning",
                "path": "graph.knowledge",
                "message": "graph/schema changes are not applied in this stage; they are deferred to the graph-lifecycle phase",
            },
            {
                "code": "apply_dependency_blocked",
                "severity": "warning",
                "path": "query.knowledge.find_person",
                "message": "blocked by an unapplied or missing dependency (dependency_not_applied)",
            },
            {
                "code": "apply_unsupported_change",
                "severity": "warning",
                "path": "schema.knowledge",
                "message": "graph/schema changes are not applied in this stage; they are deferred to the graph-lifecycle phase",
            }
        ])
    );
    let state = f.state();
    assert_eq!(
        state["resource_statuses"]["query.knowledge.find_person"],
        json!({"status": "blocked", "conditions": ["dependency_not_applied"], "message": "waiting on an unapplied or missing dependency"})
    );
    assert!(
        state["applied_revision"]["resources"]
            .get("query.knowledge.find_person")
            .is_none()
    );
    assert!(!f.exists("__cluster/resources/query"));
    assert_eq!(state["applied_revision"]["config_digest"], json!(null));
    assert_eq!(out["converged"], false);
    assert_eq!(out["applied_count"], 1);
    assert_eq!(out["deferred_count"], 3);
    snap!(f, "s49_apply_human_after_schema_edit", {
        // Same folder again: the policy is now applied, so this shows the remaining plan.
        f.human(&["apply"]).1
    });
}

#[test]
fn s50_empty_state_resources() {
    let f = Folder::standard();
    f.write_state(r#"{"version":1,"state_revision":1,"applied_revision":{}}"#);
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0);
    assert_eq!(change_list(&out), fresh_changes());
    assert_eq!(out["applied_count"], 0);
    assert_eq!(out["converged"], false);
    let state = f.state();
    assert_eq!(state["state_revision"], 2);
    assert_eq!(state["applied_revision"]["resources"], json!({}));
    let blocked = |reason: &str| json!({"status": "blocked", "conditions": [reason], "message": "waiting on an unapplied or missing dependency"});
    assert_eq!(
        state["resource_statuses"],
        json!({
            "policy.base": blocked("dependency_missing"),
            "query.knowledge.find_person": blocked("dependency_missing"),
        })
    );
    assert_eq!(out["resource_statuses"], state["resource_statuses"]);
}

#[test]
fn s51_foreign_graph_deletes_are_deferred() {
    let f = Folder::standard();
    f.write_state(&format!(
        r#"{{"version":1,"applied_revision":{{"resources":{{
            "graph.knowledge":{{"digest":"{GRAPH_DIGEST}"}},
            "schema.knowledge":{{"digest":"{SCHEMA_DIGEST}"}},
            "graph.old":{{"digest":"3333"}},"schema.old":{{"digest":"4444"}},"query.old.q":{{"digest":"5555"}}}}}}}}"#
    ));
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    let list = change_list(&out);
    assert!(list.contains(&ch(
        "graph.old",
        "delete",
        "deferred",
        "apply_unsupported_kind"
    )));
    assert!(list.contains(&ch(
        "schema.old",
        "delete",
        "deferred",
        "apply_unsupported_kind"
    )));
    assert!(list.contains(&ch(
        "query.old.q",
        "delete",
        "blocked",
        "dependency_not_applied"
    )));
    let resources = &f.state()["applied_revision"]["resources"];
    assert_eq!(resources["graph.old"]["digest"], "3333");
    assert_eq!(resources["schema.old"]["digest"], "4444");
    assert_eq!(resources["query.old.q"]["digest"], "5555");
    assert_eq!(out["converged"], false);
}

#[test]
fn s52_held_lock_blocks_apply() {
    let f = Folder::standard();
    f.applyable_state();
    f.held_lock("plan");
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["state_lock_held"]);
    assert_eq!(f.read_string("__cluster/lock.json"), HELD_LOCK);
    assert!(!f.exists("__cluster/resources"));
    assert_eq!(f.state()["state_revision"], 1);
}

#[test]
fn s53_apply_without_lock() {
    let f = Folder::standard_edited("lock: true", "lock: false");
    f.applyable_state();
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "state_lock_disabled",
            "severity": "warning",
            "path": "state.lock",
            "message": "state.lock is false; apply wrote state without acquiring the cluster state lock",
        }])
    );
    assert_eq!(out["state_written"], true);
    assert_eq!(out["state_observations"]["lock_acquired"], false);
    assert!(!f.exists("__cluster/lock.json"));
}

#[test]
/// S54 as issue 11 §5 amends it: a blob already at the target is trusted by its name only while
/// its bytes are its digest. A damaged one (here `pre-existing`) is replaced from the source,
/// atomically, with a `catalog_payload_repaired` warning; an intact one is left untouched.
fn s54_existing_blob_is_trusted_only_when_intact() {
    let f = Folder::standard();
    f.applyable_state();
    f.write(&query_blob_rel(QUERY_DIGEST), "pre-existing");
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(f.read(&query_blob_rel(QUERY_DIGEST)), PEOPLE_GQ.as_bytes());
    let repaired = diag(&out, "catalog_payload_repaired");
    assert_eq!(repaired["severity"], "warning");
    assert_eq!(repaired["path"], "query.knowledge.find_person");
    assert!(
        repaired["message"]
            .as_str()
            .expect("message")
            .contains(&sha256_hex(b"pre-existing")),
        "{repaired}"
    );

    let f = Folder::standard();
    f.applyable_state();
    f.write(&query_blob_rel(QUERY_DIGEST), PEOPLE_GQ);
    let before = std::fs::metadata(f.at(&query_blob_rel(QUERY_DIGEST))).expect("stat");
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    assert!(!codes(&out).contains(&"catalog_payload_repaired".to_string()));
    let after = std::fs::metadata(f.at(&query_blob_rel(QUERY_DIGEST))).expect("stat");
    use std::os::unix::fs::MetadataExt;
    assert_eq!(before.ino(), after.ino(), "an intact blob is not rewritten");
}

#[test]
fn s55_bad_config_creates_nothing() {
    let f = Folder::empty();
    f.write("cluster.yaml", "version: 1\nnot_a_field: true\n");
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 1);
    assert_eq!(out["desired_revision"], json!({}));
    assert!(!f.exists("__cluster"));
}

#[test]
fn s56_read_only_state_dir() {
    let f = Folder::standard_edited("lock: true", "lock: false");
    f.applyable_state();
    f.write(&query_blob_rel(QUERY_DIGEST), PEOPLE_GQ);
    f.write(&policy_blob_rel(POLICY_DIGEST), POLICY);
    let dir = f.at("__cluster");
    set_mode(&dir, 0o555);
    // Root ignores permissions: the scenario only means something where they are enforced.
    let enforced = std::fs::write(dir.join("probe"), "x").is_err();
    if enforced {
        let (code, out) = f.json(&["apply"]);
        assert_eq!(code, 1);
        assert!(
            codes(&out).contains(&"state_write_error".to_string()),
            "{out}"
        );
        assert_eq!(out["state_written"], false);
        assert_eq!(out["resource_statuses"], json!({}));
        assert_eq!(out["converged"], true);
    }
    set_mode(&dir, 0o755);
}

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn s57_metadata_only_change_is_recorded() {
    let f = Folder::applied();
    f.write("cluster.yaml", cluster_yaml("test"));
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0);
    assert_eq!(out["changes"], json!([]));
    assert_eq!(out["state_written"], true);
    assert_eq!(out["state_observations"]["state_revision"], 3);
    assert_eq!(
        f.state()["applied_revision"]["config_digest"],
        CONFIG_DIGEST_TEST
    );
}

#[test]
fn s59_apply_human_outputs() {
    let f = Folder::standard();
    f.applyable_state();
    let (code, out) = f.human(&["apply"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "cluster apply: 2 applied, 0 deferred/blocked\n  Update graph.knowledge [Derived]\n  Create policy.base [Applied]\n  Create query.knowledge.find_person [Applied]\n  state: revision 2, converged: true, written: true\n  note: applied = recorded in the cluster catalog; the server still boots from omnigraph.yaml\n"
    );
}
