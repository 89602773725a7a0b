//! Sample policies: the rule decided once per tool ([`decide`]), its two renderings,
//! PolicyLayer JSON ([`policylayer`]) and Intercept YAML ([`intercept`]), and the
//! [`validate`] module that checks any document of either format against the spec.
//!
//! Formats: PolicyLayer "Writing policies" and the Intercept proxy's POLICY.md, summarised in
//! the project's policy spec. Every document the site prints comes from [`ToolPolicy`], so the
//! tool page, the server page and the risk pages print the same numbers.

mod arguments;
pub mod intercept;
pub mod policylayer;
pub mod validate;

use crate::catalogue::Tool;
use crate::classify::{Category, Classification};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A call-rate limit: at most `max` calls per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Calls allowed per window (positive).
    pub max: u32,
    /// `minute` or `hour`.
    pub window: Window,
}

/// A rate-limit window, aligned to the UTC calendar by Intercept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// What the sample policy does with one tool: the single source of truth every page reads
/// (through `analysis.policy`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolPolicy {
    /// The tool's exact MCP name (policy keys must match it byte for byte).
    pub tool: String,
    /// How calls are treated: the category baseline.
    pub action: Action,
    /// Argument-aware requirements drawn from the tool's `inputSchema`, each a condition the
    /// call's arguments must satisfy. Only for tools the policy lets through
    /// ([`Action::Allow`] and [`Action::RateLimit`]); empty otherwise.
    pub checks: Vec<Check>,
    /// One sentence per rule (the baseline first, then one per check), shown under the
    /// policy on the page.
    pub explanations: Vec<String>,
}

/// The baseline action for a tool, from its category (spec section 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// An argument-aware rule: the call is denied with `on_deny` unless `condition` holds.
/// Rendered as a PolicyLayer `require` entry and an Intercept `evaluate` rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// What the rule guards against.
    pub kind: CheckKind,
    /// The Intercept rule `name`, unique within the tool.
    pub name: String,
    /// The condition the arguments must satisfy.
    pub condition: Condition,
    /// The message returned to the agent when the condition fails.
    pub on_deny: String,
}

/// The kinds of argument-aware rule the generator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// `in`: a required `enum` argument limited to its non-destructive values (the ones that
    /// neither delete nor overwrite).
    EnumAllowList,
    /// `regex`: a required path argument may not contain `..`.
    PathNoParent,
    /// `regex`: a required web URL argument must be `http://` or `https://`.
    WebUrl,
    /// `exists`: an optional `reason` (or `justification`, `rationale`) must be given.
    ReasonRequired,
    /// `lte`: a required numeric argument capped (for example `replicas`).
    NumberCap,
}

impl CheckKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [CheckKind; 5] = [
        CheckKind::EnumAllowList,
        CheckKind::PathNoParent,
        CheckKind::WebUrl,
        CheckKind::ReasonRequired,
        CheckKind::NumberCap,
    ];

    /// Short label for reports: `enum allow-list`, `path without ..`, ...
    pub fn label(self) -> &'static str {
        match self {
            CheckKind::EnumAllowList => "enum allow-list (in)",
            CheckKind::PathNoParent => "path without .. (regex)",
            CheckKind::WebUrl => "http(s) URL only (regex)",
            CheckKind::ReasonRequired => "reason required (exists)",
            CheckKind::NumberCap => "numeric cap (lte)",
        }
    }
}

/// One condition: `{ path, op, value }`, the same shape in both formats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// `args.<field>[.<sub>…]`.
    pub path: String,
    /// The operator.
    pub op: Op,
    /// The operand, of the type the operator needs.
    pub value: Value,
}

/// The eleven condition operators both formats share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Equal (any value).
    Eq,
    /// Not equal (any value).
    Neq,
    /// In a list.
    In,
    /// Not in a list.
    NotIn,
    /// Less than a number.
    Lt,
    /// Less than or equal to a number.
    Lte,
    /// Greater than a number.
    Gt,
    /// Greater than or equal to a number.
    Gte,
    /// Matches an RE2 regular expression.
    Regex,
    /// Substring or list element.
    Contains,
    /// Present (`true`) or absent (`false`).
    Exists,
}

impl Op {
    /// Every operator.
    pub const ALL: [Op; 11] = [
        Op::Eq,
        Op::Neq,
        Op::In,
        Op::NotIn,
        Op::Lt,
        Op::Lte,
        Op::Gt,
        Op::Gte,
        Op::Regex,
        Op::Contains,
        Op::Exists,
    ];

    /// The operator as both formats spell it: `eq`, `not_in`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Neq => "neq",
            Op::In => "in",
            Op::NotIn => "not_in",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::Regex => "regex",
            Op::Contains => "contains",
            Op::Exists => "exists",
        }
    }

    /// Parses the spelling of [`Op::as_str`].
    pub fn parse(text: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.as_str() == text)
    }
}

/// Why a policy document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// serde_json failed.
    #[error("writing PolicyLayer JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// serde-saphyr failed.
    #[error("writing Intercept YAML: {0}")]
    Yaml(#[from] serde_saphyr::SerializeError),
}

/// Message returned to the agent when a Financial tool is blocked.
pub const APPROVAL_MESSAGE: &str = "Requires human approval.";

/// Decides the sample rule for one tool: the category baseline (spec section 3) plus, for
/// tools the policy lets through, the argument-aware checks its `inputSchema` (given parsed)
/// supports. The one function that decides a tool's rule; every page prints its result.
pub fn decide(
    tool: &Tool,
    input_schema: &Map<String, Value>,
    classification: &Classification,
) -> ToolPolicy {
    let name = &tool.name;
    let category = classification.category;
    let argument_checks = match category {
        Category::Financial => Vec::new(),
        _ => arguments::checks(input_schema, category),
    };
    // A Destructive tool whose destruction is one value of a required `enum` (GitHub's
    // `label_write` with `method: create | update | delete`) keeps its safe values: the
    // allow-list denies the destructive ones, so hiding the whole tool is not needed.
    let safe_methods = category == Category::Destructive
        && argument_checks
            .iter()
            .any(|(c, _)| c.kind == CheckKind::EnumAllowList);
    let (action, why) = match category {
        Category::Read => (
            Action::Allow,
            format!("`{name}` only reads, so it is listed and allowed without a rate limit while every unlisted tool is denied."),
        ),
        Category::Write => (
            Action::RateLimit(RateLimit { max: 30, window: Window::Minute }),
            format!("`{name}` adds data, so calls are capped at 30 per minute."),
        ),
        Category::Execute => (
            Action::RateLimit(RateLimit { max: 10, window: Window::Minute }),
            format!("`{name}` runs code or commands, so calls are capped at 10 per minute."),
        ),
        Category::Destructive if safe_methods => (
            Action::RateLimit(RateLimit { max: 10, window: Window::Minute }),
            format!("`{name}` can delete or overwrite data, but only through some values of an argument: those values are denied below, and the remaining calls are capped at 10 per minute."),
        ),
        Category::Destructive => (
            Action::Hide,
            format!("`{name}` can delete or overwrite what is already there, so it is hidden from the agent and every call is denied."),
        ),
        Category::Financial => (
            Action::DenyAll { message: APPROVAL_MESSAGE.to_owned() },
            format!("`{name}` moves money, so every call is denied until a person approves it."),
        ),
    };
    let argument_checks = match action {
        Action::Allow | Action::RateLimit(_) => argument_checks,
        Action::Hide | Action::DenyAll { .. } => Vec::new(),
    };
    let mut explanations = vec![why];
    let mut checks = Vec::with_capacity(argument_checks.len());
    for (check, sentence) in argument_checks {
        checks.push(check);
        explanations.push(sentence);
    }
    ToolPolicy {
        tool: name.clone(),
        action,
        checks,
        explanations,
    }
}

/// How many tools get each kind of rule: the baselines (`allow`, each rate limit, `hide`,
/// deny until approved) and each [`CheckKind`], in a stable order, zero counts included for
/// the check kinds.
pub fn rule_counts<'a>(policies: impl IntoIterator<Item = &'a ToolPolicy>) -> Vec<(String, usize)> {
    let mut baselines: std::collections::BTreeMap<String, usize> = Default::default();
    let mut checks = [0usize; CheckKind::ALL.len()];
    for p in policies {
        let label = match &p.action {
            Action::Allow => "allow (rules: [] / {})".to_owned(),
            Action::RateLimit(l) => format!("rate limit {}/{}", l.max, l.window.as_str()),
            Action::Hide => "hide".to_owned(),
            Action::DenyAll { .. } => "deny until approved (deny / deny_if)".to_owned(),
        };
        *baselines.entry(label).or_default() += 1;
        for c in &p.checks {
            if let Some(i) = CheckKind::ALL.iter().position(|k| *k == c.kind) {
                checks[i] += 1;
            }
        }
    }
    baselines
        .into_iter()
        .chain(
            CheckKind::ALL
                .iter()
                .zip(checks)
                .map(|(k, n)| (k.label().to_owned(), n)),
        )
        .collect()
}
