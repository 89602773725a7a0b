//! The bundles of the search index: which records each holds, and building each (or keeping
//! the one an earlier build wrote).
//!
//! A catalogue is indexed in shards of whole servers (`search_shard_tools` tools each). When
//! there are several, the records Pagefind must split into words (Chinese, Japanese, Thai;
//! [`record::language_of`]) leave their shard for *segmented* bundles (`segmented-1/`, ...)
//! cut to the same size: the search page loads one index per bundle and language, and a
//! shard then has one language instead of up to four (at 100,000 resampled tools a first
//! query fetched 115 files and 1.24 MB instead of 202 files and 1.94 MB). A shard whose
//! records all need splitting keeps them, so no bundle is empty and the first bundle is
//! always Pagefind's own.
//!
//! Building takes three steps, so that after an edit a shard and a segmented bundle are
//! indexed side by side: each shard is recognised as unchanged (by its [`SHARD_NOTE`]) or
//! finds which of its servers send records away; the segmented bundles are planned from
//! those servers and recognised the same way; then every bundle that changed is indexed,
//! all in parallel.

use super::record::{self, Record};
use super::source::Source;
use super::{
    SearchError, SearchSummary, BUNDLE_DIR, MANIFEST, MAX_FRAGMENT_FILES, SHARED_FILES,
    UNUSED_FILES,
};
use crate::site::cache;
use crate::site::output::{Output, Written};
use crate::site::SiteData;
use pagefind::api::{PagefindIndex, SyntheticFile};
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::ops::Range;

/// The note a bundle keeps about itself (see `ShardNote`), under its folder.
pub const SHARD_NOTE: &str = "toolpages-shard.json";

/// Cuts items of the given sizes into consecutive ranges whose sizes add up to at least
/// `per` each (the last may hold less); no range for no items.
pub(super) fn cut(sizes: &[usize], per: usize) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut total) = (0, 0);
    for (i, size) in sizes.iter().enumerate() {
        total += size;
        if total >= per.max(1) {
            ranges.push(start..i + 1);
            (start, total) = (i + 1, 0);
        }
    }
    if start < sizes.len() {
        ranges.push(start..sizes.len());
    }
    ranges
}

/// The records one bundle holds.
#[derive(Debug, Clone)]
enum Holds {
    /// The records of the servers of a shard (a range of the catalogue). With `split`, those
    /// that need word splitting go to the segmented bundles, unless none would be left.
    Shard { servers: Range<usize>, split: bool },
    /// The records that need word splitting of these servers (indexes into the catalogue).
    Segmented(Vec<usize>),
}

impl Holds {
    /// The servers whose records the bundle is made from.
    fn servers(&self) -> Vec<usize> {
        match self {
            Holds::Shard { servers, .. } => servers.clone().collect(),
            Holds::Segmented(servers) => servers.clone(),
        }
    }

    /// Where the server offsets of the bundle's note count from, so that the note does not
    /// depend on the servers before its shard.
    fn base(&self) -> usize {
        match self {
            Holds::Shard { servers, .. } => servers.start,
            Holds::Segmented(_) => 0,
        }
    }

    /// The servers of a shard whose records that need word splitting go to the segmented
    /// bundles, each with the tools of those records: none unless the shard splits and keeps
    /// a record of its own.
    fn split_off(&self, data: &SiteData) -> Vec<(usize, usize)> {
        let Holds::Shard {
            servers,
            split: true,
        } = self
        else {
            return Vec::new();
        };
        let mut split_off = Vec::new();
        let mut keeps_one = false;
        for s in servers.clone() {
            let server = &data.catalogue.servers[s];
            // Most servers have no such text at all: only the others' records are built.
            if !server.tools.iter().any(record::may_need_splitting) {
                keeps_one |= !server.tools.is_empty();
                continue;
            }
            let mut tools = 0;
            for record in record::records(data, s..s + 1) {
                match record.segmented {
                    Some(_) => tools += record.tools,
                    None => keeps_one = true,
                }
            }
            if tools > 0 {
                split_off.push((s, tools));
            }
        }
        if keeps_one {
            split_off
        } else {
            Vec::new()
        }
    }

    /// The bundle's records. `splits`: whether the shard sends records away
    /// ([`Holds::split_off`] gave servers).
    fn records(&self, data: &SiteData, splits: bool) -> Vec<Record> {
        match self {
            Holds::Shard { servers, .. } => record::records(data, servers.clone())
                .filter(|record| !splits || record.segmented.is_none())
                .collect(),
            Holds::Segmented(servers) => servers
                .iter()
                .flat_map(|&s| record::records(data, s..s + 1))
                .filter(|record| record.segmented.is_some())
                .collect(),
        }
    }
}

/// A bundle to build or keep: its folder under [`BUNDLE_DIR`] (`""` for the first, which
/// also holds Pagefind's scripts) and its records.
struct Plan {
    path: String,
    holds: Holds,
}

/// A bundle after its first step: the hash of its inputs (`None` when the executable cannot
/// be read; then nothing is kept), the note of the bundle an earlier build left when it can
/// be kept, and the servers whose records it sends away, with their tools.
struct Prepared {
    plan: Plan,
    key: Option<blake3::Hash>,
    kept: Option<ShardNote>,
    split: Vec<(usize, usize)>,
}

/// What building or keeping one bundle gave.
struct Done {
    /// The bundle's folder under [`BUNDLE_DIR`].
    path: String,
    summary: SearchSummary,
    /// The bundle's languages with their record counts.
    languages: BTreeMap<String, u64>,
}

/// Builds or keeps every bundle of the index of `source`, in shards of its settings'
/// `search_shard_tools` tools, and writes the manifest ([`MANIFEST`]). The site is read
/// while the bundles are planned and while each bundle's records are built, not while
/// Pagefind indexes them (see [`Source`]).
pub(super) fn index_all(
    source: &Source<'_>,
    out: &dyn Output,
) -> Result<SearchSummary, SearchError> {
    let (shards, tools_per_shard) = source.read(|data| {
        let tools_per_shard = data.config.search_shard_tools;
        (
            super::shards(&data.catalogue, tools_per_shard),
            tools_per_shard,
        )
    })?;
    // A single shard keeps its records: one more bundle would only add indexes.
    let split = shards.len() > 1;
    let shards: Vec<Prepared> = shards
        .into_par_iter()
        .enumerate()
        .map(|(i, servers)| {
            let path = if i == 0 {
                String::new()
            } else {
                format!("shard-{}/", i + 1)
            };
            let holds = Holds::Shard { servers, split };
            source.read(|data| prepare(data, out, Plan { path, holds }))
        })
        .collect::<Result<_, _>>()?;
    let split_off: Vec<(usize, usize)> = shards.iter().flat_map(|p| p.split.clone()).collect();
    let sizes: Vec<usize> = split_off.iter().map(|&(_, tools)| tools).collect();
    let segmented: Vec<Prepared> = cut(&sizes, tools_per_shard)
        .into_par_iter()
        .enumerate()
        .map(|(k, range)| {
            let path = format!("segmented-{}/", k + 1);
            let holds = Holds::Segmented(split_off[range].iter().map(|&(s, _)| s).collect());
            source.read(|data| prepare(data, out, Plan { path, holds }))
        })
        .collect::<Result<_, _>>()?;
    // Bundles are independent Pagefind indexes, built in parallel (while pages render, the
    // two share the cores).
    let bundles: Vec<Prepared> = shards.into_iter().chain(segmented).collect();
    let done: Vec<Done> = bundles
        .into_par_iter()
        .map(|prepared| finish(source, out, prepared))
        .collect::<Result<_, _>>()?;

    let mut summary = SearchSummary::default();
    let mut manifest = Vec::new();
    for bundle in &done {
        summary.add(&bundle.summary);
        summary.shards += 1;
        manifest.push(serde_json::json!({ "path": bundle.path, "languages": bundle.languages }));
    }
    let manifest = serde_json::json!({ "bundles": manifest }).to_string();
    write_file(
        out,
        format!("{BUNDLE_DIR}/{MANIFEST}"),
        manifest.as_bytes(),
        &mut summary,
    )?;
    Ok(summary)
}

/// What a bundle holds, written beside it as [`SHARD_NOTE`]: the hash of its inputs, its
/// languages, its files with their sizes, its records and tools, and the servers (offsets,
/// see [`Holds::base`]) whose records went to the segmented bundles, with those tools.
#[derive(serde::Serialize, serde::Deserialize)]
struct ShardNote {
    key: String,
    languages: BTreeMap<String, u64>,
    files: Vec<(String, u64)>,
    records: usize,
    tools: usize,
    split: Vec<(usize, usize)>,
}

/// The first step for one bundle: can it be kept, and which servers send records away
/// (read from the kept bundle's note, or found in the catalogue).
fn prepare(data: &SiteData, out: &dyn Output, plan: Plan) -> Prepared {
    let key = shard_key(data, &plan.holds, &plan.path);
    let note_path = format!("{BUNDLE_DIR}/{}{SHARD_NOTE}", plan.path);
    let kept = key
        .as_ref()
        .and_then(|key| kept_shard(out, &note_path, key));
    let split = match &kept {
        Some(note) => {
            let base = plan.holds.base();
            note.split.iter().map(|&(s, t)| (base + s, t)).collect()
        }
        None => plan.holds.split_off(data),
    };
    Prepared {
        plan,
        key,
        kept,
        split,
    }
}

/// Keeps a prepared bundle, or indexes its records and writes its files and its note.
fn finish(source: &Source<'_>, out: &dyn Output, prepared: Prepared) -> Result<Done, SearchError> {
    let Prepared {
        plan,
        key,
        kept,
        split,
    } = prepared;
    let path = plan.path;
    let note_path = format!("{BUNDLE_DIR}/{path}{SHARD_NOTE}");
    let mut summary = SearchSummary::default();
    if let Some(note) = kept {
        summary.kept = 1;
        summary.records = note.records;
        summary.tools = note.tools;
        for (_, bytes) in &note.files {
            summary.files += 1;
            summary.unchanged += 1;
            summary.bytes += bytes;
        }
        write_note(out, note_path, &note, &mut summary)?;
        return Ok(Done {
            path,
            summary,
            languages: note.languages,
        });
    }
    let records = source.read(|data| plan.holds.records(data, !split.is_empty()))?;
    // The index is built on this thread's own runtime (Pagefind's API is async).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| SearchError::Pagefind(e.to_string()))?;
    let files = runtime.block_on(index_shard(records, &mut summary))?;
    let written = write_bundle(files, &path, path.is_empty(), out, &mut summary)?;
    if let Some(key) = key {
        let mut files = written.files;
        // Pagefind hands its files over in no fixed order; the note should not vary.
        files.sort_unstable();
        let base = plan.holds.base();
        let note = ShardNote {
            key: key.to_hex().to_string(),
            languages: written.languages.clone(),
            files,
            records: summary.records,
            tools: summary.tools,
            split: split.iter().map(|&(s, t)| (s - base, t)).collect(),
        };
        write_note(out, note_path, &note, &mut summary)?;
    }
    Ok(Done {
        path,
        summary,
        languages: written.languages,
    })
}

/// Writes a bundle's [`ShardNote`] as JSON at `note_path`.
fn write_note(
    out: &dyn Output,
    note_path: String,
    note: &ShardNote,
    summary: &mut SearchSummary,
) -> Result<(), SearchError> {
    let json = serde_json::to_vec(note).unwrap_or_default();
    write_file(out, note_path, &json, summary)
}

/// The hash of everything a bundle is made of, or `None` when the executable cannot be
/// read: the executable, the settings (the records use the base path and the default
/// language), the bundle's place and what it holds, and what its records are made from
/// (each server's route and [`cache::write_tool_inputs`] of its tools), so an unchanged
/// bundle is recognised without building its records.
fn shard_key(data: &SiteData, holds: &Holds, path: &str) -> Option<blake3::Hash> {
    let mut buffer = Vec::new();
    buffer.extend_from_slice(cache::executable()?.as_bytes());
    if serde_json::to_writer(&mut buffer, &data.config).is_err() {
        buffer.extend_from_slice(b"\0unserializable");
    }
    let _ = write!(buffer, "\0{path}\0{MAX_FRAGMENT_FILES}");
    match holds {
        Holds::Shard { split, .. } => {
            let _ = write!(buffer, "\0shard\0{split}");
        }
        Holds::Segmented(_) => buffer.extend_from_slice(b"\0segmented"),
    }
    for s in holds.servers() {
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
    records: Vec<Record>,
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

/// Writes one bundle's files under `BUNDLE_DIR/path` (`first`: with Pagefind's scripts).
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

/// Writes `bytes` at `path` through `out` and counts it in `summary`.
pub(super) fn write_file(
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
