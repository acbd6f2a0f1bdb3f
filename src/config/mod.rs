//! Loading `cluster.yaml`: the parse stage (§2.5.1) and the header checks (§2.5.4).
//! Building the desired revision from a parsed config lives in `crate::desired`.

pub mod raw;
pub mod scan;
pub mod sections;
pub mod storage;

pub use raw::{GraphConfig, PolicyConfig, QueriesConfig, QueryConfig, RawClusterConfig};
pub use storage::StorageRoot;

use crate::diagnostic::{Code, Diagnostic};
use crate::fsx;
use crate::layout::{self, Layout};

/// Parse stage: directory check, read, text scans, typed deserialisation. Returns the raw config
/// only when every step succeeded; problems are appended to `diagnostics`.
pub fn parse(layout: &Layout, diagnostics: &mut Vec<Diagnostic>) -> Option<RawClusterConfig> {
    if !layout.config_dir.is_dir() {
        diagnostics.push(Diagnostic::new(
            Code::ConfigDirNotFound,
            layout::display(&layout.config_dir),
            "`--config` must point at a directory containing cluster.yaml",
        ));
        return None;
    }
    let text = match fsx::read_text_bounded(&layout.config_file(), fsx::MAX_CONFIG_BYTES) {
        Ok(text) => text,
        Err(err) => {
            diagnostics.push(Diagnostic::new(
                Code::ClusterConfigReadError,
                layout::CONFIG_FILE,
                format!("could not read cluster.yaml: {err}"),
            ));
            return None;
        }
    };
    parse_text(&text, diagnostics)
}

/// The text stages of parsing: scanner and reserved fields (both always run), then serde.
///
/// A text larger than [`sections::CHUNK_BYTES`] in the plain subset of YAML is parsed piece by
/// piece (`sections`), which keeps serde_yaml's event buffer to one piece. That gives the
/// whole-document parse's config or nothing; on nothing (any error included) the whole document
/// is parsed as before, so every diagnostic keeps its text. The outline also settles the
/// reserved-field check when every top-level key is plain and none is reserved, which saves
/// that check's whole-document `serde_yaml::Value` parse.
pub fn parse_text(text: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<RawClusterConfig> {
    let outline = if text.len() > sections::CHUNK_BYTES {
        sections::outline(text, sections::CHUNK_BYTES)
    } else {
        None
    };
    let too_deep = scan::flow_nesting_exceeds(text, scan::MAX_FLOW_DEPTH);
    let mut scan_errors = scan::duplicate_keys(text);
    if !outline
        .as_ref()
        .is_some_and(sections::Outline::names_no_reserved_field)
    {
        scan_errors.extend(scan::reserved_fields(text, too_deep.is_some()));
    }
    if !scan_errors.is_empty() {
        diagnostics.extend(scan_errors);
        return None;
    }
    if let Some((line, column)) = too_deep {
        diagnostics.push(Diagnostic::new(
            Code::InvalidClusterYaml,
            layout::CONFIG_FILE,
            format!(
                "could not parse cluster.yaml: flow collections nest deeper than {} levels at line {line} column {column}",
                scan::MAX_FLOW_DEPTH
            ),
        ));
        return None;
    }
    if let Some(raw) = outline.and_then(|outline| sections::parse(text, &outline)) {
        return Some(raw);
    }
    match serde_yaml::from_str::<RawClusterConfig>(text) {
        Ok(raw) => Some(raw),
        Err(err) => {
            diagnostics.push(Diagnostic::new(
                Code::InvalidClusterYaml,
                layout::CONFIG_FILE,
                format!("could not parse cluster.yaml: {err}"),
            ));
            None
        }
    }
}

/// What the header settles for the rest of the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// `state.lock`, default `true`.
    pub state_lock: bool,
    /// The parsed `storage:` root; `None` when absent or invalid (an invalid one is an error).
    pub storage: Option<StorageRoot>,
}

/// Header checks (§2.5.4), then the storage root.
pub fn check_header(raw: &RawClusterConfig, diagnostics: &mut Vec<Diagnostic>) -> Header {
    if raw.version != 1 {
        diagnostics.push(Diagnostic::new(
            Code::UnsupportedClusterConfigVersion,
            "version",
            format!(
                "unsupported cluster config version {}; this build supports version 1",
                raw.version
            ),
        ));
    }
    if raw
        .metadata
        .name
        .as_deref()
        .is_some_and(|name| name.trim().is_empty())
    {
        diagnostics.push(Diagnostic::new(
            Code::EmptyMetadataName,
            "metadata.name",
            "metadata.name must not be empty when provided",
        ));
    }
    if raw
        .state
        .backend
        .as_deref()
        .is_some_and(|backend| backend != "cluster")
    {
        diagnostics.push(Diagnostic::new(
            Code::UnsupportedStateBackend,
            "state.backend",
            "Stage 2C supports only omitted state.backend or `cluster`",
        ));
    }
    let storage = raw.storage.as_deref().and_then(|text| {
        storage::parse(text)
            .map_err(|message| {
                diagnostics.push(Diagnostic::new(
                    Code::InvalidStorageRoot,
                    "storage",
                    message,
                ))
            })
            .ok()
    });
    Header {
        state_lock: raw.state.lock.unwrap_or(true),
        storage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn parse_str(text: &str) -> (Option<RawClusterConfig>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let raw = parse_text(text, &mut diagnostics);
        (raw, diagnostics)
    }

    #[test]
    fn unknown_field_text_matches_serde_yaml() {
        let (raw, diags) = parse_str("version: 1\ngraphs: {}\nwat: true\n");
        assert!(raw.is_none());
        assert_eq!(
            diags[0].message,
            "could not parse cluster.yaml: unknown field `wat`, expected one of `version`, `metadata`, `storage`, `state`, `graphs`, `policies` at line 3 column 1"
        );
    }

    /// serde names the expected type in parse errors, so every type of §4.1 carries the
    /// reference's name; each is pinned by feeding a wrong type at its spot.
    #[test]
    fn parse_errors_name_the_reference_types() {
        let message = |text: &str| parse_str(text).1[0].message.clone();
        let cases = [
            (
                "x\n",
                "invalid type: string \"x\", expected struct RawClusterConfig",
            ),
            (
                "version: 1\nmetadata: x\n",
                "metadata: invalid type: string \"x\", expected struct Metadata at line 2 column 11",
            ),
            (
                "version: 1\nstate: x\n",
                "state: invalid type: string \"x\", expected struct StateConfig at line 2 column 8",
            ),
            (
                "version: 1\ngraphs:\n  g: x\n",
                "graphs.g: invalid type: string \"x\", expected struct GraphConfig at line 3 column 6",
            ),
            (
                "version: 1\ngraphs:\n  g:\n    schema: s\n    queries:\n      q: x\n",
                "graphs.g.queries.q: invalid type: string \"x\", expected struct QueryConfig at line 6 column 10",
            ),
            (
                "version: 1\npolicies:\n  p: x\n",
                "policies.p: invalid type: string \"x\", expected struct PolicyConfig at line 3 column 6",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(
                message(text),
                format!("could not parse cluster.yaml: {expected}"),
                "{text:?}"
            );
        }
    }

    /// A config of one graph `g` whose `queries:` is followed by `queries`.
    fn with_queries(queries: &str) -> (Option<RawClusterConfig>, Vec<Diagnostic>) {
        parse_str(&format!(
            "version: 1\ngraphs:\n  g:\n    schema: s.pg\n    queries:{queries}\n"
        ))
    }

    /// `graphs.<id>.queries` in its three forms (issue 19): the map reads and digests as it
    /// always did; a string is a path, a sequence a list of paths, both digested as written.
    #[test]
    fn queries_take_a_map_a_path_or_a_list() {
        let graph = |queries: &str| {
            let (raw, diags) = with_queries(queries);
            assert!(diags.is_empty(), "{queries:?}: {diags:?}");
            let raw = raw.expect("parsed");
            let json = raw.digest_json();
            let digested = json
                .split_once(r#""queries":"#)
                .and_then(|(_, rest)| rest.strip_suffix("}},\"policies\":{}}"))
                .expect("queries in the digest")
                .to_string();
            (raw.graphs["g"].queries.clone(), digested)
        };
        let map = |entries: &[(&str, &str)]| {
            QueriesConfig::Map(
                entries
                    .iter()
                    .map(|(name, file)| (name.to_string(), QueryConfig { file: file.into() }))
                    .collect(),
            )
        };
        let path = |p: &str| std::path::PathBuf::from(p);
        let cases = [
            ("", map(&[]), "{}"),
            (" {}", map(&[]), "{}"),
            (" ~", map(&[]), "{}"),
            (" null", map(&[]), "{}"),
            (
                "\n      q: {file: q.gq}",
                map(&[("q", "q.gq")]),
                r#"{"q":{"file":"q.gq"}}"#,
            ),
            (
                " queries/",
                QueriesConfig::Path(path("queries/")),
                r#""queries/""#,
            ),
            (
                " 'a b.gq'",
                QueriesConfig::Path(path("a b.gq")),
                r#""a b.gq""#,
            ),
            (" \"123\"", QueriesConfig::Path(path("123")), r#""123""#),
            (
                " [people.gq, extra/]",
                QueriesConfig::List(vec![path("people.gq"), path("extra/")]),
                r#"["people.gq","extra/"]"#,
            ),
            (
                "\n      - b.gq\n      - 7",
                QueriesConfig::List(vec![path("b.gq"), path("7")]),
                r#"["b.gq","7"]"#,
            ),
            (" []", QueriesConfig::List(Vec::new()), "[]"),
            // A local tag is ignored, as on a map.
            (" !dir q/", QueriesConfig::Path(path("q/")), r#""q/""#),
        ];
        for (yaml, expected, digested) in cases {
            assert_eq!(graph(yaml), (expected, digested.to_string()), "{yaml:?}");
        }
    }

    /// What none of the three forms is stays `invalid_cluster_yaml`, with serde_yaml's text
    /// naming the forms; inside a map or a list the usual paths and positions.
    #[test]
    fn queries_of_no_form_are_invalid() {
        let message = |queries: &str| {
            let (raw, diags) = with_queries(&format!(" {queries}"));
            assert!(raw.is_none(), "{queries:?}");
            assert_eq!(diags.len(), 1, "{diags:?}");
            assert_eq!(diags[0].code, Code::InvalidClusterYaml);
            diags[0].message.clone()
        };
        let expected = "a map of queries, a path or a list of paths";
        let cases = [
            ("true", format!("graphs.g.queries: invalid type: boolean `true`, expected {expected} at line 5 column 14")),
            ("5", format!("graphs.g.queries: invalid type: integer `5`, expected {expected} at line 5 column 14")),
            ("1.5", format!("graphs.g.queries: invalid type: floating point `1.5`, expected {expected} at line 5 column 14")),
            ("[{a: b}]", "graphs.g.queries[0]: invalid type: map, expected path string at line 5 column 15".to_string()),
            ("[a.gq, [b]]", "graphs.g.queries[1]: invalid type: sequence, expected path string at line 5 column 21".to_string()),
            ("{q: x}", "graphs.g.queries.q: invalid type: string \"x\", expected struct QueryConfig at line 5 column 18".to_string()),
            ("{q: {file: a, wat: 1}}", "graphs.g.queries.q: unknown field `wat`, expected `file` at line 5 column 28".to_string()),
        ];
        for (queries, text) in cases {
            assert_eq!(
                message(queries),
                format!("could not parse cluster.yaml: {text}"),
                "{queries:?}"
            );
        }
    }

    /// A graph as it was before issue 19, with the map as the only form of `queries`.
    mod before {
        use super::QueryConfig;
        use serde::{Deserialize, Serialize};
        use std::collections::BTreeMap;

        #[derive(Debug, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct GraphConfig {
            schema: std::path::PathBuf,
            #[serde(default)]
            queries: BTreeMap<String, QueryConfig>,
        }
    }

    /// Every text the map-only structure read, the three-form one reads to the same digested
    /// JSON; every text it rejected for another reason than the value of `queries` itself, the
    /// three-form one rejects with the same words, path and position.
    #[test]
    fn the_map_form_reads_and_errs_as_before() {
        type Graphs<G> = BTreeMap<String, G>;
        let graphs = [
            "g:\n  schema: s\n  queries:\n    q:\n      file: a\n    r: {file: b}\n",
            "g: {schema: s, queries: {q: {file: a}}}\n",
            "g:\n  schema: s\n  queries:\n",
            "g:\n  queries:\n  schema: s\n",
            "g:\n  schema: s\n  queries: {}\n",
            "g:\n  schema: s\n",
            "g:\n  schema: s\n  queries:\n    q: x\n",
            "g:\n  schema: s\n  queries:\n    q:\n      file: a\n      wat: 1\n",
            "g:\n  schema: s\n  queries:\n    q: {}\n",
            "g:\n  schema: s\n  queries:\n    q:\n      file: [a]\n",
            "g:\n  queries:\n    q: {file: a}\n",
            "g:\n  schema: s\n  queries:\n    ? [a]\n    : {file: a}\n",
            "g:\n  schema: s\n  queries:\n    1: {file: a}\n    ~: {file: b}\n",
            "g:\n  schema: s\n  queries: &a\n    q: {file: a}\nh:\n  schema: s\n  queries: *a\n",
            "g:\n  schema: s\n  queries: !!map\n    q: {file: a}\n",
            "g:\n  schema: s\n  queries: !local\n    q: {file: a}\n",
            "g:\n  schema: s\n  queries: !local\n",
            "g:\n  schema: s\n  queries: !local {q: x}\n",
            "g:\n  schema: s\n  queries:\n    q: {file: a}\n  wat: 1\n",
            "g:\n  schema: s\n  queries:\n    q: {file: a}\n    q: {file: b}\n",
            "g:\n  schema: s\n  queries:\n    <<: {q: {file: a}}\n",
            "g:\n  schema: s\n  queries:\n    q:\n      file: a\n   r: {file: b}\n",
            "g:\n  schema: s\n  queries: {q: {file: a}, [}\n",
        ];
        for text in graphs {
            let before = serde_yaml::from_str::<Graphs<before::GraphConfig>>(text);
            let now = serde_yaml::from_str::<Graphs<GraphConfig>>(text);
            match (before, now) {
                (Ok(before), Ok(now)) => assert_eq!(
                    serde_json::to_string(&before).expect("json"),
                    serde_json::to_string(&now).expect("json"),
                    "{text}"
                ),
                (Err(before), Err(now)) => {
                    assert_eq!(before.to_string(), now.to_string(), "{text}")
                }
                (before, now) => panic!("{text}\nbefore: {before:?}\nnow: {now:?}"),
            }
        }
    }

    /// `storage:` is digested only when present, so configs without it keep their digest.
    #[test]
    fn storage_is_digested_only_when_present() {
        let (raw, _) = parse_str("version: 1\n");
        assert!(!raw.expect("parsed").digest_json().contains("storage"));
        let (raw, diags) = parse_str("version: 1\nstorage: s3://b/p\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            raw.expect("parsed").digest_json(),
            r#"{"version":1,"metadata":{"name":null},"storage":"s3://b/p","state":{"backend":null,"lock":null},"graphs":{},"policies":{}}"#
        );
    }

    #[test]
    fn invalid_storage_is_a_header_error_after_the_backend() {
        let (raw, _) = parse_str("version: 1\nstorage: gs://b\nstate: {backend: x}\n");
        let mut diags = Vec::new();
        let header = check_header(&raw.expect("parsed"), &mut diags);
        assert_eq!(header.storage, None);
        let found: Vec<_> = diags.iter().map(|d| (d.code, d.path.as_str())).collect();
        assert_eq!(
            found,
            [
                (Code::UnsupportedStateBackend, "state.backend"),
                (Code::InvalidStorageRoot, "storage")
            ]
        );
    }

    #[test]
    fn empty_values_act_as_defaults() {
        let (raw, diags) = parse_str("version: 1\ngraphs:\npolicies:\n");
        assert!(diags.is_empty(), "{diags:?}");
        let raw = raw.expect("parsed");
        assert!(raw.graphs.is_empty());
        assert_eq!(
            raw.digest_json(),
            r#"{"version":1,"metadata":{"name":null},"state":{"backend":null,"lock":null},"graphs":{},"policies":{}}"#
        );
    }

    #[test]
    fn scalar_accepted_as_path() {
        let (raw, diags) = parse_str("version: 1\ngraphs:\n  g:\n    schema: 123\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            raw.expect("parsed").graphs["g"].schema,
            std::path::PathBuf::from("123")
        );
    }

    #[test]
    fn header_checks_in_order() {
        let (raw, _) =
            parse_str("version: 2\nmetadata: {name: \"  \"}\nstate: {backend: s3, lock: false}\n");
        let mut diags = Vec::new();
        let header = check_header(&raw.expect("parsed"), &mut diags);
        assert!(!header.state_lock);
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            vec![
                "unsupported_cluster_config_version",
                "empty_metadata_name",
                "unsupported_state_backend"
            ]
        );
    }

    /// `parse_text` as it was before large texts were parsed in sections.
    fn reference_parse_text(text: &str) -> (Option<RawClusterConfig>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let too_deep = scan::flow_nesting_exceeds(text, scan::MAX_FLOW_DEPTH);
        let mut scan_errors = scan::duplicate_keys(text);
        scan_errors.extend(scan::reserved_fields(text, too_deep.is_some()));
        if !scan_errors.is_empty() {
            return (None, scan_errors);
        }
        if let Some((line, column)) = too_deep {
            diagnostics.push(Diagnostic::new(
                Code::InvalidClusterYaml,
                layout::CONFIG_FILE,
                format!(
                    "could not parse cluster.yaml: flow collections nest deeper than {} levels at line {line} column {column}",
                    scan::MAX_FLOW_DEPTH
                ),
            ));
            return (None, diagnostics);
        }
        match serde_yaml::from_str::<RawClusterConfig>(text) {
            Ok(raw) => (Some(raw), diagnostics),
            Err(err) => {
                diagnostics.push(Diagnostic::new(
                    Code::InvalidClusterYaml,
                    layout::CONFIG_FILE,
                    format!("could not parse cluster.yaml: {err}"),
                ));
                (None, diagnostics)
            }
        }
    }

    /// A config larger than a section, in the layout `benches/support/perfgen.rs` writes.
    fn large_config(graphs: usize, queries: usize) -> String {
        let mut yaml = String::from("version: 1\nmetadata:\n  name: perf\ngraphs:\n");
        for g in 0..graphs {
            yaml.push_str(&format!("  g{g}:\n    schema: ./g{g}.pg\n    queries:\n"));
            for q in 0..queries {
                yaml.push_str(&format!("      q{q}:\n        file: ./g{g}/q{q}.gq\n"));
            }
        }
        yaml.push_str("policies:\n  p:\n    file: ./p.policy.yaml\n    applies_to: [cluster]\n");
        yaml
    }

    /// Large texts go through `sections`; the config and every diagnostic stay what the
    /// whole-document parse gives, errors with their paths and positions included.
    #[test]
    fn large_configs_parse_as_before() {
        let base = large_config(4, 800);
        assert!(base.len() > sections::CHUNK_BYTES);
        let last_query = "        file: ./g3/q799.gq\n";
        let deep = format!("metadata: {}{}\n", "[".repeat(1001), "]".repeat(1001));
        let edits: &[(&str, &str)] = &[
            ("", ""),
            (last_query, "        file: ./g3/q799.gq\n        wat: 1\n"),
            (last_query, "        file: [x]\n"),
            ("  g2:\n", "  g2:\n    wat: 1\n"),
            ("  g2:\n", "  \"g1\": {schema: x}\n  g2:\n"),
            ("  g2:\n", "  g2:\n    queries: {}\n"),
            ("      q5:\n", "      q5: x\n"),
            ("version: 1\n", ""),
            ("version: 1\n", "version: 1\nui: {}\n"),
            ("version: 1\n", "version: 1\n\"u\\x69\": {}\n"),
            ("version: 1\n", "version: 1\nwat: 1\n"),
            // Contains `ui` and `apply` without being reserved keys.
            ("      q5:\n", "      guide_apply:\n"),
            (
                "policies:\n",
                "policies:\n  p2: {file: x, applies_to: [a]}\n",
            ),
            (
                "policies:\n",
                "policies:\n  p:\n    file: x\n    applies_to: []\n",
            ),
            ("metadata:\n", "metadata:\n  name: |\n    x\n"),
            ("metadata:\n", "metadata: {name: a}\nmetadata:\n"),
            ("  g1:\n", "  g1:\n  g1x:\n"),
            ("\n", "\r\n"),
            ("metadata:\n", &deep),
        ];
        for (from, to) in edits {
            let text = if from.is_empty() {
                base.clone()
            } else if *from == "\n" {
                base.replace(from, to)
            } else {
                assert!(base.contains(from), "{from:?}");
                base.replacen(from, to, 1)
            };
            assert_eq!(
                parse_str(&text),
                reference_parse_text(&text),
                "{from:?} -> {to:?}"
            );
        }
        // The untouched text takes the sectioned path and is valid.
        let outline = sections::outline(&base, sections::CHUNK_BYTES).expect("plain subset");
        assert!(outline.is_split() && outline.names_no_reserved_field());
        assert!(parse_str(&base).0.is_some());
    }

    #[test]
    fn yaml_bomb_is_a_diagnostic() {
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 0..9u8 {
            let prev = (b'a' + i) as char;
            let next = (b'b' + i) as char;
            bomb.push_str(&format!(
                "{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        let (raw, diags) = parse_str(&bomb);
        assert!(raw.is_none());
        assert!(!diags.is_empty());
    }
}
