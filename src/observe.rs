//! Read-only observation of graph roots (`graphs/«G».omni`) for refresh/import (contract §7,
//! graph-roots.md). Only two facts are read, without linking the graph engine: the schema text
//! (`_schema.pg`) and the manifest version of branch `main` (newest file under
//! `__manifest/_versions/`).

use crate::lang::schema;
use crate::layout;
use std::path::Path;

/// A graph root that could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveGraph {
    pub manifest_version: u64,
    pub schema_text: String,
}

/// Outcome of observing one graph root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observation {
    /// Nothing at the root path.
    Missing,
    Live(LiveGraph),
    /// Something is at the root path but it is not a readable graph.
    Failed(String),
}

pub fn observe(root: &Path) -> Observation {
    // Symlinks are followed; any metadata failure counts as "missing", as in the reference.
    let Ok(meta) = std::fs::metadata(root) else {
        return Observation::Missing;
    };
    let shown = layout::display(root);
    if !meta.is_dir() {
        return Observation::Failed(format!("graph root '{shown}' is not a directory"));
    }
    let manifest_version = match main_manifest_version(&root.join("__manifest").join("_versions")) {
        Ok(version) => version,
        Err(message) => return Observation::Failed(format!("graph root '{shown}': {message}")),
    };
    let schema_path = root.join("_schema.pg");
    let schema_text =
        match crate::fsx::read_text_bounded(&schema_path, crate::fsx::MAX_SOURCE_BYTES) {
            Ok(text) => text,
            Err(err) => {
                return Observation::Failed(format!(
                    "graph root '{shown}': could not read '{}': {err}",
                    layout::display(&schema_path)
                ));
            }
        };
    if let Err(err) = schema::parse_schema(&schema_text).and_then(|ast| schema::build_catalog(&ast))
    {
        return Observation::Failed(format!(
            "graph root '{shown}': '{}' is not a valid schema: {err}",
            layout::display(&schema_path)
        ));
    }
    Observation::Live(LiveGraph {
        manifest_version,
        schema_text,
    })
}

/// Version of one manifest file name, or `None` if it does not name a main-branch version.
/// Lance naming V2 is `u64::MAX − N` zero-padded to 20 digits; V1 is plain `N`. Names starting
/// with `d` are detached versions.
fn manifest_file_version(name: &str) -> Option<u64> {
    if name.starts_with('d') {
        return None;
    }
    let stem = name.strip_suffix(".manifest")?;
    if stem.is_empty() || !stem.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number: u64 = stem.parse().ok()?;
    Some(if stem.len() == 20 {
        u64::MAX - number
    } else {
        number
    })
}

/// Newest version of branch `main` (other branches live under `__manifest/tree/`, never read).
fn main_manifest_version(versions_dir: &Path) -> Result<u64, String> {
    let shown = layout::display(versions_dir);
    let entries = std::fs::read_dir(versions_dir)
        .map_err(|err| format!("could not list manifest versions in '{shown}': {err}"))?;
    let mut newest = None;
    for entry in entries {
        let entry =
            entry.map_err(|err| format!("could not list manifest versions in '{shown}': {err}"))?;
        if let Some(version) = entry.file_name().to_str().and_then(manifest_file_version) {
            newest = newest.max(Some(version));
        }
    }
    newest.ok_or_else(|| format!("no manifest version files in '{shown}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_names() {
        assert_eq!(
            manifest_file_version("18446744073709551614.manifest"),
            Some(1)
        );
        assert_eq!(
            manifest_file_version("18446744073709551612.manifest"),
            Some(3)
        );
        assert_eq!(manifest_file_version("7.manifest"), Some(7));
        assert_eq!(
            manifest_file_version("d18446744073709551612.manifest"),
            None
        );
        assert_eq!(manifest_file_version("x.manifest"), None);
        assert_eq!(manifest_file_version("7.txn"), None);
        assert_eq!(manifest_file_version(".manifest"), None);
    }

    #[test]
    fn missing_and_broken_roots() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(observe(&dir.path().join("nope.omni")), Observation::Missing);
        let empty = dir.path().join("empty.omni");
        std::fs::create_dir(&empty).expect("mkdir");
        match observe(&empty) {
            Observation::Failed(message) => assert!(message.contains("_versions"), "{message}"),
            other => panic!("unexpected {other:?}"),
        }
        let file = dir.path().join("file.omni");
        std::fs::write(&file, b"x").expect("write");
        assert!(matches!(observe(&file), Observation::Failed(_)));
    }
}
