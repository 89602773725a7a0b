//! The file-system floor: the time to create a built site's folders and files with the same
//! bytes in the same place, and nothing else.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;
use walkdir::WalkDir;

/// A built output folder held in memory: its folders (parents first) and files.
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
    /// Reads every folder and file under `root`.
    pub fn read(root: &Path) -> Result<Tree, String> {
        let mut tree = Tree {
            dirs: Vec::new(),
            files: Vec::new(),
        };
        for entry in WalkDir::new(root).min_depth(1) {
            let entry = entry.map_err(|e| e.to_string())?;
            let path = entry.path().to_path_buf();
            if entry.file_type().is_dir() {
                tree.dirs.push((entry.depth(), path));
            } else {
                let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                tree.files.push((path, bytes));
            }
        }
        tree.dirs.sort();
        Ok(tree)
    }

    /// Creates the folders (level by level, each level in parallel) then the files (in
    /// parallel) under `root`, which must not exist yet; returns the wall seconds.
    pub fn create(&self, root: &Path) -> Result<f64, String> {
        let started = Instant::now();
        std::fs::create_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
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
}
