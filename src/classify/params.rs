//! Evidence from a tool's `inputSchema`: parameters that take free-form code, a URL, a file
//! path, an output location or an amount of money, bulk parameters, and the parameter count.
//! Looks at the top level and one level inside wrapper objects (`params`, `request`), at
//! most 64 parameters.

use super::signals::{Evidence, MAX_PARAMETERS, QUOTED};
use super::words::{lowercase_prefix, name_words};
use serde_json::{Map, Value};

impl Evidence {
    /// Records the parameter evidence of `top` (the schema's top-level arguments);
    /// `description` is the tool's lowercased description, for telling a SQL `query` from a
    /// search query.
    pub(super) fn parameters(&mut self, top: &[(&str, &Map<String, Value>)], description: &str) {
        self.parameter_count = top.len();
        let mut seen = 0;
        let mut visit = |name: &str, s: &Map<String, Value>, this: &mut Self| {
            seen += 1;
            if seen > MAX_PARAMETERS {
                return;
            }
            this.parameter(name, s, description);
        };
        for (name, s) in top {
            visit(name, s, self);
            if let Some(Value::Object(props)) = s.get("properties") {
                for (child, cs) in props.iter().take(MAX_PARAMETERS) {
                    if let Value::Object(cs) = cs {
                        visit(child, cs, self);
                    }
                }
            }
        }
    }

    fn parameter(&mut self, name: &str, s: &Map<String, Value>, description: &str) {
        let words = name_words(name);
        let push = |list: &mut Vec<String>| {
            if list.len() < QUOTED && !list.iter().any(|n| n == name) {
                list.push(name.to_owned());
            }
        };
        let param_description = || {
            s.get("description")
                .and_then(Value::as_str)
                .map(|d| lowercase_prefix(d, 400))
                .unwrap_or_default()
        };
        if is_code_param(&words, description, param_description) {
            push(&mut self.code_params);
            if words.iter().any(|w| {
                matches!(
                    w.as_str(),
                    "sql" | "cypher" | "gremlin" | "statement" | "statements" | "query"
                )
            }) {
                self.query_code = true;
            }
        }
        let output = words.iter().any(|w| {
            matches!(
                w.as_str(),
                "output" | "local" | "save" | "destination" | "dest" | "out" | "target"
            )
        });
        let place = words.iter().any(|w| {
            matches!(
                w.as_str(),
                "path" | "dir" | "directory" | "folder" | "file" | "filename"
            )
        });
        if output && place && self.output_params.len() < QUOTED {
            self.output_params.push(name.to_owned());
        }
        if words.iter().any(|w| {
            matches!(
                w.as_str(),
                "url" | "urls" | "uri" | "uris" | "endpoint" | "endpoints" | "webhook" | "href"
            )
        }) {
            push(&mut self.url_params);
        }
        if words.iter().any(|w| {
            matches!(
                w.as_str(),
                "path"
                    | "paths"
                    | "filepath"
                    | "filename"
                    | "file"
                    | "files"
                    | "directory"
                    | "dir"
                    | "folder"
                    | "destination"
            )
        }) {
            push(&mut self.path_params);
        }
        if words.iter().any(|w| {
            matches!(
                w.as_str(),
                "amount" | "currency" | "price" | "prices" | "fee" | "fees"
            )
        }) {
            push(&mut self.money_params);
        }
        if self.bulk.is_none() {
            let is_array = s.get("type").and_then(Value::as_str) == Some("array");
            let bulky_name = words.iter().any(|w| {
                matches!(
                    w.as_str(),
                    "many" | "all" | "bulk" | "batch" | "recursive" | "ids" | "keys"
                )
            });
            if bulky_name || (is_array && words.last().is_some_and(|w| w == "ids")) {
                self.bulk = Some(format!("`{name}`"));
            }
        }
    }
}

fn is_code_param(
    words: &[String],
    description: &str,
    param_description: impl FnOnce() -> String,
) -> bool {
    let hard = words.iter().enumerate().any(|(i, w)| match w.as_str() {
        "sql" | "cypher" | "gremlin" | "script" | "scripts" | "command" | "commands" | "cmd"
        | "statement" | "statements" | "expression" | "javascript" | "shell" | "snippet" => true,
        "code" => {
            words.len() == 1
                || (i > 0
                    && matches!(
                        words[i - 1].as_str(),
                        "source" | "python" | "js" | "javascript" | "typescript" | "raw"
                    ))
        }
        "function" => words.len() == 1,
        _ => false,
    });
    if hard {
        return true;
    }
    let last = words.last().map_or("", String::as_str);
    let is_query = matches!(last, "query" | "queries")
        || (words.iter().any(|w| w == "query")
            && matches!(last, "string" | "statement" | "text" | "body"));
    let languages = [
        "sql", "cypher", "gremlin", "graphql", "sparql", "promql", "hogql",
    ];
    if !is_query {
        return false;
    }
    if languages.iter().any(|l| description.contains(l)) {
        return true;
    }
    let own = param_description();
    languages.iter().any(|l| own.contains(l))
}
