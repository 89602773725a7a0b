//! `toolpages check` and `toolpages serve`: argument parsing and output; the work lives in
//! the library (`toolpages::check`, `toolpages::serve`).

use crate::cli::{build_failed, load_config};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use toolpages::check::{self, Host};
use toolpages::serve::{self, ServeOptions};
use toolpages::site::BuildOptions;

/// Where the site's sources are (the same flags as `build`).
#[derive(Debug, clap::Args)]
pub struct SourceArgs {
    /// The catalogue folder: `*.jsonl` files and `servers/*.json`.
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// The templates folder; built-in templates fill in any file it lacks.
    #[arg(long, default_value = "templates")]
    templates: PathBuf,
    /// The folder of static files.
    #[arg(long = "static", default_value = "static")]
    static_dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    sources: SourceArgs,
    /// The URL the site will be published at (overrides `base_url` in the settings file).
    #[arg(long)]
    base_url: Option<String>,
    /// Also check the output against this host's documented limits.
    #[arg(long, value_enum)]
    host: Option<Host>,
    /// Count the `.gz`/`.br` copies `build --precompress` would add.
    #[arg(long)]
    precompress: bool,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    sources: SourceArgs,
    /// Port on 127.0.0.1.
    #[arg(long, default_value_t = serve::DEFAULT_PORT)]
    port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
}

/// `toolpages check`: 0 when the site is ready to publish, 1 with the list of problems.
pub fn check(config: &Path, args: CheckArgs) -> ExitCode {
    let Ok(config) = load_config(config, args.base_url.as_deref()) else {
        return ExitCode::FAILURE;
    };
    let options = BuildOptions {
        content: args.sources.content,
        templates: args.sources.templates,
        static_dir: args.sources.static_dir,
        output: PathBuf::new(),
        config,
        skip_invalid: false,
    };
    match check::check(&options, args.host, args.precompress) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{w}");
            }
            for p in &report.problems {
                eprintln!("error: {p}");
            }
            println!(
                "Checked {} files ({:.1} MB), {} distinct internal links: {} problem(s)",
                report.files,
                report.bytes as f64 / 1e6,
                report.links,
                report.problems.len()
            );
            println!("{}", super::lint::summary_line(&report.lint));
            if report.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => build_failed(e),
    }
}

/// `toolpages serve`: runs until Ctrl-C.
pub fn serve(config_file: &Path, args: ServeArgs) -> ExitCode {
    let Ok(config) = load_config(config_file, None) else {
        return ExitCode::FAILURE;
    };
    let options = ServeOptions {
        content: args.sources.content,
        templates: args.sources.templates,
        static_dir: args.sources.static_dir,
        config_file: config_file.to_path_buf(),
        config,
        port: args.port,
        open: args.open,
    };
    match serve::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
