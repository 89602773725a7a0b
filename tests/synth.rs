//! The benchmark's synthetic catalogue: exact size, unique ids and names, real tools,
//! deterministic by seed, and valid for `toolpages build`.

#[path = "../examples/support/synth.rs"]
#[allow(dead_code)]
mod synth;

use std::collections::HashSet;
use std::path::PathBuf;
use toolpages::catalogue::{load, Severity};

fn source() -> synth::Source {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content/catalogue.jsonl");
    synth::Source::read(&path).unwrap()
}

fn generate(source: &synth::Source, tools: usize, seed: u64) -> (usize, Vec<u8>) {
    let mut out = Vec::new();
    let servers = source.generate(tools, seed, &mut out).unwrap();
    (servers, out)
}

#[test]
fn synthetic_catalogue_is_exact_unique_and_valid() {
    let source = source();
    let (servers, bytes) = generate(&source, 5000, 7);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("synthetic.jsonl"), &bytes).unwrap();
    let loaded = load(dir.path()).unwrap();
    let errors: Vec<String> = loaded
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let catalogue = loaded.catalogue;
    assert_eq!(catalogue.tool_count(), 5000);
    assert_eq!(
        catalogue.servers.len(),
        servers,
        "every server line loads, no duplicate ids"
    );
    for server in &catalogue.servers {
        let names: HashSet<&str> = server.tools.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names.len(), server.tools.len(), "{}", server.id);
        // Sizes come from the real catalogue, whose largest server has 302 tools.
        assert!(server.tools.len() <= 302, "{}", server.id);
    }
    // Real tools: every description is one of the bundled catalogue's descriptions.
    let real = load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content")).unwrap();
    let descriptions: HashSet<Option<&str>> = real
        .catalogue
        .servers
        .iter()
        .flat_map(|s| &s.tools)
        .map(|t| t.description.as_deref())
        .collect();
    let synthetic = catalogue.servers.iter().flat_map(|s| &s.tools);
    assert!(synthetic
        .clone()
        .all(|t| descriptions.contains(&t.description.as_deref())));
    // Realistic servers: the mean size is near the real one (2,712 / 145 ≈ 18.7).
    let mean = 5000.0 / servers as f64;
    assert!((10.0..30.0).contains(&mean), "mean server size {mean}");
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let source = source();
    assert_eq!(generate(&source, 800, 3).1, generate(&source, 800, 3).1);
    assert_ne!(generate(&source, 800, 3).1, generate(&source, 800, 4).1);
}

#[test]
fn a_catalogue_without_tools_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.jsonl");
    std::fs::write(&path, "{\"id\":\"a\",\"tools\":[]}\n").unwrap();
    let error = synth::Source::read(&path).err().unwrap();
    assert!(error.contains("no tools to resample"), "{error}");
}
