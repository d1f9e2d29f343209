//! Long-lived gather threads: `awesh prompt` starts two threads per prompt and lets a stuck one
//! die with the process; a server cannot, so each segment has one thread that lives across
//! requests (no thread start per prompt) and keeps its own memo. A thread that misses a
//! request's deadline (a FIFO in place of `.git/HEAD`, a hung network filesystem) is abandoned:
//! the next request gets a fresh thread, and the stuck one exits whenever its call returns.
//! [`Lanes::stuck`] counts those still stuck, so the server can give up before piling them up.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;

use crate::env::Env;

/// A job: the request's environment and where to send the answer.
type Job<M> = (Arc<Env>, mpsc::SyncSender<M>);

/// One segment's gather thread, with its state `S`, answering with messages `M`.
pub struct Lane<S, M> {
    name: &'static str,
    make: fn() -> S,
    work: fn(&mut S, &Env) -> M,
    jobs: Option<mpsc::Sender<Job<M>>>,
    alive: Arc<AtomicUsize>,
}

impl<S: Send + 'static, M: Send + 'static> Lane<S, M> {
    /// A lane whose thread starts with the state `make()` and answers a job with `work`.
    /// `alive` counts the threads of every lane that have not exited.
    pub fn new(
        name: &'static str,
        make: fn() -> S,
        work: fn(&mut S, &Env) -> M,
        alive: Arc<AtomicUsize>,
    ) -> Self {
        Lane {
            name,
            make,
            work,
            jobs: None,
            alive,
        }
    }

    /// Hands a job to the lane's thread, starting one when there is none (or it died).
    /// False when no thread can be started: the segment then misses the deadline.
    pub fn submit(&mut self, env: &Arc<Env>, reply: &mpsc::SyncSender<M>) -> bool {
        for _ in 0..2 {
            if self.jobs.is_none() {
                self.jobs = self.spawn();
            }
            let Some(jobs) = &self.jobs else {
                return false;
            };
            if jobs.send((Arc::clone(env), reply.clone())).is_ok() {
                return true;
            }
            self.jobs = None;
        }
        false
    }

    /// Gives up on the current thread (it missed a deadline): it exits when its call returns,
    /// and the next job starts a new one.
    pub fn abandon(&mut self) {
        self.jobs = None;
    }

    fn spawn(&self) -> Option<mpsc::Sender<Job<M>>> {
        let (tx, rx) = mpsc::channel::<Job<M>>();
        let (make, work) = (self.make, self.work);
        let alive = Arc::clone(&self.alive);
        alive.fetch_add(1, Ordering::SeqCst);
        let guard = Alive(alive);
        let spawned = std::thread::Builder::new()
            .name(format!("awesh-{}", self.name))
            .spawn(move || {
                let _guard = guard;
                let mut state = make();
                while let Ok((env, reply)) = rx.recv() {
                    // The request may have moved on (deadline passed): nobody to tell.
                    let _ = reply.send(work(&mut state, &env));
                }
            });
        spawned.ok().map(|_| tx)
    }
}

/// Decrements the live-thread count when a lane's thread ends (or never starts).
struct Alive(Arc<AtomicUsize>);

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The count of live lane threads shared by a server's lanes.
#[derive(Debug, Clone, Default)]
pub struct Lanes(pub Arc<AtomicUsize>);

impl Lanes {
    /// Live threads beyond the `working` ones the lanes use now: stuck, abandoned threads.
    #[must_use]
    pub fn stuck(&self, working: usize) -> usize {
        self.0.load(Ordering::SeqCst).saturating_sub(working)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn slow(delay: &mut Duration, _env: &Env) -> u32 {
        std::thread::sleep(*delay);
        7
    }

    #[test]
    fn a_lane_answers_and_a_stuck_one_is_replaced() {
        let lanes = Lanes::default();
        let mut lane: Lane<Duration, u32> = Lane::new(
            "test",
            || Duration::from_millis(300),
            slow,
            Arc::clone(&lanes.0),
        );
        let env = Arc::new(Env::default());
        let (tx, rx) = mpsc::sync_channel(1);
        assert!(lane.submit(&env, &tx));
        // Missed the deadline: abandon it, and the next job runs on a fresh thread.
        assert!(rx.recv_timeout(Duration::from_millis(1)).is_err());
        lane.abandon();
        let (tx2, rx2) = mpsc::sync_channel(1);
        assert!(lane.submit(&env, &tx2));
        assert_eq!(lanes.stuck(1), 1, "the abandoned thread is still sleeping");
        assert_eq!(rx2.recv_timeout(Duration::from_secs(30)), Ok(7));
        // The abandoned thread finishes its job and exits.
        let start = std::time::Instant::now();
        while lanes.stuck(1) > 0 {
            assert!(start.elapsed() < Duration::from_secs(30), "it never exited");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(rx.recv_timeout(Duration::from_secs(1)), Ok(7));
    }
}
