//! The policy validator: every rule of the project's policy spec for PolicyLayer
//! `policy.json` (`policylayer`) and Intercept `intercept.yaml` (`intercept`).
//!
//! Stricter than the proxies on purpose where they are silent: Intercept ignores unknown
//! keys, so a misspelt or invented key (`validate:`, `reason:`, `action: allow`) looks
//! enforced but is not; here it is an error. Each [`Problem`] names its location in the
//! document (`tools.create_issue.rules[0].rate_limit`) and says how to fix it.

mod condition;
mod intercept;
mod policylayer;

use condition::StateRef;

use super::Op;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::fmt;
use std::path::Path;

/// The two policy formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PolicyLayer `policy.json`.
    PolicyLayer,
    /// Intercept `intercept.yaml`.
    Intercept,
}

impl Format {
    /// The format a file name implies: `.json` → PolicyLayer, `.yaml`/`.yml` → Intercept.
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Format::PolicyLayer),
            "yaml" | "yml" => Some(Format::Intercept),
            _ => None,
        }
    }

    /// `PolicyLayer JSON` or `Intercept YAML`.
    pub fn label(self) -> &'static str {
        match self {
            Format::PolicyLayer => "PolicyLayer JSON",
            Format::Intercept => "Intercept YAML",
        }
    }
}

/// One thing wrong with a policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: a dotted key path (`tools.x.rules[0].conditions[1].op`), `line 3, column 5`
    /// for syntax errors, or `(document)`.
    pub location: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (fix: {})", self.location, self.message, self.fix)
    }
}

/// Validates a document of `format` given as text; an empty list means it is valid.
pub fn validate_text(format: Format, text: &str) -> Vec<Problem> {
    match parse(format, text) {
        Ok(value) => validate_value(format, &value),
        Err(p) => vec![p],
    }
}

/// Validates an already parsed document (JSON, or YAML read into JSON values).
pub fn validate_value(format: Format, doc: &Value) -> Vec<Problem> {
    let mut ctx = Ctx::default();
    match format {
        Format::PolicyLayer => policylayer::document(&mut ctx, doc),
        Format::Intercept => intercept::document(&mut ctx, doc),
    }
    ctx.problems
}

/// Parses the text: JSON with serde_json, YAML with serde-saphyr (YAML 1.2 booleans only,
/// as Intercept's Go parser reads them; duplicate keys are an error; the limits of
/// [`yaml_budget`]). A syntax error is returned as a problem located at its line and column.
pub fn parse(format: Format, text: &str) -> Result<Value, Problem> {
    match format {
        Format::PolicyLayer => serde_json::from_str(text).map_err(|e| Problem {
            location: format!("line {}, column {}", e.line(), e.column()),
            message: format!("not valid JSON: {e}"),
            fix: "correct the JSON syntax at that point".into(),
        }),
        Format::Intercept => {
            // Comments are still checked as YAML syntax, but their text is never kept
            // (serde-saphyr is built without `comments`, see Cargo.toml).
            let options = serde_saphyr::options! {
                strict_booleans: true,
                budget: Some(yaml_budget(text.len())),
            };
            serde_saphyr::from_str_with_options::<Value>(text, options).map_err(|e| {
                let mut cause = e.without_snippet();
                while let serde_saphyr::Error::AliasError { error, .. } = cause {
                    cause = error.without_snippet();
                }
                if let serde_saphyr::Error::Budget { breach, .. } = cause {
                    return Problem {
                        location: "(document)".to_owned(),
                        message: format!("beyond what the YAML parser may read safely: {breach:?}"),
                        fix: "use fewer aliases (`*name`) and anchors (`&name`), and nest at most 64 levels deep".into(),
                    };
                }
                let rendered = e.to_string();
                let first = rendered.lines().next().unwrap_or("").trim();
                let first = first.trim_start_matches("error: ");
                // serde-saphyr repeats the position in the message; the location has it.
                let message = match first.split_once(": ") {
                    Some((at, rest)) if at.starts_with("line ") => rest,
                    _ => first,
                };
                Problem {
                    location: e.location().map_or_else(
                        || "(document)".to_owned(),
                        |l| format!("line {}, column {}", l.line(), l.column()),
                    ),
                    message: format!("not valid YAML: {message}"),
                    fix: "correct the YAML syntax at that point (indentation, quoting, a `:` after each key)".into(),
                }
            })
        }
    }
}

/// The limits serde-saphyr reads a YAML document of `bytes` bytes with: its defaults, which
/// guard against alias expansion ("billion laughs") and deep nesting, except that the
/// counts that grow with the text itself (nodes, events, scalar bytes) may grow with it.
/// The defaults cap a document at 250,000 nodes, and the Intercept policy of a server with
/// 60,000 tools has more (one with 35,000 still fit): the build rejected its own valid
/// `intercept.yaml`, which Intercept reads. Without aliases a node takes at least a byte of text (an
/// implicit null value aside, paired with its key), so these bounds never stop a document
/// that spells out its content, and alias expansion keeps its own limits.
pub fn yaml_budget(bytes: usize) -> serde_saphyr::Budget {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = budget.max_nodes.max(2 * bytes);
    budget.max_events = budget.max_events.max(4 * bytes);
    budget.max_total_scalar_bytes = budget.max_total_scalar_bytes.max(bytes);
    budget
}

/// Collected problems.
#[derive(Default)]
pub(super) struct Ctx {
    problems: Vec<Problem>,
}

impl Ctx {
    fn error(&mut self, location: &str, message: impl Into<String>, fix: impl Into<String>) {
        self.problems.push(Problem {
            location: if location.is_empty() {
                "(document)".to_owned()
            } else {
                location.to_owned()
            },
            message: message.into(),
            fix: fix.into(),
        });
    }

    /// Reports every key of `object` not in `allowed`; `hint` may give a specific message
    /// and fix for a known wrong key.
    fn keys(
        &mut self,
        location: &str,
        object: &Map<String, Value>,
        allowed: &[&str],
        hint: impl Fn(&str) -> Option<(String, String)>,
    ) {
        for key in object.keys() {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let at = join(location, key);
            match hint(key) {
                Some((message, fix)) => self.error(&at, message, fix),
                None => self.error(
                    &at,
                    format!("unknown key `{key}`"),
                    format!(
                        "remove it or use one of {}; proxies ignore unknown keys, so it would do nothing",
                        code_list(allowed)
                    ),
                ),
            }
        }
    }

    /// `value` must be an object; reports and returns `None` otherwise.
    fn object<'v>(
        &mut self,
        location: &str,
        value: &'v Value,
        what: &str,
    ) -> Option<&'v Map<String, Value>> {
        match value {
            Value::Object(o) => Some(o),
            other => {
                self.error(
                    location,
                    format!("must be {what}, found {}", kind(other)),
                    format!("write {what}"),
                );
                None
            }
        }
    }

    /// `value` must be an array; reports and returns `None` otherwise.
    fn array<'v>(&mut self, location: &str, value: &'v Value, what: &str) -> Option<&'v [Value]> {
        match value {
            Value::Array(a) => Some(a),
            other => {
                self.error(
                    location,
                    format!("must be a list of {what}, found {}", kind(other)),
                    format!("write a list of {what}"),
                );
                None
            }
        }
    }

    /// `version` must be the string `"1"`.
    fn version(&mut self, doc: &Map<String, Value>) {
        match doc.get("version") {
            Some(Value::String(v)) if v == "1" => {}
            Some(other) => self.error(
                "version",
                format!("must be the string \"1\", found {}", shown(other)),
                "write version: \"1\" (quoted: a bare number is not the string the spec requires)",
            ),
            None => self.error("version", "is missing", "add version: \"1\""),
        }
    }

    /// `default`: `allow` or `deny`.
    fn default_posture(&mut self, doc: &Map<String, Value>, required: bool) {
        match doc.get("default") {
            Some(Value::String(v)) if v == "allow" || v == "deny" => {}
            Some(other) => self.error(
                "default",
                format!("must be \"allow\" or \"deny\", found {}", shown(other)),
                "write default: \"deny\" (only listed tools may run) or \"allow\"",
            ),
            None if required => self.error(
                "default",
                "is missing",
                "add default: \"deny\" so that a tool the policy does not list is refused",
            ),
            None => {}
        }
    }

    /// `object.counter` must be a non-blank name; returns it. `missing` is the fix when the
    /// key is absent.
    fn counter(&mut self, at: &str, object: &Map<String, Value>, missing: &str) -> Option<String> {
        match object.get("counter") {
            Some(Value::String(c)) if !c.trim().is_empty() => Some(c.clone()),
            Some(other) => {
                let fix = "name the counter, for example \"create_issue_calls\"";
                self.error(
                    &join(at, "counter"),
                    format!("must be a non-empty name, found {}", shown(other)),
                    fix,
                );
                None
            }
            None => {
                self.error(at, "has no `counter`", missing);
                None
            }
        }
    }

    /// `hide`: a list of non-blank, distinct tool names.
    fn hide(&mut self, doc: &Map<String, Value>) {
        let Some(hide) = doc.get("hide") else { return };
        let Some(items) = self.array("hide", hide, "tool names") else {
            return;
        };
        // A set: the `hide` list of a large server's policy holds tens of thousands of names.
        let mut seen = HashSet::new();
        for (i, item) in items.iter().enumerate() {
            let at = format!("hide[{i}]");
            match item {
                Value::String(s) if s.trim().is_empty() => {
                    self.error(&at, "is blank", "remove the entry or write a tool name")
                }
                Value::String(s) if !seen.insert(s) => self.error(
                    &at,
                    format!("duplicate entry \"{s}\""),
                    "list each tool once",
                ),
                Value::String(_) => {}
                other => self.error(
                    &at,
                    format!("must be a tool name (a string), found {}", kind(other)),
                    "write the tool's exact name as a string",
                ),
            }
        }
    }
}

/// `a.b` from a location and a key (`b` alone at the top).
fn join(location: &str, key: &str) -> String {
    if location.is_empty() {
        key.to_owned()
    } else {
        format!("{location}.{key}")
    }
}

/// `` `a`, `b` or `c` ``.
fn code_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

/// `a string`, `a number`, `a list`, `a map`, `true or false`, `null`.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// A value as JSON, for messages (`"2"`, `1`, `{"max":10}`).
fn shown(value: &Value) -> String {
    value.to_string()
}

/// Every key either format defines (`version`, `limits`, `deny_if`, `rate_limit`,
/// `on_deny`, `state`, `increment_from`, ...). Used to check that prose about the formats
/// names real fields only.
pub fn field_names() -> std::collections::BTreeSet<&'static str> {
    policylayer::field_names()
        .into_iter()
        .chain(intercept::field_names())
        .collect()
}

/// Every keyword value either format defines: operators, actions, defaults, windows, the
/// `grant` scope and the `_global` counter scope.
pub fn keyword_values() -> std::collections::BTreeSet<&'static str> {
    Op::ALL
        .iter()
        .map(|op| op.as_str())
        .chain([
            "allow", "deny", "evaluate", "minute", "hour", "day", "grant", "_global", "*",
        ])
        .collect()
}
