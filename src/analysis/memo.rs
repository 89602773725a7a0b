//! Analyses kept between builds, so a rebuild classifies only the entries that changed.
//!
//! A tool's analysis is a pure function of its server's entry, its review and the code that
//! analyses it. An [`AnalysisMemo`] files each server's analyses under the digest of its
//! entry's source text ([`crate::catalogue::Server::digest`]), and is only read back by the
//! same code: its first line names a key (the caller passes the hash of the running
//! executable), and a memo with another key is ignored. Servers with a reviewed tool are
//! never remembered (a review lives in a file of its own), so they are analysed every time.
//!
//! The text is one line per server after the header: the digest's hex, a space, and the JSON
//! array of the server's [`ToolAnalysis`] values. A line is parsed only when its server is
//! still in the catalogue, and kept as it is for the next memo.

use super::{analyse_server, Analysis, ToolAnalysis};
use crate::catalogue::{Catalogue, Server};
use crate::classify::Overrides;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;

/// First words of a memo's first line; the key's hex follows.
const HEADER: &str = "toolpages analysis memo 1";

/// The analyses of an earlier build: each server's memo line, by entry digest.
#[derive(Debug, Default)]
pub struct AnalysisMemo<'a> {
    lines: HashMap<blake3::Hash, &'a str>,
}

impl<'a> AnalysisMemo<'a> {
    /// Reads a memo written by [`analyse_remembering`] under `key`. Text that is not a memo,
    /// or one written under another key, gives an empty memo; a damaged line is skipped (its
    /// server is analysed again). Never fails.
    pub fn parse(text: &'a str, key: &blake3::Hash) -> AnalysisMemo<'a> {
        let mut lines = text.lines();
        if lines.next() != Some(header(key).as_str()) {
            return AnalysisMemo::default();
        }
        let lines = lines
            .filter_map(|line| {
                let (digest, _) = line.split_once(' ')?;
                Some((blake3::Hash::from_hex(digest).ok()?, line))
            })
            .collect();
        AnalysisMemo { lines }
    }

    /// The remembered analyses of `server` and their memo line; `None` when the memo has
    /// none for its digest or they do not fit (damaged, another tool count).
    fn recall(&self, server: &Server) -> Option<(Vec<ToolAnalysis>, &'a str)> {
        let line = *self.lines.get(&server.digest)?;
        let (_, json) = line.split_once(' ')?;
        let analyses: Vec<ToolAnalysis> = serde_json::from_str(json).ok()?;
        (analyses.len() == server.tools.len()).then_some((analyses, line))
    }
}

/// The text of a memo, kept as its lines (the header, then one per server, most of them
/// borrowed from the last build's memo) and written out by [`MemoText::parts`] without being
/// joined: at 100,000 tools the memo is 62 MB, and joining it cost about 0.15 s of a
/// rebuild, most of it filling fresh memory.
#[derive(Debug)]
pub struct MemoText<'a> {
    lines: Vec<Cow<'a, str>>,
}

impl MemoText<'_> {
    /// The text as consecutive parts: each line, then a newline.
    pub fn parts(&self) -> Vec<&str> {
        self.lines
            .iter()
            .flat_map(|line| [line.as_ref(), "\n"])
            .collect()
    }
}

impl std::fmt::Display for MemoText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.parts()
            .into_iter()
            .try_for_each(|part| f.write_str(part))
    }
}

/// Analyses `catalogue` like [`super::analyse_with`], taking the analyses of every unchanged
/// server without reviews from `memo`. Returns the analysis (equal to
/// [`super::analyse_with`]'s) and the memo text for the next build under `key`.
pub fn analyse_remembering<'a>(
    catalogue: &Catalogue,
    overrides: &Overrides,
    memo: &AnalysisMemo<'a>,
    key: &blake3::Hash,
) -> (Analysis, MemoText<'a>) {
    let servers: Vec<(Vec<ToolAnalysis>, Option<Cow<'a, str>>)> = catalogue
        .servers
        .par_iter()
        .map(|server| {
            let reviewed = server
                .tools
                .iter()
                .any(|t| overrides.get(&server.id, &t.name).is_some());
            if !reviewed {
                if let Some((analyses, line)) = memo.recall(server) {
                    return (analyses, Some(Cow::Borrowed(line)));
                }
            }
            let analyses = analyse_server(server, overrides);
            let line = (!reviewed).then(|| {
                let json = serde_json::to_string(&analyses).expect("an analysis always serialises");
                Cow::Owned(format!("{} {json}", server.digest.to_hex()))
            });
            (analyses, line)
        })
        .collect();
    let mut lines = Vec::with_capacity(servers.len() + 1);
    lines.push(Cow::Owned(header(key)));
    let analysis = servers
        .into_iter()
        .map(|(analyses, line)| {
            lines.extend(line);
            analyses
        })
        .collect();
    (analysis, MemoText { lines })
}

fn header(key: &blake3::Hash) -> String {
    format!("{HEADER} {}", key.to_hex())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse_with;
    use crate::catalogue::{load_str, SourceFormat};
    use std::path::Path;

    fn bundled() -> Catalogue {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/catalogue.jsonl");
        let text = std::fs::read_to_string(&path).unwrap();
        load_str(&path, &text, SourceFormat::JsonLines).catalogue
    }

    /// Every analysis of the bundled catalogue survives the memo exactly, and an edited
    /// entry is analysed again.
    #[test]
    fn remembered_analyses_equal_fresh_ones() {
        let key = blake3::hash(b"this build");
        let mut catalogue = bundled();
        let overrides = Overrides::default();
        let fresh = analyse_with(&catalogue, &overrides);
        let (first, text) = analyse_remembering(&catalogue, &overrides, &Default::default(), &key);
        let text = text.to_string();
        assert_eq!(first, fresh);
        let memo = AnalysisMemo::parse(&text, &key);
        assert_eq!(memo.lines.len(), catalogue.servers.len());
        assert!(catalogue.servers.iter().all(|s| memo.recall(s).is_some()));
        let (again, text_again) = analyse_remembering(&catalogue, &overrides, &memo, &key);
        assert_eq!(again, fresh);
        assert_eq!(text_again.to_string(), text);

        // An edited entry has another digest: it is analysed again.
        catalogue.servers[0].digest = blake3::hash(b"an edited entry");
        assert!(memo.recall(&catalogue.servers[0]).is_none());
        assert!(AnalysisMemo::parse(&text, &blake3::hash(b"another build"))
            .lines
            .is_empty());
    }
}
