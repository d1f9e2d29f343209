//! The test environment builder shared by the integration tests: a temp dir with its own
//! HOME, no inherited git/kube/awesh variables, and helpers to make git repositories with the
//! real `git` and kubeconfigs by hand. Never touches the developer's own home or config.
#![allow(dead_code)]

pub mod chat;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch world: `root/home` is HOME, everything else is up to the test.
pub struct World {
    pub dir: tempfile::TempDir,
}

impl World {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("awesh-test-")
            .tempdir()
            .unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        World { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes a file (creating parent folders) and returns its path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// A command with a scrubbed environment: only PATH, HOME (the world's), LANG=C,
    /// and git told to ignore global and system config.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("LANG", "C")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("XDG_CACHE_HOME", self.root().join("cache"))
            .env("XDG_CONFIG_HOME", self.root().join("config"))
            .current_dir(self.root());
        cmd
    }

    /// The awesh binary under test, in the world's environment. The deadline is generous:
    /// these tests are about answers, and a debug build on a loaded machine is slow.
    pub fn awesh(&self) -> Command {
        let mut cmd = self.command(env!("CARGO_BIN_EXE_awesh"));
        cmd.env("AWESH_TIMEOUT_MS", "20000");
        cmd
    }

    /// Runs real `git` in `dir` (relative to the root), panicking on failure.
    pub fn git(&self, dir: &str, args: &[&str]) -> String {
        let out = self
            .command("git")
            .args(args)
            .current_dir(self.path(dir))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }

    /// `git init` a repository at `rel` on branch `branch` with one commit.
    pub fn repo(&self, rel: &str, branch: &str) -> PathBuf {
        let path = self.path(rel);
        std::fs::create_dir_all(&path).unwrap();
        self.git(rel, &["init", "-q", "-b", branch]);
        self.commit(rel, "first");
        path
    }

    /// Writes a file named after `msg` and commits it.
    pub fn commit(&self, rel: &str, msg: &str) {
        std::fs::write(self.path(rel).join(format!("{msg}.txt")), msg).unwrap();
        self.git(rel, &["add", "."]);
        self.git(rel, &["commit", "-q", "-m", msg]);
    }
}

/// Runs a command and returns stdout as a string, asserting it exited 0.
pub fn stdout(mut cmd: Command) -> String {
    let out: Output = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} exited {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A kubeconfig with the given current-context and `(name, namespace)` contexts.
pub fn kubeconfig(current: Option<&str>, contexts: &[(&str, Option<&str>)]) -> String {
    let mut s = String::from("apiVersion: v1\nkind: Config\n");
    if let Some(c) = current {
        s.push_str(&format!("current-context: {c}\n"));
    }
    s.push_str("contexts:\n");
    for (name, ns) in contexts {
        s.push_str(&format!(
            "- name: {name}\n  context:\n    cluster: c\n    user: u\n"
        ));
        if let Some(ns) = ns {
            s.push_str(&format!("    namespace: {ns}\n"));
        }
    }
    s.push_str("clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\nusers:\n- name: u\n  user:\n    token: secret\n");
    s
}
