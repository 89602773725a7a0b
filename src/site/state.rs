//! Files of build state in the output folder (the build cache, the output listing): each is
//! set aside when a build starts, so a build that fails half-way leaves none (the next
//! build then trusts nothing), and put back when the build succeeds — untouched, modification
//! time included, when its text did not change, so a build with nothing to do changes no file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// One state file, taken for the length of a build.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    /// The text it held when the build started, if it was readable.
    pub previous: Option<String>,
}

impl StateFile {
    /// Reads `path` and moves it aside (to `<path>.old`); a missing file gives no text.
    pub fn take(path: &Path) -> io::Result<StateFile> {
        let previous = crate::files::read_to_string(path).ok();
        match std::fs::rename(path, aside(path)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        Ok(StateFile {
            path: path.to_path_buf(),
            previous,
        })
    }

    /// Stores `text` as the file's new contents: the old file comes back as it was when the
    /// text is the same, else the text is written to a temporary file renamed into place.
    pub fn put(&self, text: &str) -> io::Result<()> {
        self.put_parts(&[text])
    }

    /// [`StateFile::put`] with the text given as consecutive parts, which are compared and
    /// written one after the other, never joined in memory (a large memo is tens of
    /// megabytes, and fresh memory is slow to fill on a virtual machine).
    pub fn put_parts(&self, parts: &[&str]) -> io::Result<()> {
        let old = aside(&self.path);
        if self
            .previous
            .as_deref()
            .is_some_and(|p| same_text(p, parts))
            && std::fs::rename(&old, &self.path).is_ok()
        {
            return Ok(());
        }
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".tmp");
        let mut file = io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        for part in parts {
            file.write_all(part.as_bytes())?;
        }
        file.into_inner().map_err(io::IntoInnerError::into_error)?;
        std::fs::rename(&tmp, &self.path)?;
        match std::fs::remove_file(old) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Whether `text` is the concatenation of `parts`.
fn same_text(mut text: &str, parts: &[&str]) -> bool {
    for part in parts {
        match text.strip_prefix(part) {
            Some(rest) => text = rest,
            None => return false,
        }
    }
    text.is_empty()
}

fn aside(path: &Path) -> PathBuf {
    let mut old = path.as_os_str().to_owned();
    old.push(".old");
    PathBuf::from(old)
}

#[cfg(all(test, unix))]
mod tests {
    use super::StateFile;
    use std::os::unix::fs::MetadataExt;

    /// Parts that make the old text bring the old file back (its inode, so its modification
    /// time too); other parts are written out joined, and the aside copy is gone.
    #[test]
    fn parts_are_compared_and_written_joined() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memo");
        std::fs::write(&path, "header\nline one\nline two\n").unwrap();
        let inode = std::fs::metadata(&path).unwrap().ino();

        let state = StateFile::take(&path).unwrap();
        assert!(!path.exists(), "set aside while the build runs");
        state
            .put_parts(&["header", "\n", "line one", "\n", "line two", "\n"])
            .unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().ino(), inode);

        let state = StateFile::take(&path).unwrap();
        state
            .put_parts(&["header", "\n", "line one", "\n", "line two"])
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "header\nline one\nline two"
        );
        assert_ne!(std::fs::metadata(&path).unwrap().ino(), inode);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no aside or temporary file is left");
    }
}
