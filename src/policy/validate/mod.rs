//! The policy validator: every rule of the project's policy spec for PolicyLayer
//! `policy.json` ([`policylayer`]) and Intercept `intercept.yaml` ([`intercept`]).
//!
//! Stricter than the proxies on purpose where they are silent: Intercept ignores unknown
//! keys, so a misspelt or invented key (`validate:`, `reason:`, `action: allow`) looks
//! enforced but is not; here it is an error. Each [`Problem`] names its location in the
//! document (`tools.create_issue.rules[0].rate_limit`) and says how to fix it.

mod intercept;
mod policylayer;

use super::Op;
use serde_json::{Map, Value};
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
/// as Intercept's Go parser reads them; duplicate keys are an error). A syntax error is
/// returned as a problem located at its line and column.
pub fn parse(format: Format, text: &str) -> Result<Value, Problem> {
    match format {
        Format::PolicyLayer => serde_json::from_str(text).map_err(|e| Problem {
            location: format!("line {}, column {}", e.line(), e.column()),
            message: format!("not valid JSON: {e}"),
            fix: "correct the JSON syntax at that point".into(),
        }),
        Format::Intercept => {
            let options = serde_saphyr::options! { strict_booleans: true };
            serde_saphyr::from_str_with_options::<Value>(text, options).map_err(|e| {
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

    /// `hide`: a list of non-blank, distinct tool names.
    fn hide(&mut self, doc: &Map<String, Value>) {
        let Some(hide) = doc.get("hide") else { return };
        let Some(items) = self.array("hide", hide, "tool names") else {
            return;
        };
        let mut seen = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let at = format!("hide[{i}]");
            match item {
                Value::String(s) if s.trim().is_empty() => {
                    self.error(&at, "is blank", "remove the entry or write a tool name")
                }
                Value::String(s) if seen.contains(&s) => self.error(
                    &at,
                    format!("duplicate entry \"{s}\""),
                    "list each tool once",
                ),
                Value::String(s) => seen.push(s),
                other => self.error(
                    &at,
                    format!("must be a tool name (a string), found {}", kind(other)),
                    "write the tool's exact name as a string",
                ),
            }
        }
    }

    /// One condition `{path, op, value}`. `state_ok` says whether `state.` paths are allowed
    /// (Intercept) or not (PolicyLayer); a well-formed `state.<scope>.<counter>` path is
    /// returned for the caller to match against the `state` blocks.
    fn condition(&mut self, location: &str, value: &Value, state_ok: bool) -> Option<StateRef> {
        let c = self.object(location, value, "a condition {path, op, value}")?;
        self.keys(location, c, &["path", "op", "value"], |key| {
            let fix = "a condition has exactly `path`, `op` and `value`";
            Some((
                format!("unknown key `{key}` in a condition"),
                fix.to_owned(),
            ))
        });
        let op = match c.get("op") {
            Some(Value::String(s)) => match Op::parse(s) {
                Some(op) => Some(op),
                None => {
                    self.error(
                        &join(location, "op"),
                        format!("unknown operator \"{s}\""),
                        format!("use one of {}", code_list(&Op::ALL.map(Op::as_str))),
                    );
                    None
                }
            },
            Some(other) => {
                self.error(&join(location, "op"), format!("must be an operator name, found {}", kind(other)), "write one of `eq`, `neq`, `in`, `not_in`, `lt`, `lte`, `gt`, `gte`, `regex`, `contains`, `exists`");
                None
            }
            None => {
                self.error(location, "has no `op`", "add `op`, for example op: eq");
                None
            }
        };
        match (op, c.get("value")) {
            (Some(op), Some(v)) => self.operand(&join(location, "value"), op, v),
            (Some(op), None) => self.error(
                location,
                format!("has no `value` for operator `{}`", op.as_str()),
                "add `value` of the type the operator needs",
            ),
            (None, _) => {}
        }
        match c.get("path") {
            Some(Value::String(p)) => self.path(&join(location, "path"), p, state_ok),
            Some(other) => {
                self.error(
                    &join(location, "path"),
                    format!("must be a string, found {}", kind(other)),
                    "write a path such as \"args.amount\"",
                );
                None
            }
            None => {
                self.error(
                    location,
                    "has no `path`",
                    "add `path`, for example path: \"args.amount\"",
                );
                None
            }
        }
    }

    /// The operand must have the type the operator needs.
    fn operand(&mut self, location: &str, op: Op, value: &Value) {
        let name = op.as_str();
        match op {
            Op::Eq | Op::Neq | Op::Contains => {}
            Op::In | Op::NotIn if !value.is_array() => self.error(
                location,
                format!("operator `{name}` needs a list, found {}", kind(value)),
                "write a list, for example [\"usd\", \"eur\"]",
            ),
            Op::Lt | Op::Lte | Op::Gt | Op::Gte if !value.is_number() => self.error(
                location,
                format!("operator `{name}` needs a number, found {}", kind(value)),
                "write a bare number such as 100 (no quotes)",
            ),
            Op::Exists if !value.is_boolean() => self.error(
                location,
                format!(
                    "operator `exists` needs true or false, found {}",
                    kind(value)
                ),
                "write true (the argument must be present) or false",
            ),
            Op::Regex => match value {
                Value::String(re) => {
                    if let Some(why) = re2_problem(re) {
                        self.error(
                            location,
                            format!("invalid RE2 regular expression \"{re}\": {why}"),
                            "correct the pattern; RE2 has no look-around or back-references",
                        );
                    }
                }
                other => self.error(
                    location,
                    format!("operator `regex` needs a string, found {}", kind(other)),
                    "write the pattern as a string",
                ),
            },
            _ => {}
        }
    }

    /// `args.<field>[.<sub>…]`, or (Intercept only) `state.<scope>.<counter>`.
    fn path(&mut self, location: &str, path: &str, state_ok: bool) -> Option<StateRef> {
        if let Some(rest) = path.strip_prefix("args.") {
            if rest.split('.').any(str::is_empty) {
                self.error(
                    location,
                    format!("\"{path}\" has an empty segment"),
                    "write args.<field> with dots only between names, such as args.filter.status",
                );
            }
            return None;
        }
        if let Some(rest) = path.strip_prefix("state.") {
            if !state_ok {
                self.error(
                    location,
                    format!("\"{path}\": PolicyLayer conditions read arguments only"),
                    "use an args.<field> path; count calls with a `limits` entry instead",
                );
                return None;
            }
            return match rest.split_once('.') {
                Some((scope, counter)) if !scope.is_empty() && !counter.is_empty() => {
                    Some(StateRef {
                        location: location.to_owned(),
                        scope: scope.to_owned(),
                        counter: counter.to_owned(),
                    })
                }
                _ => {
                    self.error(location, format!("\"{path}\" names no counter"), "write state.<tool>.<counter> (state._global.<counter> in \"*\" rules), naming the `counter` of a `state` block");
                    None
                }
            };
        }
        let fix = if state_ok {
            "start the path with args. (a tool argument) or state. (a counter)"
        } else {
            "start the path with args., for example args.amount"
        };
        self.error(
            location,
            format!(
                "\"{path}\" must start with {}",
                if state_ok { "args. or state." } else { "args." }
            ),
            fix,
        );
        None
    }
}

/// Why a pattern would not compile as the RE2 syntax of Go's `regexp` (which Intercept
/// uses), or `None`. The `regex` crate implements the same syntax, plus a few extensions Go
/// rejects or reads differently: the `x` and `R` flags and `&&`/`--`/`~~` class operations.
fn re2_problem(pattern: &str) -> Option<String> {
    if let Err(e) = regex::Regex::new(pattern) {
        let text = e.to_string();
        let last = text.lines().last().unwrap_or("").trim();
        return Some(last.trim_start_matches("error: ").to_owned());
    }
    let extensions = regex::Regex::new(r"\(\?[a-zA-Z-]*[xR]|\[[^\]]*(&&|--|~~)").ok()?;
    extensions.find(pattern).map(|m| {
        format!(
            "`{}` is an extension of Rust's regex syntax that Go's RE2 does not read the same way",
            m.as_str()
        )
    })
}

/// A `state.<scope>.<counter>` path found in a condition.
#[derive(Debug, Clone)]
pub(super) struct StateRef {
    location: String,
    scope: String,
    counter: String,
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
