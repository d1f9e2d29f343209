//! Issue #7, the serve-mode scripts themselves: `awesh init SHELL --serve` parses, passes
//! shellcheck, and works under strict flags (`set -euo pipefail` in bash; `-eu` with
//! `ksh_arrays`, `sh_word_split`, `no_unset`, `prompt_bang` in zsh) in a non-interactive shell,
//! where its server is answered, counted, and ends with the shell.

mod common;

use std::process::Output;
use std::time::{Duration, Instant};

use common::{have, World};

fn init(world: &World, shell: &str, mode: &str) -> Vec<u8> {
    let out = world
        .awesh()
        .args(["init", shell, "--serve", "--prompt", mode])
        .output()
        .unwrap();
    assert_ok(&out, "awesh init --serve");
    out.stdout
}

fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} exited {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn serve_scripts_parse_and_pass_shellcheck() {
    let world = World::new();
    for shell in ["bash", "zsh"] {
        if !have(shell) {
            continue;
        }
        for mode in ["add", "var", "replace"] {
            let file = world.write(&format!("init-{shell}-{mode}"), init(&world, shell, mode));
            let out = world.command(shell).arg("-n").arg(&file).output().unwrap();
            assert_ok(&out, &format!("{shell} -n, {mode}"));
            if shell == "bash" && have("shellcheck") {
                let out = world
                    .command("shellcheck")
                    .args(["--shell=bash", "--severity=style"])
                    .arg(&file)
                    .output()
                    .unwrap();
                assert_ok(&out, &format!("shellcheck, {mode}"));
            }
        }
    }
}

/// Waits until `pid` has exited (or is a zombie).
fn wait_gone(pid: u32) {
    let start = Instant::now();
    loop {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if stat.is_empty()
            || stat
                .rsplit(')')
                .next()
                .unwrap()
                .trim_start()
                .starts_with('Z')
        {
            return;
        }
        assert!(
            start.elapsed() < common::PTY_TIMEOUT,
            "server {pid} outlived its shell"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `test` (sourcing the script in `$1`) in `shell` in the world's repository; returns
/// stdout, and checks that the server whose pid the test printed as `pid=N` ends with it.
fn run_strict(world: &World, shell: &str, args: &[&str], test: &str) -> String {
    let script = world.write(&format!("init.{shell}"), init(world, shell, "add"));
    let out = world
        .command(shell)
        .args(args)
        .args(["-c", test, "test"])
        .arg(&script)
        .env("TMPDIR", world.path("tmp"))
        .current_dir(world.path("repo"))
        .output()
        .unwrap();
    assert_ok(&out, shell);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let pid = stdout
        .lines()
        .find_map(|l| l.strip_prefix("pid="))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no server pid in {stdout}"));
    wait_gone(pid);
    let left: Vec<_> = std::fs::read_dir(world.path("tmp")).unwrap().collect();
    assert!(left.is_empty(), "{shell} left {left:?}");
    stdout
}

#[test]
fn bash_serve_script_runs_under_strict_flags() {
    if !have("bash") {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    std::fs::create_dir_all(world.path("tmp")).unwrap();
    let test = r#"
        set -euo pipefail
        source "$1"
        source "$1"
        PS1='u\$ '
        __awesh_hook
        st=0; (exit 4) || __awesh_hook || st=$?
        __awesh_insert
        printf 'ps1=%s\nseg=%s\nst=%s\nid=%s\n' "$PS1" "$AWESH_SEGMENT" "$st" "$__awesh_serve_id"
        w1=$__awesh_serve_wait
        export AWESH_TIMEOUT_MS=1200
        __awesh_hook
        printf 'wait=%s then %s\n' "$w1" "$__awesh_serve_wait"
        printf 'pid=%s\n' "$__awesh_serve_pid"
    "#;
    let out = run_strict(&world, "bash", &[], test);
    assert!(
        out.starts_with(
            "ps1=u\\[\\]${AWESH_SEGMENT}\\[\\]\\$ \nseg=:🌿main\nst=4\nid=2\nwait=0.500 then 1.500\npid="
        ),
        "{out}"
    );
}

#[test]
fn zsh_serve_script_runs_under_strict_flags_and_odd_options() {
    if !have("zsh") {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    std::fs::create_dir_all(world.path("tmp")).unwrap();
    let test = r#"
        set -eu
        setopt ksh_arrays sh_word_split no_unset prompt_bang
        source "$1"
        source "$1"
        PROMPT='u%# '
        __awesh_precmd
        __awesh_precmd
        __awesh_insert || :
        printf 'prompt=%s\nseg=%s\nid=%s\n' "$PROMPT" "$AWESH_SEGMENT" "$__awesh_serve_id"
        w1=$__awesh_serve_wait
        export AWESH_TIMEOUT_MS=1200
        __awesh_precmd
        printf 'wait=%s then %s\n' "$w1" "$__awesh_serve_wait"
        printf 'pid=%s\n' "$__awesh_serve_pid"
    "#;
    let out = run_strict(&world, "zsh", &["-f"], test);
    assert!(
        out.starts_with("prompt=u%{%}:🌿main%{%}%# \nseg=:🌿main\nid=2\nwait=0.5 then 1.5\npid="),
        "{out}"
    );
}
