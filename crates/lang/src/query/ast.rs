//! The abstract syntax produced by `parse_query` (query-language.md §3).
//!
//! The tree mirrors the reference's model so the type-checker can follow the spec rule by rule:
//! a read declaration has empty `mutations`; a mutation declaration has ≥ 1 mutation and empty
//! match/return/order and no limit.
//!
//! Every construct an error can point at carries the [`Span`] of its source text (a span ends
//! at its last token, never in trivia after it). Spans are not part of a tree's equality: two
//! trees are equal when they mean the same, wherever they were written.

pub use crate::span::Span;
use crate::span::eq_ignoring_spans;

/// A whole `.gq` file: its declarations in source order (duplicate names are kept).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryFile {
    pub queries: Vec<QueryDecl>,
}

/// One `query name(...) { ... }` declaration.
#[derive(Debug, Clone, Default)]
pub struct QueryDecl {
    pub name: String,
    /// Where the name is written (after `query`).
    pub name_span: Span,
    /// The whole declaration, from `query` to its closing `}`.
    pub span: Span,
    /// Decoded `@description("…")` text, if present (may be empty).
    pub description: Option<String>,
    /// Decoded `@instruction("…")` text, if present (may be empty).
    pub instruction: Option<String>,
    pub params: Vec<Param>,
    pub match_clause: Vec<Clause>,
    pub return_clause: Vec<Projection>,
    pub order_clause: Vec<Ordering>,
    pub limit: Option<u64>,
    pub mutations: Vec<Mutation>,
}

eq_ignoring_spans!(QueryDecl {
    name, description, instruction, params, match_clause, return_clause, order_clause, limit,
    mutations,
} ignoring { name_span, span });

/// A declared parameter `$name: Type`.
#[derive(Debug, Clone)]
pub struct Param {
    /// The variable name without `$`.
    pub name: String,
    /// Canonical text of the core type (§3.2): `String`, `[Date]`, `Vector(007)` (digits as written).
    pub type_name: String,
    /// True iff the raw `type_ref` text, trimmed at the end, ends with `?` (§3.3 quirk included).
    pub nullable: bool,
    /// `$name`.
    pub name_span: Span,
    /// The type as written, without a `?`.
    pub type_span: Span,
}

eq_ignoring_spans!(Param { name, type_name, nullable } ignoring { name_span, type_span });
impl Eq for Param {}

/// A clause of `match { }` or `not { }`.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    Binding(Binding),
    Traversal(Traversal),
    /// Also the desugared form of a bare `search(…)` / `fuzzy(…)` / `match_text(…)` clause
    /// (`call = true`).
    Filter(Filter),
    Negation(Negation),
}

impl Clause {
    /// The clause's source text.
    pub fn span(&self) -> Span {
        match self {
            Clause::Binding(b) => b.span,
            Clause::Traversal(t) => t.span,
            Clause::Filter(f) => f.span,
            Clause::Negation(n) => n.span,
        }
    }
}

/// `not { clauses }`.
#[derive(Debug, Clone)]
pub struct Negation {
    pub clauses: Vec<Clause>,
    pub span: Span,
}

eq_ignoring_spans!(Negation { clauses } ignoring { span });

/// `$variable: Type { prop: value, … }`.
#[derive(Debug, Clone)]
pub struct Binding {
    pub variable: String,
    pub type_name: String,
    pub prop_matches: Vec<PropMatch>,
    /// The whole binding.
    pub span: Span,
    pub type_span: Span,
}

eq_ignoring_spans!(Binding { variable, type_name, prop_matches } ignoring { span, type_span });

#[derive(Debug, Clone)]
pub struct PropMatch {
    pub prop_name: String,
    pub value: MatchValue,
    pub name_span: Span,
    pub value_span: Span,
}

eq_ignoring_spans!(PropMatch { prop_name, value } ignoring { name_span, value_span });

/// `$src edge{min,max} $dst`. No bounds written → `(1, Some(1))`; `{m,}` → `(m, None)`.
#[derive(Debug, Clone)]
pub struct Traversal {
    pub src: String,
    /// As written in the query (case preserved).
    pub edge_name: String,
    pub dst: String,
    pub min_hops: u32,
    pub max_hops: Option<u32>,
    /// The whole traversal.
    pub span: Span,
    pub src_span: Span,
    pub edge_span: Span,
    /// `{min,max}`, if written.
    pub bounds_span: Option<Span>,
    pub dst_span: Span,
}

eq_ignoring_spans!(Traversal { src, edge_name, dst, min_hops, max_hops } ignoring {
    span, src_span, edge_span, bounds_span, dst_span,
});
impl Eq for Traversal {}

/// `left op right`.
#[derive(Debug, Clone)]
pub struct Filter {
    pub left: Expr,
    pub op: CompOp,
    pub right: Expr,
    pub span: Span,
}

eq_ignoring_spans!(Filter { left, op, right } ignoring { span });

/// Comparison operators; `Contains` only occurs in filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompOp {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Contains,
}

/// A value in a binding's property match or a mutation (no bare identifiers here).
#[derive(Debug, Clone, PartialEq)]
pub enum MatchValue {
    Literal(Literal),
    Variable(String),
    Now,
}

/// An expression (§3.6) and its source text.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

eq_ignoring_spans!(Expr { kind } ignoring { span });

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}

/// The kinds of expression (§3.6).
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Now,
    PropAccess {
        variable: String,
        property: String,
    },
    /// `nearest($variable.property, query)`.
    Nearest {
        variable: String,
        property: String,
        query: Box<Expr>,
    },
    Search {
        field: Box<Expr>,
        query: Box<Expr>,
    },
    Fuzzy {
        field: Box<Expr>,
        query: Box<Expr>,
        max_edits: Option<Box<Expr>>,
    },
    MatchText {
        field: Box<Expr>,
        query: Box<Expr>,
    },
    Bm25 {
        field: Box<Expr>,
        query: Box<Expr>,
    },
    /// `primary` and `secondary` are always `Nearest` or `Bm25` (the grammar guarantees it).
    Rrf {
        primary: Box<Expr>,
        secondary: Box<Expr>,
        k: Option<Box<Expr>>,
    },
    Variable(String),
    Literal(Literal),
    Aggregate {
        func: AggFunc,
        arg: Box<Expr>,
    },
    /// Any bare identifier in expression position.
    AliasRef(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

impl AggFunc {
    /// Lowercase name, as used in T8 messages.
    pub fn name(self) -> &'static str {
        match self {
            AggFunc::Count => "count",
            AggFunc::Sum => "sum",
            AggFunc::Avg => "avg",
            AggFunc::Min => "min",
            AggFunc::Max => "max",
        }
    }
}

/// Literal values (§3.7). `Null` exists in the model but is never produced by the parser.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    String(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
    /// Decoded text inside `date("…")`, never validated.
    Date(String),
    /// Decoded text inside `datetime("…")`, never validated.
    DateTime(String),
    List(Vec<Literal>),
    Null,
}

/// `expr [as alias]` in `return { }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub expr: Expr,
    pub alias: Option<String>,
}

/// One entry of `order { }`; `descending` only for an explicit `desc`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ordering {
    pub expr: Expr,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mutation {
    Insert(Insert),
    Update(Update),
    Delete(Delete),
}

impl Mutation {
    /// The target type's name, and where it is written.
    pub fn target(&self) -> (&str, Span) {
        match self {
            Mutation::Insert(m) => (&m.type_name, m.type_span),
            Mutation::Update(m) => (&m.type_name, m.type_span),
            Mutation::Delete(m) => (&m.type_name, m.type_span),
        }
    }
}

/// `insert Type { prop: value, … }`.
#[derive(Debug, Clone)]
pub struct Insert {
    pub type_name: String,
    pub assignments: Vec<Assignment>,
    /// The whole statement.
    pub span: Span,
    pub type_span: Span,
}

eq_ignoring_spans!(Insert { type_name, assignments } ignoring { span, type_span });

/// `update Type set { prop: value, … } where predicate`.
#[derive(Debug, Clone)]
pub struct Update {
    pub type_name: String,
    pub assignments: Vec<Assignment>,
    pub predicate: Predicate,
    /// The whole statement.
    pub span: Span,
    pub type_span: Span,
}

eq_ignoring_spans!(Update { type_name, assignments, predicate } ignoring { span, type_span });

/// `delete Type where predicate`.
#[derive(Debug, Clone)]
pub struct Delete {
    pub type_name: String,
    pub predicate: Predicate,
    /// The whole statement.
    pub span: Span,
    pub type_span: Span,
}

eq_ignoring_spans!(Delete { type_name, predicate } ignoring { span, type_span });

#[derive(Debug, Clone)]
pub struct Assignment {
    pub property: String,
    pub value: MatchValue,
    pub property_span: Span,
    pub value_span: Span,
}

eq_ignoring_spans!(Assignment { property, value } ignoring { property_span, value_span });

/// `property op value` (exactly one comparison; never `contains`).
#[derive(Debug, Clone)]
pub struct Predicate {
    pub property: String,
    pub op: CompOp,
    pub value: MatchValue,
    pub property_span: Span,
    pub value_span: Span,
}

eq_ignoring_spans!(Predicate { property, op, value } ignoring { property_span, value_span });
