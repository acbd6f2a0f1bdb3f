//! Every digest the tool computes, each in one place (contract §5).

use sha2::{Digest, Sha256};

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// State CAS token: `sha256:` + hex of the exact file bytes.
pub fn state_cas(bytes: &[u8]) -> String {
    format!("sha256:{}", sha256_hex(bytes))
}

/// Composite digest of a graph: its id, its schema digest (`""` when unknown) and its query
/// digests in name order, NUL-separated (§5.2).
pub fn graph_digest<'a>(
    graph: &str,
    schema_digest: &str,
    queries: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut sorted: Vec<(&str, &str)> = queries.into_iter().collect();
    sorted.sort();
    let mut hasher = Sha256::new();
    for part in ["graph", graph, "schema", schema_digest] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    for (name, digest) in sorted {
        for part in ["query", name, digest] {
            hasher.update(part.as_bytes());
            hasher.update([0u8]);
        }
    }
    hex::encode(hasher.finalize())
}

/// Config digest over the compact JSON of the raw config and every desired resource digest, in
/// address order (§5.4).
pub fn config_digest<'a>(
    raw_config_json: &str,
    resource_digests: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"cluster-config\0");
    hasher.update(raw_config_json.as_bytes());
    hasher.update([0u8]);
    for (address, digest) in resource_digests {
        hasher.update(address.as_bytes());
        hasher.update([0u8]);
        hasher.update(digest.as_bytes());
        hasher.update([0u8]);
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEOPLE_PG: &str = "\nnode Person {\n  name: String @key\n  age: I32?\n}\n";
    const PEOPLE_GQ: &str = "\nquery find_person($name: String) {\n  match { $p: Person { name: $name } }\n  return { $p.name, $p.age }\n}\n";

    #[test]
    fn file_digest_vectors() {
        assert_eq!(
            sha256_hex(PEOPLE_PG.as_bytes()),
            "ab8674c2deeb33b15bd7a1f7d98acd8fdf6e5634230dc0349e3e2920475f26d6"
        );
        assert_eq!(
            sha256_hex(PEOPLE_GQ.as_bytes()),
            "f7f1ccd40aa44f39a0d149d06e19ade31102e2dc45aa7c9009b99147f82aed43"
        );
        assert_eq!(
            sha256_hex(b"rules: []\n"),
            "e0dfa70eb69d47fe9cb2be8a4fcd53e74cf7fe26fcbb1f06912b57a9c028e4e0"
        );
    }

    #[test]
    fn graph_digest_vectors() {
        let schema = "ab8674c2deeb33b15bd7a1f7d98acd8fdf6e5634230dc0349e3e2920475f26d6";
        let query = "f7f1ccd40aa44f39a0d149d06e19ade31102e2dc45aa7c9009b99147f82aed43";
        assert_eq!(
            graph_digest("knowledge", schema, [("find_person", query)]),
            "19e5610fde4e069bc42bf576cb1d49f3ea9e69b7c5a01b9f69d577a4a76109a9"
        );
        assert_eq!(
            graph_digest("knowledge", schema, []),
            "122df748b060d906c8d39fb64489c8946d6d750315613c95dec2e92496451969"
        );
    }

    #[test]
    fn graph_digest_sorts_queries_by_name() {
        let a = graph_digest("g", "s", [("b", "2"), ("a", "1")]);
        let b = graph_digest("g", "s", [("a", "1"), ("b", "2")]);
        assert_eq!(a, b);
    }

    #[test]
    fn state_cas_prefix() {
        assert_eq!(state_cas(b"{"), format!("sha256:{}", sha256_hex(b"{")));
    }
}
