//! Parse-stage validation after interface resolution: annotations (schema-language.md §6.1–§6.2,
//! phase 4, rules N1–N6 and P1–P16) and constraints (§6.3, phase 5, rules C1–C16). Each phase
//! walks the whole file before the next starts, so an annotation error anywhere beats a constraint
//! error anywhere.

use super::ast::{
    Annotation, Constraint, ConstraintKind, Declaration, Property, PropertyIndex, SchemaFile,
};
use super::catalog::{CheckConstraint, PropType, RangeConstraint, ScalarType};

/// Annotations that only make sense on a property (or as a body constraint).
fn is_property_only(name: &str) -> bool {
    matches!(name, "key" | "unique" | "index" | "embed")
}

/// Phase 4: header and property annotations, declarations in file order.
pub(crate) fn check_annotations(file: &SchemaFile) -> Result<(), String> {
    for decl in &file.declarations {
        match decl {
            Declaration::Interface(_) => {}
            Declaration::Node(node) => {
                if let Some(a) = node.annotations.iter().find(|a| is_property_only(&a.name)) {
                    return Err(format!(
                        "@{} is only supported on node properties or as body constraint (node {})",
                        a.name, node.name
                    ));
                }
                let target = || format!("node {}", node.name);
                check_text_annotation(&node.annotations, "description", target)?;
                check_text_annotation(&node.annotations, "instruction", target)?;
                check_properties(&node.name, &node.properties, false)?;
            }
            Declaration::Edge(edge) => {
                if let Some(a) = edge.annotations.iter().find(|a| is_property_only(&a.name)) {
                    return Err(format!(
                        "@{} is not supported on edges (edge {})",
                        a.name, edge.name
                    ));
                }
                let target = || format!("edge {}", edge.name);
                check_text_annotation(&edge.annotations, "description", target)?;
                check_text_annotation(&edge.annotations, "instruction", target)?;
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
    target: impl Fn() -> String,
) -> Result<(), String> {
    for (seen, annotation) in annotations.iter().filter(|a| a.is(name)).enumerate() {
        if seen > 0 {
            return Err(format!("{} declares @{name} multiple times", target()));
        }
        if annotation
            .value
            .as_deref()
            .is_none_or(|v| v.trim().is_empty())
        {
            return Err(format!(
                "@{name} on {} requires a non-empty value",
                target()
            ));
        }
    }
    Ok(())
}

fn check_properties(owner: &str, properties: &[Property], edge: bool) -> Result<(), String> {
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
) -> Result<(), String> {
    let p = &property.name;
    check_text_annotation(&property.annotations, "description", || {
        format!("property {owner}.{p}")
    })?;
    let ty = &property.prop_type;
    let is_vector = matches!(ty.scalar, ScalarType::Vector(_));
    let mut seen: Vec<&str> = Vec::new();
    for annotation in &property.annotations {
        let ann = annotation.name.as_str();
        let structural = is_property_only(ann);
        if ty.list && structural {
            return Err(format!(
                "@{ann} is not supported on list property {owner}.{p}"
            ));
        }
        if is_vector && matches!(ann, "key" | "unique") {
            return Err(format!(
                "@{ann} is not supported on vector property {owner}.{p}"
            ));
        }
        if ty.scalar == ScalarType::Blob && structural {
            return Err(format!(
                "@{ann} is not supported on blob property {owner}.{p}"
            ));
        }
        if ann == "instruction" {
            return Err(format!(
                "@instruction is only supported on node and edge types (property {owner}.{p})"
            ));
        }
        if edge && matches!(ann, "key" | "embed") {
            return Err(format!(
                "@{ann} is not supported on edge properties (edge {owner}.{p})"
            ));
        }
        if !structural {
            continue;
        }
        if seen.contains(&ann) {
            return Err(format!(
                "property {owner}.{p} declares @{ann} multiple times"
            ));
        }
        seen.push(ann);
        if ann == "embed" {
            check_embed(owner, property, annotation, by_name)?;
        }
    }
    Ok(())
}

/// Rows (h)–(l): `@embed(src)` on a vector, naming a non-list String property of the same type.
fn check_embed(
    owner: &str,
    property: &Property,
    annotation: &Annotation,
    by_name: &PropertyIndex<'_>,
) -> Result<(), String> {
    let p = &property.name;
    if !matches!(property.prop_type.scalar, ScalarType::Vector(_)) {
        return Err(format!(
            "@embed is only supported on vector properties ({owner}.{p})"
        ));
    }
    let Some(source) = annotation.value.as_deref() else {
        return Err(format!(
            "@embed on {owner}.{p} requires a source property name"
        ));
    };
    if source.trim().is_empty() {
        return Err(format!(
            "@embed on {owner}.{p} requires a non-empty source property name"
        ));
    }
    let Some(source_property) = by_name.get(source) else {
        return Err(format!(
            "@embed on {owner}.{p} references unknown source property {source}"
        ));
    };
    let source_type = &source_property.prop_type;
    if source_type.list || source_type.scalar != ScalarType::String {
        return Err(format!(
            "@embed source property {owner}.{source} must be String"
        ));
    }
    Ok(())
}

/// Phase 5: every node's and edge's constraints, declarations in file order.
pub(crate) fn check_constraints(file: &SchemaFile) -> Result<(), String> {
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
}

fn check_owner_constraints(
    owner: &str,
    properties: &[Property],
    constraints: &[Constraint],
    edge: bool,
) -> Result<(), String> {
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
                check_key(&owner, columns, keys)?;
            }
            ConstraintKind::Unique(columns) => check_unique(&owner, columns)?,
            ConstraintKind::Index(columns) => check_index(&owner, columns)?,
            ConstraintKind::Range(range) => check_range(&owner, range)?,
            ConstraintKind::Check(check) => check_check(&owner, check)?,
        }
    }
    Ok(())
}

/// C1–C7: a node's one key (`nth` counts the keys met so far) of known, non-nullable, scalar
/// columns.
fn check_key(owner: &Owner<'_>, columns: &[String], nth: usize) -> Result<(), String> {
    let name = owner.name;
    if owner.edge {
        return Err(format!(
            "@key constraint is not supported on edges (edge {name})"
        ));
    }
    if nth > 1 {
        return Err(format!(
            "node type {name} has multiple @key constraints; only one is supported"
        ));
    }
    for c in columns {
        let Some(ty) = owner.type_of(c) else {
            return Err(format!("@key on {name} references unknown property '{c}'"));
        };
        if ty.nullable {
            return Err(format!("@key property {name}.{c} cannot be nullable"));
        }
        let kind = if ty.list {
            "list"
        } else if matches!(ty.scalar, ScalarType::Vector(_)) {
            "vector"
        } else if ty.scalar == ScalarType::Blob {
            "blob"
        } else {
            continue;
        };
        return Err(format!(
            "@key is not supported on {kind} property {name}.{c}"
        ));
    }
    Ok(())
}

/// C8: known columns (an edge's endpoints count).
fn check_unique(owner: &Owner<'_>, columns: &[String]) -> Result<(), String> {
    for c in columns {
        if !owner.endpoint(c) && owner.type_of(c).is_none() {
            return Err(format!(
                "@unique on {} references unknown property '{c}'",
                owner.name
            ));
        }
    }
    Ok(())
}

/// C9–C10: known columns (an edge's endpoints count), none a Blob.
fn check_index(owner: &Owner<'_>, columns: &[String]) -> Result<(), String> {
    for c in columns {
        if owner.endpoint(c) {
            continue;
        }
        let Some(ty) = owner.type_of(c) else {
            return Err(format!(
                "@index on {} references unknown property '{c}'",
                owner.name
            ));
        };
        if ty.scalar == ScalarType::Blob {
            return Err(format!(
                "@index is not supported on blob property {}.{c}",
                owner.name
            ));
        }
    }
    Ok(())
}

/// C11–C13: on a node, a known numeric property.
fn check_range(owner: &Owner<'_>, range: &RangeConstraint) -> Result<(), String> {
    let name = owner.name;
    if owner.edge {
        return Err(format!(
            "@range constraint is not supported on edges (edge {name})"
        ));
    }
    let p = &range.property;
    let Some(ty) = owner.type_of(p) else {
        return Err(format!(
            "@range on {name} references unknown property '{p}'"
        ));
    };
    if !ty.scalar.is_numeric() {
        return Err(format!(
            "@range on {name}.{p} requires a numeric type, got {}",
            ty.display_name()
        ));
    }
    Ok(())
}

/// C14–C16: on a node, a known String property.
fn check_check(owner: &Owner<'_>, check: &CheckConstraint) -> Result<(), String> {
    let name = owner.name;
    if owner.edge {
        return Err(format!(
            "@check constraint is not supported on edges (edge {name})"
        ));
    }
    let p = &check.property;
    let Some(ty) = owner.type_of(p) else {
        return Err(format!(
            "@check on {name} references unknown property '{p}'"
        ));
    };
    if ty.scalar != ScalarType::String {
        return Err(format!(
            "@check on {name}.{p} requires String type, got {}",
            ty.display_name()
        ));
    }
    Ok(())
}
