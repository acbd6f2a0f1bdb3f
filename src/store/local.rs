//! The local file-system backend. The root is a directory (the config folder, or a `storage:`
//! path), laid out as `«root»/__cluster/{state.json,lock.json,resources/…}` and
//! `«root»/graphs/«G».omni`. Paths are joined with `PathBuf::join` and never normalised, because
//! their rendered text (`./__cluster/state.json`) is part of the output contract.
//!
//! Promises: the state is written to a temp file, fsynced and renamed over `state.json` (then the
//! directory is fsynced) while an advisory `flock` on `__cluster/` makes "check the CAS, then
//! rename" one step for every process of this tool; the lock is hard-linked into place whole;
//! blobs are written like the state, in batches (`put_blobs`): every temp file of a chunk is
//! written, then all are fsynced together, renamed, and each directory they touched is fsynced
//! once, before the call returns and the caller publishes the state that names them.

use super::{
    BlobKey, BlobMode, BlobOutcome, BlobSource, BlobWrite, BlobWriteError, Fetch, GRAPHS_DIR,
    HISTORY_DIR, LOCK_FILE_REL, LockCreateError, RESOURCES_DIR, RootEntry, STATE_DIR,
    STATE_FILE_REL, StateVersion, StateWriteError, Store, StoredState, TempStep,
};
use crate::digest;
use crate::fsx::{self, AtomicWriteError};
use crate::layout::display;
use std::fs::OpenOptions;
use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Blobs per chunk of a batch. A chunk's four steps run under one critical section, so a signal
/// waits for at most one chunk (about 0.1 s here) and never strands a temp file; the chunk also
/// bounds what is staged in memory. First applies at 5k with chunks of 256 to 8,192 blobs took
/// the same time within the disk's noise: each chunk's barrier costs only the slowest fsync.
const BLOB_CHUNK: usize = 512;

/// Threads that fsync a chunk's files, then its directories. fsync waits on the device, not the
/// CPU, and only concurrency amortises it (the disk has no group commit): 32 in flight cost a
/// quarter of 4 in the measurements (docs/performance.md).
const SYNC_THREADS: usize = 32;

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

    fn history_dir(&self) -> PathBuf {
        self.state_dir().join(HISTORY_DIR)
    }

    fn graph_dir(&self, graph: &str) -> PathBuf {
        self.root.join(GRAPHS_DIR).join(format!("{graph}.omni"))
    }

    /// `rel` (`/`-separated) below graph `graph`'s root, one join per part.
    fn graph_path(&self, graph: &str, rel: &str) -> PathBuf {
        let mut path = self.graph_dir(graph);
        path.extend(rel.split('/'));
        path
    }

    /// Publish one chunk of a batch (§2.7.1, steps 4–7 batched). `first` is the index of
    /// `writes[0]` in the batch (for `source`); outcomes are pushed to `outcomes` in order.
    ///
    /// 1. In order, per blob: the existence check, the source, the directories, and the temp
    ///    file created exclusively and written, then closed (no fsync yet).
    /// 2. Every temp file is fsynced, concurrently.
    /// 3. Each temp file is renamed over its blob.
    /// 4. Every directory holding a renamed blob, and the parent of every directory created, is
    ///    fsynced once, concurrently.
    ///
    /// A blob that fails at a step is reported with that step's error, its temp file removed,
    /// and it leaves the later steps; the others go on. All four steps hold the critical
    /// section, so a signal never strands a temp file.
    fn put_chunk(
        &self,
        writes: &[BlobWrite],
        first: usize,
        source: &BlobSource<'_>,
        outcomes: &mut Vec<BlobOutcome>,
    ) {
        let _critical = fsx::critical_section();
        // Blobs whose temp file is written: (index in `outcomes`, temp file, target).
        let mut staged: Vec<(usize, PathBuf, PathBuf)> = Vec::new();
        // Directories to fsync in step 4.
        let mut dirs: Vec<PathBuf> = Vec::new();
        let mut created = Vec::new();
        for (offset, write) in writes.iter().enumerate() {
            match self.stage(write, || source(first + offset), &mut created) {
                Ok((temp, target)) => {
                    staged.push((outcomes.len(), temp, target));
                    outcomes.push(BlobOutcome::Written);
                }
                Err(outcome) => outcomes.push(outcome),
            }
            // A new directory's entry lives in its parent.
            dirs.extend(
                created
                    .drain(..)
                    .filter_map(|dir| dir.parent().map(Path::to_path_buf)),
            );
        }
        crate::faults::crash_point("blobs", "written");

        let synced = crate::par::map_io(&staged, SYNC_THREADS, |(_, temp, _)| {
            crate::faults::io_point("blob", "sync").and_then(|()| sync_file(temp))
        });
        let mut renaming = Vec::with_capacity(staged.len());
        for ((slot, temp, target), synced) in staged.into_iter().zip(synced) {
            match synced {
                Ok(()) => renaming.push((slot, temp, target)),
                Err(err) => {
                    let _ = std::fs::remove_file(&temp);
                    outcomes[slot] = BlobOutcome::Failed(BlobWriteError::Write(err));
                }
            }
        }
        crate::faults::crash_point("blob", "before-rename");

        for (slot, temp, target) in renaming {
            let renamed = crate::faults::io_point("blob", "rename")
                .and_then(|()| std::fs::rename(&temp, &target));
            match renamed {
                Ok(()) => dirs.extend(target.parent().map(Path::to_path_buf)),
                Err(err) => {
                    let _ = std::fs::remove_file(&temp);
                    outcomes[slot] = BlobOutcome::Failed(BlobWriteError::Rename(err));
                }
            }
        }
        crate::faults::crash_point("blobs", "renamed");

        dirs.sort_unstable();
        dirs.dedup();
        crate::par::map_io(&dirs, SYNC_THREADS, |dir| fsx::sync_dir(dir));
        crate::faults::crash_point("blob", "after-rename");
    }

    /// Step 1 for one blob: `Ok((temp, target))` once its temp file holds the bytes, or the
    /// blob's outcome when it ends here (it exists and is trusted, or a step failed). Notes the
    /// directories it creates in `created`.
    fn stage(
        &self,
        write: &BlobWrite,
        source: impl FnOnce() -> BlobBytes,
        created: &mut Vec<PathBuf>,
    ) -> Result<(PathBuf, PathBuf), BlobOutcome> {
        let target = self.blob_path(&write.key);
        if write.mode == BlobMode::CreateOnly && target.symlink_metadata().is_ok() {
            return Err(BlobOutcome::Existed);
        }
        let bytes = source().map_err(BlobOutcome::SourceFailed)?;
        let parent = target.parent().unwrap_or(Path::new("."));
        fsx::create_dir_all_noting(parent, created)
            .map_err(|err| BlobOutcome::Failed(BlobWriteError::CreateDir(err)))?;
        let file_name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = parent.join(format!("{file_name}.tmp.{}", write.temp_id));
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|err| BlobOutcome::Failed(BlobWriteError::CreateTemp(err)))?;
        let written =
            crate::faults::io_point("blob", "write").and_then(|()| file.write_all(&bytes));
        drop(file);
        if let Err(err) = written {
            let _ = std::fs::remove_file(&temp);
            return Err(BlobOutcome::Failed(BlobWriteError::Write(err)));
        }
        Ok((temp, target))
    }
}

/// fsync a file written and closed earlier (reopened, so a batch holds no more descriptors than
/// the pool has threads). Read-only where fsync allows it (unix), so a umask that leaves the
/// temp file read-only changes nothing.
fn sync_file(path: &Path) -> io::Result<()> {
    let mut options = OpenOptions::new();
    if cfg!(unix) {
        options.read(true);
    } else {
        options.write(true);
    }
    options.open(path)?.sync_all()
}

type BlobBytes = Result<Vec<u8>, crate::diagnostic::Diagnostic>;

impl Store for LocalStore {
    /// The root canonicalised; a root that does not exist yet (no state) is made absolute as
    /// typed, relative to the current directory like every path the tool is given.
    fn identity(&self) -> String {
        std::fs::canonicalize(&self.root)
            .or_else(|_| std::path::absolute(&self.root))
            .map(|path| display(&path))
            .unwrap_or_else(|_| display(&self.root))
    }

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
        display(&self.graph_dir(graph))
    }

    fn read_state(&self) -> Fetch<StoredState> {
        fsx::read_bytes(&self.state_file(), fsx::MAX_STATE_BYTES)
            .map(|bytes| StoredState { bytes, etag: None })
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

    /// An unlink is answered or not done; `current` is not needed.
    fn remove_lock(&self, _current: &[u8]) -> io::Result<()> {
        std::fs::remove_file(self.lock_file())
    }

    fn blob_digests(&self, keys: &[BlobKey]) -> Vec<Fetch<String>> {
        crate::par::map(keys, |key| {
            fsx::read_bytes(&self.blob_path(key), fsx::MAX_SOURCE_BYTES)
                .map(|bytes| digest::sha256_hex(&bytes))
        })
    }

    fn read_blobs(&self, keys: &[BlobKey]) -> Vec<Fetch<Vec<u8>>> {
        crate::par::map(keys, |key| {
            fsx::read_bytes(&self.blob_path(key), fsx::MAX_SOURCE_BYTES)
        })
    }

    fn put_blobs(&self, writes: &[BlobWrite], source: &BlobSource<'_>) -> Vec<BlobOutcome> {
        let chunk = crate::faults::tuning("BLOB_CHUNK", BLOB_CHUNK);
        let mut outcomes = Vec::with_capacity(writes.len());
        for (n, part) in writes.chunks(chunk).enumerate() {
            self.put_chunk(part, n * chunk, source, &mut outcomes);
            // A signal that arrived during this chunk is handled now, not after the batch.
            fsx::let_waiters_in();
        }
        outcomes
    }

    fn history_names(&self) -> io::Result<Vec<String>> {
        match fsx::utf8_names(&self.history_dir()) {
            Err(err) if err.kind() == ErrorKind::NotFound => Ok(Vec::new()),
            listed => listed,
        }
    }

    fn read_history(&self, name: &str) -> Fetch<Vec<u8>> {
        fsx::read_bytes(&self.history_dir().join(name), fsx::MAX_SOURCE_BYTES)
    }

    /// Like a blob: the directories (their parents fsynced when new), then a temp file beside
    /// the record, fsynced and renamed into place, then the directory fsynced. Record names are
    /// unique per attempt, so the rename never replaces one.
    fn create_history(&self, name: &str, bytes: &[u8], temp_id: &str) -> io::Result<()> {
        let dir = self.history_dir();
        let mut created = Vec::new();
        fsx::create_dir_all_noting(&dir, &mut created)?;
        for new in &created {
            fsx::sync_parent_dir(new);
        }
        let target = dir.join(name);
        let temp = dir.join(format!("{name}.tmp.{temp_id}"));
        Ok(fsx::atomic_write("history", &temp, &target, bytes)?)
    }

    /// Symlinks are followed; a root whose metadata cannot be read counts as missing, as in
    /// the reference.
    fn graph_root(&self, graph: &str) -> io::Result<RootEntry> {
        Ok(match std::fs::metadata(self.graph_dir(graph)) {
            Err(_) => RootEntry::Missing,
            Ok(meta) if meta.is_dir() => RootEntry::Directory,
            Ok(_) => RootEntry::Other("is not a directory"),
        })
    }

    /// Every entry's name that is UTF-8 (a manifest version's name always is).
    fn graph_names(&self, graph: &str, dir: &str) -> io::Result<Vec<String>> {
        fsx::utf8_names(&self.graph_path(graph, dir))
    }

    fn graph_file(&self, graph: &str, file: &str, limit: u64) -> io::Result<Vec<u8>> {
        fsx::read_bounded(&self.graph_path(graph, file), limit)
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
