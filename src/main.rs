//! The `toolpages` binary.

mod cli;
mod cli_policy;
mod cli_publish;

use clap::Parser;

fn main() -> std::process::ExitCode {
    cli::run(cli::Cli::parse())
}
