//! Prints the classification of tools of the bundled catalogue, with signals, rationale and
//! conflicts: `cargo run --example explain -- SERVER_ID [TOOL_NAME...]`.

use std::path::Path;
use toolpages::catalogue::load;
use toolpages::classify::classify;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((server_id, tools)) = args.split_first() else {
        anyhow::bail!("usage: explain SERVER_ID [TOOL_NAME...]");
    };
    let catalogue = load(Path::new("content"))?.catalogue;
    let server = catalogue
        .server(server_id)
        .ok_or_else(|| anyhow::anyhow!("no server `{server_id}`"))?;
    for tool in server
        .tools
        .iter()
        .filter(|t| tools.is_empty() || tools.contains(&t.name))
    {
        let c = classify(tool);
        println!(
            "{} / {}: {} ({})",
            server.id,
            tool.name,
            c.category.label(),
            c.level.label()
        );
        for s in &c.signals {
            println!("  signal: {s}");
        }
        for s in c.rationale.iter().chain(&c.conflicts) {
            println!("  {s}");
        }
    }
    Ok(())
}
