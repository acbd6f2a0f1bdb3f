//! Resource addresses (contract §2.2): `graph.«G»`, `schema.«G»`, `query.«G».«Q»`, `policy.«P»`.
//!
//! Maps keep addresses as plain strings, because their byte order is the order every output and
//! file uses; this type builds those strings and reads them back, so no other module formats or
//! splits an address by hand.

use serde::Serialize;
use std::fmt;

/// What kind of resource an address names; serialised as the `kind` of a validate resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResourceKind {
    Graph,
    Schema,
    Query,
    Policy,
}

/// A classified address, borrowing its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address<'a> {
    Graph(&'a str),
    Schema(&'a str),
    Query { graph: &'a str, name: &'a str },
    Policy(&'a str),
}

impl<'a> Address<'a> {
    pub fn graph(id: &'a str) -> Self {
        Address::Graph(id)
    }

    pub fn schema(graph: &'a str) -> Self {
        Address::Schema(graph)
    }

    pub fn query(graph: &'a str, name: &'a str) -> Self {
        Address::Query { graph, name }
    }

    pub fn policy(name: &'a str) -> Self {
        Address::Policy(name)
    }

    /// Classify an address in the contract's order: `graph.`, `schema.`, `query.` (split at the
    /// first `.` of the rest; none makes it unknown), `policy.`. `None` is the Unknown class.
    pub fn parse(address: &'a str) -> Option<Self> {
        let (prefix, rest) = address.split_once('.')?;
        match prefix {
            "graph" => Some(Address::Graph(rest)),
            "schema" => Some(Address::Schema(rest)),
            "query" => rest
                .split_once('.')
                .map(|(graph, name)| Address::Query { graph, name }),
            "policy" => Some(Address::Policy(rest)),
            _ => None,
        }
    }

    /// Whether every part of the address keeps the id rule, so it may name a file or an object
    /// key. Addresses read from a ledger are not trusted: `query.../../x` must never become a
    /// path.
    pub fn is_well_formed(self) -> bool {
        match self {
            Address::Graph(id) | Address::Schema(id) | Address::Policy(id) => is_valid_id(id),
            Address::Query { graph, name } => is_valid_id(graph) && is_valid_id(name),
        }
    }

    /// Graphs and schemas are deployed definitions: deleting one needs approval (§6.4).
    pub fn is_graph_or_schema(self) -> bool {
        matches!(self, Address::Graph(_) | Address::Schema(_))
    }
}

impl fmt::Display for Address<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Graph(id) => write!(f, "graph.{id}"),
            Address::Schema(graph) => write!(f, "schema.{graph}"),
            Address::Query { graph, name } => write!(f, "query.{graph}.{name}"),
            Address::Policy(name) => write!(f, "policy.{name}"),
        }
    }
}

/// `validate_id` of §2.5.5: a letter or `_`, then ASCII letters, digits, `_` or `-`.
pub fn is_valid_id(value: &str) -> bool {
    let mut chars = value.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `query.«graph».`: every stored query of `graph` has an address starting with it (§5.2).
pub fn query_prefix(graph: &str) -> String {
    format!("query.{graph}.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn classes_in_contract_order() {
        assert_eq!(
            Address::parse("query.g.a.b"),
            Some(Address::query("g", "a.b"))
        );
        assert_eq!(Address::parse("query.g"), None);
        assert_eq!(Address::parse("other.x"), None);
        assert_eq!(Address::parse("graph"), None);
        assert_eq!(Address::parse("graph."), Some(Address::graph("")));
        assert_eq!(Address::parse("policy.a.b"), Some(Address::policy("a.b")));
        assert_eq!(Address::parse("schema.k"), Some(Address::schema("k")));
    }

    #[test]
    fn well_formed_addresses_keep_the_id_rule() {
        for good in ["graph.g", "schema._g-1", "query.g.q", "policy.p"] {
            assert!(
                Address::parse(good).is_some_and(Address::is_well_formed),
                "{good}"
            );
        }
        for bad in [
            "graph.",
            "query.g.a.b",
            "query.../../../../tmp/x.y",
            "policy.a/b",
            "query.1g.q",
            "policy.p\n",
        ] {
            assert!(
                !Address::parse(bad).is_some_and(Address::is_well_formed),
                "{bad}"
            );
        }
    }

    #[test]
    fn query_prefix_names_the_graph() {
        assert_eq!(query_prefix("g"), "query.g.");
        assert!(
            Address::query("g", "q")
                .to_string()
                .starts_with(&query_prefix("g"))
        );
    }

    proptest! {
        /// Rendering then parsing gives the address back, for every part that cannot be
        /// re-split (a query's graph part has no `.`).
        #[test]
        fn display_parse_round_trip(a in "[a-z_.-]{0,6}", b in "[a-z_-]{0,6}", c in "[a-z_.-]{0,6}") {
            for address in [Address::graph(&a), Address::schema(&a), Address::policy(&a), Address::query(&b, &c)] {
                let text = address.to_string();
                prop_assert_eq!(Address::parse(&text), Some(address));
            }
        }
    }
}
