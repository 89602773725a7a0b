//! PolicyLayer `policy.json` documents.

use super::{Action, ToolPolicy};
use serde_json::{json, Map, Value};

/// The PolicyLayer document for these tools: `version: "1"`, `default: "deny"`, hidden tools
/// in `hide`, every other tool in `tools` with its rule. Pretty-printed by the caller.
pub fn document(policies: &[&ToolPolicy]) -> Value {
    let mut hide = Vec::new();
    let mut tools = Map::new();
    for p in policies {
        match &p.action {
            Action::Hide => hide.push(Value::String(p.tool.clone())),
            action => {
                tools.insert(p.tool.clone(), rule(&p.tool, action));
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
pub fn to_string(policies: &[&ToolPolicy]) -> String {
    let mut text = serde_json::to_string_pretty(&document(policies)).unwrap_or_default();
    text.push('\n');
    text
}

fn rule(tool: &str, action: &Action) -> Value {
    match action {
        Action::Allow | Action::Hide => json!({}),
        Action::RateLimit(limit) => json!({
            "limits": [{
                "counter": format!("{}_calls", counter_base(tool)),
                "window": limit.window.as_str(),
                "max": limit.max,
                "scope": "grant"
            }]
        }),
        Action::DenyAll { message } => json!({
            "deny_if": [{ "conditions": [], "on_deny": message }]
        }),
    }
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
