//! The corrupt-repository corpus (issue 13): real repositories made by `git` (loose refs and
//! reftable), then broken in 40 ways: truncated, garbage or endless HEAD, packed-refs, loose
//! refs, gitfiles and commondir files; reftable stacks whose newest table is cut, garbage, zero
//! length blocks, or a symlink to /dev/zero or /proc/self/pagemap; FIFOs and symlink loops.
//! Each `awesh prompt` must exit 0, finish (the process is killed and the case failed after
//! 20 s), never show the decoy branch `WRONG` that an older ref or table holds, keep the
//! Kubernetes part (one broken segment never takes the other with it), and stay under 50 MB of
//! resident memory (measured by /usr/bin/time, the child's getrusage).

mod common;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::World;

type Break = Box<dyn Fn(&Path)>;

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_dir_all(path);
    std::fs::write(path, bytes).unwrap();
}

fn replace_with_symlink(path: &Path, target: &str) {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_dir_all(path);
    symlink(target, path).unwrap();
}

fn replace_with_fifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_dir_all(path);
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success());
}

/// The newest table of a reftable stack.
fn newest_table(repo: &Path) -> PathBuf {
    let dir = repo.join(".git/reftable");
    let list = std::fs::read_to_string(dir.join("tables.list")).unwrap();
    dir.join(list.lines().last().unwrap())
}

/// How each case breaks a loose-refs repository (HEAD on `main`, a branch `WRONG` beside it).
fn loose_cases() -> Vec<(&'static str, Break)> {
    let head = |repo: &Path| repo.join(".git/HEAD");
    vec![
        ("empty HEAD", Box::new(move |r: &Path| write(&head(r), ""))),
        (
            "truncated HEAD",
            Box::new(move |r: &Path| write(&head(r), "ref: refs/hea")),
        ),
        (
            "HEAD without refs/",
            Box::new(move |r: &Path| write(&head(r), "ref: WRONG\n")),
        ),
        (
            "garbage HEAD",
            Box::new(move |r: &Path| write(&head(r), [0xffu8, 0, 0x1b, b'\n', 7, 0x80])),
        ),
        (
            "HEAD with a NUL",
            Box::new(move |r: &Path| write(&head(r), "ref: refs/heads/main\0WRONG\n")),
        ),
        (
            "10 KB HEAD",
            Box::new(move |r: &Path| {
                write(&head(r), format!("ref: refs/heads/{}", "W".repeat(10_000)))
            }),
        ),
        (
            "short commit id HEAD",
            Box::new(move |r: &Path| write(&head(r), "abc123\n")),
        ),
        (
            "HEAD -> /dev/zero",
            Box::new(move |r: &Path| replace_with_symlink(&head(r), "/dev/zero")),
        ),
        (
            "HEAD -> /proc/self/pagemap",
            Box::new(move |r: &Path| replace_with_symlink(&head(r), "/proc/self/pagemap")),
        ),
        (
            "HEAD is a FIFO",
            Box::new(move |r: &Path| replace_with_fifo(&head(r))),
        ),
        (
            "HEAD is a folder",
            Box::new(move |r: &Path| {
                let _ = std::fs::remove_file(head(r));
                std::fs::create_dir(head(r)).unwrap();
            }),
        ),
        (
            "HEAD symlink loop",
            Box::new(move |r: &Path| replace_with_symlink(&head(r), "HEAD")),
        ),
        (
            "branch ref -> /dev/zero",
            Box::new(|r: &Path| replace_with_symlink(&r.join(".git/refs/heads/main"), "/dev/zero")),
        ),
        (
            "branch ref is a FIFO",
            Box::new(|r: &Path| replace_with_fifo(&r.join(".git/refs/heads/main"))),
        ),
        (
            "branch ref garbage",
            Box::new(|r: &Path| write(&r.join(".git/refs/heads/main"), [0xfe; 300])),
        ),
        (
            "packed-refs garbage",
            Box::new(|r: &Path| {
                let _ = std::fs::remove_file(r.join(".git/refs/heads/main"));
                write(
                    &r.join(".git/packed-refs"),
                    [0x00, 0xff, b'\n', b'^', b'x', b'\n'],
                );
            }),
        ),
        (
            "packed-refs -> /dev/zero",
            Box::new(|r: &Path| {
                let _ = std::fs::remove_file(r.join(".git/refs/heads/main"));
                replace_with_symlink(&r.join(".git/packed-refs"), "/dev/zero");
            }),
        ),
        (
            "packed-refs is a FIFO",
            Box::new(|r: &Path| {
                let _ = std::fs::remove_file(r.join(".git/refs/heads/main"));
                replace_with_fifo(&r.join(".git/packed-refs"));
            }),
        ),
        (
            "packed-refs one endless line",
            Box::new(|r: &Path| {
                let _ = std::fs::remove_file(r.join(".git/refs/heads/main"));
                write(&r.join(".git/packed-refs"), "0".repeat(3 << 20));
            }),
        ),
        (
            "objects -> /dev/zero",
            Box::new(|r: &Path| {
                std::fs::remove_dir_all(r.join(".git/objects")).unwrap();
                symlink("/dev/zero", r.join(".git/objects")).unwrap();
            }),
        ),
    ]
}

/// How each case breaks a linked worktree (`wt`, on `main`) of a repository on `WRONG`:
/// its gitfile and its commondir.
fn worktree_cases() -> Vec<(&'static str, Break)> {
    let gitfile = |wt: &Path| wt.join(".git");
    let commondir = |wt: &Path| {
        let text = std::fs::read_to_string(wt.join(".git")).unwrap();
        PathBuf::from(text.trim().strip_prefix("gitdir: ").unwrap()).join("commondir")
    };
    vec![
        (
            "empty gitfile",
            Box::new(move |w: &Path| write(&gitfile(w), "")),
        ),
        (
            "gitfile naming nothing",
            Box::new(move |w: &Path| write(&gitfile(w), "gitdir: \n")),
        ),
        (
            "gitfile naming itself",
            Box::new(move |w: &Path| write(&gitfile(w), "gitdir: .git\n")),
        ),
        (
            "gitfile naming the main repository's HEAD",
            Box::new(move |w: &Path| write(&gitfile(w), "gitdir: ../repo/.git/HEAD\n")),
        ),
        (
            "gitfile garbage",
            Box::new(move |w: &Path| write(&gitfile(w), [0xff, 0xfe, 0, 1, 2])),
        ),
        (
            "gitfile -> /dev/zero",
            Box::new(move |w: &Path| replace_with_symlink(&gitfile(w), "/dev/zero")),
        ),
        (
            "gitfile is a FIFO",
            Box::new(move |w: &Path| replace_with_fifo(&gitfile(w))),
        ),
        (
            "commondir loop",
            Box::new(move |w: &Path| write(&commondir(w), ".")),
        ),
        (
            "commondir garbage",
            Box::new(move |w: &Path| write(&commondir(w), [0xff, b'\n', 0])),
        ),
        (
            "commondir -> /dev/zero",
            Box::new(move |w: &Path| replace_with_symlink(&commondir(w), "/dev/zero")),
        ),
        (
            "commondir is a FIFO",
            Box::new(move |w: &Path| replace_with_fifo(&commondir(w))),
        ),
    ]
}

/// How each case breaks a reftable repository whose older tables hold HEAD -> WRONG.
fn reftable_cases() -> Vec<(&'static str, Break)> {
    let list = |r: &Path| r.join(".git/reftable/tables.list");
    vec![
        (
            "tables.list -> /dev/zero",
            Box::new(move |r: &Path| replace_with_symlink(&list(r), "/dev/zero")),
        ),
        (
            "tables.list is a FIFO",
            Box::new(move |r: &Path| replace_with_fifo(&list(r))),
        ),
        (
            "tables.list naming ../",
            Box::new(move |r: &Path| {
                let text = std::fs::read_to_string(list(r)).unwrap();
                write(&list(r), format!("{text}../../HEAD\n"));
            }),
        ),
        (
            "tables.list of 100k names",
            Box::new(move |r: &Path| write(&list(r), "x.ref\n".repeat(100_000))),
        ),
        (
            "newest table -> /dev/zero",
            Box::new(|r: &Path| replace_with_symlink(&newest_table(r), "/dev/zero")),
        ),
        (
            "newest table -> /proc/self/pagemap",
            Box::new(|r: &Path| replace_with_symlink(&newest_table(r), "/proc/self/pagemap")),
        ),
        (
            "newest table of 5 bytes",
            Box::new(|r: &Path| write(&newest_table(r), "REFT\x01")),
        ),
        (
            "newest table missing",
            Box::new(|r: &Path| std::fs::remove_file(newest_table(r)).unwrap()),
        ),
        (
            "newest table garbage",
            Box::new(|r: &Path| write(&newest_table(r), [0x5a; 4096])),
        ),
        (
            "newest table cut in half",
            Box::new(|r: &Path| {
                let t = newest_table(r);
                let bytes = std::fs::read(&t).unwrap();
                write(&t, &bytes[..bytes.len() / 2]);
            }),
        ),
        (
            "newest table, zero block length",
            Box::new(|r: &Path| {
                let t = newest_table(r);
                let mut bytes = std::fs::read(&t).unwrap();
                let header = if bytes[4] == 2 { 28 } else { 24 };
                bytes[header + 1..header + 4].copy_from_slice(&[0, 0, 0]);
                write(&t, bytes);
            }),
        ),
        (
            "newest table, a flipped byte",
            Box::new(|r: &Path| {
                let t = newest_table(r);
                let mut bytes = std::fs::read(&t).unwrap();
                let at = bytes.len() / 3;
                bytes[at] ^= 0x55;
                write(&t, bytes);
            }),
        ),
        (
            "newest table, bad version",
            Box::new(|r: &Path| {
                let t = newest_table(r);
                let mut bytes = std::fs::read(&t).unwrap();
                bytes[4] = 9;
                write(&t, bytes);
            }),
        ),
    ]
}

/// Runs `awesh prompt` in `dir`: `(exit code, output, max RSS in KiB if measured)`.
fn prompt(w: &World, dir: &Path) -> (Option<i32>, String, Option<u64>) {
    let time = Path::new("/usr/bin/time");
    let rss_file = w.path("rss.txt");
    let _ = std::fs::remove_file(&rss_file);
    let mut cmd = if time.exists() {
        let mut cmd = w.command(time);
        cmd.arg("-f").arg("%M").arg("-o").arg(&rss_file);
        cmd.arg(env!("CARGO_BIN_EXE_awesh"));
        cmd
    } else {
        w.command(env!("CARGO_BIN_EXE_awesh"))
    };
    cmd.arg("prompt")
        .current_dir(dir)
        .env("AWESH_TIMEOUT_MS", "1000")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    let rss = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|t| t.lines().last()?.trim().parse().ok());
    (status.and_then(|s| s.code()), out, rss)
}

#[test]
fn issue_13_broken_repositories_never_show_a_wrong_branch() {
    if !common::have("git") {
        return;
    }
    let measured = Path::new("/usr/bin/time").exists();
    assert!(
        measured || std::env::var_os("CI").is_none(),
        "/usr/bin/time is missing and CI is set: .ci/run must install it"
    );
    if !measured {
        eprintln!("\n*** /usr/bin/time is missing: resident memory is not measured ***\n");
    }
    let w = World::new();
    w.kube(Some("dev"), &[("dev", Some("team"))]);
    // The bases: loose refs on main with a branch WRONG; a worktree on main of a repository on
    // WRONG; a reftable repository whose older tables say HEAD -> WRONG.
    let loose = w.repo("loose", "main");
    w.git("loose", &["branch", "WRONG"]);
    w.repo("repo", "main");
    w.git("repo", &["branch", "WRONG"]);
    w.git("repo", &["worktree", "add", "-q", "../wt", "-b", "side"]);
    w.git("repo", &["checkout", "-q", "WRONG"]);
    w.git("wt", &["checkout", "-q", "main"]);
    std::fs::create_dir_all(w.path("rt")).unwrap();
    let reftable = w
        .command("git")
        .args(["init", "-q", "--ref-format=reftable", "-b", "main"])
        .current_dir(w.path("rt"))
        .output()
        .unwrap()
        .status
        .success();
    if reftable {
        // git compacts the stack as it goes: make the two-table stack by hand, an older table
        // saying HEAD -> WRONG under the newer one git wrote after going back to main.
        w.commit("rt", "one");
        w.git("rt", &["checkout", "-qb", "WRONG"]);
        let older = std::fs::read(newest_table(&w.path("rt"))).unwrap();
        w.git("rt", &["checkout", "-q", "main"]);
        let dir = w.path("rt/.git/reftable");
        let newer = newest_table(&w.path("rt"));
        std::fs::write(
            dir.join("0x000000000001-0x000000000001-00000000.ref"),
            older,
        )
        .unwrap();
        std::fs::write(
            dir.join("tables.list"),
            format!(
                "0x000000000001-0x000000000001-00000000.ref\n{}\n",
                newer.file_name().unwrap().to_string_lossy()
            ),
        )
        .unwrap();
    } else {
        eprintln!("SKIPPED the reftable cases: this git cannot create reftable repositories");
    }
    let copy = |from: &str, to: &str| {
        let ok = Command::new("cp")
            .args([
                "-a",
                &w.path(from).display().to_string(),
                &w.path(to).display().to_string(),
            ])
            .status()
            .unwrap();
        assert!(ok.success());
    };
    // Unbroken, each base shows main: the corpus tests something.
    let bases: Vec<(&str, PathBuf)> = [("loose", loose), ("wt", w.path("wt"))]
        .into_iter()
        .chain(reftable.then(|| ("rt", w.path("rt"))))
        .collect();
    for (name, dir) in &bases {
        let (code, out, _) = prompt(&w, dir);
        assert_eq!(
            (code, out.as_str()),
            (Some(0), ":☸️dev:☸️team:🌿main"),
            "{name}"
        );
    }
    // And the decoys are live: the older table alone says WRONG, as does the main repository.
    if reftable {
        copy("rt", "rt-older");
        let list = w.path("rt-older/.git/reftable/tables.list");
        let text = std::fs::read_to_string(&list).unwrap();
        std::fs::write(&list, format!("{}\n", text.lines().next().unwrap())).unwrap();
        assert_eq!(prompt(&w, &w.path("rt-older")).1, ":☸️dev:☸️team:🌿WRONG");
    }
    assert_eq!(prompt(&w, &w.path("repo")).1, ":☸️dev:☸️team:🌿WRONG");
    let mut cases: Vec<(&str, &str, Break)> = Vec::new();
    cases.extend(loose_cases().into_iter().map(|(l, b)| ("loose", l, b)));
    cases.extend(worktree_cases().into_iter().map(|(l, b)| ("wt", l, b)));
    if reftable {
        cases.extend(reftable_cases().into_iter().map(|(l, b)| ("rt", l, b)));
    }
    let mut failures = Vec::new();
    let mut max_rss = 0;
    for (i, (base, label, breaks)) in cases.iter().enumerate() {
        // A fresh copy of the base (and, for worktrees, of the repository they belong to).
        let (dir, restore): (PathBuf, Vec<(&str, String)>) = if *base == "wt" {
            copy("repo", "repo.saved");
            copy("wt", "wt.saved");
            (
                w.path("wt"),
                vec![("repo.saved", "repo".into()), ("wt.saved", "wt".into())],
            )
        } else {
            let to = format!("case{i}");
            copy(base, &to);
            (w.path(&to), vec![])
        };
        breaks(&dir);
        let (code, out, rss) = prompt(&w, &dir);
        let problems = [
            (code != Some(0)).then(|| format!("exit {code:?} (None: killed after 20 s)")),
            out.contains("WRONG")
                .then(|| "showed the decoy branch".to_string()),
            out.contains(".invalid")
                .then(|| "showed the reftable placeholder".to_string()),
            (!out.starts_with(":☸️dev:☸️team")).then(|| "lost the kube part".to_string()),
            rss.filter(|&kib| kib >= 50 * 1024)
                .map(|kib| format!("{kib} KiB resident")),
        ];
        for p in problems.into_iter().flatten() {
            failures.push(format!("{base}: {label}: {p} (output {out:?})"));
        }
        max_rss = max_rss.max(rss.unwrap_or(0));
        for (saved, to) in restore {
            let _ = Command::new("chmod")
                .args(["-R", "u+rwX", &w.path(&to).display().to_string()])
                .status();
            std::fs::remove_dir_all(w.path(&to)).unwrap();
            std::fs::rename(w.path(saved), w.path(&to)).unwrap();
        }
    }
    eprintln!(
        "{} broken repositories: {} problems; largest resident set {} KiB{}",
        cases.len(),
        failures.len(),
        max_rss,
        if measured {
            ""
        } else {
            " (not measured: no /usr/bin/time)"
        }
    );
    assert!(cases.len() >= 30);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
