//! The site: routes and slugs, the page plan, rendering with MiniJinja, and writing.
//!
//! [`build`] runs the whole pipeline: load the catalogue, analyse every tool, plan every
//! page, then render and write the pages in one rayon pass over the plan, each page written
//! as soon as it is rendered (no whole-site HTML is held in memory).

pub mod attacks;
mod browse;
mod build;
pub mod cache;
pub mod config;
pub mod escape;
pub mod faq;
pub mod index;
pub mod jsonld;
pub mod markdown;
pub mod output;
pub mod pages;
pub mod policies;
pub mod publish;
pub mod routes;
pub mod rows;
pub mod search;
mod state;
pub mod templates;
pub mod timings;

pub use browse::load_content;
#[cfg(test)]
pub(crate) use build::bundled_site;
pub use build::{
    build, render_error_text, render_site, BuildError, BuildOptions, BuildSummary, Progress,
};
pub use config::Config;
pub use publish::{build_with, PublishOptions};

use crate::analysis::Analysis;
use crate::catalogue::Catalogue;
use crate::classify::Overrides;
use attacks::Attack;
use index::Index;
use routes::Routes;

/// Everything the pages are rendered from, computed once per build.
#[derive(Debug, Clone)]
pub struct SiteData {
    /// Site settings.
    pub config: Config,
    /// The valid servers and tools.
    pub catalogue: Catalogue,
    /// Slugs of every server and tool.
    pub routes: Routes,
    /// Classification and policy of every tool, `analysis[s][t]`.
    pub analysis: Analysis,
    /// Attack patterns from `content/attacks/`, sorted by file name.
    pub attacks: Vec<Attack>,
    /// Tools by category, by level, per server, by shared name; attacks by category.
    pub index: Index,
}

impl SiteData {
    /// Analyses a catalogue (no reviews, no attack patterns) and computes its routes.
    pub fn new(config: Config, catalogue: Catalogue) -> SiteData {
        SiteData::with_content(config, catalogue, &Overrides::default(), Vec::new())
    }

    /// Analyses a catalogue with its reviews and attack patterns, and computes its routes
    /// and browse index.
    pub fn with_content(
        config: Config,
        catalogue: Catalogue,
        overrides: &Overrides,
        attacks: Vec<Attack>,
    ) -> SiteData {
        let analysis = crate::analysis::analyse_with(&catalogue, overrides);
        SiteData::with_analysis(config, catalogue, analysis, attacks)
    }

    /// Site data from an analysis already computed (`analysis[s]` for `catalogue.servers[s]`),
    /// as the preview server does after re-analysing only the servers that changed.
    pub fn with_analysis(
        config: Config,
        catalogue: Catalogue,
        analysis: Analysis,
        attacks: Vec<Attack>,
    ) -> SiteData {
        let routes = Routes::new(&catalogue);
        let attack_categories: Vec<_> = attacks.iter().map(|a| a.categories.clone()).collect();
        let index = Index::new(&catalogue, &analysis, &attack_categories);
        SiteData {
            config,
            catalogue,
            routes,
            analysis,
            attacks,
            index,
        }
    }
}
