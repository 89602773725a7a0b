//! The benchmark's file-system floor (`examples/support/floor.rs`): measured in parts, it
//! must delete and create again exactly the site it read, every folder and byte.

#[path = "../examples/support/floor.rs"]
mod floor;

use std::collections::BTreeMap;
use std::path::Path;
use walkdir::WalkDir;

/// Every folder and file under `root` (relative paths), files with their bytes.
fn snapshot(root: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let name = e.path().strip_prefix(root).unwrap().display().to_string();
            let bytes = e
                .file_type()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (name, bytes)
        })
        .collect()
}

#[test]
fn chunks_cover_the_site_once_and_recreate_it_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    // A large folder that must be split, small ones that fit a part, an empty folder, a
    // file larger than a part, and files at the top.
    for s in 0..6 {
        for t in 0..5 {
            let tool = root.join(format!("servers/s{s}/t{t}"));
            std::fs::create_dir_all(&tool).unwrap();
            std::fs::write(tool.join("index.html"), vec![b'a' + t as u8; 300 * (s + 1)]).unwrap();
        }
    }
    std::fs::create_dir_all(root.join("categories/empty")).unwrap();
    std::fs::write(root.join("index.html"), vec![b'x'; 9000]).unwrap();
    std::fs::write(root.join("robots.txt"), b"User-agent: *\n").unwrap();
    let before = snapshot(&root);

    let limit = 4000;
    let chunks = floor::chunks(&root, limit).unwrap();
    assert!(chunks.len() > 3, "{chunks:?}");
    // Each file and folder lies in exactly one part, except the folders that were split
    // (they stay while their entries are deleted and created again).
    let parts: Vec<_> = chunks.iter().flatten().collect();
    let split: Vec<_> = before
        .keys()
        .filter(|name| {
            parts
                .iter()
                .any(|p| p.starts_with(root.join(name)) && **p != root.join(name))
        })
        .collect();
    assert!(split.contains(&&"servers".to_owned()), "{split:?}");
    for name in before.keys() {
        let path = root.join(name);
        let holders = parts.iter().filter(|p| path.starts_with(p)).count();
        let expected = usize::from(!split.contains(&name));
        assert_eq!(holders, expected, "{name} in {holders} parts");
    }
    // A chunk holds more than `limit` bytes only when it is one part (the large file).
    for chunk in &chunks {
        let bytes: u64 = chunk.iter().map(|p| floor::count(p).1).sum();
        let single = chunk.len() == 1 && chunk[0].is_file();
        assert!(bytes <= limit || single, "{chunk:?}: {bytes} bytes");
    }

    for parts in &chunks {
        let tree = floor::Tree::read(parts).unwrap();
        floor::Tree::remove(parts).unwrap();
        assert!(parts.iter().all(|p| !p.exists()));
        tree.create().unwrap();
    }
    assert_eq!(snapshot(&root), before);

    // The whole site at once, created where it was after the old copy is gone.
    let tree = floor::Tree::read(std::slice::from_ref(&root)).unwrap();
    std::fs::remove_dir_all(&root).unwrap();
    tree.create().unwrap();
    assert_eq!(snapshot(&root), before);
}

#[test]
fn a_forced_chunk_size_is_kept_and_a_small_site_is_measured_whole() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        floor::plan(dir.path(), 1 << 20, Some(5)),
        floor::Floor::Chunked(5 << 20)
    );
    assert_eq!(floor::plan(dir.path(), 1 << 20, None), floor::Floor::Whole);
    assert!(matches!(
        floor::plan(dir.path(), u64::MAX / 4, None),
        floor::Floor::Chunked(_)
    ));
}
