//! Issue #7: `awesh serve` driven directly over its pipes. Every answer must be byte for byte
//! what `awesh prompt --shell X` prints for the same directory, variables and toggles, at that
//! moment: after checkouts, kubeconfig and config edits, with the server's memos both empty and
//! warm. It exits when its input closes or its parent is gone, and 100k requests leave its
//! memory flat.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::time::{Duration, Instant};

use common::{stdout, World};

/// A running `awesh serve` in a world's scrubbed environment.
struct Served {
    child: Child,
    input: Option<ChildStdin>,
    output: BufReader<ChildStdout>,
    id: u64,
}

impl Served {
    fn start(world: &World) -> Served {
        let mut child = world
            .awesh()
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Served {
            input: child.stdin.take(),
            output: BufReader::new(child.stdout.take().unwrap()),
            child,
            id: 0,
        }
    }

    /// Asks for the segment in `dir` with `fields` (besides `id` and `cwd`) and the world's
    /// variables, as the shell hook sends them; returns the segment.
    fn ask(&mut self, world: &World, dir: &Path, fields: &[(&str, &str)]) -> String {
        self.id += 1;
        let input = self.input.as_mut().unwrap();
        input
            .write_all(&request(world, self.id, dir, fields))
            .unwrap();
        input.flush().unwrap();
        let mut reply = Vec::new();
        self.output.read_until(0x1e, &mut reply).unwrap();
        let reply = String::from_utf8(reply).unwrap();
        let want_start = format!("{}:", self.id);
        assert!(
            reply.starts_with(&want_start) && reply.ends_with('\x1e'),
            "{reply:?}"
        );
        reply[want_start.len()..reply.len() - 1].to_string()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The variables [`World::awesh`] gives `awesh prompt`, as request fields.
fn world_vars(world: &World) -> Vec<(String, String)> {
    vec![
        ("HOME".into(), world.home().display().to_string()),
        (
            "XDG_CACHE_HOME".into(),
            world.path("cache").display().to_string(),
        ),
        (
            "XDG_CONFIG_HOME".into(),
            world.path("config").display().to_string(),
        ),
        ("AWESH_TIMEOUT_MS".into(), "20000".into()),
    ]
}

fn request(world: &World, id: u64, dir: &Path, fields: &[(&str, &str)]) -> Vec<u8> {
    let id = id.to_string();
    let cwd = dir.display().to_string();
    let vars = world_vars(world);
    let mut all: Vec<(&str, &[u8])> = vec![("id", id.as_bytes()), ("cwd", cwd.as_bytes())];
    for (k, v) in &vars {
        if !fields.iter().any(|(name, _)| name == k) {
            all.push((k, v.as_bytes()));
        }
    }
    all.extend(fields.iter().map(|(k, v)| (*k, v.as_bytes())));
    awesh::serve::protocol::encode(&all)
}

/// What `awesh prompt` prints in `dir` with the same fields: variables set, `shell=` and the
/// toggles turned into options.
fn prompt(world: &World, dir: &Path, fields: &[(&str, &str)]) -> String {
    let mut cmd = world.awesh();
    cmd.arg("prompt").current_dir(dir);
    for (k, v) in fields {
        match *k {
            "shell" => {
                cmd.args(["--shell", v]);
            }
            "no-git" => {
                cmd.arg("--no-git");
            }
            "no-kube" => {
                cmd.arg("--no-kube");
            }
            "off" => {
                cmd.arg(format!("--off={v}"));
            }
            _ => {
                cmd.env(k, v);
            }
        }
    }
    stdout(cmd)
}

/// Asks the server and `awesh prompt` the same question in every shell; they must agree.
#[track_caller]
fn same(served: &mut Served, world: &World, dir: &Path, fields: &[(&str, &str)]) -> String {
    let mut plain = String::new();
    for shell in ["plain", "bash", "zsh"] {
        let mut with_shell = fields.to_vec();
        with_shell.push(("shell", shell));
        let want = prompt(world, dir, &with_shell);
        let got = served.ask(world, dir, &with_shell);
        assert_eq!(got, want, "{shell} in {} with {fields:?}", dir.display());
        if shell == "plain" {
            plain = got;
        }
    }
    plain
}

/// A kubeconfig with a hostile context name (ESC, `%`, `$(...)`) and a namespace.
fn hostile_kubeconfig() -> String {
    "current-context: \"%F{red}$(id)\\e[31m\"\ncontexts:\n- name: \"%F{red}$(id)\\e[31m\"\n  context: {namespace: \"ns%%\"}\n".into()
}

#[test]
fn answers_are_those_of_awesh_prompt() {
    let world = World::new();
    world.repo("repo", "main");
    world.kube(Some("dev"), &[("dev", Some("team")), ("prod", None)]);
    world.write("plain/dir/file", "x");
    std::os::unix::fs::symlink(world.path("repo"), world.path("link")).unwrap();
    let mut served = Served::start(&world);

    let repo = world.path("repo");
    assert_eq!(
        same(&mut served, &world, &repo, &[]),
        ":☸️dev:☸️team:🌿main"
    );
    assert_eq!(
        same(&mut served, &world, &world.path("plain/dir"), &[]),
        ":☸️dev:☸️team"
    );
    same(&mut served, &world, &repo, &[("no-git", "1")]);
    same(&mut served, &world, &repo, &[("no-kube", "1")]);
    same(
        &mut served,
        &world,
        &repo,
        &[("no-git", "1"), ("no-kube", "1")],
    );
    assert_eq!(
        same(&mut served, &world, &repo, &[("off", "git")]),
        ":☸️dev:☸️team"
    );
    assert_eq!(
        same(&mut served, &world, &repo, &[("off", "kube")]),
        ":🌿main"
    );
    assert_eq!(same(&mut served, &world, &repo, &[("off", "kube,git")]), "");
    // A symlinked directory: `awesh prompt` sees the physical one through getcwd.
    assert_eq!(
        same(&mut served, &world, &world.path("link"), &[]),
        ":☸️dev:☸️team:🌿main"
    );

    // Detached HEAD, then a merge stopped on a conflict.
    world.commit("repo", "second");
    world.git("repo", &["checkout", "-q", "--detach", "HEAD~1"]);
    assert!(same(&mut served, &world, &repo, &[]).contains("🌿("));
    world.git("repo", &["checkout", "-q", "-b", "a"]);
    std::fs::write(repo.join("c.txt"), "a").unwrap();
    world.git("repo", &["add", "."]);
    world.git("repo", &["commit", "-qm", "a"]);
    world.git("repo", &["checkout", "-q", "main"]);
    std::fs::write(repo.join("c.txt"), "main").unwrap();
    world.git("repo", &["add", "."]);
    world.git("repo", &["commit", "-qm", "m"]);
    let merge = world
        .command("git")
        .args(["merge", "-q", "a"])
        .current_dir(&repo)
        .output();
    assert!(
        !merge.unwrap().status.success(),
        "the merge should stop on a conflict"
    );
    assert!(same(&mut served, &world, &repo, &[]).ends_with("|MERGING"));
    world.git("repo", &["merge", "--abort"]);

    // Hostile names, in every shell's escaping.
    world.git("repo", &["checkout", "-q", "-b", "$(touch${IFS}pwned)%x"]);
    let hostile = world.write("hostile.yaml", hostile_kubeconfig());
    let hostile = hostile.display().to_string();
    let got = same(&mut served, &world, &repo, &[("KUBECONFIG", &hostile)]);
    assert!(
        got.contains("^[[31m") && got.contains("$(touch${IFS}pwned)%x"),
        "{got}"
    );

    // Variables: a relative KUBECONFIG list, GIT_DIR, ceilings, a config named by AWESH_CONFIG.
    let list = format!("nowhere.yaml:{hostile}");
    same(&mut served, &world, &repo, &[("KUBECONFIG", &list)]);
    same(
        &mut served,
        &world,
        &world.path("plain"),
        &[("GIT_DIR", "../repo/.git")],
    );
    let ceiling = world.root().display().to_string();
    same(
        &mut served,
        &world,
        &repo,
        &[("GIT_CEILING_DIRECTORIES", &ceiling)],
    );
    world.write(
        "styles.toml",
        "[context]\nstyle = \"bold red\"\n[branch]\nstyle = \"green\"\n",
    );
    let styles = world.path("styles.toml").display().to_string();
    same(&mut served, &world, &repo, &[("AWESH_CONFIG", &styles)]);
    let got = served.ask(
        &world,
        &repo,
        &[("AWESH_CONFIG", &styles), ("shell", "bash")],
    );
    assert!(got.contains("\x1b[1;31m"), "{got:?}");
    // An empty HOME and no kubeconfig at all: nothing to show outside a repository.
    same(
        &mut served,
        &world,
        &world.path("plain"),
        &[("HOME", ""), ("KUBECONFIG", "")],
    );
}

#[test]
fn answers_follow_checkouts_and_edits_with_warm_memos() {
    let world = World::new();
    world.repo("repo", "main");
    world.kube(
        Some("dev"),
        &[("dev", Some("team")), ("prod", Some("payments"))],
    );
    world.config("[context]\nsymbol = \"k:\"\n");
    let repo = world.path("repo");
    let mut served = Served::start(&world);
    // Just written, so nothing is kept yet: a same-size rewrite right away is still seen.
    assert_eq!(
        same(&mut served, &world, &repo, &[]),
        ":k:dev:☸️team:🌿main"
    );
    world.kube(
        Some("dev"),
        &[("dev", Some("tea2")), ("prod", Some("payments"))],
    );
    world.config("[context]\nsymbol = \"q:\"\n");
    assert_eq!(
        same(&mut served, &world, &repo, &[]),
        ":q:dev:☸️tea2:🌿main"
    );

    // Past the racy window, the answers are kept; they must still follow every change. (A
    // file's change time cannot be set back: these two requests move the clock forward past
    // the window instead of sleeping; the changes below are judged by the real clock.)
    let window = awesh::segment::kube::cache::RACY_WINDOW + Duration::from_millis(200);
    let later = window.as_millis().to_string();
    let settled = [(awesh::env::CLOCK_OFFSET, later.as_str())];
    assert_eq!(
        same(&mut served, &world, &repo, &settled),
        ":q:dev:☸️tea2:🌿main"
    );
    assert_eq!(
        same(&mut served, &world, &repo, &settled),
        ":q:dev:☸️tea2:🌿main"
    );
    world.git("repo", &["checkout", "-q", "-b", "topic"]);
    assert_eq!(
        same(&mut served, &world, &repo, &[]),
        ":q:dev:☸️tea2:🌿topic"
    );
    let use_context = world.write(
        "home/.kube/config",
        common::kubeconfig(
            Some("prod"),
            &[("dev", Some("tea2")), ("prod", Some("payments"))],
        ),
    );
    assert!(use_context.exists());
    assert_eq!(
        same(&mut served, &world, &repo, &[]),
        ":q:prod:☸️payments:🌿topic"
    );
    world.config("[context]\nsymbol = \"z:\"\n");
    assert_eq!(
        same(&mut served, &world, &repo, &[]),
        ":z:prod:☸️payments:🌿topic"
    );
    std::fs::remove_file(world.path("config/awesh/config.toml")).unwrap();
    std::fs::remove_file(world.path("home/.kube/config")).unwrap();
    assert_eq!(same(&mut served, &world, &repo, &[]), ":🌿topic");
}

#[test]
fn exits_when_its_input_closes() {
    let world = World::new();
    let mut served = Served::start(&world);
    assert_eq!(served.ask(&world, world.root(), &[]), "");
    drop(served.input.take());
    let status = wait(&mut served.child);
    assert!(status.success(), "{status:?}");
    let mut rest = Vec::new();
    std::io::Read::read_to_end(&mut served.output, &mut rest).unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(served.child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(
        rest.is_empty() && err.is_empty(),
        "wrote {rest:?} and {err:?}"
    );
}

#[test]
fn exits_when_its_parent_is_gone() {
    let world = World::new();
    // The parent shell starts the server and exits at once; the server's input stays open
    // (this test holds it), so only the parent's going can end it.
    let script = format!(
        "{} serve & echo $!",
        common::sh_quote(common::awesh_bin().to_str().unwrap())
    );
    let mut parent = world
        .command("sh")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(parent.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let pid: u32 = line.trim().parse().unwrap();
    parent.wait().unwrap();
    let start = Instant::now();
    while Path::new(&format!("/proc/{pid}")).exists() && !is_zombie(pid) {
        assert!(
            start.elapsed() < common::PTY_TIMEOUT,
            "awesh serve {pid} outlived its parent"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(parent.stdin.take());
}

fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(true)
}

fn wait(child: &mut Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            start.elapsed() < common::PTY_TIMEOUT,
            "awesh serve did not exit"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn vm_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// 100k requests of three kinds (a repository with a kubeconfig, a plain folder, toggles),
/// written by one thread while this one reads the answers: the resident set after them is
/// what it was after the first 5k.
#[test]
fn memory_stays_flat_over_100k_requests() {
    const TOTAL: u64 = 100_000;
    const WARM: u64 = 5_000;
    let world = World::new();
    world.repo("repo", "main");
    world.kube(Some("dev"), &[("dev", Some("team"))]);
    let mut served = Served::start(&world);
    let pid = served.child.id();
    let kinds = [
        request(&world, 0, &world.path("repo"), &[("shell", "bash")]),
        request(&world, 0, &world.path("home"), &[("shell", "zsh")]),
        request(&world, 0, &world.path("repo"), &[("no-kube", "1")]),
    ];
    // The ids are all 0: the replies are checked for their content instead.
    let mut input = served.input.take().unwrap();
    let writer = std::thread::spawn(move || {
        for i in 0..TOTAL {
            input.write_all(&kinds[(i % 3) as usize]).unwrap();
        }
        input
    });
    let wants = [":☸️dev:☸️team:🌿main", ":☸️dev:☸️team", ":🌿main"];
    let mut reply = Vec::new();
    let mut warm_rss = 0;
    for i in 0..TOTAL {
        reply.clear();
        served.output.read_until(0x1e, &mut reply).unwrap();
        let body = std::str::from_utf8(&reply[2..reply.len() - 1]).unwrap();
        assert_eq!(body, wants[(i % 3) as usize], "request {i}");
        if i + 1 == WARM {
            warm_rss = vm_rss_kib(pid);
        }
    }
    let end_rss = vm_rss_kib(pid);
    served.input = Some(writer.join().unwrap());
    assert!(
        end_rss <= warm_rss + 256,
        "VmRSS grew from {warm_rss} KiB after {WARM} requests to {end_rss} KiB after {TOTAL}"
    );
}

/// A `short=1` client (the shell hooks) gets `ID=` while the segment is unchanged, and the
/// whole segment again as soon as it changes; other clients always get it whole.
#[test]
fn short_clients_get_unchanged_replies() {
    let world = World::new();
    world.repo("repo", "main");
    let repo = world.path("repo");
    let mut served = Served::start(&world);
    let mut raw = |fields: &[(&str, &str)]| -> String {
        served.id += 1;
        let input = served.input.as_mut().unwrap();
        input
            .write_all(&request(&world, served.id, &repo, fields))
            .unwrap();
        input.flush().unwrap();
        let mut reply = Vec::new();
        served.output.read_until(0x1e, &mut reply).unwrap();
        String::from_utf8(reply).unwrap()
    };
    assert_eq!(raw(&[("short", "1")]), "1::🌿main\x1e");
    assert_eq!(raw(&[("short", "1")]), "2=\x1e");
    assert_eq!(raw(&[]), "3::🌿main\x1e");
    assert_eq!(raw(&[("short", "1")]), "4=\x1e");
    world.git("repo", &["checkout", "-q", "-b", "next"]);
    assert_eq!(raw(&[("short", "1")]), "5::🌿next\x1e");
    assert_eq!(raw(&[("short", "1"), ("no-git", "1")]), "6:\x1e");
    assert_eq!(raw(&[("short", "1")]), "7::🌿next\x1e");
}

/// A request stuck past its deadline ends the server without a word: the shell sees the end
/// of the pipe at once, and falls back. On a machine with only local filesystems nothing can
/// block any more (FIFOs are refused, files opened non-blocking), so the stuck request here
/// is a slow one: a cache miss on a 10 MB flow-style kubeconfig, which cannot be cut to its
/// needed sections and takes about 0.4 s to parse even in a release build.
#[test]
fn a_request_past_its_deadline_ends_the_server() {
    let world = World::new();
    world.repo("repo", "main");
    let contexts: Vec<String> = (0..130_000)
        .map(|i| format!("{{name: c{i}, context: {{cluster: k{i}, user: u{i}, namespace: n{i}}}}}"))
        .collect();
    world.write(
        "home/.kube/config",
        format!(
            "{{apiVersion: v1, current-context: c1, contexts: [{}]}}\n",
            contexts.join(", ")
        ),
    );
    let mut served = Served::start(&world);
    let fields = [("AWESH_TIMEOUT_MS", "100")];
    let input = served.input.as_mut().unwrap();
    input
        .write_all(&request(&world, 1, &world.path("repo"), &fields))
        .unwrap();
    input.flush().unwrap();
    let mut reply = Vec::new();
    served.output.read_until(0x1e, &mut reply).unwrap();
    assert!(reply.is_empty(), "{reply:?}");
    assert!(wait(&mut served.child).success());
    // The end came from the deadline, not from a refused request: with the same inputs and
    // deadline, explain says the kube segment timed out (no clock read here: the binary
    // judges its own deadline).
    let mut explain = world.awesh();
    explain
        .args(["explain", "--json", "--timeout-ms", "100"])
        .current_dir(world.path("repo"));
    let json: serde_json::Value = serde_json::from_str(&common::stdout(explain)).unwrap();
    let kube = &json["segments"]["kube"];
    assert_eq!(kube["status"], "timed-out", "{kube}");
    assert_eq!(json["kube"], serde_json::Value::Null, "{json}");
}

/// Issue 13, case 7: a 500 MB request line with no NUL in it no longer grows the server: the
/// request is read and dropped as it comes, refused with an empty segment, and the next
/// request is answered as usual.
#[test]
fn issue_13_an_endless_request_is_refused_and_serving_goes_on() {
    let world = World::new();
    world.kube(Some("dev"), &[("dev", Some("team"))]);
    let mut served = Served::start(&world);
    let pid = served.child.id();
    assert_eq!(
        served.ask(&world, &world.path("home"), &[]),
        ":☸️dev:☸️team"
    );
    let before = vm_rss_kib(pid);
    let mut input = served.input.take().unwrap();
    let writer = std::thread::spawn(move || {
        input.write_all(b"id=77\0HOME=").unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..500 {
            input.write_all(&chunk).unwrap();
        }
        input.write_all(b"\0\0").unwrap();
        input
    });
    let mut reply = Vec::new();
    served.output.read_until(0x1e, &mut reply).unwrap();
    assert_eq!(reply, b"77:\x1e", "{:?}", String::from_utf8_lossy(&reply));
    let after = vm_rss_kib(pid);
    served.input = Some(writer.join().unwrap());
    assert!(
        after < before + 8 * 1024,
        "VmRSS grew from {before} KiB to {after} KiB reading a 500 MB request"
    );
    assert_eq!(
        served.ask(&world, &world.path("home"), &[]),
        ":☸️dev:☸️team"
    );
}
