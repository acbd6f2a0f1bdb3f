//! §4.2: post-parse rejections and which one wins.

use crate::support::*;

#[test]
fn post_parse_rejections() {
    assert_eq!(
        parse_err(&format!(
            "query q() @description(\"a\") @description(\"b\") {{ {M} {R} }}"
        )),
        "parse error: parse error: query `q` cannot include duplicate @description annotations"
    );
    assert_eq!(
        parse_err(&format!(
            "query q() @instruction(\"a\") @description(\"d\") @instruction(\"b\") {{ {M} {R} }}"
        )),
        "parse error: parse error: query `q` cannot include duplicate @instruction annotations"
    );
    // E-41: reported even when another declaration is the one being validated.
    assert!(parse_query(&format!(
        "query ok() {{ {M} {R} }} query other() @description(\"a\") @description(\"b\") {{ {M} {R} }}"
    ))
    .is_err());
    assert_eq!(
        parse_err(&with_match("$p.name = \"a\\qb\"")),
        "parse error: parse error: unsupported escape sequence: \\q"
    );
}

#[test]
fn post_parse_order() {
    let first = |src: &str| {
        parse_err(src)
            .trim_start_matches("parse error: parse error: ")
            .to_owned()
    };
    // A syntax error anywhere wins over any post-parse error.
    assert!(
        parse_err(&format!(
            "query a() {{ {M} return {{ \"\\q\" }} }} query b() {{ }}"
        ))
        .contains("-->")
    );
    // Declarations in file order; annotations before the body; decoding before the duplicate check.
    assert_eq!(
        first(&format!(
            "query a() @description(\"\\q\") @description(\"b\") {{ {M} return {{ 99999999999999999999 }} }}"
        )),
        "unsupported escape sequence: \\q"
    );
    assert_eq!(
        first(&format!(
            "query a() @description(\"a\") @description(\"\\w\") {{ {M} {R} }}"
        )),
        "unsupported escape sequence: \\w"
    );
    assert_eq!(
        first(&format!(
            "query a() @description(\"a\") @description(\"b\") {{ {M} return {{ \"\\q\" }} }}"
        )),
        "query `a` cannot include duplicate @description annotations"
    );
    // Body in source order: match, return, order, limit.
    assert_eq!(
        first(&with_return(
            "99999999999999999999",
            "order { \"\\z\" } limit 99999999999999999999"
        )),
        "invalid integer: number too large to fit in target type"
    );
    assert_eq!(
        first(&with_return(
            "$p",
            "order { \"\\z\" } limit 99999999999999999999"
        )),
        "unsupported escape sequence: \\z"
    );
    // Min bound before max bound; filter left before right.
    assert_eq!(
        first(&with_match("$a knows{4294967296,4294967296} $b")),
        "invalid traversal min bound: number too large to fit in target type"
    );
    assert_eq!(
        first(&with_match("\"\\a\" = \"\\b\"")),
        "unsupported escape sequence: \\a"
    );
    // Mutations: assignments before the predicate.
    assert_eq!(
        first("query q() { update Person set { a: \"\\1\" } where b = \"\\2\" }"),
        "unsupported escape sequence: \\1"
    );
    // The third argument of fuzzy/rrf is converted before the first two.
    assert_eq!(
        first(&with_match("fuzzy(\"\\a\", \"\\b\", 99999999999999999999)")),
        "invalid integer: number too large to fit in target type"
    );
    assert_eq!(
        first(&with_match("fuzzy(\"\\a\", \"\\b\")")),
        "unsupported escape sequence: \\a"
    );
    assert_eq!(
        first(&with_return(
            "$p",
            "order { rrf(bm25(\"\\a\", $x), bm25($x, $x), \"\\k\") } limit 1"
        )),
        "unsupported escape sequence: \\k"
    );
    // … but after whatever precedes the call.
    assert_eq!(
        first(&with_match("\"\\0\" = fuzzy(\"\\a\", \"\\b\", \"\\c\")")),
        "unsupported escape sequence: \\0"
    );
    // Errors inside an alternative that was abandoned do not count.
    assert!(parse_query(&with_match("search(\"\\n\", $x)")).is_ok());
}
