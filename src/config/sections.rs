//! Parsing a large `cluster.yaml` one section at a time.
//!
//! serde_yaml loads every event of a document before deserialising it: for the 2.1 MB config of
//! 50,000 queries that is 25 MiB of heap on top of the text and the 5.4 MiB typed result. This
//! module cuts a plainly formatted config into pieces of about [`CHUNK_BYTES`] at the keys of its
//! big mappings, parses each piece with serde_yaml on its own and assembles the same
//! [`RawClusterConfig`]:
//!
//! - the **skeleton**: the whole text minus the entries of `graphs:` and `policies:`, whose
//!   headers stay behind with an empty value (an empty map to serde);
//! - runs of whole `graphs:` entries, deserialised into the config's `graphs`;
//! - a graph larger than a piece: its own skeleton (the entry minus its `queries:` entries), then
//!   runs of its queries, deserialised into its `queries` (a graph whose `queries:` is a path or
//!   a list of paths, issue 19, has no entries to split and stays whole in a run);
//! - runs of whole `policies:` entries, deserialised into the config's `policies`.
//!
//! The pieces of a split mapping are read exactly as serde reads a `BTreeMap` (`insert`), so the
//! transient cost is one piece's events: about 0.3 MiB instead of 25 MiB for that config.
//!
//! The result must be exactly what `serde_yaml::from_str::<RawClusterConfig>(text)` returns, so
//! the outline accepts only a plain subset of YAML in which every line is self-contained and the
//! block structure follows from indentation alone. Anything else declines (`None`), and so does
//! any serde error in any piece, or a key that two pieces both define: the caller then parses the
//! whole document as before, which also gives every error text its usual path and position.
//!
//! What the subset allows, line by line (`classify`):
//! - blank lines and comment lines, at any indentation;
//! - `KEY:` followed by nothing, a comment, or one single-line value; `- ` followed by nothing,
//!   a comment, or one single-line value;
//! - keys: plain scalars (no indicator first, none of ``#[]{}'"&*!|>%@`,?`` or `: ` inside, no
//!   space before the colon) or single-line quoted scalars;
//! - values: plain scalars (same characters, `:` allowed when not followed by a space), quoted
//!   scalars closed on the same line, and flow collections closed on the same line, at most
//!   `MAX_FLOW_DEPTH` (4) deep, whose items are quoted scalars or single-word plain scalars.
//!
//! So no block scalars, anchors, aliases, tags, directives, document markers, explicit keys,
//! multi-line quoted or flow nodes; and no tab, lone CR, NEL, LS, PS, BOM or control character
//! anywhere in the text (CRLF line ends are fine). The structure adds: the first content line
//! starts at column 0; within a split mapping every content line is at least as deep as its first
//! entry, and lines at the entry depth are keys (`Builder`).
//!
//! Why a piece reads as it does in the whole document: with every line self-contained, no token
//! spans a line break, so a line means the same wherever it is, given the indentation levels
//! open above it. A piece holds whole entries of one mapping, starting at an entry's key line,
//! with no content line shallower than that key; libyaml then opens the same levels from the
//! key's column down in both cases, and the levels above never come into play (a plain scalar
//! continues only on lines deeper than its mapping). The skeleton is the document with those
//! entries removed, which leaves their header with an empty value. Every character of the text
//! goes through exactly one parse, so the reader's character checks see all of it.

use super::raw::{GraphConfig, QueriesConfig, RawClusterConfig};
use super::scan::RESERVED_FIELDS;
use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, Error as _, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

/// Text per piece. serde_yaml's events take about 12 times the text they come from, so a piece
/// costs about 200 KB while it is parsed, and a 2 MB config takes about 130 parser runs (no
/// slower than one: the work per byte is the same). Smaller pieces also leave smaller holes in
/// the heap between the parsed config's allocations. Texts up to this size are parsed whole (the
/// caller checks), exactly as before this module existed.
pub const CHUNK_BYTES: usize = 16 * 1024;

/// Deepest flow collection the outline accepts; a graph written as one flow mapping needs 3.
const MAX_FLOW_DEPTH: usize = 4;

/// Where the pieces of a text are, from [`outline`]; [`parse`] reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    /// The top-level skeleton: the text minus the pieces, in order.
    skeleton: Vec<Range<usize>>,
    pieces: Vec<Piece>,
    /// Every top-level key is a plain scalar, none of them reserved (§2.5.3).
    no_reserved_field: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Whole entries of `graphs:`.
    Graphs(Range<usize>),
    /// One graph entry minus its `queries:` entries (`head` ends where they start).
    Graph {
        head: Range<usize>,
        tail: Range<usize>,
    },
    /// Entries of the `queries:` of the last `Graph` piece.
    Queries(Range<usize>),
    /// Whole entries of `policies:`.
    Policies(Range<usize>),
}

impl Outline {
    /// Whether no top-level key can be one of the reserved names: every top-level key is a plain
    /// scalar (its text is its value) and none of them is reserved. When this holds, the
    /// reserved-field check (a full `serde_yaml::Value` parse) is known to find nothing.
    pub fn names_no_reserved_field(&self) -> bool {
        self.no_reserved_field
    }

    /// Whether [`parse`] would split anything (with no pieces it declines).
    pub fn is_split(&self) -> bool {
        !self.pieces.is_empty()
    }
}

/// The outline of `text` with pieces of about `budget` bytes, or `None` when the text is outside
/// the plain subset described in the module documentation.
pub fn outline(text: &str, budget: usize) -> Option<Outline> {
    if !plain_characters(text) {
        return None;
    }
    let mut builder = Builder {
        budget,
        pieces: Vec::new(),
        cuts: Vec::new(),
        section: None,
        seen_graphs: false,
        seen_policies: false,
        no_reserved_field: true,
    };
    let mut start = 0;
    while start < text.len() {
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |offset| start + offset + 1);
        let content = &text[start..end];
        let content = content.strip_suffix('\n').unwrap_or(content);
        let content = content.strip_suffix('\r').unwrap_or(content);
        builder.line(start, classify(content)?)?;
        start = end;
    }
    builder.close_section(text.len());
    // No content line: not a mapping, serde decides.
    builder.section.as_ref()?;
    let Builder {
        pieces,
        cuts,
        no_reserved_field,
        ..
    } = builder;
    let mut skeleton = Vec::with_capacity(cuts.len() + 1);
    let mut at = 0;
    for cut in &cuts {
        skeleton.push(at..cut.start);
        at = cut.end;
    }
    skeleton.push(at..text.len());
    // Every character must reach serde_yaml in exactly one parse: its reader rejects some
    // characters wherever they are, comments included.
    let covered: usize = skeleton.iter().map(|r| r.len()).sum::<usize>()
        + pieces.iter().map(Piece::len).sum::<usize>();
    (covered == text.len()).then_some(Outline {
        skeleton,
        pieces,
        no_reserved_field,
    })
}

/// Parse `text` piece by piece along `outline` (from [`outline`] on the same text). `None` when
/// nothing is split, when serde_yaml rejects any piece, or when a key comes twice in a split map:
/// the whole-document parse decides those.
pub fn parse(text: &str, outline: &Outline) -> Option<RawClusterConfig> {
    if outline.pieces.is_empty() {
        return None;
    }
    let skeleton: String = outline
        .skeleton
        .iter()
        .map(|range| text.get(range.clone()))
        .collect::<Option<_>>()?;
    let mut raw: RawClusterConfig = serde_yaml::from_str(&skeleton).ok()?;
    drop(skeleton);
    // The skeleton keeps `graphs:` or `policies:` with an empty value when its entries are
    // pieces (serde rejects a second spelling of the key); this holds by construction.
    let policies = |piece: &Piece| matches!(piece, Piece::Policies(_));
    let split_graphs = outline.pieces.iter().any(|piece| !policies(piece));
    let split_policies = outline.pieces.iter().any(policies);
    if (split_graphs && !raw.graphs.is_empty()) || (split_policies && !raw.policies.is_empty()) {
        return None;
    }
    let mut graph: Option<String> = None;
    for piece in &outline.pieces {
        match piece {
            Piece::Graphs(range) => insert(text.get(range.clone())?, &mut raw.graphs)?,
            Piece::Graph { head, tail } => {
                let piece = [text.get(head.clone())?, text.get(tail.clone())?].concat();
                let mut one: BTreeMap<String, GraphConfig> = serde_yaml::from_str(&piece).ok()?;
                let (id, config) = one.pop_first()?;
                if !one.is_empty()
                    || config.queries != QueriesConfig::default()
                    || raw.graphs.contains_key(&id)
                {
                    return None;
                }
                raw.graphs.insert(id.clone(), config);
                graph = Some(id);
            }
            Piece::Queries(range) => {
                // The graph's skeleton read its `queries:` as the empty map (checked above).
                let owner = raw.graphs.get_mut(graph.as_ref()?)?;
                let QueriesConfig::Map(queries) = &mut owner.queries else {
                    return None;
                };
                insert(text.get(range.clone())?, queries)?;
            }
            Piece::Policies(range) => insert(text.get(range.clone())?, &mut raw.policies)?,
        }
    }
    Some(raw)
}

/// Deserialise the mapping `piece` into `map`, as serde does for a `BTreeMap` (same calls into
/// serde_yaml), except that a key already in `map` fails: across pieces we do not guess which of
/// two equal keys wins, and within a piece the whole-document parse keeps the last one, which
/// declining also gets right.
fn insert<V: DeserializeOwned>(piece: &str, map: &mut BTreeMap<String, V>) -> Option<()> {
    InsertNew(map)
        .deserialize(serde_yaml::Deserializer::from_str(piece))
        .ok()
}

struct InsertNew<'a, V>(&'a mut BTreeMap<String, V>);

impl<'de, V: Deserialize<'de>> DeserializeSeed<'de> for InsertNew<'_, V> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, V: Deserialize<'de>> Visitor<'de> for InsertNew<'_, V> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<(), A::Error> {
        while let Some(key) = entries.next_key::<String>()? {
            if self.0.contains_key(&key) {
                return Err(A::Error::custom("key defined twice"));
            }
            let value = entries.next_value()?;
            self.0.insert(key, value);
        }
        Ok(())
    }
}

impl Piece {
    fn len(&self) -> usize {
        match self {
            Piece::Graphs(range) | Piece::Queries(range) | Piece::Policies(range) => range.len(),
            Piece::Graph { head, tail } => head.len() + tail.len(),
        }
    }
}

/// No character that could make libyaml see a line break, an indentation or a stream start that
/// a split at `\n` does not: tab, lone CR, NEL, LS, PS, BOM; and no other control character, so
/// that the line scanner can look at ASCII bytes alone (a multi-byte character is then always
/// printable content to it, and libyaml agrees or rejects the piece that holds it).
fn plain_characters(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(index, &byte)| {
        let next = |offset: usize| bytes.get(index + offset).copied();
        match byte {
            b'\n' => true,
            b'\r' => next(1) == Some(b'\n'),
            0..=0x1f | 0x7f => false,
            // U+0080..U+009F: the C1 controls, NEL among them.
            0xc2 => !matches!(next(1), Some(0x80..=0x9f)),
            // U+2028 and U+2029, LS and PS.
            0xe2 => !(next(1) == Some(0x80) && matches!(next(2), Some(0xa8 | 0xa9))),
            // U+FEFF, the BOM.
            0xef => !(next(1) == Some(0xbb) && next(2) == Some(0xbf)),
            _ => true,
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Lines

/// One line of the plain subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line<'a> {
    /// Only spaces, or a comment.
    Blank,
    /// `KEY:` and an optional value. `plain` is the key's text when it is a plain scalar;
    /// `open` says the value is empty, so the key's content (if any) follows on deeper lines.
    Key {
        indent: usize,
        plain: Option<&'a str>,
        open: bool,
    },
    /// `-` and an optional value.
    Item { indent: usize },
}

/// The line's kind (without its line break), or `None` when it is outside the plain subset.
/// Works on bytes: every character with a meaning here is ASCII, and the bytes of a multi-byte
/// character are never ASCII.
fn classify(line: &str) -> Option<Line<'_>> {
    let bytes = line.as_bytes();
    let indent = bytes.iter().take_while(|b| **b == b' ').count();
    let rest = &bytes[indent..];
    match rest.first() {
        None | Some(b'#') => return Some(Line::Blank),
        Some(b'-') => {
            // `-x` is a plain scalar starting with an indicator (or `---`); declined.
            let after = &rest[1..];
            if after.first().is_some_and(|b| *b != b' ') {
                return None;
            }
            value(after)?;
            return Some(Line::Item { indent });
        }
        Some(_) => {}
    }
    if indent == 0 && rest.starts_with(b"...") {
        return None;
    }
    let (plain, colon) = key(rest)?;
    let open = value(&rest[colon + 1..])?;
    Some(Line::Key {
        indent,
        plain: plain.then(|| &line[indent..indent + colon]),
        open,
    })
}

/// A block key: whether it is plain, and the offset of its `:`, which must be followed by a
/// space or the end of the line.
fn key(rest: &[u8]) -> Option<(bool, usize)> {
    let (plain, colon) = match *rest.first()? {
        b'"' | b'\'' => (false, quoted_end(rest)?),
        first if plain_start(first) => {
            let colon = rest.iter().position(|b| *b == b':')?;
            let text = &rest[..colon];
            if text.ends_with(b" ") || !text.iter().all(|b| plain_byte(*b)) {
                return None;
            }
            (true, colon)
        }
        _ => return None,
    };
    if rest.get(colon) != Some(&b':') || rest.get(colon + 1).is_some_and(|b| *b != b' ') {
        return None;
    }
    Some((plain, colon))
}

/// What follows `:` or `-` (a space or nothing, checked by the callers): more spaces, then
/// nothing, a comment, or one node and then spaces and an optional comment. Returns whether the
/// value is empty.
fn value(after: &[u8]) -> Option<bool> {
    let Some(start) = after.iter().position(|b| *b != b' ') else {
        return Some(true);
    };
    let node = &after[start..];
    let end = match node[0] {
        b'#' => return Some(true),
        b'"' | b'\'' => quoted_end(node)?,
        b'[' | b'{' => flow_end(node)?,
        first if plain_start(first) => plain_end(node)?,
        _ => return None,
    };
    let trailer = &node[end..];
    let spaces = trailer.iter().take_while(|b| **b == b' ').count();
    match trailer.get(spaces) {
        None => Some(false),
        Some(b'#') if spaces > 0 => Some(false),
        Some(_) => None,
    }
}

/// A byte a plain scalar may contain: printable, and none of the characters that YAML gives a
/// meaning somewhere (a conservative list; `:` is up to the callers). Bytes of multi-byte
/// characters pass.
fn plain_byte(byte: u8) -> bool {
    byte >= 0x20
        && byte != 0x7f
        && !matches!(
            byte,
            b'#' | b'['
                | b']'
                | b'{'
                | b'}'
                | b'\''
                | b'"'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'%'
                | b'@'
                | b'`'
                | b','
                | b'?'
                | b':'
        )
}

/// A byte a plain scalar may start with.
fn plain_start(byte: u8) -> bool {
    plain_byte(byte) && byte != b' ' && byte != b'-'
}

/// End of the block plain scalar that starts `node`: the end of the line, or the space before a
/// comment. `None` on `: ` (a mapping inside a value) and on unlisted characters.
fn plain_end(node: &[u8]) -> Option<usize> {
    for (index, &byte) in node.iter().enumerate() {
        let next = node.get(index + 1).copied();
        match byte {
            b' ' if next == Some(b'#') => return Some(index),
            b':' if matches!(next, None | Some(b' ')) => return None,
            b':' => {}
            _ if !plain_byte(byte) => return None,
            _ => {}
        }
    }
    Some(node.len())
}

/// End (just past the closing quote) of the quoted scalar that starts `node`, if it closes on
/// this line. Double quotes: `\` escapes the next character. Single quotes: `''` is a quote.
fn quoted_end(node: &[u8]) -> Option<usize> {
    let quote = *node.first()?;
    let mut index = 1;
    while let Some(&byte) = node.get(index) {
        match byte {
            b'\\' if quote == b'"' => index += 2,
            b'\'' if quote == b'\'' && node.get(index + 1) == Some(&b'\'') => index += 2,
            _ if byte == quote => return Some(index + 1),
            _ => index += 1,
        }
    }
    None
}

/// End (just past the closing bracket) of the flow collection that starts `node`, if it closes
/// on this line within [`MAX_FLOW_DEPTH`] levels. Tokens must alternate strictly: a node (quoted
/// scalar, single-word plain scalar or nested collection) may start only after `[`, `{`, `,` or
/// `: `, and after a node only `,`, `: ` or a closing bracket may follow (spaces aside). That
/// keeps out multi-word plain scalars, in which a quote or bracket means what it does not here.
fn flow_end(node: &[u8]) -> Option<usize> {
    let mut closers = [0u8; MAX_FLOW_DEPTH];
    let mut depth = 0;
    let mut expect_node = true;
    let mut index = 0;
    while let Some(&byte) = node.get(index) {
        index += 1;
        match byte {
            b' ' => {}
            b'[' | b'{' if expect_node => {
                *closers.get_mut(depth)? = if byte == b'[' { b']' } else { b'}' };
                depth += 1;
            }
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if closers[depth] != byte {
                    return None;
                }
                if depth == 0 {
                    return Some(index);
                }
                expect_node = false;
            }
            b',' => expect_node = true,
            b':' if !expect_node && node.get(index) == Some(&b' ') => expect_node = true,
            b'"' | b'\'' if expect_node => {
                index += quoted_end(&node[index - 1..])? - 1;
                expect_node = false;
            }
            _ if expect_node && plain_start(byte) => {
                while node
                    .get(index)
                    .is_some_and(|next| *next != b' ' && plain_byte(*next))
                {
                    index += 1;
                }
                expect_node = false;
            }
            _ => return None,
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Structure

struct Builder {
    budget: usize,
    pieces: Vec<Piece>,
    /// The entries of split top-level sections, cut out of the skeleton.
    cuts: Vec<Range<usize>>,
    /// The current top-level section, once the first key is seen.
    section: Option<Section>,
    seen_graphs: bool,
    seen_policies: bool,
    no_reserved_field: bool,
}

enum Section {
    /// Parsed as part of the skeleton.
    Whole,
    /// The entries of `graphs:` or `policies:`.
    Split(Region),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Graphs,
    Policies,
}

/// The entries of a split block mapping (`graphs:` or `policies:`).
struct Region {
    kind: Kind,
    /// Indentation of the entries and where the first one starts, from the first one.
    first: Option<(usize, usize)>,
    /// Where the current run of whole entries starts.
    run: usize,
    entry: Option<Entry>,
}

/// The current entry of a region and, for a graph, what a split needs.
struct Entry {
    start: usize,
    /// A graph entry whose key had an empty value, so far with fields at one indentation
    /// and at most one `queries:`.
    splittable: bool,
    field_indent: Option<usize>,
    queries: Option<Queries>,
}

/// The entries of a graph's `queries:`.
struct Queries {
    indent: Option<usize>,
    /// Where each run of query entries starts.
    runs: Vec<usize>,
    /// Where the entries end, once a line at the field indentation is seen.
    end: Option<usize>,
}

impl Builder {
    fn line(&mut self, start: usize, line: Line<'_>) -> Option<()> {
        let indent = match line {
            Line::Blank => return Some(()),
            Line::Key { indent, .. } | Line::Item { indent } => indent,
        };
        if indent > 0 {
            // Content before the first top-level key: not a block mapping at column 0.
            return match self.section.as_mut()? {
                Section::Whole => Some(()),
                Section::Split(region) => region.line(start, line, self.budget, &mut self.pieces),
            };
        }
        let Line::Key { plain, open, .. } = line else {
            return None;
        };
        self.close_section(start);
        self.no_reserved_field &= plain.is_some_and(|key| !RESERVED_FIELDS.contains(&key));
        let kind = match (plain, open) {
            (Some("graphs"), true) => Kind::Graphs,
            (Some("policies"), true) => Kind::Policies,
            _ => {
                self.section = Some(Section::Whole);
                return Some(());
            }
        };
        let seen = match kind {
            Kind::Graphs => &mut self.seen_graphs,
            Kind::Policies => &mut self.seen_policies,
        };
        if std::mem::replace(seen, true) {
            return None;
        }
        self.section = Some(Section::Split(Region {
            kind,
            first: None,
            run: start,
            entry: None,
        }));
        Some(())
    }

    /// End the current section at `at`, the start of the next top-level key or the text's end.
    fn close_section(&mut self, at: usize) {
        let Some(Section::Split(region)) = &mut self.section else {
            return;
        };
        let Some((_, first)) = region.first else {
            return;
        };
        region.finish_entry(at, self.budget, &mut self.pieces);
        if region.run < at {
            self.pieces.push(region.kind.piece(region.run..at));
        }
        self.cuts.push(first..at);
        self.section = Some(Section::Whole);
    }
}

impl Kind {
    fn piece(self, range: Range<usize>) -> Piece {
        match self {
            Kind::Graphs => Piece::Graphs(range),
            Kind::Policies => Piece::Policies(range),
        }
    }
}

impl Region {
    /// A content line below the region's header.
    fn line(
        &mut self,
        start: usize,
        line: Line<'_>,
        budget: usize,
        pieces: &mut Vec<Piece>,
    ) -> Option<()> {
        let (indent, open) = match line {
            Line::Blank => return Some(()),
            Line::Key { indent, open, .. } => (indent, Some(open)),
            Line::Item { indent } => (indent, None),
        };
        let entries = match self.first {
            Some((entries, _)) => entries,
            None => {
                self.first = Some((indent, start));
                self.run = start;
                indent
            }
        };
        if indent < entries {
            return None;
        }
        if indent == entries {
            // Entries are keys; a sequence here is not what the outline splits.
            let open = open?;
            self.finish_entry(start, budget, pieces);
            self.entry = Some(Entry {
                start,
                splittable: self.kind == Kind::Graphs && open,
                field_indent: None,
                queries: None,
            });
            return Some(());
        }
        match self.entry.as_mut() {
            Some(entry) if entry.splittable => entry.line(start, line, indent, budget),
            _ => Some(()),
        }
    }

    /// The current entry ends at `end`: add it to the current run, or split it when it is a
    /// graph larger than a chunk with query entries.
    fn finish_entry(&mut self, end: usize, budget: usize, pieces: &mut Vec<Piece>) {
        let Some(entry) = self.entry.take() else {
            return;
        };
        let queries = entry
            .queries
            .filter(|_| entry.splittable && end - entry.start > budget);
        if let Some(queries) = queries
            && let Some(&first) = queries.runs.first()
        {
            let queries_end = queries.end.unwrap_or(end);
            if self.run < entry.start {
                pieces.push(self.kind.piece(self.run..entry.start));
            }
            pieces.push(Piece::Graph {
                head: entry.start..first,
                tail: queries_end..end,
            });
            let ends = queries.runs.iter().skip(1).copied().chain([queries_end]);
            for (run, run_end) in queries.runs.iter().copied().zip(ends) {
                pieces.push(Piece::Queries(run..run_end));
            }
            self.run = end;
        } else if end - self.run >= budget {
            pieces.push(self.kind.piece(self.run..end));
            self.run = end;
        }
    }
}

impl Entry {
    /// A line deeper than the key of this splittable graph entry.
    fn line(&mut self, start: usize, line: Line<'_>, indent: usize, budget: usize) -> Option<()> {
        let is_key = matches!(line, Line::Key { .. });
        let fields = *self.field_indent.get_or_insert(indent);
        // An item right below `queries:` (indentless or deeper) starts a list of paths, not
        // query entries: the graph stays in one piece.
        let before_entries = |queries: &Queries| queries.indent.is_none() && queries.end.is_none();
        if !is_key && indent >= fields && self.queries.as_ref().is_some_and(before_entries) {
            self.splittable = false;
            return Some(());
        }
        if indent < fields || (indent == fields && !is_key) {
            return None;
        }
        if indent == fields {
            if let Some(queries) = self.queries.as_mut()
                && queries.end.is_none()
            {
                queries.end = Some(start);
            }
            if let Line::Key {
                plain: Some("queries"),
                open: true,
                ..
            } = line
            {
                if self.queries.is_some() {
                    // A second `queries:` is serde's to report; keep the entry whole.
                    self.splittable = false;
                } else {
                    self.queries = Some(Queries {
                        indent: None,
                        runs: Vec::new(),
                        end: None,
                    });
                }
            }
            return Some(());
        }
        let Some(queries) = self
            .queries
            .as_mut()
            .filter(|queries| queries.end.is_none())
        else {
            return Some(());
        };
        let entries = *queries.indent.get_or_insert(indent);
        if indent < entries || (indent == entries && !is_key) {
            return None;
        }
        if indent == entries && queries.runs.last().is_none_or(|&run| start - run >= budget) {
            queries.runs.push(start);
        }
        Some(())
    }
}

#[cfg(test)]
mod tests;
