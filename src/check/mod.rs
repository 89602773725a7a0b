//! `toolpages check`: builds the whole site in memory, writing nothing, and reports every
//! problem a publish would ship: broken internal links and anchors, policies that do not
//! validate, catalogue lint, folders above [`hosts::MAX_DIRECTORY_ENTRIES`] entries and, with
//! `--host`, that host's limits on files and sizes.
//!
//! Only the facts the checks need are kept while pages are rendered (each file's size, each
//! HTML file's ids, each distinct link target with the first page using it), never the pages
//! themselves, so checking costs about as much memory as building.

pub mod hosts;
pub mod links;

use crate::site::output::{Output, Written};
use crate::site::publish::precompress::Precompressed;
use crate::site::publish::{load_site, render_all, PublishOptions};
use crate::site::{BuildError, BuildOptions, SiteData};
pub use hosts::Host;
use links::Target;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// What `check` found.
#[derive(Debug, Default)]
pub struct Report {
    /// Files the site would publish.
    pub files: usize,
    /// Their total size, in bytes.
    pub bytes: u64,
    /// Distinct internal link targets checked (with or without a fragment).
    pub links: usize,
    /// Every problem, one line each; empty when the site is ready to publish.
    pub problems: Vec<String>,
    /// Catalogue warnings (not failures).
    pub warnings: Vec<String>,
    /// Lint findings on the catalogue ([`crate::catalogue::lint()`]), summarised, not failures.
    pub lint: Vec<crate::catalogue::Problem>,
}

/// Builds the site of `options` in memory (its `output` is ignored) and checks it; with
/// `precompress`, the `.gz`/`.br` copies count towards the host's limits too. Fails only when
/// the site cannot be built (catalogue errors, a template error, unreadable input).
pub fn check(
    options: &BuildOptions,
    host: Option<Host>,
    precompress: bool,
) -> Result<Report, BuildError> {
    let (data, warnings) = load_site(options)?;
    // Rendering validates every sample policy first (`site::policies::check_all`): an
    // invalid one fails the check with `BuildError::Policy`, naming server and tool.
    let recorder = Recorder::new(&data);
    let compressing = Precompressed::new(&recorder, None);
    let out: &dyn Output = if precompress { &compressing } else { &recorder };
    render_all(
        &data,
        &options.templates,
        &options.static_dir,
        &PublishOptions::default(),
        out,
        &(),
    )?;
    let seen = recorder
        .state
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    let names: HashSet<String> = seen.files.iter().map(|(p, _)| p.clone()).collect();
    let mut problems = seen.outside;
    problems.extend(links::broken(&seen.links, &names, &seen.ids));
    // Lint findings are data defects to report, not reasons the site cannot be published
    // (as in `build`); `toolpages lint --deny warnings` is the gate for those.
    let lint = crate::catalogue::lint(&data.catalogue);
    problems.extend(hosts::crowded_directories(
        &seen.files,
        hosts::MAX_DIRECTORY_ENTRIES,
        "(toolpages keeps every folder at or under this)",
    ));
    if let Some(host) = host {
        problems.extend(hosts::exceeded(&host.limits(), &seen.files));
    }
    Ok(Report {
        files: seen.files.len(),
        bytes: seen.files.iter().map(|(_, b)| b).sum(),
        links: seen.links.len(),
        problems,
        warnings: warnings.iter().map(ToString::to_string).collect(),
        lint,
    })
}

/// An [`Output`] that keeps sizes, ids and links instead of bytes.
struct Recorder {
    base_url: String,
    base_path: String,
    state: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    files: Vec<(String, u64)>,
    ids: HashMap<String, HashSet<String>>,
    links: HashMap<Target, String>,
    outside: Vec<String>,
}

impl Recorder {
    fn new(data: &SiteData) -> Recorder {
        Recorder {
            base_url: data.config.base_url.clone(),
            base_path: data.config.base_path().to_owned(),
            state: Mutex::new(Seen::default()),
        }
    }
}

impl Output for Recorder {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<Written> {
        // Parsing happens outside the lock, so rayon threads scan pages in parallel.
        let scanned = path.ends_with(".html").then(|| links::scan(bytes));
        let mut targets = Vec::new();
        let mut outside = Vec::new();
        if let Some(s) = &scanned {
            for link in &s.links {
                match links::resolve(link, path, &self.base_url, &self.base_path) {
                    Some(Ok(t)) => targets.push(t),
                    Some(Err(e)) => outside.push(format!("{path}: {e}")),
                    None => {}
                }
            }
        }
        let mut seen = self.state.lock().unwrap_or_else(|e| e.into_inner());
        seen.files.push((path.to_owned(), bytes.len() as u64));
        if let Some(s) = scanned {
            seen.ids
                .insert(path.to_owned(), s.ids.into_iter().collect());
        }
        for t in targets {
            seen.links.entry(t).or_insert_with(|| path.to_owned());
        }
        seen.outside.extend(outside);
        Ok(Written::Changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::bundled_site;
    use crate::site::routes::Routes;
    use crate::site::search::record;
    use crate::site::Config;

    /// With server folders and tool folders sharded (as in a catalogue of more than 45,000
    /// servers, or a server of more than 45,000 tools; here the bundled site, above 20), every
    /// link and anchor still resolves, no tool folder sits directly in a sharded server's
    /// folder, and each search record's tool ids lead to the tool pages as `search.js` builds
    /// their URLs (the record's URL before `#`, the id, `/`).
    #[test]
    fn sharded_server_and_tool_folders_leave_no_broken_link() {
        let options = bundled_site(Config::default());
        let (mut data, _) = load_site(&options).unwrap();
        data.routes = Routes::with_shard_above(&data.catalogue, 20);
        let recorder = Recorder::new(&data);
        let publish = PublishOptions::default();
        render_all(
            &data,
            &options.templates,
            &options.static_dir,
            &publish,
            &recorder,
            &(),
        )
        .unwrap();
        let seen = recorder.state.into_inner().unwrap();
        let names: HashSet<String> = seen.files.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(
            links::broken(&seen.links, &names, &seen.ids),
            Vec::<String>::new()
        );

        let large: Vec<usize> = (0..data.catalogue.servers.len())
            .filter(|&s| data.catalogue.servers[s].tools.len() > 20)
            .collect();
        assert!(large.len() > 10, "{} servers above 20 tools", large.len());
        for &s in &large {
            let server = data.routes.server(s);
            for t in 0..data.catalogue.servers[s].tools.len() {
                let tool = data.routes.tool(s, t);
                let below = tool.strip_prefix(&server).unwrap();
                let slug = &data.routes.tools[s][t];
                assert_eq!(
                    below,
                    format!("{}/{slug}/", crate::site::routes::shard(slug))
                );
                assert!(names.contains(&format!("{tool}index.html")), "{tool}");
            }
            for category in crate::classify::Category::ALL {
                let Some(record) = record::record(&data, s, category) else {
                    continue;
                };
                let page = record
                    .url
                    .split('#')
                    .next()
                    .unwrap()
                    .trim_start_matches('/');
                let ids: Vec<&str> = record
                    .html
                    .split("<h2 id=\"")
                    .skip(1)
                    .map(|rest| rest.split('"').next().unwrap())
                    .collect();
                assert_eq!(ids.len(), record.tools);
                for id in ids {
                    let file = format!("{page}{id}/index.html");
                    assert!(names.contains(&file), "{file}");
                }
            }
        }
    }
}
