//! Load = parse + header + desired-revision construction (contract §2.5.5): every declared
//! resource with its digest, the dependency edges, per-graph schema digests and the config digest.
//! Schema and query sources are checked with the language front ends on the way.

use crate::config::{self, RawClusterConfig};
use crate::diagnostic::Diagnostic;
use crate::digest;
use crate::fsx;
use crate::lang::{query, schema};
use crate::layout::{self, Layout};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResourceKind {
    Graph,
    Schema,
    Query,
    Policy,
}

/// One desired resource. `path` is the resolved source path as text (absent for graphs); `source`
/// is the same path for reading the payload back at apply time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resource {
    pub address: String,
    pub kind: ResourceKind,
    pub digest: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Dependency {
    pub from: String,
    pub to: String,
}

/// The desired revision derived from the config folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Desired {
    /// Sorted by address, one per address.
    pub resources: Vec<Resource>,
    pub resource_digests: BTreeMap<String, String>,
    /// Deduplicated, sorted by (from, to).
    pub dependencies: Vec<Dependency>,
    /// (graph id, desired schema digest or `""` when the schema file could not be read).
    pub graphs: Vec<(String, String)>,
    pub config_digest: String,
    pub state_lock: bool,
}

impl Desired {
    pub fn resource(&self, address: &str) -> Option<&Resource> {
        self.resources
            .binary_search_by(|r| r.address.as_str().cmp(address))
            .ok()
            .map(|i| &self.resources[i])
    }

    pub fn schema_digest(&self, graph: &str) -> &str {
        self.graphs
            .iter()
            .find(|(id, _)| id == graph)
            .map(|(_, digest)| digest.as_str())
            .unwrap_or("")
    }
}

/// Run parse, header checks and desired-revision construction. `None` when `cluster.yaml` could
/// not be parsed into the raw structure.
pub fn load(layout: &Layout, diagnostics: &mut Vec<Diagnostic>) -> Option<Desired> {
    let raw = config::parse(layout, diagnostics)?;
    let state_lock = config::check_header(&raw, diagnostics);
    Some(build(layout, &raw, state_lock, diagnostics))
}

/// `validate_id` of §2.5.5.
fn check_id(kind: &str, path: &str, value: &str, diagnostics: &mut Vec<Diagnostic>) {
    let mut chars = value.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        diagnostics.push(Diagnostic::error(
            "invalid_resource_id",
            path,
            format!(
                "{kind} `{value}` must start with a letter or `_` and contain only ASCII letters, digits, `_`, or `-`"
            ),
        ));
    }
}

fn edge(from: &str, to: &str) -> Dependency {
    Dependency {
        from: from.to_string(),
        to: to.to_string(),
    }
}

fn build(
    layout: &Layout,
    raw: &RawClusterConfig,
    state_lock: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Desired {
    let mut resources: BTreeMap<String, Resource> = BTreeMap::new();
    let mut dependencies: BTreeSet<Dependency> = BTreeSet::new();
    let mut graphs = Vec::new();
    let mut graph_queries: BTreeMap<&str, Vec<(&str, String)>> = BTreeMap::new();

    for (graph_id, graph) in &raw.graphs {
        let graph_address = format!("graph.{graph_id}");
        let schema_address = format!("schema.{graph_id}");
        check_id(
            "graph id",
            &format!("graphs.{graph_id}"),
            graph_id,
            diagnostics,
        );
        dependencies.insert(edge(&schema_address, &graph_address));

        let schema_path = layout.resolve(&graph.schema);
        let schema_display = layout::display(&schema_path);
        let mut schema_digest = String::new();
        let mut catalog = None;
        match fsx::read_text_bounded(&schema_path, fsx::MAX_SOURCE_BYTES) {
            Err(err) => diagnostics.push(Diagnostic::error(
                "schema_file_missing",
                format!("graphs.{graph_id}.schema"),
                format!("could not read schema file '{schema_display}': {err}"),
            )),
            Ok(text) => {
                schema_digest = digest::sha256_hex(text.as_bytes());
                resources.insert(
                    schema_address.clone(),
                    Resource {
                        address: schema_address.clone(),
                        kind: ResourceKind::Schema,
                        digest: schema_digest.clone(),
                        path: Some(schema_display),
                        source: Some(schema_path),
                    },
                );
                let built = schema::parse_schema(&text).and_then(|ast| schema::build_catalog(&ast));
                match built {
                    Ok(built) => catalog = Some(built),
                    Err(err) => {
                        let code = match err {
                            schema::SchemaError::Catalog(_) => "schema_catalog_error",
                            _ => "schema_parse_error",
                        };
                        diagnostics.push(Diagnostic::error(
                            code,
                            format!("graphs.{graph_id}.schema"),
                            err.to_string(),
                        ));
                    }
                }
            }
        }
        graphs.push((graph_id.clone(), schema_digest.clone()));

        let read_queries = graph_queries.entry(graph_id.as_str()).or_default();
        for (name, query_config) in &graph.queries {
            let path = format!("graphs.{graph_id}.queries.{name}");
            let address = format!("query.{graph_id}.{name}");
            check_id("query name", &path, name, diagnostics);
            dependencies.insert(edge(&address, &graph_address));
            dependencies.insert(edge(&address, &schema_address));

            let file = layout.resolve(&query_config.file);
            let display = layout::display(&file);
            let text = match fsx::read_text_bounded(&file, fsx::MAX_SOURCE_BYTES) {
                Ok(text) => text,
                Err(err) => {
                    diagnostics.push(Diagnostic::error(
                        "query_file_missing",
                        format!("{path}.file"),
                        format!("could not read query file '{display}': {err}"),
                    ));
                    continue;
                }
            };
            let query_digest = digest::sha256_hex(text.as_bytes());
            read_queries.push((name.as_str(), query_digest.clone()));
            resources.insert(
                address.clone(),
                Resource {
                    address,
                    kind: ResourceKind::Query,
                    digest: query_digest,
                    path: Some(display),
                    source: Some(file),
                },
            );
            if let Some(diagnostic) = check_query(&text, name, catalog.as_ref(), &path) {
                diagnostics.push(diagnostic);
            }
        }
    }

    for (graph_id, schema_digest) in &graphs {
        let queries = graph_queries
            .get(graph_id.as_str())
            .map(|qs| qs.iter().map(|(n, d)| (*n, d.as_str())).collect::<Vec<_>>())
            .unwrap_or_default();
        let address = format!("graph.{graph_id}");
        resources.insert(
            address.clone(),
            Resource {
                address,
                kind: ResourceKind::Graph,
                digest: digest::graph_digest(graph_id, schema_digest, queries),
                path: None,
                source: None,
            },
        );
    }

    for (policy_id, policy) in &raw.policies {
        let address = format!("policy.{policy_id}");
        check_id(
            "policy name",
            &format!("policies.{policy_id}"),
            policy_id,
            diagnostics,
        );
        if policy.applies_to.is_empty() {
            diagnostics.push(Diagnostic::error(
                "policy_missing_applies_to",
                format!("policies.{policy_id}.applies_to"),
                "policy.applies_to must name `cluster` or at least one graph",
            ));
        }
        for (index, target) in policy.applies_to.iter().enumerate() {
            let path = format!("policies.{policy_id}.applies_to[{index}]");
            let graph_ref = if target == "cluster" {
                continue;
            } else if let Some(rest) = target.strip_prefix("graph.") {
                rest
            } else if target.contains('.') {
                diagnostics.push(Diagnostic::error(
                    "wrong_kind_reference",
                    path,
                    format!("policy applies_to expects graph refs or `cluster`, got `{target}`"),
                ));
                continue;
            } else {
                target.as_str()
            };
            if raw.graphs.contains_key(graph_ref) {
                dependencies.insert(edge(&address, &format!("graph.{graph_ref}")));
            } else {
                diagnostics.push(Diagnostic::error(
                    "dangling_graph_reference",
                    path,
                    format!(
                        "policy references graph `{graph_ref}`, but no graph with that id is declared"
                    ),
                ));
            }
        }
        let file = layout.resolve(&policy.file);
        let display = layout::display(&file);
        match fsx::read_bounded(&file, fsx::MAX_SOURCE_BYTES) {
            Ok(bytes) => {
                resources.insert(
                    address.clone(),
                    Resource {
                        address,
                        kind: ResourceKind::Policy,
                        digest: digest::sha256_hex(&bytes),
                        path: Some(display),
                        source: Some(file),
                    },
                );
            }
            Err(err) => diagnostics.push(Diagnostic::error(
                "policy_file_missing",
                format!("policies.{policy_id}.file"),
                format!("could not read policy file '{display}': {err}"),
            )),
        }
    }

    let resource_digests: BTreeMap<String, String> = resources
        .values()
        .map(|r| (r.address.clone(), r.digest.clone()))
        .collect();
    let config_digest = digest::config_digest(&raw.digest_json(), &resource_digests);
    Desired {
        resources: resources.into_values().collect(),
        resource_digests,
        dependencies: dependencies.into_iter().collect(),
        graphs,
        config_digest,
        state_lock,
    }
}

/// Source checks of one stored query: parse the whole file, find the declaration named by the
/// config key, type-check it against the graph's catalog when there is one.
fn check_query(
    text: &str,
    name: &str,
    catalog: Option<&schema::Catalog>,
    path: &str,
) -> Option<Diagnostic> {
    let file = match query::parse_query(text) {
        Ok(file) => file,
        Err(err) => {
            return Some(Diagnostic::error(
                "query_parse_error",
                path,
                err.to_string(),
            ));
        }
    };
    let Some(decl) = file.queries.iter().find(|decl| decl.name == name) else {
        return Some(Diagnostic::error(
            "query_key_mismatch",
            path,
            format!("no `query {name}` declaration found in the referenced .gq file"),
        ));
    };
    match catalog {
        Some(catalog) => query::typecheck_query_decl(catalog, decl)
            .err()
            .map(|err| Diagnostic::error("query_typecheck_error", path, err.to_string())),
        None => Some(Diagnostic::warning(
            "query_typecheck_skipped",
            path,
            "query parsed, but type-check was skipped because the graph schema is invalid",
        )),
    }
}
