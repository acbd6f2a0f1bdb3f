//! The `.gq` query language through its public API: every type-checking rule of
//! query-language.md §8 (failing with the exact Display text, and passing), the tricky cases of
//! §9, post-parse rejections (§4.2), syntax-error reports, and the AST shapes of §3.

#[path = "query_lang/support.rs"]
mod support;

#[path = "query_lang/property.rs"]
mod property;

use omnigraph_lang::query::{
    AggFunc, Checked, Clause, CompOp, Expr, Literal, MatchValue, Mutation, QueryDecl, QueryError,
    QueryFile, parse_query, typecheck_query_decl,
};
use omnigraph_lang::schema::Catalog;
use std::sync::OnceLock;

fn schema_s() -> &'static Catalog {
    static S: OnceLock<Catalog> = OnceLock::new();
    S.get_or_init(|| support::catalog(support::SCHEMA_S))
}

fn parse_ok(src: &str) -> QueryFile {
    match parse_query(src) {
        Ok(file) => file,
        Err(e) => panic!("expected {src:?} to parse, got:\n{e}"),
    }
}

fn decl(src: &str) -> QueryDecl {
    let mut file = parse_ok(src);
    assert!(!file.queries.is_empty(), "no declaration in {src:?}");
    file.queries.remove(0)
}

/// Type-checks the first declaration of `src` against `catalog`.
fn tc_with(catalog: &Catalog, src: &str) -> Result<Checked, String> {
    typecheck_query_decl(catalog, &decl(src)).map_err(|e| e.to_string())
}

fn tc(src: &str) -> Result<Checked, String> {
    tc_with(schema_s(), src)
}

fn parse_err(src: &str) -> String {
    match parse_query(src) {
        Ok(file) => panic!("expected {src:?} to be rejected, parsed {file:?}"),
        Err(e) => e.to_string(),
    }
}

/// The message line of a syntax error (`= …`), and its `line:column`.
fn syntax(src: &str) -> (String, String) {
    let err = parse_query(src).expect_err("expected a syntax error");
    assert!(
        matches!(err, QueryError::Syntax(_)),
        "not a syntax error: {err}"
    );
    let text = err.to_string();
    let pos = text
        .lines()
        .next()
        .and_then(|l| l.split("--> ").nth(1))
        .unwrap_or_default()
        .to_owned();
    let msg = text
        .lines()
        .last()
        .and_then(|l| l.split(" = ").nth(1))
        .unwrap_or_default()
        .to_owned();
    (pos, msg)
}

/// One test per case: the first declaration fails type-checking with exactly this Display text.
macro_rules! fails {
    ($($name:ident: $src:expr => $msg:expr;)*) => {$(
        #[test]
        fn $name() {
            assert_eq!(tc($src), Err(($msg).to_owned()), "{}", $src);
        }
    )*};
}

/// One test per case: the first declaration type-checks.
macro_rules! passes {
    ($($name:ident: $src:expr;)*) => {$(
        #[test]
        fn $name() {
            if let Err(e) = tc($src) {
                panic!("{}\n  → {e}", $src);
            }
        }
    )*};
}

// ------------------------------------------------------------------------------------------------
// §8: every rule's example from the spec, with its exact message.

fails! {
    rule_d01: r#"query q($__nanograph_now: String) { match { $p: Person } return { $p.name } }"# => r#"type error: parameter name `$__nanograph_now` is reserved for runtime timestamp injection"#;
    rule_d02: r#"query q($v: Vector(0)) { match { $p: Person } return { $p.name } }"# => r#"type error: unknown parameter type `Vector(0)` for `$v`"#;
    rule_b01: r#"query q() { match { $x: Robot } return { $x } }"# => r#"type error: T1: unknown node type `Robot`"#;
    rule_b02: r#"query q() { match { $p: Person { salary: 1 } } return { $p.name } }"# => r#"type error: T2: type `Person` has no property `salary`"#;
    rule_b03: r#"query q() { match { $p: Person { photo: "x" } } return { $p.name } }"# => r#"type error: T3: blob property `Person.photo` cannot be used in match patterns"#;
    rule_b04: r#"query q() { match { $p: Person { tags: ["a"] } } return { $p.name } }"# => r#"type error: T3: list equality is not supported for property `tags`; use a scalar value to match list membership"#;
    rule_b05: r#"query q() { match { $p: Person { tags: 1 } } return { $p.name } }"# => r#"type error: T3: property `tags` has type [String]? but membership match got I64"#;
    rule_b06: r#"query q() { match { $p: Person { embedding: [1, 2] } } return { $p.name } }"# => r#"type error: T3: property `embedding` has type Vector(3) but got vector literal with 2 elements"#;
    rule_b07: r#"query q() { match { $p: Person { age: "old" } } return { $p.name } }"# => r#"type error: T3: property `age` has type I32? but got String"#;
    rule_b08: r#"query q() { match { $p: Person { status: "gone" } } return { $p.name } }"# => r#"type error: T3: property `status` expects one of [active, inactive], got 'gone'"#;
    rule_b10: r#"query q($t: [String]) { match { $p: Person { tags: $t } } return { $p.name } }"# => r#"type error: T7: list equality is not supported for property `tags`; use a scalar parameter for membership matching"#;
    rule_b11: r#"query q($t: I64) { match { $p: Person { tags: $t } } return { $p.name } }"# => r#"type error: T7: cannot compare I64 membership against [String]? for property `tags`"#;
    rule_b12: r#"query q($n: I64) { match { $p: Person { name: $n } } return { $p.name } }"# => r#"type error: T7: cannot assign/compare I64 with String for property `name`"#;
    rule_b14: r#"query q() { match { $p: Person { born: now() } } return { $p.name } }"# => r#"type error: T7: cannot assign/compare DateTime with Date? for property `born`"#;
    rule_b16: r#"query q() { match { $p: Person $p: Company } return { $p } }"# => r#"type error: variable `$p` already bound to type `Person`, cannot rebind to `Company`"#;
    rule_t01: r#"query q() { match { $p: Person $p likes $f } return { $p.name } }"# => r#"type error: T4: unknown edge type `likes`"#;
    rule_t02: r#"query q() { match { $p: Person $p knows{0,2} $f } return { $f.name } }"# => r#"type error: T15: traversal min hop bound must be >= 1"#;
    rule_t03: r#"query q() { match { $p: Person $p knows{3,1} $f } return { $f.name } }"# => r#"type error: T15: invalid traversal bounds {3,1}; max must be >= min"#;
    rule_t04: r#"query q() { match { $p: Person $p knows{1,} $f } return { $f.name } }"# => r#"type error: T15: unbounded traversal is disabled; use bounded traversal {min,max}"#;
    rule_t05: r#"query q() { match { $c: Company $c knows $f } return { $c.name } }"# => r#"type error: T5: variable `$c` has type `Company`, which is not an endpoint of edge `Knows: Person -> Person`"#;
    rule_t06: r#"query q() { match { $c: Company $x knows $c } return { $c.name } }"# => r#"type error: T5: variable `$c` has type `Company`, which is not an endpoint of edge `Knows: Person -> Person`"#;
    rule_t07: r#"query q() { match { $p: Person $c: Company $p knows $c } return { $p.name } }"# => r#"type error: T5: variable `$c` has type `Company` but edge `Knows` expects `Person`"#;
    rule_f01: r#"query q() { match { $p: Person $p != 5 } return { $p.name } }"# => r#"type error: T7: filter comparisons require scalar operands, got node `Person` and I64"#;
    rule_f02: r#"query q() { match { $p: Person $p.name contains "A" } return { $p.name } }"# => r#"type error: T7: contains requires a list property on the left, got String"#;
    rule_f03: r#"query q() { match { $p: Person $p.tags contains ["a"] } return { $p.name } }"# => r#"type error: T7: contains requires a scalar right operand"#;
    rule_f04: r#"query q($v: Vector(3)) { match { $p: Person $p.tags contains $v } return { $p.name } }"# => r#"type error: T7: vector membership filters are not supported"#;
    rule_f05: r#"query q() { match { $p: Person $p.tags contains 1 } return { $p.name } }"# => r#"type error: T7: cannot test membership of I64 in [String]?"#;
    rule_f06: r#"query q() { match { $p: Person $p.tags = "a" } return { $p.name } }"# => r#"type error: T7: list comparisons in filters are not supported; use `contains` for list membership"#;
    rule_f07: r#"query q($v: Vector(3)) { match { $p: Person $p.embedding = $v } return { $p.name } }"# => r#"type error: T7: vector comparisons in filters are not supported"#;
    rule_f08: r#"query q() { match { $p: Person $p.photo = "x" } return { $p.name } }"# => r#"type error: T7: blob comparisons in filters are not supported"#;
    rule_f09: r#"query q() { match { $p: Person $p.age > "old" } return { $p.name } }"# => r#"type error: T7: cannot compare I32? with String"#;
    rule_x02: r#"query q() { match { $p: Person } return { $x.name } }"# => r#"type error: T6: variable `$x` is not bound"#;
    rule_x04: r#"query q() { match { $p: Person $p.salary > 100 } return { $p.name } }"# => r#"type error: T6: type `Person` has no property `salary`"#;
    rule_x05: r#"query q() { match { $p: Person } return { $x } }"# => r#"type error: variable `$x` is not bound"#;
    rule_x06: r#"query q() { match { $p: Person } return { [1, "a"] } }"# => r#"type error: list literal elements must share a compatible scalar type"#;
    rule_x07: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($x.embedding, $v) } limit 5 }"# => r#"type error: T15: variable `$x` is not bound"#;
    rule_x09: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($p.emb, $v) } limit 5 }"# => r#"type error: T15: type `Person` has no property `emb`"#;
    rule_x10: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($p.name, $v) } limit 5 }"# => r#"type error: T15: nearest requires a Vector property, got Person.name: String"#;
    rule_x12: r#"query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, [1, 2]) } limit 5 }"# => r#"type error: T15: nearest vector dimension mismatch: property is Vector(3), query literal has 2 elements"#;
    rule_x13: r#"query q($v: Vector(2)) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v) } limit 5 }"# => r#"type error: T15: nearest vector dimension mismatch: property is Vector(3), query is Vector(2)"#;
    rule_x14: r#"query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, 5) } limit 5 }"# => r#"type error: T15: nearest query must be Vector(3) or String, got I64"#;
    rule_x15: r#"query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, $p) } limit 5 }"# => r#"type error: T15: nearest query must be a scalar expression"#;
    rule_x16: r#"query q($q: String) { match { $p: Person search($p.age, $q) } return { $p.name } }"# => r#"type error: T19: search field must be String, got I32?"#;
    rule_x17: r#"query q($q: String) { match { $p: Person search($p, $q) } return { $p.name } }"# => r#"type error: T19: search field must be a scalar String expression"#;
    rule_x18: r#"query q() { match { $p: Person search($p.name, 5) } return { $p.name } }"# => r#"type error: T19: search query must be String, got I64"#;
    rule_x19: r#"query q() { match { $p: Person search($p.name, $p) } return { $p.name } }"# => r#"type error: T19: search query must be a scalar String expression"#;
    rule_x20: r#"query q($q: String) { match { $p: Person fuzzy($p.age, $q) } return { $p.name } }"# => r#"type error: T19: fuzzy field must be String, got I32?"#;
    rule_x21: r#"query q($q: String) { match { $p: Person fuzzy($p, $q) } return { $p.name } }"# => r#"type error: T19: fuzzy field must be a scalar String expression"#;
    rule_x22: r#"query q($q: String) { match { $p: Person fuzzy($p.name, 5) } return { $p.name } }"# => r#"type error: T19: fuzzy query must be String, got I64"#;
    rule_x23: r#"query q($q: String) { match { $p: Person fuzzy($p.name, $p) } return { $p.name } }"# => r#"type error: T19: fuzzy query must be a scalar String expression"#;
    rule_x24: r#"query q($q: String) { match { $p: Person fuzzy($p.name, $q, 1.5) } return { $p.name } }"# => r#"type error: T19: fuzzy max_edits must be an integer scalar, got F64"#;
    rule_x25: r#"query q($q: String) { match { $p: Person fuzzy($p.name, $q, $p) } return { $p.name } }"# => r#"type error: T19: fuzzy max_edits must be an integer scalar expression"#;
    rule_x26: r#"query q($q: String) { match { $p: Person match_text($p.age, $q) } return { $p.name } }"# => r#"type error: T20: match_text field must be String, got I32?"#;
    rule_x27: r#"query q($q: String) { match { $p: Person match_text($p, $q) } return { $p.name } }"# => r#"type error: T20: match_text field must be a scalar String expression"#;
    rule_x28: r#"query q($q: String) { match { $p: Person match_text($p.name, 5) } return { $p.name } }"# => r#"type error: T20: match_text query must be String, got I64"#;
    rule_x29: r#"query q($q: String) { match { $p: Person match_text($p.name, $p) } return { $p.name } }"# => r#"type error: T20: match_text query must be a scalar String expression"#;
    rule_x30: r#"query q($q: String) { match { $p: Person } return { bm25($p.age, $q) } }"# => r#"type error: T20: bm25 field must be String, got I32?"#;
    rule_x31: r#"query q($q: String) { match { $p: Person } return { bm25($p, $q) } }"# => r#"type error: T20: bm25 field must be a scalar String expression"#;
    rule_x32: r#"query q($q: String) { match { $p: Person } return { bm25($p.name, 5) } }"# => r#"type error: T20: bm25 query must be String, got I64"#;
    rule_x33: r#"query q($q: String) { match { $p: Person } return { bm25($p.name, $p) } }"# => r#"type error: T20: bm25 query must be a scalar String expression"#;
    rule_x36: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q), 1.5) } limit 5 }"# => r#"type error: T21: rrf k must be an integer scalar, got F64"#;
    rule_x37: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q), $p) } limit 5 }"# => r#"type error: T21: rrf k must be an integer scalar expression"#;
    rule_x38: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q), 0) } limit 5 }"# => r#"type error: T21: rrf k must be greater than 0"#;
    rule_x39: r#"query q() { match { $p: Person } return { sum($p.name) } }"# => r#"type error: T8: sum requires numeric type, got String"#;
    rule_x40: r#"query q() { match { $p: Person } return { min($p.born) } }"# => r#"type error: T8: min requires numeric or string type, got Date?"#;
    rule_n01: r#"query q() { match { $p: Person not { $q: Person } } return { $p.name } }"# => r#"type error: T9: negation block must reference at least one outer-bound variable"#;
    rule_q01: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q)) desc } }"# => r#"type error: T21: rrf ordering requires a limit clause"#;
    rule_q02: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v) } }"# => r#"type error: T17: nearest ordering requires a limit clause"#;
    rule_q03: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name as n } order { nearest($p.embedding, $v), n } limit 5 }"# => r#"type error: T18: alias-based ordering is not supported together with nearest in phase 1"#;
    rule_q04: r#"query q() { match { $p: Person } return { count($p), "x" } }"# => r#"type error: T9: non-aggregate expressions in an aggregate query must be property accesses or variables"#;
    rule_m01: r#"query q() { insert Person { name: $n } }"# => r#"type error: T14: mutation variable `$n` must be a declared query parameter"#;
    rule_m02: r#"query q($n: I64) { insert Person { name: $n } }"# => r#"type error: T7: cannot assign/compare I64 with String for property `name`"#;
    rule_m03: r#"query q() { update Person set { born: now() } where name = "a" }"# => r#"type error: T7: cannot assign/compare DateTime with Date? for property `born`"#;
    rule_m06: r#"query q() { insert Person { name: "a", name: "b" } }"# => r#"type error: T13: duplicate assignment for property `name`"#;
    rule_m07: r#"query q() { insert Person { name: "a", salary: 1 } }"# => r#"type error: T11: type `Person` has no property `salary`"#;
    rule_m08: r#"query q() { insert Person { age: 3 } }"# => r#"type error: T12: insert for `Person` must provide non-nullable property `name`"#;
    rule_m09: r#"query q() { insert Doc { slug: "a" } }"# => r#"type error: T12: insert for `Doc` must provide non-nullable property `embedding` or @embed source `body`"#;
    rule_m10: r#"query q() { insert Knows { from: "a", to: "b", weight: 1 } }"# => r#"type error: T11: type `Knows` has no property `weight`"#;
    rule_m11: r#"query q() { insert Knows { to: "b" } }"# => r#"type error: T12: insert for `Knows` must provide required endpoint `from`"#;
    rule_m12: r#"query q() { insert Knows { from: "a" } }"# => r#"type error: T12: insert for `Knows` must provide required endpoint `to`"#;
    rule_m13: r#"query q() { insert WorksAt { from: "a", to: "b" } }"# => r#"type error: T12: insert for `WorksAt` must provide non-nullable property `weight`"#;
    rule_m14: r#"query q() { insert Robot { name: "x" } }"# => r#"type error: T10: unknown node/edge type `Robot`"#;
    rule_m15: r#"query q() { update Knows set { since: date("2020-01-01") } where from = "a" }"# => r#"type error: T16: update mutation for edge type `Knows` is not supported"#;
    rule_m16: r#"query q() { update Robot set { name: "x" } where name = "y" }"# => r#"type error: T10: unknown node/edge type `Robot`"#;
    rule_m18: r#"query q() { update Person set { age: 1, age: 2 } where name = "a" }"# => r#"type error: T13: duplicate assignment for property `age`"#;
    rule_m19: r#"query q() { update Person set { salary: 1 } where name = "a" }"# => r#"type error: T11: type `Person` has no property `salary`"#;
    rule_m20: r#"query q() { delete Person where salary = 1 }"# => r#"type error: T11: type `Person` has no property `salary`"#;
    rule_m21: r#"query q($b: String) { delete Person where photo = $b }"# => r#"type error: T11: blob property `photo` cannot be used in WHERE predicates"#;
    rule_m22: r#"query q() { delete Knows where weight = 1 }"# => r#"type error: T11: type `Knows` has no property `weight`"#;
    rule_m23: r#"query q() { delete Robot where name = "a" }"# => r#"type error: T10: unknown node/edge type `Robot`"#;
}

// Rules whose spec row has two examples, or whose message is shared.
fails! {
    rule_b09_mixed: r#"query q() { match { $p: Person { name: [1, "a"] } } return { $p.name } }"# => "type error: list literal elements must share a compatible scalar type";
    rule_b09_nested: r#"query q() { match { $p: Person { name: [[1]] } } return { $p.name } }"# => "type error: nested list literals are not supported";
    rule_b09_in_membership: r#"query q() { match { $p: Person { tags: [[1]] } } return { $p.name } }"# => "type error: nested list literals are not supported";
    rule_m04_literal_type: r#"query q() { insert Person { name: 1 } }"# => "type error: T3: property `name` has type String but got I64";
    rule_m04_blob_literal: r#"query q() { insert Person { name: "a", photo: "s3://x" } }"# => "type error: T3: property `photo` has type Blob? but got String";
    rule_m04_vector_dimension: r#"query q() { insert Doc { slug: "a", embedding: [1, 2] } }"# => "type error: T3: property `embedding` has type Vector(3) but got vector literal with 2 elements";
    rule_m04_enum: r#"query q() { insert Person { name: "a", status: "gone" } }"# => "type error: T3: property `status` expects one of [active, inactive], got 'gone'";
    rule_m04_list_literal: r#"query q() { insert Person { name: "a", tags: [1, "x"] } }"# => "type error: list literal elements must share a compatible scalar type";
    rule_m04_no_membership: r#"query q() { insert Person { name: "a", tags: "x" } }"# => "type error: T3: property `tags` has type [String]? but got String";
    rule_b07_vector_from_string: r#"query q() { match { $p: Person { embedding: "x" } } return { $p.name } }"# => "type error: T3: property `embedding` has type Vector(3)? but got String";
    rule_b07_vector_from_empty_list: r#"query q() { match { $p: Person { embedding: [] } } return { $p.name } }"# => "type error: T3: property `embedding` has type Vector(3)? but got [String]";
    rule_b12_date_param: r#"query q($d: String) { match { $p: Person { born: $d } } return { $p.name } }"# => "type error: T7: cannot assign/compare String with Date? for property `born`";
    rule_b12_no_blob_exception: r#"query q($d: Date?) { match { $p: Person { age: $d } } return { $p.name } }"# => "type error: T7: cannot assign/compare Date? with I32? for property `age`";
    rule_b14_now_on_list: r#"query q() { match { $p: Person { tags: now() } } return { $p.name } }"# => "type error: T7: cannot assign/compare DateTime with [String]? for property `tags`";
    rule_b16_after_traversal: r#"query q() { match { $p: Person $p worksAt $c $c: Person } return { $p } }"# => "type error: variable `$c` already bound to type `Company`, cannot rebind to `Person`";
    rule_x05_param_shadow_order: r#"query q() { match { $p: Person } return { $p, $y } }"# => "type error: variable `$y` is not bound";
    rule_x14_list_param: r#"query q($v: [F32]) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v) } limit 5 }"# => "type error: T15: nearest query must be Vector(3) or String, got [F32]";
    rule_x14_nullable_display: r#"query q($v: I32?) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v) } limit 5 }"# => "type error: T15: nearest query must be Vector(3) or String, got I32?";
    rule_x13_nullable_vector_param: r#"query q($v: Vector(2)?) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v) } limit 5 }"# => "type error: T15: nearest vector dimension mismatch: property is Vector(3), query is Vector(2)";
    rule_x15_alias_aggregate: r#"query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, zz) } limit 5 }"# => "type error: T15: nearest query must be a scalar expression";
    rule_x16_list_field: r#"query q($q: String) { match { $p: Person search($p.tags, $q) } return { $p.name } }"# => "type error: T19: search field must be String, got [String]?";
    rule_x18_list_param: r#"query q($q: [String]) { match { $p: Person search($p.name, $q) } return { $p.name } }"# => "type error: T19: search query must be String, got [String]";
    rule_x24_float_param: r#"query q($q: String, $m: F32) { match { $p: Person fuzzy($p.name, $q, $m) } return { $p.name } }"# => "type error: T19: fuzzy max_edits must be an integer scalar, got F32";
    rule_x36_string: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q), "x") } limit 5 }"# => "type error: T21: rrf k must be an integer scalar, got String";
    rule_x39_avg_list: r#"query q() { match { $p: Person } return { avg($p.tags) } }"# => "type error: T8: avg requires numeric type, got [String]?";
    rule_x39_sum_bool_param: r#"query q($b: Bool) { match { $p: Person } return { sum($b) } }"# => "type error: T8: sum requires numeric type, got Bool";
    rule_x40_max_list: r#"query q() { match { $p: Person } return { max($p.tags) } }"# => "type error: T8: max requires numeric or string type, got [String]?";
    rule_x40_max_bool: r#"query q() { match { $p: Person } return { max(true) } }"# => "type error: T8: max requires numeric or string type, got Bool";
    rule_x41_count_propagates: r#"query q() { match { $p: Person } return { count($x) } }"# => "type error: variable `$x` is not bound";
    rule_f01_aggregate_right: r#"query q() { match { $p: Person $p.age > count($p) } return { $p.name } }"# => "type error: T7: filter comparisons require scalar operands, got I32? and aggregate";
    rule_f01_alias_in_match: r#"query q() { match { $p: Person $p.name = null } return { $p.name } }"# => "type error: T7: filter comparisons require scalar operands, got String and aggregate";
    rule_f05_numeric_list: r#"query q($t: [I32]) { match { $p: Person $t contains "x" } return { $p.name } }"# => "type error: T7: cannot test membership of String in [I32]";
    rule_f06_right_list: r#"query q() { match { $p: Person $p.name = ["a"] } return { $p.name } }"# => "type error: T7: list comparisons in filters are not supported; use `contains` for list membership";
    rule_f07_right_vector: r#"query q($v: Vector(3)) { match { $p: Person $p.age = $v } return { $p.name } }"# => "type error: T7: vector comparisons in filters are not supported";
    rule_f08_blob_param: r#"query q($b: Blob) { match { $p: Person $p.name = $b } return { $p.name } }"# => "type error: T7: blob comparisons in filters are not supported";
    rule_f09_bool: r#"query q() { match { $p: Person $p.name = true } return { $p.name } }"# => "type error: T7: cannot compare String with Bool";
    rule_t04_after_t02: r#"query q() { match { $p: Person $p knows{0,} $f } return { $f.name } }"# => "type error: T15: traversal min hop bound must be >= 1";
    rule_t01_before_bounds: r#"query q() { match { $p: Person $p likes{0,} $f } return { $f.name } }"# => "type error: T4: unknown edge type `likes`";
    rule_t05_reverse_edge: r#"query q() { match { $d: Doc $d worksAt $c } return { $d.slug } }"# => "type error: T5: variable `$d` has type `Doc`, which is not an endpoint of edge `WorksAt: Person -> Company`";
    rule_t07_reverse: r#"query q() { match { $c: Company $d: Doc $c worksAt $d } return { $c.name } }"# => "type error: T5: variable `$d` has type `Doc` but edge `WorksAt` expects `Person`";
    rule_t07_dst_bound_src_mismatch: r#"query q() { match { $c: Company $d: Doc $d worksAt $c } return { $c.name } }"# => "type error: T5: variable `$d` has type `Doc`, which is not an endpoint of edge `WorksAt: Person -> Company`";
    rule_n01_filter_param_only: r#"query q($x: I32) { match { $p: Person not { $q: Person $q.age > $x } } return { $p.name } }"# => "type error: T9: negation block must reference at least one outer-bound variable";
    rule_n01_inner_error_first: r#"query q() { match { $p: Person not { $q: Robot } } return { $p.name } }"# => "type error: T1: unknown node type `Robot`";
    rule_q01_before_q02: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v), rrf(nearest($p.embedding, $v), bm25($p.name, $q)) } }"# => "type error: T21: rrf ordering requires a limit clause";
    rule_q02_inside_aggregate: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { count(nearest($p.embedding, $v)) } }"# => "type error: T17: nearest ordering requires a limit clause";
    rule_q02_through_alias: r#"query q($v: Vector(3)) { match { $p: Person } return { nearest($p.embedding, $v) as s } order { count(s) } }"# => "type error: T17: nearest ordering requires a limit clause";
    rule_q03_unknown_alias: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v), zzz } limit 5 }"# => "type error: T18: alias-based ordering is not supported together with nearest in phase 1";
    rule_q04_alias: r#"query q() { match { $p: Person } return { $p.name as n, count($p), n } }"# => "type error: T9: non-aggregate expressions in an aggregate query must be property accesses or variables";
    rule_q04_now: r#"query q() { match { $p: Person } return { now(), count($p) } }"# => "type error: T9: non-aggregate expressions in an aggregate query must be property accesses or variables";
    rule_q04_after_order_checks: r#"query q($v: Vector(3)) { match { $p: Person } return { count($p), 1 } order { nearest($p.embedding, $v) } }"# => "type error: T17: nearest ordering requires a limit clause";
    rule_m02_blob_from_list_param: r#"query q($u: [String]) { insert Person { name: "a", photo: $u } }"# => "type error: T7: cannot assign/compare [String] with Blob? for property `photo`";
    rule_m03_now_on_string: r#"query q() { insert Person { name: now() } }"# => "type error: T7: cannot assign/compare DateTime with String for property `name`";
    rule_m07_before_m08: r#"query q() { insert Person { salary: 1 } }"# => "type error: T11: type `Person` has no property `salary`";
    rule_m09_source_only_nullable: r#"query q() { insert Doc { body: "x" } }"# => "type error: T12: insert for `Doc` must provide non-nullable property `slug`";
    rule_m11_value_checked_first: r#"query q() { insert Knows { to: 1 } }"# => "type error: T3: property `to` has type String but got I64";
    rule_m12_endpoint_param: r#"query q($b: Blob) { insert Knows { from: $b, to: "x" } }"# => "type error: T7: cannot assign/compare Blob with String for property `from`";
    rule_m12_endpoint_literal: r#"query q() { insert Knows { from: 1, to: "b" } }"# => "type error: T3: property `from` has type String but got I64";
    rule_m12_endpoint_now: r#"query q() { insert Knows { from: now(), to: "x" } }"# => "type error: T7: cannot assign/compare DateTime with String for property `from`";
    rule_m13_after_endpoints: r#"query q() { insert WorksAt { to: "b" } }"# => "type error: T12: insert for `WorksAt` must provide required endpoint `from`";
    rule_m14_mutation_param_first: r#"query q($v: Vector(0)) { insert Robot { name: "x" } }"# => "type error: unknown parameter type `Vector(0)` for `$v`";
    rule_m15_node_first: r#"query q() { update WorksAt set { weight: 1 } where title = "x" }"# => "type error: T16: update mutation for edge type `WorksAt` is not supported";
    rule_m18_before_m19: r#"query q() { update Person set { salary: 1, salary: 2 } where name = "a" }"# => "type error: T13: duplicate assignment for property `salary`";
    rule_m20_update_predicate: r#"query q() { update Person set { age: 1 } where salary = 2 }"# => "type error: T11: type `Person` has no property `salary`";
    rule_m21_update_predicate: r#"query q($b: String) { update Person set { age: 1 } where photo = $b }"# => "type error: T11: blob property `photo` cannot be used in WHERE predicates";
    rule_m22_value: r#"query q() { delete Knows where since = "x" }"# => "type error: T3: property `since` has type Date? but got String";
    rule_m22_endpoint_value: r#"query q() { delete Knows where to = 1 }"# => "type error: T3: property `to` has type String but got I64";
    rule_m22_edge_blob_literal: r#"query q() { delete Cites where note = "x" }"# => "type error: T3: property `note` has type Blob? but got String";
    rule_m01_in_predicate: r#"query q() { delete Person where name = $n }"# => "type error: T14: mutation variable `$n` must be a declared query parameter";
    rule_m_second_statement: r#"query q() { insert Person { name: "a" } delete Robot where name = "b" }"# => "type error: T10: unknown node/edge type `Robot`";
}

// Passing counterparts, one or more per rule.
passes! {
    pass_d01_similar_name: r#"query q($__nanograph_now2: String) { match { $p: Person } return { $p.name } }"#;
    pass_d02_vector_bounds: r#"query q($a: Vector(1), $b: Vector(2147483647), $c: Vector(003)) { match { $p: Person } return { $p.name } }"#;
    pass_b01_b02_b07: r#"query q() { match { $p: Person { name: "a", age: 3, born: date("2020-01-01"), seen_at: datetime("x") } } return { $p.name } }"#;
    pass_b05_membership: r#"query q() { match { $p: Person { tags: "rust" } } return { $p.name } }"#;
    pass_b06_vector_literal: r#"query q() { match { $p: Person { embedding: [1, 2.5, 3] } } return { $p.name } }"#;
    pass_b07_numeric_widening: r#"query q() { match { $p: Person { age: 2.5 } } return { $p.name } }"#;
    pass_b08_enum_value: r#"query q() { match { $p: Person { status: "active" } } return { $p.name } }"#;
    pass_b11_membership_param: r#"query q($t: String?) { match { $p: Person { tags: $t } } return { $p.name } }"#;
    pass_b12_param: r#"query q($n: String, $a: U64) { match { $p: Person { name: $n, age: $a, status: $n } } return { $p.name } }"#;
    pass_b14_now: r#"query q() { match { $p: Person { seen_at: now() } } return { $p.name } }"#;
    pass_b13_bound_variable_value: r#"query q() { match { $c: Company $p: Person { name: $c } } return { $p.name } }"#;
    pass_t02_t03_bounds: r#"query q() { match { $p: Person $p knows{1,1} $f $f knows{2,5} $g } return { $g.name } }"#;
    pass_t05_self_loop: r#"query q() { match { $p: Person $p knows $p } return { $p.name } }"#;
    pass_t06_dst_bound: r#"query q() { match { $c: Company $p worksAt $c } return { $p.name } }"#;
    pass_t07_same_type: r#"query q() { match { $p: Person $f: Person $p knows $f } return { $f.name } }"#;
    pass_f02_f05_contains: r#"query q($t: String) { match { $p: Person $p.tags contains $t $p.tags contains "x" } return { $p.name } }"#;
    pass_f09_operators: r#"query q() { match { $p: Person $p.age >= 1 $p.age <= 2 $p.age != 3 $p.age < 4 $p.age > 5 $p.age = 6 } return { $p.name } }"#;
    pass_f09_datetime: r#"query q() { match { $p: Person $p.seen_at = datetime("2020") $p.born > date("2020") } return { $p.name } }"#;
    pass_f09_bool: r#"query q($b: Bool) { match { $p: Person $b = true false < $b } return { $p.name } }"#;
    pass_text_search_sugar: r#"query q($q: String) { match { $p: Person search($p.name, $q) fuzzy($p.name, $q) fuzzy($p.name, $q, 2) match_text($p.status, $q) } return { $p.name } }"#;
    pass_text_search_explicit: r#"query q($q: String) { match { $p: Person search($p.name, $q) = false } return { $p.name } }"#;
    pass_x07_x15_nearest: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v) } limit 5 }"#;
    pass_x12_literal: r#"query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, [1, 2, 3.5]) } limit 5 }"#;
    pass_x13_nullable_param: r#"query q($v: Vector(3)?) { match { $d: Doc } return { $d.slug } order { nearest($d.embedding, $v) } limit 5 }"#;
    pass_x24_integer_kinds: r#"query q($q: String, $a: U32, $b: I32, $c: U64) { match { $p: Person fuzzy($p.name, $q, $a) fuzzy($p.name, $q, $b) fuzzy($p.name, $q, $c) } return { $p.name } }"#;
    pass_x30_bm25: r#"query q($q: String) { match { $p: Person } return { bm25($p.name, $q) } order { bm25($p.name, $q) desc } }"#;
    pass_x36_k: r#"query q($v: Vector(3), $q: String, $k: U32) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q), 60), rrf(bm25($p.name, $q), nearest($p.embedding, "x"), $k) } limit 5 }"#;
    pass_x39_x40_aggregates: r#"query q() { match { $p: Person } return { sum($p.age), avg($p.age), min($p.name), max($p.status), min(1.5), count($p.tags), count($p) } }"#;
    pass_x42_alias_type: r#"query q() { match { $p: Person } return { $p.age as a, sum(a) } order { a desc } }"#;
    pass_n01_traversal: r#"query q() { match { $p: Person not { $p knows $f $f.age > 3 } } return { $p.name } }"#;
    pass_n01_filter: r#"query q() { match { $p: Person not { $p.age > 3 } } return { $p.name } }"#;
    pass_n01_binding: r#"query q() { match { $p: Person not { $p: Person { name: "x" } } } return { $p.name } }"#;
    pass_n01_inside_call: r#"query q($s: String) { match { $p: Person not { search($p.name, $s) } } return { $p.name } }"#;
    pass_n01_nested_with_inner_scope: r#"query q() { match { $p: Person not { $p knows $f not { $f knows $g } } } return { $p.name } }"#;
    pass_n01_rebind_after_negation: r#"query q() { match { $p: Person not { $p worksAt $f } $f: Person } return { $f.name } }"#;
    pass_q01_limit: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q)) desc } limit 10 }"#;
    pass_q03_alias_without_nearest: r#"query q() { match { $p: Person } return { $p.name as n } order { n } }"#;
    pass_q03_alias_cycle: r#"query q() { match { $p: Person } return { x as x, y as z, z as y } order { x, y } }"#;
    pass_q04_only_aggregates: r#"query q() { match { $p: Person } return { count($p), sum($p.age) } }"#;
    pass_m02_blob_param: r#"query q($u: String?) { insert Person { name: "a", photo: $u } }"#;
    pass_m02_numeric_param: r#"query q($a: F64, $t: [String]) { insert Person { name: "a", age: $a, tags: $t } }"#;
    pass_m03_now: r#"query q() { update Person set { seen_at: now() } where seen_at < now() }"#;
    pass_m08_nullables_optional: r#"query q() { insert Person { name: "a" } }"#;
    pass_m09_embed_given: r#"query q($v: Vector(3)) { insert Doc { slug: "a", embedding: $v } }"#;
    pass_m13_edge_properties: r#"query q() { insert WorksAt { from: "a", to: "b", weight: 1, title: "x" } }"#;
    pass_m19_update: r#"query q($n: String) { update Person set { age: 1, status: "active", } where name = $n }"#;
    pass_m21_edge_blob: r#"query q($b: Blob) { delete Cites where note = $b }"#;
    pass_m22_edge_property: r#"query q() { delete WorksAt where weight >= 1.5 }"#;
}

#[test]
fn mutation_targets_are_returned() {
    assert_eq!(
        tc(
            r#"query q() { insert Person { name: "a" } update Person set { age: 1 } where name = "a" delete Knows where from = "x" }"#
        ),
        Ok(Checked::Mutation(vec![
            "Person".to_owned(),
            "Person".to_owned(),
            "Knows".to_owned()
        ]))
    );
    assert_eq!(
        tc("query q() { match { $p: Person } return { $p } }"),
        Ok(Checked::Read)
    );
}

// ------------------------------------------------------------------------------------------------
// §9.2: tricky type-checking cases.

fails! {
    e60_clause_order: "query q() { match { $p.age > 3  $p: Person } return { $p.name } }" => "type error: T6: variable `$p` is not bound";
    e63_self_traversal: "query q() { match { $x worksAt $x } return { $x } }" => "type error: T5: variable `$x` has type `Person` but edge `WorksAt` expects `Company`";
    e65_no_snake_case_mapping: "query q() { match { $p works_at $c } return { $p } }" => "type error: T4: unknown edge type `works_at`";
    e66_rebind: "query q() { match { $p: Person $p worksAt $c $c: Person } return { $p } }" => "type error: variable `$c` already bound to type `Company`, cannot rebind to `Person`";
    e71_anonymous_endpoint: "query q() { match { $p: Person $p knows $_ } return { $_ } }" => "type error: variable `$_` is not bound";
    e72_negation_scope: "query q() { match { $p: Person not { $p knows $f } } return { $f.name } }" => "type error: T6: variable `$f` is not bound";
    e73_nested_negation_only: "query q() { match { $p: Person not { not { $p knows $f } } } return { $p.name } }" => "type error: T9: negation block must reference at least one outer-bound variable";
    e74_params_not_outer: "query q($x: I32) { match { $p: Person not { $q: Person $q.age > $x } } return { $p.name } }" => "type error: T9: negation block must reference at least one outer-bound variable";
    e75_values_not_outer: "query q() { match { $p: Person not { $q: Person { name: $p } } } return { $p.name } }" => "type error: T9: negation block must reference at least one outer-bound variable";
    e77_enum_in_binding: r#"query q() { match { $p: Person { status: "bogus" } } return { $p.name } }"# => "type error: T3: property `status` expects one of [active, inactive], got 'bogus'";
    e80_no_string_dates: r#"query q() { match { $p: Person $p.born = "2020-01-01" } return { $p.name } }"# => "type error: T7: cannot compare Date? with String";
    e81_date_vs_datetime: "query q() { match { $p: Person $p.born < now() } return { $p.name } }" => "type error: T7: cannot compare Date? with DateTime";
    e84_aggregate_in_filter: "query q() { match { $p: Person count($p) > 1 } return { $p.name } }" => "type error: T7: filter comparisons require scalar operands, got aggregate and I64";
    e86_alias_type_used: "query q() { match { $p: Person } return { $p.name as n, sum(n) } }" => "type error: T8: sum requires numeric type, got String";
    e90_alias_with_nearest: "query q($v: Vector(3)) { match { $p: Person } return { nearest($p.embedding, $v) as s } order { s } limit 5 }" => "type error: T18: alias-based ordering is not supported together with nearest in phase 1";
    e90_without_limit: "query q($v: Vector(3)) { match { $p: Person } return { nearest($p.embedding, $v) as s } order { s } }" => "type error: T17: nearest ordering requires a limit clause";
    e92_without_limit: "query q($v: Vector(3), $q: String) { match { $p: Person } return { rrf(nearest($p.embedding, $v), bm25($p.name, $q)) as s } order { s desc } }" => "type error: T21: rrf ordering requires a limit clause";
    e95_empty_list_query: "query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, []) } limit 1 }" => "type error: T15: nearest query must be Vector(3) or String, got [String]";
    e96_mixed_list_query: r#"query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, [1, "a", 2]) } limit 1 }"# => "type error: list literal elements must share a compatible scalar type";
    e98_nested_list: "query q() { match { $p: Person } return { [1, 2.5], [[1]] } }" => "type error: nested list literals are not supported";
    e98_nested_in_later_item: "query q() { match { $p: Person } return { [1, [[2]]] } }" => "type error: nested list literals are not supported";
    e98_list_as_later_item: "query q() { match { $p: Person } return { [1, [2]] } }" => "type error: list literal elements must share a compatible scalar type";
    e100_blob_literal: r#"query q() { insert Person { name: "a", photo: "s3://x" } }"# => "type error: T3: property `photo` has type Blob? but got String";
    e102_empty_list_vs_numbers: r#"query q() { insert Robot2 { name: "a", nums: [] } }"# => "type error: T10: unknown node/edge type `Robot2`";
    e103_no_membership_in_predicate: r#"query q() { delete Person where tags = "a" }"# => "type error: T3: property `tags` has type [String]? but got String";
    e104_duplicate_before_lookup: "query q() { insert Robot { a: 1, a: 2 } }" => "type error: T13: duplicate assignment for property `a`";
    e105_no_id_property: r#"query q() { insert Person { id: "x", name: "a" } }"# => "type error: T11: type `Person` has no property `id`";
    e107_last_param_wins: "query q($a: String, $a: I64) { insert Person { name: $a } }" => "type error: T7: cannot assign/compare I64 with String for property `name`";
    e06_alias_named_as_in_aggregate: "query q() { match { $p: Person } return { count($p), $p.name as } }" => "type error: T9: non-aggregate expressions in an aggregate query must be property accesses or variables";
    e08_contains_is_an_edge: "query q() { match { $a: Person $b: Person $a contains $b } return { $a } }" => "type error: T4: unknown edge type `contains`";
    e10_nothing_edge: "query q() { match { $a: Person $a nothing $b } return { $a } }" => "type error: T4: unknown edge type `nothing`";
    e10_underscore_edge: "query q() { match { $a: Person $a _ $b } return { $a } }" => "type error: T4: unknown edge type `_`";
    e17_null_is_alias: r#"query q() { match { $p: Person $p.name = null } return { $p.name } }"# => "type error: T7: filter comparisons require scalar operands, got String and aggregate";
    e31_vector_zero: "query q($v: Vector(0)) { match { $p: Person } return { $p.name } }" => "type error: unknown parameter type `Vector(0)` for `$v`";
    e31_vector_leading_zeros: "query q($v: Vector(00)) { match { $p: Person } return { $p.name } }" => "type error: unknown parameter type `Vector(00)` for `$v`";
    e31_vector_too_big: "query q($v: Vector(4294967296)) { match { $p: Person } return { $p.name } }" => "type error: unknown parameter type `Vector(4294967296)` for `$v`";
    e31_vector_over_i32: "query q($v: Vector( 2147483648 )) { match { $p: Person } return { $p.name } }" => "type error: unknown parameter type `Vector(2147483648)` for `$v`";
}

passes! {
    e05_true_then_alias: "query q() { match { $p: Person } return { truex } }";
    e06_alias_named_as: "query q() { match { $p: Person } return { $p.name as } }";
    e16_rank_filters: "query q($q: String, $v: Vector(3)) { match { $p: Person bm25($p.name, $q) > 0.5 nearest($p.embedding, $v) < 0.3 } return { $p.name } }";
    e33_blob_list_param: "query q($b: [Blob]) { match { $p: Person } return { $p.name } }";
    e44_mixed_mutations: r#"query q() { insert Person { name: "a" } update Person set { age: 1 } where name = "a" delete Person where name = "b" }"#;
    e61_traversal_binds_both: "query q() { match { $a knows $b } return { $a.name, $b.name } }";
    e62_reverse_direction: "query q() { match { $c: Company $c worksAt $p } return { $p.name } }";
    e64_lowercase_edge: "query q() { match { $p worksat $c } return { $c.name } }";
    e64_mixed_case_edge: "query q() { match { $p wORKSat $c } return { $c.name } }";
    e67_same_type_rebinding: r#"query q() { match { $p: Person { name: "a" } $p: Person { age: 3 } } return { $p } }"#;
    e68_unchecked_value_variable: "query q() { match { $p: Person { name: $nobody } } return { $p.name } }";
    e69_parameter_wins: "query q($p: String) { match { $p: Person } return { $p, $p.name } }";
    e70_underscore_binding: "query q() { match { $_: Person $_ knows $f } return { $f.name } }";
    e76_enum_not_checked_in_filters: r#"query q() { match { $p: Person $p.status = "bogus" } return { $p.name } }"#;
    e78_params_not_enum_checked: r#"query q($s: String) { insert Person { name: "a", status: $s } }"#;
    e79_numeric_widening: "query q() { match { $p: Person $p.age = 1.5 } return { $p.name } }";
    e82_dates_not_validated: r#"query q() { match { $p: Person $p.seen_at < now() $p.born = date("banana") } return { $p.name } }"#;
    e83_operators_unrestricted: r#"query q() { match { $p: Person $p.name < "m" $p.age != 3.0 } return { $p.name } }"#;
    e85_unchecked_aggregate_args: "query q() { match { $p: Person } return { sum($p), count(count($p)) } }";
    e87_forward_alias: "query q() { match { $p: Person } return { sum(n), $p.name as n } }";
    e88_bare_identifiers: "query q() { match { $p: Person } return { foo } order { bar desc } }";
    e89_aggregate_with_accesses: "query q() { match { $p: Person } return { count($p), $p, $p.name } }";
    e91_nearest_in_return: "query q($v: Vector(3)) { match { $p: Person } return { $p.name, nearest($p.embedding, $v) } }";
    e92_rrf_alias_ordering: "query q($v: Vector(3), $q: String) { match { $p: Person } return { rrf(nearest($p.embedding, $v), bm25($p.name, $q)) as s } order { s desc } limit 5 }";
    e93_non_alias_with_nearest: "query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v), $p.name } limit 5 }";
    e94_string_query_limit_zero: r#"query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, "red shoes") } limit 0 }"#;
    e97_any_string_field: "query q($q: String) { match { $p: Person search($q, $q) } return { $p.name } }";
    e99_string_param_to_blob: r#"query q($u: String) { insert Person { name: "a", photo: $u } }"#;
    e101_edge_blob_predicate: "query q($s: String) { delete Cites where note = $s }";
    e102_empty_list: r#"query q() { insert Person { name: "a", tags: [] } }"#;
    e103_list_predicate: r#"query q() { delete Person where tags = ["a"] }"#;
    e106_nullability_ignored: "query q($n: String?) { insert Person { name: $n } }";
    e108_insert_and_delete: r#"query q() { insert Person { name: "a" } delete Person where name = "b" }"#;
    e109_edge_insert: r#"query q() { insert Knows { from: "a", to: "b" } }"#;
    e110_edge_delete_endpoint: r#"query q() { delete Knows where from = "a" }"#;
    e110_edge_delete_property: r#"query q() { delete Knows where since < date("2020-01-01") }"#;
    e111_any_predicate_operator: r#"query q() { update Person set { age: 3 } where tags > ["a"] }"#;
    e112_vector_param: r#"query q($v: Vector(3)) { insert Doc { slug: "a", embedding: $v } }"#;
    e112_vector_literal: r#"query q() { insert Doc { slug: "a", embedding: [1, 2, 3] } }"#;
    e113_embed_source: r#"query q() { insert Doc { slug: "a", body: "text" } }"#;
}

#[test]
fn e102_empty_list_against_numeric_list() {
    let c = support::catalog("node Robot {\n  name: String\n  nums: [I32]\n}\n");
    assert_eq!(
        tc_with(&c, r#"query q() { insert Robot { name: "a", nums: [] } }"#),
        Err("type error: T3: property `nums` has type [I32] but got [String]".to_owned())
    );
    assert!(
        tc_with(
            &c,
            r#"query q() { insert Robot { name: "a", nums: [1, 2.5] } }"#
        )
        .is_ok()
    );
}

#[test]
fn e114_node_and_edge_of_the_same_name() {
    let c = support::catalog(
        "node Tag {\n  label: String\n}\nnode A {\n  name: String\n}\nedge Tag: A -> A\n",
    );
    // Checked as a node insert: `from` is not a Tag node property.
    assert_eq!(
        tc_with(&c, r#"query q() { insert Tag { from: "a", to: "b" } }"#),
        Err("type error: T11: type `Tag` has no property `from`".to_owned())
    );
    assert!(tc_with(&c, r#"query q() { insert Tag { label: "x" } }"#).is_ok());
    // Traversals see the edge, bindings the node.
    assert!(
        tc_with(
            &c,
            "query q() { match { $a: A $a tag $b $t: Tag } return { $t.label } }"
        )
        .is_ok()
    );
}

#[test]
fn e08_contains_edge_when_declared() {
    let c = support::catalog("node Person {\n  name: String\n}\nedge Contains: Person -> Person\n");
    assert!(
        tc_with(
            &c,
            "query q() { match { $a: Person $b: Person $a contains $b } return { $a } }"
        )
        .is_ok()
    );
}

#[test]
fn missing_properties_are_named_in_declaration_order() {
    // Several non-nullable properties missing: the first in schema order is named (the
    // reference's choice is random, spec §10.1).
    let c = support::catalog(
        "node Thing {
  zeta: String
  alpha: I32
  emb: Vector(2) @embed(src)
  src: String?
}
edge Link: Thing -> Thing {
  w2: F64
  w1: F64
}
",
    );
    let err = |q| tc_with(&c, q).err();
    assert_eq!(
        err(r#"query q() { insert Thing { src: "x" } }"#).as_deref(),
        Some("type error: T12: insert for `Thing` must provide non-nullable property `zeta`")
    );
    assert_eq!(
        err(r#"query q() { insert Thing { zeta: "x" } }"#).as_deref(),
        Some("type error: T12: insert for `Thing` must provide non-nullable property `alpha`")
    );
    assert_eq!(
        err(r#"query q() { insert Thing { zeta: "x", alpha: 1 } }"#).as_deref(),
        Some(
            "type error: T12: insert for `Thing` must provide non-nullable property `emb` or @embed source `src`"
        )
    );
    assert_eq!(
        err(r#"query q() { insert Link { from: "a", to: "b" } }"#).as_deref(),
        Some("type error: T12: insert for `Link` must provide non-nullable property `w2`")
    );
}

// ------------------------------------------------------------------------------------------------
// §9.1: lexing and parsing.

const M: &str = "match { $p: Person }";
const R: &str = "return { $p }";

/// A read query around a match body.
fn with_match(clauses: &str) -> String {
    format!("query q($x: String) {{ match {{ {clauses} }} {R} }}")
}

/// A read query with this return body (and optional tail: order/limit).
fn with_return(projections: &str, tail: &str) -> String {
    format!("query q($x: String) {{ {M} return {{ {projections} }} {tail} }}")
}

#[test]
fn e01_empty_files() {
    for src in [
        "",
        "  \n\t\r\n",
        "// only a comment",
        "/* block */ // and line\n",
    ] {
        assert_eq!(parse_ok(src).queries.len(), 0, "{src:?}");
    }
}

#[test]
fn e02_e03_keywords_run_into_tokens() {
    assert_eq!(
        decl("queryfoo() { match { $p: Person } return { $p } }").name,
        "foo"
    );
    assert_eq!(
        decl("query q() { match { $p: Person } return { $p } limit10 }").limit,
        Some(10)
    );
    let d = decl("query q() { insertPerson{name:$n} }");
    assert!(matches!(&d.mutations[0], Mutation::Insert(i) if i.type_name == "Person"));
    let d = decl("query q() { delete Person wherename = $n }");
    assert!(matches!(&d.mutations[0], Mutation::Delete(x) if x.predicate.property == "name"));
}

#[test]
fn e04_e06_aliases() {
    let aliases = |src: &str| -> Vec<(String, Option<String>)> {
        decl(src)
            .return_clause
            .iter()
            .map(|p| (format!("{:?}", p.expr), p.alias.clone()))
            .collect()
    };
    assert_eq!(
        decl(&with_return("$p.name asx", "")).return_clause[0]
            .alias
            .as_deref(),
        Some("x")
    );
    assert_eq!(
        decl(&with_return("$p.name assets", "")).return_clause[0]
            .alias
            .as_deref(),
        Some("sets")
    );
    let truex = decl(&with_return("truex", "")).return_clause;
    assert_eq!(truex.len(), 2);
    assert_eq!(truex[0].expr, Expr::Literal(Literal::Bool(true)));
    assert_eq!(truex[1].expr, Expr::AliasRef("x".into()));
    let two = aliases(&with_return("$p.name as", ""));
    assert_eq!(two.len(), 2);
    assert_eq!(two[1], ("AliasRef(\"as\")".to_owned(), None));
}

#[test]
fn e07_true_prefix() {
    let (_, msg) = syntax(&with_match("$p: Person $p.active = trueish"));
    assert!(msg.starts_with("expected "), "{msg}");
}

#[test]
fn e08_e10_edge_identifiers() {
    let d = decl(&with_match("$a: Person $b: Person $a contains $b"));
    assert!(matches!(&d.match_clause[2], Clause::Traversal(t) if t.edge_name == "contains"));
    let d = decl(&with_match(
        r#"$a: Person $a contains "x" $p.tags contains $t"#,
    ));
    assert!(matches!(&d.match_clause[1], Clause::Filter(f) if f.op == CompOp::Contains));
    assert!(matches!(&d.match_clause[2], Clause::Filter(f) if f.op == CompOp::Contains));
    for clause in ["$a not_knows $b", "$a not $b", "$a not{1,2} $b"] {
        let (_, msg) = syntax(&with_match(clause));
        assert_eq!(
            msg,
            "expected a comparison operator (`=`, `!=`, `<`, `<=`, `>` or `>=`) or an edge name, found `not`"
                .replace("found `not`", &format!("found `{}`", &clause[3..].split(|c: char| !c.is_ascii_alphanumeric() && c != '_').next().unwrap_or(""))),
            "{clause}"
        );
    }
    for edge in ["nothing", "notknows", "_", "not2", "KNOWS_x"] {
        let src = with_match(&format!("$a {edge} $b"));
        if edge.starts_with(|c: char| c.is_ascii_uppercase()) {
            assert!(parse_query(&src).is_err());
        } else {
            let d = decl(&src);
            assert!(matches!(&d.match_clause[0], Clause::Traversal(t) if t.edge_name == edge));
        }
    }
    // `$a = $b` and `$a > 3` are filters (no edge name can start with an operator).
    let d = decl(&with_match("$a = $b $a > 3"));
    assert!(
        d.match_clause
            .iter()
            .all(|c| matches!(c, Clause::Filter(_)))
    );
    // `nothing > 1` is a filter on the alias reference `nothing`, not a negation.
    let d = decl(&with_match("nothing > 1"));
    assert!(
        matches!(&d.match_clause[0], Clause::Filter(f) if f.left == Expr::AliasRef("nothing".into()))
    );
}

#[test]
fn e11_e12_trivia_between_tokens() {
    let d = decl(
        "query q ( $v : Vector ( 3 ) ? ) @description ( \"x\" ) { match { $p : Person $p . name = now ( ) $a knows { 1 , 3 } $b count ( $p ) > 1 } return { $p } }",
    );
    assert_eq!(d.params[0].type_name, "Vector(3)");
    assert!(d.params[0].nullable);
    assert_eq!(d.description.as_deref(), Some("x"));
    assert!(
        matches!(&d.match_clause[2], Clause::Traversal(t) if (t.min_hops, t.max_hops) == (1, Some(3)))
    );
    let d = decl(&with_match("$p: Person $p knows $f $f.age > 3"));
    assert_eq!(d.match_clause.len(), 3);
}

#[test]
fn e13_e15_rank_functions_placement() {
    let src = "query similar($q: Vector(3)) {\nmatch { $d: Doc }\nreturn { $d.id }\norder { nearest($d.embedding, $q) desc }\nlimit 5\n}\n";
    assert_eq!(
        parse_err(src),
        "parse error:  --> 4:31\n  |\n4 | order { nearest($d.embedding, $q) desc }\n  |                               ^---\n  |\n  = expected `nearest(…)`, `now()`, `search(…)`, `fuzzy(…)`, `match_text(…)`, `bm25(…)`, `rrf(…)`, a property access (`$var.property`), or an aggregate (`count`, `sum`, `avg`, `min` or `max`), found `$q`"
    );
    assert!(
        parse_query(&with_return(
            "$p",
            "order { nearest($p.e, $x) asc } limit 1"
        ))
        .is_err()
    );
    let d = decl(&with_return(
        "$p",
        "order { rrf(nearest($p.e, $x), bm25($p.n, $x)) desc, bm25($p.n, $x) desc, $p.a asc, $p.b } limit 1",
    ));
    let dirs: Vec<bool> = d.order_clause.iter().map(|o| o.descending).collect();
    assert_eq!(dirs, [true, true, false, false]);
    for clause in [
        "bm25($p.name, $x)",
        "nearest($p.e, $x)",
        "rrf(bm25($p.n, $x), bm25($p.n, $x))",
    ] {
        let (_, msg) = syntax(&with_match(&format!("$p: Person {clause}")));
        assert!(
            msg.starts_with("expected a comparison operator"),
            "{clause}: {msg}"
        );
    }
}

#[test]
fn e16_text_search_desugaring() {
    let d = decl(&with_match(
        "$p: Person search($p.name, $x) fuzzy($p.name, $x, 2)",
    ));
    for clause in &d.match_clause[1..] {
        let Clause::Filter(f) = clause else {
            panic!("{clause:?}")
        };
        assert_eq!(f.op, CompOp::Eq);
        assert_eq!(f.right, Expr::Literal(Literal::Bool(true)));
    }
    let d = decl(&with_match("$p: Person search($p.name, $x) = false"));
    assert!(
        matches!(&d.match_clause[1], Clause::Filter(f) if f.right == Expr::Literal(Literal::Bool(false)))
    );
    let d = decl(&with_match("$p: Person bm25($p.name, $x) > 0.5"));
    assert!(matches!(&d.match_clause[1], Clause::Filter(f) if matches!(f.left, Expr::Bm25 { .. })));
}

#[test]
fn e17_e22_rejected_literals_and_operators() {
    let d = decl(&with_match("$p.name = null"));
    assert!(
        matches!(&d.match_clause[0], Clause::Filter(f) if f.right == Expr::AliasRef("null".into()))
    );
    for clause in [
        "$p: Person { name: null }",
        "$p: Person { name: x }",
        "$p.age > -1",
        "$p.age > 1.",
        "$p.age > .5",
        "$p.age > 1e3",
        "$p.age == 3",
        "$p.age => 3",
        "$p.age <> 3",
        "$p.a = TRUE",
        "$p.a = True",
        "$p: Person {}",
        "$p: Person count(*) > 1",
        "$p.name = 'x'",
        "$café: Person",
    ] {
        assert!(
            matches!(parse_query(&with_match(clause)), Err(QueryError::Syntax(_))),
            "{clause}"
        );
    }
    assert!(parse_query("MATCH").is_err());
    assert!(parse_query("Query q() { match { $p: Person } return { $p } }").is_err());
    // `1.5e3`: `1.5` is taken, then `e3` starts a filter that has no operator.
    assert_eq!(
        syntax(&with_match("$p: Person $p.age >= 1.5e3")).1,
        "expected a comparison operator (`=`, `!=`, `<`, `<=`, `>` or `>=`), found `}`"
    );
}

#[test]
fn e23_e29_strings_comments_and_line_endings() {
    let lit = |s: &str| -> Literal {
        let d = decl(&with_match(&format!("$p.name = {s}")));
        let Clause::Filter(f) = &d.match_clause[0] else {
            panic!()
        };
        let Expr::Literal(l) = &f.right else { panic!() };
        l.clone()
    };
    assert_eq!(lit("\"a\tb\nc\""), Literal::String("a\tb\nc".into()));
    assert_eq!(
        lit(r#""q\"\\\n\r\t""#),
        Literal::String("q\"\\\n\r\t".into())
    );
    assert_eq!(lit("\"a // b\""), Literal::String("a // b".into()));
    assert_eq!(lit("\"é ☃\""), Literal::String("é ☃".into()));
    assert_eq!(lit("date(\"banana\")"), Literal::Date("banana".into()));
    assert_eq!(
        lit("datetime ( \"x\\n\" )"),
        Literal::DateTime("x\n".into())
    );
    assert_eq!(lit("007"), Literal::Integer(7));
    assert_eq!(lit("1.50"), Literal::Float(1.5));
    assert_eq!(
        lit("[1, [2.5], []]"),
        Literal::List(vec![
            Literal::Integer(1),
            Literal::List(vec![Literal::Float(2.5)]),
            Literal::List(vec![]),
        ])
    );
    for (esc, shown) in [
        (r"\u00e9", r"\u"),
        (r"\'", r"\'"),
        (r"\0", r"\0"),
        ("\\\u{e9}", "\\\u{e9}"),
    ] {
        assert_eq!(
            parse_err(&with_match(&format!("$p.name = \"{esc}\""))),
            format!("parse error: parse error: unsupported escape sequence: {shown}")
        );
    }
    // A non-nesting block comment: `c */` is then code.
    assert!(parse_query(&with_match("/* a /* b */ $p: Person")).is_ok());
    assert!(parse_query(&with_match("/* a /* b */ c */ $p: Person")).is_err());
    // CRLF: CR is whitespace, and a CRLF counts as one line break in positions.
    let crlf = "query q() {\r\n  match { $p: Person }\r\n  return { $p }\r\n}\r\n";
    assert_eq!(parse_ok(crlf).queries.len(), 1);
    assert_eq!(syntax("query q() {\r\n  match { }\r\n").0, "2:11");
}

#[test]
fn e27_e28_unterminated_comment_and_bom() {
    let src = format!("query q() {{ {M} {R} }} /* unterminated");
    assert_eq!(
        parse_err(&src),
        "parse error:  --> 1:50\n  |\n1 | query q() { match { $p: Person } return { $p } } /* unterminated\n  |                                                  ^---\n  |\n  = expected end of input or a query declaration (`query name(…) { … }`), found `/*`, an unterminated block comment (no closing `*/`)"
    );
    assert_eq!(
        parse_err("\u{FEFF}query q() { match { $p: Person } return { $p } }"),
        "parse error:  --> 1:1\n  |\n1 | \u{FEFF}query q() { match { $p: Person } return { $p } }\n  | ^---\n  |\n  = expected a query declaration (`query name(…) { … }`), found a byte order mark (U+FEFF), which is not allowed"
    );
}

#[test]
fn e30_nullable_parameter_quirk() {
    let nullable = |params: &str| -> Vec<(String, bool)> {
        decl(&format!("query q({params}) {{ {M} {R} }}"))
            .params
            .into_iter()
            .map(|p| (p.type_name, p.nullable))
            .collect()
    };
    assert_eq!(nullable("$a: String?"), [("String".into(), true)]);
    assert_eq!(nullable("$a: String ?"), [("String".into(), true)]);
    assert_eq!(
        nullable("$a: [ Date ] ?, $b: I32"),
        [("[Date]".into(), true), ("I32".into(), false)]
    );
    assert_eq!(
        nullable("$a: String /* ? */ , $b: Bool"),
        [("String".into(), false), ("Bool".into(), false)]
    );
    assert_eq!(nullable("$a: String // why?\n"), [("String".into(), true)]);
    assert_eq!(
        nullable("$a: String // why?\r\n, $b: I64"),
        [("String".into(), true), ("I64".into(), false)]
    );
    assert_eq!(
        nullable("$v: Vector( 007 )"),
        [("Vector(007)".into(), false)]
    );
    assert_eq!(
        nullable("$a: DateTime, $b: Date"),
        [("DateTime".into(), false), ("Date".into(), false)]
    );
    // The comment makes the type display as nullable in messages.
    assert_eq!(
        tc("query q($a: I64 // why?\n) { insert Person { name: $a } }"),
        Err(
            "type error: T7: cannot assign/compare I64? with String for property `name`".to_owned()
        )
    );
}

#[test]
fn e34_e43_declaration_shapes() {
    for params in [
        "$a: [String?]",
        "$a: [[String]]",
        "$a: [Vector(3)]",
        "$a: enum(x)",
        "$a: String,",
        "$a: Strings",
        "$a: I32 $b: I32",
        "$A: I32",
        "$1: I32",
        "$ a: I32",
    ] {
        assert!(
            parse_query(&format!("query q({params}) {{ {M} {R} }}")).is_err(),
            "{params}"
        );
    }
    for tail in ["order { $p.a, }", "limit 5 order { $p.a }", "order { }"] {
        assert!(parse_query(&with_return("$p", tail)).is_err(), "{tail}");
    }
    assert!(parse_query(&with_match("$p.tags contains [1, 2,]")).is_err());
    // Trailing commas allowed in prop matches, projections and assignments.
    assert!(parse_query(&with_match("$p: Person { name: \"a\", }")).is_ok());
    assert!(parse_query(&with_return("$p, $p.name,", "")).is_ok());
    assert!(parse_query("query q() { insert Person { name: \"a\", age: 1, } }").is_ok());
    // Projections need no separator at all.
    assert_eq!(
        decl(&with_return("$p $p.name 1", "")).return_clause.len(),
        3
    );
    // Annotations: any order, each at most once, space allowed before `(` but not after `@`.
    let d = decl(&format!(
        "query q() @instruction(\"i\") @description (\"d\\n\") {{ {M} {R} }}"
    ));
    assert_eq!(
        (d.description.as_deref(), d.instruction.as_deref()),
        (Some("d\n"), Some("i"))
    );
    assert!(parse_query(&format!("query q() @ description(\"d\") {{ {M} {R} }}")).is_err());
    let empty = decl(&format!("query q() @description(\"\") {{ {M} {R} }}"));
    assert_eq!(empty.description.as_deref(), Some(""));
}

#[test]
fn e40_e46_file_level() {
    assert_eq!(
        syntax(&format!("query q() {{ {M} {R} }} garbage")).0,
        "1:50"
    );
    let two = parse_ok(&format!(
        "query a() {{ {M} {R} }}\nquery a() {{ {M} return {{ $p.name }} }}"
    ));
    assert_eq!(two.queries.len(), 2);
    assert_eq!(two.queries[0].name, "a");
    // A syntax error in any declaration fails the whole file.
    assert!(parse_query(&format!("query a() {{ {M} {R} }}\nquery b() {{ {M} }}")).is_err());
}

#[test]
fn e48_e52_numbers_and_predicates() {
    assert_eq!(
        parse_err(&with_return("$p", "limit 18446744073709551616")),
        "parse error: parse error: invalid limit: number too large to fit in target type"
    );
    assert_eq!(
        decl(&with_return("$p", "limit 18446744073709551615")).limit,
        Some(u64::MAX)
    );
    assert_eq!(
        parse_err(&with_match("$p.age = 9223372036854775808")),
        "parse error: parse error: invalid integer: number too large to fit in target type"
    );
    assert!(parse_query(&with_match("$p.age = 9223372036854775807")).is_ok());
    assert_eq!(
        parse_err(&with_match("$a knows{4294967296,1} $b")),
        "parse error: parse error: invalid traversal min bound: number too large to fit in target type"
    );
    assert_eq!(
        parse_err(&with_match("$a knows{1,4294967296} $b")),
        "parse error: parse error: invalid traversal max bound: number too large to fit in target type"
    );
    let d = decl(&with_match("$a knows{4294967295,} $b $a knows $c"));
    assert!(
        matches!(&d.match_clause[0], Clause::Traversal(t) if (t.min_hops, t.max_hops) == (u32::MAX, None))
    );
    assert!(
        matches!(&d.match_clause[1], Clause::Traversal(t) if (t.min_hops, t.max_hops) == (1, Some(1)))
    );
    // Floats never fail, even absurdly long ones.
    let long = format!("{}.5", "9".repeat(400));
    assert!(parse_query(&with_match(&format!("$p.age = {long}"))).is_ok());
    for pred in [
        "where a = 1 and b = 2",
        "where tags contains $x",
        "where age > $x.y",
    ] {
        assert!(
            parse_query(&format!("query q() {{ delete Person {pred} }}")).is_err(),
            "{pred}"
        );
    }
}

// ------------------------------------------------------------------------------------------------
// §4.2: post-parse rejections and which one wins.

#[test]
fn post_parse_rejections() {
    assert_eq!(
        parse_err(&format!(
            "query q() @description(\"a\") @description(\"b\") {{ {M} {R} }}"
        )),
        "parse error: parse error: query `q` cannot include duplicate @description annotations"
    );
    assert_eq!(
        parse_err(&format!(
            "query q() @instruction(\"a\") @description(\"d\") @instruction(\"b\") {{ {M} {R} }}"
        )),
        "parse error: parse error: query `q` cannot include duplicate @instruction annotations"
    );
    // E-41: reported even when another declaration is the one being validated.
    assert!(parse_query(&format!(
        "query ok() {{ {M} {R} }} query other() @description(\"a\") @description(\"b\") {{ {M} {R} }}"
    ))
    .is_err());
    assert_eq!(
        parse_err(&with_match("$p.name = \"a\\qb\"")),
        "parse error: parse error: unsupported escape sequence: \\q"
    );
}

#[test]
fn post_parse_order() {
    let first = |src: &str| {
        parse_err(src)
            .trim_start_matches("parse error: parse error: ")
            .to_owned()
    };
    // A syntax error anywhere wins over any post-parse error.
    assert!(
        parse_err(&format!(
            "query a() {{ {M} return {{ \"\\q\" }} }} query b() {{ }}"
        ))
        .contains("-->")
    );
    // Declarations in file order; annotations before the body; decoding before the duplicate check.
    assert_eq!(
        first(&format!(
            "query a() @description(\"\\q\") @description(\"b\") {{ {M} return {{ 99999999999999999999 }} }}"
        )),
        "unsupported escape sequence: \\q"
    );
    assert_eq!(
        first(&format!(
            "query a() @description(\"a\") @description(\"\\w\") {{ {M} {R} }}"
        )),
        "unsupported escape sequence: \\w"
    );
    assert_eq!(
        first(&format!(
            "query a() @description(\"a\") @description(\"b\") {{ {M} return {{ \"\\q\" }} }}"
        )),
        "query `a` cannot include duplicate @description annotations"
    );
    // Body in source order: match, return, order, limit.
    assert_eq!(
        first(&with_return(
            "99999999999999999999",
            "order { \"\\z\" } limit 99999999999999999999"
        )),
        "invalid integer: number too large to fit in target type"
    );
    assert_eq!(
        first(&with_return(
            "$p",
            "order { \"\\z\" } limit 99999999999999999999"
        )),
        "unsupported escape sequence: \\z"
    );
    // Min bound before max bound; filter left before right.
    assert_eq!(
        first(&with_match("$a knows{4294967296,4294967296} $b")),
        "invalid traversal min bound: number too large to fit in target type"
    );
    assert_eq!(
        first(&with_match("\"\\a\" = \"\\b\"")),
        "unsupported escape sequence: \\a"
    );
    // Mutations: assignments before the predicate.
    assert_eq!(
        first("query q() { update Person set { a: \"\\1\" } where b = \"\\2\" }"),
        "unsupported escape sequence: \\1"
    );
    // The third argument of fuzzy/rrf is converted before the first two.
    assert_eq!(
        first(&with_match("fuzzy(\"\\a\", \"\\b\", 99999999999999999999)")),
        "invalid integer: number too large to fit in target type"
    );
    assert_eq!(
        first(&with_match("fuzzy(\"\\a\", \"\\b\")")),
        "unsupported escape sequence: \\a"
    );
    assert_eq!(
        first(&with_return(
            "$p",
            "order { rrf(bm25(\"\\a\", $x), bm25($x, $x), \"\\k\") } limit 1"
        )),
        "unsupported escape sequence: \\k"
    );
    // … but after whatever precedes the call.
    assert_eq!(
        first(&with_match("\"\\0\" = fuzzy(\"\\a\", \"\\b\", \"\\c\")")),
        "unsupported escape sequence: \\0"
    );
    // Errors inside an alternative that was abandoned do not count.
    assert!(parse_query(&with_match("search(\"\\n\", $x)")).is_ok());
}

// ------------------------------------------------------------------------------------------------
// Syntax-error reports (§4.1.4 layout, plain-words message).

#[test]
fn syntax_report_layout() {
    assert_eq!(
        parse_err("query q() {\nmatch {\n    $p: Person\n}\nreturn { $p.name\n}\n"),
        "parse error:  --> 7:1\n  |\n7 | \n  | ^---\n  |\n  = expected an `order { … }` block or a `limit N` clause, found end of input"
    );
    assert_eq!(
        parse_err("query q() { match { $p: Person } return { $p }"),
        "parse error:  --> 1:47\n  |\n1 | query q() { match { $p: Person } return { $p }\n  |                                               ^---\n  |\n  = expected an `order { … }` block or a `limit N` clause, found end of input"
    );
    assert_eq!(
        parse_err("QUERY q() { match { $p: Person } return { $p } }"),
        "parse error:  --> 1:1\n  |\n1 | QUERY q() { match { $p: Person } return { $p } }\n  | ^---\n  |\n  = expected a query declaration (`query name(…) { … }`), found `QUERY`"
    );
    assert_eq!(
        parse_err("query drop_person($tag: String) {\ndelete Person where tags contains $tag\n}\n"),
        "parse error:  --> 2:26\n  |\n2 | delete Person where tags contains $tag\n  |                          ^---\n  |\n  = expected a comparison operator (`=`, `!=`, `<`, `<=`, `>` or `>=`), found `contains`"
    );
    assert_eq!(
        parse_err(&format!(
            "{}query q() {{ match {{ $p: Person }} retrun {{ $p }} }}",
            "\n".repeat(11)
        )),
        "parse error:   --> 12:34\n   |\n12 | query q() { match { $p: Person } retrun { $p } }\n   |                                  ^---\n   |\n   = expected a `return { … }` block, found `retrun`"
    );
    assert_eq!(
        parse_err("query q() { match { $p: Person\n\t$p.age >\t} return { $p } }"),
        "parse error:  --> 2:11\n  |\n2 | \t$p.age >\t} return { $p } }\n  | \t        \t^---\n  |\n  = expected an expression, found `}`"
    );
    assert_eq!(
        parse_err("query q($q: String) { match { $p: Person $a not_knows $b } return { $p } }"),
        "parse error:  --> 1:45\n  |\n1 | query q($q: String) { match { $p: Person $a not_knows $b } return { $p } }\n  |                                             ^---\n  |\n  = expected a comparison operator (`=`, `!=`, `<`, `<=`, `>` or `>=`) or an edge name, found `not_knows`"
    );
}

#[test]
fn syntax_report_words() {
    let msg = |src: &str| syntax(src).1;
    assert_eq!(
        msg(&with_match("")),
        "expected a match clause (binding, traversal, filter, `not { … }` or text search), found `}`"
    );
    assert_eq!(
        msg("query q() { }"),
        "expected a query body (`match { … } return { … }`, or `insert`/`update`/`delete` statements), found `}`"
    );
    assert_eq!(
        msg("query Q() { }"),
        "expected a name (starting with a lowercase letter or `_`), found `Q`"
    );
    assert_eq!(
        msg(&with_match("$x: person")),
        "expected a type name (starting with an uppercase letter), found `person`"
    );
    assert_eq!(
        msg(&with_match("$p: Person { name: null }")),
        "expected a value (a literal, a `$parameter` or `now()`), found `null`"
    );
    assert_eq!(
        msg(&format!("query q($a: String,) {{ {M} {R} }}")),
        "expected a variable (`$name`), found `)`"
    );
    assert_eq!(
        msg(&format!("query q($a: [String?]) {{ {M} {R} }}")),
        "expected a parameter type, found `[`"
    );
    assert_eq!(
        msg(&format!("query q($a: Vector(-1)) {{ {M} {R} }}")),
        "expected an integer, found `-`"
    );
    assert_eq!(
        msg(&with_return("$p", "order { $p.age, }")),
        "expected an ordering, found `}`"
    );
    assert_eq!(
        msg("query q() { delete Person where age > $x.y }"),
        "expected a mutation statement (`insert`, `update` or `delete`), found `.`"
    );
    assert_eq!(
        msg(&format!("query q() @foo(\"x\") {{ {M} {R} }}")),
        "expected an annotation (`@description(\"…\")` or `@instruction(\"…\")`), found `@`"
    );
    assert_eq!(
        msg(&with_return("rrf(bm25($p.a, $x), search($p.a, $x))", "")),
        "expected a rank expression (`nearest(…)` or `bm25(…)`), found `search`"
    );
    assert_eq!(
        msg(&with_match("$p.name = \"abc")),
        "expected an expression, found an unterminated string literal (no closing `\"`)"
    );
    assert_eq!(
        msg(&with_match("$p.name = é")),
        "expected an expression, found `é` (only ASCII letters, digits and `_` may appear in names)"
    );
    // Long words are cut.
    assert_eq!(
        msg(&format!("query q() {{ {M} {R} }} {}", "x".repeat(60))),
        format!(
            "expected end of input or a query declaration (`query name(…) {{ … }}`), found `{}…`",
            "x".repeat(40)
        )
    );
}

#[test]
fn deep_nesting_is_a_syntax_error_not_a_crash() {
    // Run on a small stack, like a test thread in debug mode, to prove the bound protects it.
    let run = |src: String| {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || parse_query(&src).map(|_| ()).map_err(|e| e.to_string()))
            .expect("spawn")
            .join()
            .expect("no stack overflow")
    };
    let nested_list =
        |n: usize| with_match(&format!("$p.tags = {}1{}", "[".repeat(n), "]".repeat(n)));
    let nested_calls =
        |n: usize| with_return(&format!("{}$p{}", "count(".repeat(n), ")".repeat(n)), "");
    let nested_not = |n: usize| {
        with_match(&format!(
            "$p: Person {}$p.a > 1{}",
            "not { ".repeat(n),
            " }".repeat(n)
        ))
    };
    // Realistic nesting parses.
    assert_eq!(run(nested_list(60)), Ok(()));
    assert_eq!(run(nested_calls(60)), Ok(()));
    assert_eq!(run(nested_not(60)), Ok(()));
    for src in [
        nested_list(100_000),
        nested_calls(100_000),
        nested_not(100_000),
    ] {
        let err = run(src).expect_err("too deep");
        assert!(err.starts_with("parse error:  --> 1:"), "{err}");
        assert!(err.contains("nesting is too deep"), "{err}");
    }
    // Type-checking the deepest accepted nesting is fine too.
    let d = parse_query(&nested_calls(100)).map(|f| f.queries.into_iter().next());
    if let Ok(Some(d)) = d {
        assert!(typecheck_query_decl(schema_s(), &d).is_ok());
    }
}

// ------------------------------------------------------------------------------------------------
// §3: AST shapes.

#[test]
fn ast_shapes() {
    let d = decl(
        r#"query q($n: String, $v: Vector(3)) @description("d") {
            match {
                $p: Person { name: $n, age: 3, born: now() }
                $p knows{2,4} $f
                not { $f worksAt $c }
                $f.age >= 18
            }
            return { $p.name as name, count($f) as friends, nearest($p.embedding, $v) }
            order { friends desc, $p.name }
            limit 10
        }"#,
    );
    assert_eq!(d.name, "q");
    assert_eq!(d.params.len(), 2);
    assert_eq!(d.match_clause.len(), 4);
    let Clause::Binding(b) = &d.match_clause[0] else {
        panic!()
    };
    assert_eq!((b.variable.as_str(), b.type_name.as_str()), ("p", "Person"));
    assert_eq!(b.prop_matches[0].value, MatchValue::Variable("n".into()));
    assert_eq!(
        b.prop_matches[1].value,
        MatchValue::Literal(Literal::Integer(3))
    );
    assert_eq!(b.prop_matches[2].value, MatchValue::Now);
    assert!(matches!(&d.match_clause[2], Clause::Negation(inner) if inner.len() == 1));
    assert!(matches!(&d.match_clause[3], Clause::Filter(f) if f.op == CompOp::Ge));
    assert!(matches!(
        &d.return_clause[1].expr,
        Expr::Aggregate {
            func: AggFunc::Count,
            ..
        }
    ));
    assert!(
        matches!(&d.return_clause[2].expr, Expr::Nearest { variable, property, .. } if variable == "p" && property == "embedding")
    );
    assert_eq!(d.return_clause[0].alias.as_deref(), Some("name"));
    assert!(d.order_clause[0].descending && !d.order_clause[1].descending);
    assert_eq!(d.limit, Some(10));
    assert!(d.mutations.is_empty());

    let d = decl(
        r#"query m($n: String) { update Person set { age: 1 } where name != $n delete Knows where since <= date("2020-01-01") }"#,
    );
    assert!(d.match_clause.is_empty() && d.return_clause.is_empty() && d.limit.is_none());
    let Mutation::Update(u) = &d.mutations[0] else {
        panic!()
    };
    assert_eq!(
        (u.predicate.property.as_str(), u.predicate.op),
        ("name", CompOp::Ne)
    );
    let Mutation::Delete(x) = &d.mutations[1] else {
        panic!()
    };
    assert_eq!(x.predicate.op, CompOp::Le);
    assert_eq!(
        x.predicate.value,
        MatchValue::Literal(Literal::Date("2020-01-01".into()))
    );

    let d = decl(&with_return(
        "rrf(nearest($p.e, $x), bm25($p.n, $x), 60), fuzzy($p.n, $x, 2), match_text($p.n, $x), search($p.n, $x), min($p.a), max($p.a), sum($p.a), avg($p.a)",
        "",
    ));
    let kinds: Vec<String> = d
        .return_clause
        .iter()
        .map(|p| {
            format!("{:?}", p.expr)
                .split([' ', '(', '{'])
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "Rrf",
            "Fuzzy",
            "MatchText",
            "Search",
            "Aggregate",
            "Aggregate",
            "Aggregate",
            "Aggregate"
        ]
    );
}
