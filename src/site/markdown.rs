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
    let events = heading_anchors(events.collect());
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 4);
    html::push_html(&mut out, events.into_iter());
    out
}

/// Gives a heading the GitHub-style id (`## Nested containers (cloud)` →
/// `nested-containers-cloud`) when a link in the same text points at it (`#nested-...`), so
/// a description's own table of contents works. Only linked headings get an id, so a heading
/// such as "Parameters" never duplicates an id of the page around it.
fn heading_anchors(mut events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let targets: std::collections::HashSet<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. }) => {
                dest_url.strip_prefix('#').map(str::to_owned)
            }
            _ => None,
        })
        .collect();
    if targets.is_empty() {
        return events;
    }
    for i in 0..events.len() {
        if !matches!(&events[i], Event::Start(Tag::Heading { id: None, .. })) {
            continue;
        }
        let mut text = String::new();
        for e in &events[i + 1..] {
            match e {
                Event::End(pulldown_cmark::TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
        }
        let slug = github_slug(&text);
        if targets.contains(&slug) {
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(slug));
            }
        }
    }
    events
}

/// GitHub's heading slug: lowercase, punctuation other than `-` and `_` removed, spaces to `-`.
fn github_slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
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
    fn headings_linked_from_the_text_get_their_anchor() {
        let html = to_safe_html("See [below](#nested-containers-cloud-infra).\n\n## Nested containers (cloud, infra)\n\n## Parameters\n");
        assert!(
            html.contains(r#"<h2 id="nested-containers-cloud-infra">"#),
            "{html}"
        );
        assert!(html.contains("<h2>Parameters</h2>"), "{html}");
    }

    #[test]
    fn markdown_still_renders() {
        assert_eq!(
            to_safe_html("**bold** `code`"),
            "<p><strong>bold</strong> <code>code</code></p>\n"
        );
    }
}
