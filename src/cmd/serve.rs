//! `awesh serve`: the process behind `awesh init SHELL --serve`. Reads requests on stdin and
//! writes each reply to stdout in one `write`, until stdin closes or the shell that started it
//! is gone; never writes anything else (the hook sends stderr to /dev/null anyway) and leaves no
//! file behind (the shell deletes the FIFOs as soon as both ends are open).

use std::fs::File;
use std::io::{BufReader, Write};
use std::os::fd::AsFd;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;

use crate::serve::protocol::{self, ReadError, Request};
use crate::serve::Server;

/// How often the server checks that the shell that started it is still there.
const PARENT_CHECK: Duration = Duration::from_millis(500);

/// Runs `awesh serve`.
///
/// # Errors
/// When stdin or stdout cannot be used at all.
pub fn run() -> anyhow::Result<ExitCode> {
    watch_parent();
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
    let mut server = Server::new();
    loop {
        match protocol::read_request(&mut input, &mut req, &mut field) {
            Ok(()) => {}
            // The shell closed its end, or sent what no shell sends: either way, done.
            Err(ReadError::Eof | ReadError::Garbage(_)) => return Ok(ExitCode::SUCCESS),
        }
        server.answer(&req, &mut reply);
        if output.write_all(&reply).is_err() || server.too_many_stuck() {
            return Ok(ExitCode::SUCCESS);
        }
    }
}

/// Exits when the parent (the shell) is gone. Its end of the request pipe closing is the usual
/// sign, but a program started from the shell inherits that descriptor and may outlive it; the
/// parent changing (the server reparented) is the sign that cannot be held open.
fn watch_parent() {
    let parent = std::os::unix::process::parent_id();
    if parent == 1 {
        return;
    }
    let _ = std::thread::Builder::new()
        .name("awesh-parent".into())
        .spawn(move || loop {
            std::thread::sleep(PARENT_CHECK);
            if std::os::unix::process::parent_id() != parent {
                std::process::exit(0);
            }
        });
}
