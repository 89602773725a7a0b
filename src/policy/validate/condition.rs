//! Conditions `{path, op, value}`, shared by both formats: operators and their operand
//! types, RE2 patterns, and `args.` / `state.` paths.

use super::{code_list, join, kind, Ctx};
use crate::policy::Op;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

impl Ctx {
    /// One condition `{path, op, value}`. `state_ok` says whether `state.` paths are allowed
    /// (Intercept) or not (PolicyLayer); a well-formed `state.<scope>.<counter>` path is
    /// returned for the caller to match against the `state` blocks.
    pub(super) fn condition(
        &mut self,
        location: &str,
        value: &Value,
        state_ok: bool,
    ) -> Option<StateRef> {
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
///
/// A build validates the same few generated patterns hundreds of thousands of times, and
/// compiling one costs more than the rest of a document's validation: answers are kept
/// (up to [`KNOWN_PATTERNS`] patterns, then forgotten all at once).
fn re2_problem(pattern: &str) -> Option<String> {
    static KNOWN: LazyLock<Mutex<HashMap<String, Option<String>>>> =
        LazyLock::new(Default::default);
    let known = |map: &HashMap<String, Option<String>>| map.get(pattern).cloned();
    if let Some(answer) = known(&KNOWN.lock().unwrap_or_else(|e| e.into_inner())) {
        return answer;
    }
    let answer = compile_re2(pattern);
    let mut map = KNOWN.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= KNOWN_PATTERNS {
        map.clear();
    }
    map.insert(pattern.to_owned(), answer.clone());
    answer
}

/// How many patterns [`re2_problem`] remembers.
const KNOWN_PATTERNS: usize = 10_000;

fn compile_re2(pattern: &str) -> Option<String> {
    static EXTENSIONS: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"\(\?[a-zA-Z-]*[xR]|\[[^\]]*(&&|--|~~)")
            .expect("the extension pattern is valid")
    });
    if let Err(e) = regex::Regex::new(pattern) {
        let text = e.to_string();
        let last = text.lines().last().unwrap_or("").trim();
        return Some(last.trim_start_matches("error: ").to_owned());
    }
    EXTENSIONS.find(pattern).map(|m| {
        format!(
            "`{}` is an extension of Rust's regex syntax that Go's RE2 does not read the same way",
            m.as_str()
        )
    })
}

/// A `state.<scope>.<counter>` path found in a condition.
#[derive(Debug, Clone)]
pub(in crate::policy::validate) struct StateRef {
    /// Where the path is.
    pub(super) location: String,
    /// The tool name, or `_global`.
    pub(super) scope: String,
    /// The counter name.
    pub(super) counter: String,
}
