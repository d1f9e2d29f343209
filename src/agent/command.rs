//! The `command` handler: input that already is a runnable command (its first word resolves
//! on `PATH`, or is a shell builtin or keyword) is returned as is, so `awesh ask 'ls -la'` costs
//! nothing. English that happens to start with a program name ("kill the pod", "time to
//! deploy?") is left to the other handlers.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Handler, Reply, Request, Turn};

/// Builtins and keywords of bash and zsh: runnable without being on `PATH`.
const BUILTINS: &[&str] = &[
    "cd", "echo", "export", "source", ".", "alias", "unalias", "set", "unset", "type", "command",
    "builtin", "eval", "exec", "exit", "history", "jobs", "fg", "bg", "kill", "pushd", "popd",
    "dirs", "read", "printf", "test", "[", "[[", "true", "false", "ulimit", "umask", "wait",
    "trap", "shift", "return", "local", "declare", "typeset", "readonly", "hash", "help", "let",
    "times", "getopts", "bind", "complete", "shopt", "enable", "disown", "logout", "print",
    "setopt", "unsetopt", "autoload", "bindkey", "rehash", "whence", "where", "which", "if",
    "case", "for", "while", "until", "function", "select", "time", "coproc", "{", "!",
];

/// Words that make input English rather than a command line.
const ENGLISH: &[&str] = &[
    "the", "a", "an", "i", "me", "my", "you", "your", "how", "what", "why", "should", "could",
    "would", "please", "is", "am", "are", "we", "does", "can", "to",
];

/// Recognises input that is already a command.
pub struct CommandHandler {
    path: Option<OsString>,
}

impl CommandHandler {
    /// Resolves first words against `path` (the value of `PATH`).
    #[must_use]
    pub fn new(path: Option<OsString>) -> Self {
        CommandHandler { path }
    }

    fn resolves(&self, word: &str, cwd: Option<&Path>) -> bool {
        if BUILTINS.contains(&word) {
            return true;
        }
        if word.contains('/') {
            let p = PathBuf::from(word);
            let p = match cwd {
                Some(cwd) if p.is_relative() => cwd.join(p),
                _ => p,
            };
            return is_executable(&p);
        }
        let Some(path) = &self.path else { return false };
        std::env::split_paths(path)
            .any(|dir| !dir.as_os_str().is_empty() && is_executable(&dir.join(word)))
    }
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// The words outside quotes, for the English check, and the first word.
fn unquoted_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    for c in text.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, c) if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            (None, c) => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

impl Handler for CommandHandler {
    fn name(&self) -> &'static str {
        "command"
    }

    fn deadline(&self) -> Duration {
        Duration::from_secs(1)
    }

    fn handle(&self, req: &Request, _turn: &Turn) -> anyhow::Result<Option<Reply>> {
        let text = req.text().trim();
        if text.is_empty() || text.ends_with('?') || text.contains('\n') {
            return Ok(None);
        }
        let words = unquoted_words(text);
        // Leading `NAME=value` assignments belong to the command.
        let Some(first) = words.iter().find(|w| !is_assignment(w)) else {
            return Ok(None);
        };
        if words
            .iter()
            .skip(1)
            .any(|w| ENGLISH.contains(&w.to_lowercase().as_str()))
        {
            return Ok(None);
        }
        let cwd = if first.contains('/') {
            req.context().cwd.as_deref()
        } else {
            None
        };
        if !self.resolves(first, cwd) {
            return Ok(None);
        }
        Ok(Some(Reply {
            answer: "That is already a command; here it is, unchanged.".into(),
            command: Some(text.to_owned()),
        }))
    }
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::{Context, Race};
    use std::sync::Arc;

    fn answer(handler: CommandHandler, q: &str) -> Option<String> {
        let req = Request::new(q, false, Context::default());
        let report = Race::new(vec![Arc::new(handler)]).run(&req, &mut |_| {});
        report.winner.and_then(|(_, r)| r.command)
    }

    #[test]
    fn commands_are_recognised_and_english_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("mytool");
        std::fs::write(&bin, "#!/bin/sh\n").unwrap();
        let not_exec = dir.path().join("notexec");
        std::fs::write(&not_exec, "").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let path = || Some(dir.path().as_os_str().to_owned());
        let table: &[(&str, bool)] = &[
            ("mytool --flag x", true),
            ("FOO=1 mytool", true),
            ("mytool 'what is the thing'", true),
            ("cd /tmp", true),
            ("for f in *; do echo $f; done", true),
            ("notexec now", false),
            ("nosuchtool --help", false),
            ("mytool the thing?", false),
            ("kill the pod api", false),
            ("time to deploy", false),
            ("", false),
        ];
        for (q, want) in table {
            let got = answer(CommandHandler::new(path()), q);
            assert_eq!(got.is_some(), *want, "{q:?}: {got:?}");
            if *want {
                assert_eq!(got.as_deref(), Some(q.trim()));
            }
        }
        let abs = format!("{} -v", bin.display());
        assert_eq!(answer(CommandHandler::new(None), &abs), Some(abs.clone()));
    }
}
