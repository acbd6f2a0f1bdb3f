//! Load = parse + header + desired-revision construction (contract §2.5.5): every declared
//! resource with its digest, the dependency edges, per-graph schema digests and the config digest.
//! Schema and query sources are checked with the language front ends on the way.
//!
//! Construction runs in four phases: read, digest and check every source file (in parallel, each
//! file is independent), then add graphs with their schemas and queries, then the graph
//! composites, then the policies, emitting diagnostics in the contract's order. A graph whose
//! `queries:` names `.gq` files or directories instead of a map has its files listed and loaded
//! by `crate::discovery` first; its queries are added right after its schema.

use crate::address::{Address, ResourceKind};
use crate::addressed::{Dependency, Digests, Text};
use crate::config::{self, GraphConfig, Header, PolicyConfig, QueryConfig, RawClusterConfig};
use crate::diagnostic::{Code, Diagnostic, SourceSpot};
use crate::digest;
use crate::discovery::{self, Discovered, DiscoveredSource, Listing, Loaded};
use crate::fsx;
use crate::lang::{self, query, schema};
use crate::layout::{self, Layout};
use crate::par;
use serde::{Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One desired resource. `path` is the resolved source file (absent for graphs), shown as text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resource {
    pub address: Text,
    pub kind: ResourceKind,
    pub digest: Text,
    #[serde(
        rename = "path",
        skip_serializing_if = "Option::is_none",
        serialize_with = "shown_path"
    )]
    pub source: Option<PathBuf>,
}

fn shown_path<S: Serializer>(path: &Option<PathBuf>, serializer: S) -> Result<S::Ok, S::Error> {
    match path {
        Some(path) => serializer.serialize_str(&layout::display(path)),
        None => serializer.serialize_none(),
    }
}

/// The desired revision derived from the config folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Desired {
    /// Sorted by address, one per address.
    pub resources: Vec<Resource>,
    /// The same addresses and digests as `resources`, as a map.
    pub resource_digests: Digests,
    /// Deduplicated, sorted by (from, to).
    pub dependencies: Vec<Dependency>,
    /// (graph id, desired schema digest or `""` when the schema file could not be read).
    pub graphs: Vec<(String, String)>,
    pub config_digest: String,
    pub header: Header,
    /// What each graph using a discovery form of `queries:` discovered, in graph order.
    pub discovered: Vec<Discovered>,
}

impl Desired {
    pub fn resource(&self, address: &str) -> Option<&Resource> {
        self.resources
            .binary_search_by(|r| r.address.as_ref().cmp(address))
            .ok()
            .map(|i| &self.resources[i])
    }
}

/// Run parse, header checks and desired-revision construction. `None` when `cluster.yaml` could
/// not be parsed into the raw structure.
pub fn load(layout: &Layout, diagnostics: &mut Vec<Diagnostic>) -> Option<Desired> {
    let raw = config::parse(layout, diagnostics)?;
    let header = config::check_header(&raw, diagnostics);
    let desired = build(layout, &raw, header, diagnostics);
    drop(raw);
    crate::fsx::release_free_memory();
    Some(desired)
}

/// Query files are read, digested and checked this many at a time (in parallel), then added:
/// memory holds one chunk of sources, not the whole folder's.
const QUERY_CHUNK: usize = 4096;

fn build(
    layout: &Layout,
    raw: &RawClusterConfig,
    header: Header,
    diagnostics: &mut Vec<Diagnostic>,
) -> Desired {
    let graphs: Vec<(&String, &GraphConfig)> = raw.graphs.iter().collect();
    let schemas = par::map(&graphs, |(_, graph)| {
        SchemaSource::load(layout, &graph.schema)
    });
    let jobs: Vec<(usize, &String, &QueryConfig)> = graphs
        .iter()
        .enumerate()
        .flat_map(|(index, (_, graph))| graph.queries.declared().map(move |(n, q)| (index, n, q)))
        .collect();
    let found = discover(layout, &graphs, &schemas);
    let mut builder = Builder {
        diagnostics,
        resources: Vec::new(),
        dependencies: Vec::new(),
        names: BTreeSet::new(),
        graphs: Vec::new(),
        graph_queries: BTreeMap::new(),
        discovered: Vec::new(),
    };
    // Sized up front: growing by doubling would hold a copy and up to half again as much.
    let targets: usize = raw.policies.values().map(|p| p.applies_to.len()).sum();
    let queries = jobs.len() + discovery::declarations(found.iter().flatten());
    builder
        .dependencies
        .reserve_exact(graphs.len() + 2 * queries + targets);
    builder
        .resources
        .reserve_exact(2 * graphs.len() + queries + raw.policies.len());
    // Graphs are added in order, each just before its first query, so diagnostics keep the
    // contract's order (§8.3) while queries stream through in chunks. A graph's discovered
    // queries come right after it.
    let mut pending = PendingGraphs {
        graphs: &graphs,
        schemas: &schemas,
        found: &found,
        next: 0,
    };
    for chunk in jobs.chunks(QUERY_CHUNK) {
        let loaded = par::map(chunk, |(index, name, query)| {
            let graph_id = graphs[*index].0;
            let path = layout.resolve(&query.file);
            QuerySource::load(layout, path, graph_id, name, schemas[*index].catalog())
        });
        for (&(index, name, _), query) in chunk.iter().zip(loaded) {
            pending.add_through(&mut builder, index);
            builder.add_query(graphs[index].0, name, query);
        }
    }
    if let Some(last) = graphs.len().checked_sub(1) {
        pending.add_through(&mut builder, last);
    }
    builder.add_composites();
    for (policy_id, policy) in &raw.policies {
        builder.add_policy(layout, raw, policy_id, policy);
    }
    builder.finish(raw, header)
}

/// The graphs of the config, added to a [`Builder`] in order, each with its schema and its
/// discovered queries, when the first query declared after them comes (or at the end).
struct PendingGraphs<'s, 'r> {
    graphs: &'s [(&'r String, &'r GraphConfig)],
    schemas: &'s [SchemaSource],
    found: &'r [Option<(Listing, Vec<Loaded>)>],
    /// The first graph not added yet.
    next: usize,
}

impl<'r> PendingGraphs<'_, 'r> {
    fn add_through(&mut self, builder: &mut Builder<'_, 'r>, last: usize) {
        while self.next <= last {
            let graph_id = self.graphs[self.next].0;
            builder.add_graph(graph_id, &self.schemas[self.next]);
            if let Some((listing, loaded)) = &self.found[self.next] {
                builder.add_discovered(graph_id, listing, loaded);
            }
            self.next += 1;
        }
    }
}

/// The files of every graph that uses a discovery form of `queries:` (`None` for the map form),
/// each file read, digested, parsed and type-checked; all graphs' files in one parallel pass.
fn discover(
    layout: &Layout,
    graphs: &[(&String, &GraphConfig)],
    schemas: &[SchemaSource],
) -> Vec<Option<(Listing, Vec<Loaded>)>> {
    let listings: Vec<Option<Listing>> = graphs
        .iter()
        .map(|(_, graph)| Some(discovery::list(layout, graph.queries.paths()?)))
        .collect();
    let files: Vec<(usize, &discovery::FileRef)> = listings
        .iter()
        .enumerate()
        .flat_map(|(index, listing)| {
            listing
                .iter()
                .flat_map(move |l| &l.files)
                .map(move |f| (index, f))
        })
        .collect();
    let mut loaded = par::map(&files, |(index, file)| {
        discovery::load(file, graphs[*index].0, schemas[*index].catalog())
    })
    .into_iter();
    listings
        .into_iter()
        .map(|listing| {
            let listing = listing?;
            let files = loaded.by_ref().take(listing.files.len()).collect();
            Some((listing, files))
        })
        .collect()
}

/// Desired resources and edges as they accumulate, with the diagnostics of the run. `'r` is
/// the raw config and the discovered files, whose names the builder borrows instead of copying.
struct Builder<'a, 'r> {
    diagnostics: &'a mut Vec<Diagnostic>,
    /// In the order added; sorted (a later one for the same address wins) when finished.
    resources: Vec<Resource>,
    dependencies: Vec<Dependency>,
    /// Graph and schema addresses, which many edges name: one allocation each.
    names: BTreeSet<Text>,
    graphs: Vec<(String, String)>,
    /// (name, digest) of the query files read, per graph, for the composite.
    graph_queries: BTreeMap<&'r str, Vec<(&'r str, Text)>>,
    discovered: Vec<Discovered>,
}

impl<'r> Builder<'_, 'r> {
    fn error(&mut self, code: Code, path: impl Into<String>, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(code, path, message));
    }

    /// The text of `address`: interned for graphs and schemas; a query's or policy's is made
    /// once by its caller and shared with its edges and its resource from there.
    fn name(&mut self, address: Address<'_>) -> Text {
        let text = address.to_string();
        if !address.is_graph_or_schema() {
            return text.into();
        }
        if let Some(known) = self.names.get(text.as_str()) {
            return Arc::clone(known);
        }
        let name: Text = text.into();
        self.names.insert(Arc::clone(&name));
        name
    }

    fn edge(&mut self, from: &Text, to: Address<'_>) {
        let dependency = Dependency {
            from: Arc::clone(from),
            to: self.name(to),
        };
        self.dependencies.push(dependency);
    }

    fn resource(&mut self, kind: ResourceKind, name: Text, digest: Text, source: Option<PathBuf>) {
        self.resources.push(Resource {
            address: name,
            kind,
            digest,
            source,
        });
    }

    /// `validate_id` of §2.5.5.
    fn check_id(&mut self, kind: &str, path: &str, value: &str) {
        if !crate::address::is_valid_id(value) {
            self.error(
                Code::InvalidResourceId,
                path,
                format!(
                    "{kind} `{value}` must start with a letter or `_` and contain only ASCII letters, digits, `_`, or `-`"
                ),
            );
        }
    }

    /// A graph's id, its schema edge and its schema resource (§2.5.5 steps 1–4).
    fn add_graph(&mut self, graph_id: &str, schema: &SchemaSource) {
        self.check_id("graph id", &format!("graphs.{graph_id}"), graph_id);
        let schema_name = self.name(Address::schema(graph_id));
        self.edge(&schema_name, Address::graph(graph_id));
        let path = format!("graphs.{graph_id}.schema");
        let mut schema_digest = String::new();
        match &schema.outcome {
            Err(err) => self.error(
                Code::SchemaFileMissing,
                path,
                format!(
                    "could not read schema file '{}': {err}",
                    layout::display(&schema.path)
                ),
            ),
            Ok((digest, built)) => {
                schema_digest = digest.to_string();
                let source = Some(schema.path.clone());
                self.resource(
                    ResourceKind::Schema,
                    schema_name,
                    Arc::clone(digest),
                    source,
                );
                if let Err(err) = built {
                    let code = match err {
                        schema::SchemaError::Catalog(_) => Code::SchemaCatalogError,
                        _ => Code::SchemaParseError,
                    };
                    let diagnostic = Diagnostic::new(code, path, err.to_string());
                    self.diagnostics.push(diagnostic.at(schema.spot.clone()));
                }
            }
        }
        self.graphs.push((graph_id.to_string(), schema_digest));
    }

    /// One stored query of a graph (§2.5.5 step 5).
    fn add_query(&mut self, graph_id: &'r str, name: &'r str, query: QuerySource) {
        let path = format!("graphs.{graph_id}.queries.{name}");
        let address = self.query_address(graph_id, name, &path);
        match query.outcome {
            Err(err) => self.error(
                Code::QueryFileMissing,
                format!("{path}.file"),
                format!(
                    "could not read query file '{}': {err}",
                    layout::display(&query.path)
                ),
            ),
            Ok((digest, check)) => {
                self.query_resource(graph_id, name, address, digest, query.path);
                self.diagnostics.extend(check);
            }
        }
    }

    /// A query's address, id check and edges: what it has whether or not its file was read.
    fn query_address(&mut self, graph_id: &str, name: &str, path: &str) -> Text {
        let address = self.name(Address::query(graph_id, name));
        self.check_id("query name", path, name);
        self.edge(&address, Address::graph(graph_id));
        self.edge(&address, Address::schema(graph_id));
        address
    }

    /// A query whose file was read: a member of its graph's composite and a resource.
    fn query_resource(
        &mut self,
        graph_id: &'r str,
        name: &'r str,
        address: Text,
        digest: Text,
        source: PathBuf,
    ) {
        self.graph_queries
            .entry(graph_id)
            .or_default()
            .push((name, Arc::clone(&digest)));
        self.resource(ResourceKind::Query, address, digest, Some(source));
    }

    /// The queries a graph's directory or list form discovered (issue 19): first each declared
    /// path's problems and each of its files' (unreadable, unparsable, declaring nothing), in
    /// declared order; then each query in name order, as for the map form: its id, any second
    /// declaration of its name, its type-check. The first declaration of a name registers it.
    fn add_discovered(&mut self, graph_id: &'r str, listing: &'r Listing, loaded: &'r [Loaded]) {
        let path = format!("graphs.{graph_id}.queries");
        // Per name, its declarations in file order: (file index, file digest, declaration).
        type Found<'r> = (usize, &'r Text, &'r discovery::Declared);
        let mut declared: BTreeMap<&'r str, Vec<Found<'r>>> = BTreeMap::new();
        for source in &listing.sources {
            let shown = &source.shown;
            if let Some(err) = &source.unreadable {
                self.error(
                    Code::QueryDirUnreadable,
                    &path,
                    format!("could not list query directory '{shown}': {err}"),
                );
            } else if source.empty {
                self.error(
                    Code::QueryDirEmpty,
                    &path,
                    format!("query directory '{shown}' has no .gq file"),
                );
            }
            for &index in &source.files {
                let shown = &listing.files[index].shown;
                match &loaded[index] {
                    Err(err) => self.error(
                        Code::QueryFileMissing,
                        &path,
                        format!("could not read query file '{shown}': {err}"),
                    ),
                    Ok((_, Err(unparsable))) => self.diagnostics.push(unparsable.clone()),
                    Ok((_, Ok(decls))) if decls.is_empty() => self.error(
                        Code::QueryFileWithoutQueries,
                        &path,
                        format!("query file '{shown}' declares no query"),
                    ),
                    Ok((digest, Ok(decls))) => {
                        for decl in decls {
                            let found = (index, digest, decl);
                            declared.entry(&decl.name).or_default().push(found);
                        }
                    }
                }
            }
        }
        let mut registered = vec![0; listing.files.len()];
        for (name, decls) in declared {
            let [(index, digest, first), others @ ..] = decls.as_slice() else {
                continue;
            };
            let query_path = format!("{path}.{name}");
            let address = self.query_address(graph_id, name, &query_path);
            for (_, _, again) in others {
                let message = format!(
                    "query `{name}` of graph `{graph_id}` is declared in {} and again in {}",
                    first.place(),
                    again.place()
                );
                // The rich view points at the second declaration.
                let duplicate = Diagnostic::new(Code::DuplicateQueryName, &query_path, message);
                self.diagnostics.push(again.point(duplicate));
            }
            let source = listing.files[*index].path.clone();
            self.query_resource(graph_id, name, address, Arc::clone(digest), source);
            registered[*index] += 1;
            self.diagnostics.extend(first.check.clone());
        }
        let sources: Vec<DiscoveredSource> = listing
            .sources
            .iter()
            .map(|source| DiscoveredSource {
                path: layout::display(&source.declared),
                kind: source.kind,
                files: source.files.len(),
                queries: source.files.iter().map(|&index| registered[index]).sum(),
            })
            .collect();
        self.discovered.push(Discovered {
            graph: graph_id.to_string(),
            queries: registered.iter().sum(),
            sources,
        });
    }

    /// Every graph's composite digest over its schema and the queries read (§5.2).
    fn add_composites(&mut self) {
        for (graph_id, schema_digest) in std::mem::take(&mut self.graphs) {
            let queries = self.graph_queries.remove(graph_id.as_str());
            let pairs = queries.iter().flatten().map(|(n, d)| (*n, d.as_ref()));
            let composite = digest::graph_digest(&graph_id, &schema_digest, pairs);
            let name = self.name(Address::graph(&graph_id));
            self.resource(ResourceKind::Graph, name, composite.into(), None);
            self.graphs.push((graph_id, schema_digest));
        }
    }

    /// A policy: its id, its targets and its file (§2.5.5, policies).
    fn add_policy(
        &mut self,
        layout: &Layout,
        raw: &RawClusterConfig,
        policy_id: &str,
        policy: &PolicyConfig,
    ) {
        let address = self.name(Address::policy(policy_id));
        self.check_id("policy name", &format!("policies.{policy_id}"), policy_id);
        if policy.applies_to.is_empty() {
            self.error(
                Code::PolicyMissingAppliesTo,
                format!("policies.{policy_id}.applies_to"),
                "policy.applies_to must name `cluster` or at least one graph",
            );
        }
        for (index, target) in policy.applies_to.iter().enumerate() {
            let path = format!("policies.{policy_id}.applies_to[{index}]");
            match target_graph(target) {
                Target::Cluster => {}
                Target::WrongKind => self.error(
                    Code::WrongKindReference,
                    path,
                    format!("policy applies_to expects graph refs or `cluster`, got `{target}`"),
                ),
                Target::Graph(graph) if raw.graphs.contains_key(graph) => {
                    self.edge(&address, Address::graph(graph));
                }
                Target::Graph(graph) => self.error(
                    Code::DanglingGraphReference,
                    path,
                    format!(
                        "policy references graph `{graph}`, but no graph with that id is declared"
                    ),
                ),
            }
        }
        let file = layout.resolve(&policy.file);
        match fsx::read_bounded(&file, fsx::MAX_SOURCE_BYTES) {
            Ok(bytes) => {
                let digest = digest::sha256_hex(&bytes).into();
                self.resource(ResourceKind::Policy, address, digest, Some(file));
            }
            Err(err) => self.error(
                Code::PolicyFileMissing,
                format!("policies.{policy_id}.file"),
                format!(
                    "could not read policy file '{}': {err}",
                    layout::display(&file)
                ),
            ),
        }
    }

    fn finish(mut self, raw: &RawClusterConfig, header: Header) -> Desired {
        // One per address, the later one winning, as in a map (§2.5.5: "one per address").
        self.resources.reverse();
        self.resources.sort_by(|a, b| a.address.cmp(&b.address));
        self.resources
            .dedup_by(|later, kept| later.address == kept.address);
        let resource_digests = Digests::from_sorted(
            self.resources
                .iter()
                .map(|r| (Arc::clone(&r.address), Arc::clone(&r.digest)))
                .collect(),
        );
        let config_digest = digest::config_digest(&raw.digest_json(), resource_digests.iter());
        self.dependencies.sort_unstable();
        self.dependencies.dedup();
        Desired {
            resources: self.resources,
            resource_digests,
            dependencies: self.dependencies,
            graphs: self.graphs,
            config_digest,
            header,
            discovered: self.discovered,
        }
    }
}

/// What a policy's `applies_to` element names (§2.5.5 step 3).
enum Target<'a> {
    Cluster,
    Graph(&'a str),
    WrongKind,
}

fn target_graph(target: &str) -> Target<'_> {
    if target == "cluster" {
        Target::Cluster
    } else if let Some(Address::Graph(graph)) = Address::parse(target) {
        Target::Graph(graph)
    } else if target.contains('.') {
        Target::WrongKind
    } else {
        Target::Graph(target)
    }
}

/// A schema file read, digested and compiled; diagnostics are emitted later, in order.
struct SchemaSource {
    path: PathBuf,
    outcome: std::io::Result<(Text, Result<schema::Catalog, schema::SchemaError>)>,
    /// Where a schema error points, for the rich view.
    spot: Option<SourceSpot>,
}

impl SchemaSource {
    fn load(layout: &Layout, schema_path: &Path) -> Self {
        let path = layout.resolve(schema_path);
        let mut spot = None;
        let outcome = fsx::read_text_bounded(&path, fsx::MAX_SOURCE_BYTES).map(|text| {
            let built = schema::parse_schema(&text).and_then(|ast| schema::build_catalog(&ast));
            if let Err(err) = &built {
                spot = source_spot(layout.relative(&path), &text, err.detail());
            }
            (digest::sha256_hex(text.as_bytes()).into(), built)
        });
        SchemaSource {
            path,
            outcome,
            spot,
        }
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
    outcome: std::io::Result<(Text, Option<Diagnostic>)>,
}

impl QuerySource {
    fn load(
        layout: &Layout,
        path: PathBuf,
        graph_id: &str,
        name: &str,
        catalog: Option<&schema::Catalog>,
    ) -> Self {
        let outcome = fsx::read_text_bounded(&path, fsx::MAX_SOURCE_BYTES).map(|text| {
            let source = Source {
                text: &text,
                file: layout.relative(&path),
            };
            let diagnostic_path = format!("graphs.{graph_id}.queries.{name}");
            let check = check_query(&source, name, catalog, &diagnostic_path);
            (digest::sha256_hex(text.as_bytes()).into(), check)
        });
        QuerySource { path, outcome }
    }
}

/// A source file's text and its name as a reader of the config folder knows it.
pub(crate) struct Source<'t> {
    pub(crate) text: &'t str,
    pub(crate) file: String,
}

impl Source<'_> {
    /// Where a language error points in this file.
    pub(crate) fn error_spot(&self, detail: &lang::ErrorDetail) -> Option<SourceSpot> {
        source_spot(self.file.clone(), self.text, detail)
    }

    /// The place `span` in this file, said in one line by `summary`.
    pub(crate) fn spot_at(&self, span: lang::Span, summary: &str) -> SourceSpot {
        spot_at(self.file.clone(), self.text, span, summary)
    }
}

/// The place in `text` (the file `file`) that a language error points at, with its rule, its
/// suggestion and its message in one line; `None` when the error points nowhere.
fn source_spot(file: String, text: &str, detail: &lang::ErrorDetail) -> Option<SourceSpot> {
    let span = detail.span()?;
    Some(SourceSpot {
        rule: detail.rule().map(str::to_string),
        suggestion: detail.suggestion().map(str::to_string),
        notes: detail.notes().to_vec(),
        ..spot_at(file, text, span, detail.summary())
    })
}

/// The place `span` in `text` (the file `file`), said in one line by `summary`.
fn spot_at(file: String, text: &str, span: lang::Span, summary: &str) -> SourceSpot {
    let at = span.locate(text);
    // The caret covers the span on its first line (at least one character).
    let on_line = span
        .slice(text)
        .lines()
        .next()
        .map_or(0, |first| first.chars().count());
    SourceSpot {
        file,
        line: at.line,
        column: at.column,
        line_text: at.line_text.to_string(),
        width: on_line.max(1),
        summary: summary.to_string(),
        ..SourceSpot::default()
    }
}

/// Source checks of one stored query: parse the whole file, find the declaration named by the
/// config key, type-check it against the graph's catalog when there is one.
fn check_query(
    source: &Source<'_>,
    name: &str,
    catalog: Option<&schema::Catalog>,
    path: &str,
) -> Option<Diagnostic> {
    let file = match query::parse_query(source.text) {
        Ok(file) => file,
        Err(err) => {
            let diagnostic = Diagnostic::new(Code::QueryParseError, path, err.to_string());
            return Some(diagnostic.at(source.error_spot(err.detail())));
        }
    };
    let Some(decl) = file.queries.iter().find(|decl| decl.name == name) else {
        return Some(Diagnostic::new(
            Code::QueryKeyMismatch,
            path,
            format!("no `query {name}` declaration found in the referenced .gq file"),
        ));
    };
    check_decl(source, decl, catalog, path)
}

/// The type-check of one declaration against its graph's catalog, or the warning that there is
/// none (map-declared and discovered queries alike).
pub(crate) fn check_decl(
    source: &Source<'_>,
    decl: &query::QueryDecl,
    catalog: Option<&schema::Catalog>,
    path: &str,
) -> Option<Diagnostic> {
    match catalog {
        Some(catalog) => query::typecheck_query_decl(catalog, decl).err().map(|err| {
            Diagnostic::new(Code::QueryTypecheckError, path, err.to_string())
                .at(source.error_spot(err.detail()))
        }),
        None => Some(Diagnostic::new(
            Code::QueryTypecheckSkipped,
            path,
            "query parsed, but type-check was skipped because the graph schema is invalid",
        )),
    }
}
