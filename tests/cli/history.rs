//! Issue 17 §5: every state publish (apply, refresh, import) records its revision with its
//! actor; `cluster history` lists the confirmed chain and `history show REV` shows one revision.

use cluster_test_support::*;
use serde_json::{Value, json};

/// Import, apply as `alice`, refresh as the environment's actor.
fn three_revisions() -> Folder {
    let f = Folder::live();
    assert_eq!(f.json(&["import"]).0, 0);
    let run = f.run(&["--as", "alice", "apply", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = f.run_env(
        &["refresh", "--json"],
        &[("OMNIGRAPH_ACTOR".to_string(), "ci-bot".to_string())],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    f
}

#[test]
fn every_publish_is_recorded_with_its_actor() {
    let f = three_revisions();
    let (code, out) = f.json(&["history"]);
    assert_eq!(code, 0, "{out}");
    check_history(&out, "three revisions");
    let rows: Vec<(u64, &str, &str)> = out["revisions"]
        .as_array()
        .expect("revisions")
        .iter()
        .map(|r| {
            (
                r["revision"].as_u64().expect("revision"),
                r["operation"].as_str().expect("operation"),
                r["actor"].as_str().expect("actor"),
            )
        })
        .collect();
    assert_eq!(rows[0], (3, "refresh", "ci-bot"));
    assert_eq!(rows[1], (2, "apply", "alice"));
    assert_eq!(rows[2].1, "import");
    assert!(
        rows[2].2.contains('@'),
        "user@host by default: {}",
        rows[2].2
    );
    assert_eq!(
        out["revisions"][1]["changes"],
        json!({"create": 2, "update": 1, "delete": 0, "drift": 0})
    );
    // --limit keeps the newest.
    let (_, limited) = f.json(&["history", "--limit", "1"]);
    assert_eq!(limited["revisions"].as_array().expect("revisions").len(), 1);
    assert_eq!(limited["revisions"][0]["revision"], 3);
    // The human listing: one line per revision.
    let (code, human) = f.human(&["history"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = human.lines().collect();
    assert_eq!(lines[0], "cluster history: 3 revision(s), newest first");
    assert!(
        lines[2].starts_with("  2  ") && lines[2].ends_with("  apply  alice  2 created, 1 updated"),
        "{human}"
    );
}

#[test]
fn a_revision_shows_whole() {
    let f = three_revisions();
    let state_cas = format!("sha256:{}", sha256_hex(&f.read("__cluster/state.json")));
    let (code, out) = f.json(&["history", "show", "2"]);
    assert_eq!(code, 0, "{out}");
    let record = &out["record"];
    assert_eq!(record["revision"], 2);
    assert_eq!(record["operation"], "apply");
    assert_eq!(record["actor"], "alice");
    assert_eq!(record["format_version"], 1);
    assert!(
        record["tool_version"]
            .as_str()
            .expect("tool")
            .starts_with("omnigraph-cluster ")
    );
    let changes: Vec<(&str, &str)> = record["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["resource"].as_str().expect("resource"),
                c["action"].as_str().expect("action"),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("graph.knowledge", "update"),
            ("policy.base", "create"),
            ("query.knowledge.find_person", "create")
        ]
    );
    assert_eq!(record["changes"][2]["after_digest"], QUERY_DIGEST);
    // Revision 3's record names the current state; revision 2's is the one before it.
    let (_, newest) = f.json(&["history", "show", "3"]);
    assert_eq!(newest["record"]["state_cas_after"], json!(state_cas));
    assert_eq!(
        newest["record"]["state_cas_before"],
        record["state_cas_after"]
    );
    // Import records what it observed.
    let (_, first) = f.json(&["history", "show", "1"]);
    assert_eq!(first["record"]["state_cas_before"], Value::Null);
    assert!(
        !first["record"]["drift"]
            .as_array()
            .expect("drift")
            .is_empty()
    );

    for missing in ["0", "4"] {
        let (code, out) = f.json(&["history", "show", missing]);
        assert_eq!(
            (code, codes(&out)),
            (1, vec!["history_revision_not_found".to_string()])
        );
        assert_eq!(
            diag(&out, "history_revision_not_found")["message"],
            format!("revision {missing} is not in the history: the ledger is at revision 3")
        );
    }
    let (code, human) = f.human(&["history", "show", "2"]);
    assert_eq!(code, 0);
    assert!(
        human.starts_with("cluster revision 2: apply by alice at "),
        "{human}"
    );
    assert!(
        human.contains(&format!(
            "  Create query.knowledge.find_person: (none) -> {QUERY_DIGEST}\n"
        )),
        "{human}"
    );
}

/// A record whose state was never published (its command lost the compare-and-swap, or was
/// killed before the publish) is never shown as published; a revision published without a
/// record (another tool, an older build) stops the chain with a warning.
#[test]
fn phantoms_are_never_shown_and_gaps_are_said() {
    let f = three_revisions();
    let names = |f: &Folder| -> Vec<String> {
        f.files()
            .into_iter()
            .filter(|n| n.starts_with("__cluster/history/"))
            .collect()
    };
    // A phantom for revision 3 (lost the race) and one for revision 4 (never published).
    let (_, two) = f.json(&["history", "show", "2"]);
    let mut phantom = two["record"].clone();
    phantom["revision"] = json!(3);
    phantom["actor"] = json!("mallory");
    phantom["state_cas_before"] = two["record"]["state_cas_after"].clone();
    phantom["state_cas_after"] = json!("sha256:0000");
    f.write(
        "__cluster/history/00000000000000000003-01PHANTOM.json",
        phantom.to_string(),
    );
    phantom["revision"] = json!(4);
    f.write(
        "__cluster/history/00000000000000000004-01PHANTOM.json",
        phantom.to_string(),
    );
    assert_eq!(names(&f).len(), 5);
    let (code, out) = f.json(&["history"]);
    assert_eq!(code, 0, "{out}");
    check_history(&out, "with phantoms");
    assert!(!out.to_string().contains("mallory"));
    let (code, _) = f.json(&["history", "show", "4"]);
    assert_eq!(code, 1);

    // A state written by hand (as another tool would) has no record: the chain stops there.
    let mut state = f.state();
    state["state_revision"] = json!(4);
    f.write_state(&serde_json::to_string_pretty(&state).expect("json"));
    let (code, out) = f.json(&["history"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["revisions"], json!([]));
    assert_eq!(codes(&out), ["history_incomplete"]);
    // The next publish by this tool starts a confirmed chain again.
    assert_eq!(f.json(&["refresh"]).0, 0);
    let (_, out) = f.json(&["history"]);
    assert_eq!(out["revisions"].as_array().expect("revisions").len(), 1);
    assert_eq!(out["revisions"][0]["revision"], 5);
    assert_eq!(
        diag(&out, "history_incomplete")["message"],
        "revision 4 was published without a history record (by another tool, by a build that kept no history, or by hand); earlier revisions cannot be confirmed"
    );
}

/// The record is written before the state: when it cannot be, nothing is published.
#[test]
fn no_record_no_publish() {
    let f = Folder::live();
    assert_eq!(f.json(&["import"]).0, 0);
    let state = f.read("__cluster/state.json");
    f.remove("__cluster/history");
    f.write(
        "__cluster/history",
        "a file where the history directory belongs",
    );
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(codes(&out), ["history_write_error"]);
    assert_eq!(out["state_written"], false);
    assert_eq!(f.read("__cluster/state.json"), state);
    // Without state there is nothing to list.
    let fresh = Folder::live();
    let (code, out) = fresh.json(&["history"]);
    assert_eq!((code, codes(&out)), (0, vec!["state_missing".to_string()]));
    assert_eq!(out["revisions"], json!([]));
}

/// `history show` diffs each query and policy change, both sides read from the catalog.
#[test]
fn a_revision_shows_its_content_diffs_from_the_catalog() {
    let f = three_revisions();
    f.write("people.gq", PEOPLE_GQ.replace(", $p.age }", " }"));
    let (code, out) = f.json(&["apply"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = f.json(&["history", "show", "4"]);
    assert_eq!(code, 0, "{out}");
    let diffs = out["diffs"].as_array().expect("diffs");
    assert_eq!(diffs.len(), 1, "graphs have no content: {out}");
    assert_eq!(diffs[0]["resource"], "query.knowledge.find_person");
    let diff = &diffs[0]["diff"];
    assert_eq!(diff["kind"], "text");
    assert_eq!((&diff["added"], &diff["removed"]), (&json!(1), &json!(1)));
    let unified = diff["unified"].as_str().expect("unified");
    assert!(
        unified.contains("-  return { $p.name, $p.age }\n+  return { $p.name }\n"),
        "{unified}"
    );
    assert!(
        diff["old"]
            .as_str()
            .expect("old")
            .ends_with(&format!("{QUERY_DIGEST}.gq"))
    );
    // A create shows the whole new content; a blob that is gone is said, not diffed.
    let (_, created) = f.json(&["history", "show", "2"]);
    let create = &created["diffs"][1]["diff"];
    assert_eq!(create["old"], Value::Null);
    assert_eq!(create["removed"], 0);
    f.remove(&query_blob_rel(QUERY_DIGEST));
    let (_, gone) = f.json(&["history", "show", "4"]);
    assert_eq!(gone["diffs"][0]["diff"]["kind"], "unavailable");
    let (_, human) = f.human(&["history", "show", "2"]);
    assert!(human.contains("      +++ "), "{human}");
}

/// `history`'s options belong to the listing: given before `show`, they are refused rather
/// than quietly dropped (`--json` would have printed text).
#[test]
fn listing_options_before_show_are_refused() {
    let f = three_revisions();
    let run = f.run(&["history", "--json", "show", "2"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.is_empty());
    let (code, out) = f.json(&["history", "show", "2"]);
    assert_eq!((code, &out["record"]["revision"]), (0, &json!(2)));
}
