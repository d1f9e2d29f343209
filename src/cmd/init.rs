//! `awesh init bash|zsh`: prints the shell integration. The scripts are real, commented files in
//! `shell-init/` (so they can be read, linted and run by tests as they are) embedded here; only
//! single-quoted placeholders are filled in: the binary's own path, the prompt mode, serve mode
//! and the names of the parts (from `segment::registry`, so the toggles know every part).

use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::{InitArgs, PromptMode, Shell};

/// The bash script, with `'@bin@'`, `'@mode@'`, `'@serve@'`, `'@parts@'`, `'@roots@'` and
/// `'@version@'` still to fill in.
pub const BASH: &str = include_str!("../../shell-init/awesh.bash");
/// The zsh script, with `'@bin@'`, `'@mode@'`, `'@serve@'`, `'@parts@'`, `'@roots@'` and
/// `'@version@'` still to fill in.
pub const ZSH: &str = include_str!("../../shell-init/awesh.zsh");
/// The `awesh ask` functions for bash, appended to the init (they use the path filled in above).
pub const ASK_BASH: &str = include_str!("../../shell-init/ask.bash");
/// The `awesh ask` functions for zsh, appended to the init.
pub const ASK_ZSH: &str = include_str!("../../shell-init/ask.zsh");
/// The fish script, with `'@bin@'`, `'@mode@'`, `'@serve@'`, `'@parts@'`, `'@roots@'` and
/// `'@version@'` still to fill in.
pub const FISH: &str = include_str!("../../shell-init/awesh.fish");
/// The `awesh ask` functions for fish, appended to the init.
pub const ASK_FISH: &str = include_str!("../../shell-init/ask.fish");

/// Runs `awesh init`.
///
/// # Errors
/// When the binary cannot find its own path, or stdout cannot be written.
pub fn run(args: &InitArgs) -> anyhow::Result<ExitCode> {
    let exe = std::env::current_exe().context("cannot find the path of the awesh binary")?;
    let script = render_with(args.shell, path_bytes(&exe), args.prompt, args.serves());
    super::write_stdout(&script).context("cannot write the script to stdout")?;
    Ok(ExitCode::SUCCESS)
}

/// The script for `shell` with `exe` (any bytes but NUL) and `mode` filled in, serve mode off.
#[must_use]
pub fn render(shell: Shell, exe: &[u8], mode: PromptMode) -> Vec<u8> {
    render_with(shell, exe, mode, false)
}

/// The script for `shell` with `exe` (any bytes but NUL), `mode` and `serve` filled in.
#[must_use]
pub fn render_with(shell: Shell, exe: &[u8], mode: PromptMode, serve: bool) -> Vec<u8> {
    let (template, ask) = match shell {
        Shell::Bash | Shell::Plain => (BASH, ASK_BASH),
        Shell::Zsh => (ZSH, ASK_ZSH),
        Shell::Fish => (FISH, ASK_FISH),
    };
    // fish reads `\\` and `\'` inside single quotes; bash and zsh read nothing there.
    let quote = if shell == Shell::Fish {
        fish_quote
    } else {
        single_quote
    };
    let mode = match mode {
        PromptMode::Add => "add",
        PromptMode::Var => "var",
        PromptMode::Replace => "replace",
    };
    let parts = crate::segment::registry::names(" ");
    let roots = crate::segment::registry::roots(" ");
    // In the order they appear in each script.
    let values: [(&str, &[u8]); 6] = [
        ("'@bin@'", exe),
        ("'@mode@'", mode.as_bytes()),
        ("'@serve@'", if serve { b"1" } else { b"" }),
        ("'@parts@'", parts.as_bytes()),
        ("'@roots@'", roots.as_bytes()),
        ("'@version@'", crate::serve::protocol::VERSION.as_bytes()),
    ];
    let mut out = Vec::with_capacity(template.len() + exe.len() + 64);
    let mut tail = template;
    for (placeholder, value) in values {
        let (before, after) = split_once(tail, placeholder);
        out.extend_from_slice(before.as_bytes());
        out.extend_from_slice(&quote(value));
        tail = after;
    }
    out.extend_from_slice(tail.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(ask.as_bytes());
    out
}

/// Splits at the only occurrence of `placeholder`; the scripts are ours, so a missing one is a
/// bug that the unit tests catch.
fn split_once<'a>(text: &'a str, placeholder: &str) -> (&'a str, &'a str) {
    text.split_once(placeholder)
        .unwrap_or_else(|| panic!("shell-init script lacks {placeholder}"))
}

/// Quotes `bytes` as one word for bash and zsh: inside single quotes nothing is special except
/// `'` itself, written as `'\''`.
#[must_use]
pub fn single_quote(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 2);
    out.push(b'\'');
    for &b in bytes {
        if b == b'\'' {
            out.extend_from_slice(b"'\\''");
        } else {
            out.push(b);
        }
    }
    out.push(b'\'');
    out
}

/// Quotes `bytes` as one word for fish: inside single quotes fish reads a backslash before `'`
/// or before another backslash as an escape, so both are escaped there.
#[must_use]
pub fn fish_quote(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 2);
    out.push(b'\'');
    for &b in bytes {
        if b == b'\'' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'\'');
    out
}

#[cfg(unix)]
fn path_bytes(path: &std::path::Path) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes()
}

#[cfg(not(unix))]
fn path_bytes(path: &std::path::Path) -> &[u8] {
    // bash and zsh on Windows (MSYS, WSL interop) take UTF-8 paths.
    path.to_str().unwrap_or("awesh").as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_quote_keeps_every_byte_inert() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"/usr/bin/awesh", b"'/usr/bin/awesh'"),
            (b"/opt/my tools/awesh", b"'/opt/my tools/awesh'"),
            (b"/it's/awesh", b"'/it'\\''s/awesh'"),
            (b"/$(id)/`id`/\"x\"", b"'/$(id)/`id`/\"x\"'"),
            (b"", b"''"),
        ];
        for (input, want) in cases {
            assert_eq!(
                single_quote(input),
                *want,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn render_fills_every_placeholder_once() {
        for shell in [Shell::Bash, Shell::Zsh] {
            for (mode, word) in [
                (PromptMode::Add, "'add'"),
                (PromptMode::Var, "'var'"),
                (PromptMode::Replace, "'replace'"),
            ] {
                for (serve, flag) in [(false, "''"), (true, "'1'")] {
                    let out = render_with(shell, b"/a b/awesh", mode, serve);
                    let out = String::from_utf8(out).unwrap();
                    assert!(
                        !out.contains("@bin@")
                            && !out.contains("@mode@")
                            && !out.contains("@serve@")
                            && !out.contains("@parts@")
                            && !out.contains("@roots@")
                            && !out.contains("@version@"),
                        "{shell:?}"
                    );
                    assert!(out.contains("__awesh_bin='/a b/awesh'\n"), "{shell:?}");
                    assert!(
                        out.contains("__awesh_parts='kube git status'\n"),
                        "{shell:?}"
                    );
                    assert!(out.contains("__awesh_roots='kube git'\n"), "{shell:?}");
                    let version = crate::serve::protocol::VERSION;
                    assert!(
                        out.contains(&format!("__awesh_version='{version}'")),
                        "{shell:?}"
                    );
                    assert!(out.contains(&format!("__awesh_mode={word}\n")), "{shell:?}");
                    assert!(
                        out.contains(&format!("__awesh_serve={flag}\n")),
                        "{shell:?}"
                    );
                }
            }
        }
    }

    /// Serve mode sends the variables `awesh prompt` reads: the scripts send exactly
    /// `env::VARS`, each with its attributes, so a variable added there cannot be forgotten here.
    #[test]
    fn serve_requests_carry_every_variable_awesh_reads() {
        for (script, field) in [
            (BASH, "\"${V+${V@a}}/V=${V-}\""),
            (ZSH, "\"${(t)V}/V=${V-}\""),
        ] {
            for name in crate::env::VARS {
                let want = field.replace('V', name);
                assert_eq!(script.matches(&want).count(), 1, "{want}");
            }
            let sent = script.matches("-}\" \\\n").count();
            assert_eq!(
                sent,
                crate::env::VARS.len(),
                "a variable awesh does not read"
            );
        } // fish: one list of names, and a handler that notices each changing.
        let names = format!(
            "set -g __awesh_serve_names {}\n",
            crate::env::VARS.join(" ")
        );
        assert_eq!(FISH.matches(&names).count(), 1, "{names}");
        for name in crate::env::VARS {
            let watch = format!(" --on-variable {name} ");
            let watch_last = format!(" --on-variable {name}\n");
            assert!(
                FISH.contains(&watch) || FISH.contains(&watch_last),
                "{name}"
            );
        }
        assert_eq!(
            FISH.matches(" --on-variable ").count(),
            crate::env::VARS.len() + 1,
            "the variables, and __awesh_offs"
        );
    }
}
