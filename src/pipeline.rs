//! The one prompt pipeline: the inputs (environment, config, the caller's toggles) and a
//! deadline in, one structured [`Outcome`] out — each segment's raw result or why it has none,
//! how the gathers ran, their timings, and what compute made of them. `awesh prompt`,
//! `awesh serve` and `awesh explain` only render that outcome, so a change to the deadline or
//! to how a segment is gathered is made here (and in `segment`), once.

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

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::{self, show::Decision, Config, Format};
use crate::env::Env;
use crate::render::{self, Buf};
use crate::segment::{self, git, inline, kube, On, Part, Parts, Slot, StatusLimits, Want};
use crate::shell::Shell;

/// The prompt's deadline when neither `--timeout-ms` nor `AWESH_TIMEOUT_MS` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(200);

/// One prompt's deadline: everything (the config read, the gathers, the rules' matching)
/// shares it, counted from when the request started.
#[derive(Debug, Clone)]
pub struct Deadline {
    start: Instant,
    timeout: Duration,
    /// Why the requested deadline was not used, for `explain`.
    pub note: Option<String>,
}

impl Deadline {
    /// Starts now: `--timeout-ms` (`flag`), else `AWESH_TIMEOUT_MS`, else [`DEFAULT_TIMEOUT`];
    /// a variable that is not a number of milliseconds gives the default and a note.
    #[must_use]
    pub fn start(flag: Option<u64>, env: &Env) -> Deadline {
        let start = Instant::now();
        let (timeout, note) = timeout(flag, env);
        Deadline {
            start,
            timeout,
            note,
        }
    }

    /// The whole prompt's budget.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// What is left of it now.
    #[must_use]
    pub fn left(&self) -> Duration {
        self.timeout.saturating_sub(self.start.elapsed())
    }

    /// The instant it ends (`None` when it is too far away to be represented).
    #[must_use]
    pub fn at(&self) -> Option<Instant> {
        self.start.checked_add(self.timeout)
    }
}

fn timeout(flag: Option<u64>, env: &Env) -> (Duration, Option<String>) {
    if let Some(ms) = flag {
        return (Duration::from_millis(ms), None);
    }
    match env.non_empty("AWESH_TIMEOUT_MS") {
        None => (DEFAULT_TIMEOUT, None),
        Some(text) => match text.to_str().and_then(|t| t.trim().parse::<u64>().ok()) {
            Some(ms) => (Duration::from_millis(ms), None),
            None => (
                DEFAULT_TIMEOUT,
                Some(format!(
                    "AWESH_TIMEOUT_MS={:?} is not a number of milliseconds; using {} ms",
                    text,
                    DEFAULT_TIMEOUT.as_millis()
                )),
            ),
        },
    }
}

/// The config file for `env`, read within what is left of `deadline` (on a thread only when
/// a mounted filesystem could make the read hang).
#[must_use]
pub fn load_config(env: &Arc<Env>, deadline: &Deadline) -> config::Loaded {
    config::load_within(env, deadline.left(), inline::machine_is_local().is_ok())
}

/// Everything one prompt found, computed once; the renderers only read it.
#[derive(Debug)]
pub struct Outcome<'c> {
    /// How the gathers ran.
    pub how: segment::How,
    /// Whether the config wants the kube part here.
    pub kube_decision: Decision,
    /// The git segment's raw result (or why it has none), with its time.
    pub git: Slot<Result<git::Raw, git::Missing>>,
    /// The kube segment's raw result, with its time.
    pub kube: Slot<kube::Raw>,
    /// What the prompt shows for git.
    pub git_info: Option<git::Info>,
    /// What kube found (before the config's rules).
    pub kube_info: Option<kube::Info>,
    /// The kube parts as shown: the config's aliases, highlights and namespace rules applied.
    pub kube_view: Option<kube::KubeView<'c>>,
    /// The working-tree status (off unless the config enables it), with its time.
    pub status: Slot<segment::StatusResult>,
}

impl Outcome<'_> {
    /// Writes the segment for `shell` in `format` into `out` (cleared first).
    pub fn render(&self, out: &mut Buf, shell: Shell, format: &Format) {
        out.clear();
        render::format::prompt_with(
            out,
            shell,
            format,
            self.git_info.as_ref(),
            self.kube_view.as_ref(),
            self.status.done().and_then(|s| s.as_ref().ok()),
        );
    }
}

/// Gathers the parts in `want` (the caller's toggles) that the config allows, in `env` within
/// `deadline`, and computes what they show.
#[must_use]
pub fn run<'c>(
    env: &Arc<Env>,
    config: &'c Config,
    want: Parts,
    deadline: &Deadline,
    on: On<'_>,
) -> Outcome<'c> {
    let kube_decision = config::show::decide(&config.show, env);
    // An unwanted kube part is not gathered at all, nor a status the config leaves off.
    let mut want = want;
    if !kube_decision.wanted() {
        want = want.without(Part::Kube);
    }
    let status = &config.status;
    if !status.enabled
        || !config
            .format
            .segment
            .pieces
            .contains(&config::format::Piece::Var(config::format::Var::Status))
    {
        want = want.without(Part::Status);
    }
    let want = Want {
        parts: want,
        status: StatusLimits {
            timeout: Duration::from_millis(status.timeout_ms),
            max_index_entries: status.max_index_entries,
            // Markers alone need to know only whether there is one.
            max_per_class: if want.has(Part::Status) && config.format.status.get().counts_shown() {
                status.max_count
            } else {
                1
            },
        },
    };
    let snapshot = segment::gather(env, want, deadline.left(), on);
    let git_info = snapshot
        .git
        .done()
        .and_then(|r| r.as_ref().ok())
        .and_then(git::compute);
    let kube_info = snapshot.kube.done().and_then(kube::compute);
    let kube_view = kube_info
        .as_ref()
        .map(|k| kube::view::view_before(config, k, deadline.at()));
    Outcome {
        how: snapshot.how,
        kube_decision,
        git: snapshot.git,
        kube: snapshot.kube,
        git_info,
        kube_info,
        kube_view,
        status: snapshot.status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_comes_from_the_flag_then_the_variable() {
        let env = |v: &str| Env::new("/", [("AWESH_TIMEOUT_MS", v)]);
        assert_eq!(
            Deadline::start(Some(7), &env("9")).timeout(),
            Duration::from_millis(7)
        );
        assert_eq!(
            Deadline::start(None, &env("9")).timeout(),
            Duration::from_millis(9)
        );
        let bad = Deadline::start(None, &env("soon"));
        assert_eq!(bad.timeout(), DEFAULT_TIMEOUT);
        assert!(bad.note.as_deref().is_some_and(|n| n.contains("soon")));
        assert_eq!(Deadline::start(None, &env("")).timeout(), DEFAULT_TIMEOUT);
        assert!(bad.left() <= bad.timeout());
    }
}
