//! The data behind every language error: the contract's message text, and — as data, not inside
//! that text — the rule it broke, the span of source it points at, and for an unknown name the
//! closest declared one. A caller renders `file:line:column`, the source line and a caret from
//! these ([`crate::locate`]); the message stays exactly the contract's.

use std::fmt;

use crate::span::Span;

/// What a language error says and where it points. Its `Display` is the message. (Boxed: errors
/// are rare, and `Result`s stay one pointer wide on the happy path.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorDetail(Box<Detail>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Detail {
    message: String,
    span: Option<Span>,
    rule: Option<&'static str>,
    suggestion: Option<String>,
    /// A syntax error's one-line statement (its message is the whole rendered report).
    summary: Option<String>,
    notes: Vec<String>,
}

impl ErrorDetail {
    /// The message, exactly as the contract words it (without the error kind's prefix, such as
    /// `type error: `, which the error types add). For a syntax error it is the whole report:
    /// `--> line:column`, the source line, the caret and what was expected.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The source the error points at: the offending construct (an unknown name, a value of the
    /// wrong type, a repeated annotation, …), or for a syntax error the token where the input
    /// stopped making sense (empty at the end of input).
    pub fn span(&self) -> Option<Span> {
        self.0.span
    }

    /// The rule broken, as the specification numbers it: the type-checker's code that starts the
    /// message (`T6`), a post-parse rejection's (`P4`), or a schema rule (`S1` for syntax, `A1`–
    /// `A14`, `I1`–`I2`, `N1`–`N6`, `P1`–`P16`, `C1`–`C16`, `K1`–`K5`). `None` where the
    /// specification gives the rule no id (query syntax errors, and type errors whose message has
    /// no code).
    pub fn rule(&self) -> Option<&str> {
        self.0.rule
    }

    /// For a name that is not declared (a type, a property, a parameter, a variable, an edge, an
    /// interface): the declared name closest to it, if one is close ("did you mean `name`?").
    pub fn suggestion(&self) -> Option<&str> {
        self.0.suggestion.as_deref()
    }

    /// The error in one line: for a syntax error `expected …, found …`, otherwise the message.
    pub fn summary(&self) -> &str {
        self.0.summary.as_deref().unwrap_or(&self.0.message)
    }

    /// A syntax error's explanations (the report's `= note: …` lines).
    pub fn notes(&self) -> &[String] {
        &self.0.notes
    }

    pub(crate) fn new(message: impl Into<String>) -> Self {
        ErrorDetail(Box::new(Detail {
            message: message.into(),
            span: None,
            rule: None,
            suggestion: None,
            summary: None,
            notes: Vec::new(),
        }))
    }

    /// A syntax error: the rendered `report`, and the one-line `summary` and `notes` it shows.
    pub(crate) fn syntax(report: String, summary: String, notes: Vec<String>, span: Span) -> Self {
        let mut error = ErrorDetail::new(report).at(span);
        error.0.summary = Some(summary);
        error.0.notes = notes;
        error
    }

    pub(crate) fn at(mut self, span: Span) -> Self {
        self.0.span = Some(span);
        self
    }

    pub(crate) fn with_rule(mut self, rule: &'static str) -> Self {
        self.0.rule = Some(rule);
        self
    }

    /// The closest of `candidates` to the unknown name `unknown`, as the suggestion.
    pub(crate) fn suggesting<T: AsRef<str>>(
        mut self,
        unknown: &str,
        candidates: impl IntoIterator<Item = T>,
    ) -> Self {
        self.0.suggestion = crate::suggest::closest(unknown, candidates).map(|c| c.as_ref().into());
        self
    }

    /// Replaces the suggestion (after a lookup that compares spellings differently).
    pub(crate) fn with_suggestion(mut self, suggestion: Option<String>) -> Self {
        self.0.suggestion = suggestion;
        self
    }
}

impl fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

/// The accessors of an error enum whose every variant holds an [`ErrorDetail`]: the detail, and
/// its span, rule and suggestion directly.
macro_rules! detail_accessors {
    ($ty:ident { $($variant:ident),* $(,)? }) => {
        impl $ty {
            /// The data behind the error: its message, span, rule and suggestion.
            pub fn detail(&self) -> &$crate::ErrorDetail {
                match self {
                    $($ty::$variant(detail))|* => detail,
                }
            }

            /// See [`ErrorDetail::span`](crate::ErrorDetail::span).
            pub fn span(&self) -> Option<$crate::Span> {
                self.detail().span()
            }

            /// See [`ErrorDetail::rule`](crate::ErrorDetail::rule).
            pub fn rule(&self) -> Option<&str> {
                self.detail().rule()
            }

            /// See [`ErrorDetail::suggestion`](crate::ErrorDetail::suggestion).
            pub fn suggestion(&self) -> Option<&str> {
                self.detail().suggestion()
            }
        }
    };
}
pub(crate) use detail_accessors;
