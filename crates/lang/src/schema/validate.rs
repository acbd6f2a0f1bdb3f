//! Parse-stage validation after interface resolution: annotations (schema-language.md §6.1–§6.2,
//! phase 4, rules N1–N6 and P1–P16) and constraints (§6.3, phase 5, rules C1–C16). Each phase
//! walks the whole file before the next starts, so an annotation error anywhere beats a constraint
//! error anywhere. An annotation error points at the annotation; a constraint error at the
//! column it is about, or else the whole constraint.

use super::ast::{
    Annotation, Constraint, ConstraintKind, Declaration, Property, PropertyIndex, SchemaFile, Span,
};
use super::catalog::{PropType, ScalarType};
use crate::error::ErrorDetail;

type Checked = Result<(), ErrorDetail>;

/// An error of `rule` pointing at `span`.
fn error(rule: &'static str, span: Span, message: String) -> ErrorDetail {
    ErrorDetail::new(message).with_rule(rule).at(span)
}

/// Annotations that only make sense on a property (or as a body constraint).
fn is_property_only(name: &str) -> bool {
    matches!(name, "key" | "unique" | "index" | "embed")
}

/// The rules of a repeated and of a blank `@description`/`@instruction`, by where it is written.
struct TextRules {
    description: (&'static str, &'static str),
    instruction: (&'static str, &'static str),
}

/// N3/N4 and N5/N6: on a node or an edge.
const HEADER: TextRules = TextRules {
    description: ("N3", "N4"),
    instruction: ("N5", "N6"),
};

/// P1/P2: `@description` on a property (`@instruction` is P6 there, checked apart).
const PROPERTY: TextRules = TextRules {
    description: ("P1", "P2"),
    instruction: ("P6", "P6"),
};

/// Phase 4: header and property annotations, declarations in file order.
pub(crate) fn check_annotations(file: &SchemaFile) -> Checked {
    for decl in &file.declarations {
        match decl {
            Declaration::Interface(_) => {}
            Declaration::Node(node) => {
                if let Some(a) = node.annotations.iter().find(|a| is_property_only(&a.name)) {
                    let message = format!(
                        "@{} is only supported on node properties or as body constraint (node {})",
                        a.name, node.name
                    );
                    return Err(error("N1", a.span, message));
                }
                let target = || format!("node {}", node.name);
                check_text_annotation(&node.annotations, "description", &HEADER, target)?;
                check_text_annotation(&node.annotations, "instruction", &HEADER, target)?;
                check_properties(&node.name, &node.properties, false)?;
            }
            Declaration::Edge(edge) => {
                if let Some(a) = edge.annotations.iter().find(|a| is_property_only(&a.name)) {
                    let message =
                        format!("@{} is not supported on edges (edge {})", a.name, edge.name);
                    return Err(error("N2", a.span, message));
                }
                let target = || format!("edge {}", edge.name);
                check_text_annotation(&edge.annotations, "description", &HEADER, target)?;
                check_text_annotation(&edge.annotations, "instruction", &HEADER, target)?;
                check_properties(&edge.name, &edge.properties, true)?;
            }
        }
    }
    Ok(())
}

/// `@description` / `@instruction`: at most once, with a non-blank value. `target` names the
/// owner in messages (built only on error: this runs for every property).
fn check_text_annotation(
    annotations: &[Annotation],
    name: &str,
    rules: &TextRules,
    target: impl Fn() -> String,
) -> Checked {
    let (repeated, blank) = if name == "description" {
        rules.description
    } else {
        rules.instruction
    };
    for (seen, annotation) in annotations.iter().filter(|a| a.is(name)).enumerate() {
        if seen > 0 {
            let message = format!("{} declares @{name} multiple times", target());
            return Err(error(repeated, annotation.span, message));
        }
        if annotation
            .value
            .as_deref()
            .is_none_or(|v| v.trim().is_empty())
        {
            let message = format!("@{name} on {} requires a non-empty value", target());
            return Err(error(blank, annotation.span, message));
        }
    }
    Ok(())
}

fn check_properties(owner: &str, properties: &[Property], edge: bool) -> Checked {
    let by_name = PropertyIndex::first(properties);
    for property in properties {
        check_property(owner, property, &by_name, edge)?;
    }
    Ok(())
}

/// §6.2: the first matching row (a)–(l) of the table, annotation by annotation.
fn check_property(
    owner: &str,
    property: &Property,
    by_name: &PropertyIndex<'_>,
    edge: bool,
) -> Checked {
    let p = &property.name;
    check_text_annotation(&property.annotations, "description", &PROPERTY, || {
        format!("property {owner}.{p}")
    })?;
    let ty = &property.prop_type;
    let is_vector = matches!(ty.scalar, ScalarType::Vector(_));
    let mut seen: Vec<&str> = Vec::new();
    for annotation in &property.annotations {
        let ann = annotation.name.as_str();
        let fail = |rule, message| Err(error(rule, annotation.span, message));
        let structural = is_property_only(ann);
        if ty.list && structural {
            return fail(
                "P3",
                format!("@{ann} is not supported on list property {owner}.{p}"),
            );
        }
        if is_vector && matches!(ann, "key" | "unique") {
            return fail(
                "P4",
                format!("@{ann} is not supported on vector property {owner}.{p}"),
            );
        }
        if ty.scalar == ScalarType::Blob && structural {
            return fail(
                "P5",
                format!("@{ann} is not supported on blob property {owner}.{p}"),
            );
        }
        if ann == "instruction" {
            return fail(
                "P6",
                format!(
                    "@instruction is only supported on node and edge types (property {owner}.{p})"
                ),
            );
        }
        if edge && matches!(ann, "key" | "embed") {
            return fail(
                "P7",
                format!("@{ann} is not supported on edge properties (edge {owner}.{p})"),
            );
        }
        if !structural {
            continue;
        }
        if seen.contains(&ann) {
            let rule = match ann {
                "key" => "P8",
                "unique" => "P9",
                "index" => "P10",
                _ => "P11",
            };
            return fail(
                rule,
                format!("property {owner}.{p} declares @{ann} multiple times"),
            );
        }
        seen.push(ann);
        if ann == "embed" {
            check_embed(owner, property, annotation, by_name)?;
        }
    }
    Ok(())
}

/// Rows (h)–(l), P12–P16: `@embed(src)` on a vector, naming a non-list String property of the
/// same type.
fn check_embed(
    owner: &str,
    property: &Property,
    annotation: &Annotation,
    by_name: &PropertyIndex<'_>,
) -> Checked {
    let p = &property.name;
    let fail = |rule, message| Err(error(rule, annotation.span, message));
    if !matches!(property.prop_type.scalar, ScalarType::Vector(_)) {
        return fail(
            "P12",
            format!("@embed is only supported on vector properties ({owner}.{p})"),
        );
    }
    let Some(source) = annotation.value.as_deref() else {
        return fail(
            "P13",
            format!("@embed on {owner}.{p} requires a source property name"),
        );
    };
    if source.trim().is_empty() {
        return fail(
            "P14",
            format!("@embed on {owner}.{p} requires a non-empty source property name"),
        );
    }
    let Some(source_property) = by_name.get(source) else {
        let message = format!("@embed on {owner}.{p} references unknown source property {source}");
        return Err(error("P15", annotation.span, message)
            .suggesting(source, by_name.names().filter(|n| *n != p.as_str())));
    };
    let source_type = &source_property.prop_type;
    if source_type.list || source_type.scalar != ScalarType::String {
        return fail(
            "P16",
            format!("@embed source property {owner}.{source} must be String"),
        );
    }
    Ok(())
}

/// Phase 5: every node's and edge's constraints, declarations in file order.
pub(crate) fn check_constraints(file: &SchemaFile) -> Checked {
    for decl in &file.declarations {
        match decl {
            Declaration::Interface(_) => {}
            Declaration::Node(node) => {
                check_owner_constraints(&node.name, &node.properties, &node.constraints, false)?
            }
            Declaration::Edge(edge) => {
                check_owner_constraints(&edge.name, &edge.properties, &edge.constraints, true)?
            }
        }
    }
    Ok(())
}

/// A node or edge whose constraints are checked: its name, kind and properties by name.
struct Owner<'a> {
    name: &'a str,
    edge: bool,
    /// A name declared twice: the last declaration is the one consulted.
    by_name: PropertyIndex<'a>,
}

impl Owner<'_> {
    fn type_of(&self, column: &str) -> Option<&PropType> {
        self.by_name.get(column).map(|p| &p.prop_type)
    }

    /// An edge's `src`/`dst`, which `@unique` and `@index` may name without declaring them.
    fn endpoint(&self, column: &str) -> bool {
        self.edge && matches!(column, "src" | "dst")
    }

    /// C3, C8, C9, C12, C15: `@kind` names a column that is not a property, at `span`.
    fn unknown(&self, rule: &'static str, kind: &str, column: &str, span: Span) -> ErrorDetail {
        let message = format!(
            "@{kind} on {} references unknown property '{column}'",
            self.name
        );
        let endpoints = ["src", "dst"].into_iter().filter(|_| self.edge);
        let names = self.by_name.names().chain(endpoints);
        error(rule, span, message).suggesting(column, names)
    }

    /// C1, C11, C14: a node-only constraint on an edge.
    fn node_only(&self, rule: &'static str, constraint: &Constraint) -> Checked {
        if !self.edge {
            return Ok(());
        }
        let message = format!(
            "@{} constraint is not supported on edges (edge {})",
            constraint.kind.name(),
            self.name
        );
        Err(error(rule, constraint.span, message))
    }
}

fn check_owner_constraints(
    owner: &str,
    properties: &[Property],
    constraints: &[Constraint],
    edge: bool,
) -> Checked {
    if constraints.is_empty() {
        return Ok(());
    }
    let owner = Owner {
        name: owner,
        edge,
        by_name: PropertyIndex::last(properties),
    };
    let mut keys = 0;
    for constraint in constraints {
        match &constraint.kind {
            ConstraintKind::Key(columns) => {
                keys += 1;
                check_key(&owner, constraint, columns, keys)?;
            }
            ConstraintKind::Unique(columns) => check_unique(&owner, constraint, columns)?,
            ConstraintKind::Index(columns) => check_index(&owner, constraint, columns)?,
            ConstraintKind::Range(range) => check_range(&owner, constraint, &range.property)?,
            ConstraintKind::Check(check) => check_check(&owner, constraint, &check.property)?,
        }
    }
    Ok(())
}

/// C1–C7: a node's one key (`nth` counts the keys met so far) of known, non-nullable, scalar
/// columns.
fn check_key(
    owner: &Owner<'_>,
    constraint: &Constraint,
    columns: &[String],
    nth: usize,
) -> Checked {
    let name = owner.name;
    owner.node_only("C1", constraint)?;
    if nth > 1 {
        let message =
            format!("node type {name} has multiple @key constraints; only one is supported");
        return Err(error("C2", constraint.span, message));
    }
    for (i, c) in columns.iter().enumerate() {
        let span = constraint.arg_span(i);
        let Some(ty) = owner.type_of(c) else {
            return Err(owner.unknown("C3", "key", c, span));
        };
        if ty.nullable {
            let message = format!("@key property {name}.{c} cannot be nullable");
            return Err(error("C4", span, message));
        }
        let (rule, kind) = if ty.list {
            ("C5", "list")
        } else if matches!(ty.scalar, ScalarType::Vector(_)) {
            ("C6", "vector")
        } else if ty.scalar == ScalarType::Blob {
            ("C7", "blob")
        } else {
            continue;
        };
        let message = format!("@key is not supported on {kind} property {name}.{c}");
        return Err(error(rule, span, message));
    }
    Ok(())
}

/// C8: known columns (an edge's endpoints count).
fn check_unique(owner: &Owner<'_>, constraint: &Constraint, columns: &[String]) -> Checked {
    for (i, c) in columns.iter().enumerate() {
        if !owner.endpoint(c) && owner.type_of(c).is_none() {
            return Err(owner.unknown("C8", "unique", c, constraint.arg_span(i)));
        }
    }
    Ok(())
}

/// C9–C10: known columns (an edge's endpoints count), none a Blob.
fn check_index(owner: &Owner<'_>, constraint: &Constraint, columns: &[String]) -> Checked {
    for (i, c) in columns.iter().enumerate() {
        if owner.endpoint(c) {
            continue;
        }
        let span = constraint.arg_span(i);
        let Some(ty) = owner.type_of(c) else {
            return Err(owner.unknown("C9", "index", c, span));
        };
        if ty.scalar == ScalarType::Blob {
            let message = format!(
                "@index is not supported on blob property {}.{c}",
                owner.name
            );
            return Err(error("C10", span, message));
        }
    }
    Ok(())
}

/// C11–C13: on a node, a known numeric property.
fn check_range(owner: &Owner<'_>, constraint: &Constraint, p: &str) -> Checked {
    let numeric = |ty: &PropType| ty.scalar.is_numeric();
    check_typed(
        owner,
        constraint,
        p,
        ["C11", "C12", "C13"],
        numeric,
        "a numeric type",
    )
}

/// C14–C16: on a node, a known String property.
fn check_check(owner: &Owner<'_>, constraint: &Constraint, p: &str) -> Checked {
    let string = |ty: &PropType| ty.scalar == ScalarType::String;
    check_typed(
        owner,
        constraint,
        p,
        ["C14", "C15", "C16"],
        string,
        "String type",
    )
}

/// `@range`/`@check` on property `p`: only on a node (`rules[0]`), naming a known property
/// (`rules[1]`) whose type `fits` (`rules[2]`, the message saying it `requires` …).
fn check_typed(
    owner: &Owner<'_>,
    constraint: &Constraint,
    p: &str,
    rules: [&'static str; 3],
    fits: impl Fn(&PropType) -> bool,
    requires: &str,
) -> Checked {
    let kind = constraint.kind.name();
    owner.node_only(rules[0], constraint)?;
    let span = constraint.arg_span(0);
    let Some(ty) = owner.type_of(p) else {
        return Err(owner.unknown(rules[1], kind, p, span));
    };
    if !fits(ty) {
        let message = format!(
            "@{kind} on {}.{p} requires {requires}, got {}",
            owner.name,
            ty.display_name()
        );
        return Err(error(rules[2], span, message));
    }
    Ok(())
}
