//! Checks across servers, by hash-grouping (no pairwise comparison): the same server under
//! two ids, and the same tool copied onto unrelated servers.
//!
//! What "the same server" means: a repository is not enough, since one repository often
//! holds many distinct servers (github.com/awslabs/mcp holds 51 in the bundled catalogue,
//! and its MySQL and PostgreSQL servers even share their tool names). Two entries are the
//! same server when they name the same package (same registry, same name once the version
//! is stripped and PyPI names normalised), or when they come from the same repository *and*
//! list identical tools (every name, description and `inputSchema` equal) — a monorepo's
//! distinct servers differ in at least one tool.

use super::{finding, Catalogue, Problem, Server, Tool};
use serde_json::Value;
use std::collections::HashMap;

/// A copied tool is only reported when its description has at least this many characters:
/// short generic descriptions ("Get the current time") coincide without copying.
const MIN_COPIED_DESCRIPTION_CHARS: usize = 40;

/// A BLAKE3 hash of a tool's name, description and `inputSchema` (see `tool_fingerprint`).
pub type Fingerprint = [u8; 32];

/// The cross-server findings of a catalogue, given the fingerprints of its tools
/// (`tools[s][t]` for tool `t` of server `s`).
pub fn lint(catalogue: &Catalogue, tools: &[Vec<Fingerprint>]) -> Vec<Problem> {
    let servers = &catalogue.servers;
    let mut families = Families::new(servers.len());
    let mut found = Vec::new();
    let mut reported = vec![false; servers.len()];

    let mut by_package: HashMap<String, usize> = HashMap::new();
    for (i, server) in servers.iter().enumerate() {
        let Some(key) = package_key(server) else {
            continue;
        };
        match by_package.get(&key) {
            Some(&first) => {
                families.join(first, i);
                reported[i] = true;
                found.push(same_server(
                    server,
                    &servers[first],
                    &format!(
                        "the same package `{}`",
                        key.split_once(':').map_or(key.as_str(), |k| k.1)
                    ),
                ));
            }
            None => {
                by_package.insert(key, i);
            }
        }
    }

    let mut by_repository: HashMap<String, usize> = HashMap::new();
    let mut by_repository_tools: HashMap<(String, Fingerprint), usize> = HashMap::new();
    for (i, server) in servers.iter().enumerate() {
        let Some(repo) = server.repository.as_deref().and_then(repository_key) else {
            continue;
        };
        let first = *by_repository.entry(repo.clone()).or_insert(i);
        families.join(first, i);
        if tools[i].is_empty() {
            continue;
        }
        let mut sorted = tools[i].clone();
        sorted.sort_unstable();
        let set = *blake3::hash(sorted.as_flattened()).as_bytes();
        match by_repository_tools.get(&(repo.clone(), set)) {
            Some(&first) if !reported[i] => found.push(same_server(
                server,
                &servers[first],
                &format!("the same repository `{repo}` and identical tools"),
            )),
            Some(_) => {}
            None => {
                by_repository_tools.insert((repo, set), i);
            }
        }
    }

    let mut first_copy: HashMap<Fingerprint, (usize, usize)> = HashMap::new();
    for (s, server) in servers.iter().enumerate() {
        for (t, tool) in server.tools.iter().enumerate() {
            let long_enough = tool.description.as_deref().is_some_and(|d| {
                let chars = d.trim().chars().take(MIN_COPIED_DESCRIPTION_CHARS).count();
                chars == MIN_COPIED_DESCRIPTION_CHARS
            });
            if !long_enough {
                continue;
            }
            let (fs, ft) = *first_copy.entry(tools[s][t]).or_insert((s, t));
            if families.root(fs) != families.root(s) {
                found.push(copied(server, tool, &servers[fs], &servers[fs].tools[ft]));
            }
        }
    }
    found
}

fn same_server(server: &Server, first: &Server, why: &str) -> Problem {
    finding(
        server,
        None,
        "same-server-two-ids",
        format!(
            "server `{}` has {why} as server `{}` ({}:{})",
            server.id,
            first.id,
            first.origin.file.display(),
            first.origin.line
        ),
    )
}

fn copied(server: &Server, tool: &Tool, first: &Server, first_tool: &Tool) -> Problem {
    finding(
        server,
        Some(tool),
        "copied-tool",
        format!(
            "tool `{}` is identical (name, description, inputSchema) to tool `{}` of the unrelated server `{}` ({}:{})",
            tool.name,
            first_tool.name,
            first.id,
            first.origin.file.display(),
            first_tool.line
        ),
    )
}

/// `registry:package`, version stripped: `npm:@scope/name`, `pypi:awslabs-x`, `oci:mcp/x`.
fn package_key(server: &Server) -> Option<String> {
    let package = server.package.as_deref()?.trim().to_lowercase();
    let registry = server
        .extra
        .get("registry")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_lowercase();
    // `@scope/name@1.2.3`, `name==1.2`, `image:tag`, `image@sha256:...`
    let mut name = package.as_str();
    if let Some(at) = name[1.min(name.len())..].find('@') {
        name = &name[..at + 1];
    }
    if let Some(eq) = name.find("==") {
        name = &name[..eq];
    }
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    if !name.contains("://") {
        if let Some(colon) = name[last_slash..].find(':') {
            name = &name[..last_slash + colon];
        }
    }
    let name = if registry == "pypi" {
        // PEP 503: runs of `-`, `_` and `.` are one `-`.
        name.split(['-', '_', '.'])
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    } else {
        name.to_owned()
    };
    (!name.is_empty()).then(|| format!("{registry}:{name}"))
}

/// `github.com/owner/repo` from the forms a repository URL takes (`git+https://...git`,
/// `git@github.com:owner/repo`, trailing slash, any case).
fn repository_key(url: &str) -> Option<String> {
    let mut u = url.trim().to_lowercase();
    for prefix in [
        "git+", "https://", "http://", "git://", "ssh://", "git@", "www.",
    ] {
        if let Some(rest) = u.strip_prefix(prefix) {
            u = rest.to_owned();
        }
    }
    let u = u.replacen(':', "/", 1);
    let u = u.trim_end_matches('/');
    let u = u.strip_suffix(".git").unwrap_or(u);
    (!u.is_empty()).then(|| u.to_owned())
}

/// A fingerprint of a tool's name, description and `inputSchema` (given parsed; object keys
/// in sorted order, so key order does not matter): the blake3 hash of a canonical encoding
/// built in `buf` (reused across tools, so hashing costs no allocation per value).
pub fn tool_fingerprint(
    tool: &Tool,
    input_schema: &serde_json::Map<String, Value>,
    buf: &mut Vec<u8>,
) -> Fingerprint {
    buf.clear();
    write_str(buf, &tool.name);
    match &tool.description {
        Some(d) => write_str(buf, d),
        None => buf.push(b'-'),
    }
    write_map(buf, input_schema);
    *blake3::hash(buf).as_bytes()
}

/// A length-prefixed string, so `"ab" + "c"` and `"a" + "bc"` differ.
fn write_str(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(&(s.len() as u64).to_le_bytes());
    buf.extend_from_slice(s.as_bytes());
}

fn write_map(buf: &mut Vec<u8>, map: &serde_json::Map<String, Value>) {
    buf.push(b'{');
    buf.extend_from_slice(&(map.len() as u64).to_le_bytes());
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_unstable_by_key(|(k, _)| *k);
    for (k, v) in entries {
        write_str(buf, k);
        write_value(buf, v);
    }
}

fn write_value(buf: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => buf.push(b'n'),
        Value::Bool(b) => buf.push(if *b { b't' } else { b'f' }),
        Value::Number(n) => {
            buf.push(b'#');
            write_str(buf, &n.to_string());
        }
        Value::String(s) => {
            buf.push(b's');
            write_str(buf, s);
        }
        Value::Array(items) => {
            buf.push(b'[');
            buf.extend_from_slice(&(items.len() as u64).to_le_bytes());
            for item in items {
                write_value(buf, item);
            }
        }
        Value::Object(map) => write_map(buf, map),
    }
}

/// Union-find over server indexes: servers of one repository, package or detected
/// duplicate are one family, and copies within a family are not reported.
struct Families(Vec<usize>);

impl Families {
    fn new(n: usize) -> Families {
        Families((0..n).collect())
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        self.0[b] = a;
    }
}
