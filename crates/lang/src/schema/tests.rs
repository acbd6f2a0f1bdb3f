//! Unit tests of the module's internals; the language itself is tested through the public API in
//! `tests/schema_lang/`.

use super::scanner::Scanner;
use super::*;

#[test]
fn display_names_follow_the_spec() {
    let file = parse_schema(
        "node P { a: String b: I32? c: [String]? d: enum(b, a) e: Vector(768)? f: DateTime }",
    )
    .expect("valid");
    let Declaration::Node(node) = &file.declarations[0] else {
        panic!("node expected");
    };
    let names: Vec<String> = node
        .properties
        .iter()
        .map(|p| p.prop_type.display_name())
        .collect();
    assert_eq!(
        names,
        [
            "String",
            "I32?",
            "[String]?",
            "enum(a, b)",
            "Vector(768)?",
            "DateTime"
        ]
    );
}

#[test]
fn skip_handles_every_comment_form() {
    let skipped = |src: &str| {
        let mut s = Scanner::new(src);
        s.skip();
        s.pos
    };
    assert_eq!(skipped(" \t\r\n x"), 5);
    assert_eq!(skipped("// a\n//b"), 8);
    assert_eq!(skipped("/* a /* b */ c */"), 13);
    assert_eq!(skipped("/**/ /*/ */x"), 11);
    // An unterminated block comment is not a comment, even after a terminated one.
    assert_eq!(skipped("/* a */ /* b"), 8);
    assert_eq!(skipped("/*/"), 0);
    // No form feed, NBSP or other Unicode spaces.
    assert_eq!(skipped("\u{c}"), 0);
    assert_eq!(skipped("\u{a0}"), 0);
}

#[test]
fn tokens_are_greedy_and_all_or_nothing() {
    use super::scanner::{enum_value, signed_float, signed_integer};
    use crate::text::{float_lit, integer, string_end};
    let mut s = Scanner::new("12.x");
    assert_eq!(s.scan(float_lit), None);
    assert_eq!(s.pos, 0);
    assert_eq!(s.scan(integer), Some("12"));
    let mut s = Scanner::new("-.5");
    assert_eq!(s.scan(signed_float), None);
    assert_eq!(s.scan(signed_integer), None);
    assert_eq!(s.pos, 0);
    let mut s = Scanner::new("-1.5..-2");
    assert_eq!(s.scan(signed_float), Some("-1.5"));
    assert!(s.eat(".."));
    assert_eq!(s.scan(signed_float), None);
    assert_eq!(s.scan(signed_integer), Some("-2"));
    let mut s = Scanner::new("in-progress_1)");
    assert_eq!(s.scan(enum_value), Some("in-progress_1"));
    assert_eq!(s.scan(enum_value), None);
    let mut s = Scanner::new(r#""a\"b\\" rest"#);
    assert_eq!(s.scan(string_end), Some(r#""a\"b\\""#));
    let mut s = Scanner::new(r#""never closed\""#);
    assert_eq!(s.scan(string_end), None);
    assert_eq!(s.pos, 0);
    let mut s = Scanner::new("DateTimes");
    assert_eq!(s.eat_first(&["Date", "DateTime"]), Some("Date"));
    assert_eq!(s.rest(), "Times");
}

#[test]
fn syntax_errors_never_end_with_a_newline_and_semantic_ones_are_single_line() {
    for src in ["node", "node P {\n", "node P { x: Foo }\n\n"] {
        let text = parse_schema(src).expect_err("bad").to_string();
        assert!(!text.ends_with('\n'), "{text:?}");
    }
    let text = parse_schema("node P { v: Vector(0) }")
        .expect_err("bad")
        .to_string();
    assert!(!text.contains('\n'));
}

#[test]
fn long_lines_and_words_are_clipped_around_the_caret() {
    let src = format!(
        "node P {{ x: String }} {} node Q {{ y: Foo }}",
        " ".repeat(1000)
    );
    let text = parse_schema(&src).expect_err("bad").to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[2].starts_with("1 | …") && lines[2].chars().count() < 200,
        "{text}"
    );
    // The caret lines up with `Foo`, counting characters (the ellipsis is one).
    let caret = lines[3].chars().position(|c| c == '^').expect("caret");
    let under: String = lines[2].chars().skip(caret).take(3).collect();
    assert_eq!(under, "Foo");

    let word = "x".repeat(10_000);
    let text = parse_schema(&format!("node P {{ a: {word} }}"))
        .expect_err("bad")
        .to_string();
    assert!(text.len() < 1_000, "{}", text.len());
}
