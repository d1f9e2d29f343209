//! The IO half of `awesh git-ps1`: everything git's `__git_ps1` asks its several `git`
//! processes, read by this one process from the repository's files: discovery and the work
//! tree (awesh's own, held to git by tests), HEAD and the operation files read as the script
//! reads them (`__git_eread`), git's config (`config`, every file git reads), refs and objects
//! through awesh's own readers (`segment::git::status::{refs, objects, upstream}`,
//! `segment::git::abbrev`; no `gix::open`, so nothing here can spawn a process), and the
//! status counts from `segment::git::status`. Only what the settings ask for is read. Never
//! writes anything.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::{Duration, Instant};

use super::compose::{Described, Facts, HeadName, Tri, Upstream};
use super::config::Layered;
use super::describe;
use super::opts::Opts;
use crate::env::Env;
use crate::segment::git::status::objects::{self, from_hex, Objects};
use crate::segment::git::status::refs::Refs;
use crate::segment::git::status::{self, Count};
use crate::segment::git::{self as git, abbrev, worktree, Head, Raw};

/// The largest operation-state file read (`head-name`, `msgnum`, ...): one short line.
const LINE_LIMIT: u64 = 64 << 10;
/// The largest index read for the conflict check.
const INDEX_LIMIT: u64 = 512 << 20;
/// The most index entries examined (status and conflicts); more is unknown.
const MAX_ENTRIES: usize = 2_000_000;

/// `__git_eread`: the first line of `path`, and whether `read` would succeed (a line ended
/// by a newline). `None` when the file is not readable (`test -r` fails) or not regular.
/// bash drops one carriage return at either end of the line (it is in the script's IFS); zsh
/// keeps it.
fn eread(path: &Path, zsh: bool) -> Option<(Vec<u8>, bool)> {
    // `test -r`: the file exists and is readable; only regular files are read (never a FIFO).
    let data = crate::io::files::read_regular(path, LINE_LIMIT).ok()??;
    let (line, ended) = match data.iter().position(|&b| b == b'\n') {
        Some(end) => (data.get(..end).unwrap_or_default(), true),
        None => (&data[..], false),
    };
    let mut line: Vec<u8> = line.iter().copied().filter(|&b| b != 0).collect();
    if !zsh {
        if line.first() == Some(&b'\r') {
            line.remove(0);
        }
        if line.ends_with(b"\r") && !line.ends_with(b"\r\r") {
            line.pop();
        }
    }
    Some((line, ended))
}

fn eread_value(path: &Path, zsh: bool) -> Vec<u8> {
    eread(path, zsh).map(|(v, _)| v).unwrap_or_default()
}

/// The operation word and, for rebases, the branch and step files, in the script's order.
struct Op {
    word: &'static str,
    branch: Option<Vec<u8>>,
    step: Option<(Vec<u8>, Vec<u8>)>,
    /// `rebase-merge/` exists: HEAD is not consulted at all.
    merge_backend: bool,
}

fn read_op(g: &Path, zsh: bool) -> Op {
    let merge = g.join("rebase-merge");
    if merge.is_dir() {
        return Op {
            word: "|REBASE",
            branch: Some(eread_value(&merge.join("head-name"), zsh)),
            step: Some((
                eread_value(&merge.join("msgnum"), zsh),
                eread_value(&merge.join("end"), zsh),
            )),
            merge_backend: true,
        };
    }
    let apply = g.join("rebase-apply");
    if apply.is_dir() {
        let step = Some((
            eread_value(&apply.join("next"), zsh),
            eread_value(&apply.join("last"), zsh),
        ));
        let (word, branch) = if apply.join("rebasing").is_file() {
            ("|REBASE", Some(eread_value(&apply.join("head-name"), zsh)))
        } else if apply.join("applying").is_file() {
            ("|AM", None)
        } else {
            ("|AM/REBASE", None)
        };
        return Op {
            word,
            branch,
            step,
            merge_backend: false,
        };
    }
    let word = if g.join("MERGE_HEAD").is_file() {
        "|MERGING"
    } else if g.join("CHERRY_PICK_HEAD").is_file() {
        "|CHERRY-PICKING"
    } else if g.join("REVERT_HEAD").is_file() {
        "|REVERTING"
    } else if let Some(word) = sequencer_word(g, zsh) {
        word
    } else if g.join("BISECT_LOG").is_file() {
        "|BISECTING"
    } else {
        ""
    };
    Op {
        word,
        branch: None,
        step: None,
        merge_backend: false,
    }
}

/// A sequence of picks or reverts whose `*_HEAD` is gone (the user committed a resolution):
/// the first line of `sequencer/todo` decides, matched as the script's `case` patterns do
/// (`p` then one blank and nothing more, `pick` or `revert` then a blank and anything).
fn sequencer_word(g: &Path, zsh: bool) -> Option<&'static str> {
    let (line, ok) = eread(&g.join("sequencer/todo"), zsh)?;
    if !ok {
        return None;
    }
    let blank_then = |rest: &[u8]| matches!(rest.first(), Some(b' ' | b'\t'));
    match &line[..] {
        [b'p', b' ' | b'\t'] => Some("|CHERRY-PICKING"),
        l if l.starts_with(b"pick") && blank_then(l.get(4..).unwrap_or_default()) => {
            Some("|CHERRY-PICKING")
        }
        l if l.starts_with(b"revert") && blank_then(l.get(6..).unwrap_or_default()) => {
            Some("|REVERTING")
        }
        _ => None,
    }
}

fn tri(count: &Count) -> Tri {
    match count {
        Count::Exact(0) => Tri::No,
        Count::Exact(_) => Tri::Yes,
        Count::AtLeast(n) if *n > 0 => Tri::Yes,
        Count::AtLeast(_) | Count::Unknown(_) => Tri::Unknown,
    }
}

/// Why there is nothing to show (git's script prints nothing, and so does awesh).
#[derive(Debug)]
pub struct Nothing;

/// Reads what `opts` needs, for the working directory of `env`.
///
/// # Errors
/// [`Nothing`] outside a repository, or where git's script would print nothing.
pub fn gather(env: &Env, opts: &Opts, budget: Duration) -> Result<Facts, Nothing> {
    let start = Instant::now();
    let raw = git::gather(env).map_err(|_| Nothing)?;
    raw.head.as_ref().map_err(|_| Nothing)?;
    let cwd = env.cwd().ok_or(Nothing)?;
    let tree = worktree::of(env, &raw);
    let inside_git_dir = cwd.starts_with(&raw.git_dir);
    let top = tree.top.clone().filter(|_| !inside_git_dir);
    let inside_work_tree = top.as_ref().is_some_and(|t| cwd.starts_with(t));
    let config = super::config::read(env, &raw.git_dir, &raw.common_dir);
    let known = config.as_ref().ok();
    // `git config --bool KEY` says "false" (an unreadable config: not known to be false).
    let is_false = |key: &str| known.and_then(|c| c.boolean(key)) == Some(Some(false));
    let is_true = |key: &str| known.and_then(|c| c.boolean(key)) == Some(Some(true));
    let head_id = git::resolve_head(&raw);
    let paths = status::Paths {
        git_dir: raw.git_dir.clone(),
        common_dir: raw.common_dir.clone(),
        work_tree: top.clone(),
    };
    let refs = Refs::new(&paths);

    if inside_work_tree && opts.hide_ignored && !is_false("bash.hideIfPwdIgnored") {
        if let (Some(top), Some(c)) = (&top, known) {
            if pwd_ignored(env, &raw, top, cwd, c) == Some(true) {
                return Err(Nothing);
            }
        }
    }

    let op = read_op(&raw.git_dir, opts.zsh);
    let zsh = opts.zsh;
    let head_name = match op
        .branch
        .clone()
        .filter(|b| !b.is_empty() || op.merge_backend)
    {
        Some(branch) => HeadName::Branch(branch),
        None => match symbolic_head(&raw, zsh)? {
            Some(target) => HeadName::Branch(target),
            None => HeadName::Detached(match &head_id {
                Some(id) => detached_name(&raw, &refs, known, env, id, opts),
                None => Described::Unknown,
            }),
        },
    };
    let short_id = head_id.as_ref().map(|id| short(env, &raw, known, id));

    let mut facts = Facts {
        inside_git_dir,
        bare: tree.bare,
        inside_work_tree,
        short_id,
        sparse: is_true("core.sparseCheckout"),
        op: op.word,
        step: op.step,
        head: head_name,
        conflict: Tri::No,
        unstaged: Tri::No,
        staged: Tri::No,
        stash: Tri::No,
        untracked: Tri::No,
        upstream: Upstream::None,
        dirty_off: is_false("bash.showDirtyState"),
        untracked_off: is_false("bash.showUntrackedFiles"),
        show_upstream: None,
        svn_remote: false,
        svn_commits: None,
        svn_ref: false,
    };
    let Some(top) = top.filter(|_| inside_work_tree) else {
        return Ok(facts);
    };
    if opts.conflict_yes {
        facts.conflict = conflicts_under(&raw, &top, cwd);
    }
    let want_dirty = opts.dirty && !facts.dirty_off;
    let want_untracked = opts.untracked && !facts.untracked_off;
    let want_upstream = opts.show_upstream.as_ref().is_some_and(|v| !v.is_empty());
    if want_dirty || want_untracked || want_upstream {
        let budget = status::Budget {
            max_index_entries: MAX_ENTRIES,
            max_per_class: 1,
            deadline: start + budget,
        };
        let st = status::gather_in(Some(env), &paths, &budget);
        if want_dirty {
            let conflicted = tri(&st.conflicted);
            facts.unstaged = tri(&st.unstaged).or(conflicted);
            facts.staged = tri(&st.staged).or(conflicted);
            // An unborn branch: `git diff --cached` compares the index with the empty tree.
            if head_id.is_none() {
                facts.staged = index_nonempty(&raw);
            }
            // bash.showDirtyState could be false in a config awesh cannot read.
            if known.is_none() {
                facts.unstaged = Tri::Unknown;
                facts.staged = Tri::Unknown;
            }
        }
        if want_untracked {
            facts.untracked = if known.is_some() {
                tri(&st.untracked)
            } else {
                Tri::Unknown
            };
        }
        if want_upstream {
            if let Some(c) = known {
                facts.show_upstream = c
                    .last("bash.showUpstream")
                    .map(|v| trim_ifs(&v.unwrap_or_default()).to_vec());
                facts.svn_remote = c.svn_remote();
            }
            let value = facts.show_upstream.as_ref().or(opts.show_upstream.as_ref());
            let mentions_svn = value.is_some_and(|v| v.windows(3).any(|w| w == b"svn"));
            if facts.svn_remote || mentions_svn {
                if let Some(id) = head_id.as_deref() {
                    facts.svn_commits = svn_commits(&raw, id);
                    facts.svn_ref = [
                        "svn",
                        "refs/svn",
                        "refs/tags/svn",
                        "refs/heads/svn",
                        "refs/remotes/svn",
                        "refs/remotes/svn/HEAD",
                    ]
                    .iter()
                    .any(|n| matches!(refs.resolve(n.as_bytes()), Ok(Some(_))));
                }
            }
            facts.upstream = match known {
                Some(c) => upstream(c, &refs, &raw, &st.upstream),
                None => Upstream::Unknown(None),
            };
        }
    }
    if opts.stash {
        facts.stash = stash(&raw, &refs);
    }
    Ok(facts)
}

/// Names a detached HEAD as `GIT_PS1_DESCRIBE_STYLE` asks, from awesh's own tag list and
/// object reader; unknown where those cannot be read or git would follow replaced objects.
fn detached_name(
    raw: &Raw,
    refs: &Refs,
    config: Option<&Layered>,
    env: &Env,
    id: &str,
    opts: &Opts,
) -> Described {
    if objects::replaced(&raw.common_dir).is_some() {
        return Described::Unknown;
    }
    let (Ok(mut objects), Ok(tags)) = (Objects::open(&raw.common_dir), refs.tags()) else {
        return Described::Unknown;
    };
    let mut repo = describe::Repo {
        objects: &mut objects,
        tags: &tags,
    };
    describe::describe(&mut repo, id, opts.describe, &|hex| {
        short(env, raw, config, hex)
    })
}

/// `git check-ignore -q .`; `None` when awesh cannot tell (the prompt is then shown).
fn pwd_ignored(env: &Env, raw: &Raw, top: &Path, cwd: &Path, config: &Layered) -> Option<bool> {
    let rel = cwd.strip_prefix(top).ok()?.as_os_str().as_bytes();
    // The top is never ignored, nor a folder holding a tracked file.
    if rel.is_empty() {
        return Some(false);
    }
    let under = [rel, b"/"].concat();
    let idx = read_index(raw).ok()?;
    if let Some(idx) = &idx {
        if idx.split {
            return None;
        }
        if idx.entries.iter().any(|e| e.path.starts_with(&under)) {
            return Some(false);
        }
    }
    let excludes_file = match config.last("core.excludesFile") {
        Some(Some(path)) => excludes_path(env, top, &path)?,
        // No value: git fails on the key.
        Some(None) => return None,
        None => git::global::xdg_dir(env).map(|d| d.join("ignore")),
    };
    super::ignore::is_ignored(&super::ignore::Query {
        top,
        rel,
        git_dir: &raw.git_dir,
        excludes_file,
        ignore_case: config.boolean("core.ignoreCase") == Some(Some(true)),
    })
}

/// A `core.excludesFile` value as git expands it (`~/` is the home folder; a relative path
/// is relative to the top, where git runs); `None` (unknown) for forms awesh does not expand.
fn excludes_path(env: &Env, top: &Path, value: &[u8]) -> Option<Option<std::path::PathBuf>> {
    use std::os::unix::ffi::OsStrExt;
    if value.is_empty() {
        return Some(None);
    }
    if let Some(rest) = value.strip_prefix(b"~/") {
        let home = env.non_empty("HOME")?;
        return Some(Some(
            Path::new(home).join(std::ffi::OsStr::from_bytes(rest)),
        ));
    }
    if value.first() == Some(&b'~') || value.starts_with(b"%(prefix)/") {
        return None;
    }
    Some(Some(top.join(std::ffi::OsStr::from_bytes(value))))
}

/// `read -r key value` keeps the value without the blanks around it.
fn trim_ifs(v: &[u8]) -> &[u8] {
    let is = |b: &u8| matches!(b, b' ' | b'\t' | b'\n');
    let start = v.iter().position(|b| !is(b)).unwrap_or(v.len());
    let end = v.iter().rposition(|b| !is(b)).map_or(start, |e| e + 1);
    v.get(start..end).unwrap_or_default()
}

/// The most first-parent commits read looking for a `git-svn-id:` line.
const SVN_WALK: usize = 100_000;

/// Whether a first-parent ancestor of `hex` (itself included) has a message line starting
/// `git-svn-id: `; `None` when the history cannot be read or is longer than [`SVN_WALK`].
fn svn_commits(raw: &Raw, hex: &str) -> Option<bool> {
    if objects::replaced(&raw.common_dir).is_some() {
        return None;
    }
    let mut objects = Objects::open(&raw.common_dir).ok()?;
    let mut id = from_hex(hex.as_bytes())?;
    for _ in 0..SVN_WALK {
        let message = objects.message(&id).ok()?;
        if message
            .split(|&b| b == b'\n')
            .any(|line| line.starts_with(b"git-svn-id: "))
        {
            return Some(true);
        }
        match objects.commit(&id).ok()?.parents.first() {
            Some(parent) => id = *parent,
            None => return Some(false),
        }
    }
    None
}

/// HEAD's ref name, `None` when detached; `Err` when the script stops (HEAD unreadable).
fn symbolic_head(raw: &Raw, zsh: bool) -> Result<Option<Vec<u8>>, Nothing> {
    let head = raw.git_dir.join("HEAD");
    let is_link = std::fs::symlink_metadata(&head).is_ok_and(|m| m.file_type().is_symlink());
    if raw.reftable || is_link {
        // `git symbolic-ref HEAD`.
        return Ok(match &raw.head {
            Ok(Head::Symbolic(r)) => Some(r.as_bytes().to_vec()),
            _ => None,
        });
    }
    let (line, ok) = eread(&head, zsh).ok_or(Nothing)?;
    if !ok {
        return Err(Nothing);
    }
    Ok(line.strip_prefix(b"ref: ").map(<[u8]>::to_vec))
}

/// `git rev-parse --short`: `core.abbrev` from git's config (every file, includes
/// followed), then git's length for the object count, longer until unique
/// (`segment::git::abbrev`); git's seven digits where that cannot be worked out.
fn short(env: &Env, raw: &Raw, config: Option<&Layered>, hex: &str) -> Vec<u8> {
    let len = match config.map(|c| c.last("core.abbrev")) {
        Some(None) => abbrev::gather_with(abbrev::Abbrev::Auto, &raw.common_dir, hex),
        Some(Some(value)) => std::str::from_utf8(&value.unwrap_or_default())
            .ok()
            .and_then(abbrev::parse)
            .and_then(|a| abbrev::gather_with(a, &raw.common_dir, hex)),
        None => abbrev::gather(env, &raw.common_dir, hex),
    };
    let len = len.unwrap_or(abbrev::FALLBACK);
    hex.as_bytes().get(..len).unwrap_or(hex.as_bytes()).to_vec()
}

/// `git ls-files --unmerged` run in `cwd`: unmerged entries under it.
fn conflicts_under(raw: &Raw, top: &Path, cwd: &Path) -> Tri {
    let Ok(rel) = cwd.strip_prefix(top) else {
        return Tri::Unknown;
    };
    let mut prefix = rel.as_os_str().as_bytes().to_vec();
    if !prefix.is_empty() {
        prefix.push(b'/');
    }
    match read_index(raw) {
        Ok(Some(idx)) => {
            let any = idx
                .entries
                .iter()
                .any(|e| e.stage != 0 && e.path.starts_with(&prefix));
            if any {
                Tri::Yes
            } else if idx.split {
                Tri::Unknown
            } else {
                Tri::No
            }
        }
        Ok(None) => Tri::No,
        Err(()) => Tri::Unknown,
    }
}

fn read_index(raw: &Raw) -> Result<Option<status::index::Index>, ()> {
    let data =
        crate::io::files::read_regular(&raw.git_dir.join("index"), INDEX_LIMIT).map_err(|_| ())?;
    match data {
        None => Ok(None),
        Some(data) => status::index::parse(&data, MAX_ENTRIES)
            .map(Some)
            .map_err(|_| ()),
    }
}

/// On an unborn branch: any staged entry (an intent-to-add one is not) against the empty tree.
fn index_nonempty(raw: &Raw) -> Tri {
    match read_index(raw) {
        Ok(None) => Tri::No,
        Ok(Some(idx)) if idx.split => Tri::Unknown,
        Ok(Some(idx)) => {
            if idx.entries.iter().any(|e| !e.intent_to_add) {
                Tri::Yes
            } else {
                Tri::No
            }
        }
        Err(()) => Tri::Unknown,
    }
}

/// `git rev-parse --verify --quiet refs/stash`.
fn stash(raw: &Raw, refs: &Refs) -> Tri {
    match refs.resolve(b"refs/stash") {
        Ok(Some(_)) => Tri::Yes,
        Ok(None) => Tri::No,
        Err(_) if raw.reftable => Tri::No,
        Err(_) => Tri::Unknown,
    }
}

/// The upstream of HEAD's branch: none when `branch.<name>.merge` is unset or its tracking
/// ref does not exist (git's count is empty then), else the status counts when known.
fn upstream(
    config: &Layered,
    refs: &Refs,
    raw: &Raw,
    counted: &Result<Option<status::Upstream>, String>,
) -> Upstream {
    let Ok(Head::Symbolic(branch)) = &raw.head else {
        return Upstream::None;
    };
    let Some(short) = branch.as_bytes().strip_prefix(b"refs/heads/") else {
        return Upstream::None;
    };
    let tracking = match status::upstream::tracking(config, short, &raw.common_dir) {
        Ok(None) => return Upstream::None,
        Err(_) => return Upstream::Unknown(None),
        Ok(Some(t)) => t.full,
    };
    match refs.resolve(&tracking) {
        Ok(None) => return Upstream::None,
        Err(_) => return Upstream::Unknown(None),
        Ok(Some(_)) => {}
    }
    let Some(name) = abbrev_ref(refs, &tracking) else {
        return Upstream::Unknown(None);
    };
    match counted {
        Ok(Some(status::Upstream {
            ahead: Count::Exact(ahead),
            behind: Count::Exact(behind),
            ..
        })) => Upstream::Counts {
            behind: *behind,
            ahead: *ahead,
            name,
        },
        _ => Upstream::Unknown(Some(name)),
    }
}

/// `git rev-parse --abbrev-ref` of a full ref name, by git's shortening: the shortest form
/// whose rule no earlier rule would also resolve (`refs/remotes/origin/main` is
/// `origin/main`, unless `refs/heads/origin/main` or `refs/tags/origin/main` exists; then
/// `remotes/origin/main`). git's first rule (a top-level `$GIT_DIR/origin/main`) is not tried.
/// `None` when a ref that decides it cannot be read.
fn abbrev_ref(refs: &Refs, full: &[u8]) -> Option<Vec<u8>> {
    let rules: [&[u8]; 4] = [b"refs/", b"refs/tags/", b"refs/heads/", b"refs/remotes/"];
    for (i, rule) in rules.iter().enumerate().rev() {
        let Some(short) = full.strip_prefix(*rule) else {
            continue;
        };
        let mut clash = false;
        for earlier in rules.iter().take(i) {
            if refs.has_exact(&[*earlier, short].concat()).ok()? {
                clash = true;
                break;
            }
        }
        if !clash {
            return Some(short.to_vec());
        }
    }
    Some(full.to_vec())
}
