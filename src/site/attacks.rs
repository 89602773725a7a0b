//! Attack patterns: Markdown pages in `content/attacks/*.md`, rendered to
//! `/attacks/<slug>/` and linked from the pages of the tools whose category they concern.
//!
//! ```text
//! ---
//! title: Tool poisoning
//! summary: One sentence for listings.            # optional
//! categories: [read, write, execute, destructive, financial]
//! ---
//! Markdown body…
//! ```

use super::routes::slugify;
use crate::catalogue::front_matter;
use crate::catalogue::Problem;
use crate::classify::Category;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Front {
    title: String,
    #[serde(default)]
    summary: Option<String>,
    categories: Vec<String>,
}

/// One attack pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Attack {
    /// URL segment, from the file name (`tool-poisoning.md` → `tool-poisoning`).
    pub slug: String,
    /// The `title`.
    pub title: String,
    /// The optional one-sentence `summary`.
    pub summary: Option<String>,
    /// The categories of tools it concerns (at least one).
    pub categories: Vec<Category>,
    /// The Markdown body.
    pub body: String,
    /// The file it came from.
    pub file: PathBuf,
}

/// Reads every `*.md` file of `dir` (usually `content/attacks`), sorted by file name. A
/// missing folder gives no attacks; every bad file becomes a [`Problem`] naming it, and the
/// other files still load.
pub fn load(dir: &Path) -> (Vec<Attack>, Vec<Problem>) {
    let mut attacks = Vec::new();
    let mut problems = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (attacks, problems);
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    for path in files {
        match read_one(&path) {
            Ok(attack) if attacks.iter().any(|a: &Attack| a.slug == attack.slug) => {
                problems.push(Problem::error(
                    &path,
                    1,
                    "duplicate-attack",
                    format!(
                        "another attack pattern already uses the slug `{}`",
                        attack.slug
                    ),
                    "rename one of the files",
                ))
            }
            Ok(attack) => attacks.push(attack),
            Err(p) => problems.push(*p),
        }
    }
    (attacks, problems)
}

fn read_one(path: &Path) -> Result<Attack, Box<Problem>> {
    let (doc, text) = front_matter::read::<Front>(path)?;
    let line_of = |key: &str| front_matter::key_line(&text, key);
    if doc.front.title.trim().is_empty() {
        return Err(Box::new(Problem::error(
            path,
            line_of("title"),
            "attack-without-title",
            "the `title` is empty",
            "give the attack pattern a title",
        )));
    }
    let mut categories = Vec::new();
    for c in &doc.front.categories {
        match Category::parse(c) {
            Some(c) if !categories.contains(&c) => categories.push(c),
            Some(_) => {}
            None => {
                return Err(Box::new(Problem::error(
                    path,
                    line_of("categories"),
                    "attack-unknown-category",
                    format!("`{c}` is not a category"),
                    "list categories among: read, write, execute, destructive, financial",
                )))
            }
        }
    }
    if categories.is_empty() {
        return Err(Box::new(Problem::error(
            path,
            line_of("categories"),
            "attack-without-categories",
            "`categories` is empty, so no tool page would link to it",
            "list the categories of tools it concerns, such as `categories: [destructive]`",
        )));
    }
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    Ok(Attack {
        slug: slugify(stem, "attack"),
        title: doc.front.title.trim().to_owned(),
        summary: doc.front.summary.filter(|s| !s.trim().is_empty()),
        categories,
        body: doc.body,
        file: path.to_path_buf(),
    })
}
