//! Static files, with content-hashed names for CSS and JavaScript.
//!
//! `static/style.css` is published as `style.<hash>.css`, where `<hash>` is the first 8 hex
//! digits of the BLAKE3 hash of its bytes, so a host or CDN may cache it forever: a changed
//! file gets a new name. Templates ask for the published name with the `asset` filter
//! (`{{ 'style.css'|asset }}` → `/style.3f2a9c1b.css`). Every other static file keeps its
//! name. Hashed files from earlier builds are removed by the stale-file cleanup
//! ([`super::clean`]), so they do not pile up.

use crate::site::output::{Output, Written};
use minijinja::Environment;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The built-in static files, embedded so a site whose `static/` folder lacks them (or has
/// none) still gets working pages; a file of the same name in the site's folder replaces one.
pub const BUILTIN: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../../static/style.css")),
    (
        "toolpages.js",
        include_bytes!("../../../static/toolpages.js"),
    ),
    ("search.css", include_bytes!("../../../static/search.css")),
    ("search.js", include_bytes!("../../../static/search.js")),
];

/// The bytes of a built-in static file (`style.css`), if there is one of that name.
pub fn builtin(name: &str) -> Option<&'static [u8]> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

/// File extensions whose names get a content hash.
pub const HASHED_EXTENSIONS: &[&str] = &["css", "js"];

/// Where a static file's bytes come from.
#[derive(Debug, Clone)]
enum Source {
    /// A file of the site's static folder.
    File(PathBuf),
    /// A built-in file ([`BUILTIN`]).
    Builtin(&'static [u8]),
}

/// One static file.
#[derive(Debug, Clone)]
struct Asset {
    /// Where its bytes come from.
    source: Source,
    /// The published path, relative to the output root (`style.3f2a9c1b.css`).
    published: String,
}

/// Every file of the static folder, keyed by its path relative to the folder
/// (`/`-separated, such as `img/logo.svg`).
#[derive(Debug, Clone, Default)]
pub struct Assets {
    files: BTreeMap<String, Asset>,
}

impl Assets {
    /// Reads `dir` (a missing folder gives only the built-in files) over the built-in files,
    /// and hashes CSS and JavaScript files. Errors name the file that could not be read.
    pub fn load(dir: &Path) -> Result<Assets, (PathBuf, std::io::Error)> {
        Self::scan(dir, true)
    }

    /// Only the built-in static files, with hashed names (what a site with no `static/`
    /// folder publishes).
    pub fn default_builtin() -> Assets {
        Self::scan(Path::new(""), true).unwrap_or_default()
    }

    /// The static files under their own names (no hashing), for the preview server, which
    /// serves them straight from the folder with caching disabled.
    pub fn unhashed(dir: &Path) -> Result<Assets, (PathBuf, std::io::Error)> {
        Self::scan(dir, false)
    }

    fn scan(dir: &Path, hash: bool) -> Result<Assets, (PathBuf, std::io::Error)> {
        let mut files: BTreeMap<String, Asset> = BUILTIN
            .iter()
            .map(|(name, bytes)| {
                let published = if hash {
                    hashed_name(name, bytes)
                } else {
                    (*name).to_owned()
                };
                let asset = Asset {
                    source: Source::Builtin(bytes),
                    published,
                };
                ((*name).to_owned(), asset)
            })
            .collect();
        if !dir.is_dir() {
            return Ok(Assets { files });
        }
        for entry in WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| (dir.to_path_buf(), e.into()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = relative_name(dir, entry.path());
            let published = if hash && is_hashed(&relative) {
                let bytes =
                    std::fs::read(entry.path()).map_err(|e| (entry.path().to_path_buf(), e))?;
                hashed_name(&relative, &bytes)
            } else {
                relative.clone()
            };
            files.insert(
                relative,
                Asset {
                    source: Source::File(entry.into_path()),
                    published,
                },
            );
        }
        Ok(Assets { files })
    }

    /// The published path of a static file (`style.css` → `style.3f2a9c1b.css`).
    pub fn published(&self, name: &str) -> Option<&str> {
        self.files
            .get(name.trim_start_matches('/'))
            .map(|a| a.published.as_str())
    }

    /// Every static file's name and published path, in name order (what the `asset` filter
    /// answers; the build cache hashes it).
    pub fn published_names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .map(|(name, a)| (name.as_str(), a.published.as_str()))
    }

    /// Number of static files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when the static folder is empty or missing.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Registers the `asset` filter: a static file's name → its published URL path under
    /// `base_path`. An unknown name is a render error naming the file, so a typo in a
    /// template fails the build instead of shipping a broken link.
    pub fn register(&self, env: &mut Environment<'static>, base_path: &str) {
        let map: BTreeMap<String, String> = self
            .files
            .iter()
            .map(|(k, a)| (k.clone(), a.published.clone()))
            .collect();
        let base = base_path.to_owned();
        env.add_filter("asset", move |name: String| {
            map.get(name.trim_start_matches('/'))
                .map(|p| format!("{base}{p}"))
                .ok_or_else(|| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("`{name}` is not a file of the static folder (the `asset` filter takes a path such as 'style.css')"),
                    )
                })
        });
    }

    /// Copies every static file to `out` under its published name; returns (written,
    /// unchanged) counts. Errors name the file.
    pub fn write(&self, out: &dyn Output) -> Result<(usize, usize), (PathBuf, std::io::Error)> {
        let mut counts = (0, 0);
        for asset in self.files.values() {
            let (bytes, path) = match &asset.source {
                Source::File(path) => (
                    std::borrow::Cow::Owned(std::fs::read(path).map_err(|e| (path.clone(), e))?),
                    path.clone(),
                ),
                Source::Builtin(bytes) => (
                    std::borrow::Cow::Borrowed(*bytes),
                    PathBuf::from(&asset.published),
                ),
            };
            match out.write(&asset.published, &bytes).map_err(|e| (path, e))? {
                Written::Changed => counts.0 += 1,
                Written::Unchanged => counts.1 += 1,
            }
        }
        Ok(counts)
    }
}

/// `dir/a/b.css` → `a/b.css`.
pub fn relative_name(dir: &Path, file: &Path) -> String {
    file.strip_prefix(dir)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

fn is_hashed(name: &str) -> bool {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| HASHED_EXTENSIONS.contains(&e))
}

/// `css/site.css` + bytes → `css/site.<8 hex digits of BLAKE3>.css`.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes).to_hex();
    let short = &hash.as_str()[..8];
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') && !stem.is_empty() => {
            format!("{stem}.{short}.{ext}")
        }
        _ => format!("{name}.{short}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_and_js_get_content_hashes_other_files_keep_names() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("img")).unwrap();
        std::fs::write(dir.path().join("style.css"), "body{}").unwrap();
        std::fs::write(dir.path().join("img/logo.svg"), "<svg/>").unwrap();
        let assets = Assets::load(dir.path()).unwrap();
        let css = assets.published("style.css").unwrap();
        assert!(css.starts_with("style.") && css.ends_with(".css") && css.len() == 18);
        assert_eq!(assets.published("img/logo.svg"), Some("img/logo.svg"));
        // A change to the bytes changes the name.
        std::fs::write(dir.path().join("style.css"), "body{color:red}").unwrap();
        let again = Assets::load(dir.path()).unwrap();
        assert_ne!(again.published("style.css").unwrap(), css);
        let mut env = Environment::new();
        again.register(&mut env, "/repo/");
        let html = env.render_str("{{ 'style.css'|asset }}", ()).unwrap();
        assert_eq!(
            html,
            format!("/repo/{}", again.published("style.css").unwrap())
        );
        let err = env.render_str("{{ 'nope.css'|asset }}", ()).unwrap_err();
        assert!(err.to_string().contains("nope.css"), "{err}");
    }
}
