//! The work tree awesh picks (`segment::git::worktree::of`) is the one `git rev-parse
//! --show-toplevel` reports, for every way of naming or finding the repository: GIT_DIR with
//! and without GIT_WORK_TREE, core.worktree, core.bare, bare repositories, linked worktrees,
//! subfolders.

use std::path::{Path, PathBuf};
use std::process::Command;

use awesh::env::Env;
use awesh::segment::git::{self, worktree};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// git's answer: the top of the work tree, or `None` where it says there is none.
fn git_top(cwd: &Path, vars: &[(&str, PathBuf)]) -> Option<PathBuf> {
    let out = Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .current_dir(cwd)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .envs(vars.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    out.status.success().then(|| {
        PathBuf::from(
            String::from_utf8(out.stdout)
                .unwrap()
                .trim_end_matches('\n'),
        )
    })
}

/// git's `rev-parse --is-bare-repository`.
fn git_bare(cwd: &Path, vars: &[(&str, PathBuf)]) -> bool {
    let out = Command::new("git")
        .args(["rev-parse", "--is-bare-repository"])
        .current_dir(cwd)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .envs(vars.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    out.stdout == b"true\n"
}

fn awesh_top(cwd: &Path, vars: &[(&str, PathBuf)]) -> (Option<PathBuf>, bool) {
    let env = Env::new(cwd, vars.iter().map(|(k, v)| (*k, v.as_os_str())));
    let raw = git::gather(&env).expect("a repository");
    let tree = worktree::of(&env, &raw);
    let top = tree.top.map(|t| std::fs::canonicalize(&t).unwrap_or(t));
    (top, tree.bare)
}

#[test]
fn the_work_tree_is_gits() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    let repo = root.join("repo");
    let other = root.join("other");
    std::fs::create_dir_all(repo.join("sub")).unwrap();
    std::fs::create_dir_all(other.join("deep")).unwrap();
    git(&root, &["init", "-q", "repo"]);
    git(&repo, &["commit", "-q", "--allow-empty", "-m", "x"]);
    git(&root, &["init", "-q", "--bare", "bare.git"]);
    git(&repo, &["worktree", "add", "-q", "../linked"]);
    let dot = repo.join(".git");
    let bare = root.join("bare.git");
    type Case<'a> = (&'a str, PathBuf, Vec<(&'a str, PathBuf)>, Option<&'a str>);
    let cases: Vec<Case> = vec![
        ("found from the top", repo.clone(), vec![], None),
        ("found from a subfolder", repo.join("sub"), vec![], None),
        (
            "GIT_DIR alone: the working directory",
            other.clone(),
            vec![("GIT_DIR", dot.clone())],
            None,
        ),
        (
            "GIT_DIR from a subfolder of another folder",
            other.join("deep"),
            vec![("GIT_DIR", dot.clone())],
            None,
        ),
        (
            "GIT_DIR and GIT_WORK_TREE",
            other.clone(),
            vec![("GIT_DIR", dot.clone()), ("GIT_WORK_TREE", repo.clone())],
            None,
        ),
        (
            "GIT_WORK_TREE with a discovered repository",
            repo.join("sub"),
            vec![("GIT_WORK_TREE", other.clone())],
            None,
        ),
        (
            "core.worktree, discovered",
            repo.clone(),
            vec![],
            Some("core.worktree=../../other"),
        ),
        (
            "core.worktree naming no folder",
            repo.clone(),
            vec![],
            Some("core.worktree=../other"),
        ),
        (
            "core.worktree with GIT_DIR",
            root.clone(),
            vec![("GIT_DIR", dot.clone())],
            Some("core.worktree=../../other"),
        ),
        (
            "GIT_WORK_TREE beats core.worktree",
            repo.clone(),
            vec![("GIT_WORK_TREE", repo.join("sub"))],
            Some("core.worktree=../other"),
        ),
        (
            "core.bare, discovered",
            repo.clone(),
            vec![],
            Some("core.bare=true"),
        ),
        (
            "core.bare with GIT_DIR",
            other.clone(),
            vec![("GIT_DIR", dot.clone())],
            Some("core.bare=true"),
        ),
        (
            "core.bare and GIT_WORK_TREE",
            other.clone(),
            vec![("GIT_DIR", dot.clone()), ("GIT_WORK_TREE", other.clone())],
            Some("core.bare=true"),
        ),
        ("a bare repository", bare.clone(), vec![], None),
        (
            "a bare repository by GIT_DIR",
            other.clone(),
            vec![("GIT_DIR", bare.clone())],
            None,
        ),
        (
            "a bare repository with GIT_WORK_TREE",
            bare.clone(),
            vec![("GIT_WORK_TREE", other.clone())],
            None,
        ),
        ("a linked worktree", root.join("linked"), vec![], None),
        ("inside .git", dot.clone(), vec![], None),
        ("inside .git/refs", dot.join("refs"), vec![], None),
        (
            "relative GIT_DIR",
            repo.join("sub"),
            vec![("GIT_DIR", PathBuf::from("../.git"))],
            None,
        ),
        (
            "GIT_WORK_TREE naming no folder",
            other.clone(),
            vec![
                ("GIT_DIR", dot.clone()),
                ("GIT_WORK_TREE", root.join("none")),
            ],
            None,
        ),
        (
            "relative GIT_WORK_TREE",
            other.clone(),
            vec![
                ("GIT_DIR", dot.clone()),
                ("GIT_WORK_TREE", PathBuf::from("deep")),
            ],
            None,
        ),
    ];
    // Set and unset from outside the repository: inside, a broken core.worktree stops git.
    let cfg = dot.join("config");
    let mut checked = 0;
    for (what, cwd, vars, config) in &cases {
        if let Some(kv) = config {
            let (k, v) = kv.split_once('=').unwrap();
            git(&root, &["config", "-f", cfg.to_str().unwrap(), k, v]);
        }
        let want = git_top(cwd, vars);
        let (got, bare) = awesh_top(cwd, vars);
        assert_eq!(got, want, "{what}: cwd {cwd:?}, {vars:?}, {config:?}");
        if want.is_none() {
            assert_eq!(bare, git_bare(cwd, vars), "{what}: bare");
        }
        if let Some(kv) = config {
            let k = kv.split_once('=').unwrap().0;
            git(
                &root,
                &["config", "-f", cfg.to_str().unwrap(), "--unset", k],
            );
        }
        checked += usize::from(want.is_some());
    }
    assert!(checked > 10, "too few cases with a work tree: {checked}");
}
