//! §10: the tricky cases and the reference's verdicts, and the real schemas in the repository.

use crate::support::*;

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
        // The repository's bundled examples (this crate lives in `crates/lang`).
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples"),
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
