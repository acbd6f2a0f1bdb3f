//! Every construct of the language: comments and whitespace, types, annotations, body
//! constraints and their desugaring, edges, interfaces.

use crate::support::*;

#[test]
fn empty_whitespace_and_comment_only_files_give_an_empty_catalog() {
    for src in [
        "",
        "   \n\t\r\n",
        "// just a comment",
        "/* block */ // line\n/**/",
    ] {
        let (file, cat) = accept(src);
        assert!(file.declarations.is_empty());
        assert_eq!(cat, Catalog::default());
    }
}

#[test]
fn comments_and_whitespace_go_between_any_two_tokens() {
    let (_, cat) = accept(
        "/*a*/node/*b*/P/*c*/@/*d*/description/*e*/(/*f*/\"x\"/*g*/)/*h*/{//i\n\
         x/*j*/:/*k*/String/*l*/@/**/key\n\
         @/*n*/index/*o*/(/*p*/x/*q*/,/**/x/*r*/)}\n\
         edge E : P -> P @card /*s*/ ( 0 .. 1 ) //t\n",
    );
    let p = cat.node("P").expect("P");
    assert_eq!(p.annotations["description"], "x");
    // The body index first, then the key (desugared after the body) implies one on `x`.
    assert_eq!(p.indices, names(&[&["x", "x"], &["x"]]));
    assert_eq!(
        cat.edge_types["E"].cardinality,
        Cardinality {
            min: 0,
            max: Some(1)
        }
    );
}

#[test]
fn comment_markers_inside_strings_are_text() {
    let (file, _) = accept("node P @description(\"a // b /* c\") {}");
    assert_eq!(
        node(&file, "P").annotations[0].value.as_deref(),
        Some("a // b /* c")
    );
}

#[test]
fn every_type_form() {
    let (file, cat) = accept(
        "node T {
            s: String b: Bool i: I32 j: I64 u: U32 v: U64 f: F32 g: F64
            d: Date dt: DateTime blob: Blob
            o: String? l: [I32] lo: [DateTime]? e: enum(b, a, in-progress, 1, -, A_b)?
            vec: Vector(3) vmax: Vector(2147483647) vz: Vector(0003)?
            spaced : [ String ] ? vs: Vector ( 3 ) n: String ?
        }",
    );
    let props = &cat.node("T").expect("T").properties;
    let expected = [
        ("s", ScalarType::String),
        ("b", ScalarType::Bool),
        ("i", ScalarType::I32),
        ("j", ScalarType::I64),
        ("u", ScalarType::U32),
        ("v", ScalarType::U64),
        ("f", ScalarType::F32),
        ("g", ScalarType::F64),
        ("d", ScalarType::Date),
        ("dt", ScalarType::DateTime),
        ("blob", ScalarType::Blob),
        ("vec", ScalarType::Vector(3)),
        ("vmax", ScalarType::Vector(2_147_483_647)),
    ];
    for (name, scalar) in expected {
        assert_eq!(props[name], t(scalar), "{name}");
    }
    assert_eq!(props["o"], nullable(ScalarType::String));
    assert_eq!(props["vz"], nullable(ScalarType::Vector(3)));
    assert_eq!(
        props["l"],
        PropType {
            list: true,
            ..t(ScalarType::I32)
        }
    );
    assert_eq!(
        props["lo"],
        PropType {
            list: true,
            nullable: true,
            ..t(ScalarType::DateTime)
        }
    );
    assert_eq!(
        props["spaced"],
        PropType {
            list: true,
            nullable: true,
            ..t(ScalarType::String)
        }
    );
    assert_eq!(props["vs"], t(ScalarType::Vector(3)));
    assert_eq!(props["n"], nullable(ScalarType::String));
    let e = &props["e"];
    assert_eq!(
        (e.scalar, e.nullable, e.list),
        (ScalarType::String, true, false)
    );
    // Sorted byte-wise, source order not kept.
    assert_eq!(
        e.enum_values.as_deref(),
        Some(&["-", "1", "A_b", "a", "b", "in-progress"].map(String::from)[..])
    );
    assert_eq!(e.display_name(), "enum(-, 1, A_b, a, b, in-progress)?");
    assert_eq!(node(&file, "T").properties.len(), 21);
}

#[test]
fn annotations_with_and_without_arguments() {
    let (file, cat) = accept(
        "node P @description(hello) @instruction(\"do \\\"it\\\"\\n\\t\\\\ok\\r\") @foo @bar(42) @baz(1.5) @qux(true) @rename_from(old_name) @_x {
            x: String @description(42) @custom @card @card(3) @card(\"x\") @keyword(x)
        }",
    );
    let p = node(&file, "P");
    let header: Vec<(&str, Option<&str>)> = p
        .annotations
        .iter()
        .map(|a| (a.name.as_str(), a.value.as_deref()))
        .collect();
    assert_eq!(
        header,
        [
            ("description", Some("hello")),
            ("instruction", Some("do \"it\"\n\t\\ok\r")),
            ("foo", None),
            ("bar", Some("42")),
            ("baz", Some("1.5")),
            ("qux", Some("true")),
            ("rename_from", Some("old_name")),
            ("_x", None),
        ]
    );
    let prop: Vec<(&str, Option<&str>)> = p.properties[0]
        .annotations
        .iter()
        .map(|a| (a.name.as_str(), a.value.as_deref()))
        .collect();
    assert_eq!(
        prop,
        [
            ("description", Some("42")),
            ("custom", None),
            ("card", None),
            ("card", Some("3")),
            ("card", Some("x")),
            ("keyword", Some("x")),
        ]
    );
    assert_eq!(cat.node("P").expect("P").annotations["foo"], "");
}

#[test]
fn multi_line_strings_keep_their_line_breaks() {
    let (file, _) = accept("node P @description(\"line one\nline two\") {}");
    assert_eq!(
        node(&file, "P").annotations[0].value.as_deref(),
        Some("line one\nline two")
    );
}

#[test]
fn body_constraints_of_every_kind() {
    let (file, cat) = accept(
        r#"node P {
            a: String b: I64 c: F64? tags: [String] v: Vector(3) blob: Blob s: String?
            @key(a, b)
            @unique(a) @unique(b, c)
            @index(c) @index(tags, v)
            @range(b, -5..10) @range(c, 1.5..) @range(b, ..7) @range(c, -0..99999999999999999999)
            @range(b, 0..1, junk, "more")
            @check(a, "^[a-z]+$") @check(s, "\\d+", 5)
            @unique(tags, v, blob)
        }"#,
    );
    let p = cat.node("P").expect("P");
    assert_eq!(p.key, Some(vec!["a".to_string(), "b".to_string()]));
    assert_eq!(
        p.unique,
        names(&[&["a"], &["b", "c"], &["tags", "v", "blob"]])
    );
    assert_eq!(p.indices, names(&[&["a", "b"], &["c"], &["tags", "v"]]));
    let r = |property: &str, min, max| RangeConstraint {
        property: property.into(),
        min,
        max,
    };
    use RangeBound::{Float, Integer};
    assert_eq!(
        p.ranges,
        [
            r("b", Some(Integer(-5)), Some(Integer(10))),
            r("c", Some(Float(1.5)), None),
            // `..b` is stored as a minimum (§5.5 ⚠).
            r("b", Some(Integer(7)), None),
            r("c", Some(Integer(0)), Some(Float(1e20))),
            r("b", Some(Integer(0)), Some(Integer(1))),
        ]
    );
    assert_eq!(
        p.checks,
        [
            CheckConstraint {
                property: "a".into(),
                pattern: "^[a-z]+$".into()
            },
            CheckConstraint {
                property: "s".into(),
                pattern: "\\d+".into()
            },
        ]
    );
    assert_eq!(p.blob_properties.iter().collect::<Vec<_>>(), ["blob"]);
    assert!(
        node(&file, "P")
            .constraints
            .iter()
            .all(|c| c.origin == ConstraintOrigin::Body)
    );
}

#[test]
fn property_level_key_unique_index_desugar_after_body_constraints() {
    let (file, cat) = accept(
        "node P {
            a: String @unique @index
            @index(b)
            b: String @key
        }",
    );
    let kinds: Vec<(&'static str, ConstraintOrigin)> = node(&file, "P")
        .constraints
        .iter()
        .map(|c| (c.kind.name(), c.origin))
        .collect();
    assert_eq!(
        kinds,
        [
            ("index", ConstraintOrigin::Body),
            ("unique", ConstraintOrigin::Annotation),
            ("index", ConstraintOrigin::Annotation),
            ("key", ConstraintOrigin::Annotation),
        ]
    );
    let p = cat.node("P").expect("P");
    assert_eq!(p.indices, names(&[&["b"], &["a"], &["b"]]));
    assert_eq!(p.unique, names(&[&["a"]]));
    assert_eq!(p.key, Some(vec!["b".to_string()]));
}

#[test]
fn edges_with_endpoints_cardinality_optional_bodies_and_properties() {
    let cat = catalog(
        "node A {} node B {}
         edge E1: A -> B
         edge E2: A -> B {}
         edge E3: B -> A @card(1..) @description(\"d\") { w: F32 @index @unique from: String to: String @index(src) @unique(src, dst, w) }
         edge E4: A -> A @card(007..8)
         edge E5: A -> A @card(0..0)
         edge Same: A -> B",
    );
    let e1 = &cat.edge_types["E1"];
    assert_eq!(e1.cardinality, Cardinality::default());
    assert_eq!(e1.cardinality, Cardinality { min: 0, max: None });
    assert!(e1.properties.is_empty());
    assert_eq!(cat.edge_types["E2"].properties, e1.properties);
    let e3 = &cat.edge_types["E3"];
    assert_eq!((e3.from_type.as_str(), e3.to_type.as_str()), ("B", "A"));
    assert_eq!(e3.cardinality, Cardinality { min: 1, max: None });
    assert_eq!(e3.annotations["description"], "d");
    assert_eq!(e3.properties.len(), 3);
    assert_eq!(e3.indices, names(&[&["src"], &["w"]]));
    assert_eq!(e3.unique, names(&[&["src", "dst", "w"], &["w"]]));
    assert_eq!(
        cat.edge_types["E4"].cardinality,
        Cardinality {
            min: 7,
            max: Some(8)
        }
    );
    assert_eq!(
        cat.edge_types["E5"].cardinality,
        Cardinality {
            min: 0,
            max: Some(0)
        }
    );
    assert_eq!(cat.edge_name_index.len(), 6);
}

#[test]
fn interfaces_inject_properties_after_the_nodes_own() {
    let (file, cat) = accept(
        "node P implements B, A, B { own: I32 shared: String? }
         interface A { a: String @unique  shared: String? @description(\"lost\") }
         interface B { b: I64 @index }",
    );
    let p = node(&file, "P");
    let props: Vec<(&str, Option<&str>)> = p
        .properties
        .iter()
        .map(|p| (p.name.as_str(), p.injected_from.as_deref()))
        .collect();
    assert_eq!(
        props,
        [
            ("own", None),
            ("shared", None),
            ("b", Some("B")),
            ("a", Some("A"))
        ]
    );
    assert_eq!(p.implements, ["B", "A", "B"]);
    // The node's re-declaration wins entirely: the interface's annotations are dropped.
    assert!(p.properties[1].annotations.is_empty());
    let node = cat.node("P").expect("P");
    assert_eq!(node.indices, names(&[&["b"]]));
    assert_eq!(node.unique, names(&[&["a"]]));
    assert_eq!(cat.interfaces.len(), 2);
}

#[test]
fn duplicate_property_names_are_accepted_and_the_last_wins() {
    let cat = catalog("node P { x: String x: I32? } edge E: P -> P { w: I32 w: String }");
    let p = cat.node("P").expect("P");
    assert_eq!(p.properties["x"], nullable(ScalarType::I32));
    let columns: Vec<&str> = p.columns.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(columns, ["id", "x", "x"]);
    assert_eq!(cat.edge_types["E"].properties["w"], t(ScalarType::String));
}
