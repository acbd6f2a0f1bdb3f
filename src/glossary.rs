//! The words a reader meets next to a change or a resource status, besides diagnostic codes: the
//! plan reasons (why a change is deferred or blocked) and the status conditions (why a resource
//! is drifted or in error). Each has its text, a meaning and what to do about it, kept here in one
//! table the way `diagnostic::Code` keeps the codes: `docs/diagnostics.md` lists exactly these
//! (a unit test checks it), and the rich view prints the meanings from here.

macro_rules! words {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal, $meaning:literal, $todo:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)*
        }

        impl $name {
            /// Every word, in the order of its table in `docs/diagnostics.md`.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The word as JSON, the ledger and the human text carry it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// What it means, in a few words.
            pub fn meaning(self) -> &'static str {
                match self {
                    $($name::$variant => $meaning,)*
                }
            }

            /// What the operator can do about it.
            pub fn what_to_do(self) -> &'static str {
                match self {
                    $($name::$variant => $todo,)*
                }
            }

            /// The word whose text is `text`, if it is one of these.
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|word| word.as_str() == text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

words! {
    /// Why a change is deferred or blocked (the `reason` of a change, §6.2).
    PlanReason {
        ApplyUnsupportedKind = "apply_unsupported_kind",
            "graph and schema changes are not executed by `cluster apply` in this phase",
            "Change the live graph with the OmniGraph engine (create the root, migrate the schema), then `cluster refresh`; the change then leaves the plan.";
        DependencyMissing = "dependency_missing",
            "the query or policy belongs to a graph this plan creates, which does not exist yet",
            "Create the graph's root with the OmniGraph engine, `cluster refresh`, then `cluster apply` again.";
        DependencyNotApplied = "dependency_not_applied",
            "the query's graph has a schema change (or is deleted) that apply does not execute",
            "Migrate the live graph's schema (or remove the graph) with the OmniGraph engine, `cluster refresh`, then `cluster apply` again.";
    }
}

words! {
    /// Why a resource's status is `drifted` or `error` (its `conditions` in the ledger, §6.7).
    StatusCondition {
        GraphMissing = "graph_missing",
            "the declared graph has no root: nothing at `graphs/«G».omni`",
            "Create the root with the OmniGraph engine (or restore it), then `cluster refresh`. Refresh dropped the graph and its schema from the applied resources.";
        SchemaMismatch = "schema_mismatch",
            "the live root's `_schema.pg` differs from the schema file the config declares",
            "Migrate the live graph to the declared schema with the OmniGraph engine, or change the declared schema to match; then `cluster refresh`.";
        GraphObservationError = "graph_observation_error",
            "something is at the graph's root but it could not be read as a graph (the status message names the file and the cause)",
            "Fix or re-create the root as the message says, then `cluster refresh`. The recorded digests were kept.";
        PayloadMissing = "payload_missing",
            "the catalog blob of an applied query or policy is missing",
            "Run `cluster apply`: refresh dropped the digest, so apply republishes the blob from its source.";
        PayloadMismatch = "payload_mismatch",
            "the catalog blob of an applied query or policy holds other bytes than its digest",
            "Run `cluster apply`: refresh dropped the digest, so apply replaces the blob from its source.";
        PayloadReadError = "payload_read_error",
            "the catalog blob of an applied query or policy cannot be read (a directory, permissions, a store error)",
            "Fix or remove what is at the blob's place (the status message names it), then `cluster apply`.";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The backtick-quoted first cells of the table rows under `## «heading»` in
    /// `docs/diagnostics.md`.
    pub(crate) fn documented(heading: &str) -> BTreeSet<&'static str> {
        let doc = include_str!("../docs/diagnostics.md");
        let section = doc
            .split("\n## ")
            .find(|s| s.starts_with(heading))
            .unwrap_or_else(|| panic!("docs/diagnostics.md has no `## {heading}`"));
        section
            .lines()
            .filter_map(|line| line.strip_prefix("| `"))
            .filter_map(|rest| rest.split_once('`'))
            .map(|(word, _)| word)
            .collect()
    }

    #[test]
    fn diagnostics_doc_lists_exactly_the_plan_reasons() {
        let words: BTreeSet<&str> = PlanReason::ALL.iter().map(|w| w.as_str()).collect();
        assert_eq!(documented("Plan reasons"), words);
    }

    #[test]
    fn diagnostics_doc_lists_exactly_the_status_conditions() {
        let words: BTreeSet<&str> = StatusCondition::ALL.iter().map(|w| w.as_str()).collect();
        assert_eq!(documented("Status conditions"), words);
    }

    #[test]
    fn words_parse_back() {
        for reason in PlanReason::ALL {
            assert_eq!(PlanReason::parse(reason.as_str()), Some(*reason));
        }
        for condition in StatusCondition::ALL {
            assert_eq!(StatusCondition::parse(condition.as_str()), Some(*condition));
        }
        assert_eq!(PlanReason::parse("graph_missing"), None);
    }
}
