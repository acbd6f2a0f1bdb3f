//! §9.2: tricky type-checking cases.

use crate::support::*;

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
    let c = catalog("node Robot {\n  name: String\n  nums: [I32]\n}\n");
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
    let c =
        catalog("node Tag {\n  label: String\n}\nnode A {\n  name: String\n}\nedge Tag: A -> A\n");
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
    let c = catalog("node Person {\n  name: String\n}\nedge Contains: Person -> Person\n");
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
    let c = catalog(
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
