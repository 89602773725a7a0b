//! The incremental build cache: which servers' pages are already in the output folder,
//! byte for byte as this build would render them.
//!
//! A server's pages (its page and its tool pages) are a function of a few inputs, hashed
//! here instead of the pages' whole contexts (building every context only to hash it cost
//! more than a third of a full build):
//!
//! - the build itself: the `toolpages` executable, the built-in and the site's templates,
//!   the published names of the static files (which change with their content) and the
//!   settings;
//! - the server's own entry: the digest of its source text
//!   ([`crate::catalogue::Server::digest`]);
//! - the reviews of its tools (with the entry and the executable, they decide each tool's
//!   analysis: classification, evidence and policy);
//! - its routes (slugs can depend on other servers through collisions);
//! - what its tool pages show of other servers: the tools of the same name elsewhere
//!   (`browse::same_name_elsewhere`), each by the same inputs (entry digest, route,
//!   review), and their count;
//! - the attack patterns linked from each of its tools' categories.
//!
//! Each server gets a fingerprint, a BLAKE3 hash of the inputs its own files read (the build,
//! its routes, its tools' inputs); each of its tool pages gets one more, which adds what that
//! page shows of other servers (the same name elsewhere, the attack patterns). The
//! fingerprints of a successful build are stored in [`FILE`] in the output folder. The next
//! build renders a server's files (its page, policy files, `llms.txt` and `tools.json`) only
//! when its fingerprint is new, and a tool page only when the page's fingerprint is new, or
//! when the file is missing. So an edit re-renders the edited server's files and, on other
//! servers, only the pages of tools of the same name, not those servers' every page. The
//! category and risk listings are fingerprinted the same way, by the inputs of the tools they
//! list ([`BuildCache::listing_unchanged`]); every other page (home, indexes, anything added
//! later) by its template context ([`BuildCache::page_unchanged`]). A page is written only
//! when its bytes change. A build that stops half-way leaves no cache, so the build after it
//! renders everything.
//!
//! Invariant for anyone adding to the server and tool pages: whatever they show must come
//! from the inputs above; anything else (data from another server, a new template global
//! that reads data) must be hashed by [`Inputs`] too, or an edit elsewhere would leave those
//! pages stale. [`Inputs`] is the one place that says what a page is made from: the build
//! stores its fingerprints, the preview (`serve`) compares them before and after an edit.
//! `tests/incremental.rs` compares incremental builds after each kind of edit with fresh
//! builds, byte for byte; `tests/serve_incremental.rs` checks which pages the preview
//! reloads.

use super::browse;
use super::index::category_index;
use super::output::Output;
use super::pages::Page;
use super::publish::assets::Assets;
use super::state::StateFile;
use super::templates::BUILTIN;
use super::SiteData;
use crate::classify::Category;
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::{self, Write};
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use walkdir::WalkDir;

/// The cache file's name in the output folder. Deleting it forces a full render.
pub const FILE: &str = ".toolpages-cache";

/// First line of the cache file; a file with another first line is ignored.
const HEADER: &str = "toolpages build cache 3";

/// The fingerprints of the previous build and of this one.
#[derive(Debug)]
pub struct BuildCache {
    file: StateFile,
    previous: HashSet<blake3::Hash>,
    /// The fingerprint of the build itself; `None` when the executable could not be read
    /// (then nothing is trusted and nothing is stored).
    build: Option<blake3::Hash>,
    /// `current[s]`: the fingerprint of server `s` in this build, and of each of its tool
    /// pages.
    current: Vec<Fingerprints>,
    /// The inputs of every tool, hashed (the listings hash those of the tools they list).
    tools: ToolInputs,
    /// Fingerprints of the other pages rendered by this build ([`BuildCache::page_unchanged`]).
    pages: Mutex<Vec<blake3::Hash>>,
}

impl BuildCache {
    /// Reads the cache of the output folder `output`, fingerprints every server of `data`
    /// and sets the file aside (see `StateFile`): it is stored again by
    /// [`BuildCache::save`] once the build succeeds. `templates` is the site's templates folder, `assets` the static files the
    /// pages link to. A missing or unreadable cache means every page is rendered; only
    /// failing to remove the file is an error.
    pub fn open(
        output: &Path,
        templates: &Path,
        data: &SiteData,
        assets: &Assets,
    ) -> io::Result<BuildCache> {
        let file = StateFile::take(&output.join(FILE))?;
        let previous = file.previous.as_deref().map(parse).unwrap_or_default();
        let build = build_fingerprint(templates, assets, &data.config);
        let inputs = build.map(|build| Inputs::new(data, build));
        let current = inputs.as_ref().map_or_else(Vec::new, fingerprints);
        Ok(BuildCache {
            file,
            previous,
            build,
            current,
            tools: inputs.map(|i| i.tools).unwrap_or_default(),
            pages: Mutex::new(Vec::new()),
        })
    }

    /// Whether `file`, one of server `s`'s files (the page of its tool `tool`, or with `None`
    /// its page, policy files, `llms.txt`, `tools.json`), can stay as the last build wrote
    /// it: that build rendered it from exactly the same inputs and the file is still in
    /// `out` (which now counts it as produced, see [`Output::reuse`]).
    pub fn keeps(&self, s: usize, tool: Option<usize>, out: &dyn Output, file: &str) -> bool {
        self.unchanged(s, tool) && out.reuse(file)
    }

    /// Whether the last build rendered server `s`'s files (the page of its tool `tool`, or
    /// with `None` its other files) from exactly the inputs of this build.
    fn unchanged(&self, s: usize, tool: Option<usize>) -> bool {
        let hash = self.current.get(s).and_then(|f| match tool {
            None => Some(&f.server),
            Some(t) => f.tools.get(t),
        });
        hash.is_some_and(|hash| self.previous.contains(hash))
    }

    /// Tells `out` which of `files` [`BuildCache::keeps`] will ask about (see
    /// [`Output::prefetch`]): those whose fingerprint is unchanged. Each comes with its
    /// server, for a tool page its tool, and what makes its path (made only for the files
    /// kept: in a full build, none).
    pub fn prefetch<F: FnOnce() -> String + Send>(
        &self,
        out: &dyn Output,
        files: impl ParallelIterator<Item = (usize, Option<usize>, F)>,
    ) {
        let kept: Vec<String> = files
            .filter(|(s, tool, _)| self.unchanged(*s, *tool))
            .map(|(_, _, file)| file())
            .collect();
        out.prefetch(kept);
    }

    /// For a page outside any server (home, listings): whether the build that wrote the
    /// cache rendered `file` from exactly this `context` (its JSON, hashed with the build's
    /// fingerprint). The fingerprint is kept for the next build either way. `buffer` is
    /// scratch space.
    pub fn page_unchanged(
        &self,
        file: &str,
        context: &minijinja::Value,
        buffer: &mut Vec<u8>,
    ) -> bool {
        let Some(build) = self.build else {
            return false;
        };
        buffer.clear();
        buffer.extend_from_slice(build.as_bytes());
        let _ = write!(buffer, "\0{file}\0");
        if serde_json::to_writer(&mut *buffer, context).is_err() {
            // Not a function of the data alone: never matches, never stored.
            return false;
        }
        self.keep_page(blake3::hash(buffer))
    }

    /// For a category or risk listing page: whether the build that wrote the cache rendered
    /// `file` from the same inputs (see `listing_inputs`). `None` for every other page, whose
    /// context decides ([`BuildCache::page_unchanged`]). At 100,000 tools these are 2,000
    /// pages listing 200,000 tools; building their contexts only to hash them was a third of
    /// a no-change rebuild's rendering. The fingerprint is kept for the next build either way;
    /// `buffer` is scratch space.
    pub fn listing_unchanged(
        &self,
        file: &str,
        page: &Page,
        data: &SiteData,
        buffer: &mut Vec<u8>,
    ) -> Option<bool> {
        let hash = listing_fingerprint(&self.build?, &self.tools, file, page, data, buffer)?;
        Some(self.keep_page(hash))
    }

    /// Keeps a page's fingerprint for the next build; whether the last build had it.
    fn keep_page(&self, hash: blake3::Hash) -> bool {
        self.pages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(hash);
        self.previous.contains(&hash)
    }

    /// Writes this build's fingerprints (call after every page was written).
    pub fn save(&self) -> io::Result<()> {
        if self.build.is_none() {
            return Ok(());
        }
        let mut hashes: Vec<blake3::Hash> = self
            .current
            .iter()
            .flat_map(|f| std::iter::once(f.server).chain(f.tools.iter().copied()))
            .collect();
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner()).clone();
        // Rendering order varies between runs; the file should not.
        pages.sort_unstable_by_key(|h| *h.as_bytes());
        hashes.extend(pages);
        self.file.put(&text(&hashes))
    }
}

/// The hash of the running `toolpages` executable, read once per process; `None` when it
/// cannot be read. Anything cached across builds must depend on it: a new toolpages may
/// render or index differently.
pub fn executable() -> Option<blake3::Hash> {
    static HASH: OnceLock<Option<blake3::Hash>> = OnceLock::new();
    *HASH.get_or_init(|| {
        let file = std::fs::File::open(std::env::current_exe().ok()?).ok()?;
        let mut hasher = blake3::Hasher::new();
        hasher.update_reader(file).ok()?;
        Some(hasher.finalize())
    })
}

/// The cache file holding `hashes`.
fn text(hashes: &[blake3::Hash]) -> String {
    let mut text = String::with_capacity(HEADER.len() + 1 + hashes.len() * 65);
    text.push_str(HEADER);
    text.push('\n');
    for hash in hashes {
        text.push_str(&hash.to_hex());
        text.push('\n');
    }
    text
}

fn parse(text: &str) -> HashSet<blake3::Hash> {
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return HashSet::new();
    }
    lines
        .filter_map(|l| blake3::Hash::from_hex(l).ok())
        .collect()
}

/// The fingerprints of one server's files.
#[derive(Debug)]
struct Fingerprints {
    /// Of its page, policy files, `llms.txt` and `tools.json`: the build, its routes and its
    /// tools' inputs.
    server: blake3::Hash,
    /// `tools[t]`: of tool `t`'s page: `server`, plus the attack patterns of the tool's
    /// category and the tools of the same name elsewhere.
    tools: Vec<blake3::Hash>,
}

/// The fingerprints of every server (see the module documentation for what goes in).
fn fingerprints(inputs: &Inputs) -> Vec<Fingerprints> {
    let data = inputs.data;
    (0..data.catalogue.servers.len())
        .into_par_iter()
        .map_init(Vec::new, |buffer, s| {
            let server = inputs.server(s, buffer);
            let tools = (0..data.analysis[s].len())
                .map(|t| inputs.tool_page(&server, s, t, buffer))
                .collect();
            Fingerprints { server, tools }
        })
        .collect()
}

/// What a page is made from, hashed: the one definition of a page's inputs (see the module
/// documentation), which the build cache stores from build to build and the preview
/// compares before and after an edit.
pub struct Inputs<'a> {
    data: &'a SiteData,
    /// Hashed into every fingerprint: the build's (executable, templates, static files and
    /// settings). The preview, which notices those changes itself, passes zeros.
    build: blake3::Hash,
    /// The attack patterns linked from each category's tool pages, in [`Category::ALL`]
    /// order, hashed.
    attacks: Vec<blake3::Hash>,
    /// Every tool's inputs, hashed.
    tools: ToolInputs,
}

impl<'a> Inputs<'a> {
    /// The inputs of `data`'s pages, each salted with `build`.
    pub fn new(data: &'a SiteData, build: blake3::Hash) -> Inputs<'a> {
        let mut buffer = Vec::new();
        let attacks = Category::ALL
            .iter()
            .map(|&c| hash_json(&mut buffer, &browse::attack_links(data, c)))
            .collect();
        Inputs {
            data,
            build,
            attacks,
            tools: ToolInputs::new(data),
        }
    }

    /// The fingerprint of `page` ([`Inputs::server`], [`Inputs::tool_page`] or
    /// [`Inputs::listing`]); `None` for the other pages of the whole site (home, indexes),
    /// whose context decides. `buffer` is scratch space.
    pub fn page(&self, page: &Page, buffer: &mut Vec<u8>) -> Option<blake3::Hash> {
        match *page {
            Page::Tool(s, t) => {
                let server = self.server(s, buffer);
                Some(self.tool_page(&server, s, t, buffer))
            }
            _ => match page.server() {
                Some(s) => Some(self.server(s, buffer)),
                None => self.listing(&page.file(self.data), page, buffer),
            },
        }
    }

    /// Of server `s`'s page, policy files, `llms.txt` and `tools.json`: the build, its
    /// routes and its tools' inputs (`write_tool_inputs`).
    pub fn server(&self, s: usize, buffer: &mut Vec<u8>) -> blake3::Hash {
        buffer.clear();
        buffer.extend_from_slice(self.build.as_bytes());
        let _ = write!(buffer, "\0{}", self.data.routes.server(s));
        for t in 0..self.data.analysis[s].len() {
            self.tools.write(buffer, s, t);
        }
        blake3::hash(buffer)
    }

    /// Of the page of tool `t` of server `s`, whose fingerprint is `server`: that, plus the
    /// attack patterns of the tool's category and the tools of the same name elsewhere
    /// (`browse::same_name_elsewhere`: each one's inputs, and their count).
    pub fn tool_page(
        &self,
        server: &blake3::Hash,
        s: usize,
        t: usize,
        buffer: &mut Vec<u8>,
    ) -> blake3::Hash {
        let data = self.data;
        buffer.clear();
        buffer.extend_from_slice(server.as_bytes());
        let category = data.analysis[s][t].classification.category;
        let _ = write!(buffer, "\0tool page {t}\0");
        buffer.extend_from_slice(self.attacks[category_index(category)].as_bytes());
        let (elsewhere, total) = browse::same_name_elsewhere(data, s, t);
        let _ = write!(buffer, "\0{total}");
        for (os, ot) in elsewhere {
            self.tools.write(buffer, os, ot);
        }
        blake3::hash(buffer)
    }

    /// Of the category or risk listing `page`, written at `file`: the build, the file and
    /// what the page shows (see `listing_inputs`). `None` for other pages.
    pub fn listing(&self, file: &str, page: &Page, buffer: &mut Vec<u8>) -> Option<blake3::Hash> {
        listing_fingerprint(&self.build, &self.tools, file, page, self.data, buffer)
    }
}

/// See [`Inputs::listing`].
fn listing_fingerprint(
    build: &blake3::Hash,
    tools: &ToolInputs,
    file: &str,
    page: &Page,
    data: &SiteData,
    buffer: &mut Vec<u8>,
) -> Option<blake3::Hash> {
    buffer.clear();
    buffer.extend_from_slice(build.as_bytes());
    let _ = write!(buffer, "\0{file}\0listing\0");
    listing_inputs(page, data, tools, buffer)?;
    Some(blake3::hash(buffer))
}

/// Writes what a category or risk listing page shows, for [`BuildCache::listing_unchanged`]:
/// the page, the counts it shows (its own; for a level, each of its categories'), for a
/// category its attack patterns, and the inputs (`write_tool_inputs`) of every tool it
/// lists, in order (a tool's summary is made from them). `None` for other pages.
fn listing_inputs(
    page: &Page,
    data: &SiteData,
    tools: &ToolInputs,
    buffer: &mut Vec<u8>,
) -> Option<()> {
    let (refs, n) = match *page {
        Page::Category(c, n) => {
            let refs = data.index.category(c);
            let _ = write!(buffer, "category\0{}\0{n}\0{}\0", c.slug(), refs.len());
            if serde_json::to_writer(&mut *buffer, &browse::attack_links(data, c)).is_err() {
                return None;
            }
            (refs, n)
        }
        Page::Risk(l, n) => {
            let refs = data.index.level(l);
            let _ = write!(buffer, "risk\0{}\0{n}\0{}", l.slug(), refs.len());
            for c in Category::ALL.into_iter().filter(|c| c.level() == l) {
                let _ = write!(buffer, "\0{}", data.index.category(c).len());
            }
            (refs, n)
        }
        _ => return None,
    };
    let per = data.config.paginate_by;
    for &(s, t) in refs.iter().skip(n.saturating_sub(1) * per).take(per) {
        tools.write(buffer, s, t);
    }
    Some(())
}

/// Writes what tool `t` of server `s` and its analysis are made from: the digest of the
/// server's source text, the tool's index and route, and its review. The build fingerprint
/// covers the code that turns these into a page, a listing summary or an analysis, so hashing
/// the inputs stands for the analysis itself, which cost more to serialize than to compute.
pub(super) fn write_tool_inputs(buffer: &mut Vec<u8>, data: &SiteData, s: usize, t: usize) {
    buffer.extend_from_slice(data.catalogue.servers[s].digest.as_bytes());
    // The tool's route (`servers/<folder>/<tool folder>/`), written without building the path.
    let routes = &data.routes;
    let _ = write!(
        buffer,
        "\0{t}\0{}\0{}",
        routes.folders[s],
        routes.tool_folder(s, t)
    );
    let classification = &data.analysis[s][t].classification;
    if let Some(review) = &classification.review {
        // The reviewed category plus the rest of the review is the whole `Override`.
        let reviewed = (classification.category, review);
        if serde_json::to_writer(&mut *buffer, &reviewed).is_err() {
            buffer.extend_from_slice(b"\0unserializable");
        }
    }
    buffer.push(0);
}

/// The inputs of every tool ([`write_tool_inputs`]), hashed once: a tool page hashes those
/// of up to [`browse::RELATED_MAX`] tools of the same name elsewhere, and a listing those of
/// the tools it lists, and writing each tool's inputs out again for every page that shows
/// it cost about 90% of the fingerprints.
#[derive(Debug, Default)]
struct ToolInputs(Vec<Vec<blake3::Hash>>);

impl ToolInputs {
    fn new(data: &SiteData) -> ToolInputs {
        let hashes = (0..data.catalogue.servers.len())
            .into_par_iter()
            .map_init(Vec::new, |buffer, s| {
                (0..data.analysis[s].len())
                    .map(|t| {
                        buffer.clear();
                        write_tool_inputs(buffer, data, s, t);
                        blake3::hash(buffer)
                    })
                    .collect()
            })
            .collect();
        ToolInputs(hashes)
    }

    /// Appends the hash of tool `t` of server `s`'s inputs to `buffer`.
    fn write(&self, buffer: &mut Vec<u8>, s: usize, t: usize) {
        buffer.extend_from_slice(self.0[s][t].as_bytes());
    }
}

/// The hash of `value` as JSON, serialized into `buffer` (hashing one large chunk is several
/// times faster than many small ones).
fn hash_json(buffer: &mut Vec<u8>, value: &impl serde::Serialize) -> blake3::Hash {
    buffer.clear();
    if serde_json::to_writer(&mut *buffer, value).is_err() {
        buffer.extend_from_slice(b"\0unserializable");
    }
    blake3::hash(buffer)
}

/// What every page depends on: the running executable (so any change of toolpages itself
/// renders everything again), the built-in and the site's templates, the published
/// (content-hashed) names of the static files and the settings. `None` when the executable
/// cannot be read.
fn build_fingerprint(
    templates: &Path,
    assets: &Assets,
    config: &super::Config,
) -> Option<blake3::Hash> {
    let mut hasher = blake3::Hasher::new();
    hasher.update(executable()?.as_bytes());
    for (name, text) in BUILTIN {
        let _ = write!(hasher, "\0{name}\0{text}");
    }
    // The site's templates, in a stable order; unreadable ones go in by name only (the
    // render then fails loudly anyway).
    for entry in WalkDir::new(templates)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let _ = write!(hasher, "\0{}\0", entry.path().display());
        if let Ok(file) = std::fs::File::open(entry.path()) {
            let _ = hasher.update_reader(file);
        }
    }
    for (name, published) in assets.published_names() {
        let _ = write!(hasher, "\0asset\0{name}\0{published}");
    }
    let _ = write!(hasher, "\0config\0");
    // The shard size shapes only the search index, whose shards key themselves: changing it
    // re-renders no page.
    let pages_config = super::Config {
        search_shard_tools: 0,
        ..config.clone()
    };
    let _ = serde_json::to_writer(&mut hasher, &pages_config);
    Some(hasher.finalize())
}
