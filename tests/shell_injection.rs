//! Issue #4: hostile names (a branch `$(touch${IFS}pwned)`, contexts with backticks, `%F{red}`,
//! `\w`, ESC, BEL, CR) in real bash and zsh under a pseudo-terminal, with the prompt options
//! that change how a prompt is read: shown as text, never run, no raw control byte printed.

mod common;

use common::{awesh_bin, start, Sh, World};

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
    assert_eq!(step.shown(), want, "{sh:?} {setup:?}");
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
