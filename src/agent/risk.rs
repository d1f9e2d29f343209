//! Risk labels for suggested commands (safe / changes things / destructive), and the filter
//! that flags a question asking for something destructive. awesh never runs a command; the
//! label is there so a person reviewing it in their edit line knows what they are about to do.
//! The command is parsed as bash parses it (`shell.rs`, with brush-parser); every simple
//! command in the tree is labelled from the program table (`programs.rs`) and the checks only
//! code can make (`command.rs`); the worst part decides, anything unknown or unparseable is at
//! least "changes things", and the label never understates.

mod command;
mod paths;
pub mod programs;
mod scan;
mod shell;
mod special;

use super::words::Words;

/// How much a command can hurt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Risk {
    /// Only reads.
    Safe,
    /// Changes files, the repository or the cluster, recoverably.
    Changes,
    /// Can lose data or take things down: review before running.
    Destructive,
}

impl Risk {
    /// The word used in `--json`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Risk::Safe => "safe",
            Risk::Changes => "changes",
            Risk::Destructive => "destructive",
        }
    }

    /// The label shown beside a command.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Risk::Safe => "safe",
            Risk::Changes => "changes things",
            Risk::Destructive => "destructive",
        }
    }
}

/// Words that ask for something destructive.
const DESTRUCTIVE_WORDS: &[&str] = &[
    "delete",
    "remove",
    "destroy",
    "wipe",
    "erase",
    "drop",
    "purge",
    "nuke",
    "format",
    "shred",
    "truncate",
    "uninstall",
    "overwrite",
    "discard",
    "prune",
    "rm",
    "kill",
    "force-push",
];

/// The second filter: the question asks to run something destructive.
#[must_use]
pub fn asks_destructive(question: &str) -> bool {
    let w = Words::new(question);
    w.has(DESTRUCTIVE_WORDS)
        || w.has_phrase(&["force", "push"])
        || w.has_phrase(&["hard", "reset"])
        || w.has(&["--hard", "--force", "-rf", "-fr"])
        || classify(question) == Risk::Destructive
}

/// A label and the reason for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The label: the most dangerous part's.
    pub risk: Risk,
    /// Why, naming that part (`` `rm -rf ~`: removes files inside $(…) ``).
    pub reason: String,
}

/// The deepest nesting of `(`, `{` and backticks that is parsed; deeper is not checked.
pub const MAX_NESTING: usize = 48;
/// The longest command that is parsed, in bytes.
pub const MAX_LEN: usize = 16 * 1024;

/// How deep brackets nest in `text`, counted without regard to quoting (so never less than
/// the parser would see).
fn nesting(text: &str) -> usize {
    let (mut depth, mut max, mut backticks) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth = depth.saturating_sub(1),
            '`' => backticks += 1,
            _ => {}
        }
        max = max.max(depth + backticks);
    }
    max
}

/// Labels a suggested command from its syntax tree: every simple command in it, wherever it
/// sits, the worst one deciding. A command too long or too deeply nested to parse safely
/// (the parser recurses per level) is destructive: what it does was not checked.
#[must_use]
pub fn assess(command: &str) -> Assessment {
    if command.len() > MAX_LEN {
        return Assessment {
            risk: Risk::Destructive,
            reason: format!("too long to check (over {MAX_LEN} bytes)"),
        };
    }
    if nesting(command) > MAX_NESTING {
        return Assessment {
            risk: Risk::Destructive,
            reason: format!("too deeply nested to check (over {MAX_NESTING} levels)"),
        };
    }
    let compact: String = command.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.contains(":(){:|:&};:") {
        return Assessment {
            risk: Risk::Destructive,
            reason: "a fork bomb".into(),
        };
    }
    let scan = shell::scan(command);
    if scan.worst < Risk::Destructive {
        if let Some(why) = special::secret_and_network(command) {
            return Assessment {
                risk: Risk::Destructive,
                reason: why,
            };
        }
    }
    Assessment {
        risk: scan.worst,
        reason: scan.reason.unwrap_or_else(|| "only reads".into()),
    }
}

/// The label alone.
#[must_use]
pub fn classify(command: &str) -> Risk {
    assess(command).risk
}

#[cfg(test)]
mod tests;
