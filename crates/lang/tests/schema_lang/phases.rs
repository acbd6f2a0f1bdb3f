//! §1.3: which error wins — each phase covers the whole file before the next.

use crate::support::*;

#[test]
fn syntax_errors_beat_everything() {
    let err = parse_schema("node P { v: Vector(0) }\nnode Q { x: Foo }").expect_err("bad");
    assert!(matches!(err, SchemaError::Syntax(_)), "{err}");
}

#[test]
fn phase_two_errors_come_in_source_order() {
    // Type before its annotations; annotation before later body constraint; @card before the
    // edge's header annotations; and one declaration before the next.
    rejects_with(
        r#"node P { v: Vector(0) @x("\d") }"#,
        "parse error: parse error: Vector dimension must be greater than zero",
    );
    rejects_with(
        r#"node P { @key(1) v: Vector(0) }"#,
        "parse error: parse error: expected property name in constraint",
    );
    rejects_with(
        r#"node P {} edge E: P -> P @card(2..1) @x("\d")"#,
        "parse error: parse error: cardinality min (2) exceeds max (1)",
    );
    rejects_with(
        "node P { s: enum(a, a) } node Q { l: [Blob] }",
        "parse error: parse error: enum type cannot include duplicate values",
    );
}

#[test]
fn each_phase_covers_the_whole_file_before_the_next() {
    // Phase 2 anywhere beats phase 3 anywhere.
    rejects_with(
        "node A implements Nope {} node B { v: Vector(0) }",
        "parse error: parse error: Vector dimension must be greater than zero",
    );
    // Phase 3 beats phase 4.
    rejects_with(
        "node A @key {} node B implements Nope {}",
        "parse error: parse error: node B implements unknown interface 'Nope'",
    );
    // Phase 4 (in the last declaration) beats phase 5 (in the first).
    rejects_with(
        "node A { a: String? @key } node B @unique {}",
        "parse error: parse error: @unique is only supported on node properties or as body constraint (node B)",
    );
    // Phase 5 beats phase 6.
    rejects_with(
        "node A {} node A { @index(x) }",
        "parse error: parse error: @index on A references unknown property 'x'",
    );
    // Within phase 6, duplicate nodes beat edge errors.
    rejects_with(
        "node P {} edge E: Q -> P node P {}",
        "catalog error: duplicate node type: P",
    );
}

#[test]
fn phase_four_order_within_a_declaration() {
    // Header structural annotation, then description, then instruction, then properties.
    rejects_with(
        "node P @description @key { x: String @instruction(i) }",
        "parse error: parse error: @key is only supported on node properties or as body constraint (node P)",
    );
    rejects_with(
        "node P @instruction { x: String @instruction(i) }",
        "parse error: parse error: @instruction on node P requires a non-empty value",
    );
    // Within a property: its description first, then its annotations in order.
    rejects_with(
        r#"node P { x: String @instruction(i) @description("") }"#,
        "parse error: parse error: @description on property P.x requires a non-empty value",
    );
    // Rows (a)–(e) come before the repeat check.
    rejects_with(
        "node P { x: [String] @index @index }",
        "parse error: parse error: @index is not supported on list property P.x",
    );
    rejects_with(
        "node P {}\nedge E: P -> P { x: [String] @key }",
        "parse error: parse error: @key is not supported on list property E.x",
    );
    // Own properties, then injected ones.
    rejects_with(
        r#"interface I { i: String @instruction(x) } node P implements I { o: String @description("") }"#,
        "parse error: parse error: @description on property P.o requires a non-empty value",
    );
}

#[test]
fn phase_five_order_within_a_declaration() {
    // Body constraints in source order, then desugared property annotations.
    rejects_with(
        "node P { a: String? @key @index(nope) }",
        "parse error: parse error: @index on P references unknown property 'nope'",
    );
    rejects_with(
        "node P { a: String @unique(x) @range(y, 0..1) }",
        "parse error: parse error: @unique on P references unknown property 'x'",
    );
}
