//! Pretty-printing: the printed text of an AST parses back to it — for the example, for awkward
//! values, and as a property over generated schemas.

use crate::example::EXAMPLE;
use crate::support::*;
use omnigraph_lang::schema::{Annotation, Constraint, EdgeDecl, InterfaceDecl, Property, Span};

// Generated trees carry no spans (`Span::default()`): a tree's equality leaves spans out, so the
// re-parsed tree, whose spans are real, must still equal the generated one in everything else.
use proptest::prelude::*;

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

// ---- property: for any generated valid schema AST, printing and re-parsing gives it back -------

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
        .prop_map(|(name, value)| Annotation {
            name,
            value,
            span: Span::default(),
        })
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
                    span: Span::default(),
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
        name_span: Span::default(),
        type_span: Span::default(),
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
        .filter(|p| p.prop_type.scalar.is_numeric())
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
        span: Span::default(),
        arg_spans: Vec::new(),
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
fn node_decl(name: String, interfaces: Vec<InterfaceDecl>) -> impl Strategy<Value = Declaration> {
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
                            span: Span::default(),
                        }],
                        injected_from: None,
                        name_span: Span::default(),
                        type_span: Span::default(),
                    });
                    constraints.push(Constraint {
                        kind: ConstraintKind::Key(vec!["key_column_x".into()]),
                        origin: ConstraintOrigin::Annotation,
                        span: Span::default(),
                        arg_spans: Vec::new(),
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
                    name_span: Span::default(),
                    implements_spans: Vec::new(),
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
                    name_span: Span::default(),
                    from_span: Span::default(),
                    to_span: Span::default(),
                })
            })
        })
}

/// Interface `I{index}`; its property names (`zz_i{index}_…`, longer than any `ident()`)
/// cannot clash with a node's own or another interface's.
fn interface_decl(index: usize) -> impl Strategy<Value = InterfaceDecl> {
    properties(3).prop_map(move |properties| InterfaceDecl {
        name_span: Span::default(),
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
        for decl in &parsed.declarations {
            let (name, span) = decl.name();
            prop_assert_eq!(span.slice(&printed), name);
        }
        prop_assert!(build_catalog(&parsed).is_ok());
    }
}
