//! Finding the git directory as git does, with gix's discovery: `GIT_DIR` when set, else
//! upwards from the working directory, with git's rules for `GIT_CEILING_DIRECTORIES` and
//! `GIT_DISCOVERY_ACROSS_FILESYSTEM` (read from the `Env`, never from the process).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::env::Env;
use crate::segment::git::Missing;

/// Finds the git directory the way git does: `GIT_DIR` when set, else upwards from the
/// working directory, stopping at `GIT_CEILING_DIRECTORIES` and (unless
/// `GIT_DISCOVERY_ACROSS_FILESYSTEM` is true) at a filesystem boundary.
pub fn git_dir(env: &Env) -> Result<PathBuf, Missing> {
    let Some(cwd) = env.cwd() else {
        return Err(Missing::NotARepository(
            "the working directory cannot be read".into(),
        ));
    };
    if let Some(dir) = env.non_empty("GIT_DIR") {
        let dir = env.absolute(Path::new(dir));
        return match gix::discover::is_git(&dir) {
            Ok(_) => Ok(dir),
            Err(_) => Err(Missing::NotARepository(format!(
                "GIT_DIR={} is not a git directory",
                dir.display()
            ))),
        };
    }
    let ceilings = env
        .var("GIT_CEILING_DIRECTORIES")
        .map(ceiling_dirs)
        .unwrap_or_default();
    let options = gix::discover::upwards::Options {
        // Only HEAD and state files are read, never config or hooks: ownership is irrelevant.
        trust: gix::discover::upwards::TrustPolicy::Assume(gix::sec::Trust::Full),
        ceiling_dirs: ceilings.clone(),
        match_ceiling_dir_or_error: false,
        cross_fs: env
            .var("GIT_DISCOVERY_ACROSS_FILESYSTEM")
            .is_some_and(git_bool),
        dot_git_only: false,
        current_dir: Some(cwd),
    };
    match gix::discover::upwards_opts(cwd, options) {
        Ok((path, _trust)) => {
            // gix still probes the ceiling directory itself; git stops below it.
            let probed = match &path {
                gix::discover::repository::Path::WorkTree(dir)
                | gix::discover::repository::Path::Repository(dir)
                | gix::discover::repository::Path::LinkedWorkTree { work_dir: dir, .. } => {
                    env.absolute(dir)
                }
            };
            let strict_ancestor = |c: &PathBuf| cwd.starts_with(c) && cwd != c.as_path();
            if let Some(ceiling) = ceilings
                .iter()
                .find(|c| strict_ancestor(c) && probed == **c)
            {
                return Err(Missing::NotARepository(format!(
                    "discovery stopped below GIT_CEILING_DIRECTORIES entry {}",
                    ceiling.display()
                )));
            }
            let (git_dir, _work_tree) = path.into_repository_and_work_tree_directories();
            Ok(env.absolute(&git_dir))
        }
        Err(err) => Err(Missing::NotARepository(err.to_string())),
    }
}

/// Parses `GIT_CEILING_DIRECTORIES` as git does: absolute entries only, symlinks resolved
/// until an empty entry, after which entries are taken as written.
fn ceiling_dirs(value: &OsStr) -> Vec<PathBuf> {
    let mut resolve = true;
    let mut out = Vec::new();
    for dir in std::env::split_paths(value) {
        if dir.as_os_str().is_empty() {
            resolve = false;
        } else if dir.is_absolute() {
            out.push(if resolve {
                std::fs::canonicalize(&dir).unwrap_or(dir)
            } else {
                dir
            });
        }
    }
    out
}

/// git's boolean words: true/yes/on or a non-zero number.
fn git_bool(value: &OsStr) -> bool {
    let text = value.to_string_lossy();
    let text = text.trim();
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => true,
        "false" | "no" | "off" | "" => false,
        number => number.parse::<i64>().is_ok_and(|n| n != 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_bool_matches_git() {
        for (text, want) in [
            ("1", true),
            ("true", true),
            ("YES", true),
            ("on", true),
            ("0", false),
            ("no", false),
            ("", false),
            ("junk", false),
        ] {
            assert_eq!(git_bool(OsStr::new(text)), want, "{text}");
        }
    }
}
