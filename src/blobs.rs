//! The content-addressed blobs of applied payloads under `__cluster/resources/` (§2.7): which
//! resources have one and where, publishing a batch from the payloads' sources, and
//! verification. (Not to be confused with a schema's type catalog in `lang::schema`.)

use crate::address::Address;
use crate::diagnostic::{Code, Diagnostic};
use crate::digest;
use crate::fsx;
use crate::layout;
use crate::progress::Meter;
use crate::store::{BlobKey, BlobMode, BlobOutcome, BlobWrite, BlobWriteError, Fetch, Store};
use std::path::Path;

/// Where the payload of a resource lives, if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// `query/«g»/«n»/«D».gq` or `policy/«p»/«D».yaml`.
    Blob(BlobKey),
    /// Graphs, schemas and addresses of no known kind have no payload.
    None,
    /// The address (or digest) breaks the id rule, so it must never become a path or an object
    /// key: a ledger that records `query.../../x` is not followed out of the catalog.
    Refused,
}

/// Where the blob of `address` at `digest` lives.
pub fn place(address: &str, digest: &str) -> Place {
    let Some(parsed) = Address::parse(address) else {
        return Place::None;
    };
    let parts: Vec<String> = match parsed {
        Address::Graph(_) | Address::Schema(_) => return Place::None,
        _ if !parsed.is_well_formed() || !is_plain_name(digest) => return Place::Refused,
        Address::Query { graph, name } => vec![
            "query".into(),
            graph.into(),
            name.into(),
            format!("{digest}.gq"),
        ],
        Address::Policy(policy) => vec!["policy".into(), policy.into(), format!("{digest}.yaml")],
    };
    Place::Blob(BlobKey(parts))
}

/// A digest names a file only as letters, digits, `_` and `-` (a sha256 is hex).
fn is_plain_name(digest: &str) -> bool {
    !digest.is_empty()
        && digest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The blob key of a resource that has a payload and a well-formed address.
pub fn key(address: &str, digest: &str) -> Option<BlobKey> {
    match place(address, digest) {
        Place::Blob(key) => Some(key),
        Place::None | Place::Refused => None,
    }
}

/// One payload to publish: the resource, its digest and the source file it is copied from
/// (`None` when the desired revision recorded no source, which is reported).
pub struct Payload<'a> {
    pub address: &'a str,
    pub digest: &'a str,
    pub source: Option<&'a Path>,
    /// What the caller's verification found wrong with the recorded blob: it is republished
    /// from the source (a damaged one replaced atomically) and the repair reported.
    pub repair: Option<Finding>,
}

/// Publish the blob of every payload in one batch (§2.7.1). A blob already at the target is
/// read back: one whose bytes do not match its digest is replaced from the source, atomically
/// like a new one, with a `catalog_payload_repaired` warning (the contract trusts it by name;
/// issue 11 asks for the repair). Returns the diagnostics in payload order; every blob written
/// is durable on return. `meter` counts each blob as its source is read for writing.
pub fn publish(
    store: &dyn Store,
    payloads: &[Payload<'_>],
    new_id: &dyn Fn() -> String,
    meter: Meter<'_>,
) -> Vec<Diagnostic> {
    // Payloads without a blob or a source never reach the store; keep their slot for ordering.
    let mut jobs = Vec::new();
    let mut problems: Vec<Option<Diagnostic>> = Vec::with_capacity(payloads.len());
    for (slot, payload) in payloads.iter().enumerate() {
        problems.push(None);
        let Some(blob) = key(payload.address, payload.digest) else {
            continue;
        };
        let Some(source) = payload.source else {
            problems[slot] = Some(Diagnostic::new(
                Code::ResourcePayloadWriteError,
                payload.address,
                "no source file recorded for resource",
            ));
            continue;
        };
        let mode = match payload.repair {
            Some(Finding::Mismatch { .. }) => BlobMode::Replace,
            _ => BlobMode::CreateOnly,
        };
        jobs.push(Job {
            slot,
            payload,
            source,
            key: blob,
            mode,
            repair: payload.repair.clone(),
        });
    }
    if !jobs.is_empty() {
        meter.start("publishing payload blobs", jobs.len());
    }
    let existed = run_jobs(store, &jobs, new_id, &mut problems, meter);
    let damaged = existing_damaged(store, existed);
    run_jobs(store, &damaged, new_id, &mut problems, Meter::none());
    if !jobs.is_empty() {
        meter.finish();
    }
    problems.into_iter().flatten().collect()
}

/// One blob write of a batch, with the payload's slot in the result.
struct Job<'a> {
    slot: usize,
    payload: &'a Payload<'a>,
    source: &'a Path,
    key: BlobKey,
    mode: BlobMode,
    repair: Option<Finding>,
}

/// Write `jobs` as one batch, filling their slots of `problems`; returns the jobs whose target
/// already held a blob (and was trusted by name).
fn run_jobs<'a>(
    store: &dyn Store,
    jobs: &[Job<'a>],
    new_id: &dyn Fn() -> String,
    problems: &mut [Option<Diagnostic>],
    meter: Meter<'_>,
) -> Vec<Job<'a>> {
    let writes: Vec<BlobWrite> = jobs
        .iter()
        .map(|job| BlobWrite {
            key: job.key.clone(),
            mode: job.mode,
            temp_id: new_id(),
        })
        .collect();
    let outcomes = store.put_blobs(&writes, &|index| {
        meter.advance(1);
        let job = &jobs[index];
        read_source(job.payload.address, job.source, job.payload.digest)
    });
    let mut existed = Vec::new();
    for (job, outcome) in jobs.iter().zip(outcomes) {
        problems[job.slot] = match outcome {
            BlobOutcome::Written => job.repair.as_ref().map(|f| repaired(job, f)),
            BlobOutcome::Existed => {
                existed.push(Job {
                    key: job.key.clone(),
                    repair: None,
                    ..*job
                });
                None
            }
            BlobOutcome::SourceFailed(diagnostic) => Some(diagnostic),
            BlobOutcome::Failed(err) => Some(write_error(job.payload.address, err)),
        };
    }
    existed
}

/// Of the blobs found at their targets, those whose bytes are not their digest, as replacing
/// jobs. Unreadable ones are left for `status` to report.
fn existing_damaged<'a>(store: &dyn Store, existed: Vec<Job<'a>>) -> Vec<Job<'a>> {
    let keys: Vec<BlobKey> = existed.iter().map(|job| job.key.clone()).collect();
    let digests = store.blob_digests(&keys);
    existed
        .into_iter()
        .zip(digests)
        .filter_map(|(job, fetched)| match fetched {
            Fetch::Found(actual) if actual != job.payload.digest => Some(Job {
                mode: BlobMode::Replace,
                repair: Some(Finding::Mismatch { actual }),
                ..job
            }),
            _ => None,
        })
        .collect()
}

/// `catalog_payload_repaired`: what was wrong with the blob and where it was copied from.
fn repaired(job: &Job<'_>, finding: &Finding) -> Diagnostic {
    let source = layout::display(job.source);
    let message = match finding {
        Finding::Mismatch { actual } => format!(
            "catalog payload blob did not match the recorded digest (actual sha256:{actual}); replaced it from '{source}'"
        ),
        _ => format!("catalog payload blob was missing; republished it from '{source}'"),
    };
    Diagnostic::new(Code::CatalogPayloadRepaired, job.payload.address, message)
}

/// The bytes of a payload's source, which must still hash to the planned digest.
fn read_source(address: &str, source: &Path, digest: &str) -> Result<Vec<u8>, Diagnostic> {
    let shown = layout::display(source);
    let bytes = fsx::read_bounded(source, fsx::MAX_SOURCE_BYTES).map_err(|err| {
        Diagnostic::new(
            Code::ResourcePayloadWriteError,
            address,
            format!("could not read resource source '{shown}': {err}"),
        )
    })?;
    if digest::sha256_hex(&bytes) != digest {
        return Err(Diagnostic::new(
            Code::ResourceContentChanged,
            address,
            format!(
                "resource source '{shown}' changed while apply was running; re-run `cluster apply`"
            ),
        ));
    }
    Ok(bytes)
}

fn write_error(address: &str, err: BlobWriteError) -> Diagnostic {
    let message = match err {
        BlobWriteError::CreateDir(e) => format!("could not create payload directory: {e}"),
        BlobWriteError::CreateTemp(e) => format!("could not create temporary payload file: {e}"),
        BlobWriteError::Write(e) => format!("could not write payload file: {e}"),
        BlobWriteError::Rename(e) => format!("could not move payload file into place: {e}"),
    };
    Diagnostic::new(Code::ResourcePayloadWriteError, address, message)
}

/// What verification found wrong with one blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    Missing,
    Mismatch {
        actual: String,
    },
    ReadError(String),
    /// The recorded address or digest breaks the id rule: nothing was read for it.
    Refused,
}

/// What reading a recorded blob found, from the digest of what was read: `None` when it holds
/// `recorded`. `uri` names the blob in a read error.
pub fn judge(read: Fetch<String>, recorded: &str, uri: &str) -> Option<Finding> {
    Some(match read {
        Fetch::Found(actual) if actual == recorded => return None,
        Fetch::Found(actual) => Finding::Mismatch { actual },
        Fetch::NotFound => Finding::Missing,
        Fetch::Failed(err) => {
            Finding::ReadError(format!("could not read catalog payload '{uri}': {err}"))
        }
    })
}

/// The bytes of a recorded blob that holds `recorded`, or what is wrong with it (see [`judge`]).
pub fn check(read: Fetch<Vec<u8>>, recorded: &str, uri: &str) -> Result<Vec<u8>, Finding> {
    let mut bytes = None;
    let digest = read.map(|read| {
        let actual = digest::sha256_hex(&read);
        bytes = Some(read);
        actual
    });
    match judge(digest, recorded, uri) {
        Some(finding) => Err(finding),
        None => Ok(bytes.unwrap_or_default()),
    }
}

impl Finding {
    pub fn diagnostic(&self, address: &str) -> Diagnostic {
        match self {
            Finding::Missing => Diagnostic::new(
                Code::CatalogPayloadMissing,
                address,
                "catalog payload blob is missing; re-run `cluster apply` to republish",
            ),
            Finding::Mismatch { actual } => Diagnostic::new(
                Code::CatalogPayloadMismatch,
                address,
                format!(
                    "catalog payload blob does not match the recorded digest (actual sha256:{actual}); re-run `cluster apply` to republish"
                ),
            ),
            Finding::ReadError(text) => {
                Diagnostic::new(Code::CatalogPayloadReadError, address, text.clone())
            }
            Finding::Refused => {
                // The address comes from a file anyone with write access could have edited:
                // shown escaped, so it cannot forge lines of output.
                let shown = address.escape_debug().to_string();
                Diagnostic::new(
                    Code::InvalidStateAddress,
                    &shown,
                    format!(
                        "state records `{shown}`, which breaks the id rule (or names a digest that is not a plain name); it was not read as a catalog payload"
                    ),
                )
            }
        }
    }
}

/// Check every recorded payload (address → digest pairs, in address order) against its digest
/// (§2.7.2). Read-only. Watched by `meter`, the blobs are read in chunks, each counted when read.
pub fn verify<'a>(
    store: &dyn Store,
    resources: impl IntoIterator<Item = (&'a str, &'a str)>,
    meter: Meter<'_>,
) -> Vec<(String, Finding)> {
    let recorded: Vec<Recorded<'_>> = resources
        .into_iter()
        .map(|(address, digest)| (address, digest, None))
        .collect();
    verify_recorded(store, &recorded, meter)
}

/// Blobs read between two counts of a watched verification without sources.
const VERIFY_CHUNK: usize = 256;

/// A recorded payload: its address, its digest and, when the desired revision still names it at
/// that digest, its source file.
pub type Recorded<'a> = (&'a str, &'a str, Option<&'a Path>);

/// `verify` for payloads whose source files the desired revision still names at the recorded
/// digest: a store that can prove a blob equal to its source
/// without reading it back may skip the read (an object store's listing, which carries a
/// checksum of each object, turns thousands of reads into a few listings).
pub fn verify_with_sources<'a>(
    store: &dyn Store,
    recorded: &[Recorded<'a>],
    meter: Meter<'_>,
) -> Vec<(String, Finding)> {
    verify_recorded(store, recorded, meter)
}

fn verify_recorded(
    store: &dyn Store,
    recorded: &[Recorded<'_>],
    meter: Meter<'_>,
) -> Vec<(String, Finding)> {
    let mut refused = Vec::new();
    let (blobs, keys): (Vec<Recorded<'_>>, Vec<BlobKey>) = recorded
        .iter()
        .filter_map(|&(address, digest, source)| match place(address, digest) {
            Place::Blob(key) => Some(((address, digest, source), key)),
            Place::None => None,
            Place::Refused => {
                refused.push(address);
                None
            }
        })
        .unzip();
    let expected: Vec<&str> = blobs.iter().map(|&(_, digest, _)| digest).collect();
    if !keys.is_empty() {
        meter.start("verifying payload blobs", keys.len());
    }
    let sourceless = blobs.iter().all(|&(_, _, source)| source.is_none());
    let digests = if meter.is_watched() && sourceless {
        // Read in chunks so the count moves; the same reads as one batch, a little less
        // concurrent at each chunk's end.
        keys.chunks(VERIFY_CHUNK)
            .flat_map(|chunk| {
                let read = store.blob_digests(chunk);
                meter.advance(chunk.len());
                read
            })
            .collect()
    } else {
        store.blob_digests_of_sources(&keys, &expected, &|index| {
            meter.advance(1);
            let (address, digest, source) = blobs[index];
            match source {
                Some(source) => read_source(address, source, digest),
                None => Err(Diagnostic::new(
                    Code::ResourcePayloadWriteError,
                    address,
                    "no source file recorded for resource",
                )),
            }
        })
    };
    if !keys.is_empty() {
        meter.finish();
    }
    blobs
        .into_iter()
        .zip(keys)
        .zip(digests)
        .filter_map(|(((address, recorded, _), key), fetched)| {
            let finding = judge(fetched, recorded, &store.blob_uri(&key))?;
            Some((address.to_string(), finding))
        })
        .chain(
            refused
                .into_iter()
                .map(|address| (address.to_string(), Finding::Refused)),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_per_class() {
        let parts = |a: &str| key(a, "D").map(|k| k.0);
        assert_eq!(
            parts("query.g.a"),
            Some(vec!["query".into(), "g".into(), "a".into(), "D.gq".into()])
        );
        assert_eq!(
            parts("policy.p"),
            Some(vec!["policy".into(), "p".into(), "D.yaml".into()])
        );
        assert_eq!(parts("graph.g"), None);
        assert_eq!(parts("schema.g"), None);
        assert_eq!(parts("query.g"), None);
        assert_eq!(parts("other.x"), None);
        // Never a path out of the catalog, whatever a ledger records.
        for (address, digest) in [
            ("query.g.a.b", "D"),
            ("query.../../../../tmp/x.y", "D"),
            ("policy.p", "../../x"),
            ("policy.p", ""),
        ] {
            assert_eq!(place(address, digest), Place::Refused, "{address} {digest}");
        }
    }

    /// M-46a: an applied query change whose desired resource records no source file.
    #[test]
    fn payload_without_source_is_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = crate::store::local::LocalStore::new(dir.path());
        let payload = Payload {
            address: "query.g.q",
            digest: "d",
            source: None,
            repair: None,
        };
        let diagnostics = publish(&store, &[payload], &|| "ID".to_string(), Meter::none());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::ResourcePayloadWriteError);
        assert_eq!(
            diagnostics[0].message,
            "no source file recorded for resource"
        );
        assert_eq!(diagnostics[0].path, "query.g.q");
        assert!(!dir.path().join("__cluster").exists());
    }
}
