//! Where rendered files go: a folder on disk (written only when their bytes change) or
//! memory (for `serve` and `check`). The same render code feeds both.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
}

impl DiskOutput {
    /// Writes under `root`, creating it when needed.
    pub fn new(root: &Path) -> io::Result<DiskOutput> {
        std::fs::create_dir_all(root)?;
        Ok(DiskOutput {
            root: root.to_path_buf(),
        })
    }

    /// The folder written to.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Output for DiskOutput {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<Written> {
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
        self.root.join(path).is_file()
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        std::fs::read(self.root.join(path)).ok()
    }
}

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
}
