//! Syntax-error reports (§4.1.4 layout, plain-words message) and the nesting bound.

use crate::support::*;

#[test]
fn syntax_report_layout() {
    assert_eq!(
        parse_err("query q() {\nmatch {\n    $p: Person\n}\nreturn { $p.name\n}\n"),
        "parse error:  --> 7:1\n  |\n7 | \n  | ^---\n  |\n  = expected an `order { … }` block or a `limit N` clause, found end of input"
    );
    assert_eq!(
        parse_err("query q() { match { $p: Person } return { $p }"),
        "parse error:  --> 1:47\n  |\n1 | query q() { match { $p: Person } return { $p }\n  |                                               ^---\n  |\n  = expected an `order { … }` block or a `limit N` clause, found end of input"
    );
    assert_eq!(
        parse_err("QUERY q() { match { $p: Person } return { $p } }"),
        "parse error:  --> 1:1\n  |\n1 | QUERY q() { match { $p: Person } return { $p } }\n  | ^---\n  |\n  = expected a query declaration (`query name(…) { … }`), found `QUERY`"
    );
    assert_eq!(
        parse_err("query drop_person($tag: String) {\ndelete Person where tags contains $tag\n}\n"),
        "parse error:  --> 2:26\n  |\n2 | delete Person where tags contains $tag\n  |                          ^---\n  |\n  = expected a comparison operator (`=`, `!=`, `<`, `<=`, `>` or `>=`), found `contains`"
    );
    assert_eq!(
        parse_err(&format!(
            "{}query q() {{ match {{ $p: Person }} retrun {{ $p }} }}",
            "\n".repeat(11)
        )),
        "parse error:   --> 12:34\n   |\n12 | query q() { match { $p: Person } retrun { $p } }\n   |                                  ^---\n   |\n   = expected a `return { … }` block, found `retrun`"
    );
    assert_eq!(
        parse_err("query q() { match { $p: Person\n\t$p.age >\t} return { $p } }"),
        "parse error:  --> 2:11\n  |\n2 | \t$p.age >\t} return { $p } }\n  | \t        \t^---\n  |\n  = expected an expression, found `}`"
    );
    assert_eq!(
        parse_err("query q($q: String) { match { $p: Person $a not_knows $b } return { $p } }"),
        "parse error:  --> 1:45\n  |\n1 | query q($q: String) { match { $p: Person $a not_knows $b } return { $p } }\n  |                                             ^---\n  |\n  = expected a comparison operator (`=`, `!=`, `<`, `<=`, `>` or `>=`) or an edge name, found `not_knows`"
    );
}

#[test]
fn syntax_report_words() {
    let msg = |src: &str| syntax(src).1;
    assert_eq!(
        msg(&with_match("")),
        "expected a match clause (binding, traversal, filter, `not { … }` or text search), found `}`"
    );
    assert_eq!(
        msg("query q() { }"),
        "expected a query body (`match { … } return { … }`, or `insert`/`update`/`delete` statements), found `}`"
    );
    assert_eq!(
        msg("query Q() { }"),
        "expected a name (starting with a lowercase letter or `_`), found `Q`"
    );
    assert_eq!(
        msg(&with_match("$x: person")),
        "expected a type name (starting with an uppercase letter), found `person`"
    );
    assert_eq!(
        msg(&with_match("$p: Person { name: null }")),
        "expected a value (a literal, a `$parameter` or `now()`), found `null`"
    );
    assert_eq!(
        msg(&format!("query q($a: String,) {{ {M} {R} }}")),
        "expected a variable (`$name`), found `)`"
    );
    assert_eq!(
        msg(&format!("query q($a: [String?]) {{ {M} {R} }}")),
        "expected a parameter type, found `[`"
    );
    assert_eq!(
        msg(&format!("query q($a: Vector(-1)) {{ {M} {R} }}")),
        "expected an integer, found `-`"
    );
    assert_eq!(
        msg(&with_return("$p", "order { $p.age, }")),
        "expected an ordering, found `}`"
    );
    assert_eq!(
        msg("query q() { delete Person where age > $x.y }"),
        "expected a mutation statement (`insert`, `update` or `delete`), found `.`"
    );
    assert_eq!(
        msg(&format!("query q() @foo(\"x\") {{ {M} {R} }}")),
        "expected an annotation (`@description(\"…\")` or `@instruction(\"…\")`), found `@`"
    );
    assert_eq!(
        msg(&with_return("rrf(bm25($p.a, $x), search($p.a, $x))", "")),
        "expected a rank expression (`nearest(…)` or `bm25(…)`), found `search`"
    );
    assert_eq!(
        msg(&with_match("$p.name = \"abc")),
        "expected an expression, found an unterminated string literal (no closing `\"`)"
    );
    assert_eq!(
        msg(&with_match("$p.name = é")),
        "expected an expression, found `é` (only ASCII letters, digits and `_` may appear in names)"
    );
    // Long words are cut.
    assert_eq!(
        msg(&format!("query q() {{ {M} {R} }} {}", "x".repeat(60))),
        format!(
            "expected end of input or a query declaration (`query name(…) {{ … }}`), found `{}…`",
            "x".repeat(40)
        )
    );
}

#[test]
fn deep_nesting_is_a_syntax_error_not_a_crash() {
    // Run on a small stack, like a test thread in debug mode, to prove the bound protects it.
    let run = |src: String| {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || parse_query(&src).map(|_| ()).map_err(|e| e.to_string()))
            .expect("spawn")
            .join()
            .expect("no stack overflow")
    };
    let nested_list =
        |n: usize| with_match(&format!("$p.tags = {}1{}", "[".repeat(n), "]".repeat(n)));
    let nested_calls =
        |n: usize| with_return(&format!("{}$p{}", "count(".repeat(n), ")".repeat(n)), "");
    let nested_not = |n: usize| {
        with_match(&format!(
            "$p: Person {}$p.a > 1{}",
            "not { ".repeat(n),
            " }".repeat(n)
        ))
    };
    // Realistic nesting parses.
    assert_eq!(run(nested_list(60)), Ok(()));
    assert_eq!(run(nested_calls(60)), Ok(()));
    assert_eq!(run(nested_not(60)), Ok(()));
    for src in [
        nested_list(100_000),
        nested_calls(100_000),
        nested_not(100_000),
    ] {
        let err = run(src).expect_err("too deep");
        assert!(err.starts_with("parse error:  --> 1:"), "{err}");
        assert!(err.contains("nesting is too deep"), "{err}");
    }
    // Type-checking the deepest accepted nesting is fine too.
    let d = parse_query(&nested_calls(100)).map(|f| f.queries.into_iter().next());
    if let Ok(Some(d)) = d {
        assert!(typecheck_query_decl(schema_s(), &d).is_ok());
    }
}
