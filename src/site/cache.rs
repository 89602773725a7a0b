//! The incremental build cache: which servers' pages are already in the output folder,
//! byte for byte as this build would render them.
//!
//! A server's pages (its page and its tool pages) are a function of the context each page
//! renders with ([`Page::context`]) and the build itself (the `toolpages` executable, the
//! templates and the published names of the static files, which change with their content).
//! The contexts hold everything a page shows, including what comes from outside the server's
//! own entry: related tools of other servers, attack patterns, reviews, policies and the
//! settings. Each server gets a fingerprint, a BLAKE3 hash of all of these; the fingerprints of a
//! successful build are stored in [`FILE`] in the output folder. The next build renders a
//! server's pages only when its fingerprint is new or one of its files is missing; every
//! other page (home, listings, anything added later) is always rendered, and written only
//! when its bytes change. A build that stops half-way leaves no cache, so the build after it
//! renders everything.
//!
//! Invariant for anyone adding to the server and tool pages: whatever they show must come
//! from their context or the templates; anything else (a new template global or filter that
//! reads data) must be hashed into [`BuildCache::server_fingerprint`] or the build
//! fingerprint, or an edit elsewhere would leave those pages stale.

use super::pages::Page;
use super::publish::assets::Assets;
use super::templates::BUILTIN;
use super::SiteData;
use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The cache file's name in the output folder. Deleting it forces a full render.
pub const FILE: &str = ".toolpages-cache";

/// First line of the cache file; a file with another first line is ignored.
const HEADER: &str = "toolpages build cache 1";

/// The fingerprints of the previous build and of this one.
#[derive(Debug)]
pub struct BuildCache {
    path: PathBuf,
    previous: HashSet<blake3::Hash>,
    /// `current[s]`: the fingerprint of server `s` in this build.
    current: Vec<blake3::Hash>,
    /// The file already holds exactly this build's fingerprints (nothing to write).
    kept: bool,
}

impl BuildCache {
    /// Reads the cache of the output folder `output`, fingerprints every server of `data`
    /// and, unless the file already holds exactly these fingerprints (a build with nothing
    /// changed leaves it untouched), removes the file: it is written again by
    /// [`BuildCache::save`] once the build succeeds. `templates` is the site's templates folder, `assets` the static files the
    /// pages link to. A missing or unreadable cache means every server is rendered; only
    /// failing to remove the file is an error.
    pub fn open(
        output: &Path,
        templates: &Path,
        data: &SiteData,
        assets: &Assets,
    ) -> io::Result<BuildCache> {
        let path = output.join(FILE);
        let stored = std::fs::read_to_string(&path).ok();
        let previous = stored.as_deref().map(parse).unwrap_or_default();
        let current = match build_fingerprint(templates, assets) {
            Some(build) => fingerprints(&build, data),
            // Without a fingerprint of the executable nothing can be trusted: hashes that
            // cannot match a stored one.
            None => Vec::new(),
        };
        let kept = !current.is_empty() && stored.as_deref() == Some(text(&current).as_str());
        if !kept {
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(BuildCache {
            path,
            previous,
            current,
            kept,
        })
    }

    /// Whether server `s`'s pages were rendered from exactly the same inputs by the build
    /// that wrote the cache.
    pub fn unchanged(&self, s: usize) -> bool {
        self.current
            .get(s)
            .is_some_and(|hash| self.previous.contains(hash))
    }

    /// Writes this build's fingerprints (call after every page was written).
    pub fn save(&self) -> io::Result<()> {
        if self.current.is_empty() || self.kept {
            return Ok(());
        }
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".tmp");
        std::fs::write(&tmp, text(&self.current))?;
        std::fs::rename(&tmp, &self.path)
    }

    /// The fingerprint of server `s`: `build` (the hash of the executable, the templates and
    /// the static files' names), then the file and the context (as JSON) of the server page
    /// and of each tool page. `buffer` is scratch space, reused across calls (hashing a few
    /// large chunks is several times faster than many small ones).
    pub fn server_fingerprint(
        build: &blake3::Hash,
        data: &SiteData,
        s: usize,
        buffer: &mut Vec<u8>,
    ) -> blake3::Hash {
        buffer.clear();
        buffer.extend_from_slice(build.as_bytes());
        let tools = (0..data.catalogue.servers[s].tools.len()).map(|t| Page::Tool(s, t));
        for page in std::iter::once(Page::Server(s)).chain(tools) {
            // Writing to a Vec cannot fail; a context that cannot be serialized leaves an
            // error mark, which is still a function of the data.
            let _ = write!(buffer, "\0{}\0", page.file(data));
            if serde_json::to_writer(&mut *buffer, &page.context(data)).is_err() {
                buffer.extend_from_slice(b"\0unserializable");
            }
        }
        blake3::hash(buffer)
    }
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

fn fingerprints(build: &blake3::Hash, data: &SiteData) -> Vec<blake3::Hash> {
    use rayon::prelude::*;
    (0..data.catalogue.servers.len())
        .into_par_iter()
        .map_init(Vec::new, |buffer, s| {
            BuildCache::server_fingerprint(build, data, s, buffer)
        })
        .collect()
}

/// What every page depends on besides its context: the running executable (so any change
/// of toolpages itself renders everything again), the built-in and the site's templates,
/// and the published (content-hashed) names of the static files. `None` when the
/// executable cannot be read.
fn build_fingerprint(templates: &Path, assets: &Assets) -> Option<blake3::Hash> {
    let mut hasher = blake3::Hasher::new();
    let exe = std::env::current_exe().ok()?;
    hasher.update_reader(std::fs::File::open(exe).ok()?).ok()?;
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
    Some(hasher.finalize())
}
