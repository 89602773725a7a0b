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

#[path = "support/args.rs"]
mod args;
#[path = "support/synth.rs"]
mod synth;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args =
        args::Args::from_env("synth --tools N [--seed S] [--out FILE] [--catalogue FILE]")?;
    let tools: usize = args.required("--tools")?;
    let seed: u64 = args.optional("--seed")?.unwrap_or(1);
    let out: Option<PathBuf> = args.optional("--out")?;
    let catalogue: PathBuf = args
        .optional("--catalogue")?
        .unwrap_or_else(|| PathBuf::from("content/catalogue.jsonl"));
    args.finish()?;
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
