//! Saved plans (`plan --out FILE`, `apply --plan FILE`). The file is the object `plan --json`
//! prints, preceded by what it was planned against: the format version, the cluster (the
//! identity of its storage root: `s3://bucket/prefix`, or the canonical path of a local root,
//! so a plan travels between checkouts and runners that share one state), the desired config
//! digest and the CAS of the state read (`null` when there was none). `apply --plan` refuses a file it
//! cannot use (`saved_plan_invalid`) and a plan whose config or state moved since
//! (`saved_plan_stale`), so a saved plan never applies something the operator did not see.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::fsx;
use crate::layout;
use crate::plan::Change;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The `format_version` this build writes and reads. Version 1 named the checkout's config folder
/// (`canonical_config_dir`) instead of the cluster's storage root.
pub const FORMAT_VERSION: u64 = 2;

/// What a plan was made against, written before the plan object in a saved plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanHeader {
    /// The cluster's identity (`Store::identity`).
    pub cluster: String,
    /// The desired config digest (empty when there was none).
    pub config_digest: String,
    /// The CAS of the state read; required, `null` when there was none.
    #[serde(deserialize_with = "Option::deserialize")]
    pub state_cas: Option<String>,
}

#[derive(Serialize)]
struct SavedPlanFile<'a, P: Serialize> {
    format_version: u64,
    #[serde(flatten)]
    header: &'a PlanHeader,
    #[serde(flatten)]
    plan: &'a P,
}

/// What `apply --plan` needs of a saved plan; the other fields of the plan object are kept in
/// the file for people and scripts.
#[derive(Debug, Clone, Deserialize)]
pub struct SavedPlan {
    #[serde(flatten)]
    pub header: PlanHeader,
    pub ok: bool,
    pub changes: Value,
}

/// Write `plan` (the `plan --json` object, which must be ok) made against `header` to `path`
/// atomically: temp file beside it, fsync, rename.
pub fn save<P: Serialize>(
    context: &Context<'_>,
    path: &Path,
    header: &PlanHeader,
    plan: &P,
) -> Result<(), Diagnostic> {
    let shown = layout::display(path);
    let failed = |err: &dyn std::fmt::Display| {
        Diagnostic::new(
            Code::SavedPlanWriteError,
            &shown,
            format!("could not write saved plan '{shown}': {err}"),
        )
    };
    let file = SavedPlanFile {
        format_version: FORMAT_VERSION,
        header,
        plan,
    };
    let mut bytes = serde_json::to_vec_pretty(&file).map_err(|e| failed(&e))?;
    bytes.push(b'\n');
    let name = path
        .file_name()
        .ok_or_else(|| failed(&"the path names no file"))?;
    let temp = temp_path(path, name, &context.runtime.new_id());
    fsx::atomic_write("plan", &temp, path, &bytes).map_err(|err| failed(&std::io::Error::from(err)))
}

/// `«dir»/«name».tmp.«id»`, beside the target.
fn temp_path(path: &Path, name: &std::ffi::OsStr, id: &str) -> PathBuf {
    let mut temp_name = name.to_os_string();
    temp_name.push(format!(".tmp.{id}"));
    path.with_file_name(temp_name)
}

/// `saved_plan_invalid` about the saved plan at `path`.
pub fn invalid(path: &Path, text: String) -> Diagnostic {
    Diagnostic::new(Code::SavedPlanInvalid, layout::display(path), text)
}

/// The saved plan document at `path`, as JSON of this build's `format_version`.
pub fn read_document(path: &Path) -> Result<Value, Diagnostic> {
    let invalid = |text: String| invalid(path, text);
    let bytes = fsx::read_bounded(path, fsx::MAX_STATE_BYTES)
        .map_err(|err| invalid(format!("could not read saved plan: {err}")))?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|err| invalid(format!("saved plan is not JSON: {err}")))?;
    match value.get("format_version") {
        Some(v) if v.as_u64() == Some(FORMAT_VERSION) => Ok(value),
        Some(other) => Err(invalid(format!(
            "saved plan has format_version {other}; this build reads format_version {FORMAT_VERSION}"
        ))),
        None => Err(invalid("saved plan has no format_version".to_string())),
    }
}

/// Read the saved plan at `path` and check it belongs to cluster `cluster` and can be applied.
pub fn load(path: &Path, cluster: &str) -> Result<SavedPlan, Diagnostic> {
    let invalid = |text: String| invalid(path, text);
    let value = read_document(path)?;
    let saved: SavedPlan = serde_json::from_value(value)
        .map_err(|err| invalid(format!("could not parse saved plan: {err}")))?;
    if saved.header.cluster != cluster {
        return Err(invalid(format!(
            "saved plan was made for the cluster at '{}', not '{cluster}'",
            saved.header.cluster
        )));
    }
    if !saved.ok {
        return Err(invalid(
            "saved plan records a failed plan (ok: false); it cannot be applied".to_string(),
        ));
    }
    Ok(saved)
}

/// What moved since `saved` was made, compared with what apply found under the lock: the config
/// digest, the state CAS, and (belt and braces) the change list itself.
pub fn staleness(
    saved: &SavedPlan,
    path: &Path,
    config_digest: &str,
    state_cas: Option<&str>,
    changes: &[Change],
) -> Vec<Diagnostic> {
    let shown = layout::display(path);
    let stale = |text: String| Diagnostic::new(Code::SavedPlanStale, &shown, text);
    let mut found = Vec::new();
    let saved_header = &saved.header;
    if saved_header.config_digest != config_digest {
        found.push(stale(format!(
            "the config changed since the plan was saved: config digest was {}, is now {config_digest}; run `cluster plan --out` again",
            saved_header.config_digest
        )));
    }
    if saved_header.state_cas.as_deref() != state_cas {
        found.push(stale(format!(
            "the state changed since the plan was saved: state CAS was {}, is now {}; run `cluster plan --out` again",
            saved_header.state_cas.as_deref().unwrap_or("none"),
            state_cas.unwrap_or("none")
        )));
    }
    let now = serde_json::to_value(changes).unwrap_or(Value::Null);
    if found.is_empty() && now != saved.changes {
        found.push(stale(
            "the changes apply would make differ from the saved plan's; run `cluster plan --out` again"
                .to_string(),
        ));
    }
    found
}
