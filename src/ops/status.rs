//! `cluster status` (§3.4): report the ledger and verify payload blobs. Never locks, never
//! writes, never reads schema/query/policy files or graph roots.

use super::Context;
use super::session::Parsed;
use crate::blobs;
use crate::diagnostic::{Code, Diagnostic};
use crate::state::{LedgerView, StateObservations, StateRead, ledger, lock};
use crate::store::STATE_FILE_REL;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusOutput {
    pub ok: bool,
    pub config_dir: String,
    pub state_observations: StateObservations,
    #[serde(flatten)]
    pub ledger: LedgerView,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn run(context: &Context<'_>) -> StatusOutput {
    let mut parsed = Parsed::open(context);
    // The lock is observed even when the config did not parse (§3.4 step 2).
    if let Some(store) = &parsed.store {
        lock::observe(
            store.as_ref(),
            context.runtime,
            &mut parsed.observations,
            &mut parsed.diagnostics,
        );
    }
    let mut view = LedgerView::default();
    if let (true, Some(store)) = (parsed.check_header(), parsed.store.clone()) {
        let read = ledger::read_state(
            store.as_ref(),
            &mut parsed.observations,
            &mut parsed.diagnostics,
        );
        match read {
            StateRead::Failed => {}
            StateRead::Missing => parsed.diagnostics.push(Diagnostic::warning(
                Code::StateMissing,
                STATE_FILE_REL,
                "state.json is missing; no applied cluster revision has been recorded",
            )),
            StateRead::Found(loaded) => {
                view = loaded.state.into();
                for (address, finding) in blobs::verify(
                    store.as_ref(),
                    view.resource_digests.iter(),
                    context.meter(),
                ) {
                    parsed.diagnostics.push(finding.diagnostic(&address));
                }
            }
        }
    }
    let end = parsed.end();
    StatusOutput {
        ok: end.ok(),
        config_dir: context.config_dir(),
        state_observations: end.observations,
        ledger: view,
        diagnostics: end.diagnostics,
    }
}
