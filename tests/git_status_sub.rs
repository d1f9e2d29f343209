//! Differential test of the status states that used to answer unknown (issue 16): the
//! executable bit under `core.fileMode`, symlinks under `core.symlinks`, submodules and
//! gitlinks with every ignore rule, split indexes, plus index versions, case-only renames,
//! linked worktrees, `status.showUntrackedFiles=no` and symlinked folders. Each state is
//! built with the real git, gathered with the environment, and every class must equal
//! `git status --porcelain=v2 --branch --show-stash`, exactly, with `.git` (the main
//! repository's, which holds the submodules' git directories) untouched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use awesh::env::Env;
use awesh::segment::git::status::{gather_in, Budget, Count, Paths, Status};

mod common;
use common::rng::Rng;

/// A temp dir with a home, a main repository `work` and (when asked) a library repository
/// `lib` to use as a submodule.
struct Repo {
    tmp: tempfile::TempDir,
    home: PathBuf,
    work: PathBuf,
}

/// git's counts per class.
#[derive(Debug, Default, PartialEq, Eq)]
struct Git {
    staged: u32,
    unstaged: u32,
    untracked: u32,
    conflicted: u32,
    stash: u32,
}

fn old_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000)
}

/// Sets the mtime of every file under `dir` (not `.git`) in the past, so nothing is racy.
fn age_tree(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let meta = std::fs::symlink_metadata(e.path()).unwrap();
        if e.file_name() == ".git" {
            continue;
        }
        if meta.is_dir() {
            age_tree(&e.path());
        } else if meta.is_file() {
            std::fs::File::options()
                .write(true)
                .open(e.path())
                .unwrap()
                .set_modified(old_time())
                .unwrap();
        }
    }
}

impl Repo {
    fn new() -> Repo {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        let work = tmp.path().join("work");
        std::fs::create_dir_all(home.join(".config")).unwrap();
        std::fs::create_dir_all(&work).unwrap();
        let r = Repo { tmp, home, work };
        r.git(&["init", "-q", "-b", "main"]);
        r.write("a.txt", "alpha\n");
        r.write("run.sh", "#!/bin/sh\n");
        r.chmod("run.sh", 0o755);
        r.write("dir/b.txt", "beta\n");
        r.write("dir/sub/c.txt", "gamma\n");
        std::os::unix::fs::symlink("a.txt", r.work.join("link")).unwrap();
        r.commit("one");
        r
    }

    /// [`Repo::new`] with the library repository added as submodule `sub` and committed.
    fn with_submodule() -> Repo {
        let r = Repo::new();
        let lib = r.tmp.path().join("lib");
        std::fs::create_dir_all(&lib).unwrap();
        r.git_in(&lib, &["init", "-q", "-b", "main"]);
        std::fs::write(lib.join("l.txt"), "lib\n").unwrap();
        std::fs::write(lib.join("m.txt"), "more\n").unwrap();
        r.git_in(&lib, &["add", "-A"]);
        r.git_in(&lib, &["commit", "-q", "-m", "lib one"]);
        std::fs::write(lib.join("l.txt"), "lib two\n").unwrap();
        r.git_in(&lib, &["commit", "-q", "-am", "lib two"]);
        r.git(&["submodule", "add", "-q", lib.to_str().unwrap(), "sub"]);
        age_tree(&r.work.join("sub"));
        r.git_in(&r.work.join("sub"), &["update-index", "--refresh", "-q"]);
        r.commit("add sub");
        r
    }

    fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("GIT_ALLOW_PROTOCOL", "file")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_CONFIG_PARAMETERS")
            .env_remove("GIT_CONFIG_COUNT")
            .env_remove("GIT_CONFIG_GLOBAL")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} in {}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.work, args)
    }

    fn sub(&self, args: &[&str]) -> String {
        self.git_in(&self.work.join("sub"), args)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.work.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }

    fn chmod(&self, rel: &str, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(self.work.join(rel), std::fs::Permissions::from_mode(mode))
            .unwrap();
    }

    /// Ages the tree, then stages and commits everything.
    fn commit(&self, what: &str) {
        age_tree(&self.work);
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", what]);
    }

    fn env(&self) -> Env {
        Env::new(
            &self.work,
            [
                ("HOME", self.home.clone().into_os_string()),
                (
                    "XDG_CONFIG_HOME",
                    self.home.join(".config").into_os_string(),
                ),
            ],
        )
    }

    fn paths(&self) -> Paths {
        let g = self.work.join(".git");
        Paths {
            git_dir: g.clone(),
            common_dir: g,
            work_tree: Some(self.work.clone()),
        }
    }
}

fn budget() -> Budget {
    Budget {
        max_index_entries: 100_000,
        max_per_class: 0,
        deadline: Instant::now() + Duration::from_secs(3600),
    }
}

/// Every file under `dir` with its bytes and mtime, to prove nothing was written.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let meta = std::fs::symlink_metadata(e.path()).unwrap();
            if meta.is_dir() {
                todo.push(e.path());
            } else if meta.is_file() {
                out.insert(
                    e.path(),
                    (std::fs::read(e.path()).unwrap(), meta.modified().unwrap()),
                );
            }
        }
    }
    out
}

fn git_status(r: &Repo, dir: &Path) -> Git {
    let text = r.git_in(
        dir,
        &[
            "--no-optional-locks",
            "status",
            "--porcelain=v2",
            "--branch",
            "--show-stash",
        ],
    );
    let mut g = Git::default();
    for line in text.lines() {
        let words: Vec<&str> = line.split(' ').collect();
        match words.as_slice() {
            ["1" | "2", xy, ..] => {
                g.staged += u32::from(!xy.starts_with('.'));
                g.unstaged += u32::from(!xy.ends_with('.'));
            }
            ["u", ..] => g.conflicted += 1,
            ["?", ..] => g.untracked += 1,
            ["#", "stash", n] => g.stash = n.parse().unwrap(),
            _ => {}
        }
    }
    g
}

fn exact(c: &Count) -> Option<u32> {
    match c {
        Count::Exact(n) => Some(*n),
        _ => None,
    }
}

/// Gathers at `paths` (git run in `dir`), proves the common git directory untouched, and
/// asserts every class is git's, exactly. Returns awesh's status and git's counts.
#[track_caller]
fn same_as_git(r: &Repo, paths: &Paths, dir: &Path, state: &str) -> (Status, Git) {
    let before = snapshot(&paths.common_dir);
    let ours = gather_in(Some(&r.env()), paths, &budget());
    assert_eq!(before, snapshot(&paths.common_dir), "{state}: .git changed");
    let truth = git_status(r, dir);
    let got = Git {
        staged: exact(&ours.staged).unwrap_or(u32::MAX),
        unstaged: exact(&ours.unstaged).unwrap_or(u32::MAX),
        untracked: exact(&ours.untracked).unwrap_or(u32::MAX),
        conflicted: exact(&ours.conflicted).unwrap_or(u32::MAX),
        stash: exact(&ours.stash).unwrap_or(u32::MAX),
    };
    assert_eq!(
        got, truth,
        "{state}: awesh (MAX: not exact) vs git; unknown {:?}, skipped {:?}, {ours:?}",
        ours.unknown, ours.skipped
    );
    eprintln!("{state}: {truth:?}");
    (ours, truth)
}

#[track_caller]
fn check(r: &Repo, state: &str) -> Git {
    same_as_git(r, &r.paths(), &r.work, state).1
}

/// Gathers and asserts no class contradicts git (exact equal, lower bound not above), and
/// that unstaged is not exact: for states awesh must call unknown.
#[track_caller]
fn unknown_unstaged(r: &Repo, state: &str) {
    let before = snapshot(&r.work.join(".git"));
    let ours = gather_in(Some(&r.env()), &r.paths(), &budget());
    assert_eq!(
        before,
        snapshot(&r.work.join(".git")),
        "{state}: .git changed"
    );
    let truth = git_status(r, &r.work);
    assert!(
        matches!(ours.unstaged, Count::Unknown(_)),
        "{state}: {:?} (git {})",
        ours.unstaged,
        truth.unstaged
    );
    if let Some(n) = exact(&ours.staged) {
        assert_eq!(n, truth.staged, "{state}: staged");
    }
}

type Edit = dyn Fn(&Repo);

/// States of the executable bit and symlinks under `core.fileMode` and `core.symlinks`.
#[test]
fn file_mode_and_symlink_states_match_git() {
    let states: &[(&str, &Edit, u32)] = &[
        (
            "chmod +x with core.fileMode=true",
            &|r| r.chmod("a.txt", 0o755),
            1,
        ),
        (
            "chmod +x with core.fileMode=false",
            &|r| {
                r.git(&["config", "core.fileMode", "false"]);
                r.chmod("a.txt", 0o755);
            },
            0,
        ),
        (
            "chmod -x of a script with core.fileMode=true",
            &|r| r.chmod("run.sh", 0o644),
            1,
        ),
        (
            "chmod -x of a script with core.fileMode=false",
            &|r| {
                r.git(&["config", "core.fileMode", "false"]);
                r.chmod("run.sh", 0o644);
            },
            0,
        ),
        (
            "group and other x bits only",
            &|r| r.chmod("a.txt", 0o655),
            0,
        ),
        (
            "staged mode change",
            &|r| {
                r.chmod("a.txt", 0o755);
                r.git(&["add", "a.txt"]);
            },
            0,
        ),
        (
            "staged mode change, then chmod back",
            &|r| {
                r.chmod("a.txt", 0o755);
                r.git(&["add", "a.txt"]);
                r.chmod("a.txt", 0o644);
            },
            1,
        ),
        (
            "core.fileMode=false from the global config (unset in the repository)",
            &|r| {
                r.git(&["config", "--unset", "core.fileMode"]);
                std::fs::write(r.home.join(".gitconfig"), "[core]\n\tfileMode = false\n").unwrap();
                r.chmod("a.txt", 0o755);
            },
            0,
        ),
        (
            "core.fileMode=false in config.worktree",
            &|r| {
                r.git(&["config", "extensions.worktreeConfig", "true"]);
                r.git(&["config", "--worktree", "core.fileMode", "false"]);
                r.chmod("run.sh", 0o600);
            },
            0,
        ),
        (
            "core.fileMode=false, mode and content changed",
            &|r| {
                r.git(&["config", "core.fileMode", "false"]);
                r.write("a.txt", "alpha and more\n");
                r.chmod("a.txt", 0o755);
            },
            1,
        ),
        (
            "core.symlinks=false: a symlink checked out as a file",
            &|r| {
                r.git(&["config", "core.symlinks", "false"]);
                std::fs::remove_file(r.work.join("link")).unwrap();
                r.git(&["checkout", "--", "link"]);
                age_tree(&r.work);
            },
            0,
        ),
        (
            "core.symlinks=false: that file edited",
            &|r| {
                r.git(&["config", "core.symlinks", "false"]);
                std::fs::remove_file(r.work.join("link")).unwrap();
                r.git(&["checkout", "--", "link"]);
                r.write("link", "b.txt and more");
            },
            1,
        ),
        (
            "core.symlinks=true: a symlink replaced by a file",
            &|r| {
                std::fs::remove_file(r.work.join("link")).unwrap();
                r.write("link", "a.txt");
            },
            1,
        ),
        (
            "symlink retargeted",
            &|r| {
                std::fs::remove_file(r.work.join("link")).unwrap();
                std::os::unix::fs::symlink("dir/b.txt", r.work.join("link")).unwrap();
            },
            1,
        ),
        (
            "a tracked folder replaced by a symlink to a copy",
            &|r| {
                let moved = r.tmp.path().join("moved");
                std::fs::rename(r.work.join("dir"), &moved).unwrap();
                std::os::unix::fs::symlink(&moved, r.work.join("dir")).unwrap();
            },
            2,
        ),
    ];
    for (state, edit, unstaged) in states {
        let r = Repo::new();
        edit(&r);
        let g = check(&r, state);
        assert_eq!(
            g.unstaged, *unstaged,
            "{state}: the state is not what it should be"
        );
    }
}

#[test]
fn file_mode_behind_an_include_is_unknown() {
    let r = Repo::new();
    std::fs::write(r.home.join("more"), "[core]\n\tfileMode = false\n").unwrap();
    let cfg = r.work.join(".git/config");
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(
        "[include]\n\tpath = ~/more\n[includeIf \"hasconfig:remote.*.url:x\"]\n\tpath = x\n",
    );
    std::fs::write(&cfg, text).unwrap();
    r.chmod("a.txt", 0o755);
    unknown_unstaged(&r, "fileMode behind an include awesh cannot evaluate");
}

/// Submodule states, each with git's own answer.
#[test]
fn submodule_states_match_git() {
    fn new_commit(r: &Repo) {
        r.write("sub/l.txt", "lib three\n");
        r.sub(&["commit", "-q", "-am", "three"]);
    }
    fn modified(r: &Repo) {
        r.write("sub/m.txt", "more and more\n");
    }
    fn untracked(r: &Repo) {
        r.write("sub/new.txt", "n\n");
    }
    fn ignore(r: &Repo, how: &str) {
        r.git(&["config", "-f", ".gitmodules", "submodule.sub.ignore", how]);
        r.commit("ignore");
    }
    let states: &[(&str, &Edit, u32)] = &[
        ("clean submodule", &|_| {}, 0),
        ("new commit checked out inside", &new_commit, 1),
        ("modified file inside", &modified, 1),
        ("untracked file inside", &untracked, 1),
        (
            "staged file inside",
            &|r| {
                r.write("sub/m.txt", "staged\n");
                r.sub(&["add", "m.txt"]);
            },
            1,
        ),
        (
            "older commit checked out inside",
            &|r| {
                r.sub(&["checkout", "-q", "HEAD~1"]);
            },
            1,
        ),
        (
            "ignore=untracked, untracked inside",
            &|r| {
                ignore(r, "untracked");
                untracked(r);
            },
            0,
        ),
        (
            "ignore=untracked, modified inside",
            &|r| {
                ignore(r, "untracked");
                modified(r);
            },
            1,
        ),
        (
            "ignore=untracked, new commit",
            &|r| {
                ignore(r, "untracked");
                new_commit(r);
            },
            1,
        ),
        (
            "ignore=dirty, modified and untracked inside",
            &|r| {
                ignore(r, "dirty");
                modified(r);
                untracked(r);
            },
            0,
        ),
        (
            "ignore=dirty, new commit",
            &|r| {
                ignore(r, "dirty");
                new_commit(r);
            },
            1,
        ),
        (
            "ignore=all, new commit and modified",
            &|r| {
                ignore(r, "all");
                new_commit(r);
                modified(r);
            },
            0,
        ),
        (
            "ignore=all, submodule removed",
            &|r| {
                ignore(r, "all");
                std::fs::remove_dir_all(r.work.join("sub")).unwrap();
            },
            0,
        ),
        (
            "ignore=none in the config over ignore=all in .gitmodules",
            &|r| {
                ignore(r, "all");
                r.git(&["config", "submodule.sub.ignore", "none"]);
                untracked(r);
            },
            1,
        ),
        (
            "diff.ignoreSubmodules=dirty",
            &|r| {
                r.git(&["config", "diff.ignoreSubmodules", "dirty"]);
                modified(r);
            },
            0,
        ),
        (
            "diff.ignoreSubmodules=all with a new commit",
            &|r| {
                r.git(&["config", "diff.ignoreSubmodules", "all"]);
                new_commit(r);
            },
            0,
        ),
        (
            "status.showUntrackedFiles=no, untracked inside",
            &|r| {
                r.git(&["config", "status.showUntrackedFiles", "no"]);
                untracked(r);
            },
            0,
        ),
        (
            "status.showUntrackedFiles=no, modified inside",
            &|r| {
                r.git(&["config", "status.showUntrackedFiles", "no"]);
                modified(r);
            },
            1,
        ),
        (
            "status.submoduleSummary=true, modified inside",
            &|r| {
                r.git(&["config", "status.submoduleSummary", "true"]);
                modified(r);
            },
            1,
        ),
        (
            "uninitialised submodule (deinit)",
            &|r| {
                r.git(&["submodule", "deinit", "-q", "-f", "sub"]);
            },
            0,
        ),
        (
            "submodule folder removed",
            &|r| {
                std::fs::remove_dir_all(r.work.join("sub")).unwrap();
            },
            1,
        ),
        (
            "submodule folder replaced by a file",
            &|r| {
                std::fs::remove_dir_all(r.work.join("sub")).unwrap();
                r.write("sub", "not a folder\n");
            },
            1,
        ),
        (
            "new submodule commit staged",
            &|r| {
                new_commit(r);
                r.git(&["add", "sub"]);
            },
            0,
        ),
        (
            "new submodule commit staged, then untracked inside",
            &|r| {
                new_commit(r);
                r.git(&["add", "sub"]);
                untracked(r);
            },
            1,
        ),
        (
            ".gitmodules removed from the work tree (read from the index)",
            &|r| {
                ignore(r, "all");
                std::fs::remove_file(r.work.join(".gitmodules")).unwrap();
                untracked(r);
            },
            1,
        ),
        (
            "assume-unchanged gitlink, new commit inside",
            &|r| {
                r.git(&["update-index", "--assume-unchanged", "sub"]);
                new_commit(r);
            },
            0,
        ),
        (
            "assume-unchanged gitlink, modified inside",
            &|r| {
                r.git(&["update-index", "--assume-unchanged", "sub"]);
                modified(r);
            },
            0,
        ),
        (
            "showUntrackedFiles=no, but ignore=none for the submodule",
            &|r| {
                ignore(r, "none");
                r.git(&["config", "status.showUntrackedFiles", "no"]);
                untracked(r);
            },
            1,
        ),
        (
            "diff.ignoreSubmodules=untracked, but ignore=none for the submodule",
            &|r| {
                ignore(r, "none");
                r.git(&["config", "diff.ignoreSubmodules", "untracked"]);
                untracked(r);
            },
            1,
        ),
        (
            "an invalid ignore value in .gitmodules is skipped",
            &|r| {
                ignore(r, "bogus");
                untracked(r);
            },
            1,
        ),
        (
            "the submodule's own showUntrackedFiles=no",
            &|r| {
                r.sub(&["config", "status.showUntrackedFiles", "no"]);
                untracked(r);
            },
            0,
        ),
        (
            "an ignored file inside the submodule",
            &|r| {
                r.write("sub/skip.log", "x\n");
                r.write("sub/.gitignore", "*.log\n");
                r.sub(&["add", ".gitignore"]);
                r.sub(&["commit", "-q", "-m", "ignore logs"]);
                r.git(&["add", "sub"]);
                r.git(&["commit", "-q", "-m", "sub ignores logs"]);
            },
            0,
        ),
        (
            "submodule removed from the index only (git rm --cached)",
            &|r| {
                r.git(&["rm", "-q", "--cached", "sub"]);
            },
            0,
        ),
        (
            "a second submodule added, not committed, modified inside",
            &|r| {
                let lib = r.tmp.path().join("lib");
                r.git(&["submodule", "add", "-q", lib.to_str().unwrap(), "two"]);
                r.write("two/m.txt", "more, in two\n");
            },
            1,
        ),
        (
            "modified inside, parent edits too",
            &|r| {
                modified(r);
                r.write("a.txt", "alpha, longer\n");
                r.write("fresh.txt", "new\n");
            },
            2,
        ),
    ];
    for (state, edit, unstaged) in states {
        let r = Repo::with_submodule();
        edit(&r);
        let g = check(&r, state);
        assert_eq!(
            g.unstaged, *unstaged,
            "{state}: the state is not what it should be"
        );
    }
}

/// A nested repository added as a gitlink with no `.gitmodules` entry, and one that is not
/// in the index at all (an untracked `dir/`).
#[test]
fn gitlinks_and_nested_repositories_match_git() {
    let r = Repo::new();
    let nested = r.work.join("nest");
    std::fs::create_dir_all(&nested).unwrap();
    r.git_in(&nested, &["init", "-q", "-b", "main"]);
    std::fs::write(nested.join("n.txt"), "n\n").unwrap();
    age_tree(&nested);
    r.git_in(&nested, &["add", "-A"]);
    r.git_in(&nested, &["commit", "-q", "-m", "n"]);
    let g = check(&r, "nested repository, not a submodule");
    assert_eq!(g.untracked, 1);
    r.git(&["add", "nest"]);
    r.git(&["commit", "-q", "-m", "gitlink"]);
    check(&r, "gitlink without .gitmodules, clean");
    std::fs::write(nested.join("u.txt"), "u\n").unwrap();
    let g = check(&r, "gitlink without .gitmodules, untracked inside");
    assert_eq!(g.unstaged, 1);
    r.git(&["config", "diff.ignoreSubmodules", "untracked"]);
    let g = check(
        &r,
        "gitlink without .gitmodules, diff.ignoreSubmodules=untracked",
    );
    assert_eq!(g.unstaged, 0);
    std::fs::write(nested.join("n.txt"), "n, changed\n").unwrap();
    let g = check(&r, "gitlink without .gitmodules, modified inside");
    assert_eq!(g.unstaged, 1);
}

/// A submodule inside a submodule holding only an untracked file: git's `S..U` line, which
/// makes the outer submodule untracked-dirty, not modified.
#[test]
fn nested_submodule_untracked_only_matches_git() {
    let r = Repo::with_submodule();
    let inner = r.tmp.path().join("inner");
    std::fs::create_dir_all(&inner).unwrap();
    r.git_in(&inner, &["init", "-q", "-b", "main"]);
    std::fs::write(inner.join("i.txt"), "i\n").unwrap();
    r.git_in(&inner, &["add", "-A"]);
    r.git_in(&inner, &["commit", "-q", "-m", "i"]);
    r.sub(&["submodule", "add", "-q", inner.to_str().unwrap(), "deep"]);
    r.sub(&["commit", "-q", "-m", "deep"]);
    r.git(&["add", "sub"]);
    r.git(&["commit", "-q", "-m", "sub with deep"]);
    check(&r, "nested submodule, clean");
    r.write("sub/deep/x.txt", "x\n");
    let g = check(&r, "nested submodule, untracked inside the inner one");
    assert_eq!(g.unstaged, 1);
    r.git(&[
        "config",
        "-f",
        ".gitmodules",
        "submodule.sub.ignore",
        "untracked",
    ]);
    r.git(&["commit", "-q", "-am", "ignore untracked in sub"]);
    let g = check(&r, "nested untracked-only under ignore=untracked");
    assert_eq!(g.unstaged, 0);
    r.write("sub/deep/i.txt", "i, changed\n");
    let g = check(&r, "nested submodule modified under ignore=untracked");
    assert_eq!(g.unstaged, 1);
}

/// Split indexes: every class from the shared index and the split one merged.
#[test]
fn split_index_states_match_git() {
    let states: &[(&str, &Edit)] = &[
        ("split index, clean", &|r| {
            r.git(&["update-index", "--split-index"]);
        }),
        (
            "split index, then edits, adds, deletes and a staged change",
            &|r| {
                r.git(&["update-index", "--split-index"]);
                r.write("a.txt", "alpha grows\n");
                r.write("dir/new.txt", "new\n");
                r.git(&["add", "dir/new.txt"]);
                std::fs::remove_file(r.work.join("dir/sub/c.txt")).unwrap();
                r.write("dir/b.txt", "beta staged\n");
                r.git(&["add", "dir/b.txt"]);
                r.git(&["rm", "-q", "--cached", "run.sh"]);
                r.write("untracked.txt", "u\n");
            },
        ),
        ("core.splitIndex=true", &|r| {
            r.git(&["config", "core.splitIndex", "true"]);
            r.write("x.txt", "x\n");
            r.git(&["add", "x.txt"]);
            r.write("a.txt", "alpha, longer now\n");
        }),
        ("split index with a conflict", &|r| {
            r.git(&["update-index", "--split-index"]);
            r.git(&["checkout", "-q", "-b", "other"]);
            r.write("a.txt", "theirs\n");
            r.git(&["commit", "-q", "-am", "theirs"]);
            r.git(&["checkout", "-q", "main"]);
            r.write("a.txt", "ours\n");
            r.git(&["commit", "-q", "-am", "ours"]);
            let _ = Command::new("git")
                .args(["merge", "-q", "other"])
                .current_dir(&r.work)
                .env("HOME", &r.home)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output();
        }),
    ];
    for (state, edit) in states {
        let r = Repo::new();
        edit(&r);
        age_tree(&r.work);
        check(&r, state);
    }
}

#[test]
fn split_index_without_its_shared_index_is_unknown() {
    let r = Repo::new();
    r.git(&["update-index", "--split-index"]);
    r.write("a.txt", "alpha grows\n");
    for e in std::fs::read_dir(r.work.join(".git")).unwrap() {
        let e = e.unwrap();
        if e.file_name().to_string_lossy().starts_with("sharedindex.") {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let ours = gather_in(Some(&r.env()), &r.paths(), &budget());
    for c in [
        &ours.staged,
        &ours.unstaged,
        &ours.untracked,
        &ours.conflicted,
    ] {
        assert!(
            matches!(c, Count::Unknown(w) if w.contains("sharedindex")),
            "{c:?}"
        );
    }
}

/// Index versions, case-only renames, `status.showUntrackedFiles=no`, symlinks.
#[test]
fn other_listed_states_match_git() {
    let states: &[(&str, &Edit)] = &[
        ("index v2, edits", &|r| {
            r.git(&["update-index", "--index-version", "2"]);
            r.write("dir/sub/c.txt", "gamma grows\n");
            r.write("u.txt", "u\n");
        }),
        ("index v3 with intent-to-add", &|r| {
            r.git(&["update-index", "--index-version", "3"]);
            r.write("ita.txt", "i\n");
            r.git(&["add", "-N", "ita.txt"]);
        }),
        ("index v4, staged and unstaged", &|r| {
            r.git(&["update-index", "--index-version", "4"]);
            r.write("dir/b.txt", "beta staged\n");
            r.git(&["add", "dir/b.txt"]);
            r.write("dir/b.txt", "beta staged, then edited\n");
            r.chmod("a.txt", 0o755);
        }),
        ("case-only rename with git mv", &|r| {
            r.git(&["mv", "a.txt", "A.txt"]);
        }),
        (
            "case-only rename, diff.renames=false in the global config",
            &|r| {
                std::fs::write(r.home.join(".gitconfig"), "[diff]\n\trenames = false\n").unwrap();
                r.git(&["mv", "a.txt", "A.txt"]);
            },
        ),
        ("case-only rename with git mv, status.renames=true", &|r| {
            r.git(&["config", "status.renames", "true"]);
            r.git(&["mv", "a.txt", "A.txt"]);
        }),
        ("case-only rename with git mv, diff.renames=false", &|r| {
            r.git(&["config", "diff.renames", "false"]);
            r.git(&["mv", "a.txt", "A.txt"]);
        }),
        ("case-only rename on disk", &|r| {
            std::fs::rename(r.work.join("a.txt"), r.work.join("A.txt")).unwrap();
        }),
        ("status.showUntrackedFiles=no", &|r| {
            r.git(&["config", "status.showUntrackedFiles", "no"]);
            r.write("u.txt", "u\n");
            r.write("fresh/v.txt", "v\n");
            r.write("a.txt", "alpha grows\n");
        }),
        ("symlink to a folder replaced by the folder", &|r| {
            std::fs::remove_file(r.work.join("link")).unwrap();
            std::fs::create_dir(r.work.join("link")).unwrap();
            r.write("link/x.txt", "x\n");
        }),
        ("one stash and a deleted symlink", &|r| {
            r.write("a.txt", "stashed\n");
            r.git(&["stash", "-q"]);
            std::fs::remove_file(r.work.join("link")).unwrap();
        }),
    ];
    for (state, edit) in states {
        let r = Repo::new();
        edit(&r);
        check(&r, state);
    }
}

/// A linked worktree: its own index and HEAD, the common objects; and a submodule-free bare
/// repository, which has no status.
#[test]
fn linked_worktree_and_bare_match_git() {
    let r = Repo::new();
    let wt = r.tmp.path().join("wt");
    r.git(&["worktree", "add", "-q", wt.to_str().unwrap(), "-b", "side"]);
    age_tree(&wt);
    r.git_in(&wt, &["update-index", "--refresh", "-q"]);
    std::fs::write(wt.join("a.txt"), "alpha in the worktree\n").unwrap();
    std::fs::write(wt.join("w.txt"), "w\n").unwrap();
    r.chmod("run.sh", 0o600);
    let paths = Paths {
        git_dir: r.work.join(".git/worktrees/wt"),
        common_dir: r.work.join(".git"),
        work_tree: Some(wt.clone()),
    };
    let (_, g) = same_as_git(&r, &paths, &wt, "linked worktree");
    assert_eq!((g.unstaged, g.untracked), (1, 1));
    same_as_git(&r, &r.paths(), &r.work, "main worktree beside a linked one");
    let bare = r.tmp.path().join("bare.git");
    r.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
    let paths = Paths {
        git_dir: bare.clone(),
        common_dir: bare,
        work_tree: None,
    };
    let s = gather_in(Some(&r.env()), &paths, &budget());
    assert!(matches!(s.unstaged, Count::Unknown(ref w) if w.contains("bare")));
}

/// A submodule whose index is over the budget (the parent's is not): its status cannot be
/// read, so the parent's unstaged count is unknown, never a wrong clean.
#[test]
fn a_submodule_over_the_budget_is_unknown_not_clean() {
    let r = Repo::with_submodule();
    for i in 0..20 {
        r.write(&format!("sub/many/f{i}.txt"), "f\n");
    }
    r.sub(&["add", "-A"]);
    r.sub(&["commit", "-q", "-m", "many"]);
    r.commit("sub with many");
    r.write("sub/many/f3.txt", "f, changed\n");
    let truth = git_status(&r, &r.work);
    assert_eq!(truth.unstaged, 1);
    let tight = Budget {
        max_index_entries: 12,
        ..budget()
    };
    let ours = gather_in(Some(&r.env()), &r.paths(), &tight);
    assert!(
        matches!(ours.unstaged, Count::Unknown(_)),
        "{:?}",
        ours.unstaged
    );
    assert!(
        ours.unknown
            .iter()
            .any(|(p, why)| p == "sub" && why.contains("submodule")),
        "{:?}",
        ours.unknown
    );
    let past = Budget {
        deadline: Instant::now(),
        ..budget()
    };
    let ours = gather_in(Some(&r.env()), &r.paths(), &past);
    assert!(
        !matches!(ours.unstaged, Count::Exact(0)),
        "{:?}",
        ours.unstaged
    );
}

/// Seeded rounds of edits around a submodule (inside it, its ignore rules, the parent's
/// files and modes), each compared with git: every class exact.
#[test]
fn seeded_random_submodule_edits_match_git() {
    let mut rng = Rng(0x5ab_5eed_0016_0002);
    let ignores = ["none", "untracked", "dirty", "all"];
    for round in 0..10 {
        let r = Repo::with_submodule();
        let mut did = Vec::new();
        for _ in 0..1 + rng.below(4) {
            let op = rng.below(10);
            did.push(op);
            match op {
                0 => r.write("sub/m.txt", "more, edited\n"),
                1 => r.write(&format!("sub/u{}.txt", rng.below(3)), "u\n"),
                2 => {
                    r.write("sub/l.txt", &format!("lib {round}\n"));
                    r.sub(&["commit", "-q", "-am", "next"]);
                }
                3 => {
                    let how = rng.pick(&ignores);
                    r.git(&["config", "-f", ".gitmodules", "submodule.sub.ignore", how]);
                }
                4 => {
                    let how = rng.pick(&ignores);
                    r.git(&["config", "submodule.sub.ignore", how]);
                }
                5 => {
                    let how = rng.pick(&ignores);
                    r.git(&["config", "diff.ignoreSubmodules", how]);
                }
                6 => {
                    let how = rng.pick(&["no", "normal", "all"]);
                    r.git(&["config", "status.showUntrackedFiles", how]);
                }
                7 => {
                    let on = rng.pick(&["true", "false"]);
                    r.git(&["config", "core.fileMode", on]);
                    r.chmod("a.txt", 0o755);
                }
                8 => {
                    r.write("sub/m.txt", "staged inside\n");
                    r.sub(&["add", "m.txt"]);
                }
                _ => r.write("a.txt", "alpha, a longer line\n"),
            }
        }
        check(&r, &format!("random round {round} {did:?}"));
    }
}
