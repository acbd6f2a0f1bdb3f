//! Rendering of syntax errors (query-language.md §4.1.4, with this project's plain-words message).
//!
//! The layout, position, source line and caret are the reference's; only the last line differs:
//! instead of the parser generator's rule names it says in plain words what was expected and what
//! was found, e.g.
//!
//! ```text
//!  --> 1:50
//!   |
//! 1 | query q() { match { $p: Person } return { $p } } garbage
//!   |                                                  ^---
//!   |
//!   = expected end of input or a query declaration (`query name(...) { ... }`), found `garbage`
//! ```

use super::parser::{MAX_RULE_DEPTH, Rule, SyntaxFailure};

/// The multi-line diagnostic (without the `parse error: ` prefix).
pub(crate) fn render(src: &str, failure: &SyntaxFailure) -> String {
    let (pos, message) = match failure {
        SyntaxFailure::Expected { pos, rules } => (
            *pos,
            format!(
                "expected {}, found {}",
                enumerate(&describe_all(rules)),
                found(src, *pos)
            ),
        ),
        SyntaxFailure::TooDeep { pos } => (
            *pos,
            format!(
                "nesting is too deep here (lists, calls and `not {{ }}` blocks may nest at most \
                 about {} levels)",
                MAX_RULE_DEPTH / 2
            ),
        ),
    };
    layout(src, pos, &message)
}

/// The six-line layout of §4.1.4.
fn layout(src: &str, pos: usize, message: &str) -> String {
    let pos = floor_char_boundary(src, pos.min(src.len()));
    let before = &src[..pos];
    // `\r\n` and `\n` are one break each; a lone `\r` is an ordinary character.
    let line_no = 1 + before.bytes().filter(|&c| c == b'\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = 1 + before[line_start..].chars().count();
    let line_end = src[pos..].find('\n').map_or(src.len(), |i| pos + i + 1);
    let raw_line = &src[line_start..line_end];
    let shown: String = if matches!(src[pos..].chars().next(), Some('\n' | '\r')) {
        raw_line.replace('\r', "\u{240D}").replace('\n', "\u{240A}")
    } else {
        raw_line
            .chars()
            .filter(|&c| c != '\r' && c != '\n')
            .collect()
    };
    let underline: String = shown
        .chars()
        .take(column - 1)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let gutter = " ".repeat(line_no.to_string().len());
    format!(
        "{gutter}--> {line_no}:{column}\n{gutter} |\n{line_no} | {shown}\n{gutter} | {underline}^---\n{gutter} |\n{gutter} = {message}"
    )
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `a`, `a or b`, `a, b, or c`.
fn enumerate(items: &[&str]) -> String {
    match items {
        [] => "something else".to_owned(),
        [one] => (*one).to_owned(),
        [a, b] => format!("{a} or {b}"),
        [init @ .., last] => format!("{}, or {last}", init.join(", ")),
    }
}

fn describe_all(rules: &[Rule]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::with_capacity(rules.len());
    for &rule in rules {
        let text = describe(rule);
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

/// Plain-words name of what a grammar rule matches.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::Eoi => "end of input",
        Rule::QueryFile | Rule::QueryDecl => "a query declaration (`query name(...) { ... }`)",
        Rule::QueryAnnotation => {
            "an annotation (`@description(\"...\")` or `@instruction(\"...\")`)"
        }
        Rule::DescriptionAnnotation => "`@description(\"...\")`",
        Rule::InstructionAnnotation => "`@instruction(\"...\")`",
        Rule::QueryBody => {
            "a query body (`match { ... } return { ... }`, or `insert`/`update`/`delete` statements)"
        }
        Rule::MutationBody | Rule::MutationStmt => {
            "a mutation statement (`insert`, `update` or `delete`)"
        }
        Rule::ReadQueryBody | Rule::MatchClause => "a `match { ... }` block",
        Rule::InsertStmt => "an `insert Type { ... }` statement",
        Rule::UpdateStmt => "an `update Type set { ... } where ...` statement",
        Rule::DeleteStmt => "a `delete Type where ...` statement",
        Rule::MutationAssignment => "a property assignment (`property: value`)",
        Rule::MutationPredicate => "a predicate (`property <op> value`)",
        Rule::ParamList | Rule::Param => "a parameter (`$name: Type`)",
        Rule::TypeRef => "a parameter type",
        Rule::ListType => "a list type (`[Type]`)",
        Rule::VectorType => "a vector type (`Vector(N)`)",
        Rule::BaseType => {
            "a base type (String, Blob, Bool, I32, I64, U32, U64, F32, F64, DateTime or Date)"
        }
        Rule::Clause => "a match clause (binding, traversal, filter, `not { ... }` or text search)",
        Rule::TextSearchClause => "a text-search call (`search`, `fuzzy` or `match_text`)",
        Rule::Binding => "a binding (`$var: Type`)",
        Rule::PropMatchList | Rule::PropMatch => "a property match (`property: value`)",
        Rule::MatchValue => "a value (a literal, a `$parameter` or `now()`)",
        Rule::Traversal => "a traversal (`$a edge $b`)",
        Rule::TraversalBounds => "traversal bounds (`{min,max}`)",
        Rule::Filter => "a filter (`expression <op> expression`)",
        Rule::Negation => "a negation (`not { ... }`)",
        Rule::ReturnClause => "a `return { ... }` block",
        Rule::Projection => "a projection",
        Rule::OrderClause => "an `order { ... }` block",
        Rule::Ordering => "an ordering",
        Rule::NearestOrdering => "`nearest(...)`",
        Rule::OrderDir => "`asc` or `desc`",
        Rule::LimitClause => "a `limit N` clause",
        Rule::Expr => "an expression",
        Rule::NowCall => "`now()`",
        Rule::SearchCall => "`search(...)`",
        Rule::FuzzyCall => "`fuzzy(...)`",
        Rule::MatchTextCall => "`match_text(...)`",
        Rule::Bm25Call => "`bm25(...)`",
        Rule::RankExpr => "a rank expression (`nearest(...)` or `bm25(...)`)",
        Rule::RrfCall => "`rrf(...)`",
        Rule::PropAccess => "a property access (`$var.property`)",
        Rule::AggCall | Rule::AggFunc => "an aggregate (`count`, `sum`, `avg`, `min` or `max`)",
        Rule::CompOp => "a comparison operator (`=`, `!=`, `<`, `<=`, `>` or `>=`)",
        Rule::FilterOp => "a comparison operator or `contains`",
        Rule::Variable => "a variable (`$name`)",
        Rule::EdgeIdent => "an edge name",
        Rule::TypeName => "a type name (starting with an uppercase letter)",
        Rule::Ident => "a name (starting with a lowercase letter or `_`)",
        Rule::Literal => "a literal",
        Rule::DateLit => "`date(\"...\")`",
        Rule::DatetimeLit => "`datetime(\"...\")`",
        Rule::ListLit => "a list literal (`[...]`)",
        Rule::StringLit => "a string literal (`\"...\"`)",
        Rule::FloatLit => "a decimal number",
        Rule::Integer => "an integer",
        Rule::BoolLit => "`true` or `false`",
    }
}

/// What stands at the error position, in plain words.
fn found(src: &str, pos: usize) -> String {
    let rest = src.get(pos..).unwrap_or("");
    let Some(c) = rest.chars().next() else {
        return "end of input".to_owned();
    };
    let word_len = |s: &str| {
        s.bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
            .count()
    };
    let snippet = match c {
        '"' => return "a string literal".to_owned(),
        '\u{FEFF}' => return "a byte-order mark (U+FEFF)".to_owned(),
        '$' => &rest[..1 + word_len(&rest[1..])],
        c if c.is_ascii_alphanumeric() || c == '_' => &rest[..word_len(rest)],
        c if c.is_ascii_graphic() => &rest[..1],
        c => return format!("the character U+{:04X}", u32::from(c)),
    };
    // Long words are cut so the message stays one readable line.
    match snippet.char_indices().nth(24) {
        Some((cut, _)) => format!("`{}…`", &snippet[..cut]),
        None => format!("`{snippet}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_matches_reference_shape() {
        let src = "query q() { match { $p: Person\n\t$p.age >\t} return { $p } }";
        let text = layout(src, src.find('}').unwrap_or(0), "m");
        assert_eq!(
            text,
            " --> 2:11\n  |\n2 | \t$p.age >\t} return { $p } }\n  | \t        \t^---\n  |\n  = m"
        );
        let text = layout("\n\n\n\n\n\n\n\n\n\n\nab", 12, "m");
        assert_eq!(text, "  --> 12:2\n   |\n12 | ab\n   |  ^---\n   |\n   = m");
        // End of input after a final newline: empty source line.
        assert_eq!(
            layout("a\n", 2, "m"),
            " --> 2:1\n  |\n2 | \n  | ^---\n  |\n  = m"
        );
    }

    #[test]
    fn enumerations() {
        assert_eq!(enumerate(&["a"]), "a");
        assert_eq!(enumerate(&["a", "b"]), "a or b");
        assert_eq!(enumerate(&["a", "b", "c"]), "a, b, or c");
    }

    #[test]
    fn found_words() {
        assert_eq!(found("garbage x", 0), "`garbage`");
        assert_eq!(found("$q) desc", 0), "`$q`");
        assert_eq!(found("-1", 0), "`-`");
        assert_eq!(found("", 0), "end of input");
        assert_eq!(found("\u{FEFF}query", 0), "a byte-order mark (U+FEFF)");
        assert_eq!(found("é", 0), "the character U+00E9");
    }
}
