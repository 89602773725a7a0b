//! `toolpages serve` in a real browser: live reload on template and catalogue edits, the
//! error overlay for a broken template, recovery once it is fixed, and search over the
//! index the preview builds beside.

mod support;

use fantoccini::{Client, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The real binary serving a copy of the site; killed on drop.
struct Served {
    child: Child,
    port: u16,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const SERVER: &str = r#"{"id": "demo-files", "name": "Demo Files", "description": "A small file server.",
 "tools": [
  {"name": "read_file", "description": "Reads a file.", "inputSchema": {"type": "object", "properties": {"path": {"type": "string", "description": "Which file."}}, "required": ["path"]}},
  {"name": "delete_file", "description": "Deletes a file.", "inputSchema": {"type": "object", "properties": {"path": {"type": "string"}}}}
 ]}
"#;

/// A temporary site: one catalogue file per server, plus copies of the real templates and
/// static files (the test edits the copies, never the repository).
fn site() -> tempfile::TempDir {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content/servers")).unwrap();
    std::fs::write(dir.path().join("content/servers/demo.json"), SERVER).unwrap();
    // A second server in JSON Lines, from the real catalogue.
    let real = std::fs::read_to_string(root.join("content/catalogue.jsonl")).unwrap();
    let line = real.lines().next().unwrap();
    std::fs::write(
        dir.path().join("content/catalogue.jsonl"),
        format!("{line}\n"),
    )
    .unwrap();
    for folder in ["templates", "static"] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(
                entry.path(),
                dir.path().join(folder).join(entry.file_name()),
            )
            .unwrap();
        }
    }
    dir
}

fn serve(dir: &Path) -> Served {
    let port = support::free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_toolpages"))
        .current_dir(dir)
        .args(["serve", "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("toolpages serve starts");
    support::wait_for_port(port, Duration::from_secs(30));
    Served { child, port }
}

/// Polls `script` (returning a boolean) until it is true; panics after 20 s.
async fn wait_until(c: &Client, what: &str, script: &str) {
    let start = Instant::now();
    loop {
        // During a reload the script may fail; that is just "not yet".
        if let Ok(serde_json::Value::Bool(true)) = c.execute(script, vec![]).await {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Opens `path` (such as `/search/`) of the preview on `port`.
async fn goto(c: &Client, port: u16, path: &str) {
    c.goto(&format!("http://127.0.0.1:{port}{path}"))
        .await
        .unwrap();
}

/// Types `text` into the search page's field.
async fn search(c: &Client, text: &str) {
    let input = c.find(Locator::Css("#search-q")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_show_up_without_a_manual_reload_and_errors_show_an_overlay() {
    let dir = site();
    let served = serve(dir.path());
    let browser = support::Browser::start().await;
    let c = &browser.client;
    goto(c, served.port, "/servers/demo-files/read_file/").await;
    let h1 = support::text_of(c, "h1").await;
    assert_eq!(h1, "read_file");
    // The preview injects the live-reload script; a page that reloads loses this marker.
    c.execute("window.notReloaded = true; return true", vec![])
        .await
        .unwrap();

    // 1. A template edit: the page reloads by itself and shows it.
    let tool_template = dir.path().join("templates/tool.html");
    edit(
        &tool_template,
        "<article class=\"tool\">",
        "<article class=\"tool\"><p id=\"edited\">Edited template</p>",
    );
    wait_until(
        c,
        "the edited template",
        "return !!document.getElementById('edited') && !window.notReloaded",
    )
    .await;

    // 2. The tool's catalogue entry: its description changes on the page.
    edit(
        &dir.path().join("content/servers/demo.json"),
        "Reads a file.",
        "Reads a file, as edited in the catalogue.",
    );
    wait_until(
        c,
        "the edited description",
        "return document.body.innerText.includes('Reads a file, as edited in the catalogue.')",
    )
    .await;

    // 3. A broken template: the error overlay names the template, the server keeps running.
    std::fs::write(
        &tool_template,
        std::fs::read_to_string(&tool_template).unwrap() + "\n{% if %}\n",
    )
    .unwrap();
    wait_until(
        c,
        "the error overlay",
        "var e = document.getElementById('toolpages-error'); return !!e && e.innerText.includes('tool.html')",
    )
    .await;
    browser.screenshot("serve-error-overlay").await;

    // 4. Fixed: the page comes back without the overlay.
    edit(&tool_template, "\n{% if %}\n", "");
    wait_until(
        c,
        "the page again",
        "return !document.getElementById('toolpages-error') && !!document.getElementById('edited') && document.querySelector('h1').innerText === 'read_file'",
    )
    .await;

    // 5. Search works in the preview, and finds what an edit just wrote: the index is
    //    rebuilt beside, and the open search page reloads when it is ready.
    goto(c, served.port, "/search/").await;
    wait_until(
        c,
        "the search form",
        "return !document.getElementById('search-form').hidden",
    )
    .await;
    search(c, "zanzibarish").await;
    wait_until(
        c,
        "no result for a word no tool has yet",
        "return document.getElementById('search-status').innerText.startsWith('No tools match')",
    )
    .await;
    c.execute("window.notReloaded = true; return true", vec![])
        .await
        .unwrap();
    edit(
        &dir.path().join("content/servers/demo.json"),
        "Deletes a file.",
        "Deletes a zanzibarish file.",
    );
    wait_until(
        c,
        "the search page reloaded with the new index",
        "return !window.notReloaded && !document.getElementById('search-form').hidden",
    )
    .await;
    search(c, "zanzibarish").await;
    wait_until(
        c,
        "the edited tool in the results",
        "return [...document.querySelectorAll('#search-results a.result-link')].map(a => a.innerText).join() === 'delete_file'",
    )
    .await;
    browser.screenshot("serve-search").await;

    // Unknown addresses get the 404 page, which live-reloads too; a folder address without
    // its slash is redirected, as static hosts do.
    goto(c, served.port, "/no/such/page/").await;
    wait_until(
        c,
        "the 404 page",
        "return document.querySelector('h1').innerText === 'Page not found' && [...document.scripts].some(s => s.textContent.includes('/__toolpages/livereload'))",
    )
    .await;
    goto(c, served.port, "/servers/demo-files").await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/servers/demo-files/"
    );
    browser.close().await;
}
