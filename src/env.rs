//! A snapshot of everything a segment may read from the process: the working directory and
//! the handful of environment variables awesh honours. Segments read only this, never
//! `std::env`, so each test (and each `awesh serve` request) can give its own inputs.

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

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// The environment variables awesh reads. Anything else in the process environment is ignored.
pub const VARS: &[&str] = &[
    "HOME",
    "KUBECONFIG",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "AWESH_TIMEOUT_MS",
    "AWESH_CACHE_DIR",
    "AWESH_CONFIG",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
];

/// Read like [`VARS`], but only tests set them, so the shell scripts do not send them to
/// `awesh serve` (a test's request names them itself).
pub const TEST_VARS: &[&str] = &[CLOCK_OFFSET];

/// Tests only: milliseconds added to the clock that file change times are compared with (the
/// kube cache's racy window, serve's memo). A test cannot set a file's change time (ctime)
/// back, so instead of sleeping past the window it moves "now" forward, for one run.
pub const CLOCK_OFFSET: &str = "AWESH_TEST_CLOCK_OFFSET_MS";

/// The system clock in nanoseconds since the epoch (0 before 1970).
#[must_use]
pub fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

/// The inputs of one prompt: a working directory and the variables of [`VARS`] that are set.
#[derive(Debug, Clone, Default)]
pub struct Env {
    cwd: Option<PathBuf>,
    vars: Vec<(&'static str, OsString)>,
    /// The platform cache folder as `directories` finds it (set by [`Env::from_process`]).
    platform_cache: Option<PathBuf>,
}

impl Env {
    /// Reads the current directory and the variables of [`VARS`] and [`TEST_VARS`] from this
    /// process.
    #[must_use]
    pub fn from_process() -> Self {
        let vars = VARS
            .iter()
            .chain(TEST_VARS)
            .filter_map(|&name| std::env::var_os(name).map(|value| (name, value)))
            .collect();
        // A deleted working directory makes `current_dir` fail: then there is no repository.
        Env {
            cwd: std::env::current_dir().ok(),
            vars,
            platform_cache: directories::ProjectDirs::from("", "", "awesh")
                .map(|d| d.cache_dir().to_path_buf()),
        }
    }

    /// An environment with the given directory and variables; names outside [`VARS`] and
    /// [`TEST_VARS`] are dropped.
    #[must_use]
    pub fn new<K, V>(cwd: impl Into<PathBuf>, vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: AsRef<str>,
        V: Into<OsString>,
    {
        let mut env = Env {
            cwd: Some(cwd.into()),
            vars: Vec::new(),
            platform_cache: None,
        };
        for (name, value) in vars {
            env.set(name.as_ref(), value);
        }
        env
    }

    /// Sets one variable (ignored unless it is one of [`VARS`] or [`TEST_VARS`]).
    pub fn set(&mut self, name: &str, value: impl Into<OsString>) {
        if let Some(&known) = VARS.iter().chain(TEST_VARS).find(|&&v| v == name) {
            self.vars.retain(|(n, _)| *n != known);
            self.vars.push((known, value.into()));
        }
    }

    /// The working directory, when it could be read.
    #[must_use]
    pub fn cwd(&self) -> Option<&Path> {
        self.cwd.as_deref()
    }

    /// The value of a variable, `None` when unset.
    #[must_use]
    pub fn var(&self, name: &str) -> Option<&OsStr> {
        self.vars
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_os_str())
    }

    /// The value of a variable, `None` when unset or empty.
    #[must_use]
    pub fn non_empty(&self, name: &str) -> Option<&OsStr> {
        self.var(name).filter(|v| !v.is_empty())
    }

    /// awesh's cache folder: `AWESH_CACHE_DIR`, else the platform's (found with `directories`
    /// for the process; for a hand-made environment, `$XDG_CACHE_HOME/awesh` or
    /// `$HOME/.cache/awesh`, as `directories` does on Linux). `None` when none can be found.
    #[must_use]
    pub fn cache_dir(&self) -> Option<PathBuf> {
        if let Some(dir) = self.non_empty("AWESH_CACHE_DIR") {
            return Some(self.absolute(Path::new(dir)));
        }
        if let Some(dir) = &self.platform_cache {
            return Some(dir.clone());
        }
        let xdg = self.non_empty("XDG_CACHE_HOME").map(PathBuf::from);
        match xdg.filter(|p| p.is_absolute()) {
            Some(dir) => Some(dir.join("awesh")),
            None => self
                .non_empty("HOME")
                .map(|home| Path::new(home).join(".cache").join("awesh")),
        }
    }

    /// The [`CLOCK_OFFSET`] in nanoseconds: 0 when unset or not a whole number of milliseconds.
    #[must_use]
    pub fn clock_offset_ns(&self) -> i128 {
        self.var(CLOCK_OFFSET)
            .and_then(OsStr::to_str)
            .and_then(|ms| ms.parse::<i64>().ok())
            .map_or(0, |ms| i128::from(ms) * 1_000_000)
    }

    /// Now, in nanoseconds since the epoch, as file change times are judged against it: the
    /// system clock plus [`CLOCK_OFFSET`].
    #[must_use]
    pub fn now_ns(&self) -> i128 {
        now_ns() + self.clock_offset_ns()
    }

    /// Resolves `path` against the working directory when it is relative.
    #[must_use]
    pub fn absolute(&self, path: &Path) -> PathBuf {
        match self.cwd() {
            Some(cwd) if path.is_relative() => cwd.join(path),
            _ => path.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_offset_is_whole_milliseconds_or_nothing() {
        let offset = |v: &str| Env::new("/", [(CLOCK_OFFSET, v)]).clock_offset_ns();
        assert_eq!(offset("2200"), 2_200_000_000);
        assert_eq!(offset("-5"), -5_000_000);
        for ignored in ["", "2.5", "soon", "99999999999999999999"] {
            assert_eq!(offset(ignored), 0, "{ignored:?}");
        }
        assert_eq!(Env::new("/", [("HOME", "/h")]).clock_offset_ns(), 0);
    }
}
