//! Character-level scanning for the schema grammar (schema-language.md §2): the SKIP machinery
//! (whitespace and comments) and the token rules. Everything here works on bytes: every token and
//! punctuation of the grammar is ASCII, and a multi-byte UTF-8 character can only appear inside a
//! string literal or a comment, where its continuation bytes are never mistaken for `"`, `\`,
//! `*/` or LF. Token functions either consume a whole token and return its text, or consume
//! nothing.

use crate::lang::text::{is_word, last_block_close, skip_trivia, string_end};

pub(crate) struct Scanner<'a> {
    pub src: &'a str,
    bytes: &'a [u8],
    pub pos: usize,
    /// `text::last_block_close` of the source.
    last_block_close: Option<usize>,
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
            last_block_close: last_block_close(src),
            skip_cache: (usize::MAX, 0),
        }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub fn text(&self, start: usize, end: usize) -> &'a str {
        self.src.get(start..end).unwrap_or("")
    }

    /// SKIP (§2.2): whitespace*, then (comment whitespace*)*. Stops in front of a `/*` that has no
    /// later `*/` — that is not a comment.
    pub fn skip(&mut self) {
        if self.pos != self.skip_cache.0 {
            let to = skip_trivia(self.bytes, self.pos, self.last_block_close);
            self.skip_cache = (self.pos, to);
        }
        self.pos = self.skip_cache.1;
    }

    /// Match a fixed string as a prefix (no word boundary, §2.5).
    pub fn eat(&mut self, literal: &str) -> bool {
        if self.bytes[self.pos..].starts_with(literal.as_bytes()) {
            self.pos += literal.len();
            true
        } else {
            false
        }
    }

    fn take_while(&mut self, pred: impl Fn(u8) -> bool) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(&pred) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `type_name`: UPPER (ALNUM / "_")*.
    pub fn type_name(&mut self) -> Option<&'a str> {
        let start = self.pos;
        if !self.peek().is_some_and(|b| b.is_ascii_uppercase()) {
            return None;
        }
        self.pos += 1;
        self.take_while(is_word);
        Some(self.text(start, self.pos))
    }

    /// `ident`: (LOWER / "_") (ALNUM / "_")*.
    pub fn ident(&mut self) -> Option<&'a str> {
        let start = self.pos;
        if !self
            .peek()
            .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        {
            return None;
        }
        self.pos += 1;
        self.take_while(is_word);
        Some(self.text(start, self.pos))
    }

    /// `integer`: DIGIT+.
    pub fn integer(&mut self) -> Option<&'a str> {
        let start = self.pos;
        if self.take_while(|b| b.is_ascii_digit()) == 0 {
            return None;
        }
        Some(self.text(start, self.pos))
    }

    /// `float_lit`: DIGIT+ "." DIGIT+ (all or nothing).
    pub fn float_lit(&mut self) -> Option<&'a str> {
        let start = self.pos;
        if self.take_while(|b| b.is_ascii_digit()) > 0
            && self.eat(".")
            && self.take_while(|b| b.is_ascii_digit()) > 0
        {
            return Some(self.text(start, self.pos));
        }
        self.pos = start;
        None
    }

    /// `signed_float`: "-"? DIGIT+ "." DIGIT+.
    pub fn signed_float(&mut self) -> Option<&'a str> {
        let start = self.pos;
        self.eat("-");
        if self.float_lit().is_some() {
            return Some(self.text(start, self.pos));
        }
        self.pos = start;
        None
    }

    /// `signed_integer`: "-"? DIGIT+.
    pub fn signed_integer(&mut self) -> Option<&'a str> {
        let start = self.pos;
        self.eat("-");
        if self.integer().is_some() {
            return Some(self.text(start, self.pos));
        }
        self.pos = start;
        None
    }

    /// `string_lit`: QUOTE ( any char but QUOTE/BACKSLASH, or BACKSLASH ANYCHAR )* QUOTE.
    /// Returns the whole literal, quotes included.
    pub fn string_lit(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let end = string_end(self.bytes, start)?;
        self.pos = end;
        Some(self.text(start, end))
    }

    /// `enum_value`: (ALNUM / "_" / "-")+.
    pub fn enum_value(&mut self) -> Option<&'a str> {
        let start = self.pos;
        if self.take_while(|b| is_word(b) || b == b'-') == 0 {
            return None;
        }
        Some(self.text(start, self.pos))
    }
}
