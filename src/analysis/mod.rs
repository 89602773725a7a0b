//! The analyse step: pure functions from the catalogue to what each page shows about a tool.
//! Computed once per build, in parallel; every page reads the same values.

pub mod memo;

use crate::catalogue::{Catalogue, Server, Tool};
use crate::classify::{classify_with_schema, Classification, Override, Overrides};
use crate::policy::{decide, ToolPolicy};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// What the site says about one tool: its classification and its sample policy rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    analyse_reviewed(tool, None)
}

/// Analyses one tool, applying a person's review when there is one: the reviewed category
/// decides the level and the policy, like an automatic one would.
pub fn analyse_reviewed(tool: &Tool, review: Option<&Override>) -> ToolAnalysis {
    // Parsed once for the classifier and the policy (see `JsonObject`).
    let input_schema = tool.input_schema.to_map();
    let mut classification = classify_with_schema(tool, &input_schema);
    if let Some(review) = review {
        classification = review.apply(tool, classification);
    }
    let policy = decide(tool, &input_schema, &classification);
    ToolAnalysis {
        classification,
        policy,
    }
}

/// Analyses every tool of the catalogue, in parallel.
pub fn analyse(catalogue: &Catalogue) -> Analysis {
    analyse_with(catalogue, &Overrides::default())
}

/// Analyses every tool of the catalogue, in parallel, with the reviews in `overrides`.
pub fn analyse_with(catalogue: &Catalogue, overrides: &Overrides) -> Analysis {
    catalogue
        .servers
        .par_iter()
        .map(|s| analyse_server(s, overrides))
        .collect()
}

/// Analyses every tool of one server, with the reviews in `overrides`.
pub fn analyse_server(server: &Server, overrides: &Overrides) -> Vec<ToolAnalysis> {
    server
        .tools
        .iter()
        .map(|t| analyse_reviewed(t, overrides.get(&server.id, &t.name)))
        .collect()
}
