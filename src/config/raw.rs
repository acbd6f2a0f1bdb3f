//! `cluster.yaml` as serde sees it (contract §4.1). Field names, declaration order, defaults and
//! `deny_unknown_fields` are part of the contract: serde_yaml's error texts and the config
//! digest's JSON (§5.4) are both derived from these definitions.

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{EnumAccess, IgnoredAny, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
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
    pub queries: QueriesConfig,
}

/// `graphs.<id>.queries` in one of its three forms (issue 19). The map is the contract's (§4.1)
/// and reads, errs and digests exactly as a plain map did; the other two name `.gq` files whose
/// `query` declarations are the stored queries (`crate::discovery`).
#[derive(Debug, Clone, PartialEq)]
pub enum QueriesConfig {
    /// `name: {file: …}` entries.
    Map(BTreeMap<String, QueryConfig>),
    /// One path: a directory (its top-level `*.gq` files) or a single `.gq` file.
    Path(PathBuf),
    /// Paths, each a `.gq` file or a directory.
    List(Vec<PathBuf>),
}

impl Default for QueriesConfig {
    fn default() -> Self {
        QueriesConfig::Map(BTreeMap::new())
    }
}

impl QueriesConfig {
    /// The map form's entries; none for the other forms.
    pub fn declared(&self) -> impl Iterator<Item = (&String, &QueryConfig)> {
        match self {
            QueriesConfig::Map(map) => Some(map.iter()),
            _ => None,
        }
        .into_iter()
        .flatten()
    }

    /// The paths of the directory and list forms; `None` for the map form.
    pub fn paths(&self) -> Option<&[PathBuf]> {
        match self {
            QueriesConfig::Map(_) => None,
            QueriesConfig::Path(path) => Some(std::slice::from_ref(path)),
            QueriesConfig::List(paths) => Some(paths),
        }
    }
}

/// Digested as written: the map as the contract's map, a path as its string, a list as an array.
impl Serialize for QueriesConfig {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            QueriesConfig::Map(map) => map.serialize(serializer),
            QueriesConfig::Path(path) => path.serialize(serializer),
            QueriesConfig::List(paths) => paths.serialize(serializer),
        }
    }
}

/// A mapping is read by the map's own visitor, so its errors keep serde_yaml's texts and paths
/// (`graphs.g.queries.q: …`); a string is a path and a sequence a list of paths. An empty value
/// (or `null`, which `deserialize_any` cannot tell apart from it) is the empty map, as before.
impl<'de> Deserialize<'de> for QueriesConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(QueriesVisitor)
    }
}

struct QueriesVisitor;

impl<'de> Visitor<'de> for QueriesVisitor {
    type Value = QueriesConfig;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a map of queries, a path or a list of paths")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(QueriesConfig::default())
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(QueriesConfig::default())
    }

    fn visit_str<E: serde::de::Error>(self, path: &str) -> Result<Self::Value, E> {
        Ok(QueriesConfig::Path(PathBuf::from(path)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        BTreeMap::deserialize(MapAccessDeserializer::new(map)).map(QueriesConfig::Map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Vec::deserialize(SeqAccessDeserializer::new(seq)).map(QueriesConfig::List)
    }

    /// A value with a local tag (`!x {…}`), which serde_yaml hands over as an enum. A map's own
    /// deserialisation ignores the tag, so this does too and reads the value under it.
    fn visit_enum<A: EnumAccess<'de>>(self, tagged: A) -> Result<Self::Value, A::Error> {
        let (IgnoredAny, value) = tagged.variant()?;
        value.newtype_variant()
    }
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
