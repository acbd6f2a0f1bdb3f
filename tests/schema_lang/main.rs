//! The `.pg` schema language through its public API (`parse_schema` → `build_catalog`), against
//! `shared/spec/schema-language.md`: every construct, every rejection rule of §7 with its exact
//! text, the phase order of §1.3, the tricky cases of §10, syntax-error positions, the catalog
//! contents of §8.8/§9, a pretty-print round-trip property, and fuzz regressions.

use omnigraph_cluster::lang::schema::{
    Cardinality, Catalog, CheckConstraint, ConstraintKind, ConstraintOrigin, Declaration, NodeDecl,
    PropType, RangeBound, RangeConstraint, ScalarType, SchemaError, SchemaFile, build_catalog,
    parse_schema,
};

// ---- helpers ------------------------------------------------------------------------------------

/// Parse and build; the full error Display text on failure.
fn compile(src: &str) -> Result<(SchemaFile, Catalog), String> {
    let file = parse_schema(src).map_err(|e| e.to_string())?;
    let catalog = build_catalog(&file).map_err(|e| e.to_string())?;
    Ok((file, catalog))
}

#[track_caller]
fn accept(src: &str) -> (SchemaFile, Catalog) {
    match compile(src) {
        Ok(both) => both,
        Err(message) => panic!("expected {src:?} to be accepted, got:\n{message}"),
    }
}

#[track_caller]
fn catalog(src: &str) -> Catalog {
    accept(src).1
}

#[track_caller]
fn reject(src: &str) -> String {
    match compile(src) {
        Ok(_) => panic!("expected {src:?} to be rejected"),
        Err(message) => message,
    }
}

/// A semantic rejection: the exact Display text.
#[track_caller]
fn rejects_with(src: &str, expected: &str) {
    assert_eq!(reject(src), expected, "input: {src:?}");
}

/// A syntax rejection at `line:column`; returns the report for further checks.
#[track_caller]
fn syntax_error_at(src: &str, position: &str) -> String {
    let err = parse_schema(src).expect_err("expected a syntax error");
    let SchemaError::Syntax(_) = &err else {
        panic!("expected a syntax error for {src:?}, got {err:?}");
    };
    let text = err.to_string();
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("parse error: ")
            && first.trim_end().ends_with(&format!("--> {position}")),
        "input {src:?}: expected position {position}, got:\n{text}"
    );
    text
}

/// A syntax rejection at `line:column` whose message mentions every one of `words`.
#[track_caller]
fn syntax_error(src: &str, position: &str, words: &[&str]) {
    let text = syntax_error_at(src, position);
    for w in words {
        assert!(
            text.contains(w),
            "input {src:?}: report lacks {w:?}:\n{text}"
        );
    }
}

#[track_caller]
fn node<'a>(file: &'a SchemaFile, name: &str) -> &'a NodeDecl {
    file.nodes()
        .find(|n| n.name == name)
        .unwrap_or_else(|| panic!("no node {name}"))
}

fn t(scalar: ScalarType) -> PropType {
    PropType {
        scalar,
        nullable: false,
        list: false,
        enum_values: None,
    }
}

fn nullable(scalar: ScalarType) -> PropType {
    PropType {
        nullable: true,
        ..t(scalar)
    }
}

fn names(lists: &[&[&str]]) -> Vec<Vec<String>> {
    lists
        .iter()
        .map(|l| l.iter().map(|s| s.to_string()).collect())
        .collect()
}

// ---- §8.8: the complete example -----------------------------------------------------------------

const EXAMPLE: &str = r#"
interface Named {
    name: String @key
}

node Person implements Named {
    age: I32?
    bio: String?
    bio_vec: Vector(4)? @embed(bio)
    @range(age, 0..150)
}

node Company @description("An employer") {
    slug: String @key
    name: String @unique
    tags: [String]
}

edge WorksAt: Person -> Company @card(0..1) {
    since: Date?
    @unique(src, dst)
}
"#;

#[test]
fn complete_example_builds_the_specified_catalog() {
    let (file, cat) = accept(EXAMPLE);

    let person = cat.node("Person").expect("Person");
    let columns: Vec<&str> = person.columns.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(columns, ["id", "age", "bio", "bio_vec", "name"]);
    assert_eq!(person.properties["age"], nullable(ScalarType::I32));
    assert_eq!(
        person.properties["bio_vec"],
        nullable(ScalarType::Vector(4))
    );
    assert_eq!(person.properties["name"], t(ScalarType::String));
    assert!(!person.properties.contains_key("id"));
    assert_eq!(person.key, Some(vec!["name".to_string()]));
    assert_eq!(person.key_property(), Some("name"));
    assert_eq!(person.embed_sources["bio_vec"], "bio");
    assert_eq!(person.implements, ["Named"]);
    assert_eq!(
        person.ranges,
        [RangeConstraint {
            property: "age".into(),
            min: Some(RangeBound::Integer(0)),
            max: Some(RangeBound::Integer(150)),
        }]
    );
    assert_eq!(person.indices, names(&[&["name"]]));
    let person_ast = node(&file, "Person");
    let kinds: Vec<&ConstraintKind> = person_ast.constraints.iter().map(|c| &c.kind).collect();
    assert!(matches!(
        kinds[..],
        [ConstraintKind::Range(_), ConstraintKind::Key(_)]
    ));
    assert_eq!(
        person_ast.properties[3].injected_from.as_deref(),
        Some("Named")
    );
    assert_eq!(
        person_ast.constraints[1].origin,
        ConstraintOrigin::Annotation
    );

    let company = cat.node("Company").expect("Company");
    assert_eq!(company.key, Some(vec!["slug".to_string()]));
    assert_eq!(company.unique, names(&[&["name"]]));
    assert_eq!(company.indices, names(&[&["slug"]]));
    assert_eq!(
        company.properties["tags"],
        PropType {
            list: true,
            ..t(ScalarType::String)
        }
    );
    assert_eq!(company.annotations["description"], "An employer");

    let works = cat
        .lookup_edge("worksAt")
        .expect("lookup by lower-camel name");
    assert_eq!(works.name, "WorksAt");
    assert_eq!(works.query_name(), "worksAt");
    assert_eq!(
        (works.from_type.as_str(), works.to_type.as_str()),
        ("Person", "Company")
    );
    assert_eq!(
        works.cardinality,
        Cardinality {
            min: 0,
            max: Some(1)
        }
    );
    assert_eq!(works.properties["since"], nullable(ScalarType::Date));
    let columns: Vec<&str> = works.columns.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(columns, ["id", "src", "dst", "since"]);
    assert_eq!(works.unique, names(&[&["src", "dst"]]));
    assert_eq!(cat.edge_name_index["worksat"], "WorksAt");
    for spelling in ["WorksAt", "worksat", "WORKSAT", "wORKSat"] {
        assert!(cat.lookup_edge(spelling).is_some(), "{spelling}");
    }
    assert!(cat.lookup_edge("works_at").is_none());

    assert_eq!(
        cat.interfaces["Named"].properties["name"],
        t(ScalarType::String)
    );
}

// ---- constructs ---------------------------------------------------------------------------------

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

// ---- §7.1 S1: syntax errors ---------------------------------------------------------------------

#[test]
fn s1_syntax_report_layout() {
    let text = syntax_error_at("node { }", "1:6");
    assert_eq!(
        text,
        "parse error:  --> 1:6\n  |\n1 | node { }\n  |      ^---\n  |\n  = expected a type name \
         (starting with an uppercase letter), found `{`"
    );
    assert!(!text.ends_with('\n'));
}

#[test]
fn s1_wide_gutter_tabs_crlf_and_empty_last_line() {
    let src = format!("{}node Q {{ y: Foo }}", "node P { x: String }\n".repeat(9));
    let text = syntax_error_at(&src, "10:13");
    assert!(text.starts_with(
        "parse error:   --> 10:13\n   |\n10 | node Q { y: Foo }\n   |             ^---\n"
    ));

    let text = syntax_error_at("node A {\n\tx: Foo\n}", "2:5");
    assert!(text.contains("\n2 | \tx: Foo\n  | \t   ^---\n"), "{text}");

    let text = syntax_error_at("node A { x: String }\r\nnode B { y: Bar }\r\n", "2:13");
    assert!(text.contains("\n2 | node B { y: Bar }\n"), "{text}");

    let text = syntax_error_at(
        "node Person {\n    name: String @key\n    age: I32?\n",
        "4:1",
    );
    assert!(text.contains("\n4 | \n  | ^---\n"), "{text}");

    // A lone CR is not a line break, but it is a column (and is not displayed).
    let text = syntax_error_at("node A {}\rnode B { y: Bar }", "1:23");
    assert!(
        text.contains("\n1 | node A {}node B { y: Bar }\n"),
        "{text}"
    );
    // Columns count characters, not bytes.
    syntax_error("node A @description(\"é\") { y: Bar }", "1:31", &["`Bar`"]);
}

#[test]
fn s1_reference_positions_of_the_worked_examples() {
    // (input, position, words the report must contain) — §4.4.
    let cases: &[(&str, &str, &[&str])] = &[
        ("x", "1:1", &["a declaration", "end of input", "found `x`"]),
        ("schema {}", "1:1", &["a declaration"]),
        ("nod Person {}", "1:1", &["found `nod`"]),
        ("Node Person {}", "1:1", &["found `Node`"]),
        ("\u{feff}node P {}", "1:1", &["byte order mark"]),
        ("/* abc", "1:1", &["unterminated block comment"]),
        (
            "// header\nschema {\n}\n",
            "2:1",
            &["a declaration", "found `schema`"],
        ),
        (
            "node P { name: Strin }",
            "1:16",
            &["a type", "found `Strin`"],
        ),
        ("node P { x: Person }", "1:13", &["a type"]),
        (
            "node P { x: \"a\" }",
            "1:13",
            &["a type", "a string literal"],
        ),
        ("node P { name: }", "1:16", &["a type", "found `}`"]),
        (
            "node Person {",
            "1:14",
            &["a property name", "`}`", "found end of input"],
        ),
        (
            "node Person {\n    name: String,\n    age: I32\n}\n",
            "2:17",
            &["`}`", "found `,`"],
        ),
        (
            "node Person {\n    @description(\"A person\")\n    name: String\n}\n",
            "2:6",
            &["a constraint name", "found `description`"],
        ),
        (
            "interface Named {\n    name: String @key(name)\n}\n",
            "2:19",
            &["unexpected body constraint `@key(…)`"],
        ),
        (
            "node A @key(name) { name: String }",
            "1:9",
            &["unexpected body constraint"],
        ),
        (
            "node A @unique (name) {}",
            "1:9",
            &["unexpected body constraint `@unique(…)`"],
        ),
        (
            "node Person { name: String @unique(name,) }",
            "1:41",
            &["a constraint argument"],
        ),
        ("node P implements A, { }", "1:22", &["a type name"]),
        ("node P { s: enum(a, b,) }", "1:23", &["an enum value"]),
        (
            "node P @description(-1) {}",
            "1:21",
            &["an annotation argument"],
        ),
        (
            "node P @description('single') {}",
            "1:21",
            &["double quotes"],
        ),
        (
            "node P @description(\"unterminated) }",
            "1:21",
            &["unterminated string"],
        ),
        (
            "node P x: String }",
            "1:8",
            &["an annotation", "`implements`", "`{`"],
        ),
        (
            "node P {}\n/* abc",
            "2:1",
            &["a declaration", "unterminated block comment"],
        ),
    ];
    for (src, position, words) in cases {
        syntax_error(src, position, words);
    }
}

#[test]
fn s1_positions_where_we_point_closer_than_the_reference() {
    // The reference reports these at an earlier rule start; we point at the offending token.
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "interface I @description(\"x\") { }",
            "1:13",
            &["expected `{`", "found `@`"],
        ),
        ("edge Knows Person -> Person", "1:12", &["expected `:`"]),
        ("node P {}\nedge K: P - > P", "2:11", &["expected `->`"]),
        (
            "node P { x: [String?] }",
            "1:20",
            &["expected `]`", "found `?`"],
        ),
        (
            "node P { x: enum(active inactive) }",
            "1:25",
            &["`,` or `)`"],
        ),
        (
            "node P { x: String @unique(trueish) }",
            "1:32",
            &["read as `true` followed by `ish`"],
        ),
        (
            "node P { x: String @embed(falseFlag) }",
            "1:32",
            &["read as `false` followed by `Flag`"],
        ),
        (
            "node A { x: I32 @range(x 0..1) }",
            "1:26",
            &["`,` or `)`", "found `0`"],
        ),
        ("node P implements I x: String }", "1:21", &["`,` or `{`"]),
        (
            "node P { x: Strings }",
            "1:21",
            &["`Strings` is read as `String` followed by a new property `s`"],
        ),
        (
            "edge Knows: Person -> Person @card(0..1) @description(\"x\") @card(1..)",
            "1:67",
            &[
                "expected `)`",
                "found `..`",
                "directly after its target type",
            ],
        ),
        (
            "node P @card(1..2) {}",
            "1:15",
            &["directly after its target type"],
        ),
    ];
    for (src, position, words) in cases {
        syntax_error(src, position, words);
    }
}

#[test]
fn s1_plain_words_for_each_expectation() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("node P { x: [Foo] }", "1:14", &["a base type"]),
        ("node P { v: Vector(x) }", "1:20", &["an integer"]),
        (
            "node P { x: String @Foo }",
            "1:21",
            &["an annotation name", "found `Foo`"],
        ),
        (
            "node P { Name: String }",
            "1:10",
            &["a property name (starting with a lowercase letter"],
        ),
        (
            "node p {}",
            "1:6",
            &["a type name (starting with an uppercase letter)"],
        ),
        ("node P { naïve: String }", "1:12", &["only ASCII letters"]),
        (
            "node P {}\nedge E: P -> P @card(0..x)",
            "2:25",
            &["an integer", "`)`"],
        ),
        ("node P { a: I32 @range(a, 0..x) }", "1:30", &["a number"]),
        ("node P { a: I32 @range(a, ..) }", "1:29", &["a number"]),
        ("node P {\u{c}}", "1:9", &["U+000C"]),
    ];
    for (src, position, words) in cases {
        syntax_error(src, position, words);
    }
}

// ---- §7.2 AST construction (phase 2) ------------------------------------------------------------

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

// ---- §7.3 interface resolution (phase 3) --------------------------------------------------------

#[test]
fn i1_unknown_interface() {
    rejects_with(
        "node P implements Named { name: String }",
        "parse error: parse error: node P implements unknown interface 'Named'",
    );
    // Only interfaces count, not nodes or edges of that name.
    rejects_with(
        "node Named {}\nnode P implements Named {}",
        "parse error: parse error: node P implements unknown interface 'Named'",
    );
}

#[test]
fn i2_property_type_differs_from_the_interface() {
    rejects_with(
        "interface Named { name: I32 }\nnode P implements Named { name: String }",
        "parse error: parse error: node P property 'name' has type String but interface Named declares it as I32",
    );
    for (node_type, iface_type) in [
        ("String?", "String"),
        ("[String]", "String"),
        ("enum(a, b)", "enum(a, c)"),
        ("Vector(3)", "Vector(4)"),
    ] {
        rejects_with(
            &format!("interface I {{ x: {iface_type} }} node P implements I {{ x: {node_type} }}"),
            &format!(
                "parse error: parse error: node P property 'x' has type {node_type} but interface I declares it as {iface_type}"
            ),
        );
    }
    // Two interfaces disagreeing: the earlier injection is what the later one meets.
    rejects_with(
        "interface A { x: I32 } interface B { x: I64? } node P implements A, B {}",
        "parse error: parse error: node P property 'x' has type I32 but interface B declares it as I64?",
    );
}

// ---- §7.4 type-level annotations (phase 4) ------------------------------------------------------

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

// ---- §7.6 constraints (phase 5) -----------------------------------------------------------------

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

// ---- §7.7 catalog (phase 6) ---------------------------------------------------------------------

#[test]
fn k1_duplicate_node() {
    rejects_with(
        "node P {}\nnode P {}",
        "catalog error: duplicate node type: P",
    );
    // Case differences are distinct nodes.
    accept("node P {} node PP {} node Pp {}");
}

#[test]
fn k2_duplicate_edge() {
    rejects_with(
        "node P {}\nedge E: P -> P\nedge E: P -> P",
        "catalog error: duplicate edge type: E",
    );
}

#[test]
fn k3_k4_unknown_endpoints() {
    rejects_with(
        "node P {}\nedge E: Q -> P",
        "catalog error: edge E references unknown source type: Q",
    );
    rejects_with(
        "node P {}\nedge E: P -> Q",
        "catalog error: edge E references unknown target type: Q",
    );
    // Interfaces are never endpoints; the source is checked first.
    rejects_with(
        "interface I {}\nnode P {}\nedge E: I -> I",
        "catalog error: edge E references unknown source type: I",
    );
    // Endpoints may be declared later.
    accept("edge E: P -> Q node P {} node Q {}");
}

#[test]
fn k5_edge_names_equal_after_lower_casing() {
    rejects_with(
        "node P {}\nedge Knows: P -> P\nedge KNOWS: P -> P",
        "catalog error: edge name collision after case folding: 'KNOWS' conflicts with 'Knows'",
    );
}

#[test]
fn names_are_not_checked_across_kinds() {
    let cat = catalog(
        "interface X {} node X {} edge X: X -> X node String {} node Vector {} node Date {}",
    );
    assert!(
        cat.node("X").is_some()
            && cat.edge_types.contains_key("X")
            && cat.interfaces.contains_key("X")
    );
    assert!(cat.node("String").is_some());
}

// ---- §1.3 phase order ---------------------------------------------------------------------------

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

// ---- §10 tricky cases ---------------------------------------------------------------------------

#[test]
fn tricky_no_word_boundaries() {
    let cat = catalog(
        "nodePerson{name:String}edgeKnows:Person->Person interfaceNamed{} node P implementsNamed {}",
    );
    assert!(cat.node("Person").is_some() && cat.lookup_edge("knows").is_some());
    assert_eq!(cat.node("P").expect("P").implements, ["Named"]);
    syntax_error_at("node Personimplements Named {}", "1:23");
}

#[test]
fn tricky_case_sensitivity_and_names() {
    syntax_error_at("Node P {}", "1:1");
    syntax_error_at("NODE P {}", "1:1");
    syntax_error_at("node P { x: string }", "1:13");
    syntax_error_at("node P { 1x: String }", "1:10");
    syntax_error_at("node _P {}", "1:6");
    syntax_error_at("node Ünïcode {}", "1:6");
    let cat = catalog(
        "node P { node: String edge: String enum: String true: Bool false: Bool implements: String key: String id: String src: String dst: String }",
    );
    assert_eq!(cat.node("P").expect("P").properties.len(), 10);
}

#[test]
fn tricky_separators_and_trailing_commas() {
    syntax_error_at("node P implements A, {}", "1:22");
    syntax_error_at("node P { s: enum(a,) }", "1:20");
    syntax_error_at("node P { a: String @key(a,) }", "1:27");
    syntax_error_at("node P { a: String, b: String }", "1:19");
    syntax_error_at("node P { a: String; b: String }", "1:19");
    let cat = catalog("node P { a: String b: I32 }");
    assert_eq!(cat.node("P").expect("P").properties.len(), 2);
}

#[test]
fn tricky_type_forms_that_do_not_parse() {
    for (src, position) in [
        ("node P { x: String?? }", "1:20"),
        ("node P { x: [String?] }", "1:20"),
        ("node P { x: [Vector(3)] }", "1:14"),
        ("node P { x: [enum(a)] }", "1:14"),
        ("node P { x: [[String]] }", "1:14"),
        ("node P { x: Date Time }", "1:18"),
        ("node P { s: enum() }", "1:18"),
        ("node P { s: enum(\"a\") }", "1:18"),
        ("node P { v: Vector(-1) }", "1:20"),
        ("node P { v: Vector(3.0) }", "1:21"),
        ("node P { v: Vector }", "1:20"),
        ("node P { x: Strings }", "1:21"),
    ] {
        syntax_error_at(src, position);
    }
}

#[test]
fn tricky_comments() {
    syntax_error_at("/* a /* b */ c */", "1:14");
    syntax_error_at("node P {} /* never closed", "1:11");
    syntax_error_at("node P {}\nedge E: P -/**/> P", "2:11");
    syntax_error_at("node P {}\nedge E: P -> P @card(0. .1)", "2:23");
    // `@ card` is an annotation named `card`, whose single argument cannot be a range.
    syntax_error_at("node P {}\nedge E: P -> P @ card(0..1)", "2:24");
    syntax_error_at("node P { x: Str/**/ing }", "1:13");
    syntax_error_at("node P { v: Vector(1 0) }", "1:22");
    accept("node P {}\nedge E: P -> P @card/**/(0..1)");
    accept("node P @/*c*/description(\"x\") {}");
    accept("node P { x: String }\r\n\tnode Q {\r\n}\r\n");
}

#[test]
fn tricky_annotation_placement() {
    // An annotation on the line after a property belongs to it.
    let (file, _) = accept("node P {\n  name: String\n  @key\n  @description(\"d\")\n}");
    let p = node(&file, "P");
    assert_eq!(p.properties[0].annotations.len(), 2);
    assert!(matches!(&p.constraints[0].kind, ConstraintKind::Key(cols) if cols == &["name"]));
    // `a: String @key(b)`: b is the key (a body constraint).
    let cat = catalog("node P { a: String @key(b) b: String }");
    assert_eq!(cat.node("P").expect("P").key, Some(vec!["b".to_string()]));
    // Non-constraint annotation first in a body, or after a body constraint.
    syntax_error(
        "node P {\n  @description(\"x\")\n  a: String\n}",
        "2:4",
        &["a constraint name"],
    );
    syntax_error(
        "node P { a: String @key(a) @description(\"x\") }",
        "1:29",
        &["a constraint name"],
    );
    // Header positions.
    syntax_error("interface I @description(\"x\") {}", "1:13", &["`{`"]);
    syntax_error(
        "interface I { x: String @unique(x) }",
        "1:26",
        &["unexpected body constraint"],
    );
    syntax_error(
        "node P implements I @description(\"x\") {}",
        "1:21",
        &["`,` or `{`"],
    );
    syntax_error(
        "node P {}\nedge E: P -> P implements I",
        "2:16",
        &["found `implements`"],
    );
    syntax_error("node P { x: String @Foo }", "1:21", &["an annotation name"]);
    // Constraint look-ahead: space or comment before `(` still makes a constraint.
    let cat = catalog("node P { x: String @key (x) @ unique/**/(x) }");
    assert_eq!(cat.node("P").expect("P").unique, names(&[&["x"]]));
    // `@keyword(x)` is an annotation (prefix match, then `w` is not `(`).
    let (file, _) = accept("node P { x: String @keyword(x) @indexed @checks(\"y\") }");
    assert_eq!(node(&file, "P").properties[0].annotations.len(), 3);
    // Bare constraint names are ordinary annotations.
    let (file, _) = accept("node P { x: I32 @range @check }");
    assert!(node(&file, "P").constraints.is_empty());
}

#[test]
fn tricky_card_outside_its_slot() {
    let cat =
        catalog("node P { x: String @card } edge E: P -> P @description(d) @card(3) @card(\"x\")");
    assert_eq!(cat.edge_types["E"].cardinality, Cardinality::default());
    syntax_error_at("node P {}\nedge E: P -> P @x @card(0..1)", "2:26");
    syntax_error_at("node P @card(0..1) {}", "1:15");
    syntax_error_at("node P {}\nedge E: P -> P @card(-1..1)", "2:22");
    syntax_error_at("node P {}\nedge E: P -> P @card(..1)", "2:22");
}

#[test]
fn tricky_boolean_prefixes_and_argument_kinds() {
    syntax_error_at("node P { trueName: String @unique(trueName) }", "1:39");
    syntax_error_at("node P { x: String @embed(falseFlag) }", "1:32");
    rejects_with(
        "node P { x: String @unique(true) }",
        "parse error: parse error: expected property name in constraint",
    );
    rejects_with(
        "node P { x: String @unique(\"x\") }",
        "parse error: parse error: expected property name in constraint",
    );
    accept("node P @description(hello) @instruction(42) { x: String @description(true) }");
}

#[test]
fn tricky_interfaces() {
    // Interface @key lost when the node re-declares the property with the same type.
    let cat = catalog("interface I { name: String @key } node P implements I { name: String }");
    assert_eq!(cat.node("P").expect("P").key, None);
    // Enum order is irrelevant; duplicates in implements are harmless; later interface wins;
    // interfaces may come after the node.
    let cat = catalog(
        "node P implements I, I { s: enum(b, a) } interface I { s: I32 } interface I { s: enum(a, b) t: Bool }",
    );
    let p = cat.node("P").expect("P");
    assert_eq!(p.implements, ["I", "I"]);
    assert_eq!(p.properties.len(), 2);
    assert_eq!(cat.interfaces["I"].properties.len(), 2);
    // Escape errors in an unused interface are still errors.
    rejects_with(
        r#"interface I { x: String @foo("\x") }"#,
        r"parse error: parse error: unsupported escape sequence: \x",
    );
    // Interfaces take no annotations, implements, or constraints; edges take no implements.
    syntax_error_at("interface I implements J {}", "1:13");
}

#[test]
fn tricky_edges() {
    let cat = catalog("node P {} edge E: P -> P { from: String to: String }");
    assert_eq!(cat.edge_types["E"].properties.len(), 2);
    rejects_with(
        "node P {} edge Knows: P -> P edge KnowS: P -> P",
        "catalog error: edge name collision after case folding: 'KnowS' conflicts with 'Knows'",
    );
    // Edge names must be type names, so the lower-camel query spelling cannot be declared.
    syntax_error_at("node P {} edge knows: P -> P", "1:16");
}

#[test]
fn real_schemas_in_the_repository_compile() {
    let mut seen = 0;
    let mut roots = vec![
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples"),
        std::path::PathBuf::from("/work/shared/graph-roots"),
    ];
    while let Some(dir) = roots.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                roots.push(path);
            } else if path.extension().is_some_and(|e| e == "pg") {
                let text = std::fs::read_to_string(&path).expect("read");
                if let Err(message) = compile(&text) {
                    panic!("{}: {message}", path.display());
                }
                seen += 1;
            }
        }
    }
    assert!(seen >= 3, "found only {seen} schemas");
}

// ---- pretty-printing round trip -----------------------------------------------------------------

#[test]
fn pretty_printing_the_example_round_trips() {
    let (file, _) = accept(EXAMPLE);
    let printed = file.to_string();
    let again = parse_schema(&printed).expect("printed text parses");
    assert_eq!(again, file);
    assert_eq!(again.to_string(), printed);
}

#[test]
fn pretty_printing_round_trips_awkward_values() {
    let (file, _) = accept(
        r#"node P @description(hello) @x("a\"b\\c\nd\te\r") @y(1.5) @z {
            a: F64 b: String @check(b, "\\d+\"") @range(a, -0.0..99999999999999999999)
            @range(a, ..3) @range(a, 1.0..2.5)
        }
        node Q {} edge E: P -> Q @card(3..) {}
        edge F: Q -> P @card(0..0)"#,
    );
    let printed = file.to_string();
    assert_eq!(parse_schema(&printed).expect("reparse"), file, "{printed}");
}

mod round_trip {
    //! Property: for any generated valid schema AST, printing and re-parsing gives it back.

    use super::*;
    use omnigraph_cluster::lang::schema::{
        Annotation, Constraint, EdgeDecl, InterfaceDecl, Property,
    };
    use proptest::prelude::*;

    fn ident() -> impl Strategy<Value = String> {
        "[a-z_][a-z0-9_]{0,6}".prop_filter("not a constraint-name prefix clash", |s| {
            // Keep property names from starting with `true`/`false` (read as booleans).
            !s.starts_with("true") && !s.starts_with("false")
        })
    }

    fn scalar() -> impl Strategy<Value = ScalarType> {
        prop_oneof![
            Just(ScalarType::String),
            Just(ScalarType::Bool),
            Just(ScalarType::I32),
            Just(ScalarType::I64),
            Just(ScalarType::U32),
            Just(ScalarType::U64),
            Just(ScalarType::F32),
            Just(ScalarType::F64),
            Just(ScalarType::Date),
            Just(ScalarType::DateTime),
            Just(ScalarType::Blob),
            (1u32..=2_147_483_647).prop_map(ScalarType::Vector),
        ]
    }

    fn prop_type() -> impl Strategy<Value = PropType> {
        let enum_values = proptest::collection::btree_set("[a-zA-Z0-9_-]{1,5}", 1..4);
        prop_oneof![
            (scalar(), any::<bool>(), any::<bool>()).prop_map(|(scalar, list, nullable)| {
                let list = list && !matches!(scalar, ScalarType::Blob | ScalarType::Vector(_));
                PropType {
                    scalar,
                    nullable,
                    list,
                    enum_values: None,
                }
            }),
            (enum_values, any::<bool>()).prop_map(|(values, nullable)| PropType {
                scalar: ScalarType::String,
                nullable,
                list: false,
                enum_values: Some(values.into_iter().collect()),
            }),
        ]
    }

    /// Free text for annotation values: quotes, backslashes, control characters, non-ASCII.
    fn text() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 \"\\\\\n\r\té€/*]{1,12}".prop_filter("non-blank", |s| !s.trim().is_empty())
    }

    /// Custom annotations: any name except the ones validation or the grammar treat specially.
    fn custom_annotation() -> impl Strategy<Value = Annotation> {
        (
            ident().prop_filter("custom", |n| {
                !matches!(
                    n.as_str(),
                    "key"
                        | "unique"
                        | "index"
                        | "range"
                        | "check"
                        | "embed"
                        | "description"
                        | "instruction"
                )
            }),
            proptest::option::of(text()),
        )
            .prop_map(|(name, value)| Annotation { name, value })
    }

    fn annotations() -> impl Strategy<Value = Vec<Annotation>> {
        (
            proptest::collection::vec(custom_annotation(), 0..3),
            proptest::option::of(text()),
        )
            .prop_map(|(mut list, description)| {
                if let Some(d) = description {
                    list.push(Annotation {
                        name: "description".into(),
                        value: Some(d),
                    });
                }
                list
            })
    }

    /// Properties with distinct names (a duplicate name would make constraint checks consult the
    /// last declaration, which the constraint generator does not model).
    fn properties(max: usize) -> impl Strategy<Value = Vec<Property>> {
        proptest::collection::vec(property(), 0..max).prop_map(|props| {
            let mut seen = std::collections::HashSet::new();
            props
                .into_iter()
                .filter(|p| seen.insert(p.name.clone()))
                .collect()
        })
    }

    fn property() -> impl Strategy<Value = Property> {
        (ident(), prop_type(), annotations()).prop_map(|(name, prop_type, annotations)| Property {
            name,
            prop_type,
            annotations,
            injected_from: None,
        })
    }

    fn bound() -> impl Strategy<Value = RangeBound> {
        prop_oneof![
            any::<i64>().prop_map(RangeBound::Integer),
            (-1e30f64..1e30).prop_map(RangeBound::Float),
        ]
    }

    /// Body constraints valid for `props` (all of which must be non-empty, non-nullable...).
    fn body_constraints(props: &[Property], edge: bool) -> BoxedStrategy<Vec<Constraint>> {
        let names: Vec<String> = props.iter().map(|p| p.name.clone()).collect();
        let numeric: Vec<String> = props
            .iter()
            .filter(|p| {
                matches!(
                    p.prop_type.scalar,
                    ScalarType::I32
                        | ScalarType::I64
                        | ScalarType::U32
                        | ScalarType::U64
                        | ScalarType::F32
                        | ScalarType::F64
                )
            })
            .map(|p| p.name.clone())
            .collect();
        let strings: Vec<String> = props
            .iter()
            .filter(|p| p.prop_type.scalar == ScalarType::String)
            .map(|p| p.name.clone())
            .collect();
        let mut columns = names.clone();
        if edge {
            columns.extend(["src".to_string(), "dst".to_string()]);
        }
        // Index columns must not be Blob.
        let indexable: Vec<String> = columns
            .iter()
            .filter(|c| {
                props
                    .iter()
                    .rev()
                    .find(|p| &&p.name == c)
                    .is_none_or(|p| p.prop_type.scalar != ScalarType::Blob)
            })
            .cloned()
            .collect();
        let mut options: Vec<BoxedStrategy<Constraint>> = Vec::new();
        let body = |kind| Constraint {
            kind,
            origin: ConstraintOrigin::Body,
        };
        if !columns.is_empty() {
            options.push(
                proptest::collection::vec(proptest::sample::select(columns.clone()), 1..3)
                    .prop_map(move |c| body(ConstraintKind::Unique(c)))
                    .boxed(),
            );
        }
        if !indexable.is_empty() {
            options.push(
                proptest::collection::vec(proptest::sample::select(indexable), 1..3)
                    .prop_map(move |c| body(ConstraintKind::Index(c)))
                    .boxed(),
            );
        }
        if !edge && !numeric.is_empty() {
            options.push(
                (
                    proptest::sample::select(numeric),
                    bound(),
                    proptest::option::of(bound()),
                )
                    .prop_map(move |(property, min, max)| {
                        body(ConstraintKind::Range(RangeConstraint {
                            property,
                            min: Some(min),
                            max,
                        }))
                    })
                    .boxed(),
            );
        }
        if !edge && !strings.is_empty() {
            options.push(
                (proptest::sample::select(strings), text())
                    .prop_map(move |(property, pattern)| {
                        body(ConstraintKind::Check(CheckConstraint { property, pattern }))
                    })
                    .boxed(),
            );
        }
        if options.is_empty() {
            return Just(Vec::new()).boxed();
        }
        proptest::collection::vec(proptest::strategy::Union::new(options), 0..3).boxed()
    }

    /// A node, optionally keyed and implementing some of `interfaces` (whose property names are
    /// unique to each interface, so injection simply appends them, §5.8).
    fn node_decl(
        name: String,
        interfaces: Vec<InterfaceDecl>,
    ) -> impl Strategy<Value = Declaration> {
        let picks = if interfaces.is_empty() {
            Just(Vec::new()).boxed()
        } else {
            proptest::collection::vec(0..interfaces.len(), 0..4).boxed()
        };
        (properties(4), annotations(), any::<bool>(), picks).prop_flat_map(
            move |(props, annotations, keyed, picks)| {
                let name = name.clone();
                let interfaces = interfaces.clone();
                body_constraints(&props, false).prop_map(move |mut constraints| {
                    let mut properties = props.clone();
                    // Optionally a key: a fresh non-null String property carrying `@key`.
                    if keyed {
                        properties.push(Property {
                            name: "key_column_x".into(),
                            prop_type: t(ScalarType::String),
                            annotations: vec![Annotation {
                                name: "key".into(),
                                value: None,
                            }],
                            injected_from: None,
                        });
                        constraints.push(Constraint {
                            kind: ConstraintKind::Key(vec!["key_column_x".into()]),
                            origin: ConstraintOrigin::Annotation,
                        });
                    }
                    let implements: Vec<String> =
                        picks.iter().map(|&i| interfaces[i].name.clone()).collect();
                    let mut injected = std::collections::HashSet::new();
                    for &i in &picks {
                        if injected.insert(i) {
                            properties.extend(interfaces[i].properties.iter().map(|p| Property {
                                injected_from: Some(interfaces[i].name.clone()),
                                ..p.clone()
                            }));
                        }
                    }
                    Declaration::Node(NodeDecl {
                        name: name.clone(),
                        annotations: annotations.clone(),
                        implements,
                        properties,
                        constraints,
                    })
                })
            },
        )
    }

    fn edge_decl(name: String, nodes: Vec<String>) -> impl Strategy<Value = Declaration> {
        (
            properties(3),
            annotations(),
            proptest::sample::select(nodes.clone()),
            proptest::sample::select(nodes),
            (0u32..5, proptest::option::of(5u32..10)),
        )
            .prop_flat_map(move |(props, annotations, from, to, (min, max))| {
                let name = name.clone();
                body_constraints(&props, true).prop_map(move |constraints| {
                    Declaration::Edge(EdgeDecl {
                        name: name.clone(),
                        from_type: from.clone(),
                        to_type: to.clone(),
                        cardinality: Cardinality { min, max },
                        annotations: annotations.clone(),
                        properties: props.clone(),
                        constraints,
                    })
                })
            })
    }

    /// Interface `I{index}`; its property names (`zz_i{index}_…`, longer than any `ident()`)
    /// cannot clash with a node's own or another interface's.
    fn interface_decl(index: usize) -> impl Strategy<Value = InterfaceDecl> {
        properties(3).prop_map(move |properties| InterfaceDecl {
            name: format!("I{index}"),
            properties: properties
                .into_iter()
                .map(|p| Property {
                    name: format!("zz_i{index}_{}", p.name),
                    ..p
                })
                .collect(),
        })
    }

    fn schema() -> impl Strategy<Value = SchemaFile> {
        (1usize..4, 0usize..4, 0usize..3, any::<bool>())
            .prop_flat_map(|(n_nodes, n_edges, n_ifaces, ifaces_last)| {
                let interfaces: Vec<_> = (0..n_ifaces).map(interface_decl).collect();
                (interfaces, Just((n_nodes, n_edges, ifaces_last)))
            })
            .prop_flat_map(|(interfaces, (n_nodes, n_edges, ifaces_last))| {
                let nodes: Vec<String> = (0..n_nodes).map(|i| format!("N{i}")).collect();
                let mut decls: Vec<BoxedStrategy<Declaration>> = Vec::new();
                for n in &nodes {
                    decls.push(node_decl(n.clone(), interfaces.clone()).boxed());
                }
                for i in 0..n_edges {
                    decls.push(edge_decl(format!("E{i}"), nodes.clone()).boxed());
                }
                // Interfaces may come before or after the nodes that implement them.
                let iface_decls = interfaces.into_iter().map(Declaration::Interface);
                if ifaces_last {
                    decls.extend(iface_decls.map(|d| Just(d).boxed()));
                } else {
                    let mut first: Vec<BoxedStrategy<Declaration>> =
                        iface_decls.map(|d| Just(d).boxed()).collect();
                    first.append(&mut decls);
                    decls = first;
                }
                decls.prop_map(|declarations| SchemaFile { declarations })
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn printing_then_parsing_gives_the_same_ast(file in schema()) {
            let printed = file.to_string();
            let parsed = parse_schema(&printed);
            prop_assert!(parsed.is_ok(), "{}\n---\n{}", parsed.unwrap_err(), printed);
            let parsed = parsed.unwrap();
            prop_assert_eq!(&parsed, &file, "\n{}", printed);
            prop_assert!(build_catalog(&parsed).is_ok());
        }
    }
}

// ---- fuzz regressions ---------------------------------------------------------------------------

/// Inputs found by `cargo fuzz run schema` (fuzz/fuzz_targets/schema.rs), kept with their verdicts.
#[test]
fn fuzz_regressions() {
    // crash-be5364c0…: not a parser bug but a wrong harness assumption — a semantic message may
    // end in a raw line break, since `\` + LF is echoed as itself (§5.4), unlike §1.2's general
    // "messages never end with a newline".
    rejects_with(
        "node T @description(\"a\\\nb\") {}",
        "parse error: parse error: unsupported escape sequence: \\\n",
    );
}
