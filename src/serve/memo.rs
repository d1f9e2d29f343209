//! What the server keeps between requests besides the Kubernetes answers (`segment::kube::memo`):
//! the config, keyed on its path and file stamp, read again only when the stamp changes.
//! Git is not kept: finding the repository and reading `HEAD` is itself a handful of `stat`s
//! and small reads, no more than proving a kept answer right would cost.

use std::path::PathBuf;

use crate::config::{self, Config, FileState};
use crate::env::Env;
use crate::segment::kube::cache::Stamp;
use crate::segment::kube::memo::stamps;

/// The config, read again only when its file's stamp changes.
#[derive(Debug, Default)]
pub struct ConfigMemo {
    /// The path and stamp the kept config was read from (`None` stamp: no file there).
    key: Option<(PathBuf, Option<Stamp>)>,
    kept: Option<config::Loaded>,
    defaults: Config,
}

impl ConfigMemo {
    /// The config `awesh prompt` would load for `env` now.
    pub fn get(&mut self, env: &Env) -> &Config {
        let Some(location) = config::locate(env) else {
            return &self.defaults;
        };
        let stamp = match std::fs::metadata(&location.path) {
            Ok(meta) => Some(Stamp::of(&meta)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            // Unreadable for another reason: read it as `awesh prompt` would, keep nothing.
            Err(_) => {
                self.key = None;
                return &self.kept.insert(config::load_path(&location.path)).config;
            }
        };
        let key = (location.path, stamp);
        if self.key.as_ref() != Some(&key) || self.kept.is_none() {
            let loaded = config::load_path(&key.0);
            let keep = match (&loaded.state, stamp) {
                (FileState::Absent, None) => true,
                (FileState::Read, Some(s)) => {
                    !s.is_recent(env.now_ns()) && stamps(std::slice::from_ref(&key.0)) == [stamp]
                }
                _ => false,
            };
            self.key = keep.then_some(key);
            self.kept = Some(loaded);
        }
        match &self.kept {
            Some(loaded) => &loaded.config,
            None => &self.defaults,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::segment::kube::memo::clock::{env_at, JUST_CHANGED, SETTLED};

    #[test]
    fn the_config_is_kept_only_once_settled() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        let symbol = |memo: &mut ConfigMemo, env: &Env| memo.get(env).format.branch.symbol.clone();
        std::fs::write(&file, "[branch]\nsymbol = \"a:\"\n").unwrap();
        let mut memo = ConfigMemo::default();
        let recent = env_at(dir.path(), &file, JUST_CHANGED);
        assert_eq!(symbol(&mut memo, &recent), "a:");
        assert_eq!(memo.key, None, "just written: not kept");
        let settled = env_at(dir.path(), &file, SETTLED);
        assert_eq!(symbol(&mut memo, &settled), "a:");
        assert!(memo.key.is_some(), "settled: kept");
        std::fs::write(&file, "[branch]\nsymbol = \"bb:\"\n").unwrap();
        assert_eq!(symbol(&mut memo, &settled), "bb:", "a change is followed");
    }
}
