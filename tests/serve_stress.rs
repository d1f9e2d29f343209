//! A seeded differential stress test of `awesh serve`: between prompts a small PRNG edits, adds,
//! deletes and renames files, stages, commits, checks out, stashes, rebases, fetches, and
//! rewrites kubeconfigs, in bursts and with short pauses (around the one-second timestamps the
//! racy checks look at), and every answer the server gives must be byte for byte what
//! `awesh prompt` (the `--no-serve` path) prints at that moment, whose status in turn must agree with
//! `git status --porcelain=v2` (exact counts equal, lower bounds below, unknown allowed).
//!
//! CI runs a short form; `AWESH_STRESS_PROMPTS=5000 AWESH_STRESS_SEED=7 cargo test --release
//! --test serve_stress -- --nocapture` is the long run.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::time::Duration;

use common::rng::Rng;
use common::status::{expected_markers, git_counts, COUNTED};
use common::{stdout, World};

/// The files the edits choose from: a fixed pool, so the tree stays small.
const FILES: &[&str] = &[
    "a.txt",
    "b.txt",
    "c.txt",
    "d/e.txt",
    "d/f.txt",
    "d/g/h.txt",
    "i j.txt",
    "k.md",
];
const BRANCHES: &[&str] = &["main", "topic", "other"];
const CONTEXTS: &[&str] = &["dev", "prod", "kind-kind"];

struct Served {
    child: Child,
    input: ChildStdin,
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
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Served {
            input: child.stdin.take().unwrap(),
            output: BufReader::new(child.stdout.take().unwrap()),
            child,
            id: 0,
        }
    }

    fn ask(&mut self, dir: &Path, shell: &str, vars: &[(&str, String)]) -> String {
        self.id += 1;
        let id = self.id.to_string();
        let cwd = dir.display().to_string();
        let mut fields: Vec<(&str, &[u8])> = vec![
            ("id", id.as_bytes()),
            ("cwd", cwd.as_bytes()),
            ("shell", shell.as_bytes()),
        ];
        for (k, v) in vars {
            fields.push((k, v.as_bytes()));
        }
        self.input
            .write_all(&awesh::serve::protocol::encode(&fields))
            .unwrap();
        self.input.flush().unwrap();
        let mut reply = Vec::new();
        self.output.read_until(0x1e, &mut reply).unwrap();
        let reply = String::from_utf8(reply).unwrap();
        let start = format!("{id}:");
        assert!(
            reply.starts_with(&start) && reply.ends_with('\x1e'),
            "{reply:?}"
        );
        reply[start.len()..reply.len() - 1].to_string()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs git in the repository, whatever it answers (a rebase may stop, a pop may conflict).
fn git(world: &World, args: &[&str]) {
    let _ = world
        .command("git")
        .args(args)
        .current_dir(world.path("repo"))
        .output()
        .unwrap();
}

fn kubeconfig(world: &World, rng: &mut Rng) {
    let current = rng.pick(CONTEXTS);
    let ns = rng.pick(&["default", "team", "payments"]);
    let contexts: Vec<(&str, Option<&str>)> = CONTEXTS
        .iter()
        .map(|c| (*c, Some(if *c == current { ns } else { "x" })))
        .collect();
    world.write(
        "home/.kube/config",
        common::kubeconfig(Some(current), &contexts),
    );
}

/// One change to the world, chosen by `rng`.
fn change(world: &World, rng: &mut Rng, log: &mut Vec<String>) {
    let file = rng.pick(FILES);
    let path = world.path("repo").join(file);
    let op = rng.below(20);
    log.push(format!("{op} {file}"));
    match op {
        0..=3 => {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let text = "x".repeat(rng.below(40) as usize);
            std::fs::write(&path, text).unwrap();
        }
        4 => {
            let _ = std::fs::remove_file(&path);
        }
        5 => {
            let to = world.path("repo").join(rng.pick(FILES));
            let _ = std::fs::create_dir_all(to.parent().unwrap());
            let _ = std::fs::rename(&path, &to);
        }
        6 | 7 => git(world, &["add", "-A", "--", file]),
        8 => git(world, &["commit", "-qam", "c"]),
        9 => git(world, &["checkout", "-q", rng.pick(BRANCHES)]),
        10 => git(world, &["checkout", "-q", "-B", rng.pick(BRANCHES)]),
        11 => git(world, &["stash", "-q", "-u"]),
        12 => git(world, &["stash", "pop", "-q"]),
        13 => {
            if world.path("repo/.git/rebase-merge").exists()
                || world.path("repo/.git/rebase-apply").exists()
            {
                git(world, &["rebase", "--abort"]);
            } else if world.path("repo/.git/MERGE_HEAD").exists() {
                git(world, &["merge", "--abort"]);
            } else {
                git(world, &["rebase", "-q", rng.pick(BRANCHES)]);
            }
        }
        14 => {
            git(world, &["push", "-q", "origin", "HEAD:main"]);
            git(world, &["fetch", "-q"]);
        }
        15 => kubeconfig(world, rng),
        // In place (no file made or removed): what a server refreshes instead of recomputing.
        16 => {
            if let Ok(mut f) = std::fs::OpenOptions::new().append(true).open(&path) {
                let _ = std::io::Write::write_all(&mut f, b"more\n");
            }
        }
        17 => {
            // The same size, other bytes: only the content (or the stat times) can tell.
            if let Ok(mut bytes) = std::fs::read(&path) {
                for b in &mut bytes {
                    *b = if *b == b'x' { b'y' } else { b'x' };
                }
                if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&path) {
                    let _ = std::io::Write::write_all(&mut f, &bytes);
                }
            }
        }
        18 => {
            use std::os::unix::fs::PermissionsExt;
            if let Ok(meta) = std::fs::metadata(&path) {
                let mode = meta.permissions().mode() ^ 0o100;
                let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode));
            }
        }
        _ => {
            if let Ok(f) = std::fs::OpenOptions::new().append(true).open(&path) {
                let _ = f.set_modified(std::time::SystemTime::now());
            }
        }
    }
}

#[test]
fn served_prompts_equal_plain_ones_and_gits_status() {
    let prompts: u64 = std::env::var("AWESH_STRESS_PROMPTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120);
    let seed: u64 = std::env::var("AWESH_STRESS_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed);
    let world = World::new();
    world.config(&format!("{COUNTED}timeout_ms = 10000\n"));
    world.repo("origin", "main");
    world.git(".", &["clone", "-q", "origin", "repo"]);
    world.git("repo", &["branch", "topic"]);
    world.git("repo", &["branch", "other"]);
    world.git("repo", &["branch", "--set-upstream-to=origin/main", "main"]);
    world.write("repo/.gitignore", "*.log\n");
    let mut rng = Rng(seed | 1);
    kubeconfig(&world, &mut rng);
    let mut served = Served::start(&world);
    let repo = world.path("repo");
    let vars = vec![
        ("HOME", world.home().display().to_string()),
        ("XDG_CACHE_HOME", world.path("cache").display().to_string()),
        (
            "XDG_CONFIG_HOME",
            world.path("config").display().to_string(),
        ),
        ("AWESH_TIMEOUT_MS", "20000".to_string()),
    ];
    let mut log = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..prompts {
        // A burst of changes between two prompts, sometimes none.
        for _ in 0..rng.below(4) {
            change(&world, &mut rng, &mut log);
        }
        // Now and then a pause, so some files are older than the index and some are not.
        if rng.below(8) == 0 {
            std::thread::sleep(Duration::from_millis(rng.below(90)));
        }
        let shell = rng.pick(&["plain", "bash", "zsh"]);
        let got = served.ask(&repo, shell, &vars);
        // `awesh prompt` is the plain path (`init --no-serve` runs it once per prompt).
        let plain = {
            let mut cmd = world.awesh();
            cmd.args(["prompt", "--shell", shell]).current_dir(&repo);
            stdout(cmd)
        };
        let tail: Vec<&String> = log.iter().rev().take(6).collect();
        assert_eq!(
            got, plain,
            "prompt {i} (seed {seed}), {shell}, after {tail:?}"
        );
        seen.insert(plain.clone());
        if shell == "plain" {
            let mut explain = world.awesh();
            explain.args(["explain", "--json"]).current_dir(&repo);
            let json: serde_json::Value = serde_json::from_str(&stdout(explain)).unwrap();
            let status = &json["git"]["status"];
            if status.is_object() && status.get("none").is_none() {
                let truth = git_counts(&world, "repo");
                let want = expected_markers(status, &truth, &format!("prompt {i} after {tail:?}"));
                if want.is_empty() {
                    assert!(
                        !plain.contains(" ["),
                        "prompt {i}: {plain} but git is clean"
                    );
                } else {
                    assert!(
                        plain.contains(&format!(" [{want}]")),
                        "prompt {i}: {plain}, want [{want}] ({truth:?}) after {tail:?}"
                    );
                }
            }
        }
    }
    // The run went through many states (branches, contexts, operations, status markers), not
    // one prompt over and over.
    eprintln!("{} distinct prompts in {prompts}", seen.len());
    assert!(seen.len() as u64 >= prompts.min(60) / 4, "{seen:#?}");
}

/// A submodule whose `.git` file names a git directory outside the repository: a commit made
/// in it changes the parent's status without a change anywhere the server watches, so the
/// server must not keep that status (it recomputes, and says why in `explain`).
#[test]
fn a_submodule_with_its_git_directory_elsewhere_is_followed() {
    let world = World::new();
    world.config(&format!("{COUNTED}timeout_ms = 10000\n"));
    world.repo("subsrc", "main");
    world.repo("repo", "main");
    world.git(
        "repo",
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            "../subsrc",
            "sub",
        ],
    );
    world.git("repo", &["commit", "-qm", "sub"]);
    // Its git directory moved out of the repository, as `git submodule absorbgitdirs` never
    // would but a user can.
    let elsewhere = world.path("elsewhere");
    std::fs::rename(world.path("repo/.git/modules/sub"), &elsewhere).unwrap();
    world.write(
        "repo/sub/.git",
        format!("gitdir: {}\n", elsewhere.display()),
    );
    let config = elsewhere.join("config").display().to_string();
    let top = world.path("repo/sub").display().to_string();
    world.git(".", &["config", "--file", &config, "core.worktree", &top]);
    let mut served = Served::start(&world);
    let repo = world.path("repo");
    let vars = vec![
        ("HOME", world.home().display().to_string()),
        ("XDG_CACHE_HOME", world.path("cache").display().to_string()),
        (
            "XDG_CONFIG_HOME",
            world.path("config").display().to_string(),
        ),
        ("AWESH_TIMEOUT_MS", "20000".to_string()),
    ];
    let plain = || {
        let mut cmd = world.awesh();
        cmd.args(["prompt", "--shell", "plain"]).current_dir(&repo);
        stdout(cmd)
    };
    let before = served.ask(&repo, "plain", &vars);
    assert_eq!(before, plain());
    assert!(!before.contains(" ["), "clean, as git says: {before}");
    assert_eq!(served.ask(&repo, "plain", &vars), before);
    // A new commit checked out inside: only the outside git directory changes.
    world.git(
        "repo/sub",
        &["commit", "-q", "--allow-empty", "-m", "inside"],
    );
    let after = served.ask(&repo, "plain", &vars);
    assert_eq!(after, plain());
    assert!(after.contains(" [*1]"), "the submodule is changed: {after}");
}
