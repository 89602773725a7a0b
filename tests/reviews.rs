//! Reviewed categories (`content/servers/<server>/<tool>.md`) and attack pattern files:
//! a good review changes every page that shows the tool; every bad file is reported with its
//! path and line, and the others still load.

use std::path::{Path, PathBuf};
use toolpages::catalogue::load;
use toolpages::classify::{overrides, Category};
use toolpages::site::attacks;
use toolpages::site::{build, BuildError, BuildOptions, Config};

const CATALOGUE: &str = r#"{"id":"acme","name":"Acme","tools":[{"name":"tag_things","description":"Tags things.","inputSchema":{"type":"object","properties":{}}},{"name":"get_thing","description":"Gets a thing.","inputSchema":{"type":"object","properties":{}}}]}"#;

fn content(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
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

fn read(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_review_changes_every_page_and_says_a_person_reviewed_it() {
    let dir = content(&[
        ("catalogue.jsonl", CATALOGUE),
        (
            "servers/acme/tag_things.md",
            "---\ncategory: destructive\nnotes: Tagging moves the tag off every other thing that had it.\n---\nChecked in the **source**. <script>alert(1)</script>\n",
        ),
    ]);
    let out = tempfile::tempdir().unwrap();
    build(&options(dir.path(), out.path(), false), &()).expect("builds");
    let page = read(out.path(), "servers/acme/tag_things/index.html");
    assert!(page.contains("Reviewed by a person"));
    assert!(page.contains(r#"data-category="destructive" data-level="critical""#));
    assert!(page.contains("the automatic classification was Write (Medium risk)"));
    assert!(page.contains("Tagging moves the tag off"));
    assert!(
        page.contains("<strong>source</strong>"),
        "body rendered as Markdown"
    );
    assert!(
        !page.contains("<script>alert"),
        "raw HTML in the body is escaped"
    );
    assert!(
        page.contains("&quot;hide&quot;: ["),
        "the policy follows the reviewed category"
    );
    assert!(
        page.contains("A person reviewed this classification"),
        "the FAQ says so"
    );
    let server = read(out.path(), "servers/acme/index.html");
    assert!(server.contains(r#"data-tool="tag_things" data-category="destructive""#));
    let listing = read(out.path(), "categories/destructive/index.html");
    assert!(listing.contains(r#"data-tool="tag_things""#));
    assert!(read(out.path(), "risk/critical/index.html").contains(r#"data-tool="tag_things""#));
    // The unreviewed tool is untouched.
    let other = read(out.path(), "servers/acme/get_thing/index.html");
    assert!(!other.contains("Reviewed by a person"));
}

#[test]
fn bad_review_files_are_reported_with_file_and_line() {
    let dir = content(&[
        ("catalogue.jsonl", CATALOGUE),
        ("servers/nobody/get_thing.md", "---\ncategory: read\n---\n"),
        ("servers/acme/missing_tool.md", "---\ncategory: read\n---\n"),
        (
            "servers/acme/tag_things.md",
            "---\nnotes: x\ncategory: dangerous\n---\n",
        ),
        (
            "servers/acme/get_thing.md",
            "---\ncategory: read\ncolour: blue\n---\n",
        ),
        (
            "servers/acme/deep/get_thing.md",
            "---\ncategory: read\n---\n",
        ),
    ]);
    let loaded = load(dir.path()).unwrap();
    let (reviews, problems) = overrides::load(dir.path(), &loaded.catalogue);
    assert!(reviews.is_empty());
    let mut codes: Vec<(&str, String, usize)> = problems
        .iter()
        .map(|p| {
            let file = p
                .file
                .strip_prefix(dir.path())
                .unwrap()
                .display()
                .to_string();
            (p.code, file, p.line)
        })
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            ("bad-front-matter", "servers/acme/get_thing.md".into(), 3),
            (
                "misplaced-review",
                "servers/acme/deep/get_thing.md".into(),
                1
            ),
            (
                "review-unknown-category",
                "servers/acme/tag_things.md".into(),
                3
            ),
            (
                "review-unknown-server",
                "servers/nobody/get_thing.md".into(),
                1
            ),
            (
                "review-unknown-tool",
                "servers/acme/missing_tool.md".into(),
                1
            ),
        ]
    );
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        shown
            .iter()
            .any(|s| s.contains("server `acme`, tool `tag_things`")
                && s.contains("`dangerous` is not a category")),
        "{shown:#?}"
    );
    assert!(shown.iter().any(|s| s.contains("colour")), "{shown:#?}");

    // The build refuses, naming the problems; with --skip-invalid it builds the rest.
    let out = tempfile::tempdir().unwrap();
    match build(&options(dir.path(), out.path(), false), &()) {
        Err(BuildError::Catalogue(problems)) => assert_eq!(problems.len(), 5),
        other => panic!("expected catalogue errors, got {other:?}"),
    }
    assert!(!out.path().join("index.html").exists(), "nothing written");
    let summary = build(&options(dir.path(), out.path(), true), &()).expect("skip-invalid builds");
    assert_eq!(summary.problems.len(), 5);
    let page = read(out.path(), "servers/acme/tag_things/index.html");
    assert!(!page.contains("Reviewed by a person"));
}

#[test]
fn attack_files_are_checked() {
    let dir = content(&[
        (
            "attacks/good.md",
            "---\ntitle: Good\ncategories: [write, Write, read]\n---\nBody.\n",
        ),
        (
            "attacks/bad-category.md",
            "---\ntitle: Bad\ncategories: [writ]\n---\n",
        ),
        (
            "attacks/no-categories.md",
            "---\ntitle: None\ncategories: []\n---\n",
        ),
        ("attacks/no-front.md", "# Just text\n"),
        ("attacks/notes.txt", "ignored"),
    ]);
    let (found, problems) = attacks::load(&dir.path().join("attacks"));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].slug, "good");
    assert_eq!(found[0].categories, [Category::Write, Category::Read]);
    let mut codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            "attack-unknown-category",
            "attack-without-categories",
            "missing-front-matter"
        ]
    );
    let bad = problems
        .iter()
        .find(|p| p.code == "attack-unknown-category")
        .unwrap();
    assert_eq!(bad.line, 3);
    assert!(bad.file.ends_with("bad-category.md"));
}
