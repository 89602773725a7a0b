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
//! [`SHARD_TOOLS`] unless the settings say otherwise),
//! one after the other, so the indexer's memory is bounded by one shard rather than growing
//! with the catalogue. Each shard is a Pagefind bundle (`pagefind/`, `pagefind/shard-2/`,
//! ...); the search page merges them in the browser (Pagefind's `mergeIndex`), guided by
//! [`MANIFEST`]. The bundled catalogue fits in one shard.

pub mod record;

use super::cache;
use super::output::{Output, Written};
use super::SiteData;
use crate::catalogue::Catalogue;
use crate::classify::{Category, RiskLevel};
use minijinja::{context, Value};
use pagefind::api::{PagefindIndex, SyntheticFile};
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::ops::Range;
use std::time::Instant;

/// The folder, under the output root, that holds the index and Pagefind's scripts.
pub const BUNDLE_DIR: &str = "pagefind";

/// The file, in [`BUNDLE_DIR`], listing every shard's bundle and its languages as
/// `{"bundles": [{"path": "", "languages": {"en": 306, "zh": 1}}, {"path": "shard-2/", ...}]}`
/// (`path` relative to [`BUNDLE_DIR`], languages with their record counts). The first
/// bundle holds Pagefind's script and WebAssembly.
pub const MANIFEST: &str = "toolpages-search.json";

/// Tools per shard unless the settings say otherwise (`search_shard_tools`).
///
/// Pagefind holds a shard's records several times over while it builds, so the shard size
/// bounds the indexer's memory; an edit re-indexes its whole shard; and every shard adds its
/// metadata, filters and index chunks to a reader's first query. Measured on 100,000
/// resampled real tools: 10 shards of 10,000 peak at 1.10 GB (0.57 GB without search),
/// rebuild after one edit in 4.1–4.4 s, and a first query fetches about 2 MB in 200 files;
/// 50 shards of 2,000 peak at 0.70 GB and rebuild in 1.8 s, but a first query fetches
/// about 6 MB in 820 files (README, "Shard size"). The default favours the readers.
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
    /// Shards (Pagefind bundles) written.
    pub shards: usize,
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
}

/// Splits the servers into consecutive ranges of at least `tools_per_shard` tools each
/// (the last may hold fewer; a server is never split). Always at least one range.
pub fn shards(catalogue: &Catalogue, tools_per_shard: usize) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut tools) = (0, 0);
    for (s, server) in catalogue.servers.iter().enumerate() {
        tools += server.tools.len();
        if tools >= tools_per_shard.max(1) {
            ranges.push(start..s + 1);
            (start, tools) = (s + 1, 0);
        }
    }
    if start < catalogue.servers.len() || ranges.is_empty() {
        ranges.push(start..catalogue.servers.len());
    }
    ranges
}

/// Runs `work` on this thread while the index of `data` is written into `out` on another
/// ([`write_index`], or an empty summary when the settings ask for no index); returns what
/// each gave, once both have finished.
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
        let index = scope.spawn(|| {
            if data.config.build_search_index {
                write_index(data, out)
            } else {
                Ok(SearchSummary::default())
            }
        });
        let done = work();
        let index = index
            .join()
            .unwrap_or_else(|_| Err(SearchError::Pagefind("the indexer panicked".into())));
        (done, index)
    })
}

/// Builds the index of `data` and writes it under [`BUNDLE_DIR`] in `out`, in shards of
/// the settings' `search_shard_tools` tools.
///
/// Runs on its own thread with its own single-threaded tokio runtime (Pagefind's API is
/// async), so it can be called from synchronous code and from inside another runtime alike.
pub fn write_index(data: &SiteData, out: &dyn Output) -> Result<SearchSummary, SearchError> {
    let tools_per_shard = data.config.search_shard_tools;
    let started = Instant::now();
    let mut summary = std::thread::scope(|scope| {
        scope
            .spawn(|| index_all(data, out, tools_per_shard))
            .join()
            .unwrap_or_else(|_| Err(SearchError::Pagefind("the indexer panicked".into())))
    })?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn index_all(
    data: &SiteData,
    out: &dyn Output,
    tools_per_shard: usize,
) -> Result<SearchSummary, SearchError> {
    // Shards are independent Pagefind indexes: they are built in parallel (while pages
    // render, the two share the cores), and each is kept from the last build when its
    // records are unchanged.
    let shards: Vec<(SearchSummary, serde_json::Value)> = shards(&data.catalogue, tools_per_shard)
        .into_par_iter()
        .enumerate()
        .map(|(i, servers)| {
            let path = if i == 0 {
                String::new()
            } else {
                format!("shard-{}/", i + 1)
            };
            let mut summary = SearchSummary::default();
            let languages = shard(data, servers, &path, i == 0, out, &mut summary)?;
            Ok((
                summary,
                serde_json::json!({ "path": path, "languages": languages }),
            ))
        })
        .collect::<Result<_, SearchError>>()?;
    let mut summary = SearchSummary::default();
    let mut bundles = Vec::new();
    for (part, bundle) in shards {
        summary.add(&part);
        summary.shards += 1;
        bundles.push(bundle);
    }
    let manifest = serde_json::json!({ "bundles": bundles }).to_string();
    write_file(
        out,
        format!("{BUNDLE_DIR}/{MANIFEST}"),
        manifest.as_bytes(),
        &mut summary,
    )?;
    Ok(summary)
}

/// What a shard's bundle holds, written beside it as [`SHARD_NOTE`]: the hash of its
/// inputs, its languages and its files with their sizes.
#[derive(serde::Serialize, serde::Deserialize)]
struct ShardNote {
    key: String,
    languages: BTreeMap<String, u64>,
    files: Vec<(String, u64)>,
}

/// The note a shard's bundle keeps about itself (see `ShardNote`), under its folder.
pub const SHARD_NOTE: &str = "toolpages-shard.json";

/// Indexes the servers `servers` into the bundle `BUNDLE_DIR/path` (`first`: the bundle
/// that also holds Pagefind's scripts), or keeps the bundle an earlier build wrote when its
/// records and the executable are the same. Returns the bundle's languages.
fn shard(
    data: &SiteData,
    servers: Range<usize>,
    path: &str,
    first: bool,
    out: &dyn Output,
    summary: &mut SearchSummary,
) -> Result<BTreeMap<String, u64>, SearchError> {
    let key = shard_key(data, servers.clone(), path, first);
    let note_path = format!("{BUNDLE_DIR}/{path}{SHARD_NOTE}");
    if let Some(note) = key
        .as_ref()
        .and_then(|key| kept_shard(out, &note_path, key))
    {
        for s in servers {
            summary.tools += data.analysis[s].len();
            summary.records += record::record_count(data, s);
        }
        for (_, bytes) in &note.files {
            summary.files += 1;
            summary.unchanged += 1;
            summary.bytes += bytes;
        }
        write_note(out, note_path, &note, summary)?;
        return Ok(note.languages);
    }
    let records: Vec<record::Record> = record::records(data, servers).collect();
    // The index is built on this thread's own runtime (Pagefind's API is async).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| SearchError::Pagefind(e.to_string()))?;
    let files = runtime.block_on(index_shard(records, summary))?;
    let written = write_bundle(files, path, first, out, summary)?;
    if let Some(key) = key {
        let mut files = written.files;
        // Pagefind hands its files over in no fixed order; the note should not vary.
        files.sort_unstable();
        let note = ShardNote {
            key: key.to_hex().to_string(),
            languages: written.languages.clone(),
            files,
        };
        write_note(out, note_path, &note, summary)?;
    }
    Ok(written.languages)
}

/// Writes a shard's [`ShardNote`] as JSON at `note_path`.
fn write_note(
    out: &dyn Output,
    note_path: String,
    note: &ShardNote,
    summary: &mut SearchSummary,
) -> Result<(), SearchError> {
    let json = serde_json::to_vec(note).unwrap_or_default();
    write_file(out, note_path, &json, summary)
}

/// The hash of everything the bundle of the shard of `servers` is made of, or `None` when
/// the executable cannot be read (then nothing is kept): the executable, the settings (the
/// records use the base path and the default language), the bundle's place, and what the
/// records are made from (each server's route and [`cache::write_tool_inputs`] of its
/// tools), so an unchanged shard is recognised without building its records.
fn shard_key(
    data: &SiteData,
    servers: Range<usize>,
    path: &str,
    first: bool,
) -> Option<blake3::Hash> {
    let mut buffer = Vec::new();
    buffer.extend_from_slice(cache::executable()?.as_bytes());
    if serde_json::to_writer(&mut buffer, &data.config).is_err() {
        buffer.extend_from_slice(b"\0unserializable");
    }
    let _ = write!(buffer, "\0{path}\0{first}\0{MAX_FRAGMENT_FILES}");
    for s in servers {
        let _ = write!(buffer, "\0{}", data.routes.server(s));
        for t in 0..data.catalogue.servers[s].tools.len() {
            cache::write_tool_inputs(&mut buffer, data, s, t);
        }
    }
    Some(blake3::hash(&buffer))
}

/// The note of the bundle at `note_path` when it was built from `key` and every file it
/// lists is still there (and is now kept, see [`Output::reuse`]).
fn kept_shard(out: &dyn Output, note_path: &str, key: &blake3::Hash) -> Option<ShardNote> {
    let note: ShardNote = serde_json::from_slice(&out.read(note_path)?).ok()?;
    if note.key != key.to_hex().as_str() {
        return None;
    }
    let folder = &note_path[..note_path.len() - SHARD_NOTE.len()];
    let files: Vec<String> = note
        .files
        .iter()
        .map(|(name, _)| format!("{folder}{name}"))
        .collect();
    out.prefetch(files.clone());
    files.iter().all(|file| out.reuse(file)).then_some(note)
}

async fn index_shard(
    records: Vec<record::Record>,
    summary: &mut SearchSummary,
) -> Result<Vec<SyntheticFile>, SearchError> {
    let fail = |e: anyhow::Error| SearchError::Pagefind(format!("{e:#}"));
    let options = PagefindServiceConfig::builder()
        .max_fragments(MAX_FRAGMENT_FILES)
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(fail)?;
    for record in records {
        summary.records += 1;
        summary.tools += record.tools;
        index
            .add_html_file(None, Some(record.url), record.html)
            .await
            .map_err(fail)?;
    }
    index.get_files().await.map_err(fail)
}

/// What [`write_bundle`] wrote: the languages with their record counts, read from
/// Pagefind's `pagefind-entry.json`, and each file (relative to the bundle) with its size.
struct Bundle {
    languages: BTreeMap<String, u64>,
    files: Vec<(String, u64)>,
}

/// Writes one shard's files under `BUNDLE_DIR/path`.
fn write_bundle(
    files: Vec<SyntheticFile>,
    path: &str,
    first: bool,
    out: &dyn Output,
    summary: &mut SearchSummary,
) -> Result<Bundle, SearchError> {
    let mut languages = BTreeMap::new();
    let mut written = Vec::new();
    for file in files {
        let name = file.filename.to_string_lossy().replace('\\', "/");
        let shared = SHARED_FILES.iter().any(|p| name.starts_with(p));
        if UNUSED_FILES.iter().any(|p| name.starts_with(p)) || (shared && !first) {
            continue;
        }
        if name == "pagefind-entry.json" {
            let entry: serde_json::Value = serde_json::from_slice(&file.contents)
                .map_err(|e| SearchError::Pagefind(format!("pagefind-entry.json: {e}")))?;
            if let Some(map) = entry["languages"].as_object() {
                for (language, index) in map {
                    let pages = index["page_count"].as_u64().unwrap_or(0);
                    languages.insert(language.clone(), pages);
                }
            }
        }
        write_file(
            out,
            format!("{BUNDLE_DIR}/{path}{name}"),
            &file.contents,
            summary,
        )?;
        written.push((name, file.contents.len() as u64));
    }
    Ok(Bundle {
        languages,
        files: written,
    })
}

fn write_file(
    out: &dyn Output,
    path: String,
    bytes: &[u8],
    summary: &mut SearchSummary,
) -> Result<(), SearchError> {
    summary.files += 1;
    summary.bytes += bytes.len() as u64;
    match out.write(&path, bytes) {
        Ok(Written::Changed) => summary.written += 1,
        Ok(Written::Unchanged) => summary.unchanged += 1,
        Err(source) => return Err(SearchError::Write { path, source }),
    }
    Ok(())
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
