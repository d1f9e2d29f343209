//! When the prompt may gather on its main thread. The gather threads exist for one reason: a
//! read that never returns (a FIFO where git or awesh expects a file, a hung network mount)
//! must not hang the prompt. On this project's machine, starting them and waiting for them
//! costs a quarter of a millisecond, twenty times the gathers themselves. So before gathering,
//! awesh checks that no read can block: the machine has only local filesystems mounted (asked
//! of the kernel, `mounts`, or read from `/proc/self/mounts`: neither touches another
//! filesystem, so a hung mount cannot hang the check itself). Every file the gathers open is checked to be a regular file first and
//! opened non-blocking (`files`), so a FIFO cannot block them anywhere. Only then do the
//! gathers run inline; in every other case (any network, FUSE or automounted filesystem, a
//! platform without `/proc`) they run on their threads under the deadline. A kubeconfig parse
//! that could outlast the deadline (a cache miss on a big file) gets a thread of its own.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::io::mounts;
use crate::segment::kube::cache as kube_cache;

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

/// Whether every filesystem mounted here is local (see [`LOCAL_TYPES`]); found once a process
/// (see [`check`]).
///
/// # Errors
/// The first filesystem that is not, or why the mount table cannot be read.
pub fn machine_is_local() -> Result<(), String> {
    static LOCAL: OnceLock<Result<(), String>> = OnceLock::new();
    LOCAL
        .get_or_init(|| {
            let runtime_dir = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from);
            check(runtime_dir.as_deref(), &mounts::types_of)
        })
        .clone()
}

/// The mount check, remembering an all-local verdict between prompts. With the kernel's mount
/// list (`mounts::ids`, one call) the verdict is asked of `types_of` (a `statmount` per mount:
/// 18 µs of a prompt here) only when no marker in `runtime_dir` says this very list was found
/// all local before. Mount ids are never reused and a mount's type never changes, so the same
/// list means the same verdict; any mount or unmount makes a new list. The marker lives in
/// `$XDG_RUNTIME_DIR`, which must be local by its specification and private (0700: checked,
/// so no one else can plant a marker). Without the list, or without such a folder, the check
/// is made in full, from the kernel or from `/proc/self/mounts`.
///
/// # Errors
/// As [`machine_is_local`].
pub fn check(
    runtime_dir: Option<&Path>,
    types_of: &dyn Fn(&[u64]) -> Option<Vec<mounts::Mount>>,
) -> Result<(), String> {
    let Some(ids) = mounts::ids() else {
        return table_is_local();
    };
    let marker = runtime_dir.and_then(|dir| marker_for(dir, &ids));
    // The marker says nothing but that it exists, so its `lstat` is all there is to check:
    // a regular file (no symlink), this user's, not writable by others, in a folder that is
    // the same (`marker_for`). Nothing of it is read.
    if marker.as_deref().is_some_and(|m| {
        std::fs::symlink_metadata(m)
            .is_ok_and(|meta| meta.is_file() && crate::io::files::is_private(m, &meta).is_ok())
    }) {
        return Ok(());
    }
    let verdict = match types_of(&ids) {
        Some(list) => types_are_local(&list),
        None => table_is_local(),
    };
    if let (Ok(()), Some(marker)) = (&verdict, marker) {
        remember(&marker);
    }
    verdict
}

/// Where the marker for `ids` goes: in `dir` if it is an absolute, private folder.
fn marker_for(dir: &Path, ids: &[u64]) -> Option<PathBuf> {
    let meta = std::fs::symlink_metadata(dir).ok()?;
    if !dir.is_absolute()
        || !meta.is_dir()
        || meta.permissions().mode() & 0o077 != 0
        || crate::io::files::is_private(dir, &meta).is_err()
    {
        return None;
    }
    let mut hash = kube_cache::Fnv::default();
    for id in ids {
        hash.write(&id.to_le_bytes());
    }
    Some(dir.join(format!("{MARKER_PREFIX}{:016x}", hash.0)))
}

const MARKER_PREFIX: &str = "awesh-mounts-";

/// Writes `marker`, removing the markers of earlier mount lists (best effort: a marker that
/// cannot be written only means the next prompt checks in full again).
fn remember(marker: &Path) {
    let Some(dir) = marker.parent() else { return };
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry
                .file_name()
                .as_bytes()
                .starts_with(MARKER_PREFIX.as_bytes())
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    // A new file only, never through a symlink someone left in its place.
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(marker);
}

fn table_is_local() -> Result<(), String> {
    match read_mount_table() {
        Ok(table) => mounts_are_local(&table),
        Err(e) => Err(format!("cannot read /proc/self/mounts: {e}")),
    }
}

fn is_local_type(kind: &[u8]) -> bool {
    LOCAL_TYPES.iter().any(|t| t.as_bytes() == kind)
}

/// The check of [`machine_is_local`] on the kernel's list of mounts (`mounts::types`).
///
/// # Errors
/// The first mount whose type is not known to be local.
pub fn types_are_local(list: &[mounts::Mount]) -> Result<(), String> {
    match list.iter().find(|m| !is_local_type(&m.kind)) {
        None => Ok(()),
        Some(m) => Err(format!(
            "{} is a {} mount, not known to be local",
            mounts::point(m.id).as_deref().unwrap_or("?"),
            String::from_utf8_lossy(&m.kind)
        )),
    }
}

/// `/proc/self/mounts` in as few calls as can be: the kernel writes the table as it is read
/// and reports its size as 0, so `File::read_to_end` would `stat` and `lseek` first and then
/// read 32 bytes, 64, 128... (eleven calls for this machine's twenty mounts). Through `Take`
/// no size is asked for, and the 16 KiB are filled without being zeroed first: a zeroed buffer
/// cost 18k instructions, 5% of a prompt outside git.
fn read_mount_table() -> std::io::Result<Vec<u8>> {
    /// No machine has a mount table this big; a bigger one sends the gathers to threads.
    const MAX_MOUNT_TABLE: usize = 4 << 20;
    use std::io::Read;
    let file = std::fs::File::open("/proc/self/mounts")?;
    let mut table = Vec::with_capacity(16 << 10);
    file.take(MAX_MOUNT_TABLE as u64 + 1)
        .read_to_end(&mut table)?;
    if table.len() > MAX_MOUNT_TABLE {
        return Err(std::io::Error::other("over 4 MiB: not believed"));
    }
    Ok(table)
}

/// The check of [`machine_is_local`] on a mount table's text (`dev mountpoint type ...`).
///
/// # Errors
/// The first mount whose type is not known to be local.
pub fn mounts_are_local(table: &[u8]) -> Result<(), String> {
    for line in table.split(|&b| b == b'\n') {
        let mut fields = line.split(|&b| b == b' ');
        let (_, point, kind) = (fields.next(), fields.next(), fields.next());
        match kind {
            Some(kind) if is_local_type(kind) => {}
            Some(kind) => {
                return Err(format!(
                    "{} is a {} mount, not known to be local",
                    String::from_utf8_lossy(point.unwrap_or(b"?")),
                    String::from_utf8_lossy(kind)
                ));
            }
            None => {}
        }
    }
    Ok(())
}

/// A kubeconfig parse over this many bytes (a cache miss) runs on a thread under the
/// deadline even when the rest of the prompt is gathered inline. Block-style files (what
/// kubectl writes) parse at about 1 ms a megabyte, cut to the sections awesh needs; flow-style
/// ones, which cannot be cut, at about 40 ms a megabyte here: 512 KiB stays near 20 ms in the
/// worst layout, far inside the default 200 ms deadline.
pub const INLINE_PARSE_BYTES: u64 = 512 << 10;

#[cfg(test)]
mod tests {
    use super::*;

    /// The kernel's list (Linux 6.8+) and the mount table agree, type for type and point for
    /// point, and so give the same verdict.
    #[test]
    fn the_kernels_list_matches_the_mount_table() {
        let Some(list) = mounts::ids().and_then(|ids| mounts::types_of(&ids)) else {
            eprintln!("SKIPPED: listmount/statmount are not available here");
            return;
        };
        let table = read_mount_table().unwrap();
        let mut from_table: Vec<(String, String)> = Vec::new();
        for line in String::from_utf8_lossy(&table).lines() {
            let f: Vec<&str> = line.split(' ').collect();
            from_table.push((f[1].replace("\\040", " "), f[2].to_string()));
        }
        let mut from_kernel: Vec<(String, String)> = list
            .iter()
            .map(|m| {
                let kind = String::from_utf8_lossy(&m.kind).into_owned();
                (mounts::point(m.id).unwrap(), kind)
            })
            .collect();
        from_table.sort();
        from_kernel.sort();
        assert_eq!(from_kernel, from_table);
        assert_eq!(
            types_are_local(&list).is_ok(),
            mounts_are_local(&table).is_ok()
        );
        let nfs = mounts::Mount {
            id: list[0].id,
            kind: b"nfs4"[..].into(),
        };
        let why = types_are_local(&[nfs]).unwrap_err();
        assert!(why.contains("is a nfs4 mount"), "{why}");
    }

    /// A verdict of all-local is remembered in a private runtime folder for this very mount
    /// list, and asked of the kernel again only when there is no marker for it.
    #[test]
    fn an_all_local_verdict_is_remembered_for_the_same_mounts() {
        if mounts::ids().is_none() || machine_is_local().is_err() {
            eprintln!("SKIPPED: needs listmount and an all-local machine");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let asked = std::cell::Cell::new(0);
        let types_of = |ids: &[u64]| {
            asked.set(asked.get() + 1);
            mounts::types_of(ids)
        };
        let stale = dir.path().join(format!("{MARKER_PREFIX}0000000000000000"));
        std::fs::write(&stale, b"").unwrap();
        assert_eq!(check(Some(dir.path()), &types_of), Ok(()));
        assert_eq!(asked.get(), 1);
        assert!(!stale.exists(), "markers of other mount lists are removed");
        let markers = || {
            std::fs::read_dir(dir.path())
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .file_name()
                        .to_string_lossy()
                        .starts_with(MARKER_PREFIX)
                })
                .count()
        };
        assert_eq!(markers(), 1);
        assert_eq!(check(Some(dir.path()), &types_of), Ok(()));
        assert_eq!(asked.get(), 1, "the marker answered");
        // A folder others can write to is not trusted with markers.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        assert_eq!(check(Some(dir.path()), &types_of), Ok(()));
        assert_eq!(asked.get(), 2);
        // A verdict that is not all-local is never remembered.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
        let nfs = |ids: &[u64]| {
            Some(vec![mounts::Mount {
                id: ids[0],
                kind: b"nfs4"[..].into(),
            }])
        };
        assert!(check(Some(dir.path()), &nfs).is_err());
        assert_eq!(markers(), 0);
        assert!(check(Some(dir.path()), &nfs).is_err());
    }

    /// Issue 13, case 4: a marker another user planted, or a symlink in its place, is not
    /// believed (the kernel is asked again) and the marker is not written through a symlink.
    #[test]
    fn issue_13_a_planted_marker_is_not_believed() {
        use std::os::unix::fs::MetadataExt;
        let Some(ids) = mounts::ids() else {
            eprintln!("SKIPPED: needs listmount");
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let marker = marker_for(dir.path(), &ids).unwrap();
        let asked = std::cell::Cell::new(0);
        // Says "not local": if the planted marker were believed, it would never be asked.
        let nfs = |ids: &[u64]| {
            asked.set(asked.get() + 1);
            Some(vec![mounts::Mount {
                id: ids[0],
                kind: b"nfs4"[..].into(),
            }])
        };
        std::fs::write(&marker, b"").unwrap();
        std::fs::set_permissions(&marker, std::fs::Permissions::from_mode(0o666)).unwrap();
        assert!(
            check(Some(dir.path()), &nfs).is_err(),
            "world-writable marker"
        );
        std::fs::set_permissions(&marker, std::fs::Permissions::from_mode(0o600)).unwrap();
        if crate::io::files::euid() == 0 {
            // Only root can give a file away; elsewhere this part cannot be set up.
            std::os::unix::fs::lchown(&marker, Some(4242), Some(4242)).unwrap();
            assert_eq!(std::fs::metadata(&marker).unwrap().uid(), 4242);
            assert!(check(Some(dir.path()), &nfs).is_err(), "foreign marker");
        }
        std::fs::remove_file(&marker).unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, b"").unwrap();
        std::os::unix::fs::symlink(&target, &marker).unwrap();
        assert!(check(Some(dir.path()), &nfs).is_err(), "symlinked marker");
        assert_eq!(
            asked.get(),
            if crate::io::files::euid() == 0 { 3 } else { 2 }
        );
        // A folder owned by someone else is not used at all.
        if crate::io::files::euid() == 0 {
            std::os::unix::fs::lchown(dir.path(), Some(4242), None).unwrap();
            assert_eq!(marker_for(dir.path(), &ids), None);
        }
    }

    #[test]
    fn only_local_mount_tables_allow_inline_gathers() {
        let local = "proc /proc proc rw 0 0\n/dev/vda / ext4 rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n\
                     overlay /var/lib/x overlay rw 0 0\ncgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n";
        assert_eq!(mounts_are_local(local.as_bytes()), Ok(()));
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
            let why = mounts_are_local(format!("{local}{mount}\n").as_bytes()).unwrap_err();
            assert!(why.contains(kind), "{why}");
        }
    }
}
