//! Checks of the text in tool metadata: template text left in descriptions, prompt injection
//! (instructions addressed to the model) and hidden Unicode, in every string of a tool —
//! description, title, `inputSchema` (parameter descriptions, enum values, property names),
//! annotations and other keys — since poisoning often hides in parameter descriptions.

use super::{finding, path_text, Problem, Server, Step, Tool};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use regex::Regex;
use serde_json::{Map, Value};
use std::sync::LazyLock;

/// Instructions to override the model's instructions or deceive the user: no honest tool
/// description needs them.
static INJECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?-u:\b)(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?
            (?:previous|prior|above|earlier|preceding|system|other)\s+
            (?:instructions?|prompts?|messages?|rules|directions|guidelines)
        | (?-u:\b)(?:do\s+not|don'?t|never)\s+(?:tell|inform|notify|alert|warn|show|mention\s+(?:this|it)\s+to|reveal\s+(?:this|it)\s+to)\s+the\s+user
        | (?-u:\b)without\s+(?:telling|informing|notifying|alerting|asking|warning)\s+the\s+user
        | (?-u:\b)(?:hide|conceal|keep)\s+(?:this|it)\s+(?:secret\s+)?from\s+the\s+user
        | (?-u:\b)the\s+user\s+(?:must|should)\s+(?:not|never)\s+(?:know|see|be\s+told)",
    )
    .expect("the injection pattern is valid")
});

/// The shortest text [`INJECTION`] can match ("keep it from the user" is 21 bytes).
const MIN_INJECTION_LEN: usize = 20;

/// Opening tags of blocks addressed to the model, the shape of published tool-poisoning
/// attacks (`<IMPORTANT>...</IMPORTANT>`). Only a tag closed later counts, so a command-line
/// placeholder such as `--client-secret <secret>` is not a block.
static BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)<\s*(important|system|instructions?|secret|hidden|admin|critical|do_not_\w+)\s*>",
    )
    .expect("the block pattern is valid")
});

/// Template syntax left unexpanded: `${name}`, `{{ name }}`.
static TEMPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$\{[^}\n]{1,100}\}|\{\{[^}\n]{0,100}\}\}").expect("the template pattern is valid")
});

/// The server's own description: prompt injection and hidden Unicode.
pub fn server(server: &Server) -> Vec<Problem> {
    let mut scan = Scan::default();
    if let Some(d) = &server.description {
        scan.text(&|| "description".to_owned(), d);
    }
    scan.into_problems(server, None)
}

/// Every string of one tool: template text in its description; prompt injection and hidden
/// Unicode anywhere.
pub fn tool(server: &Server, tool: &Tool, input_schema: &Map<String, Value>) -> Vec<Problem> {
    let mut found = Vec::new();
    if let Some(d) = &tool.description {
        if let Some(t) = template_text(d) {
            found.push(finding(
                server,
                Some(tool),
                "template-text",
                format!("the description holds unexpanded template text `{t}`"),
            ));
        }
    }
    let mut scan = Scan::default();
    scan.text(&|| "name".to_owned(), &tool.name);
    for (key, value) in [("title", &tool.title), ("description", &tool.description)] {
        if let Some(v) = value {
            scan.text(&|| key.to_owned(), v);
        }
    }
    scan.map(&mut vec![Step::Key("inputSchema")], input_schema);
    if let Some(a) = &tool.annotations {
        if let Some(t) = &a.title {
            scan.text(&|| "annotations.title".to_owned(), t);
        }
        scan.map(&mut vec![Step::Key("annotations")], &a.extra);
    }
    scan.map(&mut Vec::new(), &tool.extra.to_map());
    found.extend(scan.into_problems(server, Some(tool)));
    found
}

/// The first template text in the Markdown prose of `description` (code spans and code
/// blocks are skipped: they legitimately show `${var}` or Mustache syntax).
fn template_text(description: &str) -> Option<String> {
    if !description.contains("${") && !description.contains("{{") {
        return None;
    }
    let mut in_code = 0usize;
    let mut prose = String::new();
    let check = |prose: &mut String| {
        let hit = TEMPLATE.find(prose).map(|m| m.as_str().to_owned());
        prose.clear();
        hit
    };
    for event in Parser::new(description) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Text(t) if in_code == 0 => prose.push_str(&t),
            Event::SoftBreak | Event::HardBreak => prose.push('\n'),
            // Text split by emphasis or links stays one run; code ends the run.
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Link { .. })
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Link) => {}
            _ => {
                if let Some(hit) = check(&mut prose) {
                    return Some(hit);
                }
            }
        }
    }
    check(&mut prose)
}

/// The first finding of each kind over the strings scanned.
#[derive(Default)]
struct Scan {
    injection: Option<String>,
    block: Option<String>,
    hidden: Option<String>,
    zero_width: Option<String>,
}

impl Scan {
    /// Scans every key and string under `map`; `path` is where `map` is (no allocation
    /// unless something is found).
    fn map<'a>(&mut self, path: &mut Vec<Step<'a>>, map: &'a Map<String, Value>) {
        for (key, value) in map {
            path.push(Step::Key(key));
            self.text(&|| format!("{} (a key)", path_text(path)), key);
            self.value(path, value);
            path.pop();
        }
    }

    fn value<'a>(&mut self, path: &mut Vec<Step<'a>>, value: &'a Value) {
        match value {
            Value::String(s) => self.text(&|| path_text(path), s),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    self.value(path, item);
                    path.pop();
                }
            }
            Value::Object(map) => self.map(path, map),
            _ => {}
        }
    }

    /// Scans one string; `field` names where it is (built only when something is found).
    fn text(&mut self, field: &dyn Fn() -> String, text: &str) {
        // Every injection pattern is longer than this; most strings (keys, enum values, types)
        // are shorter, and skipping them keeps lint linear with a small constant.
        if self.injection.is_none() && text.len() >= MIN_INJECTION_LEN {
            if let Some(m) = INJECTION.find(text) {
                self.injection = Some(format!(
                    "`{}` addresses the model: \"{}\"",
                    field(),
                    excerpt(text, m.start(), m.end())
                ));
            }
        }
        if self.block.is_none() && text.contains('<') {
            if let Some(m) = closed_block(text) {
                self.block = Some(format!(
                    "`{}` holds the block `{}` addressed to the model: \"{}\"",
                    field(),
                    m.as_str(),
                    excerpt(text, m.start(), m.end())
                ));
            }
        }
        if self.hidden.is_some() && self.zero_width.is_some() || text.is_ascii() {
            return;
        }
        for (at, c) in text.chars().enumerate() {
            let (slot, name) = match invisible(c) {
                Some((true, name)) => (&mut self.hidden, name),
                Some((false, name)) => (&mut self.zero_width, name),
                None => continue,
            };
            if slot.is_none() {
                *slot = Some(format!(
                    "`{}` holds U+{:04X} ({name}) at character {at}",
                    field(),
                    c as u32
                ));
            }
        }
    }

    fn into_problems(self, server: &Server, tool: Option<&Tool>) -> Vec<Problem> {
        [
            ("prompt-injection", self.injection),
            ("instruction-block", self.block),
            ("hidden-unicode", self.hidden),
            ("zero-width-character", self.zero_width),
        ]
        .into_iter()
        .filter_map(|(code, message)| Some(finding(server, tool, code, message?)))
        .collect()
    }
}

/// An invisible character: `(true, name)` for those that hide or reorder text (bidi
/// embeddings, overrides and isolates — the "Trojan Source" characters — and Unicode tag
/// characters, used to smuggle ASCII), `(false, name)` for zero-width and direction marks.
fn invisible(c: char) -> Option<(bool, &'static str)> {
    Some(match c {
        '\u{202A}'..='\u{202E}' => (true, "bidi embedding or override"),
        '\u{2066}'..='\u{2069}' => (true, "bidi isolate"),
        '\u{E0000}'..='\u{E007F}' => (true, "Unicode tag character"),
        '\u{200B}' => (false, "zero-width space"),
        '\u{200C}' => (false, "zero-width non-joiner"),
        '\u{200D}' => (false, "zero-width joiner"),
        '\u{2060}' => (false, "word joiner"),
        '\u{FEFF}' => (false, "zero-width no-break space"),
        '\u{180E}' => (false, "Mongolian vowel separator"),
        '\u{2061}'..='\u{2064}' => (false, "invisible operator"),
        '\u{200E}' | '\u{200F}' | '\u{061C}' => (false, "direction mark"),
        _ => return None,
    })
}

/// The first [`BLOCK`] opening tag with its closing tag after it.
fn closed_block(text: &str) -> Option<regex::Match<'_>> {
    BLOCK.captures_iter(text).find_map(|c| {
        let (open, name) = (c.get(0)?, c.get(1)?);
        let close = format!("</{}>", name.as_str().to_lowercase());
        text[open.end()..]
            .to_lowercase()
            .contains(&close)
            .then_some(open)
    })
}

/// Up to 40 characters either side of `start..end`, on one line.
fn excerpt(text: &str, start: usize, end: usize) -> String {
    let before: String = text[..start].chars().rev().take(40).collect();
    let before: String = before.chars().rev().collect();
    let after: String = text[end..].chars().take(40).collect();
    format!("…{before}{}{after}…", &text[start..end])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
