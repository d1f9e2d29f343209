//! `awesh serve`: the process behind the bash and zsh integration. Reads requests on stdin (or,
//! with `--listen`, on a FIFO it makes and names on its first line of stdout) and writes each
//! reply to stdout in one `write`, until its input closes, the shell that started it is gone, or
//! a request overruns its deadline (see `io::watchdog`); never writes anything else (the hook
//! sends stderr to /dev/null anyway) and leaves no file behind (the FIFO is removed as soon as
//! the shell has opened it).

use std::fs::File;
use std::io::{BufReader, Write};
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;

use crate::cli::ServeArgs;
use crate::io::{fifo, watchdog};
use crate::serve::protocol::{self, ReadError, Request};
use crate::serve::Server;

/// Runs `awesh serve`.
///
/// # Errors
/// When stdin or stdout cannot be used at all.
pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let busy = Arc::new(watchdog::Busy::default());
    if let Some(dir) = &args.mailbox {
        return mailbox(dir, busy);
    }
    watchdog::start(Arc::clone(&busy), || {});
    // Unbuffered handles: each reply is one `write`, so the shell never sees half of one.
    let mut output = File::from(
        std::io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .context("stdout")?,
    );
    let input = if args.listen {
        listen(&mut output)?
    } else {
        File::from(
            std::io::stdin()
                .as_fd()
                .try_clone_to_owned()
                .context("stdin")?,
        )
    };
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

/// `--mailbox DIR`: answers each request the shell writes to `DIR/req` in `DIR/reply`, until
/// the folder goes, the shell asks it to stop (`stop=1`), or the shell that started it is gone
/// (the folder is removed in the last two cases). The first reply, `0:`, says it is ready.
fn mailbox(dir: &std::path::Path, busy: Arc<watchdog::Busy>) -> anyhow::Result<ExitCode> {
    use crate::io::mailbox::{self, Event, Mailbox};
    mailbox::ignore_hangup();
    let mut mailbox = Mailbox::open(dir).map_err(anyhow::Error::msg)?;
    let gone = dir.to_path_buf();
    watchdog::start(Arc::clone(&busy), move || {
        if let Ok(m) = Mailbox::open(&gone) {
            m.remove();
        }
    });
    let (mut req, mut field, mut reply) = (Request::default(), Vec::new(), Vec::new());
    let mut server = Server::with_busy(busy);
    protocol::write_reply(&mut reply, b"0", Some(b""));
    mailbox.reply(&reply).map_err(anyhow::Error::msg)?;
    loop {
        match mailbox.wait() {
            Ok(Event::Request) => {}
            Ok(Event::Gone) | Err(_) => return Ok(ExitCode::SUCCESS),
        }
        // Unreadable or cut short (the shell was writing the next one): the next event brings it.
        let Ok(Some(data)) = mailbox.request(protocol::MAX_REQUEST_BYTES as u64) else {
            continue;
        };
        match protocol::read_request(&mut data.as_slice(), &mut req, &mut field) {
            Ok(()) if req.stop => {
                mailbox.remove();
                return Ok(ExitCode::SUCCESS);
            }
            Ok(()) => server.answer(&req, &mut reply),
            Err(_) => continue,
        }
        if mailbox.reply(&reply).is_err() {
            return Ok(ExitCode::SUCCESS);
        }
    }
}

/// How long `--listen` waits for the shell to open the FIFO it named.
const OPEN_WAIT: Duration = Duration::from_secs(5);

/// `--listen`: makes `$TMPDIR/awesh-serve.*/req` (the folder only its owner may enter), says
/// `PID PATH` on `output`, and returns the FIFO opened for reading once the shell has opened it
/// for writing; the FIFO and its folder are removed then. A shell that never opens it ends
/// this server after [`OPEN_WAIT`].
fn listen(output: &mut File) -> anyhow::Result<File> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::DirBuilderExt;
    let base = std::env::var_os("TMPDIR")
        .filter(|t| !t.is_empty())
        .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    let pid = std::process::id();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut made = None;
    for i in 0..16u32 {
        let dir = base.join(format!("awesh-serve.{pid}.{:x}", nanos.wrapping_add(i)));
        if std::fs::DirBuilder::new().mode(0o700).create(&dir).is_ok() {
            made = Some(dir);
            break;
        }
    }
    let dir = made.context("cannot make a folder for the request FIFO")?;
    let path = dir.join("req");
    let cleanup = |dir: &PathBuf| {
        let _ = std::fs::remove_file(dir.join("req"));
        let _ = std::fs::remove_dir(dir);
    };
    if let Err(e) = fifo::make(&path) {
        cleanup(&dir);
        return Err(e).context("cannot make the request FIFO");
    }
    let mut line = format!("{pid} ").into_bytes();
    line.extend_from_slice(path.as_os_str().as_bytes());
    line.push(b'\n');
    if let Err(e) = output.write_all(&line) {
        cleanup(&dir);
        return Err(e).context("stdout");
    }
    // Opening for reading waits for the shell's open; on a thread, so that wait is bounded.
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let opener = path.clone();
    std::thread::spawn(move || {
        let _ = tx.send(File::open(opener));
    });
    let opened = rx.recv_timeout(OPEN_WAIT);
    cleanup(&dir);
    match opened {
        Ok(Ok(file)) => Ok(file),
        Ok(Err(e)) => Err(e).context("cannot open the request FIFO"),
        // The thread still waits in open(2): nothing but leaving ends it.
        Err(_) => std::process::exit(0),
    }
}
