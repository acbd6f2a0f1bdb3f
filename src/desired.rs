//! Load = parse + header + desired-revision construction (contract §2.5.5): every declared
//! resource with its digest, the dependency edges, per-graph schema digests and the config digest.
//! Schema and query sources are checked with the language front ends on the way.

use crate::config::{self, GraphConfig, QueryConfig, RawClusterConfig};
use crate::diagnostic::Diagnostic;
use crate::digest;
use crate::fsx;
use crate::lang::{query, schema};
use crate::layout::{self, Layout};
use crate::par;
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

    // Compute first (in parallel: every file is independent), then emit in the contract's order.
    let graph_list: Vec<(&String, &GraphConfig)> = raw.graphs.iter().collect();
    let schemas = par::map(&graph_list, |(_, graph)| SchemaSource::load(layout, graph));
    let query_jobs: Vec<(usize, &String, &QueryConfig)> = graph_list
        .iter()
        .enumerate()
        .flat_map(|(index, (_, graph))| graph.queries.iter().map(move |(n, q)| (index, n, q)))
        .collect();
    let mut query_sources = par::map(&query_jobs, |(index, name, query)| {
        let (graph_id, _) = graph_list[*index];
        QuerySource::load(layout, graph_id, name, query, schemas[*index].catalog())
    })
    .into_iter();

    for ((graph_id, graph), schema_source) in graph_list.iter().zip(schemas) {
        let graph_address = format!("graph.{graph_id}");
        let schema_address = format!("schema.{graph_id}");
        check_id(
            "graph id",
            &format!("graphs.{graph_id}"),
            graph_id,
            diagnostics,
        );
        dependencies.insert(edge(&schema_address, &graph_address));

        let mut schema_digest = String::new();
        let display = layout::display(&schema_source.path);
        match schema_source.outcome {
            Err(err) => diagnostics.push(Diagnostic::error(
                "schema_file_missing",
                format!("graphs.{graph_id}.schema"),
                format!("could not read schema file '{display}': {err}"),
            )),
            Ok((digest, built)) => {
                schema_digest = digest.clone();
                resources.insert(
                    schema_address.clone(),
                    Resource {
                        address: schema_address.clone(),
                        kind: ResourceKind::Schema,
                        digest,
                        path: Some(display),
                        source: Some(schema_source.path),
                    },
                );
                if let Err(err) = built {
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
        graphs.push(((*graph_id).clone(), schema_digest));

        let read_queries = graph_queries.entry(graph_id.as_str()).or_default();
        for (name, query_source) in graph.queries.keys().zip(&mut query_sources) {
            let path = format!("graphs.{graph_id}.queries.{name}");
            let address = format!("query.{graph_id}.{name}");
            check_id("query name", &path, name, diagnostics);
            dependencies.insert(edge(&address, &graph_address));
            dependencies.insert(edge(&address, &schema_address));

            let display = layout::display(&query_source.path);
            match query_source.outcome {
                Err(err) => diagnostics.push(Diagnostic::error(
                    "query_file_missing",
                    format!("{path}.file"),
                    format!("could not read query file '{display}': {err}"),
                )),
                Ok((digest, check)) => {
                    read_queries.push((name.as_str(), digest.clone()));
                    resources.insert(
                        address.clone(),
                        Resource {
                            address,
                            kind: ResourceKind::Query,
                            digest,
                            path: Some(display),
                            source: Some(query_source.path),
                        },
                    );
                    diagnostics.extend(check);
                }
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

/// A schema file read, digested and compiled; diagnostics are emitted later, in order.
struct SchemaSource {
    path: PathBuf,
    outcome: std::io::Result<(String, Result<schema::Catalog, schema::SchemaError>)>,
}

impl SchemaSource {
    fn load(layout: &Layout, graph: &GraphConfig) -> Self {
        let path = layout.resolve(&graph.schema);
        let outcome = fsx::read_text_bounded(&path, fsx::MAX_SOURCE_BYTES).map(|text| {
            let built = schema::parse_schema(&text).and_then(|ast| schema::build_catalog(&ast));
            (digest::sha256_hex(text.as_bytes()), built)
        });
        SchemaSource { path, outcome }
    }

    fn catalog(&self) -> Option<&schema::Catalog> {
        match &self.outcome {
            Ok((_, Ok(catalog))) => Some(catalog),
            _ => None,
        }
    }
}

/// A stored-query file read, digested and checked; diagnostics are emitted later, in order.
struct QuerySource {
    path: PathBuf,
    outcome: std::io::Result<(String, Option<Diagnostic>)>,
}

impl QuerySource {
    fn load(
        layout: &Layout,
        graph_id: &str,
        name: &str,
        query: &QueryConfig,
        catalog: Option<&schema::Catalog>,
    ) -> Self {
        let path = layout.resolve(&query.file);
        let outcome = fsx::read_text_bounded(&path, fsx::MAX_SOURCE_BYTES).map(|text| {
            let diagnostic_path = format!("graphs.{graph_id}.queries.{name}");
            let check = check_query(&text, name, catalog, &diagnostic_path);
            (digest::sha256_hex(text.as_bytes()), check)
        });
        QuerySource { path, outcome }
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
