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

pub use shell::{MAX_LEN, MAX_NESTING};

/// Labels a suggested command from its syntax tree: every simple command in it, wherever it
/// sits, the worst one deciding. What the parser cannot be trusted with (too long, too deep,
/// a here-document delimiter built by expansion) is destructive: what it does was not checked.
#[must_use]
pub fn assess(command: &str) -> Assessment {
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
