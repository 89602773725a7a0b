//! Builds the bundled real catalogue (145 servers, 2,712 tools) and checks pages and content.

use std::path::{Path, PathBuf};
use toolpages::site::{build, BuildOptions, Config};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build_into(out: &Path) -> toolpages::site::BuildSummary {
    let options = BuildOptions {
        content: root().join("content"),
        templates: root().join("templates"),
        static_dir: root().join("static"),
        output: out.to_path_buf(),
        config: Config::default()
            .with_base_url("https://tools.example.org/")
            .unwrap(),
        skip_invalid: false,
    };
    build(&options, &()).expect("the real catalogue builds")
}

fn read(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn real_catalogue_builds_one_page_per_tool() {
    let dir = tempfile::tempdir().unwrap();
    let summary = build_into(dir.path());
    assert_eq!(summary.servers, 145);
    assert_eq!(summary.tools, 2712);
    assert!(summary
        .problems
        .iter()
        .all(|p| p.severity != toolpages::catalogue::Severity::Error));

    // One index.html per tool below servers/<server>/<tool>/.
    let tool_pages = walkdir::WalkDir::new(dir.path().join("servers"))
        .min_depth(3)
        .max_depth(3)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html" && !e.path().to_string_lossy().contains("/page/"))
        .count();
    assert_eq!(tool_pages, 2712);
    let server_pages = std::fs::read_dir(dir.path().join("servers"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("index.html").is_file() && e.file_name() != "page")
        .count();
    assert_eq!(server_pages, 145);
    for file in [
        "index.html",
        "404.html",
        "servers/index.html",
        "sitemap.xml",
        "robots.txt",
        "llms.txt",
    ] {
        assert!(dir.path().join(file).is_file(), "{file} missing");
    }
}

#[test]
fn dicom_export_page_shows_description_and_every_parameter() {
    let dir = tempfile::tempdir().unwrap();
    build_into(dir.path());
    let html = read(
        dir.path(),
        "servers/awslabs-healthimaging-mcp-server/start_dicom_export_job/index.html",
    );
    assert!(html.contains("Start a DICOM export job."));
    for param in [
        "datastore_id",
        "data_access_role_arn",
        "output_s3_uri",
        "job_name",
        "client_token",
        "study_instance_uid",
        "series_instance_uid",
        "sop_instance_uid",
        "submitted_before",
        "submitted_after",
    ] {
        assert!(
            html.contains(&format!("<code>{param}</code>")),
            "parameter {param} missing"
        );
    }
    assert!(html.contains("IAM role ARN for data access"));
    assert!(html.contains(r#"<link rel="canonical" href="https://tools.example.org/servers/awslabs-healthimaging-mcp-server/start_dicom_export_job/">"#));
    assert!(html.contains("application/ld+json"));
    // The server page lists the tool and links to it.
    let server = read(
        dir.path(),
        "servers/awslabs-healthimaging-mcp-server/index.html",
    );
    assert!(server
        .contains(r#"href="/servers/awslabs-healthimaging-mcp-server/start_dicom_export_job/""#));
}

#[test]
fn second_build_rewrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let first = build_into(dir.path());
    assert!(first.written > 2800);
    let second = build_into(dir.path());
    assert_eq!(
        second.written, 0,
        "an unchanged catalogue must not rewrite any file"
    );
    assert_eq!(second.unchanged, first.written);
}

/// The bundled site built with one template of `templates` replaced by `text`.
fn build_with_template(
    out: &Path,
    name: &str,
    text: &str,
) -> Result<toolpages::site::BuildSummary, toolpages::site::BuildError> {
    let templates = out.join("templates-of-this-test");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join(name), text).unwrap();
    let options = BuildOptions {
        content: root().join("content"),
        templates,
        static_dir: root().join("static"),
        output: out.join("site"),
        config: Config::default(),
        skip_invalid: false,
    };
    build(&options, &())
}

/// Tool tables get their rows from `tool_row.html` (rendered once per tool and reused, see
/// `site::rows`): a site's own row template shows in every table, on server, tool and
/// listing pages alike.
#[test]
fn a_site_row_template_makes_every_table_row() {
    let dir = tempfile::tempdir().unwrap();
    let row = r#"<tr class="mine" data-tool="{{ t.name }}"><td>{{ t.rule }}{% if show_server %} on {{ t.server_name }}{% endif %}</td></tr>"#;
    build_with_template(dir.path(), "tool_row.html", row).unwrap();
    let site = dir.path().join("site");
    let pages = [
        "servers/awslabs-healthimaging-mcp-server/index.html",
        "servers/awslabs-healthimaging-mcp-server/start_dicom_export_job/index.html",
        "categories/read/index.html",
        "risk/critical/index.html",
    ];
    for page in pages {
        let html = read(&site, page);
        let rows = html.matches(r#"<tr class="mine" data-tool=""#).count();
        assert!(rows > 0, "{page} has no row of the site's template");
        assert!(
            !html.contains("<tr data-server="),
            "{page} kept a built-in row"
        );
    }
    let listing = read(&site, "categories/read/index.html");
    assert!(listing.contains(" on "), "listings show the server column");
}

/// A row template that fails stops the build, naming the template and the tool whose row
/// it was rendering.
#[test]
fn a_failing_row_template_names_the_tool() {
    let dir = tempfile::tempdir().unwrap();
    let error = build_with_template(
        dir.path(),
        "tool_row.html",
        "<tr>{{ t.no_such_field }}</tr>",
    )
    .expect_err("an undefined field is an error (strict undefined)");
    let text = error.to_string();
    assert!(text.contains("with template tool_row.html"), "{text}");
    assert!(text.contains("the table row of servers/"), "{text}");
    assert!(
        text.contains("no_such_field") || text.contains("undefined"),
        "{text}"
    );
}
