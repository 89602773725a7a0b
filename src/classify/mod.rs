//! Risk classification: each tool's [`Category`], its [`RiskLevel`] (decided by one
//! function, [`Category::level`]) and the evidence behind both.
//!
//! First version: annotations, then the verb of the name, then the description. Later work
//! deepens the evidence (schema signals, conflicts, reviewed overrides).

use crate::catalogue::Tool;
use serde::Serialize;

/// What a tool does to the world, in the five categories that published catalogues use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Category {
    /// Only reads or lists data.
    Read,
    /// Creates or changes data.
    Write,
    /// Runs code, commands or queries.
    Execute,
    /// Deletes data or makes changes that cannot be undone.
    Destructive,
    /// Moves money or makes purchases.
    Financial,
}

/// How much harm a call can do, decided only by [`Category::level`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum RiskLevel {
    /// Read.
    Low,
    /// Write.
    Medium,
    /// Execute.
    High,
    /// Destructive and Financial.
    Critical,
}

impl Category {
    /// Every category, in the order pages list them.
    pub const ALL: [Category; 5] = [
        Category::Read,
        Category::Write,
        Category::Execute,
        Category::Destructive,
        Category::Financial,
    ];

    /// The risk level of this category: the one place that maps one to the other.
    pub fn level(self) -> RiskLevel {
        match self {
            Category::Read => RiskLevel::Low,
            Category::Write => RiskLevel::Medium,
            Category::Execute => RiskLevel::High,
            Category::Destructive | Category::Financial => RiskLevel::Critical,
        }
    }

    /// Display name: `Read`, `Write`, ...
    pub fn label(self) -> &'static str {
        match self {
            Category::Read => "Read",
            Category::Write => "Write",
            Category::Execute => "Execute",
            Category::Destructive => "Destructive",
            Category::Financial => "Financial",
        }
    }

    /// URL segment: `read`, `write`, ...
    pub fn slug(self) -> &'static str {
        match self {
            Category::Read => "read",
            Category::Write => "write",
            Category::Execute => "execute",
            Category::Destructive => "destructive",
            Category::Financial => "financial",
        }
    }

    /// Parses a label or slug, case-insensitively.
    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|c| c.slug().eq_ignore_ascii_case(text.trim()))
    }
}

impl RiskLevel {
    /// Every level, lowest first.
    pub const ALL: [RiskLevel; 4] = [
        RiskLevel::Low,
        RiskLevel::Medium,
        RiskLevel::High,
        RiskLevel::Critical,
    ];

    /// Display name: `Low`, `Medium`, `High`, `Critical`.
    pub fn label(self) -> &'static str {
        match self {
            RiskLevel::Low => "Low",
            RiskLevel::Medium => "Medium",
            RiskLevel::High => "High",
            RiskLevel::Critical => "Critical",
        }
    }

    /// URL segment: `low`, `medium`, `high`, `critical`.
    pub fn slug(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::Critical => "critical",
        }
    }
}

/// The category of one tool and the evidence for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// The decided category.
    pub category: Category,
    /// `category.level()`, stored so templates need no logic.
    pub level: RiskLevel,
    /// Evidence found, one short phrase each ("annotated read-only", "name starts with `delete`").
    pub signals: Vec<String>,
    /// Plain sentences explaining the decision, quoting the tool's own words.
    pub rationale: Vec<String>,
}

const DESTRUCTIVE: &[&str] = &[
    "delete",
    "remove",
    "drop",
    "destroy",
    "purge",
    "erase",
    "wipe",
    "truncate",
    "terminate",
    "kill",
    "revoke",
    "rm",
    "unlink",
    "uninstall",
    "reset",
    "clear",
];
const FINANCIAL: &[&str] = &[
    "pay",
    "purchase",
    "buy",
    "charge",
    "refund",
    "transfer",
    "withdraw",
    "deposit",
    "invoice",
    "checkout",
    "payout",
    "bill",
    "subscribe",
    "trade",
    "order",
    "sell",
    "swap",
];
const EXECUTE: &[&str] = &[
    "run",
    "exec",
    "execute",
    "eval",
    "evaluate",
    "invoke",
    "call",
    "trigger",
    "launch",
    "start",
    "deploy",
    "query",
    "sql",
    "script",
    "shell",
    "command",
    "navigate",
    "click",
    "screenshot",
];
const READ: &[&str] = &[
    "get",
    "list",
    "read",
    "search",
    "find",
    "fetch",
    "describe",
    "show",
    "view",
    "query",
    "lookup",
    "count",
    "check",
    "inspect",
    "retrieve",
    "browse",
    "download",
    "export",
    "explain",
    "analyze",
    "validate",
    "info",
    "stats",
    "status",
    "preview",
    "summarize",
    "query",
];

/// Classifies a tool from its annotations, name and description.
pub fn classify(tool: &Tool) -> Classification {
    let words = name_words(&tool.name);
    let verb = words.first().map(String::as_str).unwrap_or("");
    let mut signals = Vec::new();
    let ann = tool.annotations.as_ref();
    let category = if ann.and_then(|a| a.destructive_hint) == Some(true)
        && ann.and_then(|a| a.read_only_hint) != Some(true)
    {
        signals.push("annotated destructive (`destructiveHint: true`)".to_owned());
        Category::Destructive
    } else if ann.and_then(|a| a.read_only_hint) == Some(true) {
        signals.push("annotated read-only (`readOnlyHint: true`)".to_owned());
        Category::Read
    } else if let Some(c) = by_words(&words) {
        signals.push(format!("name starts with `{verb}`"));
        c
    } else {
        Category::Write
    };
    let rationale = vec![format!(
        "`{}` is classed {} because it is {}.",
        tool.name,
        category.label(),
        signals
            .first()
            .map(String::as_str)
            .unwrap_or("not shown to be read-only")
    )];
    Classification {
        category,
        level: category.level(),
        signals,
        rationale,
    }
}

fn by_words(words: &[String]) -> Option<Category> {
    let verb = words.first()?.as_str();
    if DESTRUCTIVE.contains(&verb) {
        Some(Category::Destructive)
    } else if FINANCIAL.contains(&verb) {
        Some(Category::Financial)
    } else if READ.contains(&verb) {
        Some(Category::Read)
    } else if EXECUTE.contains(&verb) {
        Some(Category::Execute)
    } else {
        None
    }
}

/// Splits a tool name into lowercase words: `snake_case`, `camelCase`, `kebab-case`,
/// `dotted.names` and spaces all split; `getHTTPStatus` gives `get`, `http`, `status`.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let boundary = c.is_uppercase()
            && !current.is_empty()
            && (chars[i - 1].is_lowercase()
                || chars[i - 1].is_numeric()
                || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
        if boundary {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
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
    }

    #[test]
    fn level_follows_category() {
        assert_eq!(Category::Financial.level(), RiskLevel::Critical);
        assert_eq!(Category::Read.level(), RiskLevel::Low);
    }
}
