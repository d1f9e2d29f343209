//! git's config as the `git config` / `git check-ignore` / `git rev-parse` processes of
//! git's `__git_ps1` see it, read natively (no `gix::open`, whose config and credential code
//! brings process spawning into the binary): the system file, the global ones, the
//! repository's `config`, `config.worktree` with `extensions.worktreeConfig`, then
//! `GIT_CONFIG_COUNT` pairs, the last value of a key winning. Includes are followed as the
//! untracked reader follows them (its `include.path` / `includeIf` rules, FIFO and size
//! guards). What cannot be read as git reads it (`hasconfig:`, `GIT_CONFIG_PARAMETERS`,
//! `GIT_CONFIG`, a file git would reject) makes the whole config unknown: `read` fails and
//! the callers show unknown rather than guess.

use std::path::{Path, PathBuf};

use crate::env::Env;
use crate::segment::git::status::config::Lookup;
use crate::segment::git::status::untracked_config::{boolean, walk, Context};

/// The most `GIT_CONFIG_COUNT` pairs read.
const MAX_PAIRS: usize = 1000;

/// One `section[.sub].name = value` line, in the order git reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// Lower case.
    section: Vec<u8>,
    /// As written (case matters).
    sub: Option<Vec<u8>>,
    /// Lower case.
    name: Vec<u8>,
    /// `None` for a key written without `=` (an implicit true).
    value: Option<Vec<u8>>,
}

/// Every config entry git would see, in git's order.
#[derive(Debug, Default)]
pub struct Layered {
    entries: Vec<Entry>,
}

/// A key as (lower-case section, subsection, lower-case name).
type Key<'a> = (Vec<u8>, Option<&'a [u8]>, Vec<u8>);

/// A key `section.name` or `section.sub.name`, split.
fn split(key: &str) -> Option<Key<'_>> {
    let first = key.find('.')?;
    let last = key.rfind('.')?;
    let section = key.get(..first)?.to_ascii_lowercase().into_bytes();
    let name = key.get(last + 1..)?.to_ascii_lowercase().into_bytes();
    let sub = (last > first).then(|| key.get(first + 1..last).map(str::as_bytes));
    Some((section, sub.flatten(), name))
}

impl Layered {
    /// The entries of `key`, in order.
    fn of<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Option<Vec<u8>>> + 'a {
        let parts = split(key);
        self.entries.iter().filter_map(move |e| {
            let (section, sub, name) = parts.as_ref()?;
            (e.section == *section && e.sub.as_deref() == *sub && e.name == *name)
                .then_some(&e.value)
        })
    }

    /// The last value of `key`: `Some(None)` when it is written without `=`.
    #[must_use]
    pub fn last(&self, key: &str) -> Option<Option<Vec<u8>>> {
        self.of(key).last().cloned()
    }

    /// `git config --bool key`: `None` unset, `Some(None)` not a boolean (git fails and
    /// prints nothing).
    #[must_use]
    pub fn boolean(&self, key: &str) -> Option<Option<bool>> {
        self.last(key).map(|v| boolean(v.as_deref()))
    }

    /// Whether some `svn-remote.<name>.url` is set (what git's script finds with
    /// `git config --get-regexp '^svn-remote\..*\.url$'`).
    #[must_use]
    pub fn svn_remote(&self) -> bool {
        self.entries
            .iter()
            .any(|e| e.section == b"svn-remote" && e.sub.is_some() && e.name == b"url")
    }

    /// Reads `path` (skipped when missing, as git does) and the files it includes.
    fn add_file(&mut self, path: &Path, depth: u8, cx: &Context<'_>) -> Result<(), String> {
        walk(path, depth, cx, &mut |section| {
            let header = section.header();
            let (name, sub) = (header.name(), header.subsection_name());
            let names: Vec<String> = section.value_names().collect();
            let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
            for (i, key) in names.iter().enumerate() {
                let lc = lower.get(i).cloned().unwrap_or_default();
                let nth = lower.iter().take(i).filter(|l| **l == lc).count();
                let later = lower.iter().skip(i + 1).any(|l| *l == lc);
                // The last of a name keeps "no `=`" apart from an empty value.
                let value = if later {
                    section.values(key).get(nth).map(|v| Some(v.to_vec()))
                } else {
                    section.value_implicit(key).map(|v| v.map(|v| v.to_vec()))
                };
                let Some(value) = value else { continue };
                self.entries.push(Entry {
                    section: name.to_ascii_lowercase(),
                    sub: sub.map(|s| s.to_vec()),
                    name: lc.into_bytes(),
                    value,
                });
            }
        })
    }

    /// A config from `text` as the only file (tests).
    #[cfg(test)]
    fn from_text(text: &str) -> Layered {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, text).unwrap();
        let cx = Context {
            home: None,
            git_dir: dir.path(),
        };
        let mut out = Layered::default();
        out.add_file(&path, 0, &cx).unwrap();
        out
    }
}

impl Lookup for Layered {
    fn string(&self, key: &str) -> Option<Vec<u8>> {
        self.last(key).map(Option::unwrap_or_default)
    }
    fn strings(&self, key: &str) -> Vec<Vec<u8>> {
        self.of(key)
            .map(|v| v.clone().unwrap_or_default())
            .collect()
    }
    fn doubt(&self) -> Option<String> {
        None
    }
}

/// The process's value of `name`, when set and not empty. The `GIT_CONFIG_*` variables are
/// read from the process, not `Env`: git-ps1 runs as its own process, never in the server.
fn process_var(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// Reads git's config for the repository at `git_dir` / `common_dir`.
///
/// # Errors
/// Why it cannot be read as git reads it.
pub fn read(env: &Env, git_dir: &Path, common_dir: &Path) -> Result<Layered, String> {
    for var in ["GIT_CONFIG", "GIT_CONFIG_PARAMETERS"] {
        if process_var(var).is_some() {
            return Err(format!("{var} is set (not read)"));
        }
    }
    let home = env.non_empty("HOME").map(PathBuf::from);
    let cx = Context {
        home: home.as_deref(),
        git_dir,
    };
    let mut files: Vec<PathBuf> = Vec::new();
    let no_system = process_var("GIT_CONFIG_NOSYSTEM")
        .is_some_and(|v| boolean(Some(v.as_encoded_bytes())) != Some(false));
    if !no_system {
        let system = crate::segment::git::global::config_files(env)
            .into_iter()
            .next();
        files.extend(
            process_var("GIT_CONFIG_SYSTEM")
                .map(PathBuf::from)
                .or(system),
        );
    }
    match process_var("GIT_CONFIG_GLOBAL") {
        Some(global) => files.push(PathBuf::from(global)),
        None => files.extend(
            crate::segment::git::global::config_files(env)
                .into_iter()
                .skip(1),
        ),
    }
    let mut out = Layered::default();
    for file in &files {
        out.add_file(file, 0, &cx)?;
    }
    // The repository's own file decides extensions.worktreeConfig.
    let mut own = Layered::default();
    own.add_file(&common_dir.join("config"), 0, &cx)?;
    let worktree = own.boolean("extensions.worktreeConfig") == Some(Some(true));
    out.entries.append(&mut own.entries);
    if worktree {
        out.add_file(&git_dir.join("config.worktree"), 0, &cx)?;
    }
    out.add_pairs()?;
    Ok(out)
}

impl Layered {
    /// `GIT_CONFIG_COUNT` with its `GIT_CONFIG_KEY_<n>` / `GIT_CONFIG_VALUE_<n>` pairs.
    fn add_pairs(&mut self) -> Result<(), String> {
        let Some(count) = process_var("GIT_CONFIG_COUNT") else {
            return Ok(());
        };
        let count: usize = count
            .to_str()
            .and_then(|c| c.parse().ok())
            .filter(|&c| c <= MAX_PAIRS)
            .ok_or("GIT_CONFIG_COUNT is not a count awesh reads")?;
        for i in 0..count {
            let key = process_var(&format!("GIT_CONFIG_KEY_{i}"))
                .and_then(|k| k.into_string().ok())
                .ok_or_else(|| format!("GIT_CONFIG_KEY_{i} is missing"))?;
            let value = std::env::var_os(format!("GIT_CONFIG_VALUE_{i}"))
                .ok_or_else(|| format!("GIT_CONFIG_VALUE_{i} is missing"))?;
            let (section, sub, name) =
                split(&key).ok_or_else(|| format!("GIT_CONFIG_KEY_{i} is not a key"))?;
            self.entries.push(Entry {
                section,
                sub: sub.map(<[u8]>::to_vec),
                name,
                value: Some(value.as_encoded_bytes().to_vec()),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_value_wins_and_keys_fold_case() {
        let c = Layered::from_text(
            "[bash]\n\tshowDirtyState = false\n\tshowdirtystate\n[Bash]\n\tshowUpstream = verbose\n\
             [branch \"feat.x\"]\n\tremote = o\n[svn-remote \"s\"]\n\turl = u\n\
             [remote \"o\"]\n\tfetch = a\n\tfetch = b\n",
        );
        assert_eq!(c.boolean("bash.showDirtyState"), Some(Some(true)));
        assert_eq!(c.last("bash.SHOWUPSTREAM"), Some(Some(b"verbose".to_vec())));
        assert_eq!(c.string("branch.feat.x.remote"), Some(b"o".to_vec()));
        assert_eq!(c.string("branch.Feat.x.remote"), None);
        assert_eq!(c.strings("remote.o.fetch"), [b"a".to_vec(), b"b".to_vec()]);
        assert!(c.svn_remote());
        assert_eq!(c.boolean("core.sparseCheckout"), None);
        let odd = Layered::from_text("[bash]\n\tshowDirtyState = maybe\n[svn-remote]\n\turl = u\n");
        assert_eq!(odd.boolean("bash.showDirtyState"), Some(None));
        assert!(!odd.svn_remote());
    }

    #[test]
    fn includes_are_followed_in_place() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("inc"), "[core]\n\tabbrev = 9\n").unwrap();
        let c = Layered::from_text(&format!(
            "[core]\n\tabbrev = 5\n[include]\n\tpath = {}\n",
            dir.path().join("inc").display()
        ));
        assert_eq!(c.string("core.abbrev"), Some(b"9".to_vec()));
    }
}
