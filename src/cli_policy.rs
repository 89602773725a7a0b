//! `toolpages policy validate FILE...` and `toolpages policy stats`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use toolpages::policy::rule_counts;
use toolpages::policy::validate::{validate_text, Format};
use toolpages::site::{policies, Config, SiteData};

/// The `policy` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PolicyCommand {
    /// Check policy files against the spec: `.json` as PolicyLayer, `.yaml`/`.yml` as
    /// Intercept. Prints `OK <file>` or every problem; exits 1 if any file is invalid.
    Validate {
        /// The policy files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Generate and validate the sample policy of every tool and server of a catalogue and
    /// print the number of documents validated and the rule counts by kind.
    Stats {
        /// The catalogue folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
    },
}

/// Runs a `policy` subcommand.
pub fn run(command: PolicyCommand) -> ExitCode {
    match command {
        PolicyCommand::Validate { files } => validate(&files),
        PolicyCommand::Stats { content } => stats(&content),
    }
}

fn validate(files: &[PathBuf]) -> ExitCode {
    let mut failed = false;
    for file in files {
        let problems = match check_file(file) {
            Ok(p) => p,
            Err(e) => vec![e],
        };
        if problems.is_empty() {
            println!("OK {}", file.display());
        } else {
            failed = true;
            for p in problems {
                eprintln!("{}: {p}", file.display());
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn check_file(file: &Path) -> Result<Vec<String>, String> {
    let format = Format::from_path(file).ok_or(
        "unknown format: name the file *.json (PolicyLayer) or *.yaml / *.yml (Intercept)",
    )?;
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
    Ok(validate_text(format, &text)
        .iter()
        .map(ToString::to_string)
        .collect())
}

fn stats(content: &Path) -> ExitCode {
    let loaded = match toolpages::catalogue::load(content) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {}: {e}", content.display());
            return ExitCode::FAILURE;
        }
    };
    let data = SiteData::new(Config::default(), loaded.catalogue);
    let started = std::time::Instant::now();
    let validated = match policies::check_all(&data) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{} policy documents valid ({} tools, {} servers, both formats) in {:.2} s",
        validated,
        data.catalogue.tool_count(),
        data.catalogue.servers.len(),
        started.elapsed().as_secs_f64()
    );
    for (label, count) in rule_counts(data.analysis.iter().flatten().map(|a| &a.policy)) {
        println!("{count:>6}  {label}");
    }
    ExitCode::SUCCESS
}
