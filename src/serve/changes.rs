//! The one place that decides what a changed file means (as Zola's `serve` does): a
//! catalogue file, a Markdown content file (review or attack pattern), a template, a static
//! file or the settings file; anything else (editor swap files, other folders) is ignored.

use super::sources::format_of;
use super::ServeOptions;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The changes of one debounced batch of file events.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Catalogue files created, edited or deleted.
    pub catalogue: BTreeSet<PathBuf>,
    /// A template changed: every page is re-rendered.
    pub templates: bool,
    /// A static file changed: served as it is, pages reload.
    pub statics: bool,
    /// `toolpages.toml` changed.
    pub config: bool,
    /// A Markdown file under the content folder (a review or an attack pattern) changed.
    pub markdown: bool,
}

impl Changes {
    /// Whether nothing relevant changed.
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    /// Adds one changed path (absolute, as the watcher reports it).
    pub fn add(&mut self, path: &Path, options: &ServeOptions) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
            return;
        }
        if path == options.config_file {
            self.config = true;
        } else if path.starts_with(&options.templates) {
            self.templates = true;
        } else if path.starts_with(&options.static_dir) {
            self.statics = true;
        } else if path.starts_with(&options.content) && format_of(&options.content, path).is_some()
        {
            self.catalogue.insert(path.to_path_buf());
        } else if path.starts_with(&options.content) && path.extension().is_some_and(|e| e == "md")
        {
            self.markdown = true;
        }
    }
}
