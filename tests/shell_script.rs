//! Issue #4, the scripts themselves: every rendered init script parses (`bash -n`, `zsh -n`),
//! the bash one passes shellcheck, both run under strict flags (`-e -u`, as zoxide tests its
//! own), and `awesh completions` prints scripts each shell accepts. The behaviour in a real
//! terminal is in `tests/shell.rs`.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use awesh::cli::{PromptMode, Shell};
use common::{have, World};

const MODES: [&str; 3] = ["add", "var", "replace"];

/// Runs `cmd` with `input` on stdin.
fn with_stdin(mut cmd: Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
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

fn init(world: &World, shell: &str, mode: &str) -> Vec<u8> {
    let out = world
        .awesh()
        .args(["init", shell, "--prompt", mode])
        .output()
        .unwrap();
    assert_ok(&out, "awesh init");
    out.stdout
}

#[test]
fn rendered_scripts_parse() {
    let world = World::new();
    for shell in ["bash", "zsh", "fish"] {
        if !have(shell) {
            continue;
        }
        for mode in MODES {
            let script = init(&world, shell, mode);
            let mut cmd = world.command(shell);
            cmd.arg("-n");
            assert_ok(&with_stdin(cmd, &script), &format!("{shell} -n, {mode}"));
        }
    }
}

#[test]
fn rendered_bash_script_passes_shellcheck() {
    if !have("shellcheck") {
        return;
    }
    let world = World::new();
    for mode in MODES {
        let script = init(&world, "bash", mode);
        let mut cmd = world.command("shellcheck");
        cmd.args(["--shell=bash", "--severity=style", "-"]);
        assert_ok(&with_stdin(cmd, &script), &format!("shellcheck, {mode}"));
    }
}

/// Sources the script twice under `set -euo pipefail` and runs the hook as the shell would,
/// inside a repository: the hook works, keeps `$?`, and one hook is installed.
#[test]
fn bash_script_runs_under_strict_flags() {
    if !have("bash") {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let script = world.write("init.bash", init(&world, "bash", "add"));
    let test = r#"
        set -euo pipefail
        source "$1"
        source "$1"
        PS1='u\$ '
        __awesh_hook
        st=0; (exit 4) || __awesh_hook || st=$?
        __awesh_insert
        printf 'ps1=%s\nseg=%s\nst=%s\npc=%s\n' "$PS1" "$AWESH_SEGMENT" "$st" "$PROMPT_COMMAND"
        PROMPT_COMMAND=(a b)
        source "$1"
        source "$1"
        printf 'pcs=%s\n' "${PROMPT_COMMAND[*]}"
    "#;
    let out = world
        .command("bash")
        .args(["-c", test, "test"])
        .arg(&script)
        .current_dir(world.path("repo"))
        .output()
        .unwrap();
    assert_ok(&out, "bash -euo pipefail");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        "ps1=u\\[\\]${AWESH_SEGMENT}\\[\\]\\$ \nseg=:🌿main\nst=4\npc=__awesh_hook\n\
         pcs=__awesh_hook a b __awesh_insert\n"
    );
}

/// The same for zsh, under `-eu` and with options users set that break careless scripts.
#[test]
fn zsh_script_runs_under_strict_flags_and_odd_options() {
    if !have("zsh") {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let script = world.write("init.zsh", init(&world, "zsh", "add"));
    let test = r#"
        set -eu
        setopt ksh_arrays sh_word_split no_unset prompt_bang
        source "$1"
        source "$1"
        PROMPT='u%# '
        __awesh_precmd
        __awesh_insert
        printf 'prompt=%s\nseg=%s\nhooks=%s\n' "$PROMPT" "$AWESH_SEGMENT" "${precmd_functions[*]}"
    "#;
    let out = world
        .command("zsh")
        .args(["-f", "-c", test, "test"])
        .arg(&script)
        .current_dir(world.path("repo"))
        .output()
        .unwrap();
    assert_ok(&out, "zsh -eu");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        "prompt=u%{%}:🌿main%{%}%# \nseg=:🌿main\nhooks=__awesh_precmd\n"
    );
}

/// The binary's path is filled in as one inert word, whatever it contains.
#[test]
fn init_quotes_any_binary_path() {
    let path = "/opt/it's a $(touch pwned) `id` (touch pwned) \\' \\\\ \"dir\"/awesh";
    for (shell, name) in [
        (Shell::Bash, "bash"),
        (Shell::Zsh, "zsh"),
        (Shell::Fish, "fish"),
    ] {
        if !have(name) {
            continue;
        }
        let world = World::new();
        let script = awesh::cmd::init::render(shell, path.as_bytes(), PromptMode::Var);
        let file = world.write("init", script);
        // (fish's -c takes no script arguments: the file comes in a variable.)
        let out = world
            .command(name)
            .args(["-c", "source \"$INIT\"; printf %s \"$__awesh_bin\""])
            .env("INIT", &file)
            .output()
            .unwrap();
        assert_ok(&out, name);
        assert_eq!(String::from_utf8(out.stdout).unwrap(), path, "{name}");
        assert!(!world.root().join("pwned").exists(), "{name}");
    }
}

#[test]
fn completions_are_accepted_by_each_shell() {
    let world = World::new();
    for (shell, mark) in [
        ("bash", "complete -F _awesh"),
        ("zsh", "#compdef awesh"),
        ("fish", "complete -c awesh"),
    ] {
        let out = world.awesh().args(["completions", shell]).output().unwrap();
        assert_ok(&out, &format!("awesh completions {shell}"));
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        assert!(text.contains(mark), "{shell}: {text}");
        for word in ["init", "completions", "prompt", "replace", "explain"] {
            assert!(text.contains(word), "{shell} completions lack {word}");
        }
        if shell != "fish" && have(shell) {
            let mut cmd = world.command(shell);
            cmd.arg("-n");
            assert_ok(
                &with_stdin(cmd, &out.stdout),
                &format!("{shell} -n completions"),
            );
        }
    }
}

/// The bash completions complete: a subcommand from its start, and `--prompt`'s values.
#[test]
fn bash_completions_complete() {
    let world = World::new();
    let script = world.write(
        "awesh.completion",
        common::stdout({
            let mut cmd = world.awesh();
            cmd.args(["completions", "bash"]);
            cmd
        }),
    );
    let test = r#"
        source "$1"
        complete_line() {
            COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
            COMPREPLY=()
            _awesh awesh "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
            printf '%s\n' "${COMPREPLY[*]}"
        }
        complete_line awesh in
        complete_line awesh init zsh --prompt ''
    "#;
    let out = world
        .command("bash")
        .args(["-c", test, "test"])
        .arg(&script)
        .output()
        .unwrap();
    assert_ok(&out, "bash completion");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "init\nadd var replace\n"
    );
}

/// The command-lag benchmark script runs (a few prompts, with the test binary), and counts one
/// process started and one program run per prompt with awesh, none bare. Times are not checked:
/// they belong to the benchmark, on a quiet machine.
#[test]
fn bench_script_counts_one_process_per_prompt() {
    if !(have("python3") && have("strace") && have("zsh")) {
        return;
    }
    let world = World::new();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/command_lag.py");
    let out = world
        .command("python3")
        .arg(script)
        .arg("--awesh")
        .arg(env!("CARGO_BIN_EXE_awesh"))
        .args(["--prompts", "5", "--warmup", "1", "--count-procs"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (setup, procs) in [
        ("bash bare", "0.0"),
        ("bash +true", "1.0"),
        ("bash +awesh", "1.0"),
        ("zsh bare", "0.0"),
        ("zsh +true", "1.0"),
        ("zsh +awesh", "1.0"),
        ("fish bare", "0.0"),
        ("fish +true", "1.0"),
        ("fish +awesh", "1.0"),
        ("bash +serve", "0.0"),
        ("zsh +serve", "0.0"),
        ("fish +serve", "0.0"),
    ] {
        if setup.starts_with("fish") && !have("fish") {
            continue;
        }
        let row: Vec<&str> = text
            .lines()
            .find(|l| l.starts_with(setup))
            .unwrap_or_else(|| panic!("no {setup} row in\n{text}"))
            .split_whitespace()
            .collect();
        assert_eq!(
            &row[row.len() - 2..],
            [procs, procs],
            "{setup}: processes, programs\n{text}"
        );
    }
}
