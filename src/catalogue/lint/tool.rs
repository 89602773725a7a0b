//! Checks of one tool's name, description and annotations, and of name clashes in a server.

use super::{finding, Problem, Server, Tool};
use crate::classify::{classify, name_words, Category};
use std::collections::HashMap;

/// Descriptions longer than this many characters are `long-description`. The bundled
/// catalogue's 99th percentile is about 5,100 characters; beyond 8,000 a description is both
/// a large share of every prompt and a place to hide instructions.
pub const LONG_DESCRIPTION_CHARS: usize = 8_000;

/// Descriptions that say nothing, compared lowercased with trailing punctuation trimmed.
const PLACEHOLDERS: &[&str] = &[
    "todo",
    "tbd",
    "fixme",
    "xxx",
    "description",
    "tool description",
    "description of the tool",
    "placeholder",
    "no description",
    "no description provided",
    "no description available",
    "none",
    "n/a",
    "na",
    "null",
    "undefined",
    "test",
    "...",
    "-",
    "a tool",
    "my tool",
    "insert description here",
    "add description",
];

/// Checks across the tools of one server: names differing only in case.
pub fn server(server: &Server) -> Vec<Problem> {
    let mut first: HashMap<String, &str> = HashMap::new();
    let mut found = Vec::new();
    for tool in &server.tools {
        let folded = tool.name.to_lowercase();
        match first.get(&folded) {
            Some(other) => found.push(finding(
                server,
                Some(tool),
                "tool-name-case-clash",
                format!(
                    "tool name `{}` differs only in case from tool `{other}` of the same server",
                    tool.name
                ),
            )),
            None => {
                first.insert(folded, &tool.name);
            }
        }
    }
    found
}

/// Checks of one tool: description, name and annotations.
pub fn tool(server: &Server, tool: &Tool) -> Vec<Problem> {
    let mut found = Vec::new();
    let mut add = |code, message| found.push(finding(server, Some(tool), code, message));
    let description = tool.description.as_deref().map(str::trim).unwrap_or("");
    if description.is_empty() {
        let what = if tool.description.is_some() {
            "is empty"
        } else {
            "is missing"
        };
        add(
            "empty-description",
            format!("the tool's `description` {what}"),
        );
    } else if is_placeholder(description, &tool.name) {
        add(
            "placeholder-description",
            format!("the description `{description}` is a placeholder, not a description"),
        );
    }
    // A string of at most N bytes has at most N characters: count only long ones.
    let chars = match description.len() > LONG_DESCRIPTION_CHARS {
        true => description.chars().count(),
        false => 0,
    };
    if chars > LONG_DESCRIPTION_CHARS {
        add(
            "long-description",
            format!("the description is {chars} characters long (over {LONG_DESCRIPTION_CHARS})"),
        );
    }
    if let Some(c) = tool.name.chars().find(|c| c.is_whitespace()) {
        add(
            "tool-name-whitespace",
            format!(
                "the tool name `{}` holds whitespace (U+{:04X})",
                tool.name, c as u32
            ),
        );
    }
    if let Some(message) = contradiction(tool) {
        add("annotation-contradicts-name", message);
    }
    found
}

fn is_placeholder(description: &str, name: &str) -> bool {
    let text = description
        .trim_end_matches(['.', '!', ':'])
        .trim()
        .to_lowercase();
    PLACEHOLDERS.contains(&text.as_str())
        || text.starts_with("lorem ipsum")
        || text == name.to_lowercase()
}

/// An annotation that claims more safety than the name allows: `readOnlyHint: true` or
/// `destructiveHint: false` on a tool whose name alone classifies it Destructive (or, for
/// read-only, Financial). The name's category comes from [`classify`] given only the name,
/// so lint and the tool pages judge a name the same way.
fn contradiction(tool: &Tool) -> Option<String> {
    let ann = tool.annotations.as_ref()?;
    let read_only = ann.read_only_hint == Some(true);
    let not_destructive = ann.destructive_hint == Some(false) && !read_only;
    if !read_only && !not_destructive {
        return None;
    }
    // Judged on the name alone: a tool carrying nothing but its name.
    let name_only = Tool {
        name: tool.name.clone(),
        title: None,
        description: None,
        input_schema: Default::default(),
        annotations: None,
        extra: Default::default(),
        line: tool.line,
    };
    let category = classify(&name_only).category;
    let verb = name_words(&tool.name)
        .into_iter()
        .next()
        .unwrap_or_default();
    match category {
        Category::Destructive | Category::Financial if read_only => Some(format!(
            "`readOnlyHint: true`, but the name `{}` starts with `{verb}` ({})",
            tool.name,
            category.label()
        )),
        Category::Destructive if not_destructive => Some(format!(
            "`destructiveHint: false`, but the name `{}` starts with `{verb}` (Destructive)",
            tool.name
        )),
        _ => None,
    }
}
