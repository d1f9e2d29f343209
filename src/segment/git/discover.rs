//! Finding the repository the way git does (`setup_git_directory_gently` in git's `setup.c`):
//! `GIT_DIR` when set, else upwards from the working directory, trying `D/.git` (a folder, or
//! a file naming one) and then `D` itself as a bare repository, stopping below
//! `GIT_CEILING_DIRECTORIES` and, unless `GIT_DISCOVERY_ACROSS_FILESYSTEM` is true, at a
//! filesystem boundary. A folder is a git directory when its `HEAD` is a ref under `refs/` (or
//! a link to one) or a commit id, and its common folder has `objects` and `refs`.
//!
//! This walk was gix's (`gix::discover`) until it was measured. gix checks the name in HEAD
//! with memchr, and memchr's first call detects the CPU's features with `cpuid`, which a
//! virtual machine traps: 6 µs an instruction on this project's machine, 50 µs a prompt, a
//! twentieth of the whole process. gix also opens HEAD before anything could check that it
//! is a regular file. So discovery is ours: it never opens anything but a regular file (a FIFO
//! in a repository cannot block it, on any thread), it reads HEAD once and hands it to the git
//! segment, and the tests hold it to `git` itself. gix still resolves refs for `explain`.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::env::Env;
use crate::io::files;
use crate::segment::git::{parse_head, Head, Missing};

/// A repository discovery found, with the HEAD it read to recognise it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The git directory (worktree-private in a linked worktree).
    pub git_dir: PathBuf,
    /// The folder holding the shared refs and objects (`commondir`), else `git_dir`.
    pub common_dir: PathBuf,
    /// HEAD, or why its content is not one awesh can show.
    pub head: Result<Head, String>,
    /// What git's ownership check (`ensure_valid_ownership`) looks at, with each owner's uid:
    /// the gitfile, the work tree and the git directory of a discovered repository; nothing
    /// when `GIT_DIR` named it (git does not check then). Taken from the `stat`s discovery
    /// makes anyway.
    pub owners: Vec<(PathBuf, u32)>,
    /// How it was found, which decides the work tree (`worktree::of`).
    pub via: Via,
}

/// How discovery found the repository: what git's setup.c tells apart when it picks the work
/// tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// Named by `GIT_DIR`.
    GitDir,
    /// As `D/.git` (a folder, or a file naming one): `D` is the work tree unless config says
    /// otherwise.
    DotGit(PathBuf),
    /// As a bare repository: the folder itself.
    Bare,
}

/// What one candidate folder turned out to be.
enum Probe {
    Repository(Found),
    /// Not a git directory; the reason, when it looked like one (a HEAD that is not a ref).
    Not(Option<String>),
}

/// git reads at most this much of a `.git` file ("too large to be a .git file").
const GITFILE_LIMIT: u64 = 1 << 20;
/// HEAD and `commondir` hold one line; anything longer than this is not a ref.
const LINE_LIMIT: u64 = 64 << 10;

/// Finds the repository for `env` as git does.
///
/// # Errors
/// [`Missing::NotARepository`] with where discovery stopped and why (the first folder on
/// the way that looked like a repository but was not one is named); [`Missing::Unreadable`]
/// when a file git would read is a FIFO, which git would wait on for ever.
pub fn find(env: &Env) -> Result<Found, Missing> {
    let Some(cwd) = env.cwd() else {
        return Err(Missing::NotARepository(
            "the working directory cannot be read".into(),
        ));
    };
    if let Some(dir) = env.non_empty("GIT_DIR") {
        let dir = env.absolute(Path::new(dir));
        return match probe(&dir)? {
            Probe::Repository(found) => Ok(found),
            Probe::Not(why) => Err(Missing::NotARepository(format!(
                "GIT_DIR={} is not a git directory{}",
                dir.display(),
                why.map(|w| format!(" ({w})")).unwrap_or_default()
            ))),
        };
    }
    let ceiling = env
        .var("GIT_CEILING_DIRECTORIES")
        .map(ceiling_dirs)
        .unwrap_or_default()
        .into_iter()
        .filter(|c| cwd.starts_with(c) && cwd != c.as_path())
        .max_by_key(|c| c.components().count());
    // The folder being tried, as stat'ed for the filesystem check: its owner is what git's
    // ownership check needs of a work tree or bare repository, at no extra cost.
    let mut dir_meta: Option<std::fs::Metadata> = None;
    let device = if env
        .var("GIT_DISCOVERY_ACROSS_FILESYSTEM")
        .is_some_and(git_bool)
    {
        None
    } else {
        match std::fs::metadata(cwd) {
            Ok(meta) => {
                let dev = meta.dev();
                dir_meta = Some(meta);
                Some(dev)
            }
            Err(e) => {
                return Err(Missing::NotARepository(format!(
                    "cannot stat {}: {e}",
                    cwd.display()
                )))
            }
        }
    };
    let uid_of = |meta: &Option<std::fs::Metadata>, dir: &Path| {
        meta.as_ref()
            .map(MetadataExt::uid)
            .or_else(|| std::fs::metadata(dir).ok().map(|m| m.uid()))
            .unwrap_or(u32::MAX)
    };
    // The first folder on the way that looked like a repository but was not one.
    let mut first_note: Option<String> = None;
    let mut dir = cwd;
    loop {
        let dot_git = dir.join(".git");
        match std::fs::metadata(&dot_git) {
            Ok(meta) if meta.is_file() => {
                let mut found = gitfile(&dot_git)?;
                let git_dir_uid = std::fs::metadata(&found.git_dir).map_or(u32::MAX, |m| m.uid());
                found.via = Via::DotGit(dir.to_path_buf());
                found.owners = vec![
                    (dot_git, meta.uid()),
                    (dir.to_path_buf(), uid_of(&dir_meta, dir)),
                    (found.git_dir.clone(), git_dir_uid),
                ];
                return Ok(found);
            }
            // A folder (or anything but a file, which cannot hold a HEAD): a git directory?
            Ok(meta) => match probe(&dot_git)? {
                Probe::Repository(mut found) => {
                    found.via = Via::DotGit(dir.to_path_buf());
                    found.owners = vec![
                        (dir.to_path_buf(), uid_of(&dir_meta, dir)),
                        (dot_git, meta.uid()),
                    ];
                    return Ok(found);
                }
                Probe::Not(why) => first_note = first_note.or(why),
            },
            Err(_) => {}
        }
        match probe(dir)? {
            Probe::Repository(mut found) => {
                found.via = Via::Bare;
                found.owners = vec![(dir.to_path_buf(), uid_of(&dir_meta, dir))];
                return Ok(found);
            }
            Probe::Not(why) => first_note = first_note.or(why),
        }
        let stop = match dir.parent() {
            None => Some(String::from("no repository up to /")),
            Some(parent) => match (&ceiling, device) {
                (Some(c), _) if !(parent.starts_with(c) && parent != c.as_path()) => Some(format!(
                    "discovery stopped below GIT_CEILING_DIRECTORIES entry {}",
                    c.display()
                )),
                (_, Some(device)) => {
                    dir_meta = std::fs::metadata(parent).ok();
                    if dir_meta.as_ref().map(MetadataExt::dev) == Some(device) {
                        dir = parent;
                        None
                    } else {
                        Some(format!(
                            "no repository up to mount point {} (GIT_DISCOVERY_ACROSS_FILESYSTEM is not set)",
                            dir.display()
                        ))
                    }
                }
                _ => {
                    dir_meta = None;
                    dir = parent;
                    None
                }
            },
        };
        if let Some(stop) = stop {
            return Err(Missing::NotARepository(match first_note {
                Some(why) => format!("{stop}; passed over {why}"),
                None => stop,
            }));
        }
    }
}

/// A `.git` file (`gitdir: <path>`, written for linked worktrees and submodules). Whatever is
/// wrong with it ends discovery, as it makes git stop with an error.
fn gitfile(path: &Path) -> Result<Found, Missing> {
    let not = |why: String| Missing::NotARepository(format!("{}: {why}", path.display()));
    let text = files::read_regular(path, GITFILE_LIMIT)
        .map_err(not)?
        .unwrap_or_default();
    let Some(rest) = text.strip_prefix(b"gitdir: ") else {
        return Err(not("invalid gitfile format".into()));
    };
    let Some(target) = named_path(rest, path.parent().unwrap_or(Path::new("/"))) else {
        return Err(not("no path in gitfile".into()));
    };
    match probe(&target)? {
        Probe::Repository(found) => Ok(found),
        Probe::Not(why) => Err(not(format!(
            "{} is not a git directory{}",
            target.display(),
            why.map(|w| format!(" ({w})")).unwrap_or_default()
        ))),
    }
}

/// git's `is_git_directory`: a valid HEAD, then `objects` and `refs` in the common folder.
fn probe(dir: &Path) -> Result<Probe, Missing> {
    let head = match read_head(&dir.join("HEAD"))? {
        HeadFile::Valid(head) => head,
        HeadFile::Absent => return Ok(Probe::Not(None)),
        HeadFile::Invalid(why) => return Ok(Probe::Not(Some(why))),
    };
    let common_dir = common_dir(dir)?;
    for sub in ["objects", "refs"] {
        if !searchable(&common_dir.join(sub)) {
            return Ok(Probe::Not(Some(format!(
                "{} (it has a HEAD but no {sub} folder)",
                dir.display()
            ))));
        }
    }
    Ok(Probe::Repository(Found {
        git_dir: dir.to_path_buf(),
        common_dir,
        head,
        owners: Vec::new(),
        via: Via::GitDir,
    }))
}

/// git's `access(path, X_OK)` as the folders' owner would see it.
fn searchable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_dir() || m.permissions().mode() & 0o111 != 0)
}

enum HeadFile {
    /// A HEAD git accepts, and what it holds.
    Valid(Result<Head, String>),
    Absent,
    /// Present, but not a HEAD git accepts: why.
    Invalid(String),
}

/// git's `validate_headref`, returning what HEAD holds: a link whose target starts with
/// `refs/` (very old repositories), a file starting `ref:` and (after blanks) `refs/`, or a
/// file starting with a full commit id.
fn read_head(path: &Path) -> Result<HeadFile, Missing> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(HeadFile::Absent);
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        let target = std::fs::read_link(path).unwrap_or_default();
        let target = target.as_os_str().as_bytes();
        return Ok(if target.starts_with(b"refs/") {
            HeadFile::Valid(if crate::segment::git::is_ref_name(target) {
                Ok(Head::Symbolic(crate::name::Name::new(target)))
            } else {
                Err(format!(
                    "{} links to {:?}, not a ref name",
                    path.display(),
                    String::from_utf8_lossy(target)
                ))
            })
        } else {
            HeadFile::Invalid(format!(
                "{} links to {:?}, not to a ref",
                path.display(),
                String::from_utf8_lossy(target)
            ))
        });
    }
    if kind.is_fifo() {
        return Err(fifo(path));
    }
    if !kind.is_file() {
        // git opens it and finds no ref: not a repository (awesh does not open devices).
        return Ok(HeadFile::Invalid(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    // (lstat said it is a regular file, not a link: its size is the file's own.)
    let text = match files::read_known(path, &meta, LINE_LIMIT) {
        Ok(text) => text,
        Err(why) => return Ok(HeadFile::Invalid(why)),
    };
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let valid = match text.strip_prefix(b"ref:") {
        Some(rest) => {
            let start = rest.iter().position(|b| !is_space(b)).unwrap_or(rest.len());
            rest.get(start..).unwrap_or_default().starts_with(b"refs/")
        }
        None => [40, 64].iter().any(|&n| {
            text.get(..n)
                .is_some_and(|id| id.iter().all(u8::is_ascii_hexdigit))
        }),
    };
    let line = first_line(&text);
    if !valid {
        return Ok(HeadFile::Invalid(format!(
            "{} holds neither a ref nor a commit id: {:?}",
            path.display(),
            String::from_utf8_lossy(line)
        )));
    }
    Ok(HeadFile::Valid(parse_head(line).ok_or_else(|| {
        format!(
            "{} holds neither a ref nor a commit id: {:?}",
            path.display(),
            String::from_utf8_lossy(line)
        )
    })))
}

/// The first line of `text`, without its line ending.
fn first_line(text: &[u8]) -> &[u8] {
    let line = text.split(|&b| b == b'\n').next().unwrap_or_default();
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The common folder: what the `commondir` file of a linked worktree names (relative to the
/// git directory), else the git directory itself. git stops with an error on a `commondir`
/// it cannot read, and so does discovery.
fn common_dir(git_dir: &Path) -> Result<PathBuf, Missing> {
    let path = git_dir.join("commondir");
    let Ok(meta) = std::fs::metadata(&path) else {
        return Ok(git_dir.to_path_buf());
    };
    if meta.file_type().is_fifo() {
        return Err(fifo(&path));
    }
    let unreadable =
        |why: String| Missing::Unreadable(format!("cannot read {}: {why}", path.display()));
    let text = files::read_regular(&path, LINE_LIMIT)
        .map_err(unreadable)?
        .unwrap_or_default();
    named_path(&text, git_dir).ok_or_else(|| unreadable("it is empty".into()))
}

/// The path a `.git` or `commondir` file names (git strips the line endings, nothing else),
/// taken relative to `base` unless absolute; `None` when it names nothing.
fn named_path(text: &[u8], base: &Path) -> Option<PathBuf> {
    let end = text
        .iter()
        .rposition(|b| !matches!(b, b'\n' | b'\r'))
        .map_or(0, |last| last + 1);
    let named = text.get(..end).filter(|t| !t.is_empty())?;
    let named = Path::new(OsStr::from_bytes(named));
    Some(if named.is_relative() {
        base.join(named)
    } else {
        named.to_path_buf()
    })
}

/// A FIFO where git would read a file: git would wait on it for ever; awesh stops there.
fn fifo(path: &Path) -> Missing {
    Missing::Unreadable(format!(
        "{} is a FIFO, not a regular file: git would wait on it for ever, so awesh does not open it",
        path.display()
    ))
}

/// Parses `GIT_CEILING_DIRECTORIES` as git does: absolute entries only, symlinks resolved
/// until an empty entry, after which entries are taken as written.
fn ceiling_dirs(value: &OsStr) -> Vec<PathBuf> {
    let mut resolve = true;
    let mut out = Vec::new();
    for dir in std::env::split_paths(value) {
        if dir.as_os_str().is_empty() {
            resolve = false;
        } else if dir.is_absolute() {
            out.push(if resolve {
                std::fs::canonicalize(&dir).unwrap_or(dir)
            } else {
                dir
            });
        }
    }
    out
}

/// git's boolean words: true/yes/on or a non-zero number.
fn git_bool(value: &OsStr) -> bool {
    let text = value.to_string_lossy();
    let text = text.trim();
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => true,
        "false" | "no" | "off" | "" => false,
        number => number.parse::<i64>().is_ok_and(|n| n != 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_bool_matches_git() {
        for (text, want) in [
            ("1", true),
            ("true", true),
            ("YES", true),
            ("on", true),
            ("0", false),
            ("no", false),
            ("", false),
            ("junk", false),
        ] {
            assert_eq!(git_bool(OsStr::new(text)), want, "{text}");
        }
    }
}
