//! The git segment: which branch (or detached commit, or operation in progress) the working
//! directory is on. Discovery is gix's; HEAD and the operation-state files are read directly,
//! the way git's own `git-prompt.sh` reads them, so a prompt costs a handful of `stat` calls and
//! never spawns `git` or parses config. `gather` does the IO, `compute` is pure.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::env::Env;
use crate::name::Name;
pub mod abbrev;
pub mod discover;
pub mod global;
pub mod kept;
pub mod ownership;
pub mod reftable;
pub mod status;
pub mod worktree;

/// The operation git is in the middle of, named as in `git-prompt.sh`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// `git rebase` (merge or apply backend).
    Rebase,
    /// `git am`, or an apply-backend run that says neither rebase nor am (`AM/REBASE`).
    Am,
    /// `git merge` stopped with conflicts.
    Merge,
    /// `git cherry-pick` stopped, or a sequencer whose next step is a pick.
    CherryPick,
    /// `git revert` stopped, or a sequencer whose next step is a revert.
    Revert,
    /// `git bisect` is running.
    Bisect,
}

impl State {
    /// The lower-case key used by `explain --json`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            State::Rebase => "rebase",
            State::Am => "am",
            State::Merge => "merge",
            State::CherryPick => "cherry-pick",
            State::Revert => "revert",
            State::Bisect => "bisect",
        }
    }
}

/// What HEAD holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    /// A symbolic ref, e.g. `refs/heads/main` (the branch may be unborn).
    Symbolic(Name),
    /// A detached commit id in hex.
    Detached(Name),
}

/// Everything the git segment read from disk; the input of [`compute`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    /// The repository's (worktree-private) git directory.
    pub git_dir: PathBuf,
    /// The directory holding shared refs (differs from `git_dir` in linked worktrees).
    pub common_dir: PathBuf,
    /// HEAD, or why it could not be read.
    pub head: Result<Head, String>,
    /// Operation-state files, in the order `git-prompt.sh` tests them.
    pub op: RawOp,
    /// True when refs live in a reftable (`extensions.refStorage = reftable`).
    pub reftable: bool,
    /// How discovery found it (what the work tree depends on: [`worktree::of`]).
    pub via: discover::Via,
    /// For a detached HEAD, the length `git rev-parse --short` gives its id ([`abbrev::gather`]),
    /// when it could be worked out.
    pub abbrev: Option<usize>,
}

/// The operation-state files found in the git directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RawOp {
    /// No operation in progress.
    #[default]
    None,
    /// `rebase-merge/` exists.
    RebaseMerge {
        /// First line of `rebase-merge/head-name`.
        head_name: Option<Name>,
        /// `rebase-merge/msgnum`.
        step: Option<Name>,
        /// `rebase-merge/end`.
        total: Option<Name>,
    },
    /// `rebase-apply/` exists.
    RebaseApply {
        /// `rebase-apply/rebasing` exists.
        rebasing: bool,
        /// `rebase-apply/applying` exists.
        applying: bool,
        /// `rebase-apply/head-name`, read only when rebasing.
        head_name: Option<Name>,
        /// `rebase-apply/next`.
        step: Option<Name>,
        /// `rebase-apply/last`.
        total: Option<Name>,
    },
    /// `MERGE_HEAD` exists.
    Merge,
    /// `CHERRY_PICK_HEAD` exists.
    CherryPickHead,
    /// `REVERT_HEAD` exists.
    RevertHead,
    /// The first line of `sequencer/todo`.
    SequencerTodo(Name),
    /// `BISECT_LOG` exists.
    Bisect,
}

/// What the prompt shows for git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// The branch name shown: HEAD's branch, or during a rebase the branch being rebased.
    pub branch: Option<Name>,
    /// HEAD is not a symbolic ref.
    pub detached: bool,
    /// The commit id in HEAD when detached (full hex).
    pub detached_id: Option<Name>,
    /// The operation in progress.
    pub state: Option<State>,
    /// `[step, total]` of a rebase or am, when git records them.
    pub progress: Option<(u32, u32)>,
    /// True when git uses the word `AM/REBASE` (an apply run of unknown kind).
    pub ambiguous_apply: bool,
    /// How many hex digits of a detached id are shown: `git rev-parse --short`'s length, or
    /// git's fallback of seven when it could not be worked out.
    pub abbrev: usize,
}

impl Info {
    /// The abbreviation shown for a detached HEAD, as `git rev-parse --short` gives it.
    #[must_use]
    pub fn short_id(&self) -> Option<&[u8]> {
        self.detached_id
            .as_ref()
            .map(|id| id.as_bytes().get(..self.abbrev).unwrap_or(id.as_bytes()))
    }
}

/// Why there is no git segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// No repository at or above the directory (the message says where discovery stopped).
    NotARepository(String),
    /// A repository was found but HEAD could not be read.
    Unreadable(String),
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Missing::NotARepository(why) => write!(f, "not a git repository: {why}"),
            Missing::Unreadable(why) => write!(f, "{why}"),
        }
    }
}

/// Finds the repository for `env` and reads HEAD and the operation-state files.
///
/// # Errors
/// [`Missing`] when there is no repository, or HEAD cannot be read.
pub fn gather(env: &Env) -> Result<Raw, Missing> {
    let discover::Found {
        git_dir,
        common_dir,
        mut head,
        owners,
        via,
    } = discover::find(env)?;
    // git refuses a repository someone else owns unless safe.directory allows it, and so
    // does the prompt: whoever can write /tmp/.git must not choose the branch shown there.
    if let Some((path, uid)) = ownership::foreign(&owners) {
        // What safe.directory is compared with: the work tree, else the git directory
        // (`owners` is [gitfile, work tree, git dir], [work tree, git dir] or [git dir]).
        let checked = match owners.as_slice() {
            [_, (tree, _), _] | [(tree, _), _] | [(tree, _)] => tree.as_path(),
            _ => path.as_path(),
        };
        if !ownership::is_safe(checked, env) {
            return Err(Missing::NotARepository(format!(
                "detected dubious ownership in repository at {}: {} belongs to uid {uid}, not \
                 to you; git refuses it unless safe.directory allows it",
                checked.display(),
                path.display()
            )));
        }
    }
    let mut reftable = false;
    // A reftable repository keeps a placeholder HEAD for older gits; the real one is in the table.
    if matches!(&head, Ok(Head::Symbolic(r)) if r.as_bytes() == REFTABLE_PLACEHOLDER) {
        if common_dir.join("reftable").is_dir() {
            reftable = true;
            head = reftable::read_head(&common_dir.join("reftable"));
        } else {
            head = Err(format!(
                "HEAD holds the reftable placeholder, but {} has no reftable",
                common_dir.display()
            ));
        }
    }
    let abbrev = match &head {
        Ok(Head::Detached(id)) => std::str::from_utf8(id.as_bytes())
            .ok()
            .and_then(|id| abbrev::gather(env, &common_dir, id)),
        _ => None,
    };
    Ok(Raw {
        abbrev,
        via,
        op: read_op(&git_dir),
        git_dir,
        common_dir,
        head,
        reftable,
    })
}

/// Turns what was read into what the prompt shows, following `git-prompt.sh`.
#[must_use]
pub fn compute(raw: &Raw) -> Option<Info> {
    let head = raw.head.as_ref().ok();
    let mut info = Info {
        branch: None,
        detached: matches!(head, Some(Head::Detached(_))),
        detached_id: match head {
            Some(Head::Detached(id)) => Some(id.clone()),
            _ => None,
        },
        state: None,
        progress: None,
        ambiguous_apply: false,
        abbrev: raw.abbrev.unwrap_or(abbrev::FALLBACK),
    };
    let mut rebased_branch = None;
    let (mut step, mut total) = (None, None);
    match &raw.op {
        RawOp::None => {}
        RawOp::RebaseMerge {
            head_name,
            step: s,
            total: t,
        } => {
            info.state = Some(State::Rebase);
            rebased_branch = head_name.as_ref();
            (step, total) = (s.as_ref(), t.as_ref());
        }
        RawOp::RebaseApply {
            rebasing,
            applying,
            head_name,
            step: s,
            total: t,
        } => {
            (step, total) = (s.as_ref(), t.as_ref());
            if *rebasing {
                info.state = Some(State::Rebase);
                rebased_branch = head_name.as_ref();
            } else {
                info.state = Some(State::Am);
                info.ambiguous_apply = !applying;
            }
        }
        RawOp::Merge => info.state = Some(State::Merge),
        RawOp::CherryPickHead => info.state = Some(State::CherryPick),
        RawOp::RevertHead => info.state = Some(State::Revert),
        RawOp::SequencerTodo(line) => info.state = sequencer_state(line.as_bytes()),
        RawOp::Bisect => info.state = Some(State::Bisect),
    }
    if let (Some(s), Some(t)) = (step, total) {
        info.progress = parse_u32(s.as_bytes()).zip(parse_u32(t.as_bytes()));
    }
    // `git rebase` of a detached HEAD records the words "detached HEAD" as head-name.
    match rebased_branch {
        Some(name) if name.as_bytes() != b"detached HEAD" && !name.is_empty() => {
            info.branch = Some(short_branch(name.as_bytes()));
        }
        _ => {
            if let Some(Head::Symbolic(target)) = head {
                info.branch = Some(short_branch(target.as_bytes()));
            }
        }
    }
    if head.is_none() && info.branch.is_none() && info.state.is_none() {
        return None;
    }
    Some(info)
}

/// `refs/heads/x` → `x`; anything else is shown whole, as `git-prompt.sh` does.
fn short_branch(full: &[u8]) -> Name {
    Name::new(full.strip_prefix(b"refs/heads/").unwrap_or(full))
}

/// `git-prompt.sh` looks at the first word of `sequencer/todo` when no `*_HEAD` file says it.
fn sequencer_state(line: &[u8]) -> Option<State> {
    let word_end = line
        .iter()
        .position(|&b| b == b' ' || b == b'\t')
        .unwrap_or(line.len());
    let (word, rest) = line.split_at(word_end);
    if rest.is_empty() {
        return None;
    }
    match word {
        b"p" | b"pick" => Some(State::CherryPick),
        b"revert" => Some(State::Revert),
        _ => None,
    }
}

fn parse_u32(text: &[u8]) -> Option<u32> {
    std::str::from_utf8(text).ok()?.trim().parse().ok()
}

/// Parses the first line of a HEAD file.
#[must_use]
pub fn parse_head(line: &[u8]) -> Option<Head> {
    if let Some(target) = line.strip_prefix(b"ref:") {
        let target = target.trim_ascii();
        // The reftable placeholder is no ref name, and is replaced by the table's HEAD.
        let ok = is_ref_name(target) || target == REFTABLE_PLACEHOLDER;
        return ok.then(|| Head::Symbolic(Name::new(target)));
    }
    let id = line.trim_ascii();
    let is_id = (id.len() == 40 || id.len() == 64) && id.iter().all(u8::is_ascii_hexdigit);
    is_id.then(|| Head::Detached(Name::new(id)))
}

/// What the `HEAD` file of a reftable repository holds, for gits that do not read reftables.
const REFTABLE_PLACEHOLDER: &[u8] = b"refs/heads/.invalid";

/// Whether `name` is a ref name git could have written (its `check-ref-format` rules): no
/// control bytes (a NUL makes git read a different name than the bytes say), none of
/// ` ~^:?*[\\`, no `..`, `@{` or `//`, no component starting with `.` or ending in `.lock`, not
/// ending in `/` or `.`. Anything else in HEAD is shown as nothing, never as a name.
#[must_use]
pub fn is_ref_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name.len() <= 4096
        && !name
            .iter()
            .any(|&b| b < 0x20 || b == 0x7f || b" ~^:?*[\\".contains(&b))
        && !name
            .windows(2)
            .any(|w| w == b".." || w == b"@{" || w == b"//")
        && !name.ends_with(b"/")
        && !name.ends_with(b".")
        && name
            .split(|&b| b == b'/')
            .all(|part| !part.starts_with(b".") && !part.ends_with(b".lock"))
}

/// Reads the state files in the order `git-prompt.sh` tests them.
fn read_op(g: &Path) -> RawOp {
    let merge_dir = g.join("rebase-merge");
    if merge_dir.is_dir() {
        return RawOp::RebaseMerge {
            head_name: read_first_line(&merge_dir.join("head-name")),
            step: read_first_line(&merge_dir.join("msgnum")),
            total: read_first_line(&merge_dir.join("end")),
        };
    }
    let apply_dir = g.join("rebase-apply");
    if apply_dir.is_dir() {
        let rebasing = apply_dir.join("rebasing").is_file();
        return RawOp::RebaseApply {
            rebasing,
            applying: !rebasing && apply_dir.join("applying").is_file(),
            head_name: if rebasing {
                read_first_line(&apply_dir.join("head-name"))
            } else {
                None
            },
            step: read_first_line(&apply_dir.join("next")),
            total: read_first_line(&apply_dir.join("last")),
        };
    }
    if g.join("MERGE_HEAD").is_file() {
        return RawOp::Merge;
    }
    if g.join("CHERRY_PICK_HEAD").is_file() {
        return RawOp::CherryPickHead;
    }
    if g.join("REVERT_HEAD").is_file() {
        return RawOp::RevertHead;
    }
    if let Some(line) = read_first_line(&g.join("sequencer").join("todo")) {
        if sequencer_state(line.as_bytes()).is_some() {
            return RawOp::SequencerTodo(line);
        }
    }
    if g.join("BISECT_LOG").is_file() {
        return RawOp::Bisect;
    }
    RawOp::None
}

/// The first line of a small regular file (like `__git_eread`), without its line ending.
/// Refuses anything that is not a regular file, so a FIFO never blocks the prompt.
fn read_first_line(path: &Path) -> Option<Name> {
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    first_line_of_regular(path)
}

/// [`read_first_line`] for a path already known to be a regular file.
fn first_line_of_regular(path: &Path) -> Option<Name> {
    let mut buf = [0u8; 512];
    let mut file = crate::io::files::open(path).ok()?;
    let mut len = 0;
    let mut ended = false;
    while let Some(rest) = buf.get_mut(len..).filter(|r| !r.is_empty()) {
        match file.read(rest) {
            Ok(0) => {
                ended = true;
                break;
            }
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
        if buf.get(..len).is_some_and(|t| t.contains(&b'\n')) {
            break;
        }
    }
    let text = buf.get(..len)?;
    let line = match text.iter().position(|&b| b == b'\n') {
        Some(end) => text.get(..end)?,
        // A first line longer than the buffer would be shown cut: unknown instead.
        None if !ended => return None,
        None => text,
    };
    Some(Name::new(line.strip_suffix(b"\r").unwrap_or(line)))
}

/// Resolves HEAD to the full commit id it names (for `explain`), or `None` when unborn.
/// Uses gix's ref store, which knows loose refs, `packed-refs` and linked worktrees.
#[must_use]
pub fn resolve_head(raw: &Raw) -> Option<String> {
    let target = match raw.head.as_ref().ok()? {
        Head::Detached(id) => return Some(id.to_str_lossy().into_owned()),
        Head::Symbolic(target) => target.to_str_lossy().into_owned(),
    };
    if raw.reftable {
        return reftable::resolve(&raw.common_dir.join("reftable"), target.as_bytes());
    }
    let store = if raw.common_dir == raw.git_dir {
        gix::refs::file::Store::at(raw.git_dir.clone(), gix::hash::Kind::Sha1)
    } else {
        gix::refs::file::Store::for_linked_worktree(
            raw.git_dir.clone(),
            raw.common_dir.clone(),
            gix::hash::Kind::Sha1,
        )
    };
    let mut name = target;
    // gix opens the loose ref and packed-refs: anything there but a regular file (a FIFO)
    // would block `explain` for ever, so such a ref is left unresolved.
    let openable = |p: PathBuf| std::fs::metadata(p).map_or(true, |m| m.is_file());
    // Follow symbolic refs a few levels, as git does (it stops at five).
    for _ in 0..5 {
        let files = [
            raw.git_dir.join(&name),
            raw.common_dir.join(&name),
            raw.common_dir.join("packed-refs"),
        ];
        if !files.into_iter().all(openable) {
            return None;
        }
        let reference = store.try_find(name.as_str()).ok()??;
        match reference.target {
            gix::refs::Target::Object(id) => return Some(id.to_string()),
            gix::refs::Target::Symbolic(next) => name = next.to_string(),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(head: Result<Head, String>, op: RawOp) -> Raw {
        Raw {
            git_dir: PathBuf::from("/r/.git"),
            common_dir: PathBuf::from("/r/.git"),
            head,
            op,
            reftable: false,
            via: discover::Via::DotGit(PathBuf::from("/r")),
            abbrev: None,
        }
    }
    fn sym(s: &str) -> Result<Head, String> {
        Ok(Head::Symbolic(Name::from(s)))
    }
    const ID: &str = "0123456789abcdef0123456789abcdef01234567";

    /// `(branch, detached, state, progress)` expected of a case.
    type Want<'a> = Option<(&'a str, bool, Option<State>, Option<(u32, u32)>)>;

    #[test]
    fn compute_follows_git_prompt() {
        let n = |s: &str| Some(Name::from(s));
        let cases: Vec<(Raw, Want)> = vec![
            (
                raw(sym("refs/heads/main"), RawOp::None),
                Some(("main", false, None, None)),
            ),
            (
                raw(sym("refs/heads/feature/login"), RawOp::None),
                Some(("feature/login", false, None, None)),
            ),
            (
                raw(sym("refs/remotes/x"), RawOp::None),
                Some(("refs/remotes/x", false, None, None)),
            ),
            (
                raw(
                    Ok(Head::Detached(Name::from(ID))),
                    RawOp::RebaseMerge {
                        head_name: n("refs/heads/topic"),
                        step: n("2"),
                        total: n("5"),
                    },
                ),
                Some(("topic", true, Some(State::Rebase), Some((2, 5)))),
            ),
            (
                raw(
                    Ok(Head::Detached(Name::from(ID))),
                    RawOp::RebaseApply {
                        rebasing: true,
                        applying: false,
                        head_name: n("refs/heads/topic"),
                        step: n("1"),
                        total: n("3"),
                    },
                ),
                Some(("topic", true, Some(State::Rebase), Some((1, 3)))),
            ),
            (
                raw(
                    sym("refs/heads/main"),
                    RawOp::RebaseApply {
                        rebasing: false,
                        applying: true,
                        head_name: None,
                        step: n("1"),
                        total: None,
                    },
                ),
                Some(("main", false, Some(State::Am), None)),
            ),
            (
                raw(sym("refs/heads/m"), RawOp::Merge),
                Some(("m", false, Some(State::Merge), None)),
            ),
            (
                raw(
                    sym("refs/heads/m"),
                    RawOp::SequencerTodo(Name::from("pick abc x")),
                ),
                Some(("m", false, Some(State::CherryPick), None)),
            ),
            (
                raw(
                    sym("refs/heads/m"),
                    RawOp::SequencerTodo(Name::from("revert abc x")),
                ),
                Some(("m", false, Some(State::Revert), None)),
            ),
            (
                raw(sym("refs/heads/m"), RawOp::Bisect),
                Some(("m", false, Some(State::Bisect), None)),
            ),
        ];
        for (input, want) in cases {
            let got = compute(&input).map(|i| {
                (
                    i.branch.map(|b| b.to_string()).unwrap_or_default(),
                    i.detached,
                    i.state,
                    i.progress,
                )
            });
            let want = want.map(|(b, d, s, p)| (b.to_string(), d, s, p));
            assert_eq!(got, want, "{input:?}");
        }
    }

    #[test]
    fn detached_rebase_shows_the_commit_not_the_words_detached_head() {
        let info = compute(&raw(
            Ok(Head::Detached(Name::from(ID))),
            RawOp::RebaseMerge {
                head_name: Some(Name::from("detached HEAD")),
                step: None,
                total: None,
            },
        ))
        .unwrap();
        assert_eq!(info.branch, None);
        assert_eq!(info.short_id(), Some(&b"0123456"[..]));
    }

    #[test]
    fn parse_head_accepts_refs_and_ids_only() {
        assert_eq!(
            parse_head(b"ref: refs/heads/x"),
            Some(Head::Symbolic(Name::from("refs/heads/x")))
        );
        assert_eq!(
            parse_head(ID.as_bytes()),
            Some(Head::Detached(Name::from(ID)))
        );
        assert_eq!(parse_head(b"garbage"), None);
        assert_eq!(parse_head(b"ref: "), None);
        // Issue 13: names git would read otherwise, or never write, are no answer.
        for bad in [
            &b"ref: refs/heads/a\0b"[..],
            b"ref: refs/heads/a\x1b[31m",
            b"ref: refs/heads/a..b",
            b"ref: refs/heads/a b",
            b"ref: refs/heads/a.lock",
            b"ref: refs/heads/.hidden",
            b"ref: refs/heads/a/",
        ] {
            assert_eq!(parse_head(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
