//! A small HTTP/1.1 client for one POST with a streamed answer: plain TCP to loopback (tests,
//! Ollama, llama.cpp) or rustls to a public endpoint, directly or through an http:// proxy
//! (`HTTPS_PROXY` with a CONNECT tunnel, `HTTP_PROXY` with the absolute-form request line,
//! `NO_PROXY`). Ours rather than a client crate's so each failure (DNS, refused, timeout, TLS,
//! the proxy, a cut-off body) is told apart precisely, and so the caller gets the socket to
//! shut down when the race cancels the request.

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
    /// The proxy could not be reached or refused the tunnel; says which proxy (never its
    /// password) and why.
    Proxy(String),
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
            Error::Proxy(why) => write!(f, "proxy {why}"),
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
    proxy: Option<&Proxy>,
    on_socket: impl FnOnce(TcpStream),
) -> Result<Response, Error> {
    let (host, port) = match proxy {
        Some(p) => (p.host.as_str(), p.port),
        None => (url.host.as_str(), url.port),
    };
    let tcp = connect(host, port, timeout).map_err(|e| match proxy {
        Some(p) => Error::Proxy(format!("{}: {e}", p.shown())),
        None => e,
    })?;
    tcp.set_read_timeout(Some(timeout)).map_err(Error::Io)?;
    tcp.set_write_timeout(Some(timeout)).map_err(Error::Io)?;
    let _ = tcp.set_nodelay(true);
    if let Ok(handle) = tcp.try_clone() {
        on_socket(handle);
    }
    let tcp = match proxy {
        // https through a proxy: a CONNECT tunnel, then TLS with the server inside it.
        Some(p) if url.https => tunnel(tcp, p, url, timeout)?,
        _ => tcp,
    };
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
    // Plain http through a proxy: the request line names the whole URL (absolute form).
    let target = match proxy {
        Some(_) if !url.https => format!("http://{host}{}", url.path),
        _ => url.path.clone(),
    };
    let mut head = format!(
        "POST {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: awesh/{}\r\nContent-Length: {}\r\nConnection: close\r\n",
        env!("CARGO_PKG_VERSION"),
        body.len()
    );
    if let Some(auth) = proxy.filter(|_| !url.https).and_then(|p| p.auth.as_deref()) {
        head.push_str(&format!("Proxy-Authorization: Basic {auth}\r\n"));
    }
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

fn connect(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, Error> {
    let addrs: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(|e| Error::Dns(format!("{host}: {e}")))?
        .collect();
    let mut last = Error::Dns(format!("{host}: no address"));
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => return Ok(s),
            Err(e) => last = io_error(e, "connecting", timeout),
        }
    }
    Err(last)
}

/// Asks the proxy for a tunnel to the server and reads its answer, byte by byte so that
/// nothing of the TLS stream after it is consumed.
fn tunnel(mut tcp: TcpStream, p: &Proxy, url: &Url, timeout: Duration) -> Result<TcpStream, Error> {
    let authority = if url.host.contains(':') {
        format!("[{}]:{}", url.host, url.port)
    } else {
        format!("{}:{}", url.host, url.port)
    };
    let mut head = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some(auth) = &p.auth {
        head.push_str(&format!("Proxy-Authorization: Basic {auth}\r\n"));
    }
    head.push_str("\r\n");
    let fail = |e: io::Error| {
        Error::Proxy(format!(
            "{}: {}",
            p.shown(),
            io_error(e, "waiting for the tunnel", timeout)
        ))
    };
    tcp.write_all(head.as_bytes()).map_err(fail)?;
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n") {
        if answer.len() > 16 * 1024 {
            return Err(Error::Proxy(format!(
                "{}: the answer to CONNECT has no end",
                p.shown()
            )));
        }
        match tcp.read(&mut byte).map_err(fail)? {
            0 => {
                return Err(Error::Proxy(format!(
                    "{}: closed the connection instead of opening a tunnel",
                    p.shown()
                )))
            }
            _ => answer.push(byte[0]),
        }
    }
    let text = String::from_utf8_lossy(&answer);
    let status_line = text.lines().next().unwrap_or("");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok());
    match status {
        Some(200..=299) => Ok(tcp),
        Some(407) => Err(Error::Proxy(format!(
            "{}: 407 proxy authentication required (put user:password in the proxy URL)",
            p.shown()
        ))),
        _ => Err(Error::Proxy(format!(
            "{}: refused the tunnel to {authority}: {status_line}",
            p.shown()
        ))),
    }
}

/// A proxy from `HTTPS_PROXY` / `HTTP_PROXY` (or `ALL_PROXY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    /// The proxy's host.
    pub host: String,
    /// Its port (default 80, as curl's is 1080 only for SOCKS).
    pub port: u16,
    /// `user:password` from the URL, base64-encoded for `Proxy-Authorization`.
    pub auth: Option<String>,
    /// The variable it came from.
    pub var: &'static str,
}

impl Proxy {
    /// How errors name it: host, port and variable; never the credentials.
    fn shown(&self) -> String {
        format!("{}:{} (from {})", self.host, self.port, self.var)
    }
}

/// The proxy to use for `url`, from the environment as curl reads it: `https_proxy` /
/// `HTTPS_PROXY` for https, `http_proxy` / `HTTP_PROXY` for http (lower case first; upper-case
/// `HTTP_PROXY` is ignored when `REQUEST_METHOD` is set, as in a CGI script), else `all_proxy` /
/// `ALL_PROXY`; `no_proxy` / `NO_PROXY` lists hosts to reach directly (`*`, names that match
/// the host or a domain suffix, with or without a leading dot, addresses, optional `:port`).
/// Loopback addresses and `localhost` are always reached directly.
///
/// # Errors
/// A proxy URL awesh cannot use (`socks5://`, `https://`, a bad port).
pub fn proxy_for(url: &Url, get: impl Fn(&str) -> Option<String>) -> Result<Option<Proxy>, String> {
    let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());
    let names: &[&'static str] = if url.https {
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else if get("REQUEST_METHOD").is_some() {
        &["http_proxy", "all_proxy", "ALL_PROXY"]
    } else {
        &["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
    };
    let Some((var, value)) = names.iter().find_map(|n| get(n).map(|v| (*n, v))) else {
        return Ok(None);
    };
    let no_proxy = get("no_proxy")
        .or_else(|| get("NO_PROXY"))
        .unwrap_or_default();
    if bypass(&url.host, url.port, &no_proxy) {
        return Ok(None);
    }
    let value = value.trim();
    let rest = if let Some(r) = value.strip_prefix("http://") {
        r
    } else if value.contains("://") {
        let scheme = value.split("://").next().unwrap_or("");
        return Err(format!(
            "{var}: {scheme}:// proxies are not supported (only http:// ones)"
        ));
    } else {
        value
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let parsed = Url::parse(&format!("http://{hostport}/")).map_err(|e| format!("{var}: {e}"))?;
    Ok(Some(Proxy {
        host: parsed.host,
        port: parsed.port,
        auth: userinfo.map(|u| base64(&percent_decode(u))),
        var,
    }))
}

fn bypass(host: &str, port: u16, no_proxy: &str) -> bool {
    let host = host.to_ascii_lowercase();
    if host == "localhost"
        || host.ends_with(".localhost")
        || host == "::1"
        || host.starts_with("127.")
    {
        return true;
    }
    no_proxy
        .split([',', ' '])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = entry.to_ascii_lowercase();
            let (name, entry_port) = match entry.rsplit_once(':') {
                Some((n, p)) if !n.contains(':') || n.ends_with(']') => {
                    (n.trim_matches(['[', ']']).to_owned(), p.parse::<u16>().ok())
                }
                _ => (entry.trim_matches(['[', ']']).to_owned(), None),
            };
            if entry_port.is_some_and(|p| p != port) {
                return false;
            }
            let name = name.trim_start_matches("*.").trim_start_matches('.');
            host == name || host.ends_with(&format!(".{name}"))
        })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Standard base64 with padding, for `Proxy-Authorization: Basic`.
fn base64(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
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

    #[test]
    fn proxies_are_chosen_as_curl_chooses_them() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |n: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == n)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let https = Url::parse("https://api.example.com/v1").unwrap();
        let http = Url::parse("http://models.internal:8080/v1").unwrap();
        let local = Url::parse("http://127.0.0.1:11434/v1").unwrap();
        let p = proxy_for(
            &https,
            vars(&[("HTTPS_PROXY", "http://u%40x:p%3Aw@proxy:3128")]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (p.host.as_str(), p.port, p.var),
            ("proxy", 3128, "HTTPS_PROXY")
        );
        assert_eq!(p.auth.as_deref(), Some(base64("u@x:p:w").as_str()));
        assert_eq!(base64("user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64("ab"), "YWI=");
        // http:// URLs use HTTP_PROXY, not HTTPS_PROXY; lower case wins.
        assert_eq!(
            proxy_for(&http, vars(&[("HTTPS_PROXY", "p:1")])).unwrap(),
            None
        );
        let p = proxy_for(
            &http,
            vars(&[("HTTP_PROXY", "big:1"), ("http_proxy", "small:2")]),
        )
        .unwrap()
        .unwrap();
        assert_eq!((p.host.as_str(), p.port), ("small", 2));
        // A CGI script's HTTP_PROXY comes from the request's Proxy: header: ignored.
        assert_eq!(
            proxy_for(
                &http,
                vars(&[("HTTP_PROXY", "p:1"), ("REQUEST_METHOD", "GET")])
            )
            .unwrap(),
            None
        );
        let p = proxy_for(&https, vars(&[("ALL_PROXY", "p:9")]))
            .unwrap()
            .unwrap();
        assert_eq!(p.port, 9);
        // NO_PROXY: names, domain suffixes, ports, *; loopback always direct.
        for no in [
            "api.example.com",
            ".example.com",
            "example.com",
            "*",
            "x, example.com:443",
            "*.example.com",
        ] {
            let got = proxy_for(&https, |n: &str| match n {
                "HTTPS_PROXY" => Some("p:1".into()),
                "NO_PROXY" => Some(no.into()),
                _ => None,
            });
            assert_eq!(got.unwrap(), None, "{no}");
        }
        for no in ["ample.com", "example.com:80", "other.org"] {
            let got = proxy_for(&https, |n: &str| match n {
                "HTTPS_PROXY" => Some("p:1".into()),
                "no_proxy" => Some(no.into()),
                _ => None,
            });
            assert!(got.unwrap().is_some(), "{no}");
        }
        assert_eq!(
            proxy_for(&local, vars(&[("HTTP_PROXY", "p:1")])).unwrap(),
            None
        );
        assert!(proxy_for(&https, vars(&[("HTTPS_PROXY", "socks5://p:1")]))
            .unwrap_err()
            .contains("socks5:// proxies are not supported"));
    }
}
