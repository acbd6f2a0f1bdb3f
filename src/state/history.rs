//! The history of the ledger (issue 17): one immutable record per published revision, with who
//! published it, when, with which operation, and what it changed. Records live beside the ledger
//! under `__cluster/history/` (the same keys on S3) and are never named by `state.json`, whose
//! bytes stay exactly the contract's.
//!
//! Crash safety comes from the order and from the chain of CASes:
//! - a record is written, durably and create-if-absent, *before* the state it describes is
//!   published, so a published revision never lacks its record;
//! - a record is trusted only when the chain confirms it: the newest is the one whose
//!   `state_cas_after` is the CAS of the current state, and each earlier one is the record whose
//!   `state_cas_after` is the next one's `state_cas_before`. A record written by a command that
//!   then lost the compare-and-swap, or was killed before its publish, is on no chain and is
//!   never shown as published.
//!
//! Record names are `«revision, 20 digits»-«attempt id».json`: unique per attempt (two
//! commands racing for one revision each write their own), sorted by revision.

use super::ClusterState;
use super::drift::{Drift, compare};
use crate::addressed::Operation;
use crate::store::{Fetch, HISTORY_REL, Store};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;

/// The `format_version` of the records this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// What this build calls itself in a record.
pub const TOOL_VERSION: &str = concat!("omnigraph-cluster ", env!("CARGO_PKG_VERSION"));

/// One published revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevisionRecord {
    pub format_version: u32,
    pub revision: u64,
    /// `apply`, `refresh` or `import`.
    pub operation: String,
    /// UTC, RFC 3339.
    pub recorded_at: String,
    pub actor: String,
    pub tool_version: String,
    /// The CAS of the state this revision replaced; `null` for the first state.
    pub state_cas_before: Option<String>,
    /// The CAS of the state this revision published.
    pub state_cas_after: String,
    /// Every resource whose digest moved, in address order.
    pub changes: Vec<RecordedChange>,
    /// For refresh and import: what was observed to differ from the state before (digests,
    /// statuses and observations, timestamps aside).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<Drift>,
}

/// A resource whose digest moved in a revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedChange {
    pub resource: String,
    pub action: Operation,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
}

/// Who published a revision, how and when: the parts of a record that are not the states.
pub struct Publisher<'a> {
    pub operation: &'a str,
    pub actor: &'a str,
    pub recorded_at: String,
}

impl RevisionRecord {
    /// The record of publishing `after` (whose bytes have CAS `cas_after`) over `before` (CAS
    /// `cas_before`; both `None` for the first state), which moved the digests `changes` (the
    /// plan's differ between the two). Refresh and import also keep the drift.
    pub fn new(
        publisher: Publisher<'_>,
        before: Option<(&ClusterState, &str)>,
        after: (&ClusterState, &str),
        changes: Vec<RecordedChange>,
    ) -> Self {
        let observed = matches!(publisher.operation, "refresh" | "import");
        let drift = match (observed, before) {
            (false, _) => Vec::new(),
            (true, Some((state, _))) => compare(state, after.0),
            (true, None) => compare(&ClusterState::empty(None), after.0),
        };
        RevisionRecord {
            format_version: FORMAT_VERSION,
            revision: after.0.state_revision,
            operation: publisher.operation.to_string(),
            recorded_at: publisher.recorded_at,
            actor: publisher.actor.to_string(),
            tool_version: TOOL_VERSION.to_string(),
            state_cas_before: before.map(|(_, cas)| cas.to_string()),
            state_cas_after: after.1.to_string(),
            changes,
            drift,
        }
    }

    /// The record's name for attempt `attempt`.
    pub fn name(&self, attempt: &str) -> String {
        format!("{:020}-{attempt}.json", self.revision)
    }

    pub fn to_bytes(&self) -> serde_json::Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// How many resources were created, updated and deleted.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for change in &self.changes {
            match change.action {
                Operation::Create => counts.create += 1,
                Operation::Update => counts.update += 1,
                Operation::Delete => counts.delete += 1,
            }
        }
        counts.drift = self.drift.len();
        counts
    }
}

/// The size of a revision, for listings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub create: usize,
    pub update: usize,
    pub delete: usize,
    pub drift: usize,
}

/// Write `record` under a name unique to attempt `attempt` (before its state is published).
pub fn write(store: &dyn Store, record: &RevisionRecord, attempt: &str) -> io::Result<()> {
    let bytes = record.to_bytes().map_err(io::Error::other)?;
    crate::faults::crash_point("history", "before-write");
    store.create_history(&record.name(attempt), &bytes, attempt)?;
    crate::faults::crash_point("history", "written");
    Ok(())
}

/// The confirmed records, newest first, as far back as the chain reaches.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Chain {
    pub records: Vec<RevisionRecord>,
    /// Where the chain stops short of the first revision: the revision whose record could not
    /// be found or confirmed (it was published without one: by another tool, by a build before
    /// history was kept, or edited by hand). `None` when the chain reaches the first state, or
    /// the walk stopped at its limit.
    pub unrecorded: Option<u64>,
}

/// Why the history could not be read.
#[derive(Debug)]
pub enum ReadError {
    List(io::Error),
    Read { name: String, error: io::Error },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::List(err) => {
                write!(f, "could not list {HISTORY_REL}: {err}")
            }
            ReadError::Read { name, error } => {
                write!(f, "could not read {HISTORY_REL}/{name}: {error}")
            }
        }
    }
}

/// Walk the chain back from the current state (`revision`, `cas`): at most `limit` records, or
/// down to revision `down_to` (inclusive) when given. Only the candidates of the revisions
/// walked are read; a candidate that is not a readable record of this format is passed over
/// (it cannot confirm anything).
pub fn chain(
    store: &dyn Store,
    current: (u64, &str),
    limit: Option<usize>,
    down_to: Option<u64>,
) -> Result<Chain, ReadError> {
    let mut candidates: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for name in store.history_names().map_err(ReadError::List)? {
        if let Some(revision) = revision_of(&name) {
            candidates.entry(revision).or_default().push(name);
        }
    }
    let (mut revision, cas) = current;
    let mut want = Some(cas.to_string());
    let mut chain = Chain::default();
    while let Some(cas) = want.take() {
        if limit.is_some_and(|limit| chain.records.len() >= limit)
            || down_to.is_some_and(|floor| revision < floor)
        {
            break;
        }
        let found = confirmed(store, candidates.get(&revision), revision, &cas)?;
        let Some(record) = found else {
            chain.unrecorded = Some(revision);
            break;
        };
        want = record.state_cas_before.clone();
        revision = revision.saturating_sub(1);
        chain.records.push(record);
    }
    Ok(chain)
}

/// The record among `names` (candidates for `revision`) that published the state with CAS
/// `cas`.
fn confirmed(
    store: &dyn Store,
    names: Option<&Vec<String>>,
    revision: u64,
    cas: &str,
) -> Result<Option<RevisionRecord>, ReadError> {
    for name in names.into_iter().flatten() {
        let bytes = match store.read_history(name) {
            Fetch::Found(bytes) => bytes,
            // Listed, then gone: not a record any more.
            Fetch::NotFound => continue,
            Fetch::Failed(error) => {
                return Err(ReadError::Read {
                    name: name.clone(),
                    error,
                });
            }
        };
        let Ok(record) = serde_json::from_slice::<RevisionRecord>(&bytes) else {
            continue;
        };
        if record.format_version == FORMAT_VERSION
            && record.revision == revision
            && record.state_cas_after == cas
        {
            return Ok(Some(record));
        }
    }
    Ok(None)
}

/// The revision a record's name is for; `None` for anything else in the directory (temp files).
fn revision_of(name: &str) -> Option<u64> {
    let stem = name.strip_suffix(".json")?;
    let (digits, attempt) = stem.split_once('-')?;
    (digits.len() == 20 && digits.bytes().all(|b| b.is_ascii_digit()) && !attempt.is_empty())
        .then(|| digits.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::local::LocalStore;

    fn state(revision: u64, resources: &[(&str, &str)]) -> ClusterState {
        let mut state = ClusterState::empty(None);
        state.state_revision = revision;
        for (address, digest) in resources {
            state.set_digest(address, digest.to_string());
        }
        state
    }

    fn publisher(operation: &str) -> Publisher<'_> {
        Publisher {
            operation,
            actor: "tester@host",
            recorded_at: "2026-12-06T00:00:00Z".to_string(),
        }
    }

    #[test]
    fn names_sort_by_revision_and_parse_back() {
        let record = RevisionRecord::new(
            publisher("import"),
            None,
            (&state(7, &[]), "C7"),
            Vec::new(),
        );
        let name = record.name("01ATTEMPT");
        assert_eq!(name, "00000000000000000007-01ATTEMPT.json");
        assert_eq!(revision_of(&name), Some(7));
        assert_eq!(
            revision_of("00000000000000000007-01ATTEMPT.json.tmp.X"),
            None
        );
        assert_eq!(revision_of("7-x.json"), None);
        assert_eq!(revision_of("00000000000000000007-.json"), None);
    }

    #[test]
    fn counts_and_drift_follow_the_operation() {
        let before = state(1, &[("query.g.a", "1")]);
        let after = state(2, &[("query.g.b", "2")]);
        let moved = |resource: &str, action| RecordedChange {
            resource: resource.to_string(),
            action,
            before_digest: None,
            after_digest: None,
        };
        let changes = vec![
            moved("policy.p", Operation::Delete),
            moved("query.g.b", Operation::Update),
            moved("query.g.c", Operation::Create),
        ];
        let record = RevisionRecord::new(
            publisher("apply"),
            Some((&before, "C1")),
            (&after, "C2"),
            changes,
        );
        assert!(record.drift.is_empty(), "apply keeps no drift");
        let counts = record.counts();
        assert_eq!((counts.create, counts.update, counts.delete), (1, 1, 1));
        let refresh = RevisionRecord::new(
            publisher("refresh"),
            Some((&before, "C1")),
            (&after, "C2"),
            Vec::new(),
        );
        assert_eq!(refresh.drift.len(), 2, "refresh keeps what moved");
    }

    /// The chain confirms the records of published revisions only: a phantom (written, then its
    /// publish lost the CAS) for a revision is passed over, and a revision published without a
    /// record stops the walk there.
    #[test]
    fn only_the_chain_of_cases_confirms_a_record() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = LocalStore::new(dir.path());
        let s1 = state(1, &[("query.g.a", "1")]);
        let s2 = state(2, &[("query.g.a", "2")]);
        let phantom = state(2, &[("query.g.a", "X")]);
        let s3 = state(3, &[("query.g.a", "3")]);
        let records = [
            RevisionRecord::new(publisher("import"), None, (&s1, "C1"), Vec::new()),
            RevisionRecord::new(
                publisher("apply"),
                Some((&s1, "C1")),
                (&phantom, "CX"),
                Vec::new(),
            ),
            RevisionRecord::new(
                publisher("apply"),
                Some((&s1, "C1")),
                (&s2, "C2"),
                Vec::new(),
            ),
            RevisionRecord::new(
                publisher("refresh"),
                Some((&s2, "C2")),
                (&s3, "C3"),
                Vec::new(),
            ),
        ];
        for (i, record) in records.iter().enumerate() {
            write(&store, record, &format!("A{i}")).expect("write");
        }
        let chain = chain(&store, (3, "C3"), None, None).expect("chain");
        let shown: Vec<(u64, &str)> = chain
            .records
            .iter()
            .map(|r| (r.revision, r.state_cas_after.as_str()))
            .collect();
        assert_eq!(shown, [(3, "C3"), (2, "C2"), (1, "C1")]);
        assert_eq!(chain.unrecorded, None);
        // Limits and floors stop the walk early.
        assert_eq!(chain_len(&store, (3, "C3"), Some(1), None), 1);
        assert_eq!(chain_len(&store, (3, "C3"), None, Some(2)), 2);
        // A state published without a record (revision 4 by another tool): nothing confirmed.
        let gap = super::chain(&store, (4, "C4"), None, None).expect("chain");
        assert!(gap.records.is_empty());
        assert_eq!(gap.unrecorded, Some(4));
    }

    fn chain_len(
        store: &LocalStore,
        at: (u64, &str),
        limit: Option<usize>,
        floor: Option<u64>,
    ) -> usize {
        chain(store, at, limit, floor).expect("chain").records.len()
    }
}
