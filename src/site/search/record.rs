//! The search records: one per server and category, each tool of that server and category a
//! heading with an `id` (a Pagefind sub-result) followed by its text.
//!
//! Why not one record per tool: Pagefind's browser side downloads one metadata entry per
//! record before the first query, so 100,000 tool records make a first query cost megabytes,
//! and its indexer looks records up by URL one at a time (quadratic in the record count).
//! Grouping by server *and* category keeps the record count near the server count while the
//! category and risk filters stay exact (every tool of a record shares both).

use super::super::escape::escape_html;
use super::super::SiteData;
use crate::catalogue::{schema, Tool};
use crate::classify::Category;
use std::fmt::Write;
use std::ops::Range;

/// One search record: the HTML Pagefind indexes and the URL it is filed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Root-relative URL under the base path: the server page plus `#<category slug>`, such
    /// as `/servers/github/#write` (Pagefind keeps one record per URL, so the category is part
    /// of it). A tool's page is the URL before `#` followed by the tool's heading `id` and `/`.
    pub url: String,
    /// The record as a small HTML document: `<html lang>` (the record's language), metadata
    /// and filters, then one `<h2 id="<tool folder>">` per tool with its text (the tool's slug, or
    /// `<shard>/<slug>` on a server with very many tools, see
    /// [`Routes::tool_folder`](crate::site::routes::Routes::tool_folder)).
    pub html: String,
    /// Tools in the record.
    pub tools: usize,
    /// The language Pagefind must split the record's words in ([`language_of`] its text):
    /// `None` when its words are separated by spaces and it is indexed in the site's language.
    pub segmented: Option<&'static str>,
}

/// The records of the servers `servers` (indexes into the catalogue), built lazily (one
/// record in memory at a time), in catalogue order: for each server, its categories in
/// [`Category::ALL`] order.
pub fn records(data: &SiteData, servers: Range<usize>) -> impl Iterator<Item = Record> + '_ {
    servers.flat_map(move |s| {
        Category::ALL
            .into_iter()
            .filter_map(move |category| record(data, s, category))
    })
}

/// The record of the tools of server `s` in `category`; `None` when it has none.
pub fn record(data: &SiteData, s: usize, category: Category) -> Option<Record> {
    let server = &data.catalogue.servers[s];
    let tools: Vec<usize> = (0..server.tools.len())
        .filter(|&t| data.analysis[s][t].classification.category == category)
        .collect();
    if tools.is_empty() {
        return None;
    }
    let e = |text: &str| escape_html(text).into_owned();
    let mut body = String::with_capacity(1024 * tools.len());
    // Metadata and filters are read from ignored elements, so they are not indexed twice.
    let _ = write!(
        body,
        "<div data-pagefind-ignore>\
         <span data-pagefind-meta=\"title\">{name}</span>\
         <span data-pagefind-meta=\"server\">{name}</span>\
         <span data-pagefind-filter=\"server\">{id}</span>\
         <span data-pagefind-filter=\"category\">{category}</span>\
         <span data-pagefind-meta=\"category\">{category}</span>\
         <span data-pagefind-meta=\"category_slug\">{category_slug}</span>\
         <span data-pagefind-filter=\"risk\">{level}</span>\
         <span data-pagefind-meta=\"risk\">{level}</span>\
         <span data-pagefind-meta=\"risk_slug\">{level_slug}</span>\
         </div>",
        name = e(&server.name),
        id = e(&server.id),
        category = category.label(),
        category_slug = category.slug(),
        level = category.level().label(),
        level_slug = category.level().slug(),
    );
    // Text before the first heading belongs to the whole record: a query naming the server
    // finds all its tools.
    let _ = write!(body, "<p>{} {}", e(&server.name), e(&server.id));
    if let Some(package) = &server.package {
        let _ = write!(body, " {}", e(package));
    }
    body.push_str("</p>");
    let mut text = String::new();
    for &t in &tools {
        let tool = &server.tools[t];
        let _ = write!(
            body,
            "<h2 id=\"{}\">{}</h2>",
            data.routes.tool_folder(s, t),
            e(&tool.name)
        );
        if tool.display_title() != tool.name {
            let _ = write!(body, "<p>{}</p>", e(tool.display_title()));
        }
        if let Some(description) = &tool.description {
            let _ = write!(body, "<p>{}</p>", e(description));
            text.push_str(description);
        }
        for p in schema::parameters(&tool.input_schema.to_map()) {
            let _ = write!(body, "<p>{}", e(&p.name));
            if let Some(description) = &p.description {
                let _ = write!(body, " {}", e(description));
                text.push_str(description);
            }
            body.push_str("</p>");
        }
    }
    let segmented = language_of(&text);
    let language = segmented.unwrap_or(&data.config.language);
    Some(Record {
        url: format!(
            "{}{}#{}",
            data.config.base_path(),
            data.routes.server(s),
            category.slug()
        ),
        html: format!(
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"></head><body>{body}</body></html>",
            e(language)
        ),
        tools: tools.len(),
        segmented,
    })
}

/// Whether a record holding `tool` may need word splitting ([`language_of`] its text): a
/// quick look at its description and its `inputSchema` as written (where a parameter
/// description may also hide behind a `\u` escape), never `false` when a record's text would
/// need splitting.
pub fn may_need_splitting(tool: &Tool) -> bool {
    let schema = tool.input_schema.as_json();
    tool.description.as_deref().and_then(language_of).is_some()
        || language_of(schema).is_some()
        || schema.contains("\\u")
}

/// The language a record must be indexed in for Pagefind to split its words, when its text
/// needs splitting: `ja` for text with kana, `zh` for Han text without kana, `th` for Thai;
/// `None` for text whose words are separated by spaces (Latin, Cyrillic, Korean, ...).
///
/// Pagefind segments words (and indexes pairs of characters) only in pages of these
/// languages, and segments the query the same way only when it searches that language's
/// index; the search page merges each such index, so one query covers all of them.
pub fn language_of(text: &str) -> Option<&'static str> {
    let mut han = false;
    for c in text.chars() {
        match c {
            '\u{3040}'..='\u{30ff}' | '\u{31f0}'..='\u{31ff}' | '\u{ff66}'..='\u{ff9f}' => {
                return Some("ja")
            }
            '\u{0e00}'..='\u{0e7f}' => return Some("th"),
            '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' => {
                han = true
            }
            _ => {}
        }
    }
    han.then_some("zh")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_that_need_word_splitting() {
        assert_eq!(language_of("Lists the open pull requests"), None);
        assert_eq!(language_of("데이터베이스를 조회합니다"), None);
        assert_eq!(
            language_of("\"西安市\" is better than \"西安\""),
            Some("zh")
        );
        assert_eq!(language_of("データベースを検索する"), Some("ja"));
        assert_eq!(language_of("東京タワー"), Some("ja"));
        assert_eq!(language_of("ค้นหาข้อมูล"), Some("th"));
    }
}
