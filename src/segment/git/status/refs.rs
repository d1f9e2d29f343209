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
                let name = name.as_bytes().to_vec();
                let id = self.resolve(&name)?;
                if id.is_none() && self.reftable.is_some() {
                    return Err("reftable: an unborn branch is not told from an unread one".into());
                }
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
                return Ok(None);
            };
            match reference.target {
                gix::refs::Target::Object(id) => {
                    let mut out = [0u8; 20];
                    let bytes = id.as_bytes();
                    if bytes.len() != 20 {
                        return Err(format!("{name}: not a SHA-1 id"));
                    }
                    out.copy_from_slice(bytes);
                    return Ok(Some(out));
                }
                gix::refs::Target::Symbolic(next) => name = next.to_string(),
            }
        }
        Err(format!("{name}: symbolic refs nested too deep"))
    }

    /// Whether refs live in a reftable.
    #[must_use]
    pub fn is_reftable(&self) -> bool {
        self.reftable.is_some()
    }
}
