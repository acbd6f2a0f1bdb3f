//! §7.4 and §7.5: annotation validation (phase 4) on types (N1–N6) and on properties (P1–P16).

use crate::support::*;

#[test]
fn n1_structural_annotation_on_a_node_header() {
    for ann in ["key", "unique", "index", "embed"] {
        rejects_with(
            &format!("node P @{ann} {{ email: String }}"),
            &format!(
                "parse error: parse error: @{ann} is only supported on node properties or as body constraint (node P)"
            ),
        );
    }
    rejects_with(
        "node P @embed(x) { x: String }",
        "parse error: parse error: @embed is only supported on node properties or as body constraint (node P)",
    );
}

#[test]
fn n2_structural_annotation_on_an_edge_header() {
    for ann in ["key", "unique", "index", "embed"] {
        rejects_with(
            &format!("node P {{}}\nedge E: P -> P @{ann}"),
            &format!("parse error: parse error: @{ann} is not supported on edges (edge E)"),
        );
    }
}

#[test]
fn n3_n5_description_or_instruction_twice() {
    rejects_with(
        r#"node P @description("a") @description("b") {}"#,
        "parse error: parse error: node P declares @description multiple times",
    );
    rejects_with(
        "node P {}\nedge E: P -> P @description(a) @description(b)",
        "parse error: parse error: edge E declares @description multiple times",
    );
    rejects_with(
        r#"node P @instruction("a") @instruction("b") {}"#,
        "parse error: parse error: node P declares @instruction multiple times",
    );
    rejects_with(
        "node P {}\nedge E: P -> P @instruction(a) @instruction(\"\")",
        "parse error: parse error: edge E declares @instruction multiple times",
    );
}

#[test]
fn n4_n6_description_or_instruction_without_value() {
    for value in ["", "(\"\")", "(\"  \")", "(\"\\n\\t\")"] {
        rejects_with(
            &format!("node P @description{value} {{}}"),
            "parse error: parse error: @description on node P requires a non-empty value",
        );
        rejects_with(
            &format!("node P @instruction{value} {{}}"),
            "parse error: parse error: @instruction on node P requires a non-empty value",
        );
        rejects_with(
            &format!("node P {{}}\nedge E: P -> P @description{value}"),
            "parse error: parse error: @description on edge E requires a non-empty value",
        );
    }
    // Blank first occurrence is reported before the duplicate.
    rejects_with(
        r#"node P @description("") @description("b") {}"#,
        "parse error: parse error: @description on node P requires a non-empty value",
    );
    // Description is checked before instruction.
    rejects_with(
        r#"node P @instruction("") @description("") {}"#,
        "parse error: parse error: @description on node P requires a non-empty value",
    );
}

// ---- §7.5 property annotations (phase 4) --------------------------------------------------------

#[test]
fn p1_p2_property_description() {
    rejects_with(
        r#"node P { x: String @description("a") @description("b") }"#,
        "parse error: parse error: property P.x declares @description multiple times",
    );
    rejects_with(
        r#"node P { x: String @description("") }"#,
        "parse error: parse error: @description on property P.x requires a non-empty value",
    );
    rejects_with(
        "node P {}\nedge E: P -> P { w: I32 @description }",
        "parse error: parse error: @description on property E.w requires a non-empty value",
    );
}

#[test]
fn p3_structural_annotation_on_a_list_property() {
    for ann in ["key", "unique", "index", "embed"] {
        rejects_with(
            &format!("node P {{ tags: [String] @{ann} }}"),
            &format!("parse error: parse error: @{ann} is not supported on list property P.tags"),
        );
    }
}

#[test]
fn p4_key_or_unique_on_a_vector_property() {
    for ann in ["key", "unique"] {
        rejects_with(
            &format!("node P {{ v: Vector(3) @{ann} }}"),
            &format!("parse error: parse error: @{ann} is not supported on vector property P.v"),
        );
    }
    // Property-level @index on a vector is fine.
    accept("node P { v: Vector(3) @index }");
}

#[test]
fn p5_structural_annotation_on_a_blob_property() {
    for ann in ["key", "unique", "index", "embed"] {
        rejects_with(
            &format!("node P {{ data: Blob @{ann} }}"),
            &format!("parse error: parse error: @{ann} is not supported on blob property P.data"),
        );
    }
}

#[test]
fn p6_instruction_on_a_property() {
    rejects_with(
        r#"node P { x: String @instruction("i") }"#,
        "parse error: parse error: @instruction is only supported on node and edge types (property P.x)",
    );
    rejects_with(
        "node P {}\nedge E: P -> P { w: I32 @instruction(x) }",
        "parse error: parse error: @instruction is only supported on node and edge types (property E.w)",
    );
    // On an interface property: only once injected.
    accept(r#"interface I { x: String @instruction("i") }"#);
    rejects_with(
        r#"interface I { x: String @instruction("i") } node Q implements I {}"#,
        "parse error: parse error: @instruction is only supported on node and edge types (property Q.x)",
    );
}

#[test]
fn p7_key_or_embed_on_an_edge_property() {
    rejects_with(
        "node P {}\nedge E: P -> P { since: Date @key }",
        "parse error: parse error: @key is not supported on edge properties (edge E.since)",
    );
    rejects_with(
        "node P {}\nedge E: P -> P { t: String v: Vector(3) @embed(t) }",
        "parse error: parse error: @embed is not supported on edge properties (edge E.v)",
    );
}

#[test]
fn p8_p9_p10_p11_repeated_property_annotation() {
    for ann in ["key", "unique", "index"] {
        rejects_with(
            &format!("node P {{ x: String @{ann} @{ann} }}"),
            &format!("parse error: parse error: property P.x declares @{ann} multiple times"),
        );
    }
    rejects_with(
        "node P { title: String v: Vector(3) @embed(title) @embed(title) }",
        "parse error: parse error: property P.v declares @embed multiple times",
    );
}

#[test]
fn p12_embed_on_a_non_vector() {
    rejects_with(
        "node P { title: String @embed(title) }",
        "parse error: parse error: @embed is only supported on vector properties (P.title)",
    );
}

#[test]
fn p13_p14_embed_without_or_with_blank_source() {
    rejects_with(
        "node P { title: String v: Vector(3) @embed }",
        "parse error: parse error: @embed on P.v requires a source property name",
    );
    rejects_with(
        r#"node P { title: String v: Vector(3) @embed(" ") }"#,
        "parse error: parse error: @embed on P.v requires a non-empty source property name",
    );
}

#[test]
fn p15_embed_source_unknown() {
    rejects_with(
        "node P { v: Vector(3) @embed(body) }",
        "parse error: parse error: @embed on P.v references unknown source property body",
    );
}

#[test]
fn p16_embed_source_not_a_string() {
    rejects_with(
        "node P { body: I32 v: Vector(3) @embed(body) }",
        "parse error: parse error: @embed source property P.body must be String",
    );
    rejects_with(
        "node P { body: [String] v: Vector(3) @embed(body) }",
        "parse error: parse error: @embed source property P.body must be String",
    );
    // Nullable strings, enums, injected properties and string-literal names are fine.
    let cat = catalog(
        r#"interface I { text: String? }
           node P implements I { e: enum(a, b) v: Vector(3) @embed(e) w: Vector(3)? @embed("text") }"#,
    );
    let p = cat.node("P").expect("P");
    assert_eq!(p.embed_sources["v"], "e");
    assert_eq!(p.embed_sources["w"], "text");
}
