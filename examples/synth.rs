//! Writes a synthetic catalogue of N tools resampled from the real one, for benchmarks.
//!
//! ```sh
//! cargo run --release --example synth -- --tools 100000 [--seed 1] [--out FILE] [--catalogue content/catalogue.jsonl]
//! ```
//!
//! Output: JSON Lines (one server per line) on standard output or in `--out`. Server sizes
//! follow the real catalogue's distribution; tools are real tools (descriptions, schemas,
//! annotations) with names made unique within their server; server ids are unique. The same
//! seed and source give the same bytes.

#[path = "support/synth.rs"]
mod synth;

use clap::Parser;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Writes a synthetic catalogue of N real tools resampled onto realistic servers (JSON Lines).
#[derive(Parser)]
#[command(name = "synth")]
struct Args {
    /// How many tools to write.
    #[arg(long)]
    tools: usize,
    /// Seed of the resampling: the same seed and source give the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The file to write (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The real catalogue to resample.
    #[arg(long, default_value = "content/catalogue.jsonl")]
    catalogue: PathBuf,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    let Args {
        tools,
        seed,
        out,
        catalogue,
    } = args;
    let source = synth::Source::read(&catalogue)?;
    let mut sink: Box<dyn Write> = match &out {
        Some(path) => {
            Box::new(std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, &mut sink);
    let servers = source
        .generate(tools, seed, &mut writer)
        .and_then(|n| writer.flush().map(|()| n))
        .map_err(|e| format!("writing the catalogue: {e}"))?;
    eprintln!("{tools} tools on {servers} servers (seed {seed})");
    Ok(())
}
