//! `cluster refresh --dry-run` (issue 17): everything `refresh` does up to its write (verify every
//! catalog blob, observe every declared graph root), then a report of what it would record
//! instead of the write: the nightly drift check Terraform users run as
//! `plan -refresh-only -detailed-exitcode`. Takes no lock (it only looks at it, like `status`)
//! and writes nothing.

use super::Context;
use super::session::{Locking, Session};
use super::sync::{SyncOperation, observe_into};
use crate::diagnostic::{Code, Diagnostic};
use crate::state::drift::{Drift, compare};
use crate::state::{LedgerView, StateObservations};
use crate::store::STATE_FILE_REL;
use serde::Serialize;

/// The output object of `refresh --dry-run`: refresh's object (the ledger it would record,
/// without writing it), marked `dry_run`, with the list of what would change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftOutput {
    pub ok: bool,
    pub operation: SyncOperation,
    pub dry_run: bool,
    pub config_dir: String,
    pub state_observations: StateObservations,
    #[serde(flatten)]
    pub ledger: LedgerView,
    pub drift: Vec<Drift>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn run(context: &Context<'_>) -> DriftOutput {
    let operation = SyncOperation::Refresh;
    let observe = Locking::Observe { warning: None };
    let (ledger, drift, end) = match Session::open_with(context, operation.label(), observe) {
        Err(early) => (LedgerView::default(), Vec::new(), early.end),
        Ok(mut session) => {
            let (ledger, drift) = execute(&mut session);
            (ledger, drift, session.close().1)
        }
    };
    DriftOutput {
        ok: end.ok(),
        operation,
        dry_run: true,
        config_dir: context.config_dir(),
        state_observations: end.observations,
        ledger,
        drift,
        diagnostics: end.diagnostics,
    }
}

fn execute(session: &mut Session<'_>) -> (LedgerView, Vec<Drift>) {
    let Some(loaded) = session.state.take() else {
        session.push(Diagnostic::new(
            Code::StateMissing,
            STATE_FILE_REL,
            "refresh requires an existing state.json; run `cluster import` to bootstrap state",
        ));
        return (LedgerView::default(), Vec::new());
    };
    let mut next = loaded.state.clone();
    observe_into(session, &mut next);
    let drift = compare(&loaded.state, &next);
    (next.into(), drift)
}
