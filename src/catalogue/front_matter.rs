//! Markdown files with YAML front matter, as Zola and Hugo write them:
//!
//! ```text
//! ---
//! category: read
//! notes: Checked against the server's source.
//! ---
//! Markdown body…
//! ```
//!
//! The front matter is parsed with serde-saphyr into the caller's type (unknown keys are the
//! caller's choice: use `#[serde(deny_unknown_fields)]`). Errors are [`Problem`]s naming the
//! file and the line in it.

use super::Problem;
use serde::de::DeserializeOwned;
use std::path::Path;

/// A parsed file: its front matter and its Markdown body.
#[derive(Debug, Clone, PartialEq)]
pub struct Document<T> {
    /// The front matter.
    pub front: T,
    /// The Markdown after the closing `---` (may be empty).
    pub body: String,
}

/// Splits and parses `text`, read from `file`. A file without a leading `---` line, without
/// a closing `---` line, or whose front matter does not fit `T` gives a [`Problem`] with the
/// file's line (1-based) and a fix (boxed: a `Problem` is large and errors are rare).
pub fn parse<T: DeserializeOwned>(file: &Path, text: &str) -> Result<Document<T>, Box<Problem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Box::new(Problem::error(
            file,
            1,
            "missing-front-matter",
            "the file does not start with YAML front matter",
            "start the file with a line `---`, the front matter (such as `category: read`), and another line `---`",
        )));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut closing = None;
    for line in lines {
        if line.trim_end() == "---" {
            closing = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((yaml_end, body_start)) = closing else {
        return Err(Box::new(Problem::error(
            file,
            1,
            "unclosed-front-matter",
            "the front matter has no closing `---` line",
            "end the front matter with a line holding only `---`",
        )));
    };
    let yaml = &text[yaml_start..yaml_end];
    let front = serde_saphyr::from_str::<T>(yaml).map_err(|e| {
        let line = e.location().map_or(1, |l| l.line() as usize) + 1;
        let message = e.to_string();
        let first_line = message.lines().next().unwrap_or("invalid YAML").to_owned();
        Box::new(Problem::error(
            file,
            line,
            "bad-front-matter",
            format!("the front matter is not valid: {first_line}"),
            "check the YAML between the two `---` lines: key names, types and indentation",
        ))
    })?;
    Ok(Document {
        front,
        body: text[body_start..]
            .trim_start_matches(['\r', '\n'])
            .to_owned(),
    })
}

/// Reads and parses the file at `path`; also returns its text (for [`key_line`]).
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<(Document<T>, String), Box<Problem>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Box::new(Problem::error(
            path,
            1,
            "unreadable-file",
            format!("cannot read the file: {e}"),
            "check that the file is readable UTF-8 text",
        ))
    })?;
    Ok((parse(path, &text)?, text))
}

/// The 1-based line where front-matter key `key` is written (1 when it cannot be found), for
/// problems about a value that parsed but is not allowed.
pub fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Front {
        title: String,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn p(text: &str) -> Result<Document<Front>, Box<Problem>> {
        parse(Path::new("x.md"), text)
    }

    #[test]
    fn parses_front_matter_and_body() {
        let d = p("---\ntitle: Hello\ntags: [a, b]\n---\n\n# Body\n").unwrap();
        assert_eq!(d.front.title, "Hello");
        assert_eq!(d.front.tags, ["a", "b"]);
        assert_eq!(d.body, "# Body\n");
        let crlf = p("\u{feff}---\r\ntitle: Hi\r\n---\r\nText").unwrap();
        assert_eq!(
            (crlf.front.title.as_str(), crlf.body.as_str()),
            ("Hi", "Text")
        );
    }

    #[test]
    fn key_lines() {
        let text = "---\ntitle: x\ncategories: [a]\n---\n";
        assert_eq!(key_line(text, "categories"), 3);
        assert_eq!(key_line(text, "cat"), 1);
    }

    #[test]
    fn errors_name_the_line_and_the_fix() {
        assert_eq!(
            p("# no front matter").unwrap_err().code,
            "missing-front-matter"
        );
        assert_eq!(
            p("---\ntitle: x\n").unwrap_err().code,
            "unclosed-front-matter"
        );
        let unknown = p("---\ntitle: x\ncolour: red\n---\n").unwrap_err();
        assert_eq!(unknown.code, "bad-front-matter");
        assert_eq!(unknown.line, 3, "{unknown}");
        assert!(unknown.message.contains("colour"), "{unknown}");
        let wrong_type = p("---\ntitle: [1, 2]\n---\n").unwrap_err();
        assert_eq!(wrong_type.line, 2, "{wrong_type}");
    }
}
