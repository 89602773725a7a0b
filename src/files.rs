//! Reading whole files into memory, in parallel when they are large.
//!
//! Most of reading a large file (a catalogue of 100,000 tools is 146 MB, its analysis memo
//! 62 MB) into fresh memory is the kernel faulting that memory in, one page at a time; one
//! thread doing it all left the other core idle. Reading 146 MB took 93–453 ms on one
//! thread and 58–103 ms on two on the development machine.

use rayon::prelude::*;
use std::io::{self, Read};
use std::path::Path;

/// Pieces a large file is read in, one per rayon job.
const PIECE: usize = 16 << 20;

/// The bytes of the file at `path`, as `std::fs::read` gives them. A file larger than
/// 16 MB is read in 16 MB pieces on the rayon pool (on Unix). A file that shrinks
/// while it is read fails with `UnexpectedEof`.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    let len = usize::try_from(file.metadata()?.len()).ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        if let Some(len) = len.filter(|&len| len > PIECE) {
            let mut bytes = vec![0; len];
            bytes
                .par_chunks_mut(PIECE)
                .enumerate()
                .try_for_each(|(i, piece)| file.read_exact_at(piece, (i * PIECE) as u64))?;
            return Ok(bytes);
        }
    }
    let mut bytes = Vec::with_capacity(len.unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// [`read`] as UTF-8 text; `InvalidData` when it is not UTF-8.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read(path)?).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of several pieces, the last one short, is read in parallel into the bytes
    /// `std::fs::read` gives, and so is a file of exactly one piece.
    #[test]
    fn a_large_file_is_read_whole_in_pieces() {
        let dir = tempfile::tempdir().unwrap();
        for len in [2 * PIECE + 12_345, PIECE, PIECE + 1] {
            let path = dir.path().join(format!("{len}.jsonl"));
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            assert!(read(&path).unwrap() == bytes, "{len} bytes");
        }
        assert!(read(&dir.path().join("missing.jsonl")).is_err());
        std::fs::write(dir.path().join("latin1.txt"), b"caf\xe9").unwrap();
        let not_utf8 = read_to_string(&dir.path().join("latin1.txt")).unwrap_err();
        assert_eq!(not_utf8.kind(), io::ErrorKind::InvalidData);
    }
}
