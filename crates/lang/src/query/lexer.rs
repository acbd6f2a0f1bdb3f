//! The token rules of the `.gq` grammar (query-language.md §1.3; §2.2 rules 56–68). Those it
//! shares with the schema language (names, numbers, string literals and their escapes) and trivia
//! live in `lang::text`; `variable` and `edge_ident` are the query language's own.
//!
//! There is no separate token stream: keywords have no word boundary (`limit10`, `asx`) and the
//! grammar is a PEG, so the parser scans the source directly at the position it is trying. Every
//! function here takes a byte offset and returns the end offset of the match (or `None`), never
//! consuming anything on failure. Working on bytes is sound because every character the grammar can
//! match outside strings and comments is ASCII, and UTF-8 continuation bytes never equal an ASCII
//! byte.

pub(crate) use crate::text::{
    decode_string, float_lit, ident, integer, string_end as string_lit, type_name,
};

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
}
