//! `toolpages lint`: load the catalogue, lint it, print every finding (text or JSON).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use toolpages::catalogue::{self, lint};

/// Report data defects of the catalogue: file, line, server, tool, severity and fix.
#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// The catalogue folder: `*.jsonl` files and `servers/*.json`.
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// Also fail (exit code 1) on warnings, for CI.
    #[arg(long, value_enum)]
    deny: Option<Deny>,
    /// `text` (one line per finding, compiler style) or `json` (one document for machines).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Deny {
    /// Warnings fail the run like errors.
    Warnings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Runs `toolpages lint`: exit code 1 when an error (or, with `--deny warnings`, any
/// finding) is found, or the content folder cannot be read.
pub fn run(args: LintArgs) -> ExitCode {
    let started = Instant::now();
    let loaded = match catalogue::load(&args.content) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {}: {e}", args.content.display());
            return ExitCode::FAILURE;
        }
    };
    // Entries that do not load are findings too: listed first, as `build` lists them.
    let mut problems = loaded.problems;
    problems.extend(lint(&loaded.catalogue));
    let (errors, warnings) = lint::counts(&problems);
    let seconds = started.elapsed().as_secs_f64();
    match args.format {
        Format::Text => {
            for p in &problems {
                println!("{p}");
            }
            eprintln!(
                "Linted {} servers, {} tools in {seconds:.2} s: {errors} error(s), {warnings} warning(s)",
                loaded.catalogue.servers.len(),
                loaded.catalogue.tool_count(),
            );
        }
        Format::Json => {
            let document = serde_json::json!({
                "servers": loaded.catalogue.servers.len(),
                "tools": loaded.catalogue.tool_count(),
                "errors": errors,
                "warnings": warnings,
                "problems": problems,
            });
            println!("{document:#}");
        }
    }
    let fail = errors > 0 || (args.deny.is_some() && warnings > 0);
    if fail {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The one-line lint summary `build` prints: counts by severity and where the details are.
pub fn summary_line(problems: &[catalogue::Problem]) -> String {
    let (errors, warnings) = lint::counts(problems);
    format!(
        "Lint: {errors} error(s), {warnings} warning(s) in the catalogue data (run `toolpages lint` for details)"
    )
}
