//! The search index of the real catalogue and of hostile entries, built in memory: records,
//! files of the bundle, and the search page without JavaScript.

use std::path::{Path, PathBuf};
use toolpages::catalogue;
use toolpages::classify::Category;
use toolpages::site::output::MemoryOutput;
use toolpages::site::search::record::{record, records};
use toolpages::site::search::{write_index, SHARD_TOOLS};
use toolpages::site::templates::environment;
use toolpages::site::{render_site, Config, SiteData};

fn site(content: &Path) -> SiteData {
    sharded(content, SHARD_TOOLS)
}

/// The site of `content` with search shards of `tools` tools.
fn sharded(content: &Path, tools: usize) -> SiteData {
    let loaded = catalogue::load(content).expect("the catalogue loads");
    let config = Config {
        search_shard_tools: tools,
        ..Config::default()
    };
    SiteData::new(config, loaded.catalogue)
}

fn bundled_content() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content")
}

fn real() -> SiteData {
    site(&bundled_content())
}

fn text(out: &MemoryOutput, path: &str) -> String {
    String::from_utf8(out.get(path).unwrap_or_else(|| panic!("{path} missing"))).unwrap()
}

#[test]
fn every_tool_is_in_exactly_one_record_of_its_category() {
    let data = real();
    let all: Vec<_> = records(&data, 0..data.catalogue.servers.len()).collect();
    assert_eq!(all.iter().map(|r| r.tools).sum::<usize>(), 2712);
    // Far fewer records than tools: this is what keeps the first query small.
    assert!(all.len() < 400, "{} records", all.len());
    let urls: std::collections::HashSet<_> = all.iter().map(|r| &r.url).collect();
    assert_eq!(urls.len(), all.len(), "Pagefind keeps one record per URL");

    let s = data
        .catalogue
        .servers
        .iter()
        .position(|s| s.id == "awslabs-healthimaging-mcp-server")
        .unwrap();
    let t = data.catalogue.servers[s]
        .tools
        .iter()
        .position(|t| t.name == "start_dicom_export_job")
        .unwrap();
    let category = data.analysis[s][t].classification.category;
    let r = record(&data, s, category).unwrap();
    assert_eq!(
        r.url,
        format!(
            "/servers/awslabs-healthimaging-mcp-server/#{}",
            category.slug()
        )
    );
    assert!(r
        .html
        .contains("<h2 id=\"start_dicom_export_job\">start_dicom_export_job</h2>"));
    assert!(r.html.contains(&format!(
        "<span data-pagefind-filter=\"category\">{}</span>",
        category.label()
    )));
    assert!(r.html.contains("<html lang=\"en\">"));
    // Other categories of the server do not list this tool.
    for other in Category::ALL.into_iter().filter(|c| *c != category) {
        if let Some(r) = record(&data, s, other) {
            assert!(!r.html.contains("id=\"start_dicom_export_job\""));
        }
    }
}

#[test]
fn chinese_text_goes_to_an_index_that_splits_words() {
    let data = real();
    let antv = records(&data, 0..data.catalogue.servers.len())
        .find(|r| r.html.contains("id=\"generate_district_map\""))
        .unwrap();
    assert!(
        antv.html.contains("<html lang=\"zh\">"),
        "{}",
        &antv.html[..200]
    );
    assert!(antv.html.contains("西安市"));
}

#[test]
fn bundle_is_written_through_the_output_with_the_search_page() {
    let data = real();
    let out = MemoryOutput::default();
    let summary = render_site(&data, &environment(None, "/"), &out, &()).unwrap();
    assert_eq!(summary.search.tools, 2712);
    assert!(summary.search.files > 10 && summary.search.bytes > 0);
    let paths = out.paths();
    for needed in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-worker.js",
        "pagefind/wasm.en.pagefind",
    ] {
        assert!(out.get(needed).is_some(), "{needed}");
    }
    let entry: serde_json::Value =
        serde_json::from_str(&text(&out, "pagefind/pagefind-entry.json")).unwrap();
    let languages = entry["languages"].as_object().unwrap();
    assert!(
        languages.contains_key("en") && languages.contains_key("zh"),
        "{languages:?}"
    );
    assert!(paths.iter().any(|p| p.starts_with("pagefind/fragment/")));
    assert!(paths.iter().any(|p| p.starts_with("pagefind/index/")));
    assert!(paths.iter().any(|p| p.starts_with("pagefind/filter/")));
    // Pagefind's own interfaces are not shipped: the site has its own page.
    assert!(!paths
        .iter()
        .any(|p| p.contains("pagefind-ui") || p.contains("component-ui")));

    // Without JavaScript the form stays hidden and the listings are the way in.
    let page = text(&out, "search/index.html");
    assert!(page.contains("<form id=\"search-form\""));
    assert!(page.contains("method=\"get\" data-bundle=\"/pagefind/\" hidden>"));
    assert!(page.contains("href=\"/servers/\""));
    for c in Category::ALL {
        assert!(page.contains(&format!("href=\"/categories/{}/\"", c.slug())));
    }
    for level in ["low", "medium", "high", "critical"] {
        assert!(page.contains(&format!("href=\"/risk/{level}/\"")));
    }
    for id in [
        "search-q",
        "search-category",
        "search-risk",
        "search-server",
    ] {
        assert!(
            page.contains(&format!("<label for=\"{id}\">")),
            "{id} has a label"
        );
    }
    assert!(page.contains("aria-live=\"polite\""));
    // Every page's header box sends its query to the search page.
    let home = text(&out, "index.html");
    assert!(home.contains("action=\"/search/\" method=\"get\""));
}

#[test]
fn hostile_names_are_escaped_in_records() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("catalogue.jsonl"),
        r#"{"id": "evil\"><script>x()</script>", "name": "Evil <img src=x onerror=alert(1)>", "tools": [{"name": "</h2><script>alert(1)</script>", "description": "Deletes <b>all</b> & \"everything\"", "inputSchema": {"type": "object", "properties": {"p<": {"type": "string", "description": "<iframe>"}}}}]}"#,
    )
    .unwrap();
    let data = site(dir.path());
    let all: Vec<_> = records(&data, 0..data.catalogue.servers.len()).collect();
    assert_eq!(all.len(), 1);
    let html = &all[0].html;
    assert!(!html.contains("<script>") && !html.contains("<img") && !html.contains("<iframe>"));
    assert!(html.contains("&lt;/h2&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    // The heading id is the tool's slug: safe in an attribute and a URL.
    assert!(
        html.contains("<h2 id=\"h2-script-alert-1-script\">"),
        "{html}"
    );
    let out = MemoryOutput::default();
    let summary = render_site(&data, &environment(None, "/"), &out, &()).unwrap();
    assert_eq!(summary.search.records, 1);
}

#[test]
fn shards_hold_whole_servers_and_every_tool() {
    let data = real();
    let shards = toolpages::site::search::shards(&data.catalogue, 300);
    assert!(shards.len() >= 8);
    assert_eq!(shards[0].start, 0);
    assert_eq!(shards.last().unwrap().end, data.catalogue.servers.len());
    for pair in shards.windows(2) {
        assert_eq!(pair[0].end, pair[1].start, "no server skipped or repeated");
    }
    for shard in &shards[..shards.len() - 1] {
        let tools: usize = data.catalogue.servers[shard.clone()]
            .iter()
            .map(|s| s.tools.len())
            .sum();
        assert!(tools >= 300, "{tools}");
    }
    // The default shard size keeps the bundled catalogue in one bundle.
    let one =
        toolpages::site::search::shards(&data.catalogue, toolpages::site::search::SHARD_TOOLS);
    assert_eq!(one, vec![0..data.catalogue.servers.len()]);
}

#[test]
fn empty_catalogue_still_builds_a_search_page() {
    let dir = tempfile::tempdir().unwrap();
    let data = site(dir.path());
    let out = MemoryOutput::default();
    let summary = render_site(&data, &environment(None, "/"), &out, &()).unwrap();
    assert_eq!(summary.search.records, 0);
    assert!(out.get("search/index.html").is_some());
    let manifest: serde_json::Value =
        serde_json::from_str(&text(&out, "pagefind/toolpages-search.json")).unwrap();
    assert_eq!(manifest["bundles"].as_array().unwrap().len(), 1);
}

/// The manifest's bundles as (path, languages with their record counts).
fn manifest_bundles(
    out: &MemoryOutput,
) -> Vec<(String, std::collections::BTreeMap<String, usize>)> {
    let manifest: serde_json::Value =
        serde_json::from_str(&text(out, "pagefind/toolpages-search.json")).unwrap();
    let bundles = manifest["bundles"].as_array().unwrap();
    bundles
        .iter()
        .map(|b| {
            let path = b["path"].as_str().unwrap().to_owned();
            let languages = serde_json::from_value(b["languages"].clone()).unwrap();
            (path, languages)
        })
        .collect()
}

/// With several shards, the records Pagefind must split into words (Chinese, Japanese, Thai)
/// are gathered into bundles of their own, so each shard holds the site's language only (a
/// first query loads one index per bundle and language); every record is indexed once.
#[test]
fn word_split_records_get_bundles_of_their_own() {
    let data = sharded(&bundled_content(), 300);
    let out = MemoryOutput::default();
    let summary = write_index(&data, &out).unwrap();
    let all: Vec<_> = records(&data, 0..data.catalogue.servers.len()).collect();
    let split: Vec<_> = all.iter().filter(|r| r.segmented.is_some()).collect();
    assert!(
        split.len() >= 2,
        "{} records need word splitting",
        split.len()
    );
    assert_eq!(summary.records, all.len());
    assert_eq!(summary.tools, 2712);

    let bundles = manifest_bundles(&out);
    let (segmented, shards): (Vec<_>, Vec<_>) = bundles
        .iter()
        .partition(|(path, _)| path.starts_with("segmented-"));
    assert_eq!(shards[0].0, "", "the first bundle is Pagefind's own");
    assert_eq!(
        shards.len(),
        toolpages::site::search::shards(&data.catalogue, 300).len()
    );
    for (path, languages) in &shards {
        assert_eq!(languages.keys().collect::<Vec<_>>(), ["en"], "{path}");
    }
    assert_eq!(segmented.len(), 1, "{segmented:?}");
    let (path, languages) = segmented[0];
    assert_eq!(path, "segmented-1/");
    for language in ["zh", "ja", "th"] {
        let records = split
            .iter()
            .filter(|r| r.segmented == Some(language))
            .count();
        assert_eq!(
            languages.get(language).copied().unwrap_or(0),
            records,
            "{language}"
        );
    }
    let indexed: usize = bundles.iter().flat_map(|(_, l)| l.values()).sum();
    assert_eq!(indexed, all.len(), "every record in one bundle");
    assert!(out
        .get("pagefind/segmented-1/pagefind-entry.json")
        .is_some());
    assert!(out.get("pagefind/segmented-1/pagefind.js").is_none());
}

/// A shard whose records all need word splitting keeps them (a bundle is never left
/// empty, and the first holds Pagefind's own index); and one shard is never split.
#[test]
fn a_shard_of_word_split_records_only_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("catalogue.jsonl"),
        "{\"id\": \"a-map\", \"tools\": [{\"name\": \"district_map\", \"description\": \"生成地级市分布图\"}]}\n\
         {\"id\": \"b-tokyo\", \"tools\": [{\"name\": \"find_station\", \"description\": \"東京の駅を検索します\"}]}\n\
         {\"id\": \"c-issues\", \"tools\": [{\"name\": \"create_issue\", \"description\": \"Creates an issue\"}, {\"name\": \"list_issues\", \"description\": \"列出问题\"}]}\n",
    )
    .unwrap();
    let data = sharded(dir.path(), 1);
    let out = MemoryOutput::default();
    let summary = write_index(&data, &out).unwrap();
    assert_eq!((summary.records, summary.tools), (4, 4));
    let bundles = manifest_bundles(&out);
    let languages = |pairs: &[(&str, usize)]| {
        pairs
            .iter()
            .map(|&(l, n)| (l.to_owned(), n))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    // `list_issues` (Read) and `create_issue` (Write) are two records of `c-issues`: its
    // shard keeps the English one and sends the Chinese one to a segmented bundle.
    let issues: Vec<_> = records(&data, 2..3).collect();
    let segmented: Vec<_> = issues.iter().map(|r| r.segmented).collect();
    assert_eq!(segmented, [Some("zh"), None]);
    assert_eq!(
        bundles,
        [
            (String::new(), languages(&[("zh", 1)])),
            ("shard-2/".to_owned(), languages(&[("ja", 1)])),
            ("shard-3/".to_owned(), languages(&[("en", 1)])),
            ("segmented-1/".to_owned(), languages(&[("zh", 1)])),
        ]
    );

    let data = site(dir.path());
    let out = MemoryOutput::default();
    write_index(&data, &out).unwrap();
    assert_eq!(
        manifest_bundles(&out).len(),
        1,
        "one shard holds every language"
    );
}

/// The quick look that spares building most servers' records never misses a record that
/// needs word splitting: not in the real catalogue, nor behind `\u` escapes of `inputSchema`.
#[test]
fn the_quick_look_finds_every_record_that_needs_splitting() {
    use toolpages::site::search::record::may_need_splitting;
    let data = real();
    let mut flagged = 0;
    for (s, server) in data.catalogue.servers.iter().enumerate() {
        let looks = server.tools.iter().any(may_need_splitting);
        flagged += usize::from(looks);
        for record in records(&data, s..s + 1) {
            assert!(looks || record.segmented.is_none(), "{}", record.url);
        }
    }
    assert!((2..=10).contains(&flagged), "{flagged} of 145 servers");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("catalogue.jsonl"),
        r#"{"id": "dash", "tools": [{"name": "list", "description": "Lists things — fast", "inputSchema": {"type": "object", "properties": {"limit": {"type": "integer", "description": "At most this many…"}}}}]}
{"id": "escaped", "tools": [{"name": "map", "description": "Draws a map", "inputSchema": {"type": "object", "properties": {"region": {"type": "string", "description": "\u5730\u7ea7\u5e02"}}}}]}
"#,
    )
    .unwrap();
    let data = site(dir.path());
    let [dash, escaped] = [0, 1].map(|s| &data.catalogue.servers[s].tools[0]);
    assert!(!may_need_splitting(dash));
    assert!(may_need_splitting(escaped));
    let segmented: Vec<_> = records(&data, 0..2).map(|r| r.segmented).collect();
    assert_eq!(segmented, [None, Some("zh")]);
}
