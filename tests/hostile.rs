//! Hostile catalogues: every problem is reported with file, line, server and tool, nothing
//! valid is dropped, and catalogue text never reaches the page unescaped.

use std::path::{Path, PathBuf};
use toolpages::catalogue::{load, Problem, Severity};
use toolpages::site::{build, BuildError, BuildOptions, Config};

fn content(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn problems(dir: &Path) -> Vec<Problem> {
    load(dir).unwrap().problems
}

fn options(content: &Path, out: &Path, skip_invalid: bool) -> BuildOptions {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    BuildOptions {
        content: content.to_path_buf(),
        templates: root.join("templates"),
        static_dir: root.join("static"),
        output: out.to_path_buf(),
        config: Config::default(),
        skip_invalid,
    }
}

const GOOD: &str = r#"{"id":"good","name":"Good","tools":[{"name":"get_thing","description":"Gets a thing.","inputSchema":{"type":"object","properties":{}}}]}"#;

#[test]
fn broken_json_names_file_and_line_and_keeps_other_lines() {
    let dir = content(&[(
        "c.jsonl",
        &format!("{GOOD}\n{{\"id\": \"bad\", \"tools\": [\n"),
    )]);
    let loaded = load(dir.path()).unwrap();
    assert_eq!(loaded.catalogue.servers.len(), 1, "the valid line is kept");
    let p = &loaded.problems[0];
    assert_eq!(
        (p.code, p.line, p.severity),
        ("malformed-json", 2, Severity::Error)
    );
    assert!(p.file.ends_with("c.jsonl"));
    let shown = p.to_string();
    assert!(
        shown.contains("c.jsonl:2: error[malformed-json]: malformed JSON: EOF while parsing"),
        "{shown}"
    );
}

#[test]
fn broken_per_server_file_reports_the_json_line() {
    let dir = content(&[(
        "servers/x.json",
        "{\n  \"id\": \"x\",\n  \"tools\": [,]\n}\n",
    )]);
    let p = &problems(dir.path())[0];
    assert_eq!((p.code, p.line), ("malformed-json", 3));
}

#[test]
fn wrong_types_are_named_with_server_and_tool() {
    let line = r#"{"id":"s","description":5,"tools":[{"name":"a","inputSchema":"nope"},{"name":7},{"name":"b","annotations":{"readOnlyHint":"yes"}},{"name":"c","description":["x"]},"str"]}"#;
    let dir = content(&[("c.jsonl", line)]);
    let loaded = load(dir.path()).unwrap();
    let shown: Vec<String> = loaded.problems.iter().map(|p| p.to_string()).collect();
    let expect = [
        "c.jsonl:1: error[wrong-type]: server `s`: `description` must be a string, found a number (fix: write the value as a JSON string, or remove the key)",
        "c.jsonl:1: error[schema-not-object]: server `s`, tool `a`: `inputSchema` must be a JSON Schema object, found a string (fix: write `inputSchema` as an object such as {\"type\": \"object\", \"properties\": {}})",
        "c.jsonl:1: error[missing-tool-name]: server `s`, tool `#1`: tool #1 has no `name` (found a number) (fix: add the tool's non-empty string `name`, exactly as `tools/list` returns it)",
        "c.jsonl:1: error[annotation-not-boolean]: server `s`, tool `b`: `annotations.readOnlyHint` must be true or false, found a string (fix: MCP annotation hints are booleans: write true or false, or remove the key)",
        "c.jsonl:1: error[wrong-type]: server `s`, tool `c`: `description` must be a string, found an array (fix: write the value as a JSON string, or remove the key)",
        "c.jsonl:1: error[tool-not-object]: server `s`, tool `#4`: tool #4 must be a JSON object, found a string (fix: each entry of `tools` is an MCP Tool object with at least a `name`)",
    ];
    for e in expect {
        assert!(
            shown.iter().any(|s| s.ends_with(e)),
            "missing:\n{e}\nin:\n{}",
            shown.join("\n")
        );
    }
    assert_eq!(shown.len(), expect.len(), "{shown:#?}");
    // The one tool with no problem is kept; the server is kept.
    let server = &loaded.catalogue.servers[0];
    assert_eq!(
        server
            .tools
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["c"]
    );
}

#[test]
fn duplicates_are_errors_naming_both_places() {
    let dup_tool = r#"{"id":"s","tools":[{"name":"x"},{"name":"y"},{"name":"x"}]}"#;
    let dir = content(&[
        ("a.jsonl", &format!("{GOOD}\n{dup_tool}\n")),
        ("servers/good.json", GOOD),
    ]);
    let loaded = load(dir.path()).unwrap();
    let shown: Vec<String> = loaded.problems.iter().map(|p| p.to_string()).collect();
    assert!(shown.iter().any(|s| s.contains("a.jsonl:2: error[duplicate-tool]: server `s`, tool `x`: tool name `x` appears twice in this server (tools #0 and #2)")), "{shown:#?}");
    assert!(shown.iter().any(|s| s.contains("good.json:1: error[duplicate-server]: server `good`: server id `good` is already used at ") && s.contains("a.jsonl:1")), "{shown:#?}");
    assert_eq!(loaded.catalogue.servers.len(), 2);
}

#[test]
fn missing_id_is_an_error() {
    let dir = content(&[("c.jsonl", r#"{"name":"Nameless","tools":[]}"#)]);
    let p = &problems(dir.path())[0];
    assert_eq!(p.code, "missing-server-id");
    assert!(p.message.contains("Nameless"));
}

#[test]
fn build_refuses_invalid_catalogue_and_writes_nothing() {
    let dir = content(&[("c.jsonl", &format!("{GOOD}\nnot json\n"))]);
    let out = tempfile::tempdir().unwrap();
    match build(&options(dir.path(), &out.path().join("public"), false), &()) {
        Err(BuildError::Catalogue(problems)) => assert_eq!(problems.len(), 1),
        other => panic!("expected a catalogue error, got {other:?}"),
    }
    assert!(!out.path().join("public").exists());
    // With --skip-invalid the valid server is built and the problem still reported.
    let summary = build(&options(dir.path(), &out.path().join("public"), true), &()).unwrap();
    assert_eq!(
        (summary.servers, summary.tools, summary.problems.len()),
        (1, 1, 1)
    );
}

#[test]
fn script_in_descriptions_and_names_is_escaped() {
    let evil = r#"{"id":"evil","name":"<img src=x onerror=alert(1)>","description":"<script>alert('server')</script>","tools":[{"name":"get_<b>x</b>","title":"<i>t</i>","description":"Hi <script>alert(1)</script> [x](javascript:alert(2))","inputSchema":{"type":"object","properties":{"p<q":{"type":"string","description":"</td><script>alert(3)</script>","enum":["<svg onload=alert(4)>"],"default":"\"><script>"}}}}]}"#;
    let dir = content(&[("c.jsonl", evil)]);
    let out = tempfile::tempdir().unwrap();
    build(&options(dir.path(), out.path(), false), &()).unwrap();
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(out.path())
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            pages += 1;
            for bad in [
                "<script>alert",
                "<img src=x",
                "<svg onload",
                "href=\"javascript:",
                "<b>x</b>",
                "<i>t</i>",
            ] {
                assert!(
                    !html.contains(bad),
                    "{} contains {bad}",
                    entry.path().display()
                );
            }
        }
    }
    assert!(pages >= 4);
    let tool =
        std::fs::read_to_string(out.path().join("servers/evil/get_-b-x-b/index.html")).unwrap();
    assert!(tool.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(tool.contains("&lt;svg onload=alert(4)&gt;"));
}

#[test]
fn huge_and_non_ascii_descriptions_build() {
    let huge = "Lorem ipsum dolor sit amet. ".repeat(20_000);
    let line = serde_json::json!({"id":"intl","name":"国际","description":"サーバー","tools":[
        {"name":"查询","description":"查询数据库中的记录。","inputSchema":{"type":"object"}},
        {"name":"검색","description":"문서를 검색합니다","inputSchema":{"type":"object"}},
        {"name":"huge","description":huge,"inputSchema":{"type":"object"}}]});
    let dir = content(&[("c.jsonl", &line.to_string())]);
    let out = tempfile::tempdir().unwrap();
    let summary = build(&options(dir.path(), out.path(), false), &()).unwrap();
    assert_eq!(summary.tools, 3);
    // Names with no ASCII letters get a fallback slug, numbered to stay unique.
    let cn = std::fs::read_to_string(out.path().join("servers/intl/tool/index.html")).unwrap();
    let kr = std::fs::read_to_string(out.path().join("servers/intl/tool-2/index.html")).unwrap();
    // (Each page also lists the other in its related tools, so look at the description.)
    let described =
        |page: &str, text: &str| page.contains(&format!("<div class=\"prose\"><p>{text}</p>"));
    assert!(described(&cn, "查询数据库中的记录。") ^ described(&kr, "查询数据库中的记录。"));
    assert!(described(&cn, "문서를 검색합니다") ^ described(&kr, "문서를 검색합니다"));
    let big = std::fs::read_to_string(out.path().join("servers/intl/huge/index.html")).unwrap();
    assert!(big.len() > huge.len());
}
