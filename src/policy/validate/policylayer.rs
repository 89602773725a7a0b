//! PolicyLayer `policy.json`: spec section 1.

use super::{join, kind, shown, Ctx};
use serde_json::Value;
use std::collections::HashMap;

const TOP: [&str; 5] = ["version", "default", "hide", "all_tools", "tools"];
const RULE: [&str; 3] = ["limits", "deny_if", "require"];
const LIMIT: [&str; 4] = ["counter", "window", "max", "scope"];
const ENTRY: [&str; 2] = ["conditions", "on_deny"];

pub(super) fn document(ctx: &mut Ctx, doc: &Value) {
    let Some(doc) = ctx.object("", doc, "a JSON object") else {
        return;
    };
    ctx.keys("", doc, &TOP, |key| match key {
        "rules" => Some((
            "PolicyLayer has no top-level `rules`".into(),
            "give each tool its rule under tools.<tool>, and quotas for every call under all_tools.limits".into(),
        )),
        "description" => Some((
            "PolicyLayer has no `description`".into(),
            "remove it (only the Intercept YAML has a description)".into(),
        )),
        _ => None,
    });
    ctx.version(doc);
    ctx.default_posture(doc, true);
    ctx.hide(doc);
    // Counter name → (window, first location): a shared counter shares one count, so it
    // must keep one window.
    let mut counters: HashMap<String, (String, String)> = HashMap::new();
    if let Some(all) = doc.get("all_tools") {
        if let Some(all) = ctx.object("all_tools", all, "an object {\"limits\": [...]}") {
            ctx.keys("all_tools", all, &["limits"], |_| None);
            if let Some(limits) = all.get("limits") {
                self::limits(ctx, "all_tools.limits", limits, &mut counters);
            }
        }
    }
    let Some(tools) = doc.get("tools") else {
        return;
    };
    let Some(tools) = ctx.object("tools", tools, "an object of tool name → rule") else {
        return;
    };
    for (name, rule) in tools {
        let at = join("tools", name);
        if name.trim().is_empty() {
            ctx.error(
                &at,
                "the tool name is blank",
                "use the tool's exact MCP name",
            );
        }
        let Some(rule) = ctx.object(&at, rule, "a rule object ({} allows the tool)") else {
            continue;
        };
        ctx.keys(&at, rule, &RULE, |key| match key {
            "rate_limit" => Some((
                "PolicyLayer has no `rate_limit`".into(),
                "write a `limits` entry: {\"counter\": \"...\", \"window\": \"minute\", \"max\": 10, \"scope\": \"grant\"}".into(),
            )),
            "action" | "hide" => Some((
                format!("PolicyLayer tool rules have no `{key}`"),
                "list the tool under the top-level `hide` to block it, or use `deny_if` with empty conditions to deny every call".into(),
            )),
            _ => None,
        });
        if let Some(limits) = rule.get("limits") {
            self::limits(ctx, &join(&at, "limits"), limits, &mut counters);
        }
        for key in ["deny_if", "require"] {
            if let Some(entries) = rule.get(key) {
                self::entries(ctx, &join(&at, key), key, entries);
            }
        }
    }
}

fn limits(
    ctx: &mut Ctx,
    at: &str,
    limits: &Value,
    counters: &mut HashMap<String, (String, String)>,
) {
    let Some(limits) = ctx.array(at, limits, "limit objects") else {
        return;
    };
    for (i, limit) in limits.iter().enumerate() {
        let at = format!("{at}[{i}]");
        let Some(limit) = ctx.object(&at, limit, "a limit {counter, window, max, scope}") else {
            continue;
        };
        ctx.keys(&at, limit, &LIMIT, |key| match key {
            "per" | "period" | "interval" => Some((
                format!("unknown key `{key}`"),
                "the period is `window`: \"minute\" or \"hour\"".into(),
            )),
            _ => None,
        });
        let counter = ctx.counter(
            &at,
            limit,
            "add \"counter\": a name; limits sharing a counter share one count",
        );
        let window = match limit.get("window") {
            Some(Value::String(w)) if w == "minute" || w == "hour" => Some(w.clone()),
            Some(other) => {
                ctx.error(&join(&at, "window"), format!("must be \"minute\" or \"hour\", found {}", shown(other)), "PolicyLayer windows are \"minute\" and \"hour\" (a daily window exists only in Intercept)");
                None
            }
            None => {
                ctx.error(
                    &at,
                    "has no `window`",
                    "add \"window\": \"minute\" or \"hour\"",
                );
                None
            }
        };
        match limit.get("max") {
            Some(Value::Number(n)) if n.as_u64().is_some_and(|m| m > 0) => {}
            Some(other) => ctx.error(
                &join(&at, "max"),
                format!("must be a positive whole number, found {}", shown(other)),
                "write the number of calls allowed per window, such as 30",
            ),
            None => ctx.error(
                &at,
                "has no `max`",
                "add \"max\": the number of calls allowed per window",
            ),
        }
        match limit.get("scope") {
            Some(Value::String(s)) if s == "grant" => {}
            Some(other) => ctx.error(
                &join(&at, "scope"),
                format!("must be \"grant\", found {}", shown(other)),
                "write \"scope\": \"grant\", the only documented scope",
            ),
            None => ctx.error(&at, "has no `scope`", "add \"scope\": \"grant\""),
        }
        if let (Some(counter), Some(window)) = (counter, window) {
            match counters.get(&counter) {
                Some((w, first)) if *w != window => ctx.error(
                    &join(&at, "counter"),
                    format!("counter \"{counter}\" is used with window \"{w}\" at {first} and \"{window}\" here; limits sharing a counter share one count"),
                    "give each window its own counter name",
                ),
                Some(_) => {}
                None => {
                    counters.insert(counter, (window, join(&at, "counter")));
                }
            }
        }
    }
}

fn entries(ctx: &mut Ctx, at: &str, key: &str, entries: &Value) {
    let Some(entries) = ctx.array(at, entries, "{conditions, on_deny} objects") else {
        return;
    };
    for (i, entry) in entries.iter().enumerate() {
        let at = format!("{at}[{i}]");
        let Some(entry) = ctx.object(
            &at,
            entry,
            "an object {\"conditions\": [...], \"on_deny\": \"...\"}",
        ) else {
            continue;
        };
        ctx.keys(&at, entry, &ENTRY, |k| match k {
            "reason" | "message" => Some((
                format!("unknown key `{k}`"),
                "the message returned to the agent is `on_deny`".into(),
            )),
            _ => None,
        });
        match entry.get("on_deny") {
            None | Some(Value::String(_)) => {}
            Some(other) => ctx.error(
                &join(&at, "on_deny"),
                format!("must be a message string, found {}", kind(other)),
                "write the message returned to the agent as a string",
            ),
        }
        let Some(conditions) = entry.get("conditions") else {
            let fix = if key == "deny_if" {
                "add \"conditions\": [] to deny every call, or list the conditions"
            } else {
                "add the conditions the call must satisfy"
            };
            ctx.error(&at, "has no `conditions`", fix);
            continue;
        };
        let cat = join(&at, "conditions");
        let Some(conditions) = ctx.array(&cat, conditions, "conditions") else {
            continue;
        };
        if conditions.is_empty() && key == "require" {
            ctx.error(
                &cat,
                "an empty `require` entry holds for every call, so it never denies",
                "list the conditions the call must satisfy, or remove the entry",
            );
        }
        for (j, c) in conditions.iter().enumerate() {
            ctx.condition(&format!("{cat}[{j}]"), c, false);
        }
    }
}

/// The keys this module accepts, for the FAQ check.
pub(super) fn field_names() -> Vec<&'static str> {
    let mut all: Vec<&str> = TOP
        .iter()
        .chain(&RULE)
        .chain(&LIMIT)
        .chain(&ENTRY)
        .copied()
        .collect();
    all.extend(["path", "op", "value"]);
    all
}
