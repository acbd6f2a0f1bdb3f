//! §7.6: constraint validation (phase 5), C1–C16.

use crate::support::*;

#[test]
fn c1_key_in_an_edge_body() {
    rejects_with(
        "node P {}\nedge E: P -> P { w: I32 @key(w) }",
        "parse error: parse error: @key constraint is not supported on edges (edge E)",
    );
}

#[test]
fn c2_more_than_one_key() {
    for src in [
        "node P { a: String @key b: String @key }",
        "node P { a: String @key @key(a) }",
        "node P { a: String b: String @key(a) @key(b) }",
        "interface I { n: String @key } node P implements I { a: String @key }",
        // The second key's columns are not examined before the count check.
        "node P { a: String @key(a) @key(nope) }",
    ] {
        rejects_with(
            src,
            "parse error: parse error: node type P has multiple @key constraints; only one is supported",
        );
    }
}

#[test]
fn c3_to_c7_key_columns() {
    rejects_with(
        "node P { a: String @key(b) }",
        "parse error: parse error: @key on P references unknown property 'b'",
    );
    rejects_with(
        "node P { a: String? @key }",
        "parse error: parse error: @key property P.a cannot be nullable",
    );
    rejects_with(
        "node P { tags: [String] @key(tags) }",
        "parse error: parse error: @key is not supported on list property P.tags",
    );
    rejects_with(
        "node P { v: Vector(3) @key(v) }",
        "parse error: parse error: @key is not supported on vector property P.v",
    );
    rejects_with(
        "node P { b: Blob @key(b) }",
        "parse error: parse error: @key is not supported on blob property P.b",
    );
    // Nullable is checked before list-ness.
    rejects_with(
        "node P { tags: [String]? @key(tags) }",
        "parse error: parse error: @key property P.tags cannot be nullable",
    );
    // Composite and repeated key columns are accepted.
    accept("node P { a: String b: I64 @key(a, b, a) }");
}

#[test]
fn c8_unique_column_unknown() {
    rejects_with(
        "node P { a: String @unique(a, b) }",
        "parse error: parse error: @unique on P references unknown property 'b'",
    );
    rejects_with(
        "node P { a: String @unique(src) }",
        "parse error: parse error: @unique on P references unknown property 'src'",
    );
    rejects_with(
        "node P {}\nedge E: P -> P { @unique(src, id) }",
        "parse error: parse error: @unique on E references unknown property 'id'",
    );
    accept("node P { src: String @unique(src) }\nedge E: P -> P { @unique(src, dst) }");
}

#[test]
fn c9_c10_index_columns() {
    rejects_with(
        "node P { a: String @index(b) }",
        "parse error: parse error: @index on P references unknown property 'b'",
    );
    rejects_with(
        "node P { a: String @index(dst) }",
        "parse error: parse error: @index on P references unknown property 'dst'",
    );
    rejects_with(
        "node P { b: Blob @index(b) }",
        "parse error: parse error: @index is not supported on blob property P.b",
    );
    rejects_with(
        "node P {}\nedge E: P -> P { b: Blob @index(src, b) }",
        "parse error: parse error: @index is not supported on blob property E.b",
    );
    accept("node P {}\nedge E: P -> P { @index(src) @index(dst, src) }");
}

#[test]
fn c11_c12_c13_range() {
    rejects_with(
        "node P {}\nedge E: P -> P { w: I32 @range(w, 0..1) }",
        "parse error: parse error: @range constraint is not supported on edges (edge E)",
    );
    rejects_with(
        "node P { @range(age, 0..1) }",
        "parse error: parse error: @range on P references unknown property 'age'",
    );
    for (ty, shown) in [
        ("String", "String"),
        ("Date", "Date"),
        ("DateTime?", "DateTime?"),
        ("Bool", "Bool"),
        ("enum(b, a)", "enum(a, b)"),
        ("Vector(2)", "Vector(2)"),
        ("[String]", "[String]"),
    ] {
        rejects_with(
            &format!("node P {{ name: {ty} @range(name, 0..1) }}"),
            &format!(
                "parse error: parse error: @range on P.name requires a numeric type, got {shown}"
            ),
        );
    }
    // Only the scalar matters; bound kinds and order are not checked.
    accept(
        "node P { a: [I32] b: I32? c: U64 d: F32 @range(a, 0..1) @range(b, 10..1) @range(c, 0.5..2) @range(d, -1..) }",
    );
}

#[test]
fn c14_c15_c16_check() {
    rejects_with(
        "node P {}\nedge E: P -> P { c: String @check(c, \"x\") }",
        "parse error: parse error: @check constraint is not supported on edges (edge E)",
    );
    rejects_with(
        "node P { @check(code, \"x\") }",
        "parse error: parse error: @check on P references unknown property 'code'",
    );
    rejects_with(
        "node P { age: I32 @check(age, \"[0-9]+\") }",
        "parse error: parse error: @check on P.age requires String type, got I32",
    );
    rejects_with(
        "node P { b: Blob @check(b, \"x\") }",
        "parse error: parse error: @check on P.b requires String type, got Blob",
    );
    // Enums, lists of strings, nullable strings and invalid regexes pass.
    accept(
        r#"node P { e: enum(a) l: [String] n: String? @check(e, "a") @check(l, "(") @check(n, "x") }"#,
    );
}

#[test]
fn constraint_lookups_use_the_last_declaration_of_a_name() {
    rejects_with(
        "node P { a: I32 a: String @range(a, 0..1) }",
        "parse error: parse error: @range on P.a requires a numeric type, got String",
    );
    accept("node P { a: String a: I32 @range(a, 0..1) }");
}
