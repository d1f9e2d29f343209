//! The `awesh` binary: parse arguments, run, map errors to an exit code (0 ok, 1 failure,
//! 2 usage). `awesh prompt` always exits 0.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // The prompt's plain forms skip clap (see cli_fast); anything else goes through it.
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(args) = awesh::cli_fast::prompt_args(&argv) {
        return awesh::cmd::prompt::run(&args);
    }
    let cli = awesh::cli::Cli::parse_from(argv);
    match awesh::cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("awesh: {err:#}");
            ExitCode::from(1)
        }
    }
}
