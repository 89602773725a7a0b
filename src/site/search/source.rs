//! Where an index run reads the site from.
//!
//! A build lends the index its site for the whole run. The preview holds its site in an
//! `Arc` and changes it in place after an edit; if its index held the `Arc` too, each edit
//! during a run would copy the whole site (1.9 GB at 500,000 tools). So the preview's index
//! holds it weakly, and reads it only while it plans its bundles and builds each bundle's
//! records (about 0.1 s per 10,000 tools), never while Pagefind indexes them (2–3 s). An
//! edit then finds the site unshared, changes it in place, and the run stops at its next
//! read ([`SearchError::Stale`]): the bundles it finished stay in its output, and the run
//! that follows keeps those the edit left alone.

use super::SearchError;
use crate::site::SiteData;
use std::sync::Weak;

/// The site an index is built from.
#[derive(Debug, Clone)]
pub enum Source<'a> {
    /// Lent for the whole run (`toolpages build`, `toolpages check`).
    Borrowed(&'a SiteData),
    /// Held weakly by a preview that may change it while it is indexed.
    Shared(Weak<SiteData>),
}

impl Source<'_> {
    /// `read` applied to the site. Errors: [`SearchError::Stale`] when a shared site was
    /// changed or dropped since the run began.
    pub fn read<R>(&self, read: impl FnOnce(&SiteData) -> R) -> Result<R, SearchError> {
        match self {
            Source::Borrowed(data) => Ok(read(data)),
            Source::Shared(site) => site
                .upgrade()
                .map(|data| read(&data))
                .ok_or(SearchError::Stale),
        }
    }
}
