//! §8.8: the complete example and the catalog it specifies.

use crate::support::*;

pub const EXAMPLE: &str = r#"
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
