//! The race, with scripted handlers: the winner is always the highest-priority handler that
//! answers, it is returned without waiting for lower ones, losers are cancelled, and a slow
//! higher-priority handler holds the answer only until its own deadline. Timing is scripted
//! with channels; nothing here asserts a wall-clock bound.

use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::scripted::{Act, Event, Script, Scripted, Signal};
use super::{filter, Context, Handler, Outcome, Race, Reply, Report, Request, Turn};

const LONG: Duration = Duration::from_secs(3600);

fn request() -> Request {
    Request::new("q", false, Context::default())
}

fn outcomes(report: &Report) -> Vec<(&'static str, Outcome)> {
    report
        .agents
        .iter()
        .map(|a| (a.name, a.outcome.clone()))
        .collect()
}

fn winner(report: &Report) -> Option<(usize, &str)> {
    report.winner.as_ref().map(|(i, r)| (*i, r.answer.as_str()))
}

/// Waits for `event`, returning everything seen before it.
fn wait_for(events: &Receiver<Event>, event: &Event) -> Vec<Event> {
    let mut seen = Vec::new();
    loop {
        let e = events.recv_timeout(Duration::from_secs(30)).expect("event");
        if e == *event {
            return seen;
        }
        seen.push(e);
    }
}

#[test]
fn winner_is_the_highest_priority_handler_that_answers() {
    // Every permutation of "who answers" over three immediate handlers, many times over:
    // thread scheduling varies, the winner must not.
    let acts = [Act::Decline, Act::Answer("x"), Act::Fail("boom")];
    for _round in 0..5 {
        for a in &acts {
            for b in &acts {
                for c in &acts {
                    let (tx, _events) = mpsc::channel();
                    let script = [a.clone(), b.clone(), c.clone()];
                    let handlers = ["a", "b", "c"]
                        .iter()
                        .zip(script.iter())
                        .map(|(name, act)| {
                            Scripted::make(name, LONG, Script::Now(act.clone()), &tx).0
                        })
                        .collect();
                    let report = Race::new(handlers).run(&request(), &mut |_| {});
                    let expected = script.iter().position(|s| matches!(s, Act::Answer(_)));
                    assert_eq!(report.winner.map(|(i, _)| i), expected, "{script:?}");
                }
            }
        }
    }
}

#[test]
fn a_lower_priority_answer_waits_for_the_higher_handler_and_loses_to_it() {
    let (tx, events) = mpsc::channel();
    let (high, go) = Scripted::make("high", LONG, Script::Held, &tx);
    let (low, _) = Scripted::make("low", LONG, Script::Now(Act::Answer("low")), &tx);
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let report = Race::new(vec![high, low]).run(&request(), &mut |_| {});
        done_tx.send(report).unwrap();
    });
    wait_for(&events, &Event::Finished("low"));
    // The low answer is in, but "high" is undecided: the race must still be running.
    assert!(
        done_rx.try_recv().is_err(),
        "returned before the higher handler decided"
    );
    go.send(Signal::Go(Act::Answer("high"))).unwrap();
    let report = done_rx.recv().unwrap();
    assert_eq!(winner(&report), Some((0, "high")));
    // "low" has answered, but its result may still be on its way to the race (it is sent
    // after the Finished event) when "high" wins: reported as answered or cancelled, never
    // as the winner.
    let got = outcomes(&report);
    assert_eq!(got[0], ("high", Outcome::Answered));
    assert!(
        matches!(got[1], ("low", Outcome::Answered | Outcome::Cancelled)),
        "{got:?}"
    );
}

#[test]
fn a_lower_priority_answer_wins_once_the_higher_handler_declines() {
    let (tx, events) = mpsc::channel();
    let (high, go) = Scripted::make("high", LONG, Script::Held, &tx);
    let (low, _) = Scripted::make("low", LONG, Script::Now(Act::Answer("low")), &tx);
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let report = Race::new(vec![high, low]).run(&request(), &mut |_| {});
        done_tx.send(report).unwrap();
    });
    wait_for(&events, &Event::Finished("low"));
    assert!(done_rx.try_recv().is_err());
    go.send(Signal::Go(Act::Decline)).unwrap();
    let report = done_rx.recv().unwrap();
    assert_eq!(winner(&report), Some((1, "low")));
    assert_eq!(report.agents[0].outcome, Outcome::Declined);
}

#[test]
fn the_winner_returns_without_waiting_for_lower_ones_and_they_are_cancelled() {
    let (tx, events) = mpsc::channel();
    let (first, _) = Scripted::make("first", LONG, Script::Now(Act::Answer("first")), &tx);
    // Neither ever finishes on its own: the race can only return by not waiting for them.
    let (held, _go) = Scripted::make("held", LONG, Script::Held, &tx);
    let (gated, _) = Scripted::make("gated", LONG, Script::Gated(Act::Answer("g")), &tx);
    let report = Race::new(vec![first, held, gated]).run(&request(), &mut |_| {});
    assert_eq!(winner(&report), Some((0, "first")));
    assert_eq!(
        outcomes(&report),
        [
            ("first", Outcome::Answered),
            ("held", Outcome::Cancelled),
            ("gated", Outcome::Cancelled),
        ]
    );
    // Both losers observe the cancellation and stop; the gated one never got its turn.
    let mut stopped = Vec::new();
    while stopped.len() < 2 {
        match events.recv_timeout(Duration::from_secs(30)).expect("event") {
            Event::Stopped(name) => stopped.push(name),
            Event::Turn(name) => panic!("{name} got a turn after the race was decided"),
            _ => {}
        }
    }
    stopped.sort_unstable();
    assert_eq!(stopped, ["gated", "held"]);
}

#[test]
fn a_slow_higher_handler_holds_the_answer_only_until_its_deadline() {
    let (tx, events) = mpsc::channel();
    let (slow, _go) = Scripted::make("slow", Duration::from_millis(50), Script::Held, &tx);
    let (fast, _) = Scripted::make("fast", LONG, Script::Now(Act::Answer("fast")), &tx);
    let report = Race::new(vec![slow, fast]).run(&request(), &mut |_| {});
    assert_eq!(winner(&report), Some((1, "fast")));
    assert_eq!(
        outcomes(&report),
        [("slow", Outcome::TimedOut), ("fast", Outcome::Answered)]
    );
    // The timed-out handler was cancelled, and saw it.
    wait_for(&events, &Event::Stopped("slow"));
}

#[test]
fn an_error_counts_as_declining_and_is_reported() {
    let (tx, _events) = mpsc::channel();
    let (bad, _) = Scripted::make("bad", LONG, Script::Now(Act::Fail("it broke")), &tx);
    let (good, _) = Scripted::make("good", LONG, Script::Now(Act::Answer("ok")), &tx);
    let report = Race::new(vec![bad, good]).run(&request(), &mut |_| {});
    assert_eq!(winner(&report), Some((1, "ok")));
    assert_eq!(report.agents[0].outcome, Outcome::Failed("it broke".into()));
}

#[test]
fn nobody_answering_gives_no_winner() {
    let (tx, _events) = mpsc::channel();
    let (a, _) = Scripted::make("a", LONG, Script::Now(Act::Decline), &tx);
    let (b, _) = Scripted::make("b", Duration::ZERO, Script::Held, &tx);
    let report = Race::new(vec![a, b]).run(&request(), &mut |_| {});
    assert!(report.winner.is_none());
    assert_eq!(
        outcomes(&report),
        [("a", Outcome::Declined), ("b", Outcome::TimedOut)]
    );
}

#[test]
fn a_gated_handler_starts_only_after_every_higher_one_declined() {
    let (tx, events) = mpsc::channel();
    let (high, go) = Scripted::make("high", LONG, Script::Held, &tx);
    let (model, _) = Scripted::make("model", LONG, Script::Gated(Act::Answer("m")), &tx);
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let report = Race::new(vec![high, model]).run(&request(), &mut |_| {});
        done_tx.send(report).unwrap();
    });
    let before = wait_for(&events, &Event::Started("model"));
    assert!(!before.contains(&Event::Turn("model")));
    go.send(Signal::Go(Act::Decline)).unwrap();
    // "high" finishes (declining) strictly before "model" is given its turn.
    let before = wait_for(&events, &Event::Turn("model"));
    assert!(before.contains(&Event::Finished("high")), "{before:?}");
    let report = done_rx.recv().unwrap();
    assert_eq!(winner(&report), Some((1, "m")));
}

#[test]
fn streamed_text_is_held_back_until_the_streamer_is_the_answer_then_delivered_in_order() {
    let (tx, events) = mpsc::channel();
    let (high, go) = Scripted::make("high", LONG, Script::Held, &tx);
    let chunks = vec!["one ", "two ", "three"];
    let (low, _) = Scripted::make("low", LONG, Script::Now(Act::Stream(chunks)), &tx);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (done_tx, done_rx) = mpsc::channel();
    let sink = Arc::clone(&seen);
    std::thread::spawn(move || {
        let report = Race::new(vec![high, low]).run(&request(), &mut |c| {
            sink.lock().unwrap().push(c.to_owned());
        });
        done_tx.send(report).unwrap();
    });
    wait_for(&events, &Event::Finished("low"));
    assert!(seen.lock().unwrap().is_empty(), "streamed before its turn");
    go.send(Signal::Go(Act::Decline)).unwrap();
    let report = done_rx.recv().unwrap();
    assert_eq!(winner(&report), Some((1, "one two three")));
    assert_eq!(*seen.lock().unwrap(), ["one ", "two ", "three"]);
}

#[test]
fn an_interrupt_cancels_every_handler() {
    let (tx, events) = mpsc::channel();
    let (held, _go) = Scripted::make("held", LONG, Script::Held, &tx);
    let race = Race::new(vec![held]);
    let interrupter = race.interrupter();
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::spawn(move || done_tx.send(race.run(&request(), &mut |_| {})).unwrap());
    wait_for(&events, &Event::Started("held"));
    interrupter.interrupt();
    let report = done_rx.recv().unwrap();
    assert!(report.interrupted);
    assert!(report.winner.is_none());
    assert_eq!(report.agents[0].outcome, Outcome::Cancelled);
    wait_for(&events, &Event::Stopped("held"));
}

/// Declines, after reporting the question it was given.
struct Recorder(&'static str, mpsc::Sender<(&'static str, String, bool)>);

impl Handler for Recorder {
    fn name(&self) -> &'static str {
        self.0
    }

    fn deadline(&self) -> Duration {
        LONG
    }

    fn handle(&self, req: &Request, _turn: &Turn) -> anyhow::Result<Option<Reply>> {
        let _ = self
            .1
            .send((self.0, req.text().to_owned(), req.destructive));
        Ok(None)
    }
}

#[test]
fn issue_6_every_handler_sees_the_filtered_question_not_the_original() {
    // The first attempt at a parallel pipeline lost the security step's rewrite: the agents
    // started with the raw question. Here the filters run first and every agent gets their output.
    let secret = format!("ghp_{}", "x1Y2z3".repeat(6));
    let question = format!("delete namespace old using token {secret}");
    let (req, kinds) = filter(&question, Context::default);
    assert_eq!(kinds, ["github-token"]);
    let (tx, rx) = mpsc::channel();
    let handlers = ["a", "b", "c"]
        .into_iter()
        .map(|name| Arc::new(Recorder(name, tx.clone())) as Arc<dyn Handler>)
        .collect();
    let report = Race::new(handlers).run(&req, &mut |_| {});
    assert!(report.winner.is_none());
    drop(tx);
    let mut seen: Vec<_> = rx.iter().collect();
    seen.sort();
    let want = "delete namespace old using token [redacted:github-token]".to_owned();
    assert_eq!(
        seen,
        [
            ("a", want.clone(), true),
            ("b", want.clone(), true),
            ("c", want, true)
        ]
    );
}
