//! The length `git rev-parse --short` abbreviates an object id to: `core.abbrev` (a number,
//! `auto`, or a false boolean for the full id), git's automatic length from the approximate
//! object count, then extended until no other object shares the prefix. `short_len` is the pure
//! rule; `gather` reads what it needs (config, pack index headers, one fanout range, one loose
//! folder), only for a detached HEAD.

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

/// What the length is worked out from, read from disk: `core.abbrev` from git's config files,
/// the object count of the packs, and the ids sharing the detached id's first byte (loose
/// objects in its folder, pack entries in its fanout range). `None` when something git would
/// take into account is not read here (a config include, alternates, a multi-pack index, an
/// index file that is not v1 or v2): the caller keeps git's fallback length.
#[must_use]
pub fn gather(env: &crate::env::Env, common_dir: &std::path::Path, id: &str) -> Option<usize> {
    gather_with(config_abbrev(env, common_dir)?, common_dir, id)
}

/// Like [`gather`], with `core.abbrev` already known (a caller that reads git's config
/// itself, following includes).
#[must_use]
pub fn gather_with(abbrev: Abbrev, common_dir: &std::path::Path, id: &str) -> Option<usize> {
    if matches!(abbrev, Abbrev::Fixed(n) if n >= HEX) {
        return Some(HEX);
    }
    let objects = common_dir.join("objects");
    if objects.join("info/alternates").exists() || objects.join("pack/multi-pack-index").exists() {
        return None;
    }
    let first = u8::from_str_radix(id.get(..2)?, 16).ok()?;
    let mut count = 0u64;
    let mut others: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(objects.join("pack"))
        .ok()
        .into_iter()
        .flatten()
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "idx") {
            let (n, near) = pack_neighbours(&path, first)?;
            count = count.saturating_add(n);
            others.extend(near);
        }
    }
    let prefix = id.get(..2)?;
    if let Ok(dir) = std::fs::read_dir(objects.join(prefix)) {
        for entry in dir.flatten() {
            if let Some(rest) = entry.file_name().to_str() {
                if rest.len() == HEX - 2 {
                    others.push(format!("{prefix}{rest}"));
                }
            }
        }
    }
    let refs: Vec<&str> = others.iter().map(String::as_str).collect();
    Some(short_len(abbrev, count, id, &refs))
}

/// `core.abbrev` as git reads it: system, global (XDG, then `~/.gitconfig`), then the
/// repository's config, the last one set winning; `None` when a file has an include.
fn config_abbrev(env: &crate::env::Env, common_dir: &std::path::Path) -> Option<Abbrev> {
    let mut files = super::global::config_files(env);
    files.push(common_dir.join("config"));
    if [
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_COUNT",
        "GIT_CONFIG_PARAMETERS",
    ]
    .iter()
    .any(|v| env.non_empty(v).is_some())
    {
        return None;
    }
    let mut abbrev = Abbrev::Auto;
    for file in files {
        let Ok(Some(bytes)) = crate::io::files::read_regular(&file, 1 << 20) else {
            continue;
        };
        let lower = bytes.to_ascii_lowercase();
        if lower.windows(8).any(|w| w == b"[include") {
            return None;
        }
        if !lower.windows(6).any(|w| w == b"abbrev") {
            continue;
        }
        let parsed = gix::config::File::from_bytes_no_includes(
            &bytes,
            gix::config::file::Metadata::api(),
            gix::config::file::init::Options::default(),
        )
        .ok()?;
        if let Some(value) = parsed.string("core.abbrev") {
            abbrev = parse(&value.to_string())?;
        }
    }
    Some(abbrev)
}

/// A pack index's object count and the ids in it whose first byte is `first` (hex); `None`
/// for an index that is not v1 or v2 or cannot be read.
fn pack_neighbours(path: &std::path::Path, first: u8) -> Option<(u64, Vec<String>)> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut head = [0u8; 8 + 256 * 4];
    file.read_exact(&mut head).ok()?;
    let (fanout_at, v2) = if head.get(..4)? == b"\xfftOc" {
        if head.get(4..8)? != [0, 0, 0, 2] {
            return None;
        }
        (8usize, true)
    } else {
        (0usize, false)
    };
    let fan = |i: usize| -> Option<u64> {
        let at = fanout_at + i * 4;
        let b: [u8; 4] = head.get(at..at + 4)?.try_into().ok()?;
        Some(u64::from(u32::from_be_bytes(b)))
    };
    let count = fan(255)?;
    let lo = if first == 0 {
        0
    } else {
        fan(usize::from(first) - 1)?
    };
    let hi = fan(usize::from(first))?;
    // Bounded: the ids of one first byte only.
    let n = hi.checked_sub(lo)?.min(1 << 20);
    let (table, stride, skip) = if v2 {
        (8 + 256 * 4, 20u64, 0u64)
    } else {
        (256 * 4, 24u64, 4u64)
    };
    file.seek(SeekFrom::Start(table as u64 + lo * stride))
        .ok()?;
    let mut buf = vec![0u8; usize::try_from(n * stride).ok()?];
    file.read_exact(&mut buf).ok()?;
    let ids = buf
        .chunks_exact(usize::try_from(stride).ok()?)
        .filter_map(|c| c.get(usize::try_from(skip).ok()?..))
        .map(|raw| raw.iter().map(|b| format!("{b:02x}")).collect())
        .collect();
    Some((count, ids))
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
