//! Site settings from `toolpages.toml`, in the spirit of Zola's `config.toml`.

use super::search::SHARD_TOOLS;
use serde::Deserialize;
use std::path::Path;

/// The site settings. Every key is optional; command-line flags override the file.
///
/// ```toml
/// title = "MCP tool pages"
/// description = "Every tool of every MCP server, with its risk and a policy."
/// base_url = "https://example.org/tools/"
/// [[links]]
/// name = "GitHub"
/// url = "https://github.com/example/toolpages"
/// ```
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Site title, shown in the header and in every `<title>`.
    pub title: String,
    /// One-sentence description for the home page and `<meta name="description">`.
    pub description: String,
    /// Absolute URL the site is published at, such as `https://example.org/` (a path is
    /// allowed: `https://user.github.io/repo/`). Canonical URLs and the sitemap use it.
    pub base_url: String,
    /// Links shown in the footer.
    pub links: Vec<Link>,
    /// Language of the pages (`lang` attribute), default `en`.
    pub language: String,
    /// Tools per page on long listings (category, risk, servers).
    pub paginate_by: usize,
    /// Build the search index under `pagefind/` (default `true`, as Zola's key of the same
    /// name). Without it `/search/` shows only its links to the listings.
    pub build_search_index: bool,
    /// Tools per search shard (default [`SHARD_TOOLS`], 10,000): the catalogue is indexed
    /// in shards of at least this many tools (whole servers), each a Pagefind bundle. An
    /// edit re-indexes its shard, so smaller shards make a rebuild after an edit cheaper,
    /// while every shard adds requests and bytes to a reader's first query (README,
    /// "Shard size"). At least 1.
    pub search_shard_tools: usize,
}

/// A footer link.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// Link text.
    pub name: String,
    /// Target URL.
    pub url: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "MCP Tool Pages".into(),
            description: "Every tool of every MCP server: what it does, how risky it is, and a policy to put in front of it.".into(),
            base_url: "http://127.0.0.1:1111/".into(),
            links: Vec::new(),
            language: "en".into(),
            paginate_by: 100,
            build_search_index: true,
            search_shard_tools: SHARD_TOOLS,
        }
    }
}

/// Errors reading `toolpages.toml`.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown keys or wrong types.
    #[error("{path}: {source}")]
    Parse {
        /// The file.
        path: String,
        /// The TOML error, with line and column.
        source: Box<toml::de::Error>,
    },
    /// A value is present but unusable.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong and how to fix it.
        message: String,
    },
}

impl Config {
    /// Reads `path`; a missing file gives the defaults.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: shown,
                    source,
                })
            }
        };
        let config: Config = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: shown.clone(),
            source: Box::new(e),
        })?;
        config.checked().map_err(|message| ConfigError::Invalid {
            path: shown,
            message,
        })
    }

    /// Replaces the base URL (from `--base-url`), checking it.
    pub fn with_base_url(mut self, base_url: &str) -> Result<Config, String> {
        self.base_url = base_url.to_owned();
        self.checked()
    }

    fn checked(mut self) -> Result<Config, String> {
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err(format!(
                "base_url `{}` must be an absolute http:// or https:// URL, such as https://example.org/",
                self.base_url
            ));
        }
        if !self.base_url.ends_with('/') {
            self.base_url.push('/');
        }
        if self.paginate_by == 0 {
            return Err("paginate_by must be at least 1".into());
        }
        if self.search_shard_tools == 0 {
            return Err(format!(
                "search_shard_tools must be at least 1 (the default is {SHARD_TOOLS})"
            ));
        }
        Ok(self)
    }

    /// The path part of the base URL, always starting and ending with `/` (`/` or `/repo/`);
    /// internal links are prefixed with it so the site works under a sub-path.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, rest)| rest);
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    }

    /// The absolute URL of a site path such as `servers/x/` (no leading slash).
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_and_permalinks() {
        let c = Config::default()
            .with_base_url("https://u.github.io/repo")
            .unwrap();
        assert_eq!(c.base_path(), "/repo/");
        assert_eq!(
            c.permalink("/servers/a/"),
            "https://u.github.io/repo/servers/a/"
        );
        let c = Config::default()
            .with_base_url("https://example.org/")
            .unwrap();
        assert_eq!(c.base_path(), "/");
    }

    #[test]
    fn rejects_relative_base_url_and_unknown_keys() {
        assert!(Config::default().with_base_url("example.org").is_err());
        assert!(toml::from_str::<Config>("titel = \"x\"").is_err());
    }

    #[test]
    fn search_shard_size_from_the_file_and_never_zero() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("toolpages.toml");
        std::fs::write(&path, "search_shard_tools = 2000\n").unwrap();
        assert_eq!(Config::load(&path).unwrap().search_shard_tools, 2000);
        assert_eq!(Config::default().search_shard_tools, SHARD_TOOLS);
        std::fs::write(&path, "search_shard_tools = 0\n").unwrap();
        let error = Config::load(&path).unwrap_err().to_string();
        assert!(
            error.contains("toolpages.toml")
                && error.contains("search_shard_tools must be at least 1"),
            "{error}"
        );
    }
}
