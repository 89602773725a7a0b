//! The file-system floor: the time to create a built site's folders and files with the same
//! bytes in the same place, and nothing else.
//!
//! Two ways to measure it, depending on what the machine can hold:
//! - [`Tree::read`] the whole site into memory, then create it under a path that does not
//!   exist (the benchmark moves the old site aside first: [`Floor::Whole`]);
//! - when the site and a second copy do not fit ([`plan`]), in [`chunks`]: read a part of
//!   the site into memory, delete that part, create it again, and add up the creation times
//!   ([`Floor::Chunked`]). Each part is then written into memory or blocks just freed.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;
use walkdir::WalkDir;

/// Folders and files held in memory: the folders (parents first, each with its number of
/// path components) and the files with their bytes.
pub struct Tree {
    dirs: Vec<(usize, PathBuf)>,
    files: Vec<(PathBuf, Vec<u8>)>,
}

/// Files and bytes under `root`.
pub fn count(root: &Path) -> (u64, u64) {
    WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .fold((0, 0), |(n, b), e| {
            (n + 1, b + e.metadata().map_or(0, |m| m.len()))
        })
}

impl Tree {
    /// Reads every folder and file of `parts` (folders with everything under them, or
    /// files), which must not lie inside one another.
    pub fn read(parts: &[PathBuf]) -> Result<Tree, String> {
        let mut tree = Tree {
            dirs: Vec::new(),
            files: Vec::new(),
        };
        for part in parts {
            for entry in WalkDir::new(part) {
                let entry = entry.map_err(|e| e.to_string())?;
                let path = entry.path().to_path_buf();
                if entry.file_type().is_dir() {
                    tree.dirs.push((path.components().count(), path));
                } else {
                    let bytes =
                        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                    tree.files.push((path, bytes));
                }
            }
        }
        tree.dirs.sort();
        Ok(tree)
    }

    /// Creates the folders (level by level, each level in parallel) then the files (in
    /// parallel) where they were read; none may exist yet, their parents must. Returns the
    /// wall seconds.
    pub fn create(&self) -> Result<f64, String> {
        let started = Instant::now();
        for level in self.dirs.chunk_by(|a, b| a.0 == b.0) {
            level
                .par_iter()
                .try_for_each(|(_, dir)| std::fs::create_dir(dir))
                .map_err(|e| e.to_string())?;
        }
        self.files
            .par_iter()
            .try_for_each(|(path, bytes)| std::fs::write(path, bytes))
            .map_err(|e| e.to_string())?;
        Ok(started.elapsed().as_secs_f64())
    }

    /// Deletes what [`Tree::read`] read (each part with everything under it).
    pub fn remove(parts: &[PathBuf]) -> Result<(), String> {
        parts.iter().try_for_each(|part| {
            let removed = if part.is_dir() {
                std::fs::remove_dir_all(part)
            } else {
                std::fs::remove_file(part)
            };
            removed.map_err(|e| format!("{}: {e}", part.display()))
        })
    }
}

/// How the floor of a site is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floor {
    /// The whole site in memory, created again beside the old copy.
    Whole,
    /// Parts of at most this many bytes, each deleted and created again.
    Chunked(u64),
}

/// The way to measure the floor of a site of `bytes` under `root`: [`Floor::Whole`] when
/// the machine's available memory holds the site's bytes (plus, on tmpfs, the second copy
/// of the site, which lives in memory too) with a quarter to spare, and the file system has
/// room for the second copy; otherwise [`Floor::Chunked`] in parts of an eighth of the
/// available memory (at least 64 MB). `chunk_mb` forces chunks of that many megabytes.
pub fn plan(root: &Path, bytes: u64, chunk_mb: Option<u64>) -> Floor {
    if let Some(mb) = chunk_mb {
        return Floor::Chunked(mb.max(1) << 20);
    }
    let available = memory_available().unwrap_or(0);
    let (free, tmpfs) = file_system(root).unwrap_or((0, false));
    let memory = if tmpfs { 2 * bytes } else { bytes };
    if memory + memory / 4 < available && bytes < free {
        Floor::Whole
    } else {
        Floor::Chunked((available / 8).max(64 << 20))
    }
}

/// `MemAvailable` of `/proc/meminfo`, in bytes.
fn memory_available() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The bytes free for an unprivileged writer on the file system of `path`, and whether it
/// is tmpfs (whose files live in memory).
fn file_system(path: &Path) -> Option<(u64, bool)> {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: an all-zero `statfs` is a valid value of this plain C struct; `name` is a
    // NUL-terminated path that outlives the call, which only writes the struct.
    let mut stat: libc::statfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statfs(name.as_ptr(), &mut stat) } != 0 {
        return None;
    }
    let free = stat.f_bavail as u64 * stat.f_bsize as u64;
    Some((free, stat.f_type == libc::TMPFS_MAGIC))
}

/// Splits the site under `root` into parts of at most `limit` bytes each where it can
/// (a single file larger than `limit` is a part of its own), grouped into chunks of about
/// `limit` bytes: a folder that fits is one part, a larger one is split into its entries.
/// Every file under `root`, and every folder that was not split, lies in exactly one part;
/// `root` and the split folders are in none (they stay while their entries are measured).
pub fn chunks(root: &Path, limit: u64) -> Result<Vec<Vec<PathBuf>>, String> {
    let mut parts = Vec::new();
    split(root, limit, &mut parts)?;
    let mut chunks: Vec<Vec<PathBuf>> = Vec::new();
    let mut size = 0;
    for (part, bytes) in parts {
        if chunks.is_empty() || size + bytes > limit {
            chunks.push(Vec::new());
            size = 0;
        }
        size += bytes;
        chunks.last_mut().expect("pushed above").push(part);
    }
    Ok(chunks)
}

/// The entries of `dir` as parts with their bytes, folders larger than `limit` split.
fn split(dir: &Path, limit: u64, parts: &mut Vec<(PathBuf, u64)>) -> Result<(), String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .map(|e| e.map(|e| e.path()).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if !path.is_dir() {
            let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
            parts.push((path, bytes));
            continue;
        }
        let (_, bytes) = count(&path);
        if bytes > limit {
            split(&path, limit, parts)?;
        } else {
            parts.push((path, bytes));
        }
    }
    Ok(())
}
