//! §10.1 — configuration and validate (S01–S29).

use cluster_test_support::*;
use serde_json::json;

#[test]
fn s01_validate_human() {
    let f = Folder::standard();
    let (code, out) = f.human(&["validate"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "cluster config valid: 4 resource(s), 4 dependency edge(s)\n"
    );
}

#[test]
fn s02_validate_json() {
    let f = Folder::standard();
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 0);
    assert_eq!(out["ok"], true);
    assert_eq!(
        out["resource_digests"],
        json!({
            "graph.knowledge": GRAPH_DIGEST,
            "policy.base": POLICY_DIGEST,
            "query.knowledge.find_person": QUERY_DIGEST,
            "schema.knowledge": SCHEMA_DIGEST,
        })
    );
    let t = f.path().display().to_string();
    assert_eq!(
        out["resources"],
        json!([
            {"address": "graph.knowledge", "kind": "graph", "digest": GRAPH_DIGEST},
            {"address": "policy.base", "kind": "policy", "digest": POLICY_DIGEST, "path": format!("{t}/./base.policy.yaml")},
            {"address": "query.knowledge.find_person", "kind": "query", "digest": QUERY_DIGEST, "path": format!("{t}/./people.gq")},
            {"address": "schema.knowledge", "kind": "schema", "digest": SCHEMA_DIGEST, "path": format!("{t}/./people.pg")},
        ])
    );
    assert_eq!(
        out["dependencies"],
        json!([
            {"from": "policy.base", "to": "graph.knowledge"},
            {"from": "query.knowledge.find_person", "to": "graph.knowledge"},
            {"from": "query.knowledge.find_person", "to": "schema.knowledge"},
            {"from": "schema.knowledge", "to": "graph.knowledge"},
        ])
    );
    assert_eq!(out["diagnostics"], json!([]));
    snap!(
        f,
        "s02_validate_json",
        f.run(&["validate", "--json"]).stdout
    );
}

#[test]
fn s03_config_dir_not_found() {
    let f = Folder::empty();
    let missing = f.at("nope");
    let x = missing.to_str().expect("utf8");
    let run = run_in(None, &["validate", "--json", "--config", x]);
    assert_eq!(run.code, 1);
    let out = run.json();
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "config_dir_not_found",
            "severity": "error",
            "path": x,
            "message": "`--config` must point at a directory containing cluster.yaml",
        }])
    );
    assert_eq!(out["config_dir"], x);
    assert_eq!(out["config_file"], format!("{x}/cluster.yaml"));
    assert_eq!(out["resource_digests"], json!({}));
    assert_eq!(out["resources"], json!([]));
    assert_eq!(out["dependencies"], json!([]));
    snap!(f, "s03_config_dir_not_found", run.stdout);
}

#[test]
fn s03_config_pointing_at_a_file_is_not_a_directory() {
    let f = Folder::standard();
    let file = f.at("cluster.yaml");
    let run = run_in(
        None,
        &[
            "validate",
            "--json",
            "--config",
            file.to_str().expect("utf8"),
        ],
    );
    assert_eq!(run.code, 1);
    assert_eq!(codes(&run.json()), ["config_dir_not_found"]);
}

#[test]
fn s04_missing_cluster_yaml() {
    let f = Folder::empty();
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "cluster_config_read_error",
            "severity": "error",
            "path": "cluster.yaml",
            "message": "could not read cluster.yaml: No such file or directory (os error 2)",
        }])
    );
    snap!(f, "s04_missing_cluster_yaml", f.run(&["validate"]).stdout);
}

#[test]
fn s05_unknown_field() {
    let f = Folder::empty();
    f.write("cluster.yaml", "version: 1\ngraphs: {}\nwat: true\n");
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "invalid_cluster_yaml",
            "severity": "error",
            "path": "cluster.yaml",
            "message": "could not parse cluster.yaml: unknown field `wat`, expected one of `version`, `metadata`, `storage`, `state`, `graphs`, `policies` at line 3 column 1",
        }])
    );
}

#[test]
fn s05_nested_unknown_field_has_a_path_prefix() {
    let f = Folder::standard();
    f.write(
        "cluster.yaml",
        "version: 1\ngraphs:\n  knowledge:\n    schema: ./people.pg\n    foo: 1\n",
    );
    let (_, out) = f.json(&["validate"]);
    assert_eq!(
        diag(&out, "invalid_cluster_yaml")["message"],
        "could not parse cluster.yaml: graphs.knowledge: unknown field `foo`, expected `schema` or `queries` at line 5 column 5"
    );
}

#[test]
fn s06_future_phase_field_human() {
    let f = Folder::empty();
    f.write("cluster.yaml", "version: 1\ngraphs: {}\npipelines: {}\n");
    let (code, out) = f.human(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "cluster config invalid\nERROR future_phase_field pipelines: `pipelines` is reserved for a later cluster-control phase\n"
    );
}

#[test]
fn s07_future_phase_fields_in_document_order() {
    let f = Folder::empty();
    f.write("cluster.yaml", "version: 1\nui: {}\napply: {}\n");
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["future_phase_field", "future_phase_field"]);
    assert_eq!(out["diagnostics"][0]["path"], "ui");
    assert_eq!(out["diagnostics"][1]["path"], "apply");
    snap!(
        f,
        "s07_future_phase_fields",
        f.run(&["validate", "--json"]).stdout
    );
}

#[test]
fn s08_duplicate_top_level_key() {
    let f = Folder::empty();
    f.write("cluster.yaml", "version: 1\ngraphs: {}\ngraphs: {}\n");
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "duplicate_yaml_key",
            "severity": "error",
            "path": "graphs",
            "message": "duplicate YAML key `graphs` on line 3",
        }])
    );
}

#[test]
fn s09_hash_inside_quotes_is_not_a_comment() {
    let f = Folder::empty();
    f.write(
        "cluster.yaml",
        "\"name#display\": one\n\"name#display\": two\n",
    );
    let (_, out) = f.json(&["validate"]);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "duplicate_yaml_key",
            "severity": "error",
            "path": "\"name#display\"",
            "message": "duplicate YAML key `\"name#display\"` on line 2",
        }])
    );
}

#[test]
fn s10_repeated_graph_block() {
    let f = Folder::standard();
    f.write(
        "cluster.yaml",
        "version: 1\ngraphs:\n  knowledge:\n    schema: ./people.pg\n    queries:\n      find_person:\n        file: ./people.gq\n  knowledge:\n    schema: ./people.pg\n    queries:\n      find_person:\n        file: ./people.gq\n",
    );
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "duplicate_yaml_key",
            "severity": "error",
            "path": "graphs.knowledge",
            "message": "duplicate YAML key `knowledge` on line 8",
        }])
    );
}

#[test]
fn s11_sibling_graphs_do_not_collide() {
    let f = Folder::standard();
    f.write(
        "cluster.yaml",
        "version: 1\ngraphs:\n  a:\n    schema: ./people.pg\n  b:\n    schema: ./people.pg\n",
    );
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["diagnostics"], json!([]));
}

#[test]
fn s12_block_scalar_false_positive() {
    let f = Folder::empty();
    f.write(
        "cluster.yaml",
        "version: 1\nmetadata:\n  name: |\n    a: 1\n    a: 2\n",
    );
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["duplicate_yaml_key"]);
    assert_eq!(out["diagnostics"][0]["path"], "metadata.a");
}

#[test]
fn s13_comments_are_ignored() {
    let f = Folder::empty();
    f.write(
        "cluster.yaml",
        "version: 1 # v\ngraphs: {} # graphs: {}\n# graphs: x\n",
    );
    let (code, out) = f.human(&["validate"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "cluster config valid: 0 resource(s), 0 dependency edge(s)\n"
    );
}

#[test]
fn s14_unsupported_version_still_lists_resources() {
    let f = Folder::standard_edited("version: 1", "version: 2");
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "unsupported_cluster_config_version",
            "severity": "error",
            "path": "version",
            "message": "unsupported cluster config version 2; this build supports version 1",
        }])
    );
    assert_eq!(out["resources"].as_array().expect("resources").len(), 4);
}

#[test]
fn s15_blank_metadata_name() {
    let f = Folder::standard();
    f.write(
        "cluster.yaml",
        cluster_yaml("x").replace("metadata:\n  name: x\n", "metadata: {name: \"   \"}\n"),
    );
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "empty_metadata_name",
            "severity": "error",
            "path": "metadata.name",
            "message": "metadata.name must not be empty when provided",
        }])
    );
}

#[test]
fn s16_unsupported_state_backend() {
    let f = Folder::empty();
    f.write(
        "cluster.yaml",
        "version: 1\nstate:\n  backend: s3://bucket/state\ngraphs: {}\n",
    );
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"][0],
        json!({
            "code": "unsupported_state_backend",
            "severity": "error",
            "path": "state.backend",
            "message": "Stage 2C supports only omitted state.backend or `cluster`",
        })
    );
}

#[test]
fn s17_invalid_graph_id() {
    let f = Folder::standard_edited("knowledge", "1bad");
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "invalid_resource_id",
            "severity": "error",
            "path": "graphs.1bad",
            "message": "graph id `1bad` must start with a letter or `_` and contain only ASCII letters, digits, `_`, or `-`",
        }])
    );
    assert!(out["resource_digests"]["graph.1bad"].is_string());
}

#[test]
fn s18_invalid_query_name_then_key_mismatch() {
    let f = Folder::standard_edited("find_person:", "find.person:");
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([
            {
                "code": "invalid_resource_id",
                "severity": "error",
                "path": "graphs.knowledge.queries.find.person",
                "message": "query name `find.person` must start with a letter or `_` and contain only ASCII letters, digits, `_`, or `-`",
            },
            {
                "code": "query_key_mismatch",
                "severity": "error",
                "path": "graphs.knowledge.queries.find.person",
                "message": "no `query find.person` declaration found in the referenced .gq file",
            }
        ])
    );
}

#[test]
fn s19_missing_files() {
    let f = Folder::standard();
    f.remove("people.pg");
    f.remove("people.gq");
    f.remove("base.policy.yaml");
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    let t = f.path().display();
    assert_eq!(
        out["diagnostics"],
        json!([
            {
                "code": "schema_file_missing",
                "severity": "error",
                "path": "graphs.knowledge.schema",
                "message": format!("could not read schema file '{t}/./people.pg': No such file or directory (os error 2)"),
            },
            {
                "code": "query_file_missing",
                "severity": "error",
                "path": "graphs.knowledge.queries.find_person.file",
                "message": format!("could not read query file '{t}/./people.gq': No such file or directory (os error 2)"),
            },
            {
                "code": "policy_file_missing",
                "severity": "error",
                "path": "policies.base.file",
                "message": format!("could not read policy file '{t}/./base.policy.yaml': No such file or directory (os error 2)"),
            }
        ])
    );
    assert_eq!(
        out["resource_digests"],
        json!({"graph.knowledge": graph_digest("knowledge", "", &[])})
    );
    snap!(f, "s19_missing_files_human", f.run(&["validate"]).stdout);
}

#[test]
fn s20_unparsable_schema() {
    let f = Folder::standard();
    let bad = "node Person {\n  name String\n}\n";
    f.write("people.pg", bad);
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&out),
        ["schema_parse_error", "query_typecheck_skipped"]
    );
    let parse = &out["diagnostics"][0];
    assert_eq!(parse["path"], "graphs.knowledge.schema");
    assert!(
        parse["message"]
            .as_str()
            .expect("message")
            .starts_with("parse error: "),
        "{parse}"
    );
    assert_eq!(
        out["diagnostics"][1],
        json!({
            "code": "query_typecheck_skipped",
            "severity": "warning",
            "path": "graphs.knowledge.queries.find_person",
            "message": "query parsed, but type-check was skipped because the graph schema is invalid",
        })
    );
    assert_eq!(
        out["resource_digests"]["schema.knowledge"],
        sha256_hex(bad.as_bytes())
    );
}

#[test]
fn s21_schema_catalog_error() {
    let f = Folder::standard();
    f.write(
        "people.pg",
        "node Person {\n  name: String @key\n}\nnode Person {\n  name: String @key\n}\n",
    );
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&out),
        ["schema_catalog_error", "query_typecheck_skipped"]
    );
    assert!(
        out["diagnostics"][0]["message"]
            .as_str()
            .expect("message")
            .starts_with("catalog error: "),
        "{}",
        out["diagnostics"][0]
    );
}

#[test]
fn s22_unparsable_query() {
    let f = Folder::standard();
    f.write("people.gq", "query find_person( {\n");
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["query_parse_error"]);
    assert_eq!(
        out["diagnostics"][0]["path"],
        "graphs.knowledge.queries.find_person"
    );
    assert!(out["resource_digests"]["query.knowledge.find_person"].is_string());
}

#[test]
fn s23_query_key_mismatch() {
    let f = Folder::standard_edited("find_person:", "different:");
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"][0],
        json!({
            "code": "query_key_mismatch",
            "severity": "error",
            "path": "graphs.knowledge.queries.different",
            "message": "no `query different` declaration found in the referenced .gq file",
        })
    );
}

#[test]
fn s24_query_typecheck_error() {
    let f = Folder::standard();
    f.write(
        "people.gq",
        "query find_person() { match { $d: DoesNotExist } return { $d.name } }\n",
    );
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    let err = diag(&out, "query_typecheck_error");
    assert_eq!(err["path"], "graphs.knowledge.queries.find_person");
    assert!(
        err["message"]
            .as_str()
            .expect("message")
            .starts_with("type error: "),
        "{err}"
    );
    snap!(f, "s24_query_typecheck_error", f.run(&["validate"]).stdout);
}

#[test]
fn s25_empty_applies_to() {
    let f = Folder::standard_edited("[knowledge]", "[]");
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([{
            "code": "policy_missing_applies_to",
            "severity": "error",
            "path": "policies.base.applies_to",
            "message": "policy.applies_to must name `cluster` or at least one graph",
        }])
    );
    assert_eq!(out["dependencies"].as_array().expect("deps").len(), 3);
}

#[test]
fn s26_wrong_kind_and_dangling_references() {
    let f = Folder::standard();
    f.write(
        "cluster.yaml",
        cluster_yaml("company-brain")
            .replace("[knowledge]", "[query.knowledge.find_person, missing]"),
    );
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        out["diagnostics"],
        json!([
            {
                "code": "wrong_kind_reference",
                "severity": "error",
                "path": "policies.base.applies_to[0]",
                "message": "policy applies_to expects graph refs or `cluster`, got `query.knowledge.find_person`",
            },
            {
                "code": "dangling_graph_reference",
                "severity": "error",
                "path": "policies.base.applies_to[1]",
                "message": "policy references graph `missing`, but no graph with that id is declared",
            }
        ])
    );
}

#[test]
fn s27_cluster_scope_and_deduplicated_edges() {
    let f = Folder::standard_edited("[knowledge]", "[cluster]");
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 0);
    assert_eq!(out["dependencies"].as_array().expect("deps").len(), 3);
    f.write(
        "cluster.yaml",
        cluster_yaml("company-brain").replace("[knowledge]", "[knowledge, graph.knowledge]"),
    );
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 0);
    assert_eq!(out["dependencies"].as_array().expect("deps").len(), 4);
}

#[test]
fn s28_config_digest_ignores_yaml_style() {
    let f = Folder::standard();
    let (_, before) = f.json(&["plan"]);
    assert_eq!(before["desired_revision"]["config_digest"], CONFIG_DIGEST);
    f.write(
        "cluster.yaml",
        "# company brain, restyled\nversion: 1\nmetadata: { name: company-brain }\nstate: {backend: cluster, lock: true}\ngraphs:\n  knowledge:\n    schema: ./people.pg\n    queries: { find_person: { file: ./people.gq } }\npolicies:\n  base:\n    file: ./base.policy.yaml\n    applies_to:\n      - knowledge\n",
    );
    let (code, after) = f.json(&["plan"]);
    assert_eq!(code, 0);
    assert_eq!(after["desired_revision"]["config_digest"], CONFIG_DIGEST);
    f.write("cluster.yaml", cluster_yaml("test"));
    let (_, renamed) = f.json(&["plan"]);
    assert_eq!(
        renamed["desired_revision"]["config_digest"],
        CONFIG_DIGEST_TEST
    );
    assert_eq!(renamed["resource_digests"], before["resource_digests"]);
}

#[test]
fn s28_minimal_config_digest() {
    let f = Folder::empty();
    f.write("cluster.yaml", "version: 1\n");
    let (code, out) = f.json(&["plan"]);
    assert_eq!(code, 0);
    assert_eq!(
        out["desired_revision"]["config_digest"],
        "3b5c7bd356771f195b79eabbbe8ae37df98f23ec18d700f541e9e38267a87db2"
    );
}

#[test]
fn s29_non_utf8_policy_and_schema() {
    let f = Folder::standard();
    let bytes = [b'r', 0xff, 0xfe, b'\n'];
    f.write("base.policy.yaml", bytes);
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["resource_digests"]["policy.base"], sha256_hex(&bytes));

    let f = Folder::standard();
    f.write("people.pg", [b'n', 0xff, b'\n']);
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    let err = diag(&out, "schema_file_missing");
    assert!(
        err["message"]
            .as_str()
            .expect("message")
            .ends_with("stream did not contain valid UTF-8"),
        "{err}"
    );
}
