//! The staged count (index vs HEAD): the number of porcelain v2 lines whose X is not `.`.
//! HEAD's tree and the sorted index are merged folder by folder; a folder whose cache-tree
//! id (the index's `TREE` extension) equals HEAD's subtree id is skipped unread, so a clean
//! index costs one comparison at the root. Conflicted paths are `u` lines, not staged;
//! intent-to-add entries are invisible to this diff, as `git status` makes them. Sparse
//! folder entries are compared tree to tree. Renames join a deleted and an added path into
//! one line: `renames` pairs them as git would, or says the count is a lower bound.

use std::cmp::Ordering;
use std::time::Instant;

use super::cachetree;
use super::index::Entry;
use super::objects::{Objects, Oid, TreeEntry, TREE};
use super::renames::{Found, Renames, Side};
use super::Count;

/// The inputs the walk needs beyond the object database.
pub struct Input<'a> {
    /// HEAD's root tree; `None` for an unborn branch (everything in the index is staged).
    pub head_tree: Option<Oid>,
    /// The index entries, sorted as git keeps them.
    pub entries: &'a [Entry],
    /// The index's cache-tree.
    pub cache_tree: &'a cachetree::Tree,
    /// The rename rule.
    pub renames: Renames,
    /// Stop past this many (0: no limit).
    pub max: u32,
    /// Stop past this instant.
    pub deadline: Instant,
}

/// The count, and a note for `explain` when it is not exact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    /// The count.
    pub count: Count,
    /// Why it is a lower bound or unknown, if it is.
    pub note: Option<String>,
    /// Tree objects read (0 when the cache-tree matched HEAD at the root).
    pub trees_read: u32,
}

/// Why the walk stopped early.
enum Cut {
    /// The count passed the budget's maximum.
    Max,
    /// Something could not be read or the deadline passed.
    Why(String),
}

/// Deeper folders than this are not walked.
const MAX_DEPTH: usize = 1024;

struct Walk<'a> {
    objects: &'a mut Objects,
    cache: &'a cachetree::Tree,
    deadline: Instant,
    max: u32,
    modified: u32,
    added: Vec<Side>,
    deleted: Vec<Side>,
    trees_read: u32,
}

/// The staged count for the repository at `paths` with its parsed index: HEAD resolved,
/// the rename rule read from the repository config, the object database opened.
#[must_use]
pub fn of(paths: &super::Paths, idx: &super::index::Index, budget: &super::Budget) -> Staged {
    of_in(None, paths, idx, budget)
}

/// [`of`], with `env` for the rename rule when the repository config leaves it unset
/// (`status.renames`, `diff.renames` in the global config; git's default is on).
#[must_use]
pub fn of_in(
    env: Option<&crate::env::Env>,
    paths: &super::Paths,
    idx: &super::index::Index,
    budget: &super::Budget,
) -> Staged {
    let fail = |why: String| Staged {
        count: Count::Unknown(format!("staged: {why}")),
        note: None,
        trees_read: 0,
    };
    let config = super::config::Config::read(&paths.git_dir, &paths.common_dir);
    if let Some(why) = config.not_sha1() {
        return fail(why);
    }
    let refs = super::refs::Refs::new(paths);
    let head = match refs.head() {
        Ok(head) => head,
        Err(why) => return fail(why),
    };
    let commit = match head {
        super::refs::HeadState::Branch(_, id) => id,
        super::refs::HeadState::Detached(id) => Some(id),
    };
    let whole;
    let idx = if idx.split {
        match super::split::resolve(&paths.git_dir, idx.clone(), budget.max_index_entries) {
            Ok(merged) => {
                whole = merged;
                &whole
            }
            Err(why) => return fail(why),
        }
    } else {
        idx
    };
    let cache_tree = cachetree::parse(&idx.cache_tree).unwrap_or_default();
    let renames = super::renames::rule(&config);
    let mut objects = match Objects::open(&paths.common_dir) {
        Ok(o) => o,
        // An unborn branch with an empty index needs no object (a fresh `git init`).
        Err(_) if commit.is_none() && idx.entries.is_empty() => {
            return Staged {
                count: Count::Exact(0),
                note: None,
                trees_read: 0,
            }
        }
        Err(why) => return fail(why),
    };
    if let Some(why) = super::objects::replaced(&paths.common_dir) {
        return fail(why);
    }
    let head_tree = match commit {
        Some(c) => match objects.commit(&c) {
            Ok(c) => Some(c.tree),
            Err(why) => return fail(why),
        },
        None => None,
    };
    let input = Input {
        head_tree,
        entries: &idx.entries,
        cache_tree: &cache_tree,
        renames,
        max: budget.max_per_class,
        deadline: budget.deadline,
    };
    let staged = count(&mut objects, &input);
    // Only when renames could change the count is the rest of git's config read for the
    // rule (the repository's leaves it unset), and the count made again with it.
    let undecided = renames == super::renames::Renames::Unset
        && env.is_some()
        && matches!(staged.count, Count::AtLeast(_))
        && staged.note.is_some();
    if undecided {
        let renames = super::renames::rule_everywhere(env, paths);
        if renames != super::renames::Renames::Unset {
            return count(&mut objects, &Input { renames, ..input });
        }
    }
    staged
}

/// Counts staged paths.
pub fn count(objects: &mut Objects, input: &Input) -> Staged {
    let mut walk = Walk {
        objects,
        cache: input.cache_tree,
        deadline: input.deadline,
        max: input.max,
        modified: 0,
        added: Vec::new(),
        deleted: Vec::new(),
        trees_read: 0,
    };
    let root = input.cache_tree.root();
    let result = walk.tree_vs_index(input.head_tree.as_ref(), input.entries, 0, root, 0);
    let trees_read = walk.trees_read;
    let done = |count, note: Option<String>| Staged {
        count,
        note,
        trees_read,
    };
    match result {
        Ok(()) => {}
        Err(Cut::Max) => return done(Count::AtLeast(input.max), None),
        Err(Cut::Why(why)) => return done(Count::Unknown(format!("staged: {why}")), None),
    }
    let mut found = Found {
        modified: walk.modified,
        added: std::mem::take(&mut walk.added),
        deleted: std::mem::take(&mut walk.deleted),
        objects: walk.objects,
        deadline: input.deadline,
    };
    let (count, note) = found.count(input.renames);
    let count = match count {
        Count::Exact(n) | Count::AtLeast(n) if input.max != 0 && n > input.max => {
            Count::AtLeast(input.max)
        }
        other => other,
    };
    done(count, note)
}

/// git's tree order: a folder sorts as if its name ended in `/`.
fn order(a: &[u8], a_dir: bool, b: &[u8], b_dir: bool) -> Ordering {
    let slash = |dir: bool| if dir { Some(b'/') } else { None };
    a.iter()
        .copied()
        .chain(slash(a_dir))
        .cmp(b.iter().copied().chain(slash(b_dir)))
}

/// One name's worth of index entries under a folder.
struct Group<'e> {
    /// The name inside the folder.
    name: &'e [u8],
    /// A folder (entries below it, or one sparse folder entry).
    dir: bool,
    /// How many entries it spans.
    len: usize,
}

/// The group starting at `entries[0]`, whose paths all start with a prefix of `plen` bytes.
fn group(entries: &[Entry], plen: usize) -> Option<Group<'_>> {
    let first = entries.first()?;
    let rest = first.path.get(plen..)?;
    match rest.iter().position(|&b| b == b'/') {
        Some(slash) => {
            let dir = first.path.get(..plen + slash + 1)?;
            let len = entries.partition_point(|e| e.path.starts_with(dir));
            Some(Group {
                name: rest.get(..slash)?,
                dir: true,
                len,
            })
        }
        None => {
            let len = entries.partition_point(|e| e.path == first.path);
            Some(Group {
                name: rest,
                dir: false,
                len,
            })
        }
    }
}

impl Walk<'_> {
    fn read_tree(&mut self, oid: &Oid) -> Result<Vec<TreeEntry>, Cut> {
        if Instant::now() > self.deadline {
            return Err(Cut::Why("the deadline passed".into()));
        }
        self.trees_read = self.trees_read.saturating_add(1);
        self.objects.tree(oid).map_err(Cut::Why)
    }

    /// The least the final count can be (every possible rename joined).
    fn floor(&self) -> u32 {
        let most = self.added.len().max(self.deleted.len());
        self.modified
            .saturating_add(u32::try_from(most).unwrap_or(u32::MAX))
    }

    fn check_max(&self) -> Result<(), Cut> {
        if self.max != 0 && self.floor() > self.max {
            return Err(Cut::Max);
        }
        Ok(())
    }

    fn push(&mut self, added: bool, side: Side) -> Result<(), Cut> {
        if added {
            self.added.push(side);
        } else {
            self.deleted.push(side);
        }
        self.check_max()
    }

    /// HEAD's folder `tree` against the index entries below it (`plen` bytes of prefix).
    fn tree_vs_index(
        &mut self,
        tree: Option<&Oid>,
        entries: &[Entry],
        plen: usize,
        node: Option<usize>,
        depth: usize,
    ) -> Result<(), Cut> {
        if depth > MAX_DEPTH {
            return Err(Cut::Why("folders nested too deep".into()));
        }
        if let (Some(t), Some(c)) = (tree, self.cache.oid(node)) {
            if t == c {
                return Ok(());
            }
        }
        let tree_entries = match tree {
            Some(t) => self.read_tree(t)?,
            None => Vec::new(),
        };
        let (mut i, mut t) = (0usize, 0usize);
        loop {
            let rest = entries.get(i..).unwrap_or_default();
            let g = group(rest, plen);
            let te = tree_entries.get(t);
            let side = match (&g, te) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(g), Some(e)) => order(g.name, g.dir, &e.name, e.is_tree()),
            };
            match (side, g, te) {
                (Ordering::Less, Some(g), _) => {
                    self.index_only(rest.get(..g.len).unwrap_or_default())?;
                    i += g.len.max(1);
                }
                (Ordering::Greater, _, Some(e)) => {
                    self.tree_only(e, false)?;
                    t += 1;
                }
                (Ordering::Equal, Some(g), Some(e)) => {
                    let here = rest.get(..g.len).unwrap_or_default();
                    self.both(e, &g, here, plen, node, depth)?;
                    i += g.len.max(1);
                    t += 1;
                }
                _ => break,
            }
        }
        Ok(())
    }

    /// A name present in HEAD's folder and in the index.
    fn both(
        &mut self,
        e: &TreeEntry,
        g: &Group,
        here: &[Entry],
        plen: usize,
        node: Option<usize>,
        depth: usize,
    ) -> Result<(), Cut> {
        if g.dir {
            let sparse = match here {
                [only] if only.mode == TREE && only.path.len() == plen + g.name.len() + 1 => {
                    Some(only)
                }
                _ => None,
            };
            if let Some(s) = sparse {
                if s.oid != e.oid {
                    self.tree_vs_tree(&e.oid, &s.oid, depth + 1)?;
                }
                return Ok(());
            }
            let child = self.cache.child(node, g.name);
            return self.tree_vs_index(
                Some(&e.oid),
                here,
                plen + g.name.len() + 1,
                child,
                depth + 1,
            );
        }
        if here.iter().any(|x| x.stage != 0) {
            return Ok(());
        }
        let Some(x) = here.first() else {
            return Ok(());
        };
        if x.intent_to_add {
            return self.push(
                false,
                Side {
                    oid: e.oid,
                    mode: e.mode,
                },
            );
        }
        if x.mode != e.mode || x.oid != e.oid {
            self.modified = self.modified.saturating_add(1);
            self.check_max()?;
        }
        Ok(())
    }

    /// Index entries with no counterpart in HEAD: added (conflicts and intent-to-add aside).
    fn index_only(&mut self, here: &[Entry]) -> Result<(), Cut> {
        let mut last: Option<&[u8]> = None;
        for (k, x) in here.iter().enumerate() {
            if last == Some(x.path.as_slice()) {
                continue;
            }
            last = Some(&x.path);
            let same = here
                .get(k..)
                .unwrap_or_default()
                .iter()
                .take_while(|y| y.path == x.path);
            if same.clone().any(|y| y.stage != 0) || x.intent_to_add {
                continue;
            }
            if x.mode == TREE {
                self.all_files(&x.oid, true, 1)?;
            } else {
                self.push(
                    true,
                    Side {
                        oid: x.oid,
                        mode: x.mode,
                    },
                )?;
            }
        }
        Ok(())
    }

    /// A HEAD entry with no counterpart (or, with `added`, an entry of a new tree).
    fn tree_only(&mut self, e: &TreeEntry, added: bool) -> Result<(), Cut> {
        if e.is_tree() {
            self.all_files(&e.oid, added, 1)
        } else {
            self.push(
                added,
                Side {
                    oid: e.oid,
                    mode: e.mode,
                },
            )
        }
    }

    /// Every file of tree `oid`, deleted or added.
    fn all_files(&mut self, oid: &Oid, added: bool, depth: usize) -> Result<(), Cut> {
        if depth > MAX_DEPTH {
            return Err(Cut::Why("folders nested too deep".into()));
        }
        for e in self.read_tree(oid)? {
            if e.is_tree() {
                self.all_files(&e.oid, added, depth + 1)?;
            } else {
                self.push(
                    added,
                    Side {
                        oid: e.oid,
                        mode: e.mode,
                    },
                )?;
            }
        }
        Ok(())
    }

    /// Tree `a` (HEAD's) against tree `b` (a sparse folder entry's).
    fn tree_vs_tree(&mut self, a: &Oid, b: &Oid, depth: usize) -> Result<(), Cut> {
        if depth > MAX_DEPTH {
            return Err(Cut::Why("folders nested too deep".into()));
        }
        let (ta, tb) = (self.read_tree(a)?, self.read_tree(b)?);
        let (mut i, mut j) = (0usize, 0usize);
        loop {
            let (x, y) = (ta.get(i), tb.get(j));
            let side = match (x, y) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(x), Some(y)) => order(&x.name, x.is_tree(), &y.name, y.is_tree()),
            };
            match (side, x, y) {
                (Ordering::Less, Some(x), _) => {
                    self.tree_only(x, false)?;
                    i += 1;
                }
                (Ordering::Greater, _, Some(y)) => {
                    self.tree_only(y, true)?;
                    j += 1;
                }
                (Ordering::Equal, Some(x), Some(y)) => {
                    if x.oid != y.oid || x.mode != y.mode {
                        if x.is_tree() {
                            self.tree_vs_tree(&x.oid, &y.oid, depth + 1)?;
                        } else {
                            self.modified = self.modified.saturating_add(1);
                            self.check_max()?;
                        }
                    }
                    i += 1;
                    j += 1;
                }
                _ => break,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_order_puts_folders_after_their_dotted_names() {
        assert_eq!(order(b"a", true, b"a.c", false), Ordering::Greater);
        assert_eq!(order(b"a", false, b"a", true), Ordering::Less);
        assert_eq!(order(b"a", true, b"a", true), Ordering::Equal);
        assert_eq!(order(b"a", true, b"a0", false), Ordering::Less);
    }

    fn entry(path: &str, stage: u8) -> Entry {
        Entry {
            ctime: (0, 0),
            mtime: (0, 0),
            dev: 0,
            ino: 0,
            mode: 0o100644,
            uid: 0,
            gid: 0,
            size: 0,
            oid: [1; 20],
            stage,
            assume_valid: false,
            skip_worktree: false,
            intent_to_add: false,
            path: path.as_bytes().to_vec(),
        }
    }

    #[test]
    fn groups_split_at_the_next_component() {
        let e = [
            entry("d/a", 0),
            entry("d/b/c", 0),
            entry("d/b/d", 0),
            entry("d/c", 1),
            entry("d/c", 2),
            entry("e", 0),
        ];
        let g = group(&e, 2).unwrap();
        assert_eq!((g.name, g.dir, g.len), (&b"a"[..], false, 1));
        let g = group(&e[1..], 2).unwrap();
        assert_eq!((g.name, g.dir, g.len), (&b"b"[..], true, 2));
        let g = group(&e[3..5], 2).unwrap();
        assert_eq!((g.name, g.dir, g.len), (&b"c"[..], false, 2));
        let g = group(&e, 0).unwrap();
        assert_eq!((g.name, g.dir, g.len), (&b"d"[..], true, 5));
    }
}
