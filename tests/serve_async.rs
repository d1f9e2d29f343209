//! Issue 17: a slow `awesh serve` never holds the prompt. In real interactive zsh and bash under
//! a pseudo-terminal (tmux), with a server made slow on purpose (the debug-only
//! `AWESH_TEST_SERVE_DELAY` hook, src/serve/mod.rs): the prompt is drawn within the synchronous
//! budget with the last segment marked stale (a dim `…`); in zsh the fresh segment replaces it
//! with no key pressed (`zle -F`, `zle reset-prompt`); a late reply for an older request is
//! read and set aside by the next prompt, and the server is not replaced for it (same pid); a
//! server killed while a reply is owed is still replaced. Fresh prompts never carry the marker.
//! Nothing here is timed: each wait is a bounded poll.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{awesh_bin, is_server, shown, start, Pty, Sh, Step, World, PTY_TIMEOUT};

/// What the marker looks like once colours are dropped.
const STALE: &str = "…";

/// The rc of a session whose server waits for as many milliseconds as `delay` holds before each
/// answer; a generous deadline (the server's own), so only the delay makes a reply late. The
/// budget is the harness's (a full wait) until a line sets `AWESH_SYNC_MS=10`.
fn slow_rc(world: &World, sh: Sh) -> String {
    std::fs::create_dir_all(world.path("tmp")).unwrap();
    world.write("delay", "0");
    let tmp = common::sh_quote(&world.path("tmp").display().to_string());
    let delay = common::sh_quote(&world.path("delay").display().to_string());
    format!(
        "export TMPDIR={tmp} AWESH_TEST_SERVE_DELAY={delay} AWESH_TIMEOUT_MS=20000\n{}",
        sh.init(awesh_bin(), "")
    )
}

fn set_delay(world: &World, ms: u32) {
    world.write("delay", ms.to_string());
}

/// The server's pid as the shell knows it, checked to be a live `awesh serve`.
fn server_pid(pty: &mut Pty, world: &World) -> u32 {
    let step = pty.run(world, "echo \"pid=<$__awesh_serve_pid>\"");
    let out = step.out();
    let pid = out
        .split("pid=<")
        .filter_map(|s| s.split('>').next()?.parse::<u32>().ok())
        .next()
        .unwrap_or_else(|| panic!("no server pid in {out:?}"));
    assert!(is_server(pid), "pid {pid} is not an awesh serve");
    pid
}

fn kill_9(pid: u32) {
    common::signal(pid, "-KILL");
    common::wait_gone(pid, "kill -9");
}

/// Everything a step showed, as a person sees it (colours dropped).
fn all_shown(step: &Step) -> String {
    let mut bytes = step.output.clone();
    bytes.extend_from_slice(&step.prompt);
    shown(&bytes)
}

/// Runs `line`, whose prompt the slow server cannot answer within the 10 ms budget: the
/// terminal shows the prompt with `stale` (the last segment) and the marker.
fn run_stale(pty: &mut Pty, world: &World, line: &str, stale: &str) {
    let step = pty.run(world, line);
    let text = all_shown(&step);
    assert!(
        text.contains(&format!("{stale}{STALE}")),
        "no stale prompt {stale:?} after {line:?}: {text:?}"
    );
}

/// zsh: the stale prompt is drawn again, fresh, when the reply comes: no key is pressed, and
/// the handler is gone afterwards (no reply owed).
#[test]
fn issue_17_zsh_redraws_a_stale_prompt_when_the_reply_comes() {
    let sh = Sh::Zsh;
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let (mut pty, first) = start(&world, sh, "repo", &slow_rc(&world, sh));
    assert_eq!(first.shown(), "[awesh]:🌿main");
    let pid = server_pid(&mut pty, &world);

    set_delay(&world, 1500);
    world.git("repo", &["checkout", "-q", "-b", "two"]);
    run_stale(&mut pty, &world, "AWESH_SYNC_MS=10", "[awesh]:🌿main");
    // The redraw: a whole new prompt on the terminal, with nothing typed.
    let redraw = pty.next_prompt("the redraw after the late reply");
    assert_eq!(redraw.shown(), "[awesh]:🌿two", "the redrawn prompt");
    assert!(!redraw.shown().contains(STALE));

    set_delay(&world, 0);
    let step = pty.run(
        &world,
        "echo \"owed=<$__awesh_serve_pending:$__awesh_serve_watch>\"",
    );
    assert!(step.out().contains("owed=<0:>"), "{}", step.out());
    assert_eq!(server_pid(&mut pty, &world), pid, "the same server");
}

/// Both shells: a reply that comes after its prompt was drawn stale is read by the next prompt
/// and set aside (it answers an older request, for another folder), that prompt shows its own
/// answer, and the server is kept.
fn a_late_reply_is_set_aside(sh: Sh) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("a", "main");
    world.repo("b", "bee");
    let (mut pty, first) = start(&world, sh, "a", &slow_rc(&world, sh));
    assert_eq!(first.shown(), "[awesh]:🌿main", "{sh:?}");
    let pid = server_pid(&mut pty, &world);

    set_delay(&world, 1500);
    run_stale(&mut pty, &world, "AWESH_SYNC_MS=10", "[awesh]:🌿main");
    // Typed at once, well before the late reply (for folder a) comes; this prompt waits in full.
    set_delay(&world, 0);
    let step = pty.run(&world, "cd ../b; AWESH_SYNC_MS=600000");
    assert_eq!(step.shown(), "[awesh]:🌿bee", "{sh:?} the prompt after");
    let step = pty.run(&world, "echo \"owed=<$__awesh_serve_pending>\"");
    assert!(step.out().contains("owed=<0>"), "{sh:?} {}", step.out());
    assert_eq!(step.shown(), "[awesh]:🌿bee", "{sh:?}");
    assert_eq!(server_pid(&mut pty, &world), pid, "{sh:?}: the same server");
}

#[test]
fn issue_17_bash_sets_a_late_reply_aside() {
    a_late_reply_is_set_aside(Sh::Bash);
}

#[test]
fn issue_17_zsh_sets_a_late_reply_aside() {
    a_late_reply_is_set_aside(Sh::Zsh);
}

/// Both shells: a server killed while a reply is owed is replaced. zsh sees the end of file at
/// once and draws the prompt again from `awesh prompt`; bash at its next prompt.
fn a_server_killed_while_late_is_replaced(sh: Sh) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let (mut pty, first) = start(&world, sh, "repo", &slow_rc(&world, sh));
    assert_eq!(first.shown(), "[awesh]:🌿main", "{sh:?}");
    let old = server_pid(&mut pty, &world);

    set_delay(&world, 5000);
    world.git("repo", &["checkout", "-q", "-b", "two"]);
    run_stale(&mut pty, &world, "AWESH_SYNC_MS=10", "[awesh]:🌿main");
    set_delay(&world, 0);
    kill_9(old);
    match sh {
        Sh::Zsh => {
            let redraw = pty.next_prompt("the redraw after the server died");
            assert_eq!(redraw.shown(), "[awesh]:🌿two", "{sh:?}");
        }
        Sh::Bash => {
            let step = pty.run(&world, "AWESH_SYNC_MS=600000");
            assert_eq!(step.shown(), "[awesh]:🌿two", "{sh:?}");
        }
    }
    let new = server_pid(&mut pty, &world);
    assert_ne!(new, old, "{sh:?}");
    world.git("repo", &["checkout", "-q", "main"]);
    let step = pty.run(&world, "AWESH_SYNC_MS=600000");
    assert_eq!(step.shown(), "[awesh]:🌿main", "{sh:?}");
    assert!(
        !step.out().contains("awesh:"),
        "{sh:?} warned: {}",
        step.out()
    );
    assert_eq!(
        server_pid(&mut pty, &world),
        new,
        "{sh:?}: the new server stays"
    );
}

#[test]
fn issue_17_bash_replaces_a_server_killed_while_late() {
    a_server_killed_while_late_is_replaced(Sh::Bash);
}

#[test]
fn issue_17_zsh_replaces_a_server_killed_while_late() {
    a_server_killed_while_late_is_replaced(Sh::Zsh);
}

/// Both shells: a server that stops answering while a reply is owed (SIGSTOP) is replaced by
/// the first prompt after the full wait (its deadline, 300 ms here, plus 300 ms), which falls
/// back to `awesh prompt`; the prompts in between are stale, not stuck.
fn a_server_hung_while_late_is_replaced(sh: Sh) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let rc = format!("{}export AWESH_TIMEOUT_MS=300\n", slow_rc(&world, sh));
    let (mut pty, first) = start(&world, sh, "repo", &rc);
    // (A debug build on a loaded machine may miss a 300 ms deadline: then there is no branch.)
    if first.shown() != "[awesh]:🌿main" {
        eprintln!("{sh:?}: the first prompt missed its deadline; nothing checked");
        return;
    }
    let old = server_pid(&mut pty, &world);
    let status = Command::new("kill")
        .args(["-STOP", &old.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    world.git("repo", &["checkout", "-q", "-b", "two"]);
    run_stale(&mut pty, &world, "AWESH_SYNC_MS=10", "[awesh]:🌿main");
    // Past the full wait (0.6 s) for the owed reply, by short bounded sleeps.
    let since = Instant::now();
    while since.elapsed() < Duration::from_millis(900) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let step = pty.run(&world, "AWESH_SYNC_MS=600000");
    assert_eq!(
        step.shown(),
        "[awesh]:🌿two",
        "{sh:?} after the hung server"
    );
    let start = Instant::now();
    while is_server(old) {
        assert!(
            start.elapsed() < PTY_TIMEOUT,
            "{sh:?}: the hung server was kept"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let new = server_pid(&mut pty, &world);
    assert_ne!(new, old, "{sh:?}");
}

#[test]
fn issue_17_bash_replaces_a_server_hung_while_late() {
    a_server_hung_while_late_is_replaced(Sh::Bash);
}

#[test]
fn issue_17_zsh_replaces_a_server_hung_while_late() {
    a_server_hung_while_late_is_replaced(Sh::Zsh);
}
