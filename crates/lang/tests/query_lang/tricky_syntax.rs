//! §9.1: tricky lexing and parsing cases.

use crate::support::*;

#[test]
fn e01_empty_files() {
    for src in [
        "",
        "  \n\t\r\n",
        "// only a comment",
        "/* block */ // and line\n",
    ] {
        assert_eq!(parse_ok(src).queries.len(), 0, "{src:?}");
    }
}

#[test]
fn e02_e03_keywords_run_into_tokens() {
    assert_eq!(
        decl("queryfoo() { match { $p: Person } return { $p } }").name,
        "foo"
    );
    assert_eq!(
        decl("query q() { match { $p: Person } return { $p } limit10 }").limit,
        Some(10)
    );
    let d = decl("query q() { insertPerson{name:$n} }");
    assert!(matches!(&d.mutations[0], Mutation::Insert(i) if i.type_name == "Person"));
    let d = decl("query q() { delete Person wherename = $n }");
    assert!(matches!(&d.mutations[0], Mutation::Delete(x) if x.predicate.property == "name"));
}

#[test]
fn e04_e06_aliases() {
    let aliases = |src: &str| -> Vec<(String, Option<String>)> {
        decl(src)
            .return_clause
            .iter()
            .map(|p| (format!("{:?}", p.expr.kind), p.alias.clone()))
            .collect()
    };
    assert_eq!(
        decl(&with_return("$p.name asx", "")).return_clause[0]
            .alias
            .as_deref(),
        Some("x")
    );
    assert_eq!(
        decl(&with_return("$p.name assets", "")).return_clause[0]
            .alias
            .as_deref(),
        Some("sets")
    );
    let truex = decl(&with_return("truex", "")).return_clause;
    assert_eq!(truex.len(), 2);
    assert_eq!(truex[0].expr.kind, ExprKind::Literal(Literal::Bool(true)));
    assert_eq!(truex[1].expr.kind, ExprKind::AliasRef("x".into()));
    let two = aliases(&with_return("$p.name as", ""));
    assert_eq!(two.len(), 2);
    assert_eq!(two[1], ("AliasRef(\"as\")".to_owned(), None));
}

#[test]
fn e07_true_prefix() {
    let (_, msg) = syntax(&with_match("$p: Person $p.active = trueish"));
    assert!(msg.starts_with("expected "), "{msg}");
}

#[test]
fn e08_e10_edge_identifiers() {
    let d = decl(&with_match("$a: Person $b: Person $a contains $b"));
    assert!(matches!(&d.match_clause[2], Clause::Traversal(t) if t.edge_name == "contains"));
    let d = decl(&with_match(
        r#"$a: Person $a contains "x" $p.tags contains $t"#,
    ));
    assert!(matches!(&d.match_clause[1], Clause::Filter(f) if f.op == CompOp::Contains));
    assert!(matches!(&d.match_clause[2], Clause::Filter(f) if f.op == CompOp::Contains));
    for clause in ["$a not_knows $b", "$a not $b", "$a not{1,2} $b"] {
        let (_, msg) = syntax(&with_match(clause));
        assert_eq!(
            msg,
            "expected a comparison operator (`=`, `!=`, `<`, `<=`, `>` or `>=`) or an edge name, found `not`"
                .replace("found `not`", &format!("found `{}`", &clause[3..].split(|c: char| !c.is_ascii_alphanumeric() && c != '_').next().unwrap_or(""))),
            "{clause}"
        );
    }
    for edge in ["nothing", "notknows", "_", "not2", "KNOWS_x"] {
        let src = with_match(&format!("$a {edge} $b"));
        if edge.starts_with(|c: char| c.is_ascii_uppercase()) {
            assert!(parse_query(&src).is_err());
        } else {
            let d = decl(&src);
            assert!(matches!(&d.match_clause[0], Clause::Traversal(t) if t.edge_name == edge));
        }
    }
    // `$a = $b` and `$a > 3` are filters (no edge name can start with an operator).
    let d = decl(&with_match("$a = $b $a > 3"));
    assert!(
        d.match_clause
            .iter()
            .all(|c| matches!(c, Clause::Filter(_)))
    );
    // `nothing > 1` is a filter on the alias reference `nothing`, not a negation.
    let d = decl(&with_match("nothing > 1"));
    assert!(
        matches!(&d.match_clause[0], Clause::Filter(f) if f.left.kind == ExprKind::AliasRef("nothing".into()))
    );
}

#[test]
fn e11_e12_trivia_between_tokens() {
    let d = decl(
        "query q ( $v : Vector ( 3 ) ? ) @description ( \"x\" ) { match { $p : Person $p . name = now ( ) $a knows { 1 , 3 } $b count ( $p ) > 1 } return { $p } }",
    );
    assert_eq!(d.params[0].type_name, "Vector(3)");
    assert!(d.params[0].nullable);
    assert_eq!(d.description.as_deref(), Some("x"));
    assert!(
        matches!(&d.match_clause[2], Clause::Traversal(t) if (t.min_hops, t.max_hops) == (1, Some(3)))
    );
    let d = decl(&with_match("$p: Person $p knows $f $f.age > 3"));
    assert_eq!(d.match_clause.len(), 3);
}

#[test]
fn e13_e15_rank_functions_placement() {
    let src = "query similar($q: Vector(3)) {\nmatch { $d: Doc }\nreturn { $d.id }\norder { nearest($d.embedding, $q) desc }\nlimit 5\n}\n";
    assert_eq!(
        parse_err(src),
        "parse error:  --> 4:31\n  |\n4 | order { nearest($d.embedding, $q) desc }\n  |                               ^---\n  |\n  = expected `nearest(…)`, `now()`, `search(…)`, `fuzzy(…)`, `match_text(…)`, `bm25(…)`, `rrf(…)`, a property access (`$var.property`), or an aggregate (`count`, `sum`, `avg`, `min` or `max`), found `$q`"
    );
    assert!(
        parse_query(&with_return(
            "$p",
            "order { nearest($p.e, $x) asc } limit 1"
        ))
        .is_err()
    );
    let d = decl(&with_return(
        "$p",
        "order { rrf(nearest($p.e, $x), bm25($p.n, $x)) desc, bm25($p.n, $x) desc, $p.a asc, $p.b } limit 1",
    ));
    let dirs: Vec<bool> = d.order_clause.iter().map(|o| o.descending).collect();
    assert_eq!(dirs, [true, true, false, false]);
    for clause in [
        "bm25($p.name, $x)",
        "nearest($p.e, $x)",
        "rrf(bm25($p.n, $x), bm25($p.n, $x))",
    ] {
        let (_, msg) = syntax(&with_match(&format!("$p: Person {clause}")));
        assert!(
            msg.starts_with("expected a comparison operator"),
            "{clause}: {msg}"
        );
    }
}

#[test]
fn e16_text_search_desugaring() {
    let d = decl(&with_match(
        "$p: Person search($p.name, $x) fuzzy($p.name, $x, 2)",
    ));
    for clause in &d.match_clause[1..] {
        let Clause::Filter(f) = clause else {
            panic!("{clause:?}")
        };
        assert_eq!(f.op, CompOp::Eq);
        assert_eq!(f.right.kind, ExprKind::Literal(Literal::Bool(true)));
    }
    let d = decl(&with_match("$p: Person search($p.name, $x) = false"));
    assert!(
        matches!(&d.match_clause[1], Clause::Filter(f) if f.right.kind == ExprKind::Literal(Literal::Bool(false)))
    );
    let d = decl(&with_match("$p: Person bm25($p.name, $x) > 0.5"));
    assert!(
        matches!(&d.match_clause[1], Clause::Filter(f) if matches!(f.left.kind, ExprKind::Bm25 { .. }))
    );
}

#[test]
fn e17_e22_rejected_literals_and_operators() {
    let d = decl(&with_match("$p.name = null"));
    assert!(
        matches!(&d.match_clause[0], Clause::Filter(f) if f.right.kind == ExprKind::AliasRef("null".into()))
    );
    for clause in [
        "$p: Person { name: null }",
        "$p: Person { name: x }",
        "$p.age > -1",
        "$p.age > 1.",
        "$p.age > .5",
        "$p.age > 1e3",
        "$p.age == 3",
        "$p.age => 3",
        "$p.age <> 3",
        "$p.a = TRUE",
        "$p.a = True",
        "$p: Person {}",
        "$p: Person count(*) > 1",
        "$p.name = 'x'",
        "$café: Person",
    ] {
        assert!(
            matches!(parse_query(&with_match(clause)), Err(QueryError::Syntax(_))),
            "{clause}"
        );
    }
    assert!(parse_query("MATCH").is_err());
    assert!(parse_query("Query q() { match { $p: Person } return { $p } }").is_err());
    // `1.5e3`: `1.5` is taken, then `e3` starts a filter that has no operator.
    assert_eq!(
        syntax(&with_match("$p: Person $p.age >= 1.5e3")).1,
        "expected a comparison operator (`=`, `!=`, `<`, `<=`, `>` or `>=`), found `}`"
    );
}

#[test]
fn e23_e29_strings_comments_and_line_endings() {
    let lit = |s: &str| -> Literal {
        let d = decl(&with_match(&format!("$p.name = {s}")));
        let Clause::Filter(f) = &d.match_clause[0] else {
            panic!()
        };
        let ExprKind::Literal(l) = &f.right.kind else {
            panic!()
        };
        l.clone()
    };
    assert_eq!(lit("\"a\tb\nc\""), Literal::String("a\tb\nc".into()));
    assert_eq!(
        lit(r#""q\"\\\n\r\t""#),
        Literal::String("q\"\\\n\r\t".into())
    );
    assert_eq!(lit("\"a // b\""), Literal::String("a // b".into()));
    assert_eq!(lit("\"é ☃\""), Literal::String("é ☃".into()));
    assert_eq!(lit("date(\"banana\")"), Literal::Date("banana".into()));
    assert_eq!(
        lit("datetime ( \"x\\n\" )"),
        Literal::DateTime("x\n".into())
    );
    assert_eq!(lit("007"), Literal::Integer(7));
    assert_eq!(lit("1.50"), Literal::Float(1.5));
    assert_eq!(
        lit("[1, [2.5], []]"),
        Literal::List(vec![
            Literal::Integer(1),
            Literal::List(vec![Literal::Float(2.5)]),
            Literal::List(vec![]),
        ])
    );
    for (esc, shown) in [
        (r"\u00e9", r"\u"),
        (r"\'", r"\'"),
        (r"\0", r"\0"),
        ("\\\u{e9}", "\\\u{e9}"),
    ] {
        assert_eq!(
            parse_err(&with_match(&format!("$p.name = \"{esc}\""))),
            format!("parse error: parse error: unsupported escape sequence: {shown}")
        );
    }
    // A non-nesting block comment: `c */` is then code.
    assert!(parse_query(&with_match("/* a /* b */ $p: Person")).is_ok());
    assert!(parse_query(&with_match("/* a /* b */ c */ $p: Person")).is_err());
    // CRLF: CR is whitespace, and a CRLF counts as one line break in positions.
    let crlf = "query q() {\r\n  match { $p: Person }\r\n  return { $p }\r\n}\r\n";
    assert_eq!(parse_ok(crlf).queries.len(), 1);
    assert_eq!(syntax("query q() {\r\n  match { }\r\n").0, "2:11");
}

#[test]
fn e27_e28_unterminated_comment_and_bom() {
    let src = format!("query q() {{ {M} {R} }} /* unterminated");
    assert_eq!(
        parse_err(&src),
        "parse error:  --> 1:50\n  |\n1 | query q() { match { $p: Person } return { $p } } /* unterminated\n  |                                                  ^---\n  |\n  = expected end of input or a query declaration (`query name(…) { … }`), found `/*`, an unterminated block comment (no closing `*/`)"
    );
    assert_eq!(
        parse_err("\u{FEFF}query q() { match { $p: Person } return { $p } }"),
        "parse error:  --> 1:1\n  |\n1 | \u{FEFF}query q() { match { $p: Person } return { $p } }\n  | ^---\n  |\n  = expected a query declaration (`query name(…) { … }`), found a byte order mark (U+FEFF), which is not allowed"
    );
}

#[test]
fn e30_nullable_parameter_quirk() {
    let nullable = |params: &str| -> Vec<(String, bool)> {
        decl(&format!("query q({params}) {{ {M} {R} }}"))
            .params
            .into_iter()
            .map(|p| (p.type_name, p.nullable))
            .collect()
    };
    assert_eq!(nullable("$a: String?"), [("String".into(), true)]);
    assert_eq!(nullable("$a: String ?"), [("String".into(), true)]);
    assert_eq!(
        nullable("$a: [ Date ] ?, $b: I32"),
        [("[Date]".into(), true), ("I32".into(), false)]
    );
    assert_eq!(
        nullable("$a: String /* ? */ , $b: Bool"),
        [("String".into(), false), ("Bool".into(), false)]
    );
    assert_eq!(nullable("$a: String // why?\n"), [("String".into(), true)]);
    assert_eq!(
        nullable("$a: String // why?\r\n, $b: I64"),
        [("String".into(), true), ("I64".into(), false)]
    );
    assert_eq!(
        nullable("$v: Vector( 007 )"),
        [("Vector(007)".into(), false)]
    );
    assert_eq!(
        nullable("$a: DateTime, $b: Date"),
        [("DateTime".into(), false), ("Date".into(), false)]
    );
    // The comment makes the type display as nullable in messages.
    assert_eq!(
        tc("query q($a: I64 // why?\n) { insert Person { name: $a } }"),
        Err(
            "type error: T7: cannot assign/compare I64? with String for property `name`".to_owned()
        )
    );
}

#[test]
fn e34_e43_declaration_shapes() {
    for params in [
        "$a: [String?]",
        "$a: [[String]]",
        "$a: [Vector(3)]",
        "$a: enum(x)",
        "$a: String,",
        "$a: Strings",
        "$a: I32 $b: I32",
        "$A: I32",
        "$1: I32",
        "$ a: I32",
    ] {
        assert!(
            parse_query(&format!("query q({params}) {{ {M} {R} }}")).is_err(),
            "{params}"
        );
    }
    for tail in ["order { $p.a, }", "limit 5 order { $p.a }", "order { }"] {
        assert!(parse_query(&with_return("$p", tail)).is_err(), "{tail}");
    }
    assert!(parse_query(&with_match("$p.tags contains [1, 2,]")).is_err());
    // Trailing commas allowed in prop matches, projections and assignments.
    assert!(parse_query(&with_match("$p: Person { name: \"a\", }")).is_ok());
    assert!(parse_query(&with_return("$p, $p.name,", "")).is_ok());
    assert!(parse_query("query q() { insert Person { name: \"a\", age: 1, } }").is_ok());
    // Projections need no separator at all.
    assert_eq!(
        decl(&with_return("$p $p.name 1", "")).return_clause.len(),
        3
    );
    // Annotations: any order, each at most once, space allowed before `(` but not after `@`.
    let d = decl(&format!(
        "query q() @instruction(\"i\") @description (\"d\\n\") {{ {M} {R} }}"
    ));
    assert_eq!(
        (d.description.as_deref(), d.instruction.as_deref()),
        (Some("d\n"), Some("i"))
    );
    assert!(parse_query(&format!("query q() @ description(\"d\") {{ {M} {R} }}")).is_err());
    let empty = decl(&format!("query q() @description(\"\") {{ {M} {R} }}"));
    assert_eq!(empty.description.as_deref(), Some(""));
}

#[test]
fn e40_e46_file_level() {
    assert_eq!(
        syntax(&format!("query q() {{ {M} {R} }} garbage")).0,
        "1:50"
    );
    let two = parse_ok(&format!(
        "query a() {{ {M} {R} }}\nquery a() {{ {M} return {{ $p.name }} }}"
    ));
    assert_eq!(two.queries.len(), 2);
    assert_eq!(two.queries[0].name, "a");
    // A syntax error in any declaration fails the whole file.
    assert!(parse_query(&format!("query a() {{ {M} {R} }}\nquery b() {{ {M} }}")).is_err());
}

#[test]
fn e48_e52_numbers_and_predicates() {
    assert_eq!(
        parse_err(&with_return("$p", "limit 18446744073709551616")),
        "parse error: parse error: invalid limit: number too large to fit in target type"
    );
    assert_eq!(
        decl(&with_return("$p", "limit 18446744073709551615")).limit,
        Some(u64::MAX)
    );
    assert_eq!(
        parse_err(&with_match("$p.age = 9223372036854775808")),
        "parse error: parse error: invalid integer: number too large to fit in target type"
    );
    assert!(parse_query(&with_match("$p.age = 9223372036854775807")).is_ok());
    assert_eq!(
        parse_err(&with_match("$a knows{4294967296,1} $b")),
        "parse error: parse error: invalid traversal min bound: number too large to fit in target type"
    );
    assert_eq!(
        parse_err(&with_match("$a knows{1,4294967296} $b")),
        "parse error: parse error: invalid traversal max bound: number too large to fit in target type"
    );
    let d = decl(&with_match("$a knows{4294967295,} $b $a knows $c"));
    assert!(
        matches!(&d.match_clause[0], Clause::Traversal(t) if (t.min_hops, t.max_hops) == (u32::MAX, None))
    );
    assert!(
        matches!(&d.match_clause[1], Clause::Traversal(t) if (t.min_hops, t.max_hops) == (1, Some(1)))
    );
    // Floats never fail, even absurdly long ones.
    let long = format!("{}.5", "9".repeat(400));
    assert!(parse_query(&with_match(&format!("$p.age = {long}"))).is_ok());
    for pred in [
        "where a = 1 and b = 2",
        "where tags contains $x",
        "where age > $x.y",
    ] {
        assert!(
            parse_query(&format!("query q() {{ delete Person {pred} }}")).is_err(),
            "{pred}"
        );
    }
}
