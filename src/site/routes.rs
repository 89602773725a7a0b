//! Stable, collision-free slugs and the paths of every page.
//!
//! Slugs are lowercase ASCII (safe on case-insensitive file systems); characters outside
//! `[a-z0-9_-]` become `-`. When two servers (or two tools of one server) give the same slug,
//! the first in sorted order keeps it and the others get `-2`, `-3`, ... so a slug never
//! changes because an unrelated entry was added elsewhere.
//!
//! Server folders live in `servers/<server>/`. A folder with hundreds of thousands of entries
//! is slow to list and breaks some hosts and tools, so above [`SHARD_ABOVE`] servers they move
//! one level down, to `servers/<shard>/<server>/`, where `<shard>` is the first two hex digits
//! of the BLAKE3 hash of the server's slug (256 shards of about equal size: every folder stays
//! under 50,000 entries up to about 12 million servers). The shard depends only on the slug, so
//! it is stable; smaller catalogues keep the short URLs.
//!
//! Tool folders live in their server's folder, and a server with more than [`SHARD_ABOVE`]
//! tools has its tool folders sharded the same way, by tool slug:
//! `servers/<server>/<shard>/<tool>/`. Other servers keep `servers/<server>/<tool>/`.

use crate::catalogue::Catalogue;
use rayon::prelude::*;
use std::collections::HashMap;

/// Most servers a catalogue can have with every server folder directly in `servers/`, and
/// most tools a server can have with every tool folder directly in the server's folder;
/// above it, those folders are sharded (see the module documentation). `servers/` also holds
/// `index.html` and `page/` (a server folder its page and policy files), and the margin
/// below 50,000 leaves room for more such entries.
pub const SHARD_ABOVE: usize = 45_000;

/// Slugs of every server and tool, indexed like `catalogue.servers[s].tools[t]`.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    /// `servers[s]`: the slug of server `s`.
    pub servers: Vec<String>,
    /// `tools[s][t]`: the slug of tool `t` of server `s`.
    pub tools: Vec<Vec<String>>,
    /// `folders[s]`: the folder of server `s` below `servers/`: its slug, or `<shard>/<slug>`
    /// when the catalogue has more than [`SHARD_ABOVE`] servers.
    pub folders: Vec<String>,
    /// `tool_folders[s][t]`: the folder of tool `t` below its server's folder when server `s`
    /// has more than [`SHARD_ABOVE`] tools (`<shard>/<slug>`); empty for every other server,
    /// whose tool folders are their slugs (see [`Routes::tool_folder`]).
    tool_folders: Vec<Vec<String>>,
}

impl Routes {
    /// Computes every slug of a catalogue.
    pub fn new(catalogue: &Catalogue) -> Routes {
        Routes::with_shard_above(catalogue, SHARD_ABOVE)
    }

    /// [`Routes::new`] with another sharding threshold (tests use a small one).
    pub fn with_shard_above(catalogue: &Catalogue, shard_above: usize) -> Routes {
        let servers = unique_slugs(catalogue.servers.iter().map(|s| s.id.as_str()), "server");
        let tools: Vec<Vec<String>> = catalogue
            .servers
            .par_iter()
            .map(|s| unique_slugs(s.tools.iter().map(|t| t.name.as_str()), "tool"))
            .collect();
        let folders = sharded(&servers, shard_above).unwrap_or_else(|| servers.clone());
        let tool_folders = tools
            .iter()
            .map(|slugs| sharded(slugs, shard_above).unwrap_or_default())
            .collect();
        Routes {
            servers,
            tools,
            folders,
            tool_folders,
        }
    }

    /// Path of a server page, such as `servers/github/` or, sharded, `servers/3f/github/`
    /// (no leading slash).
    pub fn server(&self, s: usize) -> String {
        format!("servers/{}/", self.folders[s])
    }

    /// Path of a tool page, such as `servers/github/create_issue/`.
    pub fn tool(&self, s: usize, t: usize) -> String {
        format!("servers/{}/{}/", self.folders[s], self.tool_folder(s, t))
    }

    /// The folder of tool `t` of server `s` below its server's folder: the tool's slug, or
    /// `<shard>/<slug>` when the server has more than [`SHARD_ABOVE`] tools.
    pub fn tool_folder(&self, s: usize, t: usize) -> &str {
        let folders = &self.tool_folders[s];
        if folders.is_empty() {
            &self.tools[s][t]
        } else {
            &folders[t]
        }
    }
}

/// The folders `<shard>/<slug>` of `slugs` when there are more than `shard_above` of them;
/// `None` when they fit in one folder.
fn sharded(slugs: &[String], shard_above: usize) -> Option<Vec<String>> {
    (slugs.len() > shard_above).then(|| {
        slugs
            .iter()
            .map(|slug| format!("{}/{slug}", shard(slug)))
            .collect()
    })
}

/// The shard of a server or tool slug: the first two hex digits of its BLAKE3 hash.
pub fn shard(slug: &str) -> String {
    blake3::hash(slug.as_bytes()).to_hex()[..2].to_owned()
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

    fn catalogue(ids: impl Iterator<Item = String>) -> Catalogue {
        let lines: Vec<String> = ids
            .map(|id| format!(r#"{{"id":"{id}","tools":[{{"name":"get"}}]}}"#))
            .collect();
        let loaded = crate::catalogue::load_str(
            std::path::Path::new("c.jsonl"),
            &lines.join("\n"),
            crate::catalogue::SourceFormat::JsonLines,
        );
        assert_eq!(loaded.error_count(), 0);
        loaded.catalogue
    }

    #[test]
    fn small_catalogues_keep_short_paths() {
        let routes = Routes::new(&catalogue(
            ["zed Editor", "github"].map(String::from).into_iter(),
        ));
        assert_eq!(routes.server(0), "servers/github/");
        assert_eq!(routes.tool(1, 0), "servers/zed-editor/get/");
    }

    #[test]
    fn large_catalogues_shard_server_folders_evenly_and_stably() {
        let catalogue = catalogue((0..2000).map(|i| format!("server-{i}")));
        let routes = Routes::with_shard_above(&catalogue, 1000);
        let mut per_shard: HashMap<String, usize> = HashMap::new();
        for s in 0..2000 {
            let path = routes.server(s);
            let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
            assert_eq!(parts.len(), 3, "{path}");
            assert_eq!(parts[1], shard(&routes.servers[s]));
            assert_eq!(parts[2], routes.servers[s]);
            assert_eq!(routes.tool(s, 0), format!("{path}get/"));
            *per_shard.entry(parts[1].to_owned()).or_default() += 1;
        }
        // 2,000 servers over 256 shards: about 8 each, none more than 4× that.
        assert!(per_shard.len() > 200, "{} shards used", per_shard.len());
        assert!(per_shard.values().all(|&n| n <= 32), "{per_shard:?}");
        // The shard of a slug never depends on the rest of the catalogue.
        assert_eq!(shard("github"), shard("github"));
        assert_eq!(shard("github").len(), 2);
        let again = Routes::with_shard_above(&catalogue, 10);
        assert_eq!(again.server(7), routes.server(7));
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
