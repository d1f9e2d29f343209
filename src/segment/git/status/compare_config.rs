//! The config keys the work-tree compare reads (`core.fileMode`, `core.symlinks`, and for
//! submodules `diff.ignoreSubmodules`, `status.showUntrackedFiles`, `submodule.<name>.ignore`),
//! from git's config files in git's order through [`super::untracked_config::lookup`]. Read
//! only when an entry needs them; where the answer could come from somewhere awesh does not
//! read (the global files without the environment, `git -c`), the value is unknown, not the
//! default.

use super::untracked_config::{self, Key, Lookup};
use super::Paths;
use crate::env::Env;

/// Variables that add or replace config files awesh does not read.
const OVERRIDES: [&str; 4] = [
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
];

/// Reads `keys`, or why they cannot be read as git would.
///
/// # Errors
/// A config file is unreadable, an include cannot be followed, or the environment points
/// git at config awesh does not read.
pub fn lookup(env: Option<&Env>, paths: &Paths, keys: &[Key]) -> Result<Lookup, String> {
    if let Some(env) = env {
        if let Some(var) = OVERRIDES.iter().find(|v| env.non_empty(v).is_some()) {
            return Err(format!("{var} is set (that config is not read)"));
        }
    }
    untracked_config::lookup(env, paths, keys)
}

/// A value from `found` (slot `at`): set, or unset where every file was read.
///
/// # Errors
/// Unset in the repository's files, and the outside ones were not read.
pub fn decided<'a>(
    found: &'a Lookup,
    at: usize,
    key: &str,
) -> Result<Option<&'a Option<Vec<u8>>>, String> {
    match found.values.get(at) {
        Some(Some(v)) => Ok(Some(v)),
        _ if found.outside => Ok(None),
        _ => Err(format!(
            "{key}: not set in the repository, and the global config was not read (no environment)"
        )),
    }
}

/// `core.fileMode` and `core.symlinks` (git's defaults: true and true), each or why it
/// cannot be known.
pub fn modes(env: Option<&Env>, paths: &Paths) -> (Result<bool, String>, Result<bool, String>) {
    let keys = [
        Key::plain("core", "fileMode"),
        Key::plain("core", "symlinks"),
    ];
    let found = match lookup(env, paths, &keys) {
        Ok(found) => found,
        Err(why) => return (Err(why.clone()), Err(why)),
    };
    let one = |at: usize, key: &str| -> Result<bool, String> {
        let v = decided(&found, at, key)?;
        Ok(untracked_config::bool_value(v, key)?.unwrap_or(true))
    };
    (one(0, "core.fileMode"), one(1, "core.symlinks"))
}
