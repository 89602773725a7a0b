//! Intercept `intercept.yaml` documents, written with serde-saphyr.
//!
//! The document opens with a comment header and lists tools grouped by category, a comment
//! above each group. serde-saphyr cannot place comments between mapping entries, so each
//! group's tools are serialized on their own and the chunks are joined under `tools:`; every
//! value is still written by the serializer, and the build re-parses and validates the result.

use super::{Action, Check, ToolPolicy, WriteError};
use crate::classify::Category;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// The comment header: what the policy is for and who wrote it.
#[derive(Debug, Clone)]
pub struct Header {
    /// The `description` key and the first comment line.
    pub description: String,
    /// `key: value` lines written as comments under it (server, package, tool count...).
    pub facts: Vec<(String, String)>,
}

/// One tool of the document with the category it is grouped under.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// The tool's rule.
    pub policy: &'a ToolPolicy,
    /// Its category (from `analysis.classification`).
    pub category: Category,
}

/// The generator named in every header: `toolpages <version>`.
pub fn generator() -> String {
    format!("toolpages {}", env!("CARGO_PKG_VERSION"))
}

/// A map that serializes its entries in insertion order.
struct Ordered<V>(Vec<(String, V)>);

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(serde::Serialize)]
struct Top<'a> {
    version: &'static str,
    description: &'a str,
    default: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hide: Vec<&'a str>,
    /// Only written (as `{}`) when no tool is listed: `tools` is required.
    #[serde(skip_serializing_if = "Option::is_none")]
    tools: Option<Ordered<ToolRules>>,
}

#[derive(serde::Serialize)]
struct ToolRules {
    rules: Vec<Rule>,
}

#[derive(serde::Serialize)]
struct Rule {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rate_limit: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    conditions: Vec<ConditionOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    on_deny: Option<String>,
}

#[derive(serde::Serialize)]
struct ConditionOut {
    path: String,
    op: &'static str,
    value: Value,
}

fn rules(p: &ToolPolicy) -> Vec<Rule> {
    let mut rules = match &p.action {
        Action::Allow | Action::Hide => Vec::new(),
        Action::RateLimit(limit) => vec![Rule {
            name: format!("{} rate limit", p.tool),
            action: None,
            rate_limit: Some(format!("{}/{}", limit.max, limit.window.as_str())),
            conditions: Vec::new(),
            on_deny: Some(format!(
                "Rate limit reached for {}: at most {} calls per {}.",
                p.tool,
                limit.max,
                limit.window.as_str()
            )),
        }],
        Action::DenyAll { message } => vec![Rule {
            name: format!("{} requires approval", p.tool),
            action: Some("deny"),
            rate_limit: None,
            conditions: Vec::new(),
            on_deny: Some(message.clone()),
        }],
    };
    rules.extend(p.checks.iter().map(check_rule));
    rules
}

fn check_rule(check: &Check) -> Rule {
    let c = &check.condition;
    Rule {
        name: check.name.clone(),
        action: None,
        rate_limit: None,
        conditions: vec![ConditionOut {
            path: c.path.clone(),
            op: c.op.as_str(),
            value: c.value.clone(),
        }],
        on_deny: Some(check.on_deny.clone()),
    }
}

/// Appends one comment line to `out`: `# `, `parts` one after another, then a newline.
/// Control characters (a newline would end the comment and turn the rest of a catalogue
/// string into YAML) become spaces, and trailing whitespace is dropped.
fn push_comment(out: &mut String, parts: &[&str]) {
    out.push_str("# ");
    let start = out.len();
    for part in parts {
        // Written in place: every tool page prints five comment lines, and building each in
        // a string of its own first was about 1.4% of a build's instructions.
        out.extend(part.chars().map(|c| if c.is_control() { ' ' } else { c }));
    }
    let end = start + out[start..].trim_end().len();
    out.truncate(end);
    out.push('\n');
}

/// The Intercept YAML for these tools under `default: deny`: the comment header, `version`,
/// `description`, `default`, `hide` (Destructive tools) and `tools`, grouped by category in
/// [`Category::ALL`] order with a comment above each group.
pub fn to_string(header: &Header, entries: &[Entry]) -> Result<String, WriteError> {
    let mut out = String::with_capacity(1024);
    push_comment(&mut out, &[&header.description]);
    for (key, value) in &header.facts {
        push_comment(&mut out, &[key, ": ", value]);
    }
    let hide: Vec<&str> = entries
        .iter()
        .filter(|e| e.policy.action == Action::Hide)
        .map(|e| e.policy.tool.as_str())
        .collect();
    let listed = entries.len() - hide.len();
    let top = Top {
        version: "1",
        description: &header.description,
        default: "deny",
        hide,
        tools: (listed == 0).then(|| Ordered(Vec::new())),
    };
    out.push_str(&serde_saphyr::to_string(&top)?);
    if listed == 0 {
        return Ok(out);
    }
    out.push_str("tools:\n");
    for category in Category::ALL {
        let group: Vec<(String, ToolRules)> = entries
            .iter()
            .filter(|e| e.category == category && e.policy.action != Action::Hide)
            .map(|e| {
                (
                    e.policy.tool.clone(),
                    ToolRules {
                        rules: rules(e.policy),
                    },
                )
            })
            .collect();
        if group.is_empty() {
            continue;
        }
        let label = format!(
            "{} ({} risk): {} {}",
            category.label(),
            category.level().label(),
            group.len(),
            if group.len() == 1 { "tool" } else { "tools" }
        );
        out.push_str("  ");
        push_comment(&mut out, &[&label]);
        for line in serde_saphyr::to_string(&Ordered(group))?.lines() {
            if !line.is_empty() {
                out.push_str("  ");
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::push_comment;

    /// A comment line stays one line whatever the catalogue text holds, and keeps what
    /// came before it in the document.
    #[test]
    fn a_comment_is_one_line() {
        let mut out = String::from("tools:\n  ");
        push_comment(&mut out, &["Server: a\nb: c\r\u{7}", ": ", "x \t "]);
        push_comment(&mut out, &[" \n "]);
        push_comment(&mut out, &[]);
        assert_eq!(out, "tools:\n  # Server: a b: c  : x\n# \n# \n");
    }
}
