//! Reading trees and commits for the staged count and ahead/behind: gix's object database
//! (loose objects, packs and their deltas, `objects/info/alternates`), opened at the objects
//! folder directly so no config is read and nothing is ever spawned; the two formats are
//! small enough to parse here. An object that cannot be read (missing in a partial clone,
//! corrupt) is an error with a reason, which the callers turn into `Unknown`.

use std::path::Path;

use gix::objs::{Find, FindHeader};

/// An object id (SHA-1).
pub type Oid = [u8; 20];

/// Tree entry mode of a folder.
pub const TREE: u32 = 0o40000;
/// Mode of a gitlink (a submodule's commit).
pub const GITLINK: u32 = 0o160000;

/// One entry of a tree object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    /// Mode as git stores it (`40000` folders, `100644`, `100755`, `120000`, `160000`).
    pub mode: u32,
    /// Name inside the tree.
    pub name: Vec<u8>,
    /// Object id.
    pub oid: Oid,
}

impl TreeEntry {
    /// Whether it is a folder (a subtree).
    #[must_use]
    pub fn is_tree(&self) -> bool {
        self.mode == TREE
    }
}

/// What a commit says of itself that a walk needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// Its root tree.
    pub tree: Oid,
    /// Its parents, in order.
    pub parents: Vec<Oid>,
    /// The committer time (seconds since the epoch), which orders a date walk.
    pub time: i64,
}

/// The object database of one repository.
pub struct Objects {
    odb: gix::odb::Handle,
    buf: Vec<u8>,
}

/// Hex of an id, for messages.
#[must_use]
pub fn hex(oid: &Oid) -> String {
    gix::ObjectId::Sha1(*oid).to_string()
}

/// Parses 40 hex digits.
#[must_use]
pub fn from_hex(text: &[u8]) -> Option<Oid> {
    if text.len() != 40 {
        return None;
    }
    let id = gix::ObjectId::from_hex(text).ok()?;
    let mut out = [0u8; 20];
    out.copy_from_slice(id.as_bytes());
    Some(out)
}

impl Objects {
    /// Opens the object database under `common_dir/objects`.
    ///
    /// # Errors
    /// Why it cannot be opened.
    pub fn open(common_dir: &Path) -> Result<Self, String> {
        let dir = common_dir.join("objects");
        if !dir.is_dir() {
            return Err(format!("no object folder at {}", dir.display()));
        }
        let odb = gix::odb::at(dir, gix::hash::Kind::Sha1)
            .map_err(|e| format!("cannot open the object database: {e}"))?;
        Ok(Objects {
            odb,
            buf: Vec::new(),
        })
    }

    /// The raw bytes of object `oid`, which must be of `kind`.
    fn read(&mut self, oid: &Oid, kind: gix::objs::Kind) -> Result<&[u8], String> {
        let id = gix::ObjectId::Sha1(*oid);
        let found = self
            .odb
            .try_find(&id, &mut self.buf)
            .map_err(|e| format!("object {id}: {e}"))?;
        let Some(data) = found else {
            return Err(format!(
                "object {id} is missing (a partial clone, or an alternate not followed)"
            ));
        };
        if data.kind != kind {
            return Err(format!("object {id} is a {}, not a {kind}", data.kind));
        }
        Ok(data.data)
    }

    /// The size of blob `oid` in bytes, from its header.
    ///
    /// # Errors
    /// Why it cannot be read.
    pub fn size(&mut self, oid: &Oid) -> Result<u64, String> {
        let id = gix::ObjectId::Sha1(*oid);
        match self.odb.try_header(&id) {
            Ok(Some(h)) => Ok(h.size),
            Ok(None) => Err(format!("object {id} is missing")),
            Err(e) => Err(format!("object {id}: {e}")),
        }
    }

    /// The entries of tree `oid`, in the tree's own order.
    ///
    /// # Errors
    /// Why it cannot be read or parsed.
    pub fn tree(&mut self, oid: &Oid) -> Result<Vec<TreeEntry>, String> {
        let data = self.read(oid, gix::objs::Kind::Tree)?;
        parse_tree(data).ok_or_else(|| format!("tree {} is malformed", hex(oid)))
    }

    /// Commit `oid`'s tree, parents and committer time.
    ///
    /// # Errors
    /// Why it cannot be read or parsed.
    pub fn commit(&mut self, oid: &Oid) -> Result<Commit, String> {
        let data = self.read(oid, gix::objs::Kind::Commit)?;
        parse_commit(data).ok_or_else(|| format!("commit {} is malformed", hex(oid)))
    }
}

/// Why objects read here may not be the ones git uses: replace refs (`refs/replace/`) and
/// `info/grafts` swap commits and trees for others, which is not followed here.
#[must_use]
pub fn replaced(common_dir: &Path) -> Option<String> {
    if common_dir.join("info/grafts").exists() {
        return Some("info/grafts exists (grafts are not followed)".into());
    }
    let loose = std::fs::read_dir(common_dir.join("refs/replace"))
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    let packed = crate::io::files::read_regular(&common_dir.join("packed-refs"), 256 << 20)
        .ok()
        .flatten()
        .is_some_and(|p| p.windows(13).any(|w| w == b"refs/replace/"));
    (loose || packed).then(|| "replace refs exist (refs/replace/, not followed)".into())
}

/// Parses a tree object's body: `<octal mode> <name>\0<20-byte id>` repeated.
#[must_use]
pub fn parse_tree(mut data: &[u8]) -> Option<Vec<TreeEntry>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let sp = data.iter().position(|&b| b == b' ')?;
        let mut mode = 0u32;
        for &d in data.get(..sp)? {
            if !(b'0'..=b'7').contains(&d) {
                return None;
            }
            mode = mode.checked_mul(8)?.checked_add(u32::from(d - b'0'))?;
        }
        let rest = data.get(sp + 1..)?;
        let nul = rest.iter().position(|&b| b == 0)?;
        let name = rest.get(..nul)?.to_vec();
        let mut oid = [0u8; 20];
        oid.copy_from_slice(rest.get(nul + 1..nul + 21)?);
        out.push(TreeEntry { mode, name, oid });
        data = rest.get(nul + 21..)?;
    }
    Some(out)
}

/// Parses a commit object's header: `tree`, `parent` lines and the committer's time.
#[must_use]
pub fn parse_commit(data: &[u8]) -> Option<Commit> {
    let mut tree = None;
    let mut parents = Vec::new();
    let mut time = None;
    for line in data.split(|&b| b == b'\n') {
        if line.is_empty() {
            break;
        }
        if let Some(hex) = line.strip_prefix(b"tree ") {
            tree = from_hex(hex);
        } else if let Some(hex) = line.strip_prefix(b"parent ") {
            parents.push(from_hex(hex)?);
        } else if let Some(who) = line.strip_prefix(b"committer ") {
            // `Name <mail> 1700000000 +0100`: the time is the last-but-one word after `>`.
            let after = who.iter().rposition(|&b| b == b'>')?;
            let mut words = who.get(after + 1..)?.split(|&b| b == b' ');
            let secs = words.find(|w| !w.is_empty())?;
            time = std::str::from_utf8(secs).ok()?.parse().ok();
        }
    }
    Some(Commit {
        tree: tree?,
        parents,
        time: time.unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_trees_and_commits() {
        let mut t = b"100644 a.txt\0".to_vec();
        t.extend_from_slice(&[7; 20]);
        t.extend_from_slice(b"40000 dir\0");
        t.extend_from_slice(&[8; 20]);
        let e = parse_tree(&t).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].mode, e[0].name.as_slice()), (0o100644, &b"a.txt"[..]));
        assert!(e[1].is_tree());
        assert!(parse_tree(&t[..t.len() - 1]).is_none());
        assert!(parse_tree(b"10x644 a\0").is_none());

        let c = b"tree 0123456789abcdef0123456789abcdef01234567\n\
parent 1123456789abcdef0123456789abcdef01234567\n\
author A <a@b> 1 +0000\n\
committer C D <c@d> 1700000000 +0100\n\nmsg\nparent x\n";
        let c = parse_commit(c).unwrap();
        assert_eq!(c.parents.len(), 1);
        assert_eq!(c.time, 1_700_000_000);
        assert_eq!(hex(&c.tree), "0123456789abcdef0123456789abcdef01234567");
        assert!(parse_commit(b"parent zz\n").is_none());
    }
}
