//! Working-tree status (issue 16), read-only: counts of unstaged and conflicted paths from
//! the index and one `lstat` per entry, and the stash count from its reflog, each either
//! exact, a lower bound, or unknown with a reason. Not wired into the prompt yet (the lead
//! wires it). Never writes under `.git`, never takes `index.lock`, never runs a process.
//! Staged changes, the upstream and untracked files are `staged`, `upstream` and
//! `untracked`; submodules are `submodule`, which gathers each one's status with this same
//! code one level down.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::io::files;

pub mod cachetree;
pub mod compare_config;
pub mod config;
pub mod content;
pub mod entry;
pub mod ignore;
pub mod index;
pub mod objects;
pub mod refs;
pub mod renames;
pub mod similar;
pub mod split;
pub mod staged;
pub mod stash;
pub mod submodule;
pub mod untracked;
pub mod untracked_config;
pub mod upstream;

/// A count that may be cut short or unknowable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Count {
    /// Exactly this many (git would say the same).
    Exact(u32),
    /// At least this many: a budget stopped the count, or some entries could not be decided.
    AtLeast(u32),
    /// Not known; why.
    Unknown(String),
}

/// Limits that bound the work; hitting one makes a count `AtLeast` or `Unknown`, never a
/// wrong "clean".
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Indexes with more entries than this are not examined.
    pub max_index_entries: usize,
    /// Stop counting a class past this many (1: only a marker is shown).
    pub max_per_class: u32,
    /// Past this instant, undecided entries are unknown.
    pub deadline: Instant,
}

/// Where the repository is: from discovery (`discover::Found`) plus its work tree.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The worktree-private git directory (holds `index`).
    pub git_dir: PathBuf,
    /// The common directory (holds `logs/refs/stash`).
    pub common_dir: PathBuf,
    /// The work tree; `None` for a bare repository.
    pub work_tree: Option<PathBuf>,
}

/// The upstream of the current branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// e.g. `origin/main`.
    pub name: String,
    /// Commits on the branch and not on the upstream.
    pub ahead: Count,
    /// Commits on the upstream and not on the branch.
    pub behind: Count,
    /// Configured but its ref is missing (or the branch has no commit yet): git prints the
    /// upstream without `branch.ab`, and `ahead`/`behind` are `Unknown`.
    pub gone: bool,
}

/// The status of one repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Paths whose index entry differs from HEAD.
    pub staged: Count,
    /// Paths whose work-tree file differs from the index.
    pub unstaged: Count,
    /// Untracked, not ignored paths.
    pub untracked: Count,
    /// Paths with unmerged (stage 1-3) entries.
    pub conflicted: Count,
    /// Stash entries.
    pub stash: Count,
    /// The upstream, `Ok(None)` when there is none, `Err` with why it is not known.
    pub upstream: Result<Option<Upstream>, String>,
    /// Paths that could not be decided, with why (the first few).
    pub unknown: Vec<(String, String)>,
    /// What was skipped and why.
    pub skipped: Vec<String>,
    /// Microseconds per phase.
    pub micros: Vec<(&'static str, u64)>,
    /// The git directories of submodules read (at any depth): a server that keeps this status
    /// must be able to see changes in them too.
    pub submodule_dirs: Vec<PathBuf>,
}

impl Status {
    /// Commits ahead of and behind the upstream: zero each without an upstream, unknown (with
    /// why) when the upstream could not be worked out.
    #[must_use]
    pub fn ahead_behind(&self) -> (Count, Count) {
        match &self.upstream {
            Ok(Some(up)) => (up.ahead.clone(), up.behind.clone()),
            Ok(None) => (Count::Exact(0), Count::Exact(0)),
            Err(why) => (Count::Unknown(why.clone()), Count::Unknown(why.clone())),
        }
    }
}

/// Indexes with at least this many entries are examined on rayon's threads; smaller ones on
/// the calling thread.
pub const PARALLEL_FROM: usize = 2000;

/// At most this many undecided paths are listed in [`Status::unknown`].
const LISTED: usize = 16;
/// An index entry is at most 62 fixed bytes, 2 extended and a 4 KiB path.
const ENTRY_BYTES: usize = 4200;

const NOT_YET_STAGED: &str = "staged: not examined";
const NOT_YET_UPSTREAM: &str = "upstream: not examined";

fn unknown(why: &str) -> Count {
    Count::Unknown(why.to_string())
}

/// Gathers the status of the repository at `paths` within `budget`. Without the
/// environment the untracked count is unknown (its config lives under HOME): see
/// [`gather_in`].
#[must_use]
pub fn gather(paths: &Paths, budget: &Budget) -> Status {
    gather_in(None, paths, budget)
}

/// [`gather`], with `env` for the config the untracked count depends on.
#[must_use]
pub fn gather_in(env: Option<&crate::env::Env>, paths: &Paths, budget: &Budget) -> Status {
    gather_level(env, paths, budget, Level::default()).0
}

/// Which repository of a tree of submodules is gathered.
#[derive(Debug, Clone, Copy, Default)]
struct Level {
    /// 0 for the repository asked about, 1 for its submodules, and so on.
    depth: u8,
    /// Its status is git's `status -uno` (a parent ignores untracked content in it).
    untracked_no: bool,
}

/// What a parent's submodule check needs besides the counts.
#[derive(Debug, Default)]
struct Inner {
    /// Changed entries other than submodules holding only untracked content (git's `S..U`
    /// lines), and undecided entries.
    plain: (u32, u32),
    /// What each submodule (gitlink) in the work tree is.
    nested: Vec<submodule::Dirty>,
    /// A submodule could not be decided.
    nested_unknown: bool,
    /// What a server may keep to redo only edited files' compare (depth 0, no gitlinks).
    kept: Option<Worktree>,
}

/// What a server keeps of a status to redo, after a few tracked files were edited in place,
/// only their compare ([`refresh`]): the index's entries and each one's verdict, and the rules
/// they were compared by. Kept only for a repository without gitlinks (a submodule's state
/// lives in folders an edit event does not describe).
#[derive(Debug)]
pub struct Worktree {
    entries: Vec<index::Entry>,
    verdicts: Vec<entry::Verdict>,
    rules: entry::Rules,
    /// How many verdicts are `Changed` and `Unknown`, kept up to date by [`refresh`].
    changed: u32,
    undecided: u32,
}

/// The status at `paths` for `level`: a submodule's gathers no stash or upstream.
fn gather_level(
    env: Option<&crate::env::Env>,
    paths: &Paths,
    budget: &Budget,
    level: Level,
) -> (Status, Inner) {
    let mut inner = Inner::default();
    let mut status = Status {
        staged: unknown(NOT_YET_STAGED),
        unstaged: unknown("not examined"),
        untracked: unknown("not examined"),
        conflicted: unknown("not examined"),
        stash: unknown("not examined"),
        upstream: Err(NOT_YET_UPSTREAM.to_string()),
        unknown: Vec::new(),
        skipped: Vec::new(),
        micros: Vec::new(),
        submodule_dirs: Vec::new(),
    };
    let start = Instant::now();
    if level.depth == 0 {
        status.stash = stash::count(&paths.common_dir);
    }
    status.micros.push(("stash", micros(start)));
    let Some(work_tree) = &paths.work_tree else {
        let why = "bare repository: no work tree, no status";
        status.unstaged = unknown(why);
        status.conflicted = unknown(why);
        status.staged = unknown(why);
        status.untracked = unknown(why);
        status.skipped.push(why.to_string());
        return (status, inner);
    };
    let start = Instant::now();
    if level.depth == 0 {
        status.upstream = upstream::of(paths, budget);
    }
    status.micros.push(("upstream", micros(start)));
    let start = Instant::now();
    // A split index is made whole first, so every class reads the same entries.
    let index = read_index(&paths.git_dir, budget).and_then(|(idx, mtime)| {
        split::resolve(&paths.git_dir, idx, budget.max_index_entries).map(|idx| (idx, mtime))
    });
    let index = match index {
        Ok(index) => index,
        Err(why) => {
            status.unstaged = Count::Unknown(why.clone());
            status.conflicted = Count::Unknown(why.clone());
            status.staged = Count::Unknown(why.clone());
            status.untracked = Count::Unknown(why.clone());
            status.skipped.push(why);
            return (status, inner);
        }
    };
    status.micros.push(("index", micros(start)));
    let (idx, index_mtime) = index;
    let start = Instant::now();
    let staged = staged::of_in(env, paths, &idx, budget);
    status.staged = staged.count;
    status.skipped.extend(staged.note);
    status.micros.push(("staged", micros(start)));
    let start = Instant::now();
    if level.untracked_no {
        status.untracked = Count::Exact(0);
    } else {
        let (untracked, note) = untracked::gather(env, paths, work_tree, &idx.entries, budget);
        status.untracked = untracked;
        status.skipped.extend(note);
    }
    status.micros.push(("untracked", micros(start)));
    let start = Instant::now();
    status.conflicted = cap(conflicts(&idx.entries), 0, budget.max_per_class, "");
    let mut rules = entry::Rules {
        index_mtime,
        file_mode: None,
        symlinks: None,
    };
    let verdict = |e: &index::Entry, rules: entry::Rules| {
        if e.stage != 0 {
            return entry::Verdict::Clean;
        }
        if Instant::now() > budget.deadline {
            return entry::Verdict::Unknown("deadline passed");
        }
        let path = work_tree.join(path_of(&e.path));
        let meta = std::fs::symlink_metadata(&path).ok();
        entry::compare(e, meta.as_ref(), rules)
    };
    // A small index is done before rayon's pool would have started its threads (starting it
    // costs more than a few hundred `lstat`s).
    let mut verdicts: Vec<entry::Verdict> = if idx.entries.len() >= PARALLEL_FROM {
        idx.entries.par_iter().map(|e| verdict(e, rules)).collect()
    } else {
        idx.entries.iter().map(|e| verdict(e, rules)).collect()
    };
    // core.fileMode and core.symlinks, read only when an entry needs them.
    let needs = |v: &entry::Verdict| matches!(v, entry::Verdict::Unknown(why) if *why == entry::NEEDS_FILE_MODE || *why == entry::NEEDS_SYMLINKS);
    if verdicts.iter().any(needs) {
        let (file_mode, symlinks) = compare_config::modes(env, paths);
        for why in [&file_mode, &symlinks]
            .into_iter()
            .filter_map(|r| r.as_ref().err())
        {
            status.skipped.push(why.clone());
        }
        rules.file_mode = file_mode.ok();
        rules.symlinks = symlinks.ok();
        for (e, v) in idx.entries.iter().zip(verdicts.iter_mut()) {
            if needs(v) {
                *v = verdict(e, rules);
            }
        }
    }
    leading_symlinks(work_tree, &idx.entries, &mut verdicts);
    settle_by_content(env, paths, work_tree, &idx.entries, &mut verdicts, budget);
    let mut reasons: Vec<(usize, String)> = Vec::new();
    let mut untracked_only = 0u32;
    if verdicts.contains(&entry::Verdict::Submodule) {
        let rules = submodule::Rules::read(env, paths, work_tree, &idx.entries, level.untracked_no);
        for (i, (e, v)) in idx.entries.iter().zip(verdicts.iter_mut()).enumerate() {
            if *v != entry::Verdict::Submodule {
                continue;
            }
            let found = match &rules {
                Ok(rules) => submodule::check(
                    env,
                    rules,
                    work_tree,
                    e,
                    budget,
                    level.depth,
                    &mut status.submodule_dirs,
                ),
                Err(why) => Err(why.clone()),
            };
            *v = match found {
                Ok(dirty) => {
                    untracked_only += u32::from(dirty.untracked_only());
                    inner.nested.push(dirty);
                    if dirty.any() {
                        entry::Verdict::Changed
                    } else {
                        entry::Verdict::Clean
                    }
                }
                Err(why) => {
                    inner.nested_unknown = true;
                    reasons.push((i, format!("submodule: {why}")));
                    entry::Verdict::Unknown("submodule: not known")
                }
            };
        }
    }
    let (changed, undecided, first_reason) =
        tally(&idx.entries, &verdicts, &reasons, &mut status.unknown);
    inner.plain = (changed.saturating_sub(untracked_only), undecided);
    status.unstaged = cap(changed, undecided, budget.max_per_class, &first_reason);
    status.micros.push(("worktree", micros(start)));
    let gitlink = |e: &index::Entry| e.mode & 0o170000 == objects::GITLINK;
    if level.depth == 0 && !idx.entries.iter().any(gitlink) {
        inner.kept = Some(Worktree {
            entries: idx.entries,
            verdicts,
            rules,
            changed,
            undecided,
        });
    }
    (status, inner)
}

/// Counts the changed and undecided entries, listing the first undecided ones (with `reasons`
/// given for some by position) in `unknown`; returns the counts and the first reason.
fn tally(
    entries: &[index::Entry],
    verdicts: &[entry::Verdict],
    reasons: &[(usize, String)],
    unknown: &mut Vec<(String, String)>,
) -> (u32, u32, String) {
    let (mut changed, mut undecided) = (0u32, 0u32);
    let mut first_reason = String::new();
    for (i, (e, v)) in entries.iter().zip(verdicts).enumerate() {
        match v {
            entry::Verdict::Clean | entry::Verdict::Submodule => {}
            entry::Verdict::Changed => changed = changed.saturating_add(1),
            entry::Verdict::Unknown(why) => {
                undecided = undecided.saturating_add(1);
                let why = reasons
                    .iter()
                    .find(|(at, _)| *at == i)
                    .map_or_else(|| (*why).to_string(), |(_, w)| w.clone());
                if first_reason.is_empty() {
                    first_reason.clone_from(&why);
                }
                if unknown.len() < LISTED {
                    unknown.push((String::from_utf8_lossy(&e.path).into_owned(), why));
                }
            }
        }
    }
    (changed, undecided, first_reason)
}

/// [`gather_in`], with what a server may keep to [`refresh`] it later.
#[must_use]
pub fn gather_keeping(
    env: Option<&crate::env::Env>,
    paths: &Paths,
    budget: &Budget,
) -> (Status, Option<Worktree>) {
    let (status, inner) = gather_level(env, paths, budget, Level::default());
    (status, inner.kept)
}

/// Names whose content changes what the status reads besides the file itself (ignore rules,
/// attributes, submodule settings): an edit of one is never refreshed, only recomputed.
const RULE_FILES: &[&[u8]] = &[b".gitignore", b".gitattributes", b".gitmodules"];

/// The status `prev` again after the tracked or untracked files `edited` (paths relative to
/// the work tree) were only written in place (no file made, removed or renamed, no folder
/// changed, nothing under the git directory): each edited tracked file is compared again and
/// the unstaged count redone; an untracked file's content changes no count. `None` when it
/// cannot be done this way (a rule file, a conflicted path, a compare that needs config not
/// read yet, the deadline): the caller then gathers afresh.
#[must_use]
pub fn refresh(
    env: Option<&crate::env::Env>,
    paths: &Paths,
    budget: &Budget,
    kept: &mut Worktree,
    prev: &Status,
    edited: &[Vec<u8>],
) -> Option<Status> {
    let start = Instant::now();
    let work_tree = paths.work_tree.as_ref()?;
    for rel in edited {
        let name = rel.rsplit(|&b| b == b'/').next().unwrap_or_default();
        if RULE_FILES.contains(&name) || rel.is_empty() {
            return None;
        }
        let at = kept
            .entries
            .partition_point(|e| e.path.as_slice() < rel.as_slice());
        let Some(e) = kept.entries.get(at).filter(|e| e.path == *rel) else {
            // Not tracked: an untracked or ignored file's content is no count's business.
            continue;
        };
        if e.stage != 0 || Instant::now() > budget.deadline {
            return None;
        }
        let meta = std::fs::symlink_metadata(work_tree.join(path_of(rel))).ok();
        let mut v = entry::compare(e, meta.as_ref(), kept.rules);
        if matches!(v, entry::Verdict::Unknown(why) if why == entry::NEEDS_FILE_MODE || why == entry::NEEDS_SYMLINKS)
            || v == entry::Verdict::Submodule
        {
            return None;
        }
        let one = std::slice::from_ref(e);
        settle_by_content(
            env,
            paths,
            work_tree,
            one,
            std::slice::from_mut(&mut v),
            budget,
        );
        let old = std::mem::replace(kept.verdicts.get_mut(at)?, v.clone());
        for (verdict, add) in [(&old, false), (&v, true)] {
            let counter = match verdict {
                entry::Verdict::Changed => &mut kept.changed,
                entry::Verdict::Unknown(_) => &mut kept.undecided,
                entry::Verdict::Clean | entry::Verdict::Submodule => continue,
            };
            *counter = if add {
                counter.saturating_add(1)
            } else {
                counter.saturating_sub(1)
            };
        }
    }
    let mut status = prev.clone();
    status.unknown.clear();
    // With nothing undecided the counts say it all; else the first undecided paths are listed
    // again, in index order, as a full gather lists them.
    let (changed, undecided, first_reason) = if kept.undecided == 0 {
        (kept.changed, 0, String::new())
    } else {
        tally(&kept.entries, &kept.verdicts, &[], &mut status.unknown)
    };
    status.unstaged = cap(changed, undecided, budget.max_per_class, &first_reason);
    status.micros = vec![("refresh", micros(start))];
    Some(status)
}

/// git calls a path removed when a folder above it is a symlink (`has_symlink_leading_path`
/// in `check_removed`), whatever `lstat` through the link finds. One `lstat` per folder
/// holding entries; entries already changed, or that git does not look at, are left alone.
fn leading_symlinks(work_tree: &Path, entries: &[index::Entry], verdicts: &mut [entry::Verdict]) {
    let looked_at = |e: &index::Entry, v: &entry::Verdict| {
        e.stage == 0
            && !e.skip_worktree
            && !e.assume_valid
            && !matches!(v, entry::Verdict::Changed | entry::Verdict::Submodule)
    };
    let mut dirs: std::collections::BTreeSet<&[u8]> = std::collections::BTreeSet::new();
    let mut last: &[u8] = b"";
    for (e, v) in entries.iter().zip(verdicts.iter()) {
        if !looked_at(e, v) {
            continue;
        }
        // Entries at the top have no folder above them.
        let Some(dir) = e
            .path
            .iter()
            .rposition(|&b| b == b'/')
            .and_then(|at| e.path.get(..at))
        else {
            continue;
        };
        if dir == last {
            continue;
        }
        last = dir;
        for (at, _) in dir.iter().enumerate().filter(|(_, &b)| b == b'/') {
            dirs.insert(dir.get(..at).unwrap_or_default());
        }
        dirs.insert(dir);
    }
    let is_link = |d: &&[u8]| {
        std::fs::symlink_metadata(work_tree.join(path_of(d)))
            .is_ok_and(|m| m.file_type().is_symlink())
    };
    let links: Vec<&[u8]> = if dirs.len() >= PARALLEL_FROM {
        let all: Vec<&[u8]> = dirs.into_iter().collect();
        all.into_par_iter().filter(is_link).collect()
    } else {
        dirs.into_iter().filter(is_link).collect()
    };
    if links.is_empty() {
        return;
    }
    for (e, v) in entries.iter().zip(verdicts.iter_mut()) {
        let under = links
            .iter()
            .any(|l| e.path.starts_with(l) && e.path.get(l.len()) == Some(&b'/'));
        if under && looked_at(e, v) {
            *v = entry::Verdict::Changed;
        }
    }
}

/// Decides by content, as git does, the entries the stat could not (racily clean, or changed
/// but the same size), when nothing could convert their content ([`content::conversions`]).
fn settle_by_content(
    env: Option<&crate::env::Env>,
    paths: &Paths,
    work_tree: &Path,
    entries: &[index::Entry],
    verdicts: &mut [entry::Verdict],
    budget: &Budget,
) {
    let by_content = |v: &entry::Verdict| matches!(v, entry::Verdict::Unknown(why) if why.starts_with("racily clean") || why.starts_with("stat changed but size did not"));
    if !verdicts.iter().any(by_content) {
        return;
    }
    let conversions =
        content::conversions(env, &paths.git_dir, &paths.common_dir, work_tree, entries);
    if conversions.is_some() {
        return;
    }
    for (e, v) in entries.iter().zip(verdicts.iter_mut()) {
        if !by_content(v) || Instant::now() > budget.deadline {
            continue;
        }
        let path = work_tree.join(path_of(&e.path));
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        match content::same_blob(&path, &meta, e) {
            Some(true) => *v = entry::Verdict::Clean,
            Some(false) => *v = entry::Verdict::Changed,
            None => {}
        }
    }
}

/// Counts paths with unmerged entries (each path once, however many stages it has).
fn conflicts(entries: &[index::Entry]) -> u32 {
    let mut n = 0u32;
    let mut last: Option<&[u8]> = None;
    for e in entries.iter().filter(|e| e.stage != 0) {
        if last != Some(e.path.as_slice()) {
            n = n.saturating_add(1);
            last = Some(&e.path);
        }
    }
    n
}

/// `known` decided items plus `undecided` ones, as a count under `max` (0: no limit).
fn cap(known: u32, undecided: u32, max: u32, why: &str) -> Count {
    if max != 0 && known > max {
        return Count::AtLeast(max);
    }
    match (known, undecided) {
        (n, 0) => Count::Exact(n),
        (0, _) => Count::Unknown(format!("{undecided} undecided: {why}")),
        (n, _) => Count::AtLeast(n),
    }
}

fn path_of(bytes: &[u8]) -> &Path {
    use std::os::unix::ffi::OsStrExt;
    Path::new(std::ffi::OsStr::from_bytes(bytes))
}

/// Reads and parses `git_dir/index`, with the file's mtime (seconds) for the racy check.
fn read_index(git_dir: &Path, budget: &Budget) -> Result<(index::Index, u32), String> {
    let path = git_dir.join("index");
    let meta = match std::fs::metadata(&path) {
        Ok(meta) => meta,
        // No index yet (a fresh repository): nothing is tracked.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((index::Index::default(), 0));
        }
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let limit = budget
        .max_index_entries
        .saturating_mul(ENTRY_BYTES)
        .saturating_add(1 << 20);
    let data = files::read_known(&path, &meta, limit as u64)?;
    let idx = index::parse(&data, budget.max_index_entries)?;
    use std::os::unix::fs::MetadataExt;
    Ok((idx, meta.mtime() as u32))
}

fn micros(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_never_claims_more_than_it_knows() {
        assert_eq!(cap(3, 0, 0, ""), Count::Exact(3));
        assert_eq!(cap(3, 1, 0, ""), Count::AtLeast(3));
        assert!(matches!(cap(0, 1, 0, "racy"), Count::Unknown(_)));
        assert_eq!(cap(5, 0, 1, ""), Count::AtLeast(1));
        assert_eq!(cap(1, 0, 1, ""), Count::Exact(1));
    }
}
