//! The site: routes and slugs, the page plan, rendering with MiniJinja, and writing.
//!
//! [`build`] runs the whole pipeline: load the catalogue, analyse every tool, plan every
//! page, then render and write the pages in one rayon pass over the plan, each page written
//! as soon as it is rendered (no whole-site HTML is held in memory).

mod build;
pub mod cache;
pub mod config;
pub mod faq;
pub mod markdown;
pub mod output;
pub mod pages;
pub mod routes;
pub mod templates;

pub use build::{build, render_site, BuildError, BuildOptions, BuildSummary, Progress};
pub use config::Config;

use crate::analysis::Analysis;
use crate::catalogue::Catalogue;
use routes::Routes;

/// Everything the pages are rendered from, computed once per build.
#[derive(Debug)]
pub struct SiteData {
    /// Site settings.
    pub config: Config,
    /// The valid servers and tools.
    pub catalogue: Catalogue,
    /// Slugs of every server and tool.
    pub routes: Routes,
    /// Classification and policy of every tool, `analysis[s][t]`.
    pub analysis: Analysis,
}

impl SiteData {
    /// Analyses a catalogue and computes its routes.
    pub fn new(config: Config, catalogue: Catalogue) -> SiteData {
        let analysis = crate::analysis::analyse(&catalogue);
        let routes = Routes::new(&catalogue);
        SiteData {
            config,
            catalogue,
            routes,
            analysis,
        }
    }
}
