//! `awesh git-ps1`: the one process behind `shell-init/git-prompt.sh`, awesh's drop-in for
//! git's `__git_ps1`. The shell function hands over its mode and the `GIT_PS1_*` variables;
//! this reads the repository (`facts`), builds git's status string (`compose`, pure) and
//! prints shell assignments for the function to `eval`: every value single-quoted, so a
//! branch name is only ever data, never code. Prints nothing where git's script shows nothing.

// No panic may reach the prompt (issue 13): with panic = "abort" in release, one would take
// the user's prompt with it. Tests are exempt.
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

pub mod compose;
pub mod config;
pub mod describe;
pub mod facts;
pub mod ignore;
pub mod opts;

use std::process::ExitCode;
use std::time::Duration;

use crate::cli::GitPs1Args;
use crate::env::Env;

/// How long the status part may take when no `--timeout-ms` is given; past it, what is not
/// decided is shown as unknown.
const DEFAULT_BUDGET_MS: u64 = 1000;

/// Runs `awesh git-ps1`. Always exits 0 (a prompt helper must not break the prompt); bad
/// arguments are reported on stderr and print nothing.
#[must_use]
pub fn run(args: &GitPs1Args) -> ExitCode {
    let opts = match opts::Opts::parse(&args.fields) {
        Ok(o) => o,
        Err(why) => {
            eprintln!("awesh: git-ps1: {why}");
            return ExitCode::SUCCESS;
        }
    };
    let env = Env::from_process();
    let budget = Duration::from_millis(args.timeout_ms.unwrap_or(DEFAULT_BUDGET_MS));
    let Ok(facts) = facts::gather(&env, &opts, budget) else {
        return ExitCode::SUCCESS;
    };
    let parts = compose::compose(&facts, &opts);
    let _ = super::write_stdout(&assignments(&parts));
    ExitCode::SUCCESS
}

/// The shell text the function evaluates: `__awesh_ps1_s` (the status string), and the
/// variables git's script sets as it would set them.
#[must_use]
pub fn assignments(parts: &compose::Parts) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.gitstring.len() + 64);
    assign(&mut out, "__awesh_ps1_s", &parts.gitstring);
    if let Some(branch) = &parts.branch_var {
        assign(&mut out, "__git_ps1_branch_name", branch);
    }
    match &parts.upstream_var {
        Some(Some(name)) => assign(&mut out, "__git_ps1_upstream_name", name),
        Some(None) => out.extend_from_slice(b"unset __git_ps1_upstream_name\n"),
        None => {}
    }
    if let Some(value) = &parts.show_upstream {
        assign(&mut out, "GIT_PS1_SHOWUPSTREAM", value);
    }
    out
}

/// `name='value'`, with each `'` in the value written as `'\''`; NUL bytes, which no shell
/// variable can hold, are dropped.
fn assign(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"='");
    for &b in value {
        match b {
            b'\'' => out.extend_from_slice(b"'\\''"),
            0 => {}
            _ => out.push(b),
        }
    }
    out.extend_from_slice(b"'\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_as_data() {
        let parts = compose::Parts {
            gitstring: b"a'b$(x)".to_vec(),
            branch_var: Some(b"it's".to_vec()),
            upstream_var: Some(None),
            show_upstream: None,
        };
        assert_eq!(
            String::from_utf8(assignments(&parts)).unwrap(),
            "__awesh_ps1_s='a'\\''b$(x)'\n__git_ps1_branch_name='it'\\''s'\nunset __git_ps1_upstream_name\n"
        );
    }
}
