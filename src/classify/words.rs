//! Splitting tool names and descriptions into lowercase words.
//!
//! Names come in every style servers use: `snake_case`, `camelCase`, `PascalCase`,
//! `kebab-case`, `dotted.names`, spaces, and acronyms (`getHTTPStatus`). Descriptions are
//! scanned word by word without building a list, so a 50,000-character description costs no
//! more than its first sentences.

/// Longest name, in words, that the classifier looks at; longer names are cut (a hostile
/// name can be megabytes long).
pub const MAX_NAME_WORDS: usize = 16;

/// Splits a tool name into lowercase words: `snake_case`, `camelCase`, `kebab-case`,
/// `dotted.names` and spaces all split; `getHTTPStatus` gives `get`, `http`, `status`;
/// digits stay with the letters before them (`s3`, `ec2`). At most [`MAX_NAME_WORDS`] words.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut chars = name.chars().peekable();
    let mut previous: Option<char> = None;
    while let Some(c) = chars.next() {
        if words.len() >= MAX_NAME_WORDS {
            return words;
        }
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous = None;
            continue;
        }
        let boundary = c.is_uppercase()
            && !current.is_empty()
            && previous.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_numeric()
                    || (p.is_uppercase() && chars.peek().is_some_and(|n| n.is_lowercase()))
            });
        if boundary {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
        previous = Some(c);
    }
    if !current.is_empty() && words.len() < MAX_NAME_WORDS {
        words.push(current);
    }
    words
}

/// The words of free text, lowercased ASCII, with the word before each (for telling the verb
/// "list" from the noun in "a list of"). Stops after `limit` words. Non-ASCII letters end a
/// word, which is enough for the English verbs the lexicon knows.
pub fn text_words(text: &str, limit: usize, mut visit: impl FnMut(&str, &str) -> bool) {
    let mut previous = String::new();
    let mut current = String::new();
    let mut seen = 0;
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || (c == '-' && !current.is_empty()) {
            current.push(c.to_ascii_lowercase());
            continue;
        }
        if current.is_empty() {
            continue;
        }
        let word = current.trim_end_matches('-');
        if !visit(word, &previous) {
            return;
        }
        seen += 1;
        if seen >= limit {
            return;
        }
        std::mem::swap(&mut previous, &mut current);
        current.clear();
    }
}

/// Lowercase copy of the first `max` bytes of `text` (cut at a character boundary), for
/// phrase checks such as "read-only".
pub fn lowercase_prefix(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_every_naming_style() {
        assert_eq!(
            name_words("start_dicom_export_job"),
            ["start", "dicom", "export", "job"]
        );
        assert_eq!(name_words("getHTTPStatus"), ["get", "http", "status"]);
        assert_eq!(name_words("files.delete-all"), ["files", "delete", "all"]);
        assert_eq!(name_words("Search Docs"), ["search", "docs"]);
        assert_eq!(
            name_words("ListAHORunGroups"),
            ["list", "aho", "run", "groups"]
        );
        assert_eq!(
            name_words("API-retrieve-a-block"),
            ["api", "retrieve", "a", "block"]
        );
        assert_eq!(name_words("list_s3Buckets"), ["list", "s3", "buckets"]);
    }

    #[test]
    fn hostile_names_do_not_panic_and_stay_bounded() {
        assert!(name_words("").is_empty());
        assert!(name_words("___..--").is_empty());
        assert_eq!(name_words("删除_文件"), ["删除", "文件"]);
        assert_eq!(name_words("ÉTAT_Lire"), ["état", "lire"]);
        let long = "a_".repeat(100_000);
        assert_eq!(name_words(&long).len(), MAX_NAME_WORDS);
    }

    #[test]
    fn text_words_give_the_previous_word_and_stop() {
        let mut seen = Vec::new();
        text_words("Fetch a List of things, then more", 4, |w, p| {
            seen.push((w.to_owned(), p.to_owned()));
            true
        });
        assert_eq!(
            seen,
            [
                ("fetch".to_owned(), String::new()),
                ("a".to_owned(), "fetch".to_owned()),
                ("list".to_owned(), "a".to_owned()),
                ("of".to_owned(), "list".to_owned()),
            ]
        );
    }

    #[test]
    fn lowercase_prefix_cuts_at_a_char_boundary() {
        assert_eq!(lowercase_prefix("ÀB", 1), "");
        assert_eq!(lowercase_prefix("ÀB", 3), "àb");
    }
}
