//! §10.5 — refresh and import (S72–S88), observing the real graph roots in
//! `fixtures/graph-roots/` (see its README for their versions and digests).

use cluster_test_support::*;
use serde_json::{Value, json};

const OBSERVATION_KEYS: [&str; 10] = [
    "kind",
    "address",
    "graph_uri",
    "observed_at",
    "exists",
    "manifest_version",
    "schema_digest",
    "desired_schema_digest",
    "schema_matches_desired",
    "error",
];

fn keys(value: &Value) -> Vec<String> {
    value.as_object().expect("object").keys().cloned().collect()
}

fn status(out: &Value, address: &str) -> Value {
    out["resource_statuses"][address].clone()
}

#[test]
fn s72_import_a_live_graph() {
    let f = Folder::live();
    let run = f.run(&["import", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let out = run.json();
    assert_eq!(out["operation"], "import");
    let obs = &out["state_observations"];
    assert_eq!(obs["state_revision"], 1);
    assert!(obs["state_cas"].is_string());
    assert_eq!(obs["lock_acquired"], true);
    assert_eq!(obs["locked"], false);
    assert!(!f.exists("__cluster/lock.json"));
    let composite = graph_digest("knowledge", LIVE_SCHEMA_DIGEST, &[]);
    assert_eq!(
        out["resource_digests"],
        json!({"graph.knowledge": composite, "schema.knowledge": LIVE_SCHEMA_DIGEST})
    );
    let observation = &out["observations"]["graph.knowledge"];
    assert_eq!(keys(observation), OBSERVATION_KEYS);
    assert_eq!(observation["kind"], "graph");
    assert_eq!(observation["address"], "graph.knowledge");
    assert_eq!(
        observation["graph_uri"],
        format!("{}/graphs/knowledge.omni", f.path().display())
    );
    assert_eq!(observation["exists"], true);
    assert_eq!(observation["manifest_version"], 3);
    assert_eq!(observation["schema_digest"], LIVE_SCHEMA_DIGEST);
    assert_eq!(observation["desired_schema_digest"], LIVE_SCHEMA_DIGEST);
    assert_eq!(observation["schema_matches_desired"], true);
    assert_eq!(observation["error"], Value::Null);
    assert_eq!(
        status(&out, "graph.knowledge"),
        json!({"status": "applied"})
    );
    assert_eq!(
        status(&out, "schema.knowledge"),
        json!({"status": "applied"})
    );

    let state_text = f.read_string("__cluster/state.json");
    assert_eq!(
        obs["state_cas"],
        format!("sha256:{}", sha256_hex(state_text.as_bytes()))
    );
    let state = f.state();
    assert_eq!(
        keys(&state),
        [
            "version",
            "state_revision",
            "applied_revision",
            "resource_statuses",
            "approval_records",
            "recovery_records",
            "observations"
        ]
    );
    assert_eq!(
        keys(&state["observations"]["graph.knowledge"]),
        OBSERVATION_KEYS
    );
    let (_, plan) = f.json(&["plan"]);
    assert_eq!(
        state["applied_revision"]["config_digest"],
        plan["desired_revision"]["config_digest"]
    );
    assert!(state_text.ends_with("}\n"));
    snap!(f, "s72_import_json", run.stdout);
    snap!(f, "s72_import_state", state_text);
}

#[test]
fn s72_standard_fixture_digests_through_a_live_root() {
    // F's own schema (digest ab86…) against a root whose `_schema.pg` carries the same bytes:
    // the contract's vectors for graph_digest(knowledge, schema, {}) come out.
    let f = Folder::standard();
    f.add_root("knowledge", "people-fresh.omni");
    f.write("graphs/knowledge.omni/_schema.pg", PEOPLE_PG);
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["resource_digests"]["schema.knowledge"], SCHEMA_DIGEST);
    assert_eq!(
        out["resource_digests"]["graph.knowledge"],
        "122df748b060d906c8d39fb64489c8946d6d750315613c95dec2e92496451969"
    );
}

#[test]
fn s73_import_refuses_existing_state() {
    let f = Folder::standard();
    f.applyable_state();
    let before = f.read("__cluster/state.json");
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "state_already_exists",
            "severity": "error",
            "path": "__cluster/state.json",
            "message": "import creates initial state only when state.json is missing; use `cluster refresh` for an existing state ledger",
        }])
    );
    assert_eq!(
        out["resource_digests"],
        json!({"graph.knowledge": "seed", "schema.knowledge": SCHEMA_DIGEST})
    );
    assert_eq!(f.read("__cluster/state.json"), before);
}

#[test]
fn s74_import_of_an_unreadable_root_writes_nothing() {
    let f = Folder::standard();
    std::fs::create_dir_all(f.at("graphs/knowledge.omni")).expect("mkdir");
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 1);
    assert_eq!(
        diag(&out, "graph_observation_error"),
        &json!({
            "code": "graph_observation_error",
            "severity": "error",
            "path": "graphs",
            "message": "1 graph observation(s) failed",
        })
    );
    assert!(!f.exists("__cluster/state.json"));
    let observation = &out["observations"]["graph.knowledge"];
    assert!(
        !observation["error"]
            .as_str()
            .expect("error text")
            .is_empty()
    );
    assert_eq!(observation["exists"], true);
    assert_eq!(observation["schema_matches_desired"], Value::Null);
    assert_eq!(observation["manifest_version"], Value::Null);
    assert_eq!(observation["schema_digest"], Value::Null);
    for address in ["graph.knowledge", "schema.knowledge"] {
        let record = status(&out, address);
        assert_eq!(record["status"], "error");
        assert_eq!(record["conditions"], json!(["graph_observation_error"]));
        assert_eq!(record["message"], observation["error"]);
    }
}

#[test]
fn s75_import_without_graph_roots() {
    let f = Folder::standard();
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    let state = f.state();
    assert_eq!(state["state_revision"], 1);
    assert_eq!(state["applied_revision"]["resources"], json!({}));
    assert_eq!(state["applied_revision"]["config_digest"], CONFIG_DIGEST);
    let missing = json!({"status": "drifted", "conditions": ["graph_missing"], "message": "derived graph root is missing"});
    assert_eq!(status(&out, "graph.knowledge"), missing);
    assert_eq!(status(&out, "schema.knowledge"), missing);
    let observation = &out["observations"]["graph.knowledge"];
    assert_eq!(observation["exists"], false);
    assert_eq!(observation["schema_matches_desired"], false);
    assert_eq!(observation["error"], "derived graph root is missing");
    assert_eq!(observation["desired_schema_digest"], SCHEMA_DIGEST);
    assert_eq!(keys(observation), OBSERVATION_KEYS);
}

#[test]
fn s76_refresh_needs_state() {
    let f = Folder::standard();
    let (code, out) = f.json(&["refresh"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "state_missing",
            "severity": "error",
            "path": "__cluster/state.json",
            "message": "refresh requires an existing state.json; run `cluster import` to bootstrap state",
        }])
    );
    assert_eq!(out["resource_digests"], json!({}));
    assert!(!f.exists("__cluster/state.json"));
}

#[test]
fn s77_refresh_rewrites_in_canonical_shape() {
    let f = Folder::live();
    f.write_state(r#"{"version":1,"applied_revision":{"config_digest":"old","resources":{"graph.knowledge":{"digest":"old"}}}}"#);
    let (code, out) = f.json(&["refresh"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["state_observations"]["state_revision"], 1);
    assert_eq!(
        status(&out, "graph.knowledge"),
        json!({"status": "applied"})
    );
    let text = f.read_string("__cluster/state.json");
    let state = f.state();
    assert_eq!(state["applied_revision"]["config_digest"], "old");
    assert_eq!(
        format!(
            "{}\n",
            serde_json::to_string_pretty(&state).expect("pretty")
        ),
        text
    );
    assert!(text.contains("\"approval_records\": {},\n  \"recovery_records\": {},"));
}

#[test]
fn s78_refresh_increments_the_revision() {
    let f = Folder::live();
    f.write_state(r#"{"version":1,"state_revision":4,"applied_revision":{}}"#);
    let (code, out) = f.json(&["refresh"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["state_observations"]["state_revision"], 5);
    let observation = &out["observations"]["graph.knowledge"];
    assert_eq!(observation["schema_digest"], LIVE_SCHEMA_DIGEST);
    assert!(observation["manifest_version"].is_u64());
}

#[test]
fn s79_refresh_with_a_missing_root_then_plan() {
    let f = Folder::standard();
    f.applyable_state();
    let (code, out) = f.json(&["refresh"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(status(&out, "graph.knowledge")["status"], "drifted");
    assert_eq!(out["resource_digests"], json!({}));
    assert_eq!(out["observations"]["graph.knowledge"]["exists"], false);
    let (_, plan) = f.json(&["plan"]);
    let list = change_list(&plan);
    assert!(list.contains(&ch(
        "graph.knowledge",
        "create",
        "deferred",
        "apply_unsupported_kind"
    )));
    assert!(list.contains(&ch(
        "schema.knowledge",
        "create",
        "deferred",
        "apply_unsupported_kind"
    )));
}

#[test]
fn s80_out_of_band_schema_drift() {
    let f = Folder::live();
    f.write(
        "people.pg",
        "node Person {\n  name: String @key\n  age: I32?\n  nickname: String?\n}\n",
    );
    let desired_schema = sha256_hex(f.read("people.pg").as_slice());
    f.write_state(&format!(
        r#"{{"version":1,"state_revision":2,"applied_revision":{{"resources":{{"graph.knowledge":{{"digest":"{}"}},"schema.knowledge":{{"digest":"{LIVE_SCHEMA_DIGEST}"}}}}}}}}"#,
        graph_digest("knowledge", LIVE_SCHEMA_DIGEST, &[])
    ));
    let (code, out) = f.json(&["refresh"]);
    assert_eq!(code, 0, "{out}");
    let drift = json!({"status": "drifted", "conditions": ["schema_mismatch"], "message": "live schema digest differs from desired schema digest"});
    assert_eq!(status(&out, "schema.knowledge"), drift);
    assert_eq!(status(&out, "graph.knowledge"), drift);
    let observation = &out["observations"]["graph.knowledge"];
    assert_eq!(observation["schema_matches_desired"], false);
    assert_eq!(
        observation["desired_schema_digest"],
        desired_schema.as_str()
    );
    assert_eq!(
        f.state()["applied_revision"]["resources"]["schema.knowledge"]["digest"],
        LIVE_SCHEMA_DIGEST
    );
    let (_, plan) = f.json(&["plan"]);
    assert!(change_list(&plan).contains(&ch(
        "schema.knowledge",
        "update",
        "deferred",
        "apply_unsupported_kind"
    )));
}

#[test]
fn s80_evolved_root_reports_its_own_schema() {
    // A root whose schema was evolved by the engine (people-evolved-v2) against a config that
    // still declares v1: drift, with the root's version and v2 digest.
    let f = Folder::live();
    f.remove("graphs/knowledge.omni");
    f.add_root("knowledge", "people-evolved-v2.omni");
    let v2 = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/graph-roots/people-v2.pg"),
    )
    .expect("v2 schema");
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    let observation = &out["observations"]["graph.knowledge"];
    assert_eq!(observation["manifest_version"], 4);
    assert_eq!(observation["schema_digest"], sha256_hex(&v2));
    assert_eq!(observation["schema_matches_desired"], false);
}

#[test]
fn s81_refresh_heals_a_missing_blob() {
    let f = Folder::live();
    assert_eq!(f.json(&["import"]).0, 0);
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["converged"], true);
    f.remove(&query_blob_rel(QUERY_DIGEST));

    let (code, out) = f.json(&["refresh"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(codes(&out), ["catalog_payload_missing"]);
    assert_eq!(
        status(&out, "query.knowledge.find_person"),
        json!({"status": "drifted", "conditions": ["payload_missing"], "message": "catalog payload blob is missing; re-run `cluster apply` to republish"})
    );
    assert!(
        out["resource_digests"]
            .get("query.knowledge.find_person")
            .is_none()
    );
    assert_eq!(
        out["resource_digests"]["graph.knowledge"],
        graph_digest("knowledge", LIVE_SCHEMA_DIGEST, &[])
    );

    let (_, plan) = f.json(&["plan"]);
    assert_eq!(
        change_list(&plan),
        [
            ch("graph.knowledge", "update", "derived", ""),
            ch("query.knowledge.find_person", "create", "applied", ""),
        ]
    );
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0);
    assert_eq!(out["converged"], true);
    assert_eq!(f.read(&query_blob_rel(QUERY_DIGEST)), PEOPLE_GQ.as_bytes());
    let (code, out) = f.json(&["status"]);
    assert_eq!(code, 0);
    assert_eq!(out["diagnostics"], json!([]));
}

fn imported_and_applied() -> Folder {
    let f = Folder::live();
    assert_eq!(f.json(&["import"]).0, 0);
    assert_eq!(f.json(&["apply"]).0, 0);
    f
}

#[test]
fn s82_refresh_drops_a_corrupted_blob() {
    let f = imported_and_applied();
    f.write(&query_blob_rel(QUERY_DIGEST), "corrupted");
    let (code, out) = f.json(&["refresh"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        status(&out, "query.knowledge.find_person"),
        json!({"status": "drifted", "conditions": ["payload_mismatch"], "message": "catalog payload blob does not match the recorded digest; re-run `cluster apply` to republish"})
    );
    assert!(
        out["resource_digests"]
            .get("query.knowledge.find_person")
            .is_none()
    );
}

#[test]
fn s83_unreadable_blob_keeps_its_digest() {
    let f = imported_and_applied();
    let blob = query_blob_rel(QUERY_DIGEST);
    f.remove(&blob);
    std::fs::create_dir(f.at(&blob)).expect("mkdir");
    let revision = f.state()["state_revision"].as_u64().expect("revision");
    let (code, out) = f.json(&["refresh"]);
    assert_eq!(code, 1);
    let err = diag(&out, "catalog_payload_read_error");
    let record = status(&out, "query.knowledge.find_person");
    assert_eq!(record["status"], "error");
    assert_eq!(record["conditions"], json!(["payload_read_error"]));
    assert_eq!(record["message"], err["message"]);
    assert_eq!(
        out["resource_digests"]["query.knowledge.find_person"],
        QUERY_DIGEST
    );
    assert_eq!(f.state()["state_revision"], revision + 1);
    assert_eq!(
        f.state()["resource_statuses"]["query.knowledge.find_person"]["status"],
        "error"
    );
}

#[test]
fn s84_refresh_persists_observation_errors() {
    let f = Folder::standard();
    f.applyable_state();
    std::fs::create_dir_all(f.at("graphs/knowledge.omni")).expect("mkdir");
    let (code, out) = f.json(&["refresh"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["graph_observation_error"]);
    let state = f.state();
    assert_eq!(state["state_revision"], 2);
    assert_eq!(
        state["applied_revision"]["resources"]["graph.knowledge"]["digest"],
        "seed"
    );
    assert_eq!(
        state["applied_revision"]["resources"]["schema.knowledge"]["digest"],
        SCHEMA_DIGEST
    );
    assert_eq!(
        state["resource_statuses"]["graph.knowledge"]["status"],
        "error"
    );
    assert_eq!(state["observations"]["graph.knowledge"]["exists"], true);
    assert!(state["observations"]["graph.knowledge"]["error"].is_string());
}

#[test]
fn s85_held_lock_blocks_refresh_and_import() {
    let f = Folder::standard();
    f.applyable_state();
    f.held_lock("refresh");
    let (code, out) = f.json(&["refresh"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["state_lock_held"]);
    let obs = &out["state_observations"];
    assert_eq!(obs["locked"], true);
    assert_eq!(obs["lock_id"], "held-lock");
    assert_eq!(obs["lock_acquired"], false);
    assert!(f.exists("__cluster/lock.json"));

    let f = Folder::standard();
    f.held_lock("import");
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["state_lock_held"]);
    assert_eq!(out["state_observations"]["lock_operation"], "import");
    assert!(f.exists("__cluster/lock.json"));
    assert!(!f.exists("__cluster/state.json"));
}

#[test]
fn s86_refresh_without_lock() {
    let f = Folder::live();
    f.edit_config("lock: true", "lock: false");
    f.write_state(r#"{"version":1,"applied_revision":{}}"#);
    let (code, out) = f.json(&["refresh"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        diag(&out, "state_lock_disabled")["message"],
        "state.lock is false; refresh wrote state without acquiring the cluster state lock"
    );
    assert_eq!(out["state_observations"]["lock_acquired"], false);
}

#[test]
fn s86_import_without_lock_warns() {
    let f = Folder::live();
    f.edit_config("lock: true", "lock: false");
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        diag(&out, "state_lock_disabled")["message"],
        "state.lock is false; import wrote state without acquiring the cluster state lock"
    );
}

#[test]
fn s87_bad_backend_touches_nothing() {
    let f = Folder::standard_edited("backend: cluster", "backend: s3://bucket/state");
    let (code, out) = f.json(&["refresh"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["unsupported_state_backend"]);
    assert_eq!(
        out["resource_digests"].as_object().expect("digests").len(),
        4
    );
    assert!(!f.exists("__cluster"));
}

#[test]
fn s88_refresh_human() {
    let f = Folder::live();
    f.write_state(r#"{"version":1,"applied_revision":{"config_digest":"old","resources":{"graph.knowledge":{"digest":"old"}}}}"#);
    let (code, out) = f.human(&["refresh"]);
    assert_eq!(code, 0);
    let cas = sha256_hex(&f.read("__cluster/state.json"));
    assert_eq!(
        out,
        format!(
            "cluster refresh: revision 1, 2 resource(s)\n  state_cas: sha256:{cas}\n  lock: not acquired\n"
        )
    );
}

#[test]
fn import_and_refresh_every_real_root() {
    for (fixture, version) in [
        ("people-fresh.omni", 3),
        ("people-loaded-with-branch.omni", 4),
        ("people-evolved-v2.omni", 4),
    ] {
        let f = Folder::live();
        f.remove("graphs/knowledge.omni");
        f.add_root("knowledge", fixture);
        let (code, out) = f.json(&["import"]);
        assert_eq!(code, 0, "{fixture}: {out}");
        assert_eq!(
            out["observations"]["graph.knowledge"]["manifest_version"], version,
            "{fixture}"
        );
        let (code, out) = f.json(&["refresh"]);
        assert_eq!(code, 0, "{fixture}: {out}");
        assert_eq!(out["state_observations"]["state_revision"], 2);
    }
}

#[test]
fn org_root_with_interfaces_and_edges() {
    let f = Folder::empty();
    f.write(
        "org.pg",
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/graph-roots/org.pg"),
        )
        .expect("org.pg"),
    );
    f.write(
        "cluster.yaml",
        "version: 1\ngraphs:\n  org:\n    schema: ./org.pg\n",
    );
    f.add_root("org", "org-fresh.omni");
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    let observation = &out["observations"]["graph.org"];
    assert_eq!(
        observation["schema_digest"],
        "de9d98de25107256bc1a008d07001d16e0e78e5ad5f90464ec571218887cb69a"
    );
    assert_eq!(observation["manifest_version"], 3);
    assert_eq!(observation["schema_matches_desired"], true);
}

#[test]
fn broken_roots_are_observation_errors_naming_what_is_missing() {
    type Breakage = fn(&Folder);
    let cases: [(&str, Breakage, &str); 5] = [
        (
            "no manifest",
            |f| f.remove("graphs/knowledge.omni/__manifest"),
            "__manifest",
        ),
        (
            "no version files",
            |f| {
                f.remove("graphs/knowledge.omni/__manifest/_versions");
                std::fs::create_dir(f.at("graphs/knowledge.omni/__manifest/_versions"))
                    .expect("mkdir");
            },
            "no manifest version files",
        ),
        (
            "no schema",
            |f| f.remove("graphs/knowledge.omni/_schema.pg"),
            "_schema.pg",
        ),
        (
            "invalid UTF-8 schema",
            |f| f.write("graphs/knowledge.omni/_schema.pg", [0xffu8, 0xfe]),
            "stream did not contain valid UTF-8",
        ),
        (
            "root is a file",
            |f| {
                f.remove("graphs/knowledge.omni");
                f.write("graphs/knowledge.omni", "not a graph");
            },
            "not a directory",
        ),
    ];
    for (name, break_it, expected) in cases {
        let f = Folder::live();
        break_it(&f);
        let (code, out) = f.json(&["import"]);
        assert_eq!(code, 1, "{name}");
        let error = out["observations"]["graph.knowledge"]["error"]
            .as_str()
            .expect("error")
            .to_string();
        assert!(error.contains(expected), "{name}: {error}");
        assert!(error.contains("graphs/knowledge.omni"), "{name}: {error}");
        assert!(!f.exists("__cluster/state.json"), "{name}");
    }
}

#[test]
fn root_with_an_invalid_schema_is_an_observation_error() {
    let f = Folder::live();
    f.write(
        "graphs/knowledge.omni/_schema.pg",
        "node Person {\n  name String\n}\n",
    );
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 1);
    let error = out["observations"]["graph.knowledge"]["error"]
        .as_str()
        .expect("error");
    assert!(error.contains("parse error"), "{error}");
}

#[test]
fn observation_is_read_only() {
    let f = Folder::live();
    f.remove("graphs/knowledge.omni/_schema.ir.json");
    f.remove("graphs/knowledge.omni/__schema_state.json");
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    assert!(!f.exists("graphs/knowledge.omni/_schema.ir.json"));
    assert!(!f.exists("graphs/knowledge.omni/__schema_state.json"));
}
