//! Stable, collision-free slugs and the paths of every page.
//!
//! Slugs are lowercase ASCII (safe on case-insensitive file systems); characters outside
//! `[a-z0-9_-]` become `-`. When two servers (or two tools of one server) give the same slug,
//! the first in sorted order keeps it and the others get `-2`, `-3`, ... so a slug never
//! changes because an unrelated entry was added elsewhere.

use crate::catalogue::Catalogue;
use std::collections::HashMap;

/// Slugs of every server and tool, indexed like `catalogue.servers[s].tools[t]`.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    /// `servers[s]`: the slug of server `s`.
    pub servers: Vec<String>,
    /// `tools[s][t]`: the slug of tool `t` of server `s`.
    pub tools: Vec<Vec<String>>,
}

impl Routes {
    /// Computes every slug of a catalogue.
    pub fn new(catalogue: &Catalogue) -> Routes {
        let servers = unique_slugs(catalogue.servers.iter().map(|s| s.id.as_str()), "server");
        let tools = catalogue
            .servers
            .iter()
            .map(|s| unique_slugs(s.tools.iter().map(|t| t.name.as_str()), "tool"))
            .collect();
        Routes { servers, tools }
    }

    /// Path of a server page, such as `servers/github/` (no leading slash).
    pub fn server(&self, s: usize) -> String {
        format!("servers/{}/", self.servers[s])
    }

    /// Path of a tool page, such as `servers/github/create_issue/`.
    pub fn tool(&self, s: usize, t: usize) -> String {
        format!("servers/{}/{}/", self.servers[s], self.tools[s][t])
    }
}

/// Lowercase ASCII slug: letters, digits, `_` and `-` kept, runs of anything else become one
/// `-`; `fallback` when nothing is left (for example a name in Chinese).
pub fn slugify(text: &str, fallback: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        fallback.to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Slugs for `names` (in their given order), unique among themselves. Ties are broken by
/// exact match, then sorted name, so the result does not depend on the order of `names`.
fn unique_slugs<'a>(names: impl Iterator<Item = &'a str>, fallback: &str) -> Vec<String> {
    let names: Vec<&str> = names.collect();
    let base: Vec<String> = names.iter().map(|n| slugify(n, fallback)).collect();
    // A name that already is its slug keeps it; then sorted names go first.
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| (names[a] != base[a], names[a]).cmp(&(names[b] != base[b], names[b])));
    let mut slugs = vec![String::new(); names.len()];
    let mut taken: HashMap<String, usize> = HashMap::with_capacity(names.len());
    // First pass: plain slugs, so a name that slugifies to `x-2` on its own keeps it.
    for &i in &order {
        taken.entry(base[i].clone()).or_insert(i);
    }
    for &i in &order {
        if taken.get(&base[i]) == Some(&i) {
            slugs[i] = base[i].clone();
            continue;
        }
        let mut n = 2;
        let slug = loop {
            let candidate = format!("{}-{n}", base[i]);
            if !taken.contains_key(&candidate) {
                break candidate;
            }
            n += 1;
        };
        taken.insert(slug.clone(), i);
        slugs[i] = slug;
    }
    slugs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_and_stable() {
        assert_eq!(slugify("Search Docs", "t"), "search-docs");
        assert_eq!(slugify("files.read", "t"), "files-read");
        assert_eq!(slugify("get_File", "t"), "get_file");
        assert_eq!(slugify("查询", "tool"), "tool");
        assert_eq!(slugify("../etc/passwd", "t"), "etc-passwd");
    }

    #[test]
    fn collisions_get_numbered_independently_of_order() {
        let a = unique_slugs(
            ["getFile", "getfile", "GetFile", "getfile-2"].into_iter(),
            "t",
        );
        assert_eq!(a, ["getfile-4", "getfile", "getfile-3", "getfile-2"]);
        let b = unique_slugs(
            ["getfile-2", "GetFile", "getfile", "getFile"].into_iter(),
            "t",
        );
        assert_eq!(b, ["getfile-2", "getfile-3", "getfile", "getfile-4"]);
    }
}
