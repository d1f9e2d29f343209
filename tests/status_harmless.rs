//! The working-tree status never harms the repository: under `strace -f`, an `awesh prompt`
//! (and an `awesh serve` answering) with the status on starts no process, opens nothing under
//! `.git` for writing, takes no `index.lock`, and leaves every file under `.git` byte for byte
//! and mtime for mtime as it was, in a repository with changes of every kind (and a clean filter
//! configured, which git would run and awesh must not).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use common::{have, World};

/// Every file under `dir` with its bytes and mtime.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                let bytes = std::fs::read(entry.path()).unwrap_or_default();
                out.insert(entry.path(), (bytes, meta.modified().unwrap()));
            }
        }
    }
    out
}

/// A repository with something in every class, and a clean filter that would leave a mark
/// if anything ran it.
fn busy_repo(world: &World) {
    world.config(
        "[status]\nenabled = true\nformat = ' {conflicted}{unstaged}{staged}{untracked}{stash}{ahead}{behind}{unknown}'\n",
    );
    world.repo("origin", "main");
    world.git(".", &["clone", "-q", "origin", "repo"]);
    let marker = world.path("filter-ran");
    world.git(
        "repo",
        &[
            "config",
            "filter.mark.clean",
            &format!("touch {} && cat", marker.display()),
        ],
    );
    world.write("repo/.gitattributes", "*.dat filter=mark\n");
    world.write("repo/x.dat", "data");
    world.git("repo", &["add", "."]);
    world.git("repo", &["commit", "-qm", "attrs"]);
    world.commit("repo", "ahead");
    world.write("repo/stashed.txt", "s");
    world.git("repo", &["add", "stashed.txt"]);
    world.git("repo", &["stash", "-q"]);
    world.write("repo/staged.txt", "staged");
    world.git("repo", &["add", "staged.txt"]);
    world.write("repo/first.txt", "edited, longer than before");
    world.write("repo/x.dat", "data, edited");
    world.write("repo/new/untracked.txt", "u");
    std::fs::remove_file(world.path("filter-ran")).ok();
}

/// Runs `cmd` under `strace -f` and returns the trace.
fn traced(world: &World, args: &[&str], input: Option<&[u8]>) -> String {
    let log = world.path("strace.log");
    let mut cmd = world.command("strace");
    cmd.args([
        "-f",
        "-qq",
        "-e",
        "trace=execve,clone,clone3,fork,vfork,openat,open,rename,unlink,link,mkdir",
    ])
    .arg("-o")
    .arg(&log)
    .arg(env!("CARGO_BIN_EXE_awesh"))
    .args(args)
    .current_dir(world.path("repo"))
    .env("AWESH_TIMEOUT_MS", "20000");
    if let Some(bytes) = input {
        use std::io::Write;
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        child.stdin.take().unwrap().write_all(bytes).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
    } else {
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::read_to_string(&log).unwrap()
}

/// The trace shows awesh's own exec only, threads only, and no write-open under `.git`.
#[track_caller]
fn harmless(trace: &str, git_dir: &str) {
    let execs = trace.lines().filter(|l| l.contains("execve(")).count();
    assert_eq!(execs, 1, "a process was run:\n{trace}");
    for line in trace.lines() {
        if line.contains("clone(") || line.contains("clone3(") {
            assert!(
                line.contains("CLONE_THREAD"),
                "a process was started: {line}"
            );
        }
        assert!(!line.contains("fork("), "a process was started: {line}");
        if line.contains(git_dir) {
            let writes = [
                "O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "rename(", "unlink(", "link(", "mkdir(",
            ];
            assert!(
                !writes.iter().any(|w| line.contains(w)),
                "wrote under .git: {line}"
            );
            assert!(!line.contains("index.lock"), "took index.lock: {line}");
        }
    }
}

#[test]
fn the_status_runs_nothing_and_writes_nothing() {
    if !have("strace") {
        return;
    }
    let world = World::new();
    busy_repo(&world);
    let git_dir = world.path("repo/.git");
    let before = snapshot(&git_dir);
    let git_dir_text = git_dir.display().to_string();

    let trace = traced(&world, &["prompt"], None);
    harmless(&trace, &git_dir_text);
    // It did look: the index was read.
    assert!(trace.contains(".git/index"), "{trace}");

    // The server, answering twice.
    let cwd = world.path("repo").display().to_string();
    let mut input = Vec::new();
    for id in ["1", "2"] {
        input.extend(awesh::serve::protocol::encode(&[
            ("id", id.as_bytes()),
            ("cwd", cwd.as_bytes()),
            ("HOME", world.home().display().to_string().as_bytes()),
            (
                "XDG_CONFIG_HOME",
                world.path("config").display().to_string().as_bytes(),
            ),
        ]));
    }
    let trace = traced(&world, &["serve"], Some(&input));
    harmless(&trace, &git_dir_text);

    let after = snapshot(&git_dir);
    assert_eq!(before.len(), after.len(), "files under .git changed");
    for (path, was) in &before {
        assert_eq!(after.get(path), Some(was), "{} changed", path.display());
    }
    assert!(!world.path("filter-ran").exists(), "the clean filter ran");
}

/// A server keeps the status while nothing changes: over three requests in a quiet repository
/// it reads the index once; after a file is written in place it compares that file alone (the
/// answer follows the edit, the index is not read); after a file is made it reads it again.
#[test]
fn a_server_reads_the_index_again_only_after_a_change() {
    if !have("strace") {
        return;
    }
    use std::io::{BufRead, BufReader, Write};
    let world = World::new();
    world.config("[status]\nenabled = true\nformat = ' {unstaged}{unknown}'\n");
    world.repo("repo", "main");
    world.commit("repo", "second");
    // Older than the index, so nothing is racily clean.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for f in ["first.txt", "second.txt"] {
        std::fs::File::options()
            .append(true)
            .open(world.path("repo").join(f))
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    world.git("repo", &["update-index", "-q", "--really-refresh"]);
    let log = world.path("strace.log");
    let mut child = world
        .command("strace")
        .args(["-f", "-qq", "-e", "trace=openat"])
        .arg("-o")
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_awesh"))
        .arg("serve")
        .env("AWESH_TIMEOUT_MS", "20000")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    let cwd = world.path("repo").display().to_string();
    let home = world.home().display().to_string();
    let config = world.path("config").display().to_string();
    let mut ask = |input: &mut std::process::ChildStdin, id: &str| {
        input
            .write_all(&awesh::serve::protocol::encode(&[
                ("id", id.as_bytes()),
                ("cwd", cwd.as_bytes()),
                ("HOME", home.as_bytes()),
                ("XDG_CONFIG_HOME", config.as_bytes()),
            ]))
            .unwrap();
        input.flush().unwrap();
        let mut reply = Vec::new();
        output.read_until(0x1e, &mut reply).unwrap();
        String::from_utf8(reply).unwrap()
    };
    for id in ["1", "2", "3"] {
        assert_eq!(ask(&mut input, id), format!("{id}::\u{1f33f}main\x1e"));
    }
    let opens = |log: &str| log.matches(".git/index\"").count();
    // (strace writes as it goes; the log so far holds the first three requests.)
    let quiet = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        opens(&quiet),
        1,
        "the index was read more than once:\n{quiet}"
    );
    let file = world.path("repo/first.txt");
    std::fs::write(&file, "edited, and longer").unwrap();
    std::fs::File::options()
        .append(true)
        .open(&file)
        .unwrap()
        .set_modified(old)
        .unwrap();
    assert_eq!(ask(&mut input, "4"), "4::\u{1f33f}main *\x1e");
    assert_eq!(ask(&mut input, "5"), "5::\u{1f33f}main *\x1e");
    // A file written in place is compared again on its own: the index is not read again.
    let edited = std::fs::read_to_string(&log).unwrap();
    assert_eq!(opens(&edited), 1, "{edited}");
    // A file made is another kind of change: the status is gathered afresh.
    std::fs::write(world.path("repo/third.txt"), "new").unwrap();
    assert_eq!(ask(&mut input, "6"), "6::\u{1f33f}main *\x1e");
    drop(input);
    assert!(child.wait().unwrap().success());
    let all = std::fs::read_to_string(&log).unwrap();
    assert_eq!(opens(&all), 2, "{all}");
}
