//! Issue #4: awesh among other prompt hooks, in real shells under a pseudo-terminal: hooks
//! already installed (PROMPT_COMMAND as a string or an array, zsh precmd functions and a theme)
//! keep running once per prompt in their order; two inits install one hook; bash-preexec's
//! hook list is used when it is loaded; direnv's hook runs first, so awesh sees what it exports.

mod common;

use common::{awesh_bin, count, start, Sh, World};

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
        first.shown(),
        "[awesh]:🌿main",
        "{sh:?}: one segment after two inits"
    );
    // An empty line leaves `$?` as it was.
    for (line, want) in [("false", 1), ("", 1), ("true", 0), ("(exit 7)", 7)] {
        let step = pty.run(&world, line);
        assert_eq!(step.shown(), "[awesh]:🌿main", "{sh:?} after {line:?}");
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
    assert_eq!(first.shown(), "[awesh]:🌿main");
    let step = pty.run(
        &world,
        "echo \"pc=$PROMPT_COMMAND fns=${precmd_functions[*]}\"",
    );
    assert!(
        step.out()
            .contains("pc=__bp_precmd_invoke_cmd fns=__awesh_hook __awesh_insert\r\n"),
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
    world.home_kubeconfig("dev", "default");
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
    assert_eq!(first.shown(), "[awesh]:☸️dev", "{sh:?}");
    let step = pty.run(&world, "cd repo");
    assert_eq!(step.shown(), "[awesh]:☸️other:🌿main", "{sh:?}");
    let step = pty.run(&world, "cd ..");
    assert_eq!(step.shown(), "[awesh]:☸️dev", "{sh:?}");
}

#[test]
fn bash_sees_what_direnv_exports() {
    sees_what_direnv_exports(Sh::Bash);
}

#[test]
fn zsh_sees_what_direnv_exports() {
    sees_what_direnv_exports(Sh::Zsh);
}

/// A virtualenv's `activate` copies the prompt, segment included (`PS1="(venv) ${PS1-}"`), and
/// `deactivate` puts the old copy back, however stale its segment: either way the prompt shows
/// one segment, the current one.
fn copied_prompt_keeps_one_segment(sh: Sh, setup: &str) {
    if !sh.available() {
        return;
    }
    let world = World::new();
    world.repo("repo", "main");
    let var = match sh {
        Sh::Bash => "PS1",
        Sh::Zsh => "PROMPT",
    };
    let rc = format!("{setup}{}", sh.init(awesh_bin(), ""));
    let (mut pty, first) = start(&world, sh, "repo", &rc);
    assert_eq!(first.shown(), "[awesh]:🌿main", "{sh:?} {setup:?}");
    let step = pty.run(&world, &format!("old=${var}; {var}=\"(venv) ${{{var}-}}\""));
    assert_eq!(step.shown(), "[awesh]:🌿main", "{sh:?} {setup:?}");
    assert!(
        step.out().ends_with("(venv) "),
        "{sh:?} {setup:?}: {}",
        step.out()
    );
    let step = pty.run(&world, "git checkout -q -b next");
    assert_eq!(step.shown(), "[awesh]:🌿next", "{sh:?} {setup:?}");
    let step = pty.run(&world, &format!("{var}=$old"));
    assert_eq!(step.shown(), "[awesh]:🌿next", "{sh:?} {setup:?}");
    assert!(
        !step.out().contains("(venv)"),
        "{sh:?} {setup:?}: {}",
        step.out()
    );
}

#[test]
fn bash_copied_prompt_keeps_one_segment() {
    copied_prompt_keeps_one_segment(Sh::Bash, "");
    copied_prompt_keeps_one_segment(Sh::Bash, "shopt -u promptvars\n");
}

#[test]
fn zsh_copied_prompt_keeps_one_segment() {
    copied_prompt_keeps_one_segment(Sh::Zsh, "");
    copied_prompt_keeps_one_segment(Sh::Zsh, "setopt prompt_subst\n");
}
