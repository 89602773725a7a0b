//! Incremental builds: after one server changes, the output is byte for byte what a fresh
//! build gives, only that server's files are rewritten, and pages of unchanged servers are
//! not rendered again (see `site::cache`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toolpages::site::{build, cache, BuildOptions, BuildSummary, Config};
use walkdir::WalkDir;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The first 30 servers of the bundled catalogue, as a content folder.
fn content() -> tempfile::TempDir {
    let text = std::fs::read_to_string(root().join("content/catalogue.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().take(30).collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("catalogue.jsonl"), lines.join("\n")).unwrap();
    dir
}

fn options(content: &Path, out: &Path, templates: &Path) -> BuildOptions {
    BuildOptions {
        content: content.to_path_buf(),
        templates: templates.to_path_buf(),
        static_dir: root().join("static"),
        output: out.to_path_buf(),
        config: Config::default(),
        skip_invalid: false,
    }
}

fn build_into(content: &Path, out: &Path) -> BuildSummary {
    build(&options(content, out, &root().join("templates")), &()).unwrap()
}

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e.path().strip_prefix(dir).unwrap().display().to_string();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Rewrites line `line` of the catalogue through `edit`.
fn edit_server(content: &Path, line: usize, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = content.join("catalogue.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut server: serde_json::Value = serde_json::from_str(&lines[line]).unwrap();
    edit(&mut server);
    lines[line] = server.to_string();
    std::fs::write(&path, lines.join("\n")).unwrap();
}

fn server_id(content: &Path, line: usize) -> String {
    let text = std::fs::read_to_string(content.join("catalogue.jsonl")).unwrap();
    let server: serde_json::Value = serde_json::from_str(text.lines().nth(line).unwrap()).unwrap();
    server["id"].as_str().unwrap().to_owned()
}

#[test]
fn one_edited_server_rewrites_only_its_files_and_matches_a_fresh_build() {
    let content = content();
    let out = tempfile::tempdir().unwrap();
    let first = build_into(content.path(), out.path());
    assert!(out.path().join(cache::FILE).is_file());

    // A page of an untouched server, edited by hand: a skipped page is not even read, so the
    // edit stays (documented: delete the cache file to force a full render).
    let untouched = server_id(content.path(), 3);
    let untouched_page = out.path().join(format!("servers/{untouched}/index.html"));
    let original = std::fs::read(&untouched_page).unwrap();
    std::fs::write(&untouched_page, b"edited by hand").unwrap();

    let edited = server_id(content.path(), 10);
    edit_server(content.path(), 10, |server| {
        let tool = &mut server["tools"][0];
        let description = tool["description"].as_str().unwrap_or("").to_owned();
        tool["description"] = format!("Changed. {description}").into();
    });
    let second = build_into(content.path(), out.path());
    assert_eq!(second.pages, first.pages);
    // The edited tool's page and its server page (the summary starts with "Changed.").
    assert_eq!(second.written, 2, "{second:?}");
    assert_eq!(
        std::fs::read(&untouched_page).unwrap(),
        b"edited by hand",
        "pages of unchanged servers are skipped, not rendered again"
    );
    std::fs::write(&untouched_page, &original).unwrap();

    let fresh = tempfile::tempdir().unwrap();
    build_into(content.path(), fresh.path());
    let (incremental, fresh) = (files(out.path()), files(fresh.path()));
    assert_eq!(
        incremental.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &fresh {
        assert!(
            incremental[name] == *bytes,
            "{name} differs from a fresh build"
        );
    }
    let page = String::from_utf8(incremental[&format!("servers/{edited}/index.html")].clone());
    assert!(page.unwrap().contains("Changed."));
}

#[test]
fn missing_files_templates_and_settings_are_noticed() {
    let content = content();
    let out = tempfile::tempdir().unwrap();
    let first = build_into(content.path(), out.path());
    let server = server_id(content.path(), 5);

    // A deleted page of an unchanged server comes back.
    std::fs::remove_dir_all(out.path().join(format!("servers/{server}"))).unwrap();
    let again = build_into(content.path(), out.path());
    assert!(again.written >= 1);
    assert!(out
        .path()
        .join(format!("servers/{server}/index.html"))
        .is_file());

    // A changed template renders every page that uses it again.
    let templates = tempfile::tempdir().unwrap();
    let tool = std::fs::read_to_string(root().join("templates/tool.html")).unwrap();
    let tool = tool.replace("<h2 id=\"faq\">FAQ</h2>", "<h2 id=\"faq\">Questions</h2>");
    std::fs::write(templates.path().join("tool.html"), tool).unwrap();
    let summary = build(&options(content.path(), out.path(), templates.path()), &()).unwrap();
    let tools: usize = summary.tools;
    assert_eq!(
        summary.written, tools,
        "every tool page has the new heading"
    );

    // Changed settings render everything again.
    let mut options = options(content.path(), out.path(), &root().join("templates"));
    options.config = Config::default()
        .with_base_url("https://other.example.org/")
        .unwrap();
    let summary = build(&options, &()).unwrap();
    assert!(summary.written >= first.pages, "{summary:?}");
}

#[test]
fn a_damaged_cache_means_a_full_render() {
    let content = content();
    let out = tempfile::tempdir().unwrap();
    build_into(content.path(), out.path());
    let server = server_id(content.path(), 2);
    let page = out.path().join(format!("servers/{server}/index.html"));
    let original = std::fs::read(&page).unwrap();
    std::fs::write(&page, b"edited by hand").unwrap();
    std::fs::write(out.path().join(cache::FILE), "not a cache\n0000").unwrap();
    let summary = build_into(content.path(), out.path());
    assert_eq!(summary.written, 1, "only the damaged page differs");
    assert_eq!(std::fs::read(&page).unwrap(), original);
}
