//! The three config keys the untracked count depends on (`status.showUntrackedFiles`,
//! `core.excludesFile`, `core.ignoreCase`), read from git's config files in git's order
//! (system, global, repository, worktree; the last one setting a key wins) with gix-config.
//! Includes are not followed: a file that has an `include` or `includeIf` section makes the
//! answer unknown rather than guessed.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::Paths;
use crate::env::Env;
use crate::io::files;

/// The most of one config file read: git's are a few KB.
const CONFIG_LIMIT: u64 = 1 << 20;

/// `status.showUntrackedFiles`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// `no`: untracked files are not shown.
    No,
    /// `normal` (the default): a wholly untracked folder is one entry.
    Normal,
    /// `all`: every untracked file.
    All,
}

/// What the untracked walk needs from the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `status.showUntrackedFiles`.
    pub show: Show,
    /// The excludes file: `core.excludesFile`, else `$XDG_CONFIG_HOME/git/ignore`, else
    /// `~/.config/git/ignore`; `None` when there is none to read.
    pub excludes_file: Option<PathBuf>,
    /// `core.ignoreCase`.
    pub ignore_case: bool,
}

/// git's config files for this repository, lowest precedence first. The system file is the
/// distribution's `/etc/gitconfig` (`GIT_CONFIG_NOSYSTEM`, `GIT_CONFIG_SYSTEM`,
/// `GIT_CONFIG_GLOBAL` and `GIT_CONFIG_PARAMETERS` are not among the variables awesh reads).
fn sources(env: &Env, paths: &Paths) -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from("/etc/gitconfig")];
    let home = env.non_empty("HOME").map(PathBuf::from);
    if let Some(xdg) = env.non_empty("XDG_CONFIG_HOME") {
        out.push(Path::new(xdg).join("git/config"));
    } else if let Some(home) = &home {
        out.push(home.join(".config/git/config"));
    }
    if let Some(home) = &home {
        out.push(home.join(".gitconfig"));
    }
    out.push(paths.common_dir.join("config"));
    out
}

/// One parsed config file (absent: `None`).
fn load(path: &Path) -> Result<Option<gix::config::File>, String> {
    let Some(bytes) = files::read_regular(path, CONFIG_LIMIT)? else {
        return Ok(None);
    };
    let file = gix::config::File::from_bytes_no_includes(
        &bytes,
        gix::config::file::Metadata::api(),
        gix::config::file::init::Options::default(),
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;
    for section in ["include", "includeIf"] {
        if file
            .sections_by_name(section)
            .is_some_and(|mut s| s.next().is_some())
        {
            return Err(format!(
                "{} has an {section} section: includes are not followed",
                path.display()
            ));
        }
    }
    Ok(Some(file))
}

/// git's boolean text (`git_parse_maybe_bool`): `None` when it is not one.
fn boolean(value: Option<&[u8]>) -> Option<bool> {
    let Some(v) = value else {
        return Some(true);
    };
    let lower = v.to_ascii_lowercase();
    match lower.as_slice() {
        b"" | b"false" | b"no" | b"off" => Some(false),
        b"true" | b"yes" | b"on" => Some(true),
        _ => {
            let text = std::str::from_utf8(&lower).ok()?;
            let (digits, unit) = match text.char_indices().last() {
                Some((at, 'k')) => (text.get(..at)?, 1024i64),
                Some((at, 'm')) => (text.get(..at)?, 1024 * 1024),
                Some((at, 'g')) => (text.get(..at)?, 1024 * 1024 * 1024),
                _ => (text, 1),
            };
            let n: i64 = digits.parse().ok()?;
            Some(n.checked_mul(unit)? != 0)
        }
    }
}

/// The value of `key` in the last file that sets it: `Some(None)` for a key written
/// without `=` (true as a boolean), `None` when no file sets it.
fn last(files: &[gix::config::File], key: &str) -> Option<Option<Vec<u8>>> {
    files
        .iter()
        .rev()
        .find_map(|f| f.string_implicit(key))
        .map(|v| v.map(Vec::from))
}

/// The settings for the repository at `paths` in `env`.
pub fn read(env: &Env, paths: &Paths) -> Result<Settings, String> {
    let mut loaded = Vec::new();
    let mut worktree_config = false;
    for path in sources(env, paths) {
        if let Some(file) = load(&path)? {
            loaded.push(file);
        }
    }
    if let Some(local) = loaded.last() {
        worktree_config = matches!(local.boolean("extensions.worktreeConfig"), Ok(Some(true)));
    }
    if worktree_config {
        if let Some(file) = load(&paths.git_dir.join("config.worktree"))? {
            loaded.push(file);
        }
    }
    let show = match last(&loaded, "status.showUntrackedFiles") {
        None => Show::Normal,
        Some(Some(v)) if v == b"normal" => Show::Normal,
        Some(Some(v)) if v == b"all" => Show::All,
        Some(v) => match boolean(v.as_deref()) {
            Some(true) => Show::Normal,
            Some(false) => Show::No,
            None => return Err("status.showUntrackedFiles has a value git rejects".into()),
        },
    };
    let ignore_case = match last(&loaded, "core.ignoreCase") {
        None => false,
        Some(v) => boolean(v.as_deref()).ok_or("core.ignoreCase is not a boolean")?,
    };
    let home = env.non_empty("HOME").map(PathBuf::from);
    let excludes_file = match last(&loaded, "core.excludesFile") {
        Some(None) => return Err("core.excludesFile has no value".into()),
        Some(Some(v)) => expand(&v, home.as_deref(), paths)?,
        None => match env.non_empty("XDG_CONFIG_HOME") {
            Some(xdg) => Some(Path::new(xdg).join("git/ignore")),
            None => home.map(|h| h.join(".config/git/ignore")),
        },
    };
    Ok(Settings {
        show,
        excludes_file,
        ignore_case,
    })
}

/// git's `interpolate_path` for `core.excludesFile`: `~/` is the home folder, a relative
/// path is relative to the work tree's top (where git status runs).
fn expand(v: &[u8], home: Option<&Path>, paths: &Paths) -> Result<Option<PathBuf>, String> {
    if v.is_empty() {
        return Ok(None);
    }
    if let Some(rest) = v.strip_prefix(b"~/") {
        let home = home.ok_or("core.excludesFile starts with ~/ and HOME is not set")?;
        return Ok(Some(home.join(std::ffi::OsStr::from_bytes(rest))));
    }
    if v.first() == Some(&b'~') || v.starts_with(b"%(prefix)/") {
        return Err("core.excludesFile names another user's home or git's prefix".into());
    }
    let path = PathBuf::from(std::ffi::OsStr::from_bytes(v));
    if path.is_absolute() {
        return Ok(Some(path));
    }
    Ok(paths.work_tree.as_ref().map(|top| top.join(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_booleans() {
        assert_eq!(boolean(None), Some(true));
        assert_eq!(boolean(Some(b"")), Some(false));
        assert_eq!(boolean(Some(b"Yes")), Some(true));
        assert_eq!(boolean(Some(b"OFF")), Some(false));
        assert_eq!(boolean(Some(b"0")), Some(false));
        assert_eq!(boolean(Some(b"2k")), Some(true));
        assert_eq!(boolean(Some(b"bogus")), None);
    }
}
