//! `toolpages serve`: preview the site on 127.0.0.1 with live reload.
//!
//! - [`preview`]: the state; pages are rendered on request from a route table and cached.
//! - [`sources`]: the catalogue per file and entry, so an edit re-parses only what changed.
//! - [`changes`]: what a changed file means.
//! - [`livereload`]: the script injected into served pages, and the error overlay.
//! - [`search`]: the search index, built in memory beside the preview.
//! - `http`: the axum handlers; `watch`: the file watcher.
//!
//! Files are watched with notify (debounced by notify-debouncer-full); each batch of changes
//! is applied, then the browsers showing a changed page reload through server-sent events.
//! An error (a template that does not compile or render, an invalid catalogue entry) is
//! printed and shown over the page; the server keeps running and the page comes back when
//! the file is fixed.

pub mod changes;
mod http;
pub mod livereload;
pub mod preview;
pub mod search;
pub mod sources;
mod watch;

use crate::site::Config;
use axum::routing::get;
use preview::{Event, Preview};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::broadcast;

/// Default port of the preview, as Zola's.
pub const DEFAULT_PORT: u16 = 1111;

/// What to preview and where.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The catalogue folder.
    pub content: PathBuf,
    /// The templates folder (missing files fall back to the built-in templates).
    pub templates: PathBuf,
    /// The static folder.
    pub static_dir: PathBuf,
    /// The settings file (watched; reloaded when it changes).
    pub config_file: PathBuf,
    /// Site settings, with the base URL already pointing at the preview.
    pub config: Config,
    /// TCP port on 127.0.0.1 (0 picks a free one).
    pub port: u16,
    /// Open the site in the default browser once it is ready.
    pub open: bool,
}

struct App {
    preview: Preview,
    events: broadcast::Sender<Event>,
    static_dir: PathBuf,
}

/// Runs the preview until interrupted (Ctrl-C). Errors: the port is taken, or the content
/// folder cannot be read.
pub fn run(mut options: ServeOptions) -> anyhow::Result<()> {
    // The watcher reports absolute paths; compare like with like.
    for dir in [
        &mut options.content,
        &mut options.templates,
        &mut options.static_dir,
        &mut options.config_file,
    ] {
        *dir = absolute(dir);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(options))
}

async fn serve(mut options: ServeOptions) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port))
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot listen on 127.0.0.1:{}: {e} (choose another with --port)",
                options.port
            )
        })?;
    let port = listener.local_addr()?.port();
    let url = format!("http://127.0.0.1:{port}/");
    options.config = options
        .config
        .with_base_url(&url)
        .map_err(|e| anyhow::anyhow!(e))?;
    let started = std::time::Instant::now();
    let preview = tokio::task::block_in_place(|| Preview::new(options.clone()))?;
    let (servers, tools) = preview.counts();
    if let Some(error) = preview.error() {
        eprintln!("{error}");
    }
    let (events, _) = broadcast::channel(64);
    let app = Arc::new(App {
        preview,
        events,
        static_dir: options.static_dir.clone(),
    });
    let events = app.events.clone();
    let search = app.preview.start_search(move |finished| match finished {
        Ok(summary) if summary.files > 0 => {
            println!(
                "search index: {} records in {} bundle(s) ({} kept), {} of {} files new or changed ({:.2} s)",
                summary.records,
                summary.shards,
                summary.kept,
                summary.written,
                summary.files,
                summary.seconds
            );
            // A search page open before the index was ready said search could not load;
            // one open since shows the old index.
            if summary.written > 0 {
                let _ = events.send(Event::Reload(vec!["/search/".to_owned()]));
            }
        }
        Ok(_) => {}
        Err(e) => eprintln!("error: {e} (the search page keeps the index it had)"),
    });
    if let Err(e) = search {
        eprintln!("warning: the preview runs without search: its index could not start ({e})");
    }
    let _watcher = watch::watch(&options, app.clone())?;
    let router = axum::Router::new()
        .route(livereload::ENDPOINT, get(http::live))
        .fallback(get(http::page))
        .with_state(app);
    println!(
        "Serving {servers} servers, {tools} tools at {url} (loaded in {:.2} s; pages render on request). Press Ctrl-C to stop.",
        started.elapsed().as_secs_f64()
    );
    if options.open {
        open_browser(&url);
    }
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Opens `url` with the platform's opener; a failure is only mentioned.
fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    if let Err(e) = std::process::Command::new(program)
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("note: could not open a browser ({program}: {e}); open {url} yourself");
    }
}
