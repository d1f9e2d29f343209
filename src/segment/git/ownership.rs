//! git's ownership check (CVE-2022-24765, `ensure_valid_ownership` in git's `setup.c`): a
//! discovered repository whose work tree, git directory or gitfile belongs to another user
//! is refused ("detected dubious ownership"), unless `safe.directory` in the system, global or
//! command-line config allows it. Without the check, anyone who can create `/tmp/.git`
//! chooses the branch every prompt under `/tmp` shows. The owners come from discovery's own
//! `stat`s; the config is read only when an owner is someone else, which is rare.
//!
//! awesh reads only the variables of `env::VARS`, which the serve hooks send too; git's
//! `GIT_CONFIG_GLOBAL`, `GIT_CONFIG_SYSTEM`, `GIT_CONFIG_NOSYSTEM` and root's `SUDO_UID` are
//! not among them, so the config read is git's default set of files, and under `sudo` a
//! repository of the invoking user shows no branch (where git would accept it): the safe side.

use std::path::{Path, PathBuf};

use crate::env::Env;

/// The first of `owners` that is not the user's, with its uid.
#[must_use]
pub fn foreign(owners: &[(PathBuf, u32)]) -> Option<&(PathBuf, u32)> {
    let me = crate::io::files::euid();
    owners.iter().find(|(_, uid)| *uid != me)
}

/// Whether `safe.directory` allows `path` (the work tree, or the git directory when bare), as
/// git reads it from its protected config, in order: `/etc/gitconfig`, then the global files
/// (`$XDG_CONFIG_HOME/git/config` or `~/.config/git/config`, then `~/.gitconfig`). `*` allows everything, an empty value
/// forgets what came before, `DIR/*` allows what is under DIR, and a path allows itself. A
/// file with `include` or `includeIf` makes the answer "not allowed": awesh does not follow
/// includes, and must not guess.
#[must_use]
pub fn is_safe(path: &Path, env: &Env) -> bool {
    let mut safe = false;
    // The files git calls protected: the system and global ones.
    for file in super::global::config_files(env) {
        let Ok(Some(bytes)) = crate::io::files::read_regular(&file, 1 << 20) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        if has_includes(&text) {
            return false;
        }
        for value in safe_directories(&text) {
            safe = !value.is_empty()
                && (safe || value == "*" || allows(&expand_home(&value, env), path));
        }
    }
    safe
}

fn has_includes(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start().to_ascii_lowercase();
        line.starts_with("[include") || line.starts_with("[ include")
    })
}

/// The values of `safe.directory` in one config file, in order. A small reading of git's
/// format: `[section]` or `[section "sub"]` headers, `key = value` lines, `#`/`;` comments,
/// double-quoted values with `\"`, `\\`; what it cannot read is skipped.
fn safe_directories(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_safe = false;
    for line in text.lines() {
        let line = line.trim();
        if let Some(header) = line.strip_prefix('[') {
            let name = header.split([']', ' ', '"']).next().unwrap_or_default();
            in_safe = name.eq_ignore_ascii_case("safe") && !header.contains('"');
            continue;
        }
        if !in_safe {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("directory") {
            out.push(config_value(value.trim()));
        }
    }
    out
}

/// A config value: quotes removed, `\"` and `\\` unescaped, a comment outside quotes cut.
fn config_value(raw: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' => out.extend(chars.next()),
            '#' | ';' if !quoted => break,
            _ => out.push(c),
        }
    }
    out.trim_end().to_string()
}

fn expand_home(value: &str, env: &Env) -> PathBuf {
    match (value.strip_prefix("~/"), env.non_empty("HOME")) {
        (Some(rest), Some(home)) => Path::new(home).join(rest),
        _ => PathBuf::from(value),
    }
}

/// `DIR/*` allows everything under DIR; an absolute path allows itself (trailing `/` aside).
fn allows(allowed: &Path, path: &Path) -> bool {
    let text = allowed.to_string_lossy();
    if let Some(prefix) = text.strip_suffix("/*") {
        return path.starts_with(prefix);
    }
    allowed.is_absolute() && allowed.components().eq(path.components())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_with(home: &Path) -> Env {
        Env::new("/", [("HOME", home.as_os_str())])
    }

    #[test]
    fn safe_directory_follows_git() {
        let dir = tempfile::tempdir().unwrap();
        let global = dir.path().join(".gitconfig");
        let repo = Path::new("/srv/shared/repo");
        let cases: &[(&str, bool)] = &[
            ("", false),
            ("[safe]\n\tdirectory = *\n", true),
            ("[safe]\n\tdirectory = /srv/shared/repo\n", true),
            ("[safe]\n\tdirectory = /srv/shared/repo/\n", true),
            (
                "[safe]\n\tdirectory = \"/srv/shared/repo\" # quoted\n",
                true,
            ),
            ("[safe]\n\tdirectory = /srv/shared/*\n", true),
            ("[safe]\n\tdirectory = /srv/other\n", false),
            ("[safe]\n\tdirectory = *\n\tdirectory =\n", false),
            ("[Safe]\n\tDirectory = *\n", true),
            ("[other]\n\tdirectory = *\n", false),
            ("[safe \"x\"]\n\tdirectory = *\n", false),
            ("[include]\n\tpath = more\n[safe]\n\tdirectory = *\n", false),
        ];
        for (text, want) in cases {
            std::fs::write(&global, text).unwrap();
            assert_eq!(is_safe(repo, &env_with(dir.path())), *want, "{text:?}");
        }
    }

    #[test]
    fn only_the_user_s_own_are_not_foreign() {
        let me = crate::io::files::euid();
        let owners = vec![(PathBuf::from("/t"), me), (PathBuf::from("/r"), me ^ 1)];
        assert_eq!(
            foreign(&owners).map(|(p, _)| p.as_path()),
            Some(Path::new("/r"))
        );
        assert!(foreign(&owners[..1]).is_none());
    }
}
