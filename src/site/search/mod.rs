//! Site search: a [Pagefind](https://pagefind.app) index of every tool, built during
//! `toolpages build` from the analysed catalogue and written through [`Output`] under
//! `pagefind/`, plus the context of the `/search/` page.
//!
//! Pagefind is used as a library: [`record::records`] feeds it one small HTML record per
//! server and category (see that module for why), and `get_files()` hands back the index
//! and Pagefind's browser script and WebAssembly, which the site's own search page
//! (`static/search.js`) drives.
//!
//! A large catalogue is indexed in shards of about `search_shard_tools` tools (whole servers,
//! [`SHARD_TOOLS`] unless the settings say otherwise), a few at a time, so the indexer's
//! memory is bounded by the shard size rather than growing with the catalogue; the records
//! that need word splitting (Chinese, Japanese, Thai) then get bundles of their own (see
//! `bundle`). Each is a Pagefind bundle (`pagefind/`, `pagefind/shard-2/`, ...,
//! `pagefind/segmented-1/`, ...); the search page merges them in the browser (Pagefind's
//! `mergeIndex`), guided by [`MANIFEST`]. The bundled catalogue fits in one shard.

mod bundle;
pub mod record;
mod source;

pub use bundle::SHARD_NOTE;
pub use source::Source;

use super::output::Output;
use super::SiteData;
use crate::catalogue::Catalogue;
use crate::classify::{Category, RiskLevel};
use minijinja::{context, Value};
use std::ops::Range;
use std::time::Instant;

/// The folder, under the output root, that holds the index and Pagefind's scripts.
pub const BUNDLE_DIR: &str = "pagefind";

/// The file, in [`BUNDLE_DIR`], listing every bundle and its languages as
/// `{"bundles": [{"path": "", "languages": {"en": 1186}}, {"path": "shard-2/", ...}, ...,
/// {"path": "segmented-1/", "languages": {"ja": 40, "zh": 259}}]}` (`path` relative to
/// [`BUNDLE_DIR`], languages with their record counts). The first bundle holds Pagefind's
/// script and WebAssembly.
pub const MANIFEST: &str = "toolpages-search.json";

/// Tools per shard unless the settings say otherwise (`search_shard_tools`).
///
/// Pagefind holds a shard's records several times over while it builds, so the shard size
/// bounds the indexer's memory; an edit re-indexes its whole shard; and every shard adds its
/// metadata, filters and index chunks to a reader's first query. Measured on 100,000
/// resampled real tools, with one language per shard: 10 shards of 10,000 peak at 0.99 GB
/// (0.57 GB without search), rebuild after one edit in 3.8–4.3 s, and a first query fetches
/// about 1.3 MB in 115 files; 50 shards of 2,000 peak at 0.69 GB and rebuild in 1.8–2.0 s,
/// but a first query fetches about 4 MB in 440 files (README, "Shard size"). The default
/// favours the readers.
pub const SHARD_TOOLS: usize = 10_000;

/// Fragments (record texts) of a shard are bundled into at most this many files, so a large
/// catalogue writes a bounded number of files; a query fetches the bundles of the records it
/// shows (at 10,000 tools, about 1,100 records: one or two records a file).
pub const MAX_FRAGMENT_FILES: u32 = 1000;

/// Pagefind's own user interfaces, which the site does not use (it has its own search page):
/// not written, saving about 450 kB of output.
const UNUSED_FILES: &[&str] = &[
    "pagefind-ui.",
    "pagefind-modular-ui.",
    "pagefind-component-ui.",
    "pagefind-highlight.",
    "playground/",
];

/// Files only the first bundle needs: the browser runs one Pagefind and merges the others.
const SHARED_FILES: &[&str] = &["pagefind.js", "pagefind-worker.js", "wasm."];

/// What building the index did.
#[derive(Debug, Clone, Default)]
pub struct SearchSummary {
    /// Records indexed (one per server and category that has tools).
    pub records: usize,
    /// Tools in those records.
    pub tools: usize,
    /// Pagefind bundles written or kept: the shards, and the segmented bundles of records
    /// that need word splitting when there are several shards.
    pub shards: usize,
    /// Of those bundles, the ones an earlier build left whose inputs are unchanged: kept as
    /// they are, without indexing their records again.
    pub kept: usize,
    /// Files of the bundles (index, fragments, filters, scripts, WebAssembly, manifest).
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

impl SearchSummary {
    /// Adds the counts of `other` (one shard) to these.
    fn add(&mut self, other: &SearchSummary) {
        self.records += other.records;
        self.tools += other.tools;
        self.kept += other.kept;
        self.files += other.files;
        self.bytes += other.bytes;
        self.written += other.written;
        self.unchanged += other.unchanged;
    }
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
    /// The preview changed the site while it was being indexed ([`Source::Shared`]): the
    /// bundles finished before the change were written, the others not begun.
    #[error("the site changed while it was being indexed")]
    Stale,
}

/// Splits the servers into consecutive ranges of at least `tools_per_shard` tools each
/// (the last may hold fewer; a server is never split). Always at least one range.
pub fn shards(catalogue: &Catalogue, tools_per_shard: usize) -> Vec<Range<usize>> {
    let sizes: Vec<usize> = catalogue.servers.iter().map(|s| s.tools.len()).collect();
    let mut ranges = bundle::cut(&sizes, tools_per_shard);
    if ranges.is_empty() {
        // No servers: one empty shard, so the search page still finds Pagefind's files.
        ranges.push(0..0);
    }
    ranges
}

/// Runs `work` on this thread while the index of `data` is written into `out` on another
/// ([`write_index`]); returns what each gave, once both have finished.
///
/// The build starts the index as soon as the catalogue is analysed and does everything else
/// (fingerprints, pages, generated files) inside `work`: after an edit, re-indexing a shard
/// is the longest part of a rebuild, and it no longer waits for the rest to start.
pub fn beside<T>(
    data: &SiteData,
    out: &dyn Output,
    work: impl FnOnce() -> T,
) -> (T, Result<SearchSummary, SearchError>) {
    std::thread::scope(|scope| {
        let index = scope.spawn(|| write_index(data, out));
        let done = work();
        // `write_index` turns the indexer's panics into errors; anything else is a bug.
        let index = index
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (done, index)
    })
}

/// Builds the index of `data` and writes it under [`BUNDLE_DIR`] in `out`, in shards of
/// the settings' `search_shard_tools` tools; writes nothing and gives an empty summary when
/// the settings ask for no index (`build_search_index = false`). A panic while indexing
/// becomes an error.
///
/// The bundles are indexed on the rayon pool of the calling thread (the global pool, unless
/// called inside [`rayon::ThreadPool::install`]), each with a single-threaded tokio runtime
/// of its own (Pagefind's API is async), so it can be called from synchronous code and from
/// inside another runtime alike.
pub fn write_index(data: &SiteData, out: &dyn Output) -> Result<SearchSummary, SearchError> {
    write_index_from(&Source::Borrowed(data), out)
}

/// [`write_index`] from a [`Source`]: a shared site is read only between Pagefind's runs,
/// and a run whose site changed stops with [`SearchError::Stale`].
pub fn write_index_from(
    source: &Source<'_>,
    out: &dyn Output,
) -> Result<SearchSummary, SearchError> {
    if !source.read(|data| data.config.build_search_index)? {
        return Ok(SearchSummary::default());
    }
    let started = Instant::now();
    let index = || bundle::index_all(source, out);
    let mut summary = std::panic::catch_unwind(std::panic::AssertUnwindSafe(index))
        .unwrap_or_else(|_| Err(SearchError::Pagefind("the indexer panicked".into())))?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
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

#[cfg(test)]
mod tests {
    use super::{beside, BUNDLE_DIR, MANIFEST};
    use crate::site::build::{bundled_site, load_site};
    use crate::site::output::MemoryOutput;
    use crate::site::Config;
    use std::time::{Duration, Instant};

    /// The index is written while the work runs, not after it: the work waits for the
    /// index's last file, which it would never see if the two ran one after the other.
    #[test]
    fn the_index_is_built_while_the_work_runs() {
        let (data, _) = load_site(&bundled_site(Config::default())).unwrap();
        let out = MemoryOutput::default();
        let manifest = format!("{BUNDLE_DIR}/{MANIFEST}");
        let (seen, index) = beside(&data, &out, || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while Instant::now() < deadline {
                if out.get(&manifest).is_some() {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            false
        });
        assert!(seen, "the work saw no index before its deadline");
        let index = index.unwrap();
        assert_eq!(index.tools, data.catalogue.tool_count());
        assert!(
            index.records > 0 && index.written == index.files,
            "{index:?}"
        );
    }

    /// Without an index in the settings, the work runs alone and the summary is empty.
    #[test]
    fn no_index_when_the_settings_ask_for_none() {
        let config = Config {
            build_search_index: false,
            ..Config::default()
        };
        let (data, _) = load_site(&bundled_site(config)).unwrap();
        let out = MemoryOutput::default();
        let (answer, index) = beside(&data, &out, || 42);
        assert_eq!(answer, 42);
        assert_eq!(index.unwrap().files, 0);
        assert!(out.paths().is_empty());
    }
}
