//! Intercept `intercept.yaml`: spec section 2 (and Intercept's own `validate.go`, plus the
//! unknown keys it silently ignores).

use super::{join, kind, shown, Ctx, StateRef};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

const TOP: [&str; 5] = ["version", "description", "default", "hide", "tools"];
const RULE: [&str; 6] = [
    "name",
    "action",
    "rate_limit",
    "conditions",
    "on_deny",
    "state",
];
const STATE: [&str; 4] = ["counter", "window", "increment", "increment_from"];
const WINDOWS: [&str; 3] = ["minute", "hour", "day"];

pub(super) fn document(ctx: &mut Ctx, doc: &Value) {
    let Some(doc) = ctx.object("", doc, "a YAML map (version, tools, ...)") else {
        return;
    };
    ctx.keys("", doc, &TOP, |key| match key {
        "rules" => Some((
            "Intercept has no top-level `rules`".into(),
            "put rules under tools.<tool>.rules, or under tools.\"*\".rules to apply them to every call".into(),
        )),
        "all_tools" | "limits" => Some((
            format!("`{key}` is PolicyLayer syntax, not Intercept"),
            "put rules for every call under tools.\"*\".rules".into(),
        )),
        _ => None,
    });
    ctx.version(doc);
    ctx.default_posture(doc, false);
    ctx.hide(doc);
    if let Some(d) = doc.get("description") {
        if !d.is_string() {
            ctx.error(
                "description",
                format!("must be text, found {}", kind(d)),
                "write the description as a string",
            );
        }
    }
    let Some(tools) = doc.get("tools") else {
        ctx.error(
            "tools",
            "is missing",
            "add `tools:` mapping each exact tool name to its `rules` (`rules: []` allows a tool)",
        );
        return;
    };
    let Some(tools) = ctx.object("tools", tools, "a map of tool name → {rules: [...]}") else {
        return;
    };
    let mut counters: HashMap<&str, HashSet<String>> = HashMap::new();
    let mut refs = Vec::new();
    for (name, def) in tools {
        let at = join("tools", name);
        if name.trim().is_empty() {
            ctx.error(
                &at,
                "the tool name is blank",
                "use the tool's exact MCP name",
            );
        }
        let Some(def) = ctx.object(
            &at,
            def,
            "a map {rules: [...]} (`rules: []` allows the tool)",
        ) else {
            continue;
        };
        ctx.keys(&at, def, &["rules"], |key| {
            RULE.contains(&key).then(|| {
                (
                    format!("`{key}` belongs to a rule, not to the tool"),
                    format!("move it into a rule: tools.{name}.rules: [{{name: ..., {key}: ...}}]"),
                )
            })
        });
        let Some(rules) = def.get("rules") else {
            continue;
        };
        let Some(rules) = ctx.array(&join(&at, "rules"), rules, "rules") else {
            continue;
        };
        // Counter name → the rule that defines it (shorthands count as `_rate_<window>`).
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            let rat = format!("{at}.rules[{i}]");
            let info = rule(ctx, name, &rat, r);
            refs.extend(info.refs);
            let Some((counter, shorthand)) = info.counter else {
                continue;
            };
            match seen.get(&counter) {
                Some(j) if shorthand && counter.starts_with("_rate_") => ctx.error(
                    &join(&rat, "rate_limit"),
                    format!("clashes with rules[{j}]: both count per {} in counter `{counter}`", &counter[6..]),
                    "keep one rate limit per window on a tool: combine them, or use a different window",
                ),
                Some(j) => ctx.error(
                    &join(&rat, "state.counter"),
                    format!("duplicate state counter \"{counter}\" (also used by rules[{j}])"),
                    "give each counter of a tool its own name",
                ),
                None => {
                    seen.insert(counter.clone(), i);
                    counters.entry(name.as_str()).or_default().insert(counter);
                }
            }
        }
    }
    for r in refs {
        let tool = if r.scope == "_global" {
            "*"
        } else {
            r.scope.as_str()
        };
        if r.scope == "*" {
            ctx.error(
                &r.location,
                "the counter scope of \"*\" rules is `_global`, not `*`",
                format!("write state._global.{}", r.counter),
            );
        } else if !counters.get(tool).is_some_and(|c| c.contains(&r.counter)) {
            ctx.error(
                &r.location,
                format!("reads state.{}.{}, but no rule of tools.{tool} has a `state` block with counter \"{}\"", r.scope, r.counter, r.counter),
                format!("add state: {{counter: {}, window: ...}} to the rule that counts, or correct the path", r.counter),
            );
        }
    }
}

/// What one rule contributes to the tool-level checks.
#[derive(Default)]
struct RuleInfo {
    /// The counter it defines, and whether it comes from a `rate_limit` shorthand.
    counter: Option<(String, bool)>,
    /// Its `state.` condition paths.
    refs: Vec<StateRef>,
}

fn rule(ctx: &mut Ctx, tool: &str, at: &str, rule: &Value) -> RuleInfo {
    let mut info = RuleInfo::default();
    let Some(rule) = ctx.object(at, rule, "a rule map (name, conditions, on_deny, ...)") else {
        return info;
    };
    ctx.keys(at, rule, &RULE, |key| match key {
        "validate" => Some(("Intercept has no `validate`; it would be ignored and nothing checked".into(), "express the check as `conditions` ({path, op, value}) on a rule".into())),
        "reason" | "message" => Some((format!("Intercept has no `{key}`; it would be ignored"), "the message returned to the agent is `on_deny`".into())),
        "when" | "if" | "condition" | "match" => Some((format!("Intercept has no `{key}`"), "list conditions under `conditions`".into())),
        "limit" | "max" | "window" | "limits" => Some((format!("Intercept rules have no `{key}`"), "write rate_limit: \"10/minute\", or a `state` block with a lte condition on its counter".into())),
        _ => None,
    });
    let action = match rule.get("action") {
        None => Some("evaluate"),
        Some(Value::String(a)) if a == "evaluate" || a == "deny" => Some(a.as_str()),
        Some(Value::String(a)) if a == "allow" => {
            ctx.error(&join(at, "action"), "Intercept has no `allow` action", "remove the rule: `rules: []` already allows a listed tool; use evaluate (with conditions) or deny");
            None
        }
        Some(other) => {
            ctx.error(
                &join(at, "action"),
                format!("must be \"evaluate\" or \"deny\", found {}", shown(other)),
                "write action: evaluate (checks conditions) or action: deny (blocks every call)",
            );
            None
        }
    };
    if let Some(name) = rule.get("name") {
        if !matches!(name, Value::String(n) if !n.trim().is_empty()) {
            ctx.error(
                &join(at, "name"),
                format!("must be non-empty text, found {}", shown(name)),
                "name the rule, for example name: \"hourly issue limit\"",
            );
        }
    }
    if let Some(m) = rule.get("on_deny") {
        if !m.is_string() {
            ctx.error(
                &join(at, "on_deny"),
                format!("must be a message string, found {}", kind(m)),
                "write the message returned to the agent as a string",
            );
        }
    }
    if let Some(limit) = rule.get("rate_limit") {
        let rat = join(at, "rate_limit");
        info.counter = rate_limit(ctx, &rat, limit).map(|w| (format!("_rate_{w}"), true));
        if rule.contains_key("conditions") || rule.contains_key("state") {
            ctx.error(
                &rat,
                "cannot be combined with `conditions` or `state`",
                "split it into two rules, or write the full form (conditions + state) instead",
            );
        }
        if action == Some("deny") {
            ctx.error(
                &rat,
                "cannot be used with action: deny",
                "remove `action: deny` (a deny rule blocks every call, so a rate is meaningless)",
            );
        }
        return info;
    }
    if !rule.contains_key("name") {
        ctx.error(at, "has no `name`", "add name: a short description of the rule (required on every rule except a bare rate_limit)");
    }
    let conditions = match rule.get("conditions") {
        Some(c) => ctx
            .array(&join(at, "conditions"), c, "conditions")
            .unwrap_or(&[]),
        None => &[],
    };
    for (j, c) in conditions.iter().enumerate() {
        if let Some(r) = ctx.condition(&format!("{at}.conditions[{j}]"), c, true) {
            info.refs.push(r);
        }
    }
    match action {
        Some("deny") if !conditions.is_empty() => ctx.error(
            &join(at, "conditions"),
            "a deny rule must not have conditions (it blocks every call)",
            "remove `conditions`, or use action: evaluate to deny only when a condition fails",
        ),
        Some("evaluate") if conditions.is_empty() => ctx.error(
            at,
            "an evaluate rule needs at least one condition",
            "add `conditions`, or use action: deny to block every call",
        ),
        _ => {}
    }
    if let Some(state) = rule.get("state") {
        let scope = if tool == "*" { "_global" } else { tool };
        if let Some(counter) = self::state(ctx, &join(at, "state"), state) {
            let own = format!("state.{scope}.{counter}");
            let limited = conditions.iter().any(|c| {
                c.get("path").and_then(Value::as_str) == Some(own.as_str())
                    && matches!(c.get("op").and_then(Value::as_str), Some("lt" | "lte"))
                    && c.get("value").is_some_and(Value::is_number)
            });
            if !limited {
                ctx.error(&join(at, "state"), format!("counter \"{counter}\" never counts: Intercept only reserves a counter against a lt/lte condition on {own} in the same rule"), format!("add the condition {{path: {own}, op: lte, value: <max>}} to this rule"));
            }
            info.counter = Some((counter, false));
        }
    }
    info
}

/// The shorthand `"<count>/<window>"`; returns the window when valid.
fn rate_limit<'v>(ctx: &mut Ctx, at: &str, value: &'v Value) -> Option<&'v str> {
    let text = match value {
        Value::String(s) => s,
        Value::Object(_) => {
            ctx.error(at, "the map form of rate_limit is not Intercept syntax: Intercept rejects the file at load time", "write the shorthand string rate_limit: \"10/minute\" (<count>/<window>, window minute, hour or day)");
            return None;
        }
        other => {
            ctx.error(
                at,
                format!(
                    "must be a string \"<count>/<window>\", found {}",
                    kind(other)
                ),
                "write for example rate_limit: \"10/minute\"",
            );
            return None;
        }
    };
    let Some((count, window)) = text.split_once('/') else {
        ctx.error(
            at,
            format!("\"{text}\" is not in the form \"<count>/<window>\""),
            "write for example rate_limit: \"10/minute\"",
        );
        return None;
    };
    let mut ok = true;
    if !count.parse::<i64>().is_ok_and(|n| n > 0) {
        ctx.error(
            at,
            format!("the count \"{count}\" must be a positive whole number"),
            "write for example \"10/minute\"",
        );
        ok = false;
    }
    if !WINDOWS.contains(&window) {
        ctx.error(
            at,
            format!("the window \"{window}\" must be minute, hour or day"),
            format!("write for example \"{count}/hour\""),
        );
        ok = false;
    }
    ok.then_some(window)
}

/// A `state` block; returns its counter name when it has one.
fn state(ctx: &mut Ctx, at: &str, state: &Value) -> Option<String> {
    let s = ctx.object(
        at,
        state,
        "a map {counter, window, increment | increment_from}",
    )?;
    ctx.keys(at, s, &STATE, |_| None);
    match s.get("window") {
        Some(Value::String(w)) if WINDOWS.contains(&w.as_str()) => {}
        Some(other) => ctx.error(
            &join(at, "window"),
            format!("must be minute, hour or day, found {}", shown(other)),
            "write window: minute, hour or day",
        ),
        None => ctx.error(at, "has no `window`", "add window: minute, hour or day"),
    }
    if let Some(i) = s.get("increment") {
        if i.as_u64().is_none_or(|n| n == 0) {
            ctx.error(
                &join(at, "increment"),
                format!("must be a positive whole number, found {}", shown(i)),
                "write increment: 1 (the default), or remove it",
            );
        }
    }
    if let Some(from) = s.get("increment_from") {
        match from {
            Value::String(p)
                if p.strip_prefix("args.")
                    .is_some_and(|r| !r.split('.').any(str::is_empty)) => {}
            other => ctx.error(
                &join(at, "increment_from"),
                format!("must be an args.<field> path, found {}", shown(other)),
                "write for example increment_from: args.amount",
            ),
        }
        if s.contains_key("increment") {
            ctx.error(
                at,
                "has both `increment` and `increment_from`",
                "keep one: increment_from replaces the fixed increment",
            );
        }
    }
    ctx.counter(
        at,
        s,
        "add counter: a name, read in conditions as state.<tool>.<counter>",
    )
}

/// The keys this module accepts, for the FAQ check.
pub(super) fn field_names() -> Vec<&'static str> {
    let mut all: Vec<&str> = TOP.iter().chain(&RULE).chain(&STATE).copied().collect();
    all.extend(["rules", "path", "op", "value"]);
    all
}
