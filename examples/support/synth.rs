//! A synthetic catalogue resampled from a real one, for benchmarks.
//!
//! Server sizes are drawn from the real catalogue's distribution (one real server picked at
//! random per synthetic server, its tool count taken); each tool is a real tool picked at
//! random from the whole catalogue, with its real description, `inputSchema` and annotations.
//! Server ids are `<real id>-<n>` (unique by the counter `n`), tool names that repeat within a
//! server get `_2`, `_3`, ... The same seed gives the same bytes.

use serde_json::{Map, Value};
use std::collections::HashSet;
use std::io::{self, Write};
use std::path::Path;

/// splitmix64 (Steele, Lea and Flood 2014): tiny, fast, and good enough to resample; no
/// crate needed for a benchmark input.
pub struct Rng(u64);

impl Rng {
    /// A generator whose whole sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// An index in `0..n` (`n > 0`), by Lemire's multiply-shift (bias below n / 2⁶⁴).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// The real catalogue, as JSON objects: the servers (tools removed) and every tool.
pub struct Source {
    servers: Vec<Map<String, Value>>,
    sizes: Vec<usize>,
    tools: Vec<Value>,
}

impl Source {
    /// Reads a JSON Lines catalogue (one server object per line). Errors name the file and
    /// line.
    pub fn read(path: &Path) -> Result<Source, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut source = Source {
            servers: Vec::new(),
            sizes: Vec::new(),
            tools: Vec::new(),
        };
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let at = || format!("{}:{}", path.display(), i + 1);
            let mut server: Map<String, Value> = serde_json::from_str(line)
                .map_err(|e| format!("{}: not a server object: {e}", at()))?;
            let tools = match server.remove("tools") {
                Some(Value::Array(tools)) => tools,
                None => Vec::new(),
                Some(_) => return Err(format!("{}: `tools` must be an array", at())),
            };
            source.sizes.push(tools.len());
            source.tools.extend(
                tools
                    .into_iter()
                    .filter(|t| t.get("name").is_some_and(Value::is_string)),
            );
            source.servers.push(server);
        }
        if source.tools.is_empty() {
            return Err(format!(
                "{}: the catalogue holds no tools to resample",
                path.display()
            ));
        }
        Ok(source)
    }

    /// Writes a catalogue of exactly `tools` tools as JSON Lines; returns the server count.
    pub fn generate(&self, tools: usize, seed: u64, out: &mut dyn Write) -> io::Result<usize> {
        let mut rng = Rng::new(seed);
        let mut made = 0;
        let mut n = 0;
        while made < tools {
            let template = rng.below(self.servers.len());
            // Servers without tools are real (a tenth of the catalogue): keep some, but never
            // let them end the catalogue.
            let size = self.sizes[template].min(tools - made);
            n += 1;
            let mut server = self.servers[template].clone();
            let id = server.get("id").and_then(Value::as_str).unwrap_or("server");
            let id = format!("{id}-{n}");
            let name = server.get("name").and_then(Value::as_str).unwrap_or(&id);
            let name = format!("{name} #{n}");
            server.insert("id".into(), id.into());
            server.insert("name".into(), name.into());
            let mut names = HashSet::with_capacity(size);
            let tools: Vec<Value> = (0..size)
                .map(|_| {
                    let mut tool = self.tools[rng.below(self.tools.len())].clone();
                    let base = tool["name"].as_str().unwrap_or("tool").to_owned();
                    let mut name = base.clone();
                    let mut k = 1;
                    while !names.insert(name.clone()) {
                        k += 1;
                        name = format!("{base}_{k}");
                    }
                    tool["name"] = name.into();
                    tool
                })
                .collect();
            made += tools.len();
            server.insert("tools".into(), tools.into());
            serde_json::to_writer(&mut *out, &server)?;
            out.write_all(b"\n")?;
        }
        Ok(n)
    }
}
