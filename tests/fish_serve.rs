//! fish's serve mode in a real interactive fish under a pseudo-terminal (tmux), with the checks
//! bash and zsh pass in serve_shell.rs: a serve session and a `--no-serve` session walk through
//! the same changes in lockstep and show the same prompts; strace sees no process started over
//! 30 prompts; a killed or stopped server costs fallback prompts (never a wrong or missing
//! segment, never a hang) and is replaced; `exec fish`, re-sourcing with another awesh's init
//! and `exit` each stop the old server and leave no file. Without tmux, fish or strace a test
//! says so loudly.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{awesh_bin, have, is_server, signal, wait_gone, Pty, Step, World, PTY_TIMEOUT};

/// The test prompt (awesh puts the segment before its `$`).
const RC: &str = "set -g fish_greeting ''\nfunction fish_prompt; printf '[awesh]$ '; end\n";

fn available() -> bool {
    let ok = have("fish") && have("tmux");
    if !ok {
        eprintln!("\n*** SKIPPED: fish or tmux is not installed ***\n");
    }
    ok
}

/// A fish with no config of its own that sources `~/awesh.fish`: the test prompt, then
/// `awesh init fish ARGS`. Its runtime folder (where the server's files go) is `run/`.
fn start(world: &World, dir: &str, args: &str) -> (Pty, Step) {
    let run = world.path("run");
    std::fs::create_dir_all(&run).unwrap();
    std::fs::set_permissions(&run, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let bin = common::sh_quote(&awesh_bin().display().to_string());
    world.write(
        "home/awesh.fish",
        format!("{RC}{bin} init fish {args} | source\n"),
    );
    let run = run.display().to_string();
    let env = [
        ("LANG", "C.UTF-8"),
        ("LC_ALL", "C.UTF-8"),
        ("XDG_RUNTIME_DIR", run.as_str()),
        ("AWESH_TIMEOUT_MS", "5000"),
    ];
    let mut pty = world.pty(
        &["fish", "--no-config", "-i"],
        &env,
        common::MARKER,
        &world.path(dir),
    );
    let first = enter(&mut pty, world, "source ~/awesh.fish");
    (pty, first)
}

/// Runs `line` (nothing: just a prompt) followed by `echo @@N@@`, typed as `@@(math 0+N)@@` so
/// that only the output matches, and returns what came up to the prompt after that output.
/// fish repaints the line it is leaving when Enter is pressed, so "a prompt came" alone could
/// be that repaint, not the next prompt.
fn enter(pty: &mut Pty, world: &World, line: &str) -> Step {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let typed = if line.is_empty() {
        format!("echo @@(math 0+{n})@@")
    } else {
        format!("{line}; echo @@(math 0+{n})@@")
    };
    let mark = format!("@@{n}@@");
    let mut output = Vec::new();
    let mut next = pty.run(world, &typed);
    loop {
        output.extend_from_slice(&next.output);
        let text = String::from_utf8_lossy(&output);
        if let Some(at) = text.find(&mark) {
            return Step {
                output: text[..at].as_bytes().to_vec(),
                prompt: next.prompt,
            };
        }
        output.extend_from_slice(&next.prompt);
        next = pty.next_prompt(&format!("the prompt after {line:?}"));
    }
}

/// The shell's value of `expr` (printed between `<` and `>`).
fn value(pty: &mut Pty, world: &World, name: &str, expr: &str) -> String {
    let step = enter(pty, world, &format!("echo \"{name}=<{expr}>\""));
    let out = step.out();
    let pat = format!("{name}=<");
    // The echoed command line holds the pattern too; the output is the last.
    let last = out.rsplit(&pat).next().unwrap_or("");
    last.split('>').next().unwrap_or("").to_string()
}

/// The server's pid as the shell knows it, checked to be a live `awesh serve --mailbox`.
fn server_pid(pty: &mut Pty, world: &World) -> u32 {
    let pid = value(pty, world, "pid", "$__awesh_serve_pid");
    let pid: u32 = pid
        .parse()
        .unwrap_or_else(|_| panic!("no server pid: {pid:?}"));
    assert!(is_server(pid), "pid {pid} is not an awesh serve");
    pid
}

/// Polls until the runtime folder is empty.
fn wait_clean(world: &World, what: &str) {
    let start = Instant::now();
    loop {
        let left = run_files(world);
        if left.is_empty() {
            return;
        }
        assert!(start.elapsed() < PTY_TIMEOUT, "{what}: left {left:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The servers' folders in the runtime folder (awesh and fish keep other files there).
fn run_files(world: &World) -> Vec<String> {
    std::fs::read_dir(world.path("run"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("awesh-fish."))
        .collect()
}

/// Runs empty lines until the server has answered a prompt (the first prompts after it starts
/// are answered by `awesh prompt`).
fn until_served(pty: &mut Pty, world: &World) {
    for _ in 0..50 {
        let id = value(pty, world, "id", "$__awesh_serve_id");
        let got = value(pty, world, "got", "$__awesh_serve_misses");
        if id != "0" && got == "0" && !id.is_empty() {
            let before: u32 = id.parse().unwrap();
            enter(pty, world, "");
            let after: u32 = value(pty, world, "id", "$__awesh_serve_id")
                .parse()
                .unwrap();
            if after != before {
                return;
            }
        }
    }
    panic!("the server never answered");
}

#[test]
fn fish_serve_shows_what_plain_shows() {
    if !available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    world.home_kubeconfig("dev", "team");
    world.write(
        "home/other.yaml",
        common::kubeconfig(Some("other"), &[("other", Some("ns2"))]),
    );
    world.write(
        "home/third.yaml",
        common::kubeconfig(Some("third"), &[("third", None)]),
    );
    let (mut plain, first_plain) = start(&world, ".", "--no-serve");
    let (mut serve, first_serve) = start(&world, ".", "");
    assert_eq!(first_plain.shown(), "[awesh]:☸️dev:☸️team");
    assert_eq!(first_serve.shown(), first_plain.shown(), "first prompt");
    until_served(&mut serve, &world);
    let pid = server_pid(&mut serve, &world);
    let id_before: u32 = value(&mut serve, &world, "id", "$__awesh_serve_id")
        .parse()
        .unwrap();

    type Change = fn(&World);
    let steps: &[(&str, Option<Change>, &str)] = &[
        ("cd repo", None, "[awesh]:☸️dev:☸️team:🌿main"),
        (
            "",
            Some(|w| drop(w.git("repo", &["checkout", "-q", "-b", "other"]))),
            "[awesh]:☸️dev:☸️team:🌿other",
        ),
        (
            "",
            Some(|w| w.home_kubeconfig("prod", "payments")),
            "[awesh]:☸️prod:☸️payments:🌿other",
        ),
        ("awesh_off kube", None, "[awesh]:🌿other"),
        ("awesh_off git", None, "[awesh]"),
        ("awesh_on", None, "[awesh]:☸️prod:☸️payments:🌿other"),
        (
            "set -gx KUBECONFIG ~/other.yaml",
            None,
            "[awesh]:☸️other:☸️ns2:🌿other",
        ),
        // A path list: exported joined by colons, the first file's context wins.
        (
            "set -gx --path KUBECONFIG ~/third.yaml ~/other.yaml",
            None,
            "[awesh]:☸️third:🌿other",
        ),
        // Not exported: `awesh prompt` never sees it, so neither may the server.
        (
            "set -e KUBECONFIG; set -g GIT_DIR /nowhere",
            None,
            "[awesh]:☸️prod:☸️payments:🌿other",
        ),
        (
            "set -gx GIT_DIR /nowhere",
            None,
            "[awesh]:☸️prod:☸️payments",
        ),
        (
            "set -e GIT_DIR; cd ../link",
            None,
            "[awesh]:☸️prod:☸️payments:🌿other",
        ),
        // Hostile branch names are shown as text in both modes, never run.
        (
            "",
            Some(|w| drop(w.git("repo", &["checkout", "-q", "-b", "$(id)(id)$x;'y\"z"]))),
            "[awesh]:☸️prod:☸️payments:🌿$(id)(id)$x;'y\"z",
        ),
        (
            "",
            Some(|w| drop(w.git("repo", &["checkout", "-q", "--detach"]))),
            "",
        ),
        ("cd ..", None, "[awesh]:☸️prod:☸️payments"),
        (
            "cd repo; and mkdir gone; and cd gone; and rmdir ../gone",
            None,
            "[awesh]:☸️prod:☸️payments",
        ),
    ];
    std::os::unix::fs::symlink(world.path("repo"), world.path("link")).unwrap();
    for (line, change, want) in steps {
        if let Some(change) = change {
            change(&world);
        }
        let a = enter(&mut plain, &world, line);
        let b = enter(&mut serve, &world, line);
        if !want.is_empty() {
            assert_eq!(a.shown(), *want, "plain after {line:?}");
        }
        assert_eq!(b.shown(), a.shown(), "serve after {line:?}");
        assert!(!b.out().contains("awesh: "), "warned: {}", b.out());
        assert!(!b.out().contains("warning"), "fish warned: {}", b.out());
        assert!(
            !b.prompt().contains("uid="),
            "ran a branch name: {}",
            b.prompt()
        );
    }
    // The same server answered every prompt (its request number moved on each time).
    assert_eq!(server_pid(&mut serve, &world), pid);
    let id_after: u32 = value(&mut serve, &world, "id", "$__awesh_serve_id")
        .parse()
        .unwrap();
    let asked = (id_after + 99 - id_before) % 99;
    assert!(asked as usize >= steps.len(), "asked {asked} times");
    assert_eq!(value(&mut serve, &world, "m", "$__awesh_serve_misses"), "0");

    serve.type_text(&world, "exit\n");
    wait_gone(pid, "after exit");
    plain.type_text(&world, "exit\n");
    wait_clean(&world, "after exit");
}

/// strace on fish over 30 prompts: no process created (no fork, vfork or clone other than a
/// thread's). One `/bin/true` at the end shows the count would see one.
#[test]
fn fish_serve_starts_no_process_per_prompt() {
    if !available() || !have("strace") {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    world.home_kubeconfig("dev", "team");
    let (mut pty, _) = start(&world, "repo", "");
    until_served(&mut pty, &world);
    let fish = value(&mut pty, &world, "fish", "$fish_pid");
    let trace = world.path("trace.txt");
    // strace's own messages go to a file: it writes one for each thread fish starts, and a
    // closed pipe would end it at the first.
    let log = world.path("strace.log");
    let mut strace = Command::new("strace")
        .args(["-f", "-e", "trace=process", "-o"])
        .arg(&trace)
        .args(["-p", &fish])
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !std::fs::read_to_string(&log).unwrap().contains("attached") {
        assert!(start.elapsed() < PTY_TIMEOUT, "strace never attached");
        std::thread::sleep(Duration::from_millis(10));
    }
    for i in 0..30 {
        let step = enter(&mut pty, &world, "");
        assert_eq!(step.shown(), "[awesh]:☸️dev:☸️team:🌿main", "prompt {i}");
    }
    enter(&mut pty, &world, "/bin/true");
    signal(strace.id(), "-INT");
    strace.wait().unwrap();
    let text = std::fs::read_to_string(&trace).unwrap();
    let forks = text
        .lines()
        .filter(|l| {
            (l.contains("clone(") || l.contains("clone3(") || l.contains("fork("))
                && !l.contains("CLONE_THREAD")
                && !l.contains("resumed>")
        })
        .count();
    // (fish polls its children with `wait4`: those lines are left out of the message.)
    let calls: Vec<&str> = text.lines().filter(|l| !l.contains("wait4(")).collect();
    assert_eq!(
        forks,
        1,
        "only /bin/true may start a process:\n{}",
        calls.join("\n")
    );
}

/// kill -9 of the server: the next prompt is right (`awesh prompt` answers it) and a new server
/// answers later ones. A stopped server: every prompt still right and shown (each falls back
/// after a bounded wait); after three it is killed and replaced.
#[test]
fn fish_replaces_a_dead_or_stuck_server() {
    if !available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let (mut pty, _) = start(&world, "repo", "");
    until_served(&mut pty, &world);
    let old = server_pid(&mut pty, &world);

    signal(old, "-KILL");
    wait_gone(old, "kill -9");
    world.git("repo", &["checkout", "-q", "-b", "after-kill"]);
    let step = enter(&mut pty, &world, "");
    assert_eq!(step.shown(), "[awesh]:🌿after-kill", "after kill -9");
    until_served(&mut pty, &world);
    let new = server_pid(&mut pty, &world);
    assert_ne!(new, old);

    signal(new, "-STOP");
    for (i, branch) in ["stop-1", "stop-2", "stop-3"].iter().enumerate() {
        world.git("repo", &["checkout", "-q", "-b", branch]);
        let step = enter(&mut pty, &world, "");
        assert_eq!(
            step.shown(),
            format!("[awesh]:🌿{branch}"),
            "stopped, prompt {i}"
        );
        assert!(!step.out().contains("warning"), "{}", step.out());
    }
    wait_gone(new, "the stopped server");
    world.git("repo", &["checkout", "-q", "main"]);
    assert_eq!(enter(&mut pty, &world, "").shown(), "[awesh]:🌿main");
    until_served(&mut pty, &world);
    let newer = server_pid(&mut pty, &world);
    assert!(newer != new && newer != old);
    assert_eq!(enter(&mut pty, &world, "").shown(), "[awesh]:🌿main");
    // The killed servers' folders were removed by the shell; the live one's goes at exit.
    assert_eq!(run_files(&world).len(), 1, "{:?}", run_files(&world));
    pty.type_text(&world, "exit\n");
    wait_gone(newer, "after exit");
    wait_clean(&world, "after exit");
}

/// `exec fish` stops the old shell's server; re-sourcing the same init keeps the server,
/// another awesh's (another version) replaces it; nothing is left after exit.
#[test]
fn fish_exec_and_reinit_stop_the_old_server() {
    if !available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let (mut pty, _) = start(&world, "repo", "");
    until_served(&mut pty, &world);
    let first = server_pid(&mut pty, &world);

    enter(&mut pty, &world, "source ~/awesh.fish");
    until_served(&mut pty, &world);
    assert_eq!(
        server_pid(&mut pty, &world),
        first,
        "same init: same server"
    );

    // As if another awesh's init were sourced: its version differs from the running server's.
    enter(&mut pty, &world, "set -g __awesh_serve_ver old/p0");
    wait_gone(first, "a server of another version");
    until_served(&mut pty, &world);
    let second = server_pid(&mut pty, &world);
    assert_ne!(second, first);

    pty.type_text(
        &world,
        "exec fish --no-config -i -C 'source ~/awesh.fish'\n",
    );
    wait_gone(second, "after exec fish");
    let step = pty.next_prompt("the prompt of the new fish");
    assert_eq!(step.shown(), "[awesh]:🌿main");
    until_served(&mut pty, &world);
    let third = server_pid(&mut pty, &world);
    assert!(third != second && third != first);
    pty.type_text(&world, "exit\n");
    wait_gone(third, "after exit");
    wait_clean(&world, "after exit");
}
