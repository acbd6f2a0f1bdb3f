//! `cluster validate`: load the config folder; no state, lock or graph access.

use crate::desired::{self, Dependency, Resource};
use crate::diagnostic::{Diagnostic, has_errors};
use crate::layout::{self, Layout};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidateOutput {
    pub ok: bool,
    pub config_dir: String,
    pub config_file: String,
    pub resource_digests: BTreeMap<String, String>,
    pub resources: Vec<Resource>,
    pub dependencies: Vec<Dependency>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn run(layout: &Layout) -> ValidateOutput {
    let mut diagnostics = Vec::new();
    let desired = desired::load(layout, &mut diagnostics);
    let (resource_digests, resources, dependencies) = match desired {
        Some(d) => (d.resource_digests, d.resources, d.dependencies),
        None => Default::default(),
    };
    ValidateOutput {
        ok: !has_errors(&diagnostics),
        config_dir: layout::display(&layout.config_dir),
        config_file: layout::display(&layout.config_file()),
        resource_digests,
        resources,
        dependencies,
        diagnostics,
    }
}
