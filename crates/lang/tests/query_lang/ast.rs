//! §3: AST shapes.

use crate::support::*;

#[test]
fn ast_shapes() {
    let d = decl(
        r#"query q($n: String, $v: Vector(3)) @description("d") {
            match {
                $p: Person { name: $n, age: 3, born: now() }
                $p knows{2,4} $f
                not { $f worksAt $c }
                $f.age >= 18
            }
            return { $p.name as name, count($f) as friends, nearest($p.embedding, $v) }
            order { friends desc, $p.name }
            limit 10
        }"#,
    );
    assert_eq!(d.name, "q");
    assert_eq!(d.params.len(), 2);
    assert_eq!(d.match_clause.len(), 4);
    let Clause::Binding(b) = &d.match_clause[0] else {
        panic!()
    };
    assert_eq!((b.variable.as_str(), b.type_name.as_str()), ("p", "Person"));
    assert_eq!(b.prop_matches[0].value, MatchValue::Variable("n".into()));
    assert_eq!(
        b.prop_matches[1].value,
        MatchValue::Literal(Literal::Integer(3))
    );
    assert_eq!(b.prop_matches[2].value, MatchValue::Now);
    assert!(matches!(&d.match_clause[2], Clause::Negation(n) if n.clauses.len() == 1));
    assert!(matches!(&d.match_clause[3], Clause::Filter(f) if f.op == CompOp::Ge));
    assert!(matches!(
        &d.return_clause[1].expr.kind,
        ExprKind::Aggregate {
            func: AggFunc::Count,
            ..
        }
    ));
    assert!(
        matches!(&d.return_clause[2].expr.kind, ExprKind::Nearest { variable, property, .. } if variable == "p" && property == "embedding")
    );
    assert_eq!(d.return_clause[0].alias.as_deref(), Some("name"));
    assert!(d.order_clause[0].descending && !d.order_clause[1].descending);
    assert_eq!(d.limit, Some(10));
    assert!(d.mutations.is_empty());

    let d = decl(
        r#"query m($n: String) { update Person set { age: 1 } where name != $n delete Knows where since <= date("2020-01-01") }"#,
    );
    assert!(d.match_clause.is_empty() && d.return_clause.is_empty() && d.limit.is_none());
    let Mutation::Update(u) = &d.mutations[0] else {
        panic!()
    };
    assert_eq!(
        (u.predicate.property.as_str(), u.predicate.op),
        ("name", CompOp::Ne)
    );
    let Mutation::Delete(x) = &d.mutations[1] else {
        panic!()
    };
    assert_eq!(x.predicate.op, CompOp::Le);
    assert_eq!(
        x.predicate.value,
        MatchValue::Literal(Literal::Date("2020-01-01".into()))
    );

    let d = decl(&with_return(
        "rrf(nearest($p.e, $x), bm25($p.n, $x), 60), fuzzy($p.n, $x, 2), match_text($p.n, $x), search($p.n, $x), min($p.a), max($p.a), sum($p.a), avg($p.a)",
        "",
    ));
    let kinds: Vec<String> = d
        .return_clause
        .iter()
        .map(|p| {
            format!("{:?}", p.expr.kind)
                .split([' ', '(', '{'])
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "Rrf",
            "Fuzzy",
            "MatchText",
            "Search",
            "Aggregate",
            "Aggregate",
            "Aggregate",
            "Aggregate"
        ]
    );
}
