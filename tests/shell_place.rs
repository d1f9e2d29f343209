//! Where the insert hook puts the segment, prompt by prompt: a table of prompts written the ways
//! themes write them (colour escapes in every form, trailing blanks, prompt characters and
//! conditionals, two-line prompts, expansions awesh cannot see into), run through the real
//! bash and zsh scripts, each compared with the prompt awesh should make of it. The terminal
//! view of the same rules is in tests/frameworks.rs.

mod common;

use common::{have, World};

/// Runs the init script of `shell` on each of `prompts` and returns the prompt the insert hook
/// makes of it.
fn place(shell: &str, prompts: &[&str]) -> Vec<String> {
    let world = World::new();
    let out = world.awesh().args(["init", shell]).output().unwrap();
    assert!(out.status.success());
    let init = world.write("init", out.stdout);
    let list = world.write("prompts", prompts.join("\u{1f}"));
    let script = match shell {
        "bash" => {
            r#"source "$1"; IFS=$'\037' read -r -d '' -a ps <"$2" || :
            AWESH_SEGMENT=SEG pc='❯' 
            for p in "${ps[@]}"; do PS1=$p; __awesh_made=; __awesh_insert
            printf '%s\037' "$PS1"; done"#
        }
        _ => {
            r#"source "$1"; ps=("${(@ps:\x1f:)"$(<$2)"}"); AWESH_SEGMENT=SEG
            typeset -A prompt_pure_state=(prompt ❯); prompt_newline=$'\n' 
            for p in $ps; do setopt prompt_subst; PROMPT=$p; __awesh_made=
            __awesh_insert; printf '%s\037' "$PROMPT"; done"#
        }
    };
    let mut cmd = world.command(shell);
    if shell == "zsh" {
        cmd.arg("-f");
    }
    let out = cmd
        .args(["-c", script, "place"])
        .arg(&init)
        .arg(&list)
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\u{1f}')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Checks each `(prompt, made)` of `shell`, with `‹M›` in `made` standing for `m` and `‹S›`
/// for `sp`.
fn check(shell: &str, m: &str, sp: &str, cases: &[(&str, &str)]) {
    if !have(shell) {
        return;
    }
    let wanted: Vec<String> = cases
        .iter()
        .map(|(_, w)| w.replace("‹M›", m).replace("‹S›", sp))
        .collect();
    let cases: Vec<(&str, &str)> = cases
        .iter()
        .zip(&wanted)
        .map(|(c, w)| (c.0, w.as_str()))
        .collect();
    let prompts: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let made = place(shell, &prompts);
    assert_eq!(made.len(), cases.len(), "{made:?}");
    for ((prompt, want), got) in cases.iter().zip(&made) {
        assert_eq!(got, want, "{shell}: {prompt:?}");
    }
}

/// `‹M›` is the piece awesh adds between its zero-width markers, `‹S›` the one followed by a
/// space when the segment is not empty.
#[test]
fn bash_places_the_segment() {
    let m = r"\[\]${AWESH_SEGMENT}\[\]";
    let sp = r"\[\]${AWESH_SEGMENT:+$AWESH_SEGMENT }\[\]";
    let cases: [(&str, &str); _] = [
        // Debian's default and plain ones: before the final `\$`, glued as written.
        (r"\u@\h:\w\$ ", r"\u@\h:\w‹M›\$ "),
        (
            r"${debian_chroot:+($debian_chroot)}\u@\h:\w\$ ",
            r"${debian_chroot:+($debian_chroot)}\u@\h:\w‹M›\$ ",
        ),
        (r"[\u@\h \W]\$ ", r"[\u@\h \W]‹M›\$ "),
        (r"\w> ", r"\w‹M›> "),
        (r"\w >>> ", r"\w‹M› >>> "),
        // A blank before the character stays between the segment and it.
        (r"~/src ❯ ", r"~/src‹M› ❯ "),
        (r"\w λ ", r"\w‹M› λ "),
        // Colours, as \[..\], as \001..\002, raw, and written out without \[ \].
        (
            r"\[\e[34m\]\w\[\e[0m\] \[\e[32m\]❯\[\e[0m\] ",
            r"\[\e[34m\]\w\[\e[0m\]‹M› \[\e[32m\]❯\[\e[0m\] ",
        ),
        (
            "\u{1}\x1b[1m\u{2}\\w\u{1}\x1b[0m\u{2}$ ",
            "\u{1}\x1b[1m\u{2}\\w‹M›\u{1}\x1b[0m\u{2}$ ",
        ),
        ("\x1b[1m\\w\x1b[0m # ", "\x1b[1m\\w\x1b[0m‹M› # "),
        (r"\w\e[0;32m➜\e[0m ", r"\w‹M›\e[0;32m➜\e[0m "),
        // `tput sgr0` (a character-set choice, then a reset).
        ("\\w\x1b(B\x1b[m \\$ ", "\\w\x1b(B\x1b[m‹M› \\$ "),
        // A title sequence (OSC) at the end.
        (r"\w\$ \[\e]0;\u@\h\a\]", r"\w‹M›\$ \[\e]0;\u@\h\a\]"),
        // The character at the start of the second line: at that line's start, with a space.
        (r"\w\n❯ ", r"\w\n‹S›❯ "),
        (
            r"\w\n\[\e[35m\]→\[\e[0m\] ",
            r"\w\n‹S›\[\e[35m\]→\[\e[0m\] ",
        ),
        // A carriage return inside a zero-width group moves the cursor back: a line start.
        (r"\w\n\[\r\]⇒  ", r"\w\n\[\r\]‹S›⇒  "),
        // A variable holding the character.
        (r"\w ${pc} ", r"\w‹M› ${pc} "),
        // Expansions awesh cannot see into: before the trailing blank, or at the end + space.
        (r"$(__git_ps1) ", r"$(__git_ps1)‹M› "),
        (r"$(starship prompt)", r"$(starship prompt)‹S›"),
        (r"\u@\h", r"\u@\h‹S›"),
        // Placed by the user: left alone.
        (r"\w${AWESH_SEGMENT}\$ ", r"\w${AWESH_SEGMENT}\$ "),
        // An old copy of the segment (a virtualenv's prefix of the prompt awesh made): one.
        (r"(venv) \w\[\]${AWESH_SEGMENT}\[\]\$ ", r"(venv) \w‹M›\$ "),
    ];
    check("bash", m, sp, &cases);
}

#[test]
fn zsh_places_the_segment() {
    let m = "%{%}${AWESH_SEGMENT}%{%}";
    let sp = "%{%}${AWESH_SEGMENT:+$AWESH_SEGMENT }%{%}";
    let cases: [(&str, &str); _] = [
        ("%~%# ", "%~‹M›%# "),
        ("%n@%m %~ %(!.#.$) ", "%n@%m %~‹M› %(!.#.$) "),
        (
            "%F{blue}%~%f %F{green}❯%f ",
            "%F{blue}%~%f‹M› %F{green}❯%f ",
        ),
        ("%B%~%b %K{red}%%%k ", "%B%~%b‹M› %K{red}%%%k "),
        (
            "%{\x1b[1m%}%~%{\x1b[0m%} ➜ ",
            "%{\x1b[1m%}%~%{\x1b[0m%}‹M› ➜ ",
        ),
        // The width-tagged character robbyrussell draws.
        ("%~ %1{➜%} ", "%~‹M› %1{➜%} "),
        (
            "%~%{\x1b(B\x1b[m%} \x1b(B\x1b[m$ ",
            "%~%{\x1b(B\x1b[m%}‹M› \x1b(B\x1b[m$ ",
        ),
        // A conditional that only sets the colour, then pure's character variable.
        (
            "%(?.%F{magenta}.%F{red})${prompt_pure_state[prompt]}%f ",
            "‹S›%(?.%F{magenta}.%F{red})${prompt_pure_state[prompt]}%f ",
        ),
        // Two lines, and a conditional with visible text before the character.
        ("%~\n%F{green}❯%f ", "%~\n‹S›%F{green}❯%f "),
        (
            "%~${prompt_newline}%(20V.%20v .)%F{green}❯%f ",
            "%~${prompt_newline}%(20V.%20v .)‹S›%F{green}❯%f ",
        ),
        ("%~\n%{\r%}%F{cyan}⇒%f  ", "%~\n%{\r%}‹S›%F{cyan}⇒%f  "),
        // Expansions awesh cannot see into.
        (
            "%{%f%b%k%}$(build_prompt) ",
            "%{%f%b%k%}$(build_prompt)‹M› ",
        ),
        ("$(spaceship::prompt)", "$(spaceship::prompt)‹S›"),
        ("%~ $(git_prompt_info)", "%~ $(git_prompt_info)‹S›"),
        // Placed by the user.
        ("%~${AWESH_SEGMENT}%# ", "%~${AWESH_SEGMENT}%# "),
        ("(venv) %~%{%}${AWESH_SEGMENT}%{%}%# ", "(venv) %~‹M›%# "),
    ];
    check("zsh", m, sp, &cases);
}
