//! The config folder, exactly as `--config` was typed (contract §2.1): where `cluster.yaml` is and
//! how the paths it declares resolve. Stored state has its own roots (`crate::store`).
//!
//! Paths are joined with `PathBuf::join` and never normalised, because the rendered text
//! (`././people.pg`) is part of the output contract.

use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "cluster.yaml";

/// display(p): the path as text, lossily decoded.
pub fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

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

    /// A config-relative path: used as is when absolute, else joined onto the config dir.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        self.config_dir.join(path)
    }

    /// `path` as a reader of the config folder names it: relative to the folder, without `.`
    /// steps (`./queries/x.gq` → `queries/x.gq`); a path outside the folder as it is.
    pub fn relative(&self, path: &Path) -> String {
        let inside = path.strip_prefix(&self.config_dir).unwrap_or(path);
        let clean: PathBuf = inside
            .components()
            .filter(|part| !matches!(part, std::path::Component::CurDir))
            .collect();
        display(&clean)
    }
}
