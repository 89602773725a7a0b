//! The plan (every page of the site, decided once) and the context each page renders with.

use super::faq::tool_faq;
use super::templates::script_json;
use super::SiteData;
use crate::catalogue::schema;
use crate::classify::Category;
use crate::policy::{intercept, policylayer};
use minijinja::{context, Value};
use serde::Serialize;

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
    /// `/404.html`.
    NotFound,
}

/// Every page of the site, in a deterministic order.
pub fn plan(data: &SiteData) -> Vec<Page> {
    let mut pages = vec![Page::Home, Page::NotFound];
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
    }
    pages
}

impl Page {
    /// The output file, relative to the output folder: `servers/x/index.html`, `404.html`.
    pub fn file(&self, data: &SiteData) -> String {
        match *self {
            Page::NotFound => "404.html".to_owned(),
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
            Page::NotFound => "404.html".to_owned(),
        }
    }

    /// The template that renders this page.
    pub fn template(&self) -> &'static str {
        match self {
            Page::Home => "index.html",
            Page::ServerIndex(_) => "servers.html",
            Page::Server(_) => "server.html",
            Page::Tool(..) => "tool.html",
            Page::NotFound => "404.html",
        }
    }

    /// The context the template renders with. Every page gets `config`, `page_path` and
    /// `permalink`; the rest depends on the kind.
    pub fn context(&self, data: &SiteData) -> Value {
        let path = self.path(data);
        let common = context! {
            config => Value::from_serialize(&data.config),
            page_path => path,
            permalink => data.config.permalink(&path),
        };
        let own = match *self {
            Page::Home => home(data),
            Page::ServerIndex(n) => server_index(data, n),
            Page::Server(s) => server_page(data, s),
            Page::Tool(s, t) => tool_page(data, s, t),
            Page::NotFound => context! {},
        };
        context! { ..own, ..common }
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
struct ToolSummary<'a> {
    name: &'a str,
    title: &'a str,
    summary: String,
    path: String,
    category: &'static str,
    category_slug: &'static str,
    level: &'static str,
    level_slug: &'static str,
}

/// Counts per category, in [`Category::ALL`] order, as `{label, slug, level, count}`.
#[derive(Serialize)]
struct CategoryCount {
    label: &'static str,
    slug: &'static str,
    level: &'static str,
    level_slug: &'static str,
    count: usize,
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

fn tool_summary(data: &SiteData, s: usize, t: usize) -> ToolSummary<'_> {
    let tool = &data.catalogue.servers[s].tools[t];
    let c = &data.analysis[s][t].classification;
    ToolSummary {
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

fn category_counts<'a>(categories: impl Iterator<Item = &'a Category>) -> Vec<CategoryCount> {
    let mut counts = [0usize; 5];
    for c in categories {
        counts[Category::ALL.iter().position(|x| x == c).unwrap_or(0)] += 1;
    }
    Category::ALL
        .iter()
        .zip(counts)
        .map(|(c, count)| CategoryCount {
            label: c.label(),
            slug: c.slug(),
            level: c.level().label(),
            level_slug: c.level().slug(),
            count,
        })
        .collect()
}

fn home(data: &SiteData) -> Value {
    let all = data
        .analysis
        .iter()
        .flatten()
        .map(|a| &a.classification.category);
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
        categories => category_counts(all),
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

fn server_page(data: &SiteData, s: usize) -> Value {
    let server = &data.catalogue.servers[s];
    let tools: Vec<ToolSummary> = (0..server.tools.len())
        .map(|t| tool_summary(data, s, t))
        .collect();
    let policies: Vec<_> = data.analysis[s].iter().map(|a| &a.policy).collect();
    let description = format!(
        "Sample policy for the {} MCP server ({} tools), generated by toolpages.",
        server.name,
        server.tools.len()
    );
    context! {
        server => server_summary(data, s),
        repository => server.repository.as_deref(),
        homepage => server.homepage.as_deref(),
        license => server.license.as_deref(),
        version => server.version.as_deref(),
        tools,
        categories => category_counts(data.analysis[s].iter().map(|a| &a.classification.category)),
        policy_json => policylayer::to_string(&policies),
        policy_yaml => intercept::to_string(&description, &policies),
    }
}

fn tool_page(data: &SiteData, s: usize, t: usize) -> Value {
    let server = &data.catalogue.servers[s];
    let tool = &server.tools[t];
    let analysis = &data.analysis[s][t];
    let policy = [&analysis.policy];
    let faq = tool_faq(server, tool, analysis);
    let server_path = data.routes.server(s);
    let tool_path = data.routes.tool(s, t);
    let breadcrumbs = [
        ("Home", data.config.permalink("")),
        ("Servers", data.config.permalink("servers/")),
        (server.name.as_str(), data.config.permalink(&server_path)),
        (tool.name.as_str(), data.config.permalink(&tool_path)),
    ];
    let jsonld = serde_json::json!([
        {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": faq.iter().map(|f| serde_json::json!({
                "@type": "Question",
                "name": f.question,
                "acceptedAnswer": {"@type": "Answer", "text": f.answer},
            })).collect::<Vec<_>>(),
        },
        {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": breadcrumbs.iter().enumerate().map(|(i, (name, url))| serde_json::json!({
                "@type": "ListItem", "position": i + 1, "name": name, "item": url,
            })).collect::<Vec<_>>(),
        }
    ]);
    let description = format!(
        "Sample policy for {} on {}, generated by toolpages.",
        tool.name, server.name
    );
    context! {
        server => server_summary(data, s),
        tool => Value::from_serialize(tool),
        title => tool.display_title(),
        summary => summary(tool.description.as_deref().unwrap_or("")),
        parameters => schema::parameters(&tool.input_schema),
        annotations => tool.annotations.as_ref(),
        classification => Value::from_serialize(&analysis.classification),
        category_slug => analysis.classification.category.slug(),
        level_slug => analysis.classification.level.slug(),
        policy => Value::from_serialize(&analysis.policy),
        policy_json => policylayer::to_string(&policy),
        policy_yaml => intercept::to_string(&description, &policy),
        faq,
        breadcrumbs => breadcrumbs.iter().map(|(n, u)| context! { name => n, url => u }).collect::<Vec<_>>(),
        jsonld => script_json(&jsonld),
    }
}
