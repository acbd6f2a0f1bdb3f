//! What changed in each change's content (issue 18 §1), for `plan` and `apply` when a diff is
//! asked for. A query or policy compares its applied payload (the catalog blob of the recorded
//! digest, read through the store, so local and S3 alike) with its desired source file; a create
//! shows the new content, a delete the removed one. A blob that is missing, damaged or unreadable
//! is said, not diffed. Graphs and schemas have no text in the catalog: what moved is said in
//! words. Read-only. The changes of a history record are diffed the same way, both sides from
//! the catalog.

use crate::address::Address;
use crate::blobs::{self, Finding};
use crate::desired::Desired;
use crate::digest;
use crate::fsx;
use crate::layout;
use crate::plan::{Change, ContentDiff, Operation};
use crate::progress::Meter;
use crate::state::history::RecordedChange;
use crate::store::{BlobKey, Fetch, Store};
use crate::textdiff;
use std::path::Path;
use std::sync::Arc;

/// Applied payloads read between two counts of the progress meter. (All of them are held until
/// the diffs are made: a plan's diffs are shown whole.)
const READ_CHUNK: usize = 256;

/// One side of a content diff: its text, or why it cannot be shown; `None` in [`Side`]'s place
/// means the side does not exist.
enum Side {
    Text(String),
    Unavailable(String),
}

/// The content diff of every change, in change order (`None` for none).
pub fn diffs(
    store: &dyn Store,
    desired: &Desired,
    changes: &[Change],
    meter: Meter<'_>,
) -> Vec<Arc<ContentDiff>> {
    // The applied blobs, read in batches (concurrently on S3), counted as they come.
    let old_keys: Vec<Option<BlobKey>> = changes
        .iter()
        .map(|c| blobs::key(&c.resource, c.before_digest.as_deref()?))
        .collect();
    let wanted: Vec<BlobKey> = old_keys.iter().flatten().cloned().collect();
    if !wanted.is_empty() {
        meter.start("reading applied payloads", wanted.len());
    }
    let fetched: Vec<Fetch<Vec<u8>>> = wanted
        .chunks(READ_CHUNK)
        .flat_map(|chunk| {
            let read = store.read_blobs(chunk);
            meter.advance(chunk.len());
            read
        })
        .collect();
    if !wanted.is_empty() {
        meter.finish();
    }
    let mut read = fetched.into_iter();
    let sources: Vec<Option<&Path>> = changes
        .iter()
        .map(|c| {
            c.after_digest.as_ref()?;
            desired.resource(&c.resource)?.source.as_deref()
        })
        .collect();
    let news = crate::par::map(&sources, |source| source.map(read_source));
    changes
        .iter()
        .zip(old_keys)
        .zip(sources.iter().zip(news))
        .map(|((change, key), (source, new))| {
            let diff = match key {
                Some(key) => {
                    let fetched = read.next().unwrap_or(Fetch::NotFound);
                    let before = change.before_digest.as_deref().unwrap_or_default();
                    let uri = store.blob_uri(&key);
                    let old = applied_side(fetched, before, &uri);
                    let new = desired_of(change, *source, new);
                    text_diff(Some((uri, old)), new)
                }
                None => match Address::parse(&change.resource) {
                    Some(Address::Query { .. } | Address::Policy(_)) => {
                        text_diff(None, desired_of(change, *source, new))
                    }
                    _ => ContentDiff::Digest {
                        note: digest_words(change, changes, *source),
                    },
                },
            };
            Arc::new(diff)
        })
        .collect()
}

/// The desired side of a change: the source file the plan digested, where it is shown, or why
/// it cannot be; `None` for a delete.
fn desired_of(
    change: &Change,
    source: Option<&Path>,
    read: Option<std::io::Result<Vec<u8>>>,
) -> Option<(String, Side)> {
    change.after_digest.as_ref()?;
    match (source, read) {
        (Some(path), Some(read)) => Some((layout::display(path), desired_side(read, change))),
        _ => Some((
            String::new(),
            Side::Unavailable("the source file is unknown".into()),
        )),
    }
}

/// The content diff of each recorded change of a history record (issue 17): both sides read
/// from the content-addressed catalog, where the old and the new blob are both still kept.
/// `None` for graphs and schemas, whose content the catalog does not keep.
pub fn recorded(store: &dyn Store, changes: &[RecordedChange]) -> Vec<Option<ContentDiff>> {
    let key = |change: &RecordedChange, digest: &Option<String>| {
        blobs::key(&change.resource, digest.as_deref()?)
    };
    let keys: Vec<(Option<BlobKey>, Option<BlobKey>)> = changes
        .iter()
        .map(|c| (key(c, &c.before_digest), key(c, &c.after_digest)))
        .collect();
    let wanted: Vec<BlobKey> = keys
        .iter()
        .flat_map(|(old, new)| [old.clone(), new.clone()])
        .flatten()
        .collect();
    let mut read = store.read_blobs(&wanted).into_iter();
    let mut side = |key: Option<BlobKey>, digest: &Option<String>| {
        let key = key?;
        let fetched = read.next().unwrap_or(Fetch::NotFound);
        let digest = digest.as_deref().unwrap_or_default();
        let uri = store.blob_uri(&key);
        let side = applied_side(fetched, digest, &uri);
        Some((uri, side))
    };
    changes
        .iter()
        .zip(keys)
        .map(|(change, (old_key, new_key))| {
            let has_payload = matches!(
                Address::parse(&change.resource),
                Some(Address::Query { .. } | Address::Policy(_))
            );
            let old = side(old_key, &change.before_digest);
            let new = side(new_key, &change.after_digest);
            has_payload.then(|| text_diff(old, new))
        })
        .collect()
}

/// Give each change its diff (as returned by [`diffs`]).
pub fn attach(changes: &mut [Change], diffs: Vec<Arc<ContentDiff>>) {
    for (change, diff) in changes.iter_mut().zip(diffs) {
        change.diff = Some(diff);
    }
}

fn read_source(path: &Path) -> std::io::Result<Vec<u8>> {
    fsx::read_bounded(path, fsx::MAX_SOURCE_BYTES)
}

/// A catalog payload, which must still be the bytes of its recorded digest.
fn applied_side(fetched: Fetch<Vec<u8>>, recorded: &str, uri: &str) -> Side {
    match blobs::check(fetched, recorded, uri) {
        Ok(bytes) => as_text(bytes),
        Err(Finding::Mismatch { .. }) => Side::Unavailable(
            "the catalog payload blob does not match the recorded digest (run `cluster apply` to repair it)".into(),
        ),
        Err(Finding::Missing) => Side::Unavailable(
            "the catalog payload blob is missing (run `cluster apply` to republish it)".into(),
        ),
        Err(Finding::ReadError(text)) => Side::Unavailable(text),
        Err(Finding::Refused) => Side::Unavailable(
            "the recorded address names no catalog payload".into(),
        ),
    }
}

/// The desired source, which must still be the bytes the plan digested.
fn desired_side(read: std::io::Result<Vec<u8>>, change: &Change) -> Side {
    match read {
        Ok(bytes)
            if Some(digest::sha256_hex(&bytes).as_str()) != change.after_digest.as_deref() =>
        {
            Side::Unavailable("the source file changed since the plan read it".into())
        }
        Ok(bytes) => as_text(bytes),
        Err(err) => Side::Unavailable(format!("could not read the source file: {err}")),
    }
}

fn as_text(bytes: Vec<u8>) -> Side {
    match String::from_utf8(bytes) {
        Ok(text) => Side::Text(text),
        Err(_) => Side::Unavailable("the content is not UTF-8 text".into()),
    }
}

/// The diff of two sides, each where it is shown and what it holds, `None` when it does not
/// exist.
fn text_diff(old: Option<(String, Side)>, new: Option<(String, Side)>) -> ContentDiff {
    let split = |side: Option<(String, Side)>| match side {
        Some((at, side)) => (Some(at).filter(|at| !at.is_empty()), side),
        None => (None, Side::Text(String::new())),
    };
    let (old_at, old_side) = split(old);
    let (new_at, new_side) = split(new);
    match (old_side, new_side) {
        (Side::Text(old), Side::Text(new)) => {
            let diff = textdiff::unified(&old, &new);
            ContentDiff::Text {
                old: old_at,
                new: new_at,
                added: diff.added,
                removed: diff.removed,
                unified: diff.hunks,
            }
        }
        (Side::Unavailable(note), _) | (_, Side::Unavailable(note)) => ContentDiff::Unavailable {
            old: old_at,
            new: new_at,
            note,
        },
    }
}

/// The first 12 hex digits of a digest, as a person compares them.
pub fn short(digest: &str) -> &str {
    digest.get(..12).unwrap_or(digest)
}

/// What moved, in words, for a resource whose content is not in the catalog: a schema (only its
/// digest is recorded) or a graph (whose digest is derived from its schema and queries).
fn digest_words(change: &Change, changes: &[Change], source: Option<&Path>) -> String {
    let before = change.before_digest.as_deref().map(short).unwrap_or("");
    let after = change.after_digest.as_deref().map(short).unwrap_or("");
    let from = source
        .map(|p| format!(" from '{}'", layout::display(p)))
        .unwrap_or_default();
    match (Address::parse(&change.resource), change.operation) {
        (Some(Address::Schema(g)), Operation::Create) => {
            format!("graph `{g}` gets a schema{from} (sha256 {after})")
        }
        (Some(Address::Schema(g)), Operation::Update) => format!(
            "the schema of graph `{g}` changed: sha256 {before} → {after}{from}; the applied schema text is not kept in the catalog, so it cannot be compared line by line"
        ),
        (Some(Address::Schema(g)), Operation::Delete) => {
            format!("graph `{g}`'s schema is no longer declared (was sha256 {before})")
        }
        (Some(Address::Graph(g)), Operation::Create) => format!(
            "new graph `{g}` (derived digest {after}); its root is created by the OmniGraph engine, not by this tool"
        ),
        (Some(Address::Graph(g)), Operation::Delete) => format!(
            "graph `{g}` is no longer declared (derived digest was {before}); its root is left as it is"
        ),
        (Some(Address::Graph(g)), Operation::Update) => {
            let members = member_changes(g, changes);
            let why = if members.is_empty() {
                "recomputed from the schema and queries the state records".to_string()
            } else {
                format!("its members changed: {}", members.join(", "))
            };
            format!("derived digest of graph `{g}`: {before} → {after}; {why}")
        }
        _ => format!("digest {before} → {after}"),
    }
}

/// `schema.G updated`, `query.G.q created`, …: the changes of graph `graph`'s members.
fn member_changes(graph: &str, changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .filter(|c| match Address::parse(&c.resource) {
            Some(Address::Schema(g)) | Some(Address::Query { graph: g, .. }) => g == graph,
            _ => false,
        })
        .map(|c| {
            let verb = match c.operation {
                Operation::Create => "created",
                Operation::Update => "updated",
                Operation::Delete => "deleted",
            };
            format!("{} {verb}", c.resource)
        })
        .collect()
}
