//! Kubernetes answers kept between prompts by a process that outlives one (`awesh serve`),
//! keyed on the kubeconfig paths and their file stamps, like the on-disk cache but without
//! reading it: a few `stat` calls prove a kept answer still holds.
//!
//! Trust follows the on-disk cache (git's racy-index rule): an answer made from a file changed
//! within [`RACY_WINDOW`](super::cache::RACY_WINDOW) is used once and not kept, because a second
//! same-size rewrite within one timestamp tick would leave the stamp unchanged.

use std::path::PathBuf;

use crate::env::Env;
use crate::segment::kube::{self, cache::Stamp, CacheUse, Raw, SourceOutcome};

/// Kubernetes answers kept per distinct list of kubeconfig paths (most recent first).
pub const KUBE_ENTRIES: usize = 8;

/// Each path's stamp, `None` when it cannot be `stat`ed.
pub fn stamps(paths: &[PathBuf]) -> Vec<Option<Stamp>> {
    paths
        .iter()
        .map(|p| std::fs::metadata(p).ok().map(|m| Stamp::of(&m)))
        .collect()
}

/// True when no stamp changed within the racy window before `now`.
pub fn settled(stamps: &[Option<Stamp>], now: i128) -> bool {
    stamps.iter().flatten().all(|s| !s.is_recent(now))
}

/// The kubeconfig paths, in order, with their stamps: what an answer depends on.
type KubeKey = Vec<(PathBuf, Option<Stamp>)>;

/// Kubernetes answers keyed on the files' stamps.
#[derive(Debug, Default)]
pub struct KubeMemo {
    entries: Vec<(KubeKey, Option<kube::Info>)>,
}

impl KubeMemo {
    /// What the kube segment gathers in `env` now: a kept answer when every file's stamp is
    /// unchanged (as a cache hit: no file read), else [`kube::gather`] (on-disk cache, then
    /// parsing), whose answer is kept when the files were settled.
    pub fn gather(&mut self, env: &Env) -> Raw {
        let paths: Vec<PathBuf> = kube::paths(env).iter().map(|p| env.absolute(p)).collect();
        let before = stamps(&paths);
        let key: KubeKey = paths.iter().cloned().zip(before).collect();
        if let Some(at) = self.entries.iter().position(|(k, _)| *k == key) {
            let entry = self.entries.remove(at);
            let info = entry.1.clone();
            self.entries.insert(0, entry);
            return Raw {
                sources: Vec::new(),
                cache: CacheUse::Hit,
                cached: Some(info),
                cache_note: None,
            };
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
            self.entries.insert(0, (key, info));
            self.entries.truncate(KUBE_ENTRIES);
        }
        raw
    }

    /// What the prompt shows for Kubernetes in `env` now: [`kube::compute`] of [`Self::gather`].
    pub fn answer(&mut self, env: &Env) -> Option<kube::Info> {
        kube::compute(&self.gather(env))
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

/// Environments whose clock is moved, for the tests of what is kept between prompts (here and
/// in `serve::memo`).
#[cfg(test)]
pub mod clock {
    use crate::env::Env;

    /// An environment for `file` whose clock is `offset_ms` away from the system's: far in
    /// the past makes every file look just changed (never kept), far ahead makes every file
    /// look settled (kept), whatever the machine's load between writing and asking.
    pub fn env_at(dir: &std::path::Path, file: &std::path::Path, offset_ms: &str) -> Env {
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

    pub const JUST_CHANGED: &str = "-600000";
    pub const SETTLED: &str = "600000";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kubeconfig(current: &str) -> String {
        format!(
            "current-context: {current}\ncontexts:\n- name: {current}\n  context:\n    namespace: ns-{current}\n"
        )
    }

    use super::clock::{env_at, JUST_CHANGED, SETTLED};

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
}
