//! Issue 14: the `[ask]` config section end to end (url, model, key_env, timeout_ms, agents,
//! and `awesh config check`), and `HTTP_PROXY` / `HTTPS_PROXY` through a loopback proxy that
//! records what it is asked: the absolute-form POST for http, the CONNECT tunnel (with its
//! credentials, then the TLS hello inside it) for https.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use common::chat::{ChatServer, Script};
use common::World;

fn world() -> World {
    let w = World::new();
    w.repo("repo", "main");
    w
}

const QUESTION: &[&str] = &["ask", "please", "find", "large", "files", "here"];

fn body_of(request: &str) -> serde_json::Value {
    serde_json::from_str(request.split("\r\n\r\n").nth(1).unwrap()).unwrap()
}

#[test]
fn issue_14_the_ask_section_chooses_url_model_key_and_agents() {
    let w = world();
    let server = ChatServer::start(Script::Stream(vec!["Use:\n```sh\nls\n```\n".into()]));
    w.config(&format!(
        "[ask]\nurl = \"{}\"\nmodel = \"from-config\"\nkey_env = \"MY_MODEL_KEY\"\ntimeout_ms = 20000\n",
        server.url()
    ));
    let out = w
        .awesh()
        .current_dir(w.path("repo"))
        .env("MY_MODEL_KEY", "key-from-the-named-variable")
        .env("OPENAI_API_KEY", "an-openai-key-for-other-tools")
        .args(QUESTION)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("ls  # risk: safe\n"));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0].contains("\r\nAuthorization: Bearer key-from-the-named-variable\r\n"),
        "{}",
        requests[0]
    );
    assert!(!requests[0].contains("an-openai-key"), "{}", requests[0]);
    assert_eq!(body_of(&requests[0])["model"], "from-config");
    // AWESH_MODEL overrides the file.
    let server = ChatServer::start(Script::Stream(vec!["ok\n".into()]));
    w.config(&format!(
        "[ask]\nurl = \"{}\"\nmodel = \"from-config\"\n",
        server.url()
    ));
    let out = w
        .awesh()
        .current_dir(w.path("repo"))
        .env("AWESH_MODEL", "from-env")
        .env("OPENAI_API_KEY", "an-openai-key-for-other-tools")
        .args(QUESTION)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let requests = server.requests();
    assert_eq!(body_of(&requests[0])["model"], "from-env");
    // The section names its URL without key_env: the OpenAI key is not sent there.
    assert!(!requests[0].contains("Authorization:"), "{}", requests[0]);
}

#[test]
fn issue_14_agents_says_which_agents_run() {
    let w = world();
    // Only the model: even "which branch" (the context agent's) goes to it.
    let server = ChatServer::start(Script::Stream(vec!["You are on main.\n".into()]));
    w.config(&format!(
        "[ask]\nurl = \"{}\"\nagents = [\"model\"]\n",
        server.url()
    ));
    let out = w
        .awesh()
        .current_dir(w.path("repo"))
        .args(["ask", "--json", "which", "branch", "am", "I", "on"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["agent"], "model");
    let names: Vec<&str> = v["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["model"]);
    assert_eq!(server.requests().len(), 1);
    // No model among them: a model question fails without a request, even with a URL.
    let server = ChatServer::start(Script::Stream(vec!["x".into()]));
    w.config(&format!(
        "[ask]\nurl = \"{}\"\nagents = [\"context\", \"git\"]\n",
        server.url()
    ));
    let out = w
        .awesh()
        .current_dir(w.path("repo"))
        .args(QUESTION)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(server.requests().is_empty());
}

#[test]
fn issue_14_config_check_reports_ask_problems() {
    let w = world();
    w.config("[ask]\nurl = \"ftp://x\"\nkey_env = \"sk-proj-pasted-by-mistake-123\"\nagents = [\"modle\"]\n");
    let out = w.awesh().args(["config", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config.toml:2:7: ask.url must start with http:// or https://"),
        "{err}"
    );
    assert!(
        err.contains("config.toml:3:11: ask.key_env must be the name of the variable"),
        "{err}"
    );
    assert!(
        err.contains("config.toml:4:11: unknown agent \"modle\""),
        "{err}"
    );
    assert!(
        !err.contains("sk-proj"),
        "a pasted key is never echoed: {err}"
    );
    // `ask` warns about the same, and keeps working.
    let out = w
        .awesh()
        .current_dir(w.path("repo"))
        .args(["ask", "which", "branch"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("awesh: warning: "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    w.config("[ask]\nurl = \"http://127.0.0.1:11434/v1\"\nmodel = \"llama3.2\"\nkey_env = \"OLLAMA_KEY\"\ntimeout_ms = 5000\nagents = [\"context\", \"model\"]\n");
    let out = w.awesh().args(["config", "check"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What the loopback proxy saw on one connection.
#[derive(Debug)]
struct Seen {
    head: String,
    /// For CONNECT: the first bytes sent through the tunnel.
    tunnelled: Vec<u8>,
}

/// A proxy on loopback for one connection: CONNECT gets `connect_answer` and the tunnel's
/// first bytes are recorded; a plain request is forwarded to 127.0.0.1 at the port its
/// absolute URL names, and the answer copied back.
fn proxy(connect_answer: &'static str) -> (u16, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let Ok((mut client, _)) = listener.accept() else {
            return;
        };
        client
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut reader = BufReader::new(client.try_clone().unwrap());
        let mut head = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            head.push_str(&line);
            if line == "\r\n" {
                break;
            }
        }
        if head.starts_with("CONNECT ") {
            client.write_all(connect_answer.as_bytes()).unwrap();
            let mut tunnelled = vec![0; 512];
            let n = reader.read(&mut tunnelled).unwrap_or(0);
            tunnelled.truncate(n);
            let _ = tx.send(Seen { head, tunnelled });
            return;
        }
        let len = head
            .to_ascii_lowercase()
            .lines()
            .find_map(|l| {
                l.strip_prefix("content-length:")
                    .map(|v| v.trim().parse::<usize>().unwrap())
            })
            .unwrap_or(0);
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        let target = head.split_whitespace().nth(1).unwrap().to_owned();
        let port: u16 = target
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .rsplit(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let mut upstream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        upstream.write_all(head.as_bytes()).unwrap();
        upstream.write_all(&body).unwrap();
        let mut answer = Vec::new();
        let _ = upstream.read_to_end(&mut answer);
        let _ = client.write_all(&answer);
        let _ = tx.send(Seen {
            head,
            tunnelled: Vec::new(),
        });
    });
    (port, rx)
}

#[test]
fn issue_14_http_proxy_gets_the_absolute_form_request() {
    let w = world();
    let server = ChatServer::start(Script::Stream(vec!["```sh\ndf -h\n```\n".into()]));
    let (proxy_port, seen) = proxy("");
    // A name only the proxy could reach: awesh never resolves it.
    let url = format!("http://model.test:{}/v1", server.addr.port());
    let out = w
        .awesh()
        .current_dir(w.path("repo"))
        .env("AWESH_MODEL_URL", &url)
        .env(
            "HTTP_PROXY",
            format!("http://bob:s3cret@127.0.0.1:{proxy_port}"),
        )
        .args(QUESTION)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("df -h  # risk: safe\n"));
    let seen = seen.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(
        seen.head
            .starts_with(&format!("POST {url}/chat/completions HTTP/1.1\r\n")),
        "{}",
        seen.head
    );
    // bob:s3cret
    assert!(
        seen.head
            .contains("\r\nProxy-Authorization: Basic Ym9iOnMzY3JldA==\r\n"),
        "{}",
        seen.head
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn issue_14_https_proxy_gets_a_connect_tunnel_with_tls_inside() {
    let w = world();
    let (proxy_port, seen) = proxy("HTTP/1.1 200 Connection established\r\n\r\n");
    let out = w
        .awesh()
        .current_dir(w.path("repo"))
        .env("AWESH_MODEL_URL", "https://model.test/v1")
        .env("AWESH_MODEL_KEY", "k")
        .env(
            "HTTPS_PROXY",
            format!("http://alice:pw%21@127.0.0.1:{proxy_port}"),
        )
        .args(QUESTION)
        .output()
        .unwrap();
    // The proxy closes the tunnel after the hello, so the request fails; what matters is the way.
    assert_eq!(out.status.code(), Some(1));
    let seen = seen.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(
        seen.head.starts_with("CONNECT model.test:443 HTTP/1.1\r\n"),
        "{}",
        seen.head
    );
    // alice:pw!
    assert!(
        seen.head
            .contains("\r\nProxy-Authorization: Basic YWxpY2U6cHch\r\n"),
        "{}",
        seen.head
    );
    assert_eq!(
        seen.tunnelled.first(),
        Some(&0x16),
        "a TLS handshake record: {:?}",
        seen.tunnelled
    );
    assert!(
        seen.tunnelled.windows(10).any(|w| w == b"model.test"),
        "the server name is sent inside the tunnel"
    );
    // A proxy that wants credentials says so, without echoing any.
    let (proxy_port, _seen) =
        proxy("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
    let out = w
        .awesh()
        .current_dir(w.path("repo"))
        .env("AWESH_MODEL_URL", "https://model.test/v1")
        .env("AWESH_MODEL_KEY", "k")
        .env("HTTPS_PROXY", format!("127.0.0.1:{proxy_port}"))
        .args(QUESTION)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "proxy 127.0.0.1:{proxy_port} (from HTTPS_PROXY): 407 proxy authentication required"
        )),
        "{err}"
    );
}
