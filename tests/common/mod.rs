//! The test environment builder shared by the integration tests: a temp dir with its own
//! HOME, no inherited git/kube/awesh variables, and helpers to make git repositories with the
//! real `git` and kubeconfigs by hand. Never touches the developer's own home or config.
//! It also runs real shells in a pseudo-terminal (a tmux pane) for the shell-integration tests.
#![allow(dead_code)]

pub mod chat;
pub mod rng;
pub mod screen;
pub mod status;

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
            // The shells wait for their server's reply in full (as long as its deadline lets
            // them): tests are about answers, and a debug build on a loaded machine is slower
            // than the 10 ms budget. tests/serve_async.rs sets a small budget itself.
            .env("AWESH_SYNC_MS", "600000")
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

    /// Writes the awesh config file where awesh looks by default
    /// (`$XDG_CONFIG_HOME/awesh/config.toml`) and returns its path.
    pub fn config(&self, toml: &str) -> PathBuf {
        self.write("config/awesh/config.toml", toml)
    }

    /// Writes `~/.kube/config` with the given current-context and contexts.
    pub fn kube(&self, current: Option<&str>, contexts: &[(&str, Option<&str>)]) -> PathBuf {
        self.write("home/.kube/config", kubeconfig(current, contexts))
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

/// Whether `tool` is on PATH. When it is not, says so loudly on the real stderr (bypassing the
/// test harness's capture, so a skip is never silent) and returns false; under CI (`CI` set) a
/// missing tool fails the test instead, because CI installs it.
pub fn have(tool: &str) -> bool {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .any(|dir| dir.join(tool).is_file());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is not installed, and CI is set: .ci/run must install it"
        );
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED: {tool} is not installed, so this test checked nothing ({}) ***\n",
            std::thread::current().name().unwrap_or("?")
        );
    }
    found
}

/// How long a pty test waits for the shell before failing; generous, for a loaded machine.
pub const PTY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// An interactive shell in a real pseudo-terminal: a tmux pane on the world's own tmux server,
/// with every byte the shell writes recorded raw by `pipe-pane`. `bash -ic`/`zsh -ic` never run
/// `PROMPT_COMMAND` or `precmd`; a pane does, exactly as a terminal would.
pub struct Pty {
    socket: PathBuf,
    log: PathBuf,
    /// The log length up to which output has been consumed by [`Pty::run`].
    seen: usize,
    /// Text that starts every prompt of the test's PS1/PROMPT.
    marker: String,
}

impl World {
    /// Starts `argv` (a shell) in `dir`, in a 200x50 pane, `TERM=dumb`, the world's scrubbed
    /// environment plus `env`, and waits for its first output. The shell starts only once the
    /// log is being recorded, so no byte is missed. `marker` starts every prompt of the test.
    pub fn pty(&self, argv: &[&str], env: &[(&str, &str)], marker: &str, dir: &Path) -> Pty {
        // Each session its own server and log, even several in one world.
        static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let socket = self.root().join(format!("tmux-{}-{n}.sock", argv[0]));
        let log = self.root().join(format!("pty-{}-{n}.log", argv[0]));
        std::fs::write(&log, b"").unwrap();
        let mut shell = String::from("read _; exec env TERM=dumb");
        let ceiling = self.root().parent().unwrap().display().to_string();
        for (k, v) in env
            .iter()
            .chain(&[("GIT_CEILING_DIRECTORIES", ceiling.as_str())])
        {
            shell.push_str(&format!(" {k}={}", sh_quote(v)));
        }
        for arg in argv {
            shell.push(' ');
            shell.push_str(&sh_quote(arg));
        }
        let pty = Pty {
            socket,
            log,
            seen: 0,
            marker: marker.to_string(),
        };
        let size = ["-x", "200", "-y", "50"];
        let dir = dir.display().to_string();
        let mut args = vec!["new-session", "-d", "-c", &dir];
        args.extend(size);
        args.push(&shell);
        pty.tmux(self, &args);
        let pipe = format!("cat >> {}", sh_quote(&pty.log.display().to_string()));
        pty.tmux(self, &["pipe-pane", "-o", &pipe]);
        pty.tmux(self, &["send-keys", "Enter"]);
        pty.wait_until(|log| !log.is_empty(), "the shell's first output");
        pty
    }
}

/// Runs `tmux ARGS` on the server at `socket` (no user config), in `cmd`'s environment; panics
/// with tmux's message when it fails, and returns what it printed.
pub fn tmux_at(mut cmd: Command, socket: &Path, args: &[&str]) -> String {
    let out = cmd
        .arg("-S")
        .arg(socket)
        .args(["-f", "/dev/null"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tmux {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Pty {
    fn tmux(&self, world: &World, args: &[&str]) {
        tmux_at(world.command("tmux"), &self.socket, args);
    }

    /// Everything the shell has written so far, raw.
    pub fn raw(&self) -> Vec<u8> {
        std::fs::read(&self.log).unwrap()
    }

    /// Polls the log until `done` holds, or panics after [`PTY_TIMEOUT`] showing the log.
    pub fn wait_until(&self, done: impl Fn(&[u8]) -> bool, what: &str) -> Vec<u8> {
        let start = std::time::Instant::now();
        loop {
            let log = self.raw();
            if done(&log) {
                return log;
            }
            assert!(
                start.elapsed() < PTY_TIMEOUT,
                "timed out waiting for {what}; the terminal got:\n{}",
                visible(&log)
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// Types `text` literally, without Enter.
    pub fn type_text(&self, world: &World, text: &str) {
        self.tmux(world, &["send-keys", "-l", "--", text]);
    }

    /// Types `line` and Enter, then waits for the next prompt (the marker followed by a prompt
    /// end: `$ `, `# ` or `% `). Returns what the terminal showed from the line to the end of
    /// that prompt, and the prompt itself (from the marker).
    pub fn run(&mut self, world: &World, line: &str) -> Step {
        // tmux reads an argument ending in `;` as a command separator.
        assert!(!line.ends_with(';'), "end the line differently: {line}");
        if !line.is_empty() {
            self.type_text(world, line);
        }
        self.tmux(world, &["send-keys", "Enter"]);
        self.next_prompt(&format!("the prompt after {line:?}"))
    }

    /// Waits for the next complete prompt after what was already consumed.
    pub fn next_prompt(&mut self, what: &str) -> Step {
        let from = self.seen;
        let marker = self.marker.as_bytes().to_vec();
        let log = self.wait_until(|log| prompt_at(&log[from..], &marker).is_some(), what);
        let at = prompt_at(&log[from..], &marker).unwrap();
        self.seen = log.len();
        Step {
            output: log[from..from + at].to_vec(),
            prompt: log[from + at..].to_vec(),
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

/// What one line produced: its output and the prompt that followed.
#[derive(Debug)]
pub struct Step {
    /// Raw bytes from the echoed line up to the prompt.
    pub output: Vec<u8>,
    /// Raw bytes of the prompt, from its marker to its end.
    pub prompt: Vec<u8>,
}

impl Step {
    /// The output as text (lossy), for `contains` checks.
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.output).into_owned()
    }

    /// The prompt as text (lossy), trailing blanks trimmed.
    pub fn prompt(&self) -> String {
        String::from_utf8_lossy(&self.prompt).trim_end().to_string()
    }
}

/// Where the last prompt in `log` starts, when that prompt is complete: the log ends with it.
fn prompt_at(log: &[u8], marker: &[u8]) -> Option<usize> {
    let at = log.windows(marker.len()).rposition(|w| w == marker)?;
    let rest = &log[at..];
    [b"$ ", b"# ", b"% "]
        .iter()
        .any(|end| rest.ends_with(*end))
        .then_some(at)
}

/// Bytes as readable text: control bytes as `^X`, so a failure message shows what was printed.
pub fn visible(bytes: &[u8]) -> String {
    let mut s = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => s.push('\n'),
                '\0'..='\x1f' => {
                    s.push('^');
                    s.push((c as u8 + 0x40) as char);
                }
                '\x7f' => s.push_str("^?"),
                _ => s.push(c),
            }
        }
        for b in chunk.invalid() {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    s
}

/// What a terminal shows of `bytes`: SGR colour sequences and readline's \001/\002 markers
/// dropped, the rest as text. Any other escape sequence is kept, so a test still sees it.
pub fn shown(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            let params = bytes[i + 2..]
                .iter()
                .take_while(|b| b.is_ascii_digit() || **b == b';')
                .count();
            if bytes.get(i + 2 + params) == Some(&b'm') {
                i += 3 + params;
                continue;
            }
        }
        if bytes[i] != 0x01 && bytes[i] != 0x02 {
            out.push(bytes[i]);
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Quotes a word for `sh -c`.
pub fn sh_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

// ---- The shells under test, for tests/shell*.rs ----

/// Every prompt of these tests starts with this (the tests' own PS1/PROMPT).
pub const MARKER: &str = "[awesh";

/// A shell awesh integrates with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sh {
    Bash,
    Zsh,
}

impl Sh {
    /// The program's name.
    pub fn name(self) -> &'static str {
        match self {
            Sh::Bash => "bash",
            Sh::Zsh => "zsh",
        }
    }

    /// Installed (with tmux), or skipped loudly.
    pub fn available(self) -> bool {
        have("tmux") && have(self.name())
    }

    /// The rc file the test writes and sources, and the settings every session needs: no
    /// bracketed paste (its escapes would surround each typed line) and the test's prompt.
    pub fn rc(self) -> (&'static str, &'static str) {
        match self {
            Sh::Bash => (
                ".bashrc",
                "bind 'set enable-bracketed-paste off'\nPS1='[awesh]\\$ '\n",
            ),
            Sh::Zsh => (".zshrc", "unset zle_bracketed_paste\nPROMPT='[awesh]%# '\n"),
        }
    }

    /// `eval "$(BIN init SHELL ARGS)"`, with BIN quoted for the shell.
    pub fn init(self, bin: &Path, args: &str) -> String {
        let bin = sh_quote(&bin.display().to_string());
        format!("eval \"$({bin} init {} {args})\"\n", self.name())
    }

    /// The variable holding the last pipeline's statuses.
    pub fn pipestatus(self) -> &'static str {
        match self {
            Sh::Bash => "${PIPESTATUS[*]}",
            Sh::Zsh => "${pipestatus[*]}",
        }
    }
}

/// The awesh binary under test.
pub fn awesh_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_awesh"))
}

/// Starts `sh` in `dir` (relative to the world root), sources an rc made of the common settings
/// and `rc`, and returns the session at the first prompt awesh has seen.
pub fn start(world: &World, sh: Sh, dir: &str, rc: &str) -> (Pty, Step) {
    start_with(world, sh, dir, rc, MARKER)
}

/// [`start`], for a prompt that starts with `marker` instead of [`MARKER`].
pub fn start_with(world: &World, sh: Sh, dir: &str, rc: &str, marker: &str) -> (Pty, Step) {
    let (file, common) = sh.rc();
    world.write(&format!("home/{file}"), format!("{common}{rc}"));
    let argv: &[&str] = match sh {
        Sh::Bash => &["bash", "--norc", "--noprofile", "-i"],
        Sh::Zsh => &["zsh", "-f", "-i"],
    };
    // UTF-8, as users have it: in the C locale zsh shows the emoji as `?`.
    let env = [("LANG", "C.UTF-8"), ("LC_ALL", "C.UTF-8")];
    let mut pty = world.pty(argv, &env, marker, &world.path(dir));
    let first = pty.run(world, &format!(". ~/{file}"));
    (pty, first)
}

impl Step {
    /// The prompt as a person sees it: colours (SGR sequences) and readline's \001/\002
    /// dropped, the final `$`/`#`/`%` and blanks trimmed, so checks hold with or without colours.
    pub fn shown(&self) -> String {
        shown(&self.prompt)
            .trim_end()
            .trim_end_matches(['$', '#', '%'])
            .to_string()
    }
}

impl World {
    /// Writes `~/.kube/config` with one context, current, in `namespace`.
    pub fn home_kubeconfig(&self, context: &str, namespace: &str) {
        self.write(
            "home/.kube/config",
            kubeconfig(Some(context), &[(context, Some(namespace))]),
        );
    }
}

/// Counts `needle` in `hay`.
pub fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// True when `pid` is a live (not zombie) `awesh serve` process, in any of its modes.
pub fn is_server(pid: u32) -> bool {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let state = stat.rsplit(')').next().unwrap_or("").trim_start();
    let serve = cmdline.ends_with(b"\0serve\0") || cmdline.windows(7).any(|w| w == b"\0serve\0");
    serve && !state.starts_with('Z')
}

/// Polls until `pid` is no longer a live `awesh serve`, or panics after [`PTY_TIMEOUT`].
pub fn wait_gone(pid: u32, what: &str) {
    let start = std::time::Instant::now();
    while is_server(pid) {
        assert!(
            start.elapsed() < PTY_TIMEOUT,
            "{what}: awesh serve {pid} still runs"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Sends `sig` (`-KILL`, `-STOP`, ...) to `pid` with kill(1).
pub fn signal(pid: u32, sig: &str) {
    let status = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill {sig} {pid}");
}
