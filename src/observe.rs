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

/// Observe a graph root on the local file system.
pub fn observe_dir(root: &Path) -> Observation {
    // Symlinks are followed; any metadata failure counts as "missing", as in the reference.
    let Ok(meta) = std::fs::metadata(root) else {
        return Observation::Missing;
    };
    let shown = layout::display(root);
    if !meta.is_dir() {
        return Observation::Failed(format!("graph root '{shown}' is not a directory"));
    }
    let versions_dir = root.join("__manifest").join("_versions");
    let versions_shown = layout::display(&versions_dir);
    let names = list_names(&versions_dir)
        .map_err(|err| format!("could not list manifest versions in '{versions_shown}': {err}"));
    let schema_path = root.join("_schema.pg");
    observe_parts(
        &shown,
        names,
        &versions_shown,
        &layout::display(&schema_path),
        || crate::fsx::read_text_bounded(&schema_path, crate::fsx::MAX_SOURCE_BYTES),
    )
}

fn list_names(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        if let Some(name) = entry?.file_name().to_str() {
            names.push(name.to_string());
        }
    }
    Ok(names)
}

/// The backend-independent part of observing a root that exists: the newest `main` version among
/// the file names of `__manifest/_versions/` (or why they could not be listed), then the schema
/// text, which must parse and build a catalog. `root`, `versions` and `schema` are the shown
/// locations used in error texts.
pub fn observe_parts(
    root: &str,
    names: Result<Vec<String>, String>,
    versions: &str,
    schema: &str,
    read_schema: impl FnOnce() -> std::io::Result<String>,
) -> Observation {
    let newest = names.and_then(|names| {
        names
            .iter()
            .filter_map(|name| manifest_file_version(name))
            .max()
            .ok_or_else(|| format!("no manifest version files in '{versions}'"))
    });
    let manifest_version = match newest {
        Ok(version) => version,
        Err(message) => return Observation::Failed(format!("graph root '{root}': {message}")),
    };
    let schema_text = match read_schema() {
        Ok(text) => text,
        Err(err) => {
            return Observation::Failed(format!(
                "graph root '{root}': could not read '{schema}': {err}"
            ));
        }
    };
    if let Err(err) = schema::parse_schema(&schema_text).and_then(|ast| schema::build_catalog(&ast))
    {
        return Observation::Failed(format!(
            "graph root '{root}': '{schema}' is not a valid schema: {err}"
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
        assert_eq!(
            observe_dir(&dir.path().join("nope.omni")),
            Observation::Missing
        );
        let empty = dir.path().join("empty.omni");
        std::fs::create_dir(&empty).expect("mkdir");
        match observe_dir(&empty) {
            Observation::Failed(message) => assert!(message.contains("_versions"), "{message}"),
            other => panic!("unexpected {other:?}"),
        }
        let file = dir.path().join("file.omni");
        std::fs::write(&file, b"x").expect("write");
        assert!(matches!(observe_dir(&file), Observation::Failed(_)));
    }
}
