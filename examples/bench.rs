//! Builds synthetic catalogues of several sizes with the release `toolpages` binary and
//! prints, for each: wall time, pages per second, CPU time, peak RSS, output files and bytes;
//! the same for the file-system floor (a program that only recreates the same files with the
//! same bytes); and two rebuilds (nothing changed, one server edited).
//!
//! ```sh
//! cargo build --release && cargo run --release --example bench -- \
//!     --tools 10000,100000,500000 --out-dir /dev/shm/tp-bench [--disk-dir target/tp-bench] \
//!     [--seed 1] [--catalogue content/catalogue.jsonl] [--bin target/release/toolpages] \
//!     [--build-arg ARG]... [--floor-chunk-mb MB]
//! ```
//!
//! Each size is generated once under `--out-dir`; each folder given (`--out-dir` is on tmpfs
//! for the RAM figures, `--disk-dir` on disk) gets its own build, removed once measured. Every
//! `--build-arg` is passed to `toolpages build` (for example `--no-search` for the figures
//! without the search index, or `--precompress`). The last column is the 1-minute load average after the run: on a
//! shared machine, read the row with it.

#[path = "support/floor.rs"]
mod floor;
#[path = "support/measure.rs"]
mod measure;
#[path = "support/synth.rs"]
mod synth;

use clap::Parser;
use measure::Cost;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Builds synthetic catalogues with the release `toolpages` binary and prints a Markdown
/// table: each build, the file-system floor and two rebuilds, per size and place.
#[derive(Parser)]
#[command(name = "bench")]
struct Args {
    /// Catalogue sizes in tools, comma-separated (10000,100000,500000).
    #[arg(long, value_delimiter = ',', required = true, value_parser = tools)]
    tools: Vec<usize>,
    /// A folder on tmpfs (`/dev/shm/...`): the catalogues go here, and the RAM figures.
    #[arg(long)]
    out_dir: PathBuf,
    /// A folder on the disk, for the same figures there.
    #[arg(long)]
    disk_dir: Option<PathBuf>,
    /// Seed of the synthetic catalogues.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The real catalogue to resample [default: content/catalogue.jsonl].
    #[arg(long)]
    catalogue: Option<PathBuf>,
    /// The `toolpages` binary [default: target/release/toolpages].
    #[arg(long)]
    bin: Option<PathBuf>,
    /// A flag for `toolpages build` (repeatable), such as `--build-arg --no-search`.
    #[arg(long = "build-arg", allow_hyphen_values = true)]
    build_args: Vec<String>,
    /// Measure the floor in parts of this many megabytes, each deleted and created again,
    /// even when the whole site and a second copy would fit (chosen on its own otherwise).
    #[arg(long)]
    floor_chunk_mb: Option<u64>,
}

/// A size such as `100000` or `100_000`.
fn tools(text: &str) -> Result<usize, String> {
    text.trim()
        .replace('_', "")
        .parse()
        .map_err(|e| format!("{e} (expected numbers such as 10000,100000)"))
}

fn main() -> ExitCode {
    // The floor is measured in a child process of this program (see `floor_child`).
    let result = match std::env::args().nth(1).as_deref() {
        Some("--floor") => floor_child(),
        _ => run(Args::parse()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Settings {
    sizes: Vec<usize>,
    places: Vec<(&'static str, PathBuf)>,
    seed: u64,
    catalogue: PathBuf,
    bin: PathBuf,
    build_args: Vec<String>,
    floor_chunk_mb: Option<u64>,
}

fn run(args: Args) -> Result<(), String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out_dir = args.out_dir;
    let settings = Settings {
        sizes: args.tools,
        places: std::iter::once(("tmpfs", out_dir.clone()))
            .chain(args.disk_dir.map(|d| ("disk", d)))
            .collect(),
        seed: args.seed,
        catalogue: args
            .catalogue
            .unwrap_or_else(|| root.join("content/catalogue.jsonl")),
        bin: args
            .bin
            .unwrap_or_else(|| root.join("target/release/toolpages")),
        build_args: args.build_args,
        floor_chunk_mb: args.floor_chunk_mb,
    };
    if !settings.bin.is_file() {
        return Err(format!(
            "{} not found: run `cargo build --release` first (or pass --bin)",
            settings.bin.display()
        ));
    }
    let source = synth::Source::read(&settings.catalogue)?;
    println!("| place | tools | run | wall s | pages/s | CPU s | peak RSS MB | files written | files | MB | × floor | load |");
    println!("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for &tools in &settings.sizes {
        let content = out_dir.join(format!("catalogue-{tools}"));
        let catalogue = content.join("catalogue.jsonl");
        mkdir(&content)?;
        let mut file = std::io::BufWriter::new(
            std::fs::File::create(&catalogue)
                .map_err(|e| format!("{}: {e}", catalogue.display()))?,
        );
        source
            .generate(tools, settings.seed, &mut file)
            .and_then(|_| std::io::Write::flush(&mut file))
            .map_err(|e| format!("{}: {e}", catalogue.display()))?;
        drop(file);
        for (place, dir) in &settings.places {
            bench_one(&settings, place, dir, tools, &content)?;
        }
    }
    Ok(())
}

/// One size in one place: full build, floor, rebuild unchanged, rebuild after an edit.
fn bench_one(
    settings: &Settings,
    place: &str,
    dir: &Path,
    tools: usize,
    content: &Path,
) -> Result<(), String> {
    let site = dir.join(format!("site-{tools}"));
    mkdir(dir)?;
    remove(&site)?;
    let log = dir.join(format!("build-{tools}.log"));
    let build = || {
        let mut command = Command::new(&settings.bin);
        command
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("build")
            .arg("--content")
            .arg(content)
            .arg("--output")
            .arg(&site)
            .args(&settings.build_args);
        measure::run(command, &log).and_then(|(cost, out)| Ok((cost, summary(&out)?)))
    };
    let (full, built) = build()?;
    let (files, bytes) = floor::count(&site);
    let mut floor_cmd = Command::new(std::env::current_exe().map_err(|e| e.to_string())?);
    floor_cmd.arg("--floor").arg(&site);
    floor_cmd.args(settings.floor_chunk_mb.map(|mb| mb.to_string()));
    let (floor_cost, floor_out) = measure::run(floor_cmd, &dir.join("floor.log"))?;
    let floors = parse_floor(&floor_out, floor_cost)?;
    let floor = floors[0].1;
    let row = |run: &str, cost: Cost, written: u64, pages: Option<usize>| {
        let rate = pages.map_or(files as f64, |p| p as f64) / cost.wall;
        println!(
            "| {place} | {tools} | {run} | {:.2} | {:.0} | {:.2} | {:.0} | {written} | {files} | {:.0} | {:.2} | {} |",
            cost.wall,
            rate,
            cost.cpu,
            cost.peak_rss as f64 / 1e6,
            bytes as f64 / 1e6,
            cost.wall / floor.wall,
            load_average(),
        );
    };
    row("full build", full, built.written, Some(built.pages));
    for (label, cost) in &floors {
        row(label, *cost, files, None);
    }
    let (again, same) = build()?;
    row("rebuild, no change", again, same.written, Some(same.pages));
    edit_one_server(&content.join("catalogue.jsonl"))?;
    let (edited, changed) = build()?;
    row(
        "rebuild, 1 server edited",
        edited,
        changed.written,
        Some(changed.pages),
    );
    // The sites of the larger sizes need the room (a 500,000-tool site is about 6 GB).
    remove(&site)
}

/// The 1-minute load average: on a shared machine, the figures of a row are only as good as
/// the machine was quiet.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split(' ').next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// Pages and files written, from the `Built ...` line of `toolpages build`.
struct Built {
    pages: usize,
    written: u64,
}

fn summary(output: &str) -> Result<Built, String> {
    let line = output
        .lines()
        .find(|l| l.starts_with("Built "))
        .ok_or_else(|| format!("no summary line in the build output:\n{output}"))?;
    let number_before = |word: &str| -> Option<u64> {
        let words: Vec<&str> = line
            .split([' ', '(', ','])
            .filter(|w| !w.is_empty())
            .collect();
        let at = words.iter().position(|w| *w == word)?;
        words.get(at.checked_sub(1)?)?.parse().ok()
    };
    match (number_before("pages"), number_before("files")) {
        (Some(pages), Some(written)) => Ok(Built {
            pages: pages as usize,
            written,
        }),
        _ => Err(format!("cannot read the summary line `{line}`")),
    }
}

/// Appends ` (edited)` to the description of the first tool of the middle server, so one
/// server's pages change and every other byte of the catalogue stays.
fn edit_one_server(catalogue: &Path) -> Result<(), String> {
    let text =
        std::fs::read_to_string(catalogue).map_err(|e| format!("{}: {e}", catalogue.display()))?;
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let middle = lines.len() / 2;
    let (at, mut server) = (middle..lines.len())
        .chain(0..middle)
        .find_map(|i| {
            let server: serde_json::Value = serde_json::from_str(&lines[i]).ok()?;
            server["tools"].get(0).is_some().then_some((i, server))
        })
        .ok_or("no server with tools to edit")?;
    let tool = &mut server["tools"][0];
    let description = tool["description"].as_str().unwrap_or("").to_owned();
    tool["description"] = format!("{description} (edited)").into();
    lines[at] = server.to_string();
    std::fs::write(catalogue, lines.join("\n") + "\n")
        .map_err(|e| format!("{}: {e}", catalogue.display()))
}

/// `bench --floor DIR [CHUNK_MB]`: measures the floor of the site in DIR and prints one
/// `floor <kind> wall=<s> cpu=<s>` line per measurement, each the creation alone:
/// - `fresh`: the site is read into memory and the old tree moved aside (removed at the
///   end), so nothing is deleted before or while the files are created, as in a full build
///   into an empty folder;
/// - `deleted`: that copy is deleted and the tree created again at once, which was the
///   benchmark's only floor until 21 November 2026;
/// - `chunked` (instead of both, when the site and a second copy do not fit in memory or on
///   the file system, see [`floor::plan`], or when CHUNK_MB is given): each part of the site
///   is read, deleted and created again, and the creation times are added up.
///
/// `fresh` and `deleted` answer differently for reasons outside toolpages. On tmpfs,
/// `deleted` reuses the memory just freed, while a virtual machine that hands freed memory
/// back to its host (this machine's balloon does) pays a host page fault for each page it has
/// not touched lately; on the disk, deleting 100,000 files first costs ext4 more than
/// creating them. `× floor` compares with the first line, `fresh` when it was measured.
fn floor_child() -> Result<(), String> {
    let mut args = std::env::args().skip(2);
    let dir = PathBuf::from(args.next().ok_or("--floor needs a folder")?);
    let chunk_mb = args
        .next()
        .map(|mb| {
            mb.parse::<u64>()
                .map_err(|e| format!("chunk size `{mb}`: {e}"))
        })
        .transpose()?;
    let (_, bytes) = floor::count(&dir);
    match floor::plan(&dir, bytes, chunk_mb) {
        floor::Floor::Whole => whole_floor(&dir),
        floor::Floor::Chunked(limit) => chunked_floor(&dir, limit),
    }
}

/// The `fresh` and `deleted` floors of [`floor_child`].
fn whole_floor(dir: &Path) -> Result<(), String> {
    let tree = floor::Tree::read(&[dir.to_path_buf()])?;
    let mut aside = dir.to_path_buf().into_os_string();
    aside.push(".floor-old");
    let aside = PathBuf::from(aside);
    remove(&aside)?;
    std::fs::rename(dir, &aside).map_err(|e| format!("{}: {e}", dir.display()))?;
    let timed = |kind: &str| -> Result<(), String> {
        let cpu = measure::own_cpu();
        let wall = tree.create()?;
        println!("floor {kind} wall={wall} cpu={}", measure::own_cpu() - cpu);
        Ok(())
    };
    timed("fresh")?;
    remove(dir)?;
    timed("deleted")?;
    remove(&aside)?;
    // The process exits without freeing the tree: freeing is not part of the floor.
    std::mem::forget(tree);
    Ok(())
}

/// The `chunked` floor of [`floor_child`], in parts of at most `limit` bytes.
fn chunked_floor(dir: &Path, limit: u64) -> Result<(), String> {
    let chunks = floor::chunks(dir, limit)?;
    let (mut wall, mut cpu) = (0.0, 0.0);
    for parts in &chunks {
        let tree = floor::Tree::read(parts)?;
        floor::Tree::remove(parts)?;
        let before = measure::own_cpu();
        wall += tree.create()?;
        cpu += measure::own_cpu() - before;
    }
    println!(
        "floor chunked wall={wall} cpu={cpu} parts={} mb={}",
        chunks.len(),
        limit >> 20
    );
    Ok(())
}

/// The floors a `--floor` child printed, in order, each as its row's label and cost (with
/// the child's peak RSS). Fails when there is none.
fn parse_floor(output: &str, child: Cost) -> Result<Vec<(String, Cost)>, String> {
    let floors: Vec<(String, Cost)> = output
        .lines()
        .filter_map(|line| line.strip_prefix("floor "))
        .map(|line| {
            let value = |key: &str| -> Option<f64> {
                line.split(' ')
                    .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
                    .and_then(|v| v.parse().ok())
            };
            let (Some(wall), Some(cpu)) = (value("wall"), value("cpu")) else {
                return Err(format!("cannot read `floor {line}`"));
            };
            let label = match line.split(' ').next() {
                Some("fresh") => "floor".to_owned(),
                Some("deleted") => "floor, old files deleted first".to_owned(),
                _ => format!(
                    "floor, old files deleted first, in {} parts of up to {} MB",
                    value("parts").unwrap_or(0.0),
                    value("mb").unwrap_or(0.0)
                ),
            };
            let cost = Cost {
                wall,
                cpu,
                peak_rss: child.peak_rss,
            };
            Ok((label, cost))
        })
        .collect::<Result<_, String>>()?;
    if floors.is_empty() {
        return Err(format!("no floor line in:\n{output}"));
    }
    Ok(floors)
}

fn mkdir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn remove(dir: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{}: {e}", dir.display()))
        }
        _ => Ok(()),
    }
}
