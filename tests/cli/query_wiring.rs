//! The query language's diagnostics wired into the contract (cluster contract §2.5), through the
//! `omnigraph` binary: which code, severity and message each stored-query problem gets. The
//! language itself is tested in its own crate (`crates/lang/tests/query_lang/`).

use cluster_test_support::*;

/// `validate --json` on a folder with one graph: its schema and named queries.
fn validate(schema: &str, queries: &[(&str, &str)]) -> Vec<(String, String, String, String)> {
    let f = Folder::empty();
    let mut yaml = String::from(
        "version: 1\nmetadata:\n  name: t\ngraphs:\n  g:\n    schema: ./s.pg\n    queries:\n",
    );
    f.write("s.pg", schema);
    for (i, (key, text)) in queries.iter().enumerate() {
        let file = format!("q{i}.gq");
        f.write(&file, text);
        yaml.push_str(&format!("      {key}:\n        file: ./{file}\n"));
    }
    f.write("cluster.yaml", &yaml);
    let (_, json) = f.json(&["validate"]);
    json["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|d| {
            let field = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
            (
                field("code"),
                field("severity"),
                field("path"),
                field("message"),
            )
        })
        .collect()
}

const SCHEMA: &str = "node Person {\n  name: String @key\n  age: I32?\n}\n";

/// The diagnostics keyed by path (their order is the cluster's business, not this test's).
fn by_path(
    diags: Vec<(String, String, String, String)>,
) -> std::collections::BTreeMap<String, (String, String, String)> {
    diags
        .into_iter()
        .map(|(code, severity, path, message)| (path, (code, severity, message)))
        .collect()
}

#[test]
fn each_query_diagnostic() {
    let diags = by_path(validate(
        SCHEMA,
        &[
            (
                "good",
                "query good() { match { $p: Person } return { $p.name } }",
            ),
            ("broken", "query broken() { match { } return { $p } }"),
            (
                "renamed",
                "query other() { match { $p: Person } return { $p } }",
            ),
            ("empty_body", "query empty_body() { }\n"),
            (
                "bad_type",
                "query ignored() { match { $x: Nope } return { $x } }\nquery bad_type() { match { $p: Person $p.age > \"x\" } return { $p } }\nquery bad_type() { match { $y: Nope } return { $y } }",
            ),
        ],
    ));
    let summary: Vec<(&str, &str, &str)> = diags
        .iter()
        .map(|(path, (code, severity, _))| (path.as_str(), code.as_str(), severity.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "graphs.g.queries.bad_type",
                "query_typecheck_error",
                "error"
            ),
            ("graphs.g.queries.broken", "query_parse_error", "error"),
            ("graphs.g.queries.empty_body", "query_parse_error", "error"),
            ("graphs.g.queries.renamed", "query_key_mismatch", "error"),
        ],
        "{diags:#?}"
    );
    let message = |q: &str| diags[&format!("graphs.g.queries.{q}")].2.clone();
    assert_eq!(
        message("broken"),
        "parse error:  --> 1:26\n  |\n1 | query broken() { match { } return { $p } }\n  |                          ^---\n  |\n  = expected a match clause (binding, traversal, filter, `not { … }` or text search), found `}`"
    );
    assert_eq!(
        message("renamed"),
        "no `query renamed` declaration found in the referenced .gq file"
    );
    // Only the first declaration with the configured name is checked.
    assert_eq!(
        message("bad_type"),
        "type error: T7: cannot compare I32? with String"
    );
}

#[test]
fn typecheck_skipped_when_the_schema_is_invalid() {
    let diags = by_path(validate(
        "node person {",
        &[
            ("ok", "query ok() { match { $p: Person } return { $p } }"),
            ("broken", "query broken("),
            (
                "renamed",
                "query other() { match { $p: Person } return { $p } }",
            ),
        ],
    ));
    let summary: Vec<(&str, &str, &str)> = diags
        .iter()
        .map(|(path, (code, severity, _))| (path.as_str(), code.as_str(), severity.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("graphs.g.queries.broken", "query_parse_error", "error"),
            ("graphs.g.queries.ok", "query_typecheck_skipped", "warning"),
            ("graphs.g.queries.renamed", "query_key_mismatch", "error"),
            ("graphs.g.schema", "schema_parse_error", "error"),
        ],
        "{diags:#?}"
    );
    assert_eq!(
        diags["graphs.g.queries.ok"].2,
        "query parsed, but type-check was skipped because the graph schema is invalid"
    );
}
