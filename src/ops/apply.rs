//! `cluster apply` (§3.3): execute the config-only subset of the plan (stored queries and
//! policies) into the content-addressed blobs, then publish the new state with a
//! compare-and-swap. Graph and schema changes are deferred; their dependants are blocked.

use super::session::Session;
use super::{Context, DesiredRevision, Question, contents, saved_plan};
use crate::address::Address;
use crate::blobs::{self, Finding, Payload};
use crate::desired::Desired;
use crate::diagnostic::{Code, Diagnostic};
use crate::digest;
use crate::plan::{self, BlastRadius, Change, Disposition, Operation};
use crate::state::{ClusterState, ResourceStatus, ResourceStatusRecord, StateObservations};
use crate::store::{STATE_FILE_REL, StateVersion};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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
    pub resource_statuses: BTreeMap<String, ResourceStatusRecord>,
    pub diagnostics: Vec<Diagnostic>,
    /// The blast radius of each change, for the rich view (not part of the contract's JSON);
    /// empty unless [`ApplyOptions::blast_radius`] asked for it.
    #[serde(skip)]
    pub blast_radius: Vec<BlastRadius>,
}

/// What apply did; all empty/false when it stopped early.
#[derive(Debug, Default)]
struct Outcome {
    changes: Vec<Change>,
    applied_count: usize,
    deferred_count: usize,
    converged: bool,
    state_written: bool,
    resource_statuses: BTreeMap<String, ResourceStatusRecord>,
}

/// What the command line adds to an apply.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// `--plan FILE`: apply exactly the plan saved there, or refuse.
    pub plan: Option<PathBuf>,
    /// Give each change its content diff (`--diff`, the rich view).
    pub diffs: bool,
    /// Work out what depends on each change (only the rich view shows it).
    pub blast_radius: bool,
}

pub fn run(context: &Context<'_>) -> ApplyOutput {
    run_with(context, &ApplyOptions::default())
}

pub fn run_with(context: &Context<'_>, options: &ApplyOptions) -> ApplyOutput {
    let (desired, outcome, end) = match Session::open(context, "apply") {
        Err(early) => (early.desired, Outcome::default(), early.end),
        Ok(mut session) => {
            let outcome = execute(&mut session, options);
            let (desired, end) = session.close();
            (Some(desired), outcome, end)
        }
    };
    let blast_radius = match (options.blast_radius, &desired) {
        (true, Some(d)) => plan::blast_radius(&outcome.changes, &d.dependencies),
        _ => Vec::new(),
    };
    ApplyOutput {
        ok: end.ok(),
        config_dir: context.config_dir(),
        desired_revision: DesiredRevision::of(desired.as_ref()),
        state_observations: end.observations,
        changes: outcome.changes,
        applied_count: outcome.applied_count,
        deferred_count: outcome.deferred_count,
        converged: outcome.converged,
        state_written: outcome.state_written,
        resource_statuses: outcome.resource_statuses,
        diagnostics: end.diagnostics,
        blast_radius,
    }
}

/// §3.3 steps 7–18, on an opened session; with a saved plan, only if it is still exactly what
/// apply would do.
fn execute(session: &mut Session<'_>, options: &ApplyOptions) -> Outcome {
    let cluster = session.store.identity();
    let saved = match options
        .plan
        .as_deref()
        .map(|path| saved_plan::load(path, &cluster).map(|s| (path, s)))
    {
        Some(Err(invalid)) => {
            session.push(invalid);
            return Outcome::default();
        }
        Some(Ok(saved)) => Some(saved),
        None => None,
    };
    let Some(loaded) = session.state.take() else {
        session.push(Diagnostic::new(
            Code::StateMissing,
            STATE_FILE_REL,
            "apply requires an existing state.json; run `cluster import` to bootstrap state",
        ));
        return Outcome::default();
    };
    let state = loaded.state;
    let mut changes = plan::diff(state.digests(), &session.desired.resource_digests);
    plan::classify(&mut changes, &session.desired.dependencies);
    let cleared = match &saved {
        Some((path, saved)) => still_fresh(session, saved, path, &loaded.version.cas, &changes),
        None => true,
    };
    // Diffs are attached only after the saved plan's changes were compared with these.
    if cleared && options.diffs {
        let meter = session.context.meter();
        let diffs = contents::diffs(session.store.as_ref(), &session.desired, &changes, meter);
        contents::attach(&mut changes, diffs);
    }
    if !cleared || !may_execute(session, &changes, saved.is_none()) {
        return stopped(changes, state);
    }
    warn_unapplied(session, &changes);
    publish_payloads(session, &changes, &state);
    if session.has_errors() {
        return stopped(changes, state);
    }
    record(session, state, &loaded.version, changes)
}

/// Whether the saved plan still describes this apply; `saved_plan_stale` for what moved.
fn still_fresh(
    session: &mut Session<'_>,
    saved: &saved_plan::SavedPlan,
    path: &Path,
    cas: &str,
    changes: &[Change],
) -> bool {
    let config_digest = &session.desired.config_digest;
    let stale = saved_plan::staleness(saved, path, config_digest, Some(cas), changes);
    let fresh = stale.is_empty();
    session.diagnostics.extend(stale);
    fresh
}

/// The approval invariant (§3.3 step 9), then, unless a saved plan was reviewed already, the
/// operator's `yes` to deleting applied resources (asked only on a terminal).
fn may_execute(session: &mut Session<'_>, changes: &[Change], ask: bool) -> bool {
    if executes_gated_change(changes) {
        session.push(Diagnostic::new(
            Code::ApplyApprovalInvariantViolation,
            "changes",
            "an executable change requires approval; refusing to apply",
        ));
        return false;
    }
    let deletes: Vec<String> = changes
        .iter()
        .filter(|c| c.operation == Operation::Delete)
        .filter(|c| c.disposition == Some(Disposition::Applied))
        .map(|c| c.resource.to_string())
        .collect();
    let question = Question::DeleteResources {
        addresses: &deletes,
    };
    if ask && !deletes.is_empty() && !session.context.confirmed(&question) {
        session.push(Diagnostic::new(
            Code::ConfirmationDeclined,
            "changes",
            "apply was not confirmed; nothing was applied",
        ));
        return false;
    }
    true
}

/// §3.3 steps 13–18: mutate a copy of the state, publish it if it changed, and count.
fn record(
    session: &mut Session<'_>,
    state: ClusterState,
    version: &StateVersion,
    changes: Vec<Change>,
) -> Outcome {
    let mut next = state.clone();
    mutate(&mut next, &changes);
    recompute_composites(&mut next, &session.desired);
    let converged = plan::diff(next.digests(), &session.desired.resource_digests).is_empty();
    if converged {
        next.applied_revision.config_digest = Some(session.desired.config_digest.clone());
    }
    // The state's JSON value decides whether anything changed (§3.3 step 16).
    let written = (next != state).then(|| {
        next.state_revision = next.state_revision.saturating_add(1);
        session.write_state(&next, Some((&state, version)))
    });
    // A failed write leaves the statuses on disk as they were; show those (step 17).
    let resource_statuses = match written {
        Some(false) => state.resource_statuses,
        _ => next.resource_statuses,
    };
    Outcome {
        applied_count: count(&changes, |d| d == Disposition::Applied),
        deferred_count: count(&changes, |d| {
            matches!(d, Disposition::Deferred | Disposition::Blocked)
        }),
        changes,
        converged,
        state_written: written == Some(true),
        resource_statuses,
    }
}

/// An apply that stopped after classifying: its changes and the statuses on disk.
fn stopped(changes: Vec<Change>, state: ClusterState) -> Outcome {
    Outcome {
        changes,
        resource_statuses: state.resource_statuses,
        ..Outcome::default()
    }
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

/// A warning for every change apply leaves for later (§3.3 step 10).
fn warn_unapplied(session: &mut Session<'_>, changes: &[Change]) {
    for change in changes {
        let resource = change.resource.to_string();
        match change.disposition {
            Some(Disposition::Deferred) => session.push(Diagnostic::new(
                Code::ApplyUnsupportedChange,
                resource,
                "graph/schema changes are not applied in this stage; they are deferred to the graph-lifecycle phase",
            )),
            Some(Disposition::Blocked) => session.push(Diagnostic::new(
                Code::ApplyDependencyBlocked,
                resource,
                format!(
                    "blocked by an unapplied or missing dependency ({})",
                    change.reason.unwrap_or_default()
                ),
            )),
            _ => {}
        }
    }
}

/// Publish the blob of every applied create/update in one batch, continuing past failures
/// (§3.3 step 11), together with the repairs of damaged blobs the ledger vouches for.
fn publish_payloads(session: &mut Session<'_>, changes: &[Change], state: &ClusterState) {
    let damaged = damaged_blobs(session, changes, state);
    let desired = &session.desired;
    let source = |address: &str| desired.resource(address).and_then(|r| r.source.as_deref());
    let changed = changes
        .iter()
        .filter(|c| c.disposition == Some(Disposition::Applied))
        .filter_map(|c| {
            Some(Payload {
                address: &c.resource,
                digest: c.after_digest.as_deref()?,
                source: source(&c.resource),
                repair: None,
            })
        });
    // Then the resources the desired revision keeps unchanged whose blobs are damaged:
    // republished at the digest both record.
    let repairs = damaged.iter().filter_map(|(address, finding)| {
        Some(Payload {
            address,
            digest: desired.resource_digests.get(address)?,
            source: source(address),
            repair: Some(finding.clone()),
        })
    });
    let payloads: Vec<Payload<'_>> = changed.chain(repairs).collect();
    let runtime = session.context.runtime;
    let meter = session.context.meter();
    let problems = blobs::publish(
        session.store.as_ref(),
        &payloads,
        &|| runtime.new_id(),
        meter,
    );
    session.diagnostics.extend(problems);
}

/// Recorded blobs the desired revision keeps as they are, found missing or damaged: apply
/// republishes them so the hint of `catalog_payload_missing`/`_mismatch` is true (issue 11).
/// Unreadable ones are left to `status`. (Blobs of applied changes are checked as they are
/// published.)
fn damaged_blobs(
    session: &Session<'_>,
    changes: &[Change],
    state: &ClusterState,
) -> Vec<(String, Finding)> {
    let changed: BTreeSet<&str> = changes.iter().map(|c| c.resource.as_ref()).collect();
    let desired = &session.desired;
    let kept: Vec<blobs::Recorded<'_>> = state
        .digests()
        .filter(|(address, _)| !changed.contains(address))
        .map(|(address, digest)| {
            let source = desired.resource(address).and_then(|r| r.source.as_deref());
            (address, digest, source)
        })
        .collect();
    blobs::verify_with_sources(session.store.as_ref(), &kept, session.context.meter())
        .into_iter()
        .filter(|(_, finding)| matches!(finding, Finding::Missing | Finding::Mismatch { .. }))
        .collect()
}

/// Record applied changes and blocked statuses on the working copy (§3.3 step 13).
fn mutate(state: &mut ClusterState, changes: &[Change]) {
    for change in changes {
        let address: &str = &change.resource;
        match (change.disposition, change.operation) {
            (Some(Disposition::Applied), Operation::Delete) => {
                state.applied_revision.resources.remove(address);
                state.resource_statuses.remove(address);
            }
            (Some(Disposition::Applied), _) => {
                if let Some(after) = &change.after_digest {
                    state.set_digest(address, after.to_string());
                }
                state.resource_statuses.insert(
                    address.to_string(),
                    ResourceStatusRecord::new(ResourceStatus::Applied, None, None),
                );
            }
            (Some(Disposition::Blocked), _) => {
                state.resource_statuses.insert(
                    address.to_string(),
                    ResourceStatusRecord::new(
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

/// Re-derive `graph.G` for every desired graph the state records (§3.3 step 14).
fn recompute_composites(state: &mut ClusterState, desired: &Desired) {
    for (graph, _) in &desired.graphs {
        let address = Address::graph(graph).to_string();
        if !state.applied_revision.resources.contains_key(&address) {
            continue;
        }
        let schema = state
            .applied_revision
            .resources
            .get(&Address::schema(graph).to_string())
            .map(|r| r.digest.as_str())
            .unwrap_or("");
        let composite = digest::graph_digest(graph, schema, state.query_digests(graph));
        state.set_digest(&address, composite);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Layout;
    use crate::runtime::Runtime;
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
            actor: Some("tester@host".to_string()),
        };
        let state_before = std::fs::read(dir.path().join("__cluster/state.json")).expect("read");
        let layout = Layout::new(dir.path());
        let out = run(&Context::new(&layout, &runtime));
        assert!(!out.ok);
        let changed: Vec<_> = out
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::ResourceContentChanged)
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
            diff: None,
        };
        assert!(executes_gated_change(std::slice::from_ref(&gated)));
        let deferred = Change {
            disposition: Some(Disposition::Deferred),
            ..gated
        };
        assert!(!executes_gated_change(&[deferred]));
    }
}
