//! Publishing: sitemap split, generated files, hashed assets, precompression, write-if-changed
//! and stale-file removal, on the bundled real catalogue.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use toolpages::site::{build_with, BuildOptions, BuildSummary, Config, PublishOptions};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn options(content: &Path, static_dir: &Path, out: &Path) -> BuildOptions {
    BuildOptions {
        content: content.to_path_buf(),
        templates: root().join("templates"),
        static_dir: static_dir.to_path_buf(),
        output: out.to_path_buf(),
        config: Config::default()
            .with_base_url("https://tools.example.org/docs/")
            .unwrap(),
        skip_invalid: false,
    }
}

fn build(options: &BuildOptions, publish: &PublishOptions) -> BuildSummary {
    build_with(options, publish, &()).expect("the site builds")
}

/// Every file under `dir` with its modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let mtime = e.metadata().unwrap().modified().unwrap();
            (e.into_path(), mtime)
        })
        .collect()
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn sitemap_splits_at_the_limit_and_lists_every_page_once() {
    let out = tempfile::tempdir().unwrap();
    let opts = options(&root().join("content"), &root().join("static"), out.path());
    // 145 servers + 2,712 tools + home + 2 server index pages: 2,860 URLs at 1,000 a file.
    let publish = PublishOptions {
        sitemap_max_urls: 1000,
        ..PublishOptions::default()
    };
    build(&opts, &publish);
    let index = read(out.path(), "sitemap.xml");
    assert!(index.starts_with("<?xml") && index.contains("<sitemapindex"));
    let parts: Vec<&str> = index.matches("<loc>").collect();
    assert_eq!(parts.len(), 3, "{index}");
    assert!(index.contains("<loc>https://tools.example.org/docs/sitemap-3.xml</loc>"));
    let mut urls = Vec::new();
    for n in 1..=3 {
        let xml = read(out.path(), &format!("sitemap-{n}.xml"));
        let here: Vec<String> = xml
            .split("<loc>")
            .skip(1)
            .map(|s| s.split("</loc>").next().unwrap().to_owned())
            .collect();
        assert!(
            here.len() <= 1000,
            "sitemap-{n}.xml has {} URLs",
            here.len()
        );
        urls.extend(here);
    }
    assert!(!out.path().join("sitemap-4.xml").exists());
    let unique: std::collections::HashSet<&String> = urls.iter().collect();
    assert_eq!(unique.len(), urls.len(), "no URL twice");
    // Every HTML page of the site (home, listings, every server and tool, browse and search
    // pages) is listed once, and nothing else.
    let pages = walkdir::WalkDir::new(out.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .count();
    assert!(pages > 1 + 2 + 145 + 2712);
    assert_eq!(urls.len(), pages);
    assert!(urls.contains(
        &"https://tools.example.org/docs/servers/awslabs-healthimaging-mcp-server/start_dicom_export_job/"
            .to_owned()
    ));
    assert!(!urls.iter().any(|u| u.ends_with("404.html")));
    // robots.txt names the index.
    assert!(read(out.path(), "robots.txt")
        .contains("Sitemap: https://tools.example.org/docs/sitemap.xml"));

    // With the real limit, one sitemap file; the old chunks are removed as stale.
    build(&opts, &PublishOptions::default());
    assert!(out.path().join("sitemap-1.xml").is_file());
    assert!(!out.path().join("sitemap-2.xml").exists());
}

#[test]
fn llms_txt_and_tools_json_describe_every_server() {
    let out = tempfile::tempdir().unwrap();
    build(
        &options(&root().join("content"), &root().join("static"), out.path()),
        &PublishOptions::default(),
    );
    let llms = read(out.path(), "llms.txt");
    assert!(llms.starts_with("# MCP Tool Pages\n\n> "));
    assert!(llms.contains("\n## Servers\n"));
    assert_eq!(llms.lines().filter(|l| l.starts_with("- [")).count(), 145);
    assert!(llms.contains("- [awslabs.healthimaging-mcp-server](https://tools.example.org/docs/servers/awslabs-healthimaging-mcp-server/llms.txt): "));
    let server = read(
        out.path(),
        "servers/awslabs-healthimaging-mcp-server/llms.txt",
    );
    assert!(server.contains("- [start_dicom_export_job](https://tools.example.org/docs/servers/awslabs-healthimaging-mcp-server/start_dicom_export_job/): Start a DICOM export job."));
    let json: serde_json::Value = serde_json::from_str(&read(
        out.path(),
        "servers/awslabs-healthimaging-mcp-server/tools.json",
    ))
    .unwrap();
    assert_eq!(json["server"]["id"], "awslabs-healthimaging-mcp-server");
    let tools = json["tools"].as_array().unwrap();
    let export = tools
        .iter()
        .find(|t| t["name"] == "start_dicom_export_job")
        .unwrap();
    assert_eq!(
        export["url"],
        "https://tools.example.org/docs/servers/awslabs-healthimaging-mcp-server/start_dicom_export_job/"
    );
    // Category and level are the ones the tool page shows (decided once, in analysis).
    let page = read(
        out.path(),
        "servers/awslabs-healthimaging-mcp-server/start_dicom_export_job/index.html",
    );
    assert!(
        !page.contains("livereload") && !page.contains("toolpages-error"),
        "the preview's script never reaches build output"
    );
    let category = export["category"].as_str().unwrap();
    let level = export["level"].as_str().unwrap();
    assert!(
        page.contains(&format!("badge cat-{category}")),
        "{category}"
    );
    assert!(page.contains(&format!("badge risk-{level}")), "{level}");
}

#[test]
fn second_build_rewrites_nothing_even_precompressed_and_hashed() {
    // The first 30 servers of the real catalogue (Brotli at its best quality is slow, and
    // the behaviour does not depend on size).
    let work = tempfile::tempdir().unwrap();
    let content = work.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    let real = std::fs::read_to_string(root().join("content/catalogue.jsonl")).unwrap();
    let part: Vec<&str> = real.lines().take(30).collect();
    std::fs::write(content.join("catalogue.jsonl"), part.join("\n")).unwrap();
    let out = work.path().join("public");
    let out = out.as_path();
    let opts = options(&content, &root().join("static"), out);
    let publish = PublishOptions {
        precompress: true,
        ..PublishOptions::default()
    };
    let first = build(&opts, &publish);
    assert!(first.written > 300, "{}", first.written);
    let before = snapshot(out);
    let count = |ext: &str| {
        before
            .keys()
            .filter(|p| p.to_string_lossy().ends_with(ext))
            .count()
    };
    // Every page has both copies; so do the JSON and XML files.
    let pages = count(".html");
    assert_eq!(count(".html.gz"), pages);
    assert_eq!(count(".html.br"), pages);
    assert!(count(".json.br") >= 30 && count(".xml.gz") >= 2);
    // The stylesheet is published under its content hash and the pages link to it.
    let css = before
        .keys()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .find(|n| n.starts_with("style.") && n.ends_with(".css"))
        .expect("a hashed stylesheet");
    assert!(read(out, "index.html").contains(&format!("href=\"/docs/{css}\"")));
    assert!(!out.join("style.css").exists());

    std::thread::sleep(std::time::Duration::from_millis(50));
    let second = build(&opts, &publish);
    assert_eq!(second.written, 0);
    assert_eq!(second.removed, 0);
    assert_eq!(snapshot(out), before, "no file was touched");

    // Without --precompress the copies are stale and go; the pages stay untouched.
    let third = build(&opts, &PublishOptions::default());
    assert_eq!(third.written, 0);
    assert_eq!(third.removed, count(".gz") + count(".br"));
    let after = snapshot(out);
    assert!(after.keys().all(|p| !p.to_string_lossy().ends_with(".br")));
    // Only toolpages' own list of the files it wrote changed (fewer files now).
    let changed: Vec<_> = after
        .iter()
        .filter(|(p, t)| before.get(*p) != Some(*t))
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(changed, [toolpages::site::publish::clean::LISTING]);
}

#[test]
fn changed_stylesheet_replaces_its_hashed_file_and_stale_pages_go() {
    let work = tempfile::tempdir().unwrap();
    let content = work.path().join("content");
    let static_dir = work.path().join("static");
    let out = work.path().join("public");
    std::fs::create_dir_all(content.join("servers")).unwrap();
    std::fs::create_dir_all(&static_dir).unwrap();
    let server = |id: &str| {
        format!(r#"{{"id":"{id}","tools":[{{"name":"read_file","description":"Reads a file."}}]}}"#)
    };
    std::fs::write(content.join("servers/a.json"), server("a")).unwrap();
    std::fs::write(content.join("servers/b.json"), server("b")).unwrap();
    std::fs::write(static_dir.join("style.css"), "body{}").unwrap();
    std::fs::write(static_dir.join("toolpages.js"), "").unwrap();
    let opts = options(&content, &static_dir, &out);
    build(&opts, &PublishOptions::default());
    let old_css = hashed(&out, "style.");
    assert!(out.join("servers/b/read_file/index.html").is_file());

    std::fs::write(static_dir.join("style.css"), "body{color:red}").unwrap();
    std::fs::remove_file(content.join("servers/b.json")).unwrap();
    let summary = build(&opts, &PublishOptions::default());
    let new_css = hashed(&out, "style.");
    assert_ne!(old_css, new_css);
    assert!(
        !out.join(&old_css).exists(),
        "the old hashed stylesheet is removed"
    );
    assert!(
        !out.join("servers/b").exists(),
        "the removed server's pages are gone"
    );
    assert!(summary.removed >= 5, "{}", summary.removed);
    assert!(out.join(toolpages::site::publish::clean::MARKER).is_file());
}

#[test]
fn a_folder_not_made_by_toolpages_is_never_cleaned() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("mine");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thesis.tex"), "precious").unwrap();
    let summary = build(
        &options(&root().join("content"), &root().join("static"), &out),
        &PublishOptions::default(),
    );
    assert_eq!(read(&out, "thesis.tex"), "precious");
    assert_eq!(summary.removed, 0);
    assert!(
        summary.notes[0].contains("not made by toolpages"),
        "{:?}",
        summary.notes
    );
}

fn hashed(dir: &Path, prefix: &str) -> String {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix}* file"))
}
