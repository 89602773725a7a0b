//! The whole publishing pipeline on top of page rendering: hashed static assets, generated
//! files (sitemaps, `robots.txt`, `llms.txt`, `tools.json`), optional precompression and the
//! removal of stale files. [`build_with`] writes a folder; [`render_all`] feeds any
//! [`Output`], which is how `check` builds in memory with the same code.

pub mod assets;
pub mod clean;
pub mod generated;
pub mod llms;
pub mod memos;
pub mod precompress;
pub mod sitemap;

use super::build::load_site_with;
pub(crate) use super::build::{load_site, render_page};
use super::build::{
    render_site_with, with_search_beside, BuildError, BuildOptions, BuildSummary, Progress,
};
use super::cache::{self, BuildCache};
use super::templates::environment;
use super::timings::{Stopwatch, Timings};
use super::{pages, SiteData};
use crate::analysis::memo::MemoText;
use crate::site::output::{DiskOutput, Output};
use assets::Assets;
use memos::Memo;
use std::path::Path;
use std::time::Instant;

/// Publishing choices beyond [`BuildOptions`].
#[derive(Debug, Clone)]
pub struct PublishOptions {
    /// Write `.gz` and `.br` copies beside each text file (`--precompress`).
    pub precompress: bool,
    /// URLs per sitemap file; [`sitemap::MAX_URLS`] (50,000) unless a test lowers it.
    pub sitemap_max_urls: usize,
}

impl Default for PublishOptions {
    fn default() -> Self {
        PublishOptions {
            precompress: false,
            sitemap_max_urls: sitemap::MAX_URLS,
        }
    }
}

/// Renders every file of the site — pages, generated files, static assets, the search
/// index beside them — into `out`. Returns the counts (pages, written, unchanged); the
/// caller fills in time and problems.
pub fn render_all(
    data: &SiteData,
    templates: &Path,
    static_dir: &Path,
    publish: &PublishOptions,
    out: &dyn Output,
    progress: &dyn Progress,
) -> Result<BuildSummary, BuildError> {
    let assets = Assets::load(static_dir).map_err(asset_error)?;
    with_search_beside(data, out, || {
        render_with(data, templates, &assets, publish, out, progress, None)
    })
}

fn asset_error((path, source): (std::path::PathBuf, std::io::Error)) -> BuildError {
    BuildError::Io { path, source }
}

/// The pages, generated files and static assets of [`render_all`] (not the search index),
/// with the static files already loaded, skipping the pages `cache` knows are unchanged in
/// `out`.
fn render_with(
    data: &SiteData,
    templates: &Path,
    assets: &Assets,
    publish: &PublishOptions,
    out: &dyn Output,
    progress: &dyn Progress,
    cache: Option<&BuildCache>,
) -> Result<BuildSummary, BuildError> {
    let mut env = environment(Some(templates), data.config.base_path());
    assets.register(&mut env, data.config.base_path());
    let mut summary = render_site_with(data, &env, out, progress, cache)?;
    let mut clock = Stopwatch::start();
    let plan = pages::plan(data);
    let (written, unchanged) =
        generated::write_all(data, &plan, publish.sitemap_max_urls, out, cache).map_err(
            |(file, source)| BuildError::Io {
                path: file.into(),
                source,
            },
        )?;
    clock.lap(&mut summary.timings, "sitemaps and generated files");
    let (assets_written, assets_unchanged) = assets.write(out).map_err(asset_error)?;
    clock.lap(&mut summary.timings, "static files");
    summary.written += written + assets_written;
    summary.unchanged += unchanged + assets_unchanged;
    Ok(summary)
}

/// `toolpages build`: loads, analyses and renders the site into `options.output`, writing
/// only files whose bytes changed, then removes files earlier builds left that this build
/// no longer produces (only in a folder marked as toolpages output, see [`clean`]).
pub fn build_with(
    options: &BuildOptions,
    publish: &PublishOptions,
    progress: &dyn Progress,
) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let mut clock = Stopwatch::start();
    let analysis_memo = Memo::take(&options.output, memos::ANALYSIS)?;
    let lint_memo = Memo::take(&options.output, memos::LINT)?;
    let (data, problems, analysis_text) = load_site_with(options, |catalogue, overrides| {
        memos::analyse(catalogue, overrides, analysis_memo.previous())
    })?;
    clock.lap(&mut timings, "load and analyse");
    // Lint reads only the catalogue: it runs beside the rest of the build, on a one-thread
    // pool of its own. On the global pool its jobs queued ahead of the fingerprints, which
    // the pages wait for (at 500,000 tools that held rendering back by about 4 s).
    let (written, lint) = std::thread::scope(|scope| {
        let lint = scope.spawn(|| {
            let started = Instant::now();
            let lint = || memos::lint_with(&data.catalogue, lint_memo.previous());
            let lint = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
                Ok(pool) => pool.install(lint),
                Err(_) => lint(),
            };
            (lint, started.elapsed().as_secs_f64())
        });
        let written = write_site(options, publish, progress, &data, &mut timings);
        (written, lint.join())
    });
    let mut summary = written?;
    let ((lint, lint_text), lint_seconds) =
        lint.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    timings.phases.push(("lint (beside)", lint_seconds));
    analysis_memo.put(analysis_text.as_ref().map(MemoText::parts).as_deref())?;
    lint_memo.put(lint_text.as_deref().map(|text| vec![text]).as_deref())?;
    summary.problems = problems;
    summary.lint = lint;
    summary.timings = timings;
    summary.seconds = started.elapsed().as_secs_f64();
    // Freeing a large catalogue costs a fifth of a rebuild with nothing to do; a background
    // thread does it, so the summary comes at once (and a command-line process exits
    // without waiting for it).
    std::thread::spawn(move || drop(data));
    Ok(summary)
}

/// Everything [`build_with`] does after loading: the search index, started first, and beside
/// it the build cache, the pages and the generated files; then remove stale files. Phases
/// go to `timings`.
fn write_site(
    options: &BuildOptions,
    publish: &PublishOptions,
    progress: &dyn Progress,
    data: &SiteData,
    timings: &mut Timings,
) -> Result<BuildSummary, BuildError> {
    let mut clock = Stopwatch::start();
    let io = |source| BuildError::Io {
        path: options.output.clone(),
        source,
    };
    let cleanable = clean::claim(&options.output).map_err(io)?;
    let listing = clean::take_listing(&options.output).map_err(io)?;
    let disk = DiskOutput::new(&options.output).map_err(io)?;
    let tracked = clean::Tracked::new(&disk);
    let compressing = precompress::Precompressed::new(&tracked, Some(&options.output));
    let out: &dyn Output = if publish.precompress {
        &compressing
    } else {
        &tracked
    };
    let assets = Assets::load(&options.static_dir).map_err(asset_error)?;
    let cache_error = |source| BuildError::Io {
        path: options.output.join(cache::FILE),
        source,
    };
    let mut summary = with_search_beside(data, out, || {
        let cache = BuildCache::open(&options.output, &options.templates, data, &assets)
            .map_err(cache_error)?;
        clock.lap(timings, "open cache (fingerprints)");
        let summary = render_with(
            data,
            &options.templates,
            &assets,
            publish,
            out,
            progress,
            Some(&cache),
        )?;
        // Only after every page was written: a build that fails half-way leaves no cache.
        cache.save().map_err(cache_error)?;
        Ok(summary)
    })?;
    timings.phases.append(&mut summary.timings.phases);
    let mut clock = Stopwatch::start();
    let kept = tracked.into_paths();
    if cleanable {
        summary.removed = clean::remove_stale(&options.output, &kept, &listing).map_err(io)?;
    } else {
        summary.notes.push(format!(
            "{} was not made by toolpages (no {} file in it), so files from earlier builds were not removed; delete the folder once to let toolpages manage it",
            options.output.display(),
            clean::MARKER
        ));
    }
    clock.lap(timings, "remove stale files");
    Ok(summary)
}
