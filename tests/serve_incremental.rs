//! The preview server's incremental updates, without a browser: an edit to one server's
//! catalogue entry invalidates only the pages that depend on it.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;
use toolpages::catalogue;
use toolpages::serve::changes::Changes;
use toolpages::serve::preview::{Event, Preview};
use toolpages::serve::search::Finished;
use toolpages::serve::ServeOptions;
use toolpages::site::output::MemoryOutput;
use toolpages::site::search::write_index;
use toolpages::site::Config;
use toolpages::site::SiteData;

fn server(id: &str, name: &str, description: &str) -> String {
    format!(
        r#"{{"id": "{id}", "name": "{name}", "tools": [{{"name": "read_file", "description": "{description}"}}, {{"name": "delete_file", "description": "Deletes a file."}}]}}"#
    )
}

fn setup(dir: &Path) -> (Preview, PathBuf) {
    setup_with(dir, Config::default())
}

fn setup_with(dir: &Path, config: Config) -> (Preview, PathBuf) {
    let content = dir.join("content");
    std::fs::create_dir_all(&content).unwrap();
    let catalogue = content.join("catalogue.jsonl");
    let lines = [
        server("alpha", "Alpha", "Reads a file."),
        server("beta", "Beta", "Reads a file."),
        server("gamma", "Gamma", "Reads a file."),
    ];
    std::fs::write(&catalogue, lines.join("\n") + "\n").unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let preview = Preview::new(ServeOptions {
        content,
        templates: root.join("templates"),
        static_dir: root.join("static"),
        config_file: dir.join("toolpages.toml"),
        config,
        port: 0,
        open: false,
    })
    .unwrap();
    (preview, catalogue)
}

fn html(preview: &Preview, file: &str) -> String {
    let body = preview.get(file).expect("a page").expect("it renders");
    String::from_utf8(body.bytes.to_vec()).unwrap()
}

/// Replaces the first `from` in the catalogue file with `to` and hands the preview the
/// change, as its file watcher would; returns the preview's events.
fn edit(preview: &Preview, catalogue: &Path, from: &str, to: &str) -> Vec<Event> {
    let text = std::fs::read_to_string(catalogue).unwrap();
    assert!(text.contains(from), "{from} is not in the catalogue");
    std::fs::write(catalogue, text.replacen(from, to, 1)).unwrap();
    let (events, _) = preview.apply(&Changes {
        catalogue: [catalogue.to_path_buf()].into(),
        ..Changes::default()
    });
    events
}

fn reloaded(events: &[Event]) -> Vec<String> {
    match events {
        [Event::Reload(paths)] => {
            let mut paths = paths.clone();
            paths.sort();
            paths
        }
        other => panic!("expected one reload event, got {other:?}"),
    }
}

#[test]
fn a_tool_edit_reloads_the_pages_that_show_that_server() {
    let dir = tempfile::tempdir().unwrap();
    let (preview, catalogue) = setup(dir.path());
    for file in [
        "index.html",
        "servers/index.html",
        "servers/alpha/read_file/index.html",
        "servers/beta/index.html",
        "servers/beta/read_file/index.html",
        "categories/read/index.html",
        "categories/destructive/index.html",
    ] {
        html(&preview, file);
    }
    // A tool description of beta: beta's pages change, and alpha's `read_file` page, which
    // lists beta's `read_file` among the same name on other servers, and the listings of
    // beta's tools; the home page and the server list show no tool descriptions. Like the
    // build cache, the preview knows what changed by whole server entry, so the listing of
    // beta's unchanged `delete_file` reloads too.
    let events = edit(
        &preview,
        &catalogue,
        &server("beta", "Beta", "Reads a file."),
        &server("beta", "Beta", "Reads a file, edited."),
    );
    assert_eq!(
        reloaded(&events),
        [
            "/categories/destructive/",
            "/categories/read/",
            "/servers/alpha/read_file/",
            "/servers/beta/",
            "/servers/beta/read_file/"
        ]
    );
    assert!(html(&preview, "servers/beta/read_file/index.html").contains("Reads a file, edited."));
    assert!(html(&preview, "servers/alpha/read_file/index.html").contains("Reads a file, edited."));
    assert!(html(&preview, "categories/read/index.html").contains("Reads a file, edited."));

    // Renaming gamma changes the server list and the listings (they show server names) and
    // the `read_file` pages of alpha and beta (they name gamma beside its `read_file`).
    let events = edit(
        &preview,
        &catalogue,
        "\"name\": \"Gamma\"",
        "\"name\": \"Gamma Renamed\"",
    );
    assert_eq!(
        reloaded(&events),
        [
            "/",
            "/categories/destructive/",
            "/categories/read/",
            "/servers/",
            "/servers/alpha/read_file/",
            "/servers/beta/read_file/"
        ]
    );
    assert!(html(&preview, "servers/index.html").contains("Gamma Renamed"));
    assert!(html(&preview, "categories/destructive/index.html").contains("Gamma Renamed"));
    assert!(html(&preview, "servers/alpha/read_file/index.html").contains("Gamma Renamed"));

    // A tool of that name added to a server that had none: alpha's page lists it too.
    let events = edit(
        &preview,
        &catalogue,
        &server("beta", "Beta", "Reads a file, edited."),
        &format!(
            "{}\n{}",
            server("beta", "Beta", "Reads a file, edited."),
            r#"{"id": "delta", "name": "Delta", "tools": [{"name": "read_file", "description": "Reads a delta."}]}"#
        ),
    );
    let reloaded = reloaded(&events);
    assert!(
        reloaded.contains(&"/servers/alpha/read_file/".to_owned()),
        "{reloaded:?}"
    );
    assert!(html(&preview, "servers/alpha/read_file/index.html").contains("Reads a delta."));
}

#[test]
fn a_broken_entry_is_reported_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let (preview, catalogue) = setup(dir.path());
    html(&preview, "servers/alpha/index.html");
    let text = std::fs::read_to_string(&catalogue).unwrap();
    std::fs::write(
        &catalogue,
        text.replacen("{\"id\": \"alpha\"", "{\"id\": ", 1),
    )
    .unwrap();
    let changes = Changes {
        catalogue: [catalogue.clone()].into(),
        ..Changes::default()
    };
    let (events, _) = preview.apply(&changes);
    match &events[..] {
        [Event::Problem(text)] => assert!(
            text.contains("catalogue.jsonl:1: error[malformed-json]"),
            "{text}"
        ),
        other => panic!("{other:?}"),
    }
    // The other servers are still served while the error shows.
    assert!(html(&preview, "servers/beta/index.html").contains("Beta"));
    std::fs::write(&catalogue, text).unwrap();
    let (events, _) = preview.apply(&changes);
    assert_eq!(reloaded(&events), ["*"]);
    assert!(preview.error().is_none());
    assert!(html(&preview, "servers/alpha/index.html").contains("Alpha"));
}

#[test]
fn a_per_server_file_edit_reloads_only_that_server() {
    let dir = tempfile::tempdir().unwrap();
    let (preview, _) = setup(dir.path());
    let servers = dir.path().join("content/servers");
    std::fs::create_dir_all(&servers).unwrap();
    let delta = servers.join("delta.json");
    std::fs::write(&delta, server("delta", "Delta", "Reads a file.")).unwrap();
    let changes = Changes {
        catalogue: [delta.clone()].into(),
        ..Changes::default()
    };
    // A new file adds its server (and the listings that count servers change).
    preview.apply(&changes);
    html(&preview, "servers/index.html");
    html(&preview, "servers/alpha/index.html");
    assert!(html(&preview, "servers/delta/read_file/index.html").contains("Reads a file."));
    std::fs::write(&delta, server("delta", "Delta", "Reads a file, from JSON.")).unwrap();
    let (events, _) = preview.apply(&changes);
    assert_eq!(reloaded(&events), ["/servers/delta/read_file/"]);
    assert!(html(&preview, "servers/delta/read_file/index.html").contains("from JSON."));
    // Deleting the file removes the server and its pages.
    std::fs::remove_file(&delta).unwrap();
    let (events, _) = preview.apply(&changes);
    // The server list changes; alpha's page does not.
    assert_eq!(
        reloaded(&events),
        ["/servers/", "/servers/delta/read_file/"]
    );
    assert!(preview.get("servers/delta/read_file/index.html").is_none());
}

/// A server's policy files are its own pages too: renaming the server (their header names
/// it) serves them anew, not the copies cached before the edit.
#[test]
fn a_server_edit_refreshes_its_policy_files() {
    let dir = tempfile::tempdir().unwrap();
    let (preview, catalogue) = setup(dir.path());
    let yaml = html(&preview, "servers/alpha/intercept.yaml");
    assert!(yaml.contains("Alpha (alpha)"), "{yaml}");
    html(&preview, "servers/alpha/policy.json");
    let events = edit(
        &preview,
        &catalogue,
        "\"name\": \"Alpha\"",
        "\"name\": \"Alpha Renamed\"",
    );
    assert!(reloaded(&events).contains(&"/servers/alpha/intercept.yaml".to_owned()));
    assert!(html(&preview, "servers/alpha/intercept.yaml").contains("Alpha Renamed (alpha)"));
}

/// The next finished index of the preview (panics after a minute).
fn next_index(finished: &mpsc::Receiver<Finished>) -> toolpages::site::search::SearchSummary {
    let finished = finished
        .recv_timeout(Duration::from_secs(60))
        .expect("the index finishes within a minute");
    finished.expect("the index builds")
}

/// The preview serves, under `pagefind/`, byte for byte the index `toolpages build` writes
/// for the catalogue as it is now, keeping the bundles of servers an edit left alone.
fn assert_serves_the_index_of(preview: &Preview, dir: &Path, config: &Config) {
    let loaded = catalogue::load(&dir.join("content")).expect("the catalogue loads");
    let data = SiteData::new(config.clone(), loaded.catalogue);
    let fresh = MemoryOutput::default();
    write_index(&data, &fresh).unwrap();
    let paths = fresh.paths();
    assert!(
        paths.iter().any(|p| p == "pagefind/pagefind.js"),
        "{paths:?}"
    );
    for path in paths {
        let body = preview
            .get(&path)
            .unwrap_or_else(|| panic!("the preview does not serve {path}"))
            .unwrap();
        assert!(*body.bytes == fresh.get(&path).unwrap(), "{path} differs");
        if path.ends_with(".js") {
            assert_eq!(body.content_type, "text/javascript; charset=utf-8");
        }
    }
}

/// Settings with one search shard per server of the test catalogue, so an edit to one of
/// them re-indexes one bundle of three.
fn shard_per_server() -> Config {
    Config {
        search_shard_tools: 2,
        ..Config::default()
    }
}

/// Starts the preview's search index; each finished index arrives on the receiver.
fn start_search(preview: &Preview) -> mpsc::Receiver<Finished> {
    let (sender, finished) = mpsc::channel();
    preview
        .start_search(move |result| {
            let _ = sender.send(result);
        })
        .unwrap();
    finished
}

#[test]
fn the_search_index_is_served_and_follows_edits() {
    let dir = tempfile::tempdir().unwrap();
    let config = shard_per_server();
    let (preview, catalogue) = setup_with(dir.path(), config.clone());
    assert!(
        preview.get("pagefind/pagefind.js").is_none(),
        "no index before it is asked for"
    );
    let finished = start_search(&preview);
    let first = next_index(&finished);
    assert_eq!(
        (first.tools, first.shards, first.kept),
        (6, 3, 0),
        "{first:?}"
    );
    assert_eq!(first.written, first.files);
    assert_serves_the_index_of(&preview, dir.path(), &config);

    // A template edit leaves the index alone; a catalogue edit re-indexes its shard only.
    preview.apply(&Changes {
        templates: true,
        ..Changes::default()
    });
    edit(
        &preview,
        &catalogue,
        "Reads a file.",
        "Reads a zanzibarish file.",
    );
    let edited = next_index(&finished);
    assert_eq!((edited.shards, edited.kept), (3, 2), "{edited:?}");
    assert!(
        edited.written > 0 && edited.written < edited.files / 2,
        "{edited:?}"
    );
    assert_serves_the_index_of(&preview, dir.path(), &config);
    assert!(
        finished.try_recv().is_err(),
        "one index per change that feeds it"
    );
}

/// An edit while the index is being built (here, at once after it starts) stops that run
/// if it is still reading the site; either way the index served in the end is the edited
/// catalogue's.
#[test]
fn an_edit_during_an_index_run_ends_with_the_edited_index() {
    let dir = tempfile::tempdir().unwrap();
    let config = shard_per_server();
    let (preview, catalogue) = setup_with(dir.path(), config.clone());
    let finished = start_search(&preview);
    let tool = r#"{"name": "delete_file", "description": "Deletes a file."}"#;
    let added = format!(r#"{tool}, {{"name": "write_file", "description": "Writes a file."}}"#);
    edit(&preview, &catalogue, tool, &added);
    // The first run reports only when it finished before the edit reached the site.
    let mut last = next_index(&finished);
    if last.tools == 6 {
        last = next_index(&finished);
    }
    assert_eq!(last.tools, 7, "{last:?}");
    assert_serves_the_index_of(&preview, dir.path(), &config);
}
