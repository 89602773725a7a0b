//! The catalogue model: servers and their MCP tools, unknown keys kept.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::path::PathBuf;

/// Every server of a catalogue, in a stable order (sorted by `id`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Catalogue {
    /// The servers, sorted by `id`; ids are unique.
    pub servers: Vec<Server>,
}

impl Catalogue {
    /// Number of tools over all servers.
    pub fn tool_count(&self) -> usize {
        self.servers.iter().map(|s| s.tools.len()).sum()
    }

    /// The server with this `id`.
    pub fn server(&self, id: &str) -> Option<&Server> {
        self.servers
            .binary_search_by(|s| s.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.servers[i])
    }
}

/// Where an entry was read from: file and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The catalogue file.
    pub file: PathBuf,
    /// 1-based line of the server (JSON Lines) or 1 (one file per server).
    pub line: usize,
}

/// One MCP server: its metadata and the tools it answers to `tools/list`.
///
/// Source: one line of a JSON Lines catalogue or one `content/servers/*.json` file. The named
/// fields are those the site shows; every other key (`registry`, `source`, ...) stays in
/// `extra`, untouched.
#[derive(Debug, Clone, Serialize)]
pub struct Server {
    /// Unique, stable identifier such as `awslabs-healthimaging-mcp-server`.
    pub id: String,
    /// Display name; falls back to `id` where the catalogue gives none.
    pub name: String,
    /// One-paragraph description (plain text or Markdown).
    pub description: Option<String>,
    /// Package name on its registry (npm, PyPI, ...).
    pub package: Option<String>,
    /// Source repository URL.
    pub repository: Option<String>,
    /// Licence as the package metadata states it (SPDX id or free text).
    pub license: Option<String>,
    /// Package version the tools were read from.
    pub version: Option<String>,
    /// Project homepage URL.
    pub homepage: Option<String>,
    /// The MCP tools, in the order the server lists them.
    pub tools: Vec<Tool>,
    /// Every other key of the entry, kept as given.
    pub extra: Map<String, Value>,
    /// Where the entry was read from.
    #[serde(skip)]
    pub origin: Origin,
    /// BLAKE3 hash of the entry's source text (its JSON Lines line or its whole file). The
    /// loader is a pure function of that text, so an equal digest means an equal `Server`;
    /// the incremental build keys its cache on it instead of hashing the parsed entry.
    #[serde(skip)]
    pub digest: blake3::Hash,
}

/// One MCP Tool object exactly as `tools/list` returns it.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// The tool's `name`, unique within its server (may hold spaces, dots, any case).
    pub name: String,
    /// Optional human-readable `title`.
    pub title: Option<String>,
    /// Optional `description` (often Markdown, up to tens of thousands of characters).
    pub description: Option<String>,
    /// The `inputSchema` JSON Schema object (an empty object where the tool has none).
    #[serde(rename = "inputSchema")]
    pub input_schema: JsonObject,
    /// The MCP behaviour hints, when the tool has `annotations`.
    pub annotations: Option<Annotations>,
    /// Every other key (`outputSchema`, `_meta`, `execution`, `icons`, ...), kept as given.
    pub extra: JsonObject,
    /// 1-based line where the tool starts in its file (best effort; the server's line for JSON
    /// Lines).
    #[serde(skip)]
    pub line: usize,
}

impl Tool {
    /// `title`, else `annotations.title`, else `name`.
    pub fn display_title(&self) -> &str {
        self.title
            .as_deref()
            .or(self.annotations.as_ref().and_then(|a| a.title.as_deref()))
            .unwrap_or(&self.name)
    }
}

/// The MCP `ToolAnnotations` hints. Each is `None` when the server did not set it; MCP says
/// clients must treat them as untrusted hints, which is why the classifier weighs them
/// against the tool's name and description.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Annotations {
    /// `title`.
    pub title: Option<String>,
    /// `readOnlyHint`: the tool does not modify its environment.
    #[serde(rename = "readOnlyHint")]
    pub read_only_hint: Option<bool>,
    /// `destructiveHint`: the tool may perform destructive updates.
    #[serde(rename = "destructiveHint")]
    pub destructive_hint: Option<bool>,
    /// `idempotentHint`: repeated calls with the same arguments have no additional effect.
    #[serde(rename = "idempotentHint")]
    pub idempotent_hint: Option<bool>,
    /// `openWorldHint`: the tool interacts with an open world of external entities.
    #[serde(rename = "openWorldHint")]
    pub open_world_hint: Option<bool>,
    /// Other keys some servers add (for example `category`), kept as given.
    pub extra: Map<String, Value>,
}

/// A JSON object held as its JSON text (as the catalogue gives it, made compact when it
/// spans lines) and parsed each time it is read.
///
/// A tool's `inputSchema` and unknown keys are most of a catalogue's bytes, yet a build reads
/// each only a few times (to classify, render, index and lint the tool). As serde_json
/// `Value`s they took about eight bytes of memory per byte of JSON (at 100,000 tools, 850 MB
/// of a 1.2 GB build); as text, about one. Parsing one back costs microseconds.
///
/// Keys keep their order (serde_json's `preserve_order`) and numbers round-trip exactly
/// (`float_roundtrip`), so [`JsonObject::to_map`] gives back the object it was made from.
#[derive(Clone)]
pub struct JsonObject(Box<str>);

impl JsonObject {
    /// The object's JSON text, such as `{"type":"object"}`.
    pub fn as_json(&self) -> &str {
        &self.0
    }

    /// The object, parsed.
    pub fn to_map(&self) -> Map<String, Value> {
        serde_json::from_str(&self.0).expect(
            "a JsonObject holds a Map's text: serde_json wrote it, or the loader checked it",
        )
    }

    /// The object whose JSON text is `text`, which the loader has checked is an object that
    /// parses into a `Map` (see `fields::is_valid`). Text spread over several lines (a
    /// pretty-printed file) is made compact; other text is kept as given.
    pub(super) fn from_text(text: &str) -> JsonObject {
        if !text.contains('\n') {
            return JsonObject(text.into());
        }
        match serde_json::from_str::<Map<String, Value>>(text) {
            Ok(map) => JsonObject::from(&map),
            Err(_) => JsonObject::default(),
        }
    }
}

impl From<&Map<String, Value>> for JsonObject {
    fn from(map: &Map<String, Value>) -> JsonObject {
        let text = serde_json::to_string(map).expect("a Map of Values always serialises");
        JsonObject(text.into_boxed_str())
    }
}

impl From<Map<String, Value>> for JsonObject {
    fn from(map: Map<String, Value>) -> JsonObject {
        JsonObject::from(&map)
    }
}

impl Default for JsonObject {
    fn default() -> JsonObject {
        JsonObject::from(Map::new())
    }
}

impl std::fmt::Debug for JsonObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_json())
    }
}

impl Serialize for JsonObject {
    /// Serialises the parsed object, so every serializer (JSON, YAML, MiniJinja values) sees
    /// an ordinary map.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_map().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::JsonObject;
    use serde_json::json;

    #[test]
    fn a_json_object_gives_back_what_it_was_made_from() {
        let value = json!({"z": 1, "a": [0.1, 1e300, -0.0, 18446744073709551615u64, -9007199254740993i64],
            "nested": {"s": "é\"\\\n\u{0}", "b": null, "t": true}});
        let object = JsonObject::from(value.as_object().unwrap());
        assert_eq!(object.to_map(), *value.as_object().unwrap());
        let keys: Vec<String> = object.to_map().keys().cloned().collect();
        assert_eq!(keys, ["z", "a", "nested"], "key order is kept");
        assert_eq!(serde_json::to_value(&object).unwrap(), value);
        assert_eq!(JsonObject::default().as_json(), "{}");
        assert_ne!(object.as_json(), "{}");
    }
}
