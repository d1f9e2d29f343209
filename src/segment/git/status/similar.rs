//! How similar two blobs are, scored as git's rename detection scores them (its
//! diffcore-delta.c and estimate_similarity): each blob is cut into spans ending at a
//! newline or after 64 bytes, each span hashed, and the bytes of the source's spans found
//! again in the destination count as copied. A rename needs half of the larger size copied.
//! Used only where the staged count hinges on whether one deletion and one addition join.

use std::collections::HashMap;

/// git's full score, and the default least score of a rename (50%).
pub const MAX_SCORE: u64 = 60_000;
/// The least score for a rename without `-M`.
pub const RENAME_SCORE: u64 = 30_000;

/// The span hash's modulus (a prime, as in git).
const HASHBASE: u32 = 107_927;

/// Bytes per span hash value: the multiset git compares.
fn spans(data: &[u8], text: bool) -> HashMap<u32, u64> {
    let mut out: HashMap<u32, u64> = HashMap::new();
    let (mut a1, mut a2, mut n) = (0u32, 0u32, 0u64);
    let mut add = |a1: u32, a2: u32, n: u64| {
        let h = a1.wrapping_add(a2.wrapping_mul(0x61)) % HASHBASE;
        *out.entry(h).or_default() += n;
    };
    for (i, &c) in data.iter().enumerate() {
        // In text, the CR of a CRLF is not part of the content compared.
        if text && c == b'\r' && data.get(i + 1) == Some(&b'\n') {
            continue;
        }
        let old = a1;
        a1 = (a1 << 7) ^ (a2 >> 25);
        a2 = (a2 << 7) ^ (old >> 25);
        a1 = a1.wrapping_add(u32::from(c));
        n += 1;
        if n < 64 && c != b'\n' {
            continue;
        }
        add(a1, a2, n);
        (a1, a2, n) = (0, 0, 0);
    }
    if n > 0 {
        add(a1, a2, n);
    }
    out
}

/// git's similarity score of `src` → `dst` for regular files whose content decides it;
/// `text` says whether CRLF counts as LF (git's binary check, which attributes can change).
#[must_use]
pub fn score(src: &[u8], dst: &[u8], text: bool) -> u64 {
    let (s, d) = (src.len() as u64, dst.len() as u64);
    let (big, small) = (s.max(d), s.min(d));
    if dst.is_empty() || big * (MAX_SCORE - RENAME_SCORE) < (big - small) * MAX_SCORE {
        return 0;
    }
    let (from, to) = (spans(src, text), spans(dst, text));
    let copied: u64 = from
        .iter()
        .map(|(h, &n)| n.min(to.get(h).copied().unwrap_or(0)))
        .sum();
    copied * MAX_SCORE / big
}

/// Whether git would call `data` binary without attributes: a NUL in its first 8000 bytes.
#[must_use]
pub fn looks_binary(data: &[u8]) -> bool {
    data.iter().take(8000).any(|&b| b == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_like_git() {
        let text: String = (0..20).map(|i| format!("line {i}\n")).collect();
        assert_eq!(score(text.as_bytes(), text.as_bytes(), true), MAX_SCORE);
        let edited = text.replace("line 7", "line seven");
        let s = score(text.as_bytes(), edited.as_bytes(), true);
        assert!((RENAME_SCORE..MAX_SCORE).contains(&s), "{s}");
        assert!(score(b"abcdefg\n", b"file 0\n", true) < RENAME_SCORE);
        assert_eq!(score(b"a\n", b"", true), 0);
        // In text the CR of CRLF is skipped, so the LF lines are all found again (4 of the
        // larger file's 6 bytes); as binary nothing matches.
        assert_eq!(score(b"a\r\nb\r\n", b"a\nb\n", true), 40_000);
        assert_eq!(score(b"a\r\nb\r\n", b"a\nb\n", false), 0);
    }
}
