//! The catalogue as the preview server keeps it: which file and line defined each server,
//! so a change to one file re-parses only the entries that changed.
//!
//! Each entry (a line of a `.jsonl` file, or a whole `servers/*.json` file) is remembered by
//! a hash of its text. When a file changes, lines whose text is unchanged keep their server
//! (even if they moved); only new or edited lines are parsed again, and servers whose line
//! disappeared are removed. One edited server among 500,000 costs one parse and one
//! classification, plus re-sorting the server list and recomputing slugs.

use crate::analysis::{analyse_reviewed, ToolAnalysis};
use crate::catalogue::{self, Problem, Server, Severity, SourceFormat};
use crate::classify::Overrides;
use crate::site::{load_content, Config, SiteData};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// One entry of a catalogue file.
#[derive(Debug, Clone)]
struct Entry {
    hash: u64,
    /// The server this entry defined, when it was valid.
    server: Option<String>,
    /// Problems found in this entry.
    problems: Vec<Problem>,
}

/// Every catalogue file's entries.
#[derive(Debug, Default)]
pub struct Sources {
    content: PathBuf,
    files: HashMap<PathBuf, Vec<Entry>>,
    /// Reviews (`servers/<server>/<tool>.md`), applied when a changed server is re-analysed.
    overrides: Overrides,
    /// Problems of the Markdown content (reviews, attack patterns); a change to any of it
    /// reloads everything, so these are only replaced by a new [`Sources::load`].
    content_problems: Vec<Problem>,
}

/// What one update changed.
#[derive(Debug, Default)]
pub struct Update {
    /// Ids of servers added, edited or removed.
    pub servers: HashSet<String>,
}

impl Sources {
    /// Loads every catalogue file under `content` (in parallel, as `build` does).
    pub fn load(content: &Path, config: Config) -> std::io::Result<(Sources, SiteData)> {
        let mut loaded = catalogue::load(content)?;
        let (overrides, attacks) = load_content(content, &mut loaded);
        let (content_problems, catalogue_problems): (Vec<Problem>, Vec<Problem>) =
            std::mem::take(&mut loaded.problems)
                .into_iter()
                .partition(|p| p.file.extension().is_some_and(|e| e == "md"));
        loaded.problems = catalogue_problems;
        let mut sources = Sources {
            content: content.to_path_buf(),
            files: HashMap::new(),
            overrides,
            content_problems,
        };
        let by_origin: HashMap<(&Path, usize), &str> = loaded
            .catalogue
            .servers
            .iter()
            .map(|s| ((s.origin.file.as_path(), s.origin.line), s.id.as_str()))
            .collect();
        let mut problems: HashMap<(PathBuf, usize), Vec<Problem>> = HashMap::new();
        for p in &loaded.problems {
            problems
                .entry((p.file.clone(), p.line))
                .or_default()
                .push(p.clone());
        }
        for file in catalogue_files(content) {
            let Some(format) = format_of(content, &file) else {
                continue;
            };
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let entries = split(&text, format)
                .into_iter()
                .map(|(line, entry)| Entry {
                    hash: hash(entry),
                    server: by_origin
                        .get(&(file.as_path(), line))
                        .map(|s| s.to_string()),
                    problems: problems.remove(&(file.clone(), line)).unwrap_or_default(),
                })
                .collect();
            sources.files.insert(file, entries);
        }
        // Problems the loop did not attach (a tool's line inside a per-server file, an
        // unreadable file) stay attached to their file's first entry.
        for ((file, _), p) in problems {
            if let Some(first) = sources.files.get_mut(&file).and_then(|e| e.first_mut()) {
                first.problems.extend(p);
            }
        }
        let data = SiteData::with_content(config, loaded.catalogue, &sources.overrides, attacks);
        Ok((sources, data))
    }

    /// Every current problem, in file order.
    pub fn problems(&self) -> Vec<Problem> {
        let mut all: Vec<Problem> = self
            .files
            .values()
            .flatten()
            .flat_map(|e| e.problems.iter().cloned())
            .chain(self.content_problems.iter().cloned())
            .collect();
        all.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        all
    }

    /// The current errors as text, one per line; `None` when there are none.
    pub fn errors(&self) -> Option<String> {
        let errors: Vec<String> = self
            .problems()
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .map(ToString::to_string)
            .collect();
        (!errors.is_empty()).then(|| errors.join("\n"))
    }

    /// Re-reads `file` (which may have been deleted) and applies the difference to `data`:
    /// returns the new site data and the ids of the servers that changed.
    pub fn update(&mut self, file: &Path, data: SiteData) -> (SiteData, Update) {
        let mut update = Update::default();
        let Some(format) = format_of(&self.content, file) else {
            return (data, update);
        };
        let old = self.files.remove(file).unwrap_or_default();
        let text = std::fs::read_to_string(file).ok();
        // (line, hash) of each entry, hashed once.
        let entries: Vec<(usize, u64)> = text
            .as_deref()
            .map_or(Vec::new(), |t| split(t, format))
            .into_iter()
            .map(|(line, entry)| (line, hash(entry)))
            .collect();
        let mut unchanged: HashMap<u64, Entry> = old.iter().map(|e| (e.hash, e.clone())).collect();
        let new_hashes: HashSet<u64> = entries.iter().map(|(_, h)| *h).collect();
        let removed: HashSet<String> = old
            .iter()
            .filter(|e| !new_hashes.contains(&e.hash))
            .filter_map(|e| e.server.clone())
            .collect();
        let fresh: HashSet<usize> = entries
            .iter()
            .filter(|(_, h)| !unchanged.contains_key(h))
            .map(|(line, _)| *line)
            .collect();
        let parsed = match (&text, format) {
            (Some(_), _) if fresh.is_empty() => catalogue::Loaded::default(),
            (Some(t), SourceFormat::Json) => catalogue::load_str(file, t, format),
            (Some(t), SourceFormat::JsonLines) => {
                // Only the new or edited lines; the others are left blank so line numbers
                // in problems stay right.
                let only_fresh: Vec<&str> = t
                    .lines()
                    .enumerate()
                    .map(|(i, l)| if fresh.contains(&(i + 1)) { l } else { "" })
                    .collect();
                catalogue::load_str(file, &only_fresh.join("\n"), format)
            }
            (None, _) => catalogue::Loaded::default(),
        };
        let (data, added, duplicates) = apply(
            data,
            &removed,
            file,
            parsed.catalogue.servers,
            &self.overrides,
        );
        update.servers.extend(removed);
        update
            .servers
            .extend(added.iter().map(|(id, _)| id.clone()));
        // A per-server file is one entry: all its problems belong to it (line 1).
        let entry_line = |line: usize| match format {
            SourceFormat::Json => 1,
            SourceFormat::JsonLines => line,
        };
        let mut problems_at: HashMap<usize, Vec<Problem>> = HashMap::new();
        for p in parsed.problems.into_iter().chain(duplicates) {
            problems_at.entry(entry_line(p.line)).or_default().push(p);
        }
        let added_at: HashMap<usize, String> =
            added.into_iter().map(|(id, line)| (line, id)).collect();
        let entries: Vec<Entry> = entries
            .iter()
            .map(|&(line, h)| {
                unchanged.remove(&h).unwrap_or_else(|| Entry {
                    hash: h,
                    server: added_at.get(&line).cloned(),
                    problems: problems_at.remove(&line).unwrap_or_default(),
                })
            })
            .collect();
        if text.is_some() {
            self.files.insert(file.to_path_buf(), entries);
        }
        (data, update)
    }
}

/// Removes the servers `removed` (defined in `file`), adds `added`, keeps every other
/// server's analysis. Returns the data, the added (id, line) pairs and a problem for each
/// added server whose id another file already uses.
fn apply(
    data: SiteData,
    removed: &HashSet<String>,
    file: &Path,
    added: Vec<Server>,
    overrides: &Overrides,
) -> (SiteData, Vec<(String, usize)>, Vec<Problem>) {
    let SiteData {
        config,
        catalogue,
        analysis,
        attacks,
        ..
    } = data;
    let mut pairs: Vec<(Server, Vec<ToolAnalysis>)> = catalogue
        .servers
        .into_iter()
        .zip(analysis)
        .filter(|(s, _)| !(removed.contains(&s.id) && s.origin.file == file))
        .collect();
    let taken: HashMap<String, (PathBuf, usize)> = pairs
        .iter()
        .map(|(s, _)| (s.id.clone(), (s.origin.file.clone(), s.origin.line)))
        .collect();
    let mut kept = Vec::new();
    let mut problems = Vec::new();
    for server in added {
        if let Some((other, line)) = taken.get(&server.id) {
            problems.push(
                Problem::error(
                    file,
                    server.origin.line,
                    "duplicate-server",
                    format!(
                        "server id `{}` is already used at {}:{line}",
                        server.id,
                        other.display()
                    ),
                    "give each server a unique `id`, or remove one of the two entries",
                )
                .server(&server.id),
            );
            continue;
        }
        kept.push((server.id.clone(), server.origin.line));
        let analysis = server
            .tools
            .iter()
            .map(|t| analyse_reviewed(t, overrides.get(&server.id, &t.name)))
            .collect();
        pairs.push((server, analysis));
    }
    pairs.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    let (servers, analysis): (Vec<Server>, Vec<Vec<ToolAnalysis>>) = pairs.into_iter().unzip();
    let data = SiteData::with_analysis(config, catalogue::Catalogue { servers }, analysis, attacks);
    (data, kept, problems)
}

/// The catalogue format of `file` under `content`, or `None` when it is not a catalogue
/// file (the same rule as `catalogue::load`).
pub fn format_of(content: &Path, file: &Path) -> Option<SourceFormat> {
    match file.extension().and_then(|e| e.to_str()) {
        Some("jsonl") => Some(SourceFormat::JsonLines),
        Some("json") if file.starts_with(content.join("servers")) => Some(SourceFormat::Json),
        _ => None,
    }
}

fn catalogue_files(content: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// The entries of a file: (1-based line, text) of each non-empty line of a JSON Lines
/// file, or the whole text of a per-server file (line 1).
fn split(text: &str, format: SourceFormat) -> Vec<(usize, &str)> {
    match format {
        SourceFormat::Json => vec![(1, text)],
        SourceFormat::JsonLines => text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| (i + 1, l))
            .collect(),
    }
}

/// A 64-bit BLAKE3 digest of an entry's text (fast on 100 MB catalogues, and collisions are
/// out of reach).
fn hash(text: &str) -> u64 {
    let digest = blake3::hash(text.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest.as_bytes()[..8]);
    u64::from_le_bytes(first)
}
