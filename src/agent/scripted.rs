//! Test handlers for the race: each follows a script (act now, wait for the test's signal, or
//! wait for its turn) and reports what happened to it on a channel, so tests can order events
//! with channels instead of sleeping and asserting on the clock.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{Handler, Reply, Request, Turn};

/// What a scripted handler does when it acts.
#[derive(Debug, Clone)]
pub enum Act {
    Answer(&'static str),
    Decline,
    Fail(&'static str),
    /// Streams the chunks, then answers with their concatenation.
    Stream(Vec<&'static str>),
}

/// When it acts.
#[derive(Debug, Clone)]
pub enum Script {
    /// At once.
    Now(Act),
    /// When the test sends [`Signal::Go`] (or never, if cancelled first).
    Held,
    /// After [`Turn::wait_turn`] says every handler above declined.
    Gated(Act),
}

pub enum Signal {
    Go(Act),
    Cancelled,
}

/// What the test can observe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Started(&'static str),
    /// Got its turn (gated scripts only).
    Turn(&'static str),
    /// Returned from `handle` after acting.
    Finished(&'static str),
    /// Saw its cancellation and stopped without acting.
    Stopped(&'static str),
}

pub struct Scripted {
    name: &'static str,
    deadline: Duration,
    script: Script,
    go_tx: Sender<Signal>,
    go_rx: Mutex<Receiver<Signal>>,
    events: Sender<Event>,
}

impl Scripted {
    /// A handler and the sender the test uses to release it.
    pub fn make(
        name: &'static str,
        deadline: Duration,
        script: Script,
        events: &Sender<Event>,
    ) -> (Arc<dyn Handler>, Sender<Signal>) {
        let (go_tx, go_rx) = mpsc::channel();
        let handler = Scripted {
            name,
            deadline,
            script,
            go_tx: go_tx.clone(),
            go_rx: Mutex::new(go_rx),
            events: events.clone(),
        };
        (Arc::new(handler), go_tx)
    }

    fn act(&self, act: Act, turn: &Turn) -> anyhow::Result<Option<Reply>> {
        let result = match act {
            Act::Answer(text) => Ok(Some(reply(text.to_owned()))),
            Act::Decline => Ok(None),
            Act::Fail(why) => Err(anyhow::anyhow!(why)),
            Act::Stream(chunks) => {
                for chunk in &chunks {
                    turn.stream(chunk);
                }
                Ok(Some(reply(chunks.concat())))
            }
        };
        let _ = self.events.send(Event::Finished(self.name));
        result
    }
}

fn reply(answer: String) -> Reply {
    Reply {
        answer,
        command: None,
    }
}

impl Handler for Scripted {
    fn name(&self) -> &'static str {
        self.name
    }

    fn deadline(&self) -> Duration {
        self.deadline
    }

    fn handle(&self, _req: &Request, turn: &Turn) -> anyhow::Result<Option<Reply>> {
        let _ = self.events.send(Event::Started(self.name));
        match self.script.clone() {
            Script::Now(act) => self.act(act, turn),
            Script::Gated(act) => {
                if turn.wait_turn() {
                    let _ = self.events.send(Event::Turn(self.name));
                    self.act(act, turn)
                } else {
                    let _ = self.events.send(Event::Stopped(self.name));
                    Ok(None)
                }
            }
            Script::Held => {
                let tx = self.go_tx.clone();
                turn.on_cancel(move || {
                    let _ = tx.send(Signal::Cancelled);
                });
                let signal = self.go_rx.lock().unwrap().recv();
                match signal {
                    Ok(Signal::Go(act)) => self.act(act, turn),
                    Ok(Signal::Cancelled) | Err(_) => {
                        let _ = self.events.send(Event::Stopped(self.name));
                        Ok(None)
                    }
                }
            }
        }
    }
}
