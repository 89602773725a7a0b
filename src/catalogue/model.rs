//! The catalogue model: servers and their MCP tools, unknown keys kept.

use serde::Serialize;
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
    pub input_schema: Map<String, Value>,
    /// The MCP behaviour hints, when the tool has `annotations`.
    pub annotations: Option<Annotations>,
    /// Every other key (`outputSchema`, `_meta`, `execution`, `icons`, ...), kept as given.
    pub extra: Map<String, Value>,
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
