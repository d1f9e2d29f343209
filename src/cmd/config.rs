//! `awesh config`: where the config file is, a commented default to start from, and a check
//! that lists every problem as `file:line:col: message` (the prompt itself never complains,
//! it uses defaults for what is broken).

use std::fmt::Write as _;
use std::process::ExitCode;

use crate::cli::{ConfigArgs, ConfigCommand};
use crate::config::{self, FileState};
use crate::env::Env;

/// Runs `awesh config ...`.
///
/// # Errors
/// No place to look for a config, or stdout cannot be written.
pub fn run(args: &ConfigArgs) -> anyhow::Result<ExitCode> {
    let env = Env::from_process();
    match &args.command {
        ConfigCommand::Path => {
            let loc = config::locate(&env).ok_or_else(|| {
                anyhow::anyhow!(
                    "config path: neither AWESH_CONFIG, XDG_CONFIG_HOME nor HOME is set"
                )
            })?;
            super::write_stdout(format!("{}\n", loc.path.display()).as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        ConfigCommand::Default => {
            super::write_stdout(config::DEFAULT_TOML.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        ConfigCommand::Check { file } => {
            let loaded = match file {
                Some(path) => config::load_path(&env.absolute(path)),
                None => config::load(&env),
            };
            let (out, err, ok) = check(&loaded);
            super::write_stdout(out.as_bytes())?;
            eprint!("{err}");
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

/// The report of `awesh config check`: (stdout, stderr, success).
#[must_use]
pub fn check(loaded: &config::Loaded) -> (String, String, bool) {
    let Some(loc) = &loaded.location else {
        return (
            String::new(),
            "awesh: config check: no config file to check: neither AWESH_CONFIG, XDG_CONFIG_HOME nor HOME is set\n".into(),
            false,
        );
    };
    let path = loc.path.display();
    match &loaded.state {
        FileState::Absent if loc.explicit => (
            String::new(),
            format!("awesh: config check: {path}: no such file\n"),
            false,
        ),
        FileState::Absent => (
            format!("{path}: no config file; awesh uses its defaults\n"),
            String::new(),
            true,
        ),
        FileState::Unreadable(why) => (
            String::new(),
            format!("awesh: config check: {why}\n"),
            false,
        ),
        FileState::Read => {
            let problems = loaded.all_problems();
            if problems.is_empty() {
                return (format!("{path}: ok\n"), String::new(), true);
            }
            let mut err = String::new();
            for p in &problems {
                let _ = writeln!(err, "{}", loaded.describe(p));
            }
            let n = problems.len();
            let _ = writeln!(
                err,
                "awesh: config check: {n} problem{} in {path}; the prompt uses defaults for those keys",
                if n == 1 { "" } else { "s" }
            );
            (String::new(), err, false)
        }
    }
}
