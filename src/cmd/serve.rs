//! `awesh serve`: the process behind `awesh init SHELL --serve`. Reads requests on stdin and
//! writes each reply to stdout in one `write`, until stdin closes, the shell that started it is
//! gone, or a request overruns its deadline (see `io::watchdog`); never writes anything else
//! (the hook sends stderr to /dev/null anyway) and leaves no file behind (the shell deletes the
//! FIFOs as soon as both ends are open).

use std::fs::File;
use std::io::{BufReader, Write};
use std::os::fd::AsFd;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;

use crate::io::watchdog;
use crate::serve::protocol::{self, ReadError, Request};
use crate::serve::Server;

/// Runs `awesh serve`.
///
/// # Errors
/// When stdin or stdout cannot be used at all.
pub fn run() -> anyhow::Result<ExitCode> {
    let busy = Arc::new(watchdog::Busy::default());
    watchdog::start(Arc::clone(&busy));
    // Unbuffered handles: each reply is one `write`, so the shell never sees half of one.
    let input = File::from(
        std::io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .context("stdin")?,
    );
    let mut output = File::from(
        std::io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .context("stdout")?,
    );
    let mut input = BufReader::with_capacity(1 << 16, input);
    let (mut req, mut field, mut reply) = (Request::default(), Vec::new(), Vec::new());
    let mut server = Server::with_busy(busy);
    loop {
        match protocol::read_request(&mut input, &mut req, &mut field) {
            Ok(()) => server.answer(&req, &mut reply),
            // Too long: refused cleanly, and the server reads on (issue 13, case 7).
            Err(ReadError::Refused(_)) => server.refuse(&req, &mut reply),
            // The shell closed its end, or the input failed: either way, done.
            Err(ReadError::Eof | ReadError::Garbage(_)) => return Ok(ExitCode::SUCCESS),
        }
        if output.write_all(&reply).is_err() {
            return Ok(ExitCode::SUCCESS);
        }
    }
}
