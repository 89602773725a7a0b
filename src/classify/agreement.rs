//! How well the classifier agrees with the annotations servers publish, measured with the
//! annotations hidden: every tool marked `readOnlyHint: true` should come out Read, every
//! tool marked `destructiveHint: true` (and not read-only) should come out Destructive.
//! Run it with `cargo run --release --example agreement`.

use super::{classify_unannotated, Category};
use crate::catalogue::Catalogue;
use rayon::prelude::*;

/// Agreement on one kind of annotation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Tools carrying the annotation.
    pub total: usize,
    /// Of those, tools the classifier put in the annotation's category.
    pub agreed: usize,
}

impl Tally {
    /// `agreed / total` as a percentage (100 when there is nothing to compare).
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.agreed as f64 / self.total as f64
        }
    }
}

/// One tool where the classifier (annotations hidden) and the annotation differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// The server's id.
    pub server: String,
    /// The tool's name.
    pub tool: String,
    /// What the annotation implies.
    pub annotated: Category,
    /// What the classifier said without it.
    pub classified: Category,
}

/// The result of [`measure`].
#[derive(Debug, Clone, Default)]
pub struct Agreement {
    /// Tools with `readOnlyHint: true`, expected Read.
    pub read_only: Tally,
    /// Tools with `destructiveHint: true` and not `readOnlyHint: true`, expected Destructive.
    pub destructive: Tally,
    /// Every hint a tool carries, `true` or `false`, compared with the classifier's verdict:
    /// `readOnlyHint: v` agrees when (category is Read) == v; `destructiveHint: v` (on a tool
    /// not marked read-only) agrees when (category is Destructive) == v.
    pub hints: Tally,
    /// Tools with `destructiveHint: true` that the classifier did not class Read: the
    /// dangerous mistake is calling a destructive tool read-only.
    pub destructive_not_read: Tally,
    /// Every disagreement of `read_only` and `destructive`, in catalogue order.
    pub disagreements: Vec<Disagreement>,
}

impl Agreement {
    /// Both kinds together.
    pub fn overall(&self) -> Tally {
        Tally {
            total: self.read_only.total + self.destructive.total,
            agreed: self.read_only.agreed + self.destructive.agreed,
        }
    }
}

/// Classifies every annotated tool of `catalogue` with its annotations hidden and compares.
/// MCP says `destructiveHint` is meaningful only when `readOnlyHint` is false, so a tool with
/// both set counts as read-only.
pub fn measure(catalogue: &Catalogue) -> Agreement {
    let rows: Vec<Row> = catalogue
        .servers
        .par_iter()
        .flat_map_iter(|s| {
            s.tools.iter().filter_map(move |t| {
                let a = t.annotations.as_ref()?;
                if a.read_only_hint.is_none() && a.destructive_hint.is_none() {
                    return None;
                }
                Some(Row {
                    read_only: a.read_only_hint,
                    destructive: a.destructive_hint,
                    classified: classify_unannotated(t).category,
                    server: &s.id,
                    tool: &t.name,
                })
            })
        })
        .collect();
    let mut result = Agreement::default();
    for row in rows {
        let c = row.classified;
        if let Some(v) = row.read_only {
            count(&mut result.hints, v == (c == Category::Read));
        }
        if row.read_only != Some(true) {
            if let Some(v) = row.destructive {
                count(&mut result.hints, v == (c == Category::Destructive));
            }
        }
        let annotated = if row.read_only == Some(true) {
            Category::Read
        } else if row.destructive == Some(true) {
            count(&mut result.destructive_not_read, c != Category::Read);
            Category::Destructive
        } else {
            continue;
        };
        let tally = if annotated == Category::Read {
            &mut result.read_only
        } else {
            &mut result.destructive
        };
        count(tally, annotated == c);
        if annotated != c {
            result.disagreements.push(Disagreement {
                server: row.server.to_owned(),
                tool: row.tool.to_owned(),
                annotated,
                classified: c,
            });
        }
    }
    result
}

struct Row<'a> {
    read_only: Option<bool>,
    destructive: Option<bool>,
    classified: Category,
    server: &'a str,
    tool: &'a str,
}

fn count(tally: &mut Tally, agreed: bool) {
    tally.total += 1;
    if agreed {
        tally.agreed += 1;
    }
}
