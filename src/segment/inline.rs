//! When the prompt may gather on its main thread. The gather threads exist for one reason: a
//! read that never returns (a FIFO where git or awesh expects a file, a hung network mount)
//! must not hang the prompt. On this project's machine, starting them and waiting for them
//! costs a quarter of a millisecond, twenty times the gathers themselves. So before gathering,
//! a few `lstat`/`statfs` calls check that no read can block: every path involved is on a local
//! filesystem, and nothing that git discovery or awesh will open is anything but a regular
//! file. Only then do the gathers run inline; in every other case (a network or FUSE
//! filesystem, a FIFO, a `.git` file pointing elsewhere, discovery across filesystems,
//! kubeconfigs so big that a cache miss could outlast the deadline, a platform without
//! `statfs` types) they run on their threads under the deadline.

use std::path::Path;

use crate::env::Env;
use crate::segment::{kube, Want};

/// Filesystems whose reads of regular files cannot wait on another machine or process:
/// ext2/3/4, xfs, btrfs, tmpfs, overlayfs, f2fs, zfs, bcachefs, ramfs, jfs, reiserfs, vfat,
/// exfat, squashfs.
#[cfg(target_os = "linux")]
const LOCAL_FILESYSTEMS: &[u64] = &[
    0xEF53,
    0x5846_5342,
    0x9123_683E,
    0x0102_1994,
    0x794C_7630,
    0xF2F5_2010,
    0x2FC1_2FC1,
    0xCA45_1A4E,
    0x8584_58F6,
    0x3153_464A,
    0x5265_4973,
    0x4D44,
    0x2011_BAB0,
    0x7371_7368,
];

/// Whether the gathers for `env` may run inline; `Err` says why not.
///
/// # Errors
/// The first reason a read could block.
pub fn check(env: &Env, want: Want) -> Result<(), String> {
    let cwd = env.cwd().ok_or("the working directory cannot be read")?;
    if want.git {
        check_git(env, cwd)?;
    }
    if want.kube {
        let mut total = 0u64;
        for path in kube::paths(env) {
            let path = env.absolute(&path);
            match std::fs::metadata(&path) {
                // kube::read refuses anything but a regular file without opening it.
                Ok(meta) => {
                    local(&path)?;
                    total = total.saturating_add(meta.len());
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot stat {}: {e}", path.display())),
            }
        }
        // Not blocking, but slow: should the cache miss, parsing this much could outlast the
        // deadline, which only the threads enforce.
        if total > INLINE_KUBECONFIG_BYTES {
            return Err(format!(
                "the kubeconfig files hold {total} bytes; a parse could outlast the deadline"
            ));
        }
        if let Some(dir) = env.cache_dir() {
            local(nearest_existing(&dir))?;
        }
    }
    Ok(())
}

/// Above this many kubeconfig bytes the gathers keep their threads: a miss on a 4 MB file
/// costs about 4 ms (cut to the needed sections) and 40 ms in the worst layout, well inside
/// the default 200 ms deadline; far bigger files are not.
pub const INLINE_KUBECONFIG_BYTES: u64 = 4 << 20;

fn check_git(env: &Env, cwd: &Path) -> Result<(), String> {
    if env
        .var("GIT_DISCOVERY_ACROSS_FILESYSTEM")
        .is_some_and(|v| !v.is_empty())
    {
        return Err("GIT_DISCOVERY_ACROSS_FILESYSTEM is set".into());
    }
    if let Some(dir) = env.non_empty("GIT_DIR") {
        let dir = env.absolute(Path::new(dir));
        local(nearest_existing(&dir))?;
        return plain_git_dir(&dir);
    }
    local(cwd)?;
    // Discovery stays on the working directory's filesystem (GIT_DISCOVERY_ACROSS_FILESYSTEM
    // is unset), and probes each ancestor: `D/.git` (a folder, or a file naming one) and `D`
    // itself as a bare repository. Walked to the root, whatever discovery will find first.
    for dir in cwd.ancestors() {
        let dot_git = dir.join(".git");
        match std::fs::symlink_metadata(&dot_git) {
            Err(_) => {}
            Ok(meta) if meta.is_dir() => plain_git_dir(&dot_git)?,
            Ok(meta) if meta.is_symlink() => match std::fs::metadata(&dot_git) {
                Ok(target) if target.is_dir() => plain_git_dir(&dot_git)?,
                Ok(_) => return Err(format!("{} is a link to a file", dot_git.display())),
                Err(_) => {}
            },
            // A `.git` file (linked worktree, submodule) names a folder elsewhere: leave it
            // to the threads rather than follow it here.
            Ok(meta) if meta.is_file() => {
                return Err(format!("{} is a gitdir file", dot_git.display()));
            }
            Ok(_) => return Err(format!("{} is not a file or folder", dot_git.display())),
        }
        plain_git_dir(dir)?;
    }
    Ok(())
}

/// The files discovery and the git segment open in a candidate git directory must be
/// regular files or absent (state files are checked as they are read). Discovery opens
/// nothing in a folder without a `HEAD`, so one `stat` settles most folders.
fn plain_git_dir(dir: &Path) -> Result<(), String> {
    match std::fs::metadata(dir.join("HEAD")) {
        Err(_) => return Ok(()),
        Ok(meta) if !meta.is_file() => {
            return Err(format!(
                "{} is not a regular file",
                dir.join("HEAD").display()
            ));
        }
        Ok(_) => {}
    }
    for name in ["commondir", "gitdir"] {
        let path = dir.join(name);
        match std::fs::metadata(&path) {
            Ok(meta) if !meta.is_file() => {
                return Err(format!("{} is not a regular file", path.display()));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The path itself, or its nearest ancestor that exists (the cache folder may not yet).
fn nearest_existing(path: &Path) -> &Path {
    path.ancestors()
        .find(|p| p.exists())
        .unwrap_or(Path::new("/"))
}

/// `path` is on a filesystem whose reads cannot wait on the network.
#[cfg(target_os = "linux")]
fn local(path: &Path) -> Result<(), String> {
    let stat =
        rustix::fs::statfs(path).map_err(|e| format!("cannot statfs {}: {e}", path.display()))?;
    #[allow(clippy::unnecessary_cast)] // the field's type differs between targets
    let kind = stat.f_type as u64;
    if LOCAL_FILESYSTEMS.contains(&kind) {
        Ok(())
    } else {
        Err(format!(
            "{} is on a filesystem of type {kind:#x}, not known to be local",
            path.display()
        ))
    }
}

/// Elsewhere, no filesystem is known to be local: always the threads.
#[cfg(not(target_os = "linux"))]
fn local(path: &Path) -> Result<(), String> {
    Err(format!(
        "{}: filesystem types are only known on Linux",
        path.display()
    ))
}
