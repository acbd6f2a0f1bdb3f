//! Text shared by the schema (`.pg`) and query (`.gq`) front ends, so that both scan the same
//! lexical pieces the same way and speak about syntax errors in one voice.
//!
//! * Scanning: trivia (whitespace and comments — schema-language.md §2.2 and query-language.md
//!   §1.2 define the same rules), word characters, string literals and their escapes (§2.5/§5.4
//!   and §1.4), and the base type names.
//! * Reporting: the syntax-error layout (`--> line:col`, the source line, a `^---` caret, the
//!   message and any notes), the plain-words description of what was found at the error, and
//!   the enumeration of what was expected.
//!
//! Everything works on bytes where it can: every token and punctuation of both grammars is
//! ASCII, and UTF-8 continuation bytes never equal an ASCII byte.

use std::cell::OnceCell;

use crate::error::ErrorDetail;
use crate::span::Span;

// ---- names and words ----------------------------------------------------------------------------

/// The base type names in the grammars' order of ordered choice (`DateTime` before `Date`).
pub(crate) const BASE_TYPES: [&str; 11] = [
    "String", "Blob", "Bool", "I32", "I64", "U32", "U64", "F32", "F64", "DateTime", "Date",
];

/// What a report calls a base type; `base_type_words_follow_the_list` keeps it in step with
/// [`BASE_TYPES`].
pub(crate) const BASE_TYPE: &str = "a base type (`String`, `Blob`, `Bool`, `I32`, `I64`, `U32`, \
                                    `U64`, `F32`, `F64`, `DateTime` or `Date`)";

/// What a report calls a type name (both languages: nodes, edges, interfaces).
pub(crate) const TYPE_NAME: &str = "a type name (starting with an uppercase letter)";

pub(crate) const INTEGER: &str = "an integer";

pub(crate) const END_OF_INPUT: &str = "end of input";

/// Longest offending word quoted in a message.
const MAX_QUOTED: usize = 40;

/// Longest source line shown in full; a longer one is shown as a window around the caret.
const MAX_SHOWN: usize = 160;

// ---- scanning -----------------------------------------------------------------------------------

/// An ASCII letter, digit or `_`: the characters names are made of.
pub(crate) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// End of the run of word characters starting at `pos`.
pub(crate) fn word_end(bytes: &[u8], pos: usize) -> usize {
    let tail = bytes.get(pos..).unwrap_or_default();
    pos + tail.iter().take_while(|&&b| is_word(b)).count()
}

/// The run of word characters starting at `pos` (empty if there is none).
pub(crate) fn word_at(src: &str, pos: usize) -> &str {
    src.get(pos..word_end(src.as_bytes(), pos))
        .unwrap_or_default()
}

/// `ident := [a-z_][A-Za-z0-9_]*` (both grammars): the end of the one starting at `pos`.
pub(crate) fn ident(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos) {
        Some(&b) if b.is_ascii_lowercase() || b == b'_' => Some(word_end(bytes, pos + 1)),
        _ => None,
    }
}

/// `type_name := [A-Z][A-Za-z0-9_]*` (both grammars).
pub(crate) fn type_name(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos) {
        Some(b) if b.is_ascii_uppercase() => Some(word_end(bytes, pos + 1)),
        _ => None,
    }
}

/// `integer := [0-9]+` (both grammars; no sign, leading zeros allowed).
pub(crate) fn integer(bytes: &[u8], pos: usize) -> Option<usize> {
    let tail = bytes.get(pos..).unwrap_or_default();
    let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
    (digits > 0).then_some(pos + digits)
}

/// `float_lit := [0-9]+ "." [0-9]+` (both grammars; no sign, no exponent).
pub(crate) fn float_lit(bytes: &[u8], pos: usize) -> Option<usize> {
    let dot = integer(bytes, pos)?;
    if bytes.get(dot) != Some(&b'.') {
        return None;
    }
    integer(bytes, dot + 1)
}

/// Start of the last `*/` in a source: a `/*` at `p` opens a comment iff it is `>= p + 2`.
/// [`skip_trivia`] looks it up the first time it meets a `/*` and keeps it in the parser's cell,
/// so an unterminated `/*` is recognised without scanning to the end each time trivia is
/// skipped in front of it.
pub(crate) type LastBlockClose = OnceCell<Option<usize>>;

/// Skips a trivia run from `pos`: spaces, tabs, CR and LF; `//` up to (not including) the next LF;
/// `/* … */` ending at the first `*/` (no nesting). A `/*` with no later `*/` is not a comment:
/// the run stops in front of it. `last_close` belongs to this source (see [`LastBlockClose`]).
pub(crate) fn skip_trivia(bytes: &[u8], mut pos: usize, last_close: &LastBlockClose) -> usize {
    loop {
        match bytes.get(pos..).unwrap_or_default() {
            [b' ' | b'\t' | b'\r' | b'\n', ..] => pos += 1,
            [b'/', b'/', rest @ ..] => {
                pos += 2 + rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            }
            [b'/', b'*', ..] => {
                let last = last_close.get_or_init(|| bytes.windows(2).rposition(|w| w == b"*/"));
                if !last.is_some_and(|last| last >= pos + 2) {
                    return pos;
                }
                match find_block_close(bytes, pos + 2) {
                    Some(close) => pos = close + 2,
                    None => return pos,
                }
            }
            _ => return pos,
        }
    }
}

/// Start of the first `*/` at or after `from`.
fn find_block_close(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let mut at = 0;
    while let Some(star) = rest.get(at..)?.iter().position(|&b| b == b'*') {
        at += star + 1;
        if rest.get(at) == Some(&b'/') {
            return Some(from + at - 1);
        }
    }
    None
}

/// End (after the closing quote) of the string literal starting at `start`, if there is one and
/// it is terminated: `"`, then any character but `"` and `\` or a `\` followed by any one
/// character, then `"`. Escapes are only paired here; [`decode_string`] gives them meaning.
pub(crate) fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    if bytes.get(start) != Some(&b'"') {
        return None;
    }
    let mut i = start + 1;
    loop {
        match bytes.get(i)? {
            b'"' => return Some(i + 1),
            // The escaped character is one *character*; its continuation bytes (if any) are then
            // read as ordinary string characters, which they are.
            b'\\' => {
                bytes.get(i + 1)?;
                i += 2;
            }
            _ => i += 1,
        }
    }
}

/// Decodes the inside of a string literal (without its quotes): `\" \\ \n \r \t`; any other
/// escape is an error `unsupported escape sequence: \X` (query-language.md §1.4 P3,
/// schema-language.md §5.4 A6 — the two languages agree).
pub(crate) fn decode_string(raw: &str) -> Result<String, String> {
    if !raw.contains('\\') {
        return Ok(raw.to_owned());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => return Err(format!("unsupported escape sequence: \\{other}")),
            // The grammars never leave a lone trailing backslash inside a literal.
            None => return Err("unterminated escape sequence".to_owned()),
        }
    }
    Ok(out)
}

// ---- reporting ----------------------------------------------------------------------------------

/// `a`, `a or b`, `a, b, or c` — the list of what a syntax error expected. (Lists inside one
/// item's own parentheses are written without the last comma, so the two read apart.)
pub(crate) fn enumerate<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => "something else".to_owned(),
        [one] => one.as_ref().to_owned(),
        [a, b] => format!("{} or {}", a.as_ref(), b.as_ref()),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{}, or {}", init.join(", "), last.as_ref())
        }
    }
}

/// The message of a syntax error: `expected …, found …`.
pub(crate) fn expected_found<S: AsRef<str>>(expected: &[S], src: &str, pos: usize) -> String {
    format!(
        "expected {}, found {}",
        enumerate(expected),
        found(src, pos)
    )
}

/// A word cut to [`MAX_QUOTED`] characters (with `…` if it was longer).
pub(crate) fn clip(word: &str) -> String {
    match word.char_indices().nth(MAX_QUOTED) {
        Some((cut, _)) => format!("{}…", &word[..cut]),
        None => word.to_owned(),
    }
}

/// What stands at byte offset `pos`, in words.
pub(crate) fn found(src: &str, pos: usize) -> String {
    let pos = floor_char_boundary(src, pos);
    let rest = src.get(pos..).unwrap_or_default();
    let bytes = rest.as_bytes();
    let Some(c) = rest.chars().next() else {
        return END_OF_INPUT.to_owned();
    };
    let token = match c {
        '"' if string_end(bytes, 0).is_some() => return "a string literal".to_owned(),
        '"' => return "an unterminated string literal (no closing `\"`)".to_owned(),
        '/' if rest.starts_with("/*") && !rest[2..].contains("*/") => {
            return "`/*`, an unterminated block comment (no closing `*/`)".to_owned();
        }
        '$' => &rest[..word_end(bytes, 1)],
        c if c.is_ascii() && is_word(c as u8) => word_at(rest, 0),
        '.' if rest.starts_with("..") => "..",
        '-' if rest.starts_with("->") => "->",
        '\u{feff}' => return "a byte order mark (U+FEFF), which is not allowed".to_owned(),
        '\'' => return "`'` (strings use double quotes)".to_owned(),
        c if c.is_ascii_graphic() => &rest[..1],
        c if c.is_control() || c.is_whitespace() => {
            return format!(
                "the character U+{:04X}, which is not allowed here",
                u32::from(c)
            );
        }
        c => return format!("`{c}` (only ASCII letters, digits and `_` may appear in names)"),
    };
    format!("`{}`", clip(token))
}

/// Line and column of byte offset `pos`, both 1-based: LF and CR LF each end a line, a lone CR
/// does not; columns count characters (a tab is one).
pub(crate) fn line_and_column(src: &str, pos: usize) -> (usize, usize) {
    let before = &src[..floor_char_boundary(src, pos)];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = 1 + before.bytes().filter(|&b| b == b'\n').count();
    (line, 1 + before[line_start..].chars().count())
}

/// The line holding byte offset `pos` (taken as its character's start): the line's start, that
/// offset, and the offset of the LF ending the line (or the end of the source).
fn line_bounds(src: &str, pos: usize) -> (usize, usize, usize) {
    let pos = floor_char_boundary(src, pos);
    let start = src[..pos].rfind('\n').map_or(0, |i| i + 1);
    let lf = src[pos..].find('\n').map_or(src.len(), |i| pos + i);
    (start, pos, lf)
}

/// The source line holding byte offset `pos`, without its line break (LF or CR LF).
pub(crate) fn line_at(src: &str, pos: usize) -> &str {
    let (start, _, lf) = line_bounds(src, pos);
    let line = &src[start..lf];
    line.strip_suffix('\r').unwrap_or(line)
}

/// The characters of the source line shown for byte offset `pos`: the line without its line
/// break and CRs — unless the offset is at a CR or LF, which are then shown as `␍`/`␊` (this is
/// how the reference renders them; neither grammar reports an error there). An iterator, not a
/// string: a hostile file may be one line of many megabytes.
fn shown_line(src: &str, pos: usize) -> impl Iterator<Item = char> + Clone + '_ {
    let (start, pos, lf) = line_bounds(src, pos);
    let end = (lf + 1).min(src.len());
    let visible = matches!(src[pos..].chars().next(), Some('\n' | '\r'));
    src[start..end].chars().filter_map(move |c| match c {
        '\r' | '\n' if !visible => None,
        '\r' => Some('\u{240D}'),
        '\n' => Some('\u{240A}'),
        c => Some(c),
    })
}

/// The report of a syntax error at byte offset `pos` (without the `parse error: ` prefix the
/// error types add): six lines joined by LF, then one `= note: …` line per note.
///
/// ```text
///  --> 1:6
///   |
/// 1 | node { }
///   |      ^---
///   |
///   = expected a type name (starting with an uppercase letter), found `{`
/// ```
///
/// The gutter is as wide as the line number. Tabs before the caret are copied into the
/// underline so it lines up. A line longer than [`MAX_SHOWN`] characters is shown as a window
/// around the caret, with `…` where it was cut.
pub(crate) fn render(src: &str, pos: usize, message: &str, notes: &[String]) -> String {
    let (line, column) = line_and_column(src, pos);
    let caret = column - 1;
    let chars = shown_line(src, pos);
    let len = chars.clone().count();
    let (start, end) = if len <= MAX_SHOWN {
        (0, len)
    } else {
        let start = caret.saturating_sub(MAX_SHOWN / 2).min(len - MAX_SHOWN);
        (start, start + MAX_SHOWN)
    };
    let mut display = String::new();
    let mut padding = String::new();
    if start > 0 {
        display.push('…');
        padding.push(' ');
    }
    display.extend(chars.clone().skip(start).take(end - start));
    if end < len {
        display.push('…');
    }
    let under = chars.skip(start).take(caret.clamp(start, end) - start);
    padding.extend(under.map(|c| if c == '\t' { '\t' } else { ' ' }));
    let gutter = " ".repeat(line.to_string().len());
    let mut out = format!(
        "{gutter}--> {line}:{column}\n{gutter} |\n{line} | {display}\n{gutter} | {padding}^---\n\
         {gutter} |\n{gutter} = {message}"
    );
    for note in notes {
        out.push_str(&format!("\n{gutter} = note: {note}"));
    }
    out
}

/// A syntax error at byte offset `pos`: the report [`render`] lays out, with the message and notes
/// it shows and the span of what stands at `pos` kept as data.
pub(crate) fn syntax_error(
    src: &str,
    pos: usize,
    message: String,
    notes: Vec<String>,
) -> ErrorDetail {
    let report = render(src, pos, &message, &notes);
    ErrorDetail::syntax(report, message, notes, token_span(src, pos))
}

/// What stands at byte offset `pos`, as [`found`] names it: a word (a `$` included), else one
/// character; empty at the end of input.
fn token_span(src: &str, pos: usize) -> Span {
    let pos = floor_char_boundary(src, pos);
    let bytes = src.as_bytes();
    let end = match src[pos..].chars().next() {
        None => pos,
        Some('$') => word_end(bytes, pos + 1),
        Some(c) if c.is_ascii() && is_word(c as u8) => word_end(bytes, pos),
        Some(c) => pos + c.len_utf8(),
    };
    Span::new(pos, end)
}

fn floor_char_boundary(s: &str, pos: usize) -> usize {
    let mut pos = pos.min(s.len());
    while !s.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_type_words_follow_the_list() {
        let quoted: Vec<String> = BASE_TYPES.iter().map(|t| format!("`{t}`")).collect();
        let (last, init) = quoted.split_last().expect("not empty");
        assert_eq!(
            BASE_TYPE,
            format!("a base type ({} or {last})", init.join(", "))
        );
    }

    #[test]
    fn trivia_runs() {
        let skip = |s: &str| skip_trivia(s.as_bytes(), 0, &LastBlockClose::new());
        assert_eq!(skip(" \t\r\n x"), 5);
        assert_eq!(skip("// a\n//b"), 8);
        assert_eq!(skip("  // c?\r\n /* a /* b */ x"), 23);
        assert_eq!(skip("/**/ /*/ */x"), 11);
        assert_eq!(skip("/* a /**/"), 9);
        // An unterminated block comment is not a comment, even after a terminated one.
        assert_eq!(skip("/* a */ /* b"), 8);
        assert_eq!(skip("/*/"), 0);
        assert_eq!(skip("/x"), 0);
        assert_eq!(skip("// end"), 6);
        // No form feed, NBSP or other Unicode spaces.
        assert_eq!(skip("\u{c}"), 0);
        assert_eq!(skip("\u{a0}"), 0);
        // A stale hint never makes a comment of an unterminated `/*`.
        assert_eq!(skip_trivia(b"/* x", 0, &OnceCell::from(Some(10))), 0);
        assert_eq!(skip_trivia(b"", 3, &LastBlockClose::new()), 3);
        // The hint is looked up once, at the first `/*`, and then reused.
        let hint = LastBlockClose::new();
        assert_eq!(skip_trivia(b"  x /**/", 0, &hint), 2);
        assert_eq!(hint.get(), None);
        assert_eq!(skip_trivia(b"  x /**/", 4, &hint), 8);
        assert_eq!(hint.get(), Some(&Some(6)));
    }

    #[test]
    fn words() {
        assert_eq!(word_at("ab_1-c", 0), "ab_1");
        assert_eq!(word_at("ab", 1), "b");
        assert_eq!(word_at("ab", 2), "");
        assert_eq!(word_at("ab", 9), "");
        assert_eq!(word_end(b"-x", 0), 0);
    }

    #[test]
    fn names_and_numbers_are_greedy_and_all_or_nothing() {
        assert_eq!(ident(b"_a1 ", 0), Some(3));
        assert_eq!(ident(b"x", 1), None);
        assert_eq!(ident(b"A", 0), None);
        assert_eq!(type_name(b"Person{", 0), Some(6));
        assert_eq!(type_name(b"person", 0), None);
        assert_eq!(integer(b"007", 0), Some(3));
        assert_eq!(integer(b"x", 0), None);
        assert_eq!(float_lit(b"1.5x", 0), Some(3));
        assert_eq!(float_lit(b"12.x", 0), None);
        assert_eq!(float_lit(b"1.", 0), None);
        assert_eq!(float_lit(b".5", 0), None);
    }

    #[test]
    fn string_literals_pair_escapes_and_decode_five_of_them() {
        assert_eq!(string_end(br#""a\"b" "#, 0), Some(6));
        assert_eq!(string_end(br#"x"a""#, 1), Some(4));
        assert_eq!(string_end(br#""abc"#, 0), None);
        assert_eq!(string_end(b"\"a\\", 0), None);
        assert_eq!(string_end(b"a", 0), None);
        assert_eq!(string_end("\"é\\é\"".as_bytes(), 0), Some(7));
        assert_eq!(
            decode_string(r#"a\"\\\n\r\t"#).as_deref(),
            Ok("a\"\\\n\r\t")
        );
        assert_eq!(
            decode_string(r"\u00e9"),
            Err("unsupported escape sequence: \\u".to_owned())
        );
        assert_eq!(
            decode_string("\\\n"),
            Err("unsupported escape sequence: \\\n".to_owned())
        );
        assert_eq!(decode_string("plain").as_deref(), Ok("plain"));
    }

    #[test]
    fn enumerations() {
        assert_eq!(enumerate::<&str>(&[]), "something else");
        assert_eq!(enumerate(&["a"]), "a");
        assert_eq!(enumerate(&["a", "b"]), "a or b");
        assert_eq!(enumerate(&["a", "b", "c"]), "a, b, or c");
        assert_eq!(
            enumerate(&[
                "a".to_owned(),
                "b".to_owned(),
                "c".to_owned(),
                "d".to_owned()
            ]),
            "a, b, c, or d"
        );
        assert_eq!(
            expected_found(&["a", "b"], "x y", 2),
            "expected a or b, found `y`"
        );
    }

    #[test]
    fn found_words() {
        assert_eq!(found("garbage x", 0), "`garbage`");
        assert_eq!(found("$q) desc", 0), "`$q`");
        assert_eq!(found("$ q", 0), "`$`");
        assert_eq!(found("-1", 0), "`-`");
        assert_eq!(found("->", 0), "`->`");
        assert_eq!(found("..1", 0), "`..`");
        assert_eq!(found("", 0), "end of input");
        assert_eq!(found("x", 7), "end of input");
        assert_eq!(found("\"a\" x", 0), "a string literal");
        assert_eq!(
            found("\"a", 0),
            "an unterminated string literal (no closing `\"`)"
        );
        assert_eq!(
            found("/* a", 0),
            "`/*`, an unterminated block comment (no closing `*/`)"
        );
        assert_eq!(found("/* a */", 0), "`/`");
        assert_eq!(
            found("\u{FEFF}query", 0),
            "a byte order mark (U+FEFF), which is not allowed"
        );
        assert_eq!(found("'x'", 0), "`'` (strings use double quotes)");
        assert_eq!(
            found("\u{c}", 0),
            "the character U+000C, which is not allowed here"
        );
        assert_eq!(
            found("é", 0),
            "`é` (only ASCII letters, digits and `_` may appear in names)"
        );
        // Inside a multi-byte character: the character it belongs to.
        assert_eq!(found("aé", 2), found("aé", 1));
        let long = "x".repeat(100);
        assert_eq!(found(&long, 0), format!("`{}…`", "x".repeat(40)));
    }

    #[test]
    fn locate_counts_lf_and_crlf_once_and_lone_cr_as_a_column() {
        let at = |src: &str, pos: usize| {
            let (line, column) = line_and_column(src, pos);
            (line, column, shown_line(src, pos).collect::<String>())
        };
        assert_eq!(at("ab\ncd", 4), (2, 2, "cd".into()));
        assert_eq!(at("ab\r\ncd", 5), (2, 2, "cd".into()));
        assert_eq!(at("a\rb", 2), (1, 3, "ab".into()));
        assert_eq!(at("x\n", 2), (2, 1, String::new()));
        assert_eq!(at("é x", 3), (1, 3, "é x".into()));
        assert_eq!(at("é x", 1), (1, 1, "é x".into()));
        assert_eq!(at("ab\r\ncd", 2), (1, 3, "ab\u{240D}\u{240A}".into()));
        assert_eq!(at("ab", 99), (1, 3, "ab".into()));
    }

    #[test]
    fn layout_of_the_report() {
        let src = "query q() { match { $p: Person\n\t$p.age >\t} return { $p } }";
        assert_eq!(
            render(src, src.find('}').unwrap_or(0), "m", &[]),
            " --> 2:11\n  |\n2 | \t$p.age >\t} return { $p } }\n  | \t        \t^---\n  |\n  = m"
        );
        assert_eq!(
            render("\n\n\n\n\n\n\n\n\n\n\nab", 12, "m", &[]),
            "  --> 12:2\n   |\n12 | ab\n   |  ^---\n   |\n   = m"
        );
        // End of input after a final newline: an empty source line (one trailing space).
        assert_eq!(
            render("a\n", 2, "m", &["n1".into(), "n2".into()]),
            " --> 2:1\n  |\n2 | \n  | ^---\n  |\n  = m\n  = note: n1\n  = note: n2"
        );
    }

    #[test]
    fn a_syntax_error_keeps_its_report_message_notes_and_token_as_data() {
        let src = "node P {\n  x: Strings\n}";
        let pos = src.find("s\n").unwrap_or(0);
        let err = syntax_error(src, pos, "m".into(), vec!["n".into()]);
        assert_eq!(err.message(), render(src, pos, "m", &["n".into()]));
        assert_eq!((err.summary(), err.notes()), ("m", &["n".to_owned()][..]));
        assert_eq!(err.span().map(|s| s.slice(src)), Some("s"));
        assert_eq!(token_span("a $bc.d", 2).slice("a $bc.d"), "$bc");
        assert_eq!(token_span("a é", 2).slice("a é"), "é");
        assert_eq!(token_span("ab", 2), Span::at(2));
        assert_eq!(token_span("ab", 1).slice("ab"), "b");
    }

    #[test]
    fn long_lines_are_shown_as_a_window_around_the_caret() {
        let src = format!("{}X{}", "a".repeat(1000), "b".repeat(1000));
        let text = render(&src, 1000, "m", &[]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[2].starts_with("1 | …") && lines[2].ends_with('…'));
        assert_eq!(lines[2].chars().count(), 4 + 2 + MAX_SHOWN);
        let caret = lines[3].chars().position(|c| c == '^');
        assert_eq!(lines[2].chars().nth(caret.unwrap_or(0)), Some('X'));
        // Near the start or the end, the window is flush with that end.
        let text = render(&src, 3, "m", &[]);
        assert!(text.contains("\n1 | aaa") && text.contains("\n  |    ^---"));
        let text = render(&src, src.len(), "m", &[]);
        assert!(text.contains("b\n  | ") && text.contains("^---"), "{text}");
    }
}
