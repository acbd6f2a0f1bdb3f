//! Errors as data: every type-checking rule of §8 and every post-parse rejection of §4.2 points at
//! the construct that broke it (the span's text is checked, and its position), carries its rule
//! id where the specification gives one, and suggests the closest declared name for an unknown
//! one (and nothing when no name is close). Declarations know where their name is written.

use crate::common::points_at;
use crate::support::*;
use omnigraph_lang::{Span, locate};

/// The first declaration's type error, checked against schema S.
fn type_error(src: &str) -> QueryError {
    match typecheck_query_decl(schema_s(), &decl(src)) {
        Ok(checked) => panic!("expected {src:?} to fail, got {checked:?}"),
        Err(err) => err,
    }
}

/// One test per case: the type error of `src` points at `at`, with `rule` and `suggestion`.
macro_rules! type_errors {
    ($($name:ident: $src:expr => $at:expr, $rule:expr, $suggestion:expr;)*) => {$(
        #[test]
        fn $name() {
            let src: &str = $src;
            let err = type_error(src);
            assert!(matches!(err, QueryError::Type(_)), "{err}");
            points_at(err.detail(), src, $at, $rule, $suggestion);
        }
    )*};
}

const NONE: Option<&str> = None;

type_errors! {
    d01_reserved_parameter: r#"query q($__nanograph_now: String) { match { $p: Person } return { $p.name } }"# => "$__nanograph_now", NONE, NONE;
    d02_parameter_type: r#"query q($v: Vector(0)?) { match { $p: Person } return { $p.name } }"# => "Vector(0)", NONE, NONE;
    b01_unknown_node: r#"query q() { match { $x: Robot } return { $x } }"# => "Robot", Some("T1"), NONE;
    b01_suggests_node: r#"query q() { match { $x: Persn } return { $x } }"# => "Persn", Some("T1"), Some("Person");
    b02_unknown_property: r#"query q() { match { $p: Person { salary: 1 } } return { $p.name } }"# => "salary", Some("T2"), NONE;
    b02_suggests_property: r#"query q() { match { $p: Person { nmae: "a" } } return { $p.name } }"# => "nmae", Some("T2"), Some("name");
    b03_blob_match: r#"query q() { match { $p: Person { photo: "x" } } return { $p.name } }"# => "photo", Some("T3"), NONE;
    b04_list_equality: r#"query q() { match { $p: Person { tags: ["a"] } } return { $p.name } }"# => r#"["a"]"#, Some("T3"), NONE;
    b05_membership: r#"query q() { match { $p: Person { tags: 1 } } return { $p.name } }"# => "1", Some("T3"), NONE;
    b06_vector_literal: r#"query q() { match { $p: Person { embedding: [1, 2] } } return { $p.name } }"# => "[1, 2]", Some("T3"), NONE;
    b07_literal_type: r#"query q() { match { $p: Person { age: "old" } } return { $p.name } }"# => r#""old""#, Some("T3"), NONE;
    b08_enum_value: r#"query q() { match { $p: Person { status: "gone" } } return { $p.name } }"# => r#""gone""#, Some("T3"), NONE;
    b09_list_literal: r#"query q() { match { $p: Person { name: [1, "a"] } } return { $p.name } }"# => r#"[1, "a"]"#, NONE, NONE;
    b10_list_parameter: r#"query q($t: [String]) { match { $p: Person { tags: $t } } return { $p.name } }"# => "~$t", Some("T7"), NONE;
    b11_membership_parameter: r#"query q($t: I64) { match { $p: Person { tags: $t } } return { $p.name } }"# => "~$t", Some("T7"), NONE;
    b12_parameter_type: r#"query q($n: I64) { match { $p: Person { name: $n } } return { $p.name } }"# => "~$n", Some("T7"), NONE;
    b14_now: r#"query q() { match { $p: Person { born: now() } } return { $p.name } }"# => "now()", Some("T7"), NONE;
    b16_rebinding: r#"query q() { match { $p: Person $p: Company } return { $p } }"# => "$p: Company", NONE, NONE;
    t01_unknown_edge: r#"query q() { match { $p: Person $p likes $f } return { $p.name } }"# => "likes", Some("T4"), NONE;
    t01_suggests_edge_in_query_spelling: r#"query q() { match { $p: Person $p workzAt $f } return { $p.name } }"# => "workzAt", Some("T4"), Some("worksAt");
    t02_min_bound: r#"query q() { match { $p: Person $p knows{0,2} $f } return { $f.name } }"# => "{0,2}", Some("T15"), NONE;
    t03_bounds: r#"query q() { match { $p: Person $p knows { 3, 1 } $f } return { $f.name } }"# => "{ 3, 1 }", Some("T15"), NONE;
    t04_unbounded: r#"query q() { match { $p: Person $p knows{1,} $f } return { $f.name } }"# => "{1,}", Some("T15"), NONE;
    t05_source_not_an_endpoint: r#"query q() { match { $c: Company $c knows $f } return { $f } }"# => "~$c", Some("T5"), NONE;
    t06_target_not_an_endpoint: r#"query q() { match { $c: Company $x knows $c } return { $x } }"# => "~$c", Some("T5"), NONE;
    t07_endpoint_type: r#"query q() { match { $p: Person $c: Company $p knows $c } return { $p.name } }"# => "~$c", Some("T5"), NONE;
    f01_scalar_operands: r#"query q() { match { $p: Person $p != 5 } return { $p.name } }"# => "$p != 5", Some("T7"), NONE;
    f02_contains_list: r#"query q() { match { $p: Person $p.name contains "A" } return { $p.name } }"# => r#"$p.name contains "A""#, Some("T7"), NONE;
    f09_comparison: "query q() { match { $p: Person\n  $p.age >\n    \"old\" } return { $p.name } }" => "$p.age >\n    \"old\"", Some("T7"), NONE;
    x02_unbound_access: r#"query q() { match { $person: Person } return { $x.name } }"# => "$x.name", Some("T6"), NONE;
    x02_suggests_bound_variable: r#"query q() { match { $person: Person } return { $persn.name } }"# => "$persn.name", Some("T6"), Some("person");
    x04_unknown_property: r#"query q() { match { $p: Person $p.salary > 100 } return { $p.name } }"# => "$p.salary", Some("T6"), NONE;
    x04_suggests_property: r#"query q() { match { $p: Person $p.embeding > 100 } return { $p.name } }"# => "$p.embeding", Some("T6"), Some("embedding");
    x05_unbound_variable: r#"query q($name: String) { match { $p: Person } return { $nme } }"# => "$nme", NONE, Some("name");
    x06_list_literal: r#"query q() { match { $p: Person } return { [1, "a"] } }"# => r#"[1, "a"]"#, NONE, NONE;
    x07_nearest_unbound: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($x.embedding, $v) } limit 5 }"# => "nearest($x.embedding, $v)", Some("T15"), Some("p");
    x09_nearest_property: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($p.embeddin, $v) } limit 5 }"# => "nearest($p.embeddin, $v)", Some("T15"), Some("embedding");
    x10_nearest_not_a_vector: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($p.name, $v) } limit 5 }"# => "nearest($p.name, $v)", Some("T15"), NONE;
    x12_nearest_literal: r#"query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, [1, 2]) } limit 5 }"# => "[1, 2]", Some("T15"), NONE;
    x13_nearest_dimension: r#"query q($v: Vector(2)) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v) } limit 5 }"# => "~$v", Some("T15"), NONE;
    x15_nearest_scalar: r#"query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, $p) } limit 5 }"# => "~$p", Some("T15"), NONE;
    x16_search_field: r#"query q($q: String) { match { $p: Person search($p.age, $q) } return { $p.name } }"# => "$p.age", Some("T19"), NONE;
    x18_search_query: r#"query q() { match { $p: Person search($p.name, 5) } return { $p.name } }"# => "5", Some("T19"), NONE;
    x24_fuzzy_max_edits: r#"query q($q: String) { match { $p: Person fuzzy($p.name, $q, 1.5) } return { $p.name } }"# => "1.5", Some("T19"), NONE;
    x26_match_text_field: r#"query q($q: String) { match { $p: Person match_text($p.age, $q) } return { $p.name } }"# => "$p.age", Some("T20"), NONE;
    x31_bm25_field: r#"query q($q: String) { match { $p: Person } return { bm25($p, $q) } }"# => "~$p", Some("T20"), NONE;
    x36_rrf_k: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q), 1.5) } limit 5 }"# => "1.5", Some("T21"), NONE;
    x38_rrf_k_positive: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q), 0) } limit 5 }"# => "0", Some("T21"), NONE;
    x39_sum: r#"query q() { match { $p: Person } return { sum($p.name) } }"# => "$p.name", Some("T8"), NONE;
    x40_min: r#"query q() { match { $p: Person } return { min( $p.born ) } }"# => "$p.born", Some("T8"), NONE;
    n01_negation: r#"query q() { match { $p: Person not { $q: Person } } return { $p.name } }"# => "not { $q: Person }", Some("T9"), NONE;
    q01_rrf_limit: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { $p.name, rrf(nearest($p.embedding, $v), bm25($p.name, $q)) desc } }"# => "rrf(nearest($p.embedding, $v), bm25($p.name, $q))", Some("T21"), NONE;
    q02_nearest_limit: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v) } }"# => "nearest($p.embedding, $v)", Some("T17"), NONE;
    q03_alias_ordering: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name as n } order { nearest($p.embedding, $v), n } limit 5 }"# => "~n", Some("T18"), NONE;
    q04_aggregate_projection: r#"query q() { match { $p: Person } return { count($p), $p.name, "x" } }"# => r#""x""#, Some("T9"), NONE;
    m01_undeclared_variable: r#"query q($name: String) { insert Person { name: $nam } }"# => "~$nam", Some("T14"), Some("name");
    m02_parameter_type: r#"query q($n: I64) { insert Person { name: $n } }"# => "~$n", Some("T7"), NONE;
    m03_now: r#"query q() { update Person set { born: now() } where name = "a" }"# => "now()", Some("T7"), NONE;
    m04_literal: r#"query q() { insert Person { name: 1 } }"# => "1", Some("T3"), NONE;
    m06_duplicate: r#"query q() { insert Person { name: "a", name: "b" } }"# => "~name", Some("T13"), NONE;
    m07_node_property: r#"query q() { insert Person { name: "a", salary: 1 } }"# => "salary", Some("T11"), NONE;
    m08_required: "query q() {\n  insert Person { age: 3 }\n}" => "insert Person { age: 3 }", Some("T12"), NONE;
    m10_edge_property_suggests_endpoint: r#"query q() { insert Knows { form: "a", to: "b" } }"# => "form", Some("T11"), Some("from");
    m11_endpoint: r#"query q() { insert Knows { to: "b" } }"# => r#"insert Knows { to: "b" }"#, Some("T12"), NONE;
    m14_unknown_type: r#"query q() { insert Robot { name: "x" } }"# => "Robot", Some("T10"), NONE;
    m14_suggests_edge_type: r#"query q() { insert Know { from: "a", to: "b" } }"# => "Know", Some("T10"), Some("Knows");
    m15_update_edge: r#"query q() { update Knows set { since: date("2020-01-01") } where from = "a" }"# => "Knows", Some("T16"), NONE;
    m18_duplicate: r#"query q() { update Person set { age: 1, age: 2 } where name = "a" }"# => "~age", Some("T13"), NONE;
    m20_predicate_property: r#"query q() { delete Person where salary = 1 }"# => "salary", Some("T11"), NONE;
    m21_blob_predicate: r#"query q($b: String) { delete Person where photo = $b }"# => "photo", Some("T11"), NONE;
    m22_edge_predicate: r#"query q() { delete Knows where sinc = 1 }"# => "sinc", Some("T11"), Some("since");
    m23_unknown_delete: r#"query q() { delete Robot where name = "a" }"# => "Robot", Some("T10"), NONE;
}

#[test]
fn the_sugared_text_search_filter_spans_its_call() {
    let src = r#"query q($s: String) { match { $p: Person search($p.name, $s) } return { $p } }"#;
    let Clause::Filter(f) = &decl(src).match_clause[1] else {
        panic!("a filter")
    };
    assert_eq!(f.span.slice(src), "search($p.name, $s)");
    assert_eq!(f.left.span, f.span);
    // `= true` is not written: an empty span after the call.
    assert_eq!(f.right.span, Span::at(f.span.end));
}

#[test]
fn post_parse_rejections_point_at_what_they_reject() {
    let cases = [
        (
            r#"query q() @description("a") @description ("b") { match { $p: Person } return { $p } }"#,
            r#"@description ("b")"#,
            "P1",
        ),
        (
            r#"query q() @instruction("a") @instruction("b") { match { $p: Person } return { $p } }"#,
            r#"~@instruction("b")"#,
            "P2",
        ),
        (
            r#"query q() { match { $p: Person $p.name = "a\qb" } return { $p } }"#,
            r#""a\qb""#,
            "P3",
        ),
        (
            "query q() { match { $p: Person } return { 99999999999999999999 } }",
            "99999999999999999999",
            "P4",
        ),
        (
            "query q() { match { $p: Person } return { $p } limit 18446744073709551616 }",
            "18446744073709551616",
            "P5",
        ),
        (
            "query q() { match { $p: Person $p knows{4294967296,1} $f } return { $p } }",
            "4294967296",
            "P6",
        ),
        (
            "query q() { match { $p: Person $p knows{1,4294967296} $f } return { $p } }",
            "4294967296",
            "P7",
        ),
    ];
    for (src, at, rule) in cases {
        let err = parse_query(src).expect_err("rejected");
        assert!(matches!(err, QueryError::Parse(_)), "{err}");
        points_at(err.detail(), src, at, Some(rule), None);
    }
}

#[test]
fn a_syntax_error_exposes_its_position_summary_and_line() {
    let src = "query q() {\n  match { $p: Person }\n  retrun { $p }\n}\n";
    let err = parse_query(src).expect_err("syntax error");
    let detail = err.detail();
    assert!(matches!(err, QueryError::Syntax(_)));
    assert_eq!(err.rule(), None);
    assert_eq!(err.span().map(|s| s.slice(src)), Some("retrun"));
    assert_eq!(
        detail.summary(),
        "expected a `return { … }` block, found `retrun`"
    );
    // The message stays the whole report, with the same position.
    assert!(detail.message().starts_with(" --> 3:3\n"), "{detail}");
    assert!(detail.message().ends_with(detail.summary()));
    let at = locate(src, err.span().map_or(0, |s| s.start));
    assert_eq!(
        (at.line, at.column, at.line_text),
        (3, 3, "  retrun { $p }")
    );
    // At the end of input the span is empty.
    let src = "query q() { match { $p: Person } return { $p }";
    let span = parse_query(src).expect_err("syntax error").span();
    assert_eq!(span, Some(Span::at(src.len())));
}

#[test]
fn a_type_error_locates_to_its_line_and_column() {
    let src = "query a() { match { $p: Person } return { $p } }\n\nquery b() {\n\tmatch { $p: Person { stauts: 1 } }\n\treturn { $p }\n}\n";
    let file = parse_ok(src);
    let err = typecheck_query_decl(schema_s(), &file.queries[1]).expect_err("T2");
    let span = err.span().expect("a span");
    let at = span.locate(src);
    assert_eq!((at.line, at.column), (4, 23));
    assert_eq!(at.line_text, "\tmatch { $p: Person { stauts: 1 } }");
    assert_eq!(err.suggestion(), Some("status"));
    assert_eq!(
        err.to_string(),
        "type error: T2: type `Person` has no property `stauts`"
    );
}

#[test]
fn declarations_know_where_their_name_is() {
    let src = "// two\nquery first() { match { $p: Person } return { $p } }\n  query\tsecond($x: String) {\n    insert Person { name: $x }\n  }\n";
    let file = parse_ok(src);
    let names: Vec<(&str, &str, usize, usize)> = file
        .queries
        .iter()
        .map(|q| {
            let at = q.name_span.locate(src);
            (q.name.as_str(), q.name_span.slice(src), at.line, at.column)
        })
        .collect();
    assert_eq!(
        names,
        [("first", "first", 2, 7), ("second", "second", 3, 9)]
    );
    assert!(
        file.queries[1]
            .span
            .slice(src)
            .starts_with("query\tsecond(")
    );
    assert!(file.queries[1].span.slice(src).ends_with("}\n  }"));
}

#[test]
fn spans_leave_tree_equality_alone() {
    let a = decl("query q($x: String) { match { $p: Person { name: $x } } return { $p.name } }");
    let b = decl(
        "query q( $x : String )\n{\n  match {\n    $p: Person { name: $x }\n  }\n  return { $p.name }\n}",
    );
    assert_ne!(a.span, b.span);
    assert_eq!(a, b);
}
