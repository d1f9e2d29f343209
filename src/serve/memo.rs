//! What the server keeps between requests, and the few `stat` calls that prove it still holds:
//! the config (keyed on its path and file stamp) and the Kubernetes answers (keyed on the
//! kubeconfig paths and their stamps, like the on-disk cache but without reading it). Git is
//! not kept: finding the repository and reading `HEAD` is itself a handful of `stat`s and small
//! reads, no more than proving a kept answer right would cost.
//!
//! Trust follows the on-disk kube cache (git's racy-index rule): an answer made from a file
//! changed within
//! [`RACY_WINDOW`](crate::segment::kube::cache::RACY_WINDOW) is used once and not kept, because a second same-size rewrite
//! within one timestamp tick would leave the stamp unchanged.

use std::path::PathBuf;

use crate::config::{self, Config, FileState};
use crate::env::Env;
use crate::segment::kube::cache::Stamp;
use crate::segment::kube::{self, CacheUse, SourceOutcome};

/// Kubernetes answers kept per distinct list of kubeconfig paths (most recent first).
pub const KUBE_ENTRIES: usize = 8;

/// Each path's stamp, `None` when it cannot be `stat`ed.
fn stamps(paths: &[PathBuf]) -> Vec<Option<Stamp>> {
    paths
        .iter()
        .map(|p| std::fs::metadata(p).ok().map(|m| Stamp::of(&m)))
        .collect()
}

/// True when no stamp changed within the racy window before `now`.
fn settled(stamps: &[Option<Stamp>], now: i128) -> bool {
    stamps.iter().flatten().all(|s| !s.is_recent(now))
}

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

/// The kubeconfig paths, in order, with their stamps: what an answer depends on.
type KubeKey = Vec<(PathBuf, Option<Stamp>)>;

/// Kubernetes answers keyed on the files' stamps.
#[derive(Debug, Default)]
pub struct KubeMemo {
    entries: Vec<(KubeKey, Option<kube::Info>)>,
}

impl KubeMemo {
    /// What `awesh prompt` shows for Kubernetes in `env` now: a kept answer when every file's
    /// stamp is unchanged, else [`kube::gather`] (on-disk cache, then parsing) and
    /// [`kube::compute`], kept when the files were settled.
    pub fn answer(&mut self, env: &Env) -> Option<kube::Info> {
        let paths: Vec<PathBuf> = kube::paths(env).iter().map(|p| env.absolute(p)).collect();
        let before = stamps(&paths);
        let key: KubeKey = paths.iter().cloned().zip(before).collect();
        if let Some(at) = self.entries.iter().position(|(k, _)| *k == key) {
            let entry = self.entries.remove(at);
            let info = entry.1.clone();
            self.entries.insert(0, entry);
            return info;
        }
        let raw = kube::gather(env);
        let info = kube::compute(&raw);
        let now = env.now_ns();
        let before: Vec<Option<Stamp>> = key.iter().map(|(_, s)| *s).collect();
        let whole = !matches!(raw.cache, CacheUse::LastGood(_))
            && !raw
                .sources
                .iter()
                .any(|s| matches!(s.outcome, SourceOutcome::InFlux(_)));
        if whole && settled(&before, now) && stamps(&paths) == before {
            self.entries.insert(0, (key, info.clone()));
            self.entries.truncate(KUBE_ENTRIES);
        }
        info
    }

    /// How many answers are kept.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is kept.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kubeconfig(current: &str) -> String {
        format!(
            "current-context: {current}\ncontexts:\n- name: {current}\n  context:\n    namespace: ns-{current}\n"
        )
    }

    /// An environment for `file` whose clock is `offset_ms` away from the system's: far in
    /// the past makes every file look just changed (never kept), far ahead makes every file
    /// look settled (kept), whatever the machine's load between writing and asking.
    fn env_at(dir: &std::path::Path, file: &std::path::Path, offset_ms: &str) -> Env {
        Env::new(
            dir,
            [
                ("KUBECONFIG", file.as_os_str()),
                ("AWESH_CACHE_DIR", dir.join("cache").as_os_str()),
                ("AWESH_CONFIG", dir.join("config.toml").as_os_str()),
                (crate::env::CLOCK_OFFSET, std::ffi::OsStr::new(offset_ms)),
            ],
        )
    }

    const JUST_CHANGED: &str = "-600000";
    const SETTLED: &str = "600000";

    #[test]
    fn kube_answers_follow_the_files_and_recent_ones_are_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        std::fs::write(&file, kubeconfig("a")).unwrap();
        let env = env_at(dir.path(), &file, JUST_CHANGED);
        let mut memo = KubeMemo::default();
        let name = |i: Option<kube::Info>| i.map(|i| i.context.to_string());
        assert_eq!(name(memo.answer(&env)), Some("a".into()));
        // Just written: answered, not kept.
        assert!(memo.is_empty());
        // A same-size rewrite right away is seen, because nothing was kept.
        std::fs::write(&file, kubeconfig("b")).unwrap();
        assert_eq!(name(memo.answer(&env)), Some("b".into()));
        assert!(memo.is_empty());
        // Settled: kept, and still followed when the file changes (size too, so the stamp
        // differs however coarse the filesystem's clock).
        let settled = env_at(dir.path(), &file, SETTLED);
        assert_eq!(name(memo.answer(&settled)), Some("b".into()));
        assert_eq!(memo.len(), 1);
        std::fs::write(&file, kubeconfig("long-name")).unwrap();
        assert_eq!(name(memo.answer(&settled)), Some("long-name".into()));
        assert_eq!(memo.len(), 2);
        // A missing file is settled: kept, and a new file is a new key.
        let none = dir.path().join("none");
        let gone = env_at(dir.path(), &none, JUST_CHANGED);
        assert_eq!(memo.answer(&gone), None);
        assert_eq!(memo.len(), 3);
        std::fs::write(&none, kubeconfig("c")).unwrap();
        assert_eq!(name(memo.answer(&gone)), Some("c".into()));
        assert_eq!(memo.len(), 3, "just written: not kept");
    }

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
