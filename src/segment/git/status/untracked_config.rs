//! The three config keys the untracked count depends on (`status.showUntrackedFiles`,
//! `core.excludesFile`, `core.ignoreCase`), read from git's config files in git's order
//! (system, global, repository, worktree; the last one setting a key wins), each parsed with
//! gix-config. Includes are followed here (not by gix, which would open included files
//! without awesh's FIFO and size guards): `include.path`, and `includeIf` with the
//! conditions git 2.47 evaluates from files alone; one awesh cannot evaluate (`hasconfig:`)
//! makes the answer unknown rather than guessed.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use gix::bstr::ByteSlice;

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
    let mut out = crate::segment::git::global::config_files(env);
    out.push(paths.common_dir.join("config"));
    out
}

/// One config key: `section.name`, or `section.<sub>.name` (the subsection compared as git
/// does, case-sensitively).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// The section, matched without regard to case.
    pub section: &'static str,
    /// The subsection, if any.
    pub sub: Option<Vec<u8>>,
    /// The variable, matched without regard to case.
    pub name: &'static str,
}

impl Key {
    /// `section.name`.
    #[must_use]
    pub const fn plain(section: &'static str, name: &'static str) -> Key {
        Key {
            section,
            sub: None,
            name,
        }
    }
}

/// The keys the untracked count reads.
const KEYS: [Key; 3] = [
    Key::plain("status", "showUntrackedFiles"),
    Key::plain("core", "excludesFile"),
    Key::plain("core", "ignoreCase"),
];
/// Read in the repository's own config only: whether `config.worktree` is read too.
const WORKTREE_CONFIG: Key = Key::plain("extensions", "worktreeConfig");
/// git's include depth limit (`MAX_INCLUDE_DEPTH`): deeper is an error to git.
const MAX_INCLUDE_DEPTH: u8 = 10;

/// The last value seen of each key asked for: `Some(None)` for a key written without `=`.
pub type Values = Vec<Option<Option<Vec<u8>>>>;

/// What an `includeIf` condition is decided with (shared with `git-ps1`'s config reader).
pub(crate) struct Context<'a> {
    /// `$HOME`, for `~/`.
    pub(crate) home: Option<&'a Path>,
    /// The repository's git directory, for `gitdir:` and `onbranch:`.
    pub(crate) git_dir: &'a Path,
}

/// Reads the config file at `path` into `values` in file order, following `include.path`
/// and the `includeIf` conditions git 2.47 knows (`gitdir:`, `gitdir/i:`, `onbranch:`);
/// `hasconfig:` and later conditions make the answer unknown. A missing file is skipped,
/// as git does.
fn collect(
    path: &Path,
    depth: u8,
    cx: &Context<'_>,
    keys: &[Key],
    values: &mut Values,
) -> Result<(), String> {
    walk(path, depth, cx, &mut |section| {
        let header = section.header();
        let (name, sub) = (header.name(), header.subsection_name());
        for (key, slot) in keys.iter().zip(values.iter_mut()) {
            let same_sub = match (&key.sub, sub) {
                (None, None) => true,
                (Some(want), Some(have)) => want.as_slice() == have.as_bytes(),
                _ => false,
            };
            if same_sub && name.eq_ignore_ascii_case(key.section.as_bytes()) {
                if let Some(v) = section.value_implicit(key.name) {
                    *slot = Some(v.map(Vec::from));
                }
            }
        }
    })
}

/// Reads the config file at `path` (skipped when missing, as git does) and, in git's order,
/// the files its `include` and matching `includeIf` sections name, giving `visit` every other
/// section.
///
/// # Errors
/// A file that cannot be read or parsed, includes nested deeper than git allows, or a
/// condition awesh cannot evaluate.
pub(crate) fn walk(
    path: &Path,
    depth: u8,
    cx: &Context<'_>,
    visit: &mut dyn FnMut(&gix::config::file::SectionRef<'_>),
) -> Result<(), String> {
    if depth > MAX_INCLUDE_DEPTH {
        return Err(format!("{}: includes nested too deep", path.display()));
    }
    let Some(bytes) = files::read_regular(path, CONFIG_LIMIT)? else {
        return Ok(());
    };
    let file = gix::config::File::from_bytes_no_includes(
        &bytes,
        gix::config::file::Metadata::api(),
        gix::config::file::init::Options::default(),
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;
    for section in file.sections() {
        let header = section.header();
        let name = header.name();
        let sub = header.subsection_name();
        let include = if name.eq_ignore_ascii_case(b"include") && sub.is_none() {
            true
        } else if name.eq_ignore_ascii_case(b"includeIf") {
            match sub {
                Some(cond) => condition(cond, path, cx)?,
                None => false,
            }
        } else {
            false
        };
        if include {
            for target in section.values("path") {
                let target = include_path(&target, path, cx.home)?;
                walk(&target, depth + 1, cx, visit)?;
            }
        } else {
            visit(&section);
        }
    }
    Ok(())
}

/// An `include.path` value: `~/` expanded, relative to the including file's folder.
pub(crate) fn include_path(v: &[u8], from: &Path, home: Option<&Path>) -> Result<PathBuf, String> {
    let path = match v.strip_prefix(b"~/") {
        Some(rest) => home
            .ok_or("an include path starts with ~/ and HOME is not set")?
            .join(std::ffi::OsStr::from_bytes(rest)),
        None if v.first() == Some(&b'~') || v.starts_with(b"%(prefix)/") => {
            return Err("an include path names another user's home or git's prefix".into())
        }
        None => PathBuf::from(std::ffi::OsStr::from_bytes(v)),
    };
    if path.is_absolute() {
        return Ok(path);
    }
    Ok(from.parent().unwrap_or(Path::new("/")).join(path))
}

/// Whether git includes the file under `[includeIf "cond"]` written in `from`.
pub(crate) fn condition(cond: &[u8], from: &Path, cx: &Context<'_>) -> Result<bool, String> {
    if let Some(pat) = cond.strip_prefix(b"gitdir:") {
        return gitdir_matches(pat, from, cx, false);
    }
    if let Some(pat) = cond.strip_prefix(b"gitdir/i:") {
        return gitdir_matches(pat, from, cx, true);
    }
    if let Some(pat) = cond.strip_prefix(b"onbranch:") {
        return onbranch(pat, cx.git_dir);
    }
    if cond.starts_with(b"hasconfig:") || cond.starts_with(b"worktree") {
        return Err(format!(
            "includeIf \"{}\" is not evaluated",
            String::from_utf8_lossy(cond)
        ));
    }
    // git: unknown conditions are false.
    Ok(false)
}

/// git's `prepare_include_condition_pattern`: `~/` expanded, `./` from the including file's
/// folder (matched literally), a relative pattern prefixed by `**/`, a trailing `/` by `**`.
fn gitdir_matches(pat: &[u8], from: &Path, cx: &Context<'_>, fold: bool) -> Result<bool, String> {
    let mut pattern = match pat.strip_prefix(b"~/") {
        Some(rest) => {
            let home = cx
                .home
                .ok_or("an includeIf pattern starts with ~/ and HOME is not set")?;
            let mut p = home.as_os_str().as_bytes().to_vec();
            p.push(b'/');
            p.extend_from_slice(rest);
            p
        }
        None => pat.to_vec(),
    };
    let mut prefix = 0;
    if pattern.starts_with(b"./") {
        let real = std::fs::canonicalize(from).map_err(|e| format!("{}: {e}", from.display()))?;
        let dir = real
            .parent()
            .unwrap_or(Path::new("/"))
            .as_os_str()
            .as_bytes();
        let mut p = dir.to_vec();
        p.extend_from_slice(pattern.get(1..).unwrap_or(&[]));
        prefix = dir.len() + 1;
        pattern = p;
    } else if pattern.first() != Some(&b'/') {
        let mut p = b"**/".to_vec();
        p.extend_from_slice(&pattern);
        pattern = p;
    }
    if pattern.last() == Some(&b'/') {
        pattern.extend_from_slice(b"**");
    }
    let mode = gix::glob::wildmatch::Mode::NO_MATCH_SLASH_LITERAL
        | if fold {
            gix::glob::wildmatch::Mode::IGNORE_CASE
        } else {
            gix::glob::wildmatch::Mode::empty()
        };
    let try_text = |text: &[u8]| {
        let (Some(p_head), Some(t_head)) = (pattern.get(..prefix), text.get(..prefix)) else {
            return false;
        };
        let same = if fold {
            p_head.eq_ignore_ascii_case(t_head)
        } else {
            p_head == t_head
        };
        same && gix::glob::wildmatch(
            pattern.get(prefix..).unwrap_or(&[]).as_bstr(),
            text.get(prefix..).unwrap_or(&[]).as_bstr(),
            mode,
        )
    };
    let real = std::fs::canonicalize(cx.git_dir).unwrap_or_else(|_| cx.git_dir.to_path_buf());
    Ok(try_text(real.as_os_str().as_bytes()) || try_text(cx.git_dir.as_os_str().as_bytes()))
}

/// git's `include_by_branch`: HEAD names `refs/heads/<b>` and `<b>` matches.
fn onbranch(pat: &[u8], git_dir: &Path) -> Result<bool, String> {
    let head = files::read_regular(&git_dir.join("HEAD"), 4096)?
        .ok_or("no HEAD file: onbranch is not evaluated")?;
    let Some(target) = head.strip_prefix(b"ref:") else {
        return Ok(false); // detached
    };
    let target = target.trim();
    if target == b"refs/heads/.invalid" {
        return Err("HEAD is in a reftable: onbranch is not evaluated".into());
    }
    let Some(branch) = target.strip_prefix(b"refs/heads/") else {
        return Ok(false);
    };
    let mut pattern = pat.to_vec();
    if pattern.last() == Some(&b'/') {
        pattern.extend_from_slice(b"**");
    }
    Ok(gix::glob::wildmatch(
        pattern.as_bstr(),
        branch.as_bstr(),
        gix::glob::wildmatch::Mode::NO_MATCH_SLASH_LITERAL,
    ))
}

/// git's boolean text (`git_parse_maybe_bool`): `None` when it is not one.
pub(crate) fn boolean(value: Option<&[u8]>) -> Option<bool> {
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

/// The values of `keys` for the repository at `paths`, from git's config files in git's
/// order, the last one setting a key winning. Without `env` only the repository's own files
/// are read ([`Lookup::outside`] is then false: a key they leave unset may be set globally).
///
/// # Errors
/// Why the files cannot be read as git reads them.
pub fn lookup(env: Option<&Env>, paths: &Paths, keys: &[Key]) -> Result<Lookup, String> {
    let home = env.and_then(|e| e.non_empty("HOME")).map(PathBuf::from);
    let cx = Context {
        home: home.as_deref(),
        git_dir: &paths.git_dir,
    };
    let mut all: Vec<Key> = keys.to_vec();
    all.push(WORKTREE_CONFIG);
    let mut values: Values = vec![None; all.len()];
    let local = paths.common_dir.join("config");
    let sources = match env {
        Some(env) => sources(env, paths),
        None => vec![local.clone()],
    };
    for path in sources {
        if path == local {
            // extensions.worktreeConfig counts only in the repository's own config.
            let mut own: Values = vec![None; all.len()];
            collect(&path, 0, &cx, &all, &mut own)?;
            let worktree = own.last().cloned().flatten();
            for (slot, v) in values.iter_mut().zip(own) {
                if v.is_some() {
                    *slot = v;
                }
            }
            if matches!(worktree, Some(v) if boolean(v.as_deref()) == Some(true)) {
                collect(
                    &paths.git_dir.join("config.worktree"),
                    0,
                    &cx,
                    &all,
                    &mut values,
                )?;
            }
        } else {
            collect(&path, 0, &cx, &all, &mut values)?;
        }
    }
    values.pop();
    Ok(Lookup {
        values,
        outside: env.is_some(),
    })
}

/// What [`lookup`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// Each key's last value, in the order asked.
    pub values: Values,
    /// The system and global files were read too.
    pub outside: bool,
}

/// git's boolean for a key's value (`None` as a value: written without `=`, true); `Ok(None)`
/// when unset.
///
/// # Errors
/// When git would reject the value.
pub fn bool_value(value: Option<&Option<Vec<u8>>>, key: &str) -> Result<Option<bool>, String> {
    match value {
        None => Ok(None),
        Some(v) => boolean(v.as_deref())
            .map(Some)
            .ok_or_else(|| format!("{key} is not a boolean")),
    }
}

/// `status.showUntrackedFiles` from its last value (`None`: unset, git's `normal`).
///
/// # Errors
/// When git rejects the value.
pub fn parse_show(value: Option<Option<Vec<u8>>>) -> Result<Show, String> {
    Ok(match value {
        None => Show::Normal,
        Some(Some(v)) if v == b"normal" => Show::Normal,
        Some(Some(v)) if v == b"all" => Show::All,
        Some(v) => match boolean(v.as_deref()) {
            Some(true) => Show::Normal,
            Some(false) => Show::No,
            None => return Err("status.showUntrackedFiles has a value git rejects".into()),
        },
    })
}

/// The settings for the repository at `paths` in `env`.
pub fn read(env: &Env, paths: &Paths) -> Result<Settings, String> {
    let home = env.non_empty("HOME").map(PathBuf::from);
    let values = lookup(Some(env), paths, &KEYS)?.values;
    let mut values = values.into_iter();
    let (show_v, excludes_v, icase_v) = (
        values.next().flatten(),
        values.next().flatten(),
        values.next().flatten(),
    );
    let show = parse_show(show_v)?;
    let ignore_case = match icase_v {
        None => false,
        Some(v) => boolean(v.as_deref()).ok_or("core.ignoreCase is not a boolean")?,
    };
    let excludes_file = match excludes_v {
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
