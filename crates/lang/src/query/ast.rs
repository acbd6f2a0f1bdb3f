//! The abstract syntax produced by `parse_query` (query-language.md §3).
//!
//! The tree mirrors the reference's model so the type-checker can follow the spec rule by rule:
//! a read declaration has empty `mutations`; a mutation declaration has ≥ 1 mutation and empty
//! match/return/order and no limit.

/// A whole `.gq` file: its declarations in source order (duplicate names are kept).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryFile {
    pub queries: Vec<QueryDecl>,
}

/// One `query name(...) { ... }` declaration.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryDecl {
    pub name: String,
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

/// A declared parameter `$name: Type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The variable name without `$`.
    pub name: String,
    /// Canonical text of the core type (§3.2): `String`, `[Date]`, `Vector(007)` (digits as written).
    pub type_name: String,
    /// True iff the raw `type_ref` text, trimmed at the end, ends with `?` (§3.3 quirk included).
    pub nullable: bool,
}

/// A clause of `match { }` or `not { }`.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    Binding(Binding),
    Traversal(Traversal),
    /// Also the desugared form of a bare `search(…)` / `fuzzy(…)` / `match_text(…)` clause
    /// (`call = true`).
    Filter(Filter),
    Negation(Vec<Clause>),
}

/// `$variable: Type { prop: value, … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub variable: String,
    pub type_name: String,
    pub prop_matches: Vec<PropMatch>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PropMatch {
    pub prop_name: String,
    pub value: MatchValue,
}

/// `$src edge{min,max} $dst`. No bounds written → `(1, Some(1))`; `{m,}` → `(m, None)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traversal {
    pub src: String,
    /// As written in the query (case preserved).
    pub edge_name: String,
    pub dst: String,
    pub min_hops: u32,
    pub max_hops: Option<u32>,
}

/// `left op right`.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub left: Expr,
    pub op: CompOp,
    pub right: Expr,
}

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

/// An expression (§3.6).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
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

/// `insert Type { prop: value, … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    pub type_name: String,
    pub assignments: Vec<Assignment>,
}

/// `update Type set { prop: value, … } where predicate`.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub type_name: String,
    pub assignments: Vec<Assignment>,
    pub predicate: Predicate,
}

/// `delete Type where predicate`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    pub type_name: String,
    pub predicate: Predicate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub property: String,
    pub value: MatchValue,
}

/// `property op value` (exactly one comparison; never `contains`).
#[derive(Debug, Clone, PartialEq)]
pub struct Predicate {
    pub property: String,
    pub op: CompOp,
    pub value: MatchValue,
}
