//! The FAQ of a tool page. Every answer is built from the page's own data (its category,
//! level and the policy rule every page prints), so the FAQ cannot contradict the page.

use crate::analysis::ToolAnalysis;
use crate::catalogue::{Server, Tool};
use crate::policy::{Action, ToolPolicy};
use serde::Serialize;

/// One question and its plain-text answer (also emitted as schema.org FAQPage JSON-LD).
#[derive(Debug, Clone, Serialize)]
pub struct Faq {
    /// The question.
    pub question: String,
    /// The answer, plain text.
    pub answer: String,
}

/// The questions of a tool page.
pub fn tool_faq(server: &Server, tool: &Tool, analysis: &ToolAnalysis) -> Vec<Faq> {
    let name = &tool.name;
    let c = &analysis.classification;
    let what = match tool.description.as_deref().map(first_sentence) {
        Some(s) if !s.is_empty() => format!("The server describes it as: \"{s}\""),
        _ => "The server gives no description for it; its name and parameters are all there is to go on.".to_owned(),
    };
    let block = match &analysis.policy.action {
        Action::Hide => format!("The sample policy already blocks it: `{name}` is listed under `hide`, so it is removed from `tools/list` and every call is denied."),
        _ => format!("List `{name}` under `hide` in either format: the tool disappears from `tools/list` and every call is denied. In Intercept you can instead give it a rule with `action: deny` and an `on_deny` message."),
    };
    let limit = match &analysis.policy.action {
        Action::RateLimit(l) => format!("The sample policy caps `{name}` at {} calls per {}: a PolicyLayer `limits` entry with `window: \"{}\"` and `max: {}`, and an Intercept rule with `rate_limit: {}/{}`.", l.max, l.window.as_str(), l.window.as_str(), l.max, l.max, l.window.as_str()),
        Action::Allow => format!("The sample policy allows `{name}` without a cap because it only reads. To cap it, add a PolicyLayer `limits` entry (`counter`, `window`, `max`) or an Intercept rule with `rate_limit: 60/minute`."),
        Action::Hide => format!("The sample policy hides `{name}` entirely, so there is nothing to rate-limit. If you allow it, add a PolicyLayer `limits` entry or an Intercept `rate_limit` rule such as `5/hour`."),
        Action::DenyAll { .. } => format!("The sample policy denies every call to `{name}`. If you allow it after approval, add a PolicyLayer `limits` entry or an Intercept `rate_limit` rule such as `5/hour`."),
    };
    vec![
        Faq { question: format!("What does the {name} tool do?"), answer: what },
        Faq {
            question: format!("What is the risk level of {name}?"),
            answer: format!("{}: it is classed {}. {}", c.level.label(), c.category.label(), c.rationale.join(" ")),
        },
        Faq {
            question: format!("How do I enforce a policy on {name}?"),
            answer: format!("Put a policy proxy between the agent and the server: PolicyLayer reads the policy.json shown on this page and the open-source Intercept proxy reads the intercept.yaml. Both use `default: deny`, so a tool you do not list is refused.{}", argument_checks(&analysis.policy)),
        },
        Faq { question: format!("How do I rate-limit {name}?"), answer: limit },
        Faq { question: format!("How do I block {name}?"), answer: block },
        Faq {
            question: format!("Which MCP server provides {name}?"),
            answer: match &server.package {
                Some(p) => format!("{} (package `{p}`).", server.name),
                None => format!("{}.", server.name),
            },
        },
    ]
}

/// A sentence naming the arguments the sample policy checks (empty when it checks none).
fn argument_checks(policy: &ToolPolicy) -> String {
    if policy.checks.is_empty() {
        return String::new();
    }
    let args: Vec<String> = policy
        .checks
        .iter()
        .map(|c| format!("`{}`", c.condition.path.trim_start_matches("args.")))
        .collect();
    format!(" The sample policy also checks the {} {}: each check is a PolicyLayer `require` entry and an Intercept rule with `conditions`, explained under the policy.", if args.len() == 1 { "argument" } else { "arguments" }, args.join(", "))
}

fn first_sentence(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("").trim();
    let end = line
        .char_indices()
        .find(|&(i, c)| c == '.' && line[i + 1..].starts_with(' '))
        .map_or(line.len(), |(i, _)| i + 1);
    let sentence = &line[..end];
    if sentence.chars().count() > 300 {
        let cut: String = sentence.chars().take(300).collect();
        format!("{cut}…")
    } else {
        sentence.to_owned()
    }
}
