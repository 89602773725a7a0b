//! Argument-aware checks: conditions drawn from a tool's own `inputSchema`.
//!
//! Conservative by construction, because both enforcement tools deny a call when a
//! condition's argument is absent (Intercept's engine returns false for a missing path):
//! value checks (`in`, `regex`, `lte`) are only written on arguments the schema marks
//! `required` (and, for nested ones, whose every parent is required), with one plain
//! non-null `type`, addressed by the exact dotted path the proxies resolve. The one check on
//! an optional argument is `exists: true` on a `reason`, whose whole point is to demand it.

use super::{Check, CheckKind, Condition, Op};
use crate::catalogue::schema::{required, top_level};
use crate::classify::{lexicon, name_words, Category};
use serde_json::{json, Map, Value};

/// Matches any string without two dots in a row, so `..` path segments never pass. RE2 has
/// no look-ahead, hence the positive form.
pub const NO_PARENT_REGEX: &str = r"^(?:[^.]|\.[^.])*\.?$";

/// Matches web URLs only (any case of the scheme).
pub const WEB_URL_REGEX: &str = r"(?i)^https?://";

/// Numeric arguments worth a cap, with the cap: `replicas` above 10 is a scale-up a person
/// should make.
const NUMBER_CAPS: [(&str, u32); 1] = [("replicas", 10)];

/// Names of optional arguments whose presence the policy demands.
const REASON_NAMES: [&str; 3] = ["reason", "justification", "rationale"];

/// Nested objects are followed this deep (top level is depth 0).
const MAX_DEPTH: usize = 3;

/// The checks for a tool of `category` whose `inputSchema` is `schema`, each with the
/// sentence that explains it on the page.
pub(super) fn checks(schema: &Map<String, Value>, category: Category) -> Vec<(Check, String)> {
    let mut args = Vec::new();
    required_arguments(schema, "", 0, &mut args);
    let mut out: Vec<(Check, String)> = args
        .iter()
        .filter_map(|(path, name, arg)| {
            enum_allow_list(path, name, arg)
                .or_else(|| path_no_parent(path, name, arg))
                .or_else(|| web_url(path, name, arg))
                .or_else(|| number_cap(path, name, arg))
        })
        .collect();
    if matches!(category, Category::Write | Category::Execute) {
        let needed = required(schema);
        for (name, arg) in top_level(schema) {
            if REASON_NAMES.contains(&name) && !needed.contains(&name) && is_type(arg, "string") {
                out.push(check(
                    CheckKind::ReasonRequired,
                    name,
                    Op::Exists,
                    json!(true),
                    format!("Give a `{name}` for this call."),
                    format!("`{name}` is optional in the schema, but the policy requires it, so every call states why it is made."),
                ));
            }
        }
    }
    out
}

/// Every argument present on every valid call, as `(dotted path, name, schema)`: required
/// at the top level, or required inside a required object.
fn required_arguments<'a>(
    schema: &'a Map<String, Value>,
    prefix: &str,
    depth: usize,
    out: &mut Vec<(String, &'a str, &'a Map<String, Value>)>,
) {
    let needed = required(schema);
    for (name, arg) in top_level(schema) {
        // A dot inside a name cannot be addressed: both proxies split paths on dots.
        if !needed.contains(&name) || name.is_empty() || name.contains('.') {
            continue;
        }
        let path = if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        };
        out.push((path.clone(), name, arg));
        if depth + 1 < MAX_DEPTH && is_type(arg, "object") {
            required_arguments(arg, &path, depth + 1, out);
        }
    }
}

/// True when the schema's `type` is exactly this one type (no list, no union, no null).
fn is_type(schema: &Map<String, Value>, t: &str) -> bool {
    schema.get("type").and_then(Value::as_str) == Some(t)
        && !schema.contains_key("anyOf")
        && !schema.contains_key("oneOf")
}

fn check(
    kind: CheckKind,
    path: &str,
    op: Op,
    value: Value,
    on_deny: String,
    explanation: String,
) -> (Check, String) {
    let name = match kind {
        CheckKind::EnumAllowList => format!("{path} allow-list"),
        CheckKind::PathNoParent => format!("{path} stays in its folder"),
        CheckKind::WebUrl => format!("{path} is a web URL"),
        CheckKind::ReasonRequired => format!("{path} is given"),
        CheckKind::NumberCap => format!("{path} cap"),
    };
    let condition = Condition {
        path: format!("args.{path}"),
        op,
        value,
    };
    (
        Check {
            kind,
            name,
            condition,
            on_deny,
        },
        explanation,
    )
}

/// A required string `enum` with destructive values (by the classifier's definition:
/// `delete`, `update`, `close`...): only the others pass.
fn enum_allow_list(path: &str, _name: &str, arg: &Map<String, Value>) -> Option<(Check, String)> {
    if !is_type(arg, "string") {
        return None;
    }
    let values: Vec<&str> = arg
        .get("enum")?
        .as_array()?
        .iter()
        .map(Value::as_str)
        .collect::<Option<_>>()?;
    // The classifier's own words decide (`delete`, `update`, `close`...), so the values
    // denied here are exactly the ones that make the tool Destructive.
    let (bad, good): (Vec<&str>, Vec<&str>) = values
        .iter()
        .partition(|v| lexicon::is_destructive_value(v));
    if bad.is_empty() || good.is_empty() {
        return None;
    }
    let list = |vs: &[&str]| {
        vs.iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(check(
        CheckKind::EnumAllowList,
        path,
        Op::In,
        json!(good),
        format!(
            "`{path}` may not be {}: deleting or overwriting data needs a person.",
            bad.join(" or ")
        ),
        format!(
            "`{path}` must be one of {}; the policy refuses {} because {} data.",
            list(&good),
            list(&bad),
            if bad.len() == 1 {
                "it deletes or overwrites"
            } else {
                "they delete or overwrite"
            }
        ),
    ))
}

/// A required string argument named like a file path (`path`, `file_path`, `repoPath`).
fn path_no_parent(path: &str, name: &str, arg: &Map<String, Value>) -> Option<(Check, String)> {
    let words = name_words(name);
    let pathlike =
        words.last().map(String::as_str) == Some("path") && !words.contains(&"url".to_owned());
    if !pathlike || !is_type(arg, "string") || arg.contains_key("format") {
        return None;
    }
    Some(check(
        CheckKind::PathNoParent,
        path,
        Op::Regex,
        json!(NO_PARENT_REGEX),
        format!("`{path}` may not contain `..`."),
        format!("`{path}` may not contain `..`, so the agent cannot climb out of the folder it is given (a name with two dots in a row is refused too)."),
    ))
}

/// A required string argument that is a web address: named `url` (or `…Url`, `…_url`) or of
/// `format: uri`, and not described as accepting other schemes, ids or patterns.
fn web_url(path: &str, name: &str, arg: &Map<String, Value>) -> Option<(Check, String)> {
    let words = name_words(name);
    let named_url = words.last().map(String::as_str) == Some("url");
    let format_uri = matches!(
        arg.get("format").and_then(Value::as_str),
        Some("uri" | "url")
    );
    if !(named_url || format_uri) || !is_type(arg, "string") {
        return None;
    }
    const OTHER: [&str; 10] = [
        "or", "pattern", "ssh", "git", "file", "id", "s3", "glob", "regex", "path",
    ];
    let description = arg.get("description").and_then(Value::as_str).unwrap_or("");
    if name_words(description)
        .iter()
        .chain(&words)
        .any(|w| OTHER.contains(&w.as_str()))
    {
        return None;
    }
    Some(check(
        CheckKind::WebUrl,
        path,
        Op::Regex,
        json!(WEB_URL_REGEX),
        format!("`{path}` must be an http:// or https:// URL."),
        format!("`{path}` must start with `http://` or `https://`, so `file:`, `data:` and other local schemes are refused."),
    ))
}

/// A required number from [`NUMBER_CAPS`].
fn number_cap(path: &str, name: &str, arg: &Map<String, Value>) -> Option<(Check, String)> {
    let (_, max) = NUMBER_CAPS.iter().find(|(n, _)| *n == name)?;
    if !(is_type(arg, "integer") || is_type(arg, "number")) {
        return None;
    }
    Some(check(
        CheckKind::NumberCap,
        path,
        Op::Lte,
        json!(max),
        format!("`{path}` above {max} needs a person."),
        format!("`{path}` is capped at {max}, so a slip cannot scale to hundreds of copies; a bigger value needs a person."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(schema: Value, category: Category) -> Vec<Check> {
        checks(schema.as_object().unwrap(), category)
            .into_iter()
            .map(|(c, _)| c)
            .collect()
    }

    #[test]
    fn optional_arguments_get_no_value_checks() {
        let c = run(
            json!({"properties":{"path":{"type":"string"},"url":{"type":"string"},
                "method":{"type":"string","enum":["get","delete"]},"replicas":{"type":"integer"}}}),
            Category::Write,
        );
        assert!(c.is_empty(), "{c:?}");
    }

    #[test]
    fn required_arguments_get_their_checks_with_real_paths() {
        let c = run(
            json!({"required":["method","path","url","replicas","spec"],"properties":{
                "method":{"type":"string","enum":["add","update","delete","batch_delete"]},
                "path":{"type":"string"},
                "url":{"type":"string","description":"The URL to fetch"},
                "replicas":{"type":"integer"},
                "spec":{"type":"object","required":["file_path"],"properties":{"file_path":{"type":"string"}}},
                "reason":{"type":"string"}}}),
            Category::Write,
        );
        let got: Vec<(CheckKind, &str, &str, String)> = c
            .iter()
            .map(|c| {
                (
                    c.kind,
                    c.condition.path.as_str(),
                    c.condition.op.as_str(),
                    c.condition.value.to_string(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    CheckKind::EnumAllowList,
                    "args.method",
                    "in",
                    r#"["add"]"#.to_owned()
                ),
                (
                    CheckKind::PathNoParent,
                    "args.path",
                    "regex",
                    json!(NO_PARENT_REGEX).to_string()
                ),
                (
                    CheckKind::WebUrl,
                    "args.url",
                    "regex",
                    json!(WEB_URL_REGEX).to_string()
                ),
                (
                    CheckKind::NumberCap,
                    "args.replicas",
                    "lte",
                    "10".to_owned()
                ),
                (
                    CheckKind::PathNoParent,
                    "args.spec.file_path",
                    "regex",
                    json!(NO_PARENT_REGEX).to_string()
                ),
                (
                    CheckKind::ReasonRequired,
                    "args.reason",
                    "exists",
                    "true".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn urls_that_accept_other_schemes_and_nullable_values_are_left_alone() {
        let c = run(
            json!({"required":["url","repo_url","p"],"properties":{
                "url":{"type":"string","description":"YouTube video URL or ID"},
                "repo_url":{"type":"string","description":"Git repository URL"},
                "p":{"type":["string","null"]}}}),
            Category::Read,
        );
        assert!(c.is_empty(), "{c:?}");
    }

    #[test]
    fn regexes_mean_what_the_page_says() {
        let no_parent = regex::Regex::new(NO_PARENT_REGEX).unwrap();
        for ok in ["src/main.rs", ".github/x.yml", "a.b.c", "dir/", "x.", ""] {
            assert!(no_parent.is_match(ok), "{ok}");
        }
        for bad in ["../etc/passwd", "a/../../b", "..", "a..b", "x/.."] {
            assert!(!no_parent.is_match(bad), "{bad}");
        }
        let url = regex::Regex::new(WEB_URL_REGEX).unwrap();
        assert!(url.is_match("https://example.org") && url.is_match("HTTP://x"));
        assert!(!url.is_match("file:///etc/passwd") && !url.is_match("javascript:alert(1)"));
    }
}
