//! Reading a file the prompt depends on without ever blocking on it. Opening a FIFO (or a
//! device) for reading waits for a writer that may never come, and a prompt must not: every
//! whole-file read of awesh's own (kubeconfigs, the cache, the config, reftables) goes through
//! here, which refuses anything but a regular file before opening it, and anything too big.
//! Files are opened non-blocking besides, so a FIFO swapped in between the check and the
//! open still cannot block.

// No panic may reach the prompt (issue 13): with panic = "abort" in release, one would take
// every other segment with it. Tests are exempt.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

/// The most read from a file that says it is empty (a kernel pseudo-file).
pub const MAX_PSEUDO_FILE_BYTES: u64 = 64 << 10;

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
    match std::fs::metadata(path) {
        Ok(meta) => read_known(path, &meta, limit).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// [`read_regular`] for a file already `stat`ed (`meta`, links followed), so not opened
/// unless regular. The bytes read are those of the file as opened: its size is taken again
/// from the open file, for the path may have been replaced since (git writes HEAD, and awesh
/// its cache entries, by renaming a new file into place), and exactly that many are read,
/// with no further call to see the end. Files that say they are empty, as kernel
/// pseudo-files do, are read to their end.
///
/// # Errors
/// As [`read_regular`].
pub fn read_known(path: &Path, meta: &std::fs::Metadata, limit: u64) -> Result<Vec<u8>, String> {
    read_checked(path, meta, limit, &|_| Ok(()))
}

/// [`read_regular`] for a file only believed when nobody but this user (or root) owns it
/// and others cannot write it (the config: its aliases rename contexts), checked on the open
/// file at no extra cost. Group write is allowed: with a user's own group (`umask 002`) it is
/// the norm.
///
/// # Errors
/// As [`read_regular`], and when someone else could have written the file.
pub fn read_owned(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, String> {
    let owned = |meta: &std::fs::Metadata| {
        if meta.uid() != euid() && meta.uid() != 0 {
            return Err(format!(
                "{} belongs to uid {}, not to this user: ignored",
                path.display(),
                meta.uid()
            ));
        }
        if meta.mode() & 0o002 != 0 {
            return Err(format!("{} is writable by anyone: ignored", path.display()));
        }
        Ok(())
    };
    match std::fs::metadata(path) {
        Ok(meta) => read_checked(path, &meta, limit, &owned).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn read_checked(
    path: &Path,
    meta: &std::fs::Metadata,
    limit: u64,
    extra: &dyn Fn(&std::fs::Metadata) -> Result<(), String>,
) -> Result<Vec<u8>, String> {
    let check = |meta: &std::fs::Metadata| {
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
        Ok(())
    };
    check(meta)?;
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let file = open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    check(&meta)?;
    extra(&meta)?;
    read_sized(file, &meta, limit).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidData => format!("{} {e}", path.display()),
        _ => cannot(e),
    })
}

/// Reads the open `file`, whose `fstat` is `meta`: exactly its size, with no further call to
/// see the end; a file that says it is empty (a kernel pseudo-file, which may never end:
/// `/proc/self/pagemap` runs to terabytes) to its end but no further than
/// [`MAX_PSEUDO_FILE_BYTES`], refused (`InvalidData`) past that rather than cut.
fn read_sized(mut file: File, meta: &std::fs::Metadata, limit: u64) -> std::io::Result<Vec<u8>> {
    let size = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    if size == 0 {
        let cap = limit.min(MAX_PSEUDO_FILE_BYTES);
        let mut bytes = Vec::new();
        file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > cap {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("says it is empty but holds over {cap} bytes: refused"),
            ));
        }
        return Ok(bytes);
    }
    let mut bytes = vec![0; size];
    let mut len = 0;
    while let Some(rest) = bytes.get_mut(len..).filter(|r| !r.is_empty()) {
        match file.read(rest) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(len);
    Ok(bytes)
}

/// The effective user id: the only owner whose files awesh believes (see [`is_private`]).
/// Taken from the auxiliary vector the kernel hands every process (`AT_EUID`), which costs no
/// system call on the prompt path; `geteuid` only where the vector lacks it.
#[must_use]
pub fn euid() -> u32 {
    static EUID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *EUID.get_or_init(|| {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        {
            // SAFETY: __errno_location gives this thread's errno, which is ours to write;
            // getauxval reads the process's auxiliary vector, takes a plain number and returns
            // 0 (setting errno to ENOENT) for an entry that is not there.
            #[allow(unsafe_code)]
            let aux = unsafe {
                *libc::__errno_location() = 0;
                libc::getauxval(libc::AT_EUID)
            };
            let missing =
                aux == 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ENOENT);
            if let (false, Ok(uid)) = (missing, u32::try_from(aux)) {
                return uid;
            }
        }
        // SAFETY: geteuid takes nothing, touches no memory and cannot fail (POSIX).
        #[allow(unsafe_code)]
        unsafe {
            libc::geteuid()
        }
    })
}

/// Why `meta` (of a cache file or folder) is not to be believed, if it is not: it must be
/// owned by the effective user and not writable by group or others, or someone else could
/// have put there what the prompt would show.
///
/// # Errors
/// The reason, naming `path`.
pub fn is_private(path: &Path, meta: &std::fs::Metadata) -> Result<(), String> {
    if meta.uid() != euid() {
        return Err(format!(
            "{} belongs to uid {}, not to this user: not trusted",
            path.display(),
            meta.uid()
        ));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "{} is writable by others (mode {:o}): not trusted",
            path.display(),
            meta.mode() & 0o7777
        ));
    }
    Ok(())
}

/// Why `dir` is not a folder awesh may keep its cache in, if it is not: it must be a real
/// folder (not a symlink), owned by the effective user, not writable by group or others.
///
/// # Errors
/// The reason, naming `dir`.
pub fn private_dir(dir: &Path) -> Result<(), String> {
    let meta = std::fs::symlink_metadata(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if !meta.is_dir() {
        return Err(format!(
            "{} is not a folder (or is a symlink): not trusted",
            dir.display()
        ));
    }
    is_private(dir, &meta)
}

/// Reads a file of awesh's own (a cache entry) only if nobody else could have written it:
/// opened without following a symlink, and the open file (`fstat`) must be regular, owned by
/// the effective user and not group- or world-writable, in a folder that is the same
/// ([`private_dir`]). `Ok(None)` when it does not exist.
///
/// # Errors
/// Why it is not read.
pub fn read_private(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, String> {
    if let Some(dir) = path.parent() {
        if let Err(why) = private_dir(dir) {
            return match std::fs::symlink_metadata(dir) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                _ => Err(why),
            };
        }
    }
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path);
    let file = match file {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(format!("{} is a symlink: not trusted", path.display()))
        }
        Err(e) => return Err(cannot(e)),
    };
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    is_private(path, &meta)?;
    if meta.len() > limit {
        return Err(format!(
            "{} is {} bytes, over the {limit} byte limit",
            path.display(),
            meta.len()
        ));
    }
    read_sized(file, &meta, limit).map(Some).map_err(cannot)
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

    #[test]
    fn euid_is_the_kernel_s() {
        use std::os::unix::fs::MetadataExt;
        // A file this process creates is owned by its effective user.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("mine");
        std::fs::write(&file, b"").unwrap();
        assert_eq!(std::fs::metadata(&file).unwrap().uid(), euid());
    }

    /// Issue 13, case 5: a pseudo-file that says it is empty and never ends is refused after
    /// a bounded read, not read to the caller's limit (it drove a prompt to 1 GB).
    #[test]
    fn issue_13_endless_pseudo_files_are_refused() {
        let pagemap = Path::new("/proc/self/pagemap");
        if !pagemap.exists() {
            eprintln!("SKIPPED: no /proc/self/pagemap");
            return;
        }
        // Refused either way: past 64 KiB, or by the kernel for the odd read size.
        assert!(read_regular(pagemap, u64::MAX).is_err());
        // Small ones are read whole.
        let status = read_regular(Path::new("/proc/self/status"), u64::MAX)
            .unwrap()
            .unwrap();
        assert!(status.starts_with(b"Name:"));
    }

    /// A path replaced by rename between the caller's `stat` and the read (git's HEAD.lock,
    /// awesh's cache entries) is read whole as the new file, never cut to the old size.
    #[test]
    fn a_file_renamed_into_place_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("HEAD");
        std::fs::write(&path, "ref: refs/heads/a\n").unwrap();
        let old = std::fs::metadata(&path).unwrap();
        let new = dir.path().join("HEAD.lock");
        std::fs::write(&new, "ref: refs/heads/a-much-longer-name\n").unwrap();
        std::fs::rename(&new, &path).unwrap();
        assert_eq!(
            read_known(&path, &old, 100).unwrap(),
            b"ref: refs/heads/a-much-longer-name\n"
        );
    }
}
