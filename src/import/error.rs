//! Why an import failed, worded so the user can act on it.

use std::path::PathBuf;

/// What the server left behind for an error message: stdout lines that were not JSON-RPC
/// and the end of its standard error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    /// The first lines (cut to 200 characters) the server wrote to stdout that are not
    /// JSON-RPC messages.
    pub garbage: Vec<String>,
    /// How many such lines there were.
    pub garbage_count: usize,
    /// The last lines of the server's standard error (at most 2,000 characters).
    pub stderr: String,
}

impl std::fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(first) = self.garbage.first() {
            write!(
                f,
                "; the server wrote {} line(s) to standard output that are not JSON-RPC messages (MCP allows only JSON-RPC there), the first: `{first}`",
                self.garbage_count
            )?;
        }
        let stderr = self.stderr.trim();
        if !stderr.is_empty() {
            write!(f, "; its standard error ends with:\n{stderr}")?;
        }
        Ok(())
    }
}

/// Why `toolpages import` failed. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The command could not be started.
    #[error("cannot start `{command}`: {source} (fix: check that the command is installed and on PATH, and that its arguments come after `--`)")]
    Start {
        /// The program.
        command: String,
        /// Why the operating system refused.
        source: std::io::Error,
    },
    /// The server did not answer in time.
    #[error("no answer to `{phase}` within {seconds} s{diagnostics} (fix: {fix})")]
    Timeout {
        /// The request waited for: `initialize` or `tools/list`.
        phase: String,
        /// The timeout, in seconds.
        seconds: u64,
        /// What the server wrote meanwhile.
        diagnostics: Diagnostics,
        /// How to fix it, for this transport.
        fix: &'static str,
    },
    /// The server process ended, or the connection closed, before it answered.
    #[error("the server {how} before answering `{phase}`{diagnostics} (fix: {fix})")]
    Exited {
        /// The request waited for.
        phase: String,
        /// `exited with exit status: 1`, `closed the connection`, ...
        how: String,
        /// What the server wrote before it ended.
        diagnostics: Diagnostics,
        /// How to fix it, for this transport.
        fix: &'static str,
    },
    /// The server answered with an error, or with something that is not the answer.
    #[error("the server's answer to `{phase}` is unusable: {message}{diagnostics}")]
    Protocol {
        /// The request.
        phase: String,
        /// What is wrong with the answer.
        message: String,
        /// What else the server wrote.
        diagnostics: Diagnostics,
    },
    /// `--id` (or the id made from the server's name) cannot name a file.
    #[error("the server id `{0}` is not usable as a file name (fix: pass --id with lowercase letters, digits, `-`, `_` and `.`, not starting with `.`)")]
    BadId(String),
    /// The existing file holds more tools than the server listed.
    #[error("{path} holds {existing} tools and the server listed {listed}; the file was not replaced (fix: check the server's configuration, or pass --force to replace it)")]
    Fewer {
        /// The existing file.
        path: PathBuf,
        /// Tools in the file.
        existing: usize,
        /// Tools the server listed.
        listed: usize,
    },
    /// The existing file is not a server object, so what it holds cannot be kept.
    #[error("{path} exists but is not a JSON server object ({message}); the file was not replaced (fix: repair or move it, or pass --force to replace it)")]
    Existing {
        /// The existing file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}
