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
use crate::pipeline::{self, Deadline};
use crate::render::Buf;
use crate::segment::On;

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
/// config file within the prompt's one deadline.
pub fn render_into(buf: &mut Buf, env: &Arc<Env>, args: &PromptArgs) {
    let deadline = Deadline::start(args.timeout_ms, env);
    let loaded = pipeline::load_config(env, &deadline);
    render_with(buf, env, args, &loaded.config, &deadline);
}

/// Gathers and renders the prompt for `env` into `buf` (which is cleared first) in `config`.
pub fn render_with(
    buf: &mut Buf,
    env: &Arc<Env>,
    args: &PromptArgs,
    config: &config::Config,
    deadline: &Deadline,
) {
    pipeline::run(env, config, args.wanted(), deadline, On::Auto).render(
        buf,
        args.shell,
        &config.format,
    );
}
