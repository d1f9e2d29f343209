//! Making a FIFO: `awesh serve --listen` makes the request FIFO itself, so the shell that starts
//! it runs no `mktemp` or `mkfifo` process of its own. std has no `mkfifo`; this is the one call.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Makes a FIFO at `path`, readable and writable by its owner only.
///
/// # Errors
/// When the path holds a NUL byte, exists, or its folder cannot be written.
#[allow(unsafe_code)]
pub fn make(path: &Path) -> std::io::Result<()> {
    let c = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
    // SAFETY: `c` is a valid NUL-terminated string for the duration of the call, which only
    // reads it.
    let r = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};

    #[test]
    fn makes_an_owner_only_fifo_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("req");
        make(&path).unwrap();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        assert!(meta.file_type().is_fifo());
        assert_eq!(meta.permissions().mode() & 0o077, 0);
        assert!(make(&path).is_err(), "an existing path is not replaced");
    }
}
