//! `awesh completions bash|zsh|fish`: completion scripts generated from the clap definitions in
//! `cli.rs` by clap_complete, so they can never drift from the real options.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionShell, CompletionsArgs};

/// Runs `awesh completions`.
///
/// # Errors
/// When stdout cannot be written.
pub fn run(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let shell = match args.shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "awesh", &mut out);
    super::write_stdout(&out).context("cannot write the completions to stdout")?;
    Ok(ExitCode::SUCCESS)
}
