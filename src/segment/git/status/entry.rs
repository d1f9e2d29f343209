//! The per-entry compare of the work tree against the index's cached stat data, the way
//! git's `ie_match_stat` decides, without ever reading content: an entry is clean, changed,
//! needs a content check (the caller tries one, else counts it unknown), or is a submodule
//! (decided by [`super::submodule`]). `core.fileMode` and `core.symlinks` are only read when
//! an entry needs them ([`Rules`] leaves them `None` at first).

use std::os::unix::fs::MetadataExt;

use super::index::Entry;

/// What the stat compare says about one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The work tree matches the index.
    Clean,
    /// Changed (git reports it unstaged without reading content).
    Changed,
    /// Only a content check (maybe through filters) could tell; the reason.
    Unknown(&'static str),
    /// A gitlink: its submodule's HEAD and work tree decide ([`super::submodule`]).
    Submodule,
}

/// The reason given while `core.fileMode` is not read yet and an executable bit differs.
pub const NEEDS_FILE_MODE: &str = "executable bit differs: core.fileMode decides";
/// The reason given while `core.symlinks` is not read yet and a symlink is a plain file.
pub const NEEDS_SYMLINKS: &str = "a symlink checked out as a plain file: core.symlinks decides";

/// What the compare needs to know about the repository besides the entry.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// The index file's mtime (seconds): entries not older than it are racily clean.
    pub index_mtime: u32,
    /// `core.fileMode` (git's `trust_executable_bit`), `None` until read.
    pub file_mode: Option<bool>,
    /// `core.symlinks` (git's `has_symlinks`), `None` until read.
    pub symlinks: Option<bool>,
}

const S_IFMT: u32 = 0o170000;
const S_IFREG: u32 = 0o100000;
const S_IFLNK: u32 = 0o120000;
const S_IFDIR: u32 = 0o040000;
const GITLINK: u32 = 0o160000;

/// Compares `entry` with what `lstat` returned for its path (`None`: the path is gone).
#[must_use]
pub fn compare(entry: &Entry, meta: Option<&std::fs::Metadata>, rules: Rules) -> Verdict {
    // git status refreshes the index first, and its refresh takes assume-unchanged and
    // skip-worktree entries (submodules too) as up to date.
    if entry.assume_valid || entry.skip_worktree || entry.mode & S_IFMT == S_IFDIR {
        return Verdict::Clean;
    }
    if entry.mode & S_IFMT == GITLINK {
        return Verdict::Submodule;
    }
    if entry.intent_to_add {
        return Verdict::Changed;
    }
    let Some(meta) = meta else {
        return Verdict::Changed;
    };
    let kind = meta.mode() & S_IFMT;
    let want = entry.mode & S_IFMT;
    // git's ce_match_stat_basic: without core.symlinks a symlink is checked out as a plain
    // file holding its target, and that is not a type change.
    let link_as_file = want == S_IFLNK && kind == S_IFREG;
    if link_as_file {
        match rules.symlinks {
            None => return Verdict::Unknown(NEEDS_SYMLINKS),
            Some(true) => return Verdict::Changed,
            Some(false) => {}
        }
    } else if kind != want || (kind != S_IFREG && kind != S_IFLNK) {
        return Verdict::Changed;
    }
    // Only the owner's executable bit counts, and only with core.fileMode.
    if want == S_IFREG && (meta.mode() & 0o100 != 0) != (entry.mode & 0o100 != 0) {
        match rules.file_mode {
            None => return Verdict::Unknown(NEEDS_FILE_MODE),
            Some(true) => return Verdict::Changed,
            Some(false) => {}
        }
    }
    // Stat fields as git truncates them, times to the second as git compares them when built
    // without USE_NSEC (its default, and the Debian and Ubuntu packages): a file touched again
    // within the second it was staged in is not a change to git either. What the second hides
    // (a same-size rewrite in the second the index was written) the racy check below catches.
    let same = truncate(meta.mtime()) == entry.mtime.0
        && truncate(meta.ctime()) == entry.ctime.0
        && meta.ino() as u32 == entry.ino
        && meta.uid() == entry.uid
        && meta.gid() == entry.gid
        && meta.size() as u32 == entry.size;
    if same {
        if rules.index_mtime != 0 && rules.index_mtime <= entry.mtime.0 {
            return Verdict::Unknown("racily clean: only content can tell");
        }
        return Verdict::Clean;
    }
    // git: a size change on a non-empty entry is a change, whatever filters say.
    if meta.size() as u32 != entry.size && entry.size != 0 {
        return Verdict::Changed;
    }
    Verdict::Unknown("stat changed but size did not: only content can tell")
}

fn truncate(v: i64) -> u32 {
    v as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_for(meta: &std::fs::Metadata) -> Entry {
        Entry {
            ctime: (meta.ctime() as u32, meta.ctime_nsec() as u32),
            mtime: (meta.mtime() as u32, meta.mtime_nsec() as u32),
            dev: meta.dev() as u32,
            ino: meta.ino() as u32,
            mode: 0o100000 | (meta.mode() & 0o777),
            uid: meta.uid(),
            gid: meta.gid(),
            size: meta.size() as u32,
            oid: [0; 20],
            stage: 0,
            assume_valid: false,
            skip_worktree: false,
            intent_to_add: false,
            path: b"f".to_vec(),
        }
    }

    #[test]
    fn stat_compare_follows_git() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "one\n").unwrap();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let entry = entry_for(&meta);
        let late = Rules {
            index_mtime: u32::MAX,
            file_mode: None,
            symlinks: None,
        };
        let early = Rules {
            index_mtime: 1,
            ..late
        };
        assert_eq!(compare(&entry, Some(&meta), late), Verdict::Clean);
        assert!(matches!(
            compare(&entry, Some(&meta), early),
            Verdict::Unknown(_)
        ));
        assert_eq!(compare(&entry, None, late), Verdict::Changed);
        std::fs::write(&path, "one more\n").unwrap();
        let grown = std::fs::symlink_metadata(&path).unwrap();
        assert_eq!(compare(&entry, Some(&grown), late), Verdict::Changed);
        let skipped = Entry {
            skip_worktree: true,
            ..entry.clone()
        };
        assert_eq!(compare(&skipped, None, late), Verdict::Clean);
        let ita = Entry {
            intent_to_add: true,
            ..entry
        };
        assert_eq!(compare(&ita, Some(&meta), late), Verdict::Changed);
    }

    #[test]
    fn executable_bit_waits_for_core_file_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "one\n").unwrap();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let entry = Entry {
            mode: 0o100755,
            ..entry_for(&meta)
        };
        let rules = |file_mode| Rules {
            index_mtime: u32::MAX,
            file_mode,
            symlinks: Some(true),
        };
        assert_eq!(
            compare(&entry, Some(&meta), rules(None)),
            Verdict::Unknown(NEEDS_FILE_MODE)
        );
        assert_eq!(
            compare(&entry, Some(&meta), rules(Some(true))),
            Verdict::Changed
        );
        assert_eq!(
            compare(&entry, Some(&meta), rules(Some(false))),
            Verdict::Clean
        );
        let link = Entry {
            mode: 0o120000,
            ..entry_for(&meta)
        };
        let no_links = Rules {
            symlinks: Some(false),
            ..rules(Some(true))
        };
        assert_eq!(compare(&link, Some(&meta), no_links), Verdict::Clean);
        assert_eq!(compare(&link, Some(&meta), rules(None)), Verdict::Changed);
    }
}
