//! The FAQ never names a policy field the formats lack: every backticked identifier in the
//! FAQ answers of every tool page of the real catalogue is a real key or keyword of
//! PolicyLayer JSON or Intercept YAML, a `key: value` pair of them, or a name the page is
//! about (the tool, its package, its arguments, the MCP method `tools/list`).

use std::collections::BTreeSet;
use std::path::PathBuf;
use toolpages::catalogue::schema;
use toolpages::classify::name_words;
use toolpages::policy::validate::{field_names, keyword_values};
use toolpages::site::faq::tool_faq;
use toolpages::site::{Config, SiteData};

/// A value that may follow a real key: a keyword, a positive count, or a rate shorthand.
fn is_value(value: &str) -> bool {
    let value = value.trim_matches('"');
    keyword_values().contains(value) || value.parse::<u32>().is_ok_and(|n| n > 0) || is_rate(value)
}

/// `<count>/<window>`, the `rate_limit` shorthand.
fn is_rate(text: &str) -> bool {
    text.split_once('/').is_some_and(|(n, w)| {
        n.parse::<u32>().is_ok_and(|n| n > 0) && ["minute", "hour", "day"].contains(&w)
    })
}

#[test]
fn faq_answers_name_only_real_policy_fields() {
    let content = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content");
    let data = SiteData::new(
        Config::default(),
        toolpages::catalogue::load(&content).unwrap().catalogue,
    );
    let fields = field_names();
    let keywords = keyword_values();
    let mut checked = 0;
    let mut bad = BTreeSet::new();
    for (s, server) in data.catalogue.servers.iter().enumerate() {
        for (t, tool) in server.tools.iter().enumerate() {
            let input_schema = tool.input_schema.to_map();
            let mut own: BTreeSet<String> = schema::parameters(&input_schema)
                .into_iter()
                .flat_map(|p| {
                    let words: Vec<String> = p.allowed.iter().flat_map(|v| name_words(v)).collect();
                    [p.name, p.path].into_iter().chain(p.allowed).chain(words)
                })
                .collect();
            // The rationale quotes the tool's own words (its description and enum values).
            own.extend(
                tool.description
                    .as_deref()
                    .unwrap_or("")
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned),
            );
            own.insert(tool.name.clone());
            // The risk answer quotes the words of the tool's name and its MCP annotations.
            own.extend(name_words(&tool.name));
            own.extend(
                [
                    "readOnlyHint",
                    "destructiveHint",
                    "idempotentHint",
                    "openWorldHint",
                ]
                .map(String::from),
            );
            own.insert("tools/list".into());
            own.extend(server.package.clone());
            for faq in tool_faq(server, tool, &input_schema, &data.analysis[s][t]) {
                // That answer quotes the server's own description verbatim.
                if faq.answer.starts_with("The server describes it as: \"") {
                    continue;
                }
                for (i, token) in faq.answer.split('`').enumerate() {
                    if i % 2 == 0 {
                        continue; // outside backticks
                    }
                    checked += 1;
                    let ok = own.contains(token)
                        || fields.contains(token)
                        || keywords.contains(token)
                        || is_rate(token)
                        || token
                            .split_once(": ")
                            .is_some_and(|(k, v)| own.contains(k) && (v == "true" || v == "false"))
                        || token
                            .split_once(": ")
                            .is_some_and(|(k, v)| fields.contains(k) && is_value(v));
                    if !ok {
                        bad.insert(format!(
                            "{}/{}: `{token}` in \"{}\"",
                            server.id, tool.name, faq.question
                        ));
                    }
                }
            }
        }
    }
    assert!(checked > 10_000, "only {checked} identifiers checked");
    assert!(
        bad.is_empty(),
        "FAQ names fields the formats lack:\n{}",
        bad.into_iter().take(60).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_checker_rejects_invented_fields() {
    let fields = field_names();
    for invented in [
        "validate",
        "reason",
        "allow_if",
        "approval",
        "max_calls",
        "spend",
    ] {
        assert!(!fields.contains(invented), "{invented}");
    }
    assert!(!is_value("allow_all") && !is_rate("10/week") && !is_rate("0/minute"));
    assert!(is_value("\"minute\"") && is_rate("5/hour"));
}
