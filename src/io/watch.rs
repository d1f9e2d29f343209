//! Watching folder trees for changes (inotify), so a long-lived server can tell "nothing under
//! this repository changed since the last answer" from one non-blocking read. Every folder of a
//! tree is watched (symlinks never followed; a bounded number of folders); a folder created
//! later is added when its event is read. Anything the watcher cannot vouch for — a queue
//! overflow, a watch that could not be added, too many folders — is reported as lost, and the
//! caller recomputes instead of trusting the quiet.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use inotify::{EventMask, Inotify, WatchDescriptor, WatchMask};

/// What changes to a folder's entries count.
fn mask() -> WatchMask {
    WatchMask::MODIFY
        | WatchMask::ATTRIB
        | WatchMask::CLOSE_WRITE
        | WatchMask::CREATE
        | WatchMask::DELETE
        | WatchMask::DELETE_SELF
        | WatchMask::MOVED_FROM
        | WatchMask::MOVED_TO
        | WatchMask::MOVE_SELF
        | WatchMask::ONLYDIR
        | WatchMask::DONT_FOLLOW
        | WatchMask::EXCL_UNLINK
}

/// More edited files than this between two looks count as any change.
pub const MAX_EDITS: usize = 64;

/// One tree to watch: its top folder, and names of folders directly under it to leave out
/// (`.git` under a work tree, `objects` under a git directory).
#[derive(Debug, Clone)]
pub struct Root {
    /// The top folder.
    pub top: PathBuf,
    /// Folders right under `top` not watched.
    pub skip: Vec<&'static str>,
    /// Whether folders under `top` are watched too (else `top` alone).
    pub recursive: bool,
}

/// Watches on every folder of some trees.
pub struct Trees {
    inotify: Inotify,
    dirs: HashMap<WatchDescriptor, PathBuf>,
    max_dirs: usize,
    buf: Vec<u8>,
}

/// What the watches saw since they were last asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// No change anywhere in the trees.
    Quiet,
    /// Only these files (not folders) were written to or had their attributes changed, in
    /// place: nothing was made, removed or renamed. At most [`MAX_EDITS`] of them.
    Edited(Vec<PathBuf>),
    /// Something changed.
    Changed,
    /// The watches can no longer vouch for the trees (why); start again.
    Lost(String),
}

impl Trees {
    /// Watches every folder of `roots`, at most `max_dirs` in all.
    ///
    /// # Errors
    /// When inotify is unavailable, a watch cannot be added (`max_user_watches`), or the trees
    /// have more than `max_dirs` folders.
    pub fn new(roots: &[Root], max_dirs: usize) -> Result<Trees, String> {
        let inotify = Inotify::init().map_err(|e| format!("inotify: {e}"))?;
        let mut trees = Trees {
            inotify,
            dirs: HashMap::new(),
            max_dirs,
            buf: vec![0; 64 * 1024],
        };
        for root in roots {
            if root.recursive {
                trees.add_tree(&root.top, &root.skip)?;
            } else {
                trees.add_one(&root.top)?;
            }
        }
        Ok(trees)
    }

    /// How many folders are watched.
    #[must_use]
    pub fn len(&self) -> usize {
        self.dirs.len()
    }

    /// Whether nothing is watched.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.dirs.is_empty()
    }

    fn add_one(&mut self, dir: &Path) -> Result<(), String> {
        if self.dirs.len() >= self.max_dirs {
            return Err(format!("more than {} folders to watch", self.max_dirs));
        }
        let wd = self
            .inotify
            .watches()
            .add(dir, mask())
            .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
        self.dirs.insert(wd, dir.to_path_buf());
        Ok(())
    }

    /// Watches `top` and every folder under it (not through symlinks), but `skip` right under
    /// `top`.
    fn add_tree(&mut self, top: &Path, skip: &[&str]) -> Result<(), String> {
        let mut stack = vec![top.to_path_buf()];
        while let Some(dir) = stack.pop() {
            self.add_one(&dir)?;
            let Ok(entries) = std::fs::read_dir(&dir) else {
                // Gone or unreadable since: its parent's watch reports what happens next.
                continue;
            };
            for entry in entries.flatten() {
                let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                if !is_dir || (dir == top && skip.iter().any(|s| entry.file_name() == **s)) {
                    continue;
                }
                stack.push(entry.path());
            }
        }
        Ok(())
    }

    /// Reads every event queued (without waiting) and says whether any arrived; folders created
    /// since are watched from now on.
    pub fn seen(&mut self) -> Seen {
        let mut changed = false;
        let mut edits: Vec<PathBuf> = Vec::new();
        let mut new_dirs = Vec::new();
        loop {
            let events = match self.inotify.read_events(&mut self.buf) {
                Ok(events) => events,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => return Seen::Lost(format!("reading inotify events: {e}")),
            };
            let mut any = false;
            for event in events {
                any = true;
                if event.mask.contains(EventMask::Q_OVERFLOW) {
                    return Seen::Lost("inotify's queue overflowed".into());
                }
                let in_place = EventMask::MODIFY | EventMask::CLOSE_WRITE | EventMask::ATTRIB;
                let edit = event.mask.intersects(in_place)
                    && (event.mask & !in_place).is_empty()
                    && edits.len() < MAX_EDITS;
                match (edit, self.dirs.get(&event.wd), event.name) {
                    (true, Some(dir), Some(name)) => {
                        let path = dir.join(name);
                        if !edits.contains(&path) {
                            edits.push(path);
                        }
                    }
                    _ => changed = true,
                }
                let is_new_dir = event.mask.contains(EventMask::ISDIR)
                    && (event.mask.contains(EventMask::CREATE)
                        || event.mask.contains(EventMask::MOVED_TO));
                if is_new_dir {
                    if let (Some(parent), Some(name)) = (self.dirs.get(&event.wd), event.name) {
                        new_dirs.push(parent.join(name));
                    }
                }
                if event.mask.contains(EventMask::IGNORED) {
                    self.dirs.remove(&event.wd);
                }
            }
            if !any {
                break;
            }
        }
        for dir in new_dirs {
            if let Err(why) = self.add_tree(&dir, &[]) {
                return Seen::Lost(why);
            }
        }
        if changed {
            Seen::Changed
        } else if edits.is_empty() {
            Seen::Quiet
        } else {
            Seen::Edited(edits)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(top: &Path) -> Root {
        Root {
            top: top.to_path_buf(),
            skip: vec![".git"],
            recursive: true,
        }
    }

    #[test]
    fn edits_anywhere_are_seen_and_quiet_is_quiet() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::create_dir_all(dir.path().join(".git/refs")).unwrap();
        std::fs::write(dir.path().join("a/b/f"), "1").unwrap();
        let mut trees = Trees::new(&[root(dir.path())], 100).unwrap();
        assert_eq!(trees.len(), 3, "the top, a, a/b; not .git");
        assert_eq!(trees.seen(), Seen::Quiet);
        // Reading a file is no change.
        let _ = std::fs::read(dir.path().join("a/b/f")).unwrap();
        assert_eq!(trees.seen(), Seen::Quiet);
        std::fs::write(dir.path().join("a/b/f"), "2").unwrap();
        assert_eq!(trees.seen(), Seen::Edited(vec![dir.path().join("a/b/f")]));
        assert_eq!(trees.seen(), Seen::Quiet);
        // Under the skipped folder: not watched.
        std::fs::write(dir.path().join(".git/refs/x"), "1").unwrap();
        assert_eq!(trees.seen(), Seen::Quiet);
        // A new folder is watched from its creation on.
        std::fs::create_dir_all(dir.path().join("a/new/deeper")).unwrap();
        assert_eq!(trees.seen(), Seen::Changed);
        std::fs::write(dir.path().join("a/new/deeper/g"), "1").unwrap();
        assert_eq!(trees.seen(), Seen::Changed, "a file made");
        std::fs::write(dir.path().join("a/new/deeper/g"), "2").unwrap();
        std::fs::write(dir.path().join("a/b/f"), "3").unwrap();
        std::fs::write(dir.path().join("a/new/deeper/g"), "4").unwrap();
        assert_eq!(
            trees.seen(),
            Seen::Edited(vec![
                dir.path().join("a/new/deeper/g"),
                dir.path().join("a/b/f")
            ]),
            "each edited file once, in order"
        );
        // A rename out of a watched folder, and a removal.
        std::fs::rename(dir.path().join("a/b/f"), dir.path().join("f")).unwrap();
        assert_eq!(trees.seen(), Seen::Changed);
        std::fs::remove_dir_all(dir.path().join("a/new")).unwrap();
        assert_eq!(trees.seen(), Seen::Changed);
        assert_eq!(trees.seen(), Seen::Quiet);
        // An attribute change (touch) counts: the status compares mtimes.
        std::fs::File::options()
            .append(true)
            .open(dir.path().join("f"))
            .unwrap()
            .set_modified(std::time::SystemTime::UNIX_EPOCH)
            .unwrap();
        assert_eq!(trees.seen(), Seen::Edited(vec![dir.path().join("f")]));
        // A folder's attributes are not a file's edit.
        std::fs::set_permissions(
            dir.path().join("a"),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        assert_eq!(trees.seen(), Seen::Changed);
        // Too many edits at once count as any change.
        for i in 0..=MAX_EDITS {
            std::fs::write(dir.path().join(format!("a/b/f{i}")), "x").unwrap();
        }
        assert_eq!(trees.seen(), Seen::Changed);
        for i in 0..=MAX_EDITS {
            std::fs::write(dir.path().join(format!("a/b/f{i}")), "y").unwrap();
        }
        assert_eq!(trees.seen(), Seen::Changed, "{} edits", MAX_EDITS + 1);
    }

    #[test]
    fn too_many_folders_is_an_error_not_a_partial_watch() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..5 {
            std::fs::create_dir_all(dir.path().join(format!("d{i}"))).unwrap();
        }
        assert!(Trees::new(&[root(dir.path())], 3).is_err());
        assert!(Trees::new(&[root(dir.path())], 6).is_ok());
    }

    #[test]
    fn symlinked_folders_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        let trees = Trees::new(&[root(dir.path())], 10).unwrap();
        assert_eq!(trees.len(), 1);
    }
}
