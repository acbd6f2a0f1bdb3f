//! Character-level scanning for the schema grammar (schema-language.md §2): SKIP (whitespace and
//! comments) with a cache, fixed strings, and the token rules. Trivia, names, numbers and string
//! literals are the same in the query language and live in `lang::text`; `signed_float`,
//! `signed_integer` and `enum_value` are the schema's own. Everything works on bytes: every token
//! and punctuation of the grammar is ASCII, and a multi-byte UTF-8 character can only appear
//! inside a string literal or a comment. A token either consumes a whole token and returns its
//! text, or consumes nothing.

use crate::text::{LastBlockClose, float_lit, integer, is_word, skip_trivia};

pub(crate) struct Scanner<'a> {
    pub src: &'a str,
    bytes: &'a [u8],
    pub pos: usize,
    last_block_close: LastBlockClose,
    /// Last SKIP run (from, to): the grammar retries alternatives at the same position, and
    /// this keeps long comment runs from being rescanned each time.
    skip_cache: (usize, usize),
}

impl<'a> Scanner<'a> {
    pub fn new(src: &'a str) -> Self {
        Scanner {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            last_block_close: LastBlockClose::new(),
            skip_cache: (usize::MAX, 0),
        }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    pub fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or_default()
    }

    /// SKIP (§2.2): whitespace*, then (comment whitespace*)*. Stops in front of a `/*` that has no
    /// later `*/` — that is not a comment.
    pub fn skip(&mut self) {
        if self.pos != self.skip_cache.0 {
            let to = skip_trivia(self.bytes, self.pos, &self.last_block_close);
            self.skip_cache = (self.pos, to);
        }
        self.pos = self.skip_cache.1;
    }

    /// Match a fixed string as a prefix (no word boundary, §2.5).
    pub fn eat(&mut self, literal: &str) -> bool {
        let found = self.rest().starts_with(literal);
        if found {
            self.pos += literal.len();
        }
        found
    }

    /// The first of `options` (fixed strings, in order of preference) that stands here.
    pub fn eat_first(&mut self, options: &[&'static str]) -> Option<&'static str> {
        options.iter().copied().find(|option| self.eat(option))
    }

    /// A token rule: `scan` gives the end of the token starting here, if there is one.
    pub fn scan(&mut self, scan: fn(&[u8], usize) -> Option<usize>) -> Option<&'a str> {
        let end = scan(self.bytes, self.pos)?;
        let text = self.src.get(self.pos..end)?;
        self.pos = end;
        Some(text)
    }
}

/// `"-"?`: the position after an optional minus sign.
fn after_minus(bytes: &[u8], pos: usize) -> usize {
    pos + usize::from(bytes.get(pos) == Some(&b'-'))
}

/// `signed_float := "-"? DIGIT+ "." DIGIT+`.
pub(crate) fn signed_float(bytes: &[u8], pos: usize) -> Option<usize> {
    float_lit(bytes, after_minus(bytes, pos))
}

/// `signed_integer := "-"? DIGIT+`.
pub(crate) fn signed_integer(bytes: &[u8], pos: usize) -> Option<usize> {
    integer(bytes, after_minus(bytes, pos))
}

/// `enum_value := (ALNUM / "_" / "-")+`.
pub(crate) fn enum_value(bytes: &[u8], pos: usize) -> Option<usize> {
    let tail = bytes.get(pos..).unwrap_or_default();
    let len = tail
        .iter()
        .take_while(|&&b| is_word(b) || b == b'-')
        .count();
    (len > 0).then_some(pos + len)
}
