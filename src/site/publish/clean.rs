//! Removing files left by earlier builds, safely.
//!
//! A build records every path it stores ([`Tracked`]); afterwards [`remove_stale`] deletes
//! the files earlier builds wrote that this one no longer produces — a tool that was removed
//! from the catalogue, a stylesheet under its old content hash. Each build lists its files
//! in [`LISTING`], so the next one removes exactly the difference without walking the whole
//! folder (a second per 100,000 pages); without a listing (the first build into a folder,
//! or after a failed build) every file under the folder that this build did not write is
//! removed. It only ever deletes inside a folder toolpages
//! created or already marked: the marker file [`MARKER`] is written when the folder is new or
//! empty. A non-empty folder without the marker (your own folder, a typo such as `-o .`) is
//! never cleaned. Hidden entries (`.git/`, `.nojekyll`, the marker) are never deleted, and
//! symbolic links are not followed.

use crate::site::output::{Output, Written};
use crate::site::state::StateFile;
use rayon::prelude::*;
use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The file that marks a folder as toolpages output, so cleaning it is safe.
pub const MARKER: &str = ".toolpages-output";

/// The list of every file the last build wrote or kept, in the output folder: a header
/// line, then one `/`-separated path per line, sorted.
pub const LISTING: &str = ".toolpages-files";

const LISTING_HEADER: &str = "toolpages output files 1";

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

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.inner.read(path)
    }

    fn prefetch(&self, paths: Vec<String>) {
        self.inner.prefetch(paths);
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
        // Nothing to clean in an empty folder: an empty listing saves the first build a walk.
        std::fs::write(root.join(LISTING), format!("{LISTING_HEADER}\n"))?;
    }
    Ok(empty)
}

/// Reads and removes the listing of the last build (see [`LISTING`]), to be handed to
/// [`remove_stale`] once this build has written everything: if the build fails half-way,
/// no listing is left, and the next build walks the folder instead of trusting an old list.
pub fn take_listing(root: &Path) -> io::Result<StateFile> {
    StateFile::take(&root.join(LISTING))
}

/// Deletes the files under `root` that the last build wrote (per its `listing`, from
/// [`take_listing`]) and that are not in `keep` (paths relative to `root`, `/`-separated),
/// then the folders they leave empty, and lists `keep` for the next build; returns the
/// number of files removed. Without a readable listing it walks `root` and deletes every
/// regular file not in `keep`. Hidden entries are skipped. Call only after [`claim`]
/// returned true.
pub fn remove_stale(root: &Path, keep: &HashSet<String>, listing: &StateFile) -> io::Result<usize> {
    let previous = listing
        .previous
        .as_deref()
        .and_then(|text| Some((text, listed(text)?)));
    let removed = match previous {
        Some((text, previous)) => {
            let stale: Vec<&str> = previous
                .par_iter()
                .copied()
                .filter(|p| !keep.contains(*p))
                .collect();
            // Nothing stale, as many paths as kept, and the old listing sorted without
            // repeats: the same set of files, so the old listing is already this build's
            // (no sort of 100,000 paths, no new text to build and compare).
            if stale.is_empty()
                && previous.len() == keep.len()
                && previous.windows(2).all(|pair| pair[0] < pair[1])
            {
                listing.put(text)?;
                return Ok(0);
            }
            remove_listed(root, stale.into_iter())?
        }
        None => remove_unlisted(root, keep)?,
    };
    let mut paths: Vec<&str> = keep.iter().map(String::as_str).collect();
    paths.par_sort_unstable();
    let mut text = String::with_capacity(paths.iter().map(|p| p.len() + 1).sum::<usize>() + 32);
    text.push_str(LISTING_HEADER);
    text.push('\n');
    for path in paths {
        text.push_str(path);
        text.push('\n');
    }
    listing.put(&text)?;
    Ok(removed)
}

/// The paths of a listing, or `None` when it is not one.
fn listed(text: &str) -> Option<Vec<&str>> {
    let mut lines = text.lines();
    (lines.next() == Some(LISTING_HEADER)).then(|| lines.collect())
}

/// Removes the listed files that are still there (never a hidden one, never outside
/// `root`), then their folders if that leaves them empty.
fn remove_listed<'a>(root: &Path, stale: impl Iterator<Item = &'a str>) -> io::Result<usize> {
    let mut removed = 0;
    let mut dirs: Vec<PathBuf> = Vec::new();
    for path in stale {
        let safe = path
            .split('/')
            .all(|part| !part.is_empty() && !part.starts_with('.'));
        if !safe {
            continue;
        }
        let file = root.join(path);
        match std::fs::symlink_metadata(&file) {
            Ok(meta) if meta.is_file() => {}
            _ => continue,
        }
        std::fs::remove_file(&file)?;
        removed += 1;
        dirs.extend(
            file.ancestors()
                .skip(1)
                .take_while(|d| *d != root)
                .map(Path::to_path_buf),
        );
    }
    remove_empty(dirs);
    Ok(removed)
}

/// Walks `root` and removes every regular file not in `keep`, then the folders left empty.
fn remove_unlisted(root: &Path, keep: &HashSet<String>) -> io::Result<usize> {
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
    remove_empty(dirs);
    Ok(removed)
}

/// Removes the folders of `dirs` that are empty, deepest first, so a folder emptied by its
/// children goes too; `remove_dir` refuses a folder that still holds anything (such as a
/// hidden file).
fn remove_empty(mut dirs: Vec<PathBuf>) {
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    dirs.dedup();
    for dir in dirs {
        let _ = std::fs::remove_dir(&dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One build's cleanup: the listing taken, then stale files removed.
    fn clean(root: &Path, keep: &HashSet<String>) -> usize {
        let listing = take_listing(root).unwrap();
        remove_stale(root, keep, &listing).unwrap()
    }

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
        // A claimed folder starts with an empty listing: files nobody listed are not ours.
        assert_eq!(clean(&root, &keep), 0);
        // Without a listing (a failed build, an older toolpages) the folder is walked.
        take_listing(&root).unwrap();
        assert_eq!(clean(&root, &keep), 2, "the old page and the .gz");
        assert!(root.join("a/index.html").is_file());
        assert!(!root.join("a/index.html.gz").exists());
        assert!(!root.join("a/old").exists(), "emptied folders go");
        assert!(root.join(".git/HEAD").is_file() && root.join(MARKER).is_file());
        assert_eq!(clean(&root, &keep), 0);

        // With a listing, exactly the files the last build wrote and this one does not go;
        // a file someone else put there stays, and so do hidden ones.
        std::fs::write(root.join("b.html"), "x").unwrap();
        std::fs::write(root.join("mine.txt"), "x").unwrap();
        let both: HashSet<String> = ["a/index.html".to_owned(), "b.html".to_owned()].into();
        assert_eq!(clean(&root, &both), 0);
        assert_eq!(clean(&root, &keep), 1, "b.html");
        assert!(!root.join("b.html").exists() && root.join("mine.txt").is_file());
        // A damaged listing means a walk, which removes everything not kept.
        std::fs::write(root.join(LISTING), "nonsense\n../../etc/passwd\n").unwrap();
        assert_eq!(clean(&root, &keep), 1, "mine.txt");

        // A folder with someone else's files and no marker is never claimed.
        let mine = dir.path().join("mine");
        std::fs::create_dir_all(&mine).unwrap();
        std::fs::write(mine.join("notes.txt"), "keep me").unwrap();
        assert!(!claim(&mine).unwrap());
        assert!(!mine.join(MARKER).exists());
    }

    /// The listing holds the kept paths sorted, each once. The same files as last time
    /// leave the file as it was (its inode included); a listing that is out of order or
    /// repeats a path is written again, and so is one whose files changed at equal count.
    #[test]
    #[cfg(unix)]
    fn the_listing_is_kept_while_the_files_are_the_same() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("public");
        assert!(claim(&root).unwrap());
        for f in ["a/index.html", "b/index.html", "c/index.html"] {
            std::fs::create_dir_all(root.join(f).parent().unwrap()).unwrap();
            std::fs::write(root.join(f), "x").unwrap();
        }
        let set =
            |paths: &[&str]| -> HashSet<String> { paths.iter().map(|p| p.to_string()).collect() };
        let listing = || std::fs::read_to_string(root.join(LISTING)).unwrap();
        let inode = || std::fs::metadata(root.join(LISTING)).unwrap().ino();
        let sorted = format!("{LISTING_HEADER}\na/index.html\nb/index.html\n");
        let ab = set(&["b/index.html", "a/index.html"]);
        assert_eq!(clean(&root, &ab), 0);
        assert_eq!(listing(), sorted);
        let before = inode();
        assert_eq!(clean(&root, &ab), 0);
        assert_eq!(
            (listing(), inode()),
            (sorted.clone(), before),
            "the same file, kept"
        );

        for damaged in [
            "b/index.html\na/index.html\n",
            "a/index.html\na/index.html\nb/index.html\n",
        ] {
            std::fs::write(root.join(LISTING), format!("{LISTING_HEADER}\n{damaged}")).unwrap();
            assert_eq!(clean(&root, &ab), 0);
            assert_eq!(listing(), sorted, "{damaged:?} is written again, sorted");
        }

        let ac = set(&["a/index.html", "c/index.html"]);
        assert_eq!(clean(&root, &ac), 1, "b/index.html");
        assert_eq!(
            listing(),
            format!("{LISTING_HEADER}\na/index.html\nc/index.html\n")
        );
        assert!(!root.join("b").exists());
    }
}
