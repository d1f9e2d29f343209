//! Naming a detached HEAD the way `GIT_PS1_DESCRIBE_STYLE` asks `git describe` to, natively
//! and held to git by tests: the default style (a tag exactly at HEAD, as `git describe --tags
//! --exact-match` picks it), `tag` (`git describe --tags`) and `describe` (`git describe`),
//! with git's choice among tags on one commit and its date-ordered walk. `contains` and
//! `branch` (name-rev's walk) are not computed: they answer "unknown", which the prompt shows
//! as the short id with a `?`, never a name git would not give.

use std::collections::{HashMap, HashSet, VecDeque};

use super::compose::Described;
use super::opts::Describe;

/// The name git's describe would print for commit `hex` in `style`; `short` abbreviates an
/// id as `git rev-parse --short` does.
#[must_use]
pub fn describe(
    repo: &gix::Repository,
    hex: &str,
    style: Describe,
    short: &dyn Fn(&str) -> Vec<u8>,
) -> Described {
    let Ok(head) = gix::ObjectId::from_hex(hex.as_bytes()) else {
        return Described::Unknown;
    };
    let Some(names) = tag_names(repo) else {
        return Described::Unknown;
    };
    let found = match style {
        Describe::Default => Some(exact(&names, head, true, short)),
        Describe::Tag => walk(repo, &names, head, true, short),
        Describe::Describe => walk(repo, &names, head, false, short),
        // name-rev's walk is not done natively: unknown, never a guess.
        Describe::Contains | Describe::Branch => None,
    };
    match found {
        Some(Some(name)) => Described::Name(name),
        Some(None) => Described::NoName,
        None => Described::Unknown,
    }
}

/// The name describe keeps for one commit.
struct Candidate {
    /// As printed: an annotated tag's own name, else the ref's name after `refs/tags/`.
    name: Vec<u8>,
    /// 2 annotated, 1 lightweight.
    prio: u8,
    /// An annotated tag's date (0 without a tagger).
    date: Option<i64>,
    /// An annotated tag whose own name is not its ref's: git adds `-0-g<id>` even when exact.
    misnamed: bool,
    /// What the tag object points at (for the suffix of a misnamed exact match).
    target: gix::ObjectId,
}

/// Every tag's peeled object with describe's choice among tags on one commit: an annotated
/// tag before a lightweight one; of annotated ones the newer tagger date; else the first in
/// ref-name order (git walks refs sorted and keeps the first of equals). `None` when the refs
/// cannot be read.
fn tag_names(repo: &gix::Repository) -> Option<HashMap<gix::ObjectId, Candidate>> {
    let platform = repo.references().ok()?;
    let mut refs: Vec<(Vec<u8>, gix::ObjectId, gix::ObjectId)> = Vec::new();
    for reference in platform.tags().ok()? {
        let mut reference = reference.ok()?;
        let name = reference.name().as_bstr().to_vec();
        let Some(direct) = reference.try_id().map(gix::Id::detach) else {
            continue;
        };
        let Ok(peeled) = reference.peel_to_id() else {
            continue;
        };
        refs.push((name, direct, peeled.detach()));
    }
    refs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut names: HashMap<gix::ObjectId, Candidate> = HashMap::new();
    for (full, direct, peeled) in refs {
        let path = full.strip_prefix(b"refs/tags/").unwrap_or(&full).to_vec();
        let annotated = direct != peeled;
        let prio = if annotated { 2 } else { 1 };
        let tag = if annotated {
            read_tag(repo, direct)
        } else {
            None
        };
        let replace = match names.get(&peeled) {
            None => true,
            Some(old) if old.prio < prio => true,
            // Two annotated tags: the newer tagger date wins (an unreadable current one loses).
            Some(old) if old.prio == 2 && prio == 2 => match (old.date, &tag) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(old), Some(new)) => old < new.date,
            },
            Some(_) => false,
        };
        if replace {
            let (name, date, target) = match tag {
                Some(t) => (t.name, Some(t.date), t.target),
                None => (path.clone(), None, direct),
            };
            let misnamed = annotated && name != path;
            names.insert(
                peeled,
                Candidate {
                    name,
                    prio,
                    date,
                    misnamed,
                    target,
                },
            );
        }
    }
    Some(names)
}

struct Tag {
    name: Vec<u8>,
    date: i64,
    target: gix::ObjectId,
}

/// An annotated tag's own name, date (0 without a tagger, as git's parse_tag) and target.
fn read_tag(repo: &gix::Repository, id: gix::ObjectId) -> Option<Tag> {
    let object = repo.find_object(id).ok()?;
    let tag = object.try_into_tag().ok()?;
    let decoded = tag.decode().ok()?;
    let date = decoded
        .tagger()
        .ok()
        .flatten()
        .and_then(|t| t.time().ok())
        .map_or(0, |t| t.seconds);
    Some(Tag {
        name: decoded.name.to_vec(),
        date,
        target: decoded.target(),
    })
}

/// The exact match on `head`, if its name counts (`tags`: any tag; else annotated only).
fn exact(
    names: &HashMap<gix::ObjectId, Candidate>,
    head: gix::ObjectId,
    tags: bool,
    short: &dyn Fn(&str) -> Vec<u8>,
) -> Option<Vec<u8>> {
    let n = names.get(&head).filter(|n| tags || n.prio == 2)?;
    let mut name = n.name.clone();
    if n.misnamed {
        name.extend_from_slice(b"-0-g");
        name.extend_from_slice(&short(&n.target.to_string()));
    }
    Some(name)
}

/// The most commits walked; a longer history is unknown rather than slow.
const MAX_WALK: u32 = 200_000;
/// git's default `--candidates`.
const MAX_CANDIDATES: usize = 10;

/// A commit's committer date and parents.
fn node(repo: &gix::Repository, id: gix::ObjectId) -> Option<(i64, Vec<gix::ObjectId>)> {
    let commit = repo.find_object(id).ok()?.try_into_commit().ok()?;
    let date = commit.time().map_or(0, |t| t.seconds);
    let parents = commit.parent_ids().map(gix::Id::detach).collect();
    Some((date, parents))
}

/// Commits to visit, newest committer date first; equal dates in arrival order (git's
/// `commit_list_insert_by_date`).
#[derive(Default)]
struct ByDate(VecDeque<(i64, gix::ObjectId)>);

impl ByDate {
    fn insert(&mut self, date: i64, id: gix::ObjectId) {
        let at = self
            .0
            .iter()
            .position(|(d, _)| *d < date)
            .unwrap_or(self.0.len());
        self.0.insert(at, (date, id));
    }
}

/// One possible name while walking.
struct Possible<'a> {
    name: &'a Candidate,
    depth: u32,
    bit: u32,
    order: usize,
}

/// The walk state shared by the two phases.
struct Walk<'r> {
    repo: &'r gix::Repository,
    seen: HashSet<gix::ObjectId>,
    within: HashMap<gix::ObjectId, u32>,
    list: ByDate,
    steps: u32,
}

impl Walk<'_> {
    fn flags(&self, id: &gix::ObjectId) -> u32 {
        self.within.get(id).copied().unwrap_or(0)
    }

    /// Queues the unseen parents of `c` and gives each the flags of `c`.
    fn parents(&mut self, c: gix::ObjectId) -> Option<()> {
        self.steps += 1;
        if self.steps > MAX_WALK {
            return None;
        }
        let flags = self.flags(&c);
        let (_, parents) = node(self.repo, c)?;
        for p in parents {
            if self.seen.insert(p) {
                let (date, _) = node(self.repo, p)?;
                self.list.insert(date, p);
            }
            *self.within.entry(p).or_insert(0) |= flags;
        }
        Some(())
    }
}

/// `git describe [--tags]`: the nearest name by describe's own walk (its date-ordered list,
/// its ten candidates, its early stop and its depth count), then `NAME-DEPTH-gID`.
/// `Some(None)` when no tag describes HEAD; `None` when the walk could not be finished.
fn walk(
    repo: &gix::Repository,
    names: &HashMap<gix::ObjectId, Candidate>,
    head: gix::ObjectId,
    tags: bool,
    short: &dyn Fn(&str) -> Vec<u8>,
) -> Option<Option<Vec<u8>>> {
    if let Some(name) = exact(names, head, tags, short) {
        return Some(Some(name));
    }
    let mut w = Walk {
        repo,
        seen: HashSet::from([head]),
        within: HashMap::new(),
        list: ByDate::default(),
        steps: 0,
    };
    w.list.insert(0, head);
    let mut matches: Vec<Possible<'_>> = Vec::new();
    let mut annotated = 0u32;
    let mut seen_commits = 0u32;
    let mut gave_up = None;
    while let Some((_, c)) = w.list.0.pop_front() {
        seen_commits += 1;
        if let Some(n) = names.get(&c) {
            if !tags && n.prio < 2 {
                // Not a candidate without --tags.
            } else if matches.len() < MAX_CANDIDATES {
                let bit = 1u32 << (matches.len() + 1);
                matches.push(Possible {
                    name: n,
                    depth: seen_commits - 1,
                    bit,
                    order: matches.len() + 1,
                });
                *w.within.entry(c).or_insert(0) |= bit;
                if n.prio == 2 {
                    annotated += 1;
                }
            } else {
                gave_up = Some(c);
                break;
            }
        }
        let flags = w.flags(&c);
        for t in &mut matches {
            if flags & t.bit == 0 {
                t.depth += 1;
            }
        }
        // Stop when the only path left is covered by the best candidates already.
        if annotated > 0 && w.list.0.is_empty() {
            let best = matches.iter().map(|t| t.depth).min().unwrap_or(u32::MAX);
            let within = matches
                .iter()
                .filter(|t| t.depth == best)
                .fold(0, |acc, t| acc | t.bit);
            if flags & within == within {
                break;
            }
        }
        w.parents(c)?;
    }
    if matches.is_empty() {
        return Some(None);
    }
    matches.sort_by_key(|t| (t.depth, t.order));
    if let Some(c) = gave_up {
        let (date, _) = node(repo, c)?;
        w.list.insert(date, c);
    }
    let best = matches.first_mut()?;
    // Finish counting the best candidate's depth.
    while let Some((_, c)) = w.list.0.pop_front() {
        let flags = w.flags(&c);
        if flags & best.bit != 0 {
            if w.list.0.iter().all(|(_, i)| w.flags(i) & best.bit != 0) {
                break;
            }
        } else {
            best.depth += 1;
        }
        w.parents(c)?;
    }
    let mut out = best.name.name.clone();
    out.extend_from_slice(format!("-{}-g", best.depth).as_bytes());
    out.extend_from_slice(&short(&head.to_string()));
    Some(Some(out))
}
