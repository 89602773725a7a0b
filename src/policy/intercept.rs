//! Intercept `intercept.yaml` documents, written with serde-saphyr.

use super::{Action, ToolPolicy};
use indexmap_like::Ordered;
use serde::Serialize;

mod indexmap_like {
    use serde::ser::{Serialize, SerializeMap, Serializer};

    /// A map that serializes its entries in insertion order.
    pub struct Ordered<V>(pub Vec<(String, V)>);

    impl<V: Serialize> Serialize for Ordered<V> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut map = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in &self.0 {
                map.serialize_entry(k, v)?;
            }
            map.end()
        }
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: &'static str,
    description: String,
    default: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hide: Vec<&'a str>,
    tools: Ordered<ToolRules>,
}

#[derive(Serialize)]
struct ToolRules {
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Rule {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rate_limit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    on_deny: Option<String>,
}

/// The Intercept YAML for these tools under `default: deny`, with `description` naming them.
pub fn to_string(description: &str, policies: &[&ToolPolicy]) -> String {
    let mut hide = Vec::new();
    let mut tools = Vec::new();
    for p in policies {
        let rules = match &p.action {
            Action::Allow => Vec::new(),
            Action::Hide => {
                hide.push(p.tool.as_str());
                continue;
            }
            Action::RateLimit(limit) => vec![Rule {
                name: format!("{} rate limit", p.tool),
                action: None,
                rate_limit: Some(format!("{}/{}", limit.max, limit.window.as_str())),
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
                on_deny: Some(message.clone()),
            }],
        };
        tools.push((p.tool.clone(), ToolRules { rules }));
    }
    let doc = Document {
        version: "1",
        description: description.to_owned(),
        default: "deny",
        hide,
        tools: Ordered(tools),
    };
    serde_saphyr::to_string(&doc).unwrap_or_default()
}
