//! `awesh completions bash|zsh|fish`: completion scripts generated from the clap definitions in
//! `cli.rs` by clap_complete, so they can never drift from the real options.

use std::process::ExitCode;

use crate::cli::{Cli, CompletionsArgs, Shell};
use anyhow::Context as _;
use clap::CommandFactory;

/// Runs `awesh completions`.
///
/// # Errors
/// When stdout cannot be written.
pub fn run(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let shell = match args.shell {
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        // The parser takes only `Shell::INIT`; bash for anything else.
        Shell::Bash | Shell::Plain => clap_complete::Shell::Bash,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "awesh", &mut out);
    super::write_stdout(&out).context("cannot write the completions to stdout")?;
    Ok(ExitCode::SUCCESS)
}
