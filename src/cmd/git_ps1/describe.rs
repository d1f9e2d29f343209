//! Naming a detached HEAD the way `GIT_PS1_DESCRIBE_STYLE` asks `git describe` to, natively
//! and held to git by tests: the default style (a tag exactly at HEAD, as `git describe --tags
//! --exact-match` picks it), `tag` (`git describe --tags`) and `describe` (`git describe`),
//! with git's choice among tags on one commit and its date-ordered walk. `contains` and
//! `branch` (name-rev's walk) are not computed: they answer "unknown", which the prompt shows
//! as the short id with a `?`, never a name git would not give. Tags and objects are read by
//! awesh's own readers (`status::refs`, `status::objects`); a tag list they cannot give (a
//! reftable) or replaced objects (which git's describe would follow) are unknown.

use std::collections::{HashMap, HashSet, VecDeque};

use super::compose::Described;
use super::opts::Describe;
use crate::segment::git::status::objects::{from_hex, hex, Objects, Oid};

/// Where describe reads from: the object database and the tags (`refs/tags/...` with the
/// object each points at, sorted by name).
pub struct Repo<'a> {
    /// The objects.
    pub objects: &'a mut Objects,
    /// The tags.
    pub tags: &'a [(Vec<u8>, Oid)],
}

/// The name git's describe would print for commit `head_hex` in `style`; `short`
/// abbreviates an id as `git rev-parse --short` does.
#[must_use]
pub fn describe(
    repo: &mut Repo<'_>,
    head_hex: &str,
    style: Describe,
    short: &dyn Fn(&str) -> Vec<u8>,
) -> Described {
    let Some(head) = from_hex(head_hex.as_bytes()) else {
        return Described::Unknown;
    };
    if matches!(style, Describe::Contains | Describe::Branch) {
        return Described::Unknown;
    }
    let Some(names) = tag_names(repo) else {
        return Described::Unknown;
    };
    let found = match style {
        Describe::Default => Some(exact(&names, head, true, short)),
        Describe::Tag => walk(repo.objects, &names, head, true, short),
        Describe::Describe => walk(repo.objects, &names, head, false, short),
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
    target: Oid,
}

/// Every tag's peeled object with describe's choice among tags on one commit: an annotated
/// tag before a lightweight one; of annotated ones the newer tagger date; else the first in
/// ref-name order (git walks refs sorted and keeps the first of equals). `None` when the tags
/// or an annotated tag cannot be read.
fn tag_names(repo: &mut Repo<'_>) -> Option<HashMap<Oid, Candidate>> {
    let mut names: HashMap<Oid, Candidate> = HashMap::new();
    for (full, direct) in repo.tags {
        let path = full.strip_prefix(b"refs/tags/").unwrap_or(full).to_vec();
        // The tag object at the ref (if any), and the object the tag chain ends at.
        let tag = repo.objects.tag(direct).ok()?;
        let peeled = match &tag {
            None => *direct,
            Some(t) => peel(repo.objects, t)?,
        };
        let annotated = tag.is_some();
        let prio = if annotated { 2 } else { 1 };
        let replace = match names.get(&peeled) {
            None => true,
            Some(old) if old.prio < prio => true,
            // Two annotated tags: the newer tagger date wins.
            Some(old) if old.prio == 2 && prio == 2 => match (old.date, &tag) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(old), Some(new)) => old < new.time,
            },
            Some(_) => false,
        };
        if replace {
            let (name, date, target) = match tag {
                Some(t) => (t.name, Some(t.time), t.target),
                None => (path.clone(), None, *direct),
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

/// The most tags followed through a chain of tags.
const MAX_PEEL: usize = 16;

/// The object a tag chain ends at (a tag of a tag is followed).
fn peel(objects: &mut Objects, tag: &crate::segment::git::status::objects::Tag) -> Option<Oid> {
    let mut target = tag.target;
    let mut is_tag = tag.target_is_tag;
    for _ in 0..MAX_PEEL {
        if !is_tag {
            return Some(target);
        }
        let next = objects.tag(&target).ok()??;
        target = next.target;
        is_tag = next.target_is_tag;
    }
    None
}

/// The exact match on `head`, if its name counts (`tags`: any tag; else annotated only).
fn exact(
    names: &HashMap<Oid, Candidate>,
    head: Oid,
    tags: bool,
    short: &dyn Fn(&str) -> Vec<u8>,
) -> Option<Vec<u8>> {
    let n = names.get(&head).filter(|n| tags || n.prio == 2)?;
    let mut name = n.name.clone();
    if n.misnamed {
        name.extend_from_slice(b"-0-g");
        name.extend_from_slice(&short(&hex(&n.target)));
    }
    Some(name)
}

/// The most commits walked; a longer history is unknown rather than slow.
const MAX_WALK: u32 = 200_000;
/// git's default `--candidates`.
const MAX_CANDIDATES: usize = 10;

/// A commit's committer date and parents.
fn node(objects: &mut Objects, id: Oid) -> Option<(i64, Vec<Oid>)> {
    let commit = objects.commit(&id).ok()?;
    Some((commit.time, commit.parents))
}

/// Commits to visit, newest committer date first; equal dates in arrival order (git's
/// `commit_list_insert_by_date`).
#[derive(Default)]
struct ByDate(VecDeque<(i64, Oid)>);

impl ByDate {
    fn insert(&mut self, date: i64, id: Oid) {
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
    objects: &'r mut Objects,
    seen: HashSet<Oid>,
    within: HashMap<Oid, u32>,
    list: ByDate,
    steps: u32,
}

impl Walk<'_> {
    fn flags(&self, id: &Oid) -> u32 {
        self.within.get(id).copied().unwrap_or(0)
    }

    /// Queues the unseen parents of `c` and gives each the flags of `c`.
    fn parents(&mut self, c: Oid) -> Option<()> {
        self.steps += 1;
        if self.steps > MAX_WALK {
            return None;
        }
        let flags = self.flags(&c);
        let (_, parents) = node(self.objects, c)?;
        for p in parents {
            if self.seen.insert(p) {
                let (date, _) = node(self.objects, p)?;
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
    objects: &mut Objects,
    names: &HashMap<Oid, Candidate>,
    head: Oid,
    tags: bool,
    short: &dyn Fn(&str) -> Vec<u8>,
) -> Option<Option<Vec<u8>>> {
    if let Some(name) = exact(names, head, tags, short) {
        return Some(Some(name));
    }
    let mut w = Walk {
        objects,
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
        let (date, _) = node(w.objects, c)?;
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
    out.extend_from_slice(&short(&hex(&head)));
    Some(Some(out))
}
