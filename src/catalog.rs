//! The content-addressed catalog of applied payloads under `__cluster/resources/` (§2.7):
//! where a resource's blob lives, the idempotent write, and verification.

use crate::diagnostic::Diagnostic;
use crate::digest;
use crate::fsx::{self, AtomicWriteError, Read};
use crate::layout::{self, Layout};
use crate::plan::Address;
use crate::runtime::Runtime;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Blob path of `address` at `digest`; `None` for kinds without payloads (graphs, schemas).
pub fn blob_path(layout: &Layout, address: &str, digest: &str) -> Option<PathBuf> {
    match Address::classify(address) {
        Address::Query { graph, name } => Some(layout.query_blob(graph, name, digest)),
        Address::Policy(policy) => Some(layout.policy_blob(policy, digest)),
        _ => None,
    }
}

/// Publish the payload of `address` from `source` at `target` unless a blob is already there
/// (§2.7.1). Existing blobs are trusted by name. Returns the diagnostic of a failure.
pub fn write_blob(
    runtime: &Runtime,
    address: &str,
    target: &Path,
    source: &Path,
    expected_digest: &str,
) -> Result<(), Diagnostic> {
    if target.symlink_metadata().is_ok() {
        return Ok(());
    }
    let fail =
        |message: String| Diagnostic::error("resource_payload_write_error", address, message);
    let source_display = layout::display(source);
    let bytes = match fsx::read_bounded(source, fsx::MAX_SOURCE_BYTES) {
        Ok(bytes) => bytes,
        Err(err) => {
            return Err(fail(format!(
                "could not read resource source '{source_display}': {err}"
            )));
        }
    };
    if digest::sha256_hex(&bytes) != expected_digest {
        return Err(Diagnostic::error(
            "resource_content_changed",
            address,
            format!(
                "resource source '{source_display}' changed while apply was running; re-run `cluster apply`"
            ),
        ));
    }
    let parent = target.parent().unwrap_or(Path::new("."));
    if let Err(err) = std::fs::create_dir_all(parent) {
        return Err(fail(format!("could not create payload directory: {err}")));
    }
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = parent.join(format!("{file_name}.tmp.{}", runtime.new_id()));
    fsx::atomic_write("blob", &temp, target, &bytes).map_err(|err| {
        fail(match err {
            AtomicWriteError::Create(e) => format!("could not create temporary payload file: {e}"),
            AtomicWriteError::Write(e) | AtomicWriteError::Sync(e) => {
                format!("could not write payload file: {e}")
            }
            AtomicWriteError::Rename(e) => format!("could not move payload file into place: {e}"),
        })
    })
}

/// What verification found wrong with one blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    Missing,
    Mismatch { actual: String },
    ReadError(String),
}

impl Finding {
    pub fn diagnostic(&self, address: &str) -> Diagnostic {
        match self {
            Finding::Missing => Diagnostic::warning(
                "catalog_payload_missing",
                address,
                "catalog payload blob is missing; re-run `cluster apply` to republish",
            ),
            Finding::Mismatch { actual } => Diagnostic::warning(
                "catalog_payload_mismatch",
                address,
                format!(
                    "catalog payload blob does not match the recorded digest (actual sha256:{actual}); re-run `cluster apply` to republish"
                ),
            ),
            Finding::ReadError(text) => {
                Diagnostic::error("catalog_payload_read_error", address, text.clone())
            }
        }
    }
}

/// Check every recorded payload against its digest, in address order (§2.7.2). Read-only.
pub fn verify(layout: &Layout, resources: &BTreeMap<String, String>) -> Vec<(String, Finding)> {
    let mut findings = Vec::new();
    for (address, recorded) in resources {
        let Some(path) = blob_path(layout, address, recorded) else {
            continue;
        };
        let finding = match fsx::read_bytes(&path, fsx::MAX_SOURCE_BYTES) {
            Read::Found(bytes) => {
                let actual = digest::sha256_hex(&bytes);
                if &actual == recorded {
                    continue;
                }
                Finding::Mismatch { actual }
            }
            Read::NotFound => Finding::Missing,
            Read::Failed(err) => Finding::ReadError(format!(
                "could not read catalog payload '{}': {err}",
                layout::display(&path)
            )),
        };
        findings.push((address.clone(), finding));
    }
    findings
}
