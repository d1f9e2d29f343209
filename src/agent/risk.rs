//! Risk labels for suggested commands (safe / changes things / destructive), and the filter
//! that flags a question asking for something destructive. awesh never runs a command; the
//! label is there so a person reviewing it in their edit line knows what they are about to do.
//! Classification is per simple command (split on pipes and lists, quote-aware); the command's
//! risk is the worst of its parts, and anything unknown is at least "changes things".

mod programs;

use super::words::Words;
use programs::simple;

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

enum Token {
    Word(String),
    /// `>` / `>>` (with an optional fd) and its target.
    Redirect(String),
    /// `|`.
    Pipe,
    /// `;`, `&&`, `||`, `&`, a newline.
    List,
}

fn tokenize(cmd: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut redirect = false;
    let mut chars = cmd.chars().peekable();
    let flush =
        |out: &mut Vec<Token>, word: &mut String, in_word: &mut bool, redirect: &mut bool| {
            if *in_word {
                let w = std::mem::take(word);
                out.push(if *redirect {
                    Token::Redirect(w)
                } else {
                    Token::Word(w)
                });
                *redirect = false;
            }
            *in_word = false;
        };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            '>' => {
                // `2>`, `&>`: the fd belongs to the redirection, not to a word.
                if word.chars().all(|c| c.is_ascii_digit() || c == '&') {
                    word.clear();
                    in_word = false;
                } else {
                    flush(&mut out, &mut word, &mut in_word, &mut redirect);
                }
                if chars.peek() == Some(&'>') {
                    chars.next();
                }
                if chars.peek() == Some(&'&') {
                    // `2>&1` duplicates a descriptor: no file.
                    chars.next();
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                    continue;
                }
                redirect = true;
            }
            '|' | ';' | '&' | '\n' => {
                flush(&mut out, &mut word, &mut in_word, &mut redirect);
                let double = chars.peek() == Some(&c);
                if double {
                    chars.next();
                }
                out.push(if c == '|' && !double {
                    Token::Pipe
                } else {
                    Token::List
                });
            }
            c if c.is_whitespace() => {
                flush(&mut out, &mut word, &mut in_word, &mut redirect);
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    flush(&mut out, &mut word, &mut in_word, &mut redirect);
    out
}

/// Classifies a suggested command.
#[must_use]
pub fn classify(command: &str) -> Risk {
    let compact: String = command.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.contains(":(){:|:&};:") {
        return Risk::Destructive; // the fork bomb
    }
    let mut worst = Risk::Safe;
    let mut words: Vec<String> = Vec::new();
    let mut downloaded_into_pipe = false;
    let mut tokens = tokenize(command).into_iter().peekable();
    loop {
        let token = tokens.next();
        match token {
            Some(Token::Word(w)) => {
                words.push(w);
                continue;
            }
            Some(Token::Redirect(target)) => {
                worst = worst.max(redirect_risk(&target));
                continue;
            }
            _ => {}
        }
        // End of a simple command.
        if !words.is_empty() {
            let program = program_of(&words);
            if downloaded_into_pipe && is_shell(program.as_deref()) {
                worst = Risk::Destructive; // curl ... | sh
            }
            let downloads = matches!(program.as_deref(), Some("curl" | "wget" | "fetch"));
            downloaded_into_pipe = downloads || downloaded_into_pipe;
            worst = worst.max(simple(&words, command));
        }
        words.clear();
        match token {
            None => break,
            Some(Token::Pipe) => {}
            _ => downloaded_into_pipe = false,
        }
    }
    worst
}

fn redirect_risk(target: &str) -> Risk {
    if target == "/dev/null" || target == "/dev/stdout" || target == "/dev/stderr" {
        Risk::Safe
    } else if target.starts_with("/dev/") {
        Risk::Destructive // > /dev/sda
    } else {
        Risk::Changes
    }
}

/// Wrappers that run the rest of their arguments as a command.
const WRAPPERS: &[&str] = &[
    "sudo", "doas", "env", "nohup", "time", "command", "nice", "xargs", "watch", "exec",
];

fn strip_wrappers(words: &[String]) -> &[String] {
    let mut rest = words;
    loop {
        match rest.first() {
            Some(w) if w.contains('=') && !w.starts_with('-') && !w.starts_with('=') => {
                rest = &rest[1..]
            }
            Some(w) if WRAPPERS.contains(&base(w)) => {
                rest = &rest[1..];
                while rest.first().is_some_and(|w| w.starts_with('-')) {
                    rest = &rest[1..]; // sudo -E, nice -n 5 (the 5 is then skipped as a program? no: kept)
                }
            }
            _ => return rest,
        }
    }
}

fn base(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

fn program_of(words: &[String]) -> Option<String> {
    strip_wrappers(words).first().map(|w| base(w).to_owned())
}

fn is_shell(program: Option<&str>) -> bool {
    matches!(
        program,
        Some(
            "sh" | "bash"
                | "zsh"
                | "dash"
                | "ksh"
                | "fish"
                | "python"
                | "python3"
                | "perl"
                | "ruby"
                | "node"
        )
    )
}

#[cfg(test)]
mod tests;
