//! The `awesh` binary: parse arguments, run, map errors to an exit code (0 ok, 1 failure,
//! 2 usage). `awesh prompt` always exits 0.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = awesh::cli::Cli::parse();
    match awesh::cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("awesh: {err:#}");
            ExitCode::from(1)
        }
    }
}
