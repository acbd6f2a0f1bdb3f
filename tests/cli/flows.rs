//! §10.7 — end-to-end flows against real graph roots (S99–S103).

use cluster_test_support::*;
use serde_json::json;

#[test]
fn s99_import_plan_apply_status_refresh_edit() {
    let f = Folder::live();
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["state_observations"]["state_revision"], 1);

    let (_, plan) = f.json(&["plan"]);
    assert_eq!(
        change_list(&plan),
        [
            ch("graph.knowledge", "update", "derived", ""),
            ch("policy.base", "create", "applied", ""),
            ch("query.knowledge.find_person", "create", "applied", ""),
        ]
    );

    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0);
    assert_eq!(out["applied_count"], 2);
    assert_eq!(out["converged"], true);

    let (code, status) = f.json(&["status"]);
    assert_eq!(code, 0);
    assert_eq!(
        status["resource_statuses"]["query.knowledge.find_person"]["status"],
        "applied"
    );
    assert_eq!(
        status["resource_statuses"]["policy.base"]["status"],
        "applied"
    );
    assert!(status["state_observations"]["applied_config_digest"].is_string());

    let (code, _) = f.json(&["refresh"]);
    assert_eq!(code, 0);
    let (_, plan) = f.json(&["plan"]);
    assert_eq!(plan["changes"], json!([]));

    f.write(
        "people.gq",
        "\nquery find_person($name: String) {\n  match { $p: Person { name: $name } }\n  return { $p.name }\n}\n",
    );
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["applied_count"], 1);
    assert_eq!(out["converged"], true);
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0);
    assert_eq!(out["state_written"], false);
    assert_eq!(out["changes"], json!([]));
}

#[test]
fn s100_two_graphs_one_created_later() {
    let f = Folder::live();
    f.write("service.pg", "node Service { name: String @key }\n");
    f.write(
        "service.gq",
        "query find_service($name: String) {\n  match { $s: Service { name: $name } }\n  return { $s.name }\n}\n",
    );
    f.write("shared.policy.yaml", "rules: [shared]\n");
    f.write("wide.policy.yaml", "rules: [wide]\n");
    f.write(
        "cluster.yaml",
        "version: 1\ngraphs:\n  knowledge:\n    schema: ./people.pg\n    queries:\n      find_person:\n        file: ./people.gq\n  engineering:\n    schema: ./service.pg\n    queries:\n      find_service:\n        file: ./service.gq\npolicies:\n  shared:\n    file: ./shared.policy.yaml\n    applies_to: [knowledge, engineering]\n  cluster_wide:\n    file: ./wide.policy.yaml\n    applies_to: [cluster]\n",
    );
    assert_eq!(f.json(&["import"]).0, 0);
    let run = f.run(&["apply", "--json"]);
    assert_eq!(run.code, 0);
    let out = run.json();
    assert_eq!(out["converged"], false);
    assert_eq!(out["applied_count"], 2);
    assert_eq!(
        change_list(&out),
        [
            ch(
                "graph.engineering",
                "create",
                "deferred",
                "apply_unsupported_kind"
            ),
            ch("graph.knowledge", "update", "derived", ""),
            ch("policy.cluster_wide", "create", "applied", ""),
            ch("policy.shared", "create", "blocked", "dependency_missing"),
            ch(
                "query.engineering.find_service",
                "create",
                "blocked",
                "dependency_missing"
            ),
            ch("query.knowledge.find_person", "create", "applied", ""),
            ch(
                "schema.engineering",
                "create",
                "deferred",
                "apply_unsupported_kind"
            ),
        ]
    );
    assert_eq!(
        out["resource_statuses"]["policy.shared"]["status"],
        "blocked"
    );
    snap!(f, "s100_first_apply_json", run.stdout);

    // The engineering graph appears (a root made by the engine, with this schema's bytes).
    f.add_root("engineering", "people-fresh.omni");
    f.write(
        "graphs/engineering.omni/_schema.pg",
        "node Service { name: String @key }\n",
    );
    assert_eq!(f.json(&["refresh"]).0, 0);
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["converged"], true);
    let list = change_list(&out);
    assert!(list.contains(&ch(
        "query.engineering.find_service",
        "create",
        "applied",
        ""
    )));
    assert!(list.contains(&ch("policy.shared", "create", "applied", "")));
    let (_, plan) = f.json(&["plan"]);
    assert_eq!(plan["changes"], json!([]));
}

#[test]
fn s101_reimport_after_losing_state() {
    let f = Folder::live();
    assert_eq!(f.json(&["import"]).0, 0);
    assert_eq!(f.json(&["apply"]).0, 0);
    let blob = f.read(&query_blob_rel(QUERY_DIGEST));
    f.remove("__cluster/state.json");
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 0);
    assert_eq!(out["state_observations"]["state_revision"], 1);
    assert!(
        out["resource_digests"]
            .get("query.knowledge.find_person")
            .is_none()
    );
    assert!(out["resource_digests"].get("policy.base").is_none());
    let (_, plan) = f.json(&["plan"]);
    let list = change_list(&plan);
    assert!(list.contains(&ch("query.knowledge.find_person", "create", "applied", "")));
    assert!(list.contains(&ch("policy.base", "create", "applied", "")));
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0);
    assert_eq!(out["converged"], true);
    assert!(out["state_observations"]["applied_config_digest"].is_string());
    assert_eq!(f.read(&query_blob_rel(QUERY_DIGEST)), blob);
    let (_, plan) = f.json(&["plan"]);
    assert_eq!(plan["changes"], json!([]));
}

#[test]
fn s102_graph_root_deleted() {
    let f = Folder::live();
    assert_eq!(f.json(&["import"]).0, 0);
    assert_eq!(f.json(&["apply"]).0, 0);
    f.remove("graphs/knowledge.omni");
    let (code, out) = f.json(&["refresh"]);
    assert_eq!(code, 0);
    assert_eq!(
        out["resource_statuses"]["graph.knowledge"]["conditions"],
        json!(["graph_missing"])
    );
    assert!(out["resource_digests"].get("graph.knowledge").is_none());
    assert!(out["resource_digests"].get("schema.knowledge").is_none());
    assert_eq!(
        out["resource_digests"]["query.knowledge.find_person"],
        QUERY_DIGEST
    );
    let (_, plan) = f.json(&["plan"]);
    assert_eq!(
        change_list(&plan),
        [
            ch(
                "graph.knowledge",
                "create",
                "deferred",
                "apply_unsupported_kind"
            ),
            ch(
                "schema.knowledge",
                "create",
                "deferred",
                "apply_unsupported_kind"
            ),
        ]
    );
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0);
    assert_eq!(out["applied_count"], 0);
    assert_eq!(out["converged"], false);
    assert_eq!(
        f.state()["applied_revision"]["resources"]["query.knowledge.find_person"]["digest"],
        QUERY_DIGEST
    );
    assert_eq!(f.read(&query_blob_rel(QUERY_DIGEST)), PEOPLE_GQ.as_bytes());
}

#[test]
fn s103_out_of_band_schema_change() {
    let f = Folder::live();
    assert_eq!(f.json(&["import"]).0, 0);
    assert_eq!(f.json(&["apply"]).0, 0);
    // The engine evolves the live graph (people-evolved-v2 adds `email`).
    f.remove("graphs/knowledge.omni");
    f.add_root("knowledge", "people-evolved-v2.omni");
    let live = sha256_hex(&f.read("graphs/knowledge.omni/_schema.pg"));
    let (code, out) = f.json(&["refresh"]);
    assert_eq!(code, 0);
    assert_eq!(
        out["resource_statuses"]["graph.knowledge"]["status"],
        "drifted"
    );
    assert_eq!(
        out["resource_statuses"]["schema.knowledge"]["status"],
        "drifted"
    );
    assert_eq!(
        out["observations"]["graph.knowledge"]["schema_matches_desired"],
        false
    );
    let (code, _) = f.json(&["status"]);
    assert_eq!(code, 0);
    let (_, plan) = f.json(&["plan"]);
    let list = change_list(&plan);
    assert!(list.contains(&ch(
        "schema.knowledge",
        "update",
        "deferred",
        "apply_unsupported_kind"
    )));
    assert!(list.contains(&ch(
        "graph.knowledge",
        "update",
        "deferred",
        "apply_unsupported_kind"
    )));
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0);
    assert_eq!(out["applied_count"], 0);
    assert_eq!(out["converged"], false);
    assert_eq!(
        f.state()["applied_revision"]["resources"]["schema.knowledge"]["digest"],
        live.as_str()
    );
}

/// The bundled example converges on its first run (import, then apply), as docs/cluster.md
/// shows, and a schema edit is then deferred with its dependant blocked.
#[test]
fn the_bundled_example_converges_on_a_first_run() {
    let f = Folder::example("company-brain");
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = f.json(&["apply"]);
    assert_eq!(
        (code, &out["converged"]),
        (0, &serde_json::json!(true)),
        "{out}"
    );
    assert_eq!(out["applied_count"], 7);

    let schema = f.read_string("schemas/people.pg");
    f.write(
        "schemas/people.pg",
        schema.replace("age: I32?\n", "age: I32?\n  email: String?\n"),
    );
    let adults = f.read_string("queries/people/adults.gq");
    f.write(
        "queries/people/adults.gq",
        adults.replace("$p.name, $p.age }", "$p.name, $p.age, $p.email }"),
    );
    let (code, out) = f.json(&["plan", "--detailed-exitcode"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        change_list(&out),
        [
            ch(
                "graph.people",
                "update",
                "deferred",
                "apply_unsupported_kind"
            ),
            ch(
                "query.people.adults",
                "update",
                "blocked",
                "dependency_not_applied"
            ),
            ch(
                "schema.people",
                "update",
                "deferred",
                "apply_unsupported_kind"
            ),
        ]
    );
}
