//! The Kubernetes segment: the context and namespace the next `kubectl` will use, found by
//! client-go's loading rules without running `kubectl`. `gather` stats the files and answers
//! from the cache (`cache`) when nothing changed, else reads and parses them (only the two
//! fields needed); `compute` merges them exactly as kubectl does.

use std::path::{Path, PathBuf};

use crate::env::Env;
pub mod cache;
pub mod cut;
pub mod memo;
pub mod merge;
pub mod parse;
pub mod scalar;
pub mod types;
pub mod view;

use crate::segment::kube::cache::Stamp;
pub use crate::segment::kube::parse::parse;
pub use crate::segment::kube::types::{Info, Parsed};
pub use crate::segment::kube::view::KubeView;

/// Files larger than this are skipped: no real kubeconfig is this big, and parsing one would
/// blow the prompt's deadline.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// One file named by `KUBECONFIG` (or the default path), and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The path as listed.
    pub path: PathBuf,
    /// What was read from it.
    pub outcome: SourceOutcome,
}

/// What became of one kubeconfig file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceOutcome {
    /// Parsed.
    Parsed(Parsed),
    /// Does not exist: skipped, as kubectl skips it.
    Missing,
    /// Could not be read or parsed: contributes nothing; the message says why.
    Failed(String),
    /// Changed while being read, or empty/unparsable just after a change: being rewritten.
    InFlux(String),
    /// Not read: the cache entry for its unchanged stamp answered.
    Cached,
}

/// How the cache took part in this prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheUse {
    /// No cache folder: every prompt parses.
    Off(String),
    /// The value came from the cache; no file was read.
    Hit,
    /// The files were parsed; the reason says why the entry was not used.
    Miss(String),
    /// A file was being rewritten: the last good value is shown, the entry kept.
    LastGood(String),
}

/// Everything the kube segment read; the input of [`compute`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    /// Files in `KUBECONFIG` order, duplicates dropped.
    pub sources: Vec<Source>,
    /// What the cache did.
    pub cache: CacheUse,
    /// The answer taken from the cache (a hit, or the last good value), if any.
    pub cached: Option<Option<Info>>,
    /// A problem writing the cache, for `explain`.
    pub cache_note: Option<String>,
}

impl Raw {
    /// A result made from parsed sources alone, with no cache involved.
    #[must_use]
    pub fn parsed(sources: Vec<Source>) -> Self {
        Raw {
            sources,
            cache: CacheUse::Off("not used".into()),
            cached: None,
            cache_note: None,
        }
    }
}

/// The most kubeconfig files awesh reads for one prompt. A longer `KUBECONFIG` (the
/// kernel lets one variable hold 128 KiB: tens of thousands of paths) would cost a `stat` each
/// and make a prompt of seconds; any file past the cap could decide the answer, so there is
/// none (issue 13: bounded everywhere).
pub const MAX_FILES: usize = 256;

/// The kubeconfig paths kubectl would load, in order: `KUBECONFIG` split on `:`, empty entries
/// and duplicates dropped; when that leaves nothing, `$HOME/.kube/config`. At most
/// [`MAX_FILES`] + 1 are returned: one more means too many.
#[must_use]
pub fn paths(env: &Env) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    if let Some(list) = env.var("KUBECONFIG") {
        for entry in std::env::split_paths(list) {
            if !entry.as_os_str().is_empty() && !out.contains(&entry) {
                out.push(entry);
                if out.len() > MAX_FILES {
                    break;
                }
            }
        }
    }
    if out.is_empty() {
        if let Some(home) = env.non_empty("HOME") {
            out.push(Path::new(home).join(".kube").join("config"));
        }
    }
    out
}

/// Finds the kube answer for `env`: from the cache when every file is unchanged, else by
/// reading and parsing the files (in parallel when there are several) and refreshing the cache.
#[must_use]
pub fn gather(env: &Env) -> Raw {
    match lookup(env) {
        Lookup::Hit(raw) => raw,
        Lookup::Miss(pending) => pending.finish(),
    }
}

/// The first half of [`gather`]: the files' `stat`s and the cache's verdict on them.
#[derive(Debug)]
pub enum Lookup {
    /// The cache answered: nothing to read.
    Hit(Raw),
    /// The files must be read and parsed.
    Miss(Pending),
}

/// A cache miss still to be read and parsed ([`Pending::finish`]). It owns everything it
/// needs, so it can be finished on another thread, under a deadline.
#[derive(Debug)]
pub struct Pending {
    paths: Vec<PathBuf>,
    absolute: Vec<PathBuf>,
    stamps: Vec<Option<Stamp>>,
    entry_file: Option<PathBuf>,
    prior: Option<Result<cache::Entry, String>>,
    miss_reason: Option<String>,
    /// The environment's clock offset ([`Env::clock_offset_ns`]), for the racy-window checks.
    clock_offset_ns: i128,
}

/// Stats the kubeconfig files and asks the cache: a [`Lookup::Hit`] when it holds an answer
/// for exactly these files, unchanged.
#[must_use]
pub fn lookup(env: &Env) -> Lookup {
    let paths = paths(env);
    if paths.len() > MAX_FILES {
        return Lookup::Hit(Raw::parsed(vec![Source {
            path: PathBuf::from("$KUBECONFIG"),
            outcome: SourceOutcome::Failed(format!(
                "KUBECONFIG lists over {MAX_FILES} files: not read"
            )),
        }]));
    }
    let absolute: Vec<PathBuf> = paths.iter().map(|p| env.absolute(p)).collect();
    let stamps: Vec<Option<Stamp>> = absolute
        .iter()
        .map(|p| std::fs::metadata(p).ok().map(|m| Stamp::of(&m)))
        .collect();
    let entry_file = env
        .cache_dir()
        .map(|dir| cache::entry_path(&dir, &absolute));
    let prior = entry_file.as_deref().map(cache::load);
    let same_key = |entry: &cache::Entry| {
        entry.key.len() == absolute.len()
            && entry
                .key
                .iter()
                .zip(absolute.iter().zip(&stamps))
                .all(|((kp, ks), (p, s))| kp == p && ks == s)
    };
    let miss_reason = match &prior {
        None => None,
        Some(Ok(entry)) if same_key(entry) && entry.trusted => {
            let sources = paths
                .into_iter()
                .zip(&stamps)
                .map(|(path, stamp)| Source {
                    path,
                    outcome: if stamp.is_some() {
                        SourceOutcome::Cached
                    } else {
                        SourceOutcome::Missing
                    },
                })
                .collect();
            return Lookup::Hit(Raw {
                sources,
                cache: CacheUse::Hit,
                cached: Some(entry.value.clone()),
                cache_note: None,
            });
        }
        Some(Ok(entry)) if same_key(entry) => {
            Some("the entry was made while a file was changing".to_string())
        }
        Some(Ok(_)) => Some("a kubeconfig file, or the list of files, changed".to_string()),
        Some(Err(why)) => Some(why.clone()),
    };
    Lookup::Miss(Pending {
        paths,
        absolute,
        stamps,
        entry_file,
        prior,
        miss_reason,
        clock_offset_ns: env.clock_offset_ns(),
    })
}

impl Pending {
    /// The bytes a parse would read: what decides whether it may run on the prompt's thread.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.stamps.iter().flatten().map(|s| s.size).sum()
    }

    /// Reads and parses the files and refreshes the cache: the second half of [`gather`].
    #[must_use]
    pub fn finish(self) -> Raw {
        let Pending {
            paths,
            absolute,
            stamps,
            entry_file,
            prior,
            miss_reason,
            clock_offset_ns,
        } = self;
        let key: Vec<(PathBuf, Option<Stamp>)> = absolute
            .iter()
            .cloned()
            .zip(stamps.iter().copied())
            .collect();
        let now = cache::now_ns() + clock_offset_ns;
        let outcomes: Vec<SourceOutcome> = if absolute.len() > 1 {
            use rayon::prelude::*;
            absolute
                .par_iter()
                .zip(stamps.par_iter())
                .map(|(path, stamp)| read_consistent(path, *stamp, now))
                .collect()
        } else {
            absolute
                .iter()
                .zip(&stamps)
                .map(|(path, stamp)| read_consistent(path, *stamp, now))
                .collect()
        };
        let sources: Vec<Source> = paths
            .into_iter()
            .zip(outcomes)
            .map(|(path, outcome)| Source { path, outcome })
            .collect();
        let in_flux = sources
            .iter()
            .any(|s| matches!(s.outcome, SourceOutcome::InFlux(_)));

        let Some(entry_file) = entry_file else {
            let mut raw = Raw::parsed(sources);
            raw.cache = CacheUse::Off(
                "no cache folder (set AWESH_CACHE_DIR, XDG_CACHE_HOME or HOME)".into(),
            );
            return raw;
        };
        if in_flux {
            if let Some(Ok(entry)) = prior
                .as_ref()
                .filter(|p| matches!(p, Ok(e) if e.value.is_some()))
            {
                return Raw {
                    sources,
                    cache: CacheUse::LastGood("a kubeconfig file is being rewritten".into()),
                    cached: Some(entry.value.clone()),
                    cache_note: None,
                };
            }
        }
        let mut raw = Raw::parsed(sources);
        raw.cache = CacheUse::Miss(miss_reason.unwrap_or_default());
        // No entry for an answer left unknown by a file not read: a hit could not say why
        // (explain would see only cached files), and the next prompt should look again.
        if !in_flux && unread(&raw).is_none() {
            let entry = cache::Entry {
                trusted: stamps.iter().flatten().all(|s| !s.is_recent(now)),
                value: compute(&raw),
                key,
            };
            if let Err(why) = cache::store(&entry_file, &entry) {
                raw.cache_note = Some(why);
            }
        }
        raw
    }
}

/// Reads one file, making sure what was read is one whole version of it: the file must not
/// change while being read, and an empty or unparsable file changed within the racy window is
/// taken as being rewritten (kubectl truncates and rewrites in place), not as broken.
fn read_consistent(path: &Path, before: Option<Stamp>, now: i128) -> SourceOutcome {
    let Some(before) = before else {
        return read(path);
    };
    let outcome = read(path);
    let after = std::fs::metadata(path).ok().map(|m| Stamp::of(&m));
    if after != Some(before) {
        return SourceOutcome::InFlux(format!("{} changed while being read", path.display()));
    }
    if !before.is_recent(now) {
        return outcome;
    }
    match outcome {
        SourceOutcome::Failed(why) => SourceOutcome::InFlux(format!(
            "{why} (changed just now: taken as being rewritten)"
        )),
        SourceOutcome::Parsed(_) if before.size == 0 => SourceOutcome::InFlux(format!(
            "{} is empty and changed just now: taken as being rewritten",
            path.display()
        )),
        other => other,
    }
}

/// Reads and parses one file.
#[must_use]
pub fn read(path: &Path) -> SourceOutcome {
    match crate::io::files::read_regular(path, MAX_FILE_BYTES) {
        Ok(None) => SourceOutcome::Missing,
        Ok(Some(bytes)) => match parse(&bytes) {
            Ok(parsed) => SourceOutcome::Parsed(parsed),
            Err(why) => SourceOutcome::Failed(format!("{}: {why}", path.display())),
        },
        Err(why) => SourceOutcome::Failed(why),
    }
}

/// The answer: the cached one when the cache answered, else the files merged as kubectl
/// does: the first non-empty `current-context` wins, and the context is taken whole from the
/// first file that defines that name. A file that was listed but not read (too big, not a
/// regular file, unreadable, unparsable, being rewritten) could have decided either, and
/// kubectl itself would refuse to run: then there is no answer, never the next file's.
#[must_use]
pub fn compute(raw: &Raw) -> Option<Info> {
    if let Some(cached) = &raw.cached {
        return cached.clone();
    }
    if unread(raw).is_some() {
        return None;
    }
    let parsed = raw
        .sources
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match &s.outcome {
            SourceOutcome::Parsed(p) => Some((i, p)),
            _ => None,
        });
    let (context_from, context) = parsed
        .clone()
        .find_map(|(i, p)| p.current_context.as_ref().map(|c| (i, c)))?;
    let definition = parsed.clone().find_map(|(i, p)| {
        p.contexts
            .iter()
            .find(|(name, _)| name == context)
            .map(|(_, ns)| (i, ns))
    });
    Some(Info {
        context: context.clone(),
        namespace: definition.and_then(|(_, ns)| ns.clone()),
        context_from,
        defined_in: definition.map(|(i, _)| i),
    })
}

/// The first listed file that exists but was not read, with why: while there is one, the
/// answer is unknown (issue 13, case 3).
#[must_use]
pub fn unread(raw: &Raw) -> Option<(&Path, &str)> {
    raw.sources.iter().find_map(|s| match &s.outcome {
        SourceOutcome::Failed(why) | SourceOutcome::InFlux(why) => {
            Some((s.path.as_path(), why.as_str()))
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::Name;

    fn file(cur: Option<&str>, contexts: &[(&str, Option<&str>)]) -> Source {
        Source {
            path: PathBuf::from("x"),
            outcome: SourceOutcome::Parsed(Parsed {
                current_context: cur.map(Name::from),
                contexts: contexts
                    .iter()
                    .map(|(n, ns)| (Name::from(*n), ns.map(Name::from)))
                    .collect(),
            }),
        }
    }

    /// `(context, namespace)` expected of a case.
    type Want<'a> = Option<(&'a str, Option<&'a str>)>;

    #[test]
    fn merge_follows_kubectl() {
        let failed = Source {
            path: PathBuf::from("bad"),
            outcome: SourceOutcome::Failed("boom".into()),
        };
        let cases: Vec<(Vec<Source>, Want)> = vec![
            (vec![], None),
            (vec![file(None, &[("a", Some("x"))])], None),
            (
                vec![file(Some("a"), &[("a", Some("x"))])],
                Some(("a", Some("x"))),
            ),
            // first current-context wins
            (
                vec![
                    file(Some("a"), &[]),
                    file(Some("b"), &[("a", Some("na")), ("b", None)]),
                ],
                Some(("a", Some("na"))),
            ),
            // a context is taken whole from the first file defining it
            (
                vec![
                    file(Some("a"), &[("a", None)]),
                    file(None, &[("a", Some("late"))]),
                ],
                Some(("a", None)),
            ),
            // an undefined current-context still shows its name
            (
                vec![file(Some("ghost"), &[("a", Some("x"))])],
                Some(("ghost", None)),
            ),
            // issue 13, case 3: a file not read could have decided: no answer, never b's
            (
                vec![failed.clone(), file(Some("b"), &[("b", Some("y"))])],
                None,
            ),
            (vec![file(Some("b"), &[("b", Some("y"))]), failed], None),
        ];
        for (sources, want) in cases {
            let got = compute(&Raw::parsed(sources));
            let got = got.as_ref().map(|i| {
                (
                    i.context.to_string(),
                    i.namespace.as_ref().map(ToString::to_string),
                )
            });
            let want = want.map(|(c, n)| (c.to_string(), n.map(str::to_string)));
            assert_eq!(got, want);
        }
    }

    /// A `KUBECONFIG` of tens of thousands of paths is not walked: no answer, at once.
    #[test]
    fn issue_13_too_many_files_give_no_answer() {
        let list: Vec<String> = (0..30_000).map(|i| format!("/nonexistent/{i}")).collect();
        let env = Env::new("/", [("KUBECONFIG", list.join(":"))]);
        assert_eq!(paths(&env).len(), MAX_FILES + 1);
        let raw = gather(&env);
        assert_eq!(compute(&raw), None);
        assert!(unread(&raw).is_some_and(|(_, why)| why.contains("over 256 files")));
    }

    #[test]
    fn kubeconfig_list_drops_empties_and_duplicates() {
        let env = Env::new("/", [("KUBECONFIG", "/a::/b:/a"), ("HOME", "/h")]);
        assert_eq!(paths(&env), vec![PathBuf::from("/a"), PathBuf::from("/b")]);
        let env = Env::new("/", [("KUBECONFIG", ""), ("HOME", "/h")]);
        assert_eq!(paths(&env), vec![PathBuf::from("/h/.kube/config")]);
    }
}
