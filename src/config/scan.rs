//! Line-based checks that run on the raw text before serde sees it: the duplicate-key scanner
//! (§2.5.2, false positives included on purpose) and the reserved future-phase fields (§2.5.3).

use crate::diagnostic::{Code, Diagnostic};
use std::collections::HashSet;

/// Top-level keys reserved for later phases of cluster control.
pub const RESERVED_FIELDS: [&str; 8] = [
    "apply",
    "env_file",
    "providers",
    "pipelines",
    "embeddings",
    "ui",
    "aliases",
    "bindings",
];

/// A mapping the scanner is inside: the line's indentation, its key (empty for the root) and the
/// keys seen in it so far. Keys borrow from the text; a path is built only for a diagnostic.
struct Frame<'a> {
    indent: i64,
    key: &'a str,
    keys: HashSet<&'a str>,
}

/// Cut a line before the first `#` that is outside single and double quotes.
fn strip_comment(line: &str) -> &str {
    let (mut in_single, mut in_double, mut escaped) = (false, false, false);
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_double => escaped = true,
            '\'' if !in_double => in_single = !in_single,
            '"' if !in_single => in_double = !in_double,
            '#' if !in_single && !in_double => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Report every key seen twice under the same parent frame, in line order.
pub fn duplicate_keys(text: &str) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut stack = vec![Frame {
        indent: -1,
        key: "",
        keys: HashSet::new(),
    }];
    for (index, line) in text.lines().enumerate() {
        let stripped = strip_comment(line);
        if stripped.trim().is_empty() {
            continue;
        }
        let indent = stripped.chars().take_while(|c| *c == ' ').count() as i64;
        let trimmed = stripped.trim_start();
        if trimmed.starts_with('-') {
            continue;
        }
        let Some((raw_key, raw_value)) = trimmed.split_once(':') else {
            continue;
        };
        let key = raw_key.trim();
        if key.is_empty() || key.starts_with('{') || key.starts_with('[') {
            continue;
        }
        while stack.len() > 1 && stack.last().is_some_and(|top| top.indent >= indent) {
            stack.pop();
        }
        let Some(parent) = stack.last_mut() else {
            continue;
        };
        if !parent.keys.insert(key) {
            diagnostics.push(Diagnostic::new(
                Code::DuplicateYamlKey,
                path(&stack, key),
                format!("duplicate YAML key `{key}` on line {}", index + 1),
            ));
        }
        if raw_value.trim().is_empty() {
            stack.push(Frame {
                indent,
                key,
                keys: HashSet::new(),
            });
        }
    }
    diagnostics
}

/// `key`'s dotted path under the frames of `stack` (the root adds nothing; keys are never empty).
fn path(stack: &[Frame<'_>], key: &str) -> String {
    let mut path = String::new();
    for frame in stack.iter().skip(1) {
        path.push_str(frame.key);
        path.push('.');
    }
    path.push_str(key);
    path
}

/// Deepest flow nesting (`[`/`{`) accepted before handing the text to the YAML parser. The
/// parser's cost grows with the square of the nesting depth (minutes for 100,000 levels), while
/// no valid config nests deeper than six levels and serde_yaml gives up at 128 anyway.
pub const MAX_FLOW_DEPTH: usize = 1000;

/// Where flow nesting first exceeds `limit`, as a 1-based (line, column), if it does.
///
/// Brackets count only outside quoted scalars, comments and block scalars (`|`, `>`), so text
/// inside strings never trips the bound. This is a cheap approximation of YAML's grammar; it only
/// has to be exact enough never to fire on a real configuration.
pub fn flow_nesting_exceeds(text: &str, limit: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    // Indentation of the line that introduced a block scalar; deeper lines are its content.
    let mut block_scalar_parent: Option<usize> = None;
    for (index, line) in text.lines().enumerate() {
        let indent = line.chars().take_while(|c| *c == ' ').count();
        if quote.is_none()
            && let Some(parent) = block_scalar_parent
        {
            if line.trim().is_empty() || indent > parent {
                continue;
            }
            block_scalar_parent = None;
        }
        let mut previous = ' ';
        let mut escaped = false;
        let mut chars = line.chars().enumerate().peekable();
        while let Some((column, c)) = chars.next() {
            match quote {
                Some('"') if escaped => escaped = false,
                Some('"') if c == '\\' => escaped = true,
                Some(q) if c == q => {
                    // `''` inside a single-quoted scalar is an escaped quote.
                    if q == '\'' && chars.peek().is_some_and(|(_, next)| *next == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                Some(_) => {}
                None => match c {
                    '#' if previous.is_whitespace() => break,
                    '"' | '\'' if previous.is_whitespace() || "[{,:-".contains(previous) => {
                        quote = Some(c)
                    }
                    '[' | '{' => {
                        depth += 1;
                        if depth > limit {
                            return Some((index + 1, column + 1));
                        }
                    }
                    ']' | '}' => depth = depth.saturating_sub(1),
                    _ => {}
                },
            }
            previous = c;
        }
        if quote.is_none() && depth == 0 && opens_block_scalar(line) {
            block_scalar_parent = Some(indent);
        }
    }
    None
}

/// Whether a block-context line ends by introducing a block scalar (`key: |`, `- >-`, …).
fn opens_block_scalar(line: &str) -> bool {
    let code = strip_comment(line).trim_end();
    let Some(head) = code
        .rsplit_once(": ")
        .map(|(_, v)| v)
        .or_else(|| code.trim_start().strip_prefix("- "))
    else {
        return false;
    };
    let head = head.trim();
    head.starts_with(['|', '>'])
        && head[1..]
            .chars()
            .all(|c| c == '+' || c == '-' || c.is_ascii_digit())
}

/// Report reserved top-level keys in document order; silent when the text is not a YAML mapping.
/// `too_deep` is `flow_nesting_exceeds(text, MAX_FLOW_DEPTH).is_some()`, computed once by the
/// caller.
pub fn reserved_fields(text: &str, too_deep: bool) -> Vec<Diagnostic> {
    // A second full YAML parse is the costliest step of loading a large config. A key can only
    // equal a reserved name if that name appears in the text, or is spelled with an escape in a
    // double-quoted key; when neither is possible the result is known to be empty.
    if !text.contains('\\') && !RESERVED_FIELDS.iter().any(|name| text.contains(name)) {
        return Vec::new();
    }
    // Nesting this deep fails serde_yaml's recursion limit (128): no mapping, no diagnostics.
    if too_deep {
        return Vec::new();
    }
    let Ok(serde_yaml::Value::Mapping(mapping)) = serde_yaml::from_str::<serde_yaml::Value>(text)
    else {
        return Vec::new();
    };
    mapping
        .keys()
        .filter_map(|key| key.as_str())
        .filter(|key| RESERVED_FIELDS.contains(key))
        .map(|key| {
            Diagnostic::new(
                Code::FuturePhaseField,
                key,
                format!("`{key}` is reserved for a later cluster-control phase"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dup_paths(text: &str) -> Vec<(String, String)> {
        duplicate_keys(text)
            .into_iter()
            .map(|d| (d.path, d.message))
            .collect()
    }

    #[test]
    fn repeated_top_level_block_reported_once() {
        assert_eq!(
            dup_paths("version: 1\ngraphs: {}\ngraphs: {}\n"),
            vec![(
                "graphs".to_string(),
                "duplicate YAML key `graphs` on line 3".to_string()
            )]
        );
    }

    #[test]
    fn hash_inside_quotes_is_not_a_comment() {
        assert_eq!(
            dup_paths("\"name#display\": one\n\"name#display\": two\n"),
            vec![(
                "\"name#display\"".to_string(),
                "duplicate YAML key `\"name#display\"` on line 2".to_string()
            )]
        );
    }

    #[test]
    fn sibling_blocks_do_not_collide() {
        let text = "graphs:\n  a:\n    schema: a.pg\n  b:\n    schema: b.pg\n";
        assert!(dup_paths(text).is_empty());
    }

    #[test]
    fn repeated_graph_block_children_not_compared() {
        let text = "version: 1\ngraphs:\n  knowledge:\n    schema: ./people.pg\n  knowledge:\n    schema: ./people.pg\n";
        assert_eq!(
            dup_paths(text),
            vec![(
                "graphs.knowledge".to_string(),
                "duplicate YAML key `knowledge` on line 5".to_string()
            )]
        );
    }

    #[test]
    fn block_scalar_false_positive_preserved() {
        let text = "metadata:\n  name: |\n    a: 1\n    a: 2\n";
        assert_eq!(dup_paths(text)[0].0, "metadata.a");
    }

    #[test]
    fn comments_and_sequences_ignored() {
        assert!(dup_paths("version: 1 # v\ngraphs: {} # graphs: {}\n# graphs: x\n").is_empty());
        assert!(dup_paths("- a: 1\n- a: 1\n").is_empty());
        assert!(dup_paths("{a: 1}\n{a: 1}\n").is_empty());
    }

    #[test]
    fn quoted_keys_are_distinct() {
        assert!(dup_paths("a: 1\n\"a\": 2\n'a': 3\n").is_empty());
    }

    #[test]
    fn crlf_and_tabs() {
        assert_eq!(dup_paths("a: 1\r\na: 2\r\n").len(), 1);
        // Tabs are not indentation for the scanner: the tabbed key lands in the root frame.
        assert_eq!(dup_paths("a:\n\tb: 1\nb: 2\n").len(), 1);
    }

    #[test]
    fn reserved_fields_in_document_order() {
        let found: Vec<String> = reserved_fields("version: 1\nui: {}\napply: {}\n", false)
            .into_iter()
            .map(|d| d.path)
            .collect();
        assert_eq!(found, vec!["ui", "apply"]);
        assert!(reserved_fields("[1, 2]", false).is_empty());
        assert!(reserved_fields("a: [", false).is_empty());
        // Escaped spellings still count, so the fast path must not skip them.
        let escaped: Vec<String> = reserved_fields("version: 1\n\"u\\x69\": {}\n", false)
            .into_iter()
            .map(|d| d.path)
            .collect();
        assert_eq!(escaped, vec!["ui"]);
    }

    #[test]
    fn flow_nesting_bound() {
        let deep = format!(
            "version: 1\nmetadata: {}{}\n",
            "[".repeat(1001),
            "]".repeat(1001)
        );
        assert_eq!(flow_nesting_exceeds(&deep, 1000), Some((2, 1011)));
        let ok = format!(
            "version: 1\nmetadata: {}{}\n",
            "[".repeat(1000),
            "]".repeat(1000)
        );
        assert_eq!(flow_nesting_exceeds(&ok, 1000), None);
        // Brackets in strings, comments and block scalars do not count.
        let bracket_text = "[".repeat(50);
        for text in [
            format!("a: \"{bracket_text}\"\n"),
            format!("a: '{bracket_text}'\n"),
            format!("a: 'it''s {bracket_text}'\n"),
            format!("a: 1 # {bracket_text}\n"),
            format!("a: |\n  {bracket_text}\n  {bracket_text}\nb: 1\n"),
            format!("a:\n  - >-\n    {bracket_text}\n"),
            format!("a: \"multi\n  line {bracket_text}\"\n"),
        ] {
            assert_eq!(flow_nesting_exceeds(&text, 10), None, "{text}");
        }
        // Sibling collections do not add up; an escaped quote does not end a string.
        assert_eq!(flow_nesting_exceeds(&"[] ".repeat(50), 10), None);
        assert_eq!(flow_nesting_exceeds("a: \"\\\" [[[[\"", 2), None);
        assert!(flow_nesting_exceeds("a: |\n  x\nb: [[[\n", 2).is_some());
    }

    /// The scanner as it was before its frames borrowed keys from the text (owned keys and
    /// paths per frame), kept to check the two agree.
    struct OldFrame {
        indent: i64,
        path: String,
        keys: HashSet<String>,
    }
    fn reference_duplicate_keys(text: &str) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        let mut stack = vec![OldFrame {
            indent: -1,
            path: String::new(),
            keys: HashSet::new(),
        }];
        for (index, line) in text.lines().enumerate() {
            let stripped = strip_comment(line);
            if stripped.trim().is_empty() {
                continue;
            }
            let indent = stripped.chars().take_while(|c| *c == ' ').count() as i64;
            let trimmed = stripped.trim_start();
            if trimmed.starts_with('-') {
                continue;
            }
            let Some((raw_key, raw_value)) = trimmed.split_once(':') else {
                continue;
            };
            let key = raw_key.trim();
            if key.is_empty() || key.starts_with('{') || key.starts_with('[') {
                continue;
            }
            while stack.len() > 1 && stack.last().is_some_and(|top| top.indent >= indent) {
                stack.pop();
            }
            let Some(parent) = stack.last_mut() else {
                continue;
            };
            let full_path = if parent.path.is_empty() {
                key.to_string()
            } else {
                format!("{}.{}", parent.path, key)
            };
            if !parent.keys.insert(key.to_string()) {
                diagnostics.push(Diagnostic::new(
                    Code::DuplicateYamlKey,
                    full_path.clone(),
                    format!("duplicate YAML key `{key}` on line {}", index + 1),
                ));
            }
            if raw_value.trim().is_empty() {
                stack.push(OldFrame {
                    indent,
                    path: full_path,
                    keys: HashSet::new(),
                });
            }
        }
        diagnostics
    }

    fn diagnostics(found: Vec<Diagnostic>) -> Vec<(String, String)> {
        found.into_iter().map(|d| (d.path, d.message)).collect()
    }

    proptest::proptest! {
        #[test]
        fn scanner_never_panics(text in "[ a-z:#'\"\\\\{}\\[\\]\\-\n\r\t|]{0,200}") {
            let _ = duplicate_keys(&text);
        }

        #[test]
        fn scanner_matches_its_reference(text in "([ ]{0,6}(- )?[ab\"'#]{0,2}(: ?)?[ab{\\[#|]?\n){0,40}") {
            proptest::prop_assert_eq!(
                diagnostics(duplicate_keys(&text)),
                diagnostics(reference_duplicate_keys(&text))
            );
        }
    }
}
