//! Pretty-printing an AST back to `.pg` source. Only what was written is printed — injected
//! interface properties and desugared annotation constraints are derived again when the text is
//! parsed — so for any AST `parse_schema` produces, parsing the printed text gives the same AST.

use std::fmt::{self, Display, Formatter, Write};

use super::ast::{
    Annotation, Constraint, ConstraintKind, ConstraintOrigin, Declaration, Property, SchemaFile,
};
use super::catalog::{Cardinality, RangeBound};

impl Display for SchemaFile {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, decl) in self.declarations.iter().enumerate() {
            if i > 0 {
                f.write_char('\n')?;
            }
            match decl {
                Declaration::Interface(interface) => {
                    writeln!(f, "interface {} {{", interface.name)?;
                    body(f, &interface.properties, &[])?;
                    f.write_str("}\n")?;
                }
                Declaration::Node(node) => {
                    write!(f, "node {}", node.name)?;
                    annotations(f, &node.annotations)?;
                    if !node.implements.is_empty() {
                        write!(f, " implements {}", node.implements.join(", "))?;
                    }
                    f.write_str(" {\n")?;
                    body(f, &node.properties, &node.constraints)?;
                    f.write_str("}\n")?;
                }
                Declaration::Edge(edge) => {
                    write!(
                        f,
                        "edge {}: {} -> {}",
                        edge.name, edge.from_type, edge.to_type
                    )?;
                    if edge.cardinality != Cardinality::default() {
                        write!(f, " @card({}..", edge.cardinality.min)?;
                        if let Some(max) = edge.cardinality.max {
                            write!(f, "{max}")?;
                        }
                        f.write_char(')')?;
                    }
                    annotations(f, &edge.annotations)?;
                    let written = |p: &&Property| p.injected_from.is_none();
                    let has_body = edge.properties.iter().any(|p| written(&p))
                        || edge
                            .constraints
                            .iter()
                            .any(|c| c.origin == ConstraintOrigin::Body);
                    if has_body {
                        f.write_str(" {\n")?;
                        body(f, &edge.properties, &edge.constraints)?;
                        f.write_char('}')?;
                    }
                    f.write_char('\n')?;
                }
            }
        }
        Ok(())
    }
}

/// Written properties, then body constraints (their relative order in the source is not kept in
/// the AST and does not matter).
fn body(f: &mut Formatter<'_>, properties: &[Property], constraints: &[Constraint]) -> fmt::Result {
    for property in properties.iter().filter(|p| p.injected_from.is_none()) {
        write!(
            f,
            "    {}: {}",
            property.name,
            property.prop_type.display_name()
        )?;
        annotations(f, &property.annotations)?;
        f.write_char('\n')?;
    }
    for constraint in constraints
        .iter()
        .filter(|c| c.origin == ConstraintOrigin::Body)
    {
        write!(f, "    @{}(", constraint.kind.name())?;
        match &constraint.kind {
            ConstraintKind::Key(columns)
            | ConstraintKind::Unique(columns)
            | ConstraintKind::Index(columns) => f.write_str(&columns.join(", "))?,
            ConstraintKind::Range(range) => {
                write!(f, "{}, ", range.property)?;
                // `..b` would read back as a minimum (§5.5), so a max-only range cannot be
                // written; it never comes out of the parser either.
                if let Some(min) = &range.min {
                    bound(f, min)?;
                }
                f.write_str("..")?;
                if let Some(max) = &range.max {
                    bound(f, max)?;
                }
            }
            ConstraintKind::Check(check) => {
                write!(f, "{}, ", check.property)?;
                string(f, &check.pattern)?;
            }
        }
        f.write_str(")\n")?;
    }
    Ok(())
}

fn annotations(f: &mut Formatter<'_>, annotations: &[Annotation]) -> fmt::Result {
    for annotation in annotations {
        write!(f, " @{}", annotation.name)?;
        if let Some(value) = &annotation.value {
            // A string literal decodes to exactly `value`, whatever form it was written in.
            f.write_char('(')?;
            string(f, value)?;
            f.write_char(')')?;
        }
    }
    Ok(())
}

/// A string literal that decodes to `text`.
fn string(f: &mut Formatter<'_>, text: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in text.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// A bound that reads back as the same `RangeBound`: floats always carry a decimal point.
fn bound(f: &mut Formatter<'_>, bound: &RangeBound) -> fmt::Result {
    match bound {
        RangeBound::Integer(value) => write!(f, "{value}"),
        RangeBound::Float(value) if value.is_infinite() => {
            // Digits beyond f64's range parse back to infinity.
            let sign = if *value < 0.0 { "-" } else { "" };
            write!(f, "{sign}1{}.0", "0".repeat(400))
        }
        RangeBound::Float(value) => {
            let text = value.to_string();
            if text.contains('.') {
                f.write_str(&text)
            } else {
                write!(f, "{text}.0")
            }
        }
    }
}
