//! `cluster validate` (§3.1): load the config folder; no state, lock or graph access.

use super::Context;
use crate::addressed::{Dependency, Digests};
use crate::desired::{self, Resource};
use crate::diagnostic::{Diagnostic, has_errors};
use crate::discovery::Discovered;
use crate::layout;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidateOutput {
    pub ok: bool,
    pub config_dir: String,
    pub config_file: String,
    pub resource_digests: Digests,
    pub resources: Vec<Resource>,
    pub dependencies: Vec<Dependency>,
    /// What each graph whose `queries:` names `.gq` files or directories discovered (issue 19);
    /// left out when no graph does, so the contract's object is unchanged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub discovered: Vec<Discovered>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn run(context: &Context<'_>) -> ValidateOutput {
    let mut diagnostics = Vec::new();
    let desired = desired::load(context.layout, &mut diagnostics);
    let (resource_digests, resources, dependencies, discovered) = match desired {
        Some(d) => (
            d.resource_digests,
            d.resources,
            d.dependencies,
            d.discovered,
        ),
        None => Default::default(),
    };
    ValidateOutput {
        ok: !has_errors(&diagnostics),
        config_dir: context.config_dir(),
        config_file: layout::display(&context.layout.config_file()),
        resource_digests,
        resources,
        dependencies,
        discovered,
        diagnostics,
    }
}
