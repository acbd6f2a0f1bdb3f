//! Values keyed by resource address that the desired revision, the ledger and the differ all
//! speak: shared address/digest text, the address → digest map, the dependency edge and what
//! happens to an address between two revisions (`Operation`). A leaf:
//! it knows no config, no state and no plan, so each of those can depend on it alone.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What happens to an address between two revisions: a plan's change, a history record's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    Create,
    Update,
    Delete,
}

impl Operation {
    /// The word JSON uses (`create`, `update`, `delete`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }
}

/// Address and digest text, shared: one allocation each however many places name it (the
/// resource, its edges, the changes and blast radius planned from it). At 50,000 queries the
/// copies would be most of a plan's memory.
pub type Text = Arc<str>;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Dependency {
    pub from: Text,
    pub to: Text,
}

/// address → digest, sorted by address (byte order); a JSON object when serialised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Digests(Vec<(Text, Text)>);

impl Digests {
    /// From pairs already sorted by address, one per address (a desired revision's resources).
    pub fn from_sorted(pairs: Vec<(Text, Text)>) -> Self {
        debug_assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0));
        Digests(pairs)
    }

    /// From pairs in any order; a later pair for the same address wins, as in a map.
    pub fn from_pairs(mut pairs: Vec<(Text, Text)>) -> Self {
        pairs.reverse();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs.dedup_by(|later, kept| later.0 == kept.0);
        Digests(pairs)
    }

    pub fn get(&self, address: &str) -> Option<&Text> {
        self.0
            .binary_search_by(|(a, _)| a.as_ref().cmp(address))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// The pairs in address order.
    pub fn pairs(&self) -> &[(Text, Text)] {
        &self.0
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(a, d)| (a.as_ref(), d.as_ref()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de> Deserialize<'de> for Digests {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<Text, Text>::deserialize(deserializer)?;
        Ok(Digests(map.into_iter().collect()))
    }
}

impl Serialize for Digests {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}
