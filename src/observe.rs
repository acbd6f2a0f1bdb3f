//! Read-only observation of graph roots (`graphs/«G».omni`) for refresh/import (contract §7,
//! graph-roots.md). Only two facts are read, without linking the graph engine: the schema text
//! (`_schema.pg`) and the manifest version of branch `main` (newest file under
//! `__manifest/_versions/`). The store lists names and reads bytes; this module makes them an
//! observation, whatever the backend.

use crate::fsx;
use crate::lang::schema;
use crate::store::{RootEntry, Store};

/// Where a root keeps the versions of its manifest and its schema text (graph-roots.md).
const VERSIONS_DIR: &str = "__manifest/_versions";
const SCHEMA_FILE: &str = "_schema.pg";

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

/// Observe the root of graph `graph` in `store` read-only (§7): the newest `main` version among
/// the names of `__manifest/_versions/`, then the schema text, which must parse and build a
/// catalog. The store supplies the facts; every judgement and every error text is made here, the
/// same for every backend.
pub fn graph(store: &dyn Store, graph: &str) -> Observation {
    let root = store.graph_uri(graph);
    match store.graph_root(graph) {
        Ok(RootEntry::Missing) => return Observation::Missing,
        Ok(RootEntry::Directory) => {}
        Ok(RootEntry::Other(what)) => {
            return Observation::Failed(format!("graph root '{root}' {what}"));
        }
        // The error names the root already.
        Err(err) => return Observation::Failed(format!("could not observe graph root {err}")),
    }
    let versions = format!("{root}/{VERSIONS_DIR}");
    let newest = store
        .graph_names(graph, VERSIONS_DIR)
        .map_err(|err| format!("could not list manifest versions in '{versions}': {err}"))
        .and_then(|names| {
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
    let schema = format!("{root}/{SCHEMA_FILE}");
    let read = store
        .graph_file(graph, SCHEMA_FILE, fsx::MAX_SOURCE_BYTES)
        .and_then(fsx::utf8);
    let schema_text = match read {
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
        let store = crate::store::local::LocalStore::new(dir.path());
        let graphs = dir.path().join("graphs");
        assert_eq!(graph(&store, "nope"), Observation::Missing);
        std::fs::create_dir_all(graphs.join("empty.omni")).expect("mkdir");
        match graph(&store, "empty") {
            Observation::Failed(message) => assert!(message.contains("_versions"), "{message}"),
            other => panic!("unexpected {other:?}"),
        }
        std::fs::write(graphs.join("file.omni"), b"x").expect("write");
        match graph(&store, "file") {
            Observation::Failed(message) => {
                assert!(
                    message.ends_with("file.omni' is not a directory"),
                    "{message}"
                )
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
