//! §7.3: interface resolution errors (phase 3), I1–I2.

use crate::support::*;

#[test]
fn i1_unknown_interface() {
    rejects_with(
        "node P implements Named { name: String }",
        "parse error: parse error: node P implements unknown interface 'Named'",
    );
    // Only interfaces count, not nodes or edges of that name.
    rejects_with(
        "node Named {}\nnode P implements Named {}",
        "parse error: parse error: node P implements unknown interface 'Named'",
    );
}

#[test]
fn i2_property_type_differs_from_the_interface() {
    rejects_with(
        "interface Named { name: I32 }\nnode P implements Named { name: String }",
        "parse error: parse error: node P property 'name' has type String but interface Named declares it as I32",
    );
    for (node_type, iface_type) in [
        ("String?", "String"),
        ("[String]", "String"),
        ("enum(a, b)", "enum(a, c)"),
        ("Vector(3)", "Vector(4)"),
    ] {
        rejects_with(
            &format!("interface I {{ x: {iface_type} }} node P implements I {{ x: {node_type} }}"),
            &format!(
                "parse error: parse error: node P property 'x' has type {node_type} but interface I declares it as {iface_type}"
            ),
        );
    }
    // Two interfaces disagreeing: the earlier injection is what the later one meets.
    rejects_with(
        "interface A { x: I32 } interface B { x: I64? } node P implements A, B {}",
        "parse error: parse error: node P property 'x' has type I32 but interface B declares it as I64?",
    );
}
