//! When the prompt may gather on its main thread. The gather threads exist for one reason: a
//! read that never returns (a FIFO where git or awesh expects a file, a hung network mount)
//! must not hang the prompt. On this project's machine, starting them and waiting for them
//! costs a quarter of a millisecond, twenty times the gathers themselves. So before gathering,
//! awesh checks that no read can block: the machine has only local filesystems mounted (read
//! from `/proc/self/mounts`, which touches no other filesystem, so a hung mount cannot hang
//! the check itself), and nothing that git discovery or awesh will open is anything but a
//! regular file. Only then do the gathers run inline; in every other case (any network, FUSE
//! or automounted filesystem, a FIFO, a `.git` file pointing elsewhere, kubeconfigs so big
//! that a cache miss could outlast the deadline, a platform without `/proc`) they run on
//! their threads under the deadline.

use std::path::Path;
use std::sync::OnceLock;

use crate::env::Env;
use crate::segment::{kube, Want};

/// Filesystem types whose reads cannot wait on another machine or process: disks, memory,
/// and the kernel's own pseudo-filesystems. Anything else mounted (nfs, cifs, 9p, fuse.*,
/// autofs, ceph...) sends every prompt to the threads.
const LOCAL_TYPES: &[&str] = &[
    "ext2",
    "ext3",
    "ext4",
    "xfs",
    "btrfs",
    "f2fs",
    "zfs",
    "bcachefs",
    "jfs",
    "reiserfs",
    "vfat",
    "msdos",
    "exfat",
    "ntfs3",
    "squashfs",
    "iso9660",
    "udf",
    "tmpfs",
    "ramfs",
    "overlay",
    "rootfs",
    "proc",
    "sysfs",
    "devtmpfs",
    "devpts",
    "cgroup",
    "cgroup2",
    "mqueue",
    "hugetlbfs",
    "debugfs",
    "tracefs",
    "securityfs",
    "pstore",
    "bpf",
    "configfs",
    "fusectl",
    "binfmt_misc",
    "efivarfs",
    "nsfs",
    "selinuxfs",
];

/// Whether every filesystem mounted here is local (see [`LOCAL_TYPES`]); read once a process.
///
/// # Errors
/// The first filesystem that is not, or why the mount table cannot be read.
pub fn machine_is_local() -> Result<(), String> {
    static LOCAL: OnceLock<Result<(), String>> = OnceLock::new();
    LOCAL
        .get_or_init(|| match std::fs::read_to_string("/proc/self/mounts") {
            Ok(table) => mounts_are_local(&table),
            Err(e) => Err(format!("cannot read /proc/self/mounts: {e}")),
        })
        .clone()
}

/// The check of [`machine_is_local`] on a mount table's text (`dev mountpoint type ...`).
///
/// # Errors
/// The first mount whose type is not known to be local.
pub fn mounts_are_local(table: &str) -> Result<(), String> {
    for line in table.lines() {
        let mut fields = line.split(' ');
        let (_, point, kind) = (fields.next(), fields.next(), fields.next());
        match kind {
            Some(kind) if LOCAL_TYPES.contains(&kind) => {}
            Some(kind) => {
                return Err(format!(
                    "{} is a {kind} mount, not known to be local",
                    point.unwrap_or("?")
                ));
            }
            None => {}
        }
    }
    Ok(())
}

/// Whether the gathers for `env` may run inline; `Err` says why not.
///
/// # Errors
/// The first reason a read could block.
pub fn check(env: &Env, want: Want) -> Result<(), String> {
    machine_is_local()?;
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
                Ok(meta) => total = total.saturating_add(meta.len()),
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
    }
    Ok(())
}

/// Above this many kubeconfig bytes the gathers keep their threads: a miss on a 4 MB file
/// costs about 4 ms (cut to the needed sections) and 40 ms in the worst layout, well inside
/// the default 200 ms deadline; far bigger files are not.
pub const INLINE_KUBECONFIG_BYTES: u64 = 4 << 20;

fn check_git(env: &Env, cwd: &Path) -> Result<(), String> {
    if let Some(dir) = env.non_empty("GIT_DIR") {
        return plain_git_dir(&env.absolute(Path::new(dir)));
    }
    // Discovery probes each ancestor: `D/.git` (a folder, or a file naming one) and `D` itself
    // as a bare repository. Walked to the root, whatever discovery will find first (every
    // filesystem on the way is local: `machine_is_local` said so).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_mount_tables_allow_inline_gathers() {
        let local = "proc /proc proc rw 0 0\n/dev/vda / ext4 rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n\
                     overlay /var/lib/x overlay rw 0 0\ncgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n";
        assert_eq!(mounts_are_local(local), Ok(()));
        for (mount, kind) in [
            ("srv:/home /home nfs4 rw 0 0", "nfs4"),
            ("//srv/s /mnt/s cifs rw 0 0", "cifs"),
            (
                "portal /run/user/1000/doc fuse.portal rw 0 0",
                "fuse.portal",
            ),
            ("systemd-1 /mnt/auto autofs rw 0 0", "autofs"),
            ("C: /mnt/c 9p rw 0 0", "9p"),
        ] {
            let why = mounts_are_local(&format!("{local}{mount}\n")).unwrap_err();
            assert!(why.contains(kind), "{why}");
        }
    }
}
