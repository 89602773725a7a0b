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

/// Every generated file of the site, for a site whose page plan has `pages` pages and
/// sitemaps of at most `max_urls` URLs.
pub fn plan(data: &SiteData, pages: &[Page], max_urls: usize) -> Vec<Generated> {
    let sitemaps = sitemap::file_count(sitemap_paths(data, pages).count(), max_urls);
    let mut files = vec![Generated::Robots, Generated::SitemapIndex, Generated::Llms];
    files.extend((1..=sitemaps).map(Generated::Sitemap));
    for s in 0..data.catalogue.servers.len() {
        files.push(Generated::ServerLlms(s));
        files.push(Generated::ToolsJson(s));
    }
    files
}

/// The pages a sitemap lists: the HTML pages at folder URLs (`/`, `/servers/x/`), so not
/// the 404 page nor files such as a server's policy download.
fn sitemap_paths<'a>(data: &'a SiteData, pages: &'a [Page]) -> impl Iterator<Item = String> + 'a {
    pages
        .iter()
        .map(|p| p.path(data))
        .filter(|path| path.is_empty() || path.ends_with('/'))
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

    /// The file's bytes. `pages` is the page plan and `max_urls` the sitemap chunk size,
    /// as given to [`plan`].
    pub fn render(&self, data: &SiteData, pages: &[Page], max_urls: usize) -> Vec<u8> {
        let config = &data.config;
        let max_urls = max_urls.max(1);
        match *self {
            Generated::Robots => sitemap::robots(config).into_bytes(),
            Generated::SitemapIndex => {
                let files = sitemap::file_count(sitemap_paths(data, pages).count(), max_urls);
                sitemap::index(config, files).into_bytes()
            }
            Generated::Sitemap(n) => {
                let paths: Vec<String> = sitemap_paths(data, pages)
                    .skip((n - 1) * max_urls)
                    .take(max_urls)
                    .collect();
                sitemap::urlset(config, paths.iter().map(String::as_str)).into_bytes()
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
    let plan = plan(data, pages, max_urls);
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
            match out.write(&file, &g.render(data, pages, max_urls)) {
                Ok(Written::Changed) => Ok((1, 0)),
                Ok(Written::Unchanged) => Ok((0, 1)),
                Err(e) => Err((file, e)),
            }
        })
        .try_reduce(|| (0, 0), |a, b| Ok((a.0 + b.0, a.1 + b.1)))
}
