//! The dependency picture of `cluster graph` (issue 18 §4) as Graphviz DOT or a Mermaid
//! flowchart. Each resource is a node whose label names its planned action and disposition; the
//! border colour says the action (create green, update amber, delete red and dashed, unchanged
//! grey) and the fill the disposition (applied green, derived cyan, deferred blue, blocked
//! purple). A graph's schema and queries are drawn inside a box for the graph. An edge points
//! from a resource to what it depends on.

use crate::address::Address;
use crate::addressed::Dependency;
use crate::ops::graph::Node;
use crate::plan::{Disposition, Operation};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The planned action's word, `unchanged` for a resource without one.
fn action_word(action: Option<Operation>) -> &'static str {
    action.map_or("unchanged", Operation::as_str)
}

/// Border colour by action.
fn stroke(action: Option<Operation>) -> &'static str {
    match action {
        Some(Operation::Create) => "#16a34a",
        Some(Operation::Update) => "#d97706",
        Some(Operation::Delete) => "#dc2626",
        None => "#94a3b8",
    }
}

/// Fill colour by disposition.
fn fill(disposition: Option<Disposition>) -> &'static str {
    match disposition {
        Some(Disposition::Applied) => "#dcfce7",
        Some(Disposition::Derived) => "#cffafe",
        Some(Disposition::Deferred) => "#dbeafe",
        Some(Disposition::Blocked) => "#f3e8ff",
        None => "#ffffff",
    }
}

/// The second (and third) line of a node's label: `create · blocked`, then the reason.
fn status_lines(node: &Node) -> Vec<String> {
    let mut lines = vec![match node.disposition {
        Some(d) => format!("{} · {}", action_word(node.action), d.as_str()),
        None => action_word(node.action).to_string(),
    }];
    if let Some(reason) = node.reason {
        lines.push(reason.to_string());
    }
    lines
}

/// The graph a node is drawn inside (its own, for a graph, schema or query); `None` for policies.
fn home(node: &Node) -> Option<&str> {
    match Address::parse(&node.address)? {
        Address::Graph(g) | Address::Schema(g) | Address::Query { graph: g, .. } => Some(g),
        Address::Policy(_) => None,
    }
}

/// Nodes with their index in the node list.
type Members<'n> = Vec<(usize, &'n Node)>;

/// The nodes grouped by their graph (in id order), and the nodes of no graph.
fn grouped(nodes: &[Node]) -> (BTreeMap<&str, Members<'_>>, Members<'_>) {
    let mut groups: BTreeMap<&str, Members<'_>> = BTreeMap::new();
    let mut loose = Vec::new();
    for (index, node) in nodes.iter().enumerate() {
        match home(node) {
            Some(graph) => groups.entry(graph).or_default().push((index, node)),
            None => loose.push((index, node)),
        }
    }
    (groups, loose)
}

/// A DOT string literal.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Graphviz DOT: `dot -Tsvg` draws it as it is.
pub fn dot(nodes: &[Node], edges: &[Dependency]) -> String {
    let mut out = String::from("digraph cluster {\n");
    out.push_str("  rankdir=LR;\n");
    out.push_str(
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];\n",
    );
    out.push_str("  edge [color=\"#64748b\"];\n");
    out.push_str(
        "  label=\"border: create green, update amber, delete red (dashed), unchanged grey; fill: applied green, derived cyan, deferred blue, blocked purple\";\n",
    );
    out.push_str("  labelloc=b;\n  fontname=\"Helvetica\";\n  fontsize=10;\n");
    let node_line = |out: &mut String, indent: &str, node: &Node| {
        let mut label = node.address.to_string();
        for line in status_lines(node) {
            label.push('\n');
            label.push_str(&line);
        }
        let style = match node.action {
            Some(Operation::Delete) => ", style=\"rounded,filled,dashed\"",
            _ => "",
        };
        let width = if node.action.is_some() { 2 } else { 1 };
        let _ = writeln!(
            out,
            "{indent}{} [label={}, color=\"{}\", fillcolor=\"{}\", penwidth={width}{style}];",
            quoted(&node.address),
            quoted(&label).replace('\n', "\\n"),
            stroke(node.action),
            fill(node.disposition)
        );
    };
    let (groups, loose) = grouped(nodes);
    for (graph, members) in &groups {
        let _ = writeln!(out, "  subgraph {} {{", quoted(&format!("cluster_{graph}")));
        let _ = writeln!(out, "    label={};", quoted(&format!("graph {graph}")));
        out.push_str("    style=\"rounded\";\n    color=\"#cbd5e1\";\n");
        for (_, node) in members {
            node_line(&mut out, "    ", node);
        }
        out.push_str("  }\n");
    }
    for (_, node) in loose {
        node_line(&mut out, "  ", node);
    }
    for edge in edges {
        let _ = writeln!(out, "  {} -> {};", quoted(&edge.from), quoted(&edge.to));
    }
    out.push_str("}\n");
    out
}

/// Mermaid label text: quotes become entities, the lines `<br/>`.
fn mermaid_label(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| l.replace('"', "#quot;"))
        .collect::<Vec<_>>()
        .join("<br/>")
}

/// The Mermaid class of a node: `create_blocked`, `unchanged`, …
fn mermaid_class(node: &Node) -> String {
    match node.disposition {
        Some(d) => format!("{}_{}", action_word(node.action), d.as_str()),
        None => action_word(node.action).to_string(),
    }
}

/// A Mermaid flowchart, as GitHub renders in a ```` ```mermaid ```` block.
pub fn mermaid(nodes: &[Node], edges: &[Dependency]) -> String {
    let mut out = String::from("flowchart LR\n");
    let ids: BTreeMap<&str, String> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.address.as_ref(), format!("n{i}")))
        .collect();
    let node_line = |out: &mut String, indent: &str, index: usize, node: &Node| {
        let mut lines = vec![node.address.to_string()];
        lines.extend(status_lines(node));
        let _ = writeln!(
            out,
            "{indent}n{index}[\"{}\"]:::{}",
            mermaid_label(&lines),
            mermaid_class(node)
        );
    };
    let (groups, loose) = grouped(nodes);
    for (number, (graph, members)) in groups.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph g{number}[\"graph {}\"]",
            graph.replace('"', "#quot;")
        );
        for (index, node) in members {
            node_line(&mut out, "    ", *index, node);
        }
        out.push_str("  end\n");
    }
    for (index, node) in loose {
        node_line(&mut out, "  ", index, node);
    }
    for edge in edges {
        if let (Some(from), Some(to)) = (ids.get(edge.from.as_ref()), ids.get(edge.to.as_ref())) {
            let _ = writeln!(out, "  {from} --> {to}");
        }
    }
    let mut classes: Vec<(String, &Node)> = nodes.iter().map(|n| (mermaid_class(n), n)).collect();
    classes.sort_by(|a, b| a.0.cmp(&b.0));
    classes.dedup_by(|a, b| a.0 == b.0);
    for (class, node) in classes {
        let dashed = match node.action {
            Some(Operation::Delete) => ",stroke-dasharray:5 5",
            _ => "",
        };
        let _ = writeln!(
            out,
            "  classDef {class} fill:{},stroke:{},stroke-width:2px,color:#0f172a{dashed}",
            fill(node.disposition),
            stroke(node.action)
        );
    }
    out
}
