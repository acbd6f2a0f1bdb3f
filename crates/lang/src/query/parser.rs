//! Recursive-descent PEG parser for `.gq` files (query-language.md §2 and §4).
//!
//! Each grammar rule of §2.2 is one method here, in the same order, with the same ordered choices,
//! so the accepted language — including every ordered-choice effect of §2.3 — is the reference's.
//! The shared PEG combinators (`lang::peg`: `token` — trivia, then a fixed string — `attempt`,
//! `many0`/`many1`, `sep_by1`, `parens`, `braces`) and a few of this parser's own ([`Parser::rule`]
//! and [`Parser::keyword`] for tracked rules, [`Parser::scan`] for token rules, [`Parser::choose`]
//! for the first of several fixed strings, [`Parser::group`] for `( … )?`) carry the grammar; an
//! ordered choice is an `or_else` chain. Every element skips the trivia in front of it (which,
//! since rules start after trivia, is the reference's trivia *between* elements); token rules
//! (`lexer`) are contiguous.
//!
//! Syntax errors: every tracked rule invocation goes through [`Parser::rule`], which hands the
//! reference's attempt bookkeeping (§4.1.2) to `attempts`. That yields the same error position and
//! the same set of expected rules as the reference; `report` then words them in plain language.
//!
//! Post-parse rejections (§4.2) are collected while parsing into `errors`, in the order the
//! reference's AST conversion would meet them; every backtrack truncates the list to what it was,
//! so only errors of the successful parse survive. They are reported only if the whole file
//! matched the grammar, so a syntax error anywhere wins.

use super::ast::*;
use super::attempts::{Attempts, Rule, Starts, SyntaxFailure};
use super::lexer;
use crate::error::ErrorDetail;
use crate::peg::Peg;
use crate::text;

pub(crate) enum ParseFailure {
    Syntax(SyntaxFailure),
    /// First post-parse rejection (message without prefixes).
    PostParse(ErrorDetail),
}

/// Saved parser state for backtracking.
#[derive(Clone, Copy)]
struct Save {
    pos: usize,
    last_end: usize,
    errors: usize,
}

pub(crate) struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    /// End of the last token consumed: where a construct's span ends (trivia after it is not
    /// part of it).
    last_end: usize,
    last_close: text::LastBlockClose,
    /// Post-parse rejections met so far on the current parse path.
    errors: Vec<ErrorDetail>,
    /// Attempt tracking (§4.1.2) and the nesting bound.
    attempts: Attempts,
}

pub(crate) fn parse(src: &str) -> Result<QueryFile, ParseFailure> {
    // The first pass does not track attempts; only a file that fails is parsed again with
    // tracking, to locate and describe the error exactly as the reference does.
    let mut fast = Parser::new(src, false);
    if let (Some(file), None) = (fast.query_file(), fast.attempts.too_deep()) {
        return fast.finish(file);
    }
    let mut p = Parser::new(src, true);
    match p.query_file() {
        Some(file) if p.attempts.too_deep().is_none() => p.finish(file),
        _ => Err(ParseFailure::Syntax(p.attempts.failure())),
    }
}

/// The arguments of `fuzzy(field, query, max_edits?)` and `rrf(primary, secondary, k?)`.
type TwoArgsAndAnOption = (Box<Expr>, Box<Expr>, Option<Box<Expr>>);

/// The two post-parse rejections of a duplicate annotation (§4.2 P1, P2).
fn duplicate_annotation(kind: &str) -> &'static str {
    if kind == "description" { "P1" } else { "P2" }
}

impl Peg for Parser<'_> {
    /// Trivia, then a fixed string (keyword or punctuation): untracked, no word boundary.
    fn token(&mut self, text: &'static str) -> Option<()> {
        self.skip();
        let found = self.rest().starts_with(text.as_bytes());
        found.then(|| self.consume(text.len()))
    }

    /// All or nothing, post-parse rejections included.
    fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.save();
        let result = f(self);
        if result.is_none() {
            self.restore(start);
        }
        result
    }
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, track: bool) -> Parser<'a> {
        Parser {
            src,
            b: src.as_bytes(),
            pos: 0,
            last_end: 0,
            last_close: text::LastBlockClose::new(),
            errors: Vec::new(),
            attempts: Attempts::new(track),
        }
    }

    /// A file that matched the grammar: its first post-parse rejection, if any.
    fn finish(self, file: QueryFile) -> Result<QueryFile, ParseFailure> {
        match self.errors.into_iter().next() {
            Some(msg) => Err(ParseFailure::PostParse(msg)),
            None => Ok(file),
        }
    }

    // ----------------------------------------------------------------------------------------
    // Machinery. Every element of a structural rule skips the trivia in front of it: a rule
    // always starts after trivia (its caller skipped), so this is the reference's "trivia between
    // elements", and a trailing optional element that matches nothing still consumes the trivia
    // before it (§1.2, span quirk).

    fn save(&self) -> Save {
        Save {
            pos: self.pos,
            last_end: self.last_end,
            errors: self.errors.len(),
        }
    }

    fn restore(&mut self, s: Save) {
        self.pos = s.pos;
        self.last_end = s.last_end;
        self.errors.truncate(s.errors);
    }

    /// Consumes a token of `len` bytes.
    fn consume(&mut self, len: usize) {
        self.pos += len;
        self.last_end = self.pos;
    }

    /// From `start` to the end of the last token consumed.
    fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.last_end.max(start))
    }

    /// Skips trivia: where the next element starts.
    fn start(&mut self) -> usize {
        self.skip();
        self.pos
    }

    /// The span of `text`, the token just scanned.
    fn just_scanned(&self, text: &str) -> Span {
        Span::new(self.pos - text.len(), self.pos)
    }

    /// Trivia, then `f`: its result and the span of what it consumed.
    fn spanned<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<(T, Span)> {
        self.skip();
        let start = self.pos;
        let value = f(self)?;
        Some((value, self.span_from(start)))
    }

    fn skip(&mut self) {
        // Most elements start right at a token: check that before calling out.
        if matches!(
            self.rest().first(),
            Some(b' ' | b'\t' | b'\r' | b'\n' | b'/')
        ) {
            self.pos = text::skip_trivia(self.b, self.pos, &self.last_close);
        }
    }

    fn rest(&self) -> &'a [u8] {
        self.b.get(self.pos..).unwrap_or_default()
    }

    /// Trivia, then the first of `options` (fixed strings, in order) that stands here.
    fn choose<T>(&mut self, options: impl IntoIterator<Item = (&'static str, T)>) -> Option<T> {
        self.skip();
        let rest = self.rest();
        let (s, value) = options
            .into_iter()
            .find(|(s, _)| rest.starts_with(s.as_bytes()))?;
        self.consume(s.len());
        Some(value)
    }

    /// Records a post-parse rejection at the current point of the conversion order.
    fn reject(&mut self, rule: &'static str, span: Span, msg: String) {
        self.errors
            .push(ErrorDetail::new(msg).with_rule(rule).at(span));
    }

    /// The value, or — recording the error as a post-parse rejection of `rule` at `span` — a
    /// placeholder.
    fn or_reject<T: Default>(
        &mut self,
        rule: &'static str,
        span: Span,
        result: Result<T, String>,
    ) -> T {
        result.unwrap_or_else(|msg| {
            self.reject(rule, span, msg);
            T::default()
        })
    }

    /// The number the digits `number` spans, or the post-parse rejection `rule`
    /// (`invalid WHAT: number too large …`).
    fn number<N: std::str::FromStr + Default>(
        &mut self,
        (digits, span): (&str, Span),
        what: &str,
        rule: &'static str,
    ) -> N {
        let parsed = digits
            .parse()
            .map_err(|_| format!("invalid {what}: number too large to fit in target type"));
        self.or_reject(rule, span, parsed)
    }

    /// A tracked rule invocation (§4.1.2), after trivia: runs `f`, restores the state if it fails
    /// and updates the attempt bookkeeping exactly as the reference's parser generator does.
    fn rule<T>(
        &mut self,
        rule: Rule,
        starts: Starts,
        f: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        self.skip();
        self.enter(rule, starts, f)
    }

    /// [`Parser::rule`] without the trivia (only `query_file` starts before it).
    fn enter<T>(
        &mut self,
        rule: Rule,
        starts: Starts,
        f: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        let start = self.save();
        let next = self.rest().first().copied();
        let entry = self.attempts.enter(start.pos, starts, next)?;
        let result = f(self);
        if result.is_none() {
            self.restore(start);
        }
        self.attempts.leave(rule, entry, result.is_none());
        result
    }

    /// A rule whose first element is the fixed string `keyword`.
    fn keyword<T>(
        &mut self,
        rule: Rule,
        keyword: &'static str,
        f: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        let first = Starts::of(keyword.as_bytes().get(..1).unwrap_or_default());
        self.rule(rule, first, |p| {
            p.token(keyword)?;
            f(p)
        })
    }

    /// A token rule scanned by `lexer`; returns its text.
    fn scan(
        &mut self,
        rule: Rule,
        starts: Starts,
        scan: fn(&[u8], usize) -> Option<usize>,
    ) -> Option<&'a str> {
        let (b, src) = (self.b, self.src);
        self.rule(rule, starts, |p| {
            let end = scan(b, p.pos)?;
            let text = src.get(p.pos..end)?;
            p.consume(text.len());
            Some(text)
        })
    }

    /// An untracked group after trivia (`( … )?`): all or nothing.
    fn group<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        self.skip();
        self.attempt(f)
    }

    fn text_since(&self, start: usize) -> &'a str {
        &self.src[start..self.pos]
    }

    // ----------------------------------------------------------------------------------------
    // File and declaration

    /// `query_file := SOI query_decl* EOI`.
    fn query_file(&mut self) -> Option<QueryFile> {
        self.enter(Rule::QueryFile, Starts::ANY, |p| {
            let queries = p.many0(Self::query_decl);
            p.rule(Rule::Eoi, Starts::ANY, |p| {
                p.rest().is_empty().then_some(())
            })?;
            Some(QueryFile { queries })
        })
    }

    /// `query_decl := "query" ident "(" param_list? ")" query_annotation* "{" query_body "}"`.
    fn query_decl(&mut self) -> Option<QueryDecl> {
        let start = self.start();
        self.keyword(Rule::QueryDecl, "query", |p| {
            let (name, name_span) = p.spanned(Self::ident)?;
            let params = p.parens(|p| Some(p.param_list().unwrap_or_default()))?;
            let mut description = None;
            let mut instruction = None;
            // Each annotation's string is decoded (inside the rule) before its duplicate check.
            p.many0(|p| {
                let ((kind, text), span) = p.spanned(Self::query_annotation)?;
                let slot = match kind {
                    "description" => &mut description,
                    _ => &mut instruction,
                };
                if slot.replace(text).is_some() {
                    let message =
                        format!("query `{name}` cannot include duplicate @{kind} annotations");
                    p.reject(duplicate_annotation(kind), span, message);
                }
                Some(())
            });
            let body = p.braces(Self::query_body)?;
            Some(QueryDecl {
                name: name.to_owned(),
                name_span,
                span: p.span_from(start),
                description,
                instruction,
                params,
                ..body
            })
        })
    }

    /// `query_annotation := description_annotation / instruction_annotation` → (kind, text).
    fn query_annotation(&mut self) -> Option<(&'static str, String)> {
        self.rule(Rule::QueryAnnotation, Starts::of(b"@"), |p| {
            p.keyword(
                Rule::DescriptionAnnotation,
                "@description",
                Self::string_arg,
            )
            .map(|text| ("description", text))
            .or_else(|| {
                p.keyword(
                    Rule::InstructionAnnotation,
                    "@instruction",
                    Self::string_arg,
                )
                .map(|text| ("instruction", text))
            })
        })
    }

    /// `"(" string_lit ")"`, the argument of the annotations and of `date`/`datetime`.
    fn string_arg(&mut self) -> Option<String> {
        self.parens(Self::string_lit)
    }

    /// `query_body := read_query_body / mutation_body`, as a declaration without name, parameters
    /// and annotations.
    fn query_body(&mut self) -> Option<QueryDecl> {
        self.rule(Rule::QueryBody, Starts::ANY, |p| {
            p.read_query_body().or_else(|| {
                let mutations = p.mutation_body()?;
                Some(QueryDecl {
                    mutations,
                    ..QueryDecl::default()
                })
            })
        })
    }

    /// `mutation_body := mutation_stmt+`.
    fn mutation_body(&mut self) -> Option<Vec<Mutation>> {
        self.rule(Rule::MutationBody, Starts::ANY, |p| {
            p.many1(Self::mutation_stmt)
        })
    }

    /// `read_query_body := match_clause return_clause order_clause? limit_clause?`.
    fn read_query_body(&mut self) -> Option<QueryDecl> {
        self.rule(Rule::ReadQueryBody, Starts::ANY, |p| {
            Some(QueryDecl {
                match_clause: p.match_clause()?,
                return_clause: p.return_clause()?,
                order_clause: p.order_clause().unwrap_or_default(),
                limit: p.limit_clause(),
                ..QueryDecl::default()
            })
        })
    }

    // ----------------------------------------------------------------------------------------
    // Mutations

    /// `mutation_stmt := insert_stmt / update_stmt / delete_stmt`.
    fn mutation_stmt(&mut self) -> Option<Mutation> {
        self.rule(Rule::MutationStmt, Starts::of(b"iud"), |p| {
            p.insert_stmt()
                .or_else(|| p.update_stmt())
                .or_else(|| p.delete_stmt())
        })
    }

    /// `insert_stmt := "insert" type_name "{" mutation_assignment+ "}"`.
    fn insert_stmt(&mut self) -> Option<Mutation> {
        let start = self.start();
        self.keyword(Rule::InsertStmt, "insert", |p| {
            let (type_name, type_span) = p.spanned(Self::type_name)?;
            let assignments = p.assignments()?;
            Some(Mutation::Insert(Insert {
                type_name: type_name.to_owned(),
                assignments,
                span: p.span_from(start),
                type_span,
            }))
        })
    }

    /// `update_stmt := "update" type_name "set" "{" mutation_assignment+ "}" "where"
    /// mutation_predicate`.
    fn update_stmt(&mut self) -> Option<Mutation> {
        let start = self.start();
        self.keyword(Rule::UpdateStmt, "update", |p| {
            let (type_name, type_span) = p.spanned(Self::type_name)?;
            p.token("set")?;
            let assignments = p.assignments()?;
            let predicate = p.where_predicate()?;
            Some(Mutation::Update(Update {
                type_name: type_name.to_owned(),
                assignments,
                predicate,
                span: p.span_from(start),
                type_span,
            }))
        })
    }

    /// `delete_stmt := "delete" type_name "where" mutation_predicate`.
    fn delete_stmt(&mut self) -> Option<Mutation> {
        let start = self.start();
        self.keyword(Rule::DeleteStmt, "delete", |p| {
            let (type_name, type_span) = p.spanned(Self::type_name)?;
            let predicate = p.where_predicate()?;
            Some(Mutation::Delete(Delete {
                type_name: type_name.to_owned(),
                predicate,
                span: p.span_from(start),
                type_span,
            }))
        })
    }

    /// `"{" mutation_assignment+ "}"`.
    fn assignments(&mut self) -> Option<Vec<Assignment>> {
        self.braces(|p| p.many1(Self::mutation_assignment))
    }

    /// `mutation_assignment := ident ":" match_value ","?`.
    fn mutation_assignment(&mut self) -> Option<Assignment> {
        self.rule(Rule::MutationAssignment, Starts::IDENT, |p| {
            let (property, property_span) = p.spanned(Self::ident)?;
            p.token(":")?;
            let (value, value_span) = p.spanned(Self::match_value)?;
            let _ = p.token(",");
            Some(Assignment {
                property: property.to_owned(),
                value,
                property_span,
                value_span,
            })
        })
    }

    /// `"where" mutation_predicate`, where `mutation_predicate := ident comp_op match_value`.
    fn where_predicate(&mut self) -> Option<Predicate> {
        self.token("where")?;
        self.rule(Rule::MutationPredicate, Starts::IDENT, |p| {
            let (property, property_span) = p.spanned(Self::ident)?;
            let op = p.comp_op()?;
            let (value, value_span) = p.spanned(Self::match_value)?;
            Some(Predicate {
                property: property.to_owned(),
                op,
                value,
                property_span,
                value_span,
            })
        })
    }

    // ----------------------------------------------------------------------------------------
    // Parameters

    /// `param_list := param ("," param)*`.
    fn param_list(&mut self) -> Option<Vec<Param>> {
        self.rule(Rule::ParamList, Starts::ANY, |p| p.sep_by1(Self::param))
    }

    /// `param := variable ":" type_ref`.
    fn param(&mut self) -> Option<Param> {
        self.rule(Rule::Param, Starts::DOLLAR, |p| {
            let (name, name_span) = p.spanned(Self::variable)?;
            p.token(":")?;
            let (type_name, nullable, type_span) = p.type_ref()?;
            Some(Param {
                name: name.to_owned(),
                type_name,
                nullable,
                name_span,
                type_span,
            })
        })
    }

    /// `type_ref := (list_type / base_type / vector_type) "?"?`.
    ///
    /// Nullability is read from the raw text the reference's rule spans (§3.3): when no `?`
    /// follows, that text includes the trivia after the type, so a comment ending in `?` counts.
    /// Returns the canonical type, whether it is nullable, and the span of the type (no `?`).
    fn type_ref(&mut self) -> Option<(String, bool, Span)> {
        self.rule(Rule::TypeRef, Starts::ANY, |p| {
            let start = p.pos;
            let (type_name, span) = p.spanned(|p| {
                p.list_type()
                    .or_else(|| p.base_type().map(str::to_owned))
                    .or_else(|| p.vector_type())
            })?;
            let _ = p.token("?");
            let nullable = p.text_since(start).trim_end().ends_with('?');
            Some((type_name, nullable, span))
        })
    }

    /// `list_type := "[" base_type "]"` → canonical `[Base]`.
    fn list_type(&mut self) -> Option<String> {
        self.keyword(Rule::ListType, "[", |p| {
            let base = p.base_type()?;
            p.token("]")?;
            Some(format!("[{base}]"))
        })
    }

    /// `vector_type := "Vector" "(" integer ")"` → `Vector(digits as written)`.
    fn vector_type(&mut self) -> Option<String> {
        let digits = self.keyword(Rule::VectorType, "Vector", |p| p.parens(Self::integer))?;
        Some(format!("Vector({digits})"))
    }

    /// `base_type`: prefix-matched keywords, `DateTime` before `Date`.
    fn base_type(&mut self) -> Option<&'static str> {
        self.rule(Rule::BaseType, Starts::UPPER, |p| {
            p.choose(text::BASE_TYPES.map(|t| (t, t)))
        })
    }

    // ----------------------------------------------------------------------------------------
    // Match clause

    /// `match_clause := "match" "{" clause+ "}"`.
    fn match_clause(&mut self) -> Option<Vec<Clause>> {
        self.keyword(Rule::MatchClause, "match", Self::clauses)
    }

    /// `"{" clause+ "}"`.
    fn clauses(&mut self) -> Option<Vec<Clause>> {
        self.braces(|p| p.many1(Self::clause))
    }

    /// `clause := negation / binding / traversal / filter / text_search_clause`.
    fn clause(&mut self) -> Option<Clause> {
        self.rule(Rule::Clause, Starts::ANY, |p| {
            p.negation()
                .or_else(|| p.binding())
                .or_else(|| p.traversal())
                .or_else(|| p.filter())
                .or_else(|| p.text_search_clause())
        })
    }

    /// `text_search_clause := search_call / fuzzy_call / match_text_call`, desugared to
    /// `call = true`.
    fn text_search_clause(&mut self) -> Option<Clause> {
        self.rule(Rule::TextSearchClause, Starts::of(b"sfm"), |p| {
            let start = p.pos;
            let call = p
                .search_call()
                .or_else(|| p.fuzzy_call())
                .or_else(|| p.match_text_call())?;
            let span = p.span_from(start);
            // The `= true` is not written: an empty span where it would stand.
            let right = Expr::new(ExprKind::Literal(Literal::Bool(true)), Span::at(span.end));
            Some(Clause::Filter(Filter {
                left: Expr::new(call, span),
                op: CompOp::Eq,
                right,
                span,
            }))
        })
    }

    /// `binding := variable ":" type_name ("{" prop_match_list "}")?`.
    fn binding(&mut self) -> Option<Clause> {
        self.rule(Rule::Binding, Starts::DOLLAR, |p| {
            let start = p.pos;
            let variable = p.variable()?;
            p.token(":")?;
            let (type_name, type_span) = p.spanned(Self::type_name)?;
            let prop_matches = p
                .group(|p| p.braces(Self::prop_match_list))
                .unwrap_or_default();
            Some(Clause::Binding(Binding {
                variable: variable.to_owned(),
                type_name: type_name.to_owned(),
                prop_matches,
                span: p.span_from(start),
                type_span,
            }))
        })
    }

    /// `prop_match_list := prop_match ("," prop_match)* ","?`.
    fn prop_match_list(&mut self) -> Option<Vec<PropMatch>> {
        self.rule(Rule::PropMatchList, Starts::ANY, |p| {
            let list = p.sep_by1(Self::prop_match)?;
            let _ = p.token(",");
            Some(list)
        })
    }

    /// `prop_match := ident ":" match_value`.
    fn prop_match(&mut self) -> Option<PropMatch> {
        self.rule(Rule::PropMatch, Starts::IDENT, |p| {
            let (prop_name, name_span) = p.spanned(Self::ident)?;
            p.token(":")?;
            let (value, value_span) = p.spanned(Self::match_value)?;
            Some(PropMatch {
                prop_name: prop_name.to_owned(),
                value,
                name_span,
                value_span,
            })
        })
    }

    /// `match_value := literal / variable / now_call`.
    fn match_value(&mut self) -> Option<MatchValue> {
        let starts = Starts::LITERAL.or(Starts::of(b"$n"));
        self.rule(Rule::MatchValue, starts, |p| {
            p.literal()
                .map(MatchValue::Literal)
                .or_else(|| p.variable().map(|v| MatchValue::Variable(v.to_owned())))
                .or_else(|| p.now_call().map(|()| MatchValue::Now))
        })
    }

    /// `traversal := variable edge_ident traversal_bounds? variable`.
    fn traversal(&mut self) -> Option<Clause> {
        self.rule(Rule::Traversal, Starts::DOLLAR, |p| {
            let start = p.pos;
            let (src, src_span) = p.spanned(Self::variable)?;
            let (edge_name, edge_span) =
                p.spanned(|p| p.scan(Rule::EdgeIdent, Starts::IDENT, lexer::edge_ident))?;
            let bounds = p.spanned(Self::traversal_bounds);
            let (dst, dst_span) = p.spanned(Self::variable)?;
            let ((min_hops, max_hops), bounds_span) = match bounds {
                Some((hops, span)) => (hops, Some(span)),
                None => ((1, Some(1)), None),
            };
            Some(Clause::Traversal(Traversal {
                src: src.to_owned(),
                edge_name: edge_name.to_owned(),
                dst: dst.to_owned(),
                min_hops,
                max_hops,
                span: p.span_from(start),
                src_span,
                edge_span,
                bounds_span,
                dst_span,
            }))
        })
    }

    /// `traversal_bounds := "{" integer "," integer? "}"`.
    fn traversal_bounds(&mut self) -> Option<(u32, Option<u32>)> {
        self.keyword(Rule::TraversalBounds, "{", |p| {
            let min = p.spanned(Self::integer)?;
            p.token(",")?;
            let max = p.spanned(Self::integer);
            p.token("}")?;
            let min = p.number(min, "traversal min bound", "P6");
            let max = max.map(|max| p.number(max, "traversal max bound", "P7"));
            Some((min, max))
        })
    }

    /// `filter := expr filter_op expr`.
    fn filter(&mut self) -> Option<Clause> {
        self.rule(Rule::Filter, Starts::EXPR, |p| {
            let start = p.pos;
            let left = p.expr()?;
            let op = p.filter_op()?;
            let right = p.expr()?;
            let span = p.span_from(start);
            Some(Clause::Filter(Filter {
                left,
                op,
                right,
                span,
            }))
        })
    }

    /// `negation := "not" "{" clause+ "}"`.
    fn negation(&mut self) -> Option<Clause> {
        let start = self.start();
        let clauses = self.keyword(Rule::Negation, "not", Self::clauses)?;
        let span = self.span_from(start);
        Some(Clause::Negation(Negation { clauses, span }))
    }

    // ----------------------------------------------------------------------------------------
    // Return, order, limit

    /// `return_clause := "return" "{" projection+ "}"`.
    fn return_clause(&mut self) -> Option<Vec<Projection>> {
        self.keyword(Rule::ReturnClause, "return", |p| {
            p.braces(|p| p.many1(Self::projection))
        })
    }

    /// `projection := expr ("as" ident)? ","?`.
    fn projection(&mut self) -> Option<Projection> {
        self.rule(Rule::Projection, Starts::EXPR, |p| {
            let expr = p.expr()?;
            let alias = p.group(|p| {
                p.token("as")?;
                p.ident()
            });
            let _ = p.token(",");
            Some(Projection {
                expr,
                alias: alias.map(str::to_owned),
            })
        })
    }

    /// `order_clause := "order" "{" ordering ("," ordering)* "}"`.
    fn order_clause(&mut self) -> Option<Vec<Ordering>> {
        self.keyword(Rule::OrderClause, "order", |p| {
            p.braces(|p| p.sep_by1(Self::ordering))
        })
    }

    /// `ordering := nearest_ordering / (expr order_dir?)`. A `nearest(…)` is taken by the first
    /// alternative, which admits no direction (§2.3 item 4).
    fn ordering(&mut self) -> Option<Ordering> {
        self.rule(Rule::Ordering, Starts::ANY, |p| {
            let start = p.pos;
            p.nearest_ordering()
                .map(|kind| Ordering {
                    expr: Expr::new(kind, p.span_from(start)),
                    descending: false,
                })
                .or_else(|| {
                    p.group(|p| {
                        let expr = p.expr()?;
                        let descending = p.order_dir().unwrap_or(false);
                        Some(Ordering { expr, descending })
                    })
                })
        })
    }

    /// `nearest_ordering := "nearest" "(" prop_access "," expr ")"`.
    fn nearest_ordering(&mut self) -> Option<ExprKind> {
        self.keyword(Rule::NearestOrdering, "nearest", |p| {
            p.parens(|p| {
                let (variable, property) = p.prop_access()?;
                p.token(",")?;
                let query = Box::new(p.expr()?);
                Some(ExprKind::Nearest {
                    variable,
                    property,
                    query,
                })
            })
        })
    }

    /// `order_dir := "asc" / "desc"` → descending?
    fn order_dir(&mut self) -> Option<bool> {
        self.rule(Rule::OrderDir, Starts::of(b"ad"), |p| {
            p.choose([("asc", false), ("desc", true)])
        })
    }

    /// `limit_clause := "limit" integer`.
    fn limit_clause(&mut self) -> Option<u64> {
        self.keyword(Rule::LimitClause, "limit", |p| {
            let digits = p.spanned(Self::integer)?;
            Some(p.number(digits, "limit", "P5"))
        })
    }

    // ----------------------------------------------------------------------------------------
    // Expressions

    /// `expr := now_call / nearest_ordering / search_call / fuzzy_call / match_text_call /
    /// bm25_call / rrf_call / agg_call / prop_access / variable / literal / ident`.
    fn expr(&mut self) -> Option<Expr> {
        self.rule(Rule::Expr, Starts::EXPR, |p| {
            let start = p.pos;
            let kind = p
                .now_call()
                .map(|()| ExprKind::Now)
                .or_else(|| p.nearest_ordering())
                .or_else(|| p.search_call())
                .or_else(|| p.fuzzy_call())
                .or_else(|| p.match_text_call())
                .or_else(|| p.bm25_call())
                .or_else(|| p.rrf_call())
                .or_else(|| p.agg_call())
                .or_else(|| {
                    let (variable, property) = p.prop_access()?;
                    Some(ExprKind::PropAccess { variable, property })
                })
                .or_else(|| p.variable().map(|v| ExprKind::Variable(v.to_owned())))
                .or_else(|| p.literal().map(ExprKind::Literal))
                .or_else(|| p.ident().map(|name| ExprKind::AliasRef(name.to_owned())))?;
            Some(Expr::new(kind, p.span_from(start)))
        })
    }

    /// `now_call := "now" "(" ")"`.
    fn now_call(&mut self) -> Option<()> {
        self.keyword(Rule::NowCall, "now", |p| p.parens(|_| Some(())))
    }

    fn search_call(&mut self) -> Option<ExprKind> {
        self.two_arg_call(Rule::SearchCall, "search", |field, query| {
            ExprKind::Search { field, query }
        })
    }

    fn match_text_call(&mut self) -> Option<ExprKind> {
        self.two_arg_call(Rule::MatchTextCall, "match_text", |field, query| {
            ExprKind::MatchText { field, query }
        })
    }

    fn bm25_call(&mut self) -> Option<ExprKind> {
        self.two_arg_call(Rule::Bm25Call, "bm25", |field, query| ExprKind::Bm25 {
            field,
            query,
        })
    }

    /// `search_call`, `match_text_call`, `bm25_call`: `NAME "(" expr "," expr ")"`.
    fn two_arg_call(
        &mut self,
        rule: Rule,
        name: &'static str,
        make: fn(Box<Expr>, Box<Expr>) -> ExprKind,
    ) -> Option<ExprKind> {
        self.keyword(rule, name, |p| {
            p.parens(|p| {
                let field = Box::new(p.expr()?);
                p.token(",")?;
                let query = Box::new(p.expr()?);
                Some(make(field, query))
            })
        })
    }

    /// `fuzzy_call := "fuzzy" "(" expr "," expr ("," expr)? ")"`.
    fn fuzzy_call(&mut self) -> Option<ExprKind> {
        self.keyword(Rule::FuzzyCall, "fuzzy", |p| {
            let (field, query, max_edits) = p.two_args_and_an_option(Self::expr)?;
            Some(ExprKind::Fuzzy {
                field,
                query,
                max_edits,
            })
        })
    }

    /// `rrf_call := "rrf" "(" rank_expr "," rank_expr ("," expr)? ")"`.
    fn rrf_call(&mut self) -> Option<ExprKind> {
        self.keyword(Rule::RrfCall, "rrf", |p| {
            let (primary, secondary, k) = p.two_args_and_an_option(Self::rank_expr)?;
            Some(ExprKind::Rrf {
                primary,
                secondary,
                k,
            })
        })
    }

    /// `"(" arg "," arg ("," expr)? ")"`, the arguments `fuzzy` and `rrf` share.
    fn two_args_and_an_option(
        &mut self,
        arg: fn(&mut Self) -> Option<Expr>,
    ) -> Option<TwoArgsAndAnOption> {
        let first_errors = self.errors.len();
        let (first, second, third_errors, third) = self.parens(|p| {
            let first = Box::new(arg(p)?);
            p.token(",")?;
            let second = Box::new(arg(p)?);
            let third_errors = p.errors.len();
            let third = p.group(|p| {
                p.token(",")?;
                p.expr()
            });
            Some((first, second, third_errors, third))
        })?;
        self.third_argument_first(first_errors, third_errors);
        Some((first, second, third.map(Box::new)))
    }

    /// The reference converts the optional third argument of `fuzzy`/`rrf` before the first two;
    /// move its post-parse errors ahead of theirs (§4.2, conversion order).
    fn third_argument_first(&mut self, first: usize, third: usize) {
        let moved = self.errors.len().saturating_sub(third);
        if moved > 0
            && third > first
            && let Some(tail) = self.errors.get_mut(first..)
        {
            tail.rotate_right(moved);
        }
    }

    /// `rank_expr := nearest_ordering / bm25_call`.
    fn rank_expr(&mut self) -> Option<Expr> {
        self.rule(Rule::RankExpr, Starts::of(b"nb"), |p| {
            let start = p.pos;
            let kind = p.nearest_ordering().or_else(|| p.bm25_call())?;
            Some(Expr::new(kind, p.span_from(start)))
        })
    }

    /// `prop_access := variable "." ident` → (variable, property).
    fn prop_access(&mut self) -> Option<(String, String)> {
        self.rule(Rule::PropAccess, Starts::DOLLAR, |p| {
            let variable = p.variable()?;
            p.token(".")?;
            let property = p.ident()?;
            Some((variable.to_owned(), property.to_owned()))
        })
    }

    /// `agg_call := agg_func "(" expr ")"`, where `agg_func := "count" / "sum" / "avg" / "min" /
    /// "max"`.
    fn agg_call(&mut self) -> Option<ExprKind> {
        const FUNCS: [AggFunc; 5] = [
            AggFunc::Count,
            AggFunc::Sum,
            AggFunc::Avg,
            AggFunc::Min,
            AggFunc::Max,
        ];
        let starts = Starts::of(b"csam");
        self.rule(Rule::AggCall, starts, |p| {
            let func = p.rule(Rule::AggFunc, starts, |p| {
                p.choose(FUNCS.map(|f| (f.name(), f)))
            })?;
            let arg = Box::new(p.parens(Self::expr)?);
            Some(ExprKind::Aggregate { func, arg })
        })
    }

    /// `comp_op := ">=" / "<=" / "!=" / ">" / "<" / "="` (two-character operators first).
    fn comp_op(&mut self) -> Option<CompOp> {
        self.rule(Rule::CompOp, Starts::COMP_OP, |p| {
            p.choose([
                (">=", CompOp::Ge),
                ("<=", CompOp::Le),
                ("!=", CompOp::Ne),
                (">", CompOp::Gt),
                ("<", CompOp::Lt),
                ("=", CompOp::Eq),
            ])
        })
    }

    /// `filter_op := "contains" / comp_op`.
    fn filter_op(&mut self) -> Option<CompOp> {
        self.rule(Rule::FilterOp, Starts::of(b"c").or(Starts::COMP_OP), |p| {
            p.choose([("contains", CompOp::Contains)])
                .or_else(|| p.comp_op())
        })
    }

    // ----------------------------------------------------------------------------------------
    // Tokens

    /// `variable` → the name without `$`.
    fn variable(&mut self) -> Option<&'a str> {
        self.scan(Rule::Variable, Starts::DOLLAR, lexer::variable)
            .map(|text| &text[1..])
    }

    fn ident(&mut self) -> Option<&'a str> {
        self.scan(Rule::Ident, Starts::IDENT, lexer::ident)
    }

    fn type_name(&mut self) -> Option<&'a str> {
        self.scan(Rule::TypeName, Starts::UPPER, lexer::type_name)
    }

    fn integer(&mut self) -> Option<&'a str> {
        self.scan(Rule::Integer, Starts::DIGIT, lexer::integer)
    }

    /// `string_lit` → decoded contents (an undecodable escape is recorded as a rejection).
    fn string_lit(&mut self) -> Option<String> {
        let raw = self.scan(Rule::StringLit, Starts::of(b"\""), lexer::string_lit)?;
        let span = self.just_scanned(raw);
        let inner = &raw[1..raw.len() - 1];
        Some(self.or_reject("P3", span, lexer::decode_string(inner)))
    }

    // ----------------------------------------------------------------------------------------
    // Literals

    /// `literal := list_lit / datetime_lit / date_lit / string_lit / float_lit / integer /
    /// bool_lit`.
    fn literal(&mut self) -> Option<Literal> {
        self.rule(Rule::Literal, Starts::LITERAL, |p| {
            p.list_lit()
                .or_else(|| {
                    p.keyword(Rule::DatetimeLit, "datetime", Self::string_arg)
                        .map(Literal::DateTime)
                })
                .or_else(|| {
                    p.keyword(Rule::DateLit, "date", Self::string_arg)
                        .map(Literal::Date)
                })
                .or_else(|| p.string_lit().map(Literal::String))
                .or_else(|| {
                    let text = p.scan(Rule::FloatLit, Starts::DIGIT, lexer::float_lit)?;
                    // Digits only: parsing cannot fail (very long inputs round, possibly to
                    // infinity).
                    Some(Literal::Float(text.parse().unwrap_or(f64::INFINITY)))
                })
                .or_else(|| {
                    let digits = p.spanned(Self::integer)?;
                    Some(Literal::Integer(p.number(digits, "integer", "P4")))
                })
                .or_else(|| {
                    p.rule(Rule::BoolLit, Starts::of(b"tf"), |p| {
                        p.choose([("true", true), ("false", false)])
                    })
                    .map(Literal::Bool)
                })
        })
    }

    /// `list_lit := "[" (literal ("," literal)*)? "]"`.
    fn list_lit(&mut self) -> Option<Literal> {
        self.keyword(Rule::ListLit, "[", |p| {
            let items = p.sep_by1(Self::literal).unwrap_or_default();
            p.token("]")?;
            Some(Literal::List(items))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference's rule name (`EOI`, `query_decl`, …) for a rule.
    fn reference_name(rule: Rule) -> String {
        if rule == Rule::Eoi {
            return "EOI".to_owned();
        }
        let mut out = String::new();
        for (i, c) in format!("{rule:?}").chars().enumerate() {
            if c.is_ascii_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        // Debug names that do not snake-case to the reference spelling.
        match out.as_str() {
            "bm25_call" | "datetime_lit" => out,
            other => other.replace("bm_25", "bm25"),
        }
    }

    /// (line, column, expected rule names) of a syntax error, as the reference computes them.
    fn syntax(src: &str) -> (usize, usize, String) {
        let Err(ParseFailure::Syntax(SyntaxFailure::Expected { pos, rules })) = parse(src) else {
            panic!("expected a syntax error for {src:?}");
        };
        let before = &src[..pos];
        let line = 1 + before.matches('\n').count();
        let col = 1 + before[before.rfind('\n').map_or(0, |i| i + 1)..]
            .chars()
            .count();
        let names: Vec<String> = rules.into_iter().map(reference_name).collect();
        (line, col, names.join(" "))
    }

    fn wrap(fragment_body: &str) -> String {
        format!("query q($x: String) {{ {fragment_body} }}")
    }

    #[test]
    fn worked_examples() {
        let cases: &[(&str, (usize, usize, &str))] = &[
            (
                "query q() {\nmatch {\n    $p: Person\n}\nreturn { $p.name\n}\n",
                (7, 1, "order_clause limit_clause"),
            ),
            (
                "query q() { match { $p: Person } return { $p }",
                (1, 47, "order_clause limit_clause"),
            ),
            (
                "query q() { match { $p: Person } return { $p } } garbage",
                (1, 50, "EOI query_decl"),
            ),
            (
                "QUERY q() { match { $p: Person } return { $p } }",
                (1, 1, "query_file"),
            ),
            (
                "\u{FEFF}query q() { match { $p: Person } return { $p } }",
                (1, 1, "query_file"),
            ),
            (
                "query similar($q: Vector(3)) {\nmatch { $d: Doc }\nreturn { $d.id }\norder { nearest($d.embedding, $q) desc }\nlimit 5\n}\n",
                (
                    4,
                    31,
                    "nearest_ordering now_call search_call fuzzy_call match_text_call bm25_call rrf_call prop_access agg_func",
                ),
            ),
            (
                "query q($q: String) { match { $p: Person $a not_knows $b } return { $p } }",
                (1, 45, "comp_op edge_ident"),
            ),
            (
                "query drop_person($tag: String) {\ndelete Person where tags contains $tag\n}\n",
                (2, 26, "comp_op"),
            ),
            (
                "\n\n\n\n\n\n\n\n\n\n\nquery q() { match { $p: Person } retrun { $p } }",
                (12, 34, "return_clause"),
            ),
            (
                "query q() { match { $p: Person\n\t$p.age >\t} return { $p } }",
                (2, 11, "expr"),
            ),
        ];
        for (src, (line, col, names)) in cases {
            assert_eq!(syntax(src), (*line, *col, (*names).to_owned()), "{src:?}");
        }
    }

    #[test]
    fn short_cases() {
        let m = "match { $p: Person }";
        let r = "return { $p }";
        let cases: Vec<(String, &str, &str)> = vec![
            (wrap(&format!("match {{ }} {r}")), "}", "clause"),
            (wrap(&format!("{m} return {{ }}")), "} }", "expr"),
            ("query q() { }".into(), "}", "query_body"),
            (
                "query q() { match { $p: Person } }".into(),
                "~}",
                "return_clause",
            ),
            (
                "query Q() { match { $p: Person } return { $p } }".into(),
                "Q()",
                "ident",
            ),
            (
                wrap(&format!("match {{ $x: person }} {r}")),
                "person",
                "type_name",
            ),
            (
                wrap(&format!("match {{ $p: Person $p.age > -1 }} {r}")),
                "-1",
                "expr",
            ),
            (
                wrap(&format!("match {{ $p: Person $p.age == 3 }} {r}")),
                "= 3",
                "expr",
            ),
            (
                wrap(&format!("match {{ $p: Person $p.active = TRUE }} {r}")),
                "TRUE",
                "expr",
            ),
            (
                wrap(&format!("match {{ $p: Person $p.name = 'x' }} {r}")),
                "'x'",
                "expr",
            ),
            (
                wrap(&format!("match {{ $p: Person $p.name = \"abc }} {r}")),
                "\"abc",
                "expr",
            ),
            (
                wrap(&format!("match {{ $p: Person {{ name: null }} }} {r}")),
                "null",
                "match_value",
            ),
            (
                wrap(&format!("match {{ $p: Person {{}} }} {r}")),
                "} }",
                "ident",
            ),
            (
                format!("query q($a: String,) {{ {m} {r} }}"),
                ")",
                "variable",
            ),
            (
                format!("query q($a: String $b: I32) {{ {m} {r} }}"),
                "String",
                "list_type",
            ),
            (
                format!("query q($a: [String?]) {{ {m} {r} }}"),
                "[",
                "type_ref",
            ),
            (
                format!("query q($a: Vector(-1)) {{ {m} {r} }}"),
                "-1",
                "integer",
            ),
            (
                wrap(&format!("{m} {r} order {{ $p.age, }}")),
                "} }",
                "ordering",
            ),
            (
                wrap(&format!("{m} {r} order {{ $p.age descending }}")),
                "$p.age",
                "nearest_ordering now_call search_call fuzzy_call match_text_call bm25_call rrf_call agg_func",
            ),
            (
                wrap(&format!("{m} {r} limit 5 order {{ $p }}")),
                "limit",
                "order_clause",
            ),
            (wrap(&format!("{m} {r} limit -1")), "-1", "integer"),
            (wrap("update Person set { age: 1 }"), "} }", "ident"),
            (wrap("insert person { name: $x }"), "person", "type_name"),
            (
                wrap("delete Person where age > $x.y"),
                ".y",
                "mutation_stmt",
            ),
            (
                wrap(&format!(
                    "{m} return {{ rrf(bm25($p.name, $x), search($p.name, $x), 60) }}"
                )),
                "search",
                "rank_expr",
            ),
            (
                format!("query q() @foo(\"x\") {{ {m} {r} }}"),
                "@foo",
                "query_annotation",
            ),
            (
                format!("query q() {{ {m} {r} }} /* unterminated"),
                "/*",
                "EOI query_decl",
            ),
            (
                wrap(&format!("match {{ $p: Person $p.age >= 1.5e3 }} {r}")),
                "} return",
                "comp_op",
            ),
            (
                wrap(&format!("match {{ $p: Person $a not $b }} {r}")),
                "not $b",
                "comp_op edge_ident",
            ),
            (
                wrap(&format!("match {{ $p: Person $a not{{1,2}} $b }} {r}")),
                "not{",
                "comp_op edge_ident",
            ),
        ];
        for (src, at, names) in cases {
            // `~x` locates the last occurrence of `x`, anything else the first.
            let found = match at.strip_prefix('~') {
                Some(last) => src.rfind(last),
                None => src.find(at),
            };
            let pos = found.unwrap_or_else(|| panic!("{at:?} not in {src:?}"));
            let col = 1 + src[..pos].chars().count();
            assert_eq!(syntax(&src), (1, col, names.to_owned()), "{src:?}");
        }
    }

    /// Outcome of one pass: the file (if it matched), its post-parse errors, the depth overflow.
    fn pass(src: &str, track: bool) -> (Option<QueryFile>, Vec<ErrorDetail>, Option<usize>) {
        let mut p = Parser::new(src, track);
        let file = p.query_file();
        (file, p.errors, p.attempts.too_deep())
    }

    /// Both passes give the same outcome, spans included (tree equality leaves them out; the
    /// debug text shows them).
    fn passes_agree(src: &str) {
        let (fast, tracked) = (pass(src, false), pass(src, true));
        assert_eq!(fast, tracked, "{src}");
        assert_eq!(format!("{fast:?}"), format!("{tracked:?}"), "{src}");
    }

    #[test]
    fn untracked_and_tracked_passes_agree() {
        let seeds = [
            "query q($name: String, $v: Vector(3)?, $t: [Date] // ok?\n) @description(\"d\") {\n  match {\n    $p: Person { name: $name, tags: \"x\", }\n    $p knows{1,3} $f\n    not { $f worksAt $c $c.name = \"a\\\"b\" }\n    search($p.name, $name) fuzzy($p.name, $name, 2)\n    bm25($p.bio, $name) >= 0.5\n    $p.tags contains \"t\"\n  }\n  return { $p.name as n, count($f), [1, 2.5], date(\"2020\"), now() }\n  order { nearest($p.embedding, $v), rrf(nearest($p.e, $v), bm25($p.n, $name), 60) desc, n asc }\n  limit 10\n}\n",
            "query m($a: String) { insert Person { name: $a, age: 3, } update Person set { age: 4 } where name != $a delete Knows where from = \"x\" }",
            "query r() { match { $a: A $a contains $b nothing > 1 } return { x as y z truex } }",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        const BYTES: &[u8] = b"$.,:;{}[]()\"\\/*?@ \n\tqmnrloidusfbcaeptxyzAPV0159=<>!-_";
        let mut checked = 0;
        for seed in seeds {
            assert!(pass(seed, false).0.is_some(), "{seed}");
            for _ in 0..4000 {
                let mut bytes = seed.as_bytes().to_vec();
                for _ in 0..1 + next() % 4 {
                    let at = (next() % bytes.len() as u64) as usize;
                    let byte = BYTES[(next() % BYTES.len() as u64) as usize];
                    match next() % 3 {
                        0 => bytes.insert(at, byte),
                        1 => {
                            bytes.remove(at);
                        }
                        _ => bytes[at] = byte,
                    }
                }
                let Ok(src) = String::from_utf8(bytes) else {
                    continue;
                };
                passes_agree(&src);
                checked += 1;
            }
        }
        assert!(checked > 10_000);
        // The nesting bound is met at the same place by both passes.
        let deep = format!(
            "query q() {{ match {{ $p.a = {}1{} }} return {{ $p }} }}",
            "[".repeat(300),
            "]".repeat(300)
        );
        passes_agree(&deep);
    }
}
