//! `toolpages import`: ask a live MCP server for its tools and write its catalogue file.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use toolpages::import::{import, ImportOptions, Target};

/// Add a server to the catalogue from the server itself: `toolpages import -- npx -y pkg`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("server").required(true).args(["url", "command"])))]
pub struct ImportArgs {
    /// The server's id in the catalogue (default: made from the server's `serverInfo.name`).
    #[arg(long)]
    id: Option<String>,
    /// The catalogue folder; the server is written to `<content>/servers/<id>.json`.
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// Seconds to wait for each answer (`initialize`, each `tools/list` page).
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// Replace the file even when it holds more tools than the server listed.
    #[arg(long)]
    force: bool,
    /// The server's Streamable HTTP endpoint, instead of a command.
    #[arg(long)]
    url: Option<String>,
    /// The command that runs the server over stdio, after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
}

/// Runs `toolpages import`: exit code 0 when the file was written, 1 otherwise.
pub fn run(args: ImportArgs) -> ExitCode {
    let target = match args.url {
        Some(url) => Target::Url(url),
        None => Target::Command(args.command),
    };
    let options = ImportOptions {
        target,
        id: args.id,
        content: args.content,
        timeout: Duration::from_secs(args.timeout.max(1)),
        force: args.force,
    };
    let imported = match import(&options) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listed = &imported.listed;
    if listed.diagnostics.garbage_count > 0 {
        eprintln!("warning: the import worked{}", listed.diagnostics);
    }
    if listed.lossy {
        eprintln!("warning: the server answered with plain JSON bodies, which rmcp decodes before toolpages sees them; tool keys unknown to rmcp may be missing");
    }
    for p in &imported.problems {
        eprintln!("{p}");
    }
    let info = &listed.initialize["serverInfo"];
    let before = match imported.previous {
        Some(n) if imported.changed => format!(" (it held {n} tools)"),
        Some(_) => " (unchanged)".to_owned(),
        None => String::new(),
    };
    println!(
        "Imported {} tools ({} page(s)) of `{}` {} (protocol {}) into {}{before}",
        imported.tools,
        listed.pages,
        info["name"].as_str().unwrap_or("?"),
        info["version"].as_str().unwrap_or("?"),
        listed.initialize["protocolVersion"].as_str().unwrap_or("?"),
        imported.path.display(),
    );
    ExitCode::SUCCESS
}
