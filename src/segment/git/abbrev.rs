//! The length `git rev-parse --short` abbreviates an object id to: `core.abbrev` (a number,
//! `auto`, or a false boolean for the full id), git's automatic length from the approximate
//! object count, then extended until no other object shares the prefix. Pure: the caller
//! supplies the count and the ids that share the longest prefix (not wired yet).

/// The shortest abbreviation git allows (`minimum_abbrev`).
pub const MIN: usize = 4;
/// git's length for small repositories (`FALLBACK_DEFAULT_ABBREV`).
pub const FALLBACK: usize = 7;
/// Hex digits in a SHA-1 id.
pub const HEX: usize = 40;

/// What `core.abbrev` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abbrev {
    /// Unset or `auto`: from the object count.
    Auto,
    /// A fixed starting length.
    Fixed(usize),
}

/// Parses a `core.abbrev` value as git does; `None` when git would reject it.
#[must_use]
pub fn parse(value: &str) -> Option<Abbrev> {
    let v = value.trim().to_ascii_lowercase();
    match v.as_str() {
        "auto" => Some(Abbrev::Auto),
        "false" | "no" | "off" | "" => Some(Abbrev::Fixed(HEX)),
        _ => match v.parse::<usize>() {
            Ok(n) if (MIN..=HEX).contains(&n) => Some(Abbrev::Fixed(n)),
            _ => None,
        },
    }
}

/// git's automatic starting length for `count` objects: half the bits needed to count
/// them, rounded up, in hex digits, never below [`FALLBACK`].
#[must_use]
pub fn auto_len(count: u64) -> usize {
    // Position of the highest set bit, plus one (0 for 0 and 1, as git's msb()).
    let bits = (63u32.saturating_sub(count.max(1).leading_zeros())) as usize + 1;
    bits.div_ceil(2).max(FALLBACK)
}

/// The abbreviation length of `id` (hex) given `core.abbrev`, the approximate object
/// count, and the other object ids nearest to it (those sharing the longest prefix).
#[must_use]
pub fn short_len(abbrev: Abbrev, count: u64, id: &str, others: &[&str]) -> usize {
    let start = match abbrev {
        Abbrev::Auto => auto_len(count),
        Abbrev::Fixed(n) => n,
    };
    if start >= HEX || start == 0 {
        return HEX;
    }
    let shared = others
        .iter()
        .filter(|o| **o != id)
        .map(|o| {
            o.bytes()
                .zip(id.bytes())
                .take_while(|(a, b)| a == b)
                .count()
        })
        .max()
        .unwrap_or(0);
    start.max(shared + 1).min(HEX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_len_follows_gits_formula() {
        assert_eq!(auto_len(0), 7);
        assert_eq!(auto_len(16383), 7);
        assert_eq!(auto_len(16384), 8);
        assert_eq!(auto_len(1 << 20), 11);
        assert_eq!(auto_len(u64::MAX), 32);
    }

    #[test]
    fn parse_and_extend() {
        assert_eq!(parse("auto"), Some(Abbrev::Auto));
        assert_eq!(parse("12"), Some(Abbrev::Fixed(12)));
        assert_eq!(parse("no"), Some(Abbrev::Fixed(40)));
        assert_eq!(parse("3"), None);
        assert_eq!(parse("0"), None);
        let id = "abcdef0123456789abcdef0123456789abcdef01";
        assert_eq!(short_len(Abbrev::Auto, 10, id, &[]), 7);
        assert_eq!(short_len(Abbrev::Auto, 10, id, &["abcdef0129"]), 10);
        assert_eq!(short_len(Abbrev::Fixed(40), 10, id, &[]), 40);
    }
}
