//! Stored queries discovered from `.gq` files (issue 19): the directory and list forms of
//! `graphs.<id>.queries`. Each declared path is a directory, whose top-level `*.gq` files count
//! (sorted by name, not recursive), or one file; every `query <name>` declared in those files is
//! a stored query of the graph, with the file as its path and the file's digest as its digest.
//!
//! Two steps, as for the other sources: [`list`] finds the files of one graph (cheap, in order),
//! then [`load`] reads, digests, parses and type-checks each file (in parallel, each file on its
//! own). `crate::desired` registers what they found and emits the diagnostics in order. Files
//! are read with the same bounded reads as every other source (`fsx`), so a FIFO, a device, a
//! symlink loop or a directory where a file is expected is a typed diagnostic, never a hang.

use crate::addressed::Text;
use crate::desired::{self, Source};
use crate::diagnostic::{Code, Diagnostic, SourceSpot};
use crate::digest;
use crate::fsx;
use crate::lang::{query, schema};
use crate::layout::Layout;
use serde::Serialize;
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

/// The suffix of the file names a directory contributes.
const QUERY_SUFFIX: &str = ".gq";

/// What a declared path turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Directory,
    File,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Directory => "directory",
            SourceKind::File => "file",
        }
    }
}

/// One declared path of a graph's `queries:` and the files it gave.
#[derive(Debug)]
pub struct DeclaredPath {
    /// As written in `cluster.yaml` (relative to the config folder unless absolute).
    pub declared: PathBuf,
    /// Relative to the config folder, for messages.
    pub shown: String,
    pub kind: SourceKind,
    /// Why the directory could not be listed.
    pub unreadable: Option<io::Error>,
    /// The directory was listed and has no `.gq` name.
    pub empty: bool,
    /// Indexes into [`Listing::files`] of the files this path gave that no earlier path of the
    /// graph gave, in order.
    pub files: Vec<usize>,
}

/// The files of one graph: one per distinct path, in declared order.
#[derive(Debug, Default)]
pub struct Listing {
    pub sources: Vec<DeclaredPath>,
    pub files: Vec<FileRef>,
}

/// A `.gq` file to read.
#[derive(Debug)]
pub struct FileRef {
    /// Relative to the config folder (`queries/a.gq`), for messages.
    pub shown: String,
    /// The declared path (joined with the file's name for a directory) resolved against the
    /// config folder, as a map-declared `file:` is: the resource's `path`.
    pub path: PathBuf,
}

/// The files the declared `paths` of one graph name. A file that two paths reach (named twice,
/// or named and inside a listed directory, with or without `./`) is read once, for the first.
pub fn list(layout: &Layout, paths: &[PathBuf]) -> Listing {
    let mut listing = Listing::default();
    let mut seen = BTreeSet::new();
    for declared in paths {
        let resolved = layout.resolve(declared);
        let kind = match std::fs::metadata(&resolved) {
            Ok(meta) if meta.is_dir() => SourceKind::Directory,
            Ok(_) => SourceKind::File,
            // Nothing there (or nothing reachable): the spelling says what was meant.
            Err(_) if names_a_file(declared) => SourceKind::File,
            Err(_) => SourceKind::Directory,
        };
        let mut source = DeclaredPath {
            declared: declared.clone(),
            shown: layout.relative(&resolved),
            kind,
            unreadable: None,
            empty: false,
            files: Vec::new(),
        };
        let found = match kind {
            SourceKind::File => vec![declared.clone()],
            SourceKind::Directory => match fsx::list_names_ending(&resolved, QUERY_SUFFIX) {
                Ok(names) => {
                    source.empty = names.is_empty();
                    names.iter().map(|name| declared.join(name)).collect()
                }
                Err(err) => {
                    source.unreadable = Some(err);
                    Vec::new()
                }
            },
        };
        for file in found {
            let path = layout.resolve(&file);
            // `components` drops `.` inside a path and a trailing `/`.
            if seen.insert(path.components().collect::<PathBuf>()) {
                source.files.push(listing.files.len());
                let shown = layout.relative(&path);
                listing.files.push(FileRef { shown, path });
            }
        }
        listing.sources.push(source);
    }
    listing
}

/// A path that does not exist names a file when it is spelled as one: `….gq` (so no trailing
/// `/`).
fn names_a_file(path: &Path) -> bool {
    path.as_os_str()
        .as_encoded_bytes()
        .ends_with(QUERY_SUFFIX.as_bytes())
}

/// One file read, digested, parsed and type-checked: its digest and its declarations, or the
/// `query_parse_error` that keeps them from being known. Diagnostics are emitted later, in order.
pub type Loaded = io::Result<(Text, Result<Vec<Declared>, Diagnostic>)>;

/// How many declarations the loaded files of some graphs hold (duplicates included).
pub fn declarations<'a>(graphs: impl Iterator<Item = &'a (Listing, Vec<Loaded>)>) -> usize {
    graphs
        .flat_map(|(_, loaded)| loaded)
        .filter_map(|file| file.as_ref().ok()?.1.as_ref().ok())
        .map(Vec::len)
        .sum()
}

/// One `query <name>` declaration of a discovered file.
#[derive(Debug, Clone)]
pub struct Declared {
    pub name: String,
    /// Where its name is written, for the rich view (and for messages: `'file' at line:column`).
    pub spot: SourceSpot,
    /// Its type-check finding (`query_typecheck_error` or `query_typecheck_skipped`), naming
    /// where it is declared.
    pub check: Option<Diagnostic>,
}

impl Declared {
    /// `'queries/a.gq' at 3:7`.
    pub fn place(&self) -> String {
        let spot = &self.spot;
        format!("'{}' at {}:{}", spot.file, spot.line, spot.column)
    }

    /// `diagnostic`, pointing at this declaration in the rich view unless it points somewhere
    /// already (a type error at the offending text).
    pub fn point(&self, mut diagnostic: Diagnostic) -> Diagnostic {
        if diagnostic.source.is_none() {
            let spot = SourceSpot {
                summary: diagnostic.message.clone(),
                ..self.spot.clone()
            };
            diagnostic.source = Some(Box::new(spot));
        }
        diagnostic
    }

    /// A finding about this declaration, its message saying where the declaration is: the
    /// config path no longer does.
    fn locate(&self, mut found: Diagnostic) -> Diagnostic {
        found.message = format!("{} (query declared in {})", found.message, self.place());
        self.point(found)
    }
}

/// Read, digest, parse and type-check one file of graph `graph_id`.
pub fn load(file: &FileRef, graph_id: &str, catalog: Option<&schema::Catalog>) -> Loaded {
    let text = fsx::read_text_bounded(&file.path, fsx::MAX_SOURCE_BYTES)?;
    let digest = digest::sha256_hex(text.as_bytes()).into();
    let source = Source {
        text: &text,
        file: file.shown.clone(),
    };
    let declared = match query::parse_query(&text) {
        Err(err) => {
            let spot = source.error_spot(err.detail());
            let at = spot
                .as_ref()
                .map(|spot| format!(" at {}:{}", spot.line, spot.column))
                .unwrap_or_default();
            let unparsable = Diagnostic::new(
                Code::QueryParseError,
                format!("graphs.{graph_id}.queries"),
                format!(
                    "could not parse query file '{}'{at}, so its queries cannot be discovered: {err}",
                    file.shown
                ),
            );
            Err(unparsable.at(spot))
        }
        Ok(parsed) => Ok(parsed
            .queries
            .iter()
            .map(|decl| {
                let declared = Declared {
                    name: decl.name.clone(),
                    spot: source.spot_at(decl.name_span, &format!("query `{}`", decl.name)),
                    check: None,
                };
                let path = format!("graphs.{graph_id}.queries.{}", decl.name);
                let check = desired::check_decl(&source, decl, catalog, &path)
                    .map(|found| declared.locate(found));
                Declared { check, ..declared }
            })
            .collect()),
    };
    Ok((digest, declared))
}

/// What a graph's `queries:` discovered, per declared path: shown by `cluster validate` in the
/// rich view and under `--json` (only when a graph uses a discovery form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discovered {
    pub graph: String,
    /// Stored queries registered for the graph.
    pub queries: usize,
    pub sources: Vec<DiscoveredSource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscoveredSource {
    /// As written in `cluster.yaml`.
    pub path: String,
    pub kind: SourceKind,
    /// `.gq` files read for this path (a file another path of the graph gave first is not
    /// counted again).
    pub files: usize,
    /// Stored queries registered from those files.
    pub queries: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (tempfile::TempDir, Layout) {
        let dir = tempfile::tempdir().expect("tempdir");
        let layout = Layout::new(dir.path());
        (dir, layout)
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn shown(listing: &Listing) -> Vec<String> {
        listing.files.iter().map(|f| f.shown.clone()).collect()
    }

    #[test]
    fn directories_give_their_top_level_gq_files_sorted() {
        let (dir, layout) = tree();
        for rel in [
            "q/b.gq",
            "q/a.gq",
            "q/notes.txt",
            "q/sub/c.gq",
            "q/.hidden.gq",
        ] {
            write(dir.path(), rel, "");
        }
        let listing = list(&layout, &[PathBuf::from("q/")]);
        assert_eq!(shown(&listing), ["q/.hidden.gq", "q/a.gq", "q/b.gq"]);
        assert_eq!(listing.sources[0].kind, SourceKind::Directory);
        assert!(!listing.sources[0].empty);
    }

    #[test]
    fn a_file_reached_twice_is_read_once() {
        let (dir, layout) = tree();
        write(dir.path(), "q/a.gq", "");
        write(dir.path(), "b.gq", "");
        let paths = ["q/a.gq", "q", "./q/a.gq", "b.gq", "./b.gq", "q//"].map(PathBuf::from);
        let listing = list(&layout, &paths);
        assert_eq!(shown(&listing), ["q/a.gq", "b.gq"]);
        let per_source: Vec<usize> = listing.sources.iter().map(|s| s.files.len()).collect();
        assert_eq!(per_source, [1, 0, 0, 1, 0, 0]);
    }

    #[test]
    fn missing_paths_are_files_or_directories_by_their_spelling() {
        let (_dir, layout) = tree();
        let paths = ["gone.gq", "gone", "gone.gq/", "gone/"].map(PathBuf::from);
        let listing = list(&layout, &paths);
        let kinds: Vec<SourceKind> = listing.sources.iter().map(|s| s.kind).collect();
        use SourceKind::*;
        assert_eq!(kinds, [File, Directory, Directory, Directory]);
        assert!(listing.sources[1].unreadable.is_some());
        assert_eq!(shown(&listing), ["gone.gq"]);
    }

    #[test]
    fn a_file_where_a_directory_is_spelled_cannot_be_listed() {
        let (dir, layout) = tree();
        write(dir.path(), "q", "not a directory");
        let listing = list(&layout, &[PathBuf::from("q/")]);
        let err = listing.sources[0].unreadable.as_ref().expect("unreadable");
        assert_eq!(err.to_string(), "Not a directory (os error 20)");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_errors_not_hangs() {
        let (dir, layout) = tree();
        std::os::unix::fs::symlink("loop", dir.path().join("loop")).expect("symlink");
        std::fs::create_dir(dir.path().join("q")).expect("mkdir");
        std::os::unix::fs::symlink("x.gq", dir.path().join("q/x.gq")).expect("symlink");
        let listing = list(&layout, &[PathBuf::from("loop"), PathBuf::from("q")]);
        let err = listing.sources[0].unreadable.as_ref().expect("unreadable");
        assert_eq!(
            err.to_string(),
            "Too many levels of symbolic links (os error 40)"
        );
        let loaded = load(&listing.files[0], "g", None);
        assert_eq!(
            loaded.expect_err("loop").to_string(),
            "Too many levels of symbolic links (os error 40)"
        );
    }

    #[test]
    fn every_declaration_of_a_file_is_found_with_its_position() {
        let (dir, layout) = tree();
        write(
            dir.path(),
            "q.gq",
            "query a() { match { $p: P } return { $p.x } }\n\nquery b() { match { $p: P } return { $p.x } }\n",
        );
        let listing = list(&layout, &[PathBuf::from("q.gq")]);
        let (digest, declared) = load(&listing.files[0], "g", None).expect("read");
        assert_eq!(digest.len(), 64);
        let declared = declared.expect("parses");
        let found: Vec<(&str, String)> = declared
            .iter()
            .map(|d| (d.name.as_str(), d.place()))
            .collect();
        assert_eq!(
            found,
            [("a", "'q.gq' at 1:7".into()), ("b", "'q.gq' at 3:7".into())]
        );
        let skipped = declared[1].check.as_ref().expect("no catalog");
        assert_eq!(skipped.code, Code::QueryTypecheckSkipped);
        assert_eq!(skipped.path, "graphs.g.queries.b");
        assert_eq!(
            skipped.message,
            "query parsed, but type-check was skipped because the graph schema is invalid (query declared in 'q.gq' at 3:7)"
        );
    }
}
