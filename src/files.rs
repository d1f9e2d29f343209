//! Reading a file the prompt depends on without ever blocking on it. Opening a FIFO (or a
//! device) for reading waits for a writer that may never come, and a prompt must not: every
//! whole-file read of awesh's own (kubeconfigs, the cache, the config, reftables) goes through
//! here, which refuses anything but a regular file before opening it, and anything too big.
//! Files are opened non-blocking besides, so a FIFO swapped in between the check and the
//! open still cannot block.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Opens `path` for reading without waiting: opening a FIFO returns at once instead of
/// waiting for a writer (reads from regular files are unaffected).
///
/// # Errors
/// As [`std::fs::File::open`].
pub fn open(path: &Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Reads `path` whole. `Ok(None)` when it does not exist; `Err` (with a message naming the
/// file) when it is not a regular file, is over `limit` bytes, or cannot be read.
///
/// # Errors
/// The message, in awesh's `what: why` style.
pub fn read_regular(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, String> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    if meta.len() > limit {
        return Err(format!(
            "{} is {} bytes, over the {limit} byte limit",
            path.display(),
            meta.len()
        ));
    }
    let read = |mut file: File| {
        // Sized from the `stat` above: one read for the bytes, one to see the end.
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0) + 1);
        file.by_ref()
            .take(limit)
            .read_to_end(&mut bytes)
            .map(|_| bytes)
    };
    open(path)
        .and_then(read)
        .map(Some)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_could_block_or_is_too_big() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, "abc").unwrap();
        assert_eq!(read_regular(&file, 3), Ok(Some(b"abc".to_vec())));
        assert!(read_regular(&file, 2)
            .unwrap_err()
            .contains("over the 2 byte limit"));
        assert_eq!(read_regular(&dir.path().join("missing"), 9), Ok(None));
        assert!(read_regular(dir.path(), 9)
            .unwrap_err()
            .contains("not a regular file"));
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(read_regular(&fifo, 9)
            .unwrap_err()
            .contains("not a regular file"));
    }
}
