//! The HTTP side of the preview (axum): pages rendered on request, static files straight
//! from the folder, the 404 page, and the live-reload event stream.

use super::livereload;
use super::preview::Event;
use super::App;
use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use futures::StreamExt;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast;
use tower_http::services::ServeDir;

/// Serves a page of the site, else a static file, else the 404 page.
pub(super) async fn page(State(app): State<Arc<App>>, uri: Uri) -> Response {
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
    let name = uri.path().trim_start_matches('/').to_owned();
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
        _ if crate::site::publish::assets::builtin(&name).is_some() => {
            let bytes = crate::site::publish::assets::builtin(&name).unwrap_or_default();
            let content_type = super::preview::content_type(&name);
            let mut response = ([(header::CONTENT_TYPE, content_type)], bytes).into_response();
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
pub(super) async fn live(State(app): State<Arc<App>>) -> impl IntoResponse {
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
