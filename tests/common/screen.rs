//! A real terminal for the framework tests: a tmux pane (tmux is a terminal emulator) read back
//! as the rendered screen, with the cursor's position, instead of the raw byte log that
//! `Pty` records. Prompt frameworks move the cursor, redraw lines and draw asynchronously, so
//! only the screen says what a user sees.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::{sh_quote, World};

/// The kubeconfig the screen tests share: `dev` (namespace `team`) current, and `prod`, for
/// `kubectl config use-context prod` to switch to.
pub const TWO_CONTEXTS: &str = "apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: dev
  context: {cluster: c, user: u, namespace: team}
- name: prod
  context: {cluster: c, user: u}
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]
users: [{name: u, user: {}}]
";

/// A shell in a 160x40 tmux pane with `TERM=xterm-256color`, as frameworks expect.
pub struct Screen {
    socket: PathBuf,
}

/// What the pane shows: its lines (trailing blanks trimmed) and the cursor's row and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shot {
    pub lines: Vec<String>,
    pub cursor: (usize, usize),
}

impl Shot {
    /// The whole screen, for failure messages.
    pub fn text(&self) -> String {
        let mut s = self.lines.join("\n");
        s.push_str(&format!(
            "\n[cursor at row {}, column {}]",
            self.cursor.0, self.cursor.1
        ));
        s
    }

    /// The line the cursor is on.
    pub fn cursor_line(&self) -> &str {
        self.lines.get(self.cursor.0).map_or("", String::as_str)
    }

    /// The lines after the last one that contains `mark`, up to and including the cursor's:
    /// the prompt drawn after a command that printed `mark` last.
    pub fn after(&self, mark: &str) -> Vec<String> {
        let end = self.cursor.0.min(self.lines.len().saturating_sub(1));
        let start = self.lines[..=end]
            .iter()
            .rposition(|l| l.contains(mark))
            .map_or(0, |i| i + 1);
        self.lines[start..=end].to_vec()
    }
}

impl World {
    /// Starts `argv` in `dir` in a pane of its own tmux server, with exactly `env` (plus PATH and
    /// the world's HOME), and returns at once.
    pub fn screen(&self, name: &str, argv: &[&str], env: &[(&str, &str)], dir: &Path) -> Screen {
        let socket = self.root().join(format!("tmux-screen-{name}.sock"));
        let mut shell = String::from("exec env -i");
        let path = std::env::var("PATH").unwrap_or_default();
        let home = self.home().display().to_string();
        let defaults = [
            ("PATH", path.as_str()),
            ("HOME", home.as_str()),
            ("TERM", "xterm-256color"),
            ("LANG", "C.UTF-8"),
            ("LC_ALL", "C.UTF-8"),
            ("USER", "tester"),
            ("SHELL", argv[0]),
        ];
        for (k, v) in defaults.iter().chain(env) {
            shell.push_str(&format!(" {k}={}", sh_quote(v)));
        }
        for arg in argv {
            shell.push(' ');
            shell.push_str(&sh_quote(arg));
        }
        let screen = Screen { socket };
        let dir = dir.display().to_string();
        screen.tmux(&[
            "new-session",
            "-d",
            "-x",
            "160",
            "-y",
            "40",
            "-c",
            &dir,
            &shell,
        ]);
        screen
    }
}

impl Screen {
    fn tmux(&self, args: &[&str]) -> String {
        super::tmux_at(Command::new("tmux"), &self.socket, args)
    }

    /// What the pane shows now; with `colours`, SGR sequences are kept in the lines.
    pub fn shot_with(&self, colours: bool) -> Shot {
        let mut args = vec!["capture-pane", "-p"];
        if colours {
            args.push("-e");
        }
        let text = self.tmux(&args);
        let cursor = self.tmux(&["display", "-p", "#{cursor_y} #{cursor_x}"]);
        let mut parts = cursor.split_whitespace().map(|n| n.parse().unwrap_or(0));
        let cursor = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        let lines = text.lines().map(|l| l.trim_end().to_string()).collect();
        Shot { lines, cursor }
    }

    pub fn shot(&self) -> Shot {
        self.shot_with(false)
    }

    /// Waits until `ready` holds and the screen then stays the same for `quiet` (frameworks that
    /// draw asynchronously redraw a second or so after the first prompt), or panics after 40 s.
    pub fn settle(&self, quiet: Duration, what: &str, ready: impl Fn(&Shot) -> bool) -> Shot {
        let start = Instant::now();
        let mut last = self.shot();
        let mut since = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(100));
            let now = self.shot();
            if now != last {
                last = now;
                since = Instant::now();
            } else if ready(&now) && since.elapsed() >= quiet {
                return now;
            }
            assert!(
                start.elapsed() < Duration::from_secs(40),
                "timed out waiting for {what}; the screen shows:\n{}",
                last.text()
            );
        }
    }

    /// Types `text` literally, without Enter.
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", "--", text]);
    }

    /// Types `line` and Enter.
    pub fn enter(&self, line: &str) {
        assert!(!line.ends_with(';'), "end the line differently: {line}");
        self.type_text(line);
        self.tmux(&["send-keys", "Enter"]);
    }

    /// Clears the line being edited (Ctrl-U in both shells' default key maps... and Ctrl-E first).
    pub fn clear_line(&self) {
        self.tmux(&["send-keys", "C-e", "C-u"]);
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}
