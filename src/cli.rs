//! Command-line parsing and progress display; the work itself lives in the library.

mod import;
pub(crate) mod lint;
mod policy;
mod publish;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;
use toolpages::catalogue::Severity;
use toolpages::site::{self, BuildError, BuildOptions, Config, Progress};

/// Build a searchable static website of MCP servers and their tools.
#[derive(Debug, Parser)]
#[command(name = "toolpages", version, about)]
pub struct Cli {
    /// The site settings file.
    #[arg(long, global = true, default_value = "toolpages.toml")]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Validate policy files, or report on the generated sample policies.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Build in memory and check links, anchors, policies and a host's limits; writes nothing.
    Check(publish::CheckArgs),
    /// Preview the site on 127.0.0.1 with live reload.
    Serve(publish::ServeArgs),
    /// Report data defects of the catalogue (see README, "Linting the catalogue").
    Lint(lint::LintArgs),
    /// Add a server to the catalogue from the live server (see README, "Importing from a live server").
    Import(import::ImportArgs),
}

#[derive(Debug, clap::Args)]
struct BuildArgs {
    /// The catalogue folder: `*.jsonl` files and `servers/*.json`.
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// The output folder.
    #[arg(long, short, default_value = "public")]
    output: PathBuf,
    /// The URL the site is published at (overrides `base_url` in the settings file).
    #[arg(long)]
    base_url: Option<String>,
    /// The templates folder; built-in templates fill in any file it lacks.
    #[arg(long, default_value = "templates")]
    templates: PathBuf,
    /// The folder of static files copied as they are.
    #[arg(long = "static", default_value = "static")]
    static_dir: PathBuf,
    /// Build the valid entries even when the catalogue has errors (still reported, exit 1).
    #[arg(long)]
    skip_invalid: bool,
    /// Also write gzip (`.gz`) and Brotli (`.br`) copies beside each text file.
    #[arg(long)]
    precompress: bool,
    /// Leave out the search index (overrides `build_search_index` in the settings file).
    #[arg(long)]
    no_search: bool,
    /// Print how long each phase of the build took.
    #[arg(long)]
    timings: bool,
}

/// Runs the command line; the exit code is 0 on success, 1 on bad input or failure.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(args) => build(&cli.config, args),
        Command::Policy(command) => policy::run(command),
        Command::Check(args) => publish::check(&cli.config, args),
        Command::Serve(args) => publish::serve(&cli.config, args),
        Command::Lint(args) => lint::run(args),
        Command::Import(args) => import::run(args),
    }
}

/// The settings file merged with `--base-url`; an error is printed here, so callers only
/// return `ExitCode::FAILURE`.
pub(crate) fn load_config(path: &std::path::Path, base_url: Option<&str>) -> Result<Config, ()> {
    let config = Config::load(path).map_err(|e| e.to_string());
    let config = match (config, base_url) {
        (Ok(c), Some(url)) => c.with_base_url(url).map_err(|e| format!("--base-url: {e}")),
        (result, _) => result,
    };
    config.map_err(|e| eprintln!("error: {e}"))
}

fn build(config: &std::path::Path, args: BuildArgs) -> ExitCode {
    let Ok(mut config) = load_config(config, args.base_url.as_deref()) else {
        return ExitCode::FAILURE;
    };
    config.build_search_index &= !args.no_search;
    let options = BuildOptions {
        content: args.content,
        templates: args.templates,
        static_dir: args.static_dir,
        output: args.output.clone(),
        config,
        skip_invalid: args.skip_invalid,
    };
    let bar = Bar::new();
    let publish = site::PublishOptions {
        precompress: args.precompress,
        ..site::PublishOptions::default()
    };
    let result = site::build_with(&options, &publish, &bar);
    bar.0.finish_and_clear();
    match result {
        Ok(summary) => {
            for p in &summary.problems {
                eprintln!("{p}");
            }
            for note in &summary.notes {
                eprintln!("note: {note}");
            }
            println!(
                "Built {} servers, {} tools, {} pages in {:.2} s ({} files written, {} unchanged, {} stale removed) into {}",
                summary.servers,
                summary.tools,
                summary.pages,
                summary.seconds,
                summary.written,
                summary.unchanged,
                summary.removed,
                args.output.display()
            );
            let search = &summary.search;
            if options.config.build_search_index {
                println!(
                    "Search index: {} records in {} bundle(s) ({} kept), {} files, {:.1} MB, {:.2} s",
                    search.records,
                    search.shards,
                    search.kept,
                    search.files,
                    search.bytes as f64 / 1e6,
                    search.seconds
                );
            }
            println!("{}", lint::summary_line(&summary.lint));
            if args.timings {
                print!("Timings:\n{}", summary.timings);
            }
            let errors = summary
                .problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .count();
            if errors > 0 {
                eprintln!("error: {errors} invalid catalogue entries were skipped");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => build_failed(e),
    }
}

/// Prints why a build failed (every catalogue problem, then the summary) and gives exit 1.
pub(crate) fn build_failed(error: BuildError) -> ExitCode {
    if let BuildError::Catalogue(problems) = &error {
        for p in problems {
            eprintln!("{p}");
        }
    }
    eprintln!("error: {error}");
    ExitCode::FAILURE
}

/// A progress bar on standard error; invisible when it is not a terminal.
struct Bar(ProgressBar);

impl Bar {
    fn new() -> Bar {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} rendering {pos}/{len} pages [{bar:40}] {per_sec}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Bar(bar)
    }
}

impl Progress for Bar {
    fn start(&self, pages: usize) {
        self.0.set_length(pages as u64);
    }
    fn tick(&self) {
        self.0.inc(1);
    }
}
