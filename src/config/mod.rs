//! The user's configuration: where the file is, reading it once per prompt, and what it says.
//! A missing file is today's defaults, byte for byte; a broken key keeps its default and the
//! problem is kept for `awesh explain` and `awesh config check`, so a bad config never breaks
//! the prompt.

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

pub mod ask;
pub mod format;
pub mod parse;
pub mod rules;
pub mod show;
pub mod style;

use std::path::{Path, PathBuf};

use crate::env::Env;
pub use format::Format;
pub use rules::NamespaceRules;

/// Files larger than this are not read: no real config is this big, and the prompt must stay fast.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// The commented default config printed by `awesh config default`.
pub const DEFAULT_TOML: &str = include_str!("default.toml");

/// Everything the config decides.
#[derive(Debug, Default)]
pub struct Config {
    /// Templates, symbols and styles.
    pub format: Format,
    /// When the namespace is left out.
    pub namespace_rules: NamespaceRules,
    /// Context aliases.
    pub aliases: rules::Rules<rules::Alias>,
    /// Per-context symbol and styles.
    pub highlights: rules::Rules<rules::Highlight>,
    /// When the kube part is shown.
    pub show: show::Show,
    /// Whether and within what limits the working-tree status is gathered.
    pub status: StatusConfig,
}

/// The `[status]` keys that decide whether and how far the working-tree status is gathered
/// (how it looks is in [`Format`]). Off by default: the classic prompt has no status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusConfig {
    /// `enabled`: gather the status and show `{status}`.
    pub enabled: bool,
    /// `timeout_ms`: the status's own time budget, within the prompt's deadline.
    pub timeout_ms: u64,
    /// `max_index_entries`: a larger index is not examined (the status shows as unknown).
    pub max_index_entries: usize,
    /// `max_count`: stop counting a class past this many (shown as `N+`).
    pub max_count: u32,
}

impl Default for StatusConfig {
    fn default() -> Self {
        StatusConfig {
            enabled: false,
            timeout_ms: 100,
            max_index_entries: 1_000_000,
            max_count: 999,
        }
    }
}

impl Config {
    /// Parses a config from its text; broken keys keep their defaults.
    #[must_use]
    pub fn from_text(text: &str) -> (Config, Vec<Problem>) {
        parse::parse(text)
    }
}

/// One thing wrong with a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Byte offset in the file.
    pub at: usize,
    /// What is wrong and what happens instead.
    pub message: String,
}

/// Where the config file is, and who said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file's path.
    pub path: PathBuf,
    /// Named by `AWESH_CONFIG` (or on the command line), rather than the default place.
    pub explicit: bool,
}

/// The config file's path: `AWESH_CONFIG` when set, else `$XDG_CONFIG_HOME/awesh/config.toml`,
/// else `$HOME/.config/awesh/config.toml`. The XDG rule is applied to [`Env`] (not the process)
/// so tests control it; the `directories` crate is asked only when `HOME` is unset, for the
/// home directory from the user database. `None` when there is no home at all.
#[must_use]
pub fn locate(env: &Env) -> Option<Location> {
    if let Some(path) = env.non_empty("AWESH_CONFIG") {
        return Some(Location {
            path: env.absolute(Path::new(path)),
            explicit: true,
        });
    }
    let config_home = env
        .non_empty("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| env.non_empty("HOME").map(|h| Path::new(h).join(".config")))
        .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().join(".config")))?;
    Some(Location {
        path: config_home.join("awesh").join("config.toml"),
        explicit: false,
    })
}

/// What became of the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    /// No file (or no place to look): defaults.
    Absent,
    /// Read and parsed (possibly with problems).
    Read,
    /// Exists but could not be read: defaults; the message says why.
    Unreadable(String),
}

/// A config as loaded for one prompt.
#[derive(Debug)]
pub struct Loaded {
    /// Where the file is, when there is a place to look.
    pub location: Option<Location>,
    /// What became of it.
    pub state: FileState,
    /// The file's text (empty unless read), kept to turn offsets into lines.
    pub text: String,
    /// The config: defaults wherever the file is missing or wrong.
    pub config: Config,
    /// What is wrong with the file, in file order.
    pub problems: Vec<Problem>,
}

/// Reads the config file of `env` (one `open` when there is none).
#[must_use]
pub fn load(env: &Env) -> Loaded {
    let location = locate(env);
    let mut loaded = match &location {
        Some(loc) => load_path(&loc.path),
        None => Loaded {
            location: None,
            state: FileState::Absent,
            text: String::new(),
            config: Config::default(),
            problems: Vec::new(),
        },
    };
    loaded.location = location;
    loaded
}

/// [`load`], bounded by `timeout` when a read could hang: on a machine with a network or FUSE
/// filesystem mounted (`local` false: the caller asks the mount check), the file is read on a
/// thread and, if that thread is not done in time, the prompt goes on with defaults (and
/// `explain` says so). On a machine with only local filesystems the read cannot block (a FIFO
/// is refused unopened) and runs right here.
#[must_use]
pub fn load_within(env: &std::sync::Arc<Env>, timeout: std::time::Duration, local: bool) -> Loaded {
    if local {
        return load(env);
    }
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let worker = std::sync::Arc::clone(env);
    let spawned = std::thread::Builder::new().spawn(move || {
        let _ = tx.send(load(&worker));
    });
    match spawned.ok().and_then(|_| rx.recv_timeout(timeout).ok()) {
        Some(loaded) => loaded,
        None => Loaded {
            location: locate(env),
            state: FileState::Unreadable(format!(
                "not read within the {} ms deadline (on a network filesystem?); defaults used",
                timeout.as_millis()
            )),
            text: String::new(),
            config: Config::default(),
            problems: Vec::new(),
        },
    }
}

/// Reads and parses the config file at `path`.
#[must_use]
pub fn load_path(path: &Path) -> Loaded {
    let mut loaded = Loaded {
        location: Some(Location {
            path: path.to_path_buf(),
            explicit: true,
        }),
        state: FileState::Absent,
        text: String::new(),
        config: Config::default(),
        problems: Vec::new(),
    };
    match read(path) {
        Ok(Some(text)) => {
            let (config, problems) = Config::from_text(&text);
            loaded.state = FileState::Read;
            loaded.text = text;
            loaded.config = config;
            loaded.problems = problems;
        }
        Ok(None) => {}
        Err(why) => loaded.state = FileState::Unreadable(why),
    }
    loaded
}

fn read(path: &Path) -> Result<Option<String>, String> {
    // Read on the prompt's main thread, outside the gather deadline: never a FIFO (`files`).
    // Believed only if nobody else could have written it: an alias renames contexts.
    let Some(bytes) = crate::io::files::read_owned(path, MAX_FILE_BYTES)? else {
        return Ok(None);
    };
    String::from_utf8(bytes).map(Some).map_err(|e| {
        format!(
            "{} is not UTF-8 (byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

impl Loaded {
    /// 1-based line and column (in characters) of byte offset `at`.
    #[must_use]
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        line_col(&self.text, at)
    }

    /// Every problem, including expressions that do not compile (which the prompt only finds
    /// lazily), in file order. Compiles every expression: for `explain` and `check`, not the
    /// prompt.
    #[must_use]
    pub fn all_problems(&self) -> Vec<Problem> {
        let mut all = self.problems.clone();
        let broken = self
            .config
            .aliases
            .broken()
            .into_iter()
            .chain(self.config.highlights.broken());
        all.extend(broken.map(|(at, message)| Problem { at, message }));
        all.extend(ask::parse(&self.text).1);
        all.sort_by_key(|p| p.at);
        all
    }

    /// `path:line:col: message`, the form editors jump to.
    #[must_use]
    pub fn describe(&self, problem: &Problem) -> String {
        let (line, col) = self.line_col(problem.at);
        let path = self
            .location
            .as_ref()
            .map_or_else(String::new, |l| l.path.display().to_string());
        format!("{path}:{line}:{col}: {}", problem.message)
    }
}

/// 1-based line and column (in characters) of byte offset `at` in `text`.
#[must_use]
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounded_load_on_a_thread_reads_the_same_config() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[format]\nseparator = \"|\"\n").unwrap();
        let env = std::sync::Arc::new(Env::new(dir.path(), [("AWESH_CONFIG", path.as_os_str())]));
        let direct = load(&env);
        let threaded = load_within(&env, std::time::Duration::from_secs(10), false);
        assert_eq!(threaded.state, FileState::Read);
        assert_eq!(threaded.text, direct.text);
        assert_eq!(threaded.problems.len(), direct.problems.len());
    }

    #[test]
    fn the_file_is_found_where_the_variables_say() {
        // (variables, Some((path, explicit)))
        type Row<'a> = (&'a [(&'a str, &'a str)], Option<(&'a str, bool)>);
        let cases: &[Row] = &[
            (
                &[
                    ("AWESH_CONFIG", "/etc/a.toml"),
                    ("XDG_CONFIG_HOME", "/x"),
                    ("HOME", "/h"),
                ],
                Some(("/etc/a.toml", true)),
            ),
            (
                &[("AWESH_CONFIG", "rel.toml"), ("HOME", "/h")],
                Some(("/cwd/rel.toml", true)),
            ),
            (
                &[
                    ("AWESH_CONFIG", ""),
                    ("XDG_CONFIG_HOME", "/x"),
                    ("HOME", "/h"),
                ],
                Some(("/x/awesh/config.toml", false)),
            ),
            (
                &[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")],
                Some(("/x/awesh/config.toml", false)),
            ),
            // a relative XDG_CONFIG_HOME is ignored, as the XDG spec says
            (
                &[("XDG_CONFIG_HOME", "x"), ("HOME", "/h")],
                Some(("/h/.config/awesh/config.toml", false)),
            ),
            (
                &[("HOME", "/h")],
                Some(("/h/.config/awesh/config.toml", false)),
            ),
        ];
        for (vars, want) in cases {
            let env = Env::new("/cwd", vars.iter().copied());
            let got = locate(&env);
            let want = want.map(|(p, explicit)| Location {
                path: PathBuf::from(p),
                explicit,
            });
            assert_eq!(got, want, "{vars:?}");
        }
    }

    #[test]
    fn loading_never_fails() {
        let tmp = tempfile::tempdir().unwrap();
        let good = tmp.path().join("good.toml");
        std::fs::write(&good, "[branch]\nsymbol = 'b'\n").unwrap();
        let bad = tmp.path().join("bad.toml");
        std::fs::write(&bad, b"[branch]\nsymbol = '\xff'\n").unwrap();
        let cases: &[(&Path, &str, &str)] = &[
            (&good, "Read", "b"),
            (&tmp.path().join("none.toml"), "Absent", "\u{1f33f}"),
            (&bad, "Unreadable", "\u{1f33f}"),
            (tmp.path(), "Unreadable", "\u{1f33f}"),
        ];
        for (path, state, symbol) in cases {
            let env = Env::new("/", [("AWESH_CONFIG", path.as_os_str())]);
            let loaded = load(&env);
            assert!(
                format!("{:?}", loaded.state).starts_with(state),
                "{path:?}: {:?}",
                loaded.state
            );
            assert_eq!(loaded.config.format.branch.symbol, *symbol, "{path:?}");
        }
    }

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "a\nbé = 1\n";
        let cases = [
            (0, (1, 1)),
            (2, (2, 1)),
            (5, (2, 3)),
            (4, (2, 2)),
            (99, (3, 1)),
        ];
        for (at, want) in cases {
            assert_eq!(line_col(text, at), want, "{at}");
        }
    }
}
