//! `toolpages build`: load → analyse → plan → render and write, in parallel.

use super::cache::{self, BuildCache};
use super::output::{DiskOutput, Output, Written};
use super::pages::{plan, Page};
use super::templates::environment;
use super::{Config, SiteData};
use crate::catalogue::{self, Problem};
use minijinja::Environment;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use walkdir::WalkDir;

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

/// Loads, analyses and renders the site into `options.output`.
pub fn build(options: &BuildOptions, progress: &dyn Progress) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let loaded = catalogue::load(&options.content).map_err(|source| BuildError::Io {
        path: options.content.clone(),
        source,
    })?;
    if loaded.error_count() > 0 && !options.skip_invalid {
        return Err(BuildError::Catalogue(loaded.problems));
    }
    let data = SiteData::new(options.config.clone(), loaded.catalogue);
    let out = DiskOutput::new(&options.output).map_err(|source| BuildError::Io {
        path: options.output.clone(),
        source,
    })?;
    let env = environment(Some(&options.templates), data.config.base_path());
    let cache = BuildCache::open(&options.output, &options.templates, &data).map_err(|source| {
        BuildError::Io {
            path: options.output.join(cache::FILE),
            source,
        }
    })?;
    // A server page or tool page whose inputs did not change since the last build, and whose
    // file is still there, already holds the bytes this build would render.
    let skip = |page: &Page, file: &str| match *page {
        Page::Server(s) | Page::Tool(s, _) => {
            cache.unchanged(s) && options.output.join(file).is_file()
        }
        _ => false,
    };
    let mut summary = render_pages(&data, &env, &out, progress, &skip)?;
    let (written, unchanged) = copy_static(&options.static_dir, &out)?;
    summary.written += written;
    summary.unchanged += unchanged;
    summary.problems = loaded.problems;
    cache.save().map_err(|source| BuildError::Io {
        path: options.output.join(cache::FILE),
        source,
    })?;
    summary.seconds = started.elapsed().as_secs_f64();
    // Freeing a large catalogue costs a fifth of a rebuild with nothing to do; a background
    // thread does it, so the summary comes at once (and a command-line process exits
    // without waiting for it).
    std::thread::spawn(move || drop(data));
    Ok(summary)
}

/// Renders every page of `data` into `out` in one rayon pass; returns the counts (no
/// problems, no time: the caller fills those in).
pub fn render_site(
    data: &SiteData,
    env: &Environment<'static>,
    out: &dyn Output,
    progress: &dyn Progress,
) -> Result<BuildSummary, BuildError> {
    render_pages(data, env, out, progress, &|_, _| false)
}

/// [`render_site`], leaving out the pages `skip(page, file)` says are already written
/// (they count as unchanged). Each rayon worker renders into one reused buffer.
fn render_pages(
    data: &SiteData,
    env: &Environment<'static>,
    out: &dyn Output,
    progress: &dyn Progress,
    skip: &(dyn Fn(&Page, &str) -> bool + Sync),
) -> Result<BuildSummary, BuildError> {
    let pages = plan(data);
    progress.start(pages.len());
    let written = AtomicUsize::new(0);
    let unchanged = AtomicUsize::new(0);
    pages.par_iter().try_for_each_init(
        || Vec::with_capacity(64 * 1024),
        |buffer, page| {
            let file = page.file(data);
            let count = if skip(page, &file) {
                &unchanged
            } else {
                buffer.clear();
                render_page(page, data, env, &file, buffer)?;
                match out.write(&file, buffer) {
                    Ok(Written::Changed) => &written,
                    Ok(Written::Unchanged) => &unchanged,
                    Err(source) => {
                        return Err(BuildError::Io {
                            path: file.into(),
                            source,
                        })
                    }
                }
            };
            count.fetch_add(1, Ordering::Relaxed);
            progress.tick();
            Ok(())
        },
    )?;
    Ok(BuildSummary {
        servers: data.catalogue.servers.len(),
        tools: data.catalogue.tool_count(),
        pages: pages.len(),
        written: written.into_inner(),
        unchanged: unchanged.into_inner(),
        ..BuildSummary::default()
    })
}

fn render_page(
    page: &Page,
    data: &SiteData,
    env: &Environment<'static>,
    file: &str,
    buffer: &mut Vec<u8>,
) -> Result<(), BuildError> {
    let fail = |e: minijinja::Error| BuildError::Render {
        page: file.to_owned(),
        template: page.template().to_owned(),
        message: render_error_text(&e),
    };
    env.get_template(page.template())
        .map_err(fail)?
        .render_captured_to(page.context(data), buffer)
        .map_err(fail)?;
    Ok(())
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

/// Copies every file under `static_dir` (if it exists) to the output root.
fn copy_static(static_dir: &Path, out: &dyn Output) -> Result<(usize, usize), BuildError> {
    let mut counts = (0, 0);
    if !static_dir.is_dir() {
        return Ok(counts);
    }
    for entry in WalkDir::new(static_dir).sort_by_file_name() {
        let entry = entry.map_err(|e| BuildError::Io {
            path: static_dir.to_path_buf(),
            source: e.into(),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let io = |source| BuildError::Io {
            path: entry.path().to_path_buf(),
            source,
        };
        let bytes = std::fs::read(entry.path()).map_err(io)?;
        let relative = entry
            .path()
            .strip_prefix(static_dir)
            .unwrap_or(entry.path());
        let relative = relative.to_string_lossy().replace('\\', "/");
        match out.write(&relative, &bytes).map_err(io)? {
            Written::Changed => counts.0 += 1,
            Written::Unchanged => counts.1 += 1,
        }
    }
    Ok(counts)
}
