//! Differential test of the staged count and the upstream (src/segment/git/status/staged.rs,
//! upstream.rs) against the real `git status --porcelain=v2 --branch`: staged lines (X not
//! `.`), `# branch.upstream` and `# branch.ab`. Every exact count must equal git's, a lower
//! bound must not pass it, and `.git` must be untouched by awesh.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use awesh::segment::git::status::{gather, Budget, Count, Paths, Status, Upstream};

fn git_in(dir: &Path, home: &Path, args: &[&str]) -> (String, bool) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_ALLOW_PROTOCOL", "file")
        .output()
        .expect("git runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.success(),
    )
}

/// Runs git and insists it succeeds.
fn git(dir: &Path, home: &Path, args: &[&str]) -> String {
    let (out, ok) = git_in(dir, home, args);
    assert!(ok, "git {args:?} failed in {}", dir.display());
    out
}

/// What git says: staged lines, conflicted paths, and the upstream with its `branch.ab`.
#[derive(Debug, Default)]
struct Git {
    staged: u32,
    conflicted: u32,
    upstream: Option<String>,
    ab: Option<(u32, u32)>,
}

fn git_status(dir: &Path, home: &Path) -> Git {
    let text = git(
        dir,
        home,
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
            ["1" | "2", xy, ..] => g.staged += u32::from(!xy.starts_with('.')),
            ["u", ..] => g.conflicted += 1,
            ["#", "branch.upstream", name] => g.upstream = Some((*name).to_string()),
            ["#", "branch.ab", a, b] => {
                let a = a.trim_start_matches('+').parse().unwrap();
                let b = b.trim_start_matches('-').parse().unwrap();
                g.ab = Some((a, b));
            }
            _ => {}
        }
    }
    g
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

fn budget() -> Budget {
    Budget {
        max_index_entries: 100_000,
        max_per_class: 0,
        deadline: Instant::now() + Duration::from_secs(3600),
    }
}

fn paths_of(work: &Path) -> Paths {
    let g = work.join(".git");
    Paths {
        git_dir: g.clone(),
        common_dir: g,
        work_tree: Some(work.to_path_buf()),
    }
}

/// Checks one count against git's; true when awesh was exact.
fn check(count: &Count, truth: u32, what: &str, state: &str) -> bool {
    match count {
        Count::Exact(n) => {
            assert_eq!(*n, truth, "{state}: {what} exact {n}, git says {truth}");
            true
        }
        Count::AtLeast(n) => {
            assert!(
                *n <= truth,
                "{state}: {what} at least {n}, git says {truth}"
            );
            false
        }
        Count::Unknown(_) => false,
    }
}

/// Checks the upstream against git's lines; true when awesh gave git's whole answer.
fn check_upstream(ours: &Result<Option<Upstream>, String>, truth: &Git, state: &str) -> bool {
    let ours = match ours {
        Ok(u) => u,
        Err(_) => return false,
    };
    match (ours, &truth.upstream) {
        (None, None) => true,
        (None, Some(name)) => panic!("{state}: awesh has no upstream, git has {name}"),
        (Some(u), None) => panic!("{state}: awesh has upstream {u:?}, git none"),
        (Some(u), Some(name)) => {
            assert_eq!(&u.name, name, "{state}: upstream name");
            match truth.ab {
                None => {
                    assert!(u.gone, "{state}: git prints no branch.ab, awesh {u:?}");
                    true
                }
                Some((a, b)) => {
                    assert!(!u.gone, "{state}: awesh says gone, git has +{a} -{b}");
                    let ea = check(&u.ahead, a, "ahead", state);
                    let eb = check(&u.behind, b, "behind", state);
                    ea && eb
                }
            }
        }
    }
}

/// Gathers at `paths`, proves `.git` untouched, compares with git run in `work`.
fn compare_at(paths: &Paths, work: &Path, home: &Path, state: &str) -> (Status, Git) {
    let before = snapshot(&paths.common_dir);
    let ours = gather(paths, &budget());
    assert_eq!(before, snapshot(&paths.common_dir), "{state}: .git changed");
    let truth = git_status(work, home);
    check(&ours.staged, truth.staged, "staged", state);
    check(&ours.conflicted, truth.conflicted, "conflicted", state);
    check_upstream(&ours.upstream, &truth, state);
    (ours, truth)
}

fn compare(work: &Path, home: &Path, state: &str) -> (Status, Git) {
    compare_at(&paths_of(work), work, home, state)
}

fn age(path: &Path) {
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(old)
        .unwrap();
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
    age(path);
}

/// A committed repository: root files, `dir/`, `dir/sub/`, `a/` and `b/` (for sparse
/// checkouts), each file's mtime in the past so none is racy.
fn repo() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let work = tmp.path().join("work");
    std::fs::create_dir_all(home.join(".config")).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    git(&work, &home, &["init", "-q", "-b", "main"]);
    for i in 0..9 {
        let name = match i % 3 {
            0 => format!("f{i}.txt"),
            1 => format!("dir/f{i}.txt"),
            _ => format!("dir/sub/f{i}.txt"),
        };
        write(&work.join(name), &format!("file {i}\n"));
    }
    write(&work.join("a/x.txt"), "x\n");
    write(&work.join("b/y.txt"), "y\n");
    write(&work.join("b/deeper/z.txt"), "z\n");
    git(&work, &home, &["add", "-A"]);
    git(&work, &home, &["commit", "-q", "-m", "one"]);
    (tmp, home, work)
}

/// One named change applied to a fresh repository (work tree, home).
type Edit = dyn Fn(&Path, &Path);

/// Staged states: (name, edit, whether awesh must be exact).
#[test]
fn staged_states_match_git() {
    let long = "a line that makes this file much longer than the one it replaces\n".repeat(4);
    let states: Vec<(&str, Box<Edit>, bool)> = vec![
        ("clean", Box::new(|_, _| {}), true),
        (
            "new file added",
            Box::new(|w, h| {
                write(&w.join("new.txt"), "n\n");
                git(w, h, &["add", "new.txt"]);
            }),
            true,
        ),
        (
            "modified and added",
            Box::new(|w, h| {
                write(&w.join("dir/f1.txt"), "changed\n");
                git(w, h, &["add", "dir/f1.txt"]);
            }),
            true,
        ),
        (
            "removed from the index only",
            Box::new(|w, h| {
                git(w, h, &["rm", "-q", "--cached", "f0.txt"]);
            }),
            true,
        ),
        (
            "git rm",
            Box::new(|w, h| {
                git(w, h, &["rm", "-q", "dir/sub/f2.txt"]);
            }),
            true,
        ),
        (
            "git rm -r of a folder",
            Box::new(|w, h| {
                git(w, h, &["rm", "-q", "-r", "dir"]);
            }),
            true,
        ),
        (
            "folder replaced by a file",
            Box::new(|w, h| {
                git(w, h, &["rm", "-q", "-r", "b"]);
                write(&w.join("b"), "now a file\n");
                git(w, h, &["add", "b"]);
            }),
            true,
        ),
        (
            "mode change staged",
            Box::new(|w, h| {
                use std::os::unix::fs::PermissionsExt;
                let f = w.join("f3.txt");
                std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
                git(w, h, &["add", "f3.txt"]);
            }),
            true,
        ),
        (
            "update-index --chmod=+x",
            Box::new(|w, h| {
                git(w, h, &["update-index", "--chmod=+x", "dir/f4.txt"]);
            }),
            true,
        ),
        (
            "symlink added",
            Box::new(|w, h| {
                std::os::unix::fs::symlink("f0.txt", w.join("link")).unwrap();
                git(w, h, &["add", "link"]);
            }),
            true,
        ),
        (
            "file became a symlink (typechange)",
            Box::new(|w, h| {
                std::fs::remove_file(w.join("f6.txt")).unwrap();
                std::os::unix::fs::symlink("f0.txt", w.join("f6.txt")).unwrap();
                git(w, h, &["add", "f6.txt"]);
            }),
            true,
        ),
        (
            "intent to add",
            Box::new(|w, h| {
                write(&w.join("ita.txt"), "i\n");
                git(w, h, &["add", "-N", "ita.txt"]);
            }),
            true,
        ),
        (
            "intent to add over a path in HEAD",
            Box::new(|w, h| {
                git(w, h, &["rm", "-q", "--cached", "f0.txt"]);
                git(w, h, &["add", "-N", "f0.txt"]);
            }),
            true,
        ),
        (
            "rename, renames not configured (lower bound)",
            Box::new(|w, h| {
                git(w, h, &["mv", "f0.txt", "moved.txt"]);
            }),
            false,
        ),
        (
            "rename, status.renames = true",
            Box::new(|w, h| {
                git(w, h, &["config", "status.renames", "true"]);
                git(w, h, &["mv", "f0.txt", "moved.txt"]);
                git(w, h, &["mv", "dir/sub", "elsewhere"]);
            }),
            true,
        ),
        (
            "rename, diff.renames = false",
            Box::new(|w, h| {
                git(w, h, &["config", "diff.renames", "false"]);
                git(w, h, &["mv", "f0.txt", "moved.txt"]);
            }),
            true,
        ),
        (
            "case-only rename, status.renames = true",
            Box::new(|w, h| {
                git(w, h, &["config", "status.renames", "true"]);
                git(w, h, &["mv", "f3.txt", "F3.txt"]);
            }),
            true,
        ),
        (
            "empty file renamed, status.renames = true",
            Box::new(|w, h| {
                git(w, h, &["config", "status.renames", "true"]);
                write(&w.join("empty"), "");
                git(w, h, &["add", "empty"]);
                git(w, h, &["commit", "-q", "-m", "empty"]);
                git(w, h, &["mv", "empty", "empty2"]);
            }),
            true,
        ),
        (
            "rename with an edit that changes the size too much to be one",
            Box::new(|w, h| {
                git(w, h, &["config", "status.renames", "true"]);
                git(w, h, &["mv", "f0.txt", "moved.txt"]);
                write(&w.join("moved.txt"), "file 0\nand more\n");
                git(w, h, &["add", "moved.txt"]);
            }),
            true,
        ),
        (
            "rename with a small edit, status.renames = true (lower bound)",
            Box::new(|w, h| {
                git(w, h, &["config", "status.renames", "true"]);
                let text: String = (0..20).map(|i| format!("line {i}\n")).collect();
                write(&w.join("long.txt"), &text);
                git(w, h, &["add", "long.txt"]);
                git(w, h, &["commit", "-q", "-m", "long"]);
                git(w, h, &["mv", "long.txt", "long2.txt"]);
                write(&w.join("long2.txt"), &text.replace("line 7", "line seven"));
                git(w, h, &["add", "long2.txt"]);
            }),
            false,
        ),
        (
            "delete and an add of the same size, unrelated, status.renames = true",
            Box::new(|w, h| {
                git(w, h, &["config", "status.renames", "true"]);
                git(w, h, &["rm", "-q", "f0.txt"]);
                write(&w.join("other.txt"), "abcdefg\n");
                git(w, h, &["add", "other.txt"]);
            }),
            false,
        ),
        (
            "delete and an unrelated add of another size, status.renames = true",
            Box::new({
                let long = long.clone();
                move |w, h| {
                    git(w, h, &["config", "status.renames", "true"]);
                    git(w, h, &["rm", "-q", "f0.txt"]);
                    write(&w.join("big.txt"), &long);
                    git(w, h, &["add", "big.txt"]);
                }
            }),
            true,
        ),
        (
            "staged then reverted in the work tree",
            Box::new(|w, h| {
                write(&w.join("f0.txt"), "staged\n");
                git(w, h, &["add", "f0.txt"]);
                write(&w.join("f0.txt"), "file 0\n");
            }),
            true,
        ),
        (
            "same content re-added (cache-tree invalidated, nothing staged)",
            Box::new(|w, h| {
                write(&w.join("dir/sub/f5.txt"), "file 5\n");
                git(w, h, &["add", "dir/sub/f5.txt"]);
                git(w, h, &["rm", "-q", "--cached", "-r", "b"]);
                git(w, h, &["add", "b"]);
            }),
            true,
        ),
        (
            "cache-tree rebuilt by read-tree, one change",
            Box::new(|w, h| {
                git(w, h, &["read-tree", "HEAD"]);
                write(&w.join("b/deeper/z.txt"), "zz\n");
                git(w, h, &["add", "b/deeper/z.txt"]);
            }),
            true,
        ),
        (
            "index v2",
            Box::new(|w, h| {
                git(w, h, &["update-index", "--index-version", "2"]);
                write(&w.join("a/x.txt"), "xx\n");
                git(w, h, &["add", "a/x.txt"]);
            }),
            true,
        ),
        (
            "index v3 with skip-worktree",
            Box::new(|w, h| {
                git(w, h, &["update-index", "--index-version", "3"]);
                git(w, h, &["update-index", "--skip-worktree", "f0.txt"]);
                write(&w.join("new.txt"), "n\n");
                git(w, h, &["add", "new.txt"]);
            }),
            true,
        ),
        (
            "index v4",
            Box::new(|w, h| {
                git(w, h, &["update-index", "--index-version", "4"]);
                write(&w.join("dir/sub/new.txt"), "n\n");
                git(w, h, &["add", "dir/sub/new.txt"]);
                git(w, h, &["rm", "-q", "--cached", "dir/f1.txt"]);
            }),
            true,
        ),
        (
            "split index",
            Box::new(|w, h| {
                git(w, h, &["update-index", "--split-index"]);
                write(&w.join("new.txt"), "n\n");
                git(w, h, &["add", "new.txt"]);
            }),
            true,
        ),
        (
            "split index: replaced, deleted and added entries",
            Box::new(|w, h| {
                git(w, h, &["update-index", "--split-index"]);
                write(&w.join("f0.txt"), "replaced\n");
                write(
                    &w.join("z-new.txt"),
                    "added, and long enough to be no rename of anything here\n",
                );
                git(w, h, &["add", "f0.txt", "z-new.txt"]);
                git(w, h, &["rm", "-q", "--cached", "dir/f4.txt"]);
                git(w, h, &["rm", "-q", "-r", "--cached", "b"]);
            }),
            true,
        ),
        (
            "objects packed by gc",
            Box::new(|w, h| {
                write(&w.join("dir/f7.txt"), "changed\n");
                git(w, h, &["commit", "-q", "-am", "two"]);
                git(w, h, &["gc", "-q"]);
                write(&w.join("dir/sub/f8.txt"), "changed\n");
                git(w, h, &["add", "dir/sub/f8.txt"]);
                git(w, h, &["rm", "-q", "--cached", "-r", "a"]);
            }),
            true,
        ),
        (
            "deep tree",
            Box::new(|w, h| {
                let deep: PathBuf = (0..24).map(|i| format!("d{i}")).collect();
                write(&w.join(&deep).join("leaf.txt"), "leaf\n");
                git(w, h, &["add", "-A"]);
                git(w, h, &["commit", "-q", "-m", "deep"]);
                write(&w.join(&deep).join("leaf.txt"), "changed leaf\n");
                write(&w.join(&deep).join("other.txt"), "o\n");
                git(w, h, &["add", "-A"]);
            }),
            true,
        ),
        (
            "gitlink added (nested repository)",
            Box::new(|w, h| {
                let sub = w.join("nested");
                std::fs::create_dir_all(&sub).unwrap();
                git(&sub, h, &["init", "-q", "-b", "main"]);
                git(&sub, h, &["commit", "-q", "--allow-empty", "-m", "s"]);
                git(w, h, &["add", "nested"]);
            }),
            true,
        ),
        (
            "gitlink moved to a new commit",
            Box::new(|w, h| {
                let sub = w.join("nested");
                std::fs::create_dir_all(&sub).unwrap();
                git(&sub, h, &["init", "-q", "-b", "main"]);
                git(&sub, h, &["commit", "-q", "--allow-empty", "-m", "s"]);
                git(w, h, &["add", "nested"]);
                git(w, h, &["commit", "-q", "-m", "sub"]);
                git(&sub, h, &["commit", "-q", "--allow-empty", "-m", "s2"]);
                git(w, h, &["add", "nested"]);
            }),
            true,
        ),
        (
            "amended HEAD (index matches the old commit)",
            Box::new(|w, h| {
                write(&w.join("f0.txt"), "amended\n");
                git(w, h, &["commit", "-q", "-am", "two"]);
                git(w, h, &["reset", "-q", "--soft", "HEAD~1"]);
            }),
            true,
        ),
        (
            "detached HEAD with a staged change",
            Box::new(|w, h| {
                git(w, h, &["checkout", "-q", "--detach"]);
                write(&w.join("f0.txt"), "changed\n");
                git(w, h, &["add", "f0.txt"]);
            }),
            true,
        ),
    ];
    let mut exact = 0;
    for (state, edit, must) in &states {
        let (_tmp, home, work) = repo();
        edit(&work, &home);
        let (ours, truth) = compare(&work, &home, state);
        let was = matches!(ours.staged, Count::Exact(_));
        eprintln!("{state}: awesh {:?}, git {}", ours.staged, truth.staged);
        if *must {
            assert!(
                was,
                "{state}: not exact: {:?} (git {})",
                ours.staged, truth.staged
            );
        }
        exact += u32::from(was);
    }
    eprintln!("staged: {exact}/{} exact", states.len());
    assert!(states.len() >= 25);
}

#[test]
fn unborn_head_stages_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let (home, work) = (tmp.path().join("home"), tmp.path().join("work"));
    std::fs::create_dir_all(&work).unwrap();
    git(&work, &home, &["init", "-q", "-b", "main"]);
    let (ours, _) = compare(&work, &home, "fresh init");
    assert_eq!(ours.staged, Count::Exact(0));
    write(&work.join("a.txt"), "a\n");
    write(&work.join("d/b.txt"), "b\n");
    write(&work.join("d/c.txt"), "c\n");
    git(&work, &home, &["add", "-A"]);
    write(&work.join("ita.txt"), "i\n");
    git(&work, &home, &["add", "-N", "ita.txt"]);
    let (ours, truth) = compare(&work, &home, "unborn with files");
    assert_eq!(ours.staged, Count::Exact(3));
    assert_eq!(truth.staged, 3);
}

#[test]
fn conflict_is_not_staged() {
    let (_tmp, home, work) = repo();
    git(&work, &home, &["checkout", "-q", "-b", "other"]);
    write(&work.join("f0.txt"), "their side\n");
    git(&work, &home, &["commit", "-q", "-am", "theirs"]);
    git(&work, &home, &["checkout", "-q", "main"]);
    write(&work.join("f0.txt"), "our own side\n");
    write(&work.join("dir/f1.txt"), "also ours\n");
    git(&work, &home, &["commit", "-q", "-am", "ours"]);
    let (_, merged) = git_in(&work, &home, &["merge", "-q", "other"]);
    assert!(!merged, "the merge conflicts");
    write(&work.join("new.txt"), "n\n");
    git(&work, &home, &["add", "new.txt"]);
    let (ours, truth) = compare(&work, &home, "conflict");
    assert_eq!(ours.conflicted, Count::Exact(1));
    assert_eq!(ours.staged, Count::Exact(truth.staged));
}

#[test]
fn sparse_index_compares_folder_entries() {
    let (_tmp, home, work) = repo();
    // Change b/ in a commit, then move HEAD back: the index keeps the new b/ tree.
    write(&work.join("b/y.txt"), "y changed\n");
    write(&work.join("b/deeper/new.txt"), "new\n");
    git(&work, &home, &["commit", "-q", "-am", "b changed"]);
    git(&work, &home, &["add", "-A"]);
    git(&work, &home, &["commit", "-q", "-m", "b grows"]);
    git(
        &work,
        &home,
        &["sparse-checkout", "init", "--cone", "--sparse-index"],
    );
    git(&work, &home, &["sparse-checkout", "set", "a"]);
    let (ours, truth) = compare(&work, &home, "sparse, clean");
    assert_eq!(ours.staged, Count::Exact(0));
    assert_eq!(truth.staged, 0);
    write(&work.join("a/x.txt"), "in cone\n");
    git(&work, &home, &["add", "a/x.txt"]);
    let (ours, _) = compare(&work, &home, "sparse, in-cone change");
    assert_eq!(ours.staged, Count::Exact(1));
    git(&work, &home, &["reset", "-q", "--soft", "HEAD~2"]);
    let index = std::fs::read(work.join(".git/index")).unwrap();
    assert!(index.windows(4).any(|w| w == b"sdir"), "index is sparse");
    let (ours, truth) = compare(&work, &home, "sparse folder differs from HEAD");
    assert!(
        truth.staged >= 3,
        "git sees the out-of-cone changes: {truth:?}"
    );
    assert_eq!(ours.staged, Count::Exact(truth.staged));
}

#[test]
fn linked_worktree_staged() {
    let (tmp, home, work) = repo();
    let linked = tmp.path().join("linked");
    git(
        &work,
        &home,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "side",
            linked.to_str().unwrap(),
        ],
    );
    write(&linked.join("f0.txt"), "changed in the linked one\n");
    git(&linked, &home, &["add", "f0.txt"]);
    let paths = Paths {
        git_dir: work.join(".git/worktrees/linked"),
        common_dir: work.join(".git"),
        work_tree: Some(linked.clone()),
    };
    let (ours, _) = compare_at(&paths, &linked, &home, "linked worktree");
    assert_eq!(ours.staged, Count::Exact(1));
}

#[test]
fn budgets_give_bounds_never_a_wrong_clean() {
    let (_tmp, home, work) = repo();
    for f in ["f0.txt", "f3.txt", "dir/f1.txt", "dir/sub/f2.txt"] {
        write(&work.join(f), "changed\n");
    }
    git(&work, &home, &["add", "-A"]);
    let truth = git_status(&work, &home);
    assert_eq!(truth.staged, 4);
    let one = Budget {
        max_per_class: 1,
        ..budget()
    };
    assert_eq!(gather(&paths_of(&work), &one).staged, Count::AtLeast(1));
    let past = Budget {
        deadline: Instant::now(),
        ..budget()
    };
    let s = gather(&paths_of(&work), &past).staged;
    assert!(matches!(s, Count::Unknown(_)), "{s:?}");
}

#[test]
fn unreadable_objects_are_unknown() {
    let (_tmp, home, work) = repo();
    write(&work.join("b/y.txt"), "changed\n");
    git(&work, &home, &["add", "b/y.txt"]);
    // HEAD's b/ tree is needed (the cache-tree no longer covers b/): take it away, as a
    // partial clone would lack it.
    let tree = git(&work, &home, &["rev-parse", "HEAD:b"]);
    let tree = tree.trim();
    let loose = work.join(".git/objects").join(&tree[..2]).join(&tree[2..]);
    std::fs::remove_file(&loose).unwrap();
    let s = gather(&paths_of(&work), &budget()).staged;
    assert!(
        matches!(&s, Count::Unknown(w) if w.contains("missing")),
        "{s:?}"
    );
}

#[test]
fn replace_refs_are_unknown() {
    let (_tmp, home, work) = repo();
    let head = git(&work, &home, &["rev-parse", "HEAD"]);
    git(
        &work,
        &home,
        &["commit", "-q", "--allow-empty", "-m", "two"],
    );
    let two = git(&work, &home, &["rev-parse", "HEAD"]);
    git(&work, &home, &["replace", two.trim(), head.trim()]);
    let s = gather(&paths_of(&work), &budget()).staged;
    assert!(
        matches!(&s, Count::Unknown(w) if w.contains("replace")),
        "{s:?}"
    );
}

/// A clone of a repository with one commit: (tmp, home, upstream repo, clone).
fn cloned() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let up = tmp.path().join("up");
    std::fs::create_dir_all(home.join(".config")).unwrap();
    std::fs::create_dir_all(&up).unwrap();
    git(&up, &home, &["init", "-q", "-b", "main"]);
    write(&up.join("a.txt"), "a\n");
    git(&up, &home, &["add", "-A"]);
    git(&up, &home, &["commit", "-q", "-m", "one"]);
    let work = tmp.path().join("work");
    git(tmp.path(), &home, &["clone", "-q", "up", "work"]);
    (tmp, home, up, work)
}

fn commit(dir: &Path, home: &Path, n: usize, what: &str) {
    for i in 0..n {
        git(
            dir,
            home,
            &[
                "commit",
                "-q",
                "--allow-empty",
                "-m",
                &format!("{what} {i}"),
            ],
        );
    }
}

/// Upstream states: (name, edit of (home, upstream repo, clone), must be git's whole answer).
type UpEdit = dyn Fn(&Path, &Path, &Path);

#[test]
fn upstream_states_match_git() {
    let states: Vec<(&str, Box<UpEdit>, bool)> = vec![
        ("up to date", Box::new(|_, _, _| {}), true),
        ("ahead", Box::new(|h, _, w| commit(w, h, 3, "ours")), true),
        (
            "behind",
            Box::new(|h, u, w| {
                commit(u, h, 2, "theirs");
                git(w, h, &["fetch", "-q"]);
            }),
            true,
        ),
        (
            "diverged",
            Box::new(|h, u, w| {
                commit(u, h, 2, "theirs");
                commit(w, h, 4, "ours");
                git(w, h, &["fetch", "-q"]);
            }),
            true,
        ),
        (
            "diverged with merges",
            Box::new(|h, u, w| {
                commit(u, h, 2, "theirs");
                git(w, h, &["checkout", "-q", "-b", "topic"]);
                commit(w, h, 2, "topic");
                git(w, h, &["checkout", "-q", "main"]);
                commit(w, h, 1, "ours");
                git(w, h, &["merge", "-q", "--no-edit", "--no-ff", "topic"]);
                git(w, h, &["fetch", "-q"]);
            }),
            true,
        ),
        (
            "gone",
            Box::new(|h, _, w| {
                git(w, h, &["update-ref", "-d", "refs/remotes/origin/main"]);
            }),
            true,
        ),
        (
            "packed remote refs",
            Box::new(|h, u, w| {
                commit(u, h, 1, "theirs");
                git(w, h, &["fetch", "-q"]);
                commit(w, h, 1, "ours");
                git(w, h, &["pack-refs", "--all"]);
            }),
            true,
        ),
        (
            "local branch upstream (remote = .)",
            Box::new(|h, _, w| {
                git(
                    w,
                    h,
                    &["checkout", "-q", "--track", "-b", "feature", "main"],
                );
                commit(w, h, 2, "feature");
            }),
            true,
        ),
        (
            "non-default refspec",
            Box::new(|h, u, w| {
                git(
                    w,
                    h,
                    &[
                        "config",
                        "--replace-all",
                        "remote.origin.fetch",
                        "+refs/heads/*:refs/remotes/mirror/*",
                    ],
                );
                commit(u, h, 1, "theirs");
                git(w, h, &["fetch", "-q"]);
            }),
            true,
        ),
        (
            "exact refspec to another name",
            Box::new(|h, u, w| {
                git(
                    w,
                    h,
                    &[
                        "config",
                        "--replace-all",
                        "remote.origin.fetch",
                        "refs/heads/main:refs/remotes/origin/trunk",
                    ],
                );
                commit(u, h, 1, "theirs");
                git(w, h, &["fetch", "-q"]);
            }),
            true,
        ),
        (
            "detached",
            Box::new(|h, _, w| {
                git(w, h, &["checkout", "-q", "--detach", "main"]);
            }),
            true,
        ),
        (
            "no upstream on a new branch",
            Box::new(|h, _, w| {
                git(w, h, &["checkout", "-q", "-b", "solo"]);
            }),
            true,
        ),
        (
            "short branch.merge (git maps nothing)",
            Box::new(|h, _, w| {
                git(w, h, &["config", "branch.main.merge", "main"]);
            }),
            true,
        ),
        (
            "ambiguous short name (a tag origin/main)",
            Box::new(|h, _, w| {
                git(w, h, &["tag", "origin/main"]);
                commit(w, h, 1, "ours");
            }),
            true,
        ),
        (
            "unborn branch with an upstream configured",
            Box::new(|h, _, w| {
                git(w, h, &["checkout", "-q", "--orphan", "fresh"]);
                git(w, h, &["config", "branch.fresh.remote", "origin"]);
                git(w, h, &["config", "branch.fresh.merge", "refs/heads/main"]);
            }),
            true,
        ),
        (
            "includes in the config (unknown)",
            Box::new(|h, _, w| {
                git(w, h, &["config", "include.path", "extra"]);
            }),
            false,
        ),
    ];
    let mut whole = 0;
    for (state, edit, must) in &states {
        let (_tmp, home, up, work) = cloned();
        edit(&home, &up, &work);
        let (ours, truth) = compare(&work, &home, state);
        let ok = check_upstream(&ours.upstream, &truth, state);
        eprintln!(
            "{state}: awesh {:?}, git {:?} {:?}",
            ours.upstream, truth.upstream, truth.ab
        );
        if *must {
            assert!(ok, "{state}: {:?} vs git {truth:?}", ours.upstream);
        }
        whole += u32::from(ok);
    }
    eprintln!("upstream: {whole}/{} as git", states.len());
    assert!(states.len() >= 10);
}

#[test]
fn shallow_clone_ahead() {
    let (tmp, home, up, _work) = cloned();
    commit(&up, &home, 3, "more");
    let url = format!("file://{}", up.display());
    git(
        tmp.path(),
        &home,
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let work = tmp.path().join("shallow");
    commit(&work, &home, 2, "ours");
    let (ours, truth) = compare(&work, &home, "shallow ahead");
    assert_eq!(truth.ab, Some((2, 0)));
    assert!(check_upstream(&ours.upstream, &truth, "shallow ahead"));
}

#[test]
fn reftable_repositories() {
    let (tmp, home, up, _work) = cloned();
    git(
        tmp.path(),
        &home,
        &["clone", "-q", "--ref-format=reftable", "up", "rt"],
    );
    let work = tmp.path().join("rt");
    assert!(work.join(".git/reftable").is_dir());
    commit(&up, &home, 2, "theirs");
    git(&work, &home, &["fetch", "-q"]);
    commit(&work, &home, 1, "ours");
    write(&work.join("new.txt"), "n\n");
    git(&work, &home, &["add", "new.txt"]);
    let (ours, truth) = compare(&work, &home, "reftable");
    assert_eq!(ours.staged, Count::Exact(1));
    assert_eq!(truth.ab, Some((1, 2)));
    assert!(check_upstream(&ours.upstream, &truth, "reftable"));
}

#[test]
fn sha256_repositories_are_unknown() {
    let tmp = tempfile::tempdir().unwrap();
    let (home, work) = (tmp.path().join("home"), tmp.path().join("work"));
    std::fs::create_dir_all(&work).unwrap();
    git(
        &work,
        &home,
        &["init", "-q", "-b", "main", "--object-format=sha256"],
    );
    write(&work.join("a.txt"), "a\n");
    git(&work, &home, &["add", "a.txt"]);
    git(&work, &home, &["commit", "-q", "-m", "one"]);
    let s = gather(&paths_of(&work), &budget());
    assert!(matches!(&s.staged, Count::Unknown(_)), "{:?}", s.staged);
    assert!(s.upstream.is_err(), "{:?}", s.upstream);
}

#[test]
fn split_index_bitmaps_are_applied() {
    use awesh::segment::git::status::{index, split};
    let (_tmp, home, work) = repo();
    git(&work, &home, &["update-index", "--split-index"]);
    write(&work.join("f0.txt"), "replaced in the split index\n");
    git(&work, &home, &["add", "f0.txt"]);
    git(&work, &home, &["rm", "-q", "--cached", "dir/f4.txt"]);
    let g = work.join(".git");
    let main = index::parse(&std::fs::read(g.join("index")).unwrap(), 1000).unwrap();
    assert!(main.split && main.link.len() > 20, "bitmaps present");
    assert!(
        main.entries.iter().any(|e| e.path.is_empty()),
        "a replacement"
    );
    let whole = split::resolve(&g, main, 1000).unwrap();
    let listed = git(&work, &home, &["ls-files", "-s"]);
    let ours: Vec<String> = whole
        .entries
        .iter()
        .map(|e| {
            let hex: String = e.oid.iter().map(|b| format!("{b:02x}")).collect();
            format!(
                "{:o} {hex} {}\t{}",
                e.mode,
                e.stage,
                String::from_utf8_lossy(&e.path)
            )
        })
        .collect();
    assert_eq!(ours, listed.lines().collect::<Vec<_>>());
    let (ours, _) = compare(&work, &home, "split index bitmaps");
    assert_eq!(ours.staged, Count::Exact(2));
}

/// A small deterministic PRNG (xorshift64*), so the random edits are the same every run.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// Seeded rounds of index edits (add, remove, move, chmod, new folders, commits, soft
/// resets, read-tree), each compared with git; renames are off in half the rounds so most
/// counts must be exact.
#[test]
fn seeded_random_index_edits_match_git() {
    let mut rng = Rng(0x7ee5_5eed_0016_0001);
    let files = [
        "f0.txt",
        "f3.txt",
        "f6.txt",
        "dir/f1.txt",
        "dir/f4.txt",
        "dir/sub/f2.txt",
        "dir/sub/f5.txt",
        "a/x.txt",
        "b/y.txt",
        "b/deeper/z.txt",
    ];
    let (mut exact, rounds) = (0u32, 40u32);
    for round in 0..rounds {
        let (_tmp, home, work) = repo();
        let (w, h) = (work.as_path(), home.as_path());
        let renames_off = round % 2 == 0;
        if renames_off {
            git(w, h, &["config", "status.renames", "false"]);
        }
        let mut commits = 1;
        for step in 0..1 + rng.below(6) {
            let f = files[rng.below(files.len() as u64) as usize];
            let p = w.join(f);
            match rng.below(10) {
                0 | 1 => {
                    if p.is_file() {
                        write(&p, &format!("round {round} step {step} grows the file\n"));
                        git(w, h, &["add", "-A", f]);
                    }
                }
                2 => drop(git_in(w, h, &["rm", "-q", "--cached", f])),
                3 => {
                    let to = format!("moved{step}.txt");
                    drop(git_in(w, h, &["mv", f, &to]));
                }
                4 => drop(git_in(w, h, &["update-index", "--chmod=+x", f])),
                5 => {
                    let new = format!("n{}/d{step}/new{step}.txt", rng.below(3));
                    write(&w.join(&new), &format!("new in round {round}\n"));
                    git(w, h, &["add", &new]);
                }
                6 => {
                    if git_in(w, h, &["commit", "-q", "-m", "step"]).1 {
                        commits += 1;
                    }
                }
                7 => {
                    if commits > 1 {
                        git(w, h, &["reset", "-q", "--soft", "HEAD~1"]);
                        commits -= 1;
                    }
                }
                8 => drop(git_in(w, h, &["rm", "-q", "-r", "--cached", "b"])),
                _ => drop(git_in(w, h, &["read-tree", "HEAD"])),
            }
        }
        let state = format!("random round {round}");
        let (ours, truth) = compare(w, h, &state);
        let was = matches!(ours.staged, Count::Exact(_));
        if renames_off {
            assert!(was, "{state}: {:?}, git {}", ours.staged, truth.staged);
        }
        exact += u32::from(was);
    }
    eprintln!("random: {exact}/{rounds} exact staged");
}

#[test]
fn upstream_in_a_linked_worktree() {
    let (tmp, home, up, work) = cloned();
    commit(&up, &home, 2, "theirs");
    git(&work, &home, &["fetch", "-q"]);
    let linked = tmp.path().join("linked");
    let l = linked.to_str().unwrap();
    git(
        &work,
        &home,
        &[
            "worktree",
            "add",
            "-q",
            "--track",
            "-b",
            "side",
            l,
            "origin/main",
        ],
    );
    commit(&linked, &home, 1, "side");
    let paths = Paths {
        git_dir: work.join(".git/worktrees/linked"),
        common_dir: work.join(".git"),
        work_tree: Some(linked.clone()),
    };
    let (ours, truth) = compare_at(&paths, &linked, &home, "linked upstream");
    assert_eq!(truth.ab, Some((1, 0)));
    assert!(check_upstream(&ours.upstream, &truth, "linked upstream"));
}

/// Committer dates that go backwards (a clock set wrong) on both sides.
#[test]
fn ahead_behind_with_skewed_dates() {
    let (_tmp, home, up, work) = cloned();
    let dated = |dir: &Path, when: &str, msg: &str| {
        let ok = Command::new("git")
            .args(["commit", "-q", "--allow-empty", "-m", msg])
            .current_dir(dir)
            .env("HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_DATE", when)
            .status()
            .unwrap()
            .success();
        assert!(ok);
    };
    dated(&up, "@1000000000 +0000", "old theirs");
    dated(&up, "@2000000000 +0000", "new theirs");
    dated(&work, "@1500000000 +0000", "mid ours");
    dated(&work, "@900000000 +0000", "older ours");
    git(&work, &home, &["fetch", "-q"]);
    let (ours, truth) = compare(&work, &home, "skewed dates");
    assert_eq!(truth.ab, Some((2, 2)));
    assert!(check_upstream(&ours.upstream, &truth, "skewed dates"));
}
