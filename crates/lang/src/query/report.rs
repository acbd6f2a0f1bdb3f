//! Rendering of syntax errors (query-language.md §4.1.4, with this project's plain-words message).
//!
//! The layout, position, source line and caret are the reference's and shared with the schema
//! language (`lang::text::render`); only the last line differs from the reference: instead of the
//! parser generator's rule names it says in plain words what was expected and what was found, e.g.
//!
//! ```text
//!  --> 1:50
//!   |
//! 1 | query q() { match { $p: Person } return { $p } } garbage
//!   |                                                  ^---
//!   |
//!   = expected end of input or a query declaration (`query name(…) { … }`), found `garbage`
//! ```

use super::attempts::{MAX_RULE_DEPTH, Rule, SyntaxFailure};
use crate::error::ErrorDetail;
use crate::text;

/// The multi-line diagnostic (without the `parse error: ` prefix), with its position as data.
pub(crate) fn render(src: &str, failure: &SyntaxFailure) -> ErrorDetail {
    let (pos, message) = match failure {
        SyntaxFailure::Expected { pos, rules } => {
            (*pos, text::expected_found(&describe_all(rules), src, *pos))
        }
        SyntaxFailure::TooDeep { pos } => (
            *pos,
            format!(
                "nesting is too deep here (lists, calls and `not {{ }}` blocks may nest at most \
                 about {} levels)",
                MAX_RULE_DEPTH / 2
            ),
        ),
    };
    text::syntax_error(src, pos, message, Vec::new())
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
        Rule::Eoi => text::END_OF_INPUT,
        Rule::QueryFile | Rule::QueryDecl => "a query declaration (`query name(…) { … }`)",
        Rule::QueryAnnotation => "an annotation (`@description(\"…\")` or `@instruction(\"…\")`)",
        Rule::DescriptionAnnotation => "`@description(\"…\")`",
        Rule::InstructionAnnotation => "`@instruction(\"…\")`",
        Rule::QueryBody => {
            "a query body (`match { … } return { … }`, or `insert`/`update`/`delete` statements)"
        }
        Rule::MutationBody | Rule::MutationStmt => {
            "a mutation statement (`insert`, `update` or `delete`)"
        }
        Rule::ReadQueryBody | Rule::MatchClause => "a `match { … }` block",
        Rule::InsertStmt => "an `insert Type { … }` statement",
        Rule::UpdateStmt => "an `update Type set { … } where …` statement",
        Rule::DeleteStmt => "a `delete Type where …` statement",
        Rule::MutationAssignment => "a property assignment (`property: value`)",
        Rule::MutationPredicate => "a predicate (`property <op> value`)",
        Rule::ParamList | Rule::Param => "a parameter (`$name: Type`)",
        Rule::TypeRef => "a parameter type",
        Rule::ListType => "a list type (`[Type]`)",
        Rule::VectorType => "a vector type (`Vector(N)`)",
        Rule::BaseType => text::BASE_TYPE,
        Rule::Clause => "a match clause (binding, traversal, filter, `not { … }` or text search)",
        Rule::TextSearchClause => "a text-search call (`search`, `fuzzy` or `match_text`)",
        Rule::Binding => "a binding (`$var: Type`)",
        Rule::PropMatchList | Rule::PropMatch => "a property match (`property: value`)",
        Rule::MatchValue => "a value (a literal, a `$parameter` or `now()`)",
        Rule::Traversal => "a traversal (`$a edge $b`)",
        Rule::TraversalBounds => "traversal bounds (`{min,max}`)",
        Rule::Filter => "a filter (`expression <op> expression`)",
        Rule::Negation => "a negation (`not { … }`)",
        Rule::ReturnClause => "a `return { … }` block",
        Rule::Projection => "a projection",
        Rule::OrderClause => "an `order { … }` block",
        Rule::Ordering => "an ordering",
        Rule::NearestOrdering => "`nearest(…)`",
        Rule::OrderDir => "`asc` or `desc`",
        Rule::LimitClause => "a `limit N` clause",
        Rule::Expr => "an expression",
        Rule::NowCall => "`now()`",
        Rule::SearchCall => "`search(…)`",
        Rule::FuzzyCall => "`fuzzy(…)`",
        Rule::MatchTextCall => "`match_text(…)`",
        Rule::Bm25Call => "`bm25(…)`",
        Rule::RankExpr => "a rank expression (`nearest(…)` or `bm25(…)`)",
        Rule::RrfCall => "`rrf(…)`",
        Rule::PropAccess => "a property access (`$var.property`)",
        Rule::AggCall | Rule::AggFunc => "an aggregate (`count`, `sum`, `avg`, `min` or `max`)",
        Rule::CompOp => "a comparison operator (`=`, `!=`, `<`, `<=`, `>` or `>=`)",
        Rule::FilterOp => "a comparison operator or `contains`",
        Rule::Variable => "a variable (`$name`)",
        Rule::EdgeIdent => "an edge name",
        Rule::TypeName => text::TYPE_NAME,
        Rule::Ident => "a name (starting with a lowercase letter or `_`)",
        Rule::Literal => "a literal",
        Rule::DateLit => "`date(\"…\")`",
        Rule::DatetimeLit => "`datetime(\"…\")`",
        Rule::ListLit => "a list literal (`[…]`)",
        Rule::StringLit => "a string literal (`\"…\"`)",
        Rule::FloatLit => "a decimal number",
        Rule::Integer => text::INTEGER,
        Rule::BoolLit => "`true` or `false`",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_sharing_their_words_are_named_once() {
        let words = describe_all(&[Rule::QueryFile, Rule::QueryDecl, Rule::Eoi]);
        assert_eq!(words, [describe(Rule::QueryDecl), text::END_OF_INPUT]);
    }

    #[test]
    fn words_both_languages_use_come_from_lang_text() {
        assert_eq!(describe(Rule::BaseType), text::BASE_TYPE);
        assert_eq!(describe(Rule::TypeName), text::TYPE_NAME);
        assert_eq!(describe(Rule::Integer), text::INTEGER);
    }

    #[test]
    fn too_deep_is_reported_at_its_position() {
        let text = render("query q() {\n  [[[", &SyntaxFailure::TooDeep { pos: 15 }).to_string();
        assert!(text.starts_with(" --> 2:4\n"), "{text}");
        assert!(text.contains("\n  |    ^---\n"), "{text}");
        assert!(text.ends_with("nest at most about 128 levels)"), "{text}");
    }
}
