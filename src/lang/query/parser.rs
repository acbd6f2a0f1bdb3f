//! Recursive-descent PEG parser for `.gq` files (query-language.md §2 and §4).
//!
//! Each grammar rule of §2.2 is one method here, in the same order, with the same ordered choices,
//! so the accepted language — including every ordered-choice effect of §2.3 — is the reference's.
//! Trivia is skipped before every element of a structural rule after the first; token rules
//! (`lexer`) are contiguous.
//!
//! Syntax errors: every tracked rule invocation goes through [`Parser::rule`], which does the
//! reference's attempt bookkeeping (§4.1.2). That yields the same error position and the same set
//! of expected rules as the reference; `report` then words them in plain language.
//!
//! Post-parse rejections (§4.2) are collected while parsing into `errors`, in the order the
//! reference's AST conversion would meet them; every backtrack truncates the list to what it was,
//! so only errors of the successful parse survive. They are reported only if the whole file
//! matched the grammar, so a syntax error anywhere wins.

use super::ast::*;
use super::lexer;
use crate::lang::text;

/// Grammar rules that can appear in a syntax error, in declaration order (§2.2); the order sorts
/// the expected set. Hidden rules and `ident_chars`/`string_char` are never reported and so absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rule {
    Eoi,
    QueryFile,
    QueryDecl,
    QueryAnnotation,
    DescriptionAnnotation,
    InstructionAnnotation,
    QueryBody,
    MutationBody,
    ReadQueryBody,
    MutationStmt,
    InsertStmt,
    UpdateStmt,
    DeleteStmt,
    MutationAssignment,
    MutationPredicate,
    ParamList,
    Param,
    TypeRef,
    ListType,
    VectorType,
    BaseType,
    MatchClause,
    Clause,
    TextSearchClause,
    Binding,
    PropMatchList,
    PropMatch,
    MatchValue,
    Traversal,
    TraversalBounds,
    Filter,
    Negation,
    ReturnClause,
    Projection,
    OrderClause,
    Ordering,
    NearestOrdering,
    OrderDir,
    LimitClause,
    Expr,
    NowCall,
    SearchCall,
    FuzzyCall,
    MatchTextCall,
    Bm25Call,
    RankExpr,
    RrfCall,
    PropAccess,
    AggCall,
    AggFunc,
    CompOp,
    FilterOp,
    Variable,
    EdgeIdent,
    TypeName,
    Ident,
    Literal,
    DateLit,
    DatetimeLit,
    ListLit,
    StringLit,
    FloatLit,
    Integer,
    BoolLit,
}

/// Nesting limit on grammar rule invocations. The reference recurses without bound (§10.6); a
/// hostile file of nested lists, calls or `not { }` blocks must not overflow the stack. About
/// two rule levels are used per nesting level, so this admits ~120 levels of nesting.
pub(crate) const MAX_RULE_DEPTH: u32 = 256;

/// Why the grammar did not match.
pub(crate) enum SyntaxFailure {
    /// The normal case: position and expected rules (sorted, deduplicated).
    Expected { pos: usize, rules: Vec<Rule> },
    /// Nesting exceeded [`MAX_RULE_DEPTH`] at this position.
    TooDeep { pos: usize },
}

pub(crate) enum ParseFailure {
    Syntax(SyntaxFailure),
    /// First post-parse rejection (message without prefixes).
    PostParse(String),
}

/// Saved parser state for backtracking.
#[derive(Clone, Copy)]
struct Save {
    pos: usize,
    errors: usize,
}

enum Body {
    Read {
        match_clause: Vec<Clause>,
        return_clause: Vec<Projection>,
        order_clause: Vec<Ordering>,
        limit: Option<u64>,
    },
    Mutations(Vec<Mutation>),
}

enum Annotation {
    Description(String),
    Instruction(String),
}

pub(crate) struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    /// `text::last_block_close` of the source.
    last_close: Option<usize>,
    /// Attempt tracking (§4.1.2).
    attempt_pos: usize,
    expected: Vec<Rule>,
    /// Post-parse rejections met so far on the current parse path.
    errors: Vec<String>,
    depth: u32,
    too_deep: Option<usize>,
    /// Whether attempts are tracked. The first pass does not track and skips alternatives that
    /// cannot start with the byte at hand; only a failed file is parsed again with tracking, to
    /// locate and describe the error exactly as the reference does.
    track: bool,
}

pub(crate) fn parse(src: &str) -> Result<QueryFile, ParseFailure> {
    let mut fast = Parser::new(src, false);
    if let (Some(file), None) = (fast.query_file(), fast.too_deep) {
        return match fast.errors.into_iter().next() {
            Some(msg) => Err(ParseFailure::PostParse(msg)),
            None => Ok(file),
        };
    }
    let mut p = Parser::new(src, true);
    let parsed = p.query_file();
    if let Some(pos) = p.too_deep {
        return Err(ParseFailure::Syntax(SyntaxFailure::TooDeep { pos }));
    }
    match parsed {
        Some(file) => match p.errors.into_iter().next() {
            Some(msg) => Err(ParseFailure::PostParse(msg)),
            None => Ok(file),
        },
        None => {
            let mut rules = p.expected;
            rules.sort_unstable();
            rules.dedup();
            Err(ParseFailure::Syntax(SyntaxFailure::Expected {
                pos: p.attempt_pos,
                rules,
            }))
        }
    }
}

/// The arguments of `fuzzy(field, query, max_edits?)` and `rrf(primary, secondary, k?)`.
type TwoArgsAndAnOption = (Box<Expr>, Box<Expr>, Option<Box<Expr>>);

impl<'a> Parser<'a> {
    fn new(src: &'a str, track: bool) -> Parser<'a> {
        Parser {
            src,
            b: src.as_bytes(),
            pos: 0,
            last_close: text::last_block_close(src),
            attempt_pos: 0,
            expected: if track {
                Vec::with_capacity(16)
            } else {
                Vec::new()
            },
            errors: Vec::new(),
            depth: 0,
            too_deep: None,
            track,
        }
    }

    // ----------------------------------------------------------------------------------------
    // Machinery

    fn save(&self) -> Save {
        Save {
            pos: self.pos,
            errors: self.errors.len(),
        }
    }

    fn restore(&mut self, s: Save) {
        self.pos = s.pos;
        self.errors.truncate(s.errors);
    }

    fn skip(&mut self) {
        self.pos = text::skip_trivia(self.b, self.pos, self.last_close);
    }

    /// A fixed string (keyword or punctuation): untracked, no word boundary.
    fn lit(&mut self, s: &str) -> Option<()> {
        if self.b[self.pos..].starts_with(s.as_bytes()) {
            self.pos += s.len();
            Some(())
        } else {
            None
        }
    }

    fn peek_lit(&self, s: &str) -> bool {
        self.b[self.pos..].starts_with(s.as_bytes())
    }

    /// Records a post-parse rejection at the current point of the conversion order.
    fn reject(&mut self, msg: String) {
        self.errors.push(msg);
    }

    /// A tracked rule invocation (§4.1.2): runs `f`, restores the state if it fails and updates
    /// the attempt bookkeeping exactly as the reference's parser generator does.
    fn rule<T>(&mut self, rule: Rule, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.too_deep.is_some() {
            return None;
        }
        if self.depth >= MAX_RULE_DEPTH {
            self.too_deep = Some(self.pos);
            return None;
        }
        let start = self.save();
        if !self.track {
            self.depth += 1;
            let result = f(self);
            self.depth -= 1;
            if result.is_none() {
                self.restore(start);
            }
            return result;
        }
        let p = start.pos;
        let mark = if self.attempt_pos == p {
            self.expected.len()
        } else {
            0
        };
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        if result.is_none() {
            self.restore(start);
            let now = if self.attempt_pos == p {
                self.expected.len()
            } else {
                0
            };
            // Exactly one sub-rule failed here: it stays as the representative of the failure.
            if now != mark + 1 {
                if p == self.attempt_pos {
                    self.expected.truncate(mark);
                } else if p > self.attempt_pos {
                    self.expected.clear();
                    self.attempt_pos = p;
                }
                if p == self.attempt_pos {
                    self.expected.push(rule);
                }
            }
        }
        result
    }

    /// [`Parser::rule`] for a rule that can only start with a byte accepted by `first`. In the
    /// untracked pass a rule that cannot start here fails without being entered; the tracked pass
    /// always enters it, so its bookkeeping is exact. The depth check comes first so that both
    /// passes hit the nesting bound at the same place.
    fn guarded<T>(
        &mut self,
        rule: Rule,
        first: fn(u8) -> bool,
        f: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        if self.too_deep.is_some() {
            return None;
        }
        if self.depth >= MAX_RULE_DEPTH {
            self.too_deep = Some(self.pos);
            return None;
        }
        if !self.track && !self.b.get(self.pos).is_some_and(|&c| first(c)) {
            return None;
        }
        self.rule(rule, f)
    }

    /// An untracked group (`( … )?` or one iteration of `( … )*`): all or nothing.
    fn group<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.save();
        let result = f(self);
        if result.is_none() {
            self.restore(start);
        }
        result
    }

    /// `x*` inside a structural rule: trivia is skipped before every repetition after the first;
    /// a failed iteration gives back its trivia too.
    fn many0<T>(&mut self, mut f: impl FnMut(&mut Self) -> Option<T>) -> Vec<T> {
        let mut out = Vec::new();
        let Some(first) = f(self) else {
            return out;
        };
        out.push(first);
        loop {
            let s = self.save();
            self.skip();
            match f(self) {
                Some(x) => out.push(x),
                None => {
                    self.restore(s);
                    return out;
                }
            }
        }
    }

    /// `x+`.
    fn many1<T>(&mut self, f: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let out = self.many0(f);
        (!out.is_empty()).then_some(out)
    }

    /// A token rule scanned by `lexer`; returns its text.
    fn token(
        &mut self,
        rule: Rule,
        first: fn(u8) -> bool,
        scan: fn(&[u8], usize) -> Option<usize>,
    ) -> Option<&'a str> {
        let b = self.b;
        let src = self.src;
        self.guarded(rule, first, |p| {
            let end = scan(b, p.pos)?;
            let text = &src[p.pos..end];
            p.pos = end;
            Some(text)
        })
    }

    fn text_since(&self, start: usize) -> &'a str {
        &self.src[start..self.pos]
    }

    // ----------------------------------------------------------------------------------------
    // File and declaration

    /// `query_file := SOI query_decl* EOI`.
    fn query_file(&mut self) -> Option<QueryFile> {
        self.rule(Rule::QueryFile, |p| {
            p.skip();
            let queries = p.many0(Self::query_decl);
            p.skip();
            p.rule(Rule::Eoi, |p| (p.pos == p.b.len()).then_some(()))?;
            Some(QueryFile { queries })
        })
    }

    /// `query_decl := "query" ident "(" param_list? ")" query_annotation* "{" query_body "}"`.
    fn query_decl(&mut self) -> Option<QueryDecl> {
        self.guarded(Rule::QueryDecl, starts::q, |p| {
            p.lit("query")?;
            p.skip();
            let name = p.ident()?;
            p.skip();
            p.lit("(")?;
            p.skip();
            let params = p.param_list().unwrap_or_default();
            p.skip();
            p.lit(")")?;
            p.skip();
            let mut description = None;
            let mut instruction = None;
            // Each annotation's string is decoded (inside the rule) before its duplicate check.
            p.many0(|p| {
                let annotation = p.query_annotation()?;
                match annotation {
                    Annotation::Description(text) => {
                        if description.is_some() {
                            p.reject(format!(
                                "query `{name}` cannot include duplicate @description annotations"
                            ));
                        }
                        description = Some(text);
                    }
                    Annotation::Instruction(text) => {
                        if instruction.is_some() {
                            p.reject(format!(
                                "query `{name}` cannot include duplicate @instruction annotations"
                            ));
                        }
                        instruction = Some(text);
                    }
                }
                Some(())
            });
            p.skip();
            p.lit("{")?;
            p.skip();
            let body = p.query_body()?;
            p.skip();
            p.lit("}")?;
            let mut decl = QueryDecl {
                name: name.to_owned(),
                description,
                instruction,
                params,
                ..QueryDecl::default()
            };
            match body {
                Body::Read {
                    match_clause,
                    return_clause,
                    order_clause,
                    limit,
                } => {
                    decl.match_clause = match_clause;
                    decl.return_clause = return_clause;
                    decl.order_clause = order_clause;
                    decl.limit = limit;
                }
                Body::Mutations(mutations) => decl.mutations = mutations,
            }
            Some(decl)
        })
    }

    /// `query_annotation := description_annotation / instruction_annotation`.
    fn query_annotation(&mut self) -> Option<Annotation> {
        self.guarded(Rule::QueryAnnotation, starts::at, |p| {
            if let Some(text) = p.annotation(Rule::DescriptionAnnotation, "@description") {
                return Some(Annotation::Description(text));
            }
            p.annotation(Rule::InstructionAnnotation, "@instruction")
                .map(Annotation::Instruction)
        })
    }

    /// `description_annotation` / `instruction_annotation := KEYWORD "(" string_lit ")"`.
    fn annotation(&mut self, rule: Rule, keyword: &str) -> Option<String> {
        self.guarded(rule, starts::at, |p| {
            p.lit(keyword)?;
            p.skip();
            p.lit("(")?;
            p.skip();
            let text = p.string_lit()?;
            p.skip();
            p.lit(")")?;
            Some(text)
        })
    }

    /// `query_body := read_query_body / mutation_body`.
    fn query_body(&mut self) -> Option<Body> {
        self.rule(Rule::QueryBody, |p| {
            if let Some(body) = p.read_query_body() {
                return Some(body);
            }
            p.mutation_body().map(Body::Mutations)
        })
    }

    /// `mutation_body := mutation_stmt+`.
    fn mutation_body(&mut self) -> Option<Vec<Mutation>> {
        self.rule(Rule::MutationBody, |p| p.many1(Self::mutation_stmt))
    }

    /// `read_query_body := match_clause return_clause order_clause? limit_clause?`.
    fn read_query_body(&mut self) -> Option<Body> {
        self.rule(Rule::ReadQueryBody, |p| {
            let match_clause = p.match_clause()?;
            p.skip();
            let return_clause = p.return_clause()?;
            p.skip();
            let order_clause = p.order_clause().unwrap_or_default();
            p.skip();
            let limit = p.limit_clause();
            Some(Body::Read {
                match_clause,
                return_clause,
                order_clause,
                limit,
            })
        })
    }

    // ----------------------------------------------------------------------------------------
    // Mutations

    /// `mutation_stmt := insert_stmt / update_stmt / delete_stmt`.
    fn mutation_stmt(&mut self) -> Option<Mutation> {
        self.guarded(Rule::MutationStmt, starts::mutation, |p| {
            if let Some(m) = p.insert_stmt() {
                return Some(m);
            }
            if let Some(m) = p.update_stmt() {
                return Some(m);
            }
            p.delete_stmt()
        })
    }

    /// `insert_stmt := "insert" type_name "{" mutation_assignment+ "}"`.
    fn insert_stmt(&mut self) -> Option<Mutation> {
        self.guarded(Rule::InsertStmt, starts::i, |p| {
            p.lit("insert")?;
            p.skip();
            let type_name = p.type_name()?;
            p.skip();
            p.lit("{")?;
            p.skip();
            let assignments = p.many1(Self::mutation_assignment)?;
            p.skip();
            p.lit("}")?;
            Some(Mutation::Insert(Insert {
                type_name: type_name.to_owned(),
                assignments,
            }))
        })
    }

    /// `update_stmt := "update" type_name "set" "{" mutation_assignment+ "}" "where"
    /// mutation_predicate`.
    fn update_stmt(&mut self) -> Option<Mutation> {
        self.guarded(Rule::UpdateStmt, starts::u, |p| {
            p.lit("update")?;
            p.skip();
            let type_name = p.type_name()?;
            p.skip();
            p.lit("set")?;
            p.skip();
            p.lit("{")?;
            p.skip();
            let assignments = p.many1(Self::mutation_assignment)?;
            p.skip();
            p.lit("}")?;
            p.skip();
            p.lit("where")?;
            p.skip();
            let predicate = p.mutation_predicate()?;
            Some(Mutation::Update(Update {
                type_name: type_name.to_owned(),
                assignments,
                predicate,
            }))
        })
    }

    /// `delete_stmt := "delete" type_name "where" mutation_predicate`.
    fn delete_stmt(&mut self) -> Option<Mutation> {
        self.guarded(Rule::DeleteStmt, starts::d, |p| {
            p.lit("delete")?;
            p.skip();
            let type_name = p.type_name()?;
            p.skip();
            p.lit("where")?;
            p.skip();
            let predicate = p.mutation_predicate()?;
            Some(Mutation::Delete(Delete {
                type_name: type_name.to_owned(),
                predicate,
            }))
        })
    }

    /// `mutation_assignment := ident ":" match_value ","?`.
    fn mutation_assignment(&mut self) -> Option<Assignment> {
        self.guarded(Rule::MutationAssignment, starts::ident, |p| {
            let property = p.ident()?;
            p.skip();
            p.lit(":")?;
            p.skip();
            let value = p.match_value()?;
            p.skip();
            let _ = p.lit(",");
            Some(Assignment {
                property: property.to_owned(),
                value,
            })
        })
    }

    /// `mutation_predicate := ident comp_op match_value`.
    fn mutation_predicate(&mut self) -> Option<Predicate> {
        self.guarded(Rule::MutationPredicate, starts::ident, |p| {
            let property = p.ident()?;
            p.skip();
            let op = p.comp_op()?;
            p.skip();
            let value = p.match_value()?;
            Some(Predicate {
                property: property.to_owned(),
                op,
                value,
            })
        })
    }

    // ----------------------------------------------------------------------------------------
    // Parameters

    /// `param_list := param ("," param)*`.
    fn param_list(&mut self) -> Option<Vec<Param>> {
        self.rule(Rule::ParamList, |p| {
            let first = p.param()?;
            let mut params = vec![first];
            params.extend(p.many0_after_first(|p| {
                p.lit(",")?;
                p.skip();
                p.param()
            }));
            Some(params)
        })
    }

    /// The `(sep x)*` tail of a list whose first element was already matched: trivia before each
    /// iteration, each iteration all-or-nothing.
    fn many0_after_first<T>(&mut self, mut f: impl FnMut(&mut Self) -> Option<T>) -> Vec<T> {
        let mut out = Vec::new();
        loop {
            let s = self.save();
            self.skip();
            match self.group(&mut f) {
                Some(x) => out.push(x),
                None => {
                    self.restore(s);
                    return out;
                }
            }
        }
    }

    /// `param := variable ":" type_ref`.
    fn param(&mut self) -> Option<Param> {
        self.guarded(Rule::Param, starts::dollar, |p| {
            let name = p.variable()?;
            p.skip();
            p.lit(":")?;
            p.skip();
            let (type_name, nullable) = p.type_ref()?;
            Some(Param {
                name: name.to_owned(),
                type_name,
                nullable,
            })
        })
    }

    /// `type_ref := (list_type / base_type / vector_type) "?"?`.
    ///
    /// Nullability is read from the raw text the reference's rule spans (§3.3): when no `?`
    /// follows, that text includes the trivia after the type, so a comment ending in `?` counts.
    fn type_ref(&mut self) -> Option<(String, bool)> {
        self.rule(Rule::TypeRef, |p| {
            let start = p.pos;
            let type_name = if let Some(t) = p.list_type() {
                t
            } else if let Some(t) = p.base_type() {
                t.to_owned()
            } else {
                p.vector_type()?
            };
            p.skip();
            let _ = p.lit("?");
            let nullable = p.text_since(start).trim_end().ends_with('?');
            Some((type_name, nullable))
        })
    }

    /// `list_type := "[" base_type "]"` → canonical `[Base]`.
    fn list_type(&mut self) -> Option<String> {
        self.guarded(Rule::ListType, starts::bracket, |p| {
            p.lit("[")?;
            p.skip();
            let base = p.base_type()?;
            p.skip();
            p.lit("]")?;
            Some(format!("[{base}]"))
        })
    }

    /// `vector_type := "Vector" "(" integer ")"` → `Vector(digits as written)`.
    fn vector_type(&mut self) -> Option<String> {
        self.guarded(Rule::VectorType, starts::upper, |p| {
            p.lit("Vector")?;
            p.skip();
            p.lit("(")?;
            p.skip();
            let digits = p.integer()?;
            p.skip();
            p.lit(")")?;
            Some(format!("Vector({digits})"))
        })
    }

    /// `base_type`: prefix-matched keywords, `DateTime` before `Date`.
    fn base_type(&mut self) -> Option<&'static str> {
        self.guarded(Rule::BaseType, starts::upper, |p| {
            let t = text::BASE_TYPES.into_iter().find(|t| p.peek_lit(t))?;
            p.pos += t.len();
            Some(t)
        })
    }

    // ----------------------------------------------------------------------------------------
    // Match clause

    /// `match_clause := "match" "{" clause+ "}"`.
    fn match_clause(&mut self) -> Option<Vec<Clause>> {
        self.guarded(Rule::MatchClause, starts::m, |p| {
            p.lit("match")?;
            p.skip();
            p.lit("{")?;
            p.skip();
            let clauses = p.many1(Self::clause)?;
            p.skip();
            p.lit("}")?;
            Some(clauses)
        })
    }

    /// `clause := negation / binding / traversal / filter / text_search_clause`.
    fn clause(&mut self) -> Option<Clause> {
        self.rule(Rule::Clause, |p| {
            if let Some(c) = p.negation() {
                return Some(c);
            }
            if let Some(c) = p.binding() {
                return Some(c);
            }
            if let Some(c) = p.traversal() {
                return Some(c);
            }
            if let Some(c) = p.filter() {
                return Some(c);
            }
            p.text_search_clause()
        })
    }

    /// `text_search_clause := search_call / fuzzy_call / match_text_call`, desugared to
    /// `call = true`.
    fn text_search_clause(&mut self) -> Option<Clause> {
        self.guarded(Rule::TextSearchClause, starts::text_search, |p| {
            let call = if let Some(e) = p.search_like(Rule::SearchCall, "search") {
                e
            } else if let Some(e) = p.fuzzy_call() {
                e
            } else {
                p.search_like(Rule::MatchTextCall, "match_text")?
            };
            Some(Clause::Filter(Filter {
                left: call,
                op: CompOp::Eq,
                right: Expr::Literal(Literal::Bool(true)),
            }))
        })
    }

    /// `binding := variable ":" type_name ("{" prop_match_list "}")?`.
    fn binding(&mut self) -> Option<Clause> {
        self.guarded(Rule::Binding, starts::dollar, |p| {
            let variable = p.variable()?;
            p.skip();
            p.lit(":")?;
            p.skip();
            let type_name = p.type_name()?;
            p.skip();
            let prop_matches = p
                .group(|p| {
                    p.lit("{")?;
                    p.skip();
                    let list = p.prop_match_list()?;
                    p.skip();
                    p.lit("}")?;
                    Some(list)
                })
                .unwrap_or_default();
            Some(Clause::Binding(Binding {
                variable: variable.to_owned(),
                type_name: type_name.to_owned(),
                prop_matches,
            }))
        })
    }

    /// `prop_match_list := prop_match ("," prop_match)* ","?`.
    fn prop_match_list(&mut self) -> Option<Vec<PropMatch>> {
        self.rule(Rule::PropMatchList, |p| {
            let first = p.prop_match()?;
            let mut list = vec![first];
            list.extend(p.many0_after_first(|p| {
                p.lit(",")?;
                p.skip();
                p.prop_match()
            }));
            p.skip();
            let _ = p.lit(",");
            Some(list)
        })
    }

    /// `prop_match := ident ":" match_value`.
    fn prop_match(&mut self) -> Option<PropMatch> {
        self.guarded(Rule::PropMatch, starts::ident, |p| {
            let prop_name = p.ident()?;
            p.skip();
            p.lit(":")?;
            p.skip();
            let value = p.match_value()?;
            Some(PropMatch {
                prop_name: prop_name.to_owned(),
                value,
            })
        })
    }

    /// `match_value := literal / variable / now_call`.
    fn match_value(&mut self) -> Option<MatchValue> {
        self.guarded(Rule::MatchValue, starts::match_value, |p| {
            if let Some(l) = p.literal() {
                return Some(MatchValue::Literal(l));
            }
            if let Some(v) = p.variable() {
                return Some(MatchValue::Variable(v.to_owned()));
            }
            p.now_call().map(|()| MatchValue::Now)
        })
    }

    /// `traversal := variable edge_ident traversal_bounds? variable`.
    fn traversal(&mut self) -> Option<Clause> {
        self.guarded(Rule::Traversal, starts::dollar, |p| {
            let src = p.variable()?;
            p.skip();
            let edge_name = p.token(Rule::EdgeIdent, starts::ident, lexer::edge_ident)?;
            p.skip();
            let (min_hops, max_hops) = p.traversal_bounds().unwrap_or((1, Some(1)));
            p.skip();
            let dst = p.variable()?;
            Some(Clause::Traversal(Traversal {
                src: src.to_owned(),
                edge_name: edge_name.to_owned(),
                dst: dst.to_owned(),
                min_hops,
                max_hops,
            }))
        })
    }

    /// `traversal_bounds := "{" integer "," integer? "}"`.
    fn traversal_bounds(&mut self) -> Option<(u32, Option<u32>)> {
        self.guarded(Rule::TraversalBounds, starts::brace, |p| {
            p.lit("{")?;
            p.skip();
            let min = p.integer()?;
            p.skip();
            p.lit(",")?;
            p.skip();
            let max = p.integer();
            p.skip();
            p.lit("}")?;
            let min = p.bound(min, "min");
            let max = max.map(|m| p.bound(m, "max"));
            Some((min, max))
        })
    }

    fn bound(&mut self, digits: &str, which: &str) -> u32 {
        digits.parse().unwrap_or_else(|_| {
            self.reject(format!(
                "invalid traversal {which} bound: number too large to fit in target type"
            ));
            0
        })
    }

    /// `filter := expr filter_op expr`.
    fn filter(&mut self) -> Option<Clause> {
        self.guarded(Rule::Filter, starts::expr, |p| {
            let left = p.expr()?;
            p.skip();
            let op = p.filter_op()?;
            p.skip();
            let right = p.expr()?;
            Some(Clause::Filter(Filter { left, op, right }))
        })
    }

    /// `negation := "not" "{" clause+ "}"`.
    fn negation(&mut self) -> Option<Clause> {
        self.guarded(Rule::Negation, starts::n, |p| {
            p.lit("not")?;
            p.skip();
            p.lit("{")?;
            p.skip();
            let clauses = p.many1(Self::clause)?;
            p.skip();
            p.lit("}")?;
            Some(Clause::Negation(clauses))
        })
    }

    // ----------------------------------------------------------------------------------------
    // Return, order, limit

    /// `return_clause := "return" "{" projection+ "}"`.
    fn return_clause(&mut self) -> Option<Vec<Projection>> {
        self.guarded(Rule::ReturnClause, starts::r, |p| {
            p.lit("return")?;
            p.skip();
            p.lit("{")?;
            p.skip();
            let projections = p.many1(Self::projection)?;
            p.skip();
            p.lit("}")?;
            Some(projections)
        })
    }

    /// `projection := expr ("as" ident)? ","?`.
    fn projection(&mut self) -> Option<Projection> {
        self.guarded(Rule::Projection, starts::expr, |p| {
            let expr = p.expr()?;
            p.skip();
            let alias = p.group(|p| {
                p.lit("as")?;
                p.skip();
                Some(p.ident()?.to_owned())
            });
            p.skip();
            let _ = p.lit(",");
            Some(Projection { expr, alias })
        })
    }

    /// `order_clause := "order" "{" ordering ("," ordering)* "}"`.
    fn order_clause(&mut self) -> Option<Vec<Ordering>> {
        self.guarded(Rule::OrderClause, starts::o, |p| {
            p.lit("order")?;
            p.skip();
            p.lit("{")?;
            p.skip();
            let first = p.ordering()?;
            let mut orderings = vec![first];
            orderings.extend(p.many0_after_first(|p| {
                p.lit(",")?;
                p.skip();
                p.ordering()
            }));
            p.skip();
            p.lit("}")?;
            Some(orderings)
        })
    }

    /// `ordering := nearest_ordering / (expr order_dir?)`. A `nearest(…)` is taken by the first
    /// alternative, which admits no direction (§2.3 item 4).
    fn ordering(&mut self) -> Option<Ordering> {
        self.rule(Rule::Ordering, |p| {
            if let Some(expr) = p.nearest_ordering() {
                return Some(Ordering {
                    expr,
                    descending: false,
                });
            }
            p.group(|p| {
                let expr = p.expr()?;
                p.skip();
                let descending = p.order_dir().unwrap_or(false);
                Some(Ordering { expr, descending })
            })
        })
    }

    /// `nearest_ordering := "nearest" "(" prop_access "," expr ")"`.
    fn nearest_ordering(&mut self) -> Option<Expr> {
        self.guarded(Rule::NearestOrdering, starts::n, |p| {
            p.lit("nearest")?;
            p.skip();
            p.lit("(")?;
            p.skip();
            let (variable, property) = p.prop_access()?;
            p.skip();
            p.lit(",")?;
            p.skip();
            let query = p.expr()?;
            p.skip();
            p.lit(")")?;
            Some(Expr::Nearest {
                variable,
                property,
                query: Box::new(query),
            })
        })
    }

    /// `order_dir := "asc" / "desc"` → descending?
    fn order_dir(&mut self) -> Option<bool> {
        self.guarded(Rule::OrderDir, starts::order_dir, |p| {
            if p.lit("asc").is_some() {
                return Some(false);
            }
            p.lit("desc").map(|()| true)
        })
    }

    /// `limit_clause := "limit" integer`.
    fn limit_clause(&mut self) -> Option<u64> {
        self.guarded(Rule::LimitClause, starts::l, |p| {
            p.lit("limit")?;
            p.skip();
            let digits = p.integer()?;
            Some(digits.parse().unwrap_or_else(|_| {
                p.reject("invalid limit: number too large to fit in target type".to_owned());
                0
            }))
        })
    }

    // ----------------------------------------------------------------------------------------
    // Expressions

    /// `expr := now_call / nearest_ordering / search_call / fuzzy_call / match_text_call /
    /// bm25_call / rrf_call / agg_call / prop_access / variable / literal / ident`.
    fn expr(&mut self) -> Option<Expr> {
        self.guarded(Rule::Expr, starts::expr, |p| {
            if p.now_call().is_some() {
                return Some(Expr::Now);
            }
            if let Some(e) = p.nearest_ordering() {
                return Some(e);
            }
            if let Some(e) = p.search_like(Rule::SearchCall, "search") {
                return Some(e);
            }
            if let Some(e) = p.fuzzy_call() {
                return Some(e);
            }
            if let Some(e) = p.search_like(Rule::MatchTextCall, "match_text") {
                return Some(e);
            }
            if let Some(e) = p.search_like(Rule::Bm25Call, "bm25") {
                return Some(e);
            }
            if let Some(e) = p.rrf_call() {
                return Some(e);
            }
            if let Some(e) = p.agg_call() {
                return Some(e);
            }
            if let Some((variable, property)) = p.prop_access() {
                return Some(Expr::PropAccess { variable, property });
            }
            if let Some(v) = p.variable() {
                return Some(Expr::Variable(v.to_owned()));
            }
            if let Some(l) = p.literal() {
                return Some(Expr::Literal(l));
            }
            p.ident().map(|name| Expr::AliasRef(name.to_owned()))
        })
    }

    /// `now_call := "now" "(" ")"`.
    fn now_call(&mut self) -> Option<()> {
        self.guarded(Rule::NowCall, starts::n, |p| {
            p.lit("now")?;
            p.skip();
            p.lit("(")?;
            p.skip();
            p.lit(")")
        })
    }

    /// The two-argument calls `search_call`, `match_text_call`, `bm25_call`:
    /// `NAME "(" expr "," expr ")"`.
    fn search_like(&mut self, rule: Rule, name: &str) -> Option<Expr> {
        let first = match rule {
            Rule::SearchCall => starts::s,
            Rule::MatchTextCall => starts::m,
            _ => starts::b,
        };
        self.guarded(rule, first, |p| {
            p.lit(name)?;
            p.skip();
            p.lit("(")?;
            p.skip();
            let field = Box::new(p.expr()?);
            p.skip();
            p.lit(",")?;
            p.skip();
            let query = Box::new(p.expr()?);
            p.skip();
            p.lit(")")?;
            Some(match rule {
                Rule::SearchCall => Expr::Search { field, query },
                Rule::MatchTextCall => Expr::MatchText { field, query },
                _ => Expr::Bm25 { field, query },
            })
        })
    }

    /// `fuzzy_call := "fuzzy" "(" expr "," expr ("," expr)? ")"`.
    fn fuzzy_call(&mut self) -> Option<Expr> {
        self.guarded(Rule::FuzzyCall, starts::f, |p| {
            let (field, query, max_edits) = p.two_args_and_an_option("fuzzy", Self::expr)?;
            Some(Expr::Fuzzy {
                field,
                query,
                max_edits,
            })
        })
    }

    /// `name "(" arg "," arg ("," expr)? ")"`, the shape `fuzzy` and `rrf` share.
    fn two_args_and_an_option(
        &mut self,
        name: &str,
        arg: fn(&mut Self) -> Option<Expr>,
    ) -> Option<TwoArgsAndAnOption> {
        self.lit(name)?;
        self.skip();
        self.lit("(")?;
        self.skip();
        let first_errors = self.errors.len();
        let first = Box::new(arg(self)?);
        self.skip();
        self.lit(",")?;
        self.skip();
        let second = Box::new(arg(self)?);
        self.skip();
        let third_errors = self.errors.len();
        let third = self.group(|p| {
            p.lit(",")?;
            p.skip();
            p.expr()
        });
        self.skip();
        self.lit(")")?;
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
        self.guarded(Rule::RankExpr, starts::rank, |p| {
            if let Some(e) = p.nearest_ordering() {
                return Some(e);
            }
            p.search_like(Rule::Bm25Call, "bm25")
        })
    }

    /// `rrf_call := "rrf" "(" rank_expr "," rank_expr ("," expr)? ")"`.
    fn rrf_call(&mut self) -> Option<Expr> {
        self.guarded(Rule::RrfCall, starts::r, |p| {
            let (primary, secondary, k) = p.two_args_and_an_option("rrf", Self::rank_expr)?;
            Some(Expr::Rrf {
                primary,
                secondary,
                k,
            })
        })
    }

    /// `prop_access := variable "." ident` → (variable, property).
    fn prop_access(&mut self) -> Option<(String, String)> {
        self.guarded(Rule::PropAccess, starts::dollar, |p| {
            let variable = p.variable()?;
            p.skip();
            p.lit(".")?;
            p.skip();
            let property = p.ident()?;
            Some((variable.to_owned(), property.to_owned()))
        })
    }

    /// `agg_call := agg_func "(" expr ")"`.
    fn agg_call(&mut self) -> Option<Expr> {
        self.guarded(Rule::AggCall, starts::agg, |p| {
            let func = p.agg_func()?;
            p.skip();
            p.lit("(")?;
            p.skip();
            let arg = Box::new(p.expr()?);
            p.skip();
            p.lit(")")?;
            Some(Expr::Aggregate { func, arg })
        })
    }

    /// `agg_func := "count" / "sum" / "avg" / "min" / "max"`.
    fn agg_func(&mut self) -> Option<AggFunc> {
        const FUNCS: [(&str, AggFunc); 5] = [
            ("count", AggFunc::Count),
            ("sum", AggFunc::Sum),
            ("avg", AggFunc::Avg),
            ("min", AggFunc::Min),
            ("max", AggFunc::Max),
        ];
        self.guarded(Rule::AggFunc, starts::agg, |p| {
            let (name, func) = FUNCS.into_iter().find(|(name, _)| p.peek_lit(name))?;
            p.pos += name.len();
            Some(func)
        })
    }

    /// `comp_op := ">=" / "<=" / "!=" / ">" / "<" / "="` (two-character operators first).
    fn comp_op(&mut self) -> Option<CompOp> {
        const OPS: [(&str, CompOp); 6] = [
            (">=", CompOp::Ge),
            ("<=", CompOp::Le),
            ("!=", CompOp::Ne),
            (">", CompOp::Gt),
            ("<", CompOp::Lt),
            ("=", CompOp::Eq),
        ];
        self.guarded(Rule::CompOp, starts::comp_op, |p| {
            let (text, op) = OPS.into_iter().find(|(text, _)| p.peek_lit(text))?;
            p.pos += text.len();
            Some(op)
        })
    }

    /// `filter_op := "contains" / comp_op`.
    fn filter_op(&mut self) -> Option<CompOp> {
        self.guarded(Rule::FilterOp, starts::filter_op, |p| {
            if p.lit("contains").is_some() {
                return Some(CompOp::Contains);
            }
            p.comp_op()
        })
    }

    // ----------------------------------------------------------------------------------------
    // Tokens

    /// `variable` → the name without `$`.
    fn variable(&mut self) -> Option<&'a str> {
        self.token(Rule::Variable, starts::dollar, lexer::variable)
            .map(|text| &text[1..])
    }

    fn ident(&mut self) -> Option<&'a str> {
        self.token(Rule::Ident, starts::ident, lexer::ident)
    }

    fn type_name(&mut self) -> Option<&'a str> {
        self.token(Rule::TypeName, starts::upper, lexer::type_name)
    }

    fn integer(&mut self) -> Option<&'a str> {
        self.token(Rule::Integer, starts::digit, lexer::integer)
    }

    /// `string_lit` → decoded contents (an undecodable escape is recorded as a rejection).
    fn string_lit(&mut self) -> Option<String> {
        let raw = self.token(Rule::StringLit, starts::quote, lexer::string_lit)?;
        let inner = &raw[1..raw.len() - 1];
        Some(lexer::decode_string(inner).unwrap_or_else(|msg| {
            self.reject(msg);
            String::new()
        }))
    }

    // ----------------------------------------------------------------------------------------
    // Literals

    /// `literal := list_lit / datetime_lit / date_lit / string_lit / float_lit / integer /
    /// bool_lit`.
    fn literal(&mut self) -> Option<Literal> {
        self.guarded(Rule::Literal, starts::literal, |p| {
            if let Some(l) = p.list_lit() {
                return Some(l);
            }
            if let Some(text) = p.dated(Rule::DatetimeLit, "datetime") {
                return Some(Literal::DateTime(text));
            }
            if let Some(text) = p.dated(Rule::DateLit, "date") {
                return Some(Literal::Date(text));
            }
            if let Some(text) = p.string_lit() {
                return Some(Literal::String(text));
            }
            if let Some(text) = p.token(Rule::FloatLit, starts::digit, lexer::float_lit) {
                // Digits only: parsing cannot fail (very long inputs round, possibly to infinity).
                return Some(Literal::Float(text.parse().unwrap_or(f64::INFINITY)));
            }
            if let Some(digits) = p.integer() {
                return Some(Literal::Integer(digits.parse().unwrap_or_else(|_| {
                    p.reject("invalid integer: number too large to fit in target type".to_owned());
                    0
                })));
            }
            p.bool_lit().map(Literal::Bool)
        })
    }

    /// `date_lit` / `datetime_lit := KEYWORD "(" string_lit ")"`.
    fn dated(&mut self, rule: Rule, keyword: &str) -> Option<String> {
        self.guarded(rule, starts::d, |p| {
            p.lit(keyword)?;
            p.skip();
            p.lit("(")?;
            p.skip();
            let text = p.string_lit()?;
            p.skip();
            p.lit(")")?;
            Some(text)
        })
    }

    /// `list_lit := "[" (literal ("," literal)*)? "]"`.
    fn list_lit(&mut self) -> Option<Literal> {
        self.guarded(Rule::ListLit, starts::bracket, |p| {
            p.lit("[")?;
            p.skip();
            let mut items = Vec::new();
            if let Some(first) = p.literal() {
                items.push(first);
                items.extend(p.many0_after_first(|p| {
                    p.lit(",")?;
                    p.skip();
                    p.literal()
                }));
            }
            p.skip();
            p.lit("]")?;
            Some(Literal::List(items))
        })
    }

    /// `bool_lit := "true" / "false"`.
    fn bool_lit(&mut self) -> Option<bool> {
        self.guarded(Rule::BoolLit, starts::bool, |p| {
            if p.lit("true").is_some() {
                return Some(true);
            }
            p.lit("false").map(|()| false)
        })
    }
}

/// First-byte sets of the rules, used only by the untracked pass to skip alternatives that cannot
/// start here (no rule of this grammar matches the empty string, except `EOI`). Each set may be
/// larger than needed, never smaller.
mod starts {
    pub(super) fn q(c: u8) -> bool {
        c == b'q'
    }
    pub(super) fn at(c: u8) -> bool {
        c == b'@'
    }
    pub(super) fn i(c: u8) -> bool {
        c == b'i'
    }
    pub(super) fn u(c: u8) -> bool {
        c == b'u'
    }
    pub(super) fn d(c: u8) -> bool {
        c == b'd'
    }
    pub(super) fn m(c: u8) -> bool {
        c == b'm'
    }
    pub(super) fn n(c: u8) -> bool {
        c == b'n'
    }
    pub(super) fn r(c: u8) -> bool {
        c == b'r'
    }
    pub(super) fn o(c: u8) -> bool {
        c == b'o'
    }
    pub(super) fn l(c: u8) -> bool {
        c == b'l'
    }
    pub(super) fn s(c: u8) -> bool {
        c == b's'
    }
    pub(super) fn f(c: u8) -> bool {
        c == b'f'
    }
    pub(super) fn b(c: u8) -> bool {
        c == b'b'
    }
    pub(super) fn mutation(c: u8) -> bool {
        matches!(c, b'i' | b'u' | b'd')
    }
    pub(super) fn dollar(c: u8) -> bool {
        c == b'$'
    }
    pub(super) fn bracket(c: u8) -> bool {
        c == b'['
    }
    pub(super) fn brace(c: u8) -> bool {
        c == b'{'
    }
    pub(super) fn quote(c: u8) -> bool {
        c == b'"'
    }
    pub(super) fn digit(c: u8) -> bool {
        c.is_ascii_digit()
    }
    pub(super) fn upper(c: u8) -> bool {
        c.is_ascii_uppercase()
    }
    pub(super) fn ident(c: u8) -> bool {
        c.is_ascii_lowercase() || c == b'_'
    }
    pub(super) fn text_search(c: u8) -> bool {
        matches!(c, b's' | b'f' | b'm')
    }
    pub(super) fn rank(c: u8) -> bool {
        matches!(c, b'n' | b'b')
    }
    pub(super) fn agg(c: u8) -> bool {
        matches!(c, b'c' | b's' | b'a' | b'm')
    }
    pub(super) fn order_dir(c: u8) -> bool {
        matches!(c, b'a' | b'd')
    }
    pub(super) fn bool(c: u8) -> bool {
        matches!(c, b't' | b'f')
    }
    pub(super) fn comp_op(c: u8) -> bool {
        matches!(c, b'>' | b'<' | b'!' | b'=')
    }
    pub(super) fn filter_op(c: u8) -> bool {
        c == b'c' || comp_op(c)
    }
    pub(super) fn literal(c: u8) -> bool {
        matches!(c, b'[' | b'd' | b'"' | b't' | b'f') || c.is_ascii_digit()
    }
    pub(super) fn match_value(c: u8) -> bool {
        literal(c) || c == b'$' || c == b'n'
    }
    /// Every alternative of `expr` starts with `$`, a literal's first byte or an identifier's.
    pub(super) fn expr(c: u8) -> bool {
        c == b'$' || literal(c) || ident(c)
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
    fn pass(src: &str, track: bool) -> (Option<QueryFile>, Vec<String>, Option<usize>) {
        let mut p = Parser::new(src, track);
        let file = p.query_file();
        (file, p.errors, p.too_deep)
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
                assert_eq!(pass(&src, false), pass(&src, true), "{src}");
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
        assert_eq!(pass(&deep, false), pass(&deep, true));
    }
}
