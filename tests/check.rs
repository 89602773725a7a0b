//! `toolpages check`: broken links and anchors are found, the real site passes, and host
//! limits are enforced.

use std::path::{Path, PathBuf};
use toolpages::check::{check, Host};
use toolpages::site::{BuildOptions, Config};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn options(content: &Path, templates: &Path, static_dir: &Path) -> BuildOptions {
    BuildOptions {
        content: content.to_path_buf(),
        templates: templates.to_path_buf(),
        static_dir: static_dir.to_path_buf(),
        output: PathBuf::from("never-written"),
        config: Config::default()
            .with_base_url("https://example.org/tools/")
            .unwrap(),
        skip_invalid: false,
    }
}

#[test]
fn the_real_site_has_no_broken_links_and_fits_every_host() {
    let opts = options(
        &root().join("content"),
        &root().join("templates"),
        &root().join("static"),
    );
    // Cloudflare's free plan is the strictest host (20,000 files, 25 MiB a file).
    let report = check(&opts, Some(Host::CloudflarePages), false).unwrap();
    assert_eq!(report.problems, Vec::<String>::new());
    assert!(report.files > 3000, "{}", report.files);
    assert!(
        report.links > 2712,
        "every tool page is linked: {}",
        report.links
    );
    assert!(!Path::new("never-written").exists(), "check writes nothing");
}

#[test]
fn planted_broken_link_and_anchor_are_reported() {
    let work = tempfile::tempdir().unwrap();
    let templates = work.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let tool = std::fs::read_to_string(root().join("templates/tool.html")).unwrap();
    let planted = tool.replacen(
        "<article class=\"tool\">",
        "<article class=\"tool\"><a href=\"{{ 'servers/no-such-server/'|url }}\">gone</a> <a href=\"{{ server.path|url }}#no-such-anchor\">nowhere</a> <a href=\"#faq\">fine</a> <a href=\"https://example.com/elsewhere\">external</a>",
        1,
    );
    std::fs::write(templates.join("tool.html"), planted).unwrap();
    let content = work.path().join("content");
    std::fs::create_dir_all(content.join("servers")).unwrap();
    std::fs::write(
        content.join("servers/files.json"),
        r#"{"id": "files", "tools": [{"name": "read_file"}, {"name": "write_file"}]}"#,
    )
    .unwrap();
    let report = check(
        &options(&content, &templates, &root().join("static")),
        None,
        false,
    )
    .unwrap();
    assert_eq!(report.problems.len(), 2, "{:#?}", report.problems);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("broken link to /servers/no-such-server/")
                && p.starts_with("servers/files/")),
        "{:#?}",
        report.problems
    );
    assert!(
        report.problems.iter().any(
            |p| p.contains("broken anchor /servers/files/#no-such-anchor")
                && p.contains("servers/files/index.html has no element with id=\"no-such-anchor\"")
        ),
        "{:#?}",
        report.problems
    );
}

#[test]
fn a_file_too_large_for_cloudflare_is_reported() {
    let work = tempfile::tempdir().unwrap();
    let static_dir = work.path().join("static");
    std::fs::create_dir_all(&static_dir).unwrap();
    for f in ["style.css", "toolpages.js"] {
        std::fs::copy(root().join("static").join(f), static_dir.join(f)).unwrap();
    }
    std::fs::write(static_dir.join("dump.bin"), vec![0u8; 26 * 1024 * 1024]).unwrap();
    let content = work.path().join("content");
    std::fs::create_dir_all(content.join("servers")).unwrap();
    std::fs::write(
        content.join("servers/a.json"),
        r#"{"id": "a", "tools": []}"#,
    )
    .unwrap();
    let opts = options(&content, &root().join("templates"), &static_dir);
    let report = check(&opts, Some(Host::CloudflarePages), false).unwrap();
    assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
    assert!(report.problems[0].starts_with("dump.bin is 27262976 bytes, more than 26214400 bytes"));
    assert!(check(&opts, Some(Host::GithubPages), false)
        .unwrap()
        .problems
        .is_empty());
}
