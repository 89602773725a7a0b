//! Machine-readable indexes: `llms.txt` (the llms.txt convention, <https://llmstxt.org/>)
//! and each server's `tools.json`.
//!
//! `llms.txt` is meant to fit in a language model's context window, and listing every tool
//! in it does not: the bundled 2,712 tools alone take about 400 KB. So the root `llms.txt`
//! lists the servers, one line each, linking to the server's own `llms.txt`, which lists its
//! tools. A reader fetches the root index, then only the servers it needs; every file stays
//! small however large the catalogue grows, and each costs O(1) in catalogue size except the
//! root (one line per server).

use crate::site::pages::summary;
use crate::site::SiteData;
use serde::Serialize;

/// The root `llms.txt`: `# title`, `> description`, then `## Servers` with one
/// `- [name](url): summary (N tools)` line per server.
pub fn root(data: &SiteData) -> String {
    let config = &data.config;
    let mut text = format!(
        "# {}\n\n> {}\n\n{} MCP servers with {} tools. Each server below links to its own llms.txt, which lists its tools with their risk and page, and to its tools.json (the same list as JSON).\n\n## Servers\n\n",
        one_line(&config.title),
        one_line(&config.description),
        data.catalogue.servers.len(),
        data.catalogue.tool_count()
    );
    for (s, server) in data.catalogue.servers.iter().enumerate() {
        let url = config.permalink(&format!("{}llms.txt", data.routes.server(s)));
        let about = summary(server.description.as_deref().unwrap_or(""));
        let tools = server.tools.len();
        let plural = if tools == 1 { "tool" } else { "tools" };
        let about = if about.is_empty() {
            String::new()
        } else {
            format!("{} ", one_line(&about))
        };
        text.push_str(&format!(
            "- [{}]({url}): {about}({tools} {plural})\n",
            link_text(&server.name)
        ));
    }
    text
}

/// A server's `llms.txt`: its description and one line per tool.
pub fn server(data: &SiteData, s: usize) -> String {
    let config = &data.config;
    let server = &data.catalogue.servers[s];
    let path = data.routes.server(s);
    let about = summary(server.description.as_deref().unwrap_or(""));
    let mut text = format!("# {} MCP server\n\n", one_line(&server.name));
    if !about.is_empty() {
        text.push_str(&format!("> {}\n\n", one_line(&about)));
    }
    text.push_str(&format!(
        "Server id `{}`. Page: {}. Machine-readable list: {}.\n\n## Tools\n\n",
        server.id,
        config.permalink(&path),
        config.permalink(&format!("{path}tools.json"))
    ));
    for (t, tool) in server.tools.iter().enumerate() {
        let c = &data.analysis[s][t].classification;
        let about = summary(tool.description.as_deref().unwrap_or(""));
        text.push_str(&format!(
            "- [{}]({}): {}{} risk ({})\n",
            link_text(&tool.name),
            config.permalink(&data.routes.tool(s, t)),
            if about.is_empty() {
                String::new()
            } else {
                format!("{} — ", one_line(&about))
            },
            c.level.label(),
            c.category.label()
        ));
    }
    text
}

/// `servers/<server>/tools.json`.
#[derive(Serialize)]
struct ToolsJson<'a> {
    server: ServerJson<'a>,
    tools: Vec<ToolJson<'a>>,
}

#[derive(Serialize)]
struct ServerJson<'a> {
    id: &'a str,
    name: &'a str,
    description: Option<&'a str>,
    package: Option<&'a str>,
    version: Option<&'a str>,
    repository: Option<&'a str>,
    url: String,
}

#[derive(Serialize)]
struct ToolJson<'a> {
    name: &'a str,
    title: Option<&'a str>,
    description: Option<&'a str>,
    /// Category slug: `read`, `write`, `execute`, `destructive`, `financial`.
    category: &'static str,
    /// Risk level slug.
    level: &'static str,
    annotations: Option<&'a crate::catalogue::Annotations>,
    url: String,
}

/// A server's `tools.json`: `{"server": {id, name, description, package, version,
/// repository, url}, "tools": [{name, title, description, category, level, annotations,
/// url}]}`, with absolute URLs and the category and level slugs the site uses; pretty-printed.
pub fn tools_json(data: &SiteData, s: usize) -> Vec<u8> {
    let server = &data.catalogue.servers[s];
    let doc = ToolsJson {
        server: ServerJson {
            id: &server.id,
            name: &server.name,
            description: server.description.as_deref(),
            package: server.package.as_deref(),
            version: server.version.as_deref(),
            repository: server.repository.as_deref(),
            url: data.config.permalink(&data.routes.server(s)),
        },
        tools: server
            .tools
            .iter()
            .enumerate()
            .map(|(t, tool)| {
                let c = &data.analysis[s][t].classification;
                ToolJson {
                    name: &tool.name,
                    title: tool.title.as_deref(),
                    description: tool.description.as_deref(),
                    category: c.category.slug(),
                    level: c.level.slug(),
                    annotations: tool.annotations.as_ref(),
                    url: data.config.permalink(&data.routes.tool(s, t)),
                }
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Text on one line (newlines in catalogue text would break the Markdown list).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Link text with the brackets that would end it escaped.
fn link_text(text: &str) -> String {
    one_line(text).replace('[', "\\[").replace(']', "\\]")
}
