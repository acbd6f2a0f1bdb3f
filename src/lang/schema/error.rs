//! Syntax-error tracking and reporting. The parser records, for every failed attempt, what it
//! expected and where; the report keeps only the farthest position reached (the point the input
//! stopped making sense) and says, in plain words, what could have come there and what was found.
//! The layout follows the reference (`--> line:column`, the source line, a caret), but the words
//! are ours, not a parser generator's rule names (see the project note in schema-language.md).

use super::scanner::{is_word, string_end};

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
            Expect::EndOfInput => "end of input".into(),
            Expect::Declaration => "a declaration (`interface`, `node` or `edge`)".into(),
            Expect::TypeName => "a type name (starting with an upper-case letter)".into(),
            Expect::Token(token) => format!("`{token}`"),
            Expect::Annotation => "an annotation (`@name`)".into(),
            Expect::Property => "a property name (starting with a lower-case letter or `_`)".into(),
            Expect::BodyConstraint => "a body constraint (`@key(…)`, `@unique(…)`, …)".into(),
            Expect::ConstraintName => {
                "a constraint name (`key`, `unique`, `index`, `range` or `check`)".into()
            }
            Expect::Type => {
                "a type (`String`, `Blob`, `Bool`, `I32`, `I64`, `U32`, `U64`, `F32`, `F64`, \
                 `DateTime`, `Date`, `[T]`, `enum(…)` or `Vector(n)`)"
                    .into()
            }
            Expect::BaseType => "a list element type (`String`, `Blob`, `Bool`, `I32`, `I64`, \
                                 `U32`, `U64`, `F32`, `F64`, `DateTime` or `Date`)"
                .into(),
            Expect::AnnotationName => {
                "an annotation name (an identifier starting with a lower-case letter or `_`)".into()
            }
            Expect::AnnotationArg => {
                "an annotation argument (a \"string\", a number, `true`, `false` or an identifier)"
                    .into()
            }
            Expect::ConstraintArg => "a constraint argument (a property name, a \"string\", a \
                                      number, `true`, `false` or a range such as `0..10`)"
                .into(),
            Expect::EnumValue => "an enum value (letters, digits, `_` or `-`)".into(),
            Expect::Integer => "an integer".into(),
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

    /// The full report (without the `parse error: ` prefix, which `SchemaError` adds).
    pub fn report(&self, src: &str) -> String {
        let pos = self.far.min(src.len());
        let mut message = String::new();
        if self.constraint_here {
            let name = clip(word_at(src, pos));
            message.push_str(&format!(
                "unexpected body constraint `@{name}(…)`: constraints are only allowed inside a \
                 node or edge body, after its properties' types"
            ));
        }
        if !self.expected.is_empty() {
            if !message.is_empty() {
                message.push_str("; ");
            }
            let words: Vec<String> = self.expected.iter().map(|e| e.words()).collect();
            message.push_str(&format!(
                "expected {}, found {}",
                join_or(&words),
                describe_found(src, pos)
            ));
        }
        if message.is_empty() {
            message = format!("unexpected {}", describe_found(src, pos));
        }
        let mut notes = self.notes.clone();
        if let Some((head, tail)) = glued_split(src, pos) {
            let (head, tail) = (clip(head), clip(tail));
            notes.push(format!(
                "`{head}{tail}` is read as `{head}` followed by `{tail}`"
            ));
        }
        render(src, pos, &message, &notes)
    }
}

/// `A`, `A or B`, `A, B, or C`.
fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        [init @ .., last] => format!("{}, or {last}", init.join(", ")),
    }
}

/// The maximal run of word characters starting at `pos`.
fn word_at(src: &str, pos: usize) -> &str {
    let bytes = src.as_bytes();
    let end = bytes[pos..]
        .iter()
        .position(|&b| !is_word(b))
        .map_or(bytes.len(), |n| pos + n);
    &src[pos..end]
}

/// What stands at `pos`, in words.
fn describe_found(src: &str, pos: usize) -> String {
    let bytes = src.as_bytes();
    let Some(&b) = bytes.get(pos) else {
        return "end of input".into();
    };
    if b == b'"' {
        return match string_end(bytes, pos) {
            Some(_) => "a string literal".into(),
            None => "an unterminated string literal (no closing `\"`)".into(),
        };
    }
    if bytes[pos..].starts_with(b"/*") {
        return "`/*`, an unterminated block comment (no closing `*/`)".into();
    }
    if is_word(b) {
        return format!("`{}`", clip(word_at(src, pos)));
    }
    for pair in ["..", "->"] {
        if bytes[pos..].starts_with(pair.as_bytes()) {
            return format!("`{pair}`");
        }
    }
    let Some(c) = src[pos..].chars().next() else {
        return "end of input".into();
    };
    match c {
        '\u{feff}' => "a byte order mark (U+FEFF), which is not allowed".into(),
        '\'' => "`'` (strings use double quotes)".into(),
        c if c.is_ascii_graphic() => format!("`{c}`"),
        c if c.is_control() || c.is_whitespace() => {
            format!(
                "the character U+{:04X}, which is not allowed here",
                c as u32
            )
        }
        c => format!("`{c}` (only ASCII letters, digits and `_` may appear in names)"),
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

/// Line, column (1-based, columns in characters) and the displayed line of byte offset `pos`
/// (§4.3): only LF breaks lines (CR LF counts once, a lone CR is an ordinary column); the displayed
/// line has its CRs and LF removed.
pub(crate) fn locate(src: &str, pos: usize) -> (usize, usize, String) {
    let pos = pos.min(src.len());
    let before = &src.as_bytes()[..pos];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = 1 + src[line_start..pos].chars().count();
    let line_end = src[pos..].find('\n').map_or(src.len(), |i| pos + i);
    let shown: String = src[line_start..line_end]
        .chars()
        .filter(|&c| c != '\r')
        .collect();
    (line, column, shown)
}

/// Longest source line shown in full; longer lines are shown as a window around the caret.
const MAX_SHOWN: usize = 160;

/// Longest offending word quoted in a message.
const MAX_QUOTED: usize = 40;

pub(crate) fn clip(word: &str) -> String {
    match word.char_indices().nth(MAX_QUOTED) {
        Some((cut, _)) => format!("{}…", &word[..cut]),
        None => word.to_string(),
    }
}

fn render(src: &str, pos: usize, message: &str, notes: &[String]) -> String {
    let (line, column, shown) = locate(src, pos);
    let gutter = " ".repeat(line.to_string().len());
    let chars: Vec<char> = shown.chars().collect();
    let caret = column - 1;
    let (start, end) = if chars.len() <= MAX_SHOWN {
        (0, chars.len())
    } else {
        let start = caret
            .saturating_sub(MAX_SHOWN / 2)
            .min(chars.len() - MAX_SHOWN);
        (start, start + MAX_SHOWN)
    };
    let mut display = String::new();
    let mut padding = String::new();
    if start > 0 {
        display.push('…');
        padding.push(' ');
    }
    display.extend(&chars[start..end]);
    if end < chars.len() {
        display.push('…');
    }
    padding.extend(
        chars[start..caret.clamp(start, end)]
            .iter()
            .map(|&c| if c == '\t' { '\t' } else { ' ' }),
    );
    // Underline the offending word (at least one caret), never past the displayed text.
    let rest = end.saturating_sub(caret);
    let bytes = src.as_bytes();
    let width = match bytes.get(pos) {
        Some(&b) if is_word(b) => word_at(src, pos).len(),
        _ => 1,
    }
    .min(rest.max(1));
    let mut out = format!(
        "{gutter}--> {line}:{column}\n{gutter} |\n{line} | {display}\n{gutter} | {padding}{}\n{gutter} |\n{gutter} = {message}",
        "^".repeat(width)
    );
    for note in notes {
        out.push_str(&format!("\n{gutter} = note: {note}"));
    }
    out
}
