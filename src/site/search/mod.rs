//! Site search: a [Pagefind](https://pagefind.app) index of every tool, built during
//! `toolpages build` from the analysed catalogue and written through [`Output`] under
//! `pagefind/`, plus the context of the `/search/` page.
//!
//! Pagefind is used as a library: [`record::records`] feeds it one small HTML record per
//! server and category (see that module for why), and `get_files()` hands back the index
//! and Pagefind's browser script and WebAssembly, which the site's own search page
//! (`static/search.js`) drives.

pub mod record;

use super::output::{Output, Written};
use super::SiteData;
use crate::classify::{Category, RiskLevel};
use minijinja::{context, Value};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::time::Instant;

/// The folder, under the output root, that holds the index and Pagefind's scripts.
pub const BUNDLE_DIR: &str = "pagefind";

/// Fragments (record texts) are bundled into at most this many files, so a large catalogue
/// writes a bounded number of files; a query fetches the bundles of the records it shows.
/// At 100,000 tools (about 13,000 records) a bundle holds about 7 records.
pub const MAX_FRAGMENT_FILES: u32 = 2000;

/// Pagefind's own user interfaces, which the site does not use (it has its own search page):
/// not written, saving about 450 kB of output.
const UNUSED_FILES: &[&str] = &[
    "pagefind-ui.",
    "pagefind-modular-ui.",
    "pagefind-component-ui.",
    "pagefind-highlight.",
    "playground/",
];

/// What building the index did.
#[derive(Debug, Clone, Default)]
pub struct SearchSummary {
    /// Records indexed (one per server and category that has tools).
    pub records: usize,
    /// Tools in those records.
    pub tools: usize,
    /// Files of the bundle (index, fragments, filters, scripts, WebAssembly).
    pub files: usize,
    /// Total bytes of those files, as written (index files are gzip-compressed by Pagefind).
    pub bytes: u64,
    /// Files written because they were new or changed.
    pub written: usize,
    /// Files left untouched because their bytes were already there.
    pub unchanged: usize,
    /// Wall-clock time of indexing and writing, in seconds.
    pub seconds: f64,
}

/// Why the index could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Pagefind rejected a record or failed to build the index.
    #[error("building the search index: {0}")]
    Pagefind(String),
    /// Writing a file of the bundle failed.
    #[error("writing {path}: {source}")]
    Write {
        /// The path under the output root.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Builds the index of `data` and writes it under [`BUNDLE_DIR`] in `out`.
///
/// Runs on its own thread with its own single-threaded tokio runtime (Pagefind's API is
/// async), so it can be called from synchronous code and from inside another runtime alike.
pub fn write_index(data: &SiteData, out: &dyn Output) -> Result<SearchSummary, SearchError> {
    let started = Instant::now();
    let (files, mut summary) = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .build()
                    .map_err(|e| SearchError::Pagefind(e.to_string()))?
                    .block_on(index(data))
            })
            .join()
            .unwrap_or_else(|_| Err(SearchError::Pagefind("the indexer panicked".into())))
    })?;
    for file in files {
        let name = file.filename.to_string_lossy().replace('\\', "/");
        if UNUSED_FILES.iter().any(|prefix| name.starts_with(prefix)) {
            continue;
        }
        let path = format!("{BUNDLE_DIR}/{name}");
        summary.files += 1;
        summary.bytes += file.contents.len() as u64;
        match out.write(&path, &file.contents) {
            Ok(Written::Changed) => summary.written += 1,
            Ok(Written::Unchanged) => summary.unchanged += 1,
            Err(source) => return Err(SearchError::Write { path, source }),
        }
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

async fn index(
    data: &SiteData,
) -> Result<(Vec<pagefind::api::SyntheticFile>, SearchSummary), SearchError> {
    let fail = |e: anyhow::Error| SearchError::Pagefind(format!("{e:#}"));
    let options = PagefindServiceConfig::builder()
        .max_fragments(MAX_FRAGMENT_FILES)
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(fail)?;
    let mut summary = SearchSummary::default();
    for record in record::records(data) {
        summary.records += 1;
        summary.tools += record.tools;
        index
            .add_html_file(None, Some(record.url), record.html)
            .await
            .map_err(fail)?;
    }
    let files = index.get_files().await.map_err(fail)?;
    Ok((files, summary))
}

/// The context of the `/search/` page: the filter choices and the listing pages that stand
/// in for search without JavaScript.
pub fn page_context(data: &SiteData) -> Value {
    let categories: Vec<Value> = Category::ALL
        .iter()
        .map(|c| context! { label => c.label(), slug => c.slug(), level => c.level().label() })
        .collect();
    let levels: Vec<Value> = RiskLevel::ALL
        .iter()
        .map(|l| context! { label => l.label(), slug => l.slug() })
        .collect();
    context! {
        categories,
        levels,
        server_count => data.catalogue.servers.len(),
        tool_count => data.catalogue.tool_count(),
        bundle => format!("{BUNDLE_DIR}/"),
    }
}
