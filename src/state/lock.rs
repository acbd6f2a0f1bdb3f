//! `__cluster/lock.json`: create-new acquisition, an ownership-checked release guard, read-only
//! observation for `status`, and `force-unlock` (§2.6.3–§2.6.5, §4.3).

use super::StateObservations;
use crate::diagnostic::Diagnostic;
use crate::fsx::{self, Read};
use crate::layout::{LOCK_FILE_REL, Layout, STATE_DIR};
use crate::runtime::{self, Runtime};
use serde::{Deserialize, Serialize};
use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LockFile {
    pub version: u32,
    pub lock_id: String,
    pub operation: String,
    pub created_at: String,
    pub pid: u32,
}

/// obs.lock-metadata: a lock owned by someone else was observed.
fn record_metadata(lock: &LockFile, runtime: &Runtime, observations: &mut StateObservations) {
    observations.locked = true;
    observations.lock_id = Some(lock.lock_id.clone());
    observations.lock_operation = Some(lock.operation.clone());
    observations.lock_created_at = Some(lock.created_at.clone());
    observations.lock_pid = Some(lock.pid);
    observations.lock_age_seconds = runtime::age_seconds(&lock.created_at, runtime.now());
}

/// A lock this process holds. Dropping it removes the lock file, but only while the file still
/// carries our lock id: a lock that was force-unlocked and re-taken by someone else is theirs.
#[derive(Debug)]
pub struct LockGuard {
    path: PathBuf,
    id: String,
}

impl LockGuard {
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        release_if_owned(&self.path, &self.id);
        crate::signals::forget_lock();
    }
}

/// Remove the lock file at `path` if (and only if) it holds lock id `id`.
pub fn release_if_owned(path: &Path, id: &str) {
    let owned = fsx::read_text_bounded(path, fsx::MAX_LOCK_BYTES)
        .ok()
        .and_then(|text| serde_json::from_str::<LockFile>(&text).ok())
        .is_some_and(|lock| lock.lock_id == id);
    if owned {
        let _ = std::fs::remove_file(path);
    }
}

/// Acquire the lock for `operation` (§2.6.3). `None` means not acquired (a diagnostic was added).
pub fn acquire(
    layout: &Layout,
    runtime: &Runtime,
    operation: &str,
    observations: &mut StateObservations,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LockGuard> {
    if let Err(err) = std::fs::create_dir_all(layout.state_dir()) {
        diagnostics.push(Diagnostic::error(
            "state_lock_error",
            STATE_DIR,
            format!("could not create cluster state directory: {err}"),
        ));
        return None;
    }
    let id = runtime.new_id();
    let lock = LockFile {
        version: 1,
        lock_id: id.clone(),
        operation: operation.to_string(),
        created_at: runtime.now_rfc3339(),
        pid: runtime.pid,
    };
    let bytes = match serde_json::to_vec_pretty(&lock) {
        Ok(bytes) => bytes,
        Err(err) => {
            diagnostics.push(Diagnostic::error(
                "state_lock_error",
                LOCK_FILE_REL,
                format!("could not encode state lock: {err}"),
            ));
            return None;
        }
    };
    let path = layout.lock_file();
    // Register before the file exists so a signal arriving in between still cleans up.
    crate::signals::remember_lock(&path, &id);
    // Publishing is one step for the signal watcher, so an interrupt never strands the temp file.
    let published = {
        let _critical = crate::signals::critical_section();
        publish(&layout.state_dir(), &path, &id, &bytes)
    };
    match published {
        Ok(()) => {
            observations.lock_acquired = true;
            observations.acquired_lock_id = Some(id.clone());
            crate::faults::crash_point("lock", "held");
            Some(LockGuard { path, id })
        }
        Err(failure) => {
            crate::signals::forget_lock();
            let problem = |text: String| Diagnostic::error("state_lock_error", LOCK_FILE_REL, text);
            diagnostics.push(match failure {
                Publish::Held => held(&path, runtime, observations),
                Publish::Write(err) => problem(format!("could not write state lock: {err}")),
                Publish::Other(err) => problem(format!("could not acquire state lock: {err}")),
            });
            crate::faults::crash_point("lock", "refused");
            None
        }
    }
}

/// `state_lock_held`, naming the holder when its lock file can be read (§2.6.3).
fn held(path: &Path, runtime: &Runtime, observations: &mut StateObservations) -> Diagnostic {
    observations.locked = true;
    let existing = fsx::read_text_bounded(path, fsx::MAX_LOCK_BYTES)
        .ok()
        .and_then(|text| serde_json::from_str::<LockFile>(&text).ok())
        .filter(|lock| lock.version == 1);
    let message = match &existing {
        Some(lock) => {
            record_metadata(lock, runtime, observations);
            format!(
                "cluster state lock already exists (lock id {id}); run `omnigraph cluster force-unlock {id}` only after confirming no cluster operation is active",
                id = lock.lock_id
            )
        }
        None => "cluster state lock already exists; remove it only after confirming no cluster operation is active".to_string(),
    };
    Diagnostic::error("state_lock_held", LOCK_FILE_REL, message)
}

/// Why the lock file could not be published.
enum Publish {
    /// Something is already at the lock path.
    Held,
    /// Writing the lock's bytes failed.
    Write(std::io::Error),
    /// Any other failure to create the lock.
    Other(std::io::Error),
}

/// Create `path` holding exactly `bytes`, failing if anything is there already.
///
/// The bytes go to a temp file first, which is then hard-linked to `lock.json`: `link` refuses an
/// existing target just as `O_EXCL` does, and the lock appears complete or not at all. A crash at
/// any instant leaves at most a stray temp file, never an empty or partial `lock.json` that
/// `force-unlock` could not parse (the reference creates the file, then writes into it). Where the
/// file system has no hard links we fall back to create-new + write.
fn publish(state_dir: &Path, path: &Path, id: &str, bytes: &[u8]) -> Result<(), Publish> {
    let temp = state_dir.join(format!("lock.json.tmp.{id}"));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .map_err(Publish::Other)?;
    let written = crate::faults::io_point("lock", "write").and_then(|()| file.write_all(bytes));
    drop(file);
    if let Err(err) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(Publish::Write(err));
    }
    crate::faults::crash_point("lock", "before-link");
    let linked = std::fs::hard_link(&temp, path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == ErrorKind::AlreadyExists => Err(Publish::Held),
        Err(err) if links_unsupported(&err) => create_new_with(path, bytes),
        Err(err) => Err(Publish::Other(err)),
    }
}

/// `EPERM`, `EOPNOTSUPP` and `ENOSYS` are how file systems without hard links answer `link`.
fn links_unsupported(err: &std::io::Error) -> bool {
    matches!(err.raw_os_error(), Some(1 | 38 | 95))
}

/// The reference's way: create the file exclusively, then write into it.
fn create_new_with(path: &Path, bytes: &[u8]) -> Result<(), Publish> {
    let mut file = match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == ErrorKind::AlreadyExists => return Err(Publish::Held),
        Err(err) => return Err(Publish::Other(err)),
    };
    if let Err(err) = file.write_all(bytes) {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(Publish::Write(err));
    }
    Ok(())
}

/// How a problem with an existing lock file is reported: a warning in `status`, an error in
/// `force-unlock`.
fn lock_problem(as_error: bool, code: &'static str, message: String) -> Diagnostic {
    if as_error {
        Diagnostic::error(code, LOCK_FILE_REL, message)
    } else {
        Diagnostic::warning(code, LOCK_FILE_REL, message)
    }
}

/// Parse an existing lock file's text; `None` after reporting a parse or version problem.
fn parse_existing(
    text: &str,
    as_error: bool,
    runtime: &Runtime,
    observations: &mut StateObservations,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LockFile> {
    let lock: LockFile = match serde_json::from_str(text) {
        Ok(lock) => lock,
        Err(err) => {
            diagnostics.push(lock_problem(
                as_error,
                "invalid_state_lock",
                format!("could not parse state lock: {err}"),
            ));
            return None;
        }
    };
    if lock.version != 1 {
        diagnostics.push(lock_problem(
            as_error,
            "unsupported_state_lock_version",
            format!("unsupported cluster state lock version {}", lock.version),
        ));
        return None;
    }
    record_metadata(&lock, runtime, observations);
    Some(lock)
}

/// Observe the lock for `status` (§2.6.4): never fails the command.
pub fn observe(
    layout: &Layout,
    runtime: &Runtime,
    observations: &mut StateObservations,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let path = layout.lock_file();
    if !path.exists() {
        return;
    }
    observations.locked = true;
    match fsx::read_text_bounded(&path, fsx::MAX_LOCK_BYTES) {
        Ok(text) => {
            parse_existing(&text, false, runtime, observations, diagnostics);
        }
        Err(err) => diagnostics.push(lock_problem(
            false,
            "state_lock_read_error",
            format!("could not read state lock: {err}"),
        )),
    }
}

/// Remove the lock if its id is exactly `requested` (§2.6.5). Returns whether it was removed.
pub fn force_unlock(
    layout: &Layout,
    runtime: &Runtime,
    requested: &str,
    observations: &mut StateObservations,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let path = layout.lock_file();
    let text = match fsx::read_text(&path, fsx::MAX_LOCK_BYTES) {
        Read::Found(text) => text,
        Read::NotFound => {
            diagnostics.push(Diagnostic::error(
                "state_lock_missing",
                LOCK_FILE_REL,
                "cluster state lock is not present; nothing was unlocked",
            ));
            return false;
        }
        Read::Failed(err) => {
            diagnostics.push(lock_problem(
                true,
                "state_lock_read_error",
                format!("could not read state lock: {err}"),
            ));
            return false;
        }
    };
    observations.locked = true;
    let Some(lock) = parse_existing(&text, true, runtime, observations, diagnostics) else {
        return false;
    };
    if lock.lock_id != requested {
        diagnostics.push(Diagnostic::error(
            "state_lock_id_mismatch",
            LOCK_FILE_REL,
            format!(
                "cluster state lock id is {}; refusing to unlock with requested id {requested}",
                lock.lock_id
            ),
        ));
        return false;
    }
    match std::fs::remove_file(&path) {
        Ok(()) => true,
        Err(err) => {
            diagnostics.push(Diagnostic::error(
                "state_unlock_error",
                LOCK_FILE_REL,
                format!("could not remove state lock: {err}"),
            ));
            false
        }
    }
}
