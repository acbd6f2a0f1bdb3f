//! The one type that carries every user-facing problem, and the table of every code it can carry.
//!
//! Codes live in one enum, the way rustc and Cedar keep theirs: each with its text, its usual
//! severity and a one-line meaning. `docs/diagnostics.md` lists exactly these codes (a unit test
//! checks it), so a new code cannot ship undocumented.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $text:literal, $severity:ident, $meaning:literal;)*) => {
        /// Every diagnostic code, with its JSON text, usual severity and meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in the order of the contract's diagnostic table.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as it appears in JSON and human output.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }

            /// The severity the code usually carries. A few codes are errors in one command and
            /// warnings in another (`state_missing` in `status`, lock problems in `status`);
            /// those call sites say so explicitly with [`Diagnostic::warning`].
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// When the code fires, in a few words.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => $meaning,)*
                }
            }
        }
    };
}

codes! {
    ConfigDirNotFound = "config_dir_not_found", Error, "`--config` is not an existing directory";
    ClusterConfigReadError = "cluster_config_read_error", Error, "cluster.yaml cannot be read as UTF-8 text";
    DuplicateYamlKey = "duplicate_yaml_key", Error, "a key appears twice under the same parent";
    FuturePhaseField = "future_phase_field", Error, "a top-level key is reserved for a later phase";
    InvalidClusterYaml = "invalid_cluster_yaml", Error, "cluster.yaml does not match the config structure";
    UnsupportedClusterConfigVersion = "unsupported_cluster_config_version", Error, "`version` is not 1";
    EmptyMetadataName = "empty_metadata_name", Error, "`metadata.name` is given but blank";
    UnsupportedStateBackend = "unsupported_state_backend", Error, "`state.backend` is given and is not `cluster`";
    InvalidStorageRoot = "invalid_storage_root", Error, "`storage` is not a path, file:// or s3:// URI";
    InvalidResourceId = "invalid_resource_id", Error, "a graph id, query name or policy name breaks the id rule";
    SchemaFileMissing = "schema_file_missing", Error, "a schema file cannot be read as UTF-8 text";
    SchemaParseError = "schema_parse_error", Error, "a schema file does not parse";
    SchemaCatalogError = "schema_catalog_error", Error, "a schema parses but its types are inconsistent";
    QueryFileMissing = "query_file_missing", Error, "a query file cannot be read as UTF-8 text";
    QueryParseError = "query_parse_error", Error, "a query file does not parse";
    QueryKeyMismatch = "query_key_mismatch", Error, "a query file has no declaration named by its config key";
    QueryTypecheckError = "query_typecheck_error", Error, "a query does not type-check against its graph's schema";
    QueryTypecheckSkipped = "query_typecheck_skipped", Warning, "a query was not type-checked because its schema is invalid";
    QueryDirUnreadable = "query_dir_unreadable", Error, "a directory named by `queries:` cannot be listed";
    QueryDirEmpty = "query_dir_empty", Warning, "a directory named by `queries:` has no `.gq` file";
    QueryFileWithoutQueries = "query_file_without_queries", Warning, "a discovered `.gq` file declares no query";
    DuplicateQueryName = "duplicate_query_name", Error, "two `.gq` declarations of one graph have the same query name";
    PolicyMissingAppliesTo = "policy_missing_applies_to", Error, "a policy's `applies_to` is empty";
    DanglingGraphReference = "dangling_graph_reference", Error, "a policy names a graph that is not declared";
    WrongKindReference = "wrong_kind_reference", Error, "a policy target is neither a graph nor `cluster`";
    PolicyFileMissing = "policy_file_missing", Error, "a policy file cannot be read";
    StateLockDisabled = "state_lock_disabled", Warning, "`state.lock: false` or `plan --lock=false`: the command ran without the lock";
    StateLockError = "state_lock_error", Error, "the lock could not be created";
    StateLockHeld = "state_lock_held", Error, "another command holds the state lock";
    StateReadError = "state_read_error", Error, "state.json exists but cannot be read";
    InvalidStateJson = "invalid_state_json", Error, "state.json does not match the state structure";
    UnsupportedStateVersion = "unsupported_state_version", Error, "state.json's `version` is not 1";
    StateMissing = "state_missing", Error, "there is no state.json";
    StateAlreadyExists = "state_already_exists", Error, "import found an existing state.json";
    StateCasMismatch = "state_cas_mismatch", Error, "state.json changed while the command ran";
    StateWriteError = "state_write_error", Error, "state.json could not be written";
    HistoryWriteError = "history_write_error", Error, "the revision's history record could not be written, so the state was not published";
    HistoryReadError = "history_read_error", Error, "the history records could not be listed or read";
    HistoryIncomplete = "history_incomplete", Warning, "a revision was published without a history record, so the history stops there";
    HistoryRevisionNotFound = "history_revision_not_found", Error, "`history show` was given a revision the confirmed history does not hold";
    StateLockMissing = "state_lock_missing", Error, "force-unlock found no lock";
    StateLockReadError = "state_lock_read_error", Error, "the lock exists but cannot be read";
    InvalidStateLock = "invalid_state_lock", Error, "the lock does not match the lock structure";
    UnsupportedStateLockVersion = "unsupported_state_lock_version", Error, "the lock's `version` is not 1";
    StateLockIdMismatch = "state_lock_id_mismatch", Error, "force-unlock was given another lock's id";
    StateUnlockError = "state_unlock_error", Error, "the lock could not be removed";
    StateLockReleaseError = "state_lock_release_error", Warning, "a command could not remove its own lock when it finished";
    ApplyApprovalInvariantViolation = "apply_approval_invariant_violation", Error, "apply would execute a change that needs approval";
    ApplyUnsupportedChange = "apply_unsupported_change", Warning, "a graph or schema change was deferred";
    ApplyDependencyBlocked = "apply_dependency_blocked", Warning, "a query or policy change waits on its graph";
    ResourcePayloadWriteError = "resource_payload_write_error", Error, "a payload blob could not be published";
    ResourceContentChanged = "resource_content_changed", Error, "a source file changed while apply ran";
    CatalogPayloadMissing = "catalog_payload_missing", Warning, "a recorded payload blob is missing";
    CatalogPayloadMismatch = "catalog_payload_mismatch", Warning, "a recorded payload blob has other bytes";
    CatalogPayloadReadError = "catalog_payload_read_error", Error, "a recorded payload blob cannot be read";
    InvalidStateAddress = "invalid_state_address", Error, "state.json records a query or policy address that breaks the id rule; nothing is read for it";
    GraphObservationError = "graph_observation_error", Error, "a declared graph root exists but cannot be read";
    CatalogPayloadRepaired = "catalog_payload_repaired", Warning, "apply replaced a missing or damaged payload blob from its source";
    SavedPlanInvalid = "saved_plan_invalid", Error, "`apply --plan` was given a file that is not a usable saved plan of this cluster";
    SavedPlanStale = "saved_plan_stale", Error, "the config or the state moved since the saved plan was made";
    SavedPlanWriteError = "saved_plan_write_error", Error, "`plan --out` could not write the plan file";
    ConfirmationDeclined = "confirmation_declined", Error, "the operator did not confirm a prompt with `yes`";
    ResourceNotInState = "resource_not_in_state", Error, "`state show` was given an address the ledger does not record";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown diagnostic code `{text}`")))
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A problem met while running a command. Field order is the JSON order of the contract (§2.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub path: String,
    pub message: String,
    /// Where in a source file the problem is, for the rich view (issue 18 §8). Never part of
    /// the JSON or the plain text, whose diagnostic is the contract's four fields.
    #[serde(skip)]
    pub source: Option<Box<SourceSpot>>,
}

/// The place in a schema or query file a diagnostic points at, with what a reader needs to fix
/// it there: the line and a caret under the offending text, and a suggestion for an unknown
/// name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceSpot {
    /// The file, relative to the config folder.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The source line, without its line break.
    pub line_text: String,
    /// How many characters the caret covers (at least one).
    pub width: usize,
    /// The problem in one line (a syntax error's message is a whole report; this is its
    /// `expected …, found …`).
    pub summary: String,
    /// The rule broken, as the language specification numbers it (`T6`, `A9`).
    pub rule: Option<String>,
    /// The closest declared name, for an unknown one.
    pub suggestion: Option<String>,
    /// Further explanations.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's usual severity.
    pub fn new(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            path: path.into(),
            message: message.into(),
            source: None,
        }
    }

    /// The same diagnostic, pointing at `spot` in the rich view.
    pub fn at(mut self, spot: Option<SourceSpot>) -> Self {
        self.source = spot.map(Box::new);
        self
    }

    /// The same problem reported as a warning (status reports lock and state problems this way).
    pub fn warning(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::new(code, path, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `ok` of every output object is the negation of this: no error-severity diagnostic (§1.3).
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = BTreeSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "duplicate code {text}");
            assert!(
                text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{text}"
            );
        }
    }

    /// `docs/diagnostics.md` documents exactly the codes of the enum: one table row each.
    #[test]
    fn diagnostics_doc_lists_exactly_the_codes() {
        let doc = include_str!("../docs/diagnostics.md");
        // The code table comes before the tables of plan reasons and status conditions.
        let codes_part = doc.split("\n## ").next().unwrap_or(doc);
        let documented: BTreeSet<&str> = codes_part
            .lines()
            .filter_map(|line| line.strip_prefix("| `"))
            .filter_map(|rest| rest.split_once('`'))
            .map(|(code, _)| code)
            .collect();
        let codes: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(documented, codes);
    }

    #[test]
    fn severity_follows_the_code_unless_overridden() {
        let d = Diagnostic::new(Code::StateMissing, "p", "m");
        assert!(d.is_error());
        assert!(!Diagnostic::warning(Code::StateMissing, "p", "m").is_error());
        assert_eq!(
            serde_json::to_string(&d).expect("encode"),
            r#"{"code":"state_missing","severity":"error","path":"p","message":"m"}"#
        );
    }
}
