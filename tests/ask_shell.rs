//! The `ask` shell functions (shell-init/ask.bash, ask.zsh, ask.fish) in real bash, zsh and
//! fish under strict flags: they parse, define their functions, and put the suggested command
//! where the user edits it (bash: the history and READLINE_LINE; zsh: the `print -z` buffer
//! stack; fish: `commandline -r` from Alt-a).

mod common;

use std::path::PathBuf;

use common::World;

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("shell-init")
        .join(name)
}

fn have(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("-c")
        .arg("exit 0")
        .status()
        .is_ok_and(|s| s.success())
}

fn shell(w: &World, program: &str, code: &str) -> String {
    let mut cmd = w.command(program);
    if program == "zsh" {
        cmd.arg("-f");
    }
    cmd.arg("-c")
        .arg(code)
        .env("AWESH_BIN", env!("CARGO_BIN_EXE_awesh"))
        .current_dir(w.path("repo"));
    common::stdout(cmd)
}

fn world() -> World {
    let w = World::new();
    w.repo("repo", "main");
    w
}

#[test]
fn issue_6_bash_script_parses_and_passes_shellcheck() {
    let out = std::process::Command::new("bash")
        .arg("-n")
        .arg(script("ask.bash"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // shellcheck is optional on a developer's machine; when it is there, it must pass.
    if std::process::Command::new("shellcheck")
        .arg("--version")
        .output()
        .is_ok()
    {
        let out = std::process::Command::new("shellcheck")
            .args(["-s", "bash"])
            .arg(script("ask.bash"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn issue_6_bash_functions_put_the_command_in_history_and_the_edit_line() {
    let w = world();
    let code = format!(
        "set -eu; source '{}'; declare -F awesh_ask _awesh_ask_widget ask; set -o history; \
         awesh_ask undo the last commit; history 1; \
         READLINE_LINE='list pods'; READLINE_POINT=0; _awesh_ask_widget; \
         printf '[%s|%s]\\n' \"$READLINE_LINE\" \"$READLINE_POINT\"",
        script("ask.bash").display()
    );
    let out = shell(&w, "bash", &code);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[..3], ["awesh_ask", "_awesh_ask_widget", "ask"]);
    assert!(lines[3].ends_with("  git reset --soft HEAD~1"), "{out}");
    let cmd = "kubectl get pods -n default";
    assert_eq!(lines[4], format!("[{cmd}|{}]", cmd.len()));
}

#[test]
fn issue_6_bash_widget_leaves_the_line_alone_when_nothing_answers() {
    let w = world();
    let code = format!(
        "set -eu; source '{}'; READLINE_LINE='please write me a poem'; READLINE_POINT=3; \
         _awesh_ask_widget; printf '[%s|%s]' \"$READLINE_LINE\" \"$READLINE_POINT\"",
        script("ask.bash").display()
    );
    assert_eq!(shell(&w, "bash", &code), "[please write me a poem|3]");
}

#[test]
fn issue_6_zsh_functions_push_the_command_into_the_edit_buffer() {
    if !have("zsh") {
        eprintln!("zsh not installed: skipped");
        return;
    }
    let out = std::process::Command::new("zsh")
        .arg("-n")
        .arg(script("ask.zsh"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let w = world();
    let code = format!(
        "setopt err_exit no_unset; source '{}'; whence -w awesh_ask _awesh_ask_widget ask; \
         awesh_ask what changed; read -z line; print -r -- \"[$line]\"",
        script("ask.zsh").display()
    );
    let out = shell(&w, "zsh", &code);
    assert_eq!(
        out,
        "awesh_ask: function\n_awesh_ask_widget: function\nask: function\n[git diff HEAD]\n"
    );
}

/// A shell in a tmux pane: the key binding is exercised through readline / zle, as typed.
struct Pane<'a> {
    w: &'a World,
    socket: PathBuf,
}

impl Pane<'_> {
    fn start<'a>(w: &'a World, shell: &[&str]) -> Pane<'a> {
        let pane = Pane {
            w,
            socket: w.path("tmux.sock"),
        };
        let mut cmd = pane.tmux();
        cmd.args(["new-session", "-d", "-x", "160", "-y", "40", "-s", "t"])
            .args(shell)
            .env("AWESH_BIN", env!("CARGO_BIN_EXE_awesh"))
            .env("PS1", "$ ")
            .env("TERM", "screen")
            .current_dir(w.path("repo"));
        assert!(cmd.status().unwrap().success());
        pane
    }

    fn tmux(&self) -> std::process::Command {
        let mut cmd = self.w.command("tmux");
        cmd.arg("-S").arg(&self.socket).args(["-f", "/dev/null"]);
        cmd
    }

    fn keys(&self, keys: &[&str]) {
        assert!(self
            .tmux()
            .args(["send-keys", "-t", "t"])
            .args(keys)
            .status()
            .unwrap()
            .success());
    }

    fn screen(&self) -> String {
        let out = self
            .tmux()
            .args(["capture-pane", "-p", "-t", "t"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits (bounded) until a line of the screen satisfies `pred`.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) {
        for _ in 0..300 {
            if self.screen().lines().any(&pred) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("never saw {what}:\n{}", self.screen());
    }
}

impl Drop for Pane<'_> {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").status();
    }
}

fn alt_a_replaces_the_question_in_the_edit_line(shell: &[&str], script_name: &str) {
    let w = world();
    let pane = Pane::start(&w, shell);
    pane.wait_for("the first prompt", |l| l.starts_with("$"));
    pane.keys(&[
        &format!("source '{}'; echo sourced", script(script_name).display()),
        "Enter",
    ]);
    pane.wait_for("the script sourced", |l| l == "sourced");
    pane.keys(&["-l", "list pods"]);
    pane.wait_for("the question typed", |l| l.trim_end() == "$ list pods");
    pane.keys(&["M-a"]);
    pane.wait_for("the command in the edit line", |l| {
        l.trim_end() == "$ kubectl get pods -n default"
    });
    // Nothing ran: no kubectl output, and the answer was only printed.
    assert!(pane.screen().contains("The pods in the default namespace."));
}

#[test]
fn issue_6_bash_alt_a_puts_the_command_in_the_readline_buffer() {
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("tmux not installed: skipped");
        return;
    }
    alt_a_replaces_the_question_in_the_edit_line(
        &["bash", "--norc", "--noprofile", "-i"],
        "ask.bash",
    );
}

#[test]
fn issue_6_zsh_alt_a_puts_the_command_in_the_zle_buffer() {
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
        || !have("zsh")
    {
        eprintln!("tmux or zsh not installed: skipped");
        return;
    }
    alt_a_replaces_the_question_in_the_edit_line(&["zsh", "-f", "-i"], "ask.zsh");
}

#[test]
fn the_init_script_brings_awesh_ask_with_its_own_binary_path() {
    let w = world();
    for program in ["bash", "zsh"] {
        if !have(program) {
            eprintln!("*** SKIPPED: {program} not installed ***");
            assert!(
                std::env::var_os("CI").is_none(),
                "{program} is required under CI"
            );
            continue;
        }
        // awesh is not on PATH and AWESH_BIN is unset: the init's own path must be used.
        // bash puts the command in the history (and says so on stderr); zsh pushes it onto
        // the edit buffer stack, read back here with `read -z`.
        let show = if program == "zsh" {
            "; read -z pushed; print -r -- \"$pushed\""
        } else {
            ""
        };
        let code = format!(
            "eval \"$('{}' init {program})\"; awesh_ask undo the last commit{show}",
            env!("CARGO_BIN_EXE_awesh")
        );
        let mut cmd = w.command(program);
        if program == "zsh" {
            cmd.arg("-f");
        }
        let out = cmd
            .arg("-c")
            .arg(&code)
            .current_dir(w.path("repo"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let both = format!("{}{stderr}", String::from_utf8_lossy(&out.stdout));
        assert!(out.status.success(), "{program}: {stderr}");
        assert!(both.contains("git reset"), "{program}: {both}");
    }
}

/// An awesh that prints a command with control bytes (as one older than issue 14 could).
fn hostile_bin(w: &World) -> PathBuf {
    let bin = w.write(
        "bin/awesh",
        "#!/bin/sh\nprintf 'ls\\033[2J\\r\\033]52;c;eA==\\007rm -rf ~\\n'\n",
    );
    let mut perms = std::fs::metadata(&bin).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&bin, perms).unwrap();
    bin
}

#[test]
fn issue_14_shell_functions_never_put_control_bytes_in_the_edit_line() {
    let w = world();
    let bin = hostile_bin(&w);
    let code = format!(
        "set -eu; source '{}'; AWESH_BIN='{}'; set -o history; history -c; \
         awesh_ask list files || echo refused; history | wc -l; \
         READLINE_LINE='list files'; READLINE_POINT=2; _awesh_ask_widget; \
         printf '[%s|%s]\\n' \"$READLINE_LINE\" \"$READLINE_POINT\"",
        script("ask.bash").display(),
        bin.display()
    );
    let mut cmd = w.command("bash");
    cmd.arg("-c").arg(&code).current_dir(w.path("repo"));
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.split_whitespace().collect::<Vec<_>>(),
        ["refused", "0", "[list", "files|2]"]
    );
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("not offering a command with control characters"));
    if !have("zsh") {
        eprintln!("zsh not installed: skipped");
        return;
    }
    let code = format!(
        "setopt err_exit no_unset; source '{}'; AWESH_BIN='{}'; \
         awesh_ask list files || print refused; print -z kept; read -z line; print -r -- \"[$line]\"; \
         BUFFER='list files'; CURSOR=2; zle() {{ :; }}; _awesh_ask_widget; print -r -- \"[$BUFFER|$CURSOR]\"",
        script("ask.zsh").display(),
        bin.display()
    );
    let mut cmd = w.command("zsh");
    cmd.arg("-f")
        .arg("-c")
        .arg(&code)
        .current_dir(w.path("repo"));
    let out = cmd.output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "refused\n[kept]\n[list files|2]\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn fish_alt_a_puts_the_command_in_the_command_line() {
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
        || !have("fish")
    {
        eprintln!("tmux or fish not installed: skipped");
        return;
    }
    alt_a_replaces_the_question_in_the_edit_line(
        &[
            "fish",
            "--no-config",
            "-i",
            "-C",
            "function fish_prompt; printf '$ '; end; set -g fish_greeting ''",
        ],
        "ask.fish",
    );
}

/// `awesh_ask QUESTION` in fish: the answer printed, and Alt-a on the empty command line that
/// follows brings the command, not run.
#[test]
fn fish_awesh_ask_then_alt_a_brings_the_command() {
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
        || !have("fish")
    {
        eprintln!("tmux or fish not installed: skipped");
        return;
    }
    let w = world();
    let pane = Pane::start(
        &w,
        &[
            "fish",
            "--no-config",
            "-i",
            "-C",
            "function fish_prompt; printf '$ '; end; set -g fish_greeting ''",
        ],
    );
    pane.wait_for("the first prompt", |l| l.starts_with("$"));
    pane.keys(&[
        &format!("source '{}'; echo sourced", script("ask.fish").display()),
        "Enter",
    ]);
    pane.wait_for("the script sourced", |l| l == "sourced");
    pane.keys(&["-l", "awesh_ask list pods"]);
    pane.keys(&["Enter"]);
    pane.wait_for("the answer", |l| l.starts_with("awesh: press Alt-a"));
    pane.keys(&["M-a"]);
    pane.wait_for("the command in the next command line", |l| {
        l.trim_end() == "$ kubectl get pods -n default"
    });
    assert!(pane.screen().contains("The pods in the default namespace."));
}
