//! Writing the imported server to `<content>/servers/<id>.json`.
//!
//! The entry has the shape of the bundled catalogue's lines: `id`, `name`, `source` (`kind`
//! `introspected`, `how`, `command` or `url`, `serverInfo`, `protocolVersion`, `date`) and
//! `tools`. When the file exists, every other key in it (`package`, `repository`,
//! `license`, `description`, ...) is kept: re-importing refreshes what the server says and
//! leaves what a person wrote.

use super::{ImportError, ImportOptions, Listed, Target};
use crate::catalogue::{self, load_str, Problem, SourceFormat};
use crate::site::output::{DiskOutput, Output, Written};
use serde_json::{json, Map, Value};
use std::path::PathBuf;

/// What an import wrote.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The server's id.
    pub id: String,
    /// The file written, `<content>/servers/<id>.json`.
    pub path: PathBuf,
    /// Tools written.
    pub tools: usize,
    /// Tools the file held before, when it existed.
    pub previous: Option<usize>,
    /// False when the file already held exactly these bytes (nothing was touched).
    pub changed: bool,
    /// What the server answered.
    pub listed: Listed,
    /// Problems of the written entry: loading errors (the server sent tools the catalogue
    /// cannot build) and lint findings, each with file, line and tool.
    pub problems: Vec<Problem>,
}

/// Builds the entry, checks it against the existing file, and writes it atomically.
pub fn write(options: &ImportOptions, listed: &Listed) -> Result<Imported, ImportError> {
    let server_info = listed
        .initialize
        .get("serverInfo")
        .cloned()
        .unwrap_or(Value::Null);
    let info_text = |key: &str| server_info.get(key).and_then(Value::as_str);
    let id = match &options.id {
        Some(id) => id.clone(),
        None => slug(info_text("name").unwrap_or("")),
    };
    if !valid_id(&id) {
        return Err(ImportError::BadId(id));
    }
    let dir = options.content.join("servers");
    let file = format!("{id}.json");
    let path = dir.join(&file);

    let mut entry = match std::fs::read_to_string(&path) {
        Ok(text) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => Some(map),
            Ok(_) if options.force => None,
            Ok(_) => return Err(existing(&path, "not an object".to_owned())),
            Err(_) if options.force => None,
            Err(e) => return Err(existing(&path, format!("malformed JSON: {e}"))),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => return Err(ImportError::Io { path, source }),
    }
    .unwrap_or_default();
    let previous = match entry.get("tools") {
        Some(Value::Array(tools)) => Some(tools.len()),
        _ => None,
    };
    if let Some(existing) = previous {
        if existing > listed.tools.len() && !options.force {
            return Err(ImportError::Fewer {
                path,
                existing,
                listed: listed.tools.len(),
            });
        }
    }

    let mut source = Map::new();
    source.insert("kind".into(), json!("introspected"));
    match &options.target {
        Target::Command(argv) => {
            source.insert("how".into(), json!("stdio initialize + tools/list"));
            source.insert("command".into(), json!(argv));
        }
        Target::Url(url) => {
            source.insert(
                "how".into(),
                json!("streamable HTTP initialize + tools/list"),
            );
            source.insert("url".into(), json!(url));
        }
    }
    source.insert("serverInfo".into(), server_info.clone());
    let protocol = listed.initialize.get("protocolVersion").cloned();
    source.insert("protocolVersion".into(), protocol.unwrap_or(Value::Null));
    let date = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    source.insert("date".into(), json!(date));

    entry.insert("id".into(), json!(id));
    if !entry.contains_key("name") {
        // `title` is the display name MCP defines; `name` is the programmatic one.
        let name = info_text("title").or(info_text("name")).unwrap_or(&id);
        entry.insert("name".into(), json!(name));
    }
    if let (false, Some(d)) = (entry.contains_key("description"), info_text("description")) {
        entry.insert("description".into(), json!(d));
    }
    entry.insert("source".into(), Value::Object(source));
    entry.insert("tools".into(), Value::Array(listed.tools.clone()));

    let mut text = serde_json::to_string_pretty(&entry).map_err(|e| ImportError::Io {
        path: path.clone(),
        source: e.into(),
    })?;
    text.push('\n');
    let io = |source| ImportError::Io {
        path: path.clone(),
        source,
    };
    let written = DiskOutput::new(&dir)
        .map_err(io)?
        .write(&file, text.as_bytes());
    let changed = written.map_err(io)? == Written::Changed;

    let loaded = load_str(&path, &text, SourceFormat::Json);
    let mut problems = loaded.problems;
    problems.extend(catalogue::lint(&loaded.catalogue));
    Ok(Imported {
        id,
        path,
        tools: listed.tools.len(),
        previous,
        changed,
        listed: listed.clone(),
        problems,
    })
}

fn existing(path: &std::path::Path, message: String) -> ImportError {
    ImportError::Existing {
        path: path.to_path_buf(),
        message,
    }
}

/// `mcp-servers/everything` → `mcp-servers-everything`: lowercase ASCII letters and digits,
/// other runs of characters made one `-`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// An id usable as a file name everywhere: ASCII letters, digits, `-`, `_`, `.`, not
/// starting with `.` or `-`, at most 200 characters.
pub(super) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 200
        && id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_safe_file_names() {
        assert_eq!(slug("mcp-servers/everything"), "mcp-servers-everything");
        assert_eq!(slug("  Browser Tools MCP! "), "browser-tools-mcp");
        assert!(valid_id("awslabs.cdk-mcp_server"));
        for bad in ["", "../x", ".hidden", "a/b", "a b", "-x"] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
