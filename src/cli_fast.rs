//! The hot path's own argument reader. `awesh prompt` runs before every command a user types,
//! and building clap's whole command tree (every subcommand, every option) costs about a tenth
//! of the prompt's user-space instructions. This reads the prompt's four options exactly as
//! clap would, and gives up (returns `None`) on anything else — a typo, `--help`, a repeat, a
//! value clap would reject — so clap still parses, and reports, everything but the plain case.
//! A unit test holds it to clap's answers.

// No panic may reach the prompt (issue 13): with panic = "abort" in release, one would take
// every other segment with it. Tests are exempt.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

use std::ffi::OsString;

use crate::cli::PromptArgs;
use crate::shell::Shell;

/// `awesh prompt [--shell S] [--timeout-ms N] [--off PART,..]... [--no-git] [--no-kube]`,
/// parsed without clap.
#[must_use]
pub fn prompt_args(argv: &[OsString]) -> Option<PromptArgs> {
    let mut args = argv.iter().skip(1).map(|a| a.to_str());
    if args.next()? != Some("prompt") {
        return None;
    }
    let mut out = PromptArgs::default();
    let (mut shell, mut timeout, mut no_git, mut no_kube) = (false, false, false, false);
    while let Some(arg) = args.next() {
        let arg = arg?;
        let (name, inline_value) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (arg, None),
        };
        match name {
            "--shell" | "--timeout-ms" => {
                let value = match inline_value {
                    Some(v) => v,
                    None => args.next()??,
                };
                if name == "--shell" {
                    if std::mem::replace(&mut shell, true) {
                        return None;
                    }
                    out.shell = Shell::named(value.as_bytes(), Shell::PROMPT)?;
                } else {
                    if std::mem::replace(&mut timeout, true) {
                        return None;
                    }
                    // clap's u64 parser: digits only, no sign, no spaces.
                    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    out.timeout_ms = Some(value.parse().ok()?);
                }
            }
            "--off" => {
                let value = match inline_value {
                    Some(v) => v,
                    None => args.next()??,
                };
                // clap splits at commas and takes only part names: no empty piece.
                for name in value.split(',') {
                    out.off.push(crate::segment::Part::named(name.as_bytes())?);
                }
            }
            "--no-git" if inline_value.is_none() && !std::mem::replace(&mut no_git, true) => {
                out.no_git = true;
            }
            "--no-kube" if inline_value.is_none() && !std::mem::replace(&mut no_kube, true) => {
                out.no_kube = true;
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn argv(words: &[&str]) -> Vec<OsString> {
        std::iter::once("awesh")
            .chain(words.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn agrees_with_clap_or_defers_to_it() {
        let cases: &[&[&str]] = &[
            &["prompt"],
            &["prompt", "--shell", "bash"],
            &["prompt", "--shell=zsh", "--no-git"],
            &["prompt", "--no-kube", "--no-git", "--timeout-ms", "50"],
            &["prompt", "--timeout-ms=0", "--shell", "plain"],
            &["prompt", "--shell", "fish"],
            &["prompt", "--shell"],
            &["prompt", "--timeout-ms", "-1"],
            &["prompt", "--timeout-ms", "+5"],
            &["prompt", "--timeout-ms", "99999999999999999999999"],
            &["prompt", "--no-git", "--no-git"],
            &["prompt", "--shell", "bash", "--shell", "zsh"],
            &["prompt", "--no-git=true"],
            &["prompt", "--help"],
            &["prompt", "-h"],
            &["prompt", "extra"],
            &["prompt", "--no-gi"],
            &["prompt", "--off", "git"],
            &["prompt", "--off=kube,git", "--shell", "zsh"],
            &["prompt", "--off", "git", "--off", "kube"],
            &["prompt", "--off", "git,git"],
            &["prompt", "--off=git,"],
            &["prompt", "--off="],
            &["prompt", "--off", "gti"],
            &["prompt", "--off"],
            &["prompt", "--off", "kube", "--no-git"],
            &["prompt", "--"],
            &["explain"],
            &[],
        ];
        for words in cases {
            let fast = prompt_args(&argv(words));
            let slow = Cli::try_parse_from(argv(words))
                .ok()
                .and_then(|cli| match cli.command {
                    Command::Prompt(a) => Some(a),
                    _ => None,
                });
            if let Some(fast) = fast {
                let slow =
                    slow.unwrap_or_else(|| panic!("{words:?}: fast parsed what clap rejects"));
                assert_eq!(
                    (fast.shell, fast.timeout_ms, fast.wanted()),
                    (slow.shell, slow.timeout_ms, slow.wanted()),
                    "{words:?}"
                );
            }
        }
        // The everyday forms do take the fast path.
        for words in [
            &["prompt"][..],
            &["prompt", "--shell", "bash", "--no-kube"],
            &["prompt", "--shell", "bash", "--off", "kube,git"],
            &["prompt", "--shell=zsh"],
        ] {
            assert!(prompt_args(&argv(words)).is_some(), "{words:?}");
        }
    }
}
