//! The working-tree status a server keeps between prompts: computed once, then given again as
//! long as inotify saw nothing change under the work tree or the git directories and the few
//! files outside them that the status reads (global git config and ignore files) have the same
//! stamp; after files of the work tree were only written in place, refreshed by comparing just
//! those again (`status::refresh`). Anything the watches cannot vouch for — a queue overflow, a watch limit, a network
//! filesystem mounted anywhere (its changes may not raise events), a status cut short by its
//! deadline — means the status is computed afresh, as `awesh prompt` would.

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::time::Instant;

use super::status::{Status, Worktree};
use super::Raw;
use crate::env::Env;
use crate::io::watch::{Root, Seen, Trees};
use crate::segment::StatusResult;

/// At most this many folders are watched for one repository; a larger tree is recomputed each
/// prompt (within the status's own budgets).
pub const MAX_WATCHED_DIRS: usize = 50_000;

/// How the status of one request was had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// Computed now, and kept, watched, for the next prompts.
    Computed,
    /// Given again: nothing changed since it was computed.
    Reused,
    /// Only files written in place changed: those were compared again, the rest given again.
    Refreshed(usize),
    /// Computed now and not kept, for the reason given.
    Full(String),
}

/// A file's identity and change stamp: a different one means it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    ino: u64,
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
}

fn stamp(path: &PathBuf) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(Stamp {
        ino: meta.ino(),
        size: meta.size(),
        mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
        ctime_ns: i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
    })
}

/// What the kept status was computed from; any difference means it is computed again.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    git_dir: PathBuf,
    common_dir: PathBuf,
    work_tree: Option<PathBuf>,
    limits: crate::segment::StatusLimits,
    /// The variables that move the files below, and the files' stamps.
    vars: Vec<Option<std::ffi::OsString>>,
    outside: Vec<(PathBuf, Option<Stamp>)>,
}

/// The variables that decide which config and ignore files outside the repository git reads.
const VARS: &[&str] = &[
    "HOME",
    "XDG_CONFIG_HOME",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_CONFIG_NOSYSTEM",
    "GIT_CONFIG_COUNT",
];

/// The files outside the repository the status may read: global and system config, the
/// default global ignore file.
fn outside_files(env: &Env) -> Vec<PathBuf> {
    let mut files = super::global::config_files(env);
    if let Some(dir) = super::global::xdg_dir(env) {
        files.push(dir.join("ignore"));
        files.push(dir.join("attributes"));
    }
    for var in ["GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM"] {
        if let Some(path) = env.non_empty(var) {
            files.push(PathBuf::from(path));
        }
    }
    files
}

struct Entry {
    key: Key,
    trees: Trees,
    roots: Vec<Root>,
    status: StatusResult,
    /// What a refresh after in-place edits needs (`None`: every change means a recompute).
    worktree: Option<Worktree>,
}

/// The status kept for the repository of the last request (one: a shell is in one place).
#[derive(Default)]
pub struct StatusMemo {
    entry: Option<Entry>,
}

impl StatusMemo {
    /// The status of `raw`'s repository: the kept one when nothing changed; `refresh`'s when
    /// only tracked or untracked files of the work tree were written in place (it gets their
    /// paths relative to the work tree, and returns `None` when it cannot tell that way); else
    /// `compute`'s (kept when it is complete and can be watched). `work_tree` is the one git
    /// would use.
    #[allow(clippy::too_many_arguments)]
    pub fn get(
        &mut self,
        env: &Env,
        raw: &Raw,
        work_tree: Option<PathBuf>,
        limits: crate::segment::StatusLimits,
        deadline: Instant,
        compute: impl FnOnce() -> (StatusResult, Option<Worktree>),
        refresh: impl FnOnce(&mut Worktree, &Status, &[Vec<u8>]) -> Option<StatusResult>,
    ) -> (StatusResult, Kept) {
        let key = Key {
            git_dir: raw.git_dir.clone(),
            common_dir: raw.common_dir.clone(),
            work_tree: work_tree.clone(),
            limits,
            vars: VARS.iter().map(|v| env.var(v).map(Into::into)).collect(),
            outside: outside_files(env)
                .into_iter()
                .map(|p| {
                    let s = stamp(&p);
                    (p, s)
                })
                .collect(),
        };
        if let Some(entry) = self.entry.as_mut().filter(|e| e.key == key) {
            let mut seen = entry.trees.seen();
            if let Seen::Edited(files) = &seen {
                let edited = in_work_tree(files, raw, work_tree.as_deref());
                let done = match (edited, &mut entry.worktree, &entry.status) {
                    (Some(edited), Some(tree), Ok(prev)) => refresh(tree, prev, &edited)
                        .filter(|status| complete(status, deadline))
                        .map(|status| (status, edited.len())),
                    _ => None,
                };
                match done {
                    Some((status, n)) => {
                        entry.status = status.clone();
                        return (status, Kept::Refreshed(n));
                    }
                    None => seen = Seen::Changed,
                }
            }
            match seen {
                Seen::Quiet => return (entry.status.clone(), Kept::Reused),
                Seen::Edited(_) | Seen::Changed => {
                    // The old entries go first: two indexes of a big repository at once would
                    // double the server's memory.
                    entry.worktree = None;
                    let (status, worktree) = compute();
                    let why = if !complete(&status, deadline) {
                        "the status was cut short".to_string()
                    } else if let Some(dir) = unwatched_submodule(&status, &entry.roots) {
                        outside(&dir)
                    } else {
                        entry.status = status.clone();
                        entry.worktree = worktree;
                        return (status, Kept::Computed);
                    };
                    self.entry = None;
                    return (status, Kept::Full(why));
                }
                Seen::Lost(why) => {
                    self.entry = None;
                    return (compute().0, Kept::Full(why));
                }
            }
        }
        self.entry = None;
        if let Err(why) = crate::segment::inline::machine_is_local() {
            return (compute().0, Kept::Full(format!("not watched: {why}")));
        }
        // Watches first, then the status: a change made while it is computed is seen next time.
        let mut roots = vec![Root {
            top: raw.git_dir.clone(),
            skip: vec!["objects"],
            recursive: true,
        }];
        if raw.common_dir != raw.git_dir {
            roots.push(Root {
                top: raw.common_dir.clone(),
                skip: vec!["objects", "worktrees"],
                recursive: true,
            });
        }
        if let Some(top) = &work_tree {
            roots.push(Root {
                top: top.clone(),
                skip: vec![".git"],
                recursive: true,
            });
        }
        let trees = match Trees::new(&roots, MAX_WATCHED_DIRS) {
            Ok(trees) => trees,
            Err(why) => return (compute().0, Kept::Full(format!("not watched: {why}"))),
        };
        let (status, worktree) = compute();
        if !complete(&status, deadline) {
            return (status, Kept::Full("the status was cut short".into()));
        }
        if let Some(dir) = unwatched_submodule(&status, &roots) {
            return (status, Kept::Full(outside(&dir)));
        }
        self.entry = Some(Entry {
            key,
            trees,
            roots,
            status: status.clone(),
            worktree,
        });
        (status, Kept::Computed)
    }
}

/// A git directory of a submodule the status read that no watched tree holds (a submodule whose
/// `.git` file names a folder elsewhere): its changes would raise no event here.
fn unwatched_submodule(status: &StatusResult, roots: &[Root]) -> Option<PathBuf> {
    let dirs = status.as_ref().ok()?;
    dirs.submodule_dirs
        .iter()
        .find(|dir| !roots.iter().any(|root| dir.starts_with(&root.top)))
        .cloned()
}

/// The edited files as paths relative to the work tree, when every one is in it and none is
/// under a git directory (git's own files are never refreshed, only recomputed).
fn in_work_tree(
    files: &[PathBuf],
    raw: &Raw,
    work_tree: Option<&std::path::Path>,
) -> Option<Vec<Vec<u8>>> {
    use std::os::unix::ffi::OsStrExt;
    let top = work_tree?;
    files
        .iter()
        .map(|file| {
            if file.starts_with(&raw.git_dir) || file.starts_with(&raw.common_dir) {
                return None;
            }
            let rel = file.strip_prefix(top).ok()?;
            Some(rel.as_os_str().as_bytes().to_vec())
        })
        .collect()
}

fn outside(dir: &std::path::Path) -> String {
    format!(
        "not watched: a submodule's git directory {} is outside the repository",
        dir.display()
    )
}

/// A status worth keeping: there is one, and it was finished before its deadline (so no count
/// is unknown for lack of time; unknowns for other reasons stay until something changes).
fn complete(status: &StatusResult, deadline: Instant) -> bool {
    status.is_ok() && Instant::now() < deadline
}
