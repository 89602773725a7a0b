//! Lint: defects of catalogue data that still loads.
//!
//! [`load`](super::load) rejects entries that cannot be built (wrong types, missing names).
//! Lint looks at what loaded and finds what published catalogues print unnoticed: template
//! text left in descriptions, placeholder descriptions, tool names clients reject, empty
//! schemas, `required` naming absent properties, the same server under two ids, tools copied
//! onto unrelated servers, prompt injection and hidden Unicode in tool metadata, and
//! annotations that contradict the tool's name.
//!
//! Every finding is a [`Problem`] with file, line, server, tool, a code from [`CODES`] (which
//! fixes its severity and fix hint) and a message quoting the offending text. `toolpages lint`
//! prints them, `toolpages build` prints their counts, and `toolpages check` can call [`lint`]
//! the same way.
//!
//! Cost: per-tool checks run in parallel over servers; the cross-server checks hash-group
//! (one pass, a hash map of fingerprints), so the whole lint is O(size of the catalogue), with
//! no pairwise comparison of servers or tools. What one server gives alone ([`ServerLint`])
//! depends only on its entry, so [`memo`] keeps it between builds and a rebuild lints only
//! the entries that changed.

mod cross;
pub mod memo;
mod schema;
mod text;
mod tool;

use super::{Catalogue, Problem, Server, Severity, Tool};
use rayon::prelude::*;

/// One lint code: its severity, what it means and how to fix it (also the README's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LintCode {
    /// The stable machine-readable code, such as `empty-schema`.
    pub code: &'static str,
    /// `Error` for data that is wrong or unsafe as published; `Warning` for data to review.
    pub severity: Severity,
    /// What the finding means, in one sentence.
    pub meaning: &'static str,
    /// How to fix it (the problem's hint).
    pub fix: &'static str,
}

const fn code(
    code: &'static str,
    severity: Severity,
    meaning: &'static str,
    fix: &'static str,
) -> LintCode {
    LintCode {
        code,
        severity,
        meaning,
        fix,
    }
}

use Severity::{Error, Warning};

/// Every lint code, in the order the README lists them.
pub const CODES: &[LintCode] = &[
    code(
        "template-text",
        Warning,
        "the description holds unexpanded template text (`${...}` or `{{...}}`) outside code",
        "expand the template in the server's source, or put literal syntax in `code`",
    ),
    code(
        "empty-description",
        Warning,
        "the tool has no description, so a model must guess what it does from its name",
        "add a description saying what the tool does, what it returns and when to use it",
    ),
    code(
        "placeholder-description",
        Warning,
        "the description is a placeholder (`TODO`, `description`, `n/a`, ...) or repeats the name",
        "replace the placeholder with a real description of the tool",
    ),
    code(
        "long-description",
        Warning,
        "the description is longer than 8,000 characters: costly in every prompt, and room to hide instructions",
        "shorten the description; move reference material to the server's documentation",
    ),
    code(
        "tool-name-whitespace",
        Warning,
        "the tool name holds whitespace, which MCP tool names should not (many clients reject it)",
        "rename the tool using only letters, digits, `_`, `-` and `.`",
    ),
    code(
        "tool-name-case-clash",
        Warning,
        "two tools of one server have names that differ only in case",
        "rename one of the tools so names stay distinct when case is ignored",
    ),
    code(
        "empty-schema",
        Error,
        "`inputSchema` is empty or holds only `$schema`: no `type: \"object\"`, no parameters",
        "give `inputSchema` `\"type\": \"object\"` and the tool's real `properties`",
    ),
    code(
        "required-not-in-properties",
        Error,
        "`required` names a property that `properties` does not define",
        "define the property under `properties`, or remove it from `required`",
    ),
    code(
        "same-server-two-ids",
        Warning,
        "one server appears under two ids (same package, or same repository and identical tools)",
        "keep one entry, or give the two entries their distinct packages",
    ),
    code(
        "copied-tool",
        Warning,
        "a tool identical in name, description and inputSchema sits on an unrelated server",
        "check which server really has the tool; fix the copy's entry",
    ),
    code(
        "prompt-injection",
        Error,
        "tool metadata addresses the model with instructions to ignore prior instructions or deceive the user",
        "remove the instruction; a tool description says what the tool does, not what the model must hide",
    ),
    code(
        "instruction-block",
        Warning,
        "tool metadata holds a tag block addressed to the model (`<IMPORTANT>`, `<instructions>`, ...), the shape of tool poisoning",
        "review the block; state plainly what the tool does instead of instructing the model",
    ),
    code(
        "hidden-unicode",
        Error,
        "tool metadata holds invisible bidi controls or Unicode tag characters, which can hide text from a human reviewer",
        "remove the invisible characters; re-import the tool and compare",
    ),
    code(
        "zero-width-character",
        Warning,
        "tool metadata holds zero-width characters, which can hide or split words",
        "remove the zero-width characters unless the script needs them",
    ),
    code(
        "annotation-contradicts-name",
        Error,
        "`readOnlyHint: true` on a tool whose name deletes, overwrites or pays (`delete_*`, `update_*`, `pay_*`)",
        "correct the annotation in the server (such a tool is not read-only)",
    ),
    code(
        "destructive-hint-doubtful",
        Warning,
        "`destructiveHint: false` (MCP: only additive updates) on a tool whose name deletes or overwrites existing data (`delete_*`, `update_*`)",
        "check the annotation: MCP counts overwriting existing data as destructive",
    ),
];

/// The [`LintCode`] of `code`, if it is one.
pub fn lint_code(code: &str) -> Option<&'static LintCode> {
    CODES.iter().find(|c| c.code == code)
}

pub use cross::Fingerprint;

/// What lint finds in one server alone, a function of its entry only.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerLint {
    /// The server's own findings: every check except the cross-server ones.
    pub findings: Vec<Problem>,
    /// `fingerprints[t]`: the fingerprint of tool `t` (its name, description and
    /// `inputSchema`), which the cross-server checks group to find copied tools.
    pub fingerprints: Vec<Fingerprint>,
}

/// Lints a loaded catalogue: every finding, sorted by file, line, server, tool and code.
///
/// Never fails and never changes the catalogue; an empty result means no finding. Each
/// [`Problem`]'s severity and hint come from [`CODES`]. Runs in O(servers + tools) time.
pub fn lint(catalogue: &Catalogue) -> Vec<Problem> {
    let servers = catalogue.servers.par_iter().map(lint_server).collect();
    combine(catalogue, servers)
}

/// Lints one server on its own (see [`ServerLint`]).
pub fn lint_server(server: &Server) -> ServerLint {
    let mut findings = text::server(server);
    findings.extend(tool::server(server));
    let mut fingerprints = Vec::with_capacity(server.tools.len());
    let mut buffer = Vec::new();
    for t in &server.tools {
        // Parsed once for every check of the tool (see `JsonObject`).
        let input_schema = t.input_schema.to_map();
        findings.extend(tool::tool(server, t));
        findings.extend(schema::tool(server, t, &input_schema));
        findings.extend(text::tool(server, t, &input_schema));
        fingerprints.push(cross::tool_fingerprint(t, &input_schema, &mut buffer));
    }
    ServerLint {
        findings,
        fingerprints,
    }
}

/// Every finding of `catalogue`, sorted, from each server's own lint (`servers[s]` is server
/// `s`'s, from [`lint_server`] or a [`memo`]) plus the cross-server checks.
pub fn combine(catalogue: &Catalogue, servers: Vec<ServerLint>) -> Vec<Problem> {
    let (findings, fingerprints): (Vec<_>, Vec<_>) = servers
        .into_iter()
        .map(|s| (s.findings, s.fingerprints))
        .unzip();
    let mut problems: Vec<Problem> = findings.into_iter().flatten().collect();
    problems.extend(cross::lint(catalogue, &fingerprints));
    problems.sort_by(|a, b| {
        (&a.file, a.line, &a.server, &a.tool, a.code)
            .cmp(&(&b.file, b.line, &b.server, &b.tool, b.code))
    });
    problems
}

/// Counts of lint findings by severity: `(errors, warnings)`.
pub fn counts(problems: &[Problem]) -> (usize, usize) {
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    (errors, problems.len() - errors)
}

/// A finding of `code` on `server` (and `tool`), with the code's severity and fix hint.
fn finding(server: &Server, tool: Option<&Tool>, code: &'static str, message: String) -> Problem {
    let line = tool.map_or(server.origin.line, |t| t.line);
    finding_at(server, tool.map(|t| t.name.as_str()), line, code, message)
}

/// [`finding`] on the tool named `tool` (if any) at `line` of the server's file.
fn finding_at(
    server: &Server,
    tool: Option<&str>,
    line: usize,
    code: &'static str,
    message: String,
) -> Problem {
    let (severity, fix) = match lint_code(code) {
        Some(c) => (c.severity, c.fix),
        None => (Severity::Warning, ""),
    };
    let mut p = Problem::error(&server.origin.file, line, code, message, fix).server(&server.id);
    p.severity = severity;
    if let Some(t) = tool {
        p = p.tool(t);
    }
    p
}

/// A step of a path into tool metadata: a key or an array index.
#[derive(Clone, Copy)]
pub(crate) enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// `inputSchema.properties.path[0]`: the path as a user finds it in the JSON.
pub(crate) fn path_text(steps: &[Step]) -> String {
    let mut text = String::new();
    for step in steps {
        match step {
            Step::Key(k) if text.is_empty() => text.push_str(k),
            Step::Key(k) => {
                text.push('.');
                text.push_str(k);
            }
            Step::Index(i) => {
                text.push('[');
                text.push_str(&i.to_string());
                text.push(']');
            }
        }
    }
    text
}
