//! `awesh ask` against a real HTTP server on loopback that speaks chat completions with
//! server-sent events: streaming order, redacted bytes on the wire, no request when a local
//! handler answers, and every failure's message and exit code (issue 6).

mod common;

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::chat::{ChatServer, Script, Seen};
use common::World;

/// A world with a repo on `main` and a kubeconfig (context prod, namespace web).
fn world() -> World {
    let w = World::new();
    w.repo("repo", "main");
    w.write(
        "home/.kube/config",
        common::kubeconfig(Some("prod"), &[("prod", Some("web"))]),
    );
    w
}

fn ask(w: &World, server_url: &str, args: &[&str]) -> Command {
    let mut cmd = w.awesh();
    cmd.current_dir(w.path("repo"))
        .env("OPENAI_BASE_URL", server_url)
        .env("AWESH_MODEL_KEY", "test-key-123")
        .env("AWESH_MODEL", "test-model")
        .arg("ask")
        .args(args);
    cmd
}

fn run(cmd: &mut Command) -> (Output, String, String) {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

const QUESTION: &[&str] = &["please", "find", "large", "files", "here"];

#[test]
fn issue_6_a_streamed_answer_is_printed_with_its_command_and_risk() {
    let w = world();
    let server = ChatServer::start(Script::Stream(vec![
        "Use `du`:\n".into(),
        "```sh\ndu -ah . | sort -rh | head -n 20\n".into(),
        "```\n".into(),
    ]));
    let (out, stdout, stderr) = run(&mut ask(&w, &server.url(), QUESTION));
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stdout,
        "Use `du`:\n```sh\ndu -ah . | sort -rh | head -n 20\n```\ndu -ah . | sort -rh | head -n 20  # risk: safe\n"
    );
    // What the server got: the model, streaming, the question and the context.
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert!(
        req.starts_with("POST /v1/chat/completions HTTP/1.1\r\n"),
        "{req}"
    );
    assert!(
        req.contains("\r\nAuthorization: Bearer test-key-123\r\n"),
        "{req}"
    );
    let body: serde_json::Value =
        serde_json::from_str(req.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["model"], "test-model");
    assert_eq!(body["stream"], true);
    assert_eq!(
        body["messages"][1]["content"],
        "please find large files here"
    );
    let system = body["messages"][0]["content"].as_str().unwrap();
    for part in [
        "git branch: main",
        "kubernetes context: prod",
        "kubernetes namespace: web",
        "OS: ",
    ] {
        assert!(system.contains(part), "{part:?} missing from {system}");
    }
}

#[test]
fn issue_6_streamed_pieces_reach_stdout_as_they_arrive_and_in_order() {
    let w = world();
    let (go, gate) = std::sync::mpsc::channel();
    let pieces = ["alpha ", "beta ", "gamma"];
    let server = ChatServer::start(Script::Gated(
        pieces.iter().map(|s| (*s).into()).collect(),
        gate,
    ));
    let mut child = ask(&w, &server.url(), QUESTION)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut got = String::new();
    // The server sends each piece only after the previous one has shown up on awesh's stdout:
    // this can only finish if awesh prints pieces as they arrive, not at the end.
    for (i, expected_so_far) in ["alpha ", "alpha beta ", "alpha beta gamma"]
        .iter()
        .enumerate()
    {
        while got.len() < expected_so_far.len() {
            let mut buf = [0; 64];
            let n = stdout.read(&mut buf).unwrap();
            assert!(n > 0, "stdout ended early: {got:?}");
            got.push_str(std::str::from_utf8(&buf[..n]).unwrap());
        }
        assert_eq!(&got[..expected_so_far.len()], *expected_so_far);
        if i + 1 < pieces.len() {
            go.send(()).unwrap();
        }
    }
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(got + &rest, "alpha beta gamma\n");
}

#[test]
fn issue_6_json_reports_the_model_as_the_answering_agent() {
    let w = world();
    let server = ChatServer::start(Script::Stream(vec!["```sh\nrm -rf ./build\n```".into()]));
    let (out, stdout, stderr) = run(&mut ask(
        &w,
        &server.url(),
        &["--json", "please", "clean", "up", "build", "output"],
    ));
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["agent"], "model");
    assert_eq!(v["command"], "rm -rf ./build");
    assert_eq!(v["risk"], "destructive");
    let names: Vec<_> = v["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_owned(),
                a["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("context", "declined"),
            ("kube", "declined"),
            ("git", "declined"),
            ("command", "declined"),
            ("model", "answered")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert!(v["agents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["ms"].is_u64()));
}

fn fake(prefix: &str, body: &str, n: usize) -> String {
    let mut s = prefix.to_owned();
    while s.len() < prefix.len() + n {
        s.push_str(body);
    }
    s.truncate(prefix.len() + n);
    s
}

#[test]
fn issue_6_the_server_receives_redacted_text_only() {
    let w = world();
    let jwt = format!(
        "{}.{}.{}",
        fake("eyJ", "hbGciOiJSUzI1NiJ9", 24),
        fake("eyJ", "zdWIiOiJzeXN0ZW06c2Vy", 48),
        fake("", "sIgNaTuRe_-09", 43)
    );
    let pem_body = fake("MIIEpAIBAAK", "CAQEAx4f", 64);
    let cases: Vec<(String, String, &str)> = vec![
        (
            fake("sk-proj-", "Ab3dEf6h", 56),
            String::new(),
            "openai-key",
        ),
        (fake("ghp_", "R2d2C3po", 36), String::new(), "github-token"),
        (
            fake("AKIA", "Z7Y6X5W4V3U2T1S0", 16),
            String::new(),
            "aws-access-key",
        ),
        (
            fake("xoxb-", "2222-3333-abc", 40),
            String::new(),
            "slack-token",
        ),
        (
            fake("", "Tok3nV4lue.x", 40),
            "Authorization: Bearer ".into(),
            "bearer-token",
        ),
        ("pw-9f8e7d".into(), "postgres://app:".into(), "url-password"),
        (
            format!("{pem_body}\n{pem_body}"),
            "-----BEGIN EC PRIVATE KEY-----\n".into(),
            "private-key",
        ),
        (jwt, "kubectl --token=".into(), "kube-token"),
        (
            "hunter2-horse".into(),
            "DB_PASSWORD=".into(),
            "secret-value",
        ),
    ];
    for (secret, before, kind) in cases {
        let server = ChatServer::start(Script::Stream(vec!["ok".into()]));
        let after = if kind == "private-key" {
            "\n-----END EC PRIVATE KEY-----"
        } else if kind == "url-password" {
            "@db.internal/app"
        } else {
            ""
        };
        let question = format!("please explain this failure: {before}{secret}{after} fails");
        let (out, _, stderr) = run(&mut ask(&w, &server.url(), &[&question]));
        assert!(out.status.success(), "{kind}: {stderr}");
        assert!(
            stderr.contains(&format!("removed 1 secret ({kind})")),
            "{kind}: {stderr}"
        );
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "{kind}");
        let req = &requests[0];
        // Check the raw bytes, and every long-enough piece of the secret.
        assert!(!req.contains(&secret), "{kind} leaked: {req}");
        for line in secret.lines() {
            for piece in line.as_bytes().chunks(12).filter(|c| c.len() >= 8) {
                let piece = std::str::from_utf8(piece).unwrap();
                assert!(!req.contains(piece), "{kind}: {piece:?} leaked: {req}");
            }
        }
        assert!(req.contains(&format!("[redacted:{kind}]")), "{kind}: {req}");
        assert!(req.contains("please explain this failure"), "{kind}: {req}");
    }
}

#[test]
fn issue_6_no_request_at_all_when_a_local_handler_answers() {
    let w = world();
    let server = ChatServer::start(Script::Stream(vec!["should not be asked".into()]));
    for q in [
        "which branch am I on",
        "list pods",
        "undo the last commit",
        "ls -la",
    ] {
        let (out, stdout, stderr) = run(&mut ask(&w, &server.url(), &[q]));
        assert!(out.status.success(), "{q}: {stderr}");
        assert!(!stdout.contains("should not be asked"), "{q}: {stdout}");
    }
    assert_eq!(
        server.seen(),
        Vec::<Seen>::new(),
        "the model server was contacted"
    );
}

/// Runs a question against `script` and returns (exit code, stderr).
fn fails(script: Script, args: &[&str]) -> (Option<i32>, String, String) {
    let w = world();
    let server = ChatServer::start(script);
    let mut all = args.to_vec();
    all.extend_from_slice(QUESTION);
    let (out, _, stderr) = run(&mut ask(&w, &server.url(), &all));
    (out.status.code(), stderr, server.url())
}

#[test]
fn issue_6_401_names_the_key_variable() {
    let body =
        r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}"#;
    let (code, stderr, url) = fails(
        Script::Status(401, "Unauthorized", vec![], body.into()),
        &[],
    );
    assert_eq!(code, Some(1));
    assert_eq!(stderr, format!("awesh: model at {url}: 401 unauthorized: the key in AWESH_MODEL_KEY was rejected: Incorrect API key provided\n"));
}

#[test]
fn issue_6_429_says_when_to_retry() {
    let (code, stderr, url) = fails(
        Script::Status(
            429,
            "Too Many Requests",
            vec![("Retry-After", "20".into())],
            "{}".into(),
        ),
        &[],
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        format!("awesh: model at {url}: 429 rate limited: retry after 20 s\n")
    );
}

#[test]
fn issue_6_5xx_is_a_server_error() {
    let body = r#"{"error":{"message":"The server is overloaded"}}"#;
    let (code, stderr, url) = fails(
        Script::Status(503, "Service Unavailable", vec![], body.into()),
        &[],
    );
    assert_eq!(code, Some(1));
    assert_eq!(stderr, format!("awesh: model at {url}: server error 503 service unavailable: The server is overloaded\n"));
}

#[test]
fn issue_6_a_malformed_stream_is_reported() {
    let (code, stderr, url) = fails(Script::Raw("data: {\"choices\": [oops\n\n".into()), &[]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.starts_with(&format!("awesh: model at {url}: malformed stream: ")),
        "{stderr}"
    );
}

#[test]
fn issue_6_a_cut_off_stream_is_reported() {
    // What arrived is shown, its line ended, and the failure follows on stderr.
    let w = world();
    let server = ChatServer::start(Script::CutOff("partial ".into()));
    let (out, stdout, _) = run(&mut ask(&w, &server.url(), QUESTION));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout, "partial \n");
    let (code, stderr, url) = fails(Script::CutOff("partial ".into()), &[]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.ends_with(&format!(
            "awesh: model at {url}: the stream was cut off before the answer was complete\n"
        )),
        "{stderr}"
    );
    // Without chunked framing: the connection just ends before [DONE].
    let (code, stderr, url) = fails(
        Script::Raw(format!(
            "data: {}\n\n",
            r#"{"choices":[{"delta":{"content":"par"}}]}"#
        )),
        &[],
    );
    assert_eq!(code, Some(1));
    assert!(
        stderr.ends_with(&format!(
            "awesh: model at {url}: the stream was cut off before the answer was complete\n"
        )),
        "{stderr}"
    );
}

#[test]
fn issue_6_a_silent_server_times_out() {
    let (code, stderr, url) = fails(Script::Hang, &["--timeout-ms", "300"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        format!("awesh: model at {url}: timed out after 300 ms waiting for the response\n")
    );
}

#[test]
fn issue_6_connection_refused() {
    let w = world();
    // A port that was free a moment ago and has no listener now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/v1");
    let (out, _, stderr) = run(&mut ask(&w, &url, QUESTION));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr,
        format!("awesh: model at {url}: connection refused (is the server running?)\n")
    );
}

#[test]
fn issue_6_dns_failure() {
    let w = world();
    // A 70-letter label is not a valid DNS name: the resolver refuses it without any query,
    // so this never leaves the machine.
    let host = format!("{}.invalid", "a".repeat(70));
    let url = format!("http://{host}/v1");
    let (out, _, stderr) = run(&mut ask(&w, &url, QUESTION));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.starts_with(&format!(
            "awesh: model at {url}: cannot resolve host {host}"
        )),
        "{stderr}"
    );
}

#[test]
fn issue_6_ctrl_c_stops_cleanly_and_closes_the_socket() {
    let w = world();
    let server = ChatServer::start(Script::Hang);
    let child = ask(&w, &server.url(), QUESTION)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the request is in, then press Ctrl-C.
    match server.events.recv_timeout(Duration::from_secs(30)).unwrap() {
        Seen::Request(_) => {}
        other => panic!("{other:?}"),
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "awesh: ask: interrupted\n"
    );
    assert_eq!(
        server.events.recv_timeout(Duration::from_secs(30)).unwrap(),
        Seen::ClientClosed
    );
}

#[test]
fn issue_6_a_spinner_shows_on_a_terminal_until_the_first_token() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("script(1) not installed: skipped");
        return;
    }
    let w = world();
    let (go, gate) = std::sync::mpsc::channel();
    // An empty first piece opens the stream; the text comes only when the test says so.
    let server = ChatServer::start(Script::Gated(vec![String::new(), "hello".into()], gate));
    let mut child = w
        .command("script")
        .current_dir(w.path("repo"))
        .env("OPENAI_BASE_URL", server.url())
        .env("TERM", "dumb")
        .args([
            "-qfec",
            &format!("'{}' ask please say hello", env!("CARGO_BIN_EXE_awesh")),
            "/dev/null",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut got = String::new();
    while !got.contains("waiting for the model") {
        let mut buf = [0; 256];
        let n = stdout.read(&mut buf).unwrap();
        assert!(n > 0, "no spinner before the first token: {got:?}");
        got.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    go.send(()).unwrap();
    stdout.read_to_string(&mut got).unwrap();
    assert!(child.wait().unwrap().success(), "{got:?}");
    // The spinner line is cleared before the answer is printed.
    let cleared = got.rfind("\r\x1b[2K").expect("spinner never cleared");
    let answer = got.find("hello").unwrap();
    assert!(cleared < answer, "{got:?}");
    assert!(!got[answer..].contains("waiting for the model"), "{got:?}");
}

#[test]
fn issue_6_https_goes_through_tls_and_a_failed_handshake_is_named() {
    // A plain-HTTP listener on loopback: the TLS handshake the client starts must fail, and
    // say so, rather than be mistaken for a malformed answer.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}/v1", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut hello = [0u8; 5];
        conn.read_exact(&mut hello).unwrap();
        std::io::Write::write_all(&mut conn, b"HTTP/1.1 400 Bad Request\r\n\r\n").unwrap();
        hello
    });
    let w = world();
    let (out, _, stderr) = run(&mut ask(&w, &url, QUESTION));
    // 0x16 0x03: a TLS handshake record, so the client really spoke TLS.
    let hello = server.join().unwrap();
    assert_eq!(hello[..2], [0x16, 0x03]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.starts_with(&format!("awesh: model at {url}: tls: ")),
        "{stderr}"
    );
}

#[test]
fn issue_6_a_cancelled_model_request_closes_its_socket_while_the_process_lives_on() {
    use awesh::agent::model::{Config, ModelHandler};
    use awesh::agent::{Context, Outcome, Race, Request};
    use std::sync::Arc;

    let server = ChatServer::start(Script::Hang);
    let config = Config {
        url: server.url(),
        model: "m".into(),
        key: None,
        key_var: None,
        timeout: Duration::from_secs(3600),
    };
    let race = Race::new(vec![Arc::new(ModelHandler::new(config))]);
    let interrupter = race.interrupter();
    let req = Request::new("please help", false, Context::default());
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || done_tx.send(race.run(&req, &mut |_| {})).unwrap());
    assert!(matches!(
        server.events.recv_timeout(Duration::from_secs(30)).unwrap(),
        Seen::Request(_)
    ));
    interrupter.interrupt();
    let report = done_rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert_eq!(report.agents[0].outcome, Outcome::Cancelled);
    // The socket is shut down by the cancellation itself: this process is still running.
    assert_eq!(
        server.events.recv_timeout(Duration::from_secs(30)).unwrap(),
        Seen::ClientClosed
    );
}

#[test]
fn issue_6_a_server_that_ignores_stream_still_answers() {
    let w = world();
    let body = r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"Run:\n```sh\ndf -h\n```"}}]}"#;
    let server = ChatServer::start(Script::Status(200, "OK", vec![], body.into()));
    let (out, stdout, stderr) = run(&mut ask(&w, &server.url(), QUESTION));
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stdout, "Run:\n```sh\ndf -h\n```\ndf -h  # risk: safe\n");
}

#[test]
fn issue_6_429_without_retry_after_and_an_error_mid_stream() {
    let (code, stderr, url) = fails(
        Script::Status(429, "Too Many Requests", vec![], String::new()),
        &[],
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        format!("awesh: model at {url}: 429 rate limited: retry later\n")
    );
    let (code, stderr, url) = fails(
        Script::Raw("data: {\"error\":{\"message\":\"upstream overloaded\"}}\n\n".into()),
        &[],
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        format!("awesh: model at {url}: the model failed mid-answer: upstream overloaded\n")
    );
}
