//! Issue 19: `graphs.<id>.queries` as a directory or a list of `.gq` files, whose `query`
//! declarations are the stored queries, through the real binary: each form and a mix of forms,
//! every diagnostic of the table (with what the file system can throw at a listing or a
//! read), a file of several queries, the whole lifecycle (import, plan, apply, status, refresh,
//! saved plans), the rich view of `validate`, and a property: a directory form and its
//! equivalent map form differ in nothing but the config digest.

use cluster_test_support::*;
use proptest::prelude::*;
use serde_json::{Value, json};

/// A stored query of the live people schema; `limit` tells texts apart.
fn query(name: &str, limit: u32) -> String {
    format!(
        "query {name}($name: String) {{\n  match {{ $p: Person {{ name: $name }} }}\n  return {{ $p.name, $p.age }}\n  limit {limit}\n}}\n"
    )
}

/// The `cluster.yaml` of graphs with the live people schema: `(id, queries as written)`.
fn cluster_yaml(graphs: &[(&str, &str)]) -> String {
    let mut yaml = String::from("version: 1\nmetadata:\n  name: discovery\ngraphs:\n");
    for (id, queries) in graphs {
        yaml.push_str(&format!(
            "  {id}:\n    schema: ./people.pg\n    queries: {queries}\n"
        ));
    }
    yaml
}

/// A folder with one graph `people` whose `queries:` is `queries` as written, and `files`.
fn folder(queries: &str, files: &[(&str, &str)]) -> Folder {
    let f = Folder::empty();
    f.write("people.pg", LIVE_PEOPLE_PG);
    for (rel, text) in files {
        f.write(rel, text);
    }
    f.write("cluster.yaml", cluster_yaml(&[("people", queries)]));
    f
}

/// `(code, severity, path, message)` of every diagnostic, in order.
fn diagnostics(out: &Value) -> Vec<(String, String, String, String)> {
    out["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
            (s("code"), s("severity"), s("path"), s("message"))
        })
        .collect()
}

fn diagnostic(code: &str, path: &str, message: &str) -> (String, String, String, String) {
    let severity = match code {
        "query_dir_empty" | "query_file_without_queries" | "query_typecheck_skipped" => "warning",
        _ => "error",
    };
    (
        code.to_string(),
        severity.to_string(),
        path.to_string(),
        message.to_string(),
    )
}

/// `address → (digest, path relative to the folder)` of the query resources.
fn queries(f: &Folder, out: &Value) -> Vec<(String, String, String)> {
    let t = format!("{}/", f.path().display());
    out["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter(|r| r["kind"] == "query")
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (s("address"), s("digest"), s("path").replacen(&t, "", 1))
        })
        .collect()
}

fn digest(text: &str) -> String {
    sha256_hex(text.as_bytes())
}

fn row(address: &str, digest: &str, path: &str) -> (String, String, String) {
    (address.to_string(), digest.to_string(), path.to_string())
}

#[test]
fn a_directory_gives_every_declaration_of_its_top_level_gq_files() {
    let two = format!("{}\n{}", query("find_person", 1), query("by_name", 2));
    let adults = query("adults", 3);
    let f = folder(
        "./queries/",
        &[
            ("queries/b.gq", &two),
            ("queries/a.gq", &adults),
            ("queries/notes.md", "not a query"),
            ("queries/nested/c.gq", &query("nested", 4)),
        ],
    );
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["diagnostics"], json!([]));
    let (a, b) = (digest(&adults), digest(&two));
    assert_eq!(
        queries(&f, &out),
        [
            row("query.people.adults", &a, "./queries/a.gq"),
            row("query.people.by_name", &b, "./queries/b.gq"),
            row("query.people.find_person", &b, "./queries/b.gq"),
        ]
    );
    let members = [("adults", a.as_str()), ("by_name", &b), ("find_person", &b)];
    assert_eq!(
        out["resource_digests"]["graph.people"],
        graph_digest("people", LIVE_SCHEMA_DIGEST, &members)
    );
    assert_eq!(out["dependencies"].as_array().map(Vec::len), Some(7));
    assert_eq!(
        out["discovered"],
        json!([{
            "graph": "people",
            "queries": 3,
            "sources": [{"path": "./queries/", "kind": "directory", "files": 2, "queries": 3}],
        }])
    );
    // The plain text is the contract's line, whatever the form.
    assert_eq!(
        f.human(&["validate"]),
        (
            0,
            "cluster config valid: 5 resource(s), 7 dependency edge(s)\n".to_string()
        )
    );
}

/// A single path naming a file is a one-file discovery: F with `queries: ./people.gq` has F's
/// resources, digests and edges; only the config digest (and the `discovered` report) differ.
#[test]
fn a_single_file_path_is_a_one_file_discovery() {
    let map = Folder::standard();
    let file = Folder::standard_edited(
        "    queries:\n      find_person:\n        file: ./people.gq\n",
        "    queries: ./people.gq\n",
    );
    let (_, mapped) = map.json(&["validate"]);
    let (code, found) = file.json(&["validate"]);
    assert_eq!(code, 0, "{found}");
    for key in ["resource_digests", "dependencies", "diagnostics"] {
        assert_eq!(found[key], mapped[key], "{key}");
    }
    assert_eq!(
        file.redact(&found["resources"].to_string()),
        map.redact(&mapped["resources"].to_string())
    );
    assert_eq!(mapped.get("discovered"), None, "absent for the map form");
    assert_eq!(
        found["discovered"][0]["sources"],
        json!([{"path": "./people.gq", "kind": "file", "files": 1, "queries": 1}])
    );
    assert_eq!(file.human(&["validate"]), map.human(&["validate"]));
    let (_, mapped) = map.json(&["plan"]);
    let (_, found) = file.json(&["plan"]);
    assert_eq!(mapped["desired_revision"]["config_digest"], CONFIG_DIGEST);
    assert_ne!(
        found["desired_revision"]["config_digest"],
        mapped["desired_revision"]["config_digest"]
    );
    assert_eq!(found["changes"], mapped["changes"]);
}

#[test]
fn a_list_mixes_files_and_directories_and_reads_each_file_once() {
    let two = format!("{}\n{}", query("b1", 1), query("b2", 2));
    let f = folder(
        "[./one.gq, more, ./one.gq, one.gq, ./more/b.gq]",
        &[
            ("one.gq", &query("one", 3)),
            ("more/b.gq", &two),
            ("more/a.gq", &query("a", 4)),
        ],
    );
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["diagnostics"], json!([]));
    assert_eq!(
        queries(&f, &out),
        [
            row("query.people.a", &digest(&query("a", 4)), "more/a.gq"),
            row("query.people.b1", &digest(&two), "more/b.gq"),
            row("query.people.b2", &digest(&two), "more/b.gq"),
            row("query.people.one", &digest(&query("one", 3)), "./one.gq"),
        ]
    );
    let source = |path: &str, kind: &str, files: u32, queries: u32| json!({"path": path, "kind": kind, "files": files, "queries": queries});
    assert_eq!(
        out["discovered"][0],
        json!({
            "graph": "people",
            "queries": 4,
            "sources": [
                source("./one.gq", "file", 1, 1),
                source("more", "directory", 2, 3),
                source("./one.gq", "file", 0, 0),
                source("one.gq", "file", 0, 0),
                source("./more/b.gq", "file", 0, 0),
            ],
        })
    );
}

/// Forms side by side in one cluster, and a block list: each graph gets its own queries.
#[test]
fn forms_mix_across_graphs() {
    let f = Folder::empty();
    f.write("people.pg", LIVE_PEOPLE_PG);
    f.write("q/x.gq", query("x", 1));
    f.write("q/y.gq", query("y", 2));
    f.write(
        "cluster.yaml",
        cluster_yaml(&[
            ("listed", "\n      - ./q/y.gq\n      - ./q/x.gq"),
            ("directory", "./q"),
            ("mapped", "\n      x:\n        file: ./q/x.gq"),
            ("none", "[]"),
        ]),
    );
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 0, "{out}");
    let addresses: Vec<String> = queries(&f, &out).into_iter().map(|q| q.0).collect();
    assert_eq!(
        addresses,
        [
            "query.directory.x",
            "query.directory.y",
            "query.listed.x",
            "query.listed.y",
            "query.mapped.x",
        ]
    );
    let graphs: Vec<&str> = out["discovered"]
        .as_array()
        .expect("discovered")
        .iter()
        .map(|d| d["graph"].as_str().expect("graph"))
        .collect();
    assert_eq!(graphs, ["directory", "listed", "none"]);
    assert_eq!(out["discovered"][2]["queries"], 0);
}

#[test]
fn duplicate_names_within_one_file_and_across_two_files() {
    let twice = format!("{}\n{}", query("dup", 1), query("dup", 2));
    let f = folder(
        "./q/",
        &[
            (
                "q/a.gq",
                &format!("{}\n{}", query("shared", 3), query("own", 4)),
            ),
            ("q/b.gq", &format!("\n{}", query("shared", 5))),
            ("q/c.gq", &twice),
        ],
    );
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        diagnostics(&out),
        [
            diagnostic(
                "duplicate_query_name",
                "graphs.people.queries.dup",
                "query `dup` of graph `people` is declared in 'q/c.gq' at 1:7 and again in 'q/c.gq' at 7:7"
            ),
            diagnostic(
                "duplicate_query_name",
                "graphs.people.queries.shared",
                "query `shared` of graph `people` is declared in 'q/a.gq' at 1:7 and again in 'q/b.gq' at 2:7"
            ),
        ]
    );
    // The first declaration registers the name.
    let a = f.read_string("q/a.gq");
    assert_eq!(
        queries(&f, &out),
        [
            row("query.people.dup", &digest(&twice), "./q/c.gq"),
            row("query.people.own", &digest(&a), "./q/a.gq"),
            row("query.people.shared", &digest(&a), "./q/a.gq"),
        ]
    );
    // An error stops plan as any config error does.
    let (code, plan) = f.json(&["plan"]);
    assert_eq!(code, 1);
    assert_eq!(plan["changes"], json!([]));
}

#[test]
fn an_empty_directory_and_a_file_declaring_nothing_are_warnings() {
    let f = folder(
        "[./empty/, ./only-notes/, ./q/]",
        &[
            ("only-notes/README.md", "no queries here"),
            ("q/comments.gq", "// nothing declared yet\n"),
            ("q/real.gq", &query("real", 1)),
        ],
    );
    std::fs::create_dir(f.at("empty")).expect("mkdir");
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 0, "warnings only: {out}");
    assert_eq!(
        diagnostics(&out),
        [
            diagnostic(
                "query_dir_empty",
                "graphs.people.queries",
                "query directory 'empty' has no .gq file"
            ),
            diagnostic(
                "query_dir_empty",
                "graphs.people.queries",
                "query directory 'only-notes' has no .gq file"
            ),
            diagnostic(
                "query_file_without_queries",
                "graphs.people.queries",
                "query file 'q/comments.gq' declares no query"
            ),
        ]
    );
    assert_eq!(queries(&f, &out).len(), 1);
}

#[test]
fn unreadable_directories_are_typed_errors() {
    let f = folder(
        "[./missing/, ./people.pg/, ./loop, ./locked]",
        &[("locked/a.gq", &query("a", 1))],
    );
    std::os::unix::fs::symlink("loop", f.at("loop")).expect("symlink");
    f.open_to_all();
    f.chmod("locked", 0o000);
    let run = f.run_unprivileged(&["validate", "--json"]);
    f.chmod("locked", 0o755);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let message = |path: &str, error: &str| {
        diagnostic(
            "query_dir_unreadable",
            "graphs.people.queries",
            &format!("could not list query directory '{path}': {error}"),
        )
    };
    assert_eq!(
        diagnostics(&run.json()),
        [
            message("missing", "No such file or directory (os error 2)"),
            message("people.pg", "Not a directory (os error 20)"),
            message("loop", "Too many levels of symbolic links (os error 40)"),
            message("locked", "Permission denied (os error 13)"),
        ]
    );
}

#[test]
fn unreadable_files_are_typed_errors() {
    let f = folder(
        "[./gone.gq, ./q/]",
        &[
            ("q/a-ok.gq", &query("ok", 1)),
            ("q/locked.gq", &query("locked", 2)),
        ],
    );
    f.write("q/latin1.gq", b"query caf\xe9() {}");
    std::fs::create_dir(f.at("q/dir.gq")).expect("mkdir");
    std::os::unix::fs::symlink("loop.gq", f.at("q/loop.gq")).expect("symlink");
    std::os::unix::fs::symlink("../nowhere.gq", f.at("q/dangling.gq")).expect("symlink");
    let fifo = std::process::Command::new("mkfifo")
        .arg(f.at("q/fifo.gq"))
        .status()
        .expect("mkfifo");
    assert!(fifo.success());
    f.open_to_all();
    f.chmod("q/locked.gq", 0o000);
    let run = f.run_unprivileged(&["validate", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let message = |path: &str, error: &str| {
        diagnostic(
            "query_file_missing",
            "graphs.people.queries",
            &format!("could not read query file '{path}': {error}"),
        )
    };
    let out = run.json();
    assert_eq!(
        diagnostics(&out),
        [
            message("gone.gq", "No such file or directory (os error 2)"),
            message("q/dangling.gq", "No such file or directory (os error 2)"),
            message("q/dir.gq", "Is a directory (os error 21)"),
            message("q/fifo.gq", "not a regular file"),
            message("q/latin1.gq", "stream did not contain valid UTF-8"),
            message("q/locked.gq", "Permission denied (os error 13)"),
            message(
                "q/loop.gq",
                "Too many levels of symbolic links (os error 40)"
            ),
        ]
    );
    // The readable file still registers its query.
    assert_eq!(
        queries(&f, &out),
        [row(
            "query.people.ok",
            &digest(&query("ok", 1)),
            "./q/a-ok.gq"
        )]
    );
}

/// A file that does not parse cannot be enumerated: an error, and none of its queries; the
/// other files' queries are there.
#[test]
fn a_parse_error_in_one_of_several_files() {
    let broken = format!("{}\nquery second($x: String {{\n", query("first", 1));
    let f = folder(
        "./q",
        &[
            ("q/a.gq", &query("a", 1)),
            ("q/b.gq", &broken),
            ("q/c.gq", &query("c", 2)),
        ],
    );
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    let found = diagnostics(&out);
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, severity, path, message) = &found[0];
    assert_eq!(
        (code.as_str(), severity.as_str(), path.as_str()),
        ("query_parse_error", "error", "graphs.people.queries")
    );
    assert!(
        message.starts_with(
            "could not parse query file 'q/b.gq' at 7:18, so its queries cannot be discovered: parse error:  --> 7:18\n"
        ),
        "{message}"
    );
    let addresses: Vec<String> = queries(&f, &out).into_iter().map(|q| q.0).collect();
    assert_eq!(addresses, ["query.people.a", "query.people.c"]);
    assert_eq!(out["discovered"][0]["sources"][0]["files"], 3);
    assert_eq!(out["discovered"][0]["queries"], 2);
}

/// Discovered queries are type-checked as map-declared ones; the message says where the
/// query is declared.
#[test]
fn discovered_queries_are_type_checked() {
    let bad = query("bad", 1).replace("$p.age }", "$p.agee }");
    let f = folder("./q/", &[("q/a.gq", &format!("\n{bad}"))]);
    let (code, out) = f.json(&["validate"]);
    assert_eq!(code, 1);
    assert_eq!(
        diagnostics(&out),
        [diagnostic(
            "query_typecheck_error",
            "graphs.people.queries.bad",
            "type error: T6: type `Person` has no property `agee` (query declared in 'q/a.gq' at 2:7)"
        )]
    );
    f.write("people.pg", "node Person {\n");
    let (_, out) = f.json(&["validate"]);
    assert_eq!(
        diagnostics(&out).last().cloned(),
        Some(diagnostic(
            "query_typecheck_skipped",
            "graphs.people.queries.bad",
            "query parsed, but type-check was skipped because the graph schema is invalid (query declared in 'q/a.gq' at 2:7)"
        ))
    );
}

/// The rich view of `validate` says how many queries each graph discovered, and from where;
/// the plain text and a map-form cluster's rich view say nothing of it.
#[test]
fn validate_reports_what_was_discovered_in_the_rich_view() {
    let f = Folder::empty();
    f.write("people.pg", LIVE_PEOPLE_PG);
    f.write("q/a.gq", format!("{}\n{}", query("a1", 1), query("a2", 2)));
    f.write("q/b.gq", query("b", 3));
    f.write("one.gq", query("one", 4));
    f.write(
        "cluster.yaml",
        cluster_yaml(&[
            ("listed", "[./one.gq, ./empty/]"),
            ("people", "./q/"),
            ("mapped", "{one: {file: ./one.gq}}"),
        ]),
    );
    std::fs::create_dir(f.at("empty")).expect("mkdir");
    let (code, text) = f.human(&["validate", "--format", "rich"]);
    assert_eq!(code, 0);
    assert_eq!(
        text,
        "cluster config valid: 11 resource(s), 13 dependency edge(s)

Discovered queries:
  graph listed: 1 stored query(ies)
      ./one.gq (file): 1 query(ies)
      ./empty/ (directory): 0 query(ies) in 0 file(s)
  graph people: 3 stored query(ies)
      ./q/ (directory): 3 query(ies) in 2 file(s)

warning[query_dir_empty]: query directory 'empty' has no .gq file
  --> graphs.listed.queries
"
    );
    let (_, plain) = f.human(&["validate"]);
    assert_eq!(
        plain,
        "cluster config valid: 11 resource(s), 13 dependency edge(s)\nWARN  query_dir_empty graphs.listed.queries: query directory 'empty' has no .gq file\n"
    );
    let map = Folder::standard();
    assert!(
        !map.human(&["validate", "--format", "rich"])
            .1
            .contains("Discovered")
    );
}

/// In the rich view a discovered query's problems point at its source, as a map-declared
/// query's do: a type error at the offending text, a duplicate at its second declaration, a
/// parse error at its place; the plain text keeps the one-line messages.
#[test]
fn the_rich_view_points_at_the_discovered_source() {
    let bad = query("bad", 1).replace("$p.age }", "$p.agee }");
    let f = folder(
        "./q/",
        &[
            ("q/a.gq", &format!("{}\n{bad}", query("dup", 2))),
            ("q/b.gq", &query("dup", 3)),
            ("q/c.gq", "query broken( {\n"),
        ],
    );
    let (code, text) = f.human(&["validate", "--format", "rich"]);
    assert_eq!(code, 1);
    for expected in [
        "\
error[query_parse_error]: could not parse query file 'q/c.gq' at 1:15, so its queries cannot be discovered: expected a variable (`$name`), found `{`
 --> q/c.gq:1:15
  |
1 | query broken( {
  |               ^
  = in: graphs.people.queries
",
        "\
error[query_typecheck_error]: type error: T6: type `Person` has no property `agee` (query declared in 'q/a.gq' at 7:7)
 --> q/a.gq:9:21
  |
9 |   return { $p.name, $p.agee }
  |                     ^^^^^^^
  = help: did you mean `age`?
  = in: graphs.people.queries.bad
",
        "\
error[duplicate_query_name]: query `dup` of graph `people` is declared in 'q/a.gq' at 1:7 and again in 'q/b.gq' at 1:7
 --> q/b.gq:1:7
  |
1 | query dup($name: String) {
  |       ^^^
  = in: graphs.people.queries.dup
",
    ] {
        assert!(text.contains(expected), "{expected}\nnot in\n{text}");
    }
    let (_, plain) = f.human(&["validate"]);
    assert!(plain.contains(
        "ERROR duplicate_query_name graphs.people.queries.dup: query `dup` of graph `people` is declared in 'q/a.gq' at 1:7 and again in 'q/b.gq' at 1:7\n"
    ), "{plain}");
    assert!(!plain.contains("did you mean"));
}

/// The folder of [`folder`] with the real root the live schema was made for: import records it,
/// so apply can publish the queries.
fn live(queries: &str, files: &[(&str, &str)]) -> Folder {
    let f = folder(queries, files);
    f.add_root("people", "people-fresh.omni");
    f
}

fn converge(f: &Folder) -> Value {
    let (code, out) = f.json(&["import"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = f.json(&["apply"]);
    assert_eq!((code, &out["converged"]), (0, &json!(true)), "{out}");
    out
}

/// Each form through the whole lifecycle: import, plan, apply (each query's blob is its whole
/// file), status, refresh, plan again with nothing to do.
#[test]
fn every_form_works_end_to_end() {
    let two = format!("{}\n{}", query("find_person", 1), query("by_name", 2));
    for queries in [
        "./q/",
        "[./q/two.gq, ./q/one.gq]",
        "[./q]",
        "\n      find_person: {file: ./q/two.gq}\n      by_name: {file: ./q/two.gq}\n      one: {file: ./q/one.gq}",
    ] {
        let f = live(
            queries,
            &[("q/two.gq", &two), ("q/one.gq", &query("one", 3))],
        );
        let (code, plan) = f.json(&["plan"]);
        assert_eq!(code, 0, "{queries}: {plan}");
        let out = converge(&f);
        assert_eq!(out["applied_count"], 3, "{queries}: {out}");
        for (name, file) in [
            ("find_person", "q/two.gq"),
            ("by_name", "q/two.gq"),
            ("one", "q/one.gq"),
        ] {
            let text = f.read_string(file);
            let blob = format!(
                "__cluster/resources/query/people/{name}/{}.gq",
                digest(&text)
            );
            assert_eq!(f.read_string(&blob), text, "{queries}: {name}");
        }
        let (code, status) = f.json(&["status"]);
        assert_eq!(code, 0, "{status}");
        assert_eq!(status["diagnostics"], json!([]), "{queries}");
        let (code, refresh) = f.json(&["refresh"]);
        assert_eq!(code, 0, "{refresh}");
        let (code, plan) = f.json(&["plan", "--detailed-exitcode"]);
        assert_eq!((code, &plan["changes"]), (0, &json!([])), "{queries}");
    }
}

/// One file, several queries: editing one of them changes the file's digest, so every query of
/// the file is updated, and each blob is the new file.
#[test]
fn editing_a_file_of_several_queries_updates_all_of_them() {
    let three = [query("q1", 1), query("q2", 2), query("q3", 3)].join("\n");
    let f = live(
        "./q/",
        &[("q/three.gq", &three), ("q/other.gq", &query("other", 4))],
    );
    converge(&f);
    let edited = three.replace("limit 2", "limit 20");
    f.write("q/three.gq", &edited);
    let (code, plan) = f.json(&["plan", "--detailed-exitcode"]);
    assert_eq!(code, 2, "{plan}");
    assert_eq!(
        change_list(&plan),
        [
            ch("graph.people", "update", "derived", ""),
            ch("query.people.q1", "update", "applied", ""),
            ch("query.people.q2", "update", "applied", ""),
            ch("query.people.q3", "update", "applied", ""),
        ]
    );
    let (code, out) = f.json(&["apply"]);
    assert_eq!((code, &out["converged"]), (0, &json!(true)), "{out}");
    let state = f.state();
    for name in ["q1", "q2", "q3"] {
        let recorded = &state["applied_revision"]["resources"][format!("query.people.{name}")];
        assert_eq!(recorded["digest"], digest(&edited), "{name}");
        let blob = format!(
            "__cluster/resources/query/people/{name}/{}.gq",
            digest(&edited)
        );
        assert_eq!(f.read_string(&blob), edited);
    }
    assert_eq!(
        state["applied_revision"]["resources"]["query.people.other"]["digest"],
        digest(&query("other", 4))
    );
}

/// Where a test saves its plan: in its own folder (a relative path would be the test process's
/// working directory, shared by every test).
fn saved_plan(f: &Folder) -> String {
    f.at("plan.json").to_str().expect("utf8").to_string()
}

/// The config digest covers the discovered files: adding, removing or editing a file of a
/// discovered directory changes it, and a plan saved before is refused as stale.
#[test]
fn a_saved_plan_is_stale_once_a_discovered_file_is_added_removed_or_edited() {
    type Edit = fn(&Folder);
    let edits: [(&str, Edit); 4] = [
        ("add", |f| f.write("q/new.gq", query("new", 9))),
        ("remove", |f| f.remove("q/b.gq")),
        ("edit", |f| f.write("q/a.gq", query("a", 10))),
        ("rename", |f| {
            std::fs::rename(f.at("q/b.gq"), f.at("q/c.gq")).expect("rename")
        }),
    ];
    for (what, edit) in edits {
        let f = live(
            "./q/",
            &[("q/a.gq", &query("a", 1)), ("q/b.gq", &query("b", 2))],
        );
        converge(&f);
        f.write("q/a.gq", query("a", 5));
        let plan = saved_plan(&f);
        let (code, saved) = f.json(&["plan", "--out", &plan]);
        assert_eq!(code, 0, "{saved}");
        let digest_before = saved["desired_revision"]["config_digest"].clone();
        edit(&f);
        let (_, now) = f.json(&["plan"]);
        if what == "rename" {
            // Same names, same digests: the same revision, and the plan still applies.
            assert_eq!(now["desired_revision"]["config_digest"], digest_before);
            let (code, out) = f.json(&["apply", "--plan", &plan]);
            assert_eq!((code, &out["applied_count"]), (0, &json!(1)), "{out}");
            continue;
        }
        assert_ne!(
            now["desired_revision"]["config_digest"], digest_before,
            "{what}"
        );
        let (code, out) = f.json(&["apply", "--plan", &plan]);
        assert_eq!(code, 1, "{what}: {out}");
        assert_eq!(codes(&out), ["saved_plan_stale"], "{what}");
        assert_eq!(out["applied_count"], 0);
    }
    // Unchanged, the saved plan applies.
    let f = live("./q/", &[("q/a.gq", &query("a", 1))]);
    converge(&f);
    f.write("q/a.gq", query("a", 5));
    let plan = saved_plan(&f);
    assert_eq!(f.json(&["plan", "--out", &plan]).0, 0);
    let (code, out) = f.json(&["apply", "--plan", &plan]);
    assert_eq!((code, &out["applied_count"]), (0, &json!(1)), "{out}");
}

/// The bundled discovery example converges on its first run (import, then apply), and
/// validate's rich view reports what it discovered.
#[test]
fn the_discovery_example_converges_on_a_first_run() {
    let f = Folder::example("discovery");
    let (code, text) = f.human(&["validate", "--format", "rich"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("  graph people: 3 stored query(ies)\n      ./queries/people/ (directory): 3 query(ies) in 2 file(s)\n"),
        "{text}"
    );
    let out = converge(&f);
    assert_eq!(out["applied_count"], 7, "{out}");
    let (code, plan) = f.json(&["plan", "--detailed-exitcode"]);
    assert_eq!((code, &plan["changes"]), (0, &json!([])));
}

// ---------------------------------------------------------------------------------------------
// A directory and its map

/// Query files of one graph: per file, the names it declares (unique across files) and the
/// limit that tells each text apart.
fn query_files() -> impl Strategy<Value = Vec<Vec<(String, u32)>>> {
    prop::collection::vec(1usize..4, 1..5)
        .prop_flat_map(|counts| {
            let total: usize = counts.iter().sum();
            let names: Vec<String> = (0..total).map(|i| format!("q{i:02}")).collect();
            (
                Just(counts),
                Just(names).prop_shuffle(),
                prop::collection::vec(1u32..1000, total),
            )
        })
        .prop_map(|(counts, names, limits)| {
            let mut named = names.into_iter().zip(limits);
            counts
                .iter()
                .map(|&count| named.by_ref().take(count).collect())
                .collect()
        })
}

/// The same files under `q/` (file `i` named so that name order and file order differ), with
/// `queries:` as given, and the live root.
fn cluster_of(files: &[Vec<(String, u32)>], queries: &str) -> Folder {
    let f = live(queries, &[]);
    for (index, declared) in files.iter().enumerate() {
        let text: Vec<String> = declared
            .iter()
            .map(|(name, limit)| query(name, *limit))
            .collect();
        f.write(&file_name(index, files.len()), text.join("\n"));
    }
    f
}

fn file_name(index: usize, count: usize) -> String {
    format!("q/f{}.gq", count - index)
}

/// Everything two runs in two folders must agree on, with the folder's path a token.
fn comparable(f: &Folder, out: &Value, keys: &[&str]) -> Vec<String> {
    keys.iter()
        .map(|key| f.redact(&out[*key].to_string()))
        .collect()
}

fn catalog(f: &Folder) -> Vec<(String, Vec<u8>)> {
    f.files()
        .into_iter()
        .filter(|p| p.starts_with("__cluster/resources/"))
        .map(|p| (p.clone(), f.read(&p)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// A directory form and the map that names each of its declarations give the same
    /// resources, resource digests, edges, plan changes and catalog blobs (before and after an
    /// edit); only the config digest differs, because the declaration does.
    #[test]
    fn a_directory_and_its_map_differ_only_in_the_config_digest(files in query_files()) {
        let mut map = String::new();
        for (index, declared) in files.iter().enumerate() {
            for (name, _) in declared {
                map.push_str(&format!("\n      {name}: {{file: ./{}}}", file_name(index, files.len())));
            }
        }
        let found = cluster_of(&files, "./q/");
        let mapped = cluster_of(&files, &map);
        let both = |args: &[&str], keys: &[&str]| {
            let (code_f, out_f) = found.json(args);
            let (code_m, out_m) = mapped.json(args);
            assert_eq!(code_f, code_m, "{args:?}: {out_f}");
            assert_eq!(comparable(&found, &out_f, keys), comparable(&mapped, &out_m, keys), "{args:?}");
            (out_f, out_m)
        };
        let (out_f, _) = both(&["validate"], &["ok", "resources", "resource_digests", "dependencies", "diagnostics"]);
        prop_assert_eq!(out_f["diagnostics"].clone(), json!([]));
        both(&["import"], &["ok", "state_revision"]);
        let (plan_f, plan_m) = both(&["plan"], &["changes", "blast_radius", "approvals_required", "resource_digests"]);
        prop_assert_ne!(
            &plan_f["desired_revision"]["config_digest"],
            &plan_m["desired_revision"]["config_digest"]
        );
        both(&["apply"], &["ok", "changes", "converged"]);
        prop_assert_eq!(catalog(&found), catalog(&mapped));
        // An edit of the first file: the same updates on both sides.
        let first = file_name(0, files.len());
        for f in [&found, &mapped] {
            f.write(&first, f.read_string(&first).replace("limit ", "limit 1"));
        }
        both(&["plan"], &["changes", "blast_radius"]);
        both(&["apply"], &["ok", "changes", "converged"]);
        prop_assert_eq!(catalog(&found), catalog(&mapped));
    }
}
