//! The S3 backend through the real binary, against a local S3-compatible server (moto, started
//! by the tests themselves: `tests/support/s3.rs`). The server is real; nothing is mocked.
//!
//! - `flow`: every command on `s3://` gives the local run's output (paths aside), stores the
//!   local files' bytes under the same names, and writes nothing into the config folder; two
//!   config folders ("machines") share one prefix;
//! - `contention`: rounds of 8 concurrent `apply`/`refresh` on one prefix, with and without
//!   `state.lock`;
//! - `crash`: SIGKILL and SIGTERM at random instants of `apply`;
//! - `discovery`: stored queries discovered from `.gq` files (issue 19) on an `s3://` root;
//! - `inspect`: issue 18's diffs, state inspection, drift in the rich view and the progress bar;
//! - `failures`: a missing bucket, missing or wrong credentials, denied access, a stopped or
//!   silent server;
//! - `faults`: 409 conflicts, lost acknowledgements, 503/500 bursts, resets, latency, 403 and an
//!   outage, injected by a proxy between the binary and the server (`tests/support/proxy.rs`).
//!
//! If moto cannot be installed or started the tests fail with the reason; they never skip.

mod ci_recipe;
mod contention;
mod crash;
mod discovery;
mod failures;
mod faults;
mod flow;
mod hostile;
mod inspect;

use cluster_test_support::s3::S3Server;
use cluster_test_support::*;
use serde_json::Value;
use std::process::{Child, Stdio};

/// A cluster root `s3://«bucket»/«prefix»` on a moto server, with helpers to arrange and inspect
/// it by the names the tool uses (`__cluster/state.json`, …).
pub struct Root<'a> {
    pub server: &'a S3Server,
    pub bucket: String,
    pub prefix: String,
}

impl<'a> Root<'a> {
    pub fn new(server: &'a S3Server, bucket: &str, prefix: &str) -> Self {
        Root {
            server,
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        }
    }

    /// A fresh bucket on `server`, prefix `team/a`.
    pub fn fresh(server: &'a S3Server) -> Self {
        Root::new(server, &server.bucket(), "team/a")
    }

    pub fn uri(&self) -> String {
        if self.prefix.is_empty() {
            format!("s3://{}", self.bucket)
        } else {
            format!("s3://{}/{}", self.bucket, self.prefix)
        }
    }

    pub fn key(&self, rel: &str) -> String {
        if self.prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.prefix)
        }
    }

    pub fn get(&self, rel: &str) -> Option<Vec<u8>> {
        self.server.get(&self.bucket, &self.key(rel))
    }

    pub fn put(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        self.server
            .put(&self.bucket, &self.key(rel), bytes.as_ref());
    }

    pub fn delete(&self, rel: &str) {
        self.server.delete(&self.bucket, &self.key(rel));
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.get(rel).is_some()
    }

    /// The objects under `dir/` of the root (e.g. `__cluster`), by their names relative to the
    /// root, sorted.
    pub fn objects_under(&self, dir: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .objects()
            .into_iter()
            .filter(|name| name.starts_with(&format!("{dir}/")))
            .collect();
        names.sort();
        names
    }

    /// Every object under the root, by its name relative to the root.
    pub fn objects(&self) -> Vec<String> {
        let strip = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        self.server
            .list(&self.bucket, &strip)
            .into_iter()
            .map(|key| key[strip.len()..].to_string())
            .collect()
    }

    pub fn state(&self) -> Value {
        let bytes = self.get("__cluster/state.json").expect("state object");
        serde_json::from_slice(&bytes).expect("state JSON")
    }

    /// Upload a real graph root fixture to `graphs/«graph».omni/`.
    pub fn upload_root(&self, graph: &str, fixture: &str) {
        let from = graph_root_fixture(fixture);
        for rel in files_under(&from) {
            let bytes = std::fs::read(from.join(&rel)).expect("read");
            self.put(&format!("graphs/{graph}.omni/{rel}"), bytes);
        }
    }
}

/// A config folder whose `storage:` is an S3 root, and the environment that reaches it.
pub struct Cloud<'a> {
    pub folder: Folder,
    pub root: Root<'a>,
    pub env: Vec<(String, String)>,
}

impl<'a> Cloud<'a> {
    pub fn new(folder: Folder, root: Root<'a>) -> Self {
        folder.set_storage(&root.uri());
        let env = root.server.env();
        Cloud { folder, root, env }
    }

    /// The S3 twin of `Folder::live`: F with the live schema, its real root uploaded to `root`.
    pub fn live(root: Root<'a>) -> Self {
        root.upload_root("knowledge", "people-fresh.omni");
        let folder = Folder::standard();
        folder.write("people.pg", LIVE_PEOPLE_PG);
        Cloud::new(folder, root)
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.folder.run_env(args, &self.env)
    }

    pub fn json(&self, args: &[&str]) -> (i32, Value) {
        self.folder.json_env(args, &self.env)
    }

    /// `omnigraph cluster «cmd» --json --config …` started in the background.
    pub fn spawn(&self, cmd: &str) -> Child {
        let mut command = hermetic(binary());
        command
            .args(["cluster", cmd, "--json", "--config"])
            .arg(self.folder.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command.spawn().expect("spawn")
    }
}

/// F with the schema of the real `people-fresh` root and `queries` more stored queries (plus
/// F's own), so `apply` has that many blobs to publish. No graph root in the folder: upload one
/// with [`Root::upload_root`].
pub fn folder_with_queries(queries: usize) -> Folder {
    let f = Folder::standard();
    f.write("people.pg", LIVE_PEOPLE_PG);
    let mut yaml = f.read_string("cluster.yaml");
    let mut extra = String::new();
    for i in 0..queries {
        f.write(
            &format!("queries/q{i:03}.gq"),
            format!(
                "query q{i:03}($name: String) {{\n  match {{ $p: Person {{ name: $name }} }}\n  return {{ $p.name, $p.age }}\n  limit {}\n}}\n",
                i + 1
            ),
        );
        extra.push_str(&format!(
            "      q{i:03}:\n        file: ./queries/q{i:03}.gq\n"
        ));
    }
    let anchor = "        file: ./people.gq\n";
    yaml = yaml.replacen(anchor, &format!("{anchor}{extra}"), 1);
    f.write("cluster.yaml", yaml);
    f
}

/// A copy of `folder` in a fresh temp directory.
pub fn copy_folder(folder: &Folder) -> Folder {
    let copy = Folder::empty();
    copy_dir(folder.path(), copy.path());
    copy
}

/// An object under `__cluster/` as two runs of the same commands on two roots both store it:
/// a history record without what its root and its run decide (the attempt id in its name, its
/// time and its state CASes), and every text through `normalise` (the run's root, folder and
/// config digest made tokens). `(name, text)`.
pub fn comparable(
    name: &str,
    bytes: &[u8],
    normalise: impl Fn(&str) -> String,
) -> (String, String) {
    let Some(record) = name.strip_prefix("__cluster/history/") else {
        return (name.to_string(), normalise(&String::from_utf8_lossy(bytes)));
    };
    let revision = record.split('-').next().unwrap_or(record);
    let mut value: Value = serde_json::from_slice(bytes).expect("history record");
    for volatile in ["recorded_at", "state_cas_before", "state_cas_after"] {
        value.as_object_mut().expect("record").remove(volatile);
    }
    (
        format!("__cluster/history/{revision}-[ATTEMPT].json"),
        normalise(&value.to_string()),
    )
}

/// What every interrupted run must leave in the root (see `check_ledger_invariants`), and a
/// history with no gap and no phantom (`check_history`).
pub fn check_invariants(cloud: &Cloud<'_>, context: &str) {
    check_ledger_invariants(|rel| cloud.root.get(rel), context);
    let (_, history) = cloud.json(&["history"]);
    check_history(&history, context);
}

/// Every error diagnostic of an output has one of `allowed` codes, names an `s3://` object when
/// it is about storage, and is one line.
pub fn assert_errors_within(out: &Value, allowed: &[&str], context: &str) {
    for d in out["diagnostics"].as_array().expect("diagnostics") {
        let message = d["message"].as_str().expect("message");
        assert!(!message.contains('\n'), "{context}: multi-line message {d}");
        if d["severity"] == "error" {
            let code = d["code"].as_str().expect("code");
            assert!(
                allowed.contains(&code),
                "{context}: unexpected {code}: {out}"
            );
        }
    }
}
