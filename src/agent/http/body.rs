//! Response bodies by their framing: a content length, chunked transfer coding, or until the
//! server closes. A body that ends early is an `UnexpectedEof` error, so a cut-off stream is
//! told apart from a finished one.

use std::io::{self, BufRead, BufReader, Read};

use super::Conn;

pub(super) enum Framing {
    Length(u64),
    /// Bytes left in the current chunk; `None` before a chunk-size line; done after the last.
    Chunked {
        left: u64,
        done: bool,
    },
    Close,
}

pub(super) struct Body {
    pub(super) conn: BufReader<Conn>,
    pub(super) framing: Framing,
}

fn cut_off() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "the connection closed mid-body",
    )
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.framing {
            Framing::Close => self.conn.read(buf),
            Framing::Length(0) => Ok(0),
            Framing::Length(left) => {
                let max = usize::try_from(*left).unwrap_or(usize::MAX).min(buf.len());
                let n = self.conn.read(&mut buf[..max])?;
                if n == 0 {
                    return Err(cut_off());
                }
                *left -= n as u64;
                Ok(n)
            }
            Framing::Chunked { done: true, .. } => Ok(0),
            Framing::Chunked { left, done } => {
                if *left == 0 {
                    let mut line = String::new();
                    if self.conn.read_line(&mut line)? == 0 {
                        return Err(cut_off());
                    }
                    let size = line.trim().split(';').next().unwrap_or("");
                    let size = u64::from_str_radix(size, 16).map_err(|_| {
                        io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("bad chunk size {size:?}"),
                        )
                    })?;
                    if size == 0 {
                        *done = true;
                        return Ok(0);
                    }
                    *left = size;
                }
                let max = usize::try_from(*left).unwrap_or(usize::MAX).min(buf.len());
                let n = self.conn.read(&mut buf[..max])?;
                if n == 0 {
                    return Err(cut_off());
                }
                *left -= n as u64;
                if *left == 0 {
                    let mut crlf = String::new();
                    self.conn.read_line(&mut crlf)?;
                }
                Ok(n)
            }
        }
    }
}
