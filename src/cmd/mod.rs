//! One file per subcommand; this file only dispatches.

pub mod ask;
pub mod completions;
pub mod config;
pub mod explain;
pub mod git_ps1;
pub mod init;
pub mod prompt;
pub mod serve;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Runs one parsed command line.
///
/// # Errors
/// Whatever the subcommand reports; `main` prints it as `awesh: ...` and exits 1.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Prompt(args) => Ok(prompt::run(&args)),
        Command::Explain(args) => explain::run(&args),
        Command::Ask(args) => ask::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Config(args) => config::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::GitPs1(args) => Ok(git_ps1::run(&args)),
    }
}

/// Writes `bytes` to stdout in one write; a closed pipe is not an error.
///
/// # Errors
/// Any write error except a broken pipe.
pub fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
