//! The repository's own config, for the few keys status needs (`branch.*`, `remote.*.fetch`,
//! `status.renames`, `diff.renames`): the common `config` and, with
//! `extensions.worktreeConfig`, the worktree's `config.worktree`, read by gix-config without
//! following includes. A file with `include` / `includeIf` sections could set any key, so
//! the reader says so ([`Config::includes`]) and callers answer unknown instead of guessing.
//! Global and system config are not read here: the callers say what that leaves open.

use std::path::Path;

use crate::io::files;

/// The most of a config file read: git's own are a few KB.
const LIMIT: u64 = 1 << 20;

/// What the upstream mapping asks of a config: the repository-level [`Config`] here, or a
/// reader of every file git reads (`git-ps1`'s).
pub trait Lookup {
    /// The last value of `key` (`section.sub.name` or `section.name`), as bytes.
    fn string(&self, key: &str) -> Option<Vec<u8>>;
    /// Every value of a multi-valued `key`, in file order.
    fn strings(&self, key: &str) -> Vec<Vec<u8>>;
    /// Why values read here may not be git's.
    fn doubt(&self) -> Option<String>;
}

impl Lookup for Config {
    fn string(&self, key: &str) -> Option<Vec<u8>> {
        Config::string(self, key)
    }
    fn strings(&self, key: &str) -> Vec<Vec<u8>> {
        Config::strings(self, key)
    }
    fn doubt(&self) -> Option<String> {
        Config::doubt(self)
    }
}

/// The repository-level config files, parsed.
#[derive(Debug, Default)]
pub struct Config {
    /// Parsed files, the later overriding the earlier.
    files: Vec<gix::config::File>,
    /// A file has an include or includeIf section that was not followed.
    pub includes: bool,
    /// A file could not be read or parsed: why.
    pub broken: Option<String>,
}

impl Config {
    /// Reads `common_dir/config`, then `git_dir/config.worktree` when enabled.
    #[must_use]
    pub fn read(git_dir: &Path, common_dir: &Path) -> Config {
        let mut config = Config::default();
        config.add(&common_dir.join("config"));
        let worktree = config.boolean("extensions.worktreeConfig").unwrap_or(false);
        if worktree {
            config.add(&git_dir.join("config.worktree"));
        }
        config
    }

    /// Parses `bytes` as one more file (for tests and [`Config::read`]).
    fn add_bytes(&mut self, bytes: &[u8], name: &Path) {
        match gix::config::File::from_bytes_owned(
            &mut bytes.to_vec(),
            gix::config::file::Metadata::api(),
            gix::config::file::init::Options::default(),
        ) {
            Ok(file) => {
                let includes = file.sections().any(|s| {
                    let h = s.header().name();
                    h.eq_ignore_ascii_case(b"include") || h.eq_ignore_ascii_case(b"includeif")
                });
                self.includes |= includes;
                self.files.push(file);
            }
            Err(e) => {
                self.broken = Some(format!("{}: {e}", name.display()));
            }
        }
    }

    fn add(&mut self, path: &Path) {
        match files::read_regular(path, LIMIT) {
            Ok(Some(bytes)) => self.add_bytes(&bytes, path),
            Ok(None) => {}
            Err(why) => self.broken = Some(why),
        }
    }

    /// The last value of `key` (`section.sub.name` or `section.name`), as bytes.
    #[must_use]
    pub fn string(&self, key: &str) -> Option<Vec<u8>> {
        self.files
            .iter()
            .rev()
            .find_map(|f| f.string(key).map(|v| v.to_vec()))
    }

    /// Every value of a multi-valued `key`, in file order.
    #[must_use]
    pub fn strings(&self, key: &str) -> Vec<Vec<u8>> {
        self.files
            .iter()
            .flat_map(|f| f.strings(key).unwrap_or_default())
            .map(|v| v.to_vec())
            .collect()
    }

    /// The last value of boolean `key`; `None` when unset or not a boolean.
    #[must_use]
    pub fn boolean(&self, key: &str) -> Option<bool> {
        self.files
            .iter()
            .rev()
            .find_map(|f| f.boolean(key).ok().flatten())
    }

    /// Why values read here may not be git's: includes not followed, or a broken file.
    #[must_use]
    pub fn doubt(&self) -> Option<String> {
        if let Some(why) = &self.broken {
            return Some(format!("config not readable: {why}"));
        }
        self.includes
            .then(|| "the repository config has include/includeIf sections (not followed)".into())
    }

    /// Why objects cannot be read as SHA-1 (`extensions.objectFormat` other than sha1).
    #[must_use]
    pub fn not_sha1(&self) -> Option<String> {
        let format = self.string("extensions.objectFormat")?;
        (!format.eq_ignore_ascii_case(b"sha1")).then(|| {
            format!(
                "extensions.objectFormat = {} (only SHA-1 is read)",
                String::from_utf8_lossy(&format)
            )
        })
    }

    /// A config from `text` (tests).
    #[cfg(test)]
    #[must_use]
    pub fn from_text(text: &str) -> Config {
        let mut config = Config::default();
        config.add_bytes(text.as_bytes(), Path::new("test"));
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_notices_includes() {
        let c = Config::from_text(
            "[branch \"main\"]\n\tremote = origin\n\tmerge = refs/heads/main\n\
             [remote \"origin\"]\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n\
             \tfetch = +refs/tags/x:refs/tags/x\n[status]\n\trenames = false\n",
        );
        assert_eq!(c.string("branch.main.remote"), Some(b"origin".to_vec()));
        assert_eq!(c.strings("remote.origin.fetch").len(), 2);
        assert_eq!(c.boolean("status.renames"), Some(false));
        assert!(c.doubt().is_none());
        let i = Config::from_text("[includeIf \"gitdir:~/w/\"]\n\tpath = x\n");
        assert!(i.doubt().is_some());
    }
}
