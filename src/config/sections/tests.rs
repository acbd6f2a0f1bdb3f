//! The piecewise parse must return exactly the whole-document parse's config, or nothing.
//!
//! - targeted tests: large generated configs are split and agree; every trigger of the fallback
//!   declines;
//! - `generated_texts_agree`: seeded cluster.yaml texts in many layouts, valid and broken, at
//!   several piece sizes: whenever the pieces give a config it equals the whole parse's;
//! - `plain_texts_take_the_fast_path`: texts in the plain subset are split and parsed (so the
//!   property above is not satisfied by declining everything);
//! - `no_reserved_field_is_exact`: the outline's reserved-field answer matches the full check.
//!
//! `PROPTEST_CASES` sets the number of seeds per property (default 1024).

use super::*;
use crate::config::scan;
use proptest::prelude::*;

fn full(text: &str) -> Result<RawClusterConfig, String> {
    serde_yaml::from_str(text).map_err(|err| err.to_string())
}

fn fast(text: &str, budget: usize) -> Option<RawClusterConfig> {
    outline(text, budget).and_then(|outline| parse(text, &outline))
}

/// The property every test below relies on: the pieces give the whole parse's config or nothing.
#[track_caller]
fn assert_agrees(text: &str, budget: usize) -> Option<RawClusterConfig> {
    let fast = fast(text, budget);
    if let Some(config) = &fast {
        assert_eq!(Ok(config), full(text).as_ref(), "budget {budget}:\n{text}");
    }
    fast
}

/// The config `benches/support/perfgen.rs` writes, without the files it names.
fn perfgen(graphs: usize, queries: usize, policies: usize) -> String {
    let mut yaml = String::from("version: 1\nmetadata:\n  name: perf\ngraphs:\n");
    for g in 0..graphs {
        let gid = format!("g{g:03}");
        yaml.push_str(&format!(
            "  {gid}:\n    schema: ./{gid}/schema.pg\n    queries:\n"
        ));
        for q in 0..queries {
            yaml.push_str(&format!(
                "      q{q:04}:\n        file: ./{gid}/q{q:04}.gq\n"
            ));
        }
    }
    yaml.push_str("policies:\n");
    for p in 0..policies {
        let target = if p == 0 {
            "cluster".to_string()
        } else {
            format!("g{:03}", p % graphs.max(1))
        };
        yaml.push_str(&format!(
            "  p{p:02}:\n    file: ./p{p:02}.policy.yaml\n    applies_to: [{target}]\n"
        ));
    }
    yaml
}

const SMALL: &str = "\
# a comment before everything
version: 1
metadata:
  name: small
graphs:
  # the people graph
  people:
    schema: ./people.pg
    queries:
      by_name:
        file: ./by_name.gq
      'quoted key': {file: \"./q 2.gq\"}   # trailing comment
      3:
        file: 3.gq

  org: {schema: ./org.pg, queries: {all: {file: ./all.gq}}}
policies:
  read:
    file: ./read.policy.yaml
    applies_to: [people, org]
  write:
    file: ./write.policy.yaml
    applies_to:
    - people
    -   org
state:
  lock: false
";

#[test]
fn generated_configs_are_split_and_agree() {
    for (text, budgets) in [
        (perfgen(3, 40, 3), vec![0, 1, 100, 1000, 4096, 1 << 20]),
        (SMALL.to_string(), vec![0, 1, 10, 100, 1000]),
    ] {
        for budget in budgets {
            let config = assert_agrees(&text, budget);
            assert!(config.is_some(), "declined at budget {budget}:\n{text}");
        }
    }
}

#[test]
fn the_50k_config_is_cut_into_bounded_pieces() {
    let text = perfgen(20, 2500, 20);
    assert!(text.len() > 2_000_000);
    let outline = outline(&text, CHUNK_BYTES).expect("plain subset");
    // Each graph (about 107 KB) is larger than a piece: its skeleton, then runs of queries.
    let graphs = outline
        .pieces
        .iter()
        .filter(|piece| matches!(piece, Piece::Graph { .. }))
        .count();
    assert_eq!(graphs, 20);
    // A run ends at the first entry past the budget; entries here are under 64 bytes.
    let largest = outline.pieces.iter().map(Piece::len).max().unwrap_or(0);
    assert!(largest <= CHUNK_BYTES + 64, "largest piece {largest}");
    assert!(outline.names_no_reserved_field());
    assert_eq!(parse(&text, &outline), full(&text).ok());
}

#[test]
fn one_huge_graph_is_split_between_its_queries() {
    let text = perfgen(1, 5000, 1);
    let outline = outline(&text, CHUNK_BYTES).expect("plain subset");
    let queries = outline
        .pieces
        .iter()
        .filter(|piece| matches!(piece, Piece::Queries(_)))
        .count();
    assert!(queries >= 3, "{:?}", outline.pieces);
    assert_eq!(parse(&text, &outline), full(&text).ok());
}

#[test]
fn small_graphs_are_parsed_in_runs() {
    let text = perfgen(200, 3, 50);
    let outline = outline(&text, 4096).expect("plain subset");
    assert!(
        outline
            .pieces
            .iter()
            .all(|piece| matches!(piece, Piece::Graphs(_) | Piece::Policies(_)))
    );
    assert!(outline.pieces.len() < 20, "{}", outline.pieces.len());
    assert_eq!(parse(&text, &outline), full(&text).ok());
}

/// A graph whose `queries:` is a path or a list of paths (issue 19) has no entries to split: it
/// stays whole in a run, however large, indentless list or not; a map beside it still splits.
#[test]
fn path_and_list_forms_stay_whole() {
    for item_indent in ["    ", "      "] {
        let mut text = String::from("version: 1\ngraphs:\n  a:\n    schema: s\n    queries:\n");
        for i in 0..400 {
            text.push_str(&format!("{item_indent}- ./lists/q{i:04}.gq\n"));
        }
        text.push_str("    # after the list\n  b:\n    schema: s\n    queries: dir/\n");
        text.push_str("  c:\n    queries:\n");
        for i in 0..400 {
            text.push_str(&format!("      q{i:04}:\n        file: ./c/q{i:04}.gq\n"));
        }
        text.push_str("    schema: s\n");
        let outline = outline(&text, 1000).expect("plain subset");
        let graph_pieces = outline
            .pieces
            .iter()
            .filter(|piece| matches!(piece, Piece::Graph { .. }))
            .count();
        assert_eq!(graph_pieces, 1, "only `c` is split: {:?}", outline.pieces);
        let config = parse(&text, &outline).expect("parsed in pieces");
        assert_eq!(Ok(&config), full(&text).as_ref());
        let QueriesConfig::List(paths) = &config.graphs["a"].queries else {
            panic!("a list: {:?}", config.graphs["a"].queries);
        };
        assert_eq!(paths.len(), 400);
    }
}

#[test]
fn crlf_line_ends_take_the_fast_path() {
    let text = SMALL.replace('\n', "\r\n");
    assert!(assert_agrees(&text, 0).is_some());
}

/// Each edit of `SMALL` takes the text out of the plain subset: the outline declines, and the
/// whole-document parse decides (whatever it says).
#[test]
fn outside_the_plain_subset_the_outline_declines() {
    let cases: &[(&str, &str, &str)] = &[
        // (what, replace this, with this)
        ("document start", "version: 1", "---\nversion: 1"),
        ("document end", "state:", "...\nstate:"),
        ("directive", "# a comment", "%YAML 1.1\n---"),
        ("anchor", "schema: ./people.pg", "schema: &s ./people.pg"),
        ("alias", "file: ./read.policy.yaml", "file: *s"),
        ("tag", "schema: ./people.pg", "schema: !!str ./people.pg"),
        ("literal block scalar", "name: small", "name: |\n    small"),
        ("folded block scalar", "name: small", "name: >-\n    small"),
        (
            "multi-line double quotes",
            "name: small",
            "name: \"sm\ngraphs:\n  all\"",
        ),
        (
            "multi-line single quotes",
            "name: small",
            "name: 'sm\ngraphs: x'",
        ),
        (
            "multi-line plain",
            "name: small",
            "name: small\n    and more",
        ),
        (
            "multi-line flow",
            "applies_to: [people, org]",
            "applies_to: [people,\n  org]",
        ),
        ("tab indentation", "  name: small", "\tname: small"),
        ("tab in a value", "name: small", "name: sm\tall"),
        ("lone CR", "name: small", "name: sm\rall"),
        ("BOM", "# a comment", "\u{feff}# a comment"),
        ("NEL", "name: small", "name: sm\u{85}all"),
        ("LS", "name: small", "name: sm\u{2028}all"),
        ("C1 control", "name: small", "name: sm\u{90}all"),
        ("explicit key", "version: 1", "? version\n: 1"),
        ("top-level sequence item", "version: 1", "- version: 1"),
        ("first key indented", "version: 1", " version: 1"),
        ("entry shallower than the first", "  org:", " org:"),
        (
            "graph field shallower than the first",
            "    queries:\n      by_name",
            "   queries:\n      by_name",
        ),
        ("query shallower than the first", "      3:", "     3:"),
        (
            "graphs twice",
            "policies:",
            "graphs:\n  x: {schema: x}\npolicies:",
        ),
        ("sequence item as a graph entry", "  org:", "  - org:"),
        (
            "item among graph fields",
            "    schema: ./people.pg",
            "    - x",
        ),
        ("item among queries", "      3:", "      - 3:"),
        ("deep flow", "[people, org]", "[[[[[people]]]], org]"),
        ("multi-word flow scalar", "[people, org]", "[people x, org]"),
        (
            "flow quote after a word",
            "[people, org]",
            "[pe\"ople\", org]",
        ),
        ("hash without a space", "name: small", "name: sm#all"),
        ("ampersand in a plain value", "name: small", "name: R&D"),
        ("space before a colon", "version: 1", "version : 1"),
        ("colon inside a key", "version: 1", "ver:sion: 1"),
        ("mapping in a value", "name: small", "name: a: b"),
        ("junk after quotes", "'quoted key'", "'quoted' key"),
        (
            "comment glued to quotes",
            "file: \"./q 2.gq\"}",
            "file: \"./q 2.gq\"}#x",
        ),
        ("plain starting with a dash", "name: small", "name: -small"),
        (
            "unclosed flow",
            "{schema: ./org.pg, ",
            "{schema: ./org.pg,\n",
        ),
    ];
    assert!(outline(SMALL, 0).is_some());
    for (what, from, to) in cases {
        assert!(SMALL.contains(from), "{what}: {from:?} not in the text");
        let text = SMALL.replacen(from, to, 1);
        assert_eq!(outline(&text, 0), None, "{what}:\n{text}");
        assert_agrees(&text, 0);
    }
}

/// With the outline in hand, these decline at parse time, and the whole parse decides.
#[test]
fn parse_declines_what_serde_or_the_assembly_rejects() {
    let cases: &[(&str, &str, &str, bool)] = &[
        // (what, replace, with, whether the whole parse succeeds)
        (
            "graph key repeated across pieces",
            "  org:",
            "  \"people\": {schema: x}\n  org:",
            true,
        ),
        (
            "query key repeated across pieces",
            "      3:",
            "      \"by_name\": {file: x}\n      3:",
            true,
        ),
        (
            "policy key repeated across pieces",
            "  write:",
            "  'read': {file: x, applies_to: []}\n  write:",
            true,
        ),
        (
            "unknown graph field",
            "    queries:\n",
            "    wat: 1\n    queries:\n",
            false,
        ),
        (
            "unknown query field",
            "file: 3.gq",
            "file: 3.gq\n        wat: 1",
            false,
        ),
        (
            "unknown policy field",
            "    applies_to: [",
            "    wat: 1\n    applies_to: [",
            false,
        ),
        ("missing version", "version: 1\n", "", false),
        (
            "graphs also quoted",
            "state:",
            "\"graphs\": {}\nstate:",
            false,
        ),
        (
            "queries twice",
            "    queries:\n",
            "    \"queries\": {}\n    queries:\n",
            false,
        ),
        ("scalar query", "        file: 3.gq\n", "", false),
        ("unknown top-level field", "state:", "wat: 1\nstate:", false),
    ];
    for (what, from, to, whole_parses) in cases {
        assert!(SMALL.contains(from), "{what}: {from:?} not in the text");
        let text = SMALL.replacen(from, to, 1);
        assert!(
            outline(&text, 0).is_some(),
            "{what}: the outline declined\n{text}"
        );
        assert_eq!(fast(&text, 0), None, "{what}:\n{text}");
        assert_eq!(
            full(&text).is_ok(),
            *whole_parses,
            "{what}: {:?}",
            full(&text)
        );
    }
}

/// Layouts in the subset whose meaning depends on more than one line: the pieces must read them
/// as the whole document does.
#[test]
fn multi_line_meanings_agree() {
    let cases: &[(&str, bool)] = &[
        // A plain scalar continued by a deeper line that looks like a sequence item.
        (
            "version: 1\ngraphs:\n  g:\n    schema: foo\n      - bar\n    queries:\n      q:\n        file: a\n          - b\n",
            true,
        ),
        // Fields after `queries:`; a comment at column 0 inside the entries.
        (
            "version: 1\ngraphs:\n  g:\n    queries:\n      q: {file: a}\n# c\n      r: {file: b}\n    schema: x\n  h: {schema: y}\n",
            true,
        ),
        // An indentless sequence, and one at a deeper level.
        (
            "version: 1\npolicies:\n  p:\n    file: x\n    applies_to:\n    - a\n    -   b\n  q:\n    applies_to:\n        - c\n    file: y\n",
            true,
        ),
        // An empty entry followed by its would-be fields at the entry level: no schema.
        ("version: 1\ngraphs:\n  g:\n  schema: x\n", false),
        // A value on the key line and fields below it.
        ("version: 1\ngraphs:\n  g: x\n    schema: y\n", false),
        // A sequence item continuing a plain scalar that holds a colon.
        (
            "version: 1\ngraphs:\n  g:\n    schema: s3://x\n     - y\n",
            true,
        ),
    ];
    for (text, valid) in cases {
        assert_eq!(full(text).is_ok(), *valid, "{text}\n{:?}", full(text));
        for budget in [0, 1, 1000] {
            let fast = assert_agrees(text, budget);
            if *valid {
                assert!(fast.is_some(), "declined at budget {budget}:\n{text}");
            }
        }
    }
    let schema = |text: &str| full(text).map(|config| config.graphs["g"].schema.clone());
    assert_eq!(schema(cases[0].0), Ok("foo - bar".into()));
    assert_eq!(schema(cases[5].0), Ok("s3://x - y".into()));
}

#[test]
fn nothing_to_split_declines() {
    for text in [
        "",
        "# only a comment\n",
        "version: 1\n",
        "version: 1\ngraphs:\npolicies:\n",
        "version: 1\ngraphs: {g: {schema: x}}\n",
        "version: 1\ngraphs:\n  # nothing\n",
    ] {
        assert_eq!(fast(text, 0), None, "{text:?}");
    }
}

#[test]
fn the_line_classifier() {
    let key = |indent, plain, open| {
        Some(Line::Key {
            indent,
            plain,
            open,
        })
    };
    let cases = [
        ("", Some(Line::Blank)),
        ("   ", Some(Line::Blank)),
        ("  # c", Some(Line::Blank)),
        ("a:", key(0, Some("a"), true)),
        ("a: # c", key(0, Some("a"), true)),
        ("  a b: c d  # e", key(2, Some("a b"), false)),
        ("a: s3://b/p", key(0, Some("a"), false)),
        ("\"a\": 1", key(0, None, false)),
        ("'a''b': 'c''d'", key(0, None, false)),
        ("a: \"x\\\"y\"", key(0, Some("a"), false)),
        ("a: {b: [c, 'd', \"e\"], f: {}}", key(0, Some("a"), false)),
        ("a: []", key(0, Some("a"), false)),
        ("  - x", Some(Line::Item { indent: 2 })),
        ("  -", Some(Line::Item { indent: 2 })),
        ("- [a, b]", Some(Line::Item { indent: 0 })),
        ("a:b", None),
        ("a", None),
        ("-a", None),
        ("- a: b", None),
        ("- - a", None),
        ("a: 'x", None),
        ("a: \"x\\", None),
        ("a: [x", None),
        ("a: [x]]", None),
        ("a: [x}", None),
        ("a: {x: y} z", None),
        ("a: \"x\"y", None),
        ("a: x:", None),
        ("a: |", None),
        ("a: >", None),
        ("a: &x y", None),
        ("a: *x", None),
        ("a: !t y", None),
        ("a: @x", None),
        ("a: `x`", None),
        ("a: %x", None),
        ("? a", None),
        (": a", None),
        ("[a]: b", None),
        ("{a: b}", None),
        ("...", None),
        ("--- a", None),
    ];
    for (line, expected) in cases {
        assert_eq!(classify(line), expected, "{line:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Generated texts

/// splitmix64: reproducible texts from one seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Scalars in the plain subset, as paths and names.
const PLAIN_VALUES: &[&str] = &[
    "./a.pg",
    "a b",
    "123",
    "0x1F",
    "1.5e3",
    "true",
    "no",
    "~",
    "null",
    "s3://b/p",
    "ü/ñ.gq",
    "a-b_c.d",
    "x:y",
    "\"./q.gq\"",
    "\"a # b\"",
    "\"a: b\"",
    "\"\\x41\\u00e9\\t\"",
    "\"\"",
    "\"it's\"",
    "\"[x]\"",
    "'./a.pg'",
    "'it''s'",
    "'#'",
    "''",
];

/// Scalars outside the plain subset (or invalid).
const ODD_VALUES: &[&str] = &[
    "-",
    "-1",
    "R&D",
    "a#b",
    "x: y",
    "@x",
    "|\n  block",
    ">\n  folded",
    "&a x",
    "*a",
    "!!str x",
    "\"multi\n  line\"",
    "'multi\nline'",
    "[a,\n b]",
    "\"\\q\"",
    "[a, b]",
    "{a: b}",
];

const PLAIN_KEYS: &[&str] = &[
    "g", "people", "org", "1", "true", "null", "~", "a b", "ü", "queries", "schema", "file",
    "\"g 1\"", "'g 2'", "\"#\"", "x.y",
];

const ODD_KEYS: &[&str] = &["-x", "x:y", "? x", "&a x", "[a]", "\"\"", "g # c"];

/// How one generated text is written.
struct Writer {
    rng: Rng,
    out: String,
    /// Indentation per level.
    step: usize,
    /// Only the plain subset, unique keys, consistent indentation, no mutations.
    plain: bool,
    used_keys: Vec<String>,
}

impl Writer {
    fn new(seed: u64, plain: bool) -> Self {
        let mut rng = Rng(seed);
        let step = 1 + rng.below(4);
        Writer {
            rng,
            out: String::new(),
            step,
            plain,
            used_keys: Vec::new(),
        }
    }

    fn value(&mut self) -> String {
        if !self.plain && self.rng.chance(3) {
            self.rng.pick(ODD_VALUES).to_string()
        } else {
            self.rng.pick(PLAIN_VALUES).to_string()
        }
    }

    /// A key; in plain mode unique among the keys of one map (by their string value).
    fn key(&mut self, prefix: &str) -> String {
        if !self.plain && self.rng.chance(3) {
            return self.rng.pick(ODD_KEYS).to_string();
        }
        loop {
            let key = if self.rng.chance(50) {
                format!("{prefix}{}", self.rng.below(1000))
            } else {
                self.rng.pick(PLAIN_KEYS).to_string()
            };
            if !self.plain {
                return key;
            }
            let value = key.trim_matches(['"', '\'']).to_string();
            if !self.used_keys.contains(&value) {
                self.used_keys.push(value);
                return key;
            }
        }
    }

    fn line(&mut self, level: usize, content: &str) {
        let rng = &mut self.rng;
        if rng.chance(8) {
            self.out.push('\n');
        }
        if rng.chance(8) {
            let depth = rng.below(level * self.step + 3);
            self.out.push_str(&" ".repeat(depth));
            self.out.push_str("# comment: [ { ' \"\n");
        }
        let mut indent = level * self.step;
        if !self.plain && rng.chance(3) {
            indent = (indent + 1).saturating_sub(rng.below(3));
        }
        self.out.push_str(&" ".repeat(indent));
        self.out.push_str(content);
        if rng.chance(10) {
            self.out.push_str(" # trailing");
        }
        self.out.push('\n');
    }

    /// `key:` then the mapping's entries on deeper lines, or a one-line flow mapping.
    fn fields(&mut self, level: usize, key: &str, fields: Vec<(String, Field)>) {
        if self.rng.chance(20) && fields.iter().all(|(_, field)| field.flat()) {
            let body: Vec<String> = fields
                .iter()
                .map(|(name, field)| format!("{name}: {}", field.flow()))
                .collect();
            self.line(level, &format!("{key}: {{{}}}", body.join(", ")));
            return;
        }
        self.line(level, &format!("{key}:"));
        for (name, field) in fields {
            match field {
                Field::Scalar(value) => self.line(level + 1, &format!("{name}: {value}")),
                Field::Empty => self.line(level + 1, &format!("{name}:")),
                Field::List(items) => {
                    if self.rng.chance(50) && items.iter().all(|item| flat(item)) {
                        self.line(level + 1, &format!("{name}: [{}]", items.join(", ")));
                    } else {
                        self.line(level + 1, &format!("{name}:"));
                        let item_level = level + 1 + usize::from(self.rng.chance(50));
                        for item in items {
                            self.line(item_level, &format!("- {item}"));
                        }
                    }
                }
                Field::Map(entries) => {
                    self.line(level + 1, &format!("{name}:"));
                    for (key, entry) in entries {
                        self.fields(level + 2, &key, entry);
                    }
                }
            }
        }
    }

    fn query(&mut self) -> Vec<(String, Field)> {
        let mut fields = vec![("file".to_string(), Field::Scalar(self.value()))];
        if !self.plain && self.rng.chance(5) {
            fields.push(("wat".to_string(), Field::Scalar("1".to_string())));
        }
        if !self.plain && self.rng.chance(5) {
            fields.clear();
        }
        fields
    }

    fn graph(&mut self) -> Vec<(String, Field)> {
        let mut fields = Vec::new();
        if self.plain || !self.rng.chance(5) {
            fields.push(("schema".to_string(), Field::Scalar(self.value())));
        }
        let queries = match self.rng.below(8) {
            0 => None,
            1 => Some(Field::Empty),
            2 => Some(Field::Scalar("{}".to_string())),
            // The directory and list forms (issue 19).
            3 => Some(Field::Scalar(self.value())),
            4 => Some(Field::List(
                (0..self.rng.below(4)).map(|_| self.value()).collect(),
            )),
            _ => {
                let saved = std::mem::take(&mut self.used_keys);
                let most = if self.rng.chance(10) { 40 } else { 5 };
                let count = self.rng.below(most);
                let entries = (0..count).map(|_| (self.key("q"), self.query())).collect();
                self.used_keys = saved;
                Some(Field::Map(entries))
            }
        };
        if let Some(queries) = queries {
            fields.push(("queries".to_string(), queries));
        }
        if self.rng.chance(50) {
            fields.reverse();
        }
        fields
    }

    fn policy(&mut self) -> Vec<(String, Field)> {
        let items = (0..self.rng.below(4)).map(|_| self.value()).collect();
        let mut fields = vec![
            ("file".to_string(), Field::Scalar(self.value())),
            ("applies_to".to_string(), Field::List(items)),
        ];
        if self.rng.chance(20) {
            fields[1].1 = Field::Empty;
        }
        if self.rng.chance(50) {
            fields.reverse();
        }
        fields
    }

    /// A whole cluster.yaml.
    fn document(mut self) -> String {
        let mut sections: Vec<&str> = vec!["version", "metadata", "storage", "state", "graphs"];
        sections.push("policies");
        if self.rng.chance(5) {
            sections.push(if self.plain {
                self.rng
                    .pick(&["wat", "ui", "apply", "\"ui\"", "'bindings'"])
            } else {
                self.rng
                    .pick(&["wat", "ui", "\"u\\x69\"", "graphs", "\"graphs\""])
            });
        }
        // Shuffle, then drop some.
        for index in (1..sections.len()).rev() {
            sections.swap(index, self.rng.below(index + 1));
        }
        sections.retain(|section| *section == "version" || !self.rng.chance(20));
        if self.rng.chance(30) {
            self.line(0, "# cluster.yaml");
        }
        for section in sections {
            match section {
                "version" => {
                    let version = if self.rng.chance(90) {
                        "1"
                    } else {
                        self.rng.pick(&["2", "\"1\"", "01", "~", "x", "0x1"])
                    };
                    self.line(0, &format!("version: {version}"));
                }
                "metadata" | "state" => {
                    let names: &[&str] = if section == "metadata" {
                        &["name"]
                    } else {
                        &["backend", "lock"]
                    };
                    let mut fields = Vec::new();
                    for name in names {
                        if self.rng.chance(30) {
                            continue;
                        }
                        let value = if *name == "lock" {
                            let odd = if self.plain { "true" } else { "yes" };
                            self.rng.pick(&["true", "false", "~", "", odd]).to_string()
                        } else {
                            self.value()
                        };
                        fields.push((name.to_string(), Field::Scalar(value)));
                    }
                    self.fields(0, section, fields);
                }
                "storage" => {
                    let value = self.value();
                    self.line(0, &format!("storage: {value}"));
                }
                "graphs" | "policies" => {
                    let count = match self.rng.below(10) {
                        0 => 0,
                        1 => 30 + self.rng.below(30),
                        _ => 1 + self.rng.below(6),
                    };
                    let saved = std::mem::take(&mut self.used_keys);
                    let entries: Vec<(String, Vec<(String, Field)>)> = (0..count)
                        .map(|_| {
                            if section == "graphs" {
                                (self.key("g"), self.graph())
                            } else {
                                (self.key("p"), self.policy())
                            }
                        })
                        .collect();
                    self.used_keys = saved;
                    if entries.is_empty() && self.rng.chance(50) {
                        self.line(0, &format!("{section}: {{}}"));
                        continue;
                    }
                    self.line(0, &format!("{section}:"));
                    for (key, fields) in entries {
                        self.fields(1, &key, fields);
                    }
                }
                other => self.line(0, &format!("{other}: {{}}")),
            }
        }
        self.out
    }
}

/// A field of a generated mapping.
enum Field {
    Scalar(String),
    Empty,
    List(Vec<String>),
    Map(Vec<(String, Vec<(String, Field)>)>),
}

/// A scalar that can be written inside a one-line flow collection of the plain subset.
fn flat(value: &str) -> bool {
    !value.contains([' ', '\n', ':'])
}

impl Field {
    /// Writable inside a one-line flow mapping.
    fn flat(&self) -> bool {
        match self {
            Field::Scalar(value) => flat(value),
            Field::Empty => true,
            Field::List(items) => items.iter().all(|item| flat(item)),
            Field::Map(_) => false,
        }
    }

    fn flow(&self) -> String {
        match self {
            Field::Scalar(value) => value.clone(),
            Field::Empty => String::new(),
            Field::List(items) => format!("[{}]", items.join(", ")),
            Field::Map(_) => String::new(),
        }
    }
}

/// Random edits: delete or insert YAML punctuation, repeat, drop or swap lines.
fn mutate(text: &str, rng: &mut Rng) -> String {
    const INSERTS: &[&str] = &[
        "#",
        ":",
        ": ",
        "- ",
        "\t",
        "\r",
        "\r\n",
        "\n",
        "'",
        "\"",
        "[",
        "]",
        "{",
        "}",
        "&a ",
        "*a",
        "!!str ",
        "|",
        ">",
        "---\n",
        "...\n",
        "? ",
        "%",
        "\u{feff}",
        "\u{85}",
        " ",
        "  ",
        "\n  ",
        "g:",
        "graphs:\n",
        "queries:\n",
        ",",
        "\\",
    ];
    let mut text = text.to_string();
    for _ in 0..1 + rng.below(3) {
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|at| text.is_char_boundary(*at))
            .collect();
        let at = boundaries[rng.below(boundaries.len())];
        match rng.below(5) {
            0 => {
                let mut end = (at + 1 + rng.below(8)).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(at..end, "");
            }
            1 | 2 => text.insert_str(at, rng.pick(INSERTS)),
            _ => {
                let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
                if lines.len() > 1 {
                    let a = rng.below(lines.len());
                    let b = rng.below(lines.len());
                    if rng.chance(50) {
                        lines.swap(a, b);
                    } else {
                        let line = lines[a];
                        lines.insert(b, line);
                    }
                }
                text = lines.concat();
            }
        }
    }
    text
}

const BUDGETS: &[usize] = &[0, 1, 7, 40, 200, 1000, 1 << 20];

fn cases() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(1024);
    ProptestConfig::with_cases(cases)
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn generated_texts_agree(seed in any::<u64>()) {
        let mut rng = Rng(seed ^ 0x5eed);
        let mut text = Writer::new(seed, rng.chance(50)).document();
        if rng.chance(50) {
            text = mutate(&text, &mut rng);
        }
        if rng.chance(10) {
            text = text.replace('\n', "\r\n");
        }
        let budget = BUDGETS[rng.below(BUDGETS.len())];
        if let Some(config) = fast(&text, budget) {
            prop_assert_eq!(Ok(config), full(&text), "seed {} budget {}:\n{}", seed, budget, text);
        }
    }

    #[test]
    fn plain_texts_take_the_fast_path(seed in any::<u64>()) {
        let text = Writer::new(seed, true).document();
        let outline = outline(&text, (seed % 300) as usize);
        prop_assert!(outline.is_some(), "seed {}: outside the subset:\n{}", seed, text);
        let outline = outline.unwrap_or_else(|| unreachable!());
        let pieces = parse(&text, &outline);
        match full(&text) {
            Ok(config) if outline.is_split() => {
                prop_assert_eq!(pieces, Some(config), "seed {}:\n{}", seed, text);
            }
            _ => prop_assert_eq!(pieces, None, "seed {}:\n{}", seed, text),
        }
    }

    #[test]
    fn no_reserved_field_is_exact(seed in any::<u64>()) {
        let mut rng = Rng(seed ^ 0xfee1);
        let mut text = Writer::new(seed, rng.chance(50)).document();
        if rng.chance(30) {
            text = mutate(&text, &mut rng);
        }
        if let Some(outline) = outline(&text, 0) {
            let reserved = scan::reserved_fields(&text, false);
            if outline.names_no_reserved_field() {
                prop_assert!(reserved.is_empty(), "seed {}: {:?}\n{}", seed, reserved, text);
            }
        }
    }
}
