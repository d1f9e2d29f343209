//! `awesh prompt`: gather, compute, render, one write, exit 0 — whatever happens. Any reason
//! a part is missing is left for `awesh explain`; the prompt never prints an error.

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

use std::process::ExitCode;
use std::sync::Arc;

use crate::cli::PromptArgs;
use crate::config;
use crate::env::Env;
use crate::render::{self, Buf};
use crate::segment::{self, git, kube, Want};

/// Runs `awesh prompt`.
#[must_use]
pub fn run(args: &PromptArgs) -> ExitCode {
    let env = Arc::new(Env::from_process());
    let mut buf = Buf::new();
    render_into(&mut buf, &env, args);
    let _ = super::write_stdout(&buf);
    ExitCode::SUCCESS
}

/// Gathers and renders the prompt for `env` into `buf` (which is cleared first), reading the
/// config file once.
pub fn render_into(buf: &mut Buf, env: &Arc<Env>, args: &PromptArgs) {
    let (timeout, _) = segment::timeout(args.timeout_ms, env);
    let start = std::time::Instant::now();
    let loaded = config::load_within(env, timeout);
    // One deadline for the whole prompt: the gathers get what the config read left of it.
    let left = timeout.saturating_sub(start.elapsed());
    let args = PromptArgs {
        timeout_ms: Some(u64::try_from(left.as_millis()).unwrap_or(u64::MAX)),
        ..args.clone()
    };
    render_with(buf, env, &args, &loaded.config);
}

/// Gathers and renders the prompt for `env` into `buf` (which is cleared first) in `config`.
pub fn render_with(buf: &mut Buf, env: &Arc<Env>, args: &PromptArgs, config: &config::Config) {
    buf.clear();
    let want = Want {
        git: !args.no_git,
        // An unwanted kube part is not gathered at all.
        kube: !args.no_kube && config::show::decide(&config.show, env).wanted(),
    };
    let (timeout, _) = segment::timeout(args.timeout_ms, env);
    let deadline = std::time::Instant::now().checked_add(timeout);
    let snapshot = segment::gather(env, want, timeout);
    let git = snapshot
        .git
        .done()
        .and_then(|r| r.as_ref().ok())
        .and_then(git::compute);
    let kube = snapshot.kube.done().and_then(kube::compute);
    let view = kube
        .as_ref()
        .map(|k| config::rules::view_before(config, k, deadline));
    render::format::prompt_with(
        buf,
        args.shell.into(),
        &config.format,
        git.as_ref(),
        view.as_ref(),
    );
}
