//! `__cluster/lock.json`: create-new acquisition, an ownership-checked release guard, read-only
//! observation for `status`, and `force-unlock` (§2.6.3–§2.6.5, §4.3). The type name
//! `StateLockFile` is the reference's: serde puts it into parse errors.

use super::StateObservations;
use crate::diagnostic::{Code, Diagnostic};
use crate::fsx;
use crate::runtime::{self, Runtime};
use crate::store::{Fetch, LOCK_FILE_REL, LockCreateError, STATE_DIR, Store};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StateLockFile {
    pub version: u32,
    pub lock_id: String,
    pub operation: String,
    pub created_at: String,
    pub pid: u32,
}

/// obs.lock-metadata: a lock owned by someone else was observed.
fn record_metadata(lock: &StateLockFile, runtime: &Runtime, observations: &mut StateObservations) {
    observations.locked = true;
    observations.lock_id = Some(lock.lock_id.clone());
    observations.lock_operation = Some(lock.operation.clone());
    observations.lock_created_at = Some(lock.created_at.clone());
    observations.lock_pid = Some(lock.pid);
    observations.lock_age_seconds = runtime::age_seconds(&lock.created_at, runtime.now());
}

/// The lock this process holds, if any, so the signal watcher can release it on the way out.
type Held = Option<(Arc<dyn Store>, String)>;
static HELD: Mutex<Held> = Mutex::new(None);

fn held() -> MutexGuard<'static, Held> {
    HELD.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Release the lock this process holds, if any (the signal watcher's last act).
pub fn release_held() {
    if let Some((store, id)) = held().take() {
        // The process is exiting on a signal; there is no output left to report a failure in.
        let _ = release_if_owned(store.as_ref(), &id);
    }
}

/// A lock this process holds. Releasing (or dropping) it removes the lock, but only while it
/// still carries our lock id: a lock that was force-unlocked and re-taken by someone else is
/// theirs.
pub struct LockGuard {
    store: Arc<dyn Store>,
    /// Our lock id, until the lock is released.
    id: Option<String>,
}

impl LockGuard {
    pub fn id(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }

    /// Release the lock now; `Some` warning when it could not be removed (or could not be read
    /// to tell whether it is still ours), naming the `force-unlock` that clears it. A warning,
    /// because the command's own work is decided either way: only the lock is left over.
    pub fn release(mut self) -> Option<Diagnostic> {
        let (id, released) = self.release_once()?;
        released.err().map(|err| {
            Diagnostic::new(
                Code::StateLockReleaseError,
                LOCK_FILE_REL,
                format!(
                    "could not release state lock: {err}; run `omnigraph cluster force-unlock {id}` once no cluster operation is active"
                ),
            )
        })
    }

    /// Remove the lock if it is still ours and forget it, once; the id and how it went.
    fn release_once(&mut self) -> Option<(String, std::io::Result<()>)> {
        let id = self.id.take()?;
        let released = release_if_owned(self.store.as_ref(), &id);
        *held() = None;
        Some((id, released))
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        self.release_once();
    }
}

/// The lock in `store`, if it can be read and parsed.
fn current(store: &dyn Store) -> Option<StateLockFile> {
    match store.read_lock() {
        Fetch::Found(bytes) => serde_json::from_slice(&bytes).ok(),
        _ => None,
    }
}

/// Remove the lock in `store` if (and only if) it holds lock id `id`. `Err` when the lock could
/// not be read (so it may still be ours) or not be removed; a lock gone meanwhile is released.
pub fn release_if_owned(store: &dyn Store, id: &str) -> std::io::Result<()> {
    match store.read_lock() {
        Fetch::Found(bytes) => match serde_json::from_slice::<StateLockFile>(&bytes) {
            Ok(lock) if lock.lock_id == id => match store.remove_lock(&bytes) {
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
                removed => removed,
            },
            _ => Ok(()),
        },
        Fetch::NotFound => Ok(()),
        Fetch::Failed(err) => Err(err),
    }
}

/// How long [`acquire`] retries a held lock (`--lock-timeout`), and whom it tells when it starts
/// waiting.
pub struct Patience<'a> {
    pub timeout: Duration,
    pub on_wait: &'a dyn Fn(&LockWait),
}

impl Patience<'static> {
    /// Fail at once, as the reference does.
    pub fn none() -> Self {
        Patience {
            timeout: Duration::ZERO,
            on_wait: &|_| {},
        }
    }
}

/// What a command that starts waiting for the lock knows about its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockWait {
    /// The holder's lock, when it can be read and is version 1.
    pub holder: Option<StateLockFile>,
    pub age_seconds: Option<u64>,
    pub timeout: Duration,
}

/// Backoff between attempts: from 50 ms, doubling, at most 2 s, each with ±25 % jitter.
const FIRST_DELAY: Duration = Duration::from_millis(50);
const MAX_DELAY: Duration = Duration::from_secs(2);

/// Acquire the lock for `operation` (§2.6.3), retrying a held lock with backoff until
/// `patience.timeout` has passed (zero: one attempt, as the reference). `None` means not acquired
/// (a diagnostic was added).
pub fn acquire(
    store: &Arc<dyn Store>,
    runtime: &Runtime,
    operation: &str,
    patience: &Patience<'_>,
    observations: &mut StateObservations,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LockGuard> {
    let id = runtime.new_id();
    let start = Instant::now();
    let mut delay = FIRST_DELAY;
    loop {
        let failure = match try_create(store, runtime, operation, &id) {
            Ok(guard) => {
                observations.lock_acquired = true;
                observations.acquired_lock_id = Some(id);
                crate::faults::crash_point("lock", "held");
                return Some(guard);
            }
            Err(failure) => failure,
        };
        let left = patience.timeout.saturating_sub(start.elapsed());
        if matches!(failure, Refusal::Held) && !left.is_zero() {
            if delay == FIRST_DELAY {
                (patience.on_wait)(&waiting_for(store.as_ref(), runtime, patience.timeout));
            }
            std::thread::sleep(runtime::jittered(delay).min(left));
            delay = (delay * 2).min(MAX_DELAY);
            continue;
        }
        diagnostics.push(match failure {
            Refusal::Held => held_by_other(store.as_ref(), runtime, observations),
            Refusal::Failed(diagnostic) => diagnostic,
        });
        crate::faults::crash_point("lock", "refused");
        return None;
    }
}

/// Why one attempt did not take the lock.
enum Refusal {
    Held,
    Failed(Diagnostic),
}

/// One attempt to create the lock with id `id`, stamped now.
fn try_create(
    store: &Arc<dyn Store>,
    runtime: &Runtime,
    operation: &str,
    id: &str,
) -> Result<LockGuard, Refusal> {
    let lock = StateLockFile {
        version: 1,
        lock_id: id.to_string(),
        operation: operation.to_string(),
        created_at: runtime.now_rfc3339(),
        pid: runtime.pid,
    };
    let problem = |text: String| Diagnostic::new(Code::StateLockError, LOCK_FILE_REL, text);
    let bytes = serde_json::to_vec_pretty(&lock)
        .map_err(|err| Refusal::Failed(problem(format!("could not encode state lock: {err}"))))?;
    // Register before the lock exists so a signal arriving in between still cleans up.
    *held() = Some((Arc::clone(store), id.to_string()));
    match store.create_lock(&bytes, id) {
        Ok(()) => Ok(LockGuard {
            store: Arc::clone(store),
            id: Some(id.to_string()),
        }),
        Err(failure) => {
            *held() = None;
            Err(refusal(failure))
        }
    }
}

fn refusal(failure: LockCreateError) -> Refusal {
    let problem = |text: String| Diagnostic::new(Code::StateLockError, LOCK_FILE_REL, text);
    Refusal::Failed(match failure {
        LockCreateError::Held => return Refusal::Held,
        LockCreateError::CreateDir(err) => Diagnostic::new(
            Code::StateLockError,
            STATE_DIR,
            format!("could not create cluster state directory: {err}"),
        ),
        LockCreateError::Write(err) => problem(format!("could not write state lock: {err}")),
        LockCreateError::Other(err) => problem(format!("could not acquire state lock: {err}")),
    })
}

/// The holder of the lock as seen when a command starts waiting for it.
fn waiting_for(store: &dyn Store, runtime: &Runtime, timeout: Duration) -> LockWait {
    let holder = current(store).filter(|lock| lock.version == 1);
    let age_seconds = holder
        .as_ref()
        .and_then(|lock| runtime::age_seconds(&lock.created_at, runtime.now()));
    LockWait {
        holder,
        age_seconds,
        timeout,
    }
}

/// `state_lock_held`, naming the holder when its lock can be read (§2.6.3).
fn held_by_other(
    store: &dyn Store,
    runtime: &Runtime,
    observations: &mut StateObservations,
) -> Diagnostic {
    observations.locked = true;
    let message = match current(store).filter(|lock| lock.version == 1) {
        Some(lock) => {
            record_metadata(&lock, runtime, observations);
            format!(
                "cluster state lock already exists (lock id {id}); run `omnigraph cluster force-unlock {id}` only after confirming no cluster operation is active",
                id = lock.lock_id
            )
        }
        None => "cluster state lock already exists; remove it only after confirming no cluster operation is active".to_string(),
    };
    Diagnostic::new(Code::StateLockHeld, LOCK_FILE_REL, message)
}

/// How a problem with an existing lock is reported: a warning in `status`, an error in
/// `force-unlock`.
fn lock_problem(as_error: bool, code: Code, message: String) -> Diagnostic {
    if as_error {
        Diagnostic::new(code, LOCK_FILE_REL, message)
    } else {
        Diagnostic::warning(code, LOCK_FILE_REL, message)
    }
}

/// Read the lock as text (§2.6.4, §2.6.5); `None` when there is none, `Err` with the read error.
fn read_text(store: &dyn Store) -> Option<std::io::Result<String>> {
    match store.read_lock() {
        Fetch::Found(bytes) => Some(fsx::utf8(bytes)),
        Fetch::NotFound => None,
        Fetch::Failed(err) => Some(Err(err)),
    }
}

/// Parse an existing lock's text; `None` after reporting a read, parse or version problem.
fn parse_existing(
    text: std::io::Result<String>,
    as_error: bool,
    runtime: &Runtime,
    observations: &mut StateObservations,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<StateLockFile> {
    let parsed = text
        .map_err(|err| {
            lock_problem(
                as_error,
                Code::StateLockReadError,
                format!("could not read state lock: {err}"),
            )
        })
        .and_then(|text| {
            serde_json::from_str::<StateLockFile>(&text).map_err(|err| {
                lock_problem(
                    as_error,
                    Code::InvalidStateLock,
                    format!("could not parse state lock: {err}"),
                )
            })
        })
        .and_then(|lock| match lock.version {
            1 => Ok(lock),
            other => Err(lock_problem(
                as_error,
                Code::UnsupportedStateLockVersion,
                format!("unsupported cluster state lock version {other}"),
            )),
        });
    match parsed {
        Ok(lock) => {
            record_metadata(&lock, runtime, observations);
            Some(lock)
        }
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            None
        }
    }
}

/// Observe the lock for `status` (§2.6.4): never fails the command.
pub fn observe(
    store: &dyn Store,
    runtime: &Runtime,
    observations: &mut StateObservations,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !store.lock_exists() {
        return;
    }
    observations.locked = true;
    // Gone between the two looks: report it as the read would have (ENOENT).
    let text = read_text(store).unwrap_or_else(|| Err(std::io::Error::from_raw_os_error(2)));
    parse_existing(text, false, runtime, observations, diagnostics);
}

/// Asked before a lock is removed, with the lock and its age; `false` keeps it.
pub type ConfirmRemoval<'a> = &'a dyn Fn(&StateLockFile, Option<u64>) -> bool;

/// Remove the lock if its id is exactly `requested` (§2.6.5) and `confirm` (when given) agrees.
/// Returns whether it was removed.
pub fn force_unlock(
    store: &dyn Store,
    runtime: &Runtime,
    requested: &str,
    confirm: Option<ConfirmRemoval<'_>>,
    observations: &mut StateObservations,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let Some(text) = read_text(store) else {
        diagnostics.push(Diagnostic::new(
            Code::StateLockMissing,
            LOCK_FILE_REL,
            "cluster state lock is not present; nothing was unlocked",
        ));
        return false;
    };
    // §2.6.5 step 2: a lock counts as held once it was read.
    if text.is_ok() {
        observations.locked = true;
    }
    let read = text
        .as_ref()
        .map(|t| t.as_bytes().to_vec())
        .unwrap_or_default();
    let Some(lock) = parse_existing(text, true, runtime, observations, diagnostics) else {
        return false;
    };
    if lock.lock_id != requested {
        diagnostics.push(Diagnostic::new(
            Code::StateLockIdMismatch,
            LOCK_FILE_REL,
            format!(
                "cluster state lock id is {}; refusing to unlock with requested id {requested}",
                lock.lock_id
            ),
        ));
        return false;
    }
    if let Some(ask) = confirm {
        if !ask(&lock, observations.lock_age_seconds) {
            diagnostics.push(Diagnostic::new(
                Code::ConfirmationDeclined,
                LOCK_FILE_REL,
                "force-unlock was not confirmed; the lock was left in place",
            ));
            return false;
        }
        // The operator took their time: look again, so a lock that was released or re-taken
        // meanwhile is not removed on the strength of the old answer.
        return force_unlock(store, runtime, requested, None, observations, diagnostics);
    }
    match store.remove_lock(&read) {
        Ok(()) => true,
        Err(err) => {
            diagnostics.push(Diagnostic::new(
                Code::StateUnlockError,
                LOCK_FILE_REL,
                format!("could not remove state lock: {err}"),
            ));
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde names the expected type in parse errors, so the lock type carries the reference's
    /// name (`could not parse state lock: invalid length 1, expected struct StateLockFile …`).
    #[test]
    fn parse_errors_name_the_reference_type() {
        let err = serde_json::from_str::<StateLockFile>("[1]").expect_err("must fail");
        assert_eq!(
            err.to_string(),
            "invalid length 1, expected struct StateLockFile with 5 elements at line 1 column 3"
        );
        let err = serde_json::from_str::<StateLockFile>("\"x\"").expect_err("must fail");
        assert_eq!(
            err.to_string(),
            "invalid type: string \"x\", expected struct StateLockFile at line 1 column 3"
        );
    }
}
