//! Issue 18 §1–§2: the rich view (forced with `--format rich` or `OMNIGRAPH_FORMAT=rich`, so
//! piped and uncoloured here; the terminal default is checked on a pseudo-terminal at the end),
//! content diffs in every view and under `--json --diff`, and drift and failures named in the
//! text.

use cluster_test_support::*;
use serde_json::Value;

const NEW_GQ: &str = "\nquery find_person($name: String) {\n  match { $p: Person { name: $name } }\n  return { $p.name }\n}\n";
const NEW_POLICY: &str = "rules:\n  - allow: read\n";

/// S45's folder, then the query and the policy edited: two content updates.
fn edited() -> Folder {
    let f = Folder::applied();
    f.write("people.gq", NEW_GQ);
    f.write("base.policy.yaml", NEW_POLICY);
    f
}

fn rich(f: &Folder, args: &[&str]) -> (i32, String) {
    let mut all = args.to_vec();
    all.extend(["--format", "rich"]);
    f.human(&all)
}

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The change object of `resource` in a plan or apply document.
fn change<'a>(out: &'a Value, resource: &str) -> &'a Value {
    out["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["resource"] == resource)
        .unwrap_or_else(|| panic!("no change of {resource}"))
}

#[test]
fn plan_shows_each_update_as_a_diff_with_a_summary_line() {
    let f = edited();
    let (code, text) = rich(&f, &["plan"]);
    assert_eq!(code, 0, "{text}");
    snap!(f, "rich_plan_updates", text);
    let blob = format!("--- {}", f.at(&query_blob_rel(QUERY_DIGEST)).display());
    assert!(text.contains(&blob), "{text}");
    assert!(text.contains("-  return { $p.name, $p.age }\n      +  return { $p.name }\n"));
    assert!(text.ends_with("apply would converge.\n"), "{text}");
    // The environment variable gives the same view, for CI logs.
    let run = f.run_env(&["plan"], &env(&[("OMNIGRAPH_FORMAT", "rich")]));
    assert_eq!(run.stdout, text);
    // An explicit flag wins over the variable.
    let plain = f.run_env(
        &["plan", "--format", "plain"],
        &env(&[("OMNIGRAPH_FORMAT", "rich")]),
    );
    assert_eq!(plain.stdout, f.human(&["plan"]).1);
    let bad = f.run_env(&["plan"], &env(&[("OMNIGRAPH_FORMAT", "fancy")]));
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("OMNIGRAPH_FORMAT"), "{}", bad.stderr);
}

#[test]
fn a_fresh_plan_names_reasons_blast_radius_and_what_moved() {
    let f = Folder::standard();
    let (code, text) = rich(&f, &["plan"]);
    assert_eq!(code, 0, "{text}");
    snap!(f, "rich_plan_fresh", text);
    assert!(text.contains("  Create policy.base [blocked: dependency_missing]\n      why: "));
    assert!(
        text.contains(
            "      affects: policy.base, query.knowledge.find_person, schema.knowledge\n"
        )
    );
    assert!(text.contains("+rules: []"));
    assert!(text.ends_with(
        "Plan: 4 change(s): 4 create, 0 update, 0 delete · 0 to apply, 0 derived, 2 deferred, 2 blocked · apply would not converge (4 change(s) wait).\n"
    ));
}

#[test]
fn json_changes_carry_a_diff_only_with_the_flag() {
    let f = edited();
    let (code, out) = f.json(&["plan", "--diff"]);
    assert_eq!(code, 0);
    let query = &change(&out, "query.knowledge.find_person")["diff"];
    assert_eq!(query["kind"], "text");
    assert_eq!(
        query["old"],
        f.at(&query_blob_rel(QUERY_DIGEST)).display().to_string()
    );
    assert!(query["new"].as_str().expect("new").ends_with("people.gq"));
    assert_eq!(
        (query["added"].clone(), query["removed"].clone()),
        (1.into(), 1.into())
    );
    assert!(
        query["unified"]
            .as_str()
            .expect("unified")
            .starts_with("@@ -1,5 +1,5 @@\n")
    );
    let graph = &change(&out, "graph.knowledge")["diff"];
    assert_eq!(graph["kind"], "digest");
    assert!(
        graph["note"]
            .as_str()
            .expect("note")
            .ends_with("its members changed: query.knowledge.find_person updated")
    );
    // Without the flag (even with the rich view asked for by the environment) the document is
    // the contract's.
    let bare_run = f.run(&["plan", "--json"]);
    let bare = bare_run.json();
    let rich_env = f.run_env(&["plan", "--json"], &env(&[("OMNIGRAPH_FORMAT", "rich")]));
    assert_eq!(scrub(&rich_env.stdout), scrub(&bare_run.stdout));
    assert!(
        bare["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .all(|c| c.get("diff").is_none())
    );
    // apply --json --diff too, and the diffs are those of what it applied.
    let (code, applied) = f.json(&["apply", "--diff"]);
    assert_eq!(code, 0);
    assert_eq!(
        change(&applied, "policy.base")["diff"]["unified"],
        "@@ -1 +1,2 @@\n-rules: []\n+rules:\n+  - allow: read\n"
    );
}

#[test]
fn plain_text_gains_diffs_after_its_lines_with_the_flag() {
    let f = edited();
    let plain = f.human(&["plan"]).1;
    let (code, with) = f.human(&["plan", "--diff"]);
    assert_eq!(code, 0);
    let rest = with
        .strip_prefix(&plain)
        .expect("the contract's lines first");
    assert!(
        rest.starts_with("\ncontent diffs:\n  Update graph.knowledge\n"),
        "{rest}"
    );
    assert!(rest.contains("  Update policy.base\n    --- "), "{rest}");
}

#[test]
fn a_missing_applied_blob_is_said_not_diffed() {
    let f = edited();
    f.remove(&query_blob_rel(QUERY_DIGEST));
    let (_, text) = rich(&f, &["plan"]);
    assert!(
        text.contains("      (no diff: the catalog payload blob is missing (run `cluster apply` to republish it))\n"),
        "{text}"
    );
    let (_, out) = f.json(&["plan", "--diff"]);
    let diff = &change(&out, "query.knowledge.find_person")["diff"];
    assert_eq!(diff["kind"], "unavailable");
    // A damaged one too.
    f.write(&query_blob_rel(QUERY_DIGEST), "not the query");
    let (_, out) = f.json(&["plan", "--diff"]);
    let note = change(&out, "query.knowledge.find_person")["diff"]["note"].clone();
    assert!(
        note.as_str()
            .expect("note")
            .contains("does not match the recorded digest")
    );
}

#[test]
fn long_diffs_stop_with_a_count_unless_all_are_asked_for() {
    let f = Folder::applied();
    let long: String = (0..100).map(|i| format!("# line {i}\n")).collect();
    f.write("base.policy.yaml", &long);
    let (_, text) = rich(&f, &["plan"]);
    assert!(
        text.contains("      … 62 more line(s) of this diff not shown (--full-diff shows all)\n"),
        "{text}"
    );
    assert!(!text.contains("+# line 99"));
    let (_, full) = rich(&f, &["plan", "--full-diff"]);
    assert!(full.contains("      +# line 99\n"));
    assert!(!full.contains("not shown"));
}

#[test]
fn schema_and_graph_changes_are_said_in_words() {
    let f = Folder::applied();
    f.write(
        "people.pg",
        PEOPLE_PG.replace("age: I32?", "age: I32?\n  email: String?"),
    );
    let (_, text) = rich(&f, &["plan"]);
    assert!(
        text.contains(&format!(
            "the schema of graph `knowledge` changed: sha256 {} → ",
            &SCHEMA_DIGEST[..12]
        )),
        "{text}"
    );
    assert!(text.contains("the applied schema text is not kept in the catalog"));
    assert!(
        text.contains("its members changed: schema.knowledge updated"),
        "{text}"
    );
}

#[test]
fn apply_that_ran_and_apply_that_was_refused() {
    let f = Folder::standard();
    f.applyable_state();
    let (code, text) = rich(&f, &["apply"]);
    assert_eq!(code, 0, "{text}");
    snap!(f, "rich_apply", text);

    // A saved plan the config moved away from: nothing is applied, and nothing says it was.
    let f = edited();
    let plan = f.at("plan.json");
    let plan = plan.to_str().expect("utf8");
    assert_eq!(f.human(&["plan", "--out", plan]).0, 0);
    f.write("people.gq", PEOPLE_GQ);
    let before = f.read("__cluster/state.json");
    let (code, text) = rich(&f, &["apply", "--plan", plan]);
    assert_eq!(code, 1);
    assert!(
        text.starts_with("cluster apply failed: nothing was applied\n"),
        "{text}"
    );
    assert!(
        !text.contains("[applied]") && !text.contains("[Applied]"),
        "{text}"
    );
    assert!(
        text.contains("  Update policy.base [not applied]\n"),
        "{text}"
    );
    assert!(text.ends_with(
        "Nothing was applied (saved_plan_stale: the saved plan was refused: the config or the state moved since it was made). 1 change(s): 0 create, 1 update, 0 delete · 1 not applied, 0 derived, 0 deferred, 0 blocked · the state is unchanged.\n"
    ), "{text}");
    assert_eq!(f.read("__cluster/state.json"), before);
}

#[test]
fn refresh_names_missing_and_failed_roots_and_status_lists_drift() {
    let f = Folder::live();
    assert_eq!(f.json(&["import"]).0, 0);
    f.remove("graphs/knowledge.omni");
    let (code, text) = rich(&f, &["refresh"]);
    assert_eq!(code, 0, "{text}");
    snap!(f, "rich_refresh_missing_root", text);
    assert!(text.contains(&format!(
        "  knowledge missing {}\n      derived graph root is missing; graph.knowledge and schema.knowledge left the applied resources\n",
        f.at("graphs/knowledge.omni").display()
    )), "{text}");

    let (code, text) = rich(&f, &["status"]);
    assert_eq!(code, 0);
    snap!(f, "rich_status_drift", text);
    assert!(
        text.contains(
            "  graph.knowledge   drifted [graph_missing]: derived graph root is missing\n"
        ),
        "{text}"
    );

    // A root whose schema is damaged: the graph, the file and the cause.
    f.add_root("knowledge", "people-fresh.omni");
    f.write("graphs/knowledge.omni/_schema.pg", "node {");
    let (code, text) = rich(&f, &["refresh"]);
    assert_eq!(code, 1);
    let schema = f.at("graphs/knowledge.omni/_schema.pg");
    assert!(
        text.contains(&format!(
            "  knowledge failed {}\n",
            f.at("graphs/knowledge.omni").display()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("'{}' is not a valid schema", schema.display())),
        "{text}"
    );
    assert!(
        text.contains("graph_observation_error: Fix or re-create the root"),
        "{text}"
    );
}

#[test]
fn import_that_failed_says_nothing_was_written() {
    let f = Folder::live();
    f.write("graphs/knowledge.omni/_schema.pg", "node {");
    let (code, text) = rich(&f, &["import"]);
    assert_eq!(code, 1);
    assert!(
        text.starts_with("cluster import failed: nothing was written\n"),
        "{text}"
    );
    assert!(text.contains("  knowledge failed "), "{text}");
    assert!(!f.exists("__cluster/state.json"));
}

#[test]
fn status_lists_catalog_findings() {
    let f = Folder::applied();
    f.remove(&policy_blob_rel(POLICY_DIGEST));
    let (code, text) = rich(&f, &["status"]);
    assert_eq!(code, 0);
    assert!(text.contains("\nFindings (1):\nwarning[catalog_payload_missing]: catalog payload blob is missing; re-run `cluster apply` to republish\n  --> policy.base\n"), "{text}");
}

#[test]
fn validate_draws_diagnostics_like_a_compiler() {
    let f = Folder::standard();
    f.write("people.gq", "query nope() {");
    let (code, text) = rich(&f, &["validate"]);
    assert_eq!(code, 1);
    assert!(
        text.starts_with("cluster config invalid\n\nerror[query_parse_error]: "),
        "{text}"
    );
    // Issue 18 §8: the parse error points at its place in the source; the config path follows.
    assert!(
        text.contains(
            " --> people.gq:1:15\n  |\n1 | query nope() {\n  |               ^\n  = in: graphs.knowledge.queries.find_person\n"
        ),
        "{text}"
    );
}

#[test]
fn the_rich_view_is_a_terminals_default() {
    let f = edited();
    let run = f.pty(&["plan", "--color", "never"], "");
    assert_eq!(run.code, 0, "{}", run.screen);
    assert_eq!(run.screen, rich(&f, &["plan"]).1);
    // Coloured: diff lines in red and green.
    let run = f.pty(&["plan"], "");
    assert!(
        run.screen.contains("\u{1b}[31m-rules: []\u{1b}[0m"),
        "{}",
        run.screen
    );
    assert!(
        run.screen.contains("\u{1b}[32m+rules:\u{1b}[0m"),
        "{}",
        run.screen
    );
    // JSON on a terminal is the contract's document, with no diff.
    let run = f.pty(&["plan", "--json"], "");
    assert!(!run.screen.contains("\"diff\""));
    // Quick work shows no progress bar.
    assert!(!run.screen.contains("payload blobs"));
}

#[test]
fn a_declined_prompt_says_nothing_was_applied() {
    let f = super::terminal::policy_removed();
    let run = f.pty(&["apply", "--color", "never"], "no\n");
    assert_eq!(run.code, 1, "{}", run.screen);
    assert!(
        run.screen
            .contains("cluster apply failed: nothing was applied\n"),
        "{}",
        run.screen
    );
    assert!(
        run.screen.contains("  Delete policy.base [not applied]\n"),
        "{}",
        run.screen
    );
    assert!(!run.screen.contains("[applied]") && !run.screen.contains("[Applied]"));
    assert!(
        run.screen.contains(
            "Nothing was applied (confirmation_declined: the prompt was not answered `yes`)"
        ),
        "{}",
        run.screen
    );
}

/// `--json` is the same document whatever `OMNIGRAPH_FORMAT` says, even a value the text views
/// refuse.
#[test]
fn json_ignores_the_text_view_variable() {
    let f = Folder::applied();
    let plain = f.run(&["status", "--json"]);
    let odd = f.run_env(
        &["status", "--json"],
        &env(&[("OMNIGRAPH_FORMAT", "bogus")]),
    );
    assert_eq!((odd.code, &odd.stdout), (0, &plain.stdout));
    let refused = f.run_env(&["status"], &env(&[("OMNIGRAPH_FORMAT", "bogus")]));
    assert_eq!(refused.code, 2);
}
