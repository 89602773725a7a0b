//! `toolpages import` against a real MCP server package (`@modelcontextprotocol/server-everything`,
//! installed by `.ci/run` into `target/mcp-servers`), a paging fixture server, and servers that
//! time out, exit or write garbage.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use toolpages::import::{import, ImportError, ImportOptions, Target};
use toolpages::site::{build, BuildOptions, Config};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The installed server-everything binary; `.ci/run` installs it when missing.
fn everything() -> String {
    let bin = root().join("target/mcp-servers/node_modules/.bin/mcp-server-everything");
    assert!(
        bin.is_file(),
        "{} is missing: run .ci/run, or `npm install --prefix target/mcp-servers @modelcontextprotocol/server-everything@2026.8.31`",
        bin.display()
    );
    bin.to_string_lossy().into_owned()
}

fn options(content: &Path, target: Target, id: Option<&str>) -> ImportOptions {
    ImportOptions {
        target,
        id: id.map(str::to_owned),
        content: content.to_path_buf(),
        timeout: Duration::from_secs(30),
        force: false,
    }
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const EVERYTHING_TOOLS: [&str; 13] = [
    "echo",
    "get-annotated-message",
    "get-env",
    "get-resource-links",
    "get-resource-reference",
    "get-structured-content",
    "get-sum",
    "get-tiny-image",
    "gzip-file-as-resource",
    "toggle-simulated-logging",
    "toggle-subscriber-updates",
    "trigger-long-running-operation",
    "simulate-research-query",
];

fn check_everything_file(file: &Value) {
    let names: Vec<&str> = file["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, EVERYTHING_TOOLS);
    // `echo` exactly as the server returns it: `execution` is a key rmcp's typed Tool drops.
    assert_eq!(
        file["tools"][0],
        json!({"name": "echo", "title": "Echo Tool", "description": "Echoes back the input string",
               "inputSchema": {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                               "properties": {"message": {"type": "string", "description": "Message to echo"}},
                               "required": ["message"]},
               "annotations": {"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false},
               "execution": {"taskSupport": "forbidden"}})
    );
    // Key order is the server's, not alphabetical.
    let keys: Vec<&String> = file["tools"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys[..3], ["name", "title", "description"]);
    let source = &file["source"];
    assert_eq!(source["kind"], "introspected");
    assert_eq!(source["serverInfo"]["name"], "mcp-servers/everything");
    assert!(source["protocolVersion"]
        .as_str()
        .unwrap()
        .starts_with("20"));
    let date = source["date"].as_str().unwrap();
    assert!(
        date.len() == 20 && date.ends_with('Z') && date.as_bytes()[10] == b'T',
        "{date}"
    );
    assert_eq!(file["name"], "Everything Reference Server");
}

#[test]
fn a_real_server_package_imports_and_builds() {
    let content = tempfile::tempdir().unwrap();
    let bin = everything();
    let imported = import(&options(
        content.path(),
        Target::Command(vec![bin.clone()]),
        None,
    ))
    .unwrap();
    assert_eq!(imported.id, "mcp-servers-everything");
    assert_eq!((imported.tools, imported.previous), (13, None));
    assert!(!imported.listed.lossy);
    let path = content.path().join("servers/mcp-servers-everything.json");
    assert_eq!(imported.path, path);
    let file = read_json(&path);
    check_everything_file(&file);
    assert_eq!(file["id"], "mcp-servers-everything");
    assert_eq!(file["source"]["command"], json!([bin]));
    assert_eq!(file["source"]["how"], "stdio initialize + tools/list");

    // `toolpages build` renders it: a page per tool.
    let out = tempfile::tempdir().unwrap();
    let summary = build(
        &BuildOptions {
            content: content.path().to_path_buf(),
            templates: root().join("templates"),
            static_dir: root().join("static"),
            output: out.path().to_path_buf(),
            config: Config::default(),
            skip_invalid: false,
        },
        &(),
    )
    .expect("the imported server builds");
    assert_eq!((summary.servers, summary.tools), (1, 13));
    for tool in EVERYTHING_TOOLS {
        let page = out
            .path()
            .join(format!("servers/mcp-servers-everything/{tool}/index.html"));
        let html = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{page:?}: {e}"));
        assert!(html.contains(tool), "{tool}");
    }
    let echo = std::fs::read_to_string(
        out.path()
            .join("servers/mcp-servers-everything/echo/index.html"),
    )
    .unwrap();
    assert!(echo.contains("Echoes back the input string"));
    assert!(echo.contains("Message to echo"));
}

/// Starts an HTTP server (`command`, told its port in `PORT`) and waits until it listens;
/// returns the process, killed on drop, and its `/mcp` URL.
fn http_server(mut command: Command) -> (KillOnDrop, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = command
        .env("PORT", port.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let guard = KillOnDrop(child);
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "server did not listen"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (guard, format!("http://127.0.0.1:{port}/mcp"))
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn streamable_http_gives_the_same_tools() {
    let mut command = Command::new(everything());
    command.arg("streamableHttp");
    let (_server, url) = http_server(command);
    let content = tempfile::tempdir().unwrap();
    let imported = import(&options(
        content.path(),
        Target::Url(url.clone()),
        Some("everything-http"),
    ))
    .unwrap();
    assert!(!imported.listed.lossy, "SSE answers are kept raw");
    let file = read_json(&imported.path);
    check_everything_file(&file);
    assert_eq!(file["id"], "everything-http");
    assert_eq!(file["source"]["url"], url);
    assert_eq!(
        file["source"]["how"],
        "streamable HTTP initialize + tools/list"
    );
}

#[test]
fn plain_json_http_answers_are_imported_and_flagged_lossy() {
    let mut command = Command::new("node");
    command.arg(root().join("tests/fixtures/json-http-server.js"));
    let (_server, url) = http_server(command);
    let content = tempfile::tempdir().unwrap();
    let imported = import(&options(content.path(), Target::Url(url), None)).unwrap();
    assert_eq!((imported.id.as_str(), imported.tools), ("json-fixture", 1));
    // rmcp's reqwest client decodes JSON bodies before any hook: unknown keys are lost, and
    // the import says so instead of pretending the file is exact.
    assert!(imported.listed.lossy);
    let file = read_json(&imported.path);
    assert_eq!(file["tools"][0]["name"], "lookup");
    assert!(file["tools"][0].get("x-vendor").is_none());
}

fn fixture(mode: &str) -> Target {
    let script = root().join("tests/fixtures/paged-server.js");
    let mut argv = vec!["node".to_owned(), script.to_string_lossy().into_owned()];
    if !mode.is_empty() {
        argv.push(mode.to_owned());
    }
    Target::Command(argv)
}

#[test]
fn every_page_is_followed_and_unknown_keys_are_kept() {
    let content = tempfile::tempdir().unwrap();
    let imported = import(&options(content.path(), fixture(""), None)).unwrap();
    assert_eq!((imported.listed.pages, imported.tools), (2, 2));
    let file = read_json(&imported.path);
    assert_eq!(file["tools"][0]["x-vendor"], json!({"keep": [1, 2, 3]}));
    // A tool rmcp's model rejects (no inputSchema) is still kept as sent...
    assert_eq!(
        file["tools"][1],
        json!({"name": "second", "description": "No inputSchema, which rmcp's Tool cannot hold."})
    );
    assert_eq!(file["source"]["serverInfo"]["x-extra"], true);
    // ...and the import reports it, with the tool's line in the written file.
    let p = imported
        .problems
        .iter()
        .find(|p| p.code == "empty-schema")
        .unwrap();
    assert_eq!(p.tool.as_deref(), Some("second"));
    let text = std::fs::read_to_string(&imported.path).unwrap();
    assert!(text.lines().nth(p.line - 1).unwrap().contains("\"second\""));
}

#[test]
fn protocol_failures_are_named() {
    let content = tempfile::tempdir().unwrap();
    let e = import(&options(content.path(), fixture("loop"), None)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the server's answer to `tools/list` is unusable: the server sent `nextCursor` `same` twice, so paging would never end"
    );
    let e = import(&options(content.path(), fixture("error"), None)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the server's answer to `tools/list` is unusable: error -32603: database unavailable"
    );
    assert!(!content.path().join("servers").exists(), "nothing written");
}

/// Runs the binary; returns (exit code, stderr).
fn toolpages(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_toolpages"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A content folder whose `servers/keep.json` must survive failed imports.
fn with_existing() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("servers/keep.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let text = serde_json::to_string_pretty(&json!({"id": "keep", "package": "@x/keep",
        "tools": [{"name": "a"}, {"name": "b"}]}))
    .unwrap();
    std::fs::write(&path, &text).unwrap();
    (dir, path, text)
}

/// Runs `toolpages import --content DIR --id keep FLAGS -- COMMAND` over a folder whose
/// `servers/keep.json` must survive; asserts exit code 1 and the file untouched; returns
/// stderr.
fn failing_import(flags: &[&str], command: &[&str]) -> String {
    let (dir, path, text) = with_existing();
    let content = dir.path().to_str().unwrap();
    let mut args = vec!["import", "--content", content, "--id", "keep"];
    args.extend(flags);
    args.push("--");
    args.extend(command);
    let (code, stderr) = toolpages(&args);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "the file survives"
    );
    stderr
}

#[test]
fn a_silent_server_times_out_and_is_stopped() {
    let started = Instant::now();
    let stderr = failing_import(&["--timeout", "1"], &["sleep", "100"]);
    assert!(
        stderr.starts_with("error: no answer to `initialize` within 1 s (fix: "),
        "{stderr}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the silent server is killed"
    );
}

#[test]
fn an_exiting_server_is_named_with_its_status_and_stderr() {
    let stderr = failing_import(&[], &["false"]);
    assert!(
        stderr.starts_with(
            "error: the server exited with exit status: 1 before answering `initialize` (fix: "
        ),
        "{stderr}"
    );
    let stderr = failing_import(&[], &["sh", "-c", "echo 'missing API_KEY' >&2; exit 3"]);
    assert!(
        stderr.contains("exited with exit status: 3 before answering `initialize`; its standard error ends with:\nmissing API_KEY"),
        "{stderr}"
    );
}

#[test]
fn a_garbage_writing_server_is_quoted() {
    let stderr = failing_import(&["--timeout", "2"], &["sh", "-c", "echo garbage; sleep 5"]);
    assert!(
        stderr.starts_with("error: no answer to `initialize` within 2 s; the server wrote 1 line(s) to standard output that are not JSON-RPC messages (MCP allows only JSON-RPC there), the first: `garbage`"),
        "{stderr}"
    );
    // A server that writes garbage and exits is named as exiting, with the garbage quoted.
    let stderr = failing_import(&[], &["sh", "-c", "echo '<html>oops</html>'; exit 2"]);
    assert!(
        stderr.contains("exited with exit status: 2 before answering `initialize`; the server wrote 1 line(s) to standard output that are not JSON-RPC messages (MCP allows only JSON-RPC there), the first: `<html>oops</html>`"),
        "{stderr}"
    );
}

#[test]
fn a_command_that_does_not_exist_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let e = import(&options(
        dir.path(),
        Target::Command(vec!["no-such-mcp-server-xyz".to_owned()]),
        None,
    ))
    .unwrap_err();
    assert!(matches!(e, ImportError::Start { .. }));
    assert!(e
        .to_string()
        .starts_with("cannot start `no-such-mcp-server-xyz`: No such file or directory"));
}

#[test]
fn fewer_tools_never_replace_more_unless_forced_and_kept_keys_survive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("servers/paged.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let three = json!({"id": "paged", "package": "@x/paged", "repository": "https://github.com/x/paged",
                       "tools": [{"name": "a"}, {"name": "b"}, {"name": "c"}]});
    let text = serde_json::to_string_pretty(&three).unwrap();
    std::fs::write(&path, &text).unwrap();
    let mut opts = options(dir.path(), fixture(""), Some("paged"));
    let e = import(&opts).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{} holds 3 tools and the server listed 2; the file was not replaced (fix: check the server's configuration, or pass --force to replace it)", path.display())
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);

    opts.force = true;
    let imported = import(&opts).unwrap();
    assert_eq!(imported.previous, Some(3));
    let file = read_json(&path);
    assert_eq!(file["tools"].as_array().unwrap().len(), 2);
    // What a person wrote stays; what the server says is refreshed.
    assert_eq!(file["package"], "@x/paged");
    assert_eq!(file["repository"], "https://github.com/x/paged");
    assert_eq!(file["source"]["serverInfo"]["name"], "paged-fixture");
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["paged.json"]);
}

#[test]
fn a_broken_existing_file_is_not_replaced_and_bad_ids_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("servers/paged.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "{ hand-edited, broken").unwrap();
    let e = import(&options(dir.path(), fixture(""), Some("paged"))).unwrap_err();
    assert!(matches!(e, ImportError::Existing { .. }), "{e}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "{ hand-edited, broken"
    );
    let e = import(&options(dir.path(), fixture(""), Some("../escape"))).unwrap_err();
    assert!(matches!(e, ImportError::BadId(_)), "{e}");
    assert!(!dir.path().join("escape.json").exists());
}
