//! Reviewed categories: a person's decision replaces the automatic one.
//!
//! A review is a Markdown file `content/servers/<server id>/<tool name>.md` (beside the
//! per-server catalogue files) with YAML front matter and a Markdown body:
//!
//! ```text
//! ---
//! category: destructive      # read, write, execute, destructive or financial
//! notes: Confirmed in the server's source (v1.4).   # optional, one line
//! ---
//! Why the reviewer decided this, in Markdown (shown on the tool page).
//! ```
//!
//! [`load`] reads every such file and checks it against the catalogue; each bad file becomes a
//! [`Problem`] naming the file, and the other files still load.

use super::{Category, Classification, RiskLevel};
use crate::catalogue::front_matter;
use crate::catalogue::{Catalogue, Problem, Tool};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The front matter of a review file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Front {
    category: String,
    #[serde(default)]
    notes: Option<String>,
}

/// One reviewed tool, as read from its file.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The category the reviewer chose.
    pub category: Category,
    /// The optional one-line `notes` of the front matter.
    pub notes: Option<String>,
    /// The Markdown body (rendered with the safe `markdown` filter).
    pub body: String,
    /// The file it came from.
    pub file: PathBuf,
}

/// Every review, by server id and tool name.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    by_tool: HashMap<(String, String), Override>,
}

impl Overrides {
    /// The review of tool `tool` of server `server`, if any.
    pub fn get(&self, server: &str, tool: &str) -> Option<&Override> {
        self.by_tool.get(&(server.to_owned(), tool.to_owned()))
    }

    /// Number of reviews.
    pub fn len(&self) -> usize {
        self.by_tool.len()
    }

    /// No reviews at all.
    pub fn is_empty(&self) -> bool {
        self.by_tool.is_empty()
    }

    /// Adds a review (tests and programmatic use); the last one for a tool wins.
    pub fn insert(&mut self, server: &str, tool: &str, review: Override) {
        self.by_tool
            .insert((server.to_owned(), tool.to_owned()), review);
    }
}

/// What a tool page shows about a review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    /// The reviewer's `notes`, if any.
    pub notes: Option<String>,
    /// The Markdown body.
    pub body: String,
    /// The review file, relative to the content folder where possible.
    pub file: String,
    /// What the classifier decided on its own.
    pub automatic: Category,
    /// `automatic.level()`.
    pub automatic_level: RiskLevel,
}

impl Override {
    /// The classification with this review applied: the reviewed category and its level,
    /// the automatic evidence kept and introduced as such.
    pub fn apply(&self, tool: &Tool, automatic: Classification) -> Classification {
        let category = self.category;
        let mut rationale = vec![format!(
            "A person reviewed `{}` and classed it {}, so its risk is {}: it {}.",
            tool.name,
            category.label(),
            category.level().label(),
            category.effect()
        )];
        if automatic.category == category {
            rationale.push("The automatic classification agrees; its evidence follows.".to_owned());
        } else {
            rationale.push(format!(
                "On its own the classifier would class it {} ({} risk); that evidence follows.",
                automatic.category.label(),
                automatic.level.label()
            ));
        }
        rationale.extend(automatic.rationale.into_iter().skip(1));
        Classification {
            category,
            level: category.level(),
            signals: automatic.signals,
            rationale,
            conflicts: automatic.conflicts,
            review: Some(Review {
                notes: self.notes.clone(),
                body: self.body.clone(),
                file: self.file.display().to_string(),
                automatic: automatic.category,
                automatic_level: automatic.level,
            }),
        }
    }
}

/// Reads every `servers/<server>/<tool>.md` under `content` and checks it against the
/// catalogue. Never fails: unreadable files, bad front matter, unknown servers, tools or
/// categories become [`Problem`]s and the other reviews still load.
pub fn load(content: &Path, catalogue: &Catalogue) -> (Overrides, Vec<Problem>) {
    let root = content.join("servers");
    let mut overrides = Overrides::default();
    let mut problems = Vec::new();
    if !root.is_dir() {
        return (overrides, problems);
    }
    let files = WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|x| x == "md"));
    for path in files {
        match read_one(&root, &path, catalogue) {
            Ok((server, tool, review)) => overrides.insert(&server, &tool, review),
            Err(problem) => problems.push(*problem),
        }
    }
    (overrides, problems)
}

fn read_one(
    root: &Path,
    path: &Path,
    catalogue: &Catalogue,
) -> Result<(String, String, Override), Box<Problem>> {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<&str> = relative.iter().map(|p| p.to_str().unwrap_or("")).collect();
    let [server_id, file_name] = parts.as_slice() else {
        return Err(Box::new(Problem::error(
            path,
            1,
            "misplaced-review",
            "a review file must sit directly in a server's folder",
            "move it to content/servers/<server id>/<tool name>.md",
        )));
    };
    let tool_name = file_name.strip_suffix(".md").unwrap_or(file_name);
    let Some(server) = catalogue.server(server_id) else {
        return Err(Box::new(Problem::error(
            path,
            1,
            "review-unknown-server",
            format!("no server in the catalogue has the id `{server_id}`"),
            "name the folder exactly as the server's `id`",
        )));
    };
    let Some(tool) = server.tools.iter().find(|t| t.name == tool_name) else {
        return Err(Box::new(
            Problem::error(
                path,
                1,
                "review-unknown-tool",
                format!("server `{server_id}` has no tool named `{tool_name}`"),
                "name the file exactly as the tool's `name`, followed by .md",
            )
            .server(server_id.to_string()),
        ));
    };
    let attribute = |p: Box<Problem>| Box::new(p.server(server_id.to_string()).tool(&tool.name));
    let (doc, text) = front_matter::read::<Front>(path).map_err(attribute)?;
    let Some(category) = Category::parse(&doc.front.category) else {
        return Err(attribute(Box::new(Problem::error(
            path,
            front_matter::key_line(&text, "category"),
            "review-unknown-category",
            format!("`{}` is not a category", doc.front.category),
            "write one of: read, write, execute, destructive, financial",
        ))));
    };
    Ok((
        server.id.clone(),
        tool.name.clone(),
        Override {
            category,
            notes: doc.front.notes.filter(|n| !n.trim().is_empty()),
            body: doc.body,
            file: path.to_path_buf(),
        },
    ))
}
