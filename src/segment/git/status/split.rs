//! A split index (`git update-index --split-index`) made whole, read-only: the `link`
//! extension names a shared index (`sharedindex.<id>` in the git directory) and carries two
//! EWAH bitmaps, the shared entries this index deletes and those it replaces; the entries
//! of this file are first the replacements, in order (their names left empty), then entries
//! to add. The result is what git's `merge_base_index` builds in memory.

use std::path::Path;

use super::index::{self, Entry, Index};
use crate::io::files;

/// The positions of the set bits of the EWAH bitmap at the start of `data`, and the bytes
/// it took. The format (git's `ewah/`): bit count, word count, the 64-bit words, all big
/// endian, then the position of the last run-length word.
fn ewah(data: &[u8], limit: usize) -> Result<(Vec<usize>, usize), String> {
    let be32 = |at: usize| -> Option<usize> {
        let b = data.get(at..at + 4)?;
        Some(u32::from_be_bytes([*b.first()?, *b.get(1)?, *b.get(2)?, *b.get(3)?]) as usize)
    };
    let corrupt = || "split index: corrupt EWAH bitmap".to_string();
    let words = be32(4).ok_or_else(corrupt)?;
    let end = words
        .checked_mul(8)
        .and_then(|n| n.checked_add(12))
        .ok_or_else(corrupt)?;
    if data.len() < end {
        return Err(corrupt());
    }
    let word = |i: usize| -> Option<u64> {
        let b: [u8; 8] = data.get(8 + i * 8..16 + i * 8)?.try_into().ok()?;
        Some(u64::from_be_bytes(b))
    };
    let mut bits = Vec::new();
    let (mut pos, mut i) = (0usize, 0usize);
    while i < words {
        let rlw = word(i).ok_or_else(corrupt)?;
        let run = usize::try_from((rlw >> 1) & 0xffff_ffff).map_err(|_| corrupt())? * 64;
        if rlw & 1 == 1 {
            if pos + run > limit {
                return Err(corrupt());
            }
            bits.extend(pos..pos + run);
        }
        pos += run;
        i += 1;
        let literals = usize::try_from(rlw >> 33).map_err(|_| corrupt())?;
        for _ in 0..literals {
            let w = word(i).ok_or_else(corrupt)?;
            bits.extend((0..64).filter(|b| w & (1u64 << b) != 0).map(|b| pos + b));
            pos += 64;
            i += 1;
        }
        if pos > limit.saturating_add(64 * 64) {
            return Err(corrupt());
        }
    }
    Ok((bits, end))
}

/// Merges the split index `main` (whose `link` is set) with its shared index read from
/// `git_dir`; `max_entries` bounds the shared index as it bounds the main one.
///
/// # Errors
/// Why the shared index cannot be read or the two do not fit together.
pub fn resolve(git_dir: &Path, main: Index, max_entries: usize) -> Result<Index, String> {
    if !main.split {
        return Ok(main);
    }
    let oid = main
        .link
        .get(..20)
        .ok_or("split index: link extension too short")?;
    let mut merged = main.clone();
    merged.split = false;
    merged.link = Vec::new();
    if oid.iter().all(|&b| b == 0) {
        // No shared index (yet): the entries here are all there is.
        return Ok(merged);
    }
    let hex: String = oid.iter().map(|b| format!("{b:02x}")).collect();
    let path = git_dir.join(format!("sharedindex.{hex}"));
    let limit = max_entries.saturating_mul(4200).saturating_add(1 << 20) as u64;
    let data = files::read_regular(&path, limit)?
        .ok_or_else(|| format!("split index: {} is missing", path.display()))?;
    if data.get(data.len().saturating_sub(20)..) != Some(oid) {
        return Err(format!(
            "split index: {} does not match its id",
            path.display()
        ));
    }
    let shared = index::parse(&data, max_entries)?;
    let rest = main.link.get(20..).unwrap_or_default();
    let (deleted, replaced) = if rest.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let n = shared.entries.len();
        let (deleted, used) = ewah(rest, n)?;
        let (replaced, _) = ewah(rest.get(used..).unwrap_or_default(), n)?;
        (deleted, replaced)
    };
    let mut entries: Vec<Option<Entry>> = shared.entries.into_iter().map(Some).collect();
    let mut own = main.entries.into_iter();
    for pos in replaced {
        let new = own
            .next()
            .ok_or("split index: more replacements than entries")?;
        if !new.path.is_empty() {
            return Err("split index: a replacement entry has a name".into());
        }
        let slot = entries
            .get_mut(pos)
            .ok_or("split index: replacement past the shared index")?;
        let old = slot.as_ref().ok_or("split index: entry replaced twice")?;
        *slot = Some(Entry {
            path: old.path.clone(),
            ..new
        });
    }
    for pos in deleted {
        let slot = entries
            .get_mut(pos)
            .ok_or("split index: deletion past the shared index")?;
        *slot = None;
    }
    let mut entries: Vec<Entry> = entries.into_iter().flatten().collect();
    for new in own {
        if new.path.is_empty() {
            return Err("split index: an added entry has no name".into());
        }
        let key = |e: &Entry| (e.path.clone(), e.stage);
        let at = entries.binary_search_by(|e| key(e).cmp(&key(&new)));
        match at {
            Ok(i) => {
                if let Some(slot) = entries.get_mut(i) {
                    *slot = new;
                }
            }
            Err(i) => {
                // A merged (stage 0) entry replaces the path's conflict stages, as git's
                // add_index_entry does.
                if new.stage == 0 {
                    let path = new.path.clone();
                    entries.retain(|e| e.path != path);
                    let i = entries
                        .partition_point(|e| (e.path.as_slice(), e.stage) < (path.as_slice(), 0));
                    entries.insert(i, new);
                } else {
                    entries.insert(i, new);
                }
            }
        }
    }
    if entries.len() > max_entries {
        return Err(format!(
            "index: {} entries, over the budget of {max_entries}",
            entries.len()
        ));
    }
    merged.entries = entries;
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bitmap(words: &[u64]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&(64 * words.len() as u32).to_be_bytes());
        out.extend_from_slice(&(words.len() as u32).to_be_bytes());
        for w in words {
            out.extend_from_slice(&w.to_be_bytes());
        }
        out.extend_from_slice(&0u32.to_be_bytes());
        out
    }

    #[test]
    fn ewah_runs_and_literals() {
        // One run-length word: no run, two literal words.
        let rlw = 2u64 << 33;
        let data = bitmap(&[rlw, 0b101, 1 << 63]);
        let (bits, used) = ewah(&data, 1000).unwrap();
        assert_eq!(bits, vec![0, 2, 127]);
        assert_eq!(used, data.len());
        // A run of one word of ones, then no literals.
        let data = bitmap(&[1 | (1 << 1)]);
        assert_eq!(ewah(&data, 1000).unwrap().0, (0..64).collect::<Vec<_>>());
        assert!(ewah(&data[..10], 1000).is_err());
    }
}
