//! The kube result cache: a kubeconfig can be megabytes, and parsing it costs more than the
//! whole prompt, so the names shown are kept in a small file keyed by the ordered kubeconfig
//! paths and each file's identity and change markers (device, inode, size, mtime and ctime
//! in nanoseconds). A hit costs one `stat` per file and one small read.
//!
//! Trust rules, after git's racy-index rule: an entry written while any of its files was
//! changed within [`RACY_WINDOW`] of the write is not trusted as a hit (a second rewrite in the
//! same timestamp tick, with the same size, would leave the key unchanged). Entries are written
//! whole to a temp file and renamed, and carry a checksum, so concurrent shells and torn or
//! foreign files can never produce a wrong answer: a bad entry is just a miss. Only the names
//! shown are stored, never credentials. The checksum is no defence against forgery, so an
//! entry is believed only when nobody else could have written it (`files::read_private`:
//! no symlink, owned by this user, not group- or world-writable, in a folder that is the
//! same); otherwise the prompt works uncached and writes nothing there.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::name::Name;
use crate::segment::kube::types::Info;

/// How recent a change may be before an entry made from it is not trusted, and before an
/// empty or unparsable file is taken as "being rewritten" rather than "broken". Generous, to
/// cover coarse filesystem clocks (1-2 s on some network and FAT filesystems).
pub const RACY_WINDOW: Duration = Duration::from_secs(2);

const MAGIC: &[u8; 8] = b"AWKUBE01";

/// A file's identity and change markers; `None` when it does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    /// Size in bytes.
    pub size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    /// The stamp of `meta`.
    #[must_use]
    pub fn of(meta: &std::fs::Metadata) -> Self {
        Stamp {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        }
    }

    /// The later of mtime and ctime, in nanoseconds since the epoch.
    #[must_use]
    pub fn changed_ns(&self) -> i128 {
        let ns = |(s, n): (i64, i64)| i128::from(s) * 1_000_000_000 + i128::from(n);
        ns(self.mtime).max(ns(self.ctime))
    }

    /// True when the file changed within [`RACY_WINDOW`] of `now_ns` (or in the future).
    #[must_use]
    pub fn is_recent(&self, now_ns: i128) -> bool {
        self.changed_ns() > now_ns - RACY_WINDOW.as_nanos() as i128
    }
}

/// The system clock in nanoseconds since the epoch; trust decisions use [`Env::now_ns`]
/// instead, which tests can move forward.
///
/// [`Env::now_ns`]: crate::env::Env::now_ns
pub use crate::env::now_ns;

/// One cache entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The paths and their stamps when the entry was computed.
    pub key: Vec<(PathBuf, Option<Stamp>)>,
    /// False when some file was changing as it was read: usable as a last good value only.
    pub trusted: bool,
    /// The result, `None` when no current-context was set.
    pub value: Option<Info>,
}

/// Where the entry for this list of paths lives: one file per distinct `KUBECONFIG` list.
#[must_use]
pub fn entry_path(cache_dir: &Path, paths: &[PathBuf]) -> PathBuf {
    let mut h = Fnv::default();
    for p in paths {
        h.write(p.as_os_str().as_encoded_bytes());
        h.write(&[0]);
    }
    cache_dir.join(format!("kube-{:016x}.bin", h.0))
}

/// Loads an entry; any problem (missing, unreadable, truncated, foreign, corrupt) is `Err`
/// with the reason, and the caller treats it as a miss.
///
/// # Errors
/// Why the entry cannot be used.
pub fn load(path: &Path) -> Result<Entry, String> {
    let bytes = crate::io::files::read_private(path, MAX_ENTRY_BYTES)?.ok_or("no entry yet")?;
    decode(&bytes).ok_or_else(|| format!("{} is corrupt or foreign; ignored", path.display()))
}

/// No entry is anywhere near this big; a bigger file is not one of ours.
const MAX_ENTRY_BYTES: u64 = 1 << 20;

/// Writes an entry atomically (temp file + rename). Failures are returned, never fatal.
///
/// # Errors
/// Why the entry could not be written (read-only or missing folder, full disk).
pub fn store(path: &Path, entry: &Entry) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    // Private to the user: context names are not secrets, but nobody else needs them.
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // Never write where someone else could read back or replace what the prompt believes.
    crate::io::files::private_dir(dir).map_err(|why| format!("cache not written: {why}"))?;
    let tmp = dir.join(format!(
        ".{}.{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("kube"),
        std::process::id(),
        now_ns()
    ));
    let bytes = encode(entry);
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&tmp)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &bytes))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("cannot write {}: {e}", path.display()));
    }
    Ok(())
}

fn encode(entry: &Entry) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(MAGIC);
    out.push(u8::from(entry.trusted));
    put_u32(&mut out, entry.key.len());
    for (path, stamp) in &entry.key {
        put_bytes(&mut out, path.as_os_str().as_encoded_bytes());
        match stamp {
            None => out.push(0),
            Some(s) => {
                out.push(1);
                for v in [s.dev, s.ino, s.size] {
                    out.extend_from_slice(&v.to_le_bytes());
                }
                for v in [s.mtime.0, s.mtime.1, s.ctime.0, s.ctime.1] {
                    out.extend_from_slice(&v.to_le_bytes());
                }
            }
        }
    }
    match &entry.value {
        None => out.push(0),
        Some(info) => {
            out.push(1);
            put_bytes(&mut out, info.context.as_bytes());
            match &info.namespace {
                None => out.push(0),
                Some(ns) => {
                    out.push(1);
                    put_bytes(&mut out, ns.as_bytes());
                }
            }
            put_u32(&mut out, info.context_from);
            put_u32(&mut out, info.defined_in.map_or(u32::MAX as usize, |d| d));
        }
    }
    let mut h = Fnv::default();
    h.write(&out);
    out.extend_from_slice(&h.0.to_le_bytes());
    out
}

fn decode(bytes: &[u8]) -> Option<Entry> {
    let (body, sum) = bytes.split_at(bytes.len().checked_sub(8)?);
    let mut h = Fnv::default();
    h.write(body);
    if h.0.to_le_bytes() != sum {
        return None;
    }
    let mut r = Reader(body);
    if r.take(8)? != MAGIC {
        return None;
    }
    let trusted = r.u8()? == 1;
    let n = r.u32()?;
    let mut key = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        let path = PathBuf::from(std::ffi::OsStr::from_bytes(r.bytes()?));
        let stamp = match r.u8()? {
            0 => None,
            _ => Some(Stamp {
                dev: r.u64()?,
                ino: r.u64()?,
                size: r.u64()?,
                mtime: (r.i64()?, r.i64()?),
                ctime: (r.i64()?, r.i64()?),
            }),
        };
        key.push((path, stamp));
    }
    let value = match r.u8()? {
        0 => None,
        _ => {
            let context = Name::new(r.bytes()?);
            let namespace = match r.u8()? {
                0 => None,
                _ => Some(Name::new(r.bytes()?)),
            };
            let context_from = r.u32()?;
            let defined = r.u32()?;
            Some(Info {
                context,
                namespace,
                context_from,
                defined_in: (defined != u32::MAX as usize).then_some(defined),
            })
        }
    };
    r.0.is_empty().then_some(Entry {
        key,
        trusted,
        value,
    })
}

fn put_u32(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&u32::try_from(v).unwrap_or(u32::MAX).to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u32(out, b.len());
    out.extend_from_slice(b);
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }
    fn u32(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()?;
        self.take(n)
    }
}

/// FNV-1a, 64 bit: a checksum against torn or foreign files, not a defence against forgery
/// (anyone who can write the cache folder can write anything the prompt shows anyway).
pub(crate) struct Fnv(pub(crate) u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            key: vec![
                (
                    PathBuf::from("/h/.kube/config"),
                    Some(Stamp {
                        dev: 1,
                        ino: 2,
                        size: 3,
                        mtime: (4, 5),
                        ctime: (6, 7),
                    }),
                ),
                (PathBuf::from("/missing"), None),
            ],
            trusted: true,
            value: Some(Info {
                context: Name::from("prod"),
                namespace: Some(Name::from("payments")),
                context_from: 0,
                defined_in: None,
            }),
        }
    }

    /// The racy rule, with "now" given: recent while either time is within the window of now
    /// (ctime counts: `touch -d` or a restored backup sets mtime back, never ctime).
    #[test]
    fn a_change_within_the_window_of_now_is_recent() {
        let stamp = |mtime: i64, ctime: i64| Stamp {
            dev: 1,
            ino: 2,
            size: 3,
            mtime: (mtime, 0),
            ctime: (ctime, 0),
        };
        let window = RACY_WINDOW.as_secs() as i64;
        let at = |s: i64| i128::from(s) * 1_000_000_000;
        let cases = [
            // (mtime, ctime, now in seconds, recent)
            (100, 100, 100, true),
            (100, 100, 100 + window - 1, true),
            (100, 100, 100 + window, false),
            (100, 100, 5_000, false),
            (10, 100, 100 + window - 1, true),
            (100, 10, 100 + window - 1, true),
            (10, 10, 100, false),
            (200, 200, 100, true),
        ];
        for (mtime, ctime, now, recent) in cases {
            assert_eq!(
                stamp(mtime, ctime).is_recent(at(now)),
                recent,
                "mtime {mtime}, ctime {ctime}, now {now}"
            );
        }
        // One nanosecond inside the window is still recent.
        assert!(stamp(100, 100).is_recent(at(100 + window) - 1));
    }

    #[test]
    fn round_trips() {
        assert_eq!(decode(&encode(&entry())), Some(entry()));
        let empty = Entry {
            key: vec![],
            trusted: false,
            value: None,
        };
        assert_eq!(decode(&encode(&empty)), Some(empty));
    }

    #[test]
    fn every_truncation_and_bit_flip_is_rejected() {
        let bytes = encode(&entry());
        for len in 0..bytes.len() {
            assert_eq!(decode(&bytes[..len]), None, "truncated to {len}");
        }
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x10;
            assert_eq!(decode(&flipped), None, "flip at {i}");
        }
    }

    /// Issue 13, case 4: an entry is believed only when nobody else could have written it;
    /// in a folder that is not private, nothing is read or written.
    #[test]
    fn issue_13_forged_entries_are_not_believed() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("awesh");
        let path = entry_path(&dir, &[PathBuf::from("/k")]);
        store(&path, &entry()).unwrap();
        assert_eq!(load(&path), Ok(entry()));
        let mode = |p: &Path, m: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
        };
        mode(&path, 0o622);
        assert!(load(&path).unwrap_err().contains("writable by others"));
        mode(&path, 0o600);
        mode(&dir, 0o777);
        assert!(load(&path).unwrap_err().contains("writable by others"));
        assert!(store(&path, &entry()).unwrap_err().contains("not written"));
        mode(&dir, 0o700);
        if crate::io::files::euid() == 0 {
            std::os::unix::fs::lchown(&path, Some(4242), None).unwrap();
            assert!(load(&path).unwrap_err().contains("uid 4242"));
            std::os::unix::fs::lchown(&path, Some(0), None).unwrap();
            std::os::unix::fs::lchown(&dir, Some(4242), None).unwrap();
            assert!(load(&path).unwrap_err().contains("uid 4242"));
            assert!(store(&path, &entry()).is_err());
            std::os::unix::fs::lchown(&dir, Some(0), None).unwrap();
        }
        // A symlink to a well-formed entry elsewhere is refused, and never written through.
        let elsewhere = root.path().join("planted.bin");
        std::fs::write(&elsewhere, encode(&entry())).unwrap();
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        assert!(load(&path).unwrap_err().contains("symlink"));
        let linked_dir = root.path().join("linked");
        std::os::unix::fs::symlink(&dir, &linked_dir).unwrap();
        let via_link = entry_path(&linked_dir, &[PathBuf::from("/k")]);
        assert!(load(&via_link).unwrap_err().contains("symlink"));
        assert!(store(&via_link, &entry()).is_err());
    }

    #[test]
    fn different_lists_use_different_files() {
        let a = entry_path(Path::new("/c"), &[PathBuf::from("/a"), PathBuf::from("/b")]);
        let b = entry_path(Path::new("/c"), &[PathBuf::from("/b"), PathBuf::from("/a")]);
        let c = entry_path(Path::new("/c"), &[PathBuf::from("/a/b")]);
        assert_ne!(a, b);
        assert_ne!(a, c);
    }
}
