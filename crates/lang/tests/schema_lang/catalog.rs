//! §7.7: catalog construction errors (phase 6), K1–K5.

use crate::support::*;

#[test]
fn k1_duplicate_node() {
    rejects_with(
        "node P {}\nnode P {}",
        "catalog error: duplicate node type: P",
    );
    // Case differences are distinct nodes.
    accept("node P {} node PP {} node Pp {}");
}

#[test]
fn k2_duplicate_edge() {
    rejects_with(
        "node P {}\nedge E: P -> P\nedge E: P -> P",
        "catalog error: duplicate edge type: E",
    );
}

#[test]
fn k3_k4_unknown_endpoints() {
    rejects_with(
        "node P {}\nedge E: Q -> P",
        "catalog error: edge E references unknown source type: Q",
    );
    rejects_with(
        "node P {}\nedge E: P -> Q",
        "catalog error: edge E references unknown target type: Q",
    );
    // Interfaces are never endpoints; the source is checked first.
    rejects_with(
        "interface I {}\nnode P {}\nedge E: I -> I",
        "catalog error: edge E references unknown source type: I",
    );
    // Endpoints may be declared later.
    accept("edge E: P -> Q node P {} node Q {}");
}

#[test]
fn k5_edge_names_equal_after_lower_casing() {
    rejects_with(
        "node P {}\nedge Knows: P -> P\nedge KNOWS: P -> P",
        "catalog error: edge name collision after case folding: 'KNOWS' conflicts with 'Knows'",
    );
}

#[test]
fn names_are_not_checked_across_kinds() {
    let cat = catalog(
        "interface X {} node X {} edge X: X -> X node String {} node Vector {} node Date {}",
    );
    assert!(
        cat.node("X").is_some()
            && cat.edge_types.contains_key("X")
            && cat.interfaces.contains_key("X")
    );
    assert!(cat.node("String").is_some());
}
