//! Helpers shared by the schema-language test modules: compile a source, expect it accepted or
//! rejected (with the exact text for semantic errors, the position and words for syntax errors),
//! and build expected values.

pub use omnigraph_lang::schema::{
    Cardinality, Catalog, CheckConstraint, ConstraintKind, ConstraintOrigin, Declaration, NodeDecl,
    PropType, RangeBound, RangeConstraint, ScalarType, SchemaError, SchemaFile, build_catalog,
    parse_schema,
};

/// Parse and build; the full error Display text on failure.
pub fn compile(src: &str) -> Result<(SchemaFile, Catalog), String> {
    let file = parse_schema(src).map_err(|e| e.to_string())?;
    let catalog = build_catalog(&file).map_err(|e| e.to_string())?;
    Ok((file, catalog))
}

#[track_caller]
pub fn accept(src: &str) -> (SchemaFile, Catalog) {
    match compile(src) {
        Ok(both) => both,
        Err(message) => panic!("expected {src:?} to be accepted, got:\n{message}"),
    }
}

#[track_caller]
pub fn catalog(src: &str) -> Catalog {
    accept(src).1
}

#[track_caller]
pub fn reject(src: &str) -> String {
    match compile(src) {
        Ok(_) => panic!("expected {src:?} to be rejected"),
        Err(message) => message,
    }
}

/// A semantic rejection: the exact Display text.
#[track_caller]
pub fn rejects_with(src: &str, expected: &str) {
    assert_eq!(reject(src), expected, "input: {src:?}");
}

/// A syntax rejection at `line:column`; returns the report for further checks.
#[track_caller]
pub fn syntax_error_at(src: &str, position: &str) -> String {
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
pub fn syntax_error(src: &str, position: &str, words: &[&str]) {
    let text = syntax_error_at(src, position);
    for w in words {
        assert!(
            text.contains(w),
            "input {src:?}: report lacks {w:?}:\n{text}"
        );
    }
}

#[track_caller]
pub fn node<'a>(file: &'a SchemaFile, name: &str) -> &'a NodeDecl {
    file.nodes()
        .find(|n| n.name == name)
        .unwrap_or_else(|| panic!("no node {name}"))
}

pub fn t(scalar: ScalarType) -> PropType {
    PropType {
        scalar,
        nullable: false,
        list: false,
        enum_values: None,
    }
}

pub fn nullable(scalar: ScalarType) -> PropType {
    PropType {
        nullable: true,
        ..t(scalar)
    }
}

pub fn names(lists: &[&[&str]]) -> Vec<Vec<String>> {
    lists
        .iter()
        .map(|l| l.iter().map(|s| s.to_string()).collect())
        .collect()
}
