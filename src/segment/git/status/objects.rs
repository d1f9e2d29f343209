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
    dir: std::path::PathBuf,
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
        let odb = gix::odb::at(dir.clone(), gix::hash::Kind::Sha1)
            .map_err(|e| format!("cannot open the object database: {e}"))?;
        Ok(Objects {
            odb,
            buf: Vec::new(),
            dir,
        })
    }

    /// The objects folder.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
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

    /// The content of blob `oid`, if it is at most `limit` bytes (`Ok(None)` past it).
    ///
    /// # Errors
    /// Why it cannot be read.
    pub fn blob(&mut self, oid: &Oid, limit: u64) -> Result<Option<Vec<u8>>, String> {
        if self.size(oid)? > limit {
            return Ok(None);
        }
        self.read(oid, gix::objs::Kind::Blob)
            .map(|d| Some(d.to_vec()))
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

/// What an annotated tag object says of itself (what `git describe` weighs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The object it points at.
    pub target: Oid,
    /// Whether that object is itself a tag.
    pub target_is_tag: bool,
    /// The tag's own name (its `tag` line), which may differ from its ref's.
    pub name: Vec<u8>,
    /// The tagger's time in seconds; 0 without a tagger line, as git's `parse_tag`.
    pub time: i64,
}

impl Objects {
    /// Tag object `oid`, or `Ok(None)` when `oid` is an object of another kind.
    ///
    /// # Errors
    /// Why it cannot be read or parsed.
    pub fn tag(&mut self, oid: &Oid) -> Result<Option<Tag>, String> {
        let id = gix::ObjectId::Sha1(*oid);
        let found = self
            .odb
            .try_find(&id, &mut self.buf)
            .map_err(|e| format!("object {id}: {e}"))?
            .ok_or_else(|| format!("object {id} is missing"))?;
        if found.kind != gix::objs::Kind::Tag {
            return Ok(None);
        }
        parse_tag(found.data)
            .map(Some)
            .ok_or_else(|| format!("tag {id} is malformed"))
    }

    /// Commit `oid`'s message: everything after its header.
    ///
    /// # Errors
    /// Why it cannot be read.
    pub fn message(&mut self, oid: &Oid) -> Result<Vec<u8>, String> {
        let data = self.read(oid, gix::objs::Kind::Commit)?;
        let at = data.windows(2).position(|w| w == b"\n\n");
        Ok(at
            .and_then(|at| data.get(at + 2..))
            .unwrap_or_default()
            .to_vec())
    }
}

/// Parses a tag object's header: `object`, `type`, `tag` and the tagger's time.
#[must_use]
pub fn parse_tag(data: &[u8]) -> Option<Tag> {
    let (mut target, mut kind, mut name, mut time) = (None, None, None, 0);
    for line in data.split(|&b| b == b'\n') {
        if line.is_empty() {
            break;
        }
        if let Some(hex) = line.strip_prefix(b"object ") {
            target = from_hex(hex);
        } else if let Some(k) = line.strip_prefix(b"type ") {
            kind = Some(k == b"tag");
        } else if let Some(n) = line.strip_prefix(b"tag ") {
            name = Some(n.to_vec());
        } else if let Some(who) = line.strip_prefix(b"tagger ") {
            time = signature_time(who).unwrap_or(0);
        }
    }
    Some(Tag {
        target: target?,
        target_is_tag: kind?,
        name: name?,
        time,
    })
}

/// The time of a `Name <mail> 1700000000 +0100` signature: the first word after `>`.
fn signature_time(who: &[u8]) -> Option<i64> {
    let after = who.iter().rposition(|&b| b == b'>')?;
    let mut words = who.get(after + 1..)?.split(|&b| b == b' ');
    let secs = words.find(|w| !w.is_empty())?;
    std::str::from_utf8(secs).ok()?.parse().ok()
}

/// Why objects read here may not be the ones git uses: replace refs (`refs/replace/`) and
/// `info/grafts` swap commits and trees for others, which is not followed here. Packed refs
/// are searched through gix's sorted, memory-mapped `packed-refs` (a prefix lookup, not a
/// scan). A reftable is not searched for replace refs (its reader finds exact names only).
#[must_use]
pub fn replaced(common_dir: &Path) -> Option<String> {
    if common_dir.join("info/grafts").exists() {
        return Some("info/grafts exists (grafts are not followed)".into());
    }
    let found = "replace refs exist (refs/replace/, not followed)";
    let loose = std::fs::read_dir(common_dir.join("refs/replace"))
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if loose {
        return Some(found.into());
    }
    let packed = common_dir.join("packed-refs");
    match std::fs::symlink_metadata(&packed) {
        Err(_) => return None,
        Ok(m) if !m.is_file() => return Some("packed-refs is not a regular file".into()),
        Ok(_) => {}
    }
    let store = gix::refs::file::Store::at(common_dir.to_path_buf(), gix::hash::Kind::Sha1);
    let Ok(prefix) = <&gix::path::RelativePath>::try_from("refs/replace/") else {
        return Some("replace refs not checked".into());
    };
    let any = store
        .iter()
        .ok()
        .and_then(|p| p.prefixed(prefix).ok().map(|mut it| it.next().is_some()));
    match any {
        Some(false) => None,
        Some(true) => Some(found.into()),
        None => Some("packed-refs could not be searched for replace refs".into()),
    }
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

    #[test]
    fn parses_tags() {
        let t = b"object 0123456789abcdef0123456789abcdef01234567\ntype commit\ntag v1\n\
tagger T <t@e> 1700000001 +0000\n\nmsg\ntag no\n";
        let t = parse_tag(t).unwrap();
        assert_eq!(
            (t.name.as_slice(), t.time, t.target_is_tag),
            (&b"v1"[..], 1_700_000_001, false)
        );
        let bare = parse_tag(b"object 0123456789abcdef0123456789abcdef01234567\ntype tag\ntag x\n")
            .unwrap();
        assert_eq!((bare.time, bare.target_is_tag), (0, true));
        assert!(parse_tag(b"type commit\ntag v1\n").is_none());
    }
}
