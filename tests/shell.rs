//! Issue #4: `awesh init bash|zsh` in real interactive shells under a pseudo-terminal (tmux).
//! Each test starts a bare shell (`bash --norc`, `zsh -f`) in a scrubbed temp HOME, sources an
//! rc file written by the test, and reads the prompts the shell really prints. Without tmux,
//! bash or zsh a test says loudly that it was skipped (and fails under CI).

mod common;

use std::path::Path;

use common::{have, Pty, Step, World};

/// Every prompt of these tests starts with this (the tests' own PS1/PROMPT).
const MARKER: &str = "[awesh";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sh {
    Bash,
    Zsh,
}

impl Sh {
    fn name(self) -> &'static str {
        match self {
            Sh::Bash => "bash",
            Sh::Zsh => "zsh",
        }
    }

    /// Installed (with tmux), or skipped loudly.
    fn available(self) -> bool {
        have("tmux") && have(self.name())
    }

    /// The rc file the test writes and sources, and the settings every session needs: no
    /// bracketed paste (its escapes would surround each typed line) and the test's prompt.
    fn rc(self) -> (&'static str, &'static str) {
        match self {
            Sh::Bash => (
                ".bashrc",
                "bind 'set enable-bracketed-paste off'\nPS1='[awesh]\\$ '\n",
            ),
            Sh::Zsh => (".zshrc", "unset zle_bracketed_paste\nPROMPT='[awesh]%# '\n"),
        }
    }

    /// `eval "$(BIN init SHELL ARGS)"`, with BIN quoted for the shell.
    fn init(self, bin: &Path, args: &str) -> String {
        let bin = common::sh_quote(&bin.display().to_string());
        format!("eval \"$({bin} init {} {args})\"\n", self.name())
    }

    /// The variable holding the last pipeline's statuses.
    fn pipestatus(self) -> &'static str {
        match self {
            Sh::Bash => "${PIPESTATUS[*]}",
            Sh::Zsh => "${pipestatus[*]}",
        }
    }
}

fn awesh_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_awesh"))
}

/// Starts `sh` in `dir` (relative to the world root), sources an rc made of the common settings
/// and `rc`, and returns the session at the first prompt awesh has seen.
fn start(world: &World, sh: Sh, dir: &str, rc: &str) -> (Pty, Step) {
    start_with(world, sh, dir, rc, MARKER)
}

fn start_with(world: &World, sh: Sh, dir: &str, rc: &str, marker: &str) -> (Pty, Step) {
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

/// The prompt as a person sees it: colours (SGR sequences) and readline's \001/\002 dropped, the
/// final `$`/`#`/`%` and blanks trimmed, so checks hold with or without colours.
fn shown(step: &Step) -> String {
    common::shown(&step.prompt)
        .trim_end()
        .trim_end_matches(['$', '#', '%'])
        .to_string()
}

fn kube_world(world: &World, context: &str, namespace: &str) {
    world.write(
        "home/.kube/config",
        common::kubeconfig(Some(context), &[(context, Some(namespace))]),
    );
}

/// Segment after `cd` into a repo, after `git checkout -b`, after a kubeconfig edit; `$?`, the
/// pipeline statuses and `$_` survive the hook; no job noise.
fn segment_follows_the_world(sh: Sh) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    kube_world(&world, "dev", "team");
    let (mut pty, first) = start(&world, sh, ".", &sh.init(awesh_bin(), ""));
    assert_eq!(
        shown(&first),
        "[awesh]:☸️dev:☸️team",
        "{sh:?} outside a repo"
    );

    let step = pty.run(&world, "cd repo");
    assert_eq!(
        shown(&step),
        "[awesh]:☸️dev:☸️team:🌿main",
        "{sh:?} after cd"
    );

    let step = pty.run(&world, "git checkout -q -b other");
    assert_eq!(
        shown(&step),
        "[awesh]:☸️dev:☸️team:🌿other",
        "{sh:?} after checkout"
    );

    kube_world(&world, "prod", "payments");
    let step = pty.run(&world, "");
    assert_eq!(
        shown(&step),
        "[awesh]:☸️prod:☸️payments:🌿other",
        "{sh:?} after kubeconfig edit"
    );

    pty.run(&world, "false");
    let step = pty.run(&world, "echo \"rc=$?\"");
    assert!(step.out().contains("rc=1\r\n"), "{sh:?}: {}", step.out());

    pty.run(&world, "false | true | (exit 3)");
    let step = pty.run(&world, &format!("echo \"ps={}\"", sh.pipestatus()));
    assert!(
        step.out().contains("ps=1 0 3\r\n"),
        "{sh:?}: {}",
        step.out()
    );

    pty.run(&world, "echo last-word");
    let step = pty.run(&world, "echo \"u=$_\"");
    assert!(
        step.out().contains("u=last-word\r\n"),
        "{sh:?}: {}",
        step.out()
    );

    let step = pty.run(&world, "jobs");
    assert!(!step.out().contains('['), "{sh:?} has jobs: {}", step.out());
    let log = String::from_utf8_lossy(&pty.raw()).into_owned();
    assert!(!log.contains("Done"), "{sh:?} printed job noise:\n{log}");
}

#[test]
fn bash_segment_follows_the_world() {
    segment_follows_the_world(Sh::Bash);
}

#[test]
fn zsh_segment_follows_the_world() {
    segment_follows_the_world(Sh::Zsh);
}

/// Counts `needle` in `hay`.
fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// Hooks that were there before awesh keep running, once per prompt, in their order, seeing the
/// command's `$?`; evaluating the init twice installs one hook and one segment.
fn existing_hooks_survive(sh: Sh, hooks: &str, names: &[&str], show_hooks: &str) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let init = sh.init(awesh_bin(), "");
    let (mut pty, first) = start(&world, sh, "repo", &format!("{hooks}{init}{init}"));
    assert_eq!(
        shown(&first),
        "[awesh]:🌿main",
        "{sh:?}: one segment after two inits"
    );
    // An empty line leaves `$?` as it was.
    for (line, want) in [("false", 1), ("", 1), ("true", 0), ("(exit 7)", 7)] {
        let step = pty.run(&world, line);
        assert_eq!(shown(&step), "[awesh]:🌿main", "{sh:?} after {line:?}");
        let out = step.out();
        let mut at = 0;
        for name in names {
            let seen = format!("{name} saw {want}\r\n");
            assert_eq!(
                count(&out, &seen),
                1,
                "{sh:?} {line:?}: {seen:?} once in {out:?}"
            );
            let pos = out.find(&seen).unwrap();
            assert!(pos >= at, "{sh:?}: hooks out of order in {out:?}");
            at = pos;
        }
    }
    let step = pty.run(&world, show_hooks);
    assert!(step.out().contains("hooks=1\r\n"), "{sh:?}: {}", step.out());
}

#[test]
fn bash_keeps_a_string_prompt_command() {
    existing_hooks_survive(
        Sh::Bash,
        "PROMPT_COMMAND='s=$?; echo \"HOOK-A saw $s\"; echo \"HOOK-B saw $s\"'\n",
        &["HOOK-A", "HOOK-B"],
        "echo \"hooks=$(printf '%s\\n' \"${PROMPT_COMMAND[@]}\" | grep -c __awesh_hook)\"",
    );
}

#[test]
fn bash_keeps_an_array_prompt_command() {
    existing_hooks_survive(
        Sh::Bash,
        "PROMPT_COMMAND=('echo \"HOOK-A saw $?\"' 'echo \"HOOK-B saw $?\"')\n",
        &["HOOK-A", "HOOK-B"],
        "echo \"hooks=$(printf '%s\\n' \"${PROMPT_COMMAND[@]}\" | grep -c __awesh_hook)\"",
    );
}

#[test]
fn zsh_keeps_precmd_hooks_and_themes() {
    // A theme's precmd that rebuilds PROMPT every time, plus a precmd_functions hook.
    existing_hooks_survive(
        Sh::Zsh,
        "precmd() { echo \"HOOK-A saw $?\"; PROMPT='[awesh]%# '; }\n\
         hook_b() { echo \"HOOK-B saw $?\"; }\n\
         autoload -Uz add-zsh-hook\nadd-zsh-hook precmd hook_b\n",
        &["HOOK-A", "HOOK-B"],
        "echo \"hooks=${#${(@M)precmd_functions:#__awesh_precmd}}\"",
    );
}

/// Names from a hostile repository and kubeconfig: shown as text, never run or interpreted,
/// and no raw control byte reaches the terminal.
fn hostile_names_stay_text(sh: Sh, setup: &str) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    // `!` is the history number in a zsh prompt with PROMPT_BANG.
    let branch = "$(touch${IFS}pwned)!x";
    world.git("repo", &["checkout", "-q", "-b", branch]);
    // YAML double quotes: \e is ESC, \a BEL, \r CR. A title change, a screen clear, a bell and
    // a carriage return that would hide what came before.
    let context = r#"`touch${IFS}pwned2`\\w%F{red}x\e]0;pwn\a\e[2J\rZ"#;
    let namespace = "%F{red}ns$(touch${IFS}pwned3)";
    world.write(
        "home/.kube/config",
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: \"{context}\"\ncontexts:\n\
             - name: \"{context}\"\n  context:\n    cluster: c\n    namespace: \"{namespace}\"\n"
        ),
    );
    let init = sh.init(awesh_bin(), "");
    let (mut pty, _) = start(&world, sh, "repo", &format!("{setup}{init}"));
    let step = pty.run(&world, "");
    let want = format!(
        "[awesh]:☸️`touch${{IFS}}pwned2`\\w%F{{red}}x^[]0;pwn^G^[[2J^MZ:☸️{namespace}:🌿{branch}"
    );
    assert_eq!(shown(&step), want, "{sh:?} {setup:?}");
    for file in ["pwned", "pwned2", "pwned3"] {
        assert!(
            !world.path("repo").join(file).exists(),
            "{sh:?} {setup:?} ran {file}"
        );
    }
    let raw = pty.raw();
    for bad in [&b"\x1b]0;pwn"[..], b"\x1b[2J", b"\x07", b"\rZ"] {
        assert!(
            !raw.windows(bad.len()).any(|w| w == bad),
            "{sh:?} {setup:?} printed {bad:?} raw:\n{}",
            common::visible(&raw)
        );
    }
}

#[test]
fn bash_shows_hostile_names_as_text() {
    hostile_names_stay_text(Sh::Bash, "");
}

#[test]
fn bash_without_promptvars_shows_hostile_names_as_text() {
    hostile_names_stay_text(Sh::Bash, "shopt -u promptvars\n");
}

#[test]
fn zsh_shows_hostile_names_as_text() {
    hostile_names_stay_text(Sh::Zsh, "");
}

#[test]
fn zsh_with_prompt_subst_shows_hostile_names_as_text() {
    hostile_names_stay_text(Sh::Zsh, "setopt prompt_subst\n");
}

#[test]
fn zsh_with_prompt_bang_shows_hostile_names_as_text() {
    hostile_names_stay_text(Sh::Zsh, "setopt prompt_bang\n");
    hostile_names_stay_text(Sh::Zsh, "setopt prompt_bang prompt_subst\n");
}

/// `awesh_off`/`awesh_on`, for one part or all of awesh, in the current shell.
fn toggles_work(sh: Sh) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    kube_world(&world, "dev", "default");
    let (mut pty, first) = start(&world, sh, "repo", &sh.init(awesh_bin(), ""));
    assert_eq!(shown(&first), "[awesh]:☸️dev:🌿main", "{sh:?}");
    for (line, want) in [
        ("awesh_off kube", "[awesh]:🌿main"),
        ("awesh_off git", "[awesh]"),
        ("awesh_on kube", "[awesh]:☸️dev"),
        ("awesh_on git", "[awesh]:☸️dev:🌿main"),
        ("awesh_off", "[awesh]"),
        ("cd ..", "[awesh]"),
        ("cd repo", "[awesh]"),
        ("awesh_on", "[awesh]:☸️dev:🌿main"),
    ] {
        let step = pty.run(&world, line);
        assert_eq!(shown(&step), want, "{sh:?} after {line}");
        assert!(
            !step.out().contains("awesh:"),
            "{sh:?} warned: {}",
            step.out()
        );
    }
    let step = pty.run(&world, "awesh_off nonsense");
    assert!(
        step.out().contains("unknown part nonsense"),
        "{sh:?}: {}",
        step.out()
    );
}

#[test]
fn bash_toggles_work() {
    toggles_work(Sh::Bash);
}

#[test]
fn zsh_toggles_work() {
    toggles_work(Sh::Zsh);
}

/// The binary at a path with a space and a quote (which the init must quote); then a binary
/// that fails, then none at all: the prompt keeps working, with one short warning each time.
fn broken_binary_keeps_the_prompt(sh: Sh) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let dir = world.path("b i n's");
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("awesh");
    if std::fs::hard_link(awesh_bin(), &bin).is_err() {
        std::fs::copy(awesh_bin(), &bin).unwrap();
    }
    let (mut pty, first) = start(&world, sh, "repo", &sh.init(&bin, ""));
    assert_eq!(
        shown(&first),
        "[awesh]:🌿main",
        "{sh:?} from a path with ' and space"
    );

    std::fs::remove_file(&bin).unwrap();
    world.write("b i n's/awesh", "#!/bin/sh\necho boom >&2\nexit 3\n");
    make_executable(&bin);
    let step = pty.run(&world, "");
    assert_eq!(shown(&step), "[awesh]", "{sh:?}");
    let out = step.out();
    assert_eq!(count(&out, "awesh: "), 1, "{sh:?}: {out:?}");
    assert!(
        out.contains("(exit 3)") && !out.contains("boom"),
        "{sh:?}: {out:?}"
    );
    for _ in 0..2 {
        let step = pty.run(&world, "");
        assert_eq!(shown(&step), "[awesh]", "{sh:?}");
        assert!(
            !step.out().contains("awesh"),
            "{sh:?} warned again: {}",
            step.out()
        );
    }

    std::fs::remove_file(&bin).unwrap();
    let step = pty.run(&world, "awesh_on");
    assert_eq!(shown(&step), "[awesh]", "{sh:?}");
    let out = step.out();
    assert!(
        out.contains("awesh: ") && out.contains("is missing"),
        "{sh:?}: {out:?}"
    );
    assert!(
        !out.contains("not found") && !out.contains("No such"),
        "{sh:?}: {out:?}"
    );
    let step = pty.run(&world, "echo \"ok-$((40 + 2))\"");
    assert!(step.out().contains("ok-42\r\n"), "{sh:?}: {}", step.out());
    assert!(
        !step.out().contains("awesh"),
        "{sh:?} warned again: {}",
        step.out()
    );
    assert_eq!(shown(&step), "[awesh]", "{sh:?}");
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn bash_survives_a_broken_binary() {
    broken_binary_keeps_the_prompt(Sh::Bash);
}

#[test]
fn zsh_survives_a_broken_binary() {
    broken_binary_keeps_the_prompt(Sh::Zsh);
}

/// `--prompt var` leaves the prompt alone; a prompt that names `${AWESH_SEGMENT}` itself is
/// left alone in the default mode too; `--prompt replace` gives the simple default prompt.
fn prompt_modes(sh: Sh) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let print_var = "printf '<%s>\\n' \"$AWESH_SEGMENT\"";

    let (mut pty, first) = start(&world, sh, "repo", &sh.init(awesh_bin(), "--prompt var"));
    assert_eq!(shown(&first), "[awesh]", "{sh:?} var mode");
    let step = pty.run(&world, print_var);
    assert!(step.out().contains("<:🌿main>"), "{sh:?}: {}", step.out());
    drop(pty);

    let own = match sh {
        Sh::Bash => "PS1='[awesh ${AWESH_SEGMENT} here]\\$ '\n",
        Sh::Zsh => "setopt prompt_subst\nPROMPT='[awesh ${AWESH_SEGMENT} here]%# '\n",
    };
    let rc = format!("{own}{}", sh.init(awesh_bin(), ""));
    let (mut pty, first) = start(&world, sh, "repo", &rc);
    assert_eq!(
        shown(&first),
        "[awesh :🌿main here]",
        "{sh:?} placed by the user"
    );
    let step = pty.run(&world, "git checkout -q -b next");
    assert_eq!(
        shown(&step),
        "[awesh :🌿next here]",
        "{sh:?} placed by the user"
    );
    drop(pty);

    // The default prompt has no marker of ours: it shows the directory, so use its name.
    let rc = sh.init(awesh_bin(), "--prompt replace");
    let (_pty, first) = start_with(&world, sh, "repo", &rc, "/repo:");
    assert_eq!(shown(&first), "/repo:🌿next", "{sh:?} replace mode");
}

#[test]
fn bash_prompt_modes() {
    prompt_modes(Sh::Bash);
}

#[test]
fn zsh_prompt_modes() {
    prompt_modes(Sh::Zsh);
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
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/command_lag.py");
    let out = world
        .command("python3")
        .arg(script)
        .arg("--awesh")
        .arg(awesh_bin())
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
    ] {
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

/// With bash-preexec loaded, awesh goes into its `precmd_functions` and leaves PROMPT_COMMAND
/// (which bash-preexec needs to end with its own entry) alone. The stand-in below keeps
/// bash-preexec's interface: `__bp_imported`, `precmd_functions`, `$?` set for each function.
#[test]
fn bash_uses_the_bash_preexec_hook_list() {
    if !Sh::Bash.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let preexec = "__bp_imported=defined\nprecmd_functions=()\n\
        __bp_precmd_invoke_cmd() { local s=$? f; for f in \"${precmd_functions[@]}\"; do \
        (exit \"$s\"); \"$f\"; done; }\n\
        PROMPT_COMMAND='__bp_precmd_invoke_cmd'\n";
    let init = Sh::Bash.init(awesh_bin(), "");
    let (mut pty, first) = start(&world, Sh::Bash, "repo", &format!("{preexec}{init}{init}"));
    assert_eq!(shown(&first), "[awesh]:🌿main");
    let step = pty.run(
        &world,
        "echo \"pc=$PROMPT_COMMAND fns=${precmd_functions[*]}\"",
    );
    assert!(
        step.out()
            .contains("pc=__bp_precmd_invoke_cmd fns=__awesh_hook\r\n"),
        "{}",
        step.out()
    );
}

/// direnv installs its hook in front of the others, also when evaluated after awesh: the
/// KUBECONFIG it exports for a directory shows in the very prompt that follows the `cd`.
fn sees_what_direnv_exports(sh: Sh) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    kube_world(&world, "dev", "default");
    world.write(
        "home/other.yaml",
        common::kubeconfig(Some("other"), &[("other", None)]),
    );
    // direnv's own snippets (`direnv hook bash|zsh`), with a stand-in for `direnv export`.
    let direnv = match sh {
        Sh::Bash => {
            "_direnv_hook() { if [[ $PWD == */repo ]]; then export KUBECONFIG=~/other.yaml; \
             else unset KUBECONFIG; fi; }\n\
             if [[ \";${PROMPT_COMMAND[*]:-};\" != *\";_direnv_hook;\"* ]]; then \
             PROMPT_COMMAND=\"_direnv_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}\"; fi\n"
        }
        Sh::Zsh => {
            "_direnv_hook() { if [[ $PWD == */repo ]]; then export KUBECONFIG=~/other.yaml; \
             else unset KUBECONFIG; fi; }\n\
             typeset -ag precmd_functions\n\
             precmd_functions=(_direnv_hook ${(@)precmd_functions:#_direnv_hook})\n"
        }
    };
    let rc = format!("{}{direnv}", sh.init(awesh_bin(), ""));
    let (mut pty, first) = start(&world, sh, ".", &rc);
    assert_eq!(shown(&first), "[awesh]:☸️dev", "{sh:?}");
    let step = pty.run(&world, "cd repo");
    assert_eq!(shown(&step), "[awesh]:☸️other:🌿main", "{sh:?}");
    let step = pty.run(&world, "cd ..");
    assert_eq!(shown(&step), "[awesh]:☸️dev", "{sh:?}");
}

#[test]
fn bash_sees_what_direnv_exports() {
    sees_what_direnv_exports(Sh::Bash);
}

#[test]
fn zsh_sees_what_direnv_exports() {
    sees_what_direnv_exports(Sh::Zsh);
}
