//! The storage seam: every stored byte of a cluster (the ledger `__cluster/state.json`, the lock
//! `__cluster/lock.json`, the payload blobs under `__cluster/resources/`) and the graph roots
//! under `graphs/` that refresh/import observe read-only. Declared config (`cluster.yaml` and the
//! files it names) is never read through here: config lives in the working tree, state in the
//! store.
//!
//! The store knows bytes and names, not clusters: for a graph root it says what is at its place,
//! lists names and reads files; `crate::observe` makes an observation of those facts, so a new
//! backend (GCS, Azure) only lists and reads.
//!
//! A backend promises, in its own way: a state write is a compare-and-swap that is published
//! whole or not at all; a lock is created only if absent and appears whole; a blob is published
//! whole, and a batch of blobs is durable before the call returns (so the state that names them
//! can be published after it). [`local`] is the file system (temp file, fsync, rename, flock'd
//! CAS, hard-linked lock); [`object`] is S3-compatible object storage (conditional PUTs).

pub mod local;
#[cfg(feature = "s3")]
pub mod object;

use crate::diagnostic::Diagnostic;
pub use crate::fsx::Fetch;
use std::io;

/// Names under a store's root (§2.1). Diagnostic paths name files relative to the root, whatever
/// the root is.
pub const STATE_DIR: &str = "__cluster";
pub const STATE_FILE_REL: &str = "__cluster/state.json";
pub const LOCK_FILE_REL: &str = "__cluster/lock.json";
pub const RESOURCES_DIR: &str = "resources";
/// Revision records (`__cluster/history/«name»`), beside the ledger and never named by it.
pub const HISTORY_DIR: &str = "history";
pub const HISTORY_REL: &str = "__cluster/history";
pub const GRAPHS_DIR: &str = "graphs";

/// Where a blob lives under `__cluster/resources/`, `/`-separated (e.g.
/// `query/«g»/«n»/«digest».gq`); each backend maps it onto its own root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BlobKey(pub Vec<String>);

/// The version of the state a command read, which its write must still find (the CAS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateVersion {
    /// `sha256:«hex»` of the bytes read: the contract's CAS token.
    pub cas: String,
    /// The object store's ETag of what was read, when the backend has one.
    pub etag: Option<String>,
}

/// State bytes as stored, with the backend's version tag.
#[derive(Debug, Clone)]
pub struct StoredState {
    pub bytes: Vec<u8>,
    pub etag: Option<String>,
}

/// What is at the place of a graph root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootEntry {
    /// Nothing: the graph has no root.
    Missing,
    /// A directory (on an object store, a prefix holding objects).
    Directory,
    /// Something that cannot hold a graph; the words say what it is, after the root's name
    /// (`is not a directory`).
    Other(&'static str),
}

/// The step of a state write that failed (§2.6.2); the ledger turns each into its diagnostic.
#[derive(Debug)]
pub enum StateWriteError {
    /// The state directory could not be created.
    CreateDir(io::Error),
    /// The current state could not be read for the CAS check.
    CasRead(io::Error),
    /// The state is no longer the version the command read.
    CasMismatch,
    /// Creating, writing or syncing the temporary file failed; `temp` is its shown path.
    Temp {
        temp: String,
        step: TempStep,
        error: io::Error,
    },
    /// Publishing the new state failed.
    Replace(io::Error),
    /// The published state could not be read back.
    ReadBack(io::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TempStep {
    Create,
    Write,
    Sync,
}

/// Why a lock could not be created (§2.6.3).
#[derive(Debug)]
pub enum LockCreateError {
    /// The state directory could not be created.
    CreateDir(io::Error),
    /// Something is already at the lock's place.
    Held,
    /// Writing the lock's bytes failed.
    Write(io::Error),
    /// Any other failure.
    Other(io::Error),
}

/// Whether a blob write may replace a blob that is already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobMode {
    /// Trust an existing blob by its name (§2.7.1): nothing is written when it exists.
    CreateOnly,
    /// Replace whatever is there, atomically (repairing a damaged blob).
    Replace,
}

/// One blob to publish. `temp_id` names the local backend's temporary file.
#[derive(Debug, Clone)]
pub struct BlobWrite {
    pub key: BlobKey,
    pub mode: BlobMode,
    pub temp_id: String,
}

/// The step of a blob write that failed (§2.7.1 steps 4–7).
#[derive(Debug)]
pub enum BlobWriteError {
    CreateDir(io::Error),
    CreateTemp(io::Error),
    Write(io::Error),
    Rename(io::Error),
}

/// What happened to one blob of a batch.
#[derive(Debug)]
pub enum BlobOutcome {
    /// A blob was already there and the mode trusts it; the source was not read.
    Existed,
    /// The blob is now published and durable.
    Written,
    /// The source could not provide the bytes; nothing was written.
    SourceFailed(Diagnostic),
    Failed(BlobWriteError),
}

/// Bytes of blob `index` of a batch, read from its source (config side) by the caller, or the
/// diagnostic that says why they could not be.
pub type BlobSource<'a> = dyn Fn(usize) -> Result<Vec<u8>, Diagnostic> + Sync + 'a;

/// Every stored byte of one cluster goes through this.
pub trait Store: Send + Sync {
    /// Which cluster this is, whatever checkout reaches it: the `s3://bucket/prefix` of an
    /// object-store root, the absolute (symlink-free where it exists) path of a local one. Saved
    /// plans are bound to it.
    fn identity(&self) -> String;
    /// `state_path` as shown in outputs.
    fn state_path(&self) -> String;
    /// `lock_path` as shown in outputs.
    fn lock_path(&self) -> String;
    /// Where blob `key` is shown to live (in read-error texts).
    fn blob_uri(&self, key: &BlobKey) -> String;
    /// `graph_uri` of graph `graph`'s root as shown in observations.
    fn graph_uri(&self, graph: &str) -> String;

    /// The current state bytes, if any.
    fn read_state(&self) -> Fetch<StoredState>;
    /// Publish `bytes` as the new state if the stored state is still `expected` (`None`: there
    /// must be no state yet). Returns the bytes now stored (read back where the backend can).
    fn write_state(
        &self,
        bytes: &[u8],
        expected: Option<&StateVersion>,
        temp_id: &str,
    ) -> Result<Vec<u8>, StateWriteError>;

    /// Create the lock holding exactly `bytes`, only if there is none.
    fn create_lock(&self, bytes: &[u8], lock_id: &str) -> Result<(), LockCreateError>;
    /// Whether anything is at the lock's place.
    fn lock_exists(&self) -> bool;
    fn read_lock(&self) -> Fetch<Vec<u8>>;
    /// Remove the lock, which held exactly `current` when the caller read it (and checked it is
    /// the one to remove). A backend that cannot tell whether a removal landed (a lost answer)
    /// counts it as done once the lock is gone or holds other bytes, so a lock someone else
    /// took meanwhile is never removed on the strength of an old read.
    fn remove_lock(&self, current: &[u8]) -> io::Result<()>;

    /// The sha256 hex of each blob's bytes, in `keys` order (read concurrently where it pays).
    fn blob_digests(&self, keys: &[BlobKey]) -> Vec<Fetch<String>>;
    /// The bytes of each blob, in `keys` order (read concurrently where it pays): what a content
    /// diff shows as the applied side. Read-only.
    fn read_blobs(&self, keys: &[BlobKey]) -> Vec<Fetch<Vec<u8>>>;
    /// `blob_digests` for blobs that ought to hold exactly their sources' bytes: `source(i)`
    /// reads blob `i`'s source, which hashes to `expected[i]` (or fails). A backend whose listing
    /// carries a checksum of each object may use it to skip reading the blobs it proves equal to
    /// their source (reporting `expected[i]` for them); by default every blob is read.
    fn blob_digests_of_sources(
        &self,
        keys: &[BlobKey],
        expected: &[&str],
        source: &BlobSource<'_>,
    ) -> Vec<Fetch<String>> {
        let _ = (expected, source);
        self.blob_digests(keys)
    }
    /// Publish a batch of blobs; every `Written` blob is durable when this returns. `source`
    /// is asked for a blob's bytes only when it may be written (the object store asks before
    /// its create-if-absent PUT); a `CreateOnly` blob that exists is `Existed` even when its
    /// source fails.
    fn put_blobs(&self, writes: &[BlobWrite], source: &BlobSource<'_>) -> Vec<BlobOutcome>;

    /// The names of the records under `__cluster/history/`; none when there is no such directory.
    fn history_names(&self) -> io::Result<Vec<String>>;
    /// The bytes of history record `name`.
    fn read_history(&self, name: &str) -> Fetch<Vec<u8>>;
    /// Create history record `name` holding exactly `bytes`, only if there is none, durable when
    /// this returns. A record that turns out to be there already with these bytes (a retried
    /// request whose first attempt landed) counts as created.
    fn create_history(&self, name: &str, bytes: &[u8], temp_id: &str) -> io::Result<()>;

    /// What is at graph `graph`'s root (shown as `graph_uri`); `Err` when the store cannot
    /// tell.
    fn graph_root(&self, graph: &str) -> io::Result<RootEntry>;
    /// The names directly under `dir`, a `/`-separated directory below graph `graph`'s root.
    fn graph_names(&self, graph: &str, dir: &str) -> io::Result<Vec<String>>;
    /// The bytes of `file`, a `/`-separated name below graph `graph`'s root, at most `limit`.
    fn graph_file(&self, graph: &str, file: &str, limit: u64) -> io::Result<Vec<u8>>;
}
