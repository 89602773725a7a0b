//! The files a build writes besides the pages: sitemaps, `robots.txt`, `llms.txt` (root and
//! per server) and each server's `tools.json`. Planned once, like the pages, so `build`,
//! `check` and the preview server produce the same files from the same code.

use super::llms;
use super::sitemap;
use crate::site::cache::BuildCache;
use crate::site::output::{Output, Written};
use crate::site::pages::Page;
use crate::site::SiteData;
use rayon::prelude::*;

/// One generated (non-template) file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generated {
    /// `robots.txt`.
    Robots,
    /// `sitemap.xml`, the sitemap index.
    SitemapIndex,
    /// `sitemap-<n>.xml` (1-based), the n-th chunk of at most `max_urls` page URLs.
    Sitemap(usize),
    /// `llms.txt`, the list of servers.
    Llms,
    /// `<server path>llms.txt`, the tools of server `s`.
    ServerLlms(usize),
    /// `<server path>tools.json`, the tools of server `s` as JSON.
    ToolsJson(usize),
}

/// Every generated file of the site whose sitemaps list `sitemaps`.
pub fn plan(data: &SiteData, sitemaps: &SitemapPaths) -> Vec<Generated> {
    let mut files = vec![Generated::Robots, Generated::SitemapIndex, Generated::Llms];
    files.extend((1..=sitemaps.files()).map(Generated::Sitemap));
    for s in 0..data.catalogue.servers.len() {
        files.push(Generated::ServerLlms(s));
        files.push(Generated::ToolsJson(s));
    }
    files
}

/// The paths the sitemaps list, made once per build: the plan, the sitemap index and every
/// sitemap file read them. (Made for each of them, they cost a path per page for the plan
/// and for the index, and for every sitemap file one per page before its end: some 5
/// million paths at 500,000 tools, against 590,000 made once.)
#[derive(Debug, Default)]
pub struct SitemapPaths {
    paths: Vec<String>,
    max_urls: usize,
}

impl SitemapPaths {
    /// The HTML pages at folder URLs (`/`, `/servers/x/`) of the page plan `pages`, so not
    /// the 404 page nor files such as a server's policy download, in plan order, at most
    /// `max_urls` (taken as at least 1) per sitemap file.
    pub fn new(data: &SiteData, pages: &[Page], max_urls: usize) -> SitemapPaths {
        let paths = pages
            .par_iter()
            .map(|p| p.path(data))
            .filter(|path| path.is_empty() || path.ends_with('/'))
            .collect();
        SitemapPaths {
            paths,
            max_urls: max_urls.max(1),
        }
    }

    /// How many sitemap files there are (at least 1).
    fn files(&self) -> usize {
        sitemap::file_count(self.paths.len(), self.max_urls)
    }

    /// The paths of sitemap file `n` (1-based); none past the last file.
    fn file(&self, n: usize) -> &[String] {
        let start = (n.saturating_sub(1) * self.max_urls).min(self.paths.len());
        let end = (start + self.max_urls).min(self.paths.len());
        &self.paths[start..end]
    }
}

impl Generated {
    /// The server whose data alone the file is made from (its `llms.txt` and `tools.json`),
    /// so the build cache can keep it while the server is unchanged; `None` for site-wide
    /// files.
    pub fn server(&self) -> Option<usize> {
        match *self {
            Generated::ServerLlms(s) | Generated::ToolsJson(s) => Some(s),
            _ => None,
        }
    }

    /// The output path, relative to the output folder.
    pub fn file(&self, data: &SiteData) -> String {
        match *self {
            Generated::Robots => "robots.txt".to_owned(),
            Generated::SitemapIndex => "sitemap.xml".to_owned(),
            Generated::Sitemap(n) => sitemap::file_name(n),
            Generated::Llms => "llms.txt".to_owned(),
            Generated::ServerLlms(s) => format!("{}llms.txt", data.routes.server(s)),
            Generated::ToolsJson(s) => format!("{}tools.json", data.routes.server(s)),
        }
    }

    /// The file's bytes; `sitemaps` as given to [`plan`].
    pub fn render(&self, data: &SiteData, sitemaps: &SitemapPaths) -> Vec<u8> {
        let config = &data.config;
        match *self {
            Generated::Robots => sitemap::robots(config).into_bytes(),
            Generated::SitemapIndex => sitemap::index(config, sitemaps.files()).into_bytes(),
            Generated::Sitemap(n) => {
                sitemap::urlset(config, sitemaps.file(n).iter().map(String::as_str)).into_bytes()
            }
            Generated::Llms => llms::root(data).into_bytes(),
            Generated::ServerLlms(s) => llms::server(data, s).into_bytes(),
            Generated::ToolsJson(s) => llms::tools_json(data, s),
        }
    }
}

/// Renders and writes every generated file in parallel, keeping the files of servers `cache`
/// knows are unchanged (as the pages do); returns (written, unchanged).
pub fn write_all(
    data: &SiteData,
    pages: &[Page],
    max_urls: usize,
    out: &dyn Output,
    cache: Option<&BuildCache>,
) -> Result<(usize, usize), (String, std::io::Error)> {
    let sitemaps = SitemapPaths::new(data, pages, max_urls);
    let plan = plan(data, &sitemaps);
    if let Some(cache) = cache {
        let files = plan
            .par_iter()
            .filter_map(|g| Some((g.server()?, None, || g.file(data))));
        cache.prefetch(out, files);
    }
    plan.par_iter()
        .map(|g| {
            let file = g.file(data);
            if let (Some(s), Some(cache)) = (g.server(), cache) {
                if cache.keeps(s, None, out, &file) {
                    return Ok((0, 1));
                }
            }
            match out.write(&file, &g.render(data, &sitemaps)) {
                Ok(Written::Changed) => Ok((1, 0)),
                Ok(Written::Unchanged) => Ok((0, 1)),
                Err(e) => Err((file, e)),
            }
        })
        .try_reduce(|| (0, 0), |a, b| Ok((a.0 + b.0, a.1 + b.1)))
}
