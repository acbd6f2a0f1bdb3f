//! Interface resolution (schema-language.md §5.8, phase 3, rules I1–I2): inject each implemented
//! interface's properties into the node, after its own.

use std::collections::{HashMap, HashSet};

use super::ast::{Declaration, Property, SchemaFile, desugar_property};
use crate::error::ErrorDetail;

/// I1 at the interface name, I2 at the node's property.
pub(crate) fn resolve_interfaces(file: &mut SchemaFile) -> Result<(), ErrorDetail> {
    // Interfaces may be declared anywhere; a later declaration of a name replaces an earlier one.
    let mut interfaces: HashMap<String, Vec<Property>> = HashMap::new();
    for decl in &file.declarations {
        if let Declaration::Interface(interface) = decl {
            interfaces.insert(interface.name.clone(), interface.properties.clone());
        }
    }
    for decl in &mut file.declarations {
        let Declaration::Node(node) = decl else {
            continue;
        };
        if node.implements.is_empty() {
            continue;
        }
        // First property of each name (own, then injected): the one an interface is checked
        // against.
        let mut first: HashMap<String, usize> = HashMap::new();
        for (index, property) in node.properties.iter().enumerate() {
            first.entry(property.name.clone()).or_insert(index);
        }
        // A repeated interface name is a no-op: its first pass left every property present with
        // the interface's type (or failed). Skipping it keeps the work linear.
        let mut done: HashSet<&str> = HashSet::new();
        for (i, interface_name) in node.implements.iter().enumerate() {
            if !done.insert(interface_name) {
                continue;
            }
            let Some(properties) = interfaces.get(interface_name) else {
                let message = format!(
                    "node {} implements unknown interface '{interface_name}'",
                    node.name
                );
                let mut names: Vec<&String> = interfaces.keys().collect();
                names.sort_unstable();
                let span = node.implements_spans.get(i).copied();
                return Err(ErrorDetail::new(message)
                    .with_rule("I1")
                    .at(span.unwrap_or(node.name_span))
                    .suggesting(interface_name, names));
            };
            for property in properties {
                if let Some(&index) = first.get(&property.name) {
                    let own = &node.properties[index];
                    let existing = &own.prop_type;
                    if *existing != property.prop_type {
                        let message = format!(
                            "node {} property '{}' has type {} but interface {interface_name} \
                             declares it as {}",
                            node.name,
                            property.name,
                            existing.display_name(),
                            property.prop_type.display_name()
                        );
                        let span = own.name_span.to(own.type_span);
                        return Err(ErrorDetail::new(message).with_rule("I2").at(span));
                    }
                    // The node's own declaration wins entirely, annotations included (§5.8 ⚠).
                    continue;
                }
                let injected = Property {
                    injected_from: Some(interface_name.clone()),
                    ..property.clone()
                };
                desugar_property(&injected, &mut node.constraints);
                first.insert(injected.name.clone(), node.properties.len());
                node.properties.push(injected);
            }
        }
    }
    Ok(())
}
