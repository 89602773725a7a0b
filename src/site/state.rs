//! Files of build state in the output folder (the build cache, the output listing): each is
//! set aside when a build starts, so a build that fails half-way leaves none (the next
//! build then trusts nothing), and put back when the build succeeds — untouched, modification
//! time included, when its text did not change, so a build with nothing to do changes no file.

use std::io;
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
        let previous = std::fs::read_to_string(path).ok();
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
        let old = aside(&self.path);
        if self.previous.as_deref() == Some(text) && std::fs::rename(&old, &self.path).is_ok() {
            return Ok(());
        }
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &self.path)?;
        match std::fs::remove_file(old) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

fn aside(path: &Path) -> PathBuf {
    let mut old = path.as_os_str().to_owned();
    old.push(".old");
    PathBuf::from(old)
}
