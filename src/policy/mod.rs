//! Sample policies: the rule decided once per tool ([`decide`]) and its two renderings,
//! PolicyLayer JSON ([`policylayer`]) and Intercept YAML ([`intercept`]).
//!
//! Formats: PolicyLayer "Writing policies" and the Intercept proxy's POLICY.md. Every
//! document the site prints comes from [`ToolPolicy`], so the tool page, the server page and
//! the risk pages print the same numbers.

pub mod intercept;
pub mod policylayer;

use crate::catalogue::Tool;
use crate::classify::{Category, Classification};
use serde::Serialize;

/// A call-rate limit: at most `max` calls per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RateLimit {
    /// Calls allowed per window (positive).
    pub max: u32,
    /// `minute` or `hour`.
    pub window: Window,
}

/// A rate-limit window, aligned to the UTC calendar by Intercept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Window {
    /// Each calendar minute.
    Minute,
    /// Each calendar hour.
    Hour,
}

impl Window {
    /// `minute` or `hour`.
    pub fn as_str(self) -> &'static str {
        match self {
            Window::Minute => "minute",
            Window::Hour => "hour",
        }
    }
}

/// What the sample policy does with one tool: the single source of truth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolPolicy {
    /// The tool's exact MCP name (policy keys must match it byte for byte).
    pub tool: String,
    /// How calls are treated.
    pub action: Action,
    /// One sentence per rule, shown under the policy on the page.
    pub explanations: Vec<String>,
}

/// The baseline action for a tool, from its category (spec section 3).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Read: allowed with no extra checks under `default: deny`.
    Allow,
    /// Write, Execute: allowed up to a rate.
    RateLimit(RateLimit),
    /// Destructive: hidden from `tools/list` and denied.
    Hide,
    /// Financial: every call denied with a message asking for human approval.
    DenyAll {
        /// The `on_deny` message.
        message: String,
    },
}

/// Message returned to the agent when a Financial tool is blocked.
pub const APPROVAL_MESSAGE: &str = "Requires human approval.";

/// Decides the sample rule for one tool from its classification.
pub fn decide(tool: &Tool, classification: &Classification) -> ToolPolicy {
    let (action, why) = match classification.category {
        Category::Read => (
            Action::Allow,
            format!("`{}` only reads, so it is listed and allowed without limits while every unlisted tool is denied.", tool.name),
        ),
        Category::Write => (
            Action::RateLimit(RateLimit { max: 30, window: Window::Minute }),
            format!("`{}` changes data, so calls are capped at 30 per minute.", tool.name),
        ),
        Category::Execute => (
            Action::RateLimit(RateLimit { max: 10, window: Window::Minute }),
            format!("`{}` runs code or commands, so calls are capped at 10 per minute.", tool.name),
        ),
        Category::Destructive => (
            Action::Hide,
            format!("`{}` can destroy data, so it is hidden from the agent and every call is denied.", tool.name),
        ),
        Category::Financial => (
            Action::DenyAll { message: APPROVAL_MESSAGE.to_owned() },
            format!("`{}` moves money, so every call is denied until a person approves it.", tool.name),
        ),
    };
    ToolPolicy {
        tool: tool.name.clone(),
        action,
        explanations: vec![why],
    }
}
