//! `cluster graph` (issue 18 §4): the dependency graph of the desired revision, each resource
//! marked by what the plan would do to it. It is the plan (under the lock, against the current
//! state) seen as nodes and edges; `output::graph` draws it as DOT or Mermaid.

use super::Context;
use super::plan::{self, PlanOptions, PlanOutput};
use crate::addressed::{Dependency, Text};
use crate::diagnostic::Diagnostic;
use crate::plan::{Disposition, Operation, Word};
use serde::Serialize;
use std::collections::BTreeMap;

/// One resource of the picture: desired, or recorded and about to be deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    pub address: Text,
    /// `graph`, `schema`, `query`, `policy` or `unknown`.
    pub kind: &'static str,
    /// What the plan does to it; `None` when it is unchanged.
    pub action: Option<Operation>,
    pub disposition: Option<Disposition>,
    pub reason: Option<Word>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraphOutput {
    pub ok: bool,
    pub config_dir: String,
    pub nodes: Vec<Node>,
    /// `from` depends on `to`.
    pub edges: Vec<Dependency>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn run(context: &Context<'_>) -> GraphOutput {
    let plan = plan::run_with(context, &PlanOptions::default());
    let (nodes, edges) = picture(&plan);
    GraphOutput {
        ok: plan.ok,
        config_dir: plan.config_dir,
        nodes,
        edges,
        diagnostics: plan.diagnostics,
    }
}

/// The nodes (in address order) and edges of a plan: every desired resource, and every deleted
/// one, with its change.
pub fn picture(plan: &PlanOutput) -> (Vec<Node>, Vec<Dependency>) {
    let mut nodes: BTreeMap<&str, Node> = plan
        .resource_digests
        .pairs()
        .iter()
        .map(|(address, _)| (address.as_ref(), node(address, None)))
        .collect();
    for change in &plan.changes {
        let node = node(&change.resource, Some(change));
        nodes.insert(&change.resource, node);
    }
    (nodes.into_values().collect(), plan.dependencies.clone())
}

fn node(address: &Text, change: Option<&crate::plan::Change>) -> Node {
    Node {
        address: address.clone(),
        kind: super::state_view::kind(address),
        action: change.map(|c| c.operation),
        disposition: change.and_then(|c| c.disposition),
        reason: change.and_then(|c| c.reason),
    }
}
