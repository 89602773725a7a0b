//! Problems found in catalogue input, each with enough context to find and fix it.

use std::fmt;
use std::path::PathBuf;

/// How serious a [`Problem`] is: an `Error` stops `toolpages build` (exit code 1) unless the
/// user asks to skip invalid entries; a `Warning` is reported and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported, but the entry is still built.
    Warning,
    /// The entry cannot be built as it stands.
    Error,
}

/// One defect of catalogue input.
///
/// Displayed as `file:line: error: server `id`, tool `name`: message (fix: hint)`, the
/// shape compilers use, so editors and CI logs can jump to it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// The file the entry came from.
    pub file: PathBuf,
    /// 1-based line in `file` (for JSON Lines, the server's line; for a per-server file, the
    /// line where the offending value starts, or 1 when it cannot be told).
    pub line: usize,
    /// The server's `id`, when known.
    pub server: Option<String>,
    /// The tool's `name` (or `#index` when it has none), when the problem is a tool's.
    pub tool: Option<String>,
    /// A short machine-readable code, such as `duplicate-tool` (stable across releases).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Problem {
    /// An error at `file:line` with the given code, message and fix hint.
    pub fn error(
        file: impl Into<PathBuf>,
        line: usize,
        code: &'static str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Error,
            file: file.into(),
            line,
            server: None,
            tool: None,
            code,
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// The same problem, as a warning.
    pub fn warning(self) -> Self {
        Problem {
            severity: Severity::Warning,
            ..self
        }
    }

    /// The same problem, attributed to a server.
    pub fn server(mut self, id: impl Into<String>) -> Self {
        self.server = Some(id.into());
        self
    }

    /// The same problem, attributed to a tool.
    pub fn tool(mut self, name: impl Into<String>) -> Self {
        self.tool = Some(name.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}: {level}[{}]: ",
            self.file.display(),
            self.line,
            self.code
        )?;
        if let Some(server) = &self.server {
            write!(f, "server `{server}`")?;
            if let Some(tool) = &self.tool {
                write!(f, ", tool `{tool}`")?;
            }
            f.write_str(": ")?;
        }
        write!(f, "{} (fix: {})", self.message, self.hint)
    }
}
