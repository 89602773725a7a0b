//! Removing files left by earlier builds, safely.
//!
//! A build records every path it stores ([`Tracked`]); afterwards [`remove_stale`] deletes
//! the other files under the output folder — a tool that was removed from the catalogue, a
//! stylesheet under its old content hash. It only ever deletes inside a folder toolpages
//! created or already marked: the marker file [`MARKER`] is written when the folder is new or
//! empty. A non-empty folder without the marker (your own folder, a typo such as `-o .`) is
//! never cleaned. Hidden entries (`.git/`, `.nojekyll`, the marker) are never deleted, and
//! symbolic links are not followed.

use crate::site::output::{Output, Written};
use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The file that marks a folder as toolpages output, so cleaning it is safe.
pub const MARKER: &str = ".toolpages-output";

/// An [`Output`] that remembers every path written through it (changed or not).
pub struct Tracked<'a> {
    inner: &'a dyn Output,
    paths: Mutex<HashSet<String>>,
}

impl<'a> Tracked<'a> {
    /// Wraps `inner`.
    pub fn new(inner: &'a dyn Output) -> Tracked<'a> {
        Tracked {
            inner,
            paths: Mutex::new(HashSet::new()),
        }
    }

    /// Every path stored so far.
    pub fn into_paths(self) -> HashSet<String> {
        self.paths.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Output for Tracked<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<Written> {
        let written = self.inner.write(path, bytes)?;
        self.paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_owned());
        Ok(written)
    }

    fn reuse(&self, path: &str) -> bool {
        let kept = self.inner.reuse(path);
        if kept {
            self.paths
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path.to_owned());
        }
        kept
    }
}

/// Whether `root` may be cleaned: it holds the marker, or it is missing or empty (then the
/// marker is written). A non-empty folder without the marker gives `Ok(false)`.
pub fn claim(root: &Path) -> io::Result<bool> {
    if root.join(MARKER).is_file() {
        return Ok(true);
    }
    let empty = match std::fs::read_dir(root) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => true,
        Err(e) => return Err(e),
    };
    if empty {
        std::fs::create_dir_all(root)?;
        std::fs::write(
            root.join(MARKER),
            "This folder is built by toolpages; files the build no longer produces are removed.\n",
        )?;
    }
    Ok(empty)
}

/// Deletes every regular file under `root` that is not in `keep` (paths relative to `root`,
/// `/`-separated) and then the folders left empty; returns the number of files removed.
/// Hidden entries are skipped. Call only after [`claim`] returned true.
pub fn remove_stale(root: &Path, keep: &HashSet<String>) -> io::Result<usize> {
    let mut removed = 0;
    let mut dirs: Vec<PathBuf> = Vec::new();
    let walk = walkdir::WalkDir::new(root)
        .min_depth(1)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        let entry = entry.map_err(io::Error::from)?;
        if entry.file_type().is_dir() {
            dirs.push(entry.into_path());
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = super::assets::relative_name(root, entry.path());
        if keep.contains(&relative) {
            continue;
        }
        std::fs::remove_file(entry.path())?;
        removed += 1;
    }
    // Deepest first, so a folder emptied by its children goes too; `remove_dir` refuses a
    // folder that still holds anything (such as a hidden file).
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for dir in dirs {
        let _ = std::fs::remove_dir(&dir);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_only_marked_folders_and_keeps_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("public");
        assert!(claim(&root).unwrap(), "a new folder is claimed");
        for f in [
            "a/index.html",
            "a/old/index.html",
            "a/index.html.gz",
            ".git/HEAD",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let keep: HashSet<String> = ["a/index.html".to_owned()].into();
        assert_eq!(
            remove_stale(&root, &keep).unwrap(),
            2,
            "the old page and the .gz"
        );
        assert!(root.join("a/index.html").is_file());
        assert!(!root.join("a/index.html.gz").exists());
        assert!(!root.join("a/old").exists(), "emptied folders go");
        assert!(root.join(".git/HEAD").is_file() && root.join(MARKER).is_file());
        assert_eq!(remove_stale(&root, &keep).unwrap(), 0);

        // A folder with someone else's files and no marker is never claimed.
        let mine = dir.path().join("mine");
        std::fs::create_dir_all(&mine).unwrap();
        std::fs::write(mine.join("notes.txt"), "keep me").unwrap();
        assert!(!claim(&mine).unwrap());
        assert!(!mine.join(MARKER).exists());
    }
}
