//! HEAD and the few refs status needs (the branch, its upstream), resolved read-only: loose
//! refs and `packed-refs` through gix's ref store, reftable through awesh's own reader. A
//! ref that is absent is told apart from one that cannot be read, since an absent upstream
//! is git's "gone" and an absent branch is an unborn HEAD.

use std::path::{Path, PathBuf};

use super::objects::{from_hex, Oid};
use super::Paths;
use crate::io::files;
use crate::segment::git::{parse_head, reftable, Head};

/// What HEAD is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadState {
    /// On branch `refs/heads/...` (full name), which points at the commit (`None`: unborn).
    Branch(Vec<u8>, Option<Oid>),
    /// Detached at a commit.
    Detached(Oid),
}

/// The refs of one repository.
pub struct Refs {
    git_dir: PathBuf,
    common_dir: PathBuf,
    reftable: Option<PathBuf>,
    store: gix::refs::file::Store,
}

impl Refs {
    /// The ref store of the repository at `paths`.
    #[must_use]
    pub fn new(paths: &Paths) -> Refs {
        let table = paths.common_dir.join("reftable");
        let store = if paths.common_dir == paths.git_dir {
            gix::refs::file::Store::at(paths.git_dir.clone(), gix::hash::Kind::Sha1)
        } else {
            gix::refs::file::Store::for_linked_worktree(
                paths.git_dir.clone(),
                paths.common_dir.clone(),
                gix::hash::Kind::Sha1,
            )
        };
        Refs {
            git_dir: paths.git_dir.clone(),
            common_dir: paths.common_dir.clone(),
            reftable: table.is_dir().then_some(table),
            store,
        }
    }

    /// Reads HEAD and resolves the branch it names.
    ///
    /// # Errors
    /// Why HEAD or its branch cannot be read.
    pub fn head(&self) -> Result<HeadState, String> {
        let head = if let Some(table) = &self.reftable {
            reftable::read_head(table)?
        } else {
            let bytes =
                files::read_regular(&self.git_dir.join("HEAD"), 4096)?.ok_or("HEAD is missing")?;
            let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
            parse_head(line).ok_or("HEAD is not a ref or an id")?
        };
        match head {
            Head::Detached(id) => from_hex(id.as_bytes())
                .map(HeadState::Detached)
                .ok_or_else(|| "HEAD holds a SHA-256 id (not read yet)".to_string()),
            Head::Symbolic(name) => {
                if self.reftable.is_some() {
                    let name = name.as_bytes().to_vec();
                    let id = self
                        .resolve(&name)?
                        .ok_or("reftable: an unborn branch is not told from an unread one")?;
                    return Ok(HeadState::Branch(name, Some(id)));
                }
                // git names the branch at the end of the chain when HEAD's branch is itself
                // a symbolic ref.
                let (name, id) = self.resolve_named(name.as_bytes())?;
                Ok(HeadState::Branch(name, id))
            }
        }
    }

    /// The commit `name` (a full ref name) points at, following symbolic refs; `Ok(None)`
    /// when there is no such ref. With reftable, absent and unreadable look alike: callers
    /// that must tell them apart check [`Refs::is_reftable`].
    ///
    /// # Errors
    /// Why the ref cannot be read.
    pub fn resolve(&self, name: &[u8]) -> Result<Option<Oid>, String> {
        if let Some(table) = &self.reftable {
            return Ok(reftable::resolve(table, name).and_then(|hex| from_hex(hex.as_bytes())));
        }
        self.resolve_named(name).map(|(_, id)| id)
    }

    /// Like [`Refs::resolve`] for loose and packed refs, with the name the chain ends at.
    fn resolve_named(&self, name: &[u8]) -> Result<(Vec<u8>, Option<Oid>), String> {
        let mut name = std::str::from_utf8(name)
            .map_err(|_| "a ref name that is not UTF-8")?
            .to_string();
        // A FIFO where a ref or packed-refs should be would block gix's read for ever.
        let openable = |p: &Path| std::fs::metadata(p).map_or(true, |m| m.is_file());
        for _ in 0..5 {
            let files = [
                self.git_dir.join(&name),
                self.common_dir.join(&name),
                self.common_dir.join("packed-refs"),
            ];
            if !files.iter().all(|p| openable(p)) {
                return Err(format!("{name}: not a regular file"));
            }
            let found = self
                .store
                .try_find(name.as_str())
                .map_err(|e| format!("{name}: {e}"))?;
            let Some(reference) = found else {
                return Ok((name.into_bytes(), None));
            };
            match reference.target {
                gix::refs::Target::Object(id) => {
                    let mut out = [0u8; 20];
                    let bytes = id.as_bytes();
                    if bytes.len() != 20 {
                        return Err(format!("{name}: not a SHA-1 id"));
                    }
                    out.copy_from_slice(bytes);
                    return Ok((name.into_bytes(), Some(out)));
                }
                gix::refs::Target::Symbolic(next) => name = next.to_string(),
            }
        }
        Err(format!("{name}: symbolic refs nested too deep"))
    }

    /// Whether a ref of exactly the full name `name` exists (not a shorter name that
    /// git's lookup rules would expand to another ref).
    ///
    /// # Errors
    /// Why it cannot be read.
    pub fn has_exact(&self, name: &[u8]) -> Result<bool, String> {
        if let Some(table) = &self.reftable {
            return Ok(reftable::resolve(table, name).is_some());
        }
        let text = std::str::from_utf8(name).map_err(|_| "a ref name that is not UTF-8")?;
        let files = [
            self.git_dir.join(text),
            self.common_dir.join(text),
            self.common_dir.join("packed-refs"),
        ];
        if !files
            .iter()
            .all(|p| std::fs::metadata(p).map_or(true, |m| m.is_file()))
        {
            return Err(format!("{text}: not a regular file"));
        }
        match self.store.try_find(text) {
            Ok(Some(r)) => Ok(r.name.as_bstr() == name),
            Ok(None) => Ok(false),
            Err(e) => Err(format!("{text}: {e}")),
        }
    }

    /// Every tag (`refs/tags/...`: loose and packed, or in the reftable) that points at an
    /// object directly, with that object's id, sorted by name; symbolic tag refs are left
    /// out. A loose tree holding anything but folders and regular files (a FIFO would block
    /// the read) is an error.
    ///
    /// # Errors
    /// Why the tags cannot be listed.
    pub fn tags(&self) -> Result<Vec<(Vec<u8>, Oid)>, String> {
        if let Some(table) = &self.reftable {
            let mut out = Vec::new();
            for (name, value) in reftable::list(table, b"refs/tags/")? {
                if let reftable::Value::Object(id) = value {
                    let id = from_hex(id.as_bytes()).ok_or("a tag that is not SHA-1")?;
                    out.push((name, id));
                }
            }
            return Ok(out);
        }
        let packed = self.common_dir.join("packed-refs");
        if std::fs::metadata(&packed).is_ok_and(|m| !m.is_file()) {
            return Err("packed-refs is not a regular file".into());
        }
        only_regular(&self.common_dir.join("refs/tags"), MAX_TAG_FILES)?;
        let prefix = <&gix::path::RelativePath>::try_from("refs/tags/")
            .map_err(|e| format!("refs/tags/: {e}"))?;
        let platform = self.store.iter().map_err(|e| format!("refs: {e}"))?;
        let mut out = Vec::new();
        for reference in platform
            .prefixed(prefix)
            .map_err(|e| format!("refs/tags: {e}"))?
        {
            let reference = reference.map_err(|e| format!("refs/tags: {e}"))?;
            if let gix::refs::Target::Object(id) = &reference.target {
                let id: Oid = id
                    .as_bytes()
                    .try_into()
                    .map_err(|_| "a tag that is not SHA-1")?;
                out.push((reference.name.as_bstr().to_vec(), id));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Whether refs live in a reftable.
    #[must_use]
    pub fn is_reftable(&self) -> bool {
        self.reftable.is_some()
    }
}

/// The most loose tag files listed.
const MAX_TAG_FILES: usize = 100_000;

/// Checks that the tree at `dir` (if any) holds only folders and regular files, at most `max`
/// entries.
fn only_regular(dir: &Path, max: usize) -> Result<(), String> {
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = 0usize;
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", d.display()))?;
            seen += 1;
            if seen > max {
                return Err(format!("over {max} entries under {}", dir.display()));
            }
            let kind = entry
                .file_type()
                .map_err(|e| format!("{}: {e}", entry.path().display()))?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if !kind.is_file() {
                return Err(format!("{}: not a regular file", entry.path().display()));
            }
        }
    }
    Ok(())
}
