//! Search benchmark: builds a catalogue and prints the search index figures, then opens the
//! search page in headless Chromium, runs one query and prints the bytes it downloaded.
//!
//! ```sh
//! cargo run --release --example search_figures -- CONTENT_DIR OUTPUT_DIR ["dicom export"]
//! ```
//!
//! A `CONTENT_DIR` of `-` skips the build and measures the query on an existing output.
//!
//! Prints: records, tools, index files and bytes, index build seconds (indexing runs beside
//! page rendering), whole build seconds, peak resident memory of the build (Linux
//! `VmHWM`), and the bytes the first query fetched (search page, script, Pagefind bundle).

#[path = "../tests/support/mod.rs"]
mod support;

use fantoccini::Locator;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use toolpages::site::{build, BuildOptions, Config};

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: search_figures CONTENT_DIR OUTPUT_DIR [QUERY]";
    let content = PathBuf::from(args.next().ok_or_else(|| anyhow::anyhow!(usage))?);
    let output = PathBuf::from(args.next().ok_or_else(|| anyhow::anyhow!(usage))?);
    let query = args.next().unwrap_or_else(|| "dicom export".to_owned());
    if content.as_os_str() != "-" {
        build_and_report(content, output.clone()).await?;
    }
    measure_query(&output, &query).await
}

async fn build_and_report(content: PathBuf, output: PathBuf) -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let options = BuildOptions {
        content,
        templates: root.join("templates"),
        static_dir: root.join("static"),
        output,
        config: Config::default(),
        skip_invalid: true,
    };
    // The build starts its own runtimes; keep it off this one's worker threads.
    let summary = tokio::task::spawn_blocking(move || build(&options, &())).await??;
    let s = &summary.search;
    println!("tools:               {}", summary.tools);
    println!("search records:      {}", s.records);
    println!("index files:         {}", s.files);
    println!("index bytes:         {}", s.bytes);
    println!("index build seconds: {:.2}", s.seconds);
    println!("whole build seconds: {:.2}", summary.seconds);
    if let Some(kib) = peak_memory_kib() {
        println!("peak memory (MiB):   {}", kib / 1024);
    }
    Ok(())
}

async fn measure_query(output: &std::path::Path, query: &str) -> anyhow::Result<()> {
    let (addr, served) = support::serve_counting(output).await;
    let browser = support::Browser::start().await;
    let c = &browser.client;
    let url = format!("http://{addr}/search/?q={}", query.replace(' ', "+"));
    let started = Instant::now();
    c.goto(&url).await?;
    loop {
        let status = c.find(Locator::Css("#search-status")).await?.text().await?;
        if status.contains('“') {
            println!("first query status:  {status}");
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(120),
            "no results for {query:?} within two minutes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "first query seconds: {:.2}",
        started.elapsed().as_secs_f64()
    );
    println!("first query bytes:   {}", support::search_bytes(&served));
    for (path, bytes) in served.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        println!("  {bytes:>9}  {path}");
    }
    browser.close().await;
    Ok(())
}
