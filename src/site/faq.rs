//! The FAQ of a tool page. Every answer is built from the page's own data — its
//! classification and the one [`crate::policy::ToolPolicy`] every page prints — so the FAQ
//! cannot contradict the page: numbers come only from the policy, never restated here.

use crate::analysis::ToolAnalysis;
use crate::catalogue::{schema, Server, Tool};
use crate::policy::Action;
use serde::Serialize;

/// One question and its plain-text answer (also emitted as schema.org FAQPage JSON-LD).
#[derive(Debug, Clone, Serialize)]
pub struct Faq {
    /// The question.
    pub question: String,
    /// The answer, plain text.
    pub answer: String,
}

/// The six questions of a tool page, in the order the page shows them: what it does, risk
/// level, enforcing a policy, rate-limiting, blocking, and which server provides it.
pub fn tool_faq(server: &Server, tool: &Tool, analysis: &ToolAnalysis) -> Vec<Faq> {
    let name = &tool.name;
    vec![
        Faq {
            question: format!("What does the {name} tool do?"),
            answer: what_it_does(server, tool),
        },
        Faq {
            question: format!("What is the risk level of {name}?"),
            answer: risk(tool, analysis),
        },
        Faq {
            question: format!("How do I enforce a policy on {name}?"),
            answer: format!(
                "Put a policy proxy between the agent and the {} server: PolicyLayer reads the policy.json shown on this page, and the open-source Intercept proxy reads the intercept.yaml. Both samples use `default: deny`, so a tool they do not list is refused. For `{name}` the sample says: {}",
                server.name,
                analysis.policy.explanations.join(" ")
            ),
        },
        Faq {
            question: format!("How do I rate-limit {name}?"),
            answer: rate_limit(name, &analysis.policy.action),
        },
        Faq {
            question: format!("How do I block {name}?"),
            answer: block(name, &analysis.policy.action),
        },
        Faq {
            question: format!("Which MCP server provides {name}?"),
            answer: provider(server),
        },
    ]
}

fn what_it_does(server: &Server, tool: &Tool) -> String {
    let params = schema::top_level(&tool.input_schema);
    let takes = match params.len() {
        0 => "It takes no parameters.".to_owned(),
        n => {
            let shown: Vec<String> = params
                .iter()
                .take(5)
                .map(|(p, _)| format!("`{p}`"))
                .collect();
            let more = if n > 5 {
                format!(" and {} more", n - 5)
            } else {
                String::new()
            };
            let noun = if n == 1 { "parameter" } else { "parameters" };
            format!("It takes {n} {noun}: {}{more}.", shown.join(", "))
        }
    };
    match tool.description.as_deref().map(first_sentence) {
        Some(s) if !s.is_empty() => format!(
            "The {} server describes it as: \"{s}\" {takes}",
            server.name
        ),
        _ => format!(
            "The {} server gives no description for it; its name and parameters are all there is to go on. {takes}",
            server.name
        ),
    }
}

fn risk(tool: &Tool, analysis: &ToolAnalysis) -> String {
    let c = &analysis.classification;
    let mut answer = format!(
        "{}. `{}` is classed {}, and every {} tool has {} risk.",
        c.level.label(),
        tool.name,
        c.category.label(),
        c.category.label(),
        c.level.label()
    );
    if let Some(review) = &c.review {
        answer.push_str(" A person reviewed this classification");
        if review.automatic != c.category {
            answer.push_str(&format!(
                " (the automatic result was {})",
                review.automatic.label()
            ));
        }
        answer.push('.');
    }
    for sentence in c.rationale.iter().skip(1) {
        answer.push(' ');
        answer.push_str(sentence);
    }
    if !c.conflicts.is_empty() {
        answer.push_str(" The evidence conflicts: ");
        answer.push_str(&c.conflicts.join(" "));
    }
    answer
}

fn rate_limit(name: &str, action: &Action) -> String {
    match action {
        Action::RateLimit(l) => format!(
            "The sample policy caps `{name}` at {max} calls per {window}: a PolicyLayer `limits` entry with `window: \"{window}\"` and `max: {max}`, and an Intercept rule with `rate_limit: {max}/{window}`. Change the numbers in both files to suit your workload.",
            max = l.max,
            window = l.window.as_str()
        ),
        Action::Hide => format!(
            "There is nothing to rate-limit: the sample policy hides `{name}`. If you decide to expose it, take it out of `hide` and give it a PolicyLayer `limits` entry (`counter`, `window`, `max`) or an Intercept rule with a `rate_limit` such as `<count>/hour`."
        ),
        Action::DenyAll { .. } => format!(
            "The sample policy denies every call to `{name}`. If a person approves using it, replace the deny rule with a PolicyLayer `limits` entry (`counter`, `window`, `max`) or an Intercept rule with a `rate_limit` such as `<count>/hour`."
        ),
        _ => format!(
            "The sample policy does not cap `{name}`. To cap it, give its entry a PolicyLayer `limits` list (`counter`, `window`, `max`, `scope: \"grant\"`) or add an Intercept rule with a `rate_limit` of the form `<count>/minute` or `<count>/hour`."
        ),
    }
}

fn block(name: &str, action: &Action) -> String {
    match action {
        Action::Hide => format!(
            "The sample policy already blocks it: `{name}` is listed under `hide` in both files, so it is removed from `tools/list` and every call is denied."
        ),
        Action::DenyAll { message } => format!(
            "The sample policy already denies every call: PolicyLayer with a `deny_if` entry whose `conditions` list is empty, Intercept with a rule of `action: deny`; both answer \"{message}\". To also hide it from the agent, list `{name}` under `hide`."
        ),
        _ => format!(
            "List `{name}` under `hide` in either file: the tool disappears from `tools/list` and every call is denied. Or remove its entry from `tools`: under `default: deny` an unlisted tool is refused. In Intercept you can instead give it a rule with `action: deny` and an `on_deny` message."
        ),
    }
}

fn provider(server: &Server) -> String {
    let mut answer = format!("The {} MCP server", server.name);
    if let Some(p) = &server.package {
        answer.push_str(&format!(" (package `{p}`"));
        if let Some(v) = &server.version {
            answer.push_str(&format!(", version {v}"));
        }
        answer.push(')');
    }
    answer.push('.');
    if let Some(r) = &server.repository {
        answer.push_str(&format!(" Source: {r}."));
    }
    answer
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
