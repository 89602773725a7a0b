//! What static hosts accept, as their documentation states it. A limit a host does not
//! document is `None` and not checked.

/// The most entries (files and folders) any output folder may hold, whatever the host:
/// Netlify fails deploys above 54,000 files per folder, and file systems and sync tools
/// slow down well before that; the site keeps every folder at or under this number.
pub const MAX_DIRECTORY_ENTRIES: usize = 50_000;

/// A static host with documented limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Host {
    /// GitHub Pages.
    GithubPages,
    /// Cloudflare Pages, free plan.
    CloudflarePages,
    /// Netlify.
    Netlify,
}

/// One host's limits; `None` where the host documents none.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Display name.
    pub name: &'static str,
    /// Files per deployment.
    pub max_files: Option<usize>,
    /// Bytes per file.
    pub max_file_bytes: Option<u64>,
    /// Bytes of the whole published site.
    pub max_total_bytes: Option<u64>,
    /// Entries per folder.
    pub max_directory_entries: Option<usize>,
    /// Where the numbers come from.
    pub source: &'static str,
}

const MIB: u64 = 1024 * 1024;
const MB: u64 = 1000 * 1000;
const GB: u64 = 1000 * MB;

impl Host {
    /// The host's documented limits.
    pub fn limits(self) -> Limits {
        match self {
            // "Published GitHub Pages sites may be no larger than 1 GB"; files above 100 MB
            // are rejected by GitHub (its hard limit on a file in a repository).
            Host::GithubPages => Limits {
                name: "GitHub Pages",
                max_files: None,
                max_file_bytes: Some(100 * MB),
                max_total_bytes: Some(GB),
                max_directory_entries: None,
                source: "https://docs.github.com/en/pages/getting-started-with-github-pages/github-pages-limits",
            },
            // 20,000 files per site on the Free plan (100,000 on paid plans), 25 MiB per file.
            Host::CloudflarePages => Limits {
                name: "Cloudflare Pages (Free plan)",
                max_files: Some(20_000),
                max_file_bytes: Some(25 * MIB),
                max_total_bytes: None,
                max_directory_entries: None,
                source: "https://developers.cloudflare.com/pages/platform/limits/",
            },
            // No limit on files per deploy, but 54,000 files per directory.
            Host::Netlify => Limits {
                name: "Netlify",
                max_files: None,
                max_file_bytes: None,
                max_total_bytes: None,
                max_directory_entries: Some(54_000),
                source: "https://docs.netlify.com/site-deploys/overview/#files-per-directory-limit",
            },
        }
    }
}

/// Checks the output's shape against `limits`: `files` are (path, bytes) pairs. Returns one
/// message per limit exceeded (naming the largest offenders).
pub fn exceeded(limits: &Limits, files: &[(String, u64)]) -> Vec<String> {
    let mut problems = Vec::new();
    let at = format!("(limit of {}, see {})", limits.name, limits.source);
    if let Some(max) = limits.max_files {
        if files.len() > max {
            problems.push(format!(
                "the site has {} files, more than {max} {at}",
                files.len()
            ));
        }
    }
    if let Some(max) = limits.max_file_bytes {
        for (path, bytes) in files.iter().filter(|(_, b)| *b > max) {
            problems.push(format!(
                "{path} is {bytes} bytes, more than {max} bytes {at}"
            ));
        }
    }
    if let Some(max) = limits.max_total_bytes {
        let total: u64 = files.iter().map(|(_, b)| b).sum();
        if total > max {
            problems.push(format!(
                "the site is {total} bytes, more than {max} bytes {at}"
            ));
        }
    }
    if let Some(max) = limits.max_directory_entries {
        problems.extend(crowded_directories(files, max, &at));
    }
    problems
}

/// Folders holding more than `max` entries (files and subfolders).
pub fn crowded_directories(files: &[(String, u64)], max: usize, why: &str) -> Vec<String> {
    use std::collections::{HashMap, HashSet};
    let mut entries: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (path, _) in files {
        let mut rest = path.as_str();
        while let Some((dir, _)) = rest.rsplit_once('/') {
            entries.entry(dir).or_default().insert(rest);
            rest = dir;
        }
        entries.entry("").or_default().insert(rest);
    }
    let mut crowded: Vec<String> = entries
        .into_iter()
        .filter(|(_, e)| e.len() > max)
        .map(|(dir, e)| {
            format!(
                "folder /{dir} holds {} entries, more than {max} {why}",
                e.len()
            )
        })
        .collect();
    crowded.sort();
    crowded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_entries_per_folder_and_sizes() {
        let files: Vec<(String, u64)> = (0..5)
            .map(|i| (format!("servers/s{i}/index.html"), 10))
            .chain([("big.css".to_owned(), 30 * MIB)])
            .collect();
        assert_eq!(crowded_directories(&files, 5, "").len(), 0);
        let crowded = crowded_directories(&files, 4, "");
        assert_eq!(crowded.len(), 1);
        assert!(
            crowded[0].starts_with("folder /servers holds 5 entries"),
            "{crowded:?}"
        );
        let cf = exceeded(&Host::CloudflarePages.limits(), &files);
        assert_eq!(cf.len(), 1);
        assert!(cf[0].starts_with("big.css is 31457280 bytes"), "{cf:?}");
        assert!(exceeded(&Host::GithubPages.limits(), &files).is_empty());
    }
}
