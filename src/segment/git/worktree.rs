//! Which work tree git uses for a repository, by the rules of git's setup.c: `GIT_WORK_TREE`,
//! else `core.worktree` (relative to the git directory), else none when `core.bare` is true,
//! else the folder holding `.git` — or, for a repository named by `GIT_DIR`, the working
//! directory itself. The branch does not depend on it; status and `explain` do. Reads the
//! repository's config file (bounded; includes are not followed, and said so), never `git`.

use std::path::{Path, PathBuf};

use super::discover::Via;
use super::Raw;
use crate::env::Env;
use crate::io::files;

/// The most of a repository's config file read for the work tree: git's own are a few KB.
const CONFIG_LIMIT: u64 = 1 << 20;

/// The work tree, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkTree {
    /// Its top folder; `None` for a bare repository.
    pub top: Option<PathBuf>,
    /// What decided it, for `explain`.
    pub why: String,
    /// `git rev-parse --is-bare-repository`: no work tree, and `core.bare` not false (inside
    /// the `.git` folder of a normal repository there is no work tree, but it is not bare).
    pub bare: bool,
}

/// The reason given when `core.worktree` decided.
const CORE_WORKTREE: &str = "core.worktree";

/// The two config keys that move the work tree.
#[derive(Debug, Default, PartialEq, Eq)]
struct Keys {
    bare: Option<bool>,
    worktree: Option<PathBuf>,
}

/// The work tree git would use for `raw` in `env`.
#[must_use]
pub fn of(env: &Env, raw: &Raw) -> WorkTree {
    let keys = read_keys(&raw.common_dir.join("config"));
    let from_env = env
        .non_empty("GIT_WORK_TREE")
        .map(|w| env.absolute(Path::new(w)));
    let cwd = env.cwd().map(Path::to_path_buf);
    let mut tree = decide(&raw.via, from_env, &keys, &raw.git_dir, cwd);
    tree.bare = tree.top.is_none() && keys.bare != Some(false);
    // git enters a core.worktree at set-up and stops when it cannot (a GIT_WORK_TREE that
    // names no folder it takes as given): then there is no work tree to show anything of.
    if tree.why == CORE_WORKTREE {
        if let Some(top) = tree.top.take_if(|top| !top.is_dir()) {
            tree.why = format!(
                "core.worktree names {}, which is not a folder",
                top.display()
            );
        }
    }
    tree
}

/// git's choice, pure: `via` (how the repository was found), `GIT_WORK_TREE`, the config keys.
fn decide(
    via: &Via,
    from_env: Option<PathBuf>,
    keys: &Keys,
    git_dir: &Path,
    cwd: Option<PathBuf>,
) -> WorkTree {
    let tree = |top: Option<PathBuf>, why: &str| WorkTree {
        top,
        why: why.to_string(),
        bare: false,
    };
    let explicit = from_env.is_some() || keys.worktree.is_some();
    match via {
        Via::DotGit(top) if !explicit => {
            if keys.bare == Some(true) {
                tree(None, "core.bare is true")
            } else {
                tree(Some(top.clone()), "the folder holding .git")
            }
        }
        Via::Bare if !explicit => tree(None, "a bare repository"),
        // Named by GIT_DIR, or found with GIT_WORK_TREE / core.worktree set: setup.c's
        // explicit case.
        _ => {
            if let Some(top) = from_env {
                tree(Some(top), "GIT_WORK_TREE")
            } else if keys.bare == Some(true) {
                tree(None, "core.bare is true")
            } else if let Some(rel) = &keys.worktree {
                tree(Some(git_dir.join(rel)), CORE_WORKTREE)
            } else {
                tree(cwd, "GIT_DIR without GIT_WORK_TREE: the working directory")
            }
        }
    }
}

/// `core.bare` and `core.worktree` from the config file at `path` (absent or unreadable: none).
fn read_keys(path: &Path) -> Keys {
    let Ok(Some(bytes)) = files::read_regular(path, CONFIG_LIMIT) else {
        return Keys::default();
    };
    let Ok(file) = gix::config::File::from_bytes_no_includes(
        &bytes,
        gix::config::file::Metadata::api(),
        gix::config::file::init::Options::default(),
    ) else {
        return Keys::default();
    };
    Keys {
        bare: file.boolean("core.bare").ok().flatten(),
        worktree: file.string("core.worktree").map(|v| {
            use std::os::unix::ffi::OsStrExt;
            PathBuf::from(std::ffi::OsStr::from_bytes(&v))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_c_order() {
        let git = Path::new("/r/.git");
        let cwd = Some(PathBuf::from("/r/sub"));
        let keys = |bare, wt: Option<&str>| Keys {
            bare,
            worktree: wt.map(PathBuf::from),
        };
        let top = |via: Via, env: Option<&str>, k: Keys| {
            decide(&via, env.map(PathBuf::from), &k, git, cwd.clone()).top
        };
        let dot = || Via::DotGit("/r".into());
        assert_eq!(top(dot(), None, keys(None, None)), Some("/r".into()));
        assert_eq!(top(dot(), None, keys(Some(true), None)), None);
        assert_eq!(
            top(dot(), Some("/w"), keys(Some(true), None)),
            Some("/w".into())
        );
        assert_eq!(
            top(dot(), None, keys(None, Some("../w"))),
            Some("/r/.git/../w".into())
        );
        assert_eq!(top(Via::Bare, None, keys(None, None)), None);
        assert_eq!(
            top(Via::Bare, Some("/w"), keys(None, None)),
            Some("/w".into())
        );
        assert_eq!(top(Via::GitDir, None, keys(None, None)), cwd);
        assert_eq!(top(Via::GitDir, None, keys(Some(true), Some("/w"))), None);
    }
}
