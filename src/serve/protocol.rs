//! The `awesh serve` wire format, chosen so a shell can speak it with builtins only (bash
//! `printf '%s\0'` and `read -d`, zsh `print -rN` and `read -d`): a request is NUL-terminated
//! `KEY=VALUE` fields ended by an empty field; a reply is `ID:SEGMENT` ended by [`END`], a byte
//! the renderer can never write (it shows every control byte in caret notation, and writes raw
//! only ESC, `\001` and `\002` around styles).
//!
//! Two things keep the shell's side cheap, since bash reads a pipe one byte per system call
//! (three, with `-t`): a client that sends `short=1` keeps the last segment and gets `ID=`
//! alone when the segment is unchanged; and a variable may be sent as `ATTRS/NAME=VALUE`, with
//! the shell's own attributes of it (bash `${NAME@a}`, zsh `${(t)NAME}`), so the shell can send
//! every variable in one `printf` without testing which are exported: only a variable whose
//! attributes hold an `x` (bash's letter and zsh's word `export`) is what `awesh prompt`
//! would have seen.

use std::ffi::OsString;
use std::io::BufRead;
use std::os::unix::ffi::OsStringExt;

use crate::render::Shell;

/// The protocol's number: raised whenever a request field or the reply changes meaning, so a
/// shell whose init is evaluated again by another awesh restarts its server (see [`VERSION`]).
pub const PROTOCOL: u32 = 2;

/// What `awesh init` writes into the scripts as the server's version: the package version and
/// the protocol number. A shell that evaluates a newer init while an older server runs (after
/// an upgrade) sees a different value and starts a new server.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "/p2");
use crate::segment::registry::{Part, Parts};

/// Ends every reply: ASCII RS (record separator).
pub const END: u8 = 0x1e;

/// The most a request may hold, and the most one field may: a request is a few variables
/// and a path. A longer one is refused (the reply is [`refuse`]'s) and the server reads on.
pub const MAX_REQUEST_BYTES: usize = 1 << 20;
/// The most one `KEY=VALUE` field may hold (`KUBECONFIG` lists and paths fit many times).
pub const MAX_FIELD_BYTES: usize = 64 << 10;

/// One prompt request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Echoed at the start of the reply, so the shell can tell a reply is the one it asked for.
    pub id: Vec<u8>,
    /// The shell's process id: on Linux its `/proc/PID/cwd` is the working directory, exactly
    /// what `awesh prompt` started by that shell would get from `getcwd`.
    pub pid: Option<u32>,
    /// The shell's `$PWD`: the working directory when `pid` cannot tell (resolved physically).
    pub cwd: Option<OsString>,
    /// Which shell to escape for (`shell=plain|bash|zsh|fish`; plain when absent).
    pub shell: Shell,
    /// `off=PART,..`: the parts to leave out (the `awesh_off PART` toggles). Names this server
    /// does not know are ignored; `no-git=1` and `no-kube=1`, from older scripts, still count.
    pub off: Parts,
    /// `short=1`: the client keeps the last segment; reply `ID=` when it is unchanged.
    pub short: bool,
    /// `stop=1`: the shell is done with this server (fish, leaving or replacing it, asks this
    /// way: it cannot close a descriptor the server would see close). Nothing is answered.
    pub stop: bool,
    /// Every other `NAME=VALUE` field: the shell's exported variables awesh reads.
    pub vars: Vec<(String, OsString)>,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            id: Vec::new(),
            pid: None,
            cwd: None,
            shell: Shell::Plain,
            off: Parts::NONE,
            short: false,
            stop: false,
            vars: Vec::new(),
        }
    }
}

/// Why a request could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The input ended (the shell closed its end): a normal exit.
    Eof,
    /// The input failed.
    Garbage(String),
    /// The request (or one of its fields) was over its limit and was read to its end and
    /// dropped: answer with [`refuse`] and read the next one. `req.id` is kept when it came
    /// before the part that was too long.
    Refused(String),
}

/// Reads one request into `req` (cleared first), using `field` as scratch space. No more than
/// [`MAX_FIELD_BYTES`] of a field is ever held: the rest of an oversized request is read and
/// dropped as it comes, so a 500 MB line costs time to read, not memory.
///
/// # Errors
/// [`ReadError::Eof`] at the end of input (also mid-request), [`ReadError::Garbage`] when the
/// read fails, [`ReadError::Refused`] when the request is too long.
pub fn read_request(
    input: &mut impl BufRead,
    req: &mut Request,
    field: &mut Vec<u8>,
) -> Result<(), ReadError> {
    *req = Request::default();
    let mut total = 0usize;
    loop {
        field.clear();
        let whole = read_field(input, field, MAX_FIELD_BYTES)?;
        total = total.saturating_add(field.len() + 1);
        let why = if !whole {
            Some(format!("a request field is over {MAX_FIELD_BYTES} bytes"))
        } else if total > MAX_REQUEST_BYTES {
            Some(format!("a request is over {MAX_REQUEST_BYTES} bytes"))
        } else {
            None
        };
        if let Some(why) = why {
            // Drop the rest of this request: every field up to the empty one that ends it.
            let mut ended = whole && field.is_empty();
            while !ended {
                field.clear();
                let whole = read_field(input, field, MAX_FIELD_BYTES)?;
                ended = whole && field.is_empty();
            }
            field.clear();
            return Err(ReadError::Refused(why));
        }
        if field.is_empty() {
            return Ok(());
        }
        apply(req, field);
    }
}

/// Reads one NUL-ended field into `field` (without the NUL), keeping at most `limit` bytes:
/// `Ok(true)` when it was whole, `Ok(false)` when it was longer (the rest read and dropped).
fn read_field(
    input: &mut impl BufRead,
    field: &mut Vec<u8>,
    limit: usize,
) -> Result<bool, ReadError> {
    let mut whole = true;
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Garbage(format!("cannot read a request: {e}"))),
        };
        if buf.is_empty() {
            return Err(ReadError::Eof);
        }
        let (chunk, done) = match buf.iter().position(|&b| b == 0) {
            Some(at) => (buf.get(..at).unwrap_or_default(), Some(at + 1)),
            None => (buf, None),
        };
        let room = limit.saturating_sub(field.len());
        if chunk.len() > room {
            whole = false;
        }
        field.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
        let used = done.unwrap_or(buf.len());
        input.consume(used);
        if done.is_some() {
            return Ok(whole);
        }
    }
}

/// The reply to a refused request: `ID:` with an empty segment, so the shell shows nothing
/// rather than a stale or partial answer, then [`END`].
pub fn refuse(out: &mut Vec<u8>, id: &[u8]) {
    write_reply(out, id, Some(b""));
}

/// Takes one `KEY=VALUE` field into `req`; a field without `=` is ignored.
fn apply(req: &mut Request, field: &[u8]) {
    let mut parts = field.splitn(2, |&b| b == b'=');
    let (Some(key), Some(value)) = (parts.next(), parts.next()) else {
        return;
    };
    match key {
        b"id" => req.id = value.to_vec(),
        b"pid" => req.pid = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()),
        b"cwd" => req.cwd = Some(OsString::from_vec(value.to_vec())),
        b"shell" => {
            req.shell = match value {
                b"bash" => Shell::Bash,
                b"zsh" => Shell::Zsh,
                b"fish" => Shell::Fish,
                _ => Shell::Plain,
            }
        }
        b"off" => {
            for name in value.split(|&b| b == b',') {
                if let Some(part) = Part::named(name) {
                    req.off = req.off.with(part);
                }
            }
        }
        b"no-git" if value == b"1" => req.off = req.off.with(Part::Git),
        b"no-kube" if value == b"1" => req.off = req.off.with(Part::Kube),
        b"no-git" | b"no-kube" => {}
        b"short" => req.short = value == b"1",
        b"stop" => req.stop = value == b"1",
        _ => {
            let mut halves = key.splitn(2, |&b| b == b'/');
            let name = match (halves.next(), halves.next()) {
                // Sent whatever its attributes: a variable only when exported.
                (Some(attrs), Some(name)) if attrs.contains(&b'x') => name,
                (_, Some(_)) => return,
                _ => key,
            };
            if let Ok(name) = std::str::from_utf8(name) {
                req.vars
                    .push((name.to_string(), OsString::from_vec(value.to_vec())));
            }
        }
    }
}

/// Writes one reply into `out`, cleared first: `ID:SEGMENT`, or `ID=` when `segment` is
/// `None` (unchanged), then [`END`].
pub fn write_reply(out: &mut Vec<u8>, id: &[u8], segment: Option<&[u8]>) {
    out.clear();
    out.extend_from_slice(id);
    match segment {
        Some(segment) => {
            out.push(b':');
            out.extend_from_slice(segment);
        }
        None => out.push(b'='),
    }
    out.push(END);
}

/// Encodes a request as the shells do; for tests and benchmarks.
#[must_use]
pub fn encode(fields: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (key, value) in fields {
        out.extend_from_slice(key.as_bytes());
        out.push(b'=');
        out.extend_from_slice(value);
        out.push(0);
    }
    out.push(0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> Vec<Result<Request, ReadError>> {
        let mut input = bytes;
        let (mut req, mut field) = (Request::default(), Vec::new());
        let mut out = Vec::new();
        loop {
            match read_request(&mut input, &mut req, &mut field) {
                Ok(()) => out.push(Ok(req.clone())),
                Err(e) => {
                    out.push(Err(e));
                    return out;
                }
            }
        }
    }

    #[test]
    fn requests_are_read_field_by_field() {
        let mut bytes = encode(&[
            ("id", b"7"),
            ("pid", b"42"),
            ("cwd", b"/a b/\n c"),
            ("shell", b"zsh"),
            ("no-kube", b"1"),
            ("short", b"1"),
            ("KUBECONFIG", b"/k:/l=x"),
            ("HOME", b""),
            // As the shells send them: exported (bash, zsh), not exported, unset.
            ("x/GIT_DIR", b"/g"),
            ("scalar-export-special/XDG_CONFIG_HOME", b"/c"),
            ("/AWESH_CONFIG", b"/not-exported"),
            ("scalar/GIT_WORK_TREE", b"/not-exported"),
            ("r/AWESH_CACHE_DIR", b""),
        ]);
        bytes.extend_from_slice(b"junk-without-equals\0id=8\0off=git,kube,later\0\0");
        bytes.extend_from_slice(b"id=9\0cwd=/x");
        let got = read_all(&bytes);
        assert_eq!(got.len(), 3, "{got:?}");
        let first = got[0].as_ref().unwrap();
        assert_eq!(first.id, b"7");
        assert_eq!(first.pid, Some(42));
        assert_eq!(
            first.cwd.as_deref(),
            Some(std::ffi::OsStr::new("/a b/\n c"))
        );
        assert_eq!(first.shell, Shell::Zsh);
        assert!(first.off.has(Part::Kube) && !first.off.has(Part::Git) && first.short);
        // A name this server does not know (from a newer script) is ignored.
        assert_eq!(
            got[1].as_ref().unwrap().off,
            Parts::NONE.with(Part::Git).with(Part::Kube)
        );
        assert_eq!(
            first.vars,
            vec![
                ("KUBECONFIG".to_string(), OsString::from("/k:/l=x")),
                ("HOME".to_string(), OsString::new()),
                ("GIT_DIR".to_string(), OsString::from("/g")),
                ("XDG_CONFIG_HOME".to_string(), OsString::from("/c")),
            ]
        );
        // A field with no `=` is skipped; every request starts from scratch.
        let second = got[1].as_ref().unwrap();
        assert_eq!(
            (second.id.as_slice(), second.shell),
            (&b"8"[..], Shell::Plain)
        );
        assert!(second.vars.is_empty() && second.cwd.is_none());
        // A request cut off by the end of input is the end, not an answer.
        assert_eq!(got[2], Err(ReadError::Eof));
    }

    /// Issue 13, case 7: an endless field or request is refused, without holding it, and the
    /// next request is read as usual.
    #[test]
    fn issue_13_oversized_requests_are_refused_and_reading_goes_on() {
        let mut many = Vec::new();
        while many.len() <= MAX_REQUEST_BYTES {
            many.extend_from_slice(b"HOME=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\0");
        }
        many.push(0);
        let mut long_field = b"id=1\0HOME=".to_vec();
        long_field.extend(std::iter::repeat_n(b'x', 3 * MAX_FIELD_BYTES));
        long_field.extend_from_slice(b"\0cwd=/x\0\0");
        for bad in [many, long_field] {
            let mut bytes = bad.clone();
            bytes.extend_from_slice(&encode(&[("id", b"2"), ("cwd", b"/ok")]));
            let got = read_all(&bytes);
            assert!(
                matches!(got.as_slice(), [Err(ReadError::Refused(_)), ..]),
                "{:?}",
                got.first()
            );
            // read_all stops at the first error: read on by hand.
            let mut input = &bytes[..];
            let (mut req, mut field) = (Request::default(), Vec::new());
            assert!(matches!(
                read_request(&mut input, &mut req, &mut field),
                Err(ReadError::Refused(_))
            ));
            assert!(
                field.capacity() <= 2 * MAX_FIELD_BYTES + 4096,
                "{}",
                field.capacity()
            );
            read_request(&mut input, &mut req, &mut field).unwrap();
            assert_eq!(
                (req.id.as_slice(), req.cwd.as_deref()),
                (&b"2"[..], Some(std::ffi::OsStr::new("/ok")))
            );
            assert_eq!(
                read_request(&mut input, &mut req, &mut field),
                Err(ReadError::Eof)
            );
        }
        // A line with no NUL at all, then the end: read to its end, nothing kept.
        let endless = vec![b'x'; 8 * MAX_FIELD_BYTES];
        let mut input = &endless[..];
        let (mut req, mut field) = (Request::default(), Vec::new());
        assert_eq!(
            read_request(&mut input, &mut req, &mut field),
            Err(ReadError::Eof)
        );
        assert!(field.len() <= MAX_FIELD_BYTES);
    }

    #[test]
    fn replies_are_framed() {
        let mut out = vec![1, 2, 3];
        write_reply(&mut out, b"12", Some(":☸️a".as_bytes()));
        assert_eq!(out, b"12::\xe2\x98\xb8\xef\xb8\x8fa\x1e");
        write_reply(&mut out, b"13", None);
        assert_eq!(out, b"13=\x1e");
        write_reply(&mut out, b"14", Some(b""));
        assert_eq!(out, b"14:\x1e");
    }
}
