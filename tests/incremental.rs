//! Incremental builds: after one server changes, the output is byte for byte what a fresh
//! build gives, only that server's files are rewritten, and pages of unchanged servers are
//! not rendered again (see `site::cache`).

mod support;

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
        templates: templates.to_path_buf(),
        ..support::options(content, out, false)
    }
}

/// Builds `content` into `out`, checking that the lint findings (remembered per unchanged
/// entry between builds, see `catalogue::lint::memo`) are those of a fresh lint.
fn build_into(content: &Path, out: &Path) -> BuildSummary {
    build_with(content, out, Config::default())
}

/// [`build_into`] with the settings `config`.
fn build_with(content: &Path, out: &Path, config: Config) -> BuildSummary {
    let options = BuildOptions {
        config,
        ..options(content, out, &root().join("templates"))
    };
    let summary = build(&options, &()).unwrap();
    let catalogue = toolpages::catalogue::load(content).unwrap().catalogue;
    assert_eq!(summary.lint, toolpages::catalogue::lint(&catalogue));
    summary
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

/// The files whose bytes differ between two snapshots (or exist in only one).
fn changed<'a>(
    before: &'a BTreeMap<String, Vec<u8>>,
    after: &'a BTreeMap<String, Vec<u8>>,
) -> Vec<&'a String> {
    let mut names: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|name| before.get(*name) != after.get(*name))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Asserts that the incremental output in `out` is byte for byte what a fresh build of
/// `content` gives; returns the incremental files.
fn assert_same_as_fresh_build(content: &Path, out: &Path) -> BTreeMap<String, Vec<u8>> {
    assert_same_as_fresh_build_with(content, out, Config::default())
}

/// [`assert_same_as_fresh_build`] with the settings `config`.
fn assert_same_as_fresh_build_with(
    content: &Path,
    out: &Path,
    config: Config,
) -> BTreeMap<String, Vec<u8>> {
    let fresh = tempfile::tempdir().unwrap();
    build_with(content, fresh.path(), config);
    let (incremental, fresh) = (files(out), files(fresh.path()));
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
    incremental
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
    let before = files(out.path());
    let second = build_into(content.path(), out.path());
    assert_eq!(second.pages, first.pages);
    // The edited tool's page, its server page (the summary starts with "Changed."), its
    // same-category siblings (which list its summary) and the server's llms.txt/tools.json
    // are rewritten; listings and the search index may change too, other servers' pages not
    // (none of the first 30 servers shares the edited tool's name).
    let after = files(out.path());
    let changed_servers: Vec<&String> = changed(&before, &after)
        .into_iter()
        .filter(|name| name.starts_with("servers/"))
        .collect();
    assert!(changed_servers.contains(&&format!("servers/{edited}/index.html")));
    assert!(changed_servers
        .iter()
        .all(|name| name.starts_with(&format!("servers/{edited}/"))));
    assert_eq!(
        std::fs::read(&untouched_page).unwrap(),
        b"edited by hand",
        "pages of unchanged servers are skipped, not rendered again"
    );
    std::fs::write(&untouched_page, &original).unwrap();

    let incremental = assert_same_as_fresh_build(content.path(), out.path());
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

/// A new search shard size re-indexes the catalogue in the new shards and renders no page
/// again (only the index and the build's own state files change); the output is what a
/// fresh build with that size gives.
#[test]
fn a_new_search_shard_size_reindexes_without_rendering_pages() {
    let content = content();
    let out = tempfile::tempdir().unwrap();
    let first = build_into(content.path(), out.path());
    assert_eq!(first.search.shards, 1);
    // A page that is not rendered again keeps even a marker put into it.
    let server = server_id(content.path(), 3);
    let page = out.path().join(format!("servers/{server}/index.html"));
    std::fs::write(&page, "not rendered again").unwrap();
    let before = files(out.path());

    let mut options = options(content.path(), out.path(), &root().join("templates"));
    options.config.search_shard_tools = 100;
    let summary = build(&options, &()).unwrap();
    assert!(
        std::fs::read_to_string(&page).unwrap() == "not rendered again",
        "the page of {server} was rendered again"
    );
    assert!(summary.search.shards >= 3, "{:?}", summary.search);
    assert_eq!(summary.search.tools, first.search.tools);
    assert_eq!(summary.written, summary.search.written, "{summary:?}");
    let after = files(out.path());
    let outside_the_index: Vec<_> = changed(&before, &after)
        .into_iter()
        .filter(|name| !name.starts_with("pagefind/") && !name.starts_with(".toolpages-"))
        .collect();
    assert!(outside_the_index.is_empty(), "{outside_the_index:?}");

    let fresh = tempfile::tempdir().unwrap();
    options.output = fresh.path().to_path_buf();
    build(&options, &()).unwrap();
    let fresh = files(fresh.path());
    for (name, bytes) in fresh.iter().filter(|(name, _)| !page.ends_with(name)) {
        assert!(
            after.get(name) == Some(bytes),
            "{name} differs from a fresh build"
        );
    }
}

/// With several shards, the records that need word splitting (Chinese, Japanese, Thai) live
/// in segmented bundles: an edit to an English server keeps them as they are, an edit to a
/// server with such records indexes them again; each time the output is a fresh build's.
#[test]
fn segmented_bundles_change_with_their_servers_only() {
    let content = content();
    let out = tempfile::tempdir().unwrap();
    let config = || Config {
        search_shard_tools: 100,
        ..Config::default()
    };
    let first = build_with(content.path(), out.path(), config());
    assert!(first.search.shards >= 4, "{:?}", first.search);
    let segmented = "pagefind/segmented-1/pagefind-entry.json";
    assert!(out.path().join(segmented).is_file());
    let in_segmented = |names: Vec<&String>| {
        names
            .into_iter()
            .filter(|name| name.starts_with("pagefind/segmented-"))
            .count()
    };
    let edit = |line: usize, change: &'static str| {
        edit_server(content.path(), line, |server| {
            let tool = &mut server["tools"][0];
            let description = tool["description"].as_str().unwrap_or("").to_owned();
            tool["description"] = format!("{change} {description}").into();
        })
    };

    // Server 10 has no Chinese, Japanese or Thai text.
    let before = files(out.path());
    edit(10, "Changed.");
    let second = build_with(content.path(), out.path(), config());
    let after = assert_same_as_fresh_build_with(content.path(), out.path(), config());
    assert_eq!(in_segmented(changed(&before, &after)), 0);
    assert!(second.search.unchanged > 0 && second.search.written > 0);

    // Server 1 (`antv-mcp-server-chart`) describes ten tools in Chinese.
    edit(1, "已更改。");
    build_with(content.path(), out.path(), config());
    let edited = assert_same_as_fresh_build_with(content.path(), out.path(), config());
    assert!(in_segmented(changed(&after, &edited)) > 0);
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

/// Tool pages show tools of the same name on other servers: a tool added to server B with
/// the name of a tool of server A changes A's tool page, which must be rendered again even
/// though A's own entry did not change.
#[test]
fn a_related_tool_on_another_server_renders_the_page_again() {
    let content = content();
    let out = tempfile::tempdir().unwrap();
    build_into(content.path(), out.path());
    let a = server_id(content.path(), 0);
    let text = std::fs::read_to_string(content.path().join("catalogue.jsonl")).unwrap();
    let server_a: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let tool = server_a["tools"][0].clone();
    let name = tool["name"].as_str().unwrap().to_owned();
    let b = server_id(content.path(), 1);
    edit_server(content.path(), 1, |server| {
        let tools = server["tools"].as_array_mut().unwrap();
        assert!(tools.iter().all(|t| t["name"] != name.as_str()));
        tools.push(tool);
    });

    let before = files(out.path());
    build_into(content.path(), out.path());
    let after = files(out.path());
    let changed_on_a: Vec<&String> = changed(&before, &after)
        .into_iter()
        .filter(|f| f.starts_with(&format!("servers/{a}/")))
        .collect();
    assert!(
        !changed_on_a.is_empty(),
        "A's page of `{name}` now lists B's `{name}`"
    );
    let page = String::from_utf8(after[changed_on_a[0]].clone()).unwrap();
    assert!(
        page.contains(&format!("servers/{b}/")),
        "{}",
        changed_on_a[0]
    );
    assert_same_as_fresh_build(content.path(), out.path());
}

/// Tool pages link the attack patterns of their category: editing an attack pattern's title
/// renders those pages again.
#[test]
fn an_edited_attack_pattern_renders_the_tool_pages_again() {
    let content = content();
    let attacks = content.path().join("attacks");
    std::fs::create_dir(&attacks).unwrap();
    for entry in std::fs::read_dir(root().join("content/attacks")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), attacks.join(entry.file_name())).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    build_into(content.path(), out.path());
    assert!(files(out.path())
        .iter()
        .any(|(name, bytes)| name.starts_with("servers/")
            && String::from_utf8_lossy(bytes).contains("Destructive action without review")));

    let file = attacks.join("destructive-action-without-review.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text.replace(
        "title: Destructive action without review",
        "title: Irreversible action without review",
    );
    std::fs::write(&file, text).unwrap();
    build_into(content.path(), out.path());
    let after = assert_same_as_fresh_build(content.path(), out.path());
    let linked = after
        .iter()
        .filter(|(name, bytes)| {
            name.starts_with("servers/")
                && String::from_utf8_lossy(bytes).contains("Irreversible action without review")
        })
        .count();
    assert!(linked > 0, "tool pages link the renamed attack pattern");
}

/// With `--precompress`, a skipped page keeps its `.gz` and `.br` copies (the stale-file
/// cleanup must not remove them), and a page whose copies are missing is written again.
#[test]
fn skipped_pages_keep_their_compressed_copies() {
    let content = content();
    let out = tempfile::tempdir().unwrap();
    let publish = toolpages::site::PublishOptions {
        precompress: true,
        ..Default::default()
    };
    let opts = options(content.path(), out.path(), &root().join("templates"));
    toolpages::site::build_with(&opts, &publish, &()).unwrap();
    let before = files(out.path());
    let server = server_id(content.path(), 4);
    let page = format!("servers/{server}/index.html");
    assert!(before.contains_key(&format!("{page}.br")));

    let again = toolpages::site::build_with(&opts, &publish, &()).unwrap();
    assert_eq!(again.removed, 0, "{again:?}");
    assert_eq!(
        files(out.path()),
        before,
        "a build with nothing changed changes nothing"
    );

    std::fs::remove_file(out.path().join(format!("{page}.gz"))).unwrap();
    toolpages::site::build_with(&opts, &publish, &()).unwrap();
    assert_eq!(files(out.path()), before, "the missing copy is back");
}

/// A sequence of edits of every kind the fingerprints hash, each followed by an incremental
/// build that must equal a fresh one byte for byte: a review added for a tool, the display
/// name of a server whose tool another server's page lists, a server removed (its files go,
/// found through the output listing rather than a walk), and a build with nothing changed.
#[test]
fn every_kind_of_edit_gives_what_a_fresh_build_gives() {
    let content = content();
    let out = tempfile::tempdir().unwrap();
    build_into(content.path(), out.path());

    // A review moves a tool to another category: its page, its server's page and policy
    // files, and the listings change.
    let text = std::fs::read_to_string(content.path().join("catalogue.jsonl")).unwrap();
    let server: serde_json::Value = serde_json::from_str(text.lines().nth(7).unwrap()).unwrap();
    let (id, tool) = (
        server["id"].as_str().unwrap(),
        server["tools"][0]["name"].as_str().unwrap(),
    );
    let review = content.path().join(format!("servers/{id}/{tool}.md"));
    std::fs::create_dir_all(review.parent().unwrap()).unwrap();
    std::fs::write(
        &review,
        "---\ncategory: financial\nnotes: Reviewed for the cache test.\n---\nA body.\n",
    )
    .unwrap();
    let summary = build_into(content.path(), out.path());
    assert!(summary.written > 0);
    let after = assert_same_as_fresh_build(content.path(), out.path());
    assert!(after
        .iter()
        .any(|(name, bytes)| name.starts_with(&format!("servers/{id}/"))
            && name != &format!("servers/{id}/index.html")
            && String::from_utf8_lossy(bytes).contains("Reviewed for the cache test.")));

    // Server 1 gets a copy of server 0's first tool; then server 1 is renamed: server 0's
    // tool page lists the copy under server 1's name, so it must change with the name.
    let server_a: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let copy = server_a["tools"][0].clone();
    edit_server(content.path(), 1, |server| {
        server["tools"].as_array_mut().unwrap().push(copy);
    });
    build_into(content.path(), out.path());
    edit_server(content.path(), 1, |server| {
        server["name"] = "A Renamed Server".into();
    });
    build_into(content.path(), out.path());
    let after = assert_same_as_fresh_build(content.path(), out.path());
    let a = server_a["id"].as_str().unwrap();
    assert!(after
        .iter()
        .any(|(name, bytes)| name.starts_with(&format!("servers/{a}/"))
            && String::from_utf8_lossy(bytes).contains("A Renamed Server")));

    // A removed server's files go.
    let gone = server_id(content.path(), 20);
    let path = content.path().join("catalogue.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.contains(&gone)).collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    let summary = build_into(content.path(), out.path());
    assert!(summary.removed > 0, "{summary:?}");
    assert!(!out.path().join(format!("servers/{gone}")).exists());
    assert_same_as_fresh_build(content.path(), out.path());

    // Nothing changed: nothing is written, and the search index is kept as it is without
    // indexing again (a damaged index file is not even read).
    let index = files(out.path())
        .into_keys()
        .find(|name| name.starts_with("pagefind/index/"))
        .unwrap();
    std::fs::write(out.path().join(&index), b"damaged").unwrap();
    let summary = build_into(content.path(), out.path());
    assert_eq!(summary.written, 0, "{summary:?}");
    assert_eq!(std::fs::read(out.path().join(&index)).unwrap(), b"damaged");
}

/// `--timings` splits the render into stages: a first build spends time in each; a rebuild
/// with nothing changed renders no template and writes no page, and says so.
#[test]
fn timings_split_the_render_into_stages() {
    let content = content();
    let out = tempfile::tempdir().unwrap();
    let stage = |summary: &BuildSummary, name: &str| {
        let found = summary
            .timings
            .phases
            .iter()
            .find(|(p, _)| p.contains(name));
        found.map(|&(_, seconds)| seconds).unwrap()
    };
    let first = build_into(content.path(), out.path());
    let render = stage(&first, "render and write pages");
    let threads = rayon::current_num_threads() as f64;
    for name in ["contexts", "templates", "writes"] {
        let seconds = stage(&first, name);
        assert!(
            seconds > 0.0 && seconds <= render * threads,
            "{name}: {:?}",
            first.timings
        );
    }
    let again = build_into(content.path(), out.path());
    assert_eq!(again.written, 0, "{again:?}");
    assert_eq!(stage(&again, "templates"), 0.0, "{:?}", again.timings);
    assert_eq!(stage(&again, "writes"), 0.0, "{:?}", again.timings);
}
