//! Classification agreement on the bundled catalogue: every tool annotated `readOnlyHint` or
//! `destructiveHint` is classified with its annotations hidden and compared.
//!
//! `cargo run --release --example agreement [CONTENT_DIR] [--list]`
//! (`--list` prints every disagreement.)

use std::path::PathBuf;
use std::time::Instant;
use toolpages::catalogue::load;
use toolpages::classify::{agreement, classify};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let list = args.iter().any(|a| a == "--list");
    let content = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map_or_else(|| PathBuf::from("content"), PathBuf::from);
    let loaded = load(&content)?;
    let catalogue = loaded.catalogue;
    let started = Instant::now();
    let result = agreement::measure(&catalogue);
    let measured = started.elapsed();
    for (label, t) in [
        ("readOnlyHint: true  => Read       ", result.read_only),
        ("destructiveHint: true => Destructive", result.destructive),
        ("overall                            ", result.overall()),
        ("every hint, true or false          ", result.hints),
        (
            "destructiveHint: true => not Read  ",
            result.destructive_not_read,
        ),
    ] {
        println!(
            "{label} {:>4} / {:<4} {:5.1}%",
            t.agreed,
            t.total,
            t.percent()
        );
    }
    if list {
        for d in &result.disagreements {
            println!(
                "  {} / {}: annotated {}, classified {}",
                d.server,
                d.tool,
                d.annotated.label(),
                d.classified.label()
            );
        }
    }
    // Throughput of the full classifier (annotations included) over the whole catalogue.
    let tools: Vec<_> = catalogue.servers.iter().flat_map(|s| &s.tools).collect();
    let rounds = 20;
    let started = Instant::now();
    let mut signals = 0usize;
    for _ in 0..rounds {
        signals += tools
            .iter()
            .map(|t| classify(t).signals.len())
            .sum::<usize>();
    }
    let per_tool = started.elapsed().as_secs_f64() / (rounds * tools.len()) as f64;
    println!(
        "classify: {:.1} µs per tool on one core ({} tools x {rounds}; {signals} signals); agreement pass {:.0} ms",
        per_tool * 1e6,
        tools.len(),
        measured.as_secs_f64() * 1e3
    );
    Ok(())
}
