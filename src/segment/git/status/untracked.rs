//! The untracked count of `git status --porcelain=v2` (its `?` lines), by git's dir.c rules:
//! tracked paths come from the index, ignored ones from [`super::ignore`], a folder with its
//! own `.git` is one entry and not entered, and with `status.showUntrackedFiles=normal` a
//! wholly untracked folder is one entry when it holds anything untracked at all. Read-only
//! and bounded: `readdir` and `lstat` only (file types from `d_type`), symlinks never
//! followed, only `.gitignore` files and the `.git` markers of nested repositories opened
//! (never a FIFO or device), the budget's deadline and count cut, and a cap on the folder
//! entries read. Each folder is scanned alone by [`Walk::scan_dir`] given its parent's
//! rules, so a server can recompute one folder's share after a change (issue 17); sibling
//! folders can run on rayon (`Limits::parallel`).

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;

use super::ignore::{List, Stack};
use super::index::Entry;
use super::untracked_config::{Settings, Show};
use super::{Budget, Count, Paths};
use crate::io::files;

/// The most folder entries one untracked count reads (the default cap; see [`Limits`]).
pub const MAX_DIR_ENTRIES: usize = 2_000_000;
/// The largest ignore file read (git's own cap is 100 MiB; a bigger one here is unknown).
const IGNORE_FILE_LIMIT: u64 = 8 << 20;
/// A `.git` file naming the real git directory is a line; git reads at most a page or so.
const GITFILE_LIMIT: u64 = 64 << 10;

const S_IFMT: u32 = 0o170000;
const S_IFDIR: u32 = 0o040000;
const GITLINK: u32 = 0o160000;

/// Limits of the walk besides the [`Budget`].
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Stop (the count becomes a lower bound) after reading this many folder entries.
    pub max_dir_entries: usize,
    /// Scan sibling folders on rayon's threads (else one after another, on this one). On by
    /// default: in the release (LTO) bench, benches/untracked.rs (10k tracked files, 2 loaded
    /// cores), rayon was 11-21% faster than one thread in two runs; a build without LTO
    /// measured it slower once, so it stays a switch.
    pub parallel: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_dir_entries: MAX_DIR_ENTRIES,
            parallel: true,
        }
    }
}

/// Why a walk stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// A budget ran out: what was found is still untracked (a lower bound).
    Cut(String),
    /// Something git would read could not be: no count can be trusted.
    Unknowable(String),
}

/// What the index says about a folder name (git's `directory_exists_in_index`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InIndex {
    /// Nothing below it is tracked.
    Nothing,
    /// Some path below it is tracked: entered.
    Directory,
    /// A submodule: its own business.
    Gitlink,
    /// A sparse-directory entry stands for the whole folder (its files are in a tree).
    Sparse,
}

/// The tracked paths, for the lookups the walk makes.
struct Tracked<'a> {
    entries: &'a [Entry],
    /// With `core.ignoreCase`: lower-cased files, folders (with their `/`) and gitlinks.
    fold: Option<Folded>,
}

#[derive(Default)]
struct Folded {
    files: std::collections::HashSet<Vec<u8>>,
    dirs: std::collections::HashSet<Vec<u8>>,
    gitlinks: std::collections::HashSet<Vec<u8>>,
    sparse: std::collections::HashSet<Vec<u8>>,
}

impl<'a> Tracked<'a> {
    fn new(entries: &'a [Entry], fold: bool) -> Self {
        let fold = fold.then(|| {
            let mut f = Folded::default();
            for e in entries {
                let lower = e.path.to_ascii_lowercase();
                let mode = e.mode & S_IFMT;
                if mode == S_IFDIR {
                    f.sparse.insert(lower.clone());
                } else if mode == GITLINK {
                    f.gitlinks.insert(lower.clone());
                }
                for (at, _) in lower.iter().enumerate().filter(|(_, &b)| b == b'/') {
                    if let Some(dir) = lower.get(..=at) {
                        f.dirs.insert(dir.to_vec());
                    }
                }
                f.files.insert(lower);
            }
            f
        });
        Tracked { entries, fold }
    }

    fn lower_bound(&self, path: &[u8]) -> usize {
        self.entries.partition_point(|e| e.path.as_slice() < path)
    }

    /// The index entries below folder `rel` (`""` or `dir/`): a contiguous run, since the
    /// index is sorted by path bytes and `/` + 1 is `0`.
    fn under(&self, rel: &[u8]) -> Under {
        if self.fold.is_some() || rel.is_empty() {
            return Under {
                lo: 0,
                hi: self.entries.len(),
                plen: rel.len(),
            };
        }
        let lo = self.lower_bound(rel);
        let mut upper = rel.to_vec();
        if let Some(last) = upper.last_mut() {
            *last = b'0';
        }
        let hi = lo
            + self.entries.get(lo..).map_or(0, |rest| {
                rest.partition_point(|e| e.path.as_slice() < upper.as_slice())
            });
        Under {
            lo,
            hi,
            plen: rel.len(),
        }
    }

    /// What the index has for `path`, a child of the folder `under` was made for: whether
    /// it is an entry (git's `index_file_exists`) and, for a folder, what is at or below it
    /// (git's `directory_exists_in_index`). Binary search over that folder's entries only,
    /// comparing the part of each path after the folder's.
    fn lookup(&self, under: Under, path: &[u8]) -> (bool, InIndex) {
        if let Some(f) = &self.fold {
            let lower = path.to_ascii_lowercase();
            let file = f.files.contains(&lower);
            let mut slash = lower.clone();
            slash.push(b'/');
            let dir = if f.gitlinks.contains(&lower) {
                InIndex::Gitlink
            } else if f.sparse.contains(&slash) {
                InIndex::Sparse
            } else if f.dirs.contains(&slash) {
                InIndex::Directory
            } else {
                InIndex::Nothing
            };
            return (file, dir);
        }
        let (Some(run), Some(name)) =
            (self.entries.get(under.lo..under.hi), path.get(under.plen..))
        else {
            return (false, InIndex::Nothing);
        };
        let plen = under.plen;
        fn rest(e: &Entry, plen: usize) -> &[u8] {
            e.path.get(plen..).unwrap_or(&[])
        }
        let start = run.partition_point(|e| rest(e, plen) < name);
        let mut file = false;
        for e in run.iter().skip(start) {
            let r = rest(e, plen);
            if !r.starts_with(name) {
                break;
            }
            match r.get(name.len()) {
                None => {
                    file = true;
                    // git meets the exact entry first: a gitlink there decides.
                    if e.mode & S_IFMT == GITLINK {
                        return (true, InIndex::Gitlink);
                    }
                }
                Some(&c) if c > b'/' => break,
                Some(b'/') if e.mode & S_IFMT == S_IFDIR && r.len() == name.len() + 1 => {
                    return (file, InIndex::Sparse);
                }
                Some(b'/') => return (file, InIndex::Directory),
                Some(_) => {}
            }
        }
        (file, InIndex::Nothing)
    }

    /// Whether `path` is an index entry, compared byte for byte whatever `core.ignoreCase`.
    fn exact(&self, path: &[u8]) -> bool {
        self.entries
            .get(self.lower_bound(path))
            .is_some_and(|e| e.path == path)
    }
}

/// The run of index entries below one folder.
#[derive(Debug, Clone, Copy)]
struct Under {
    lo: usize,
    hi: usize,
    /// The folder's path length (with its `/`): each entry's child part starts there.
    plen: usize,
}

/// What one folder holds at its own level.
#[derive(Debug, Clone)]
pub struct DirScan {
    /// Untracked entries here: files, and (normal mode) untracked folders or nested
    /// repositories, each one entry.
    pub untracked: u32,
    /// Folders to scan next (relative, with the trailing `/`), under [`DirScan::stack`].
    pub subdirs: Vec<Vec<u8>>,
    /// The rules in force inside this folder (its own `.gitignore` included).
    pub stack: Stack,
}

/// One untracked walk of a work tree.
pub struct Walk<'a> {
    top: &'a Path,
    own_git_dir: Option<PathBuf>,
    tracked: Tracked<'a>,
    show: Show,
    deadline: Instant,
    max_found: u32,
    limits: Limits,
    found: AtomicU32,
    entries_read: AtomicUsize,
    stopped: AtomicBool,
    stop: Mutex<Option<Stop>>,
}

impl<'a> Walk<'a> {
    /// A walk of `paths.work_tree` (which must be set) with the index `entries`.
    #[must_use]
    pub fn new(
        top: &'a Path,
        paths: &Paths,
        entries: &'a [Entry],
        settings: &Settings,
        budget: &Budget,
        limits: Limits,
    ) -> Self {
        Walk {
            top,
            own_git_dir: std::fs::canonicalize(&paths.git_dir).ok(),
            tracked: Tracked::new(entries, settings.ignore_case),
            show: settings.show,
            deadline: budget.deadline,
            max_found: budget.max_per_class,
            limits,
            found: AtomicU32::new(0),
            entries_read: AtomicUsize::new(0),
            stopped: AtomicBool::new(false),
            stop: Mutex::new(None),
        }
    }

    fn halt(&self, why: Stop) {
        self.stopped.store(true, Ordering::Relaxed);
        if let Ok(mut stop) = self.stop.lock() {
            // An unknowable answer outranks a cut one.
            let keep = matches!(*stop, Some(Stop::Unknowable(_)));
            if !keep {
                *stop = Some(why);
            }
        }
    }

    fn abs(&self, rel: &[u8]) -> PathBuf {
        self.top.join(OsStr::from_bytes(rel))
    }

    /// Counts one more entry read; `Err` when a limit says stop.
    fn tick(&self) -> Result<(), Stop> {
        if self.stopped.load(Ordering::Relaxed) {
            return Err(Stop::Cut(String::new()));
        }
        let n = self.entries_read.fetch_add(1, Ordering::Relaxed);
        if n >= self.limits.max_dir_entries {
            return Err(Stop::Cut(format!(
                "read {} folder entries, the most allowed",
                self.limits.max_dir_entries
            )));
        }
        if n.is_multiple_of(64) && Instant::now() > self.deadline {
            return Err(Stop::Cut("deadline passed".into()));
        }
        Ok(())
    }

    /// Reads the `.gitignore` of folder `rel` (`""` or `dir/`), as git does: not followed
    /// when a symlink, nothing when absent.
    fn ignore_file(&self, rel: &[u8]) -> Result<Option<List>, Stop> {
        let mut name = rel.to_vec();
        name.extend_from_slice(b".gitignore");
        let path = self.abs(&name);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => meta,
            _ => {
                // git would read a skip-worktree .gitignore from its blob in the index.
                let skipped = self
                    .tracked
                    .entries
                    .get(self.tracked.lower_bound(&name))
                    .is_some_and(|e| e.path == name && e.skip_worktree);
                if skipped {
                    return Err(Stop::Unknowable(format!(
                        "{} is skip-worktree: its rules are only in the index",
                        String::from_utf8_lossy(&name)
                    )));
                }
                return Ok(None);
            }
        };
        let bytes = files::read_known(&path, &meta, IGNORE_FILE_LIMIT).map_err(Stop::Unknowable)?;
        Ok(Some(List::parse(&bytes, rel.to_vec())))
    }

    /// Scans folder `rel` (`""` for the top, else `dir/`) under its parent's rules: its own
    /// untracked entries and the tracked folders to scan next. Folders git shows as one
    /// entry are looked into here (to see whether they hold anything), never listed.
    ///
    /// # Errors
    /// A [`Stop`] when a budget ran out or a rule file could not be read.
    pub fn scan_dir(&self, rel: &[u8], parent: &Stack) -> Result<DirScan, Stop> {
        let stack = parent.with(self.ignore_file(rel)?);
        let mut scan = DirScan {
            untracked: 0,
            subdirs: Vec::new(),
            stack,
        };
        let Ok(dir) = std::fs::read_dir(self.abs(rel)) else {
            // git's opendir failing is an empty folder to it.
            return Ok(scan);
        };
        let under = self.tracked.under(rel);
        for entry in dir {
            self.tick()?;
            let Ok(entry) = entry else { continue };
            let name = entry.file_name();
            let Some(path) = self.child(rel, name.as_bytes(), scan.stack.fold) else {
                continue;
            };
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let (tracked, in_index) = self.tracked.lookup(under, &path);
            if kind.is_dir() {
                let mut dir = path;
                match self.folder(&dir, in_index, &scan.stack)? {
                    Folder::None => {}
                    // git drops a `dir/` entry whose name is an index entry (a tracked
                    // file that became a folder): `index_name_is_other`.
                    Folder::One if self.tracked.exact(&dir) => {}
                    Folder::One => scan.untracked += 1,
                    Folder::Enter => {
                        dir.push(b'/');
                        scan.subdirs.push(dir);
                    }
                }
            } else if (kind.is_file() || kind.is_symlink())
                && !tracked
                && !scan.stack.excluded(&path, false)
            {
                scan.untracked += 1;
            }
            if self.max_found != 0
                && self
                    .found
                    .load(Ordering::Relaxed)
                    .saturating_add(scan.untracked)
                    >= self.max_found
            {
                // Enough to answer: the caller adds these and stops the walk.
                break;
            }
        }
        Ok(scan)
    }

    /// `rel` + `name`, or `None` for names git never looks at (`.git`).
    fn child(&self, rel: &[u8], name: &[u8], fold: bool) -> Option<Vec<u8>> {
        let is_git = if fold {
            name.eq_ignore_ascii_case(b".git")
        } else {
            name == b".git"
        };
        if is_git {
            return None;
        }
        let mut path = Vec::with_capacity(rel.len() + name.len() + 1);
        path.extend_from_slice(rel);
        path.extend_from_slice(name);
        Some(path)
    }

    /// What git's `treat_path` + `treat_directory` make of the folder `path`.
    fn folder(&self, path: &[u8], in_index: InIndex, stack: &Stack) -> Result<Folder, Stop> {
        if stack.excluded(path, true) {
            return Ok(Folder::None);
        }
        match in_index {
            InIndex::Directory => return Ok(Folder::Enter),
            InIndex::Gitlink => return Ok(Folder::None),
            // git expands a sparse index to see which files below are tracked: they are in
            // a tree object, which awesh does not read.
            InIndex::Sparse => {
                return Err(Stop::Unknowable(format!(
                    "{}/ is a sparse-index directory present in the work tree",
                    String::from_utf8_lossy(path)
                )))
            }
            InIndex::Nothing => {}
        }
        if self.nested_repo(path) {
            return Ok(Folder::One);
        }
        match self.show {
            Show::All => Ok(Folder::Enter),
            Show::Normal | Show::No => {
                let mut rel = path.to_vec();
                rel.push(b'/');
                Ok(if self.holds_untracked(&rel, stack)? {
                    Folder::One
                } else {
                    Folder::None
                })
            }
        }
    }

    /// Whether the untracked folder `rel` (`dir/`) holds, at any depth, a path git would
    /// list: it is then shown as one entry (stops at the first such path).
    fn holds_untracked(&self, rel: &[u8], parent: &Stack) -> Result<bool, Stop> {
        let stack = parent.with(self.ignore_file(rel)?);
        let Ok(dir) = std::fs::read_dir(self.abs(rel)) else {
            return Ok(false);
        };
        let under = self.tracked.under(rel);
        for entry in dir {
            self.tick()?;
            let Ok(entry) = entry else { continue };
            let name = entry.file_name();
            let Some(path) = self.child(rel, name.as_bytes(), stack.fold) else {
                continue;
            };
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let (tracked, in_index) = self.tracked.lookup(under, &path);
            let hit = if kind.is_dir() {
                match self.folder(&path, in_index, &stack)? {
                    Folder::None => false,
                    Folder::One => true,
                    // Only with a tracked path below (possible under core.ignoreCase).
                    Folder::Enter => {
                        let mut sub = path;
                        sub.push(b'/');
                        self.holds_untracked(&sub, &stack)?
                    }
                }
            } else {
                (kind.is_file() || kind.is_symlink()) && !tracked && !stack.excluded(&path, false)
            };
            if hit {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// git's `is_nonbare_repository_dir`: `path/.git` is a git directory, or a file naming
    /// one (or a file git cannot read), and it is not this repository's own.
    fn nested_repo(&self, path: &[u8]) -> bool {
        let folder = self.abs(path);
        let dot_git = folder.join(".git");
        let Ok(meta) = std::fs::metadata(&dot_git) else {
            return false;
        };
        let nested = if meta.is_file() {
            match files::read_known(&dot_git, &meta, GITFILE_LIMIT) {
                Err(_) => true,
                Ok(bytes) => gitfile_target(&bytes, &folder).is_some_and(|d| is_git_dir(&d)),
            }
        } else {
            meta.is_dir() && is_git_dir(&dot_git)
        };
        if !nested {
            return false;
        }
        match (&self.own_git_dir, std::fs::canonicalize(&dot_git)) {
            (Some(own), Ok(real)) => *own != real,
            _ => true,
        }
    }

    /// Walks the whole work tree from the top.
    pub fn run(&self, top: &Stack) {
        self.walk(b"", top);
    }

    fn walk(&self, rel: &[u8], parent: &Stack) {
        if self.stopped.load(Ordering::Relaxed) {
            return;
        }
        match self.scan_dir(rel, parent) {
            Ok(scan) => {
                let now = self.found.fetch_add(scan.untracked, Ordering::Relaxed) + scan.untracked;
                if self.max_found != 0 && now >= self.max_found {
                    self.halt(Stop::Cut(format!(
                        "stopped at {} (max_per_class)",
                        self.max_found
                    )));
                    return;
                }
                if self.limits.parallel && scan.subdirs.len() > 1 {
                    scan.subdirs
                        .par_iter()
                        .for_each(|d| self.walk(d, &scan.stack));
                } else {
                    for d in &scan.subdirs {
                        self.walk(d, &scan.stack);
                    }
                }
            }
            Err(Stop::Cut(why)) if why.is_empty() => {}
            Err(stop) => self.halt(stop),
        }
    }

    /// How many folder entries were read so far.
    #[must_use]
    pub fn entries_read(&self) -> usize {
        self.entries_read.load(Ordering::Relaxed)
    }

    /// The count after [`Walk::run`].
    #[must_use]
    pub fn count(&self) -> Count {
        let found = self.found.load(Ordering::Relaxed);
        let stop = self.stop.lock().ok().and_then(|s| s.clone());
        match stop {
            None => Count::Exact(found),
            Some(Stop::Unknowable(why)) => Count::Unknown(why),
            Some(Stop::Cut(why)) => {
                if self.max_found != 0 && found >= self.max_found {
                    Count::AtLeast(self.max_found)
                } else if found > 0 {
                    Count::AtLeast(found)
                } else {
                    Count::Unknown(why)
                }
            }
        }
    }
}

enum Folder {
    /// Nothing git lists (ignored, a submodule, or holding nothing untracked).
    None,
    /// One `dir/` entry.
    One,
    /// Entered: its paths are looked at one by one.
    Enter,
}

/// The git directory a `.git` file names (`gitdir: <path>`, relative to `folder`).
pub(super) fn gitfile_target(bytes: &[u8], folder: &Path) -> Option<PathBuf> {
    let rest = bytes.strip_prefix(b"gitdir: ")?;
    let end = rest
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    let target = rest.get(..end).filter(|t| !t.is_empty())?;
    Some(folder.join(OsStr::from_bytes(target)))
}

/// git's `is_git_directory`: a valid `HEAD`, and `objects` and `refs` folders in the
/// common directory (`commondir` when there is one).
fn is_git_dir(dir: &Path) -> bool {
    git_dir_common(dir).is_some()
}

/// [`is_git_dir`], giving the common directory of the git directory `dir`.
pub(super) fn git_dir_common(dir: &Path) -> Option<PathBuf> {
    if !valid_head(&dir.join("HEAD")) {
        return None;
    }
    let common = match files::read_regular(&dir.join("commondir"), GITFILE_LIMIT) {
        Ok(Some(bytes)) => {
            let end = bytes
                .iter()
                .rposition(|b| !b.is_ascii_whitespace())
                .map_or(0, |p| p + 1);
            let named = Path::new(OsStr::from_bytes(bytes.get(..end).unwrap_or(&[])));
            dir.join(named)
        }
        _ => dir.to_path_buf(),
    };
    (common.join("objects").is_dir() && common.join("refs").is_dir()).then_some(common)
}

/// git's `validate_headref`: a symlink into `refs/`, `ref: refs/...`, or an object id.
fn valid_head(path: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    if meta.file_type().is_symlink() {
        return std::fs::read_link(path)
            .is_ok_and(|t| t.as_os_str().as_bytes().starts_with(b"refs/"));
    }
    if meta.mode() & S_IFMT != 0o100000 {
        return false;
    }
    let Ok(bytes) = files::read_known(path, &meta, 255) else {
        return false;
    };
    if let Some(rest) = bytes.strip_prefix(b"ref:") {
        let start = rest
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(rest.len());
        return rest.get(start..).is_some_and(|r| r.starts_with(b"refs/"));
    }
    let hex = |n: usize| {
        bytes
            .get(..n)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    };
    hex(40) || hex(64)
}

/// The untracked count for `paths` (work tree `top`, index `entries`): the config read
/// from `env` (`None`: not given, so unknown), with a note for [`super::Status::skipped`].
#[must_use]
pub fn gather(
    env: Option<&crate::env::Env>,
    paths: &Paths,
    top: &Path,
    entries: &[Entry],
    budget: &Budget,
) -> (Count, Option<String>) {
    let Some(env) = env else {
        let why = "untracked: the environment (HOME, XDG_CONFIG_HOME) was not given";
        return (Count::Unknown(why.into()), Some(why.into()));
    };
    let settings = match super::untracked_config::read(env, paths) {
        Ok(s) => s,
        Err(why) => {
            return (
                Count::Unknown(why.clone()),
                Some(format!("untracked: {why}")),
            )
        }
    };
    if settings.show == Show::No {
        let why = "untracked: not shown (status.showUntrackedFiles=no)";
        return (Count::Exact(0), Some(why.into()));
    }
    (
        count(
            top,
            paths,
            entries,
            &settings,
            budget,
            Limits {
                // Below this size the walk is over before rayon's threads would have started.
                parallel: entries.len() >= super::PARALLEL_FROM,
                ..Limits::default()
            },
        ),
        None,
    )
}

/// The rules in force at the top: `info/exclude` and the excludes file (the top folder's own
/// `.gitignore` is read by the walk).
///
/// # Errors
/// When one of them exists and cannot be read (git would warn and go on without it).
pub fn rules(paths: &Paths, settings: &Settings) -> Result<Stack, String> {
    let mut lists = Vec::new();
    let mut sources = vec![paths.common_dir.join("info/exclude")];
    sources.extend(settings.excludes_file.clone());
    for path in sources {
        if let Some(bytes) = files::read_regular(&path, IGNORE_FILE_LIMIT)? {
            lists.push(List::parse(&bytes, Vec::new()));
        }
    }
    Ok(Stack {
        dirs: Vec::new(),
        files: Arc::new(lists),
        fold: settings.ignore_case,
    })
}

/// The untracked count of the work tree `top`, with the index `entries`, by `settings`.
#[must_use]
pub fn count(
    top: &Path,
    paths: &Paths,
    entries: &[Entry],
    settings: &Settings,
    budget: &Budget,
    limits: Limits,
) -> Count {
    if settings.show == Show::No {
        return Count::Exact(0);
    }
    let stack = match rules(paths, settings) {
        Ok(stack) => stack,
        Err(why) => return Count::Unknown(why),
    };
    let walk = Walk::new(top, paths, entries, settings, budget, limits);
    walk.run(&stack);
    walk.count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, mode: u32) -> Entry {
        Entry {
            ctime: (0, 0),
            mtime: (0, 0),
            dev: 0,
            ino: 0,
            mode,
            uid: 0,
            gid: 0,
            size: 0,
            oid: [0; 20],
            stage: 0,
            assume_valid: false,
            skip_worktree: false,
            intent_to_add: false,
            path: path.as_bytes().to_vec(),
        }
    }

    #[test]
    fn index_lookups_follow_directory_exists_in_index() {
        let mut entries = vec![
            entry("a-b", 0o100644),
            entry("a.txt", 0o100644),
            entry("a/x", 0o100644),
            entry("d/mod", GITLINK),
            entry("d/name", 0o100644),
            entry("d/name.c", 0o100644),
            entry("d/name/in", 0o100644),
            entry("d/sp/", S_IFDIR),
            entry("e", 0o100644),
        ];
        entries.sort_by(|x, y| x.path.cmp(&y.path));
        for fold in [false, true] {
            let t = Tracked::new(&entries, fold);
            let top = t.under(b"");
            let d = t.under(b"d/");
            assert_eq!(t.lookup(top, b"a"), (false, InIndex::Directory));
            assert_eq!(t.lookup(top, b"a.txt"), (true, InIndex::Nothing));
            assert_eq!(t.lookup(top, b"e"), (true, InIndex::Nothing));
            assert_eq!(t.lookup(top, b"f"), (false, InIndex::Nothing));
            assert_eq!(t.lookup(d, b"d/mod"), (true, InIndex::Gitlink));
            assert_eq!(t.lookup(d, b"d/name"), (true, InIndex::Directory));
            assert_eq!(t.lookup(d, b"d/sp"), (false, InIndex::Sparse));
            assert_eq!(t.lookup(d, b"d/nam"), (false, InIndex::Nothing));
        }
        let t = Tracked::new(&entries, true);
        assert_eq!(t.lookup(t.under(b""), b"A.TXT"), (true, InIndex::Nothing));
    }
}
