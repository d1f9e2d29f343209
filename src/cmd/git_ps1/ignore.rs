//! `git check-ignore -q .` for `GIT_PS1_HIDE_IF_PWD_IGNORED`: is the working directory
//! ignored? As git decides it: a folder holding a tracked file never is; otherwise the
//! exclude lists are searched with git's precedence (the `.gitignore` nearest the path first,
//! then `$GIT_DIR/info/exclude`, then `core.excludesFile`; within a file the last pattern
//! first), a folder on the way that is ignored ignores everything below it, and a negated
//! match means "not ignored". Patterns are matched with gix's wildmatch. Reads only regular
//! files, bounded.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use gix::glob::pattern::Case;
use gix::glob::wildmatch::Mode;
use gix::glob::Pattern;

/// The largest ignore file read; a bigger one makes the answer unknown.
const LIMIT: u64 = 8 << 20;

/// One exclude file: the folder its patterns are relative to (`""` or `a/b/`), its patterns.
struct List {
    base: Vec<u8>,
    patterns: Vec<Pattern>,
}

/// The inputs: the work tree, the path of the working directory in it (`a/b`, not empty),
/// the git directory, `core.excludesFile` (resolved by the caller: the config value, else
/// the XDG default), `core.ignoreCase`, and whether the index tracks a file under the path.
pub struct Query<'a> {
    /// The work tree's top folder.
    pub top: &'a Path,
    /// The working directory relative to `top`, `/`-separated, without a trailing `/`.
    pub rel: &'a [u8],
    /// The (worktree-private) git directory, for `info/exclude`.
    pub git_dir: &'a Path,
    /// The global excludes file, if any.
    pub excludes_file: Option<PathBuf>,
    /// `core.ignoreCase`.
    pub ignore_case: bool,
}

/// Whether the path of `q` is ignored: `Some(true)` ignored, `Some(false)` not, `None` when
/// an ignore file could not be read.
#[must_use]
pub fn is_ignored(q: &Query<'_>) -> Option<bool> {
    let case = if q.ignore_case {
        Case::Fold
    } else {
        Case::Sensitive
    };
    // Lowest precedence first; searched from the end.
    let mut files: Vec<List> = Vec::new();
    if let Some(path) = &q.excludes_file {
        files.push(load(path, b"")?);
    }
    files.push(load(&q.git_dir.join("info/exclude"), b"")?);
    let mut dirs: Vec<List> = vec![load(&q.top.join(".gitignore"), b"")?];
    // Each folder on the way: ignored already (then so is all below), else its .gitignore.
    let parts: Vec<&[u8]> = q.rel.split(|&b| b == b'/').collect();
    let mut prefix: Vec<u8> = Vec::new();
    for (n, part) in parts.iter().enumerate() {
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        prefix.extend_from_slice(part);
        if let Some(ignored) = matching(&dirs, &files, &prefix, case) {
            if ignored || n + 1 == parts.len() {
                return Some(ignored);
            }
        }
        if n + 1 == parts.len() {
            return Some(false);
        }
        let base = [&prefix[..], b"/"].concat();
        let dir = q.top.join(std::ffi::OsStr::from_bytes(&prefix));
        dirs.push(load(&dir.join(".gitignore"), &base)?);
    }
    Some(false)
}

/// The verdict of the highest-precedence pattern matching folder `path`: `Some(true)`
/// ignored, `Some(false)` re-included by a negation, `None` no pattern matches.
fn matching(dirs: &[List], files: &[List], path: &[u8], case: Case) -> Option<bool> {
    for list in dirs.iter().rev().chain(files.iter().rev()) {
        let Some(rel) = path.strip_prefix(&list.base[..]) else {
            continue;
        };
        let basename = rel.iter().rposition(|&b| b == b'/').map(|p| p + 1);
        for pattern in list.patterns.iter().rev() {
            if pattern.matches_repo_relative_path(
                rel.into(),
                basename,
                Some(true),
                case,
                Mode::NO_MATCH_SLASH_LITERAL,
            ) {
                return Some(!pattern.is_negative());
            }
        }
    }
    None
}

/// Reads one ignore file (absent: no patterns); `None` when it cannot be read.
fn load(path: &Path, base: &[u8]) -> Option<List> {
    let data = match crate::io::files::read_regular(path, LIMIT) {
        Ok(data) => data.unwrap_or_default(),
        // A folder or other non-file named .gitignore holds no patterns for git either.
        Err(_) if path.is_dir() => Vec::new(),
        Err(_) => return None,
    };
    let patterns = data
        .split(|&b| b == b'\n')
        .filter_map(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.first() == Some(&b'#') {
                return None;
            }
            Pattern::from_bytes(trim_trailing_spaces(line))
        })
        .collect();
    Some(List {
        base: base.to_vec(),
        patterns,
    })
}

/// git drops trailing spaces of a pattern unless a backslash escapes them.
fn trim_trailing_spaces(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && line.get(end - 1) == Some(&b' ') {
        // An odd number of backslashes before the space escapes it.
        let slashes = line
            .get(..end - 1)
            .unwrap_or_default()
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if slashes % 2 == 1 {
            break;
        }
        end -= 1;
    }
    line.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_spaces_unless_escaped() {
        assert_eq!(trim_trailing_spaces(b"a  "), b"a");
        assert_eq!(trim_trailing_spaces(b"a\\ "), b"a\\ ");
        assert_eq!(trim_trailing_spaces(b"a\\\\ "), b"a\\\\");
    }

    #[test]
    fn nearest_file_wins_and_ignored_parents_hide_children() {
        let t = tempfile::tempdir().unwrap();
        let top = t.path();
        std::fs::create_dir_all(top.join(".git/info")).unwrap();
        std::fs::create_dir_all(top.join("a/b/c")).unwrap();
        std::fs::write(top.join(".gitignore"), "b/\n").unwrap();
        std::fs::write(top.join("a/.gitignore"), "!b\n").unwrap();
        let git_dir = top.join(".git");
        let ask = |rel: &[u8]| {
            is_ignored(&Query {
                top,
                rel,
                git_dir: &git_dir,
                excludes_file: None,
                ignore_case: false,
            })
        };
        assert_eq!(ask(b"a"), Some(false));
        // a/.gitignore re-includes b: nearer wins.
        assert_eq!(ask(b"a/b"), Some(false));
        std::fs::write(top.join("a/.gitignore"), "").unwrap();
        assert_eq!(ask(b"a/b"), Some(true));
        assert_eq!(ask(b"a/b/c"), Some(true));
    }
}
