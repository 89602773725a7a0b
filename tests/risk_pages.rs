//! Builds the bundled catalogue and checks that the tool, server, category and risk pages
//! show the same category and level for every tool, that counts agree, and that the FAQ and
//! breadcrumb JSON-LD match the page.

use regex::Regex;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use toolpages::classify::Category;
use toolpages::site::{build, BuildOptions, Config};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

type Key = (String, String);

/// `(server, tool) → (category, level)` for every tool row of every page under `dir`.
fn rows(dir: &Path, re: &Regex) -> Vec<(PathBuf, Key, String, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_name() != "index.html" {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        for c in re.captures_iter(&html) {
            out.push((
                entry.path().to_path_buf(),
                (unescape(&c[1]), unescape(&c[2])),
                c[3].to_owned(),
                c[4].to_owned(),
            ));
        }
    }
    out
}

#[test]
fn every_page_shows_the_same_category_and_level_for_every_tool() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let config = Config::default()
        .with_base_url("https://tools.example.org/")
        .unwrap();
    let per_page = config.paginate_by;
    let summary = build(
        &BuildOptions {
            content: root().join("content"),
            templates: root().join("templates"),
            static_dir: root().join("static"),
            output: out.to_path_buf(),
            config,
            skip_invalid: false,
        },
        &(),
    )
    .expect("the real catalogue builds");
    assert_eq!(summary.tools, 2712);

    let row = Regex::new(r#"<tr data-server="([^"]*)" data-tool="([^"]*)" data-category="([a-z]+)" data-level="([a-z]+)">"#).unwrap();
    let risk_section = Regex::new(r#"<section aria-labelledby="risk" class="risk" data-server="([^"]*)" data-tool="([^"]*)" data-category="([a-z]+)" data-level="([a-z]+)">"#).unwrap();
    let canonical = Regex::new(
        r#"<link rel="canonical" href="https://tools.example.org/servers/([^/"]+)/([^/"]+)/">"#,
    )
    .unwrap();

    // Tool pages: the truth every other page must match.
    let mut truth: HashMap<Key, (String, String)> = HashMap::new();
    let servers = out.join("servers");
    for entry in walkdir::WalkDir::new(&servers).min_depth(3).max_depth(3) {
        let entry = entry.unwrap();
        if entry.file_name() != "index.html" || entry.path().to_string_lossy().contains("/page/") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let c = risk_section
            .captures(&html)
            .unwrap_or_else(|| panic!("{}: no risk section", entry.path().display()));
        let key = (unescape(&c[1]), unescape(&c[2]));
        let (category, level) = (c[3].to_owned(), c[4].to_owned());
        let expected_level = Category::parse(&category).unwrap().level().slug();
        assert_eq!(
            level,
            expected_level,
            "{}: level does not follow category",
            entry.path().display()
        );
        let slug = canonical.captures(&html).expect("canonical link");
        // The JSON-LD FAQ states the same level, and the breadcrumbs end at this page.
        let json = html
            .split(r#"<script type="application/ld+json">"#)
            .nth(1)
            .unwrap();
        let json: serde_json::Value =
            serde_json::from_str(json.split("</script>").next().unwrap()).unwrap();
        let faq = &json[0];
        assert_eq!(faq["@type"], "FAQPage");
        assert_eq!(faq["mainEntity"].as_array().unwrap().len(), 6);
        let risk_answer = faq["mainEntity"][1]["acceptedAnswer"]["text"]
            .as_str()
            .unwrap();
        let level_label = Category::parse(&category).unwrap().level().label();
        assert!(
            risk_answer.starts_with(level_label),
            "{}: {risk_answer}",
            entry.path().display()
        );
        let crumbs = json[1]["itemListElement"].as_array().unwrap();
        assert_eq!(json[1]["@type"], "BreadcrumbList");
        assert_eq!(crumbs.len(), 4);
        assert_eq!(
            crumbs[3]["item"],
            format!(
                "https://tools.example.org/servers/{}/{}/",
                &slug[1], &slug[2]
            )
        );
        assert_eq!(crumbs[3]["name"].as_str(), Some(key.1.as_str()));
        assert!(
            truth.insert(key, (category, level)).is_none(),
            "two pages for one tool"
        );
    }
    assert_eq!(truth.len(), 2712, "one tool page per tool");

    // Server pages, category pages and risk pages list every tool once, with the same values.
    let check = |label: &str,
                 found: Vec<(PathBuf, Key, String, String)>,
                 own: &dyn Fn(&Path) -> Option<String>| {
        let mut seen: HashMap<Key, usize> = HashMap::new();
        for (page, (server, tool), category, level) in &found {
            *seen.entry((server.clone(), tool.clone())).or_default() += 1;
            assert_eq!(
                Category::parse(category).unwrap().level().slug(),
                level,
                "{label} {}",
                page.display()
            );
            if let Some(expected) = own(page) {
                assert!(
                    expected == *category || expected == *level,
                    "{label} {} lists {server}/{tool} as {category}/{level}",
                    page.display()
                );
            }
        }
        assert_eq!(seen.len(), 2712, "{label}: every tool listed");
        assert!(
            seen.values().all(|&n| n == 1),
            "{label}: a tool listed twice"
        );
        found
    };
    let server_rows: Vec<_> = rows(&servers, &row)
        .into_iter()
        .filter(|(p, ..)| p.parent().and_then(|d| d.parent()) == Some(servers.as_path()))
        .collect();
    let server_rows = check("server pages", server_rows, &|_| None);
    let category_rows = check(
        "category pages",
        rows(&out.join("categories"), &row),
        &|p| {
            p.strip_prefix(out.join("categories"))
                .ok()?
                .iter()
                .next()
                .map(|s| s.to_string_lossy().into_owned())
        },
    );
    let risk_rows = check("risk pages", rows(&out.join("risk"), &row), &|p| {
        p.strip_prefix(out.join("risk"))
            .ok()?
            .iter()
            .next()
            .map(|s| s.to_string_lossy().into_owned())
    });
    let as_map = |v: &[(PathBuf, Key, String, String)]| -> BTreeMap<Key, (String, String)> {
        v.iter()
            .map(|(_, k, c, l)| (k.clone(), (c.clone(), l.clone())))
            .collect()
    };
    let (s, c, r) = (
        as_map(&server_rows),
        as_map(&category_rows),
        as_map(&risk_rows),
    );
    assert_eq!(s, c, "server and category pages disagree");
    assert_eq!(s, r, "server and risk pages disagree");
    let t: BTreeMap<Key, (String, String)> = truth.into_iter().collect();
    assert_eq!(t, s, "tool pages and server pages disagree");

    // Counts on the category index agree with the listings, and long listings are paginated.
    let index = std::fs::read_to_string(out.join("categories/index.html")).unwrap();
    let count = Regex::new(r#"<tr data-category="([a-z]+)" data-count="(\d+)">"#).unwrap();
    for cap in count.captures_iter(&index) {
        let n: usize = cap[2].parse().unwrap();
        let listed = c.values().filter(|(cat, _)| *cat == cap[1]).count();
        assert_eq!(n, listed, "count of {}", &cap[1]);
        let pages = n.div_ceil(per_page).max(1);
        let last = if pages == 1 {
            format!("categories/{}/index.html", &cap[1])
        } else {
            format!("categories/{}/page/{pages}/index.html", &cap[1])
        };
        assert!(out.join(&last).is_file(), "{last} missing");
        assert!(!out
            .join(format!(
                "categories/{}/page/{}/index.html",
                &cap[1],
                pages + 1
            ))
            .exists());
    }
    // Each server page's breakdown counts the tools it lists.
    for entry in std::fs::read_dir(&servers).unwrap().filter_map(Result::ok) {
        let page = entry.path().join("index.html");
        let Ok(html) = std::fs::read_to_string(&page) else {
            continue;
        };
        for cap in count.captures_iter(&html) {
            let n: usize = cap[2].parse().unwrap();
            let listed = row.captures_iter(&html).filter(|r| r[3] == cap[1]).count();
            assert_eq!(n, listed, "{}: count of {}", page.display(), &cap[1]);
        }
    }
    let read = std::fs::read_to_string(out.join("categories/read/index.html")).unwrap();
    assert!(read.contains(r#"rel="next" href="/categories/read/page/2/""#));
}

#[test]
fn attack_patterns_are_rendered_and_linked_from_the_tools_they_concern() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    build(
        &BuildOptions {
            content: root().join("content"),
            templates: root().join("templates"),
            static_dir: root().join("static"),
            output: out.to_path_buf(),
            config: Config::default(),
            skip_invalid: false,
        },
        &(),
    )
    .expect("builds");
    let attacks: Vec<String> = std::fs::read_dir(root().join("content/attacks"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(attacks.len() >= 5);
    let index = std::fs::read_to_string(out.join("attacks/index.html")).unwrap();
    for slug in &attacks {
        let page = std::fs::read_to_string(out.join(format!("attacks/{slug}/index.html"))).unwrap();
        assert!(page.contains("<h2"), "{slug}: body rendered from Markdown");
        assert!(
            index.contains(&format!(r#"href="/attacks/{slug}/""#)),
            "{slug} not in the index"
        );
    }
    // A destructive tool links to the destructive pattern; a read tool does not.
    let delete = std::fs::read_to_string(
        out.join("servers/mcp-server-kubernetes/kubectl_delete/index.html"),
    )
    .unwrap();
    assert!(delete.contains(r#"href="/attacks/destructive-action-without-review/""#));
    let fetch =
        std::fs::read_to_string(out.join("servers/mcp-server-fetch/fetch/index.html")).unwrap();
    assert!(fetch.contains(r#"href="/attacks/data-exfiltration-through-fetch/""#));
    assert!(!fetch.contains(r#"href="/attacks/destructive-action-without-review/""#));
    // Navigation reaches the browse pages from every page.
    for nav in ["categories/", "risk/", "attacks/"] {
        assert!(
            fetch.contains(&format!(r#"<a href="/{nav}">"#)),
            "{nav} missing from the header"
        );
    }
}
