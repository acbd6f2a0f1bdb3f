//! `cluster force-unlock <LOCK_ID>` (§3.6): remove a held lock when its id matches exactly.

use super::session::Parsed;
use super::{Context, Question};
use crate::diagnostic::Diagnostic;
use crate::state::{StateObservations, lock};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnlockOutput {
    pub ok: bool,
    pub config_dir: String,
    pub state_observations: StateObservations,
    pub lock_removed: bool,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn run(context: &Context<'_>, lock_id: &str) -> UnlockOutput {
    let mut parsed = Parsed::open(context);
    let mut lock_removed = false;
    if let (true, Some(store)) = (parsed.check_header(), parsed.store.clone()) {
        let confirm = |lock: &lock::StateLockFile, age_seconds| {
            context.confirmed(&Question::RemoveLock { lock, age_seconds })
        };
        lock_removed = lock::force_unlock(
            store.as_ref(),
            context.runtime,
            lock_id,
            context.hooks.confirm.is_some().then_some(&confirm),
            &mut parsed.observations,
            &mut parsed.diagnostics,
        );
    }
    let end = parsed.end();
    UnlockOutput {
        ok: end.ok(),
        config_dir: context.config_dir(),
        state_observations: end.observations,
        lock_removed,
        diagnostics: end.diagnostics,
    }
}
