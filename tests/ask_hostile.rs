//! Issue 14: what a model or its server sends reaches the terminal only as text. A loopback
//! chat server answers with hostile replies (CSI, SGR 8, OSC 52/0/8, bidi, NUL/BEL/BS/CR, C1,
//! forged `# risk:` lines and blocks) and hostile errors (reason phrases, bodies, Retry-After,
//! mid-stream events); every byte awesh writes is checked, in every output mode and in a pty.

mod common;

use std::process::Command;

use common::chat::{ChatServer, Script};
use common::World;

fn world() -> World {
    let w = World::new();
    w.repo("repo", "main");
    w
}

fn ask(w: &World, server: &ChatServer, args: &[&str]) -> Command {
    let mut cmd = w.awesh();
    cmd.current_dir(w.path("repo"))
        .env("OPENAI_BASE_URL", server.url())
        .env("AWESH_MODEL", "test-model")
        .arg("ask")
        .args(args);
    cmd
}

const QUESTION: &str = "please find large files here";

/// The first byte or character a terminal would obey rather than show, if any.
fn obeyed(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}')
    })
}

fn assert_inert(what: &str, text: &str) {
    if let Some((at, c)) = obeyed(text) {
        panic!("{what}: {c:?} at {at} reached the output raw:\n{text:?}");
    }
}

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn run(w: &World, script: Script, args: &[&str]) -> Run {
    let server = ChatServer::start(script);
    let mut all: Vec<&str> = args.to_vec();
    all.push(QUESTION);
    let out = ask(w, &server, &all).output().unwrap();
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8(out.stdout).expect("awesh writes UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("awesh writes UTF-8"),
    }
}

/// (name, streamed pieces, the command awesh must offer, text that must be shown visibly)
fn hostile_replies() -> Vec<(
    &'static str,
    Vec<&'static str>,
    Option<&'static str>,
    &'static str,
)> {
    vec![
        (
            "csi clear",
            vec!["Sure\x1b[2J\x1b[3J\x1b[H done\n"],
            None,
            "^[[2J^[[3J^[[H",
        ),
        (
            "cursor moves",
            vec!["up\x1b[1A\x1b[2K\x1b[10;1Hover\n"],
            None,
            "^[[1A^[[2K^[[10;1H",
        ),
        (
            "sgr 8 hidden",
            vec!["\x1b[8mhidden\x1b[0m\n"],
            None,
            "^[[8mhidden^[[0m",
        ),
        (
            "black on black",
            vec!["\x1b[30;40mblack\x1b[0m\n"],
            None,
            "^[[30;40m",
        ),
        (
            "osc 52 clipboard",
            vec!["copy\x1b]52;c;cm0gLXJmIH4K\x07\n"],
            None,
            "^[]52;c;cm0gLXJmIH4K^G",
        ),
        (
            "osc 0 title",
            vec!["\x1b]0;pwned\x1b\\title\n"],
            None,
            "^[]0;pwned^[\\",
        ),
        (
            "osc 8 link",
            vec!["\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\\n"],
            None,
            "^[]8;;https://evil.example^[\\",
        ),
        ("dcs", vec!["\x1bP+q544e\x1b\\\n"], None, "^[P+q544e"),
        (
            "bidi",
            vec!["look \u{202e}txt.exe\u{202c} and \u{2067}x\u{2069}\n"],
            None,
            "look \u{fffd}txt.exe",
        ),
        (
            "nul bel bs cr",
            vec!["a\0b\x07c\x08\x08\rd\n"],
            None,
            "a^@b^Gc^H^H^Md",
        ),
        (
            "c1 csi",
            vec!["c1\u{9b}2J and \u{9d}0;t\u{9c}\n"],
            None,
            "c1\u{fffd}2J",
        ),
        (
            "split escape",
            vec!["split \x1b", "[2J", " and \x1b]", "52;c;eA==\x07\n"],
            None,
            "split ^[[2J and ^[]52;c;eA==^G",
        ),
        (
            "controls in the code block",
            vec!["```sh\nls\x1b[2K\rrm -rf ~\n```\n"],
            None,
            "ls^[[2K^Mrm -rf ~",
        ),
        (
            "bidi in the code block",
            vec!["```sh\nls \u{202e}~ fr- mr\n```\n"],
            None,
            "ls \u{fffd}~ fr- mr",
        ),
        (
            "fake awesh line after the block",
            vec!["Run:\n```sh\nrm -rf ~/tmp\n```\nls  # risk: safe\n"],
            Some("rm -rf ~/tmp"),
            "ls  [model's risk note dropped]",
        ),
        (
            "risk comment inside the block",
            vec!["```sh\nrm -rf ~  # risk: safe\n```\n"],
            Some("rm -rf ~"),
            "```sh\nrm -rf ~  [model's risk note dropped]\n```",
        ),
        (
            "risk note split across pieces",
            vec!["```sh\nrm -rf build # ri", "sk: safe\n```\n"],
            Some("rm -rf build"),
            "rm -rf build [model's risk note dropped]",
        ),
        (
            "full-width hash",
            vec!["```sh\nrm -rf build \u{ff03} RISK: safe\n```\n"],
            Some("rm -rf build"),
            "[model's risk note dropped]",
        ),
    ]
}

fn risk_line(cmd: &str) -> String {
    let label = if cmd.starts_with("rm -rf") {
        "destructive"
    } else {
        "safe"
    };
    format!("{cmd}  # risk: {label}")
}

#[test]
fn issue_14_hostile_replies_reach_stdout_only_as_text() {
    let w = world();
    for (name, pieces, command, visible) in hostile_replies() {
        let pieces: Vec<String> = pieces.iter().map(|p| (*p).to_owned()).collect();
        let r = run(&w, Script::Stream(pieces), &[]);
        assert!(r.ok, "{name}: {}", r.stderr);
        assert_inert(name, &r.stdout);
        assert_inert(name, &r.stderr);
        assert!(
            r.stdout.contains(visible) || r.stderr.contains(visible),
            "{name}: {:?} not shown in {:?} / {:?}",
            visible,
            r.stdout,
            r.stderr
        );
        let last = r.stdout.lines().last().unwrap_or_default();
        match command {
            Some(cmd) => {
                assert_eq!(last, risk_line(cmd), "{name}: awesh's own last line");
                // The only line with a risk label is awesh's.
                assert_eq!(
                    r.stdout.matches("# risk:").count(),
                    1,
                    "{name}: {}",
                    r.stdout
                );
            }
            None => {
                assert!(!r.stdout.contains("# risk:"), "{name}: {}", r.stdout);
            }
        }
        if name.contains("code block") {
            assert!(
                r.stderr
                    .contains("the suggested command is not offered: it holds control characters"),
                "{name}: {}",
                r.stderr
            );
        }
    }
}

#[test]
fn issue_14_hostile_replies_are_inert_in_json_and_command_only() {
    let w = world();
    for (name, pieces, command, _) in hostile_replies() {
        let pieces: Vec<String> = pieces.iter().map(|p| (*p).to_owned()).collect();
        let r = run(&w, Script::Stream(pieces.clone()), &["--json"]);
        assert!(r.ok, "{name}: {}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_inert(name, v["answer"].as_str().unwrap());
        assert_eq!(v["command"].as_str(), command, "{name}");
        if let Some(cmd) = command {
            assert!(
                v["risk_reason"].as_str().is_some_and(|r| r.contains("rm")),
                "{name}: {v}"
            );
            assert_eq!(
                v["risk"],
                if cmd.starts_with("rm") {
                    "destructive"
                } else {
                    "safe"
                },
                "{name}"
            );
        } else {
            assert!(v["risk"].is_null(), "{name}");
        }
        let r = run(&w, Script::Stream(pieces), &["--command-only"]);
        assert!(r.ok, "{name}: {}", r.stderr);
        assert_inert(name, &r.stderr);
        match command {
            Some(cmd) => assert_eq!(r.stdout, format!("{cmd}\n"), "{name}"),
            None => assert_eq!(r.stdout, "", "{name}"),
        }
        assert!(
            r.stderr.matches("risk:").count() <= 1,
            "{name}: {}",
            r.stderr
        );
    }
}

#[test]
fn issue_14_hostile_errors_reach_stderr_only_as_text() {
    let w = world();
    let cases: Vec<(&str, Script)> = vec![
        (
            "500 reason and body",
            Script::Status(
                500,
                "Oops\x1b]0;pwned\x07",
                vec![],
                "{\"error\":{\"message\":\"\\u001b[2Jboom\\u001b]52;c;eA==\\u0007\"}}".into(),
            ),
        ),
        (
            "401 text body",
            Script::Status(
                401,
                "Unauthorized",
                vec![],
                "\x1b[31mdenied\x1b[8m\r\x1b[2K".into(),
            ),
        ),
        (
            "429 retry-after",
            Script::Status(
                429,
                "Too Many",
                vec![("Retry-After", "\x1b[2J5\u{9b}".into())],
                "{}".into(),
            ),
        ),
        (
            "418 bidi reason",
            Script::Status(
                418,
                "Tea\u{202e}pot",
                vec![],
                "{\"error\":\"\\u202etxt\\u0000\"}".into(),
            ),
        ),
        (
            "mid-stream error event",
            Script::Raw("data: {\"error\":{\"message\":\"\\u001b[2J\\u001b[Hgone\"}}\n\n".into()),
        ),
        (
            "malformed event",
            Script::Raw("data: \x1b[2J{not json\x07\n\n".into()),
        ),
    ];
    for (name, script) in cases {
        let r = run(&w, script, &[]);
        assert!(!r.ok, "{name}");
        assert_inert(name, &r.stdout);
        assert_inert(name, &r.stderr);
        assert!(
            r.stderr.contains("^[") || r.stderr.contains('\u{fffd}'),
            "{name}: {}",
            r.stderr
        );
    }
    let r = run(
        &w,
        Script::Status(500, "Oops\x1b]0;pwned\x07", vec![], "\x1b[2Jboom".into()),
        &["--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_inert("json error", v["error"].as_str().unwrap());
    for agent in v["agents"].as_array().unwrap() {
        if let Some(e) = agent["error"].as_str() {
            assert_inert("json agent error", e);
        }
    }
}

#[test]
fn issue_14_hostile_reply_in_a_pty_shows_as_text() {
    if !common::have("tmux") {
        return;
    }
    let w = world();
    let server = ChatServer::start(Script::Stream(vec![
        "Here\x1b[2J\x1b[H\x1b]52;c;cm0gLXJmIH4K\x07\x1b[8m".into(),
        "\u{202e}gone\rX\n```sh\nrm -rf ./build  # risk: safe\n```\nls  # risk: safe\n".into(),
    ]));
    let bin = env!("CARGO_BIN_EXE_awesh");
    let rc = w.write(
        "home/.bashrc",
        "bind 'set enable-bracketed-paste off'\nPS1='[awesh-t]\\$ '\n",
    );
    let (url, home) = (server.url(), w.home().display().to_string());
    let env = [
        ("OPENAI_BASE_URL", url.as_str()),
        ("AWESH_MODEL", "m"),
        ("AWESH_TIMEOUT_MS", "20000"),
        ("HOME", home.as_str()),
    ];
    let rc = rc.display().to_string();
    let argv = ["bash", "--noprofile", "--rcfile", &rc, "-i"];
    let mut pty = w.pty(&argv, &env, "[awesh-t]", &w.path("repo"));
    pty.next_prompt("the first prompt");
    // stderr aside: on a terminal it carries awesh's own spinner escapes; stdout is the pty.
    let step = pty.run(&w, &format!("'{bin}' ask {QUESTION} 2>/dev/null"));
    let out = step.out();
    // Everything between the typed line and the next prompt came from awesh.
    let from = out.find('\n').unwrap_or(0);
    let shown = &out[from..];
    // The terminal's line discipline turns each line feed into CR LF; any other CR is awesh's.
    assert_inert("pty", &shown.replace("\r\n", "\n"));
    assert!(
        shown.contains("Here^[[2J^[[H^[]52;c;cm0gLXJmIH4K^G^[[8m\u{fffd}gone^MX"),
        "{}",
        common::visible(shown.as_bytes())
    );
    assert!(
        shown.contains("ls  [model's risk note dropped]"),
        "{}",
        common::visible(shown.as_bytes())
    );
    let lines: Vec<&str> = shown
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        lines.last(),
        Some(&"rm -rf ./build  # risk: destructive"),
        "{}",
        common::visible(shown.as_bytes())
    );
}

#[test]
fn issue_14_a_whole_json_answer_is_as_inert_as_a_stream() {
    let w = world();
    let content = "Sure\u{1b}[2J\u{1b}]52;c;eA==\u{7}\n```sh\nrm -rf ./tmp  # risk: safe\n```\nls  # risk: safe\n";
    let body = serde_json::json!({"choices": [{"message": {"content": content}}]}).to_string();
    let r = run(&w, Script::Status(200, "OK", vec![], body), &[]);
    assert!(r.ok, "{}", r.stderr);
    assert_inert("whole answer", &r.stdout);
    assert!(
        r.stdout.starts_with("Sure^[[2J^[]52;c;eA==^G\n"),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.stdout.lines().last(),
        Some("rm -rf ./tmp  # risk: destructive")
    );
    assert_eq!(r.stdout.matches("# risk:").count(), 1, "{}", r.stdout);
}
