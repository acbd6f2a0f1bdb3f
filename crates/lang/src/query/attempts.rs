//! Attempt tracking for the `.gq` parser (query-language.md §4.1.2), kept apart from the
//! grammar as the schema side keeps its `error::Tracker`.
//!
//! A file is parsed twice at most. The first pass does not track: a rule that cannot start with
//! the byte at hand ([`Starts`]) fails without being entered. Only a file that fails is parsed
//! again with tracking, which does the reference parser generator's bookkeeping for every rule
//! invocation, so the error position and the set of expected rules are the reference's. Both
//! passes bound the nesting depth at the same place.

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

/// The bytes a rule can start with (all ASCII; no rule of this grammar matches the empty string,
/// except `EOI`). Only the untracked pass uses them, to skip alternatives that cannot start with
/// the byte at hand; a set may be larger than needed, never smaller.
#[derive(Clone, Copy)]
pub(crate) struct Starts(u128);

impl Starts {
    /// Any position, end of input included.
    pub(crate) const ANY: Starts = Starts(u128::MAX);
    pub(crate) const DOLLAR: Starts = Starts::of(b"$");
    pub(crate) const DIGIT: Starts = Starts::range(b'0', b'9');
    pub(crate) const UPPER: Starts = Starts::range(b'A', b'Z');
    pub(crate) const IDENT: Starts = Starts::range(b'a', b'z').or(Starts::of(b"_"));
    pub(crate) const COMP_OP: Starts = Starts::of(b"><!=");
    pub(crate) const LITERAL: Starts = Starts::of(b"[d\"tf").or(Starts::DIGIT);
    /// Every alternative of `expr` starts with `$`, a literal's first byte or an identifier's.
    pub(crate) const EXPR: Starts = Starts::DOLLAR.or(Starts::LITERAL).or(Starts::IDENT);

    pub(crate) const fn of(bytes: &[u8]) -> Starts {
        let mut set = 0;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] < 128 {
                set |= 1 << bytes[i];
            }
            i += 1;
        }
        Starts(set)
    }

    const fn range(from: u8, to: u8) -> Starts {
        let mut set = 0;
        let mut b = from;
        while b <= to && b < 128 {
            set |= 1 << b;
            b += 1;
        }
        Starts(set)
    }

    pub(crate) const fn or(self, other: Starts) -> Starts {
        Starts(self.0 | other.0)
    }

    fn admits(self, byte: Option<u8>) -> bool {
        self.0 == u128::MAX || byte.is_some_and(|b| b < 128 && (self.0 >> b) & 1 == 1)
    }
}

/// The bookkeeping of one pass: the attempt position and what was expected there, and the
/// nesting depth.
pub(crate) struct Attempts {
    /// Whether attempts are tracked (the second pass) or rules filtered by first byte (the first).
    track: bool,
    pos: usize,
    expected: Vec<Rule>,
    depth: u32,
    too_deep: Option<usize>,
}

/// A rule entered at `pos`, with `mark` rules already recorded there.
pub(crate) struct Entry {
    pos: usize,
    mark: usize,
}

impl Attempts {
    pub(crate) fn new(track: bool) -> Self {
        Attempts {
            track,
            pos: 0,
            expected: if track {
                Vec::with_capacity(16)
            } else {
                Vec::new()
            },
            depth: 0,
            too_deep: None,
        }
    }

    /// Where nesting went too deep, if it did (the parse has then failed).
    pub(crate) fn too_deep(&self) -> Option<usize> {
        self.too_deep
    }

    /// Entering `starts`' rule at `pos`, where the next byte is `next`: `None` if the rule is
    /// not run at all (nesting too deep, or — untracked — it cannot start with `next`). The
    /// nesting bound is checked first so that both passes hit it at the same place; the tracked
    /// pass always enters a rule, so its bookkeeping is exact.
    pub(crate) fn enter(&mut self, pos: usize, starts: Starts, next: Option<u8>) -> Option<Entry> {
        if self.too_deep.is_some() {
            return None;
        }
        if self.depth >= MAX_RULE_DEPTH {
            self.too_deep = Some(pos);
            return None;
        }
        if !self.track && !starts.admits(next) {
            return None;
        }
        self.depth += 1;
        Some(Entry {
            pos,
            mark: self.attempts_at(pos),
        })
    }

    /// Leaving the rule entered as `entry`; `failed` says whether it matched nothing.
    pub(crate) fn leave(&mut self, rule: Rule, entry: Entry, failed: bool) {
        self.depth -= 1;
        if failed && self.track {
            self.failed(rule, entry.pos, entry.mark);
        }
    }

    /// The syntax error of a failed (tracked) pass.
    pub(crate) fn failure(mut self) -> SyntaxFailure {
        if let Some(pos) = self.too_deep {
            return SyntaxFailure::TooDeep { pos };
        }
        self.expected.sort_unstable();
        self.expected.dedup();
        SyntaxFailure::Expected {
            pos: self.pos,
            rules: self.expected,
        }
    }

    /// How many expected rules are recorded at `p` (0 unless `p` is the attempt position).
    fn attempts_at(&self, p: usize) -> usize {
        if self.pos == p {
            self.expected.len()
        } else {
            0
        }
    }

    /// The bookkeeping of a failed `rule` that started at `p`, when `mark` rules were recorded
    /// there before it ran.
    fn failed(&mut self, rule: Rule, p: usize, mark: usize) {
        // Exactly one sub-rule failed here: it stays as the representative of the failure.
        if self.attempts_at(p) == mark + 1 {
            return;
        }
        if p == self.pos {
            self.expected.truncate(mark);
        } else if p > self.pos {
            self.expected.clear();
            self.pos = p;
        }
        if p == self.pos {
            self.expected.push(rule);
        }
    }
}
