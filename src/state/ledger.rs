//! `__cluster/state.json`: typed form, read, CAS-checked write (§2.6, §4.2).
//!
//! The type names are part of the output: serde puts them into parse errors
//! (`expected struct AppliedRevisionState`), so they are the reference's.

use super::StateObservations;
use crate::address::query_prefix;
use crate::diagnostic::{Code, Diagnostic};
use crate::digest;
use crate::fsx;
use crate::runtime::Runtime;
use crate::store::{
    Fetch, STATE_DIR, STATE_FILE_REL, StateVersion, StateWriteError, Store, TempStep,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::ops::Bound;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterState {
    pub version: u32,
    #[serde(default)]
    pub state_revision: u64,
    pub applied_revision: AppliedRevisionState,
    #[serde(default)]
    pub resource_statuses: BTreeMap<String, ResourceStatusRecord>,
    #[serde(default)]
    pub approval_records: BTreeMap<String, Value>,
    #[serde(default)]
    pub recovery_records: BTreeMap<String, Value>,
    #[serde(default)]
    pub observations: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AppliedRevisionState {
    #[serde(default)]
    pub config_digest: Option<String>,
    #[serde(default)]
    pub resources: BTreeMap<String, StateResource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StateResource {
    pub digest: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResourceStatus {
    Pending,
    Planned,
    Applying,
    Applied,
    Drifted,
    Blocked,
    Error,
}

impl ResourceStatus {
    /// The word JSON and the ledger use (`pending`, `applied`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            ResourceStatus::Pending => "pending",
            ResourceStatus::Planned => "planned",
            ResourceStatus::Applying => "applying",
            ResourceStatus::Applied => "applied",
            ResourceStatus::Drifted => "drifted",
            ResourceStatus::Blocked => "blocked",
            ResourceStatus::Error => "error",
        }
    }
}

/// A resource's status. `conditions` is written only when non-empty, `message` only when present.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceStatusRecord {
    pub status: ResourceStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl ResourceStatusRecord {
    pub fn new(status: ResourceStatus, condition: Option<&str>, message: Option<&str>) -> Self {
        ResourceStatusRecord {
            status,
            conditions: condition.map(|c| vec![c.to_string()]).unwrap_or_default(),
            message: message.map(str::to_string),
        }
    }
}

impl ClusterState {
    /// A fresh version-1 state, as `import` starts it.
    pub fn empty(config_digest: Option<String>) -> Self {
        ClusterState {
            version: 1,
            state_revision: 0,
            applied_revision: AppliedRevisionState {
                config_digest,
                resources: BTreeMap::new(),
            },
            resource_statuses: BTreeMap::new(),
            approval_records: BTreeMap::new(),
            recovery_records: BTreeMap::new(),
            observations: BTreeMap::new(),
        }
    }

    /// address → digest of the applied resources, in address order.
    pub fn digests(&self) -> impl Iterator<Item = (&str, &str)> {
        self.applied_revision
            .resources
            .iter()
            .map(|(a, r)| (a.as_str(), r.digest.as_str()))
    }

    pub fn set_digest(&mut self, address: &str, digest: String) {
        self.applied_revision
            .resources
            .insert(address.to_string(), StateResource { digest });
    }

    /// The query digests recorded for `graph`, keyed by the text after `query.«G».` (§5.2).
    pub fn query_digests(&self, graph: &str) -> Vec<(&str, &str)> {
        // The addresses are sorted, so a graph's queries are one range, not a scan of the map.
        let prefix = query_prefix(graph);
        self.applied_revision
            .resources
            .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
            .map_while(|(address, r)| {
                let name = address.strip_prefix(prefix.as_str())?;
                Some((name, r.digest.as_str()))
            })
            .collect()
    }

    /// The exact bytes written: two-space pretty JSON plus one newline.
    pub fn to_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

/// A state read from the store, with the version its write must still find.
pub struct LoadedState {
    pub state: ClusterState,
    pub version: StateVersion,
}

/// Result of reading the ledger.
pub enum StateRead {
    /// No state: nothing recorded yet.
    Missing,
    /// Parsed, version 1.
    Found(Box<LoadedState>),
    /// A diagnostic was emitted.
    Failed,
}

/// Read state (§2.6.1), updating the observations and appending any diagnostic.
pub fn read_state(
    store: &dyn Store,
    observations: &mut StateObservations,
    diagnostics: &mut Vec<Diagnostic>,
) -> StateRead {
    let read_error = |err| {
        Diagnostic::new(
            Code::StateReadError,
            STATE_FILE_REL,
            format!("could not read state file: {err}"),
        )
    };
    let (text, etag) = match store.read_state() {
        Fetch::Found(stored) => match fsx::utf8(stored.bytes) {
            Ok(text) => (text, stored.etag),
            Err(err) => {
                diagnostics.push(read_error(err));
                return StateRead::Failed;
            }
        },
        Fetch::NotFound => return StateRead::Missing,
        Fetch::Failed(err) => {
            diagnostics.push(read_error(err));
            return StateRead::Failed;
        }
    };
    let cas = digest::state_cas(text.as_bytes());
    observations.state_found = true;
    observations.state_cas = Some(cas.clone());
    let state: ClusterState = match serde_json::from_str(&text) {
        Ok(state) => state,
        Err(err) => {
            diagnostics.push(Diagnostic::new(
                Code::InvalidStateJson,
                STATE_FILE_REL,
                format!("could not parse state JSON: {err}"),
            ));
            return StateRead::Failed;
        }
    };
    if state.version != 1 {
        diagnostics.push(Diagnostic::new(
            Code::UnsupportedStateVersion,
            "state.version",
            format!(
                "unsupported cluster state version {}; this build supports version 1",
                state.version
            ),
        ));
        return StateRead::Failed;
    }
    observations.record_state(&state);
    StateRead::Found(Box::new(LoadedState {
        state,
        version: StateVersion { cas, etag },
    }))
}

/// The bytes `state` is written as, or the `state_write_error` that says why there are none.
pub fn encode(state: &ClusterState) -> Result<Vec<u8>, Diagnostic> {
    state.to_bytes().map_err(|err| {
        Diagnostic::new(
            Code::StateWriteError,
            STATE_FILE_REL,
            format!("could not encode state JSON: {err}"),
        )
    })
}

/// Publish `bytes` (the encoding of `state`) if the store still holds the `expected` version
/// (§2.6.2). Returns whether the new state was published; on success the observations describe
/// the state as written.
pub fn publish(
    store: &dyn Store,
    runtime: &Runtime,
    state: &ClusterState,
    bytes: &[u8],
    expected: Option<&StateVersion>,
    observations: &mut StateObservations,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    match store.write_state(bytes, expected, &runtime.new_id()) {
        Ok(written) => {
            observations.record_state(state);
            observations.state_cas = Some(digest::state_cas(&written));
            true
        }
        Err(err) => {
            diagnostics.push(write_error(err));
            false
        }
    }
}

/// The diagnostic of each failed step of a state write (M-30, M-37, M-38).
fn write_error(err: StateWriteError) -> Diagnostic {
    let write =
        |path: String, message: String| Diagnostic::new(Code::StateWriteError, path, message);
    match err {
        StateWriteError::CreateDir(e) => write(
            STATE_DIR.into(),
            format!("could not create cluster state directory: {e}"),
        ),
        StateWriteError::CasRead(e) => Diagnostic::new(
            Code::StateReadError,
            STATE_FILE_REL,
            format!("could not read state file for CAS check: {e}"),
        ),
        StateWriteError::CasMismatch => Diagnostic::new(
            Code::StateCasMismatch,
            STATE_FILE_REL,
            "state.json changed while the command was running; re-run the command against the latest state",
        ),
        StateWriteError::Temp { temp, step, error } => {
            let verb = match step {
                TempStep::Create => "create",
                TempStep::Write => "write",
                TempStep::Sync => "sync",
            };
            write(
                temp,
                format!("could not {verb} temporary state file: {error}"),
            )
        }
        StateWriteError::Replace(e) => write(
            STATE_FILE_REL.into(),
            format!("could not replace state.json atomically: {e}"),
        ),
        StateWriteError::ReadBack(e) => write(
            STATE_FILE_REL.into(),
            format!("could not read state.json after write: {e}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_form_has_all_keys_and_trailing_newline() {
        let mut state = ClusterState::empty(None);
        state.set_digest("graph.g", "abc".into());
        state.resource_statuses.insert(
            "graph.g".into(),
            ResourceStatusRecord::new(ResourceStatus::Applied, None, None),
        );
        let text = String::from_utf8(state.to_bytes().expect("encode")).expect("utf8");
        assert_eq!(
            text,
            "{\n  \"version\": 1,\n  \"state_revision\": 0,\n  \"applied_revision\": {\n    \"config_digest\": null,\n    \"resources\": {\n      \"graph.g\": {\n        \"digest\": \"abc\"\n      }\n    }\n  },\n  \"resource_statuses\": {\n    \"graph.g\": {\n      \"status\": \"applied\"\n    }\n  },\n  \"approval_records\": {},\n  \"recovery_records\": {},\n  \"observations\": {}\n}\n"
        );
    }

    #[test]
    fn untyped_values_keep_key_order() {
        let text =
            r#"{"version":1,"applied_revision":{},"observations":{"graph.k":{"z":1,"a":2.0}}}"#;
        let state: ClusterState = serde_json::from_str(text).expect("parse");
        let out = String::from_utf8(state.to_bytes().expect("encode")).expect("utf8");
        let z = out.find("\"z\"").expect("z");
        let a = out.find("\"a\"").expect("a");
        assert!(z < a);
        assert!(out.contains("\"a\": 2.0"));
    }

    /// Found by the `state` fuzz target. serde_json without `float_roundtrip` (the reference's
    /// configuration, kept for byte parity) does not round floats correctly when parsing, so
    /// re-reading a written float can move it by an ulp; every key, order and type survives.
    #[test]
    fn floats_in_untyped_values_move_at_most_an_ulp_on_rewrite() {
        let text = r#"{"version":1,"applied_revision":{},"observations":{"x":{"f":1.3333333333333335,"n":7}}}"#;
        let state: ClusterState = serde_json::from_str(text).expect("parse");
        let written = state.to_bytes().expect("encode");
        let again: ClusterState = serde_json::from_slice(&written).expect("re-parse");
        let f = |s: &ClusterState| s.observations["x"]["f"].as_f64().expect("float");
        assert!((f(&state) - f(&again)).abs() <= 2.0 * f64::EPSILON);
        assert_eq!(again.observations["x"]["n"], 7);
        let keys: Vec<_> = again.observations["x"]
            .as_object()
            .expect("object")
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["f", "n"]);
    }

    fn parse_error(text: &str) -> String {
        serde_json::from_str::<ClusterState>(text)
            .expect_err("must fail")
            .to_string()
    }

    /// serde names the expected type in parse errors, so every type of §4.2 carries the
    /// reference's name; each is pinned by feeding a wrong type at its spot.
    #[test]
    fn parse_errors_name_the_reference_types() {
        assert_eq!(
            parse_error(r#""x""#),
            "invalid type: string \"x\", expected struct ClusterState at line 1 column 3"
        );
        assert_eq!(
            parse_error(r#"{"version":1,"applied_revision":"x"}"#),
            "invalid type: string \"x\", expected struct AppliedRevisionState at line 1 column 35"
        );
        assert_eq!(
            parse_error(r#"{"version":1,"applied_revision":{"resources":{"a":"x"}}}"#),
            "invalid type: string \"x\", expected struct StateResource at line 1 column 53"
        );
        assert_eq!(
            parse_error(r#"{"version":1,"applied_revision":{},"resource_statuses":{"a":"x"}}"#),
            "invalid type: string \"x\", expected struct ResourceStatusRecord at line 1 column 63"
        );
        // serde_json never names a unit-only enum's type; its variants are what users read.
        assert_eq!(
            parse_error(
                r#"{"version":1,"applied_revision":{},"resource_statuses":{"a":{"status":"x"}}}"#
            ),
            "unknown variant `x`, expected one of `pending`, `planned`, `applying`, `applied`, `drifted`, `blocked`, `error` at line 1 column 73"
        );
    }

    #[test]
    fn query_digests_are_the_graphs_query_range() {
        let mut state = ClusterState::empty(None);
        for (address, digest) in [
            ("graph.g", "0"),
            ("query.f.q", "1"),
            ("query.g.a", "2"),
            ("query.g.b.c", "3"),
            ("query.g-h.q", "4"),
            ("query.gg.q", "5"),
            ("schema.g", "6"),
        ] {
            state.set_digest(address, digest.into());
        }
        assert_eq!(state.query_digests("g"), [("a", "2"), ("b.c", "3")]);
        assert_eq!(state.query_digests("x"), []);
    }

    #[test]
    fn unknown_fields_rejected() {
        let err =
            serde_json::from_str::<ClusterState>(r#"{"version":1,"applied_revision":{},"foo":1}"#)
                .expect_err("must fail");
        assert!(err.to_string().contains("unknown field `foo`"));
        assert!(
            serde_json::from_str::<ClusterState>(
                r#"{"version":1,"applied_revision":{"resources":{"a":{"digest":"x","y":1}}}}"#
            )
            .is_err()
        );
    }
}
