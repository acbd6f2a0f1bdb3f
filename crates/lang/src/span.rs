//! Where things are written: byte spans in a source text, and the line and column a caller prints
//! for one. Both languages' ASTs carry spans on the constructs their errors point at, and every
//! error carries the span it points at ([`crate::ErrorDetail::span`]).

use crate::text;

/// A byte range `start..end` in a source text (`end` exclusive; `start == end` for a position
/// between two characters, such as the end of input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The empty span at `pos`.
    pub const fn at(pos: usize) -> Span {
        Span::new(pos, pos)
    }

    pub const fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The text this span covers in `src` (empty if it is not a span of `src`).
    pub fn slice(self, src: &str) -> &str {
        src.get(self.start..self.end).unwrap_or_default()
    }

    /// Where the span starts in `src`.
    pub fn locate(self, src: &str) -> Location<'_> {
        locate(src, self.start)
    }
}

/// A position as a reader finds it: line and column (both 1-based), and the source line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location<'a> {
    pub line: usize,
    /// Characters from the start of the line, plus one (a tab is one character).
    pub column: usize,
    /// The whole source line holding the position, without its line break.
    pub line_text: &'a str,
}

/// The line, column and source line of byte offset `offset` in `src`, counted as the syntax
/// reports count them (`--> line:column`): LF and CR LF end a line, a lone CR does not; an offset
/// inside a character, or past the end, counts as that character's start, or the end.
pub fn locate(src: &str, offset: usize) -> Location<'_> {
    let (line, column) = text::line_and_column(src, offset);
    Location {
        line,
        column,
        line_text: text::line_at(src, offset),
    }
}

/// `PartialEq` for an AST node: every field but its spans. Where a construct was written is not
/// part of what it means, so a tree equals the tree of its pretty-printed or reformatted text
/// (syn and Cedar compare their trees the same way). The destructuring lists every field, so a
/// new one cannot be left out unnoticed.
macro_rules! eq_ignoring_spans {
    ($ty:ident { $($field:ident),* $(,)? } ignoring { $($span:ident),* $(,)? }) => {
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                let $ty { $($field,)* $($span: _,)* } = self;
                true $(&& *$field == other.$field)*
            }
        }
    };
}
pub(crate) use eq_ignoring_spans;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_slice_cover_and_locate() {
        let src = "query q() {\r\n\tmatch é { $p }\n}";
        let span = Span::new(src.find("$p").unwrap_or(0), src.find(" }").unwrap_or(0));
        assert_eq!(span.slice(src), "$p");
        assert_eq!(Span::new(3, 99).slice(src), "");
        assert_eq!(Span::at(4).len(), 0);
        assert!(Span::at(4).is_empty());
        assert_eq!(Span::new(1, 3).to(Span::new(5, 8)), Span::new(1, 8));
        let at = span.locate(src);
        assert_eq!(
            (at.line, at.column, at.line_text),
            (2, 12, "\tmatch é { $p }")
        );
        assert_eq!(locate(src, 0).line_text, "query q() {");
        let end = locate(src, src.len());
        assert_eq!((end.line, end.column, end.line_text), (3, 2, "}"));
        // Inside `é`: its start.
        let inside = src.find('é').unwrap_or(0) + 1;
        assert_eq!(locate(src, inside).column, 8);
    }
}
