//! Where rendered files go: a folder on disk (written only when their bytes change) or
//! memory (for `serve` and `check`). The same render code feeds both.

use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// New or different bytes were stored.
    Changed,
    /// The stored file already had these bytes; nothing was touched.
    Unchanged,
}

/// A destination for the site's files, safe to share across rayon threads.
pub trait Output: Sync {
    /// Stores `bytes` at `path` (relative, `/`-separated, such as `servers/x/index.html`).
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<Written>;

    /// Keeps the file an earlier build stored at `path` as it is, as if this build had
    /// written the same bytes (the incremental build cache skips pages it knows are
    /// unchanged); returns false when there is no such file, and the caller must write it.
    /// Outputs that hold nothing from earlier builds (memory) always return false.
    fn reuse(&self, _path: &str) -> bool {
        false
    }

    /// The bytes an earlier build stored at `path`, if any (the search index reads its
    /// shards' notes through this). Outputs that hold nothing from earlier builds give `None`.
    fn read(&self, _path: &str) -> Option<Vec<u8>> {
        None
    }

    /// Tells the output that [`Output::reuse`] is about to be asked about each of `paths`.
    /// An output on disk then checks them all at once on many threads: with the file
    /// system's cache cold (after a reboot, or after other programs filled the memory), each
    /// check waits on the disk, and one at a time they were most of a no-change rebuild.
    /// The answers stand until the path is written. Others ignore it. The paths are given
    /// owned: the disk output keeps them as the keys of its answers.
    fn prefetch(&self, _paths: Vec<String>) {}
}

/// Files under a folder on disk.
///
/// A file whose bytes are unchanged is not rewritten (its modification time stays, so
/// `rsync` and S3 sync skip it); a changed file is written to a temporary name beside it and
/// renamed into place, so a reader never sees half of a page that was already there. A new
/// file is created in place with `O_EXCL` (no earlier version exists to keep readable), which
/// saves the rename and the lookups of the slow path: a fresh build costs one `open`, one
/// `write` and one `close` per file, like the plain file-system floor the benchmark measures.
#[derive(Debug)]
pub struct DiskOutput {
    root: PathBuf,
    /// Whether each path given to [`Output::prefetch`] is a file; taken out by the one
    /// [`Output::reuse`] that asks about it, dropped when the path is written.
    prefetched: Mutex<HashMap<String, bool>>,
    /// The threads [`Output::prefetch`] checks on, made at the first call (a build makes
    /// several: its pages, its generated files, each kept search shard); `None` when the
    /// pool could not be made, then the global pool checks.
    checkers: OnceLock<Option<rayon::ThreadPool>>,
}

impl DiskOutput {
    /// Writes under `root`, creating it when needed.
    pub fn new(root: &Path) -> io::Result<DiskOutput> {
        std::fs::create_dir_all(root)?;
        Ok(DiskOutput {
            root: root.to_path_buf(),
            prefetched: Mutex::new(HashMap::new()),
            checkers: OnceLock::new(),
        })
    }

    /// The folder written to.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn prefetched(&self) -> MutexGuard<'_, HashMap<String, bool>> {
        // A panic while holding the lock cannot leave the map half-updated (one insert or
        // remove), so a poisoned lock is still usable.
        self.prefetched.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Output for DiskOutput {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<Written> {
        self.prefetched().remove(path);
        let target = self.root.join(path);
        let created = match create_new(&target, bytes) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => match target.parent() {
                Some(parent) => {
                    std::fs::create_dir_all(parent)?;
                    create_new(&target, bytes)
                }
                None => Err(e),
            },
            other => other,
        };
        match created {
            Ok(()) => return Ok(Written::Changed),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        if same_bytes(&target, bytes)? {
            return Ok(Written::Unchanged);
        }
        let mut tmp = target.clone().into_os_string();
        tmp.push(".tmp-toolpages");
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &target)?;
        Ok(Written::Changed)
    }

    fn reuse(&self, path: &str) -> bool {
        let prefetched = self.prefetched().remove(path);
        prefetched.unwrap_or_else(|| self.root.join(path).is_file())
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        std::fs::read(self.root.join(path)).ok()
    }

    fn prefetch(&self, paths: Vec<String>) {
        let check = || -> Vec<bool> {
            paths
                .par_iter()
                .map(|path| self.root.join(path).is_file())
                .collect()
        };
        // The threads wait on the disk, not the CPU: many requests in flight let it serve
        // them together. Measured on this project's 2-core VM, cold cache, 107,000 pages:
        // 14.0 s on one thread, 8.9 s on two, 3.5 s on 8, 2.7 s on 32.
        let pool = self.checkers.get_or_init(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(PREFETCH_THREADS)
                .build()
                .ok()
        });
        let present = match pool {
            Some(pool) => pool.install(check),
            None => check(),
        };
        let mut prefetched = self.prefetched();
        prefetched.reserve(paths.len());
        prefetched.extend(paths.into_iter().zip(present));
    }
}

/// Threads [`DiskOutput`] checks prefetched paths on (see [`Output::prefetch`]).
const PREFETCH_THREADS: usize = 32;

/// Creates `path` with `bytes`; `AlreadyExists` when it is there, `NotFound` when its folder
/// is missing. A failed write removes the partial file, so no truncated page stays behind.
fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = std::fs::File::create_new(path)?;
    file.write_all(bytes).inspect_err(|_| {
        let _ = std::fs::remove_file(path);
    })
}

/// Whether the file at `path` holds exactly `bytes` (one `open`, the read skipped when the
/// length differs).
fn same_bytes(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let mut file = std::fs::File::open(path)?;
    if file.metadata()?.len() != bytes.len() as u64 {
        return Ok(false);
    }
    let mut old = Vec::with_capacity(bytes.len());
    file.read_to_end(&mut old)?;
    Ok(old == bytes)
}

/// Files kept in memory, keyed by path.
#[derive(Debug, Default)]
pub struct MemoryOutput {
    files: Mutex<HashMap<String, Vec<u8>>>,
}

impl MemoryOutput {
    /// The bytes stored at `path`.
    pub fn get(&self, path: &str) -> Option<Vec<u8>> {
        self.lock().get(path).cloned()
    }

    /// Every stored path, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.lock().keys().cloned().collect();
        paths.sort();
        paths
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<u8>>> {
        // A panic while holding the lock cannot leave the map half-updated (one insert), so
        // a poisoned lock is still usable.
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Output for MemoryOutput {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<Written> {
        let mut files = self.lock();
        if files.get(path).is_some_and(|old| old == bytes) {
            return Ok(Written::Unchanged);
        }
        files.insert(path.to_owned(), bytes.to_vec());
        Ok(Written::Changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_output_skips_unchanged_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = DiskOutput::new(dir.path()).unwrap();
        assert_eq!(
            out.write("a/b/index.html", b"one").unwrap(),
            Written::Changed
        );
        let mtime = std::fs::metadata(dir.path().join("a/b/index.html"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(
            out.write("a/b/index.html", b"one").unwrap(),
            Written::Unchanged
        );
        let again = std::fs::metadata(dir.path().join("a/b/index.html"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(mtime, again);
        assert_eq!(
            out.write("a/b/index.html", b"two").unwrap(),
            Written::Changed
        );
        assert_eq!(
            std::fs::read(dir.path().join("a/b/index.html")).unwrap(),
            b"two"
        );
    }

    /// `reuse` gives the answers of `prefetch` (as of the prefetch), until a path is
    /// written; paths never prefetched are still checked on the disk.
    #[test]
    fn disk_output_reuses_the_answers_it_prefetched() {
        let dir = tempfile::tempdir().unwrap();
        let out = DiskOutput::new(dir.path()).unwrap();
        for page in ["kept", "gone", "rewritten"] {
            out.write(&format!("{page}/index.html"), b"x").unwrap();
        }
        std::fs::create_dir_all(dir.path().join("folder/index.html")).unwrap();
        let paths = ["kept", "gone", "rewritten", "missing", "folder"]
            .map(|page| format!("{page}/index.html"));
        out.prefetch(paths.to_vec());
        std::fs::remove_file(dir.path().join("gone/index.html")).unwrap();
        out.write("missing/index.html", b"new").unwrap();
        std::fs::remove_file(dir.path().join("rewritten/index.html")).unwrap();
        out.write("rewritten/index.html", b"y").unwrap();
        std::fs::remove_file(dir.path().join("rewritten/index.html")).unwrap();
        assert!(out.reuse("kept/index.html"));
        assert!(out.reuse("gone/index.html"), "answered as of the prefetch");
        assert!(
            out.reuse("missing/index.html"),
            "written since: asked again"
        );
        assert!(
            !out.reuse("rewritten/index.html"),
            "written since: asked again"
        );
        assert!(!out.reuse("folder/index.html"), "a folder is not a page");
        assert!(!out.reuse("gone/index.html"), "each answer is given once");
        assert!(!out.reuse("never/index.html"));
    }
}
