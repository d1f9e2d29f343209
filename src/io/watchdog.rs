//! The server's one guard thread. Requests are gathered on the main thread, one after the
//! other: handing each to a worker thread and back cost more than the gather itself on a busy
//! machine (two wake-ups per segment). A read that never returns (a hung network filesystem;
//! FIFOs are never opened) or a request that runs too long (a huge kubeconfig to parse)
//! cannot be interrupted, and a server stuck in one serves no one; so when a request overruns
//! its deadline, this thread ends the process. The
//! shell then sees the end of its pipe at once, answers that prompt with `awesh prompt` (which
//! leaves out just the stuck part, as always) and starts a new server. The same thread ends the
//! server when the shell that started it is gone.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often the guard looks while the shell is in use (a request began within [`ACTIVE`]):
/// the most a stuck request may overrun its deadline by.
pub const POLL: Duration = Duration::from_millis(50);

/// How often it looks when the shell has been idle for [`ACTIVE`]: a few wake-ups a second for
/// a shell left open all day. A request stuck right after a long idle spell may then overrun
/// by this much, still less than the 300 ms the hook waits beyond the deadline.
pub const IDLE_POLL: Duration = Duration::from_millis(200);

/// How long after a request the guard keeps looking at the [`POLL`] rate.
pub const ACTIVE: Duration = Duration::from_secs(5);

/// When the request in progress must be done by, shared with the guard.
#[derive(Debug)]
pub struct Busy {
    origin: Instant,
    /// Nanoseconds after `origin` (plus one, so 0 means idle).
    until: AtomicU64,
    /// Nanoseconds after `origin` when the last request began.
    last: AtomicU64,
}

impl Default for Busy {
    fn default() -> Self {
        Busy {
            origin: Instant::now(),
            until: AtomicU64::new(0),
            last: AtomicU64::new(0),
        }
    }
}

impl Busy {
    /// A request starts and must be done within `deadline`.
    pub fn begin(&self, deadline: Duration) {
        self.begin_at(self.origin.elapsed(), deadline);
    }

    /// How long the guard may sleep before looking again.
    #[must_use]
    pub fn poll(&self) -> Duration {
        self.poll_at(self.origin.elapsed())
    }

    /// The request is done.
    pub fn end(&self) {
        self.until.store(0, Ordering::Relaxed);
    }

    /// True when a request is in progress past its deadline.
    #[must_use]
    pub fn overrun(&self) -> bool {
        self.overrun_at(self.origin.elapsed())
    }

    // The clock is read only in the three methods above; these take `now` (time since
    // `origin`), so tests can say when things happen instead of sleeping.

    fn begin_at(&self, now: Duration, deadline: Duration) {
        let at = u64::try_from((now + deadline).as_nanos()).unwrap_or(u64::MAX - 1);
        self.until.store(at + 1, Ordering::Relaxed);
        self.last.store(
            u64::try_from(now.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    fn poll_at(&self, now: Duration) -> Duration {
        let since = now.saturating_sub(Duration::from_nanos(self.last.load(Ordering::Relaxed)));
        if since < ACTIVE {
            POLL
        } else {
            IDLE_POLL
        }
    }

    fn overrun_at(&self, now: Duration) -> bool {
        let until = self.until.load(Ordering::Relaxed);
        let now = u64::try_from(now.as_nanos()).unwrap_or(u64::MAX);
        until != 0 && now >= until
    }
}

/// Starts the guard: it exits the process (status 0, having written nothing) when `busy`
/// overruns, or when the parent process changes (the shell is gone and the server was
/// reparented; its end of the request pipe may be held open by a program it started), after
/// running `shell_gone` in the second case (what the server leaves behind for its shell is
/// nobody's then; after an overrun the shell's next server takes it over).
pub fn start(busy: Arc<Busy>, shell_gone: impl Fn() + Send + 'static) {
    let parent = std::os::unix::process::parent_id();
    let _ = std::thread::Builder::new()
        .name("awesh-guard".into())
        .spawn(move || loop {
            std::thread::sleep(busy.poll());
            if busy.overrun() {
                std::process::exit(0);
            }
            if parent != 1 && std::os::unix::process::parent_id() != parent {
                shell_gone();
                std::process::exit(0);
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    #[test]
    fn busy_tracks_the_deadline() {
        let busy = Busy::default();
        assert!(!busy.overrun_at(at(0)), "idle");
        assert!(!busy.overrun_at(Duration::MAX), "idle, however long");
        busy.begin_at(at(1_000), at(200));
        assert!(!busy.overrun_at(at(1_000)), "just begun");
        assert!(!busy.overrun_at(at(1_199)), "within");
        assert!(!busy.overrun_at(at(1_200)), "at the deadline");
        assert!(busy.overrun_at(at(1_201)), "just past");
        assert!(busy.overrun_at(at(90_000)), "long past");
        // A new request moves the deadline; one with no time at all is over at once.
        busy.begin_at(at(2_000), at(60_000));
        assert!(!busy.overrun_at(at(3_000)), "well within");
        busy.begin_at(at(3_000), Duration::ZERO);
        assert!(busy.overrun_at(at(3_001)), "no time given");
        busy.end();
        assert!(!busy.overrun_at(at(90_000)), "done");
        // The longest deadline a request can ask for (u64::MAX ms) is never reached.
        busy.begin_at(at(0), at(u64::MAX));
        assert!(!busy.overrun_at(at(90_000)), "unreachable deadline");
        busy.end();
    }

    #[test]
    fn the_guard_looks_often_only_while_the_shell_is_in_use() {
        let busy = Busy::default();
        assert_eq!(busy.poll_at(at(0)), POLL, "just started");
        assert_eq!(busy.poll_at(ACTIVE), IDLE_POLL, "idle since the start");
        busy.begin_at(at(10_000), at(200));
        busy.end();
        assert_eq!(busy.poll_at(at(10_000)), POLL, "just used");
        assert_eq!(
            busy.poll_at(at(10_000) + ACTIVE - at(1)),
            POLL,
            "still in use"
        );
        assert_eq!(busy.poll_at(at(10_000) + ACTIVE), IDLE_POLL, "idle");
        // The real clock: a fresh guard starts at the quick rate.
        assert_eq!(Busy::default().poll(), POLL);
    }
}
