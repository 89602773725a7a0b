//! The plan (every page of the site, decided once) and the context each page renders with.

use super::browse;
use super::faq::tool_faq;
use super::jsonld;
use super::policies::{checked_server_text, checked_tool_texts, server_texts, PolicyTexts};
use super::rows::Rows;
use super::{BuildError, SiteData};
use crate::catalogue::{schema, Tool};
use crate::classify::{Category, RiskLevel};
use crate::policy::validate::Format;
use minijinja::value::{Enumerator, Object};
use minijinja::{context, Value};
use serde::Serialize;
use std::sync::Arc;

/// One output of the site: a page rendered from a template, or a generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `/`: counts and entry points.
    Home,
    /// `/servers/` and `/servers/page/<n>/`: all servers, `paginate_by` a page (1-based).
    ServerIndex(usize),
    /// `/servers/<server>/`.
    Server(usize),
    /// `/servers/<server>/<tool>/`.
    Tool(usize, usize),
    /// `/search/`: the search page (the index itself is built by [`super::search`]).
    Search,
    /// `/404.html`.
    NotFound,
    /// `/servers/<server>/policy.json`: the server's PolicyLayer policy (no template).
    PolicyJson(usize),
    /// `/servers/<server>/intercept.yaml`: the server's Intercept policy (no template).
    InterceptYaml(usize),
    /// `/categories/`: every category with its count.
    CategoryIndex,
    /// `/categories/<category>/` and `/categories/<category>/page/<n>/` (1-based).
    Category(Category, usize),
    /// `/risk/`: every risk level with its count.
    RiskIndex,
    /// `/risk/<level>/` and `/risk/<level>/page/<n>/` (1-based).
    Risk(RiskLevel, usize),
    /// `/attacks/`: every attack pattern.
    AttackIndex,
    /// `/attacks/<slug>/`: attack pattern `data.attacks[i]`.
    Attack(usize),
}

/// Every page of the site, in a deterministic order.
pub fn plan(data: &SiteData) -> Vec<Page> {
    let mut pages = vec![Page::Home, Page::Search, Page::NotFound];
    let index_pages = data
        .catalogue
        .servers
        .len()
        .div_ceil(data.config.paginate_by)
        .max(1);
    pages.extend((1..=index_pages).map(Page::ServerIndex));
    for (s, server) in data.catalogue.servers.iter().enumerate() {
        pages.push(Page::Server(s));
        pages.extend((0..server.tools.len()).map(|t| Page::Tool(s, t)));
        if !server.tools.is_empty() {
            pages.extend([Page::PolicyJson(s), Page::InterceptYaml(s)]);
        }
    }
    pages.extend(browse::plan(data));
    pages
}

impl Page {
    /// The output file, relative to the output folder: `servers/x/index.html`, `404.html`.
    pub fn file(&self, data: &SiteData) -> String {
        match *self {
            Page::NotFound | Page::PolicyJson(_) | Page::InterceptYaml(_) => self.path(data),
            _ => format!("{}index.html", self.path(data)),
        }
    }

    /// The page's path without leading slash: `` for home, `servers/x/`.
    pub fn path(&self, data: &SiteData) -> String {
        match *self {
            Page::Home => String::new(),
            Page::ServerIndex(1) => "servers/".to_owned(),
            Page::ServerIndex(n) => format!("servers/page/{n}/"),
            Page::Server(s) => data.routes.server(s),
            Page::Tool(s, t) => data.routes.tool(s, t),
            Page::Search => "search/".to_owned(),
            Page::NotFound => "404.html".to_owned(),
            Page::PolicyJson(s) => format!("{}policy.json", data.routes.server(s)),
            Page::InterceptYaml(s) => format!("{}intercept.yaml", data.routes.server(s)),
            Page::CategoryIndex => "categories/".to_owned(),
            Page::Category(c, n) => browse::category_path(c, n),
            Page::RiskIndex => "risk/".to_owned(),
            Page::Risk(l, n) => browse::risk_path(l, n),
            Page::AttackIndex => "attacks/".to_owned(),
            Page::Attack(a) => browse::attack_path(data, a),
        }
    }

    /// The server whose entry this page is made from (its page, its tool pages and its
    /// policy files), or `None` for a page of the whole site. The build cache and the
    /// preview decide by it which pages an edit of a server makes stale.
    pub fn server(&self) -> Option<usize> {
        match *self {
            Page::Server(s) | Page::Tool(s, _) | Page::PolicyJson(s) | Page::InterceptYaml(s) => {
                Some(s)
            }
            _ => None,
        }
    }

    /// The tool whose page this is (its index on [`Page::server`]), or `None`.
    pub fn tool(&self) -> Option<usize> {
        match *self {
            Page::Tool(_, t) => Some(t),
            _ => None,
        }
    }

    /// The template that renders this page.
    pub fn template(&self) -> &'static str {
        match self {
            Page::Home => "index.html",
            Page::ServerIndex(_) => "servers.html",
            Page::Server(_) => "server.html",
            Page::Tool(..) => "tool.html",
            Page::Search => "search.html",
            Page::NotFound => "404.html",
            Page::PolicyJson(_) | Page::InterceptYaml(_) => "(generated)",
            Page::CategoryIndex => "categories.html",
            Page::RiskIndex => "risk.html",
            Page::Category(..) | Page::Risk(..) => "tool_list.html",
            Page::AttackIndex => "attacks.html",
            Page::Attack(_) => "attack.html",
        }
    }

    /// The text of an output written without a template (the server policy files), or
    /// `None` for a templated page.
    pub fn generated(&self, data: &SiteData) -> Option<Result<String, BuildError>> {
        let (s, json) = match *self {
            Page::PolicyJson(s) => (s, true),
            Page::InterceptYaml(s) => (s, false),
            _ => return None,
        };
        let format = if json {
            Format::PolicyLayer
        } else {
            Format::Intercept
        };
        Some(checked_server_text(data, s, format))
    }

    /// The context the template renders with. Every page gets `config`, `page_path` and
    /// `permalink`; the rest depends on the kind. Tables of tools get their rows from `rows`
    /// (rendered there). Fails when a tool page's sample policy breaks the policy spec (a
    /// generator bug, see [`checked_tool_texts`]) or when `tool_row.html` fails.
    pub fn context(&self, data: &SiteData, rows: &mut Rows) -> Result<Value, BuildError> {
        let path = self.path(data);
        let common = context! {
            config => Value::from_serialize(&data.config),
            page_path => path,
            permalink => data.config.permalink(&path),
        };
        let own = match *self {
            Page::Home => home(data),
            Page::ServerIndex(n) => server_index(data, n),
            Page::Server(s) => server_page(data, s, rows)?,
            Page::Tool(s, t) => tool_page(data, s, t, rows)?,
            Page::NotFound | Page::PolicyJson(_) | Page::InterceptYaml(_) => context! {},
            Page::CategoryIndex | Page::RiskIndex => browse::overview(data),
            Page::Category(c, n) => browse::category_page(data, c, n, rows)?,
            Page::Risk(l, n) => browse::risk_page(data, l, n, rows)?,
            Page::AttackIndex => browse::attack_index(data),
            Page::Attack(a) => browse::attack_page(data, a),
            Page::Search => super::search::page_context(data),
        };
        Ok(context! { ..own, ..common })
    }
}

/// A server as listings show it.
#[derive(Serialize)]
struct ServerSummary<'a> {
    id: &'a str,
    name: &'a str,
    description: Option<&'a str>,
    package: Option<&'a str>,
    path: String,
    tool_count: usize,
}

/// A tool as listings show it.
#[derive(Serialize)]
pub(super) struct ToolSummary<'a> {
    server_id: &'a str,
    server_name: &'a str,
    server_path: String,
    rule: String,
    name: &'a str,
    title: &'a str,
    summary: String,
    path: String,
    category: &'static str,
    category_slug: &'static str,
    level: &'static str,
    level_slug: &'static str,
}

fn server_summary(data: &SiteData, s: usize) -> ServerSummary<'_> {
    let server = &data.catalogue.servers[s];
    ServerSummary {
        id: &server.id,
        name: &server.name,
        description: server.description.as_deref(),
        package: server.package.as_deref(),
        path: data.routes.server(s),
        tool_count: server.tools.len(),
    }
}

pub(super) fn tool_summary(data: &SiteData, s: usize, t: usize) -> ToolSummary<'_> {
    let server = &data.catalogue.servers[s];
    let tool = &server.tools[t];
    let c = &data.analysis[s][t].classification;
    ToolSummary {
        server_id: &server.id,
        server_name: &server.name,
        server_path: data.routes.server(s),
        rule: browse::rule_text(&data.analysis[s][t].policy.action),
        name: &tool.name,
        title: tool.display_title(),
        summary: summary(tool.description.as_deref().unwrap_or("")),
        path: data.routes.tool(s, t),
        category: c.category.label(),
        category_slug: c.category.slug(),
        level: c.level.label(),
        level_slug: c.level.slug(),
    }
}

/// The first line of a description, cut at 160 characters, Markdown markers left as text.
pub fn summary(description: &str) -> String {
    let line = description.trim().lines().next().unwrap_or("").trim();
    if line.chars().count() <= 160 {
        return line.to_owned();
    }
    let cut: String = line.chars().take(157).collect();
    format!("{}…", cut.trim_end())
}

fn home(data: &SiteData) -> Value {
    let largest: Vec<ServerSummary> = {
        let mut order: Vec<usize> = (0..data.catalogue.servers.len()).collect();
        order.sort_by_key(|&s| std::cmp::Reverse(data.catalogue.servers[s].tools.len()));
        order
            .into_iter()
            .take(12)
            .map(|s| server_summary(data, s))
            .collect()
    };
    context! {
        server_count => data.catalogue.servers.len(),
        tool_count => data.catalogue.tool_count(),
        categories => browse::site_categories(data),
        largest_servers => largest,
    }
}

fn server_index(data: &SiteData, page: usize) -> Value {
    let per = data.config.paginate_by;
    let total = data.catalogue.servers.len();
    let pages = total.div_ceil(per).max(1);
    let start = (page - 1) * per;
    let servers: Vec<ServerSummary> = (start..(start + per).min(total))
        .map(|s| server_summary(data, s))
        .collect();
    context! {
        servers,
        server_count => total,
        tool_count => data.catalogue.tool_count(),
        pagination => pagination(page, pages, |n| Page::ServerIndex(n).path(data)),
    }
}

/// `{current, total, previous, next}` with page paths, for a paginated listing.
pub fn pagination(current: usize, total: usize, path: impl Fn(usize) -> String) -> Value {
    context! {
        current,
        total,
        previous => (current > 1).then(|| path(current - 1)),
        next => (current < total).then(|| path(current + 1)),
    }
}

fn server_page(data: &SiteData, s: usize, rows: &mut Rows) -> Result<Value, BuildError> {
    let server = &data.catalogue.servers[s];
    let tools = rows.of(data, (0..server.tools.len()).map(|t| (s, t)), false)?;
    // The same documents are validated when `policy.json` and `intercept.yaml` are written,
    // which fails the build; the error's text is shown here rather than a panic.
    let texts = server_texts(data, s).unwrap_or_else(PolicyTexts::failed);
    Ok(context! {
        server => server_summary(data, s),
        repository => server.repository.as_deref(),
        homepage => server.homepage.as_deref(),
        license => server.license.as_deref(),
        version => server.version.as_deref(),
        tools,
        breakdown => browse::server_breakdown(data, s),
        policy_json => texts.json,
        policy_yaml => texts.yaml,
        policy_json_file => Page::PolicyJson(s).path(data),
        policy_yaml_file => Page::InterceptYaml(s).path(data),
    })
}

fn tool_page(data: &SiteData, s: usize, t: usize, rows: &mut Rows) -> Result<Value, BuildError> {
    let server = &data.catalogue.servers[s];
    let tool = &server.tools[t];
    let analysis = &data.analysis[s][t];
    let texts = checked_tool_texts(data, s, t)?;
    // Parsed once for the parameter table and the FAQ (see `JsonObject`).
    let input_schema = tool.input_schema.to_map();
    let faq = tool_faq(server, tool, &input_schema, analysis);
    let server_path = data.routes.server(s);
    let tool_path = data.routes.tool(s, t);
    let breadcrumbs = [
        ("Home", String::new()),
        ("Servers", "servers/".to_owned()),
        (server.name.as_str(), server_path),
        (tool.name.as_str(), tool_path),
    ];
    Ok(context! {
        server => server_summary(data, s),
        tool => Value::from_object(ToolValue(tool.clone())),
        title => tool.display_title(),
        summary => summary(tool.description.as_deref().unwrap_or("")),
        parameters => schema::parameters(&input_schema),
        annotations => tool.annotations.as_ref(),
        classification => Value::from_serialize(&analysis.classification),
        category_slug => analysis.classification.category.slug(),
        level_slug => analysis.classification.level.slug(),
        policy => Value::from_serialize(&analysis.policy),
        policy_json => texts.json,
        policy_yaml => texts.yaml,
        faq,
        breadcrumbs => breadcrumbs.iter().map(|(n, p)| context! { name => n, path => p }).collect::<Vec<_>>(),
        jsonld => jsonld::tool_page(&faq, &breadcrumbs, &data.config),
        ..browse::tool_extras(data, s, t, rows)?
    })
}

/// A tool as templates see it: the fields of [`Tool`] under their MCP names (`tool.name`,
/// `tool.inputSchema`, `tool.annotations`, ...), each converted only when a template reads
/// it. Converting the whole tool up front, its `inputSchema` above all, cost about 4% of a
/// build's CPU for the two fields the built-in templates read.
#[derive(Debug)]
struct ToolValue(Tool);

impl Object for ToolValue {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let tool = &self.0;
        Some(match key.as_str()? {
            "name" => Value::from(tool.name.as_str()),
            "title" => Value::from_serialize(&tool.title),
            "description" => Value::from_serialize(&tool.description),
            "inputSchema" => Value::from_serialize(&tool.input_schema),
            "annotations" => Value::from_serialize(&tool.annotations),
            "extra" => Value::from_serialize(&tool.extra),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&[
            "name",
            "title",
            "description",
            "inputSchema",
            "annotations",
            "extra",
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::ToolValue;
    use crate::catalogue::{load_str, SourceFormat};
    use minijinja::{Environment, Value};
    use std::path::Path;

    /// Templates see the same tool through [`ToolValue`] as through the whole tool
    /// serialised: every field, in order, with `inputSchema`, annotations and unknown keys.
    #[test]
    fn a_tool_value_reads_like_the_serialised_tool() {
        let text = concat!(
            r#"{"id": "s", "tools": ["#,
            r#"{"name": "plain"},"#,
            r#"{"name": "full", "title": "Full", "description": "Does <b>all</b>.", "#,
            r#""inputSchema": {"type": "object", "properties": {"q": {"type": "string", "enum": ["a", 1, 2.5, null]}}}, "#,
            r#""annotations": {"readOnlyHint": true, "category": "x"}, "#,
            r#""outputSchema": {"type": "object"}, "_meta": {"k": [1, {"z": false}]}}"#,
            r#"]}"#
        );
        let loaded = load_str(Path::new("t.jsonl"), text, SourceFormat::JsonLines);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let env = Environment::new();
        let template = "{{ tool|tojson }}|{{ tool.inputSchema.properties }}|\
            {% for k, v in tool|items %}{{ k }}={{ v }};{% endfor %}|{{ tool.missing is undefined }}";
        for tool in &loaded.catalogue.servers[0].tools {
            let render = |value: Value| {
                env.render_str(template, minijinja::context! { tool => value })
                    .unwrap()
            };
            let lazy = render(Value::from_object(ToolValue(tool.clone())));
            assert_eq!(lazy, render(Value::from_serialize(tool)), "{}", tool.name);
            assert!(lazy.contains(&tool.name));
        }
    }
}
