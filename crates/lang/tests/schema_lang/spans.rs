//! Errors as data: every rejection rule of §7 that names a construct points at it (the span's
//! text is checked, and its position), carries its rule id, and suggests the closest declared
//! name for an unknown one (and nothing when no name is close). Declarations know where their
//! names are written.

use crate::common::points_at;
use crate::support::*;
use omnigraph_lang::locate;

/// The error `src` is rejected with, by `parse_schema` or `build_catalog`.
fn error(src: &str) -> SchemaError {
    match parse_schema(src).and_then(|file| build_catalog(&file)) {
        Ok(_) => panic!("expected {src:?} to be rejected"),
        Err(err) => err,
    }
}

/// One test per rule: `src` is rejected under `rule`, pointing at `at`, suggesting `suggestion`.
macro_rules! rejections {
    ($($name:ident: $src:expr => $rule:expr, $at:expr, $suggestion:expr;)*) => {$(
        #[test]
        fn $name() {
            let src: &str = $src;
            points_at(error(src).detail(), src, $at, Some($rule), $suggestion);
        }
    )*};
}

const NONE: Option<&str> = None;

rejections! {
    s1_syntax: "node { }" => "S1", "{", NONE;
    a01_vector_dimension_too_large: "node D { v: Vector(4294967296)? }" => "A1", "Vector(4294967296)", NONE;
    a02_vector_dimension_zero: "node D { v: Vector( 0 ) }" => "A2", "Vector( 0 )", NONE;
    a03_vector_dimension_above_max: "node D { v: Vector(2147483648) }" => "A3", "Vector(2147483648)", NONE;
    a04_list_of_blob: "node D { files: [ Blob ] }" => "A4", "[ Blob ]", NONE;
    a05_repeated_enum_value: "node T { s: enum(open, closed, open) }" => "A5", "enum(open, closed, open)", NONE;
    a06_escape: r#"node T @description("C:\path") {}"# => "A6", r#""C:\path""#, NONE;
    a07_cardinality_min: "node P {}\nedge E: P -> P @card(4294967296..)" => "A7", "4294967296", NONE;
    a08_cardinality_max: "node P {}\nedge E: P -> P @card(0..4294967296)" => "A8", "4294967296", NONE;
    a09_cardinality_order: "node P {}\nedge E: P -> P @card(2..1)" => "A9", "@card(2..1)", NONE;
    a10_property_name: r#"node P { email: String @unique("email") }"# => "A10", r#""email""#, NONE;
    a11_range_arguments: "node P { age: I32 @range(age) }" => "A11", "@range(age)", NONE;
    a12_range_bounds: "node P { age: I32 @range(age, 5) }" => "A12", "5", NONE;
    a13_check_arguments: "node P { code: String @check(code) }" => "A13", "@check(code)", NONE;
    a14_check_pattern: "node P { code: String @check(code, 5) }" => "A14", "5", NONE;
    a06_escape_in_check_pattern: r#"node P { code: String @check(code, "\d") }"# => "A6", r#""\d""#, NONE;
    i1_unknown_interface: "node P implements Named { name: String }" => "I1", "Named", NONE;
    i1_suggests_interface: "interface Named { name: String }\nnode P implements Named, Nmaed {}" => "I1", "Nmaed", Some("Named");
    i2_interface_type: "interface Named { name: I32 }\nnode P implements Named { name: String? }" => "I2", "name: String?", NONE;
    n1_node_header: "node P @unique { email: String }" => "N1", "@unique", NONE;
    n2_edge_header: "node P {}\nedge E: P -> P @index" => "N2", "@index", NONE;
    n3_description_twice: r#"node P @description("a") @description("b") {}"# => "N3", r#"@description("b")"#, NONE;
    n4_description_blank: "node P @description {}" => "N4", "@description", NONE;
    n5_instruction_twice: r#"node P {}
edge E: P -> P @instruction("a") @instruction("b")"# => "N5", r#"@instruction("b")"#, NONE;
    n6_instruction_blank: r#"node P @instruction("") {}"# => "N6", r#"@instruction("")"#, NONE;
    p01_property_description_twice: r#"node P { x: String @description("a") @description("b") }"# => "P1", r#"@description("b")"#, NONE;
    p02_property_description_blank: r#"node P { x: String @description("") }"# => "P2", r#"@description("")"#, NONE;
    p03_list_property: "node P { tags: [String] @index }" => "P3", "@index", NONE;
    p04_vector_property: "node P { v: Vector(3) @unique }" => "P4", "@unique", NONE;
    p05_blob_property: "node P { data: Blob @index }" => "P5", "@index", NONE;
    p06_property_instruction: r#"node P { x: String @instruction("i") }"# => "P6", r#"@instruction("i")"#, NONE;
    p07_edge_property_key: "node P {}\nedge E: P -> P { since: Date @key }" => "P7", "@key", NONE;
    p08_key_twice: "node P { x: String @key @key }" => "P8", "~@key", NONE;
    p09_unique_twice: "node P { x: String @unique @unique }" => "P9", "~@unique", NONE;
    p10_index_twice: "node P { x: String @index @index }" => "P10", "~@index", NONE;
    p11_embed_twice: "node P { title: String v: Vector(3) @embed(title) @embed(title) }" => "P11", "~@embed(title)", NONE;
    p12_embed_not_vector: "node P { title: String @embed(title) }" => "P12", "@embed(title)", NONE;
    p13_embed_without_source: "node P { title: String v: Vector(3) @embed }" => "P13", "@embed", NONE;
    p14_embed_blank_source: r#"node P { title: String v: Vector(3) @embed(" ") }"# => "P14", r#"@embed(" ")"#, NONE;
    p15_embed_unknown_source: "node P { v: Vector(3) @embed(body) }" => "P15", "@embed(body)", NONE;
    p15_suggests_source: "node P { bodi: String v: Vector(3) @embed(body) }" => "P15", "@embed(body)", Some("bodi");
    p16_embed_source_type: "node P { body: I32 v: Vector(3) @embed(body) }" => "P16", "@embed(body)", NONE;
    c01_key_on_edge: "node P {}\nedge E: P -> P { w: I32 @key(w) }" => "C1", "@key(w)", NONE;
    c02_second_key: "node P { a: String @key b: String @key }" => "C2", "~@key", NONE;
    c03_key_column_unknown: "node P { alpha: String @key(beta) }" => "C3", "beta", NONE;
    c03_suggests_column: "node P { email: String\n  @key(emial) }" => "C3", "emial", Some("email");
    c04_key_nullable: "node P { a: String? @key }" => "C4", "a", NONE;
    c05_key_list: "node P { tags: [String] @key(tags) }" => "C5", "~tags", NONE;
    c06_key_vector: "node P { v: Vector(3) @key( v ) }" => "C6", "~v", NONE;
    c07_key_blob: "node P { b: Blob @key(b) }" => "C7", "~b", NONE;
    c08_unique_column: "node P { a: String @unique(a, bee) }" => "C8", "bee", NONE;
    c08_suggests_edge_endpoint: "node P {}\nedge E: P -> P { @unique(sr) }" => "C8", "sr", Some("src");
    c09_index_column: "node P { a: String @index(bee) }" => "C9", "bee", NONE;
    c10_index_blob: "node P { b: Blob @index(b) }" => "C10", "~b", NONE;
    c11_range_on_edge: "node P {}\nedge E: P -> P { w: I32 @range(w, 0..1) }" => "C11", "@range(w, 0..1)", NONE;
    c12_range_unknown: "node P { @range(age, 0..1) }" => "C12", "age", NONE;
    c13_range_type: "node P { name: String @range(name, 0..1) }" => "C13", "~name", NONE;
    c14_check_on_edge: r#"node P {}
edge E: P -> P { c: String @check(c, "x") }"# => "C14", r#"@check(c, "x")"#, NONE;
    c15_check_unknown: r#"node P { @check(code, "x") }"# => "C15", "code", NONE;
    c16_check_type: r#"node P { age: I32 @check(age, "[0-9]+") }"# => "C16", "~age", NONE;
    k1_duplicate_node: "node P {}\nnode P {}" => "K1", "~P", NONE;
    k2_duplicate_edge: "node P {}\nedge E: P -> P\nedge E: P -> P" => "K2", "~E", NONE;
    k3_unknown_source: "node Person {}\nedge E: Robot -> Person" => "K3", "Robot", NONE;
    k3_suggests_node: "node Person {}\nedge E: Persn -> Person" => "K3", "Persn", Some("Person");
    k4_unknown_target: "node Person {}\nedge E: Person -> Robot" => "K4", "Robot", NONE;
    k4_suggests_node_even_for_one_letter: "node P {}\nedge E: P -> Q" => "K4", "Q", Some("P");
    k5_case_collision: "node P {}\nedge Knows: P -> P\nedge KNOWS: P -> P" => "K5", "KNOWS", NONE;
}

#[test]
fn a_range_without_maximum_ends_at_its_dots() {
    let src = "node P { age: I32 @range(age, 0.. ) }";
    let file = parse_schema(src).expect("valid");
    let constraint = &node(&file, "P").constraints[0];
    let args: Vec<&str> = constraint.arg_spans.iter().map(|s| s.slice(src)).collect();
    assert_eq!(args, ["age", "0.."]);
    assert_eq!(constraint.span.slice(src), "@range(age, 0.. )");
}

#[test]
fn a_syntax_error_exposes_its_position_summary_and_notes() {
    let src = "node P {\n  x: Strings\n  y: I32\n}";
    let err = parse_schema(src).expect_err("syntax error");
    let detail = err.detail();
    assert_eq!(err.rule(), Some("S1"));
    assert_eq!(err.span().map(|s| s.slice(src)), Some("y"));
    assert_eq!(detail.summary(), "expected `:`, found `y`");
    assert_eq!(
        detail.notes(),
        ["`Strings` is read as `String` followed by a new property `s`"]
    );
    assert!(detail.message().starts_with(" --> 3:3\n"), "{detail}");
    let at = locate(src, err.span().map_or(0, |s| s.start));
    assert_eq!((at.line, at.column, at.line_text), (3, 3, "  y: I32"));
}

#[test]
fn declarations_know_where_their_names_are() {
    let src = "interface Named { name: String @key }\n\nnode Person implements Named {\n  age: I32?\n}\nedge Knows: Person -> Person @card(0..1)\n";
    let file = parse_schema(src).expect("valid");
    let names: Vec<(&str, &str, usize, usize)> = file
        .declarations
        .iter()
        .map(|d| {
            let (name, span) = d.name();
            let at = span.locate(src);
            (name, span.slice(src), at.line, at.column)
        })
        .collect();
    assert_eq!(
        names,
        [
            ("Named", "Named", 1, 11),
            ("Person", "Person", 3, 6),
            ("Knows", "Knows", 6, 6)
        ]
    );
    let person = node(&file, "Person");
    let spans: Vec<&str> = person
        .implements_spans
        .iter()
        .map(|s| s.slice(src))
        .collect();
    assert_eq!(spans, ["Named"]);
    // An injected property and the key desugared from it point into the interface.
    let injected = &person.properties[1];
    assert_eq!(injected.name_span.slice(src), "name");
    assert_eq!(injected.type_span.slice(src), "String");
    assert_eq!(person.constraints[0].span.slice(src), "@key");
    let edge = file.edges().next().expect("an edge");
    assert_eq!(
        (edge.from_span.slice(src), edge.to_span.slice(src)),
        ("Person", "Person")
    );
    assert_eq!(edge.to_span.locate(src).column, 23);
}

#[test]
fn spans_leave_tree_equality_alone() {
    let a = parse_schema("node P { a: String @key }").expect("valid");
    let b = parse_schema("\n\nnode  P {\n  a : String\n    @key\n}\n").expect("valid");
    assert_ne!(node(&a, "P").name_span, node(&b, "P").name_span);
    assert_eq!(a, b);
}
