//! `cluster force-unlock <LOCK_ID>`: remove a held lock when its id matches exactly.

use crate::config;
use crate::diagnostic::{Diagnostic, has_errors};
use crate::layout::{self, Layout};
use crate::runtime::Runtime;
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

pub fn run(layout: &Layout, runtime: &Runtime, lock_id: &str) -> UnlockOutput {
    let mut diagnostics = Vec::new();
    let raw = config::parse(layout, &mut diagnostics);
    let mut observations = StateObservations::new(layout);
    let mut lock_removed = false;
    if let Some(raw) = raw {
        config::check_header(&raw, &mut diagnostics);
        if !has_errors(&diagnostics) {
            lock_removed = lock::force_unlock(
                layout,
                runtime,
                lock_id,
                &mut observations,
                &mut diagnostics,
            );
        }
    }
    UnlockOutput {
        ok: !has_errors(&diagnostics),
        config_dir: layout::display(&layout.config_dir),
        state_observations: observations,
        lock_removed,
        diagnostics,
    }
}
