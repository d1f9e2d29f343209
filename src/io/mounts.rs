//! What kinds of filesystem are mounted, for the inline check (`inline`), asked of the kernel
//! with `listmount` and `statmount` (Linux 6.8 and later) instead of reading
//! `/proc/self/mounts`. A fresh process pays 25 µs to read that file here (9 µs of it to
//! open a `/proc/self` entry for a new pid, the rest to have the whole table written out as
//! text), and the prompt is a fresh process every time; the two calls give each mount's type
//! for 10 µs. Neither way touches any filesystem but the kernel's own, so a hung network
//! mount cannot hang the check. Where the calls do not exist or are refused (older kernels,
//! container seccomp profiles that predate them, other architectures), [`ids`] says so and
//! the caller reads the file.
//!
//! glibc has no wrappers for these calls, so they are made with `libc::syscall`: the only
//! `unsafe` in awesh, kept to the two functions in `sys`; the answers are read as bytes.

use smallvec::SmallVec;

/// A filesystem type name, as in the third field of `/proc/self/mounts` (`ext4`, `nfs4`).
pub type Kind = SmallVec<[u8; 16]>;

/// One mount: its unique id (for [`point`]) and its filesystem type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// The kernel's 64-bit mount id.
    pub id: u64,
    /// The filesystem type.
    pub kind: Kind,
}

/// The unique ids of every mount in this process's mount namespace (those reachable from its
/// root, as in `/proc/self/mounts`), in the kernel's order, or `None` when the kernel cannot
/// say this way. Ids are never reused (Linux 6.8+), and a mount's type never changes: the
/// same list means the same filesystems.
#[must_use]
pub fn ids() -> Option<Vec<u64>> {
    let mut ids = vec![0u64; 256];
    let mut len = 0usize;
    loop {
        let after = len
            .checked_sub(1)
            .and_then(|i| ids.get(i))
            .copied()
            .unwrap_or(0);
        let got = sys::listmount(after, ids.get_mut(len..)?).ok()?;
        len += got;
        if len < ids.len() {
            break;
        }
        // More mounts than any machine has: let the mount table say.
        if ids.len() >= 1 << 16 {
            return None;
        }
        ids.resize(ids.len() * 2, 0);
    }
    ids.truncate(len);
    // An empty list is not believable: let the mount table say.
    (!ids.is_empty()).then_some(ids)
}

/// The filesystem type of each mount of `ids` (one `statmount` each).
#[must_use]
pub fn types_of(ids: &[u64]) -> Option<Vec<Mount>> {
    let mut answer = Answer::new();
    let mut mounts = Vec::with_capacity(ids.len());
    for &id in ids {
        match sys::statmount(id, STATMOUNT_FS_TYPE, &mut answer.0) {
            Ok(()) => mounts.push(Mount {
                id,
                kind: answer.string(FS_TYPE_OFFSET, STATMOUNT_FS_TYPE)?.into(),
            }),
            // Unmounted since the list was made: nothing left to ask about.
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {}
            Err(_) => return None,
        }
    }
    Some(mounts)
}

/// Where mount `id` is mounted, for messages.
#[must_use]
pub fn point(id: u64) -> Option<String> {
    let mut answer = Answer::new();
    sys::statmount(id, STATMOUNT_MNT_POINT, &mut answer.0).ok()?;
    let point = answer.string(MNT_POINT_OFFSET, STATMOUNT_MNT_POINT)?;
    Some(String::from_utf8_lossy(point).into_owned())
}

/// `statmount`'s answer: a 512-byte `struct statmount`, then its strings. 4 KiB holds any
/// type name and all but absurd mount points (a longer answer is `EOVERFLOW`: `None`).
#[repr(C, align(8))]
struct Answer([u8; 4096]);

/// Where `struct statmount`'s strings begin, and the offsets of the fields used here.
const STRINGS_AT: usize = 512;
const MASK_OFFSET: usize = 8;
const FS_TYPE_OFFSET: usize = 36;
const MNT_POINT_OFFSET: usize = 108;
const STATMOUNT_MNT_POINT: u64 = 0x10;
const STATMOUNT_FS_TYPE: u64 = 0x20;

impl Answer {
    fn new() -> Self {
        Answer([0; 4096])
    }

    fn u32_at(&self, at: usize) -> Option<u32> {
        Some(u32::from_ne_bytes(self.0.get(at..at + 4)?.try_into().ok()?))
    }

    /// The string a `[str]` field points at, when the answer's mask says it was filled in.
    fn string(&self, field: usize, flag: u64) -> Option<&[u8]> {
        let mask = u64::from_ne_bytes(self.0.get(MASK_OFFSET..MASK_OFFSET + 8)?.try_into().ok()?);
        if mask & flag == 0 {
            return None;
        }
        let rest = self
            .0
            .get(STRINGS_AT + usize::try_from(self.u32_at(field)?).ok()?..)?;
        rest.split(|&b| b == 0).next().filter(|_| rest.contains(&0))
    }
}

#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
#[allow(unsafe_code)]
mod sys {
    // The numbers new system calls share on these architectures since Linux 5.x.
    const SYS_STATMOUNT: libc::c_long = 457;
    const SYS_LISTMOUNT: libc::c_long = 458;
    /// `LSMT_ROOT`: list from the root of this mount namespace.
    const LSMT_ROOT: u64 = u64::MAX;

    /// `struct mnt_id_req`, version 0 (24 bytes), as both calls take it.
    #[repr(C)]
    struct MntIdReq {
        size: u32,
        spare: u32,
        mnt_id: u64,
        param: u64,
    }

    /// `listmount(2)`: the ids of the mounts under the namespace's root after `after` (0 for
    /// the first), as many as fit in `ids`; how many were written.
    pub fn listmount(after: u64, ids: &mut [u64]) -> std::io::Result<usize> {
        let req = MntIdReq {
            size: 24,
            spare: 0,
            mnt_id: LSMT_ROOT,
            param: after,
        };
        // SAFETY: `req` is a valid `mnt_id_req` of the size it states, read by the kernel
        // during the call only; the kernel writes at most `ids.len()` u64s to `ids`.
        let n = unsafe {
            libc::syscall(
                SYS_LISTMOUNT,
                std::ptr::from_ref(&req),
                ids.as_mut_ptr(),
                ids.len(),
                0 as libc::c_uint,
            )
        };
        usize::try_from(n).map_err(|_| std::io::Error::last_os_error())
    }

    /// `statmount(2)`: the fields of `mask` for mount `id`, written into `buf`.
    pub fn statmount(id: u64, mask: u64, buf: &mut [u8]) -> std::io::Result<()> {
        let req = MntIdReq {
            size: 24,
            spare: 0,
            mnt_id: id,
            param: mask,
        };
        // SAFETY: as for `listmount`; the kernel writes at most `buf.len()` bytes to `buf`
        // (8-aligned by its owner, `Answer`, as `struct statmount` is).
        let r = unsafe {
            libc::syscall(
                SYS_STATMOUNT,
                std::ptr::from_ref(&req),
                buf.as_mut_ptr(),
                buf.len(),
                0 as libc::c_uint,
            )
        };
        if r < 0 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(())
        }
    }
}

#[cfg(not(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
)))]
mod sys {
    pub fn listmount(_: u64, _: &mut [u64]) -> std::io::Result<usize> {
        Err(std::io::ErrorKind::Unsupported.into())
    }
    pub fn statmount(_: u64, _: u64, _: &mut [u8]) -> std::io::Result<()> {
        Err(std::io::ErrorKind::Unsupported.into())
    }
}
