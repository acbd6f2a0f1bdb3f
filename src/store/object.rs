//! The object-store backend (cargo feature `s3`): a cluster root in S3-compatible object storage,
//! laid out like a local root under a key prefix: `«prefix»/__cluster/{state.json,lock.json}`,
//! `«prefix»/__cluster/resources/…`, `«prefix»/graphs/«G».omni/…`. Outputs show these as
//! `s3://bucket/prefix/__cluster/state.json` and so on.
//!
//! A PUT is atomic, so there are no temporary objects; every promise is a conditional write:
//! - the state is a compare-and-swap: read it with its ETag, check the contract's CAS (sha256 of
//!   the bytes) as the local backend does, then PUT with `If-Match: «etag»` (the first state with
//!   `If-None-Match: *`). A precondition failure is `state_cas_mismatch`, so no update is lost
//!   even with `state.lock: false`;
//! - the lock is created only if absent (`If-None-Match: *`) and appears whole;
//! - a blob is published only if absent, and a batch is uploaded concurrently (at most
//!   [`IN_FLIGHT`] requests at a time): each blob is durable once its PUT returns;
//! - graph roots are listed and read, never written.
//!
//! What is on the server decides a write, never the code of one answer
//! ([`ObjectBackend::put_settled`]): real endpoints answer `409 ConditionalRequestConflict`,
//! throttle, and lose answers, and a retried PUT whose first attempt landed is refused by its own
//! first attempt. So conditional writes and deletes go through a client that retries nothing,
//! and the backend retries them itself: after a 409, or a 412 that an earlier unanswered attempt
//! may have caused, it reads the object back: our bytes mean the write landed, a write that has
//! not landed is tried again (with backoff and jitter), and only someone else's object is a
//! refusal. A delete whose answer was lost is done once the object is gone. Reads are retried
//! the same way. How long: [`retry`].
//!
//! The async runtime and the client are built on first use, so a command whose root is local
//! never starts them. Each [`Store`] method blocks on its own async body. Every failure becomes an
//! `io::Error` whose text names the object's URI and what the store said, so the existing
//! diagnostics (`could not read state file: «io»` …) carry it.
//!
//! What is specific to one provider (building the client from the environment, reading its
//! error replies) sits behind [`Provider`]; [`s3`] is the only one today, and a GCS or Azure root
//! would be a sibling of it.

mod retry;
mod s3;

use retry::{Attempts, Failure, Patience};

use super::{
    BlobKey, BlobMode, BlobOutcome, BlobSource, BlobWrite, BlobWriteError, Fetch, GRAPHS_DIR,
    HISTORY_REL, LOCK_FILE_REL, LockCreateError, RESOURCES_DIR, RootEntry, STATE_DIR,
    STATE_FILE_REL, StateVersion, StateWriteError, Store, StoredState,
};
use crate::digest;
use crate::fsx;
use futures::{StreamExt, stream};
use md5::Digest as _;
use object_store::path::Path as Key;
use object_store::{Error, ObjectStore, ObjectStoreExt, PutMode, PutPayload, UpdateVersion};
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Requests a batch keeps in flight at once (blob publishes and blob reads).
pub const IN_FLIGHT: usize = 32;

/// How often a request is sent again after a refused connection (nothing listening): a few quick
/// attempts, so a stopped server fails a command at once rather than after `AWS_TIMEOUT`.
const REFUSALS: u32 = 3;

/// What one object-storage provider supplies: clients built from the environment, and a
/// one-line reading of its errors.
trait Provider: Send + Sync {
    /// The clients for this root, or why there can be none (no credentials, bad settings).
    fn connect(&self) -> Result<Connection, String>;
    /// What went wrong, on one line, from the store's error and the provider's reply.
    fn explain(&self, err: &Error) -> String;
    /// Whether a not-found reply means the container (the bucket) is missing, not the object:
    /// that is a failure, never "no state", "no lock" or "blob missing".
    fn container_missing(&self, err: &Error) -> bool;
}

/// The client of one root, and how long a command keeps trying it. The client retries nothing:
/// every answer reaches the backend, which tries reads again itself and decides each unclear
/// write by what is on the server, all within one patience.
struct Connection {
    client: Arc<dyn ObjectStore>,
    patience: Patience,
}

/// Stands in for a connection's patience where there is no connection (no request is made then).
static IMPATIENT: Patience = Patience::new(Duration::ZERO);

/// How a conditional write ended.
enum Landed {
    /// Our bytes are there: the PUT said so, or a read-back after an unclear answer showed them.
    Ours,
    /// The condition failed on someone else's object (or on none, where one was expected).
    Theirs,
    /// Not written, or not known to be (`maybe`: an attempt may have landed).
    Failed { error: io::Error, maybe: bool },
}

/// One conditional write for [`ObjectBackend::put_settled`].
struct Put<'a> {
    rel: &'a str,
    bytes: &'a [u8],
    mode: PutMode,
    /// The largest object a read-back takes.
    limit: u64,
    /// A 412 to a write no earlier attempt of which may have landed is final, without a
    /// read-back (the fault-free path of a blob or state write costs no extra request).
    trust_refusal: bool,
}

/// A store whose root is a prefix in an object store.
pub struct ObjectBackend {
    /// The root as shown, without a trailing `/`: `s3://bucket` or `s3://bucket/prefix`.
    shown_root: String,
    /// The key prefix, without slashes at either end; empty for the bucket's top level.
    prefix: String,
    provider: Box<dyn Provider>,
    client: OnceLock<Result<Connection, String>>,
}

/// What a read of one object found: its bytes and ETag.
type Object = (Vec<u8>, Option<String>);

impl ObjectBackend {
    /// The root `s3://«bucket»/«prefix»`. Nothing is contacted until the first operation.
    pub fn s3(bucket: &str, prefix: &str) -> Self {
        let shown_root = if prefix.is_empty() {
            format!("s3://{bucket}")
        } else {
            format!("s3://{bucket}/{prefix}")
        };
        ObjectBackend {
            shown_root,
            prefix: prefix.to_string(),
            provider: Box::new(s3::S3::new(bucket)),
            client: OnceLock::new(),
        }
    }

    /// `rel` (a `/`-separated name under the root) as shown in outputs.
    fn shown(&self, rel: &str) -> String {
        format!("{}/{rel}", self.shown_root)
    }

    /// The object key of `rel`. Keys are used exactly as named (never percent-encoded), so the
    /// objects have the local files' relative names under the prefix.
    fn key(&self, rel: &str) -> Result<Key, String> {
        let full = if self.prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.prefix)
        };
        Key::parse(&full).map_err(|err| format!("'{full}' is not a valid object key: {err}"))
    }

    fn blob_rel(key: &BlobKey) -> String {
        format!("{STATE_DIR}/{RESOURCES_DIR}/{}", key.0.join("/"))
    }

    fn history_rel(name: &str) -> String {
        format!("{HISTORY_REL}/{name}")
    }

    fn graph_rel(graph: &str) -> String {
        format!("{GRAPHS_DIR}/{graph}.omni")
    }

    /// The connection, built on first use.
    fn connection(&self) -> Result<&Connection, String> {
        self.client
            .get_or_init(|| self.provider.connect())
            .as_ref()
            .map_err(Clone::clone)
    }

    /// How long this command keeps trying the store.
    fn patience(&self) -> &Patience {
        self.connection().map_or(&IMPATIENT, |c| &c.patience)
    }

    /// Run `body` with the client on the shared runtime (see [`ObjectBackend::connected`]).
    fn run<'s, F, T>(
        &'s self,
        body: impl FnOnce(&'s Arc<dyn ObjectStore>) -> F,
    ) -> Result<T, String>
    where
        F: Future<Output = T>,
    {
        self.connected(|connection| body(&connection.client))
    }

    /// Run `body` with the connection on the shared runtime; `Err` when it cannot be had, or
    /// when the client panics (a bug of the client, reported rather than crashing the command).
    fn connected<'s, F, T>(&'s self, body: impl FnOnce(&'s Connection) -> F) -> Result<T, String>
    where
        F: Future<Output = T>,
    {
        let connection = self.connection()?;
        let executor = executor()?;
        std::panic::catch_unwind(AssertUnwindSafe(|| executor.block_on(body(connection)))).map_err(
            |panic| {
                let text = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("unknown cause");
                format!("the object-store client failed: {text}")
            },
        )
    }

    /// The last error of an operation on `shown`, and how long it was tried.
    fn gave_up(&self, shown: &str, err: &Error, attempts: Option<&Attempts<'_>>) -> io::Error {
        let tried = attempts.map(Attempts::summary).unwrap_or_default();
        io::Error::other(format!("{shown}: {}{tried}", self.provider.explain(err)))
    }

    /// Send a read until it is answered, another attempt cannot help, or the patience runs out.
    /// `Ok(None)`: there is no such object (a missing bucket is a failure).
    async fn read_settled<T, F>(
        &self,
        shown: &str,
        request: impl Fn() -> F,
    ) -> Result<Option<T>, io::Error>
    where
        F: Future<Output = Result<T, Error>>,
    {
        let mut attempts = Attempts::new(self.patience(), REFUSALS);
        loop {
            let started = Instant::now();
            let err = match request().await {
                Ok(found) => {
                    attempts.answered();
                    return Ok(Some(found));
                }
                Err(err) => err,
            };
            let failure = Failure::of(&err);
            if failure == Failure::NotFound && !self.provider.container_missing(&err) {
                attempts.answered();
                return Ok(None);
            }
            if !attempts.again(failure, started).await {
                return Err(self.gave_up(shown, &err, Some(&attempts)));
            }
        }
    }

    /// GET one object, at most `limit` bytes, telling "no such object" apart from failures (a
    /// missing bucket is a failure).
    async fn fetch(&self, client: &dyn ObjectStore, rel: &str, limit: u64) -> Fetch<Object> {
        let shown = self.shown(rel);
        let key = match self.key(rel) {
            Ok(key) => key,
            Err(message) => return Fetch::Failed(setup_error(&shown, message)),
        };
        // The body is part of the attempt: a reply cut short is tried again like a lost one.
        let get = || async {
            let result = client.get(&key).await?;
            if result.meta.size > limit {
                return Ok(None);
            }
            let etag = result.meta.e_tag.clone();
            let bytes = result.bytes().await?;
            Ok((bytes.len() as u64 <= limit).then(|| (bytes.to_vec(), etag)))
        };
        match self.read_settled(&shown, get).await {
            Ok(Some(Some(object))) => Fetch::Found(object),
            Ok(Some(None)) => Fetch::Failed(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{shown}: file is larger than the {} MiB limit", limit >> 20),
            )),
            Ok(None) => Fetch::NotFound,
            Err(err) => Fetch::Failed(err),
        }
    }

    /// GET each blob, [`IN_FLIGHT`] at a time, and make `what` of its bytes as it arrives (so
    /// a digest holds no bytes longer than one blob's).
    fn each_blob<T: Send>(
        &self,
        keys: &[BlobKey],
        what: impl Fn(Vec<u8>) -> T + Sync,
    ) -> Vec<Fetch<T>> {
        let what = &what;
        let read = self.run(|client| {
            stream::iter(keys)
                .map(move |key| async move {
                    let rel = Self::blob_rel(key);
                    self.fetch(client.as_ref(), &rel, fsx::MAX_SOURCE_BYTES)
                        .await
                        .map(|(bytes, _)| what(bytes))
                })
                .buffered(IN_FLIGHT)
                .collect::<Vec<_>>()
        });
        read.unwrap_or_else(|message| {
            keys.iter()
                .map(|key| Fetch::Failed(setup_error(&self.blob_uri(key), message.clone())))
                .collect()
        })
    }

    /// GET outside an async body.
    fn fetch_now(&self, rel: &str, limit: u64) -> Fetch<Object> {
        match self.run(|client| self.fetch(client.as_ref(), rel, limit)) {
            Ok(fetched) => fetched,
            Err(message) => Fetch::Failed(setup_error(&self.shown(rel), message)),
        }
    }

    /// Whether an object is at `rel`: `Ok(false)` only when it is certainly absent.
    async fn exists(&self, client: &dyn ObjectStore, rel: &str) -> Result<bool, io::Error> {
        let shown = self.shown(rel);
        let key = self.key(rel).map_err(|m| setup_error(&shown, m))?;
        let found = self.read_settled(&shown, || client.head(&key)).await?;
        Ok(found.is_some())
    }

    /// Write `put.bytes` to `put.rel` with `put.mode`, deciding every unclear answer by what is
    /// on the server. After a 409, or a 412 that an earlier unanswered attempt of ours may have
    /// caused, the object is read back: our bytes, put there by such an attempt, are `Ours`;
    /// `not_landed` reads anything else,
    /// `Some(mode)` when it shows the write has not landed (tried again with that mode), `None`
    /// when the object is someone else's (`Theirs`). Transient failures are tried again; when
    /// the patience runs out while an attempt may have landed, one last read-back decides.
    async fn put_settled(
        &self,
        connection: &Connection,
        put: Put<'_>,
        not_landed: impl Fn(&Fetch<Object>) -> Option<PutMode>,
    ) -> Landed {
        let shown = self.shown(put.rel);
        let key = match self.key(put.rel) {
            Ok(key) => key,
            Err(message) => {
                return Landed::Failed {
                    error: setup_error(&shown, message),
                    maybe: false,
                };
            }
        };
        let read_back = || self.fetch(connection.client.as_ref(), put.rel, put.limit);
        let payload = PutPayload::from(put.bytes.to_vec());
        let mut mode = put.mode;
        let mut attempts = Attempts::new(&connection.patience, REFUSALS);
        // Whether an earlier attempt got no clear answer, and so may have landed.
        let mut in_doubt = false;
        loop {
            let started = Instant::now();
            let sent = connection
                .client
                .put_opts(&key, payload.clone(), mode.clone().into())
                .await;
            let err = match sent {
                Ok(_) => {
                    attempts.answered();
                    return Landed::Ours;
                }
                Err(err) => err,
            };
            let mut failure = Failure::of(&err);
            match failure {
                Failure::Precondition if put.trust_refusal && !in_doubt => {
                    attempts.answered();
                    return Landed::Theirs;
                }
                Failure::Precondition | Failure::Conflict => {
                    let seen = read_back().await;
                    match &seen {
                        // Our bytes are ours only if one of our attempts may have put them there;
                        // otherwise someone else wrote the same bytes, and their write won.
                        Fetch::Found((current, _)) if in_doubt && current == put.bytes => {
                            return Landed::Ours;
                        }
                        // Undecided: the write is tried again.
                        Fetch::Failed(_) => {}
                        _ => match not_landed(&seen) {
                            Some(next) => mode = next,
                            None => return Landed::Theirs,
                        },
                    }
                    failure = Failure::Conflict;
                }
                Failure::Transient => in_doubt = true,
                _ => {}
            }
            if !attempts.again(failure, started).await {
                if in_doubt
                    && matches!(read_back().await, Fetch::Found((current, _)) if current == put.bytes)
                {
                    return Landed::Ours;
                }
                return Landed::Failed {
                    error: self.gave_up(&shown, &err, Some(&attempts)),
                    maybe: in_doubt,
                };
            }
        }
    }

    /// Create `rel` holding `bytes` only if absent, reading back every refusal: our bytes
    /// (put there by an attempt whose answer was lost) are ours; absent, it is sent again;
    /// anything else is `Theirs`. For objects whose bytes tell whose they are (the lock, a history
    /// record); `Err` when no client can be had.
    fn create_settled(&self, rel: &str, bytes: &[u8], limit: u64) -> Result<Landed, String> {
        let put = Put {
            rel,
            bytes,
            mode: PutMode::Create,
            limit,
            trust_refusal: false,
        };
        let not_landed =
            |seen: &Fetch<Object>| matches!(seen, Fetch::NotFound).then_some(PutMode::Create);
        self.connected(|connection| self.put_settled(connection, put, not_landed))
    }

    /// Delete `rel`, which held `current` when read. A delete whose answer was lost counts as
    /// done once the object is gone, or holds other bytes (someone else's, not to be deleted).
    async fn delete_settled(
        &self,
        connection: &Connection,
        rel: &str,
        current: &[u8],
        limit: u64,
    ) -> io::Result<()> {
        let shown = self.shown(rel);
        let key = self.key(rel).map_err(|m| setup_error(&shown, m))?;
        let mut attempts = Attempts::new(&connection.patience, REFUSALS);
        loop {
            let started = Instant::now();
            let err = match connection.client.delete(&key).await {
                Ok(()) => {
                    attempts.answered();
                    return Ok(());
                }
                Err(err) => err,
            };
            let failure = Failure::of(&err);
            if failure == Failure::Transient {
                match self.fetch(connection.client.as_ref(), rel, limit).await {
                    Fetch::NotFound => return Ok(()),
                    Fetch::Found((now, _)) if now != current => return Ok(()),
                    _ => {}
                }
            }
            if !attempts.again(failure, started).await {
                return Err(self.gave_up(&shown, &err, Some(&attempts)));
            }
        }
    }

    /// §2.6.2 on an object store: the CAS check on the bytes, then a conditional PUT.
    async fn cas_write(
        &self,
        connection: &Connection,
        bytes: &[u8],
        expected: Option<&StateVersion>,
    ) -> Result<Vec<u8>, StateWriteError> {
        let shown = self.shown(STATE_FILE_REL);
        let current = match self
            .fetch(
                connection.client.as_ref(),
                STATE_FILE_REL,
                fsx::MAX_STATE_BYTES,
            )
            .await
        {
            Fetch::Found((current, etag)) => Some((digest::state_cas(&current), etag)),
            Fetch::NotFound => None,
            Fetch::Failed(err) => return Err(StateWriteError::CasRead(err)),
        };
        if current.as_ref().map(|(cas, _)| cas.as_str()) != expected.map(|v| v.cas.as_str()) {
            return Err(StateWriteError::CasMismatch);
        }
        let mode = match current {
            None => PutMode::Create,
            Some((_, etag)) => {
                // The ETag of the bytes just checked; the one read at the start names the same
                // bytes and stands in if this reply carried none.
                let Some(e_tag) = etag.or_else(|| expected.and_then(|v| v.etag.clone())) else {
                    return Err(StateWriteError::Replace(io::Error::other(format!(
                        "{shown}: the store returned no ETag, so the write cannot be conditional"
                    ))));
                };
                if_match(e_tag)
            }
        };
        let put = Put {
            rel: STATE_FILE_REL,
            bytes,
            mode,
            limit: fsx::MAX_STATE_BYTES,
            trust_refusal: true,
        };
        // Not landed: still no state where there was none, or still the state we checked (its
        // new ETag, should identical bytes have been rewritten meanwhile).
        let not_landed = |seen: &Fetch<Object>| match (seen, expected) {
            (Fetch::NotFound, None) => Some(PutMode::Create),
            (Fetch::Found((current, Some(etag))), Some(version))
                if digest::state_cas(current) == version.cas =>
            {
                Some(if_match(etag.clone()))
            }
            _ => None,
        };
        match self.put_settled(connection, put, not_landed).await {
            Landed::Ours => Ok(bytes.to_vec()),
            Landed::Theirs => Err(StateWriteError::CasMismatch),
            Landed::Failed { error, maybe } => Err(StateWriteError::Replace(if maybe {
                io::Error::other(format!(
                    "{error}; the new state may have been published: the next command reads whichever state is there"
                ))
            } else {
                error
            })),
        }
    }

    /// Publish one blob (§2.7.1) with a single conditional PUT in the common case. The source is
    /// read first; when it fails, an existing blob is still trusted by its name (as locally,
    /// where the source is not even read then), so that case costs one more request. A blob
    /// counts as existing only when it is there: a 409, or a 412 that our own earlier attempt
    /// may have caused, is decided by reading it back (the caller replaces an existing blob that
    /// does not match its digest).
    async fn put_blob(
        &self,
        connection: &Connection,
        write: &BlobWrite,
        source: impl FnOnce() -> Result<Vec<u8>, crate::diagnostic::Diagnostic>,
    ) -> BlobOutcome {
        let rel = Self::blob_rel(&write.key);
        let bytes = match source() {
            Ok(bytes) => bytes,
            Err(diagnostic) => {
                let client = connection.client.as_ref();
                return match write.mode {
                    BlobMode::CreateOnly if self.exists(client, &rel).await.unwrap_or(false) => {
                        BlobOutcome::Existed
                    }
                    _ => BlobOutcome::SourceFailed(diagnostic),
                };
            }
        };
        let mode = match write.mode {
            BlobMode::CreateOnly => PutMode::Create,
            BlobMode::Replace => PutMode::Overwrite,
        };
        let put = Put {
            rel: &rel,
            bytes: &bytes,
            mode: mode.clone(),
            limit: fsx::MAX_SOURCE_BYTES,
            trust_refusal: true,
        };
        let replacing = write.mode == BlobMode::Replace;
        let not_landed = |seen: &Fetch<Object>| {
            (replacing || matches!(seen, Fetch::NotFound)).then(|| mode.clone())
        };
        match self.put_settled(connection, put, not_landed).await {
            Landed::Ours => BlobOutcome::Written,
            Landed::Theirs => BlobOutcome::Existed,
            Landed::Failed { error, .. } => BlobOutcome::Failed(BlobWriteError::Write(error)),
        }
    }

    /// key → ETag of every object under `__cluster/resources/`; `None` when the listing fails
    /// (the caller then reads each blob, which reports the failure per blob).
    async fn resource_etags(&self, client: &dyn ObjectStore) -> Option<HashMap<String, String>> {
        let prefix = self.key(&format!("{STATE_DIR}/{RESOURCES_DIR}")).ok()?;
        let mut listing = client.list(Some(&prefix));
        let mut etags = HashMap::new();
        while let Some(meta) = listing.next().await {
            let meta = meta.ok()?;
            if let Some(etag) = meta.e_tag {
                etags.insert(meta.location.as_ref().to_string(), etag);
            }
        }
        Some(etags)
    }

    /// The file names directly under `rel/` (one level, like a directory listing).
    async fn list_names(&self, client: &dyn ObjectStore, rel: &str) -> Result<Names, io::Error> {
        let shown = self.shown(rel);
        let key = self.key(rel).map_err(|m| setup_error(&shown, m))?;
        // Tried again like a read, so a burst of 503s does not turn a graph root into an
        // observation error or hide the history.
        let Some(listed) = self
            .read_settled(&shown, || client.list_with_delimiter(Some(&key)))
            .await?
        else {
            return Ok(Names {
                files: Vec::new(),
                subdirectories: 0,
            });
        };
        Ok(Names {
            files: listed
                .objects
                .iter()
                .filter_map(|meta| meta.location.filename().map(str::to_string))
                .collect(),
            subdirectories: listed.common_prefixes.len(),
        })
    }

    /// Run an async body that fails with an `io::Error`; setup failures name `shown`.
    fn now<'s, F, T>(
        &'s self,
        shown: &str,
        body: impl FnOnce(&'s Arc<dyn ObjectStore>) -> F,
    ) -> io::Result<T>
    where
        F: Future<Output = io::Result<T>>,
    {
        self.run(body)
            .unwrap_or_else(|message| Err(setup_error(shown, message)))
    }
}

/// One level of a listing.
struct Names {
    files: Vec<String>,
    subdirectories: usize,
}

fn if_match(e_tag: String) -> PutMode {
    PutMode::Update(UpdateVersion {
        e_tag: Some(e_tag),
        version: None,
    })
}

fn setup_error(shown: &str, message: String) -> io::Error {
    io::Error::other(format!("{shown}: {message}"))
}

static EXECUTOR: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();

/// The runtime every object-store request runs on, started by the first request of the process.
/// A few worker threads drive the connections, so any thread may block on a request at any time:
/// the signal watcher releases our lock while the main thread may be waiting on a request of
/// its own.
fn executor() -> Result<&'static tokio::runtime::Runtime, String> {
    EXECUTOR
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("omnigraph-store")
                .enable_all()
                .build()
                .map_err(|err| format!("could not start the object-store runtime: {err}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

impl Store for ObjectBackend {
    fn identity(&self) -> String {
        self.shown_root.clone()
    }

    fn state_path(&self) -> String {
        self.shown(STATE_FILE_REL)
    }

    fn lock_path(&self) -> String {
        self.shown(LOCK_FILE_REL)
    }

    fn blob_uri(&self, key: &BlobKey) -> String {
        self.shown(&Self::blob_rel(key))
    }

    fn graph_uri(&self, graph: &str) -> String {
        self.shown(&Self::graph_rel(graph))
    }

    fn read_state(&self) -> Fetch<StoredState> {
        self.fetch_now(STATE_FILE_REL, fsx::MAX_STATE_BYTES)
            .map(|(bytes, etag)| StoredState { bytes, etag })
    }

    fn write_state(
        &self,
        bytes: &[u8],
        expected: Option<&StateVersion>,
        _temp_id: &str,
    ) -> Result<Vec<u8>, StateWriteError> {
        self.connected(|connection| self.cas_write(connection, bytes, expected))
            .unwrap_or_else(|message| {
                Err(StateWriteError::CasRead(setup_error(
                    &self.state_path(),
                    message,
                )))
            })
    }

    fn create_lock(&self, bytes: &[u8], lock_id: &str) -> Result<(), LockCreateError> {
        // A signal waits for the PUT to settle, so the watcher never misses a lock that lands.
        let _critical = fsx::critical_section();
        // Any refusal is read back (not only one our own attempt may have caused): a lock holding
        // our bytes is ours, and is held rather than left behind; absent, it is tried again.
        match self.create_settled(LOCK_FILE_REL, bytes, fsx::MAX_LOCK_BYTES) {
            Ok(Landed::Ours) => Ok(()),
            Ok(Landed::Theirs) => Err(LockCreateError::Held),
            Ok(Landed::Failed { error, maybe }) => Err(LockCreateError::Other(if maybe {
                io::Error::other(format!(
                    "{error}; the lock may have been created: if `omnigraph cluster status` shows lock id {lock_id}, remove it with `omnigraph cluster force-unlock {lock_id}`"
                ))
            } else {
                error
            })),
            Err(message) => Err(LockCreateError::Other(setup_error(
                &self.lock_path(),
                message,
            ))),
        }
    }

    fn lock_exists(&self) -> bool {
        // Unknown counts as present, so that reading it reports why.
        self.run(|client| self.exists(client.as_ref(), LOCK_FILE_REL))
            .map_or(true, |found| found.unwrap_or(true))
    }

    fn read_lock(&self) -> Fetch<Vec<u8>> {
        self.fetch_now(LOCK_FILE_REL, fsx::MAX_LOCK_BYTES)
            .map(|(bytes, _)| bytes)
    }

    fn remove_lock(&self, current: &[u8]) -> io::Result<()> {
        let shown = self.lock_path();
        self.connected(|connection| {
            self.delete_settled(connection, LOCK_FILE_REL, current, fsx::MAX_LOCK_BYTES)
        })
        .unwrap_or_else(|message| Err(setup_error(&shown, message)))
    }

    fn blob_digests(&self, keys: &[BlobKey]) -> Vec<Fetch<String>> {
        self.each_blob(keys, |bytes| digest::sha256_hex(&bytes))
    }

    /// One listing of the resources tells which blobs exist and their ETags; the ETag of a
    /// single-part upload is the MD5 of the bytes the store holds, so a blob whose ETag is the
    /// MD5 of its source is that source and need not be read back. Only the others are read
    /// (a missing one too, so "missing" is always the answer of a read, not of a listing).
    fn blob_digests_of_sources(
        &self,
        keys: &[BlobKey],
        expected: &[&str],
        source: &BlobSource<'_>,
    ) -> Vec<Fetch<String>> {
        let Ok(Some(etags)) = self.run(|client| self.resource_etags(client.as_ref())) else {
            return self.blob_digests(keys);
        };
        let proven = |index: usize, key: &BlobKey| {
            let etag = self
                .key(&Self::blob_rel(key))
                .ok()
                .and_then(|k| etags.get(k.as_ref()).cloned())?;
            let bytes = source(index).ok()?;
            let md5 = hex::encode(md5::Md5::digest(&bytes));
            (etag.trim_matches('"') == md5).then(|| expected[index].to_string())
        };
        let mut found: Vec<Option<String>> = keys
            .iter()
            .enumerate()
            .map(|(index, key)| proven(index, key))
            .collect();
        let unread: Vec<usize> = (0..keys.len()).filter(|&i| found[i].is_none()).collect();
        let unread_keys: Vec<BlobKey> = unread.iter().map(|&i| keys[i].clone()).collect();
        let mut read = unread
            .into_iter()
            .zip(self.blob_digests(&unread_keys))
            .peekable();
        (0..keys.len())
            .map(|index| match found[index].take() {
                Some(digest) => Fetch::Found(digest),
                None => match read.next_if(|(i, _)| *i == index) {
                    Some((_, fetched)) => fetched,
                    None => Fetch::Failed(io::Error::other("blob was neither listed nor read")),
                },
            })
            .collect()
    }

    fn put_blobs(&self, writes: &[BlobWrite], source: &BlobSource<'_>) -> Vec<BlobOutcome> {
        let published = self.connected(|connection| {
            stream::iter(writes.iter().enumerate())
                .map(move |(index, write)| self.put_blob(connection, write, move || source(index)))
                .buffered(IN_FLIGHT)
                .collect::<Vec<_>>()
        });
        published.unwrap_or_else(|message| {
            writes
                .iter()
                .map(|write| {
                    BlobOutcome::Failed(BlobWriteError::Write(setup_error(
                        &self.blob_uri(&write.key),
                        message.clone(),
                    )))
                })
                .collect()
        })
    }

    fn history_names(&self) -> io::Result<Vec<String>> {
        let shown = self.shown(HISTORY_REL);
        self.now(&shown, |client| {
            self.list_names(client.as_ref(), HISTORY_REL)
        })
        .map(|names| names.files)
    }

    fn read_history(&self, name: &str) -> Fetch<Vec<u8>> {
        self.fetch_now(&Self::history_rel(name), fsx::MAX_SOURCE_BYTES)
            .map(|(bytes, _)| bytes)
    }

    /// A create-if-absent PUT, settled like the lock's: names are unique per attempt, so a
    /// refusal can only be an earlier attempt of ours whose answer was lost (our bytes: created)
    /// or nothing at all (tried again).
    fn create_history(&self, name: &str, bytes: &[u8], _temp_id: &str) -> io::Result<()> {
        let rel = Self::history_rel(name);
        let shown = self.shown(&rel);
        match self.create_settled(&rel, bytes, fsx::MAX_SOURCE_BYTES) {
            Ok(Landed::Ours) => Ok(()),
            Ok(Landed::Theirs) => Err(io::Error::other(format!(
                "{shown}: a different record already has this name"
            ))),
            Ok(Landed::Failed { error, .. }) => Err(error),
            Err(message) => Err(setup_error(&shown, message)),
        }
    }

    /// A root is missing when nothing is stored under `graphs/«G».omni/` and no object has the
    /// root's own name; such an object is the local "regular file at the root's path".
    fn graph_root(&self, graph: &str) -> io::Result<RootEntry> {
        let rel = Self::graph_rel(graph);
        let root = self.shown(&rel);
        let top = self.now(&root, |client| self.list_names(client.as_ref(), &rel))?;
        if !top.files.is_empty() || top.subdirectories > 0 {
            return Ok(RootEntry::Directory);
        }
        Ok(
            match self.now(&root, |client| self.exists(client.as_ref(), &rel))? {
                false => RootEntry::Missing,
                true => RootEntry::Other("is an object, not a prefix holding a graph"),
            },
        )
    }

    /// The objects directly under the directory, like a directory listing.
    fn graph_names(&self, graph: &str, dir: &str) -> io::Result<Vec<String>> {
        let rel = format!("{}/{dir}", Self::graph_rel(graph));
        let shown = self.shown(&rel);
        self.now(&shown, |client| self.list_names(client.as_ref(), &rel))
            .map(|names| names.files)
    }

    fn graph_file(&self, graph: &str, file: &str, limit: u64) -> io::Result<Vec<u8>> {
        let rel = format!("{}/{file}", Self::graph_rel(graph));
        match self.fetch_now(&rel, limit) {
            Fetch::Found((bytes, _)) => Ok(bytes),
            Fetch::NotFound => Err(io::Error::new(io::ErrorKind::NotFound, "no such object")),
            Fetch::Failed(err) => Err(err),
        }
    }

    fn read_blobs(&self, keys: &[BlobKey]) -> Vec<Fetch<Vec<u8>>> {
        self.each_blob(keys, |bytes| bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Opening an S3 root contacts nothing until its first operation: naming its objects
    /// builds neither the client nor the runtime. (That local commands never start the
    /// runtime is checked through the library in tests/cli/storage.rs.)
    #[test]
    fn naming_objects_contacts_nothing() {
        let s3 = ObjectBackend::s3("bucket", "team/a");
        assert_eq!(s3.state_path(), "s3://bucket/team/a/__cluster/state.json");
        assert_eq!(s3.graph_uri("g"), "s3://bucket/team/a/graphs/g.omni");
        assert_eq!(
            s3.blob_uri(&BlobKey(vec!["policy".into(), "p".into(), "D.yaml".into()])),
            "s3://bucket/team/a/__cluster/resources/policy/p/D.yaml"
        );
        assert!(EXECUTOR.get().is_none() && s3.client.get().is_none());
    }

    #[test]
    fn keys_are_the_local_names_under_the_prefix() {
        let s3 = ObjectBackend::s3("b", "team/a");
        assert_eq!(
            s3.key(STATE_FILE_REL).expect("key").as_ref(),
            "team/a/__cluster/state.json"
        );
        let top = ObjectBackend::s3("b", "");
        assert_eq!(top.lock_path(), "s3://b/__cluster/lock.json");
        assert_eq!(
            top.key(LOCK_FILE_REL).expect("key").as_ref(),
            "__cluster/lock.json"
        );
        // A prefix that is no valid key is reported, never silently re-encoded.
        let odd = ObjectBackend::s3("b", "a//b");
        assert!(odd.key(STATE_FILE_REL).is_err());
    }
}
