//! PolicyLayer `policy.json` documents, written with serde_json.

use super::{Action, Check, ToolPolicy, WriteError};
use serde_json::{json, Map, Value};

/// The PolicyLayer document for these tools: `version: "1"`, `default: "deny"`, hidden tools
/// in `hide`, every other tool in `tools` with its rule (`limits` for a rate, `deny_if` for
/// an approval gate, `require` for each argument check).
pub fn document(policies: &[&ToolPolicy]) -> Value {
    let mut hide = Vec::new();
    let mut tools = Map::new();
    // Limits that share a counter name share one count, so two tools whose names reduce to
    // the same counter (`create-issue`, `create_issue`) get distinct ones.
    let mut counters = std::collections::HashSet::new();
    for p in policies {
        match &p.action {
            Action::Hide => hide.push(Value::String(p.tool.clone())),
            _ => {
                let base = format!("{}_calls", counter_base(&p.tool));
                let mut counter = base.clone();
                for n in 2.. {
                    if counters.insert(counter.clone()) {
                        break;
                    }
                    counter = format!("{base}_{n}");
                }
                tools.insert(p.tool.clone(), rule(p, &counter));
            }
        }
    }
    let mut doc = Map::new();
    doc.insert("version".into(), json!("1"));
    doc.insert("default".into(), json!("deny"));
    if !hide.is_empty() {
        doc.insert("hide".into(), Value::Array(hide));
    }
    doc.insert("tools".into(), Value::Object(tools));
    Value::Object(doc)
}

/// Pretty JSON text of [`document`], ending with a newline.
pub fn to_string(policies: &[&ToolPolicy]) -> Result<String, WriteError> {
    let mut text = serde_json::to_string_pretty(&document(policies))?;
    text.push('\n');
    Ok(text)
}

fn rule(p: &ToolPolicy, counter: &str) -> Value {
    let mut rule = Map::new();
    match &p.action {
        Action::Allow | Action::Hide => {}
        Action::RateLimit(limit) => {
            rule.insert(
                "limits".into(),
                json!([{
                    "counter": counter,
                    "window": limit.window.as_str(),
                    "max": limit.max,
                    "scope": "grant"
                }]),
            );
        }
        Action::DenyAll { message } => {
            rule.insert(
                "deny_if".into(),
                json!([{ "conditions": [], "on_deny": message }]),
            );
        }
    }
    if !p.checks.is_empty() {
        rule.insert(
            "require".into(),
            Value::Array(p.checks.iter().map(require).collect()),
        );
    }
    Value::Object(rule)
}

fn require(check: &Check) -> Value {
    let c = &check.condition;
    json!({
        "conditions": [{ "path": c.path, "op": c.op.as_str(), "value": c.value }],
        "on_deny": check.on_deny,
    })
}

/// A counter name derived from the tool name: lowercase letters, digits and underscores.
pub(crate) fn counter_base(tool: &str) -> String {
    let mut out = String::with_capacity(tool.len());
    for c in tool.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    if trimmed.is_empty() {
        "tool".to_owned()
    } else {
        trimmed.to_owned()
    }
}
