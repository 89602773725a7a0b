//! Checks of a tool's `inputSchema`: empty schemas, and `required` naming absent properties
//! at any depth.

use super::{finding, path_text, Problem, Server, Step, Tool};
use serde_json::{Map, Value};

/// Keywords that can define properties elsewhere; a schema using them is not checked for
/// `required-not-in-properties`, because its properties may come from them.
const COMPOSED: &[&str] = &[
    "allOf",
    "anyOf",
    "oneOf",
    "$ref",
    "patternProperties",
    "dependentSchemas",
    "if",
];

/// Sub-schema keywords holding one schema.
const ONE: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
];
/// Sub-schema keywords holding an array of schemas.
const MANY: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems", "items"];
/// Sub-schema keywords holding a map of named schemas.
const NAMED: &[&str] = &["properties", "$defs", "definitions", "patternProperties"];

/// The schema checks of one tool.
pub fn tool(server: &Server, tool: &Tool, schema: &Map<String, Value>) -> Vec<Problem> {
    if schema.keys().all(|k| k == "$schema") {
        let message = if schema.is_empty() {
            "`inputSchema` is empty (or missing): it has no `type` and no `properties`".to_owned()
        } else {
            "`inputSchema` holds only `$schema`: it has no `type` and no `properties`".to_owned()
        };
        return vec![finding(server, Some(tool), "empty-schema", message)];
    }
    let mut found = Vec::new();
    let mut path = vec![Step::Key("inputSchema")];
    walk(schema, &mut path, &mut |path, name| {
        let path = path_text(path);
        found.push(finding(
            server,
            Some(tool),
            "required-not-in-properties",
            format!("`{path}.required` names `{name}`, which `{path}.properties` does not define"),
        ))
    });
    found
}

/// Calls `report(path, name)` for each `required` name absent from `properties`, in this
/// schema and every sub-schema; `path` is where `schema` is.
fn walk<'a>(
    schema: &'a Map<String, Value>,
    path: &mut Vec<Step<'a>>,
    report: &mut dyn FnMut(&[Step], &str),
) {
    if let Some(Value::Array(required)) = schema.get("required") {
        let composed = COMPOSED.iter().any(|k| schema.contains_key(*k))
            || matches!(schema.get("additionalProperties"), Some(Value::Object(_)));
        let properties = schema.get("properties").and_then(Value::as_object);
        if !composed {
            for name in required.iter().filter_map(Value::as_str) {
                if !properties.is_some_and(|p| p.contains_key(name)) {
                    report(path, name);
                }
            }
        }
    }
    // Most schemas are leaves (a property's `type` and `description`): one pass over their
    // few keys spares them a lookup for each of the 16 sub-schema keywords.
    let sub_schemas = |k: &String| [ONE, MANY, NAMED].iter().any(|ks| ks.contains(&k.as_str()));
    if !schema.keys().any(sub_schemas) {
        return;
    }
    for key in ONE {
        if let Some(Value::Object(sub)) = schema.get(*key) {
            path.push(Step::Key(key));
            walk(sub, path, report);
            path.pop();
        }
    }
    for key in MANY {
        if let Some(Value::Array(subs)) = schema.get(*key) {
            for (i, sub) in subs.iter().enumerate() {
                if let Value::Object(sub) = sub {
                    path.extend([Step::Key(key), Step::Index(i)]);
                    walk(sub, path, report);
                    path.truncate(path.len() - 2);
                }
            }
        }
    }
    for key in NAMED {
        if let Some(Value::Object(subs)) = schema.get(*key) {
            for (name, sub) in subs {
                if let Value::Object(sub) = sub {
                    path.extend([Step::Key(key), Step::Key(name)]);
                    walk(sub, path, report);
                    path.truncate(path.len() - 2);
                }
            }
        }
    }
}
