//! `cluster.yaml` as serde sees it (contract §4.1). Field names, declaration order, defaults and
//! `deny_unknown_fields` are part of the contract: serde_yaml's error texts and the config
//! digest's JSON (§5.4) are both derived from these definitions.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawClusterConfig {
    pub version: u32,
    #[serde(default)]
    pub metadata: Metadata,
    /// Where stored state lives (`crate::config::storage`). Left out of the digested JSON when
    /// absent, so a config without it keeps its digest; moving storage is a config change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<String>,
    #[serde(default)]
    pub state: StateConfig,
    #[serde(default)]
    pub graphs: BTreeMap<String, GraphConfig>,
    #[serde(default)]
    pub policies: BTreeMap<String, PolicyConfig>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StateConfig {
    #[serde(default)]
    pub backend: Option<String>,
    #[serde(default)]
    pub lock: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GraphConfig {
    pub schema: PathBuf,
    #[serde(default)]
    pub queries: BTreeMap<String, QueryConfig>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QueryConfig {
    pub file: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    pub file: PathBuf,
    pub applies_to: Vec<String>,
}

impl RawClusterConfig {
    /// Compact JSON used as the `J` input of the config digest (§5.4).
    pub fn digest_json(&self) -> String {
        // Serialising plain structs, string-keyed maps and UTF-8 paths cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
