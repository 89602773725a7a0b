//! `toolpages serve`: preview the site on 127.0.0.1 with live reload.
//!
//! - [`preview`]: the state; pages are rendered on request from a route table and cached.
//! - [`sources`]: the catalogue per file and entry, so an edit re-parses only what changed.
//! - [`changes`]: what a changed file means.
//! - [`livereload`]: the script injected into served pages, and the error overlay.
//!
//! Files are watched with notify (debounced by notify-debouncer-full); each batch of changes
//! is applied, then the browsers showing a changed page reload through server-sent events.
//! An error (a template that does not compile or render, an invalid catalogue entry) is
//! printed and shown over the page; the server keeps running and the page comes back when
//! the file is fixed.

pub mod changes;
pub mod livereload;
pub mod preview;
pub mod sources;

use crate::site::Config;
use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use changes::Changes;
use futures::StreamExt;
use notify_debouncer_full::notify::RecursiveMode;
use preview::{Event, Preview};
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;
use tower_http::services::ServeDir;

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
    let _watcher = watch(&options, app.clone())?;
    let router = axum::Router::new()
        .route(livereload::ENDPOINT, get(live))
        .fallback(get(page))
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

/// Serves a page of the site, else a static file, else the 404 page.
async fn page(State(app): State<Arc<App>>, uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/').to_owned();
    let file = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    let found = {
        let app = app.clone();
        let file = file.clone();
        tokio::task::spawn_blocking(move || app.preview.get(&file))
            .await
            .ok()
            .flatten()
    };
    match found {
        Some(Ok(body)) => respond(&app, StatusCode::OK, body.content_type, &body.bytes),
        Some(Err(error)) => {
            eprintln!("error: {error}");
            html(
                StatusCode::INTERNAL_SERVER_ERROR,
                livereload::error_page(&error),
            )
        }
        None => {
            // `x` when `x/index.html` exists: redirect as static hosts do.
            let dir_index = format!("{path}/index.html");
            if !path.is_empty() && !path.ends_with('/') {
                let app2 = app.clone();
                let exists =
                    tokio::task::spawn_blocking(move || app2.preview.get(&dir_index).is_some())
                        .await
                        .unwrap_or(false);
                if exists {
                    return Redirect::temporary(&format!("/{path}/")).into_response();
                }
            }
            static_file(app, uri).await
        }
    }
}

async fn static_file(app: Arc<App>, uri: Uri) -> Response {
    use tower::ServiceExt;
    let request = axum::http::Request::builder()
        .uri(uri)
        .body(axum::body::Body::empty())
        .unwrap_or_default();
    let static_dir = app.static_dir.clone();
    match ServeDir::new(static_dir).oneshot(request).await {
        Ok(response) if response.status() != StatusCode::NOT_FOUND => {
            let mut response = response.into_response();
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            response
        }
        _ => {
            let app2 = app.clone();
            let found = tokio::task::spawn_blocking(move || app2.preview.get("404.html"))
                .await
                .ok()
                .flatten();
            match found {
                Some(Ok(body)) => {
                    respond(&app, StatusCode::NOT_FOUND, body.content_type, &body.bytes)
                }
                Some(Err(error)) => html(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    livereload::error_page(&error),
                ),
                None => (StatusCode::NOT_FOUND, "not found").into_response(),
            }
        }
    }
}

/// A rendered body; HTML gets the live-reload script (and the overlay while the site has an
/// error).
fn respond(app: &App, status: StatusCode, content_type: &'static str, bytes: &[u8]) -> Response {
    if content_type.starts_with("text/html") {
        let text = String::from_utf8_lossy(bytes);
        return html(
            status,
            livereload::inject(&text, app.preview.error().as_deref()),
        );
    }
    (
        status,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes.to_vec(),
    )
        .into_response()
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The server-sent events stream: the current error first (if any), then every event.
async fn live(State(app): State<Arc<App>>) -> impl IntoResponse {
    let receiver = app.events.subscribe();
    let first: Vec<Event> = app
        .preview
        .error()
        .map(Event::Problem)
        .into_iter()
        .collect();
    let rest = futures::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(event) => return Some((event, receiver)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let stream = futures::stream::iter(first)
        .chain(rest)
        .map(|event| Ok::<_, Infallible>(to_sse(&event)));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn to_sse(event: &Event) -> SseEvent {
    match event {
        Event::Reload(paths) => SseEvent::default()
            .event("reload")
            .data(serde_json::to_string(paths).unwrap_or_else(|_| "[\"*\"]".into())),
        Event::Problem(text) => SseEvent::default().event("problem").data(text),
    }
}

/// Watches the content, templates and static folders and the settings file; applies each
/// debounced batch of changes on the watcher's thread and tells the browsers.
fn watch(
    options: &ServeOptions,
    app: Arc<App>,
) -> anyhow::Result<
    notify_debouncer_full::Debouncer<
        notify_debouncer_full::notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
> {
    let handler_options = options.clone();
    let mut debouncer = notify_debouncer_full::new_debouncer(
        Duration::from_millis(150),
        None,
        move |result: notify_debouncer_full::DebounceEventResult| {
            let Ok(events) = result else { return };
            let mut changes = Changes::default();
            // Reading a file (the template loader does) is an access event: not a change.
            for event in events
                .iter()
                .filter(|e| !e.kind.is_access() && !e.kind.is_other())
            {
                for path in &event.paths {
                    changes.add(path, &handler_options);
                }
            }
            if changes.is_empty() {
                return;
            }
            let started = std::time::Instant::now();
            let (events, log) = app.preview.apply(&changes);
            println!(
                "change: {log} ({:.0} ms)",
                started.elapsed().as_secs_f64() * 1000.0
            );
            for event in events {
                if let Event::Problem(text) = &event {
                    eprintln!("{text}");
                }
                let _ = app.events.send(event);
            }
        },
    )?;
    for dir in [&options.content, &options.templates, &options.static_dir] {
        if dir.is_dir() {
            debouncer.watch(dir, RecursiveMode::Recursive)?;
        }
    }
    if options.config_file.is_file() {
        debouncer.watch(&options.config_file, RecursiveMode::NonRecursive)?;
    }
    Ok(debouncer)
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
