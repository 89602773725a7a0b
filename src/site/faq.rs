//! The FAQ of a tool page. Every answer is built from the page's own data — its
//! classification and the one [`crate::policy::ToolPolicy`] every page prints — so the FAQ
//! cannot contradict the page: numbers come only from the policy, never restated here.

use super::browse::rule_text;
use crate::analysis::ToolAnalysis;
use crate::catalogue::{schema, Server, Tool};
use crate::policy::{Action, ToolPolicy};
use serde::Serialize;
use serde_json::{Map, Value};

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
/// `input_schema` is the tool's `inputSchema`, parsed (the tool page parses it once for its
/// parameter table and these answers).
pub fn tool_faq(
    server: &Server,
    tool: &Tool,
    input_schema: &Map<String, Value>,
    analysis: &ToolAnalysis,
) -> Vec<Faq> {
    let name = &tool.name;
    vec![
        Faq {
            question: format!("What does the {name} tool do?"),
            answer: what_it_does(server, tool, input_schema),
        },
        Faq {
            question: format!("What is the risk level of {name}?"),
            answer: risk(tool, analysis),
        },
        Faq {
            question: format!("How do I enforce a policy on {name}?"),
            answer: format!(
                "Put a policy proxy between the agent and the {} server: PolicyLayer reads the policy.json shown on this page, and the open-source Intercept proxy reads the intercept.yaml. Both samples use `default: deny`, so a tool they do not list is refused. The sample rule for `{name}`: {}.{}",
                server.name,
                rule_text(&analysis.policy.action),
                argument_checks(&analysis.policy)
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

fn what_it_does(server: &Server, tool: &Tool, input_schema: &Map<String, Value>) -> String {
    let params = schema::top_level(input_schema);
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
        // The description is quoted verbatim, so the answer starts the way checks of the
        // FAQ's own words recognise it.
        Some(s) if !s.is_empty() => format!(
            "The server describes it as: \"{s}\" It is a tool of the {} MCP server. {takes}",
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
            "There is nothing to rate-limit: the sample policy hides `{name}`. If you decide to expose it, take it out of `hide` and give it a PolicyLayer `limits` entry (`counter`, `window`, `max`) or an Intercept rule with a `rate_limit` of the form count/window (window `minute`, `hour` or `day`), with the count you choose."
        ),
        Action::DenyAll { .. } => format!(
            "The sample policy denies every call to `{name}`. If a person approves using it, replace the deny rule with a PolicyLayer `limits` entry (`counter`, `window`, `max`) or an Intercept rule with a `rate_limit` of the form count/window (window `minute`, `hour` or `day`), with the count you choose."
        ),
        _ => format!(
            "The sample policy does not cap `{name}`. To cap it, give its entry a PolicyLayer `limits` list (`counter`, `window`, `max`, `scope: \"grant\"`) or add an Intercept rule with a `rate_limit` of the form count/window (window `minute`, `hour` or `day`), with the count you choose."
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse_tool;
    use crate::catalogue::{load_str, SourceFormat};

    fn faq_of(tool_json: &str) -> Vec<Faq> {
        let line = format!(r#"{{"id":"s","name":"Srv","package":"pkg","tools":[{tool_json}]}}"#);
        let loaded = load_str(
            std::path::Path::new("x.jsonl"),
            &line,
            SourceFormat::JsonLines,
        );
        let server = &loaded.catalogue.servers[0];
        let tool = &server.tools[0];
        tool_faq(
            server,
            tool,
            &tool.input_schema.to_map(),
            &analyse_tool(tool),
        )
    }

    #[test]
    fn answers_follow_the_policy_of_the_page() {
        let write = faq_of(r#"{"name":"create_note","description":"Creates a note. More text."}"#);
        let analysis = {
            let line = r#"{"id":"s","tools":[{"name":"create_note"}]}"#;
            let loaded = load_str(
                std::path::Path::new("x.jsonl"),
                line,
                SourceFormat::JsonLines,
            );
            analyse_tool(&loaded.catalogue.servers[0].tools[0])
        };
        let Action::RateLimit(limit) = analysis.policy.action else {
            panic!("a Write tool is rate-limited");
        };
        let expected = format!("rate_limit: {}/{}", limit.max, limit.window.as_str());
        assert!(write[3].answer.contains(&expected), "{}", write[3].answer);
        assert!(write[0]
            .answer
            .starts_with("The server describes it as: \"Creates a note.\""));
        assert!(
            write[1].answer.starts_with("Medium."),
            "{}",
            write[1].answer
        );
        assert!(write[5].answer.contains("package `pkg`"));

        let read = faq_of(r#"{"name":"get_note"}"#);
        assert!(
            read[3].answer.contains("does not cap"),
            "{}",
            read[3].answer
        );
        assert!(
            !read[3].answer.chars().any(|c| c.is_ascii_digit()),
            "no invented numbers: {}",
            read[3].answer
        );
        let delete = faq_of(r#"{"name":"delete_note"}"#);
        assert!(delete[4]
            .answer
            .starts_with("The sample policy already blocks it"));
        let refund = faq_of(r#"{"name":"create_refund"}"#);
        assert!(refund[4].answer.contains("already denies every call"));
        assert!(refund[1].answer.starts_with("Critical."));
    }
}
