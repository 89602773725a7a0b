//! Lint speed at catalogue scale: the bundled catalogue replicated until it holds at least
//! the number of tools asked for (default 500,000), each copy a distinct server (its id,
//! package, repository and tool names suffixed), then linted.
//!
//! `cargo run --release --example lint_bench [-- TOOLS]` prints tools, findings, wall seconds
//! and CPU seconds.

use std::path::Path;
use std::time::Instant;
use toolpages::catalogue::{lint, load, Catalogue};

fn main() {
    let want: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500_000);
    let base = load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/content")))
        .expect("the bundled catalogue loads")
        .catalogue;
    let mut servers = Vec::new();
    let mut tools = 0;
    for copy in 0.. {
        if tools >= want {
            break;
        }
        for server in &base.servers {
            let mut s = server.clone();
            s.id = format!("{}-{copy}", s.id);
            s.package = s.package.map(|p| format!("{p}-{copy}"));
            s.repository = s.repository.map(|r| format!("{r}-{copy}"));
            for t in &mut s.tools {
                t.name = format!("{}_{copy}", t.name);
            }
            tools += s.tools.len();
            servers.push(s);
        }
    }
    servers.sort_by(|a, b| a.id.cmp(&b.id));
    let catalogue = Catalogue { servers };
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let found = lint(&catalogue);
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds().map(|after| after - cpu_before.unwrap_or(0.0));
    let (errors, warnings) = toolpages::catalogue::lint::counts(&found);
    println!(
        "linted {} servers, {} tools in {seconds:.2} s wall, {} CPU ({:.0} tools/s wall): {errors} errors, {warnings} warnings",
        catalogue.servers.len(),
        catalogue.tool_count(),
        cpu.map_or("? s".to_owned(), |c| format!("{c:.2} s")),
        catalogue.tool_count() as f64 / seconds
    );
}

/// User + system CPU seconds of this process so far (Linux `/proc/self/stat`; `None`
/// elsewhere). On a shared machine wall time varies with load; CPU time much less.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
