//! A small HTTP/1.1 client for one POST with a streamed answer: plain TCP to loopback (tests,
//! Ollama, llama.cpp) or rustls to a public endpoint. Ours rather than a client crate's so each
//! failure (DNS, refused, timeout, TLS, a cut-off body) is told apart precisely, and so the
//! caller gets the socket to shut down when the race cancels the request.

mod body;

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use body::{Body, Framing};

/// An `http://` or `https://` URL, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// TLS or not.
    pub https: bool,
    /// The host name or address (IPv6 without brackets).
    pub host: String,
    /// The port, defaulted from the scheme.
    pub port: u16,
    /// The path and query, starting with `/`.
    pub path: String,
}

impl Url {
    /// Parses `text`.
    ///
    /// # Errors
    /// When the scheme is not http(s), or the host or port is missing or invalid.
    pub fn parse(text: &str) -> Result<Url, String> {
        let (https, rest) = if let Some(r) = text.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = text.strip_prefix("http://") {
            (false, r)
        } else {
            return Err(format!("{text:?} is not an http:// or https:// URL"));
        };
        let (authority, path) = rest.find('/').map_or((rest, "/"), |i| rest.split_at(i));
        if authority.contains('@') {
            return Err("credentials in the URL are not supported; use the key variable".into());
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or("unclosed [ in the host")?;
            (host, after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err(format!("no host in {text:?}"));
        }
        let port = match port {
            Some(p) => p
                .parse()
                .map_err(|_| format!("bad port {p:?} in {text:?}"))?,
            None if https => 443,
            None => 80,
        };
        Ok(Url {
            https,
            host: host.to_owned(),
            port,
            path: path.to_owned(),
        })
    }
}

/// Why a request failed.
#[derive(Debug)]
pub enum Error {
    /// The host name did not resolve.
    Dns(String),
    /// Nothing listens on the port.
    Refused,
    /// No response within the timeout; says what was being waited for.
    Timeout(&'static str, Duration),
    /// The TLS handshake or record layer failed.
    Tls(String),
    /// The server's response head was not HTTP.
    Protocol(String),
    /// Any other socket error.
    Io(io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Dns(why) => write!(f, "cannot resolve host {why}"),
            Error::Refused => f.write_str("connection refused (is the server running?)"),
            Error::Timeout(what, after) => {
                write!(f, "timed out after {} ms {what}", after.as_millis())
            }
            Error::Tls(why) => write!(f, "tls: {why}"),
            Error::Protocol(why) => write!(f, "not an http response: {why}"),
            Error::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {}

/// Maps a socket error to [`Error`], naming what was being waited for on a timeout.
#[must_use]
pub fn io_error(e: io::Error, waiting: &'static str, timeout: Duration) -> Error {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Error::Timeout(waiting, timeout),
        io::ErrorKind::ConnectionRefused => Error::Refused,
        io::ErrorKind::InvalidData if e.get_ref().is_some_and(|i| i.is::<rustls::Error>()) => {
            Error::Tls(e.to_string())
        }
        _ => Error::Io(e),
    }
}

enum Conn {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}

/// Builds the TLS client configuration now (it is built once per process), so a request
/// made later does not wait for it.
pub fn prepare_tls() {
    let _ = tls_config();
}

fn tls_config() -> Result<Arc<rustls::ClientConfig>, Error> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            // The system's trust store (and SSL_CERT_FILE / SSL_CERT_DIR), read when a request
            // needs it: corporate CAs work, and no certificate table sits in the binary for
            // every prompt to load.
            let mut roots = rustls::RootCertStore::empty();
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map(|b| Arc::new(b.with_root_certificates(roots).with_no_client_auth()))
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(Error::Tls)
}

/// A response whose head has been read; the body is read through [`Read`].
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The reason phrase, lower-cased.
    pub reason: String,
    headers: Vec<(String, String)>,
    body: Body,
}

impl Response {
    /// The first value of a header (names compared case-insensitively).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Read for Response {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.body.read(buf)
    }
}

/// Sends one POST and reads the response head. `on_socket` receives a handle to the socket
/// (to shut it down from another thread) before anything is sent. Every read and the connect
/// wait at most `timeout`.
///
/// # Errors
/// See [`Error`].
pub fn post(
    url: &Url,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
    on_socket: impl FnOnce(TcpStream),
) -> Result<Response, Error> {
    let addrs: Vec<_> = (url.host.as_str(), url.port)
        .to_socket_addrs()
        .map_err(|e| Error::Dns(format!("{}: {e}", url.host)))?
        .collect();
    let mut last = Error::Dns(format!("{}: no address", url.host));
    let mut tcp = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => {
                tcp = Some(s);
                break;
            }
            Err(e) => last = io_error(e, "connecting", timeout),
        }
    }
    let tcp = tcp.ok_or(last)?;
    tcp.set_read_timeout(Some(timeout)).map_err(Error::Io)?;
    tcp.set_write_timeout(Some(timeout)).map_err(Error::Io)?;
    let _ = tcp.set_nodelay(true);
    if let Ok(handle) = tcp.try_clone() {
        on_socket(handle);
    }
    let mut conn = if url.https {
        let name = rustls::pki_types::ServerName::try_from(url.host.clone())
            .map_err(|e| Error::Tls(format!("{}: {e}", url.host)))?;
        let client = rustls::ClientConnection::new(tls_config()?, name)
            .map_err(|e| Error::Tls(e.to_string()))?;
        Conn::Tls(Box::new(rustls::StreamOwned::new(client, tcp)))
    } else {
        Conn::Plain(tcp)
    };
    let default_port = if url.https { 443 } else { 80 };
    let host = if url.host.contains(':') {
        format!("[{}]", url.host)
    } else {
        url.host.clone()
    };
    let host = if url.port == default_port {
        host
    } else {
        format!("{host}:{}", url.port)
    };
    let mut head = format!(
        "POST {} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: awesh/{}\r\nContent-Length: {}\r\nConnection: close\r\n",
        url.path,
        env!("CARGO_PKG_VERSION"),
        body.len()
    );
    for (name, value) in headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    conn.write_all(&request)
        .and_then(|()| conn.flush())
        .map_err(|e| io_error(e, "sending the request", timeout))?;
    read_head(BufReader::new(conn), timeout)
}

fn read_head(mut conn: BufReader<Conn>, timeout: Duration) -> Result<Response, Error> {
    let waiting = "waiting for the response";
    let mut line = String::new();
    let n = conn
        .read_line(&mut line)
        .map_err(|e| io_error(e, waiting, timeout))?;
    if n == 0 {
        return Err(Error::Protocol(
            "the server closed the connection without answering".into(),
        ));
    }
    let mut parts = line.trim_end().splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    let status = parts.next().and_then(|s| s.parse::<u16>().ok());
    let (true, Some(status)) = (version.starts_with("HTTP/1."), status) else {
        return Err(Error::Protocol(format!(
            "status line {:?}",
            line.trim_end()
        )));
    };
    let reason = parts.next().unwrap_or("").to_lowercase();
    let mut headers = Vec::new();
    loop {
        line.clear();
        let n = conn
            .read_line(&mut line)
            .map_err(|e| io_error(e, waiting, timeout))?;
        let l = line.trim_end();
        if n == 0 || l.is_empty() {
            break;
        }
        if let Some((name, value)) = l.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _): &&(String, String)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    let framing = if find("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        Framing::Chunked {
            left: 0,
            done: false,
        }
    } else if let Some(len) = find("content-length").and_then(|v| v.parse().ok()) {
        Framing::Length(len)
    } else {
        Framing::Close
    };
    Ok(Response {
        status,
        reason,
        headers,
        body: Body { conn, framing },
    })
}

/// Shuts a socket down both ways: a blocked read returns at once.
pub fn close(socket: &TcpStream) {
    let _ = socket.shutdown(Shutdown::Both);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = Url::parse("https://api.openai.com/v1").unwrap();
        assert_eq!(
            (u.https, u.host.as_str(), u.port, u.path.as_str()),
            (true, "api.openai.com", 443, "/v1")
        );
        let u = Url::parse("http://127.0.0.1:11434").unwrap();
        assert_eq!(
            (u.https, u.host.as_str(), u.port, u.path.as_str()),
            (false, "127.0.0.1", 11434, "/")
        );
        let u = Url::parse("http://[::1]:8080/v1/").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 8080));
        assert!(Url::parse("ftp://x").is_err());
        assert!(Url::parse("http://:80/").is_err());
        assert!(Url::parse("http://h:port/").is_err());
        assert!(Url::parse("https://user:pw@h/").is_err());
    }
}
