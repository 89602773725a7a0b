//! `toolpages build`: load → analyse → plan → render and write, in parallel.

use super::cache::BuildCache;
use super::output::{Output, Written};
use super::pages::{plan, Page};
use super::rows::{Rows, ThreadRows};
use super::search::{beside, SearchError, SearchSummary};
use super::timings::{Stage, Stages, Stopwatch, Timings};
use super::{Config, SiteData};
use crate::analysis::Analysis;
use crate::catalogue::{self, Problem};
use crate::classify::Overrides;
use minijinja::Environment;
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where a build reads from and writes to.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The catalogue folder (`content/`).
    pub content: PathBuf,
    /// The user's templates (`templates/`); missing files fall back to the built-in ones.
    pub templates: PathBuf,
    /// Files copied as they are (`static/`).
    pub static_dir: PathBuf,
    /// The output folder (`public/`).
    pub output: PathBuf,
    /// Site settings (already merged with command-line flags).
    pub config: Config,
    /// Build the valid entries even when some are invalid (the problems are still reported).
    pub skip_invalid: bool,
}

/// What a build did.
#[derive(Debug, Clone, Default)]
pub struct BuildSummary {
    /// Servers built.
    pub servers: usize,
    /// Tools built.
    pub tools: usize,
    /// Pages rendered (HTML files).
    pub pages: usize,
    /// Files written because they were new or changed (pages, assets, generated files).
    pub written: usize,
    /// Files left untouched because their bytes were already there.
    pub unchanged: usize,
    /// Wall-clock time of the whole build, in seconds.
    pub seconds: f64,
    /// Every catalogue problem found (errors were skipped only with `skip_invalid`).
    pub problems: Vec<Problem>,
    /// The search index (its files are also counted in `written` / `unchanged`).
    pub search: SearchSummary,
    /// Files from earlier builds removed because this build no longer produces them.
    pub removed: usize,
    /// Things the user should know that are not errors (such as an output folder that was
    /// not cleaned).
    pub notes: Vec<String>,
    /// Every lint finding on the built catalogue ([`catalogue::lint()`]).
    pub lint: Vec<Problem>,
    /// Where the time went, phase by phase.
    pub timings: Timings,
}

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The catalogue has errors; nothing was written. Each problem names file, line, server
    /// and tool.
    #[error("the catalogue has {} error(s); nothing was written (use --skip-invalid to build the valid entries anyway)", count_errors(.0))]
    Catalogue(Vec<Problem>),
    /// A template failed to render a page.
    #[error("rendering {page} with template {template}: {message}")]
    Render {
        /// The output file.
        page: String,
        /// The template name.
        template: String,
        /// MiniJinja's error, with the template line.
        message: String,
    },
    /// A sample policy the build would write breaks the policy spec (a generator bug): the
    /// server, the tool (none for the server-wide document), the format and every problem.
    #[error("invalid sample policy for server `{server}`{}{}: {}", .tool.as_ref().map(|t| format!(", tool `{t}`")).unwrap_or_default(), if .format.is_empty() { String::new() } else { format!(" ({})", .format) }, .problems.join("; "))]
    Policy {
        /// The server id.
        server: String,
        /// The tool, or `None` for the server's whole policy.
        tool: Option<String>,
        /// `PolicyLayer JSON` or `Intercept YAML` (empty when writing failed).
        format: String,
        /// What is wrong, one problem each.
        problems: Vec<String>,
    },
    /// The search index could not be built or written.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// Reading input or writing output failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

fn count_errors(problems: &[Problem]) -> usize {
    problems
        .iter()
        .filter(|p| p.severity == catalogue::Severity::Error)
        .count()
}

/// Progress reporting: told the number of pages, then ticked once per page.
pub trait Progress: Sync {
    /// The number of pages about to be rendered.
    fn start(&self, _pages: usize) {}
    /// One page done.
    fn tick(&self) {}
}

impl Progress for () {}

/// Loads, analyses and renders the site into `options.output` (see
/// [`super::publish::build_with`] for precompression and a smaller sitemap chunk).
pub fn build(options: &BuildOptions, progress: &dyn Progress) -> Result<BuildSummary, BuildError> {
    super::publish::build_with(
        options,
        &super::publish::PublishOptions::default(),
        progress,
    )
}

/// Loads and analyses the catalogue of `options.content`; the problems come back too (only
/// warnings, or errors when `skip_invalid` is set).
pub(crate) fn load_site(options: &BuildOptions) -> Result<(SiteData, Vec<Problem>), BuildError> {
    let (data, problems, ()) = load_site_with(options, |catalogue, overrides| {
        (crate::analysis::analyse_with(catalogue, overrides), ())
    })?;
    Ok((data, problems))
}

/// [`load_site`] with the analysis made by `analyse` (given the catalogue and its reviews),
/// which also returns something of its own (such as a memo for the next build).
pub(crate) fn load_site_with<T>(
    options: &BuildOptions,
    analyse: impl FnOnce(&catalogue::Catalogue, &Overrides) -> (Analysis, T),
) -> Result<(SiteData, Vec<Problem>, T), BuildError> {
    let mut loaded = catalogue::load(&options.content).map_err(|source| BuildError::Io {
        path: options.content.clone(),
        source,
    })?;
    let (overrides, attacks) = super::browse::load_content(&options.content, &mut loaded);
    if loaded.error_count() > 0 && !options.skip_invalid {
        return Err(BuildError::Catalogue(loaded.problems));
    }
    let (analysis, own) = analyse(&loaded.catalogue, &overrides);
    let data = SiteData::with_analysis(options.config.clone(), loaded.catalogue, analysis, attacks);
    Ok((data, loaded.problems, own))
}

/// The options of a build of the bundled site (`content/`, `templates/`, `static/` of this
/// repository) with `config`, for unit tests that load it; its output folder is never
/// written.
#[cfg(test)]
pub(crate) fn bundled_site(config: super::Config) -> BuildOptions {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    BuildOptions {
        content: root.join("content"),
        templates: root.join("templates"),
        static_dir: root.join("static"),
        output: root.join("target/unused"),
        config,
        skip_invalid: false,
    }
}

/// Renders every page of `data` into `out` in one rayon pass while the search index is built
/// beside it; returns the counts (no problems, no time: the caller fills those in).
pub fn render_site(
    data: &SiteData,
    env: &Environment<'static>,
    out: &dyn Output,
    progress: &dyn Progress,
) -> Result<BuildSummary, BuildError> {
    with_search_beside(data, out, || {
        render_site_with(data, env, out, progress, None)
    })
}

/// Runs `render` while the search index of `data` is built into `out` beside it
/// ([`super::search::beside`]), and adds the index to the summary `render` returns: its
/// files to `written` and `unchanged`, its time to the timings.
pub(crate) fn with_search_beside(
    data: &SiteData,
    out: &dyn Output,
    render: impl FnOnce() -> Result<BuildSummary, BuildError>,
) -> Result<BuildSummary, BuildError> {
    let (rendered, search) = beside(data, out, render);
    let mut summary = rendered?;
    let search = search?;
    summary.written += search.written;
    summary.unchanged += search.unchanged;
    summary
        .timings
        .phases
        .push(("search (beside)", search.seconds));
    summary.search = search;
    Ok(summary)
}

/// Renders every page of `data` into `out` in one rayon pass (the search index is the
/// caller's, see [`super::search::beside`]), leaving out the server and tool pages `cache`
/// says are already in `out` byte for byte (they count as unchanged, and `out` is told they
/// are kept, see [`Output::reuse`]).
pub(crate) fn render_site_with(
    data: &SiteData,
    env: &Environment<'static>,
    out: &dyn Output,
    progress: &dyn Progress,
    cache: Option<&BuildCache>,
) -> Result<BuildSummary, BuildError> {
    let mut timings = Timings::default();
    let mut clock = Stopwatch::start();
    let pages = plan(data);
    clock.lap(&mut timings, "plan");
    if let Some(cache) = cache {
        let files = pages.par_iter().filter_map(|page| {
            let s = page.server()?;
            Some((s, page.tool(), || page.file(data)))
        });
        cache.prefetch(out, files);
        clock.lap(&mut timings, "check kept pages");
    }
    progress.start(pages.len());
    let tally = Tally::default();
    let order = super::browse::render_order(&pages);
    render_pages(&order, data, env, out, progress, cache, &tally)?;
    clock.lap(&mut timings, "render and write pages");
    tally.stages.report(&mut timings);
    Ok(BuildSummary {
        servers: data.catalogue.servers.len(),
        tools: data.catalogue.tool_count(),
        pages: pages.len(),
        written: tally.written.into_inner(),
        unchanged: tally.unchanged.into_inner(),
        timings,
        ..BuildSummary::default()
    })
}

/// What the render threads count as they go.
#[derive(Default)]
struct Tally {
    /// Files written because they were new or changed.
    written: AtomicUsize,
    /// Files whose bytes were already there.
    unchanged: AtomicUsize,
    /// Time spent in each stage of making a page.
    stages: Stages,
}

/// Renders and writes `pages` in parallel, counting into `tally`. Each rayon worker renders
/// into one reused buffer, with its own cache of table rows ([`ThreadRows`]).
fn render_pages(
    pages: &[Page],
    data: &SiteData,
    env: &Environment<'static>,
    out: &dyn Output,
    progress: &dyn Progress,
    cache: Option<&BuildCache>,
    tally: &Tally,
) -> Result<(), BuildError> {
    let rows = ThreadRows::new(env);
    pages.par_iter().try_for_each_init(
        || Vec::with_capacity(64 * 1024),
        |buffer, page| {
            let stages = &tally.stages;
            let outcome = render_or_reuse(page, data, &mut rows.get(), cache, stages, out, buffer)?;
            let count = match outcome {
                None | Some(Written::Unchanged) => &tally.unchanged,
                Some(Written::Changed) => &tally.written,
            };
            count.fetch_add(1, Ordering::Relaxed);
            progress.tick();
            Ok(())
        },
    )
}

/// Renders `page` into `buffer` and writes it to its file, unless `cache` says `out` already
/// holds exactly these bytes (then `None`: nothing rendered, and `out` is told the file is
/// kept, see [`Output::reuse`], so the stale-file cleanup leaves it and its compressed
/// copies alone). Each stage's time goes to `stages`.
fn render_or_reuse(
    page: &Page,
    data: &SiteData,
    rows: &mut Rows,
    cache: Option<&BuildCache>,
    stages: &Stages,
    out: &dyn Output,
    buffer: &mut Vec<u8>,
) -> Result<Option<Written>, BuildError> {
    let file = &page.file(data);
    let write = |bytes: &[u8]| {
        stages
            .time(Stage::Write, || out.write(file, bytes))
            .map(Some)
            .map_err(|source| BuildError::Io {
                path: file.into(),
                source,
            })
    };
    // A page of a server whose fingerprint is unchanged since the last build, and whose
    // file is still there, already holds the bytes this build would render.
    let owner = page.server();
    if let (Some(s), Some(cache)) = (owner, cache) {
        if cache.keeps(s, page.tool(), out, file) {
            return Ok(None);
        }
    }
    buffer.clear();
    match cache {
        Some(cache) if owner.is_none() => {
            // Category and risk listings: their inputs decide, without building the context.
            if let Some(unchanged) = cache.listing_unchanged(file, page, data, buffer) {
                if unchanged && out.reuse(file) {
                    return Ok(None);
                }
                buffer.clear();
                render_page_into(page, data, rows, stages, file, buffer)?;
            } else {
                // Other pages of the whole site are cheap to describe and costly to render:
                // their context decides.
                let context = stages.time(Stage::Context, || page.context(data, rows))?;
                if cache.page_unchanged(file, &context, buffer) && out.reuse(file) {
                    return Ok(None);
                }
                buffer.clear();
                render_context_into(page, context, file, rows.env(), stages, buffer)?;
            }
        }
        // Without a cache, every page; with one, a server's pages not kept above (its
        // generated policy files too: `render_page_into` copies their text as is).
        _ => render_page_into(page, data, rows, stages, file, buffer)?,
    }
    write(buffer.as_slice())
}

/// Renders one page with `env` (`file` is its output path, for error messages). `build`,
/// `check` and the preview server all render through here.
pub(crate) fn render_page(
    page: &Page,
    data: &SiteData,
    env: &Environment<'static>,
    file: &str,
) -> Result<String, BuildError> {
    render_page_with(page, data, &mut Rows::new(env), file)
}

/// [`render_page`] with table rows from `rows` (and its environment).
pub(crate) fn render_page_with(
    page: &Page,
    data: &SiteData,
    rows: &mut Rows,
    file: &str,
) -> Result<String, BuildError> {
    let mut buffer = Vec::new();
    render_page_into(page, data, rows, &Stages::default(), file, &mut buffer)?;
    // Templates and generated texts are UTF-8 strings, so this never replaces anything.
    Ok(String::from_utf8(buffer)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// [`render_page`], appending the bytes to `buffer` (reused across pages by the build) and
/// the time of each stage to `stages`.
fn render_page_into(
    page: &Page,
    data: &SiteData,
    rows: &mut Rows,
    stages: &Stages,
    file: &str,
    buffer: &mut Vec<u8>,
) -> Result<(), BuildError> {
    if let Some(text) = stages.time(Stage::Context, || page.generated(data)) {
        buffer.extend_from_slice(text?.as_bytes());
        return Ok(());
    }
    let context = stages.time(Stage::Context, || page.context(data, rows))?;
    render_context_into(page, context, file, rows.env(), stages, buffer)
}

/// Renders the template of `page` with `context`, appending to `buffer` and the time to
/// `stages`.
fn render_context_into(
    page: &Page,
    context: minijinja::Value,
    file: &str,
    env: &Environment<'static>,
    stages: &Stages,
    buffer: &mut Vec<u8>,
) -> Result<(), BuildError> {
    let fail = |e: minijinja::Error| BuildError::Render {
        page: file.to_owned(),
        template: page.template().to_owned(),
        message: render_error_text(&e),
    };
    stages.time(Stage::Template, || {
        env.get_template(page.template())
            .and_then(|template| template.render_captured_to(context, buffer))
            .map(drop)
            .map_err(fail)
    })
}

/// A MiniJinja error with its chain of causes and the template line, on one line each.
pub fn render_error_text(error: &minijinja::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!("\n  caused by: {cause}"));
        source = cause.source();
    }
    text
}
