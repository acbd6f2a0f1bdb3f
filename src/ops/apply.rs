//! `cluster apply`: execute the config-only subset of the plan (stored queries and policies) into
//! the content-addressed catalog, then publish the new state with a compare-and-swap. Graph and
//! schema changes are deferred; their dependants are blocked.

use super::{DesiredRevision, Finish, lock_or_warn};
use crate::catalog;
use crate::desired::{self, Desired};
use crate::diagnostic::{Diagnostic, has_errors};
use crate::digest;
use crate::layout::{self, Layout, STATE_FILE_REL};
use crate::plan::{self, Change, Disposition, Operation};
use crate::runtime::Runtime;
use crate::state::{ClusterState, ResourceStatus, StateObservations, StatusRecord, ledger};
use serde::Serialize;
use std::collections::BTreeMap;

pub const BLOCKED_MESSAGE: &str = "waiting on an unapplied or missing dependency";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApplyOutput {
    pub ok: bool,
    pub config_dir: String,
    pub desired_revision: DesiredRevision,
    pub state_observations: StateObservations,
    pub changes: Vec<Change>,
    pub applied_count: usize,
    pub deferred_count: usize,
    pub converged: bool,
    pub state_written: bool,
    pub resource_statuses: BTreeMap<String, StatusRecord>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn run(layout: &Layout, runtime: &Runtime) -> ApplyOutput {
    let mut diagnostics = Vec::new();
    let desired = desired::load(layout, &mut diagnostics);
    let mut observations = StateObservations::new(layout);
    let mut output = ApplyOutput {
        ok: false,
        config_dir: layout::display(&layout.config_dir),
        desired_revision: DesiredRevision::default(),
        state_observations: observations.clone(),
        changes: Vec::new(),
        applied_count: 0,
        deferred_count: 0,
        converged: false,
        state_written: false,
        resource_statuses: BTreeMap::new(),
        diagnostics: Vec::new(),
    };
    let Some(desired) = desired else {
        return output.finish(observations, diagnostics);
    };
    output.desired_revision.config_digest = Some(desired.config_digest.clone());
    if has_errors(&diagnostics) {
        return output.finish(observations, diagnostics);
    }

    let _guard = lock_or_warn(
        desired.state_lock,
        layout,
        runtime,
        "apply",
        &mut observations,
        &mut diagnostics,
    );
    if has_errors(&diagnostics) {
        return output.finish(observations, diagnostics);
    }
    let (state, expected_cas) =
        match ledger::read_state(layout, &mut observations, &mut diagnostics) {
            ledger::StateRead::Found { state, cas } => (state, cas),
            ledger::StateRead::Failed => return output.finish(observations, diagnostics),
            ledger::StateRead::Missing => {
                diagnostics.push(Diagnostic::error(
                "state_missing",
                STATE_FILE_REL,
                "apply requires an existing state.json; run `cluster import` to bootstrap state",
            ));
                return output.finish(observations, diagnostics);
            }
        };

    let mut changes = plan::diff(&state.digests(), &desired.resource_digests);
    plan::classify(&mut changes, &desired.dependencies);
    output.changes = changes.clone();

    if executes_gated_change(&changes) {
        diagnostics.push(Diagnostic::error(
            "apply_approval_invariant_violation",
            "changes",
            "an executable change requires approval; refusing to apply",
        ));
        output.resource_statuses = state.resource_statuses.clone();
        return output.finish(observations, diagnostics);
    }

    for change in &changes {
        match change.disposition {
            Some(Disposition::Deferred) => diagnostics.push(Diagnostic::warning(
                "apply_unsupported_change",
                change.resource.clone(),
                "graph/schema changes are not applied in this stage; they are deferred to the graph-lifecycle phase",
            )),
            Some(Disposition::Blocked) => diagnostics.push(Diagnostic::warning(
                "apply_dependency_blocked",
                change.resource.clone(),
                format!(
                    "blocked by an unapplied or missing dependency ({})",
                    change.reason.unwrap_or_default()
                ),
            )),
            _ => {}
        }
    }

    publish_payloads(layout, runtime, &desired, &changes, &mut diagnostics);
    if has_errors(&diagnostics) {
        output.resource_statuses = state.resource_statuses.clone();
        return output.finish(observations, diagnostics);
    }

    let mut next = state.clone();
    mutate(&mut next, &changes);
    recompute_composites(&mut next, &desired);
    output.converged = plan::diff(&next.digests(), &desired.resource_digests).is_empty();
    if output.converged {
        next.applied_revision.config_digest = Some(desired.config_digest.clone());
    }

    let mut write_failed = false;
    if next != state {
        next.state_revision = next.state_revision.saturating_add(1);
        output.state_written = ledger::write_state(
            layout,
            runtime,
            &next,
            Some(&expected_cas),
            &mut observations,
            &mut diagnostics,
        );
        write_failed = !output.state_written;
    }
    output.resource_statuses = if write_failed {
        state.resource_statuses
    } else {
        next.resource_statuses
    };
    output.applied_count = count(&changes, |d| d == Disposition::Applied);
    output.deferred_count = count(&changes, |d| {
        matches!(d, Disposition::Deferred | Disposition::Blocked)
    });
    output.finish(observations, diagnostics)
}

/// The approval invariant (§3.3 step 9): no change apply would execute may need approval.
/// Unreachable with today's classifier, which defers every graph/schema delete.
fn executes_gated_change(changes: &[Change]) -> bool {
    let approvals = plan::approvals(changes);
    changes.iter().any(|c| {
        c.disposition == Some(Disposition::Applied)
            && approvals.iter().any(|a| a.resource == c.resource)
    })
}

fn count(changes: &[Change], pred: impl Fn(Disposition) -> bool) -> usize {
    changes
        .iter()
        .filter(|c| c.disposition.is_some_and(&pred))
        .count()
}

/// Write the blob of every applied create/update, continuing past failures (§3.3 step 11).
fn publish_payloads(
    layout: &Layout,
    runtime: &Runtime,
    desired: &Desired,
    changes: &[Change],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for change in changes {
        if change.disposition != Some(Disposition::Applied) || change.operation == Operation::Delete
        {
            continue;
        }
        let Some(after) = change.after_digest.as_deref() else {
            continue;
        };
        let Some(target) = catalog::blob_path(layout, &change.resource, after) else {
            continue;
        };
        let Some(source) = desired
            .resource(&change.resource)
            .and_then(|r| r.source.as_deref())
        else {
            diagnostics.push(Diagnostic::error(
                "resource_payload_write_error",
                change.resource.clone(),
                "no source file recorded for resource",
            ));
            continue;
        };
        if let Err(diagnostic) =
            catalog::write_blob(runtime, &change.resource, &target, source, after)
        {
            diagnostics.push(diagnostic);
        }
    }
}

/// Record applied changes and blocked statuses on the working copy (§3.3 step 13).
fn mutate(state: &mut ClusterState, changes: &[Change]) {
    for change in changes {
        let address = &change.resource;
        match (change.disposition, change.operation) {
            (Some(Disposition::Applied), Operation::Delete) => {
                state.applied_revision.resources.remove(address);
                state.resource_statuses.remove(address);
            }
            (Some(Disposition::Applied), _) => {
                if let Some(after) = &change.after_digest {
                    state.set_digest(address, after.clone());
                }
                state.resource_statuses.insert(
                    address.clone(),
                    StatusRecord::new(ResourceStatus::Applied, None, None),
                );
            }
            (Some(Disposition::Blocked), _) => {
                state.resource_statuses.insert(
                    address.clone(),
                    StatusRecord::new(
                        ResourceStatus::Blocked,
                        change.reason,
                        Some(BLOCKED_MESSAGE),
                    ),
                );
            }
            _ => {}
        }
    }
}

/// The query digests recorded in `state` for `graph`, keyed by the text after `query.«G».`.
pub fn state_query_digests<'a>(state: &'a ClusterState, graph: &str) -> Vec<(&'a str, &'a str)> {
    let prefix = format!("query.{graph}.");
    state
        .applied_revision
        .resources
        .iter()
        .filter_map(|(address, r)| {
            address
                .strip_prefix(&prefix)
                .map(|name| (name, r.digest.as_str()))
        })
        .collect()
}

/// Re-derive `graph.G` for every desired graph the state records (§3.3 step 14).
fn recompute_composites(state: &mut ClusterState, desired: &Desired) {
    for (graph, _) in &desired.graphs {
        let address = format!("graph.{graph}");
        if !state.applied_revision.resources.contains_key(&address) {
            continue;
        }
        let schema = state
            .applied_revision
            .resources
            .get(&format!("schema.{graph}"))
            .map(|r| r.digest.as_str())
            .unwrap_or("");
        let composite = digest::graph_digest(graph, schema, state_query_digests(state, graph));
        state.set_digest(&address, composite);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::path::Path;
    use std::rc::Rc;

    const PEOPLE_PG: &str = "\nnode Person {\n  name: String @key\n  age: I32?\n}\n";
    const PEOPLE_GQ: &str = "\nquery find_person($name: String) {\n  match { $p: Person { name: $name } }\n  return { $p.name, $p.age }\n}\n";
    const SCHEMA_DIGEST: &str = "ab8674c2deeb33b15bd7a1f7d98acd8fdf6e5634230dc0349e3e2920475f26d6";

    fn fixture(dir: &Path) {
        std::fs::write(dir.join("people.pg"), PEOPLE_PG).expect("write");
        std::fs::write(dir.join("people.gq"), PEOPLE_GQ).expect("write");
        std::fs::write(dir.join("base.policy.yaml"), "rules: []\n").expect("write");
        std::fs::write(
            dir.join("cluster.yaml"),
            "version: 1\nmetadata:\n  name: company-brain\nstate:\n  backend: cluster\n  lock: true\ngraphs:\n  knowledge:\n    schema: ./people.pg\n    queries:\n      find_person:\n        file: ./people.gq\npolicies:\n  base:\n    file: ./base.policy.yaml\n    applies_to: [knowledge]\n",
        )
        .expect("write");
        std::fs::create_dir_all(dir.join("__cluster")).expect("mkdir");
        std::fs::write(
            dir.join("__cluster/state.json"),
            format!(
                "{{\"version\":1,\"state_revision\":1,\"applied_revision\":{{\"resources\":{{\"graph.knowledge\":{{\"digest\":\"seed\"}},\"schema.knowledge\":{{\"digest\":\"{SCHEMA_DIGEST}\"}}}}}}}}"
            ),
        )
        .expect("write");
    }

    /// S58: the query source changes after load, before its blob is written. The hook is the id
    /// source: call 1 is the lock id, call 2 the policy blob's temp name (policy.base is applied
    /// first), so the query file is edited between the two blob writes.
    #[test]
    fn s58_source_changed_during_apply() {
        let dir = tempfile::tempdir().expect("tempdir");
        fixture(dir.path());
        let calls = Rc::new(Cell::new(0u32));
        let gq = dir.path().join("people.gq");
        let hook_calls = Rc::clone(&calls);
        let runtime = Runtime {
            now: Box::new(time::OffsetDateTime::now_utc),
            new_id: Box::new(move || {
                hook_calls.set(hook_calls.get() + 1);
                if hook_calls.get() == 2 {
                    std::fs::write(&gq, "query find_person() { changed }").expect("edit");
                }
                format!("01TESTID{:018}", hook_calls.get())
            }),
            pid: 1,
        };
        let state_before = std::fs::read(dir.path().join("__cluster/state.json")).expect("read");
        let out = run(&Layout::new(dir.path()), &runtime);
        assert!(!out.ok);
        let changed: Vec<_> = out
            .diagnostics
            .iter()
            .filter(|d| d.code == "resource_content_changed")
            .collect();
        assert_eq!(changed.len(), 1, "{:?}", out.diagnostics);
        assert_eq!(changed[0].path, "query.knowledge.find_person");
        assert!(!out.state_written);
        assert_eq!(
            std::fs::read(dir.path().join("__cluster/state.json")).expect("read"),
            state_before
        );
        let policy_blob = dir.path().join(
            "__cluster/resources/policy/base/e0dfa70eb69d47fe9cb2be8a4fcd53e74cf7fe26fcbb1f06912b57a9c028e4e0.yaml",
        );
        assert_eq!(std::fs::read(policy_blob).expect("blob"), b"rules: []\n");
        assert!(!dir.path().join("__cluster/resources/query").exists());
        assert!(!dir.path().join("__cluster/lock.json").exists());
    }

    #[test]
    fn approval_invariant_detects_an_executed_gated_change() {
        let gated = Change {
            resource: "graph.old".into(),
            operation: Operation::Delete,
            before_digest: Some("1".into()),
            after_digest: None,
            disposition: Some(Disposition::Applied),
            reason: None,
        };
        assert!(executes_gated_change(std::slice::from_ref(&gated)));
        let deferred = Change {
            disposition: Some(Disposition::Deferred),
            ..gated
        };
        assert!(!executes_gated_change(&[deferred]));
    }

    /// M-46a: an applied query change whose desired resource records no source file.
    #[test]
    fn payload_without_source_is_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let desired = Desired {
            resources: Vec::new(),
            resource_digests: BTreeMap::new(),
            dependencies: Vec::new(),
            graphs: Vec::new(),
            config_digest: String::new(),
            state_lock: true,
        };
        let change = Change {
            resource: "query.g.q".into(),
            operation: Operation::Create,
            before_digest: None,
            after_digest: Some("d".into()),
            disposition: Some(Disposition::Applied),
            reason: None,
        };
        let mut diagnostics = Vec::new();
        publish_payloads(
            &Layout::new(dir.path()),
            &Runtime::system(),
            &desired,
            &[change],
            &mut diagnostics,
        );
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "resource_payload_write_error");
        assert_eq!(
            diagnostics[0].message,
            "no source file recorded for resource"
        );
        assert_eq!(diagnostics[0].path, "query.g.q");
    }
}
