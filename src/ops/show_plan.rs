//! `cluster show-plan FILE` (issue 18 §3): read a plan saved by `plan --out FILE` and hand it to
//! the renderers, as Terraform's `show PLANFILE` does. Reads only FILE: no config, no state, no
//! lock, and it shows a plan of any cluster (whether it can be applied here is `apply --plan`'s
//! question).

use super::Context;
use super::plan::PlanOutput;
use super::saved_plan::{self, PlanHeader};
use crate::diagnostic::{Diagnostic, has_errors};
use crate::layout;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShowPlanOutput {
    pub ok: bool,
    /// FILE as given.
    pub file: String,
    /// The saved document as it is stored (`plan --json`'s object and what it was planned
    /// against); `null` when it could not be read.
    #[serde(rename = "saved_plan")]
    pub document: Option<Value>,
    /// What it was planned against, for the text views.
    #[serde(skip)]
    pub header: Option<PlanHeader>,
    /// The plan, for the text views.
    #[serde(skip)]
    pub plan: Option<PlanOutput>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn run(_context: &Context<'_>, file: &Path) -> ShowPlanOutput {
    let mut shown = ShowPlanOutput {
        ok: false,
        file: layout::display(file),
        document: None,
        header: None,
        plan: None,
        diagnostics: Vec::new(),
    };
    let parsed = saved_plan::read_document(file).and_then(|document| {
        let parse = |err: serde_json::Error| {
            saved_plan::invalid(file, format!("could not parse saved plan: {err}"))
        };
        let header = PlanHeader::deserialize(&document).map_err(parse)?;
        let plan = PlanOutput::deserialize(&document).map_err(parse)?;
        Ok((document, header, plan))
    });
    match parsed {
        Ok((document, header, plan)) => {
            shown.document = Some(document);
            shown.header = Some(header);
            shown.plan = Some(plan);
        }
        Err(diagnostic) => shown.diagnostics.push(diagnostic),
    }
    shown.ok = !has_errors(&shown.diagnostics);
    shown
}
