//! Syntax-error tracking for the schema grammar. The parser records, for every failed attempt, what
//! it expected and where; the report keeps only the farthest position reached (the point the
//! input stopped making sense) and says, in plain words, what could have come there and what was
//! found. The layout and the words for what was found are shared with the query language
//! (`lang::text`); the words for what was expected are this grammar's (see the project note in
//! schema-language.md).

use crate::error::ErrorDetail;
use crate::text::{self, clip, is_word, word_at};

/// Something the parser could have accepted at a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expect {
    EndOfInput,
    Declaration,
    TypeName,
    /// A fixed token such as `{`, `->` or `implements`.
    Token(&'static str),
    Annotation,
    Property,
    BodyConstraint,
    ConstraintName,
    Type,
    BaseType,
    AnnotationName,
    AnnotationArg,
    ConstraintArg,
    EnumValue,
    Integer,
    Number,
}

impl Expect {
    fn words(self) -> String {
        match self {
            Expect::EndOfInput => text::END_OF_INPUT.into(),
            Expect::Declaration => "a declaration (`interface`, `node` or `edge`)".into(),
            Expect::TypeName => text::TYPE_NAME.into(),
            Expect::Token(token) => format!("`{token}`"),
            Expect::Annotation => "an annotation (`@name`)".into(),
            Expect::Property => "a property name (starting with a lowercase letter or `_`)".into(),
            Expect::BodyConstraint => "a body constraint (`@key(…)`, `@unique(…)`, …)".into(),
            Expect::ConstraintName => {
                "a constraint name (`key`, `unique`, `index`, `range` or `check`)".into()
            }
            Expect::Type => {
                let base: Vec<String> = text::BASE_TYPES.iter().map(|t| format!("`{t}`")).collect();
                format!(
                    "a type ({}, `[T]`, `enum(…)` or `Vector(n)`)",
                    base.join(", ")
                )
            }
            Expect::BaseType => text::BASE_TYPE.into(),
            Expect::AnnotationName => {
                "an annotation name (an identifier starting with a lowercase letter or `_`)".into()
            }
            Expect::AnnotationArg => {
                "an annotation argument (a \"string\", a number, `true`, `false` or an identifier)"
                    .into()
            }
            Expect::ConstraintArg => "a constraint argument (a property name, a \"string\", a \
                                      number, `true`, `false` or a range such as `0..10`)"
                .into(),
            Expect::EnumValue => "an enum value (letters, digits, `_` or `-`)".into(),
            Expect::Integer => text::INTEGER.into(),
            Expect::Number => "a number".into(),
        }
    }
}

/// Farthest-failure bookkeeping.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    far: usize,
    expected: Vec<Expect>,
    /// A body constraint (`@key(` …) met where only an annotation may stand.
    constraint_here: bool,
    /// Explanations of why the input went wrong at `far`.
    notes: Vec<String>,
    /// Depth of negative look-aheads: failures inside them are not the input's fault.
    suppressed: u32,
}

impl Tracker {
    fn advance_to(&mut self, pos: usize) -> bool {
        if self.suppressed > 0 || pos < self.far {
            return false;
        }
        if pos > self.far {
            self.far = pos;
            self.expected.clear();
            self.constraint_here = false;
            self.notes.clear();
        }
        true
    }

    pub fn expect(&mut self, pos: usize, what: Expect) {
        if self.advance_to(pos) && !self.expected.contains(&what) {
            self.expected.push(what);
        }
    }

    /// A constraint name followed by `(` right after an annotation's `@`.
    pub fn unexpected_constraint(&mut self, pos: usize) {
        if self.advance_to(pos) {
            self.constraint_here = true;
        }
    }

    /// Add an explanation for a failure at `pos`, if that is (still) the farthest failure.
    pub fn note(&mut self, pos: usize, note: String) {
        if self.suppressed == 0 && pos == self.far && !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    pub fn suppress(&mut self) {
        self.suppressed += 1;
    }

    pub fn unsuppress(&mut self) {
        self.suppressed = self.suppressed.saturating_sub(1);
    }

    /// The full report (without the `parse error: ` prefix, which `SchemaError` adds), with its
    /// position as data.
    pub fn report(&self, src: &str) -> ErrorDetail {
        let pos = self.far.min(src.len());
        let mut parts = Vec::new();
        if self.constraint_here {
            let name = clip(word_at(src, pos));
            parts.push(format!(
                "unexpected body constraint `@{name}(…)`: body constraints are only allowed inside a \
                 node or edge body"
            ));
        }
        if !self.expected.is_empty() {
            let words: Vec<String> = self.expected.iter().map(|e| e.words()).collect();
            parts.push(text::expected_found(&words, src, pos));
        }
        if parts.is_empty() {
            parts.push(format!("unexpected {}", text::found(src, pos)));
        }
        let mut notes = self.notes.clone();
        if let Some((head, tail)) = glued_split(src, pos) {
            let (head, tail) = (clip(head), clip(tail));
            notes.push(format!(
                "`{head}{tail}` is read as `{head}` followed by `{tail}`"
            ));
        }
        text::syntax_error(src, pos, parts.join("; "), notes).with_rule("S1")
    }
}

/// A keyword or built-in type directly followed by more word characters (`Strings`, `trueName`)
/// is matched as a prefix, and the rest is read as the next token. When a token starts at `pos`
/// glued to such a prefix, return (prefix, rest) so a report can point out the invisible split.
pub(crate) fn glued_split(src: &str, pos: usize) -> Option<(&str, &str)> {
    let bytes = src.as_bytes();
    if !bytes.get(pos).is_some_and(|&b| is_word(b)) || pos == 0 || !is_word(bytes[pos - 1]) {
        return None;
    }
    let start = bytes[..pos]
        .iter()
        .rposition(|&b| !is_word(b))
        .map_or(0, |i| i + 1);
    Some((&src[start..pos], word_at(src, pos)))
}
