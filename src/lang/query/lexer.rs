//! The token rules of the `.gq` grammar (query-language.md §1.3; §2.2 rules 56–68). Trivia,
//! string literals and their escapes are the same in both languages and live in `lang::text`.
//!
//! There is no separate token stream: keywords have no word boundary (`limit10`, `asx`) and the
//! grammar is a PEG, so the parser scans the source directly at the position it is trying. Every
//! function here takes a byte offset and returns the end offset of the match (or `None`), never
//! consuming anything on failure. Working on bytes is sound because every character the grammar can
//! match outside strings and comments is ASCII, and UTF-8 continuation bytes never equal an ASCII
//! byte.

use crate::lang::text::word_end;
pub(crate) use crate::lang::text::{decode_string, string_end as string_lit};

/// `ident := [a-z_][A-Za-z0-9_]*`.
pub(crate) fn ident(b: &[u8], pos: usize) -> Option<usize> {
    match b.get(pos) {
        Some(&c) if c.is_ascii_lowercase() || c == b'_' => Some(word_end(b, pos + 1)),
        _ => None,
    }
}

/// `type_name := [A-Z][A-Za-z0-9_]*`.
pub(crate) fn type_name(b: &[u8], pos: usize) -> Option<usize> {
    match b.get(pos) {
        Some(c) if c.is_ascii_uppercase() => Some(word_end(b, pos + 1)),
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn names_and_numbers() {
        assert_eq!(ident(b"_a1 ", 0), Some(3));
        assert_eq!(ident(b"A", 0), None);
        assert_eq!(type_name(b"Person{", 0), Some(6));
        assert_eq!(variable(b"$_x", 0), Some(3));
        assert_eq!(variable(b"$X", 0), None);
        assert_eq!(float_lit(b"1.5x", 0), Some(3));
        assert_eq!(float_lit(b"1.", 0), None);
        assert_eq!(integer(b"007", 0), Some(3));
    }
}
