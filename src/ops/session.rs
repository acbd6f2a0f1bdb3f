//! How every command that reads the ledger opens (plan, apply, refresh, import): load the desired
//! revision, stop on config errors, take the lock (or warn that it is off), read the state. The
//! command then gets either its working set or what it had when it had to stop.

use super::Context;
use crate::config::{self, Header, RawClusterConfig};
use crate::desired::{self, Desired};
use crate::diagnostic::{Code, Diagnostic, has_errors};
use crate::state::lock::{self, LockGuard};
use crate::state::{ClusterState, LoadedState, StateObservations, StateRead, ledger};
use crate::store::{self, StateVersion, Store};
use std::sync::Arc;

/// What a command reports however it ended: the observations and diagnostics of the run.
pub struct End {
    pub observations: StateObservations,
    pub diagnostics: Vec<Diagnostic>,
}

impl End {
    /// `ok` of the output object (§1.3).
    pub fn ok(&self) -> bool {
        !has_errors(&self.diagnostics)
    }
}

/// A command that could not get past its opening steps, with the desired revision if the config
/// parsed.
pub struct Early {
    pub desired: Option<Desired>,
    pub end: End,
}

/// The working set of a command past its opening: it holds the lock (unless `state.lock` is
/// off) until it is closed.
pub struct Session<'a> {
    pub context: &'a Context<'a>,
    pub store: Arc<dyn Store>,
    pub desired: Desired,
    /// The state read, or `None` when there is none yet.
    pub state: Option<LoadedState>,
    pub observations: StateObservations,
    pub diagnostics: Vec<Diagnostic>,
    guard: Option<LockGuard>,
}

impl<'a> Session<'a> {
    /// Open a command labelled `label` (`plan`, `apply`, `refresh`, `import`): §3.2 steps 1–5,
    /// §3.3 steps 1–6, §3.5 steps 1–6.
    pub fn open(context: &'a Context<'a>, label: &str) -> Result<Self, Box<Early>> {
        let mut diagnostics = Vec::new();
        let desired = desired::load(context.layout, &mut diagnostics);
        let store = store::open(context.layout, desired.as_ref().map(|d| &d.header));
        let mut observations = StateObservations::new(store.as_ref());
        let stop = |desired, observations, diagnostics| {
            Box::new(Early {
                desired,
                end: End {
                    observations,
                    diagnostics,
                },
            })
        };
        let Some(desired) = desired else {
            return Err(stop(None, observations, diagnostics));
        };
        if has_errors(&diagnostics) {
            return Err(stop(Some(desired), observations, diagnostics));
        }
        let guard = lock_or_warn(
            &desired.header,
            &store,
            context,
            label,
            &mut observations,
            &mut diagnostics,
        );
        if has_errors(&diagnostics) {
            return Err(stop(Some(desired), observations, diagnostics));
        }
        let state = match ledger::read_state(store.as_ref(), &mut observations, &mut diagnostics) {
            StateRead::Found(loaded) => Some(*loaded),
            StateRead::Missing => None,
            StateRead::Failed => {
                diagnostics.extend(guard.and_then(LockGuard::release));
                return Err(stop(Some(desired), observations, diagnostics));
            }
        };
        Ok(Session {
            context,
            store,
            desired,
            state,
            observations,
            diagnostics,
            guard,
        })
    }

    pub fn has_errors(&self) -> bool {
        has_errors(&self.diagnostics)
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Publish `state` if the ledger still holds `expected` (§2.6.2); whether it was written.
    pub fn write_state(&mut self, state: &ClusterState, expected: Option<&StateVersion>) -> bool {
        ledger::write_state(
            self.store.as_ref(),
            self.context.runtime,
            state,
            expected,
            &mut self.observations,
            &mut self.diagnostics,
        )
    }

    /// Release the lock and hand back what the output is built from (with a warning if the
    /// lock could not be released).
    pub fn close(mut self) -> (Desired, End) {
        self.diagnostics
            .extend(self.guard.take().and_then(LockGuard::release));
        (
            self.desired,
            End {
                observations: self.observations,
                diagnostics: self.diagnostics,
            },
        )
    }
}

/// Take the state lock for `label` when `state.lock` is on; otherwise warn that the command ran
/// unlocked (§2.6.3). `None` when no lock is held afterwards.
fn lock_or_warn(
    header: &Header,
    store: &Arc<dyn Store>,
    context: &Context<'_>,
    label: &str,
    observations: &mut StateObservations,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LockGuard> {
    if header.state_lock {
        return lock::acquire(
            store,
            context.runtime,
            label,
            &context.hooks.lock,
            observations,
            diagnostics,
        );
    }
    let verb = if label == "plan" { "read" } else { "wrote" };
    diagnostics.push(Diagnostic::new(
        Code::StateLockDisabled,
        "state.lock",
        format!(
            "state.lock is false; {label} {verb} state without acquiring the cluster state lock"
        ),
    ));
    None
}

/// The opening of the commands that only parse `cluster.yaml` (status, force-unlock): the raw
/// config, its header diagnostics (kept apart, because status reports the lock first) and the
/// store, which is `None` when the storage root is invalid (nothing may be touched then).
pub struct Parsed {
    pub raw: Option<RawClusterConfig>,
    pub header_diagnostics: Vec<Diagnostic>,
    pub store: Option<Arc<dyn Store>>,
    pub observations: StateObservations,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn open(context: &Context<'_>) -> Self {
        let mut diagnostics = Vec::new();
        let raw = config::parse(context.layout, &mut diagnostics);
        let mut header_diagnostics = Vec::new();
        let header = raw
            .as_ref()
            .map(|raw| config::check_header(raw, &mut header_diagnostics));
        let storage_invalid = header_diagnostics
            .iter()
            .any(|d| d.code == Code::InvalidStorageRoot);
        let store = store::open(context.layout, header.as_ref());
        let observations = StateObservations::new(store.as_ref());
        Parsed {
            raw,
            header_diagnostics,
            store: (!storage_invalid).then_some(store),
            observations,
            diagnostics,
        }
    }

    /// Append the header diagnostics; whether the command may go on to the store.
    pub fn check_header(&mut self) -> bool {
        self.diagnostics.append(&mut self.header_diagnostics);
        self.raw.is_some() && !has_errors(&self.diagnostics)
    }

    pub fn end(self) -> End {
        End {
            observations: self.observations,
            diagnostics: self.diagnostics,
        }
    }
}
