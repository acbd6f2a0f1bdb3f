//! §7.2: AST construction errors (phase 2), A1–A14, with their exact texts.

use crate::support::*;

#[test]
fn a1_vector_dimension_too_large_for_u32() {
    rejects_with(
        "node D { v: Vector(4294967296) }",
        "parse error: parse error: invalid Vector dimension: number too large to fit in target type",
    );
}

#[test]
fn a2_vector_dimension_zero() {
    for src in ["node D { v: Vector(0) }", "node D { v: Vector(0000) }"] {
        rejects_with(
            src,
            "parse error: parse error: Vector dimension must be greater than zero",
        );
    }
}

#[test]
fn a3_vector_dimension_above_i32_max() {
    rejects_with(
        "node D { v: Vector(2147483648) }",
        "parse error: parse error: Vector dimension 2147483648 exceeds maximum supported 2147483647",
    );
    rejects_with(
        "node D { v: Vector(004294967295) }",
        "parse error: parse error: Vector dimension 4294967295 exceeds maximum supported 2147483647",
    );
}

#[test]
fn a4_list_of_blob() {
    rejects_with(
        "node D { files: [Blob] }",
        "parse error: parse error: list of Blob is not supported",
    );
}

#[test]
fn a5_repeated_enum_value() {
    rejects_with(
        "node T { s: enum(open, closed, open) }",
        "parse error: parse error: enum type cannot include duplicate values",
    );
    // Case-sensitive comparison: `a` and `A` are different values.
    accept("node T { s: enum(a, A) }");
}

#[test]
fn a6_unsupported_escape_anywhere() {
    rejects_with(
        r#"node T @description("C:\path") {}"#,
        r"parse error: parse error: unsupported escape sequence: \p",
    );
    for (src, escape) in [
        (r#"node T { x: String @check(x, "\d+") }"#, r"\d"),
        (r#"node T { x: String @foo("\'") }"#, r"\'"),
        (
            r#"interface Unused { x: String @description("\0") }"#,
            r"\0",
        ),
        (r#"node P {} edge E: P -> P @x("\u00e9")"#, r"\u"),
        ("node T @description(\"a\\\nb\") {}", "\\\n"),
    ] {
        rejects_with(
            src,
            &format!("parse error: parse error: unsupported escape sequence: {escape}"),
        );
    }
}

#[test]
fn a7_a8_a9_cardinality_bounds() {
    rejects_with(
        "node P {}\nedge E: P -> P @card(4294967296..)",
        "parse error: parse error: invalid cardinality min: 4294967296",
    );
    rejects_with(
        "node P {}\nedge E: P -> P @card(04294967296..)",
        "parse error: parse error: invalid cardinality min: 04294967296",
    );
    rejects_with(
        "node P {}\nedge E: P -> P @card(0..4294967296)",
        "parse error: parse error: invalid cardinality max: 4294967296",
    );
    rejects_with(
        "node P {}\nedge E: P -> P @card(2..1)",
        "parse error: parse error: cardinality min (2) exceeds max (1)",
    );
    rejects_with(
        "node P {}\nedge E: P -> P @card(002..01)",
        "parse error: parse error: cardinality min (2) exceeds max (1)",
    );
}

#[test]
fn a10_non_identifier_constraint_arguments() {
    for src in [
        r#"node P { email: String @unique("email") }"#,
        "node P { a: String @unique(true) }",
        "node P { a: String @key(1) }",
        r#"node P { a: String @index("x") }"#,
        "node P { a: String @index(a, 1.5) }",
        "node P { a: I32 @range(1, 0..1) }",
        "node P { a: I32 @range(0..1, 0..1) }",
        r#"node P { a: String @check("a", "x") }"#,
    ] {
        rejects_with(
            src,
            "parse error: parse error: expected property name in constraint",
        );
    }
}

#[test]
fn a11_range_with_fewer_than_two_arguments() {
    rejects_with(
        "node P { age: I32 @range(age) }",
        "parse error: parse error: @range requires property name and bounds: @range(prop, min..max)",
    );
    // The count is checked before the argument kinds.
    rejects_with(
        "node P { age: I32 @range(\"age\") }",
        "parse error: parse error: @range requires property name and bounds: @range(prop, min..max)",
    );
}

#[test]
fn a12_range_second_argument_not_a_range() {
    for src in [
        "node P { age: I32 @range(age, 5) }",
        "node P { age: I32 @range(age, x) }",
        r#"node P { age: I32 @range(age, "0..1") }"#,
    ] {
        rejects_with(
            src,
            "parse error: parse error: expected range bounds (min..max) in @range constraint",
        );
    }
}

#[test]
fn a13_check_with_fewer_than_two_arguments() {
    rejects_with(
        "node P { code: String @check(code) }",
        "parse error: parse error: @check requires property name and pattern: @check(prop, \"regex\")",
    );
}

#[test]
fn a14_check_second_argument_not_a_string() {
    for src in [
        "node P { code: String @check(code, 5) }",
        "node P { code: String @check(code, x) }",
        "node P { code: String @check(code, 0..1) }",
    ] {
        rejects_with(
            src,
            "parse error: parse error: expected string argument in constraint",
        );
    }
}
