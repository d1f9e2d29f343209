//! The upstream of the current branch and the commits ahead of and behind it, as `git status
//! --branch` finds them (git's remote.c): `branch.<name>.remote` and the first
//! `branch.<name>.merge`, mapped through the remote's `fetch` refspecs (remote `.` names a
//! local branch), the name shortened as git's `shorten_unambiguous_ref` does. A configured
//! upstream whose ref is missing is "gone" (git prints no `branch.ab`). Ahead/behind come
//! from a walk over commits in committer-date order that paints each commit with the side(s)
//! it is reachable from and stops once only commits reachable from both are left, bounded
//! by a commit count and the deadline (cut: unknown, never a guess).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use super::config::Config;
use super::objects::{from_hex, Objects, Oid};
use super::refs::{HeadState, Refs};
use super::{Count, Upstream};
use crate::io::files;

/// At most this many commits are visited for ahead/behind.
pub const MAX_COMMITS: usize = 200_000;

/// Where the upstream's ref is, before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracking {
    /// The full name of the upstream ref (`refs/remotes/origin/main`).
    pub full: Vec<u8>,
}

/// The upstream ref configured for branch `short` (`main`), or `Ok(None)` when git has none.
///
/// # Errors
/// Why git's choice cannot be known here (includes not followed, a refspec not mapped).
pub fn tracking(
    config: &dyn super::config::Lookup,
    short: &[u8],
    common_dir: &Path,
) -> Result<Option<Tracking>, String> {
    if let Some(why) = config.doubt() {
        return Err(why);
    }
    let branch = String::from_utf8_lossy(short);
    let remote = config.string(&format!("branch.{branch}.remote"));
    let merge = config
        .strings(&format!("branch.{branch}.merge"))
        .into_iter()
        .next();
    let (Some(remote), Some(merge)) = (remote, merge) else {
        return Ok(None);
    };
    if remote == b"." {
        // A local branch: git takes the merge value as the ref (after DWIM when short).
        if merge.starts_with(b"refs/") {
            return Ok(Some(Tracking { full: merge }));
        }
        return Err("branch.*.merge is a short name for remote \".\" (not resolved)".into());
    }
    let name = String::from_utf8_lossy(&remote);
    let specs = config.strings(&format!("remote.{name}.fetch"));
    if specs.is_empty() {
        // git also reads the old `remotes/<name>` and `branches/<name>` files.
        for old in ["remotes", "branches"] {
            if common_dir.join(old).join(name.as_ref()).exists() {
                return Err(format!("remote {name} is defined in .git/{old} (not read)"));
            }
        }
    }
    map(&specs, &merge)
}

/// Maps `merge` through fetch refspecs the way git's `remote_find_tracking` does; the first
/// refspec that maps it wins.
fn map(specs: &[Vec<u8>], merge: &[u8]) -> Result<Option<Tracking>, String> {
    for spec in specs {
        let spec = spec.strip_prefix(b"+").unwrap_or(spec);
        if spec.starts_with(b"^") {
            return Err("a negative fetch refspec (not mapped)".into());
        }
        let Some(colon) = spec.iter().position(|&b| b == b':') else {
            continue;
        };
        let (src, dst) = (
            spec.get(..colon).unwrap_or_default(),
            spec.get(colon + 1..).unwrap_or_default(),
        );
        if dst.is_empty() {
            continue;
        }
        let stars = |s: &[u8]| s.iter().filter(|&&b| b == b'*').count();
        match (stars(src), stars(dst)) {
            (0, 0) => {
                if src == merge {
                    return Ok(Some(Tracking { full: dst.to_vec() }));
                }
            }
            (1, 1) => {
                if let Some(full) = through_pattern(src, dst, merge) {
                    return Ok(Some(Tracking { full }));
                }
            }
            _ => return Err("a fetch refspec awesh does not map".into()),
        }
    }
    Ok(None)
}

/// `name` matched against `src` (one `*`), the match put into `dst`'s `*`.
fn through_pattern(src: &[u8], dst: &[u8], name: &[u8]) -> Option<Vec<u8>> {
    let star = src.iter().position(|&b| b == b'*')?;
    let (pre, post) = (src.get(..star)?, src.get(star + 1..)?);
    if name.len() < pre.len() + post.len() || !name.starts_with(pre) || !name.ends_with(post) {
        return None;
    }
    let middle = name.get(pre.len()..name.len() - post.len())?;
    let dstar = dst.iter().position(|&b| b == b'*')?;
    let mut out = dst.get(..dstar)?.to_vec();
    out.extend_from_slice(middle);
    out.extend_from_slice(dst.get(dstar + 1..)?);
    Some(out)
}

/// git's `ref_rev_parse_rules`, as prefix and suffix.
const RULES: [(&str, &str); 6] = [
    ("", ""),
    ("refs/", ""),
    ("refs/tags/", ""),
    ("refs/heads/", ""),
    ("refs/remotes/", ""),
    ("refs/remotes/", "/HEAD"),
];

/// `refs/remotes/origin/main` → `origin/main`, unless a ref that an earlier rule would find
/// under the short name exists (git's `shorten_unambiguous_ref`, not strict).
///
/// # Errors
/// Why a ref that decides it cannot be read.
pub fn shorten(
    full: &[u8],
    exists: &dyn Fn(&[u8]) -> Result<bool, String>,
) -> Result<Vec<u8>, String> {
    for i in (1..RULES.len()).rev() {
        let Some(&(pre, post)) = RULES.get(i) else {
            continue;
        };
        let Some(short) = full
            .strip_prefix(pre.as_bytes())
            .and_then(|s| s.strip_suffix(post.as_bytes()))
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        let mut ambiguous = false;
        for (j, &(p, s)) in RULES.iter().enumerate().take(i) {
            if j == i {
                continue;
            }
            let mut candidate = p.as_bytes().to_vec();
            candidate.extend_from_slice(short);
            candidate.extend_from_slice(s.as_bytes());
            if exists(&candidate)? {
                ambiguous = true;
                break;
            }
        }
        if !ambiguous {
            return Ok(short.to_vec());
        }
    }
    Ok(full.to_vec())
}

/// The upstream of HEAD's branch in the repository at `paths`.
///
/// # Errors
/// Why it cannot be known.
pub fn of(paths: &super::Paths, budget: &super::Budget) -> Result<Option<Upstream>, String> {
    let config = Config::read(&paths.git_dir, &paths.common_dir);
    if let Some(why) = config.not_sha1() {
        return Err(why);
    }
    let refs = Refs::new(paths);
    let head = refs.head()?;
    gather(
        &refs,
        &config,
        &paths.common_dir,
        &head,
        budget.max_per_class,
        budget.deadline,
    )
}

/// The upstream of HEAD's branch, as `git status --branch` reports it.
///
/// # Errors
/// Why it cannot be known.
pub fn gather(
    refs: &Refs,
    config: &Config,
    common_dir: &Path,
    head: &HeadState,
    max: u32,
    deadline: Instant,
) -> Result<Option<Upstream>, String> {
    let HeadState::Branch(full_branch, ours) = head else {
        return Ok(None);
    };
    let Some(short) = full_branch.strip_prefix(b"refs/heads/") else {
        return Ok(None);
    };
    let Some(track) = tracking(config, short, common_dir)? else {
        return Ok(None);
    };
    let exists = |name: &[u8]| -> Result<bool, String> {
        if name.starts_with(b"refs/") {
            return Ok(refs.resolve(name)?.is_some());
        }
        // Rule 0 names a file in the git directory itself (a pseudo-ref).
        let name = String::from_utf8_lossy(name);
        Ok(common_dir.join(name.as_ref()).exists())
    };
    let name = String::from_utf8_lossy(&shorten(&track.full, &exists)?).into_owned();
    let theirs = refs.resolve(&track.full)?;
    let gone = |name: String| Upstream {
        name,
        ahead: Count::Unknown("no branch.ab: the upstream ref is missing".into()),
        behind: Count::Unknown("no branch.ab: the upstream ref is missing".into()),
        gone: true,
    };
    let Some(theirs) = theirs else {
        if refs.is_reftable() {
            return Err("reftable: a missing upstream is not told from an unread one".into());
        }
        return Ok(Some(gone(name)));
    };
    let Some(ours) = ours else {
        // An unborn branch: git names the upstream but prints no branch.ab.
        return Ok(Some(Upstream {
            ahead: Count::Unknown("the branch has no commit yet".into()),
            behind: Count::Unknown("the branch has no commit yet".into()),
            ..gone(name)
        }));
    };
    let mut objects = Objects::open(common_dir)?;
    if let Some(why) = super::objects::replaced(common_dir) {
        return Err(why);
    }
    let shallow = read_shallow(common_dir)?;
    let (ahead, behind) = match ahead_behind(&mut objects, *ours, &theirs, &shallow, deadline) {
        Ok(ab) => ab,
        Err(why) => {
            return Ok(Some(Upstream {
                name,
                ahead: Count::Unknown(why.clone()),
                behind: Count::Unknown(why),
                gone: false,
            }))
        }
    };
    let capped = |n: u32| {
        if max != 0 && n > max {
            Count::AtLeast(max)
        } else {
            Count::Exact(n)
        }
    };
    Ok(Some(Upstream {
        name,
        ahead: capped(ahead),
        behind: capped(behind),
        gone: false,
    }))
}

/// The commits listed in `shallow`: git treats them as having no parents.
fn read_shallow(common_dir: &Path) -> Result<HashSet<Oid>, String> {
    let Some(data) = files::read_regular(&common_dir.join("shallow"), 64 << 20)? else {
        return Ok(HashSet::new());
    };
    Ok(data
        .split(|&b| b == b'\n')
        .filter_map(|l| from_hex(l.trim_ascii()))
        .collect())
}

const LEFT: u8 = 1;
const RIGHT: u8 = 2;
const BOTH: u8 = LEFT | RIGHT;

/// Counts commits reachable from `ours` and not `theirs` (ahead), and the reverse (behind).
///
/// # Errors
/// Why the walk stopped (an unreadable commit, the commit budget, the deadline).
pub fn ahead_behind(
    objects: &mut Objects,
    ours: Oid,
    theirs: &Oid,
    shallow: &HashSet<Oid>,
    deadline: Instant,
) -> Result<(u32, u32), String> {
    // The commit-graph holds each commit's parents and time without inflating the commit;
    // git does not trust it in a shallow repository, and neither does this walk.
    let graph = if shallow.is_empty() {
        commit_graph(&objects.dir().join("info"))
    } else {
        None
    };
    ahead_behind_with(
        &mut |oid: &Oid| {
            if let Some(found) = graph.as_ref().and_then(|g| from_graph(g, oid)) {
                return Ok(found);
            }
            let c = objects.commit(oid)?;
            let parents = if shallow.contains(oid) {
                Vec::new()
            } else {
                c.parents
            };
            Ok((c.time, parents))
        },
        ours,
        *theirs,
        MAX_COMMITS,
        deadline,
    )
}

/// The commit-graph under `info` (one file or a chain), when every file it would open is a
/// regular file (opening a FIFO would block).
fn commit_graph(info: &Path) -> Option<gix::commitgraph::Graph> {
    let regular = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file());
    let single = info.join("commit-graph");
    if regular(&single) {
        return gix::commitgraph::Graph::from_file(&single, gix::hash::Kind::Sha1).ok();
    }
    let chain = info.join("commit-graphs");
    let all_regular = std::fs::read_dir(&chain)
        .ok()?
        .all(|e| e.is_ok_and(|e| regular(&e.path())));
    if !all_regular || !regular(&chain.join("commit-graph-chain")) {
        return None;
    }
    gix::commitgraph::Graph::from_commit_graphs_dir(&chain, gix::hash::Kind::Sha1).ok()
}

/// A commit's time and parents from the commit-graph, if it is there and reads cleanly.
fn from_graph(graph: &gix::commitgraph::Graph, oid: &Oid) -> Option<(i64, Vec<Oid>)> {
    let commit = graph.commit_by_id(gix::ObjectId::Sha1(*oid))?;
    let time = i64::try_from(commit.committer_timestamp()).ok()?;
    let mut parents = Vec::new();
    for pos in commit.iter_parents() {
        let id = graph.id_at(pos.ok()?);
        let mut out = [0u8; 20];
        out.copy_from_slice(id.as_bytes().get(..20)?);
        parents.push(out);
    }
    Some((time, parents))
}

/// What the walk keeps per commit.
struct Seen {
    flags: u8,
    time: i64,
    queued: bool,
    parents: Vec<Oid>,
}

/// Reads a commit's `(committer time, parents)`.
type Read<'r> = &'r mut dyn FnMut(&Oid) -> Result<(i64, Vec<Oid>), String>;

/// The paint walk's state.
struct Paint<'r> {
    read: Read<'r>,
    seen: HashMap<Oid, Seen>,
    /// Newest first; ties by insertion order.
    queue: BinaryHeap<(i64, Reverse<u64>, Oid)>,
    seq: u64,
    /// Queued commits not (yet) known to be reachable from both sides.
    one_sided: usize,
    max_commits: usize,
}

impl Paint<'_> {
    fn enqueue(&mut self, time: i64, oid: Oid, flags: u8) {
        if flags != BOTH {
            self.one_sided += 1;
        }
        self.seq += 1;
        self.queue.push((time, Reverse(self.seq), oid));
    }

    /// Adds `flags` to commit `oid`, queueing it when that adds anything.
    fn mark(&mut self, oid: Oid, flags: u8) -> Result<(), String> {
        if let Some(s) = self.seen.get_mut(&oid) {
            let new = s.flags | flags;
            if new == s.flags {
                return Ok(());
            }
            s.flags = new;
            if s.queued {
                // Its parents get the new flags when it is popped.
                if new == BOTH {
                    self.one_sided = self.one_sided.saturating_sub(1);
                }
                return Ok(());
            }
            s.queued = true;
            let time = s.time;
            self.enqueue(time, oid, new);
            return Ok(());
        }
        if self.seen.len() >= self.max_commits {
            return Err(format!(
                "ahead/behind: more than {} commits to walk",
                self.max_commits
            ));
        }
        let (time, parents) = (self.read)(&oid)?;
        self.seen.insert(
            oid,
            Seen {
                flags,
                time,
                queued: true,
                parents,
            },
        );
        self.enqueue(time, oid, flags);
        Ok(())
    }
}

/// The walk, over any source of `(committer time, parents)` (unit tests give a table).
fn ahead_behind_with(
    read: Read,
    ours: Oid,
    theirs: Oid,
    max_commits: usize,
    deadline: Instant,
) -> Result<(u32, u32), String> {
    if ours == theirs {
        return Ok((0, 0));
    }
    let mut walk = Paint {
        read,
        seen: HashMap::new(),
        queue: BinaryHeap::new(),
        seq: 0,
        one_sided: 0,
        max_commits,
    };
    walk.mark(ours, LEFT)?;
    walk.mark(theirs, RIGHT)?;
    while walk.one_sided > 0 {
        if Instant::now() > deadline {
            return Err("ahead/behind: the deadline passed".into());
        }
        let Some((_, _, oid)) = walk.queue.pop() else {
            break;
        };
        let Some(s) = walk.seen.get_mut(&oid) else {
            continue;
        };
        s.queued = false;
        let flags = s.flags;
        let parents = s.parents.clone();
        if flags != BOTH {
            walk.one_sided = walk.one_sided.saturating_sub(1);
        }
        for p in parents {
            walk.mark(p, flags)?;
        }
    }
    let count = |want: u8| {
        let n = walk.seen.values().filter(|s| s.flags == want).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    Ok((count(LEFT), count(RIGHT)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Oid {
        [n; 20]
    }

    /// A history as (commit, time, parents).
    fn walk(history: &[(u8, i64, &[u8])], ours: u8, theirs: u8) -> (u32, u32) {
        let table: HashMap<Oid, (i64, Vec<Oid>)> = history
            .iter()
            .map(|&(c, t, ps)| (id(c), (t, ps.iter().map(|&p| id(p)).collect())))
            .collect();
        let far = Instant::now() + std::time::Duration::from_secs(60);
        ahead_behind_with(
            &mut |o| table.get(o).cloned().ok_or_else(|| "missing".to_string()),
            id(ours),
            id(theirs),
            1000,
            far,
        )
        .unwrap()
    }

    #[test]
    fn counts_both_sides_of_a_fork_and_a_merge() {
        // 1 - 2 - 3 (ours)
        //      \
        //       4 - 5 (theirs)
        let h: &[(u8, i64, &[u8])] = &[
            (1, 10, &[]),
            (2, 20, &[1]),
            (3, 30, &[2]),
            (4, 25, &[2]),
            (5, 35, &[4]),
        ];
        assert_eq!(walk(h, 3, 5), (1, 2));
        assert_eq!(walk(h, 3, 2), (1, 0));
        assert_eq!(walk(h, 2, 5), (0, 2));
        assert_eq!(walk(h, 3, 3), (0, 0));
        // 6 merges 3 and 5: ours at 6 is ahead by 6, 3 (4 and 5 came with the merge too).
        let mut m = h.to_vec();
        m.push((6, 40, &[3, 5]));
        assert_eq!(walk(&m, 6, 5), (2, 0));
        assert_eq!(walk(&m, 6, 1), (5, 0));
    }

    #[test]
    fn commit_budget_is_unknown_not_a_count() {
        let far = Instant::now() + std::time::Duration::from_secs(60);
        let chain = |o: &Oid| Ok((i64::from(o[0]), vec![[o[0].wrapping_sub(1); 20]]));
        let r = ahead_behind_with(&mut |o| chain(o), id(200), id(1), 10, far);
        assert!(r.is_err());
    }

    #[test]
    fn refspecs_map_like_remote_find_tracking() {
        let std_spec = vec![b"+refs/heads/*:refs/remotes/origin/*".to_vec()];
        let m = |specs: &[Vec<u8>], merge: &str| {
            map(specs, merge.as_bytes()).map(|t| t.map(|t| String::from_utf8(t.full).unwrap()))
        };
        assert_eq!(
            m(&std_spec, "refs/heads/main"),
            Ok(Some("refs/remotes/origin/main".into()))
        );
        assert_eq!(m(&std_spec, "main"), Ok(None));
        let odd = vec![b"refs/heads/*-x:refs/r/o/*".to_vec()];
        assert_eq!(m(&odd, "refs/heads/a-x"), Ok(Some("refs/r/o/a".into())));
        assert_eq!(m(&odd, "refs/heads/a"), Ok(None));
        let exact = vec![b"refs/heads/main:refs/remotes/o/trunk".to_vec()];
        assert_eq!(
            m(&exact, "refs/heads/main"),
            Ok(Some("refs/remotes/o/trunk".into()))
        );
        assert!(m(&[b"^refs/heads/x".to_vec()], "refs/heads/main").is_err());
    }

    #[test]
    fn shortens_unless_ambiguous() {
        let none = |_: &[u8]| Ok(false);
        let s = |full: &str, exists: &dyn Fn(&[u8]) -> Result<bool, String>| {
            String::from_utf8(shorten(full.as_bytes(), exists).unwrap()).unwrap()
        };
        assert_eq!(s("refs/remotes/origin/main", &none), "origin/main");
        assert_eq!(s("refs/heads/dev", &none), "dev");
        let tag = |n: &[u8]| Ok(n == b"refs/tags/origin/main");
        assert_eq!(s("refs/remotes/origin/main", &tag), "remotes/origin/main");
    }
}
