//! Every path the tool derives from `--config`, in one place (contract §2.1, §2.7).
//!
//! Paths are joined with `PathBuf::join` and never normalised, because the rendered text
//! (`././people.pg`) is part of the output contract.

use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "cluster.yaml";
pub const GRAPHS_DIR: &str = "graphs";
pub const STATE_DIR: &str = "__cluster";
/// Diagnostic paths name files relative to the config dir, independent of `--config`.
pub const STATE_FILE_REL: &str = "__cluster/state.json";
pub const LOCK_FILE_REL: &str = "__cluster/lock.json";

/// display(p): the path as text, lossily decoded.
pub fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The paths of one config folder, exactly as `--config` was typed.
#[derive(Debug, Clone)]
pub struct Layout {
    pub config_dir: PathBuf,
}

impl Layout {
    pub fn new(config_dir: impl Into<PathBuf>) -> Self {
        Layout {
            config_dir: config_dir.into(),
        }
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join(CONFIG_FILE)
    }

    pub fn state_dir(&self) -> PathBuf {
        self.config_dir.join(STATE_DIR)
    }

    pub fn state_file(&self) -> PathBuf {
        self.config_dir.join(STATE_FILE_REL)
    }

    pub fn lock_file(&self) -> PathBuf {
        self.config_dir.join(LOCK_FILE_REL)
    }

    /// A config-relative path: used as is when absolute, else joined onto the config dir.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        self.config_dir.join(path)
    }

    pub fn graph_root(&self, graph: &str) -> PathBuf {
        self.config_dir
            .join(GRAPHS_DIR)
            .join(format!("{graph}.omni"))
    }

    fn resources_dir(&self) -> PathBuf {
        self.state_dir().join("resources")
    }

    /// Content-addressed blob of a stored query: `__cluster/resources/query/«g»/«n»/«D».gq`.
    pub fn query_blob(&self, graph: &str, name: &str, digest: &str) -> PathBuf {
        self.resources_dir()
            .join("query")
            .join(graph)
            .join(name)
            .join(format!("{digest}.gq"))
    }

    /// Content-addressed blob of a policy: `__cluster/resources/policy/«p»/«D».yaml`.
    pub fn policy_blob(&self, policy: &str, digest: &str) -> PathBuf {
        self.resources_dir()
            .join("policy")
            .join(policy)
            .join(format!("{digest}.yaml"))
    }
}
