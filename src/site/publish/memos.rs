//! The memos a build leaves in the output folder for the next one: what it found per server
//! entry that only depends on the entry and on the executable, filed by the entry's digest.
//! A rebuild then analyses and lints only the entries that changed (see
//! [`crate::analysis::memo`] and [`crate::catalogue::lint::memo`]). Each memo is keyed by
//! the running executable, so a new toolpages starts afresh; deleting a memo file only makes
//! the next build slower.

use crate::analysis::memo::{analyse_remembering, AnalysisMemo, MemoText};
use crate::analysis::{analyse_with, Analysis};
use crate::catalogue::lint::memo::{lint_remembering, LintMemo};
use crate::catalogue::{lint, Catalogue, Problem};
use crate::classify::Overrides;
use crate::site::build::BuildError;
use crate::site::cache;
use crate::site::state::StateFile;
use std::path::{Path, PathBuf};

/// The lint memo's file in the output folder.
pub const LINT: &str = ".toolpages-lint";

/// The analysis memo's file in the output folder.
pub const ANALYSIS: &str = ".toolpages-analysis";

/// One memo file, taken for the length of a build: read and set aside at the start, stored
/// again at the end.
pub struct Memo {
    path: PathBuf,
    file: StateFile,
}

impl Memo {
    /// Reads the memo `name` of the output folder `output` and sets it aside.
    pub fn take(output: &Path, name: &str) -> Result<Memo, BuildError> {
        let path = output.join(name);
        let file = StateFile::take(&path).map_err(|source| BuildError::Io {
            path: path.clone(),
            source,
        })?;
        Ok(Memo { path, file })
    }

    /// The text the last build left, if any.
    pub fn previous(&self) -> Option<&str> {
        self.file.previous.as_deref()
    }

    /// Stores this build's memo text, given as consecutive parts that are compared and
    /// written one by one, never joined; `None` (nothing could be remembered) stores nothing.
    pub fn put(&self, parts: Option<&[&str]>) -> Result<(), BuildError> {
        match parts {
            Some(parts) => self.file.put_parts(parts).map_err(|source| BuildError::Io {
                path: self.path.clone(),
                source,
            }),
            None => Ok(()),
        }
    }
}

/// Lints `catalogue`, taking the lint of every unchanged entry from `previous` (the last
/// build's memo text). Returns the findings and the memo text to store; `None` when the
/// executable cannot be read (nothing is trusted without it).
pub fn lint_with(catalogue: &Catalogue, previous: Option<&str>) -> (Vec<Problem>, Option<String>) {
    let Some(key) = cache::executable() else {
        return (lint(catalogue), None);
    };
    let memo = previous.map_or_else(LintMemo::default, |text| LintMemo::parse(text, &key));
    let (found, text) = lint_remembering(catalogue, &memo, &key);
    (found, Some(text))
}

/// Analyses `catalogue` with its reviews `overrides`, taking the analyses of every unchanged
/// entry without reviews from `previous`. Returns them and the memo text to store, as
/// [`lint_with`] does.
pub fn analyse<'a>(
    catalogue: &Catalogue,
    overrides: &Overrides,
    previous: Option<&'a str>,
) -> (Analysis, Option<MemoText<'a>>) {
    let Some(key) = cache::executable() else {
        return (analyse_with(catalogue, overrides), None);
    };
    let memo = previous.map_or_else(AnalysisMemo::default, |text| {
        AnalysisMemo::parse(text, &key)
    });
    let (analysis, text) = analyse_remembering(catalogue, overrides, &memo, &key);
    (analysis, Some(text))
}
