//! `cluster history [--limit N]` and `cluster history show REV` (issue 17): the revisions of the
//! ledger, newest first, as their confirmed records tell them (`state::history`). Read-only and
//! lock-free, like `status`.

use super::session::Parsed;
use super::{Context, contents};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::plan::ContentDiff;
use crate::state::StateObservations;
use crate::state::history::{self, Chain, Counts, RevisionRecord};
use crate::store::{HISTORY_REL, Store};
use serde::Serialize;
use std::sync::Arc;

/// `cluster history`: one line per revision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryOutput {
    pub ok: bool,
    pub config_dir: String,
    pub state_observations: StateObservations,
    /// Newest first.
    pub revisions: Vec<RevisionSummary>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a listing shows of one revision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevisionSummary {
    pub revision: u64,
    pub recorded_at: String,
    pub operation: String,
    pub actor: String,
    pub changes: Counts,
}

/// `cluster history show REV`: one revision whole.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevisionOutput {
    pub ok: bool,
    pub config_dir: String,
    pub state_observations: StateObservations,
    /// The record; absent when it could not be found or confirmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<RevisionRecord>,
    /// The content diff of each query and policy change of the record, both sides read from the
    /// catalog, in the record's change order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diffs: Vec<RecordedDiff>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What changed in one resource's content in a revision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedDiff {
    pub resource: String,
    pub diff: ContentDiff,
}

/// The newest `limit` revisions (all of them without a limit).
pub fn run(context: &Context<'_>, limit: Option<usize>) -> HistoryOutput {
    let (chain, end, _) = walk(context, |_| (limit, None));
    let revisions = chain
        .records
        .iter()
        .map(|record| RevisionSummary {
            revision: record.revision,
            recorded_at: record.recorded_at.clone(),
            operation: record.operation.clone(),
            actor: record.actor.clone(),
            changes: record.counts(),
        })
        .collect();
    HistoryOutput {
        ok: !crate::diagnostic::has_errors(&end.1),
        config_dir: context.config_dir(),
        state_observations: end.0,
        revisions,
        diagnostics: end.1,
    }
}

/// Revision `revision`, whole.
pub fn show(context: &Context<'_>, revision: u64) -> RevisionOutput {
    let (mut chain, (observations, mut diagnostics), store) = walk(context, |current| {
        if revision > current || revision == 0 {
            return (Some(0), None);
        }
        (None, Some(revision))
    });
    let record = chain
        .records
        .pop()
        .filter(|record| record.revision == revision);
    let read = !crate::diagnostic::has_errors(&diagnostics);
    if record.is_none() && read {
        let message = if revision == 0 || revision > observations.state_revision {
            format!(
                "revision {revision} is not in the history: the ledger is at revision {}",
                observations.state_revision
            )
        } else {
            format!(
                "revision {revision} has no confirmed history record (the history stops at revision {})",
                chain.unrecorded.unwrap_or(revision)
            )
        };
        diagnostics.push(Diagnostic::new(
            Code::HistoryRevisionNotFound,
            HISTORY_REL,
            message,
        ));
    }
    let diffs = match (&record, store) {
        (Some(record), Some(store)) => contents::recorded(store.as_ref(), &record.changes)
            .into_iter()
            .zip(&record.changes)
            .filter_map(|(diff, change)| {
                Some(RecordedDiff {
                    resource: change.resource.clone(),
                    diff: diff?,
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    RevisionOutput {
        ok: !crate::diagnostic::has_errors(&diagnostics),
        config_dir: context.config_dir(),
        state_observations: observations,
        record,
        diffs,
        diagnostics,
    }
}

/// What every history command ends with: the observations and the diagnostics.
type End = (StateObservations, Vec<Diagnostic>);

/// Open like `status`, read the state, then walk its chain as `bounds(current revision)` says
/// (a limit on the records, a revision to walk down to). The store, when the state was read.
fn walk(
    context: &Context<'_>,
    bounds: impl FnOnce(u64) -> (Option<usize>, Option<u64>),
) -> (Chain, End, Option<Arc<dyn Store>>) {
    let mut parsed = Parsed::open(context);
    let mut chain = Chain::default();
    let read = parsed.read_ledger(Severity::Warning);
    if let Some((store, loaded)) = &read {
        let current = loaded.state.state_revision;
        let (limit, down_to) = bounds(current);
        chain = read_chain(
            store.as_ref(),
            (current, &loaded.version.cas),
            limit,
            down_to,
            &mut parsed.diagnostics,
        );
    }
    let end = parsed.end();
    (
        chain,
        (end.observations, end.diagnostics),
        read.map(|(store, _)| store),
    )
}

fn read_chain(
    store: &dyn Store,
    current: (u64, &str),
    limit: Option<usize>,
    down_to: Option<u64>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Chain {
    match history::chain(store, current, limit, down_to) {
        Ok(chain) => {
            if let Some(revision) = chain.unrecorded {
                diagnostics.push(Diagnostic::warning(
                    Code::HistoryIncomplete,
                    HISTORY_REL,
                    format!(
                        "revision {revision} was published without a history record (by another tool, by a build that kept no history, or by hand); earlier revisions cannot be confirmed"
                    ),
                ));
            }
            chain
        }
        Err(err) => {
            diagnostics.push(Diagnostic::new(
                Code::HistoryReadError,
                HISTORY_REL,
                err.to_string(),
            ));
            Chain::default()
        }
    }
}
