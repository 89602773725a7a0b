//! Reading catalogue files into a [`Catalogue`], with every problem collected.
//!
//! Two formats: JSON Lines (`*.jsonl`, one server per line, anywhere under the content
//! folder) and one JSON file per server (`servers/**/*.json`). Files are parsed in parallel;
//! the result is sorted by server id, so the catalogue does not depend on file order.

use super::model::{Annotations, Catalogue, JsonObject, Origin, Server, Tool};
use super::problem::{Problem, Severity};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The two catalogue formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SourceFormat {
    /// One server object per line.
    JsonLines,
    /// One server object per file.
    Json,
}

/// What [`load`] read: the valid entries and every problem found.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The servers and tools that passed validation, sorted by server id.
    pub catalogue: Catalogue,
    /// Every problem, in file and line order.
    pub problems: Vec<Problem>,
}

impl Loaded {
    /// Number of problems of severity error.
    pub fn error_count(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }
}

/// Reads every catalogue file under `content`: `**/*.jsonl` and `servers/**/*.json`.
///
/// Never fails on bad data: unreadable files, malformed JSON, wrong types, missing names and
/// duplicates become [`Problem`]s, and every other entry is still loaded. Fails only when
/// `content` itself cannot be read.
pub fn load(content: &Path) -> std::io::Result<Loaded> {
    std::fs::metadata(content)?;
    let servers_dir = content.join("servers");
    let mut files: Vec<(PathBuf, SourceFormat)> = WalkDir::new(content)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let path = e.into_path();
            match path.extension().and_then(|x| x.to_str()) {
                Some("jsonl") => Some((path, SourceFormat::JsonLines)),
                Some("json") if path.starts_with(&servers_dir) => Some((path, SourceFormat::Json)),
                _ => None,
            }
        })
        .collect();
    files.sort();
    let parts: Vec<(Vec<Server>, Vec<Problem>)> = files
        .par_iter()
        .map(|(path, format)| match std::fs::read_to_string(path) {
            Ok(text) => parse_file(path, &text, *format),
            Err(e) => (
                Vec::new(),
                vec![Problem::error(
                    path,
                    1,
                    "unreadable-file",
                    format!("cannot read the file: {e}"),
                    "check that the file exists, is readable and is UTF-8 text",
                )],
            ),
        })
        .collect();
    Ok(assemble(parts))
}

/// Parses catalogue text as if read from `file` (used by tests and `serve`).
pub fn load_str(file: &Path, text: &str, format: SourceFormat) -> Loaded {
    assemble(vec![parse_file(file, text, format)])
}

fn assemble(parts: Vec<(Vec<Server>, Vec<Problem>)>) -> Loaded {
    let mut servers = Vec::new();
    let mut problems = Vec::new();
    for (s, p) in parts {
        servers.extend(s);
        problems.extend(p);
    }
    // Stable sort keeps file order among equal ids, so the first occurrence wins.
    servers.sort_by(|a: &Server, b: &Server| a.id.cmp(&b.id));
    let mut kept: Vec<Server> = Vec::with_capacity(servers.len());
    for server in servers {
        match kept.last() {
            Some(first) if first.id == server.id => problems.push(
                Problem::error(
                    &server.origin.file,
                    server.origin.line,
                    "duplicate-server",
                    format!(
                        "server id `{}` is already used at {}:{}",
                        server.id,
                        first.origin.file.display(),
                        first.origin.line
                    ),
                    "give each server a unique `id`, or remove one of the two entries",
                )
                .server(&server.id),
            ),
            _ => kept.push(server),
        }
    }
    problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    Loaded {
        catalogue: Catalogue { servers: kept },
        problems,
    }
}

fn parse_file(path: &Path, text: &str, format: SourceFormat) -> (Vec<Server>, Vec<Problem>) {
    let mut servers = Vec::new();
    let mut problems = Vec::new();
    match format {
        SourceFormat::JsonLines => {
            let lines: Vec<(usize, &str)> = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| (i + 1, l))
                .collect();
            let parsed: Vec<(Option<Server>, Vec<Problem>)> = lines
                .par_iter()
                .map(|&(line, l)| parse_entry(path, line, l, None))
                .collect();
            for (s, p) in parsed {
                servers.extend(s);
                problems.extend(p);
            }
        }
        SourceFormat::Json => {
            let (s, p) = parse_entry(path, 1, text, Some(text));
            servers.extend(s);
            problems.extend(p);
        }
    }
    (servers, problems)
}

/// Parses one server entry. `whole_file` is the file text when the entry is a whole file, so
/// tool lines can be found in it.
fn parse_entry(
    path: &Path,
    line: usize,
    text: &str,
    whole_file: Option<&str>,
) -> (Option<Server>, Vec<Problem>) {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let at = if whole_file.is_some() { e.line() } else { line };
            return (
                None,
                vec![Problem::error(
                    path,
                    at,
                    "malformed-json",
                    format!("malformed JSON: {e}"),
                    "fix the JSON syntax (a JSON Lines file holds exactly one server object per line)",
                )],
            );
        }
    };
    let mut entry = Entry {
        path,
        line,
        whole_file,
        problems: Vec::new(),
        server: None,
    };
    let server = entry.server(value, blake3::hash(text.as_bytes()));
    (server, entry.problems)
}

struct Entry<'a> {
    path: &'a Path,
    line: usize,
    whole_file: Option<&'a str>,
    problems: Vec<Problem>,
    server: Option<String>,
}

impl Entry<'_> {
    fn problem(
        &mut self,
        line: usize,
        tool: Option<&str>,
        code: &'static str,
        msg: String,
        hint: &str,
    ) {
        let mut p = Problem::error(self.path, line, code, msg, hint);
        p.server = self.server.clone();
        p.tool = tool.map(str::to_owned);
        self.problems.push(p);
    }

    /// The server of the entry `value`, whose source text has the BLAKE3 hash `digest`.
    fn server(&mut self, value: Value, digest: blake3::Hash) -> Option<Server> {
        let Value::Object(mut map) = value else {
            let kind = kind_of(&value);
            self.problem(
                self.line,
                None,
                "not-an-object",
                format!("a server entry must be a JSON object, found {kind}"),
                "write the server as {\"id\": ..., \"tools\": [...]}",
            );
            return None;
        };
        let id = match map.remove("id") {
            Some(Value::String(id)) if !id.trim().is_empty() => id,
            other => {
                let found = other.as_ref().map_or("nothing", kind_of);
                let name = map
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_owned();
                self.problem(
                    self.line,
                    None,
                    "missing-server-id",
                    format!("server `{name}` has no string `id` (found {found})"),
                    "add a unique, non-empty string `id`, for example the package name",
                );
                return None;
            }
        };
        self.server = Some(id.clone());
        let line = self.line;
        let mut text = |key: &str, this: &mut Self| this.optional_string(&mut map, key, line, None);
        let name = text("name", self);
        let description = text("description", self);
        let package = text("package", self);
        let repository = text("repository", self);
        let license = text("license", self);
        let version = text("version", self);
        let homepage = text("homepage", self);
        let tools = match map.remove("tools") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => self.tools(items),
            Some(other) => {
                let kind = kind_of(&other);
                self.problem(
                    line,
                    None,
                    "tools-not-array",
                    format!("`tools` must be an array of MCP Tool objects, found {kind}"),
                    "write `tools` as the array that the server's `tools/list` returns",
                );
                Vec::new()
            }
        };
        Some(Server {
            name: name.unwrap_or_else(|| id.clone()),
            id,
            description,
            package,
            repository,
            license,
            version,
            homepage,
            tools,
            extra: map,
            origin: Origin {
                file: self.path.to_path_buf(),
                line,
            },
            digest,
        })
    }

    fn tools(&mut self, items: Vec<Value>) -> Vec<Tool> {
        let mut tools: Vec<Tool> = Vec::with_capacity(items.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (index, item) in items.into_iter().enumerate() {
            let Some(tool) = self.tool(index, item) else {
                continue;
            };
            if let Some(&first) = seen.get(&tool.name) {
                self.problem(
                    tool.line,
                    Some(&tool.name),
                    "duplicate-tool",
                    format!(
                        "tool name `{}` appears twice in this server (tools #{first} and #{index})",
                        tool.name
                    ),
                    "tool names must be unique within a server: rename or remove one of them",
                );
                continue;
            }
            seen.insert(tool.name.clone(), index);
            tools.push(tool);
        }
        tools
    }

    fn tool(&mut self, index: usize, item: Value) -> Option<Tool> {
        let label = format!("#{index}");
        let Value::Object(mut map) = item else {
            let kind = kind_of(&item);
            self.problem(
                self.line,
                Some(&label),
                "tool-not-object",
                format!("tool #{index} must be a JSON object, found {kind}"),
                "each entry of `tools` is an MCP Tool object with at least a `name`",
            );
            return None;
        };
        let name = match map.remove("name") {
            Some(Value::String(n)) if !n.trim().is_empty() => n,
            other => {
                let found = other.as_ref().map_or("nothing", kind_of);
                self.problem(
                    self.line,
                    Some(&label),
                    "missing-tool-name",
                    format!("tool #{index} has no `name` (found {found})"),
                    "add the tool's non-empty string `name`, exactly as `tools/list` returns it",
                );
                return None;
            }
        };
        let line = self.tool_line(&name);
        let title = self.optional_string(&mut map, "title", line, Some(&name));
        let description = self.optional_string(&mut map, "description", line, Some(&name));
        let input_schema = match map.remove("inputSchema") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(schema)) => schema,
            Some(other) => {
                let kind = kind_of(&other);
                self.problem(
                    line,
                    Some(&name),
                    "schema-not-object",
                    format!("`inputSchema` must be a JSON Schema object, found {kind}"),
                    "write `inputSchema` as an object such as {\"type\": \"object\", \"properties\": {}}",
                );
                return None;
            }
        };
        let annotations = match map.remove("annotations") {
            None | Some(Value::Null) => None,
            Some(Value::Object(a)) => Some(self.annotations(a, line, &name)?),
            Some(other) => {
                let kind = kind_of(&other);
                self.problem(
                    line,
                    Some(&name),
                    "annotations-not-object",
                    format!("`annotations` must be an object, found {kind}"),
                    "write `annotations` as {\"readOnlyHint\": true, ...} or remove it",
                );
                return None;
            }
        };
        Some(Tool {
            name,
            title,
            description,
            input_schema: JsonObject::from(input_schema),
            annotations,
            extra: JsonObject::from(map),
            line,
        })
    }

    fn annotations(
        &mut self,
        mut map: Map<String, Value>,
        line: usize,
        tool: &str,
    ) -> Option<Annotations> {
        let before = self.problems.len();
        let mut hint = |key: &str, this: &mut Self| match map.remove(key) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(b),
            Some(other) => {
                let kind = kind_of(&other);
                this.problem(
                    line,
                    Some(tool),
                    "annotation-not-boolean",
                    format!("`annotations.{key}` must be true or false, found {kind}"),
                    "MCP annotation hints are booleans: write true or false, or remove the key",
                );
                None
            }
        };
        let read_only_hint = hint("readOnlyHint", self);
        let destructive_hint = hint("destructiveHint", self);
        let idempotent_hint = hint("idempotentHint", self);
        let open_world_hint = hint("openWorldHint", self);
        let title = self.optional_string(&mut map, "title", line, Some(tool));
        if self.problems.len() > before {
            return None;
        }
        Some(Annotations {
            title,
            read_only_hint,
            destructive_hint,
            idempotent_hint,
            open_world_hint,
            extra: map,
        })
    }

    /// Takes `key` out of `map` as an optional string; a value of another type is a problem
    /// (reported, and the key treated as absent).
    fn optional_string(
        &mut self,
        map: &mut Map<String, Value>,
        key: &str,
        line: usize,
        tool: Option<&str>,
    ) -> Option<String> {
        match map.remove(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                let kind = kind_of(&other);
                self.problem(
                    line,
                    tool,
                    "wrong-type",
                    format!("`{key}` must be a string, found {kind}"),
                    "write the value as a JSON string, or remove the key",
                );
                map.insert(key.to_owned(), other);
                None
            }
        }
    }

    /// Best-effort line of a tool in a whole-file entry: where its name first appears as a
    /// JSON string after the `"tools"` key.
    fn tool_line(&self, name: &str) -> usize {
        let Some(text) = self.whole_file else {
            return self.line;
        };
        let start = text.find("\"tools\"").unwrap_or(0);
        let needle = serde_json::to_string(name).unwrap_or_default();
        match text[start..].find(&needle) {
            Some(at) => 1 + text[..start + at].matches('\n').count(),
            None => 1,
        }
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
