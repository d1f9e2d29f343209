//! The `awesh ask` pipeline and its one race. Filters (redaction, the destructive-intent flag)
//! run first and in order; then every handler starts at once on its own thread with its own
//! deadline. The answer is the highest-priority handler that handles the request, returned as
//! soon as every handler above it has declined; the rest are cancelled. A costly handler (the
//! model) waits for its turn before spending anything, so a locally answered question never
//! reaches the network.

pub mod command;
pub mod context;
pub mod git;
pub mod http;
pub mod inert;
pub mod kube;
pub mod model;
pub mod redact;
pub mod request;
pub mod risk;
pub mod sse;
pub mod words;

#[cfg(test)]
mod race_tests;
#[cfg(test)]
mod scripted;

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

pub use request::{Context, Reply, Request};

/// The filters, in order, before any handler runs: secrets are redacted, then the redacted
/// text is checked for a destructive request (flagged, not refused). Returns the request that
/// every handler sees, and the kinds of secret removed. `gather` computes the context on its
/// own thread meanwhile.
pub fn filter(
    question: &str,
    gather: impl FnOnce() -> Context + Send + 'static,
) -> (Request, Vec<&'static str>) {
    let redacted = redact::redact(question);
    let destructive = risk::asks_destructive(&redacted.text);
    (
        Request::gathering(&redacted.text, destructive, gather),
        redacted.kinds,
    )
}

/// One agent of the race. Handlers are tried in priority order: index 0 of the list is highest.
pub trait Handler: Send + Sync + 'static {
    /// The name in reports and `--json`.
    fn name(&self) -> &'static str;
    /// How long the race waits for this handler before counting it as declined.
    fn deadline(&self) -> Duration;
    /// `Ok(None)` declines; `Err` declines and is reported.
    ///
    /// # Errors
    /// Whatever went wrong while handling; the race reports it and moves on.
    fn handle(&self, req: &Request, turn: &Turn) -> anyhow::Result<Option<Reply>>;
}

type Hook = Box<dyn FnOnce() + Send>;

struct Gate {
    /// Every handler above this index has declined.
    front: usize,
    cancelled: Vec<bool>,
    hooks: Vec<Vec<Hook>>,
}

struct Shared {
    gate: Mutex<Gate>,
    cv: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Gate> {
        self.gate.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn cancel(&self, index: usize) {
        let hooks = {
            let mut gate = self.lock();
            if gate.cancelled[index] {
                return;
            }
            gate.cancelled[index] = true;
            std::mem::take(&mut gate.hooks[index])
        };
        self.cv.notify_all();
        for hook in hooks {
            hook();
        }
    }
}

/// A handler's view of the race: cancellation, its turn, and a stream for partial output.
pub struct Turn {
    index: usize,
    shared: Arc<Shared>,
    tx: Sender<Msg>,
}

impl Turn {
    /// The race no longer wants this handler's answer.
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.shared.lock().cancelled[self.index]
    }

    /// Blocks until every handler above this one has declined (`true`) or this one is
    /// cancelled (`false`). A costly handler calls this before spending anything.
    #[must_use]
    pub fn wait_turn(&self) -> bool {
        let mut gate = self.shared.lock();
        while gate.front < self.index && !gate.cancelled[self.index] {
            gate = self
                .shared
                .cv
                .wait(gate)
                .unwrap_or_else(PoisonError::into_inner);
        }
        !gate.cancelled[self.index]
    }

    /// Runs `hook` when this handler is cancelled (at once if it already is): close a socket.
    pub fn on_cancel(&self, hook: impl FnOnce() + Send + 'static) {
        let mut gate = self.shared.lock();
        if gate.cancelled[self.index] {
            drop(gate);
            hook();
        } else {
            gate.hooks[self.index].push(Box::new(hook));
        }
    }

    /// Streams part of the answer; shown as it arrives once this handler is the answer.
    pub fn stream(&self, text: &str) {
        let _ = self.tx.send(Msg::Chunk(self.index, text.to_owned()));
    }
}

enum Msg {
    Chunk(usize, String),
    Done(usize, u64, anyhow::Result<Option<Reply>>),
    Interrupt,
}

/// What became of one handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Handled the request (the winner, or a lower-priority handler that also answered).
    Answered,
    /// Not for this handler.
    Declined,
    /// Failed; counts as declining. The message says why.
    Failed(String),
    /// Missed its deadline; counts as declining.
    TimedOut,
    /// Stopped because the race was decided (or interrupted) without it.
    Cancelled,
}

impl Outcome {
    /// The word used in `--json`.
    #[must_use]
    pub fn key(&self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Declined => "declined",
            Outcome::Failed(_) => "error",
            Outcome::TimedOut => "timed-out",
            Outcome::Cancelled => "cancelled",
        }
    }
}

/// One handler's line in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentReport {
    /// The handler's name.
    pub name: &'static str,
    /// What became of it.
    pub outcome: Outcome,
    /// Milliseconds from the start of the race to its outcome.
    pub ms: u64,
}

/// The result of a race.
#[derive(Debug)]
pub struct Report {
    /// The index and reply of the answering handler.
    pub winner: Option<(usize, Reply)>,
    /// Every handler, in priority order.
    pub agents: Vec<AgentReport>,
    /// Stopped by [`Interrupter::interrupt`] (Ctrl-C).
    pub interrupted: bool,
}

/// Stops a running race from another thread (the Ctrl-C handler).
#[derive(Clone)]
pub struct Interrupter(Sender<Msg>);

impl Interrupter {
    /// Cancels every handler and makes the race return with `interrupted` set.
    pub fn interrupt(&self) {
        let _ = self.0.send(Msg::Interrupt);
    }
}

/// A race over handlers in priority order.
pub struct Race {
    handlers: Vec<Arc<dyn Handler>>,
    tx: Sender<Msg>,
    rx: Receiver<Msg>,
}

impl Race {
    /// A race over `handlers`, highest priority first.
    #[must_use]
    pub fn new(handlers: Vec<Arc<dyn Handler>>) -> Self {
        let (tx, rx) = mpsc::channel();
        Race { handlers, tx, rx }
    }

    /// A handle that stops the race from another thread.
    #[must_use]
    pub fn interrupter(&self) -> Interrupter {
        Interrupter(self.tx.clone())
    }

    /// Runs every handler and returns as soon as the answer is known. `on_chunk` gets the
    /// streamed text of a handler once every handler above it has declined, in order.
    pub fn run(self, req: &Request, on_chunk: &mut dyn FnMut(&str)) -> Report {
        let start = Instant::now();
        let n = self.handlers.len();
        let shared = Arc::new(Shared {
            gate: Mutex::new(Gate {
                front: 0,
                cancelled: vec![false; n],
                hooks: (0..n).map(|_| Vec::new()).collect(),
            }),
            cv: Condvar::new(),
        });
        let mut deadlines = Vec::with_capacity(n);
        for (index, handler) in self.handlers.iter().enumerate() {
            deadlines.push(start.checked_add(handler.deadline()));
            let turn = Turn {
                index,
                shared: Arc::clone(&shared),
                tx: self.tx.clone(),
            };
            let (handler, req) = (Arc::clone(handler), req.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("awesh-{}", handler.name()))
                .spawn(move || {
                    let result = handler.handle(&req, &turn);
                    let _ = turn.tx.send(Msg::Done(index, ms_since(start), result));
                });
            if let Err(e) = spawned {
                let _ = self.tx.send(Msg::Done(
                    index,
                    0,
                    Err(anyhow::anyhow!("cannot start a thread: {e}")),
                ));
            }
        }
        drop(self.tx);
        let mut outcomes: Vec<Option<(Outcome, u64)>> = vec![None; n];
        let mut replies: Vec<Option<Reply>> = vec![None; n];
        let mut buffered: Vec<Vec<String>> = vec![Vec::new(); n];
        let mut front = 0;
        let mut interrupted = false;
        let winner = loop {
            // Advance past every handler that declined; stop at the first undecided or answered.
            while front < n && matches!(&outcomes[front], Some((o, _)) if *o != Outcome::Answered) {
                front += 1;
                shared.lock().front = front;
                shared.cv.notify_all();
                if front < n {
                    for chunk in buffered[front].drain(..) {
                        on_chunk(&chunk);
                    }
                }
            }
            if front == n {
                break None;
            }
            if outcomes[front].is_some() {
                break Some(front);
            }
            let next_deadline = (0..n)
                .filter(|&i| outcomes[i].is_none())
                .filter_map(|i| deadlines[i])
                .min();
            let msg = match next_deadline {
                Some(at) => self
                    .rx
                    .recv_timeout(at.saturating_duration_since(Instant::now())),
                None => self.rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match msg {
                Ok(Msg::Chunk(i, text)) if outcomes[i].is_none() => {
                    if i == front {
                        on_chunk(&text);
                    } else {
                        buffered[i].push(text);
                    }
                }
                Ok(Msg::Chunk(..)) => {}
                Ok(Msg::Done(i, ms, result)) if outcomes[i].is_none() => {
                    let outcome = match result {
                        Ok(Some(reply)) => {
                            replies[i] = Some(reply);
                            Outcome::Answered
                        }
                        Ok(None) => Outcome::Declined,
                        Err(e) => Outcome::Failed(format!("{e:#}")),
                    };
                    outcomes[i] = Some((outcome, ms));
                }
                Ok(Msg::Done(..)) => {}
                Ok(Msg::Interrupt) => {
                    interrupted = true;
                    break None;
                }
                Err(RecvTimeoutError::Timeout) => {
                    let now = Instant::now();
                    for i in 0..n {
                        if outcomes[i].is_none() && deadlines[i].is_some_and(|d| d <= now) {
                            outcomes[i] = Some((Outcome::TimedOut, ms_since(start)));
                            shared.cancel(i);
                        }
                    }
                }
                // Every thread has reported (each sends exactly one Done), so this cannot
                // happen while one is undecided; treat it as the end of the race.
                Err(RecvTimeoutError::Disconnected) => break None,
            }
        };
        // Answers that arrived while the winner was being decided are reported as what they
        // were, not as cancelled.
        while let Ok(msg) = self.rx.try_recv() {
            if let Msg::Done(i, ms, result) = msg {
                if outcomes[i].is_none() {
                    let outcome = match result {
                        Ok(Some(_)) => Outcome::Answered,
                        Ok(None) => Outcome::Declined,
                        Err(e) => Outcome::Failed(format!("{e:#}")),
                    };
                    outcomes[i] = Some((outcome, ms));
                }
            }
        }
        let ended = ms_since(start);
        let agents = self
            .handlers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let (outcome, ms) = outcomes[i].take().unwrap_or_else(|| {
                    shared.cancel(i);
                    (Outcome::Cancelled, ended)
                });
                AgentReport {
                    name: h.name(),
                    outcome,
                    ms,
                }
            })
            .collect();
        Report {
            winner: winner.and_then(|i| replies[i].take().map(|r| (i, r))),
            agents,
            interrupted,
        }
    }
}

fn ms_since(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}
