//! §7.1 S1: syntax errors — the report layout, positions (the reference's and ours), and the
//! plain words for what was expected and found.

use crate::support::*;

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
