//! The structured data of a tool page: a schema.org `FAQPage` (the page's FAQ) and a
//! `BreadcrumbList`, as JSON-LD for a `<script type="application/ld+json">` element.
//!
//! Typed and borrowed rather than built as `serde_json::json!` values: every tool page has
//! one, and copying its FAQ answers into a value tree, then escaping the JSON character by
//! character, was about 3% of a large build (the escapes are found by `memchr` searches,
//! see [`script_safe_json`]).

use super::escape::script_safe_json;
use super::faq::Faq;
use super::Config;
use minijinja::Value;
use serde::Serialize;
use std::borrow::Cow;

/// `[FAQPage, BreadcrumbList]` for a tool page, as a safe string for its `<script>` element
/// (see [`script_json`]). `breadcrumbs` are `(name, site path)` from the home page down;
/// their `item` is the permalink under `config`'s base URL.
pub fn tool_page(faq: &[Faq], breadcrumbs: &[(&str, String)], config: &Config) -> Value {
    let items: Vec<ListItem> = breadcrumbs
        .iter()
        .enumerate()
        .map(|(i, (name, path))| ListItem {
            kind: "ListItem",
            position: i + 1,
            name,
            item: config.permalink(path),
        })
        .collect();
    script_json(&(
        FaqPage {
            context: SCHEMA,
            kind: "FAQPage",
            main_entity: faq
                .iter()
                .map(|f| Question {
                    kind: "Question",
                    name: &f.question,
                    accepted_answer: Answer {
                        kind: "Answer",
                        text: &f.answer,
                    },
                })
                .collect(),
        },
        BreadcrumbList {
            context: SCHEMA,
            kind: "BreadcrumbList",
            item_list_element: items,
        },
    ))
}

const SCHEMA: &str = "https://schema.org";

#[derive(Serialize)]
struct FaqPage<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "mainEntity")]
    main_entity: Vec<Question<'a>>,
}

#[derive(Serialize)]
struct Question<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(rename = "acceptedAnswer")]
    accepted_answer: Answer<'a>,
}

#[derive(Serialize)]
struct Answer<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
struct BreadcrumbList<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    item_list_element: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: usize,
    name: &'a str,
    item: String,
}

/// JSON for a `<script>` element, as a safe string: the same text MiniJinja's `tojson`
/// gives (`<`, `>`, `&` and `'` written as `\u00XX`, so catalogue text cannot close the
/// element), made once in Rust instead of converting the data to template values first.
pub fn script_json(value: &impl Serialize) -> Value {
    // A value serde_json refuses (a map with non-string keys) becomes `null`.
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    Value::from_safe_string(match script_safe_json(&json) {
        Cow::Borrowed(_) => json,
        Cow::Owned(escaped) => escaped,
    })
}

#[cfg(test)]
mod tests {
    use super::script_json;
    use crate::site::templates::environment;

    #[test]
    fn script_json_is_what_tojson_gives() {
        let data = serde_json::json!({"name": "</script><b>'x' & y é", "n": [1, 2]});
        let env = environment(None, "/");
        let tojson = env
            .render_str("{{ v|tojson }}", minijinja::context! { v => data })
            .unwrap();
        let ours = script_json(&data).to_string();
        // The same JSON and the same escapes; only the key order differs (ours keeps the
        // source order, so JSON-LD's `@context` and `@type` come first).
        let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
        assert_eq!(parse(&ours), parse(&tojson));
        assert_eq!(parse(&ours), data);
        assert!(ours.contains(r"\u003c/script\u003e\u003cb\u003e\u0027x\u0027 \u0026 y é"));
        assert!(!ours.contains(['<', '>', '&', '\'']), "{ours}");
    }
}
