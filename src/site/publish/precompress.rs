//! `--precompress`: gzip and Brotli copies beside each text file (`index.html.gz`,
//! `index.html.br`), for hosts that serve them as they are (nginx `gzip_static`/`brotli_static`,
//! Caddy `precompressed`, S3 with `Content-Encoding` set on upload).
//!
//! Compression is the slow part of a build, so it runs only when the source file changed or
//! a compressed copy is missing; the copies go through the same write-if-changed output, so
//! an unchanged site rewrites none of them. Both encoders are deterministic (the gzip header
//! carries no time stamp), so the same page always gives the same bytes.

use crate::site::output::{Output, Written};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Extensions of the text files that get compressed copies.
pub const TEXT_EXTENSIONS: &[&str] = &["html", "css", "js", "json", "xml", "txt", "svg", "map"];

/// Brotli quality (0–11). 11 is what precompression tools default to; it costs about 3× the
/// time of 9 for 1–2 % smaller files, and runs once per changed file.
const BROTLI_QUALITY: u32 = 11;
/// Brotli window, log2 bytes (the encoder's default).
const BROTLI_WINDOW: u32 = 22;

/// An [`Output`] that also stores `.gz` and `.br` copies of text files.
pub struct Precompressed<'a> {
    inner: &'a dyn Output,
    /// The output folder on disk, to tell whether a copy is missing; `None` in memory.
    root: Option<PathBuf>,
}

impl<'a> Precompressed<'a> {
    /// Wraps `inner`; `root` is the folder `inner` writes to, when it is a folder.
    pub fn new(inner: &'a dyn Output, root: Option<&Path>) -> Precompressed<'a> {
        Precompressed {
            inner,
            root: root.map(Path::to_path_buf),
        }
    }

    /// The copies already on disk beside `path`, when both are there. (A copy that would
    /// not be smaller is never written, so a tiny file is compressed again on every build;
    /// that costs microseconds and writes nothing.)
    fn existing_copies(&self, path: &str) -> Option<[(String, Vec<u8>); 2]> {
        let root = self.root.as_ref()?;
        let read = |ext: &str| {
            let copy = format!("{path}.{ext}");
            std::fs::read(root.join(&copy))
                .ok()
                .map(|bytes| (copy, bytes))
        };
        Some([read("gz")?, read("br")?])
    }
}

impl Output for Precompressed<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<Written> {
        let written = self.inner.write(path, bytes)?;
        if !is_text(path) {
            return Ok(written);
        }
        if written == Written::Unchanged {
            if let Some(copies) = self.existing_copies(path) {
                // Passed through unchanged (nothing is rewritten), so the output still
                // counts them as part of this build and the stale-file cleanup keeps them.
                for (copy, bytes) in copies {
                    self.inner.write(&copy, &bytes)?;
                }
                return Ok(written);
            }
        }
        for (ext, compressed) in [("gz", gzip(bytes)?), ("br", brotli(bytes)?)] {
            // A copy no smaller than the source is useless; it is not written (and an old
            // one is removed by the stale-file cleanup, as nothing wrote it this build).
            if compressed.len() < bytes.len() {
                self.inner.write(&format!("{path}.{ext}"), &compressed)?;
            }
        }
        Ok(written)
    }

    /// A reused text file keeps its compressed copies too; when either copy is missing the
    /// file is not reused, so it is written again and compressed. (The file, and a copy
    /// found before the missing one, are then marked kept by the inner output and written
    /// again anyway, so that loses nothing.)
    fn reuse(&self, path: &str) -> bool {
        if !is_text(path) {
            return self.inner.reuse(path);
        }
        self.root.is_some()
            && self.inner.reuse(path)
            && copies(path).iter().all(|copy| self.inner.reuse(copy))
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.inner.read(path)
    }

    fn prefetch(&self, paths: Vec<String>) {
        let with_copies: Vec<String> = paths
            .into_iter()
            .flat_map(|path| {
                let copies = is_text(&path).then(|| copies(&path)).into_iter().flatten();
                std::iter::once(path).chain(copies)
            })
            .collect();
        self.inner.prefetch(with_copies);
    }
}

/// The compressed copies of text file `path`: `path.gz` and `path.br`.
fn copies(path: &str) -> [String; 2] {
    [format!("{path}.gz"), format!("{path}.br")]
}

/// Whether `path` is a text file that gets compressed copies.
pub fn is_text(path: &str) -> bool {
    Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| TEXT_EXTENSIONS.contains(&e))
}

/// Gzip at the best compression level, with no time stamp in the header.
pub fn gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::best(),
    );
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// Brotli at `BROTLI_QUALITY`.
pub fn brotli(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut out, 64 * 1024, BROTLI_QUALITY, BROTLI_WINDOW);
        writer.write_all(bytes)?;
        writer.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::output::DiskOutput;
    use std::io::Read;

    #[test]
    fn copies_decompress_to_the_source_and_are_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let disk = DiskOutput::new(dir.path()).unwrap();
        let out = Precompressed::new(&disk, Some(dir.path()));
        let page = "<p>hello, compressed world</p>\n".repeat(50);
        out.write("a/index.html", page.as_bytes()).unwrap();
        out.write("logo.png", &[0u8; 500]).unwrap();
        let gz = std::fs::read(dir.path().join("a/index.html.gz")).unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, page);
        let br = std::fs::read(dir.path().join("a/index.html.br")).unwrap();
        let mut text = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, page);
        assert!(
            !dir.path().join("logo.png.gz").exists(),
            "binary files are left alone"
        );
        // Same bytes again: nothing is rewritten, not even the copies.
        let before = std::fs::metadata(dir.path().join("a/index.html.br"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(
            out.write("a/index.html", page.as_bytes()).unwrap(),
            Written::Unchanged
        );
        let after = std::fs::metadata(dir.path().join("a/index.html.br"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after);
    }

    /// A text file is reused only with both copies, prefetched or not; the prefetch asks
    /// the disk about the copies too.
    #[test]
    fn a_text_file_is_reused_with_both_copies() {
        let dir = tempfile::tempdir().unwrap();
        let disk = DiskOutput::new(dir.path()).unwrap();
        let out = Precompressed::new(&disk, Some(dir.path()));
        let page = "<p>hello, compressed world</p>\n".repeat(50);
        for name in ["whole", "no-gz", "no-br"] {
            out.write(&format!("{name}/index.html"), page.as_bytes())
                .unwrap();
        }
        std::fs::remove_file(dir.path().join("no-gz/index.html.gz")).unwrap();
        std::fs::remove_file(dir.path().join("no-br/index.html.br")).unwrap();
        for prefetch in [false, true] {
            let paths = ["whole", "no-gz", "no-br"].map(|name| format!("{name}/index.html"));
            if prefetch {
                out.prefetch(paths.to_vec());
                // Removed after the prefetch: its answer came from the prefetch.
                std::fs::remove_file(dir.path().join("whole/index.html.br")).unwrap();
            }
            assert!(out.reuse(&paths[0]), "prefetch {prefetch}");
            assert!(!out.reuse(&paths[1]), "prefetch {prefetch}");
            assert!(!out.reuse(&paths[2]), "prefetch {prefetch}");
        }
    }
}
