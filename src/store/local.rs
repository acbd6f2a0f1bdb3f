//! The local file-system backend. The root is a directory (the config folder, or a `storage:`
//! path), laid out as `«root»/__cluster/{state.json,lock.json,resources/…}` and
//! `«root»/graphs/«G».omni`. Paths are joined with `PathBuf::join` and never normalised, because
//! their rendered text (`./__cluster/state.json`) is part of the output contract.
//!
//! Promises: the state is written to a temp file, fsynced and renamed over `state.json` (then the
//! directory is fsynced) while an advisory `flock` on `__cluster/` makes "check the CAS, then
//! rename" one step for every process of this tool; the lock is hard-linked into place whole;
//! blobs are written like the state.

use super::{
    BlobKey, BlobMode, BlobOutcome, BlobSource, BlobWrite, BlobWriteError, Fetch, GRAPHS_DIR,
    LOCK_FILE_REL, LockCreateError, RESOURCES_DIR, STATE_DIR, STATE_FILE_REL, StateVersion,
    StateWriteError, Store, StoredState, TempStep,
};
use crate::digest;
use crate::fsx::{self, AtomicWriteError};
use crate::layout::display;
use crate::observe::{self, Observation};
use std::fs::OpenOptions;
use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalStore { root: root.into() }
    }

    fn state_dir(&self) -> PathBuf {
        self.root.join(STATE_DIR)
    }

    fn state_file(&self) -> PathBuf {
        self.root.join(STATE_FILE_REL)
    }

    fn lock_file(&self) -> PathBuf {
        self.root.join(LOCK_FILE_REL)
    }

    /// `«root»/__cluster/resources/«key…»`, one join per key part.
    fn blob_path(&self, key: &BlobKey) -> PathBuf {
        let mut path = self.state_dir().join(RESOURCES_DIR);
        for part in &key.0 {
            path.push(part);
        }
        path
    }

    fn graph_root(&self, graph: &str) -> PathBuf {
        self.root.join(GRAPHS_DIR).join(format!("{graph}.omni"))
    }

    /// Publish one blob from `source` unless the mode trusts an existing one (§2.7.1).
    fn put_blob(&self, write: &BlobWrite, source: impl FnOnce() -> BlobBytes) -> BlobOutcome {
        let target = self.blob_path(&write.key);
        if write.mode == BlobMode::CreateOnly && target.symlink_metadata().is_ok() {
            return BlobOutcome::Existed;
        }
        let bytes = match source() {
            Ok(bytes) => bytes,
            Err(diagnostic) => return BlobOutcome::SourceFailed(diagnostic),
        };
        let parent = target.parent().unwrap_or(Path::new("."));
        if let Err(err) = std::fs::create_dir_all(parent) {
            return BlobOutcome::Failed(BlobWriteError::CreateDir(err));
        }
        let file_name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = parent.join(format!("{file_name}.tmp.{}", write.temp_id));
        match fsx::atomic_write("blob", &temp, &target, &bytes) {
            Ok(()) => BlobOutcome::Written,
            Err(err) => BlobOutcome::Failed(match err {
                AtomicWriteError::Create(e) => BlobWriteError::CreateTemp(e),
                AtomicWriteError::Write(e) | AtomicWriteError::Sync(e) => BlobWriteError::Write(e),
                AtomicWriteError::Rename(e) => BlobWriteError::Rename(e),
            }),
        }
    }
}

type BlobBytes = Result<Vec<u8>, crate::diagnostic::Diagnostic>;

impl Store for LocalStore {
    fn state_path(&self) -> String {
        display(&self.state_file())
    }

    fn lock_path(&self) -> String {
        display(&self.lock_file())
    }

    fn blob_uri(&self, key: &BlobKey) -> String {
        display(&self.blob_path(key))
    }

    fn graph_uri(&self, graph: &str) -> String {
        display(&self.graph_root(graph))
    }

    fn read_state(&self) -> Fetch<StoredState> {
        match fsx::read_bytes(&self.state_file(), fsx::MAX_STATE_BYTES) {
            Fetch::Found(bytes) => Fetch::Found(StoredState { bytes, etag: None }),
            Fetch::NotFound => Fetch::NotFound,
            Fetch::Failed(err) => Fetch::Failed(err),
        }
    }

    fn write_state(
        &self,
        bytes: &[u8],
        expected: Option<&StateVersion>,
        temp_id: &str,
    ) -> Result<Vec<u8>, StateWriteError> {
        let state_dir = self.state_dir();
        std::fs::create_dir_all(&state_dir).map_err(StateWriteError::CreateDir)?;
        // Held to the end of the function: no other writer of ours can slip in between the CAS
        // check and the rename.
        let _writers = fsx::lock_dir(&state_dir);
        let state_file = self.state_file();
        let current = match fsx::read_bytes(&state_file, fsx::MAX_STATE_BYTES) {
            Fetch::Found(bytes) => Some(digest::state_cas(&bytes)),
            Fetch::NotFound => None,
            Fetch::Failed(err) => return Err(StateWriteError::CasRead(err)),
        };
        if current.as_deref() != expected.map(|v| v.cas.as_str()) {
            return Err(StateWriteError::CasMismatch);
        }
        let temp = state_dir.join(format!("state.json.tmp.{temp_id}"));
        let in_temp = |step, error| StateWriteError::Temp {
            temp: display(&temp),
            step,
            error,
        };
        fsx::atomic_write("state", &temp, &state_file, bytes).map_err(|err| match err {
            AtomicWriteError::Create(e) => in_temp(TempStep::Create, e),
            AtomicWriteError::Write(e) => in_temp(TempStep::Write, e),
            AtomicWriteError::Sync(e) => in_temp(TempStep::Sync, e),
            AtomicWriteError::Rename(e) => StateWriteError::Replace(e),
        })?;
        fsx::read_text_bounded(&state_file, fsx::MAX_STATE_BYTES)
            .map(String::into_bytes)
            .map_err(StateWriteError::ReadBack)
    }

    fn create_lock(&self, bytes: &[u8], lock_id: &str) -> Result<(), LockCreateError> {
        let state_dir = self.state_dir();
        std::fs::create_dir_all(&state_dir).map_err(LockCreateError::CreateDir)?;
        // Publishing is one step for the signal watcher, so an interrupt never strands the temp
        // file.
        let _critical = fsx::critical_section();
        publish_lock(&state_dir, &self.lock_file(), lock_id, bytes)
    }

    fn lock_exists(&self) -> bool {
        self.lock_file().exists()
    }

    fn read_lock(&self) -> Fetch<Vec<u8>> {
        fsx::read_bytes(&self.lock_file(), fsx::MAX_LOCK_BYTES)
    }

    fn remove_lock(&self) -> io::Result<()> {
        std::fs::remove_file(self.lock_file())
    }

    fn blob_digests(&self, keys: &[BlobKey]) -> Vec<Fetch<String>> {
        crate::par::map(keys, |key| {
            match fsx::read_bytes(&self.blob_path(key), fsx::MAX_SOURCE_BYTES) {
                Fetch::Found(bytes) => Fetch::Found(digest::sha256_hex(&bytes)),
                Fetch::NotFound => Fetch::NotFound,
                Fetch::Failed(err) => Fetch::Failed(err),
            }
        })
    }

    fn put_blobs(&self, writes: &[BlobWrite], source: &BlobSource<'_>) -> Vec<BlobOutcome> {
        writes
            .iter()
            .enumerate()
            .map(|(index, write)| self.put_blob(write, || source(index)))
            .collect()
    }

    fn observe_graph(&self, graph: &str) -> Observation {
        observe::observe_dir(&self.graph_root(graph))
    }
}

/// Create `path` holding exactly `bytes`, failing if anything is there already.
///
/// The bytes go to a temp file first, which is then hard-linked to `lock.json`: `link` refuses an
/// existing target just as `O_EXCL` does, and the lock appears complete or not at all. A crash at
/// any instant leaves at most a stray temp file, never an empty or partial `lock.json` that
/// `force-unlock` could not parse (the reference creates the file, then writes into it). Where the
/// file system has no hard links we fall back to create-new + write.
fn publish_lock(
    state_dir: &Path,
    path: &Path,
    id: &str,
    bytes: &[u8],
) -> Result<(), LockCreateError> {
    let temp = state_dir.join(format!("lock.json.tmp.{id}"));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .map_err(LockCreateError::Other)?;
    let written = crate::faults::io_point("lock", "write").and_then(|()| file.write_all(bytes));
    drop(file);
    if let Err(err) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(LockCreateError::Write(err));
    }
    crate::faults::crash_point("lock", "before-link");
    let linked = std::fs::hard_link(&temp, path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == ErrorKind::AlreadyExists => Err(LockCreateError::Held),
        Err(err) if links_unsupported(&err) => create_new_with(path, bytes),
        Err(err) => Err(LockCreateError::Other(err)),
    }
}

/// `EPERM`, `EOPNOTSUPP` and `ENOSYS` are how file systems without hard links answer `link`.
fn links_unsupported(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(1 | 38 | 95))
}

/// The reference's way: create the file exclusively, then write into it.
fn create_new_with(path: &Path, bytes: &[u8]) -> Result<(), LockCreateError> {
    let mut file = match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == ErrorKind::AlreadyExists => return Err(LockCreateError::Held),
        Err(err) => return Err(LockCreateError::Other(err)),
    };
    if let Err(err) = file.write_all(bytes) {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(LockCreateError::Write(err));
    }
    Ok(())
}
