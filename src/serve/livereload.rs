//! The browser side of the preview: a small script injected into every page the preview
//! serves (never into `build` output) that listens to server-sent events at [`ENDPOINT`] and
//! reloads the page, or shows an error overlay.
//!
//! Events: `reload` with a JSON array of the URL paths that changed (`["*"]` for all);
//! `problem` with the error text (a template or catalogue error), shown over the page until
//! the next reload. EventSource reconnects by itself when the server restarts.

use crate::site::escape::escape_html;

/// The server-sent events endpoint.
pub const ENDPOINT: &str = "/__toolpages/livereload";

/// The `id` of the error overlay element.
pub const OVERLAY_ID: &str = "toolpages-error";

const SCRIPT: &str = r#"<script>
(function () {
  "use strict";
  function show(text) {
    var box = document.getElementById("toolpages-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "toolpages-error";
      box.setAttribute("role", "alert");
      document.body.appendChild(box);
    }
    box.innerHTML = "";
    var title = document.createElement("strong");
    title.textContent = "toolpages: the site has an error (fix the file and this page reloads)";
    var pre = document.createElement("pre");
    pre.textContent = text;
    box.appendChild(title);
    box.appendChild(pre);
  }
  var events = new EventSource("/__toolpages/livereload");
  events.addEventListener("reload", function (e) {
    var paths = JSON.parse(e.data);
    if (paths.indexOf("*") >= 0 || paths.indexOf(location.pathname) >= 0) location.reload();
  });
  events.addEventListener("problem", function (e) { show(e.data); });
})();
</script>
<style>
#toolpages-error { position: fixed; inset: 1rem; z-index: 2147483647; overflow: auto; padding: 1rem 1.25rem;
  background: #2b0b0e; color: #ffd7d5; border: 2px solid #f85149; border-radius: 8px;
  font: 14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
#toolpages-error pre { white-space: pre-wrap; margin: .75rem 0 0; background: none; border: 0; color: inherit; }
</style>
"#;

/// `html` with the live-reload script (and, when `error` is given, the overlay already
/// showing it) inserted before `</body>`, or appended when there is none.
pub fn inject(html: &str, error: Option<&str>) -> String {
    let mut extra = String::from(SCRIPT);
    if let Some(error) = error {
        extra.push_str(&overlay(error));
    }
    match html.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &html[..at], &html[at..]),
        None => format!("{html}{extra}"),
    }
}

/// The overlay element showing `error`, escaped.
fn overlay(error: &str) -> String {
    format!(
        "<div id=\"{OVERLAY_ID}\" role=\"alert\"><strong>toolpages: the site has an error (fix the file and this page reloads)</strong><pre>{}</pre></div>\n",
        escape_html(error)
    )
}

/// A whole page for an error that left nothing to show (the page's template failed): the
/// overlay and the live-reload script, so it reloads once the file is fixed.
pub fn error_page(error: &str) -> String {
    inject(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>toolpages: error</title></head><body></body></html>\n",
        Some(error),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_body_end_and_errors_are_escaped() {
        let html = inject("<html><body><p>x</p></body></html>", None);
        assert!(html.contains(ENDPOINT));
        assert!(html.ends_with("</body></html>"));
        let page = error_page("tool.html line 3: unexpected `<end>`");
        assert!(page.contains("unexpected `&lt;end&gt;`"));
        assert!(page.contains(&format!("id=\"{OVERLAY_ID}\"")));
    }
}
