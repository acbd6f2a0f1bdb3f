//! Issue 18 §3–§6: `cluster state list|show`, `cluster show-plan`, `cluster graph` (DOT rendered
//! by Graphviz's `dot`, Mermaid checked structurally), `plan --format markdown` (snapshot and
//! parsed with pulldown-cmark) and `omnigraph man` for every subcommand.

use cluster_test_support::*;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use serde_json::Value;
use std::process::Command;

/// S45's folder with the query edited: a plan with a content diff, a derived graph and no gates.
fn edited() -> Folder {
    let f = Folder::applied();
    f.write(
        "people.gq",
        PEOPLE_GQ.replace("return { $p.name, $p.age }", "return { $p.name }"),
    );
    f
}

#[test]
fn state_list_names_every_address_read_only_and_without_the_lock() {
    let f = Folder::live();
    assert_eq!(f.json(&["import"]).0, 0);
    assert_eq!(f.json(&["apply"]).0, 0);
    f.remove("graphs/knowledge.omni");
    assert_eq!(f.json(&["refresh"]).0, 0);
    // A held lock does not stop a reader, and nothing is written.
    f.held_lock("apply");
    let before: Vec<(String, Vec<u8>)> = f
        .files()
        .into_iter()
        .map(|p| (p.clone(), f.read(&p)))
        .collect();
    let (code, text) = f.human(&["state", "list"]);
    assert_eq!(code, 0, "{text}");
    snap!(f, "state_list", text);
    let (code, out) = f.json(&["state", "list"]);
    assert_eq!(code, 0);
    let resources = out["resources"].as_array().expect("resources");
    assert_eq!(listed_addresses(&out), F_ADDRESSES);
    assert_eq!(resources[0]["status"], "drifted");
    assert_eq!(
        resources[0]["conditions"],
        serde_json::json!(["graph_missing"])
    );
    assert_eq!(resources[0]["digest"], Value::Null);
    assert_eq!(resources[2]["digest"], QUERY_DIGEST);
    assert_eq!(resources[2]["kind"], "query");
    let after: Vec<(String, Vec<u8>)> = f
        .files()
        .into_iter()
        .map(|p| (p.clone(), f.read(&p)))
        .collect();
    assert_eq!(before, after);
    // Rich: the same columns.
    assert_eq!(f.human(&["state", "list", "--format", "rich"]).1, text);
}

#[test]
fn state_list_without_state_warns() {
    let f = Folder::standard();
    let (code, out) = f.json(&["state", "list"]);
    assert_eq!(code, 0);
    assert_eq!(codes(&out), ["state_missing"]);
    assert_eq!(out["resources"], serde_json::json!([]));
    assert!(!f.exists("__cluster"));
}

#[test]
fn state_show_gives_the_payload_or_the_observation() {
    let f = Folder::live();
    assert_eq!(f.json(&["import"]).0, 0);
    assert_eq!(f.json(&["apply"]).0, 0);
    let (code, text) = f.human(&["state", "show", "query.knowledge.find_person"]);
    assert_eq!(code, 0, "{text}");
    snap!(f, "state_show_query", text);
    let (code, out) = f.json(&["state", "show", "query.knowledge.find_person"]);
    assert_eq!(code, 0);
    assert_eq!(out["resource"]["digest"], QUERY_DIGEST);
    assert_eq!(out["resource"]["status"], "applied");
    assert_eq!(out["payload"], PEOPLE_GQ);
    assert_eq!(
        out["blob"],
        f.at(&query_blob_rel(QUERY_DIGEST)).display().to_string()
    );
    let (code, graph) = f.json(&["state", "show", "graph.knowledge"]);
    assert_eq!(code, 0);
    assert_eq!(graph["observation"]["exists"], true);
    assert_eq!(graph["observation"]["schema_digest"], LIVE_SCHEMA_DIGEST);
    assert_eq!(graph["payload"], Value::Null);
    let (_, text) = f.human(&["state", "show", "schema.knowledge"]);
    assert!(text.contains("  last observation:\n"), "{text}");

    // A damaged blob is reported, not shown.
    f.write(&query_blob_rel(QUERY_DIGEST), "tampered");
    let (code, out) = f.json(&["state", "show", "query.knowledge.find_person"]);
    assert_eq!(code, 0);
    assert_eq!(codes(&out), ["catalog_payload_mismatch"]);
    assert_eq!(out["payload"], Value::Null);

    // An address the ledger does not record.
    let (code, out) = f.json(&["state", "show", "query.knowledge.nope"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["resource_not_in_state"]);
    assert_eq!(out["resource"], Value::Null);
}

#[test]
fn show_plan_renders_a_saved_plan() {
    let f = edited();
    let file = f.at("plan.json");
    let file = file.to_str().expect("utf8");
    assert_eq!(f.human(&["plan", "--out", file]).0, 0);
    let (code, text) = f.human(&["show-plan", file]);
    assert_eq!(code, 0, "{text}");
    // Piped: the header, then the plan exactly as `plan` printed it.
    let plan_text = f.human(&["plan"]).1;
    let (head, rest) = text.split_at(text.find("cluster plan:").expect("plan"));
    assert_eq!(
        rest,
        plan_text.replace(&format!("  saved plan: {file}\n"), "")
    );
    assert!(
        head.starts_with(&format!("saved plan {file}: made for ")),
        "{head}"
    );
    let (_, rich) = f.human(&["show-plan", file, "--format", "rich"]);
    assert!(
        rich.contains("  Update query.knowledge.find_person [will apply]\n"),
        "{rich}"
    );
    assert!(rich.ends_with("apply would converge.\n"), "{rich}");
    // --json: the saved document as stored.
    let (code, out) = f.json(&["show-plan", file]);
    assert_eq!(code, 0);
    let stored: Value = serde_json::from_slice(&f.read("plan.json")).expect("json");
    assert_eq!(out["saved_plan"], stored);
    // Markdown of a saved plan is the plan's report (without diffs: a saved plan has none).
    let (code, md) = f.human(&["show-plan", file, "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(md.starts_with("## Cluster plan\n"));
    // Not a saved plan.
    f.write("bad.json", "{}");
    let bad = f.at("bad.json");
    let (code, out) = f.json(&["show-plan", bad.to_str().expect("utf8")]);
    assert_eq!(code, 1);
    assert_eq!(codes(&out), ["saved_plan_invalid"]);
}

/// `dot -Tsvg` must accept `source` and draw every node.
fn renders_with_graphviz(source: &str, nodes: usize) {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("Graphviz's `dot` must be installed (Debian's graphviz; .ci/run installs it)");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(source.as_bytes())
        .expect("write");
    let out = child::finish(child, "dot -Tsvg");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = String::from_utf8(out.stdout).expect("utf8");
    assert_eq!(svg.matches("class=\"node\"").count(), nodes, "{svg}");
}

#[test]
fn graph_as_dot_renders_with_graphviz() {
    let f = Folder::standard();
    let (code, dot) = f.human(&["graph"]);
    assert_eq!(code, 0, "{dot}");
    snap!(f, "graph_dot_fresh", dot);
    renders_with_graphviz(&dot, 4);
    assert!(dot.contains("\"policy.base\" -> \"graph.knowledge\";"));
    assert!(
        dot.contains(
            "label=\"query.knowledge.find_person\\ncreate · blocked\\ndependency_missing\""
        )
    );
    // A delete is dashed and red; an unchanged node grey.
    let f = Folder::applied();
    let yaml = cluster_yaml("company-brain");
    f.write(
        "cluster.yaml",
        &yaml[..yaml.find("policies:").expect("policies")],
    );
    let (_, dot) = f.human(&["graph", "--format", "dot"]);
    renders_with_graphviz(&dot, 4);
    assert!(dot.contains("\"policy.base\" [label=\"policy.base\\ndelete · applied\", color=\"#dc2626\", fillcolor=\"#dcfce7\", penwidth=2, style=\"rounded,filled,dashed\"];"), "{dot}");
    assert!(
        dot.contains(
            "\"schema.knowledge\" [label=\"schema.knowledge\\nunchanged\", color=\"#94a3b8\""
        ),
        "{dot}"
    );
}

#[test]
fn graph_as_mermaid_is_a_flowchart_of_every_resource_and_edge() {
    let f = Folder::standard();
    let (code, mermaid) = f.human(&["graph", "--format", "mermaid"]);
    assert_eq!(code, 0);
    check_mermaid(&mermaid, 4, 4);
    let (code, out) = f.json(&["graph"]);
    assert_eq!(code, 0);
    assert_eq!(out["nodes"].as_array().expect("nodes").len(), 4);
    assert_eq!(out["nodes"][1]["action"], "create");
    assert_eq!(out["nodes"][1]["disposition"], "blocked");
    assert_eq!(out["edges"].as_array().expect("edges").len(), 4);
    // A config that does not load draws nothing.
    f.write("people.pg", "node {");
    let run = f.run(&["graph"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with(
            "cluster graph failed\nERROR schema_parse_error graphs.knowledge.schema: "
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("digraph"));
}

/// A Mermaid flowchart: a header, `nodes` node lines whose ids are declared once, `edges` edge
/// lines between declared nodes, balanced subgraphs, and a class for every class used.
fn check_mermaid(text: &str, nodes: usize, edges: usize) {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart LR"));
    let mut declared = std::collections::BTreeSet::new();
    let mut used_classes = std::collections::BTreeSet::new();
    let mut defined_classes = std::collections::BTreeSet::new();
    let mut open = 0i32;
    let mut edge_count = 0;
    let mut edge_ends = Vec::new();
    for line in lines {
        let line = line.trim();
        if line.starts_with("subgraph ") {
            open += 1;
        } else if line == "end" {
            open -= 1;
            assert!(open >= 0);
        } else if let Some(rest) = line.strip_prefix("classDef ") {
            defined_classes.insert(rest.split(' ').next().expect("class").to_string());
        } else if let Some((from, to)) = line.split_once(" --> ") {
            edge_count += 1;
            edge_ends.push((from.to_string(), to.to_string()));
        } else {
            let (id, rest) = line.split_once('[').expect("a node line");
            assert!(declared.insert(id.to_string()), "{id} declared twice");
            let (label, class) = rest.rsplit_once("]:::").expect("a class");
            assert!(label.starts_with('"') && label.ends_with('"'), "{label}");
            assert!(!label[1..label.len() - 1].contains('"'), "{label}");
            used_classes.insert(class.to_string());
        }
    }
    assert_eq!(open, 0);
    assert_eq!(declared.len(), nodes);
    assert_eq!(edge_count, edges);
    for (from, to) in edge_ends {
        assert!(declared.contains(&from) && declared.contains(&to));
    }
    assert_eq!(used_classes, defined_classes);
}

#[test]
fn plan_markdown_is_a_report_for_a_pull_request() {
    let f = edited();
    let (code, md) = f.human(&["plan", "--format", "markdown"]);
    assert_eq!(code, 0, "{md}");
    snap!(f, "plan_markdown", md);
    // Deterministic: the same plan, the same bytes.
    assert_eq!(f.human(&["plan", "--format", "markdown"]).1, md);

    // Its structure, as a Markdown parser reads it.
    let mut headings = Vec::new();
    let mut table_rows = 0;
    let mut fences = Vec::new();
    let mut html = String::new();
    let mut in_heading = false;
    let options = pulldown_cmark::Options::ENABLE_TABLES;
    for event in Parser::new_ext(&md, options) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                headings.push(String::new());
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(text) if in_heading => {
                headings.last_mut().expect("heading").push_str(&text)
            }
            Event::Start(Tag::TableRow) => table_rows += 1,
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                fences.push(info.to_string())
            }
            Event::Html(text) | Event::InlineHtml(text) => html.push_str(&text),
            _ => {}
        }
    }
    assert_eq!(
        headings,
        [
            "Cluster plan",
            "Approval gates",
            "Warnings and errors",
            "Content diffs",
            "Dependency graph"
        ]
    );
    // A header row is not a `TableRow`; one row per change.
    assert_eq!(table_rows, 2);
    assert_eq!(fences, ["diff", "mermaid"]);
    assert_eq!(html.matches("<details>").count(), 2, "{html}");
    assert_eq!(html.matches("</details>").count(), 2);
    let mermaid = md
        .split("```mermaid\n")
        .nth(1)
        .and_then(|m| m.split("```").next())
        .expect("mermaid");
    check_mermaid(mermaid, 4, 4);
}

#[test]
fn markdown_of_gates_errors_and_hostile_messages() {
    // A delete of a graph needs approval; a message with Markdown in it stays text.
    let f = Folder::applied();
    f.write_state(&f.read_string("__cluster/state.json").replace(
        "\"graph.knowledge\"",
        "\"graph.old\": {\"digest\": \"1\"},\n      \"graph.knowledge\"",
    ));
    let (code, md) = f.human(&["plan", "--format", "markdown"]);
    assert_eq!(code, 0, "{md}");
    assert!(md.contains("### Approval gates\n\n- `graph.old`: delete may remove deployed graph or schema definition\n"), "{md}");
    assert!(
        md.contains("| delete | `graph.old` | deferred | `apply_unsupported_kind` |"),
        "{md}"
    );

    let f = Folder::standard();
    f.write("cluster.yaml", "version: 1\ngraphs: {}\n<b>*x*</b>: |\n");
    let (code, md) = f.human(&["plan", "--format", "markdown"]);
    assert_eq!(code, 1);
    assert!(md.starts_with("## Cluster plan failed\n\n### Warnings and errors\n\n- **error** `invalid_cluster_yaml`"), "{md}");
    let html: String = Parser::new(&md)
        .filter_map(|e| match e {
            Event::Html(t) | Event::InlineHtml(t) => Some(t.to_string()),
            _ => None,
        })
        .collect();
    assert!(html.is_empty(), "{html}");
}

#[test]
fn man_covers_every_subcommand_and_flag() {
    use clap::CommandFactory;
    let out = child::output(Command::new(binary()).arg("man"), "man");
    assert_eq!(out.status.code(), Some(0));
    let roff = String::from_utf8(out.stdout).expect("utf8");
    let mut command = omnigraph_cluster::cli::Cli::command();
    command.build();
    fn walk(command: &clap::Command, prefix: &str, roff: &str) {
        let name = if prefix.is_empty() {
            command.get_name().to_string()
        } else {
            format!("{prefix}-{}", command.get_name())
        };
        let page_start = roff
            .find(&format!(".TH {name} 1"))
            .unwrap_or_else(|| panic!("no page {name}"));
        let page = &roff[page_start..];
        let page = &page[..page[4..].find(".TH ").map_or(page.len(), |end| end + 4)];
        for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                let escaped = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(page.contains(&escaped), "{name} lacks --{long}");
            }
        }
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            walk(sub, &name, roff);
        }
    }
    walk(&command, "", &roff);
    assert!(!roff.contains("local JSON"));

    let dir = tempfile::tempdir().expect("tempdir");
    let out = child::output(
        Command::new(binary())
            .args(["man", "--dir"])
            .arg(dir.path()),
        "man --dir",
    );
    assert_eq!(out.status.code(), Some(0));
    for page in [
        "omnigraph.1",
        "omnigraph-cluster.1",
        "omnigraph-cluster-plan.1",
        "omnigraph-cluster-state-show.1",
    ] {
        assert!(dir.path().join(page).is_file(), "{page}");
    }
    // Help texts no longer say `local` where the root may be S3.
    for command in ["apply", "status", "refresh", "import", "force-unlock"] {
        let help = run_in(None, &[command, "--help"]);
        assert!(
            !help.stdout.to_lowercase().contains("local json"),
            "{command}: {}",
            help.stdout
        );
        assert!(!help.stdout.contains("local cluster catalog"), "{command}");
    }
}
