//! What the walk over a command's syntax tree carries: words after unquoting (`Arg`), where a
//! command's input comes from (`Stdin`), what it passes down its pipeline (`Output`), and the
//! worst label so far with its reason (`Scan`). Shared by the parser walk (`shell.rs`), the
//! command checks (`command.rs`, `special.rs`) and the path rules (`paths.rs`), and imports
//! none of them: nested strings are parsed through a function pointer.

use super::Risk;

/// How deep strings run as code are followed (`bash -c "eval 'sh -c …'"`).
pub const MAX_DEPTH: usize = 6;

/// A word after quote removal.
#[derive(Debug, Clone, Default)]
pub struct Arg {
    /// Its text; what only run time knows is written `$…`.
    pub text: String,
    /// Part of it is only known at run time (`$x`, `$(…)`, a glob is not counted).
    pub dynamic: bool,
    /// It is a process substitution `<(…)` / `>(…)`.
    pub procsub: bool,
    /// A process substitution whose commands download something (`<(curl …)`).
    pub downloads: bool,
    /// Unquoted glob or brace expansion: the shell decides the final words (`/bin/r?`,
    /// `{rm,-rf,~}`).
    pub glob: bool,
}

/// Where a command's standard input comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stdin {
    /// The terminal or whatever the caller gives.
    Inherited,
    /// A pipe from an earlier command; `downloaded` when that command fetches from the network,
    /// `secret` when it reads a secret file.
    Pipe { downloaded: bool, secret: bool },
    /// A here-document or here-string; `dynamic` when it expands at run time.
    Doc { text: String, dynamic: bool },
    /// A file.
    File(String),
}

/// The worst label found so far and why.
#[derive(Debug)]
pub struct Scan {
    /// Parses and walks a string as a script (set by `shell.rs`; a pointer, so this module
    /// needs none of the parser).
    parse: fn(&mut Scan, &str),
    /// Labels one simple command's words (set by `shell.rs` to `command::exec`).
    exec: fn(&mut Scan, &[Arg], &Stdin) -> Output,
    /// The label.
    pub worst: Risk,
    /// Why, once anything is worse than safe.
    pub reason: Option<String>,
    /// Where the walk is (`inside $(…)`), innermost last.
    pub place: Vec<&'static str>,
    /// How many strings-as-code deep.
    pub depth: usize,
}

impl Scan {
    /// A fresh scan that parses nested strings with `parse` and labels commands with `exec`.
    #[must_use]
    pub fn new(parse: fn(&mut Scan, &str), exec: fn(&mut Scan, &[Arg], &Stdin) -> Output) -> Scan {
        Scan {
            parse,
            exec,
            worst: Risk::Safe,
            reason: None,
            place: Vec::new(),
            depth: 0,
        }
    }

    /// Records a part's label; the reason kept is the first of the worst.
    pub fn note(&mut self, risk: Risk, what: &str, why: &str) {
        if risk > self.worst || (risk > Risk::Safe && self.reason.is_none()) {
            self.worst = self.worst.max(risk);
            let mut reason = if what.is_empty() {
                why.to_owned()
            } else {
                format!("{what}: {why}")
            };
            if let Some(place) = self.place.last() {
                reason.push(' ');
                reason.push_str(place);
            }
            self.reason = Some(reason);
        }
    }

    /// Walks `source` as a nested script (a string given to a shell), one level deeper.
    pub fn nested(&mut self, source: &str, place: &'static str) {
        if self.depth >= MAX_DEPTH {
            self.note(
                Risk::Destructive,
                "",
                "code nested too deep to check runs at run time",
            );
            return;
        }
        self.depth += 1;
        self.place.push(place);
        (self.parse)(self, source);
        self.place.pop();
        self.depth -= 1;
    }

    /// Labels a command that another one runs (`find -exec rm {}`), `place` saying where.
    pub fn run_words(&mut self, words: &[Arg], stdin: &Stdin, place: &'static str) -> Output {
        self.place.push(place);
        let out = (self.exec)(self, words, stdin);
        self.place.pop();
        out
    }
}

/// The texts of some words.
#[must_use]
pub fn texts(words: &[Arg]) -> Vec<String> {
    words.iter().map(|w| w.text.clone()).collect()
}

/// A program's basename.
#[must_use]
pub fn base(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

/// What a command tells the next one in its pipeline.
#[derive(Debug, Default, Clone, Copy)]
pub struct Output {
    /// It fetches from the network (curl, wget): its output is downloaded.
    pub downloads: bool,
    /// It reads a secret file.
    pub reads_secret: bool,
}
