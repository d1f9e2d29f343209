//! `awesh ask`: filters, the race, and the answer. The question is redacted and flagged first;
//! the context is gathered on its own thread while the handlers start; the answer (streamed
//! when it comes from the model) is printed with the suggested command and its risk label.
//! Nothing is executed. None of this runs for `awesh prompt`: it is reached only through the
//! `ask` subcommand, and initialises nothing static.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{json, Value};

use crate::agent::command::CommandHandler;
use crate::agent::context::ContextHandler;
use crate::agent::git::GitHandler;
use crate::agent::kube::KubeHandler;
use crate::agent::model::{self, ModelHandler};
use crate::agent::{self, inert, risk, Context, Handler, Outcome, Race, Report};
use crate::cli::AskArgs;
use crate::config;
use crate::env::Env;
use crate::segment::{self, git, kube, Want};

/// The model's per-wait timeout when `--timeout-ms` is not given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

const USAGE: u8 = 2;
const INTERRUPTED: u8 = 130;

/// Runs `awesh ask`.
///
/// # Errors
/// When no agent answers (the message says why), or stdout cannot be written.
pub fn run(args: &AskArgs) -> anyhow::Result<ExitCode> {
    let question = match question(args) {
        Ok(q) => q,
        Err(why) => {
            eprintln!("awesh: ask: {why}");
            return Ok(ExitCode::from(USAGE));
        }
    };
    // Filters, in order, before anything else sees the question.
    let (request, redacted) = agent::filter(&question, gather_context);
    let destructive = request.destructive;
    if !redacted.is_empty() && !args.json {
        eprintln!(
            "awesh: note: removed {} secret{} ({}) from the question before any agent saw it",
            redacted.len(),
            if redacted.len() == 1 { "" } else { "s" },
            redacted.join(", ")
        );
    }
    let ask = ask_config();
    let timeout = args
        .timeout_ms
        .or(ask.timeout_ms)
        .map_or(DEFAULT_TIMEOUT, Duration::from_millis);
    let runs = |agent: &str| ask.agents.as_ref().is_none_or(|a| a.contains(&agent));
    let model = model::Config::resolve(|name| std::env::var(name).ok(), &ask, timeout)
        .filter(|_| runs("model"));
    let mut handlers: Vec<Arc<dyn Handler>> = Vec::new();
    if runs("context") {
        handlers.push(Arc::new(ContextHandler));
    }
    if runs("kube") {
        handlers.push(Arc::new(KubeHandler));
    }
    if runs("git") {
        handlers.push(Arc::new(GitHandler));
    }
    if runs("command") {
        handlers.push(Arc::new(CommandHandler::new(std::env::var_os("PATH"))));
    }
    let model_on = model.is_some();
    if let Some(config) = model {
        handlers.push(Arc::new(ModelHandler::new(config)));
    }
    let race = Race::new(handlers);
    // Only a model request has anything to clean up; a local answer is done before a person
    // could press Ctrl-C, so it keeps the default (and costs no signal thread).
    if model_on {
        watch_interrupts(&race);
    }
    // Only the model can keep anyone waiting; local answers never show a spinner.
    let mut spinner =
        (model_on && !args.json && std::io::stderr().is_terminal()).then(Spinner::start);
    let mut streamed = false;
    // Streamed text is shown as it arrives, made inert character by character; only what
    // could start a forged `# risk:` note waits for the next piece (inert::Prose).
    let mut prose = inert::Prose::default();
    let show = |text: &str| {
        if text.is_empty() || args.json {
            return;
        }
        if args.command_only {
            let _ = std::io::stderr().write_all(text.as_bytes());
        } else {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        }
    };
    let report = race.run(&request, &mut |chunk| {
        if let Some(s) = spinner.take() {
            s.stop();
        }
        streamed = true;
        show(&prose.push(chunk));
    });
    if let Some(s) = spinner.take() {
        s.stop();
    }
    show(&prose.finish());
    if report.interrupted {
        if streamed && !args.json && !args.command_only {
            let _ = super::write_stdout(b"\n");
        }
        eprintln!("awesh: ask: interrupted");
        return Ok(ExitCode::from(INTERRUPTED));
    }
    let failure = failure(&report, model_on);
    if args.json {
        let mut v = to_json(&report, &redacted, destructive, model_on);
        if let Some(why) = &failure {
            v["error"] = Value::String(inert::line(why));
        }
        let mut s = serde_json::to_string_pretty(&v)?;
        s.push('\n');
        super::write_stdout(s.as_bytes())?;
    } else {
        warn_failed_locals(&report);
        match &report.winner {
            Some((_, reply)) => print_reply(reply, streamed, args.command_only)?,
            // A stream that failed half-way: end its line before the error.
            None if streamed && !args.command_only => super::write_stdout(b"\n")?,
            None => {}
        }
    }
    match failure {
        Some(why) => {
            // Server text (bodies, reasons, headers) is in here: shown, never obeyed.
            eprintln!("awesh: {}", inert::line(&why));
            Ok(ExitCode::from(1))
        }
        None => Ok(ExitCode::SUCCESS),
    }
}

/// The `[ask]` section of the config file; its problems are warnings (`config check` lists
/// them too), and a broken key keeps its default.
fn ask_config() -> config::ask::Ask {
    let env = Env::from_process();
    let loaded = config::load(&env);
    let (ask, problems) = config::ask::parse(&loaded.text);
    for p in &problems {
        eprintln!("awesh: warning: {}", inert::line(&loaded.describe(p)));
    }
    ask
}

/// The question from the arguments, else from stdin (not from a terminal: that would hang).
fn question(args: &AskArgs) -> Result<String, String> {
    let joined = args.question.join(" ");
    let text = if joined.trim().is_empty() {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            return Err("no question: give it as arguments or on stdin".into());
        }
        let mut s = String::new();
        stdin
            .lock()
            .read_to_string(&mut s)
            .map_err(|e| format!("cannot read the question from stdin: {e}"))?;
        s
    } else {
        joined
    };
    let text = text.trim();
    if text.is_empty() {
        return Err("no question: the question is empty".into());
    }
    Ok(text.to_owned())
}

/// The context the handlers and the model see: the prompt engine's git and kube segments.
fn gather_context() -> Context {
    let env = Arc::new(Env::from_process());
    let deadline = crate::pipeline::Deadline::start(None, &env);
    let snapshot = segment::gather(&env, Want::all(), deadline.left(), segment::On::Auto);
    Context {
        os: std::env::consts::OS.into(),
        shell: std::env::var_os("SHELL").and_then(|s| {
            Path::new(&s)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        }),
        cwd: env.cwd().map(Path::to_path_buf),
        git: snapshot
            .git
            .done()
            .and_then(|r| r.as_ref().ok())
            .and_then(git::compute),
        kube: snapshot.kube.done().and_then(kube::compute),
    }
}

/// Ctrl-C (and SIGTERM) cancel the race, which then returns `interrupted`.
fn watch_interrupts(race: &Race) {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return; // without the handler, Ctrl-C still ends the process the default way
    };
    let interrupter = race.interrupter();
    let _ = std::thread::Builder::new()
        .name("awesh-signals".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                interrupter.interrupt();
            }
        });
}

/// Why nothing answered, as `<what failed>: <why>`; `None` when something did.
fn failure(report: &Report, model_on: bool) -> Option<String> {
    if report.winner.is_some() {
        return None;
    }
    let model = report.agents.iter().find(|a| a.name == "model");
    Some(match model.map(|m| &m.outcome) {
        Some(Outcome::Failed(why)) => why.clone(),
        Some(Outcome::TimedOut) => "model: no complete answer within 600 s".into(),
        Some(_) => "ask: the model gave no answer".into(),
        None if !model_on => "ask: no local agent can answer this, and no model is configured: \
             set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL (or AWESH_MODEL_URL) for \
             OpenRouter, Ollama or llama.cpp, with AWESH_MODEL naming the model; or write an \
             [ask] section in the config file (`awesh config default` shows one)"
            .into(),
        None => "ask: no agent answered".into(),
    })
}

fn warn_failed_locals(report: &Report) {
    let upto = report
        .winner
        .as_ref()
        .map_or(report.agents.len(), |(i, _)| *i);
    for agent in report.agents.iter().take(upto) {
        if agent.name == "model" {
            continue;
        }
        match &agent.outcome {
            Outcome::Failed(why) => eprintln!(
                "awesh: warning: {} agent failed: {}",
                agent.name,
                inert::line(why)
            ),
            Outcome::TimedOut => eprintln!(
                "awesh: warning: {} agent timed out after {} ms",
                agent.name, agent.ms
            ),
            _ => {}
        }
    }
}

/// The command awesh offers from a reply, or why it offers none: only one line without a
/// byte a terminal or an edit line would obey.
fn offer(reply: &crate::agent::Reply) -> Result<Option<&str>, String> {
    match reply.command.as_deref() {
        None => Ok(None),
        Some(cmd) => match inert::unofferable(cmd) {
            None => Ok(Some(cmd)),
            Some(why) => Err(format!("the suggested command is not offered: {why}")),
        },
    }
}

/// The answer (unless it was streamed), then awesh's own last line: the command and its label.
fn print_reply(
    reply: &crate::agent::Reply,
    streamed: bool,
    command_only: bool,
) -> anyhow::Result<()> {
    let mut text = String::new();
    if !streamed {
        text.push_str(inert::prose(reply.answer.trim_end()).as_str());
        text.push('\n');
    } else if !reply.answer.ends_with('\n') {
        text.push('\n');
    }
    let offered = offer(reply);
    if let Err(why) = &offered {
        eprintln!("awesh: {why}");
    }
    let offered = offered.ok().flatten();
    let assessed = offered.map(risk::assess);
    let label = assessed.as_ref().map(|a| a.risk.label());
    // Why a command is not safe (and that an unparseable one could not be checked).
    let why = assessed
        .as_ref()
        .filter(|a| a.risk != risk::Risk::Safe)
        .map(|a| inert::line(&a.reason));
    if command_only {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
        match (label, &why) {
            (Some(label), Some(why)) => {
                let _ = writeln!(err, "risk: {label} ({why})");
            }
            (Some(label), None) => {
                let _ = writeln!(err, "risk: {label}");
            }
            _ => {}
        }
        if let Some(cmd) = offered {
            super::write_stdout(format!("{cmd}\n").as_bytes())?;
        }
        return Ok(());
    }
    if let (Some(cmd), Some(label)) = (offered, label) {
        // The label is a shell comment, so the whole line can be pasted as it is. The model
        // cannot forge this line: its own `# risk:` notes are dropped from what it shows.
        text.push_str(&format!("{cmd}  # risk: {label}\n"));
    }
    super::write_stdout(text.as_bytes())?;
    if let Some(why) = why {
        eprintln!("awesh: risk: {why}");
    }
    Ok(())
}

fn to_json(report: &Report, redacted: &[&str], destructive: bool, model_on: bool) -> Value {
    let winner = report.winner.as_ref();
    let mut agents: Vec<Value> = report
        .agents
        .iter()
        .map(|a| {
            let mut v = json!({"name": a.name, "outcome": a.outcome.key(), "ms": a.ms});
            if let Outcome::Failed(why) = &a.outcome {
                v["error"] = Value::String(inert::line(why));
            }
            v
        })
        .collect();
    if !model_on {
        agents.push(json!({"name": "model", "outcome": "off", "ms": null}));
    }
    let offered = winner.map(|(_, r)| offer(r));
    let command = offered.as_ref().and_then(|o| o.clone().ok().flatten());
    let mut v = json!({
        "agent": winner.map(|(i, _)| report.agents[*i].name),
        "answer": winner.map(|(_, r)| inert::prose(&r.answer)),
        "command": command,
        "risk": command.map(|c| risk::classify(c).key()),
        "risk_reason": command.map(|c| risk::assess(c).reason),
        "redacted": redacted,
        "destructive_request": destructive,
        "agents": agents,
    });
    if let Some(Err(why)) = offered {
        v["note"] = Value::String(why);
    }
    v
}

/// A spinner on stderr while waiting for the first token; shown only on a terminal, and only
/// after a short delay so local answers never flash it.
struct Spinner {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Spinner {
    fn start() -> Spinner {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            std::thread::park_timeout(Duration::from_millis(150));
            let frames = ['|', '/', '-', '\\'];
            let mut drawn = false;
            let mut i = 0;
            while !flag.load(Ordering::Acquire) {
                let _ = write!(
                    std::io::stderr(),
                    "\r{} waiting for the model",
                    frames[i % 4]
                );
                drawn = true;
                i += 1;
                std::thread::park_timeout(Duration::from_millis(100));
            }
            if drawn {
                let _ = write!(std::io::stderr(), "\r\x1b[2K");
            }
        });
        Spinner { stop, thread }
    }

    fn stop(self) {
        self.stop.store(true, Ordering::Release);
        self.thread.thread().unpark();
        let _ = self.thread.join();
    }
}
