//! How every command that reads the ledger opens (plan, apply, refresh, import): load the desired
//! revision, stop on config errors, take the lock (or warn that it is off), read the state. The
//! command then gets either its working set or what it had when it had to stop.

use super::Context;
use crate::addressed::Digests;
use crate::config::{self, Header, RawClusterConfig, StorageRoot};
use crate::desired::{self, Desired};
use crate::diagnostic::{Code, Diagnostic, Severity, has_errors};
use crate::digest;
use crate::layout::Layout;
use crate::plan;
use crate::state::history::{self, RecordedChange};
use crate::state::lock::{self, LockGuard};
use crate::state::{ClusterState, LoadedState, StateObservations, StateRead, ledger};
use crate::store::{HISTORY_REL, STATE_FILE_REL, StateVersion, Store, local::LocalStore};
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
    /// The command (`plan`, `apply`, `refresh`, `import`): the lock's operation and the
    /// history record's.
    label: String,
    pub store: Arc<dyn Store>,
    pub desired: Desired,
    /// The state read, or `None` when there is none yet.
    pub state: Option<LoadedState>,
    pub observations: StateObservations,
    pub diagnostics: Vec<Diagnostic>,
    guard: Option<LockGuard>,
}

/// How a command meets the state lock.
pub enum Locking {
    /// Take it for the command's whole run, or warn that `state.lock: false` turned it off (the
    /// contract's behaviour).
    Take,
    /// Leave it alone: only look whether someone holds it, as `status` does, so the command
    /// creates and writes nothing and needs only read access (`plan --lock=false`,
    /// `refresh --dry-run`). `warning`, if any, says so in the output.
    Observe { warning: Option<Diagnostic> },
}

impl<'a> Session<'a> {
    /// Open a command labelled `label` (`plan`, `apply`, `refresh`, `import`) that takes the
    /// lock: §3.2 steps 1–5, §3.3 steps 1–6, §3.5 steps 1–6.
    pub fn open(context: &'a Context<'a>, label: &str) -> Result<Self, Box<Early>> {
        Session::open_with(context, label, Locking::Take)
    }

    /// [`Session::open`], meeting the lock as `locking` says.
    pub fn open_with(
        context: &'a Context<'a>,
        label: &str,
        locking: Locking,
    ) -> Result<Self, Box<Early>> {
        let mut diagnostics = Vec::new();
        let desired = desired::load(context.layout, &mut diagnostics);
        let store = open_store(context.layout, desired.as_ref().map(|d| &d.header));
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
        let guard = match locking {
            Locking::Take => lock_or_warn(
                &desired.header,
                &store,
                context,
                label,
                &mut observations,
                &mut diagnostics,
            ),
            Locking::Observe { warning } => {
                lock::observe(
                    store.as_ref(),
                    context.runtime,
                    &mut observations,
                    &mut diagnostics,
                );
                diagnostics.extend(warning);
                None
            }
        };
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
            label: label.to_string(),
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

    /// Publish `state` over `before` (the state read and its version; `None`: there must be no
    /// state yet) if the ledger still holds that version (§2.6.2); whether it was written. The
    /// revision's history record is written first, so a published revision never lacks one;
    /// when it cannot be, nothing is published.
    pub fn write_state(
        &mut self,
        state: &ClusterState,
        before: Option<(&ClusterState, &StateVersion)>,
    ) -> bool {
        let bytes = match ledger::encode(state) {
            Ok(bytes) => bytes,
            Err(diagnostic) => {
                self.push(diagnostic);
                return false;
            }
        };
        let runtime = self.context.runtime;
        let actor = runtime.actor();
        let publisher = history::Publisher {
            operation: &self.label,
            actor: &actor,
            recorded_at: runtime.now_rfc3339(),
        };
        let cas = digest::state_cas(&bytes);
        let record = history::RevisionRecord::new(
            publisher,
            before.map(|(state, version)| (state, version.cas.as_str())),
            (state, &cas),
            digest_moves(before.map(|(state, _)| state), state),
        );
        if let Err(err) = history::write(self.store.as_ref(), &record, &runtime.new_id()) {
            self.push(Diagnostic::new(
                Code::HistoryWriteError,
                HISTORY_REL,
                format!(
                    "could not record revision {} in the history, so the state was not published: {err}",
                    record.revision
                ),
            ));
            return false;
        }
        ledger::publish(
            self.store.as_ref(),
            runtime,
            state,
            &bytes,
            before.map(|(_, version)| version),
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

/// What a revision does to the digests: the differ's changes from `before` to `after`, as the
/// history records them.
fn digest_moves(before: Option<&ClusterState>, after: &ClusterState) -> Vec<RecordedChange> {
    let after = Digests::from_pairs(after.digests().map(|(a, d)| (a.into(), d.into())).collect());
    plan::diff(before.into_iter().flat_map(ClusterState::digests), &after)
        .into_iter()
        .map(|change| RecordedChange {
            resource: change.resource.to_string(),
            action: change.operation,
            before_digest: change.before_digest.map(|d| d.to_string()),
            after_digest: change.after_digest.map(|d| d.to_string()),
        })
        .collect()
}

/// The store a command's config names: its `storage:` root, or the config folder itself when
/// there is none (or no header could be read).
fn open_store(layout: &Layout, header: Option<&Header>) -> Arc<dyn Store> {
    match header.and_then(|h| h.storage.as_ref()) {
        None => Arc::new(LocalStore::new(&layout.config_dir)),
        Some(StorageRoot::Local(path)) => Arc::new(LocalStore::new(layout.resolve(path))),
        #[cfg(feature = "s3")]
        Some(StorageRoot::S3 { bucket, prefix }) => {
            Arc::new(crate::store::object::ObjectBackend::s3(bucket, prefix))
        }
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
        let store = open_store(context.layout, header.as_ref());
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

    /// The header's diagnostics, then the ledger read without the lock, as `status` reads it:
    /// no state is `state_missing` with severity `missing` (`status` warns; a command that needs
    /// a state fails). The store and the state, when one was read.
    pub fn read_ledger(&mut self, missing: Severity) -> Option<(Arc<dyn Store>, LoadedState)> {
        let (true, Some(store)) = (self.check_header(), self.store.clone()) else {
            return None;
        };
        match ledger::read_state(
            store.as_ref(),
            &mut self.observations,
            &mut self.diagnostics,
        ) {
            StateRead::Found(loaded) => Some((store, *loaded)),
            StateRead::Failed => None,
            StateRead::Missing => {
                self.diagnostics.push(Diagnostic {
                    severity: missing,
                    ..Diagnostic::new(
                        Code::StateMissing,
                        STATE_FILE_REL,
                        "state.json is missing; no applied cluster revision has been recorded",
                    )
                });
                None
            }
        }
    }

    pub fn end(self) -> End {
        End {
            observations: self.observations,
            diagnostics: self.diagnostics,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addressed::Operation;

    fn state(resources: &[(&str, &str)]) -> ClusterState {
        let mut state = ClusterState::empty(None);
        for (address, digest) in resources {
            state.set_digest(address, digest.to_string());
        }
        state
    }

    #[test]
    fn a_revision_records_the_digests_that_moved() {
        let before = state(&[("query.g.a", "1"), ("query.g.b", "2"), ("policy.p", "3")]);
        let after = state(&[("query.g.a", "1"), ("query.g.b", "9"), ("query.g.c", "4")]);
        let moved: Vec<(String, Operation, Option<String>, Option<String>)> =
            digest_moves(Some(&before), &after)
                .into_iter()
                .map(|c| (c.resource, c.action, c.before_digest, c.after_digest))
                .collect();
        let some = |d: &str| Some(d.to_string());
        assert_eq!(
            moved,
            [
                ("policy.p".into(), Operation::Delete, some("3"), None),
                ("query.g.b".into(), Operation::Update, some("2"), some("9")),
                ("query.g.c".into(), Operation::Create, None, some("4")),
            ]
        );
        // The first state: everything it records is a create.
        assert_eq!(digest_moves(None, &after).len(), 3);
    }
}
