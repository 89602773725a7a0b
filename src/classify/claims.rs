//! What a description claims about the tool as a whole: that it only reads ("read-only",
//! "Only SELECT queries are permitted") or that it destroys ("permanently deletes", "cannot be
//! undone"). Each claim is the sentence it appears in, unless that sentence hedges ("by
//! default", "unless", "if") or is a list item or heading describing one option.
//!
//! The phrases are matched in one pass by a regular expression compiled once per process.

use regex::Regex;
use std::sync::LazyLock;

/// Phrases saying a tool only reads ("read-only", "only select"), matched in one pass.
static READ_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        "read-only",
        "read only",
        "readonly",
        "does not modify",
        "doesn't modify",
        "without modifying",
        "no side effects",
        "only select",
        "select queries are permitted",
    ])
});

/// Phrases warning of destruction ("permanently delet", "cannot be undone").
static DESTRUCTIVE: LazyLock<Regex> = LazyLock::new(|| {
    phrases(&[
        "destructive",
        "permanently delet",
        "permanently remov",
        "cannot be undone",
        "can't be undone",
        "irreversibl",
        "overwrite an existing",
        "overwrites an existing",
        "overwrite existing",
        "overwrites existing",
        "overwrite the existing",
        "overwrites the existing",
    ])
});

/// One compiled alternation of literal phrases (compiled once, at first use).
fn phrases(list: &[&str]) -> Regex {
    let pattern = list
        .iter()
        .map(|p| regex::escape(p))
        .collect::<Vec<_>>()
        .join("|");
    Regex::new(&pattern).expect("literal alternation compiles")
}

/// The sentence of a (lowercased) description that says the tool only reads, unless it
/// hedges ("by default", "unless").
pub(super) fn read_only_claim(lower: &str) -> Option<String> {
    claim(
        lower,
        &READ_ONLY,
        &["default", "unless", "not read", "non-read", "mode"],
    )
}

/// The sentence of a (lowercased) description that says the tool destroys or overwrites.
pub(super) fn destructive_claim(lower: &str) -> Option<String> {
    claim(
        lower,
        &DESTRUCTIVE,
        &[
            "non-destructive",
            "not destructive",
            "allow",
            "if ",
            "enable",
            "reject",
            "refuse",
            "block",
            "prevent",
            "never",
        ],
    )
}

fn claim(lower: &str, phrases: &Regex, hedges: &[&str]) -> Option<String> {
    for m in phrases.find_iter(lower) {
        let sentence = sentence_around(lower, m.start());
        // A list item or heading describes one option or mode, not the whole tool.
        let item = sentence.starts_with(['-', '*', '•', '#']) || sentence.ends_with(':');
        if !item && !hedges.iter().any(|h| sentence.contains(h)) {
            // Quoted inside sentences of our own: drop Markdown code marks.
            return Some(sentence.replace('`', ""));
        }
    }
    None
}

/// The sentence containing byte `at`, trimmed; a long sentence is cut to about 160 bytes
/// around `at`, so the quoted phrase is always in it.
fn sentence_around(text: &str, at: usize) -> &str {
    let is_end = |c: char| matches!(c, '.' | '!' | '?' | '\n');
    let mut start = text[..at].rfind(is_end).map_or(0, |i| i + 1);
    let mut end = text[at..].find(is_end).map_or(text.len(), |i| at + i);
    if end - start > 160 {
        start = start.max(at.saturating_sub(60));
        end = end.min(start + 160);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        while !text.is_char_boundary(end) {
            end -= 1;
        }
    }
    text[start..end].trim()
}
