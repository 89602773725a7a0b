//! A flat, readable view of a tool's `inputSchema`: one [`Parameter`] row per property,
//! nested objects and array items indented below their parent.
//!
//! Handles what real servers publish: `type` as a string or a list, `anyOf`/`oneOf` unions
//! (a `null` branch shown as "nullable"), `enum` and `const`, `default`, nested `properties`,
//! array `items`, and local `$ref` into `$defs`/`definitions` (cycles cut off).

use serde::Serialize;
use serde_json::{Map, Value};

/// How deep nested objects are expanded; deeper levels are summarised by their type.
const MAX_DEPTH: usize = 4;

/// One row of a tool's parameter table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameter {
    /// Dotted path from the top: `filter.status`, `items[].id`.
    pub path: String,
    /// The last segment of `path`, shown in the table.
    pub name: String,
    /// 0 for top-level arguments, 1 for their properties, ...
    pub depth: usize,
    /// Readable type: `string`, `integer`, `array of string`, `object`, `string | number`.
    pub r#type: String,
    /// Listed in its parent's `required`.
    pub required: bool,
    /// A `null` branch or `null` type is allowed.
    pub nullable: bool,
    /// The schema's `description` (or `title` when it has no description).
    pub description: Option<String>,
    /// Allowed values from `enum` or `const`, as compact JSON (strings unquoted).
    pub allowed: Vec<String>,
    /// `default`, as compact JSON, when given and not null.
    pub default: Option<String>,
    /// Other constraints worth showing: `format`, `pattern`, `minimum`, `maxLength`, ...
    pub constraints: Vec<String>,
}

/// The parameter rows of an `inputSchema`, in the schema's own property order.
pub fn parameters(schema: &Map<String, Value>) -> Vec<Parameter> {
    let mut rows = Vec::new();
    let walker = Walker { root: schema };
    walker.object(schema, "", 0, &mut rows, &mut Vec::new());
    rows
}

/// Names of the top-level arguments with their (resolved) schemas, in order.
pub fn top_level(schema: &Map<String, Value>) -> Vec<(&str, &Map<String, Value>)> {
    let walker = Walker { root: schema };
    let Some(Value::Object(props)) = schema.get("properties") else {
        return Vec::new();
    };
    props
        .iter()
        .filter_map(|(k, v)| {
            v.as_object()
                .map(|o| (k.as_str(), walker.resolve(o, &mut Vec::new())))
        })
        .collect()
}

/// Names in the schema's top-level `required` array.
pub fn required(schema: &Map<String, Value>) -> Vec<&str> {
    match schema.get("required") {
        Some(Value::Array(r)) => r.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

struct Walker<'a> {
    root: &'a Map<String, Value>,
}

impl<'a> Walker<'a> {
    /// Follows a local `$ref` (`#/$defs/X`, `#/definitions/X`, any `#/a/b` pointer).
    fn resolve(
        &self,
        schema: &'a Map<String, Value>,
        seen: &mut Vec<String>,
    ) -> &'a Map<String, Value> {
        let mut current = schema;
        while let Some(Value::String(r)) = current.get("$ref") {
            if seen.contains(r) || seen.len() > 16 {
                break;
            }
            let Some(pointer) = r.strip_prefix('#') else {
                break;
            };
            let Some(target) = pointer_into(self.root, pointer) else {
                break;
            };
            seen.push(r.clone());
            current = target;
        }
        current
    }

    fn object(
        &self,
        schema: &'a Map<String, Value>,
        prefix: &str,
        depth: usize,
        rows: &mut Vec<Parameter>,
        seen: &mut Vec<String>,
    ) {
        let schema = self.resolve(schema, seen);
        let required: Vec<&str> = match schema.get("required") {
            Some(Value::Array(r)) => r.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if let Some(Value::Object(props)) = schema.get("properties") {
            for (name, prop) in props {
                let Value::Object(prop) = prop else { continue };
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                self.property(
                    prop,
                    name,
                    path,
                    depth,
                    required.contains(&name.as_str()),
                    rows,
                    seen,
                );
            }
        }
        // Unions of objects (`anyOf`/`oneOf`/`allOf` at object level) contribute their
        // properties too, so a variant's fields are not hidden.
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(variants)) = schema.get(key) {
                for v in variants.iter().filter_map(Value::as_object) {
                    let v = self.resolve(v, &mut seen.clone());
                    if v.contains_key("properties") {
                        self.object(v, prefix, depth, rows, &mut seen.clone());
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn property(
        &self,
        prop: &'a Map<String, Value>,
        name: &str,
        path: String,
        depth: usize,
        required: bool,
        rows: &mut Vec<Parameter>,
        seen: &[String],
    ) {
        let mut local_seen = seen.to_vec();
        let resolved = self.resolve(prop, &mut local_seen);
        let (types, nullable, inner) = self.describe_type(resolved, &local_seen);
        let description = text(prop, "description")
            .or_else(|| text(resolved, "description"))
            .or_else(|| text(prop, "title"));
        let allowed = allowed_values(resolved).or_else(|| inner.and_then(allowed_values));
        rows.push(Parameter {
            name: name.to_owned(),
            path: path.clone(),
            depth,
            r#type: types,
            required,
            nullable,
            description,
            allowed: allowed.unwrap_or_default(),
            default: prop
                .get("default")
                .or_else(|| resolved.get("default"))
                .filter(|v| !v.is_null())
                .map(compact),
            constraints: constraints(resolved),
        });
        if depth + 1 >= MAX_DEPTH {
            return;
        }
        let body = inner.unwrap_or(resolved);
        if body.contains_key("properties") {
            self.object(body, &path, depth + 1, rows, &mut local_seen);
        } else if let Some(Value::Object(items)) = body.get("items") {
            let items = self.resolve(items, &mut local_seen);
            if items.contains_key("properties") {
                self.object(
                    items,
                    &format!("{path}[]"),
                    depth + 1,
                    rows,
                    &mut local_seen,
                );
            }
        }
    }

    /// The readable type of a schema, whether `null` is allowed, and the single non-null
    /// branch of a union (so its properties or enum can be shown).
    fn describe_type(
        &self,
        schema: &'a Map<String, Value>,
        seen: &[String],
    ) -> (String, bool, Option<&'a Map<String, Value>>) {
        let mut nullable = false;
        let mut names: Vec<String> = Vec::new();
        let mut inner = None;
        match schema.get("type") {
            Some(Value::String(t)) => names.push(self.type_name(t, schema, seen)),
            Some(Value::Array(ts)) => {
                for t in ts.iter().filter_map(Value::as_str) {
                    if t == "null" {
                        nullable = true;
                    } else {
                        names.push(self.type_name(t, schema, seen));
                    }
                }
            }
            _ => {}
        }
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(variants)) = schema.get(key) else {
                continue;
            };
            let variants: Vec<&Map<String, Value>> = variants
                .iter()
                .filter_map(Value::as_object)
                .map(|v| self.resolve(v, &mut seen.to_vec()))
                .collect();
            let non_null: Vec<_> = variants
                .iter()
                .filter(|v| v.get("type").and_then(Value::as_str) != Some("null"))
                .copied()
                .collect();
            nullable |= non_null.len() < variants.len();
            if non_null.len() == 1 {
                inner = Some(non_null[0]);
            }
            for v in non_null {
                let (t, n, _) = self.describe_type(v, seen);
                nullable |= n;
                if !names.contains(&t) {
                    names.push(t);
                }
            }
        }
        if names.is_empty() {
            if schema.contains_key("properties") {
                names.push("object".into());
            } else if schema.contains_key("enum") || schema.contains_key("const") {
                names.push("enum".into());
            } else {
                names.push("any".into());
            }
        }
        (names.join(" | "), nullable, inner)
    }

    fn type_name(&self, t: &str, schema: &'a Map<String, Value>, seen: &[String]) -> String {
        if t != "array" {
            return t.to_owned();
        }
        match schema.get("items") {
            Some(Value::Object(items)) => {
                let items = self.resolve(items, &mut seen.to_vec());
                let (inner, _, _) = self.describe_type(items, seen);
                if inner == "any" {
                    "array".into()
                } else {
                    format!("array of {inner}")
                }
            }
            _ => "array".into(),
        }
    }
}

fn pointer_into<'a>(root: &'a Map<String, Value>, pointer: &str) -> Option<&'a Map<String, Value>> {
    let mut current = root;
    for segment in pointer.split('/').skip(1) {
        let key = segment.replace("~1", "/").replace("~0", "~");
        current = current.get(&key)?.as_object()?;
    }
    Some(current)
}

fn text(schema: &Map<String, Value>, key: &str) -> Option<String> {
    schema
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn compact(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn allowed_values(schema: &Map<String, Value>) -> Option<Vec<String>> {
    if let Some(Value::Array(values)) = schema.get("enum") {
        return Some(
            values
                .iter()
                .filter(|v| !v.is_null())
                .map(compact)
                .collect(),
        );
    }
    schema.get("const").map(|c| vec![compact(c)])
}

fn constraints(schema: &Map<String, Value>) -> Vec<String> {
    const KEYS: [&str; 11] = [
        "format",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
    ];
    KEYS.iter()
        .filter_map(|k| schema.get(*k).map(|v| format!("{k}: {}", compact(v))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows(schema: Value) -> Vec<Parameter> {
        parameters(schema.as_object().unwrap())
    }

    #[test]
    fn nullable_any_of_is_shown_as_its_type() {
        let r = rows(json!({"type":"object","properties":{
            "job_name":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null,"description":"Name"}},
            "required":[]}));
        assert_eq!(r[0].r#type, "string");
        assert!(r[0].nullable);
        assert_eq!(r[0].default, None);
        assert!(!r[0].required);
    }

    #[test]
    fn refs_nested_objects_and_arrays_are_expanded() {
        let r = rows(json!({"type":"object","required":["filter"],
            "properties":{
                "filter":{"$ref":"#/$defs/Filter"},
                "ids":{"type":"array","items":{"type":"integer"}},
                "rows":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}}},
            "$defs":{"Filter":{"type":"object","properties":{
                "status":{"type":"string","enum":["open","closed"]},
                "self":{"$ref":"#/$defs/Filter"}}}}}));
        let paths: Vec<&str> = r.iter().map(|p| p.path.as_str()).collect();
        assert!(
            paths.starts_with(&["filter", "filter.status", "filter.self"]),
            "{paths:?}"
        );
        assert!(paths.contains(&"rows[].id"));
        assert_eq!(r[0].r#type, "object");
        assert!(r[0].required);
        assert_eq!(r[1].allowed, vec!["open", "closed"]);
        let ids = r.iter().find(|p| p.path == "ids").unwrap();
        assert_eq!(ids.r#type, "array of integer");
        assert!(r.iter().find(|p| p.path == "rows[].id").unwrap().required);
    }

    #[test]
    fn unions_and_type_lists() {
        let r = rows(json!({"properties":{
            "v":{"oneOf":[{"type":"string"},{"type":"number"}]},
            "w":{"type":["integer","null"],"minimum":1}}}));
        assert_eq!(r[0].r#type, "string | number");
        assert_eq!(r[1].r#type, "integer");
        assert!(r[1].nullable);
        assert_eq!(r[1].constraints, vec!["minimum: 1"]);
    }

    #[test]
    fn empty_and_schema_only_have_no_rows() {
        assert!(rows(json!({})).is_empty());
        assert!(rows(json!({"$schema":"http://json-schema.org/draft-07/schema#"})).is_empty());
    }
}
