//! A fake chat-completions server on 127.0.0.1 for the `ask` tests: it records the exact bytes
//! of every request and answers with a scripted reply (a server-sent-event stream, an error
//! status, garbage, a cut-off stream, or silence). Bounded: it serves a few connections, each
//! with a read timeout, and stops by itself.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server answers.
pub enum Script {
    /// A proper stream of these content pieces, then `[DONE]`.
    Stream(Vec<String>),
    /// A stream whose piece `i + 1` is sent only after the test sends on the channel.
    Gated(Vec<String>, Receiver<()>),
    /// A status line, extra headers and a JSON body.
    Status(u16, &'static str, Vec<(&'static str, String)>, String),
    /// These bytes after a 200 event-stream head, then close.
    Raw(String),
    /// One piece in a chunked stream, then the connection closes mid-stream.
    CutOff(String),
    /// Read the request and never answer; record when the client closes.
    Hang,
}

/// Things the server saw, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// A complete request (head and body bytes).
    Request(Vec<u8>),
    /// The client closed a connection the server was holding open.
    ClientClosed,
}

pub struct ChatServer {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    pub events: Receiver<Seen>,
}

const PROBE: &[u8] = b"PROBE\r\n\r\n";

impl ChatServer {
    pub fn start(script: Script) -> ChatServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (tx, events) = mpsc::channel();
        let record = Arc::clone(&seen);
        std::thread::spawn(move || {
            let mut script = Some(script);
            // At most a handful of connections; each one is bounded by its read timeout.
            for stream in listener.incoming().take(8) {
                let Ok(stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
                let Some(request) = read_request(&stream) else {
                    continue;
                };
                if request == PROBE {
                    let mut s = &stream;
                    let _ = s.write_all(b"ok");
                    continue;
                }
                push(&record, &tx, Seen::Request(request));
                if let Some(script) = script.take() {
                    answer(stream, script, &record, &tx);
                }
            }
        });
        ChatServer { addr, seen, events }
    }

    /// The base URL, as `OPENAI_BASE_URL` takes it.
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Everything seen so far, after every connection made before this call was accepted.
    /// (Connections are accepted in order, so a probe that gets its answer comes after them.)
    pub fn seen(&self) -> Vec<Seen> {
        let mut probe = TcpStream::connect(self.addr).unwrap();
        probe.write_all(PROBE).unwrap();
        let mut buf = [0; 2];
        probe.read_exact(&mut buf).unwrap();
        self.seen.lock().unwrap().clone()
    }

    /// The bodies of the requests seen so far.
    pub fn requests(&self) -> Vec<String> {
        self.seen()
            .into_iter()
            .filter_map(|s| match s {
                Seen::Request(r) => Some(String::from_utf8_lossy(&r).into_owned()),
                Seen::ClientClosed => None,
            })
            .collect()
    }
}

fn push(record: &Mutex<Vec<Seen>>, tx: &Sender<Seen>, seen: Seen) {
    record.lock().unwrap().push(seen.clone());
    let _ = tx.send(seen);
}

fn read_request(stream: &TcpStream) -> Option<Vec<u8>> {
    let mut reader = BufReader::new(stream);
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).ok()? == 0 {
            return None;
        }
        head.extend_from_slice(&line);
        if line == b"\r\n" {
            break;
        }
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let len = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    head.extend_from_slice(&body);
    Some(head)
}

/// One server-sent event carrying a piece of the answer, as a chunk of a chunked body.
pub fn piece(content: &str) -> String {
    let data = serde_json::json!({
        "id": "c1", "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}],
    });
    chunk(&format!("data: {data}\n\n"))
}

fn chunk(s: &str) -> String {
    format!("{:x}\r\n{s}\r\n", s.len())
}

const STREAM_HEAD: &str =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

fn answer(mut stream: TcpStream, script: Script, record: &Mutex<Vec<Seen>>, tx: &Sender<Seen>) {
    let mut send = |s: &str| {
        let _ = stream.write_all(s.as_bytes());
        let _ = stream.flush();
    };
    match script {
        Script::Stream(pieces) => {
            send(STREAM_HEAD);
            send(&chunk(": keep-alive\n\n"));
            for p in &pieces {
                send(&piece(p));
            }
            send(&chunk("data: [DONE]\n\n"));
            send("0\r\n\r\n");
        }
        Script::Gated(pieces, go) => {
            send(STREAM_HEAD);
            for (i, p) in pieces.iter().enumerate() {
                if i > 0 && go.recv_timeout(Duration::from_secs(20)).is_err() {
                    return;
                }
                send(&piece(p));
            }
            send(&chunk("data: [DONE]\n\n"));
            send("0\r\n\r\n");
        }
        Script::Status(code, reason, headers, body) => {
            let mut head = format!("HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n", body.len());
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            send(&format!("{head}\r\n{body}"));
        }
        Script::Raw(bytes) => {
            send("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n");
            send(&bytes);
        }
        Script::CutOff(p) => {
            send(STREAM_HEAD);
            send(&piece(&p));
        }
        Script::Hang => {
            // Hold the connection until the client closes it (or the read timeout ends it).
            let mut buf = [0; 64];
            loop {
                match stream.read(&mut buf) {
                    Ok(0) => {
                        push(record, tx, Seen::ClientClosed);
                        return;
                    }
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                        push(record, tx, Seen::ClientClosed);
                        return;
                    }
                    Err(_) => return,
                }
            }
        }
    }
}
