//! The search page as a reader uses it, in headless Chromium, on the real catalogue: typing,
//! keyboard navigation, following a result, filters, Chinese text, no match, and the bytes
//! the first query downloads.

mod support;

use fantoccini::{Client, Locator};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use toolpages::site::Config;

/// Polls `check` until it returns `Some`, for up to 20 seconds.
async fn wait_for<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn status(c: &Client) -> String {
    support::text_of(c, "#search-status").await
}

/// The tool names of the results shown.
async fn result_names(c: &Client) -> Vec<String> {
    let mut names = Vec::new();
    for link in c
        .find_all(Locator::Css("#search-results a.result-link"))
        .await
        .unwrap()
    {
        names.push(link.text().await.unwrap());
    }
    names
}

/// Clears the box, types `text` and waits for the status line to describe the new query.
async fn search_for(c: &Client, text: &str) {
    let input = c.find(Locator::Css("#search-q")).await.unwrap();
    // The form is shown once Pagefind has loaded.
    wait_for("the search form", || async {
        input.is_displayed().await.ok()?.then_some(())
    })
    .await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
    let quoted = format!("“{text}”");
    wait_for(&format!("results for {text}"), || async {
        status(c).await.contains(&quoted).then_some(())
    })
    .await;
}

/// Chooses `value` in the search page's filter `select` (such as `#search-server`).
async fn choose(c: &Client, select: &str, value: &str) {
    c.find(Locator::Css(select))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

/// Filters the results by `value` of the filter `name` (`category`, `risk`, `server`) and
/// waits for the status line to name the filter.
async fn filter_by(c: &Client, name: &str, value: &str) {
    choose(c, &format!("#search-{name}"), value).await;
    let described = format!("{name} {value}");
    wait_for("the filter", || async {
        status(c).await.contains(&described).then_some(())
    })
    .await;
}

/// Sends a key (a WebDriver key code such as `\u{E015}`, arrow down) to the focused element.
async fn press(c: &Client, key: &str) {
    c.active_element()
        .await
        .unwrap()
        .send_keys(key)
        .await
        .unwrap();
}

const DOWN: &str = "\u{E015}";
const UP: &str = "\u{E013}";
const ENTER: &str = "\u{E007}";

async fn active_text(c: &Client) -> String {
    c.execute("return document.activeElement.textContent", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or("")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_page_finds_filters_and_navigates() {
    let out = tempfile::tempdir().unwrap();
    support::build_real(out.path());
    let (addr, served) = support::serve_counting(out.path()).await;
    let browser = support::Browser::start().await;
    let c = &browser.client;

    // The header box of any page leads to the search page with the query filled in.
    c.goto(&format!("http://{addr}/servers/")).await.unwrap();
    let header = c
        .find(Locator::Css("header form.search input"))
        .await
        .unwrap();
    header.send_keys("dicom export\n").await.unwrap();
    wait_for("the search page", || async {
        let found = result_names(c).await;
        found
            .contains(&"start_dicom_export_job".to_owned())
            .then_some(())
    })
    .await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("/search/?q=dicom+export"));
    let first_query = support::search_bytes(&served);
    println!("first query downloaded {first_query} bytes");
    assert!(first_query < 1_000_000, "{first_query} bytes");

    // Typing into the search page's own box: results name server, category and risk.
    c.goto(&format!("http://{addr}/search/")).await.unwrap();
    search_for(c, "dicom export").await;
    let names = result_names(c).await;
    assert!(
        names.contains(&"start_dicom_export_job".to_owned()),
        "{names:?}"
    );
    let first = support::text_of(c, "#search-results li").await;
    assert!(
        first.contains("awslabs.healthimaging-mcp-server"),
        "{first}"
    );
    assert!(first.contains("risk"), "{first}");
    browser.screenshot("search-results").await;

    // Keyboard: ↓ enters the results, ↓ moves on, ↑ goes back, ↑ from the first returns to
    // the box; focus is visible (an outline).
    let input = c.find(Locator::Css("#search-q")).await.unwrap();
    input.send_keys(DOWN).await.unwrap();
    assert_eq!(active_text(c).await, names[0]);
    let outline = c
        .execute(
            "return getComputedStyle(document.activeElement).outlineStyle",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(outline, serde_json::json!("solid"));
    if names.len() > 1 {
        press(c, DOWN).await;
        assert_eq!(active_text(c).await, names[1]);
        press(c, UP).await;
        assert_eq!(active_text(c).await, names[0]);
    }
    press(c, UP).await;
    let active_id = c
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(active_id, serde_json::json!("search-q"));

    // Enter on the result opens the tool's page.
    let position = names
        .iter()
        .position(|n| n == "start_dicom_export_job")
        .unwrap();
    for _ in 0..=position {
        press(c, DOWN).await;
    }
    assert_eq!(active_text(c).await, "start_dicom_export_job");
    press(c, ENTER).await;
    wait_for("the tool page", || async {
        let url = c.current_url().await.ok()?;
        url.path()
            .ends_with("/servers/awslabs-healthimaging-mcp-server/start_dicom_export_job/")
            .then_some(())
    })
    .await;
    assert_eq!(support::text_of(c, "h1").await, "start_dicom_export_job");

    // A category filter keeps only that category, and fewer tools than without it.
    c.goto(&format!("http://{addr}/search/")).await.unwrap();
    // `issue` matches tools of several categories (read, create, delete issues).
    search_for(c, "issue").await;
    let unfiltered = result_names(c).await.len();
    filter_by(c, "category", "Destructive").await;
    let badges = c
        .find_all(Locator::Css(
            "#search-results .result-meta .badge[class*=cat-]",
        ))
        .await
        .unwrap();
    assert!(!badges.is_empty());
    for badge in &badges {
        assert_eq!(badge.text().await.unwrap(), "Destructive");
    }
    let filtered = result_names(c).await.len();
    assert!(filtered < unfiltered, "{filtered} vs {unfiltered}");
    assert!(c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("category=Destructive"));

    // Chinese text from a parameter description of the real catalogue, whole and from the
    // middle of a run of characters.
    c.goto(&format!("http://{addr}/search/")).await.unwrap();
    for query in ["西安市", "分布图"] {
        search_for(c, query).await;
        let names = result_names(c).await;
        assert!(
            names.contains(&"generate_district_map".to_owned()),
            "{query}: {names:?}"
        );
    }

    // Nothing matches: said plainly, no results listed.
    search_for(c, "qqxyzzyplugh").await;
    assert!(
        status(c).await.starts_with("No tools match"),
        "{}",
        status(c).await
    );
    assert!(result_names(c).await.is_empty());
    let more = c.find(Locator::Css("#search-more")).await.unwrap();
    assert!(!more.is_displayed().await.unwrap());
    // On the search page its own form replaces the header's box.
    let header = c.find(Locator::Css("header form.search")).await.unwrap();
    assert!(!header.is_displayed().await.unwrap());
    browser.screenshot("search-page").await;
    browser.close().await;
}

/// A catalogue too large for one shard is split into several Pagefind bundles that the
/// search page merges: the same queries find the same tools (here the real catalogue in
/// shards of 300 tools).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sharded_index_is_merged_in_the_browser() {
    use toolpages::site::output::DiskOutput;
    use toolpages::site::search::write_index;
    let out = tempfile::tempdir().unwrap();
    support::build_real(out.path());
    std::fs::remove_dir_all(out.path().join("pagefind")).unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let loaded = toolpages::catalogue::load(&root.join("content")).unwrap();
    let config = Config {
        search_shard_tools: 300,
        ..Config::default()
    };
    let data = toolpages::site::SiteData::new(config, loaded.catalogue);
    let summary = write_index(&data, &DiskOutput::new(out.path()).unwrap()).unwrap();
    assert!(summary.shards >= 8, "{} shards", summary.shards);
    assert_eq!(summary.tools, 2712);
    assert!(out
        .path()
        .join("pagefind/shard-2/pagefind-entry.json")
        .is_file());
    assert!(!out.path().join("pagefind/shard-2/pagefind.js").exists());
    // `西安市` below is found in the bundle of records that need word splitting.
    assert!(out
        .path()
        .join("pagefind/segmented-1/pagefind-entry.json")
        .is_file());

    let (addr, _) = support::serve_counting(out.path()).await;
    let browser = support::Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("http://{addr}/search/")).await.unwrap();
    for (query, tool) in [
        ("dicom export", "start_dicom_export_job"),
        ("西安市", "generate_district_map"),
        ("github issue", "create_issue"),
    ] {
        search_for(c, query).await;
        let names = result_names(c).await;
        assert!(names.contains(&tool.to_owned()), "{query}: {names:?}");
    }
    // Filters narrow the segmented bundle's results too: `分布图` keeps its tool under its
    // server's filter and finds nothing under another's.
    search_for(c, "分布图").await;
    filter_by(c, "server", "antv-mcp-server-chart").await;
    assert!(result_names(c)
        .await
        .contains(&"generate_district_map".to_owned()));
    for server in c
        .find_all(Locator::Css("#search-results .result-server"))
        .await
        .unwrap()
    {
        assert_eq!(server.text().await.unwrap(), "mcp-server-chart");
    }
    // Another server's filter leaves nothing: the Chinese text is antv's alone.
    choose(c, "#search-server", "awslabs-healthimaging-mcp-server").await;
    wait_for("no match under another server", || async {
        status(c).await.starts_with("No tools match").then_some(())
    })
    .await;
    choose(c, "#search-server", "").await;

    // The server filter lists the servers of every shard (all that have tools).
    let with_tools = data
        .catalogue
        .servers
        .iter()
        .filter(|s| !s.tools.is_empty())
        .count();
    let options = c
        .find_all(Locator::Css("#search-server option"))
        .await
        .unwrap()
        .len();
    assert_eq!(options, with_tools + 1, "every server and \"All servers\"");
    browser.close().await;
}

/// Catalogue text reaches the results as text: markup in a tool's name, description or
/// server name is shown, never run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_in_results_stays_text() {
    let content = tempfile::tempdir().unwrap();
    std::fs::write(
        content.path().join("catalogue.jsonl"),
        r#"{"id": "evil", "name": "Evil <img src=x onerror=window.pwned=1>", "tools": [{"name": "zanzibar<img src=x onerror=window.pwned=2>", "description": "Finds zanzibar <img src=x onerror=window.pwned=3> & <script>window.pwned=4</script>"}]}"#,
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let options = support::options(content.path(), out.path(), false);
    toolpages::site::build(&options, &()).unwrap();
    let addr = support::serve_dir(out.path()).await;
    let browser = support::Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("http://{addr}/search/")).await.unwrap();
    search_for(c, "zanzibar").await;
    let item = support::text_of(c, "#search-results li").await;
    assert!(
        item.contains("zanzibar<img src=x onerror=window.pwned=2>"),
        "{item}"
    );
    assert!(item.contains("Evil <img"), "{item}");
    let injected = c
        .find_all(Locator::Css("#search-results img, #search-results script"))
        .await
        .unwrap();
    assert!(injected.is_empty());
    let pwned = c
        .execute("return window.pwned === undefined", vec![])
        .await
        .unwrap();
    assert_eq!(pwned, serde_json::json!(true));
    browser.close().await;
}
