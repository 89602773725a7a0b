//! The built pages as a reader sees them, in headless Chromium.

mod support;

use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tool_page_renders_as_a_product_page() {
    let out = tempfile::tempdir().unwrap();
    support::build_real(out.path());
    let addr = support::serve_dir(out.path()).await;
    let browser = support::Browser::start().await;
    let c = &browser.client;
    let url =
        format!("http://{addr}/servers/awslabs-healthimaging-mcp-server/start_dicom_export_job/");
    c.goto(&url).await.unwrap();

    let h1 = support::text_of(c, "h1").await;
    assert_eq!(h1, "start_dicom_export_job");
    // Every parameter of the schema is a row of the parameter table, with its type.
    let rows = c
        .find_all(Locator::Css("table.params tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 10);
    let first = rows[0].text().await.unwrap();
    assert!(
        first.contains("datastore_id") && first.contains("string") && first.contains("required"),
        "{first}"
    );
    // The stylesheet applied (the header is a flex row), and the copy buttons were enabled.
    let display = c
        .execute(
            "return getComputedStyle(document.querySelector('.header-row')).display",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(display, serde_json::json!("flex"));
    let copy = c.find(Locator::Css("button.copy")).await.unwrap();
    assert!(copy.is_displayed().await.unwrap());
    // Breadcrumb back to the server page works.
    c.find(Locator::Css(".breadcrumbs li:nth-child(3) a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let h1 = support::text_of(c, "h1").await;
    assert_eq!(h1, "awslabs.healthimaging-mcp-server");
    c.goto(&url).await.unwrap();
    browser.screenshot("tool-page").await;
    // An unknown address answers with the 404 page.
    c.goto(&format!("http://{addr}/no/such/page/"))
        .await
        .unwrap();
    let h1 = support::text_of(c, "h1").await;
    assert_eq!(h1, "Page not found");
    browser.close().await;
}
