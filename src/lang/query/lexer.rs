//! Character-level scanning for the `.gq` grammar (query-language.md §1): trivia and the token
//! rules (§2.2 rules 56–68).
//!
//! There is no separate token stream: keywords have no word boundary (`limit10`, `asx`) and the
//! grammar is a PEG, so the parser scans the source directly at the position it is trying. Every
//! function here takes a byte offset and returns the end offset of the match (or `None`), never
//! consuming anything on failure. Working on bytes is sound because every character the grammar can
//! match outside strings and comments is ASCII, and UTF-8 continuation bytes never equal an ASCII
//! byte.

/// Skips a trivia run (§1.2): spaces, tabs, CR, LF, `// …` up to (not including) the next LF, and
/// non-nesting `/* … */`. An unterminated `/*` is not trivia.
pub(crate) fn skip_trivia(b: &[u8], mut pos: usize) -> usize {
    loop {
        match b.get(pos) {
            Some(b' ' | b'\t' | b'\r' | b'\n') => pos += 1,
            Some(b'/') => match b.get(pos + 1) {
                Some(b'/') => {
                    pos += 2;
                    while let Some(&c) = b.get(pos) {
                        if c == b'\n' {
                            break;
                        }
                        pos += 1;
                    }
                }
                Some(b'*') => match find_block_end(b, pos + 2) {
                    Some(end) => pos = end,
                    None => return pos,
                },
                _ => return pos,
            },
            _ => return pos,
        }
    }
}

/// Position just after the first `*/` at or after `from`.
fn find_block_end(b: &[u8], from: usize) -> Option<usize> {
    let rest = b.get(from..)?;
    rest.windows(2)
        .position(|w| w == b"*/")
        .map(|i| from + i + 2)
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_lowercase() || c == b'_'
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// End of a run of `[A-Za-z0-9_]` starting at `pos`.
fn ident_tail(b: &[u8], mut pos: usize) -> usize {
    while b.get(pos).is_some_and(|&c| is_ident_char(c)) {
        pos += 1;
    }
    pos
}

/// `ident := [a-z_][A-Za-z0-9_]*`.
pub(crate) fn ident(b: &[u8], pos: usize) -> Option<usize> {
    match b.get(pos) {
        Some(&c) if is_ident_start(c) => Some(ident_tail(b, pos + 1)),
        _ => None,
    }
}

/// `type_name := [A-Z][A-Za-z0-9_]*`.
pub(crate) fn type_name(b: &[u8], pos: usize) -> Option<usize> {
    match b.get(pos) {
        Some(c) if c.is_ascii_uppercase() => Some(ident_tail(b, pos + 1)),
        _ => None,
    }
}

/// `variable := "$" ident_chars` (no space after `$`).
pub(crate) fn variable(b: &[u8], pos: usize) -> Option<usize> {
    if b.get(pos) != Some(&b'$') {
        return None;
    }
    ident(b, pos + 1)
}

/// `edge_ident`: like `ident`, except that it fails where the word `not` stands on its own —
/// `not` followed by anything but an ASCII letter or digit (`not_x`, `not{`, `not` at end).
pub(crate) fn edge_ident(b: &[u8], pos: usize) -> Option<usize> {
    let rest = b.get(pos..)?;
    if rest.starts_with(b"not") && !rest.get(3).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    ident(b, pos)
}

/// `integer := [0-9]+`.
pub(crate) fn integer(b: &[u8], mut pos: usize) -> Option<usize> {
    let start = pos;
    while b.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    (pos > start).then_some(pos)
}

/// `float_lit := [0-9]+ "." [0-9]+`.
pub(crate) fn float_lit(b: &[u8], pos: usize) -> Option<usize> {
    let dot = integer(b, pos)?;
    if b.get(dot) != Some(&b'.') {
        return None;
    }
    integer(b, dot + 1)
}

/// `string_lit := "\"" (non-quote-non-backslash / "\\" ANY)* "\""`. Escapes are only paired here;
/// decoding (and rejecting unknown escapes) is [`decode_string`]'s job.
pub(crate) fn string_lit(b: &[u8], pos: usize) -> Option<usize> {
    if b.get(pos) != Some(&b'"') {
        return None;
    }
    let mut i = pos + 1;
    loop {
        match b.get(i)? {
            b'"' => return Some(i + 1),
            // `\` pairs with the next character; a continuation byte of a multi-byte character
            // left behind is then consumed as an ordinary character, which is equivalent.
            b'\\' => {
                b.get(i + 1)?;
                i += 2;
            }
            _ => i += 1,
        }
    }
}

/// String escapes are the same in both languages; the decoder lives in `lang::escapes`.
pub(crate) use crate::lang::escapes::decode as decode_string;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivia_runs() {
        let s = b"  // c?\r\n /* a /* b */ x";
        assert_eq!(skip_trivia(s, 0), s.len() - 1);
        assert_eq!(skip_trivia(b"/* open", 0), 0);
        assert_eq!(skip_trivia(b"// end", 0), 6);
        assert_eq!(skip_trivia(b"/x", 0), 0);
    }

    #[test]
    fn edge_ident_excludes_standalone_not() {
        for s in ["not", "not_x", "not{1,2}", "not $b"] {
            assert_eq!(edge_ident(s.as_bytes(), 0), None, "{s}");
        }
        for s in ["nothing", "notknows", "not2", "_", "contains", "noT"] {
            assert!(edge_ident(s.as_bytes(), 0).is_some(), "{s}");
        }
    }

    #[test]
    fn numbers_and_strings() {
        assert_eq!(float_lit(b"1.5x", 0), Some(3));
        assert_eq!(float_lit(b"1.", 0), None);
        assert_eq!(integer(b"007", 0), Some(3));
        assert_eq!(string_lit(br#""a\"b" "#, 0), Some(6));
        assert_eq!(string_lit(br#""abc"#, 0), None);
        assert_eq!(string_lit(b"\"a\\", 0), None);
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
    }
}
