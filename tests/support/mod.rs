//! Shared helpers for browser tests: headless Debian Chromium driven through chromedriver
//! (WebDriver, via fantoccini), and a static file server for a built site.
//!
//! `.ci/run` installs `chromium` and `chromium-driver` when missing; these helpers fail with
//! a clear message when they are not on the machine.

#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

/// A headless Chromium session; the chromedriver process is killed on drop.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless Chromium session.
    pub async fn start() -> Browser {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is not installed: run `apt-get install chromium chromium-driver` (.ci/run does)");
        wait_for_port(port, Duration::from_secs(20));
        let profile = tempfile::tempdir().expect("temporary profile folder");
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--window-size=1280,1000".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "binary": chromium_binary(), "args": args }),
        );
        let client = ClientBuilder::rustls()
            .expect("rustls")
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session with headless Chromium");
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Saves a PNG screenshot of the current page to `target/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Ends the session and stops chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

fn chromium_binary() -> &'static str {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
    .unwrap_or("/usr/bin/chromium")
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits until something listens on `127.0.0.1:port`.
pub fn wait_for_port(port: u16, limit: Duration) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < limit,
            "nothing listened on port {port} within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Serves `dir` as a static site on 127.0.0.1 (directories answer with their `index.html`,
/// unknown paths with `404.html`); returns the address. The server lives as long as the
/// tokio runtime of the test.
pub async fn serve_dir(dir: &Path) -> SocketAddr {
    serve_counting(dir).await.0
}

/// The text of the first element matching the CSS selector `css` (panics when none does).
pub async fn text_of(c: &Client, css: &str) -> String {
    let element = c.find(fantoccini::Locator::Css(css)).await;
    let element = element.unwrap_or_else(|e| panic!("{css}: {e}"));
    element
        .text()
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
}

/// Builds the bundled real catalogue (`content/`) with the built-in templates and static
/// files and the default settings into `out`.
pub fn build_real(out: &Path) {
    let content = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content");
    toolpages::site::build(&options(&content, out, false), &()).expect("the real catalogue builds");
}

/// Every response served by [`serve_counting`]: path and body bytes (`Content-Length`).
pub type Served = std::sync::Arc<std::sync::Mutex<Vec<(String, u64)>>>;

/// Serves `dir` like [`serve_dir`] and records every response. Counted at the server, so fetches that
/// Pagefind makes from its web worker (invisible to the page's resource timing) are included.
pub async fn serve_counting(dir: &Path) -> (SocketAddr, Served) {
    use axum::extract::Request;
    use axum::middleware::Next;
    use tower_http::services::{ServeDir, ServeFile};
    let served: Served = Served::default();
    let log = served.clone();
    let service = ServeDir::new(dir).not_found_service(ServeFile::new(dir.join("404.html")));
    let app = axum::Router::new()
        .fallback_service(service)
        .layer(axum::middleware::from_fn(
            move |req: Request, next: Next| {
                let log = log.clone();
                async move {
                    let path = req.uri().path().to_owned();
                    let response = next.run(req).await;
                    let bytes = response
                        .headers()
                        .get(axum::http::header::CONTENT_LENGTH)
                        .and_then(|v| v.to_str().ok()?.parse().ok())
                        .unwrap_or(0);
                    log.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((path, bytes));
                    response
                }
            },
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, served)
}

/// Bytes served for search so far: the search page and its script and style, and every
/// file of the Pagefind bundle (`/pagefind/...`).
pub fn search_bytes(served: &Served) -> u64 {
    served
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|(path, _)| path.starts_with("/pagefind/") || path.starts_with("/search"))
        .map(|(_, bytes)| bytes)
        .sum()
}

/// A temporary content folder holding `files` (`(path inside the folder, text)`).
pub fn content<S: AsRef<str>>(files: &[(&str, S)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("a file path")).expect("content folder");
        std::fs::write(p, text.as_ref()).expect("content file");
    }
    dir
}

/// Build options for `content` into `out`, with the repository's templates and static files
/// and the default settings.
pub fn options(content: &Path, out: &Path, skip_invalid: bool) -> toolpages::site::BuildOptions {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    toolpages::site::BuildOptions {
        content: content.to_path_buf(),
        templates: root.join("templates"),
        static_dir: root.join("static"),
        output: out.to_path_buf(),
        config: toolpages::site::Config::default(),
        skip_invalid,
    }
}
