//! Hand-written parser for the schema grammar (schema-language.md §3), phases 1 and 2 of §1.3.
//!
//! Each grammar rule is one method that mirrors the PEG rule exactly — ordered choice, greedy
//! repetition, the `annotation` negative look-ahead, SKIP between items — so the accepted language
//! is the reference's. A method either succeeds or returns `None` with the position restored and
//! its expectations recorded in the `Tracker` (which turns into the syntax report).
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
    Property, SchemaFile, desugar_property,
};
use super::catalog::{Cardinality, PropType, ScalarType};
use super::convert::{self, Arg};
use super::error::{Expect, Tracker, glued_split};
use super::scanner::Scanner;
use crate::lang::text::{BASE_TYPES, clip};

const CONSTRAINT_NAMES: [&str; 5] = ["key", "unique", "index", "range", "check"];

/// Outcome of phases 1–2.
pub(crate) enum Parsed {
    Ok(SchemaFile),
    /// Syntax report (without prefix).
    Syntax(String),
    /// First AST-construction error (without prefix).
    Construction(String),
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

/// An annotation argument as written: kept verbatim, or a string literal (quotes included) to
/// decode.
enum AnnotationArg<'a> {
    Text(&'a str),
    Quoted(&'a str),
}

/// A node or edge body item.
enum BodyItem {
    Property(Property),
    Constraint(Constraint),
}

struct Parser<'a> {
    s: Scanner<'a>,
    t: Tracker,
    first_error: Option<String>,
}

impl<'a> Parser<'a> {
    // ---- plumbing ----------------------------------------------------------------------------

    /// Record that `what` was expected here; always `None`, for `?` chaining.
    fn expected<T>(&mut self, what: Expect) -> Option<T> {
        self.t.expect(self.s.pos, what);
        None
    }

    /// Run `rule`; on failure restore the position (PEG sequence semantics).
    fn attempt<T>(&mut self, rule: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.s.pos;
        let result = rule(self);
        if result.is_none() {
            self.s.pos = start;
        }
        result
    }

    /// SKIP, then a fixed token.
    fn token(&mut self, token: &'static str) -> Option<()> {
        self.s.skip();
        if self.s.eat(token) {
            Some(())
        } else {
            self.expected(Expect::Token(token))
        }
    }

    /// Keep the first AST-construction error; carry on with a placeholder so parsing (and so
    /// syntax checking) continues.
    fn construct<T>(&mut self, result: Result<T, String>, placeholder: T) -> T {
        match result {
            Ok(value) => value,
            Err(message) => {
                self.first_error.get_or_insert(message);
                placeholder
            }
        }
    }

    /// SKIP, then `type_name`.
    fn type_name(&mut self) -> Option<String> {
        self.s.skip();
        match self.s.type_name() {
            Some(name) => Some(name.to_string()),
            None => self.expected(Expect::TypeName),
        }
    }

    // ---- declarations ------------------------------------------------------------------------

    /// `schema_file ::= START schema_decl* EOI`
    fn schema_file(&mut self) -> Option<SchemaFile> {
        let mut declarations = Vec::new();
        loop {
            self.s.skip();
            match self.attempt(Self::schema_decl) {
                Some(decl) => declarations.push(decl),
                None => break,
            }
        }
        self.s.skip();
        if !self.s.at_end() {
            return self.expected(Expect::EndOfInput);
        }
        Some(SchemaFile { declarations })
    }

    /// `schema_decl ::= interface_decl / node_decl / edge_decl` — the three keywords start with
    /// different letters, so at most one alternative can get past its first token.
    fn schema_decl(&mut self) -> Option<Declaration> {
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
        let name = self.type_name()?;
        self.token("{")?;
        let mut properties = Vec::new();
        loop {
            self.s.skip();
            match self.attempt(Self::prop_decl) {
                Some(property) => properties.push(property),
                None => break,
            }
        }
        self.token("}")?;
        Some(InterfaceDecl { name, properties })
    }

    /// `"node" type_name annotation* implements_clause? "{" (prop_decl / body_constraint)* "}"`
    fn node_decl(&mut self) -> Option<NodeDecl> {
        let name = self.type_name()?;
        let annotations = self.annotations();
        self.s.skip();
        let implements = self.attempt(Self::implements_clause).unwrap_or_default();
        self.token("{")?;
        let (properties, constraints) = self.body_items()?;
        Some(NodeDecl {
            name,
            annotations,
            implements,
            properties,
            constraints,
        })
    }

    /// `"implements" type_name ("," type_name)*`
    fn implements_clause(&mut self) -> Option<Vec<String>> {
        if !self.s.eat("implements") {
            return self.expected(Expect::Token("implements"));
        }
        let mut names = vec![self.type_name()?];
        while let Some(name) = self.attempt(|p| {
            p.token(",")?;
            p.type_name()
        }) {
            names.push(name);
        }
        Some(names)
    }

    /// `"edge" type_name ":" type_name "->" type_name cardinality? annotation*
    ///  ("{" (prop_decl / body_constraint)* "}")?`
    fn edge_decl(&mut self) -> Option<EdgeDecl> {
        let name = self.type_name()?;
        self.token(":")?;
        let from_type = self.type_name()?;
        self.token("->")?;
        let to_type = self.type_name()?;
        self.s.skip();
        let cardinality = self.attempt(Self::cardinality).unwrap_or_default();
        let annotations = self.annotations();
        self.s.skip();
        let (properties, constraints) = self
            .attempt(|p| {
                if !p.s.eat("{") {
                    return p.expected(Expect::Token("{"));
                }
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
        })
    }

    /// `(prop_decl / body_constraint)* "}"` after a node's or edge's `{`; then the
    /// property-level annotations are desugared after the body constraints (§5.7).
    fn body_items(&mut self) -> Option<(Vec<Property>, Vec<Constraint>)> {
        let mut properties = Vec::new();
        let mut constraints = Vec::new();
        loop {
            self.s.skip();
            let item = self
                .attempt(|p| p.prop_decl().map(BodyItem::Property))
                .or_else(|| self.attempt(|p| p.body_constraint().map(BodyItem::Constraint)));
            match item {
                Some(BodyItem::Property(property)) => properties.push(property),
                Some(BodyItem::Constraint(constraint)) => constraints.push(constraint),
                None => break,
            }
        }
        self.token("}")?;
        for property in &properties {
            desugar_property(property, &mut constraints);
        }
        Some((properties, constraints))
    }

    /// `"@card" "(" integer ".." integer? ")"`
    fn cardinality(&mut self) -> Option<Cardinality> {
        if !self.s.eat("@card") {
            return self.expected(Expect::Token("@card(min..max)"));
        }
        self.token("(")?;
        self.s.skip();
        let Some(min) = self.s.integer() else {
            return self.expected(Expect::Integer);
        };
        self.token("..")?;
        self.s.skip();
        let max = self.s.integer();
        if max.is_none() {
            self.expected::<()>(Expect::Integer);
        }
        self.token(")")?;
        let result = convert::cardinality(min, max);
        Some(self.construct(result, Cardinality::default()))
    }

    // ---- properties and types ----------------------------------------------------------------

    /// `ident ":" type_ref annotation*`
    fn prop_decl(&mut self) -> Option<Property> {
        let start = self.s.pos;
        let Some(name) = self.s.ident() else {
            return self.expected(Expect::Property);
        };
        let name = name.to_string();
        if self.token(":").is_none() {
            // `x: Strings` reads `String`, then a property `s` missing its `:`.
            if let Some((head, _)) = glued_split(self.s.src, start) {
                let (head, name) = (clip(head), clip(&name));
                let note = format!(
                    "`{head}{name}` is read as `{head}` followed by a new property `{name}`"
                );
                self.t.note(self.s.pos, note);
            }
            return None;
        }
        let prop_type = self.type_ref()?;
        let annotations = self.annotations();
        Some(Property {
            name,
            prop_type,
            annotations,
            injected_from: None,
        })
    }

    /// `core_type "?"?`
    fn type_ref(&mut self) -> Option<PropType> {
        self.s.skip();
        let core = self.core_type()?;
        self.s.skip();
        let nullable = self.s.eat("?");
        if !nullable {
            self.expected::<()>(Expect::Token("?"));
        }
        let placeholder = convert::plain(ScalarType::String);
        let mut prop_type = self.construct(core, placeholder);
        prop_type.nullable = nullable;
        Some(prop_type)
    }

    /// `list_type / enum_type / vector_type / base_type`, returning the type or its
    /// construction error (A1–A5).
    fn core_type(&mut self) -> Option<Result<PropType, String>> {
        if let Some(t) = self.attempt(Self::list_type) {
            return Some(t);
        }
        if let Some(t) = self.attempt(Self::enum_type) {
            return Some(t);
        }
        if let Some(t) = self.attempt(Self::vector_type) {
            return Some(t);
        }
        if let Some(scalar) = self.base_type() {
            return Some(Ok(convert::plain(scalar)));
        }
        self.expected(Expect::Type)
    }

    /// `"[" base_type "]"`
    fn list_type(&mut self) -> Option<Result<PropType, String>> {
        if !self.s.eat("[") {
            return None;
        }
        self.s.skip();
        let Some(scalar) = self.base_type() else {
            return self.expected(Expect::BaseType);
        };
        self.token("]")?;
        Some(convert::list_of(scalar))
    }

    /// `"enum" "(" enum_value ("," enum_value)* ")"`
    fn enum_type(&mut self) -> Option<Result<PropType, String>> {
        if !self.s.eat("enum") {
            return None;
        }
        self.token("(")?;
        self.s.skip();
        let Some(first) = self.s.enum_value() else {
            return self.expected(Expect::EnumValue);
        };
        let mut values = vec![first];
        while let Some(value) = self.attempt(|p| {
            p.token(",")?;
            p.s.skip();
            match p.s.enum_value() {
                Some(value) => Some(value),
                None => p.expected(Expect::EnumValue),
            }
        }) {
            values.push(value);
        }
        self.token(")")?;
        Some(convert::enumeration(&values))
    }

    /// `"Vector" "(" integer ")"`
    fn vector_type(&mut self) -> Option<Result<PropType, String>> {
        if !self.s.eat("Vector") {
            return None;
        }
        self.token("(")?;
        self.s.skip();
        let Some(digits) = self.s.integer() else {
            return self.expected(Expect::Integer);
        };
        self.token(")")?;
        Some(convert::vector(digits))
    }

    /// `base_type`: a prefix match of one of the base type names (no record on failure: the
    /// callers say what they wanted).
    fn base_type(&mut self) -> Option<ScalarType> {
        BASE_TYPES
            .iter()
            .find(|name| self.s.eat(name))
            .and_then(|name| ScalarType::from_name(name))
    }

    // ---- annotations -------------------------------------------------------------------------

    /// `annotation*`, each preceded by SKIP.
    fn annotations(&mut self) -> Vec<Annotation> {
        let mut annotations = Vec::new();
        loop {
            self.s.skip();
            match self.attempt(Self::annotation) {
                Some(annotation) => annotations.push(annotation),
                None => return annotations,
            }
        }
    }

    /// `"@" !(constraint_name "(") ident ("(" annotation_arg ")")?`
    fn annotation(&mut self) -> Option<Annotation> {
        if !self.s.eat("@") {
            return self.expected(Expect::Annotation);
        }
        self.s.skip();
        if self.constraint_follows() {
            self.t.unexpected_constraint(self.s.pos);
            return None;
        }
        let Some(name) = self.s.ident() else {
            return self.expected(Expect::AnnotationName);
        };
        let name = name.to_string();
        self.s.skip();
        let arg = self.attempt(|p| {
            if !p.s.eat("(") {
                return p.expected(Expect::Token("("));
            }
            p.s.skip();
            let arg = p.annotation_arg()?;
            if p.token(")").is_none() {
                if name == "card" && p.s.src[p.s.pos..].starts_with("..") {
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
            Some(AnnotationArg::Text(text)) => Some(text.to_string()),
            Some(AnnotationArg::Quoted(literal)) => {
                let decoded = convert::decode_string(literal).map(Some);
                self.construct(decoded, None)
            }
        };
        Some(Annotation { name, value })
    }

    /// The look-ahead `constraint_name "("` (SKIP between), consuming nothing and recording
    /// nothing.
    fn constraint_follows(&mut self) -> bool {
        let start = self.s.pos;
        self.t.suppress();
        let found = self.constraint_name().is_some() && {
            self.s.skip();
            self.s.eat("(")
        };
        self.t.unsuppress();
        self.s.pos = start;
        found
    }

    /// `constraint_name`: a prefix match of `key`, `unique`, `index`, `range` or `check`.
    fn constraint_name(&mut self) -> Option<&'static str> {
        match CONSTRAINT_NAMES.iter().find(|name| self.s.eat(name)) {
            Some(name) => Some(name),
            None => self.expected(Expect::ConstraintName),
        }
    }

    /// `literal / ident`
    fn annotation_arg(&mut self) -> Option<AnnotationArg<'a>> {
        if let Some(literal) = self.s.string_lit() {
            return Some(AnnotationArg::Quoted(literal));
        }
        let text = self
            .s
            .float_lit()
            .or_else(|| self.s.integer())
            .or_else(|| self.bool_lit())
            .or_else(|| self.s.ident());
        match text {
            Some(text) => Some(AnnotationArg::Text(text)),
            None => self.expected(Expect::AnnotationArg),
        }
    }

    fn bool_lit(&mut self) -> Option<&'static str> {
        ["true", "false"].into_iter().find(|b| self.s.eat(b))
    }

    // ---- body constraints --------------------------------------------------------------------

    /// `"@" constraint_name "(" constraint_args ")"`
    fn body_constraint(&mut self) -> Option<Constraint> {
        if !self.s.eat("@") {
            return self.expected(Expect::BodyConstraint);
        }
        self.s.skip();
        let name = self.constraint_name()?;
        self.token("(")?;
        self.s.skip();
        let mut args = vec![self.constraint_arg()?];
        while let Some(arg) = self.attempt(|p| {
            p.token(",")?;
            p.s.skip();
            p.constraint_arg()
        }) {
            args.push(arg);
        }
        self.token(")")?;
        let kind = convert::constraint(name, &args);
        let placeholder = super::ast::ConstraintKind::Key(Vec::new());
        Some(Constraint {
            kind: self.construct(kind, placeholder),
            origin: ConstraintOrigin::Body,
        })
    }

    /// `range_bound / literal / ident`
    fn constraint_arg(&mut self) -> Option<Arg<'a>> {
        if let Some(range) = self.attempt(Self::range_bound) {
            return Some(range);
        }
        if let Some(literal) = self.s.string_lit() {
            return Some(Arg::Str(literal));
        }
        if self.s.float_lit().is_some() || self.s.integer().is_some() || self.bool_lit().is_some() {
            return Some(Arg::OtherLiteral);
        }
        if let Some(ident) = self.s.ident() {
            return Some(Arg::Ident(ident));
        }
        self.expected(Expect::ConstraintArg)
    }

    /// `signed_float / signed_integer`
    fn signed_number(&mut self) -> Option<&'a str> {
        self.s.signed_float().or_else(|| self.s.signed_integer())
    }

    /// `(num ".." num?) / (".." num)`
    fn range_bound(&mut self) -> Option<Arg<'a>> {
        if let Some(first) = self.signed_number() {
            self.token("..")?;
            self.s.skip();
            let second = self.signed_number();
            if second.is_none() {
                self.expected::<()>(Expect::Number);
            }
            return Some(Arg::Range(first, second));
        }
        if !self.s.eat("..") {
            return None;
        }
        self.s.skip();
        match self.signed_number() {
            // `..b`: the only number written becomes the minimum (§5.5 ⚠).
            Some(only) => Some(Arg::Range(only, None)),
            None => self.expected(Expect::Number),
        }
    }
}
