//! Reading catalogue files into a [`Catalogue`], with every problem collected.
//!
//! Two formats: JSON Lines (`*.jsonl`, one server per line, anywhere under the content
//! folder) and one JSON file per server (`servers/**/*.json`). Files are parsed in parallel;
//! the result is sorted by server id, so the catalogue does not depend on file order.

use super::fields::{self, EntryFields, Fields, Item, Tools};
use super::model::{Annotations, Catalogue, JsonObject, Origin, Server, Tool};
use super::problem::{Problem, Severity};
use rayon::prelude::*;
use serde_json::value::RawValue;
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
        .map(|(path, format)| match crate::files::read(path) {
            // Checked for UTF-8 line by line, in parallel: one bad byte costs one entry.
            Ok(bytes) => parse_file(path, &bytes, *format),
            Err(e) => (
                Vec::new(),
                vec![Problem::error(
                    path,
                    1,
                    "unreadable-file",
                    format!("cannot read the file: {e}"),
                    "check that the file exists and is readable",
                )],
            ),
        })
        .collect();
    Ok(assemble(parts))
}

/// Parses catalogue text as if read from `file` (used by tests and `serve`).
pub fn load_str(file: &Path, text: &str, format: SourceFormat) -> Loaded {
    assemble(vec![parse_file(file, text.as_bytes(), format)])
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

fn parse_file(path: &Path, bytes: &[u8], format: SourceFormat) -> (Vec<Server>, Vec<Problem>) {
    let mut servers = Vec::new();
    let mut problems = Vec::new();
    match format {
        SourceFormat::JsonLines => {
            // Lines as `str::lines` splits them: on `\n`, without a trailing `\r` (and an
            // empty last line after a final `\n`, as `split` gives). Found with memchr
            // (vectorised): splitting 146 MB byte by byte took 78 ms, before any line could be
            // parsed in parallel.
            let mut start = 0;
            let lines: Vec<&[u8]> = memchr::memchr_iter(b'\n', bytes)
                .chain([bytes.len()])
                .map(|end| {
                    let line = &bytes[start..end];
                    start = end + 1;
                    line.strip_suffix(b"\r").unwrap_or(line)
                })
                .collect();
            let parsed: Vec<(Option<Server>, Vec<Problem>)> = lines
                .par_iter()
                .enumerate()
                .map(|(i, l)| match std::str::from_utf8(l) {
                    Ok(l) if l.trim().is_empty() => (None, Vec::new()),
                    Ok(l) => parse_entry(path, i + 1, l, None),
                    Err(e) => (None, vec![not_utf8(path, i + 1, e)]),
                })
                .collect();
            for (s, p) in parsed {
                servers.extend(s);
                problems.extend(p);
            }
        }
        SourceFormat::Json => match std::str::from_utf8(bytes) {
            Ok(text) => {
                let (s, p) = parse_entry(path, 1, text, Some(text));
                servers.extend(s);
                problems.extend(p);
            }
            Err(e) => {
                let line = 1 + bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                problems.push(not_utf8(path, line, e));
            }
        },
    }
    (servers, problems)
}

fn not_utf8(path: &Path, line: usize, e: std::str::Utf8Error) -> Problem {
    Problem::error(
        path,
        line,
        "not-utf8",
        format!("the entry is not UTF-8 text: {e}"),
        "save the catalogue as UTF-8 (JSON text must be UTF-8)",
    )
}

/// Parses one server entry. `whole_file` is the file text when the entry is a whole file, so
/// tool lines can be found in it.
///
/// The entry is read as [`Fields`]: schemas and unknown keys stay JSON text, never built into
/// `Value`s only to be written out again. An entry that is not an object, or not valid JSON
/// for a `Value` (see [`fields::is_valid`]), goes through serde_json's `Value` instead, which
/// reports malformed JSON with its position.
fn parse_entry(
    path: &Path,
    line: usize,
    text: &str,
    whole_file: Option<&str>,
) -> (Option<Server>, Vec<Problem>) {
    let mut entry = Entry {
        path,
        line,
        whole_file,
        problems: Vec::new(),
        server: None,
    };
    let digest = blake3::hash(text.as_bytes());
    let server = match EntryFields::of(text).filter(|_| fields::is_valid(text)) {
        Some(fields) => entry.server(fields, digest),
        None => match serde_json::from_str::<Value>(text) {
            Err(e) => {
                let at = if whole_file.is_some() { e.line() } else { line };
                entry.problems.push(Problem::error(
                    path,
                    at,
                    "malformed-json",
                    format!("malformed JSON: {e}"),
                    "fix the JSON syntax (a JSON Lines file holds exactly one server object per line)",
                ));
                None
            }
            Ok(other) => {
                let kind = kind_of(&other);
                entry.problem(
                    line,
                    None,
                    "not-an-object",
                    format!("a server entry must be a JSON object, found {kind}"),
                    "write the server as {\"id\": ..., \"tools\": [...]}",
                );
                None
            }
        },
    };
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

    /// The server of the entry read as `fields`, whose source text has the BLAKE3 hash
    /// `digest`.
    fn server(&mut self, fields: EntryFields, digest: blake3::Hash) -> Option<Server> {
        let mut map = fields.members;
        let id = match map.take("id").map(parse_value) {
            Some(Value::String(id)) if !id.trim().is_empty() => id,
            other => {
                let found = other.as_ref().map_or("nothing", kind_of);
                let name = match map.take("name").map(parse_value) {
                    Some(Value::String(name)) => name,
                    _ => "?".to_owned(),
                };
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
        let tools = match fields.tools {
            None => Vec::new(),
            Some(Tools::Items(items)) => self.tools(items),
            Some(Tools::Other(kind)) => {
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
        let extra = members(map);
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
            extra,
            origin: Origin {
                file: self.path.to_path_buf(),
                line,
            },
            digest,
        })
    }

    fn tools(&mut self, items: Vec<Item>) -> Vec<Tool> {
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

    fn tool(&mut self, index: usize, item: Item) -> Option<Tool> {
        let label = format!("#{index}");
        let mut map = match item {
            Item::Object(map) => map,
            Item::Other(kind) => {
                self.problem(
                    self.line,
                    Some(&label),
                    "tool-not-object",
                    format!("tool #{index} must be a JSON object, found {kind}"),
                    "each entry of `tools` is an MCP Tool object with at least a `name`",
                );
                return None;
            }
        };
        let name = match map.take("name").map(parse_value) {
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
        let input_schema = match map.take("inputSchema") {
            None => JsonObject::default(),
            Some(raw) if fields::is_null(raw) => JsonObject::default(),
            Some(raw) if fields::is_object(raw) => JsonObject::from_text(raw.get()),
            Some(raw) => {
                let kind = fields::kind_of(raw);
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
        let annotations = match map.take("annotations") {
            None => None,
            Some(raw) if fields::is_null(raw) => None,
            Some(raw) if fields::is_object(raw) => {
                let members = Fields::of(raw.get())?;
                Some(self.annotations(members, line, &name)?)
            }
            Some(raw) => {
                let kind = fields::kind_of(raw);
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
            input_schema,
            annotations,
            extra: JsonObject::from_text(&map.to_json()),
            line,
        })
    }

    fn annotations(&mut self, mut map: Fields, line: usize, tool: &str) -> Option<Annotations> {
        let before = self.problems.len();
        let mut hint = |key: &str, this: &mut Self| match map.take(key).map(parse_value) {
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
            extra: members(map),
        })
    }

    /// Takes `key` out of `map` as an optional string; a value of another type is a problem
    /// (reported, and the key kept with the other keys).
    fn optional_string<'a>(
        &mut self,
        map: &mut Fields<'a>,
        key: &str,
        line: usize,
        tool: Option<&str>,
    ) -> Option<String> {
        let raw = map.take(key)?;
        match parse_value(raw) {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => {
                let kind = kind_of(&other);
                self.problem(
                    line,
                    tool,
                    "wrong-type",
                    format!("`{key}` must be a string, found {kind}"),
                    "write the value as a JSON string, or remove the key",
                );
                map.put_back(key, raw);
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

/// The members left in `map`, as `Value`s.
fn members(map: Fields) -> Map<String, Value> {
    map.into_members()
        .map(|(key, raw)| (key.into_owned(), parse_value(raw)))
        .collect()
}

/// The `Value` of a member of an entry that [`fields::is_valid`] accepted (so it parses).
fn parse_value(raw: &RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or(Value::Null)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn load_line(line: &str) -> Loaded {
        load_str(Path::new("c.jsonl"), line, SourceFormat::JsonLines)
    }

    /// Every tool of the bundled catalogue, read without building `Value`s, holds exactly what
    /// serde_json reads from the same text: its `inputSchema`, and its other keys in order.
    #[test]
    fn tools_hold_what_their_source_text_says() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/catalogue.jsonl");
        let text = std::fs::read_to_string(&path).unwrap();
        let loaded = load_str(&path, &text, SourceFormat::JsonLines);
        assert!(loaded.problems.is_empty());
        let mut checked = 0;
        for line in text.lines() {
            let source: Value = serde_json::from_str(line).unwrap();
            let server = loaded
                .catalogue
                .server(source["id"].as_str().unwrap())
                .unwrap();
            for (tool, source) in server.tools.iter().zip(source["tools"].as_array().unwrap()) {
                let mut source = source.as_object().unwrap().clone();
                assert_eq!(source.shift_remove("name").unwrap(), tool.name.as_str());
                let schema = source.shift_remove("inputSchema").unwrap_or_default();
                assert_eq!(Value::Object(tool.input_schema.to_map()), schema);
                for key in ["title", "description", "annotations"] {
                    source.shift_remove(key);
                }
                assert_eq!(tool.extra.to_map(), source, "{}", tool.name);
                checked += 1;
            }
        }
        assert_eq!(checked, loaded.catalogue.tool_count());
    }

    #[test]
    fn values_a_json_value_cannot_hold_are_malformed_json_not_a_panic() {
        for bad in [
            r#"{"id":"a","tools":[{"name":"t","inputSchema":{"type":"object","maximum":1e400}}]}"#,
            r#"{"id":"a","tools":[{"name":"t","outputSchema":{"title":"\ud800"}}]}"#,
            r#"{"id":"a","tools":[{"name":"t","description":"\udc00"}]}"#,
        ] {
            let loaded = load_line(bad);
            assert!(loaded.catalogue.servers.is_empty());
            assert_eq!(loaded.problems.len(), 1);
            assert_eq!(loaded.problems[0].code, "malformed-json", "{bad}");
        }
    }

    #[test]
    fn repeated_keys_keep_the_last_value_and_unknown_keys_their_order() {
        let loaded = load_line(
            r#"{"id":"a","id":"b","tools":[{"name":"t","z":1,"inputSchema":{"type":"object"},"title":5,"name":"u","a":[2]}]}"#,
        );
        let server = &loaded.catalogue.servers[0];
        assert_eq!(server.id, "b");
        let tool = &server.tools[0];
        assert_eq!(tool.name, "u");
        assert_eq!(tool.extra.as_json(), r#"{"z":1,"a":[2],"title":5}"#);
        assert_eq!(loaded.problems.len(), 1);
        assert_eq!(loaded.problems[0].code, "wrong-type");
    }

    #[test]
    fn tools_of_the_wrong_kind_are_named() {
        for (tools, kind) in [
            (r#""x""#, "a string"),
            (r#"{"a":[1]}"#, "an object"),
            ("7", "a number"),
        ] {
            let loaded = load_line(&format!(r#"{{"id":"a","tools":{tools}}}"#));
            assert_eq!(loaded.catalogue.servers[0].tools.len(), 0);
            assert_eq!(loaded.problems[0].code, "tools-not-array");
            assert!(loaded.problems[0].message.ends_with(kind), "{tools}");
        }
        let loaded =
            load_line(r#"{"id":"a","tools":[1,null,[2,{}],"s",{"name":"ok"}],"tools":null}"#);
        assert!(
            loaded.problems.is_empty(),
            "a repeated `tools` keeps its last value"
        );
        let loaded = load_line(r#"{"id":"a","tools":[1,null,[2,{}],"s",{"name":"ok"}]}"#);
        assert_eq!(loaded.catalogue.servers[0].tools[0].name, "ok");
        let found: Vec<&str> = loaded.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            found,
            [
                "tool #0 must be a JSON object, found a number",
                "tool #1 must be a JSON object, found null",
                "tool #2 must be a JSON object, found an array",
                "tool #3 must be a JSON object, found a string",
            ]
        );
    }

    #[test]
    fn a_line_that_is_not_utf8_costs_only_its_entry() {
        let mut bytes = br#"{"id":"a","tools":[]}"#.to_vec();
        bytes.extend_from_slice(b"\r\n{\"id\":\"b\",\"name\":\"\xff\"}\n\n\xe3\x80\x80\n");
        bytes.extend_from_slice(br#"{"id":"c","tools":[]}"#);
        let (servers, problems) = parse_file(Path::new("c.jsonl"), &bytes, SourceFormat::JsonLines);
        let ids: Vec<&str> = servers.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"], "a line of U+3000 alone is blank");
        assert_eq!(servers[1].origin.line, 5);
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].code, problems[0].line), ("not-utf8", 2));
        let (_, problems) = parse_file(
            Path::new("servers/x.json"),
            b"{\n\"id\": \"\xff\"}",
            SourceFormat::Json,
        );
        assert_eq!((problems[0].code, problems[0].line), ("not-utf8", 2));
    }

    #[test]
    fn a_pretty_printed_entry_is_held_compact() {
        let text = "{\n  \"id\": \"a\",\n  \"tools\": [\n    {\n      \"name\": \"t\",\n      \"inputSchema\": {\n        \"type\": \"object\"\n      }\n    }\n  ]\n}\n";
        let loaded = load_str(Path::new("servers/a.json"), text, SourceFormat::Json);
        let tool = &loaded.catalogue.servers[0].tools[0];
        assert_eq!(tool.input_schema.as_json(), r#"{"type":"object"}"#);
        assert_eq!(tool.line, 5);
    }
}
