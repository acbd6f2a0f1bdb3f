//! Hand-written parser for the schema grammar (schema-language.md §3), phases 1 and 2 of §1.3.
//!
//! Each grammar rule is one method that mirrors the PEG rule exactly — ordered choice, greedy
//! repetition, the `annotation` negative look-ahead, SKIP between items — so the accepted language
//! is the reference's. A method either succeeds or returns `None` with the position restored and
//! its expectations recorded in the `Tracker` (which turns into the syntax report). A few helpers
//! carry the grammar's recurring shapes: the shared PEG combinators (`lang::peg`: `token` — SKIP,
//! then a fixed string — `attempt`, `many0`, `sep_by1`, `parens`), `fixed` (a fixed string with
//! its own expectation) and `scan` (SKIP, then a token rule); an ordered choice is an `or_else`
//! chain. Every element begins with SKIP, so SKIP falls between items as the grammar has it.
//!
//! AST construction (phase 2) happens as each construct completes. Its first error is kept aside
//! and reported only if the whole text turns out to be syntactically valid, because every syntax
//! error wins over every construction error. Constructs are completed in source order, which is
//! phase 2's order. (A completed construct is never discarded by a later backtrack unless the
//! parse fails as a whole: every optional group around one is followed by text that cannot start
//! anything else.)
//!
//! The grammar has no recursive rules, so the call depth is fixed and hostile input cannot
//! overflow the stack. Every token is scanned once per attempt and the number of attempts at a
//! position is bounded by the grammar, so parsing is linear.

use super::ast::{
    Annotation, Constraint, ConstraintOrigin, Declaration, EdgeDecl, InterfaceDecl, NodeDecl,
    Property, SchemaFile, Span, desugar_property,
};
use super::catalog::{Cardinality, PropType, ScalarType};
use super::convert::{self, Arg};
use super::error::{Expect, Tracker, glued_split};
use super::scanner::{Scanner, enum_value, signed_float, signed_integer};
use crate::error::ErrorDetail;
use crate::peg::Peg;
use crate::text::{BASE_TYPES, clip, float_lit, ident, integer, string_end, type_name};

const CONSTRAINT_NAMES: [&str; 5] = ["key", "unique", "index", "range", "check"];
const BOOLEANS: [&str; 2] = ["true", "false"];

/// Outcome of phases 1–2.
pub(crate) enum Parsed {
    Ok(SchemaFile),
    /// Syntax report (without prefix).
    Syntax(ErrorDetail),
    /// First AST-construction error (without prefix).
    Construction(ErrorDetail),
}

pub(crate) fn parse(src: &str) -> Parsed {
    let mut parser = Parser {
        s: Scanner::new(src),
        t: Tracker::default(),
        first_error: None,
    };
    match parser.schema_file() {
        None => Parsed::Syntax(parser.t.report(src)),
        Some(file) => match parser.first_error {
            Some(message) => Parsed::Construction(message),
            None => Parsed::Ok(file),
        },
    }
}

/// An annotation argument as written: kept verbatim, or a string literal (quotes included, and
/// where it is written) to decode.
enum AnnotationArg<'a> {
    Text(&'a str),
    Quoted(&'a str, Span),
}

struct Parser<'a> {
    s: Scanner<'a>,
    t: Tracker,
    first_error: Option<ErrorDetail>,
}

impl Peg for Parser<'_> {
    /// SKIP, then a fixed token; else the token was expected here.
    fn token(&mut self, token: &'static str) -> Option<()> {
        self.fixed(token, Expect::Token(token))
    }

    /// On failure, restore the position (PEG sequence semantics).
    fn attempt<T>(&mut self, rule: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.s.pos;
        let result = rule(self);
        if result.is_none() {
            self.s.pos = start;
        }
        result
    }
}

impl<'a> Parser<'a> {
    // ---- plumbing ----------------------------------------------------------------------------

    /// Record that `what` was expected here; always `None`, for `?` chaining.
    fn expected<T>(&mut self, what: Expect) -> Option<T> {
        self.t.expect(self.s.pos, what);
        None
    }

    /// SKIP, then the fixed string `text`; else `what` was expected here.
    fn fixed(&mut self, text: &'static str, what: Expect) -> Option<()> {
        self.s.skip();
        if self.s.eat(text) {
            Some(())
        } else {
            self.expected(what)
        }
    }

    /// SKIP, then the token rule `scan`; else `what` was expected here.
    fn scan(&mut self, what: Expect, scan: fn(&[u8], usize) -> Option<usize>) -> Option<&'a str> {
        self.s.skip();
        self.s.scan(scan).or_else(|| self.expected(what))
    }

    /// [`Parser::scan`], with where the token is written.
    fn scan_spanned(
        &mut self,
        what: Expect,
        scan: fn(&[u8], usize) -> Option<usize>,
    ) -> Option<(&'a str, Span)> {
        let text = self.scan(what, scan)?;
        Some((text, self.just_scanned(text)))
    }

    /// The span of `text`, the token just scanned (or fixed string just matched).
    fn just_scanned(&self, text: &str) -> Span {
        Span::new(self.s.pos - text.len(), self.s.pos)
    }

    /// From `start` to here.
    fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.s.pos)
    }

    /// Keep the first AST-construction error; carry on with a placeholder so parsing (and so
    /// syntax checking) continues.
    fn construct<T>(&mut self, result: Result<T, ErrorDetail>, placeholder: T) -> T {
        match result {
            Ok(value) => value,
            Err(error) => {
                self.first_error.get_or_insert(error);
                placeholder
            }
        }
    }

    fn type_name(&mut self) -> Option<(String, Span)> {
        let (name, span) = self.scan_spanned(Expect::TypeName, type_name)?;
        Some((name.to_owned(), span))
    }

    // ---- declarations ------------------------------------------------------------------------

    /// `schema_file ::= START schema_decl* EOI`
    fn schema_file(&mut self) -> Option<SchemaFile> {
        let declarations = self.many0(Self::schema_decl);
        self.s.skip();
        if !self.s.at_end() {
            return self.expected(Expect::EndOfInput);
        }
        Some(SchemaFile { declarations })
    }

    /// `schema_decl ::= interface_decl / node_decl / edge_decl` — the three keywords start with
    /// different letters, so at most one alternative can get past its first token.
    fn schema_decl(&mut self) -> Option<Declaration> {
        self.s.skip();
        if self.s.eat("interface") {
            self.interface_decl().map(Declaration::Interface)
        } else if self.s.eat("node") {
            self.node_decl().map(Declaration::Node)
        } else if self.s.eat("edge") {
            self.edge_decl().map(Declaration::Edge)
        } else {
            self.expected(Expect::Declaration)
        }
    }

    /// `"interface" type_name "{" prop_decl* "}"` (after the keyword).
    fn interface_decl(&mut self) -> Option<InterfaceDecl> {
        let (name, name_span) = self.type_name()?;
        self.token("{")?;
        let properties = self.many0(Self::prop_decl);
        self.token("}")?;
        Some(InterfaceDecl {
            name,
            properties,
            name_span,
        })
    }

    /// `"node" type_name annotation* implements_clause? "{" (prop_decl / body_constraint)* "}"`
    fn node_decl(&mut self) -> Option<NodeDecl> {
        let (name, name_span) = self.type_name()?;
        let annotations = self.annotations();
        // `implements_clause ::= "implements" type_name ("," type_name)*`
        let (implements, implements_spans) = self
            .attempt(|p| {
                p.token("implements")?;
                p.sep_by1(Self::type_name)
            })
            .unwrap_or_default()
            .into_iter()
            .unzip();
        self.token("{")?;
        let (properties, constraints) = self.body_items()?;
        Some(NodeDecl {
            name,
            annotations,
            implements,
            properties,
            constraints,
            name_span,
            implements_spans,
        })
    }

    /// `"edge" type_name ":" type_name "->" type_name cardinality? annotation*
    ///  ("{" (prop_decl / body_constraint)* "}")?`
    fn edge_decl(&mut self) -> Option<EdgeDecl> {
        let (name, name_span) = self.type_name()?;
        self.token(":")?;
        let (from_type, from_span) = self.type_name()?;
        self.token("->")?;
        let (to_type, to_span) = self.type_name()?;
        let cardinality = self.attempt(Self::cardinality).unwrap_or_default();
        let annotations = self.annotations();
        let (properties, constraints) = self
            .attempt(|p| {
                p.token("{")?;
                p.body_items()
            })
            .unwrap_or_default();
        Some(EdgeDecl {
            name,
            from_type,
            to_type,
            cardinality,
            annotations,
            properties,
            constraints,
            name_span,
            from_span,
            to_span,
        })
    }

    /// `(prop_decl / body_constraint)* "}"` after a node's or edge's `{`; then the
    /// property-level annotations are desugared after the body constraints (§5.7).
    fn body_items(&mut self) -> Option<(Vec<Property>, Vec<Constraint>)> {
        let mut properties = Vec::new();
        let mut constraints = Vec::new();
        self.many0(|p| {
            match p.attempt(Self::prop_decl) {
                Some(property) => properties.push(property),
                None => constraints.push(p.attempt(Self::body_constraint)?),
            }
            Some(())
        });
        self.token("}")?;
        for property in &properties {
            desugar_property(property, &mut constraints);
        }
        Some((properties, constraints))
    }

    /// `"@card" "(" integer ".." integer? ")"`
    fn cardinality(&mut self) -> Option<Cardinality> {
        self.fixed("@card", Expect::Token("@card(min..max)"))?;
        let start = self.s.pos - "@card".len();
        let (min, max) = self.parens(|p| {
            let min = p.scan_spanned(Expect::Integer, integer)?;
            p.token("..")?;
            Some((min, p.scan_spanned(Expect::Integer, integer)))
        })?;
        let result = convert::cardinality(min, max, self.span_from(start));
        Some(self.construct(result, Cardinality::default()))
    }

    // ---- properties and types ----------------------------------------------------------------

    /// `ident ":" type_ref annotation*`
    fn prop_decl(&mut self) -> Option<Property> {
        let (name, name_span) = self.scan_spanned(Expect::Property, ident)?;
        let start = name_span.start;
        if self.token(":").is_none() {
            // `x: Strings` reads `String`, then a property `s` missing its `:`.
            if let Some((head, _)) = glued_split(self.s.src, start) {
                let (head, name) = (clip(head), clip(name));
                let note = format!(
                    "`{head}{name}` is read as `{head}` followed by a new property `{name}`"
                );
                self.t.note(self.s.pos, note);
            }
            return None;
        }
        let (prop_type, type_span) = self.type_ref()?;
        let annotations = self.annotations();
        Some(Property {
            name: name.to_owned(),
            prop_type,
            annotations,
            injected_from: None,
            name_span,
            type_span,
        })
    }

    /// `core_type "?"?`, and where it is written. A construction error (A1–A5) points at the
    /// core type.
    fn type_ref(&mut self) -> Option<(PropType, Span)> {
        self.s.skip();
        let start = self.s.pos;
        let core = self.core_type()?;
        let core_span = self.span_from(start);
        let nullable = self.token("?").is_some();
        let span = if nullable {
            self.span_from(start)
        } else {
            core_span
        };
        let core = core.map_err(|error| error.at(core_span));
        let mut prop_type = self.construct(core, convert::plain(ScalarType::String));
        prop_type.nullable = nullable;
        Some((prop_type, span))
    }

    /// `list_type / enum_type / vector_type / base_type`, returning the type or its
    /// construction error (A1–A5).
    fn core_type(&mut self) -> Option<Result<PropType, ErrorDetail>> {
        self.attempt(Self::list_type)
            .or_else(|| self.attempt(Self::enum_type))
            .or_else(|| self.attempt(Self::vector_type))
            .or_else(|| self.base_type().map(|scalar| Ok(convert::plain(scalar))))
            .or_else(|| self.expected(Expect::Type))
    }

    /// `"[" base_type "]"`
    fn list_type(&mut self) -> Option<Result<PropType, ErrorDetail>> {
        self.s.eat("[").then_some(())?;
        self.s.skip();
        let scalar = self
            .base_type()
            .or_else(|| self.expected(Expect::BaseType))?;
        self.token("]")?;
        Some(convert::list_of(scalar))
    }

    /// `"enum" "(" enum_value ("," enum_value)* ")"`
    fn enum_type(&mut self) -> Option<Result<PropType, ErrorDetail>> {
        self.s.eat("enum").then_some(())?;
        let values = self.parens(|p| p.sep_by1(|p| p.scan(Expect::EnumValue, enum_value)))?;
        Some(convert::enumeration(&values))
    }

    /// `"Vector" "(" integer ")"`
    fn vector_type(&mut self) -> Option<Result<PropType, ErrorDetail>> {
        self.s.eat("Vector").then_some(())?;
        let digits = self.parens(|p| p.scan(Expect::Integer, integer))?;
        Some(convert::vector(digits))
    }

    /// `base_type`: a prefix match of one of the base type names (no record on failure: the
    /// callers say what they wanted).
    fn base_type(&mut self) -> Option<ScalarType> {
        self.s
            .eat_first(&BASE_TYPES)
            .and_then(ScalarType::from_name)
    }

    // ---- annotations -------------------------------------------------------------------------

    /// `annotation*`, each preceded by SKIP.
    fn annotations(&mut self) -> Vec<Annotation> {
        self.many0(Self::annotation)
    }

    /// `"@" !(constraint_name "(") ident ("(" annotation_arg ")")?`
    fn annotation(&mut self) -> Option<Annotation> {
        self.fixed("@", Expect::Annotation)?;
        let start = self.s.pos - 1;
        self.s.skip();
        if self.constraint_follows() {
            self.t.unexpected_constraint(self.s.pos);
            return None;
        }
        let name = self.scan(Expect::AnnotationName, ident)?;
        let arg = self.attempt(|p| {
            p.token("(")?;
            p.s.skip();
            let arg = p.annotation_arg()?;
            if p.token(")").is_none() {
                if name == "card" && p.s.rest().starts_with("..") {
                    let note = "an edge's cardinality `@card(min..max)` must come directly after \
                                its target type; anywhere else `@card` is an ordinary annotation \
                                with a single argument";
                    p.t.note(p.s.pos, note.into());
                }
                return None;
            }
            Some(arg)
        });
        let value = match arg {
            None => None,
            Some(AnnotationArg::Text(text)) => Some(text.to_owned()),
            Some(AnnotationArg::Quoted(literal, span)) => {
                let decoded = convert::decode_string(literal, span).map(Some);
                self.construct(decoded, None)
            }
        };
        Some(Annotation {
            name: name.to_owned(),
            value,
            span: self.span_from(start),
        })
    }

    /// The look-ahead `constraint_name "("` (SKIP between), consuming nothing and recording
    /// nothing.
    fn constraint_follows(&mut self) -> bool {
        let start = self.s.pos;
        self.t.suppress();
        let found = self.constraint_name().is_some() && self.token("(").is_some();
        self.t.unsuppress();
        self.s.pos = start;
        found
    }

    /// `constraint_name`: a prefix match of `key`, `unique`, `index`, `range` or `check`.
    fn constraint_name(&mut self) -> Option<&'static str> {
        self.s
            .eat_first(&CONSTRAINT_NAMES)
            .or_else(|| self.expected(Expect::ConstraintName))
    }

    /// `literal / ident`
    fn annotation_arg(&mut self) -> Option<AnnotationArg<'a>> {
        self.s
            .scan(string_end)
            .map(|literal| AnnotationArg::Quoted(literal, self.just_scanned(literal)))
            .or_else(|| {
                let text = self
                    .s
                    .scan(float_lit)
                    .or_else(|| self.s.scan(integer))
                    .or_else(|| self.s.eat_first(&BOOLEANS))
                    .or_else(|| self.s.scan(ident))?;
                Some(AnnotationArg::Text(text))
            })
            .or_else(|| self.expected(Expect::AnnotationArg))
    }

    // ---- body constraints --------------------------------------------------------------------

    /// `"@" constraint_name "(" constraint_args ")"`
    fn body_constraint(&mut self) -> Option<Constraint> {
        self.fixed("@", Expect::BodyConstraint)?;
        let start = self.s.pos - 1;
        self.s.skip();
        let name = self.constraint_name()?;
        let args = self.parens(|p| {
            p.sep_by1(|p| {
                p.s.skip();
                let start = p.s.pos;
                let arg = p.constraint_arg()?;
                Some((arg, p.span_from(start)))
            })
        })?;
        let span = self.span_from(start);
        let kind = convert::constraint(name, &args, span);
        let placeholder = super::ast::ConstraintKind::Key(Vec::new());
        Some(Constraint {
            kind: self.construct(kind, placeholder),
            origin: ConstraintOrigin::Body,
            span,
            arg_spans: args.into_iter().map(|(_, span)| span).collect(),
        })
    }

    /// `range_bound / literal / ident`
    fn constraint_arg(&mut self) -> Option<Arg<'a>> {
        self.attempt(Self::range_bound)
            .or_else(|| self.s.scan(string_end).map(Arg::Str))
            .or_else(|| {
                let other = self.s.scan(float_lit).is_some()
                    || self.s.scan(integer).is_some()
                    || self.s.eat_first(&BOOLEANS).is_some();
                other.then_some(Arg::OtherLiteral)
            })
            .or_else(|| self.s.scan(ident).map(Arg::Ident))
            .or_else(|| self.expected(Expect::ConstraintArg))
    }

    /// `signed_float / signed_integer`
    fn signed_number(&mut self) -> Option<&'a str> {
        self.s
            .scan(signed_float)
            .or_else(|| self.s.scan(signed_integer))
    }

    /// `(num ".." num?) / (".." num)`
    fn range_bound(&mut self) -> Option<Arg<'a>> {
        let number = |p: &mut Self| {
            p.s.skip();
            p.signed_number().or_else(|| p.expected(Expect::Number))
        };
        if let Some(first) = self.signed_number() {
            self.token("..")?;
            // All or nothing, so that an absent maximum leaves the trivia before it unread.
            return Some(Arg::Range(first, self.attempt(number)));
        }
        self.s.eat("..").then_some(())?;
        // `..b`: the only number written becomes the minimum (§5.5 ⚠).
        Some(Arg::Range(number(self)?, None))
    }
}
