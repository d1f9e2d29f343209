//! The segments and the one place they run in parallel: git and Kubernetes are gathered on
//! two threads under a single deadline for the whole prompt. A segment that misses the
//! deadline (a hung network filesystem, a huge kubeconfig to parse) is left out; the
//! caller prints what it has and exits, and the stuck thread dies with the process. When the
//! mount table shows that no read can block (every filesystem is local, and the gathers open
//! nothing but regular files, non-blocking: `inline`), the gathers run on the main thread
//! instead, which saves the threads' start-up: most of a prompt's cost. Only a kubeconfig
//! parse too big to be sure of the deadline (a cache miss on a big file) still gets a thread.

// No panic may reach the prompt (issue 13): with panic = "abort" in release, one would take
// every other segment with it. Tests are exempt.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod git;
pub mod inline;
pub mod kube;
pub mod registry;

use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::env::Env;

pub use registry::{Part, Parts};

/// Which segments to gather, and the status's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Want {
    /// The parts to gather (the status only with git).
    pub parts: Parts,
    /// How far the status may go, when it is gathered.
    pub status: StatusLimits,
}

impl Want {
    /// `parts`, with the status's default limits.
    #[must_use]
    pub fn parts(parts: Parts) -> Want {
        Want {
            parts,
            status: StatusLimits::default(),
        }
    }

    /// Every part but the status (which the config turns on).
    #[must_use]
    pub fn all() -> Want {
        Want::parts(Parts::all().without(Part::Status))
    }

    /// Whether `part` is gathered.
    #[must_use]
    pub fn has(&self, part: Part) -> bool {
        self.parts.has(part) && part.within().is_none_or(|p| self.parts.has(p))
    }
}

/// The status's limits (from the config's `[status]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusLimits {
    /// Its own time budget; the prompt's deadline still bounds it.
    pub timeout: Duration,
    /// A larger index is not examined.
    pub max_index_entries: usize,
    /// Stop counting a class past this many (1: only markers are shown).
    pub max_per_class: u32,
}

impl Default for StatusLimits {
    fn default() -> Self {
        StatusLimits {
            timeout: Duration::from_millis(100),
            max_index_entries: 1_000_000,
            max_per_class: 999,
        }
    }
}

/// The status, or why a repository has none (bare, or the shell is inside its git directory:
/// git says "this operation must be run in a work tree").
pub type StatusResult = Result<git::status::Status, String>;

/// A segment's result and how long gathering it took.
#[derive(Debug, Clone)]
pub struct Timed<T> {
    /// What the segment gathered.
    pub value: T,
    /// Microseconds from the start of the gather to its end.
    pub micros: u64,
}

/// The fate of one segment in one prompt.
#[derive(Debug, Clone)]
pub enum Slot<T> {
    /// Turned off by the caller.
    Off,
    /// Not finished by the deadline.
    TimedOut,
    /// Finished.
    Done(Timed<T>),
}

impl<T> Slot<T> {
    /// The gathered value, when the segment finished.
    pub fn done(&self) -> Option<&T> {
        match self {
            Slot::Done(t) => Some(&t.value),
            _ => None,
        }
    }
}

/// How the gathers ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum How {
    /// On the main thread: every read was shown unable to block (see [`inline`]).
    Inline,
    /// On their own threads under the deadline, for the reason given.
    Threads(String),
    /// On a long-lived server's one thread, whose watchdog ends the server if a read hangs
    /// (the shell then falls back to `awesh prompt`); kube answers kept between requests.
    Server,
}

/// Where the gathers may run.
pub enum On<'m> {
    /// On this thread when no read can block ([`inline`]), else on threads under the deadline.
    Auto,
    /// On this thread whatever the mounts, `busy` told the deadline for the watchdog, kube
    /// answers kept in `memo` and the status in `status`: `awesh serve`.
    Server {
        /// The kube answers kept between requests.
        memo: &'m mut kube::memo::KubeMemo,
        /// The working-tree status kept between requests, while nothing changes.
        status: &'m mut git::kept::StatusMemo,
        /// The watchdog's view of the request in progress.
        busy: &'m crate::io::watchdog::Busy,
    },
}

/// What one prompt gathered.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// How the gathers ran.
    pub how: How,
    /// The git segment's raw input, or why there is none.
    pub git: Slot<Result<git::Raw, git::Missing>>,
    /// The Kubernetes segment's raw input.
    pub kube: Slot<kube::Raw>,
    /// The working-tree status, after git's (its time counted from its own start).
    pub status: Slot<StatusResult>,
}

enum Msg {
    Git(Timed<Result<git::Raw, git::Missing>>),
    Kube(Timed<kube::Raw>),
    Status(Timed<StatusResult>),
}

/// The status of the repository `raw` found, within `limits` and before `end` (a little before
/// the prompt's deadline, so the status never costs the branch).
fn status_of(env: &Env, raw: &git::Raw, limits: StatusLimits, end: Instant) -> Timed<StatusResult> {
    status_in(env, raw, &git::worktree::of(env, raw), limits, end)
}

/// [`status_of`], in the work tree `tree` (already worked out by the caller).
fn status_in(
    env: &Env,
    raw: &git::Raw,
    tree: &git::worktree::WorkTree,
    limits: StatusLimits,
    end: Instant,
) -> Timed<StatusResult> {
    let start = Instant::now();
    let value = status_parts(raw, tree, limits, start, end)
        .map(|(paths, budget)| git::status::gather_in(Some(env), &paths, &budget));
    Timed {
        value,
        micros: micros_since(start),
    }
}

/// Where the status is gathered and within which budget, for a status begun at `start`; why
/// there is none (a bare repository, no work tree).
fn status_parts(
    raw: &git::Raw,
    tree: &git::worktree::WorkTree,
    limits: StatusLimits,
    start: Instant,
    end: Instant,
) -> Result<(git::status::Paths, git::status::Budget), String> {
    match tree.top.clone() {
        None if tree.bare => Err("a bare repository has no work tree".to_string()),
        None => Err(format!("no work tree: {}", tree.why)),
        Some(work_tree) => Ok((
            git::status::Paths {
                git_dir: raw.git_dir.clone(),
                common_dir: raw.common_dir.clone(),
                work_tree: Some(work_tree),
            },
            git::status::Budget {
                max_index_entries: limits.max_index_entries,
                max_per_class: limits.max_per_class,
                deadline: (start + limits.timeout).min(end),
            },
        )),
    }
}

/// When the status must be done: a tenth of the prompt's deadline (at most 5 ms) before it,
/// which leaves the rest of the prompt time to be written.
fn status_end(start: Instant, timeout: Duration) -> Instant {
    let margin = (timeout / 10).min(Duration::from_millis(5));
    start + timeout.saturating_sub(margin)
}

/// Runs the wanted segments and returns what finished within `timeout`: in parallel on
/// threads, or on this thread when nothing can block or a server's watchdog stands guard.
#[must_use]
pub fn gather(env: &Arc<Env>, want: Want, timeout: Duration, on: On<'_>) -> Snapshot {
    let start = Instant::now();
    if let On::Server { memo, status, busy } = on {
        busy.begin(timeout);
        let snapshot = gather_server(env, want, start, timeout, memo, status);
        busy.end();
        return snapshot;
    }
    let why_threads = match inline::machine_is_local() {
        Ok(()) => return gather_inline(env, want, start, timeout),
        Err(why) => why,
    };
    let (tx, rx) = mpsc::sync_channel(3);
    let mut pending = 0;
    let with_status = want.has(Part::Status);
    if want.has(Part::Git) {
        let (tx, env) = (tx.clone(), Arc::clone(env));
        let end = status_end(start, timeout);
        spawn(move || {
            let value = git::gather(&env);
            // The branch goes first, so a slow status never costs it.
            let raw = value.as_ref().ok().filter(|_| with_status).cloned();
            let _ = tx.send(Msg::Git(Timed {
                value,
                micros: micros_since(start),
            }));
            if let Some(raw) = raw {
                let _ = tx.send(Msg::Status(status_of(&env, &raw, want.status, end)));
            }
        });
        pending += 1 + usize::from(with_status);
    }
    if want.has(Part::Kube) {
        let (tx, env) = (tx.clone(), Arc::clone(env));
        spawn(move || {
            let value = kube::gather(&env);
            let _ = tx.send(Msg::Kube(Timed {
                value,
                micros: micros_since(start),
            }));
        });
        pending += 1;
    }
    drop(tx);
    let mut snapshot = Snapshot {
        how: How::Threads(why_threads),
        git: if want.has(Part::Git) {
            Slot::TimedOut
        } else {
            Slot::Off
        },
        kube: if want.has(Part::Kube) {
            Slot::TimedOut
        } else {
            Slot::Off
        },
        status: if with_status {
            Slot::TimedOut
        } else {
            Slot::Off
        },
    };
    let end = start + timeout;
    while pending > 0 {
        let left = end.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(Msg::Git(t)) => {
                // No repository, no status to wait for.
                if with_status && t.value.is_err() {
                    snapshot.status = Slot::Off;
                    pending -= 1;
                }
                snapshot.git = Slot::Done(t);
            }
            Ok(Msg::Kube(t)) => snapshot.kube = Slot::Done(t),
            Ok(Msg::Status(t)) => snapshot.status = Slot::Done(t),
            Err(_) => break,
        }
        pending -= 1;
    }
    snapshot
}

/// The status after git's gather on this thread, when it is wanted and there is a repository.
fn status_after(
    env: &Env,
    want: Want,
    git: &Slot<Result<git::Raw, git::Missing>>,
    end: Instant,
) -> Slot<StatusResult> {
    match git.done() {
        Some(Ok(raw)) if want.has(Part::Status) => {
            Slot::Done(status_of(env, raw, want.status, end))
        }
        _ => Slot::Off,
    }
}

/// Runs the gathers one after the other on this thread: only when [`inline::machine_is_local`]
/// showed that none of their reads can block. Their cost is then a few `stat`s and reads,
/// except for a kubeconfig parse on a cache miss: one over [`inline::INLINE_PARSE_BYTES`] is
/// handed to a thread and waited for until the deadline, like the threaded gathers.
fn gather_inline(env: &Env, want: Want, start: Instant, timeout: Duration) -> Snapshot {
    let mut how = How::Inline;
    // Each segment's own time (the mount check before them counts towards git's).
    let git = if want.has(Part::Git) {
        let value = git::gather(env);
        Slot::Done(Timed {
            value,
            micros: micros_since(start),
        })
    } else {
        Slot::Off
    };
    let kube = if want.has(Part::Kube) {
        let kube_start = Instant::now();
        let timed = |value| {
            Slot::Done(Timed {
                value,
                micros: micros_since(kube_start),
            })
        };
        match kube::lookup(env) {
            kube::Lookup::Hit(raw) => timed(raw),
            kube::Lookup::Miss(pending) if pending.bytes() <= inline::INLINE_PARSE_BYTES => {
                timed(pending.finish())
            }
            kube::Lookup::Miss(pending) => {
                how = How::Threads(format!(
                    "git on the main thread; a cache miss on {} bytes of kubeconfig, parsed on a \
                     thread (a parse that size could outlast the deadline)",
                    pending.bytes()
                ));
                let (tx, rx) = mpsc::sync_channel(1);
                spawn(move || {
                    let _ = tx.send(pending.finish());
                });
                let left = (start + timeout).saturating_duration_since(Instant::now());
                match rx.recv_timeout(left) {
                    Ok(raw) => timed(raw),
                    Err(_) => Slot::TimedOut,
                }
            }
        }
    } else {
        Slot::Off
    };
    // Last: the cheap parts are in hand whatever the status costs.
    let status = status_after(env, want, &git, status_end(start, timeout));
    Snapshot {
        how,
        git,
        kube,
        status,
    }
}

/// The server's gathers: on this thread, the kube answer from `memo`.
fn gather_server(
    env: &Env,
    want: Want,
    start: Instant,
    timeout: Duration,
    memo: &mut kube::memo::KubeMemo,
    kept: &mut git::kept::StatusMemo,
) -> Snapshot {
    let git = if want.has(Part::Git) {
        let value = git::gather(env);
        Slot::Done(Timed {
            value,
            micros: micros_since(start),
        })
    } else {
        Slot::Off
    };
    let kube = if want.has(Part::Kube) {
        let kube_start = Instant::now();
        let value = memo.gather(env);
        Slot::Done(Timed {
            value,
            micros: micros_since(kube_start),
        })
    } else {
        Slot::Off
    };
    let status = match git.done() {
        Some(Ok(raw)) if want.has(Part::Status) => {
            let status_start = Instant::now();
            // The request's deadline, counted from the request's start, as in the other gathers.
            let end = status_end(start, timeout);
            let tree = git::worktree::of(env, raw);
            let limits = want.status;
            let own = (status_start + limits.timeout).min(end);
            let parts = || status_parts(raw, &tree, limits, status_start, end);
            let (value, _kept) = kept.get(
                env,
                raw,
                tree.top.clone(),
                limits,
                own,
                || match parts() {
                    Ok((paths, budget)) => {
                        let (status, kept) =
                            git::status::gather_keeping(Some(env), &paths, &budget);
                        (Ok(status), kept)
                    }
                    Err(why) => (Err(why), None),
                },
                |worktree, prev, edited| {
                    let (paths, budget) = parts().ok()?;
                    git::status::refresh(Some(env), &paths, &budget, worktree, prev, edited).map(Ok)
                },
            );
            Slot::Done(Timed {
                value,
                micros: micros_since(status_start),
            })
        }
        _ => Slot::Off,
    };
    Snapshot {
        how: How::Server,
        git,
        kube,
        status,
    }
}

/// Starts one detached gather thread. Plain threads, not rayon's pool: starting the pool
/// measured ~0.2 ms a prompt (its workers park and wake through several context switches),
/// more than the two gathers cost together. rayon is used where it pays: parsing several
/// kubeconfig files at once on a cache miss.
fn spawn(f: impl FnOnce() + Send + 'static) {
    let spawned = std::thread::Builder::new()
        .name("awesh-gather".into())
        .spawn(f);
    // Without a thread (a process limit was hit), the segment simply misses the deadline.
    drop(spawned);
}

fn micros_since(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX)
}
