//! Reads git's index file (versions 2, 3 and 4) into plain entries, read-only and bounded:
//! the stat data, mode, flags and path of each entry, plus which extensions are present
//! (a split index or a sparse index changes what the entries mean).

/// One index entry: the stat data git cached, and what it says about the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Change time (seconds, nanoseconds), as git stored it (truncated to 32 bits).
    pub ctime: (u32, u32),
    /// Modification time (seconds, nanoseconds).
    pub mtime: (u32, u32),
    /// Device number.
    pub dev: u32,
    /// Inode number.
    pub ino: u32,
    /// Mode: 0o100644, 0o100755, 0o120000 (symlink), 0o160000 (gitlink), 0o40000 (sparse dir).
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Size in bytes (truncated to 32 bits).
    pub size: u32,
    /// The object id of the staged content.
    pub oid: [u8; 20],
    /// Merge stage: 0 normal, 1..=3 a conflict.
    pub stage: u8,
    /// `assume-unchanged` (CE_VALID).
    pub assume_valid: bool,
    /// `skip-worktree` (extended flag).
    pub skip_worktree: bool,
    /// `intent-to-add` (extended flag).
    pub intent_to_add: bool,
    /// The path, relative to the work tree, with `/` separators.
    pub path: Vec<u8>,
}

/// A parsed index.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Format version (2, 3 or 4).
    pub version: u32,
    /// The entries, in index order.
    pub entries: Vec<Entry>,
    /// A `link` extension: the entries are only part of the index (split index).
    pub split: bool,
    /// A `sdir` extension: directory entries stand for whole sparse folders.
    pub sparse: bool,
    /// The body of the `TREE` (cache-tree) extension, empty when absent: the tree ids git
    /// last wrote for whole folders, which let the staged count skip unchanged ones.
    pub cache_tree: Vec<u8>,
    /// The body of the `link` extension (split index), empty when absent: the shared
    /// index's id and which of its entries this file deletes or replaces (see `split`).
    pub link: Vec<u8>,
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([
        *b.first()?,
        *b.get(1)?,
        *b.get(2)?,
        *b.get(3)?,
    ]))
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    let b = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([*b.first()?, *b.get(1)?]))
}

/// git's offset varint (`decode_varint`): each continuation adds one before shifting.
fn varint(data: &[u8], at: &mut usize) -> Option<usize> {
    let mut c = *data.get(*at)?;
    *at += 1;
    let mut val = usize::from(c & 127);
    while c & 128 != 0 {
        c = *data.get(*at)?;
        *at += 1;
        val = val
            .checked_add(1)?
            .checked_mul(128)?
            .checked_add(usize::from(c & 127))?;
    }
    Some(val)
}

/// The fixed part of an entry: ten 32-bit stat fields, a 20-byte id and 16 bits of flags.
const FIXED: usize = 40 + 20 + 2;

/// Parses `data` (the whole index file), refusing more than `max_entries` entries.
///
/// # Errors
/// Why the file is not an index awesh can read (so status is unknown, never guessed).
pub fn parse(data: &[u8], max_entries: usize) -> Result<Index, String> {
    if data.get(..4) != Some(b"DIRC".as_slice()) {
        return Err("index: no DIRC signature".into());
    }
    let version = be32(data, 4).ok_or("index: truncated header")?;
    if !(2..=4).contains(&version) {
        return Err(format!("index: version {version} not supported"));
    }
    let count = be32(data, 8).ok_or("index: truncated header")? as usize;
    if count > max_entries {
        return Err(format!(
            "index: {count} entries, over the budget of {max_entries}"
        ));
    }
    // The trailing checksum is not part of any entry or extension.
    let end = data.len().checked_sub(20).ok_or("index: truncated")?;
    let mut at = 12usize;
    let mut entries = Vec::with_capacity(count);
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..count {
        let field = |i: usize| be32(data, at + 4 * i).ok_or("index: truncated entry");
        let (ctime, mtime) = ((field(0)?, field(1)?), (field(2)?, field(3)?));
        let (dev, ino, mode, uid, gid, size) = (
            field(4)?,
            field(5)?,
            field(6)?,
            field(7)?,
            field(8)?,
            field(9)?,
        );
        let mut oid = [0u8; 20];
        oid.copy_from_slice(data.get(at + 40..at + 60).ok_or("index: truncated entry")?);
        let flags = be16(data, at + 60).ok_or("index: truncated entry")?;
        let mut cursor = at + FIXED;
        let extended = flags & 0x4000 != 0;
        let mut ext = 0u16;
        if extended {
            if version < 3 {
                return Err("index: extended flag in a version 2 index".into());
            }
            ext = be16(data, cursor).ok_or("index: truncated entry")?;
            cursor += 2;
        }
        let path = if version == 4 {
            let strip = varint(data, &mut cursor).ok_or("index: truncated path")?;
            let keep = previous
                .len()
                .checked_sub(strip)
                .ok_or("index: path prefix longer than the previous path")?;
            let rest = data.get(cursor..end).ok_or("index: truncated path")?;
            let nul = rest
                .iter()
                .position(|&b| b == 0)
                .ok_or("index: unterminated path")?;
            let mut path = previous.get(..keep).unwrap_or_default().to_vec();
            path.extend_from_slice(rest.get(..nul).unwrap_or_default());
            cursor += nul + 1;
            path
        } else {
            let rest = data.get(cursor..end).ok_or("index: truncated path")?;
            let nul = rest
                .iter()
                .position(|&b| b == 0)
                .ok_or("index: unterminated path")?;
            let path = rest.get(..nul).unwrap_or_default().to_vec();
            // Entries are padded with 1..=8 NULs to a multiple of eight bytes from their start.
            let len = cursor - at + nul;
            cursor = at + ((len + 8) & !7);
            path
        };
        if cursor > end {
            return Err("index: entry runs past the end".into());
        }
        entries.push(Entry {
            ctime,
            mtime,
            dev,
            ino,
            mode,
            uid,
            gid,
            size,
            oid,
            stage: u8::try_from((flags >> 12) & 3).unwrap_or(0),
            assume_valid: flags & 0x8000 != 0,
            skip_worktree: ext & 0x4000 != 0,
            intent_to_add: ext & 0x2000 != 0,
            path: path.clone(),
        });
        previous = path;
        at = cursor;
    }
    let (mut split, mut sparse) = (false, false);
    let mut cache_tree = Vec::new();
    let mut link = Vec::new();
    while at + 8 <= end {
        let sig = data.get(at..at + 4).unwrap_or_default();
        let len = be32(data, at + 4).ok_or("index: truncated extension")? as usize;
        match sig {
            b"link" => {
                split = true;
                let body = at
                    .checked_add(8)
                    .and_then(|from| data.get(from..from.checked_add(len)?));
                link = body.ok_or("index: truncated link extension")?.to_vec();
            }
            b"sdir" => sparse = true,
            b"TREE" => {
                let body = at
                    .checked_add(8)
                    .and_then(|from| data.get(from..from.checked_add(len)?));
                cache_tree = body.ok_or("index: truncated TREE extension")?.to_vec();
            }
            _ => {}
        }
        at = at
            .checked_add(8)
            .and_then(|a| a.checked_add(len))
            .ok_or("index: extension too long")?;
    }
    Ok(Index {
        version,
        entries,
        split,
        sparse,
        cache_tree,
        link,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_matches_gits_encoding() {
        // git encodes 128 as 0x80 0x00 (the continuation adds one).
        let mut at = 0;
        assert_eq!(varint(&[0x80, 0x00], &mut at), Some(128));
        let mut at = 0;
        assert_eq!(varint(&[0x05], &mut at), Some(5));
    }

    #[test]
    fn rejects_what_is_not_an_index() {
        assert!(parse(b"nope", 10).is_err());
        let mut v5 = b"DIRC\0\0\0\x05\0\0\0\0".to_vec();
        v5.extend_from_slice(&[0; 20]);
        assert!(parse(&v5, 10).is_err());
        let mut big = b"DIRC\0\0\0\x02\0\0\x01\0".to_vec();
        big.extend_from_slice(&[0; 20]);
        assert!(parse(&big, 10).unwrap_err().contains("budget"));
    }
}
