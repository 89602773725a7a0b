//! `sitemap.xml` (a sitemap index), `sitemap-<n>.xml` and `robots.txt`.
//!
//! The sitemaps protocol allows at most 50,000 URLs per sitemap file
//! (<https://www.sitemaps.org/protocol.html>), so the pages are split into
//! `sitemap-1.xml`, `sitemap-2.xml`, ... of at most [`MAX_URLS`] each, and `sitemap.xml` is
//! the index listing them; `robots.txt` points at the index. No `<lastmod>` is written: the
//! catalogue has no dates, and a build-time date would change every file on every build.

use crate::site::config::Config;
use crate::site::escape::escape_html;

/// The most URLs one sitemap file may hold (the protocol's limit).
pub const MAX_URLS: usize = 50_000;

/// Number of sitemap files for `urls` URLs at `max_urls` per file (at least 1).
pub fn file_count(urls: usize, max_urls: usize) -> usize {
    urls.div_ceil(max_urls.max(1)).max(1)
}

/// The output path of sitemap file `n` (1-based).
pub fn file_name(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

/// `sitemap.xml`: the index of `files` sitemap files.
pub fn index(config: &Config, files: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=files {
        let loc = config.permalink(&file_name(n));
        xml.push_str(&format!(
            "  <sitemap><loc>{}</loc></sitemap>\n",
            escape_html(&loc)
        ));
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

/// One sitemap file listing `paths` (site paths such as `servers/x/`).
pub fn urlset<'a>(config: &Config, paths: impl Iterator<Item = &'a str>) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        let loc = config.permalink(path);
        xml.push_str(&format!("  <url><loc>{}</loc></url>\n", escape_html(&loc)));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `robots.txt`: everything may be crawled; the sitemap index is named. Crawlers read
/// `robots.txt` only at the root of a host, so under a base URL with a path
/// (`https://user.github.io/repo/`) this file is informative only.
pub fn robots(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        config.permalink("sitemap.xml")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_escape() {
        assert_eq!(file_count(0, 10), 1);
        assert_eq!(file_count(10, 10), 1);
        assert_eq!(file_count(11, 10), 2);
        let config = Config::default()
            .with_base_url("https://example.org/a&b/")
            .unwrap();
        let xml = urlset(&config, ["servers/x/"].into_iter());
        assert!(
            xml.contains("<loc>https://example.org/a&amp;b/servers/x/</loc>"),
            "{xml}"
        );
        let idx = index(&config, 2);
        assert!(idx.contains("a&amp;b/sitemap-2.xml</loc>"));
        assert!(robots(&config).contains("Sitemap: https://example.org/a&b/sitemap.xml"));
    }
}
