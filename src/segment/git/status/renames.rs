//! Renames in the staged count: a deleted and an added path that git joins into one `R`
//! line. Exact ones (the same id) are paired as git's find_identical_files pairs them; for
//! the rest, pairs too far apart in size are ruled out and the few left are scored with
//! git's similarity (`similar`). Where git's answer would depend on matching several
//! similar pairs, on attributes or on config not read, the count is a lower bound.

use std::collections::HashMap;
use std::time::Instant;

use super::objects::{Objects, Oid};
use super::similar;
use super::Count;

/// Whether git joins deleted and added paths into renames (`status.renames`, else
/// `diff.renames`; git's default is on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renames {
    /// Renames are detected.
    On,
    /// `renames = false`: every deletion and addition is its own line.
    Off,
    /// `renames = copies`: copies are detected too (their lines are counted alike, but
    /// which deletion a copy consumes is not worked out here).
    Copies,
    /// Not known (not set where awesh looked): counts that depend on it are lower bounds.
    Unset,
}

/// A deleted or added path: what rename pairing needs.
#[derive(Debug, Clone, Copy)]
pub struct Side {
    /// The blob (or link, or commit) id.
    pub oid: Oid,
    /// Its mode.
    pub mode: u32,
}

/// Inexact rename candidates past this many pairs are not sized up.
const MAX_PAIRS: usize = 1_000_000;
/// Pairs close enough in size to be scored: at most this many, each blob at most so big.
const MAX_SCORED: usize = 16;
const MAX_SCORED_BYTES: u64 = 4 << 20;

fn is_regular(mode: u32) -> bool {
    mode & 0o170000 == 0o100000
}

/// The rename rule from `status.renames`, else `diff.renames` (bool or `copies`).
#[must_use]
pub fn rule(config: &super::config::Config) -> Renames {
    if config.doubt().is_some() {
        return Renames::Unset;
    }
    for key in ["status.renames", "diff.renames"] {
        let Some(value) = config.string(key) else {
            continue;
        };
        let v = value.to_ascii_lowercase();
        if v == b"copies" || v == b"copy" {
            return Renames::Copies;
        }
        return match config.boolean(key) {
            Some(true) => Renames::On,
            Some(false) => Renames::Off,
            None => Renames::Unset,
        };
    }
    Renames::Unset
}

/// The rename rule from every config file git reads (through
/// [`super::compare_config::lookup`]): `status.renames`, else `diff.renames`, else git's
/// default, on. `Unset` when the files cannot be read as git reads them.
#[must_use]
pub fn rule_everywhere(env: Option<&crate::env::Env>, paths: &super::Paths) -> Renames {
    use super::untracked_config::Key;
    let keys = [
        Key::plain("status", "renames"),
        Key::plain("diff", "renames"),
    ];
    let Ok(found) = super::compare_config::lookup(env, paths, &keys) else {
        return Renames::Unset;
    };
    if !found.outside {
        return Renames::Unset;
    }
    let Some(value) = found.values.iter().flatten().next() else {
        return Renames::On;
    };
    let Some(v) = value else {
        return Renames::On;
    };
    let lower = v.to_ascii_lowercase();
    if lower == b"copies" || lower == b"copy" {
        return Renames::Copies;
    }
    match super::untracked_config::bool_value(Some(value), "renames") {
        Ok(Some(true)) => Renames::On,
        Ok(Some(false)) => Renames::Off,
        _ => Renames::Unset,
    }
}

/// What the staged walk found: modified paths, and the deletions and additions that
/// renames may join.
pub struct Found<'a> {
    /// Paths changed in place (one line each).
    pub modified: u32,
    /// Added paths.
    pub added: Vec<Side>,
    /// Deleted paths.
    pub deleted: Vec<Side>,
    /// Where blobs are read from, to size and score them.
    pub objects: &'a mut Objects,
    /// Stop scoring past this instant.
    pub deadline: Instant,
}

impl Found<'_> {
    /// The least the count can be (every possible rename joined).
    fn floor(&self) -> u32 {
        let most = self.added.len().max(self.deleted.len());
        self.modified
            .saturating_add(u32::try_from(most).unwrap_or(u32::MAX))
    }

    /// The count from what the walk found, renames joined as git would. When the rule is
    /// not known (or is `copies`), the count is exact only if no deletion and addition
    /// could join at all; else it is the lower bound with every possible rename joined.
    pub fn count(&mut self, renames: Renames) -> (Count, Option<String>) {
        if renames == Renames::Off {
            let all = self.modified.saturating_add(
                u32::try_from(self.added.len() + self.deleted.len()).unwrap_or(u32::MAX),
            );
            return (Count::Exact(all), None);
        }
        let (count, note) = self.with_renames();
        let all = self.modified.saturating_add(
            u32::try_from(self.added.len() + self.deleted.len()).unwrap_or(u32::MAX),
        );
        let why = match renames {
            Renames::On | Renames::Off => return (count, note),
            Renames::Unset => {
                "staged: renames may join deletions and additions, and status.renames / \
                 diff.renames are not set in the repository config (global config not read)"
            }
            Renames::Copies => "staged: status.renames = copies is not worked out",
        };
        if count == Count::Exact(all) {
            return (count, None);
        }
        (Count::AtLeast(self.floor()), Some(why.into()))
    }

    /// The count with rename detection on.
    fn with_renames(&mut self) -> (Count, Option<String>) {
        let (m, a, d) = (self.modified, self.added.len(), self.deleted.len());
        let total = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        let all = m.saturating_add(total(a + d));
        if a == 0 || d == 0 {
            return (Count::Exact(all), None);
        }
        // Exact renames: a deletion and an addition of the same id join, regular files with
        // any regular mode, other kinds only with the same mode (git's find_identical_files).
        let class = |s: &Side| if is_regular(s.mode) { 0 } else { s.mode };
        let mut sources: HashMap<(Oid, u32), usize> = HashMap::new();
        for s in &self.deleted {
            *sources.entry((s.oid, class(s))).or_default() += 1;
        }
        let mut pairs = 0usize;
        let mut left_added: Vec<Side> = Vec::new();
        for s in &self.added {
            match sources.get_mut(&(s.oid, class(s))) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    pairs += 1;
                }
                _ => left_added.push(*s),
            }
        }
        let mut left_deleted: Vec<Side> = Vec::new();
        for s in &self.deleted {
            if let Some(n) = sources.get_mut(&(s.oid, class(s))) {
                if *n > 0 {
                    *n -= 1;
                    left_deleted.push(*s);
                }
            }
        }
        let exact = all.saturating_sub(total(pairs));
        // Inexact renames only join regular files whose sizes are close enough for a 50%
        // similarity score (git's estimate_similarity): rule the rest out by size.
        left_added.retain(|s| is_regular(s.mode));
        left_deleted.retain(|s| is_regular(s.mode));
        if left_added.is_empty() || left_deleted.is_empty() {
            return (Count::Exact(exact), None);
        }
        let floor = exact.saturating_sub(total(left_added.len().min(left_deleted.len())));
        let unsure = |why: String| (Count::AtLeast(floor), Some(why));
        if left_added.len().saturating_mul(left_deleted.len()) > MAX_PAIRS {
            return unsure("staged: too many possible inexact renames to size up".into());
        }
        let mut sizes = |list: &[Side]| -> Result<Vec<u64>, String> {
            list.iter().map(|s| self.objects.size(&s.oid)).collect()
        };
        let (dst, src) = match (sizes(&left_added), sizes(&left_deleted)) {
            (Ok(d), Ok(s)) => (d, s),
            (Err(why), _) | (_, Err(why)) => return unsure(format!("staged: {why}")),
        };
        let near: Vec<(usize, usize)> = (0..dst.len())
            .flat_map(|i| (0..src.len()).map(move |j| (i, j)))
            .filter(|&(i, j)| {
                let (d, s) = (
                    dst.get(i).copied().unwrap_or(0),
                    src.get(j).copied().unwrap_or(0),
                );
                let (big, small) = (d.max(s), d.min(s));
                d != 0 && big >= 2 * (big - small)
            })
            .collect();
        if near.is_empty() {
            return (Count::Exact(exact), None);
        }
        // Score the pairs close in size as git does, when few and small enough.
        let joined = match self.similar_pairs(&near, &left_added, &left_deleted) {
            Ok(joined) => joined,
            Err(why) => return unsure(why),
        };
        match joined.len() {
            0 => (Count::Exact(exact), None),
            // One deletion, one addition, similar: git joins them whatever its rename limit.
            1 if left_added.len() == 1 && left_deleted.len() == 1 => {
                (Count::Exact(exact.saturating_sub(1)), None)
            }
            _ => unsure(
                "staged: several deleted and added files are similar; which git joins \
                 depends on its rename matching (not replayed)"
                    .into(),
            ),
        }
    }

    /// The pairs of `near` (addition, deletion) whose similarity makes them a rename.
    fn similar_pairs(
        &mut self,
        near: &[(usize, usize)],
        added: &[Side],
        deleted: &[Side],
    ) -> Result<Vec<(usize, usize)>, String> {
        if near.len() > MAX_SCORED {
            return Err("staged: too many possible inexact renames to score".into());
        }
        let mut blob = |s: Option<&Side>| -> Result<Vec<u8>, String> {
            let s = s.ok_or("staged: no such file")?;
            let data = self
                .objects
                .blob(&s.oid, MAX_SCORED_BYTES)
                .map_err(|e| format!("staged: {e}"))?
                .ok_or("staged: a possible rename too large to score")?;
            // CRLF counts as LF in text, and attributes may say text or binary: a CR
            // makes the score depend on attributes, which are not read.
            if data.contains(&b'\r') {
                return Err("staged: a possible rename has CRLF (attributes not read)".into());
            }
            Ok(data)
        };
        let mut joined = Vec::new();
        for &(i, j) in near {
            if Instant::now() > self.deadline {
                return Err("staged: the deadline passed".into());
            }
            let (d, s) = (blob(added.get(i))?, blob(deleted.get(j))?);
            let text = !similar::looks_binary(&s);
            if similar::score(&s, &d, text) >= similar::RENAME_SCORE {
                joined.push((i, j));
            }
        }
        Ok(joined)
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::Config;
    use super::*;

    #[test]
    fn rule_reads_status_then_diff() {
        let rule_of = |text: &str| rule(&Config::from_text(text));
        assert_eq!(rule_of(""), Renames::Unset);
        assert_eq!(rule_of("[status]\n\trenames = false\n"), Renames::Off);
        assert_eq!(rule_of("[diff]\n\trenames = copies\n"), Renames::Copies);
        assert_eq!(
            rule_of("[status]\n\trenames = true\n[diff]\n\trenames = false\n"),
            Renames::On
        );
        assert_eq!(rule_of("[diff]\n\trenames = yes\n"), Renames::On);
        assert_eq!(
            rule_of("[include]\n\tpath = x\n[status]\n\trenames = true\n"),
            Renames::Unset
        );
    }
}
