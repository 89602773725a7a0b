//! Markdown from the catalogue rendered safely: raw HTML is shown as text, and links or
//! images with a scheme other than http, https or mailto lose their target.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

/// Renders Markdown to HTML that cannot inject markup or scripts.
///
/// Raw HTML blocks and inline HTML become escaped text; `javascript:`, `data:` and other
/// schemes in links and images are replaced by `#`. Tables, strikethrough and task lists are on.
pub fn to_safe_html(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 4);
    html::push_html(&mut out, events);
    out
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim_start().to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s);
    let has_scheme = scheme.is_some_and(|s| !s.contains(['/', '?', '#']));
    match scheme {
        Some("http" | "https" | "mailto") => url,
        _ if !has_scheme => url,
        _ => CowStr::Borrowed("#"),
    }
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn raw_html_is_escaped() {
        let html = to_safe_html("Hi <script>alert(1)</script>\n\n<div onclick=x>y</div>");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<div"), "{html}");
    }

    #[test]
    fn dangerous_links_lose_their_target() {
        let html =
            to_safe_html("[a](javascript:alert(1)) [b](https://x.org) [c](/local) ![i](data:x)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(html.contains("href=\"https://x.org\""));
        assert!(html.contains("href=\"/local\""));
    }

    #[test]
    fn markdown_still_renders() {
        assert_eq!(
            to_safe_html("**bold** `code`"),
            "<p><strong>bold</strong> <code>code</code></p>\n"
        );
    }
}
