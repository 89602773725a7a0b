//! The analyse step: pure functions from the catalogue to what each page shows about a tool.
//! Computed once per build, in parallel; every page reads the same values.

use crate::catalogue::{Catalogue, Tool};
use crate::classify::{classify, Classification};
use crate::policy::{decide, ToolPolicy};
use rayon::prelude::*;
use serde::Serialize;

/// What the site says about one tool: its classification and its sample policy rule.
#[derive(Debug, Clone, Serialize)]
pub struct ToolAnalysis {
    /// Category, risk level and evidence.
    pub classification: Classification,
    /// The one rule every page prints for this tool.
    pub policy: ToolPolicy,
}

/// `analysis[s][t]` for tool `t` of server `s` of the catalogue.
pub type Analysis = Vec<Vec<ToolAnalysis>>;

/// Analyses one tool.
pub fn analyse_tool(tool: &Tool) -> ToolAnalysis {
    let classification = classify(tool);
    let policy = decide(tool, &classification);
    ToolAnalysis {
        classification,
        policy,
    }
}

/// Analyses every tool of the catalogue, in parallel.
pub fn analyse(catalogue: &Catalogue) -> Analysis {
    catalogue
        .servers
        .par_iter()
        .map(|s| s.tools.iter().map(analyse_tool).collect())
        .collect()
}
