//! `cluster status` (§3.4): report the ledger and verify payload blobs. Never locks, never
//! writes, never reads schema/query/policy files or graph roots.

use super::Context;
use super::session::Parsed;
use crate::blobs;
use crate::diagnostic::{Diagnostic, Severity};
use crate::state::{LedgerView, StateObservations, lock};
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
    if let Some((store, loaded)) = parsed.read_ledger(Severity::Warning) {
        view = loaded.state.into();
        for (address, finding) in blobs::verify(
            store.as_ref(),
            view.resource_digests.iter(),
            context.meter(),
        ) {
            parsed.diagnostics.push(finding.diagnostic(&address));
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
