//! Submodules (gitlinks) in the unstaged count, decided as git's `match_stat_with_submodule`
//! (diff-lib.c) and `is_submodule_modified` (submodule.c) decide them, natively: the ignore
//! rule (`diff.ignoreSubmodules`, then `submodule.<name>.ignore` from the config or
//! `.gitmodules`), the checked-out HEAD against the gitlink's commit, and the submodule's own
//! status, gathered by the same code one level down under the same budget (where git runs
//! `git status --porcelain=2` in it). Whatever cannot be read is unknown, never clean.

use std::collections::HashMap;
use std::path::Path;

use super::index::Entry;
use super::untracked_config::{Key, Show};
use super::{Budget, Count, Paths};
use crate::env::Env;
use crate::io::files;

/// Submodules inside submodules are followed this deep; deeper is unknown.
pub const MAX_DEPTH: u8 = 6;
/// The most of `.gitmodules` or a `.git` file read.
const FILE_LIMIT: u64 = 1 << 20;

/// What git's status says of one submodule: the `C`, `M` and `U` of porcelain v2's `SCMU`
/// (a removed or replaced submodule counts as `changed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dirty {
    /// Removed, not a folder, or another commit checked out.
    pub changed: bool,
    /// Tracked content modified inside (`DIRTY_SUBMODULE_MODIFIED`).
    pub modified: bool,
    /// Untracked content inside (`DIRTY_SUBMODULE_UNTRACKED`); `None` where git itself stops
    /// looking before it could tell (modified, and untracked content ignored).
    pub untracked: Option<bool>,
}

impl Dirty {
    /// Whether git lists the submodule as changed in the work tree.
    #[must_use]
    pub fn any(&self) -> bool {
        self.changed || self.modified || self.untracked == Some(true)
    }

    /// git's `S..U`: only untracked content, which a parent's `is_submodule_modified` does
    /// not count as a modification.
    #[must_use]
    pub fn untracked_only(&self) -> bool {
        !self.changed && !self.modified && self.untracked == Some(true)
    }
}

/// git's diff flags for submodules (`ignore_submodules`, `ignore_dirty_submodules`,
/// `ignore_untracked_in_submodules`, `ignore_submodule_set`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Flags {
    all: bool,
    dirty: bool,
    untracked: bool,
    set: bool,
}

/// git's `handle_ignore_submodules_arg`.
fn handle(arg: &[u8]) -> Result<Flags, String> {
    let mut f = Flags {
        set: true,
        ..Flags::default()
    };
    match arg {
        b"all" => f.all = true,
        b"untracked" => f.untracked = true,
        b"dirty" => f.dirty = true,
        b"none" => {}
        _ => {
            return Err(format!(
                "bad ignore-submodules value {:?}",
                String::from_utf8_lossy(arg)
            ))
        }
    }
    Ok(f)
}

/// One submodule as `.gitmodules` describes it.
#[derive(Debug, Clone, Default)]
struct Module {
    name: Vec<u8>,
    path: Option<Vec<u8>>,
    ignore: Option<Vec<u8>>,
}

/// The ignore rule of each submodule path of one repository, worked out once.
#[derive(Debug)]
pub struct Rules {
    /// For paths `.gitmodules` does not name.
    base: Flags,
    /// For the paths it names.
    by_path: HashMap<Vec<u8>, Flags>,
}

/// git's `check_submodule_name`: not empty, no `..` component (`/` or `\` separated).
fn suspicious(name: &[u8]) -> bool {
    name.is_empty()
        || name
            .split(|&b| b == b'/' || b == b'\\')
            .any(|part| part == b"..")
}

/// Parses `.gitmodules`: for each submodule its first `path` and its first valid `ignore`,
/// as git's `parse_config` keeps them (later ones only warn). Names git calls suspicious are
/// skipped, as git skips them.
fn parse_gitmodules(bytes: &[u8]) -> Result<Vec<Module>, String> {
    let file = gix::config::File::from_bytes_no_includes(
        bytes,
        gix::config::file::Metadata::api(),
        gix::config::file::init::Options::default(),
    )
    .map_err(|e| format!(".gitmodules: {e}"))?;
    let mut modules: Vec<Module> = Vec::new();
    for section in file.sections() {
        let header = section.header();
        if !header.name().eq_ignore_ascii_case(b"submodule") {
            continue;
        }
        let Some(name) = header.subsection_name() else {
            continue;
        };
        let name: &[u8] = name.as_ref();
        if suspicious(name) {
            continue;
        }
        let at = match modules.iter().position(|m| m.name == name) {
            Some(at) => at,
            None => {
                modules.push(Module {
                    name: name.to_vec(),
                    ..Module::default()
                });
                modules.len() - 1
            }
        };
        let Some(module) = modules.get_mut(at) else {
            continue;
        };
        for key in ["path", "ignore"] {
            if section.value_implicit(key) == Some(None) {
                return Err(format!(".gitmodules: submodule.{key} without a value"));
            }
        }
        for path in section.values("path") {
            if module.path.is_none() && !path.starts_with(b"-") {
                module.path = Some(path.to_vec());
            }
        }
        for ignore in section.values("ignore") {
            let valid = matches!(
                ignore.as_slice(),
                b"untracked" | b"dirty" | b"all" | b"none"
            );
            if module.ignore.is_none() && valid {
                module.ignore = Some(ignore.to_vec());
            }
        }
    }
    Ok(modules)
}

/// `.gitmodules` as git reads it for the work tree (`config_from_gitmodules`): the file if it
/// exists, else the index's blob, else HEAD's.
fn read_gitmodules(paths: &Paths, work_tree: &Path, entries: &[Entry]) -> Result<Vec<u8>, String> {
    let file = work_tree.join(".gitmodules");
    if std::fs::symlink_metadata(&file).is_ok() {
        return files::read_regular(&file, FILE_LIMIT)?
            .ok_or_else(|| ".gitmodules vanished".into());
    }
    let staged = entries
        .iter()
        .find(|e| e.path == b".gitmodules" && e.stage == 0)
        .map(|e| e.oid);
    let mut objects = super::objects::Objects::open(&paths.common_dir)?;
    let oid = match staged {
        Some(oid) => Some(oid),
        None => head_gitmodules(paths, &mut objects)?,
    };
    match oid {
        None => Ok(Vec::new()),
        Some(oid) => objects
            .blob(&oid, FILE_LIMIT)?
            .ok_or_else(|| ".gitmodules: too big".to_string()),
    }
}

/// The blob id of `.gitmodules` in HEAD's tree, if any.
fn head_gitmodules(
    paths: &Paths,
    objects: &mut super::objects::Objects,
) -> Result<Option<super::objects::Oid>, String> {
    let commit = match super::refs::Refs::new(paths).head()? {
        super::refs::HeadState::Branch(_, None) => return Ok(None),
        super::refs::HeadState::Branch(_, Some(id)) | super::refs::HeadState::Detached(id) => id,
    };
    let tree = objects.commit(&commit)?.tree;
    Ok(objects
        .tree(&tree)?
        .into_iter()
        .find(|e| e.name == b".gitmodules" && !e.is_tree())
        .map(|e| e.oid))
}

impl Rules {
    /// The rules of the repository at `paths`: `untracked_no` when its status is run with
    /// `-uno` (a parent ignoring untracked content in it).
    ///
    /// # Errors
    /// Why git's rule cannot be known.
    pub fn read(
        env: Option<&Env>,
        paths: &Paths,
        work_tree: &Path,
        entries: &[Entry],
        untracked_no: bool,
    ) -> Result<Rules, String> {
        if entries
            .iter()
            .any(|e| e.path == b".gitmodules" && e.stage != 0)
        {
            return Err(".gitmodules is unmerged".into());
        }
        let modules = parse_gitmodules(&read_gitmodules(paths, work_tree, entries)?)?;
        let mut keys = vec![
            Key::plain("diff", "ignoreSubmodules"),
            Key::plain("status", "showUntrackedFiles"),
        ];
        keys.extend(modules.iter().map(|m| Key {
            section: "submodule",
            sub: Some(m.name.clone()),
            name: "ignore",
        }));
        let found = super::compare_config::lookup(env, paths, &keys)?;
        let decided = |at: usize, key: &str| super::compare_config::decided(&found, at, key);
        let show = if untracked_no {
            Show::No
        } else {
            super::untracked_config::parse_show(decided(1, "status.showUntrackedFiles")?.cloned())?
        };
        // repo_diff_setup, then wt_status_collect_changes_worktree.
        let mut base = match decided(0, "diff.ignoreSubmodules")? {
            Some(Some(v)) => handle(v)?,
            Some(None) => return Err("diff.ignoreSubmodules has no value".into()),
            None => Flags {
                untracked: true,
                ..Flags::default()
            },
        };
        if show == Show::No {
            base.untracked = true;
        }
        if !base.set && show != Show::No {
            base = handle(b"none")?;
        }
        let mut by_path = HashMap::new();
        for (i, module) in modules.iter().enumerate() {
            let Some(path) = &module.path else { continue };
            let configured = found.values.get(i + 2).cloned().flatten();
            let flags = match (configured, &module.ignore) {
                (Some(Some(v)), _) => handle(&v)?,
                (Some(None), _) => return Err("submodule.<name>.ignore has no value".into()),
                (None, Some(v)) => handle(v)?,
                (None, None) => base,
            };
            if by_path.insert(path.clone(), flags).is_some() {
                return Err(format!(
                    ".gitmodules names {} twice",
                    String::from_utf8_lossy(path)
                ));
            }
        }
        Ok(Rules { base, by_path })
    }

    fn of(&self, path: &[u8]) -> Flags {
        self.by_path.get(path).copied().unwrap_or(self.base)
    }
}

/// The repository checked out in a submodule's folder.
enum Opened {
    /// `folder/.git` is (or names) a git directory.
    Repo(Paths),
    /// Nothing checked out (no `.git`, or a `.git` file naming nothing): git calls it clean.
    NotCheckedOut,
}

/// git's `read_gitfile` + `is_git_directory` on `folder/.git`.
fn open(folder: &Path) -> Result<Opened, String> {
    let dot = folder.join(".git");
    let meta = match std::fs::metadata(&dot) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Opened::NotCheckedOut),
        Err(e) => return Err(format!("{}: {e}", dot.display())),
    };
    let git_dir = if meta.is_file() {
        let bytes = files::read_known(&dot, &meta, FILE_LIMIT)?;
        super::untracked::gitfile_target(&bytes, folder)
            .ok_or_else(|| format!("{}: not a gitfile", dot.display()))?
    } else if meta.is_dir() {
        dot
    } else {
        return Err(format!("{}: neither a file nor a folder", dot.display()));
    };
    match super::untracked::git_dir_common(&git_dir) {
        Some(common_dir) => {
            check_worktree(&git_dir, &common_dir, folder)?;
            Ok(Opened::Repo(Paths {
                git_dir,
                common_dir,
                work_tree: Some(folder.to_path_buf()),
            }))
        }
        None if git_dir.is_dir() => Err(format!(
            "{}: not recognized as a git repository",
            git_dir.display()
        )),
        None => Ok(Opened::NotCheckedOut),
    }
}

/// A submodule's `core.worktree` (git writes one for an absorbed git directory) must be the
/// folder itself, else its status is another folder's.
fn check_worktree(git_dir: &Path, common_dir: &Path, folder: &Path) -> Result<(), String> {
    let config = super::config::Config::read(git_dir, common_dir);
    if let Some(why) = config.doubt() {
        return Err(why);
    }
    let Some(value) = config.string("core.worktree") else {
        return Ok(());
    };
    use std::os::unix::ffi::OsStrExt;
    let named = git_dir.join(std::ffi::OsStr::from_bytes(&value));
    match (std::fs::canonicalize(named), std::fs::canonicalize(folder)) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        _ => Err("the submodule's core.worktree names another folder".into()),
    }
}

/// Whether a path component above `rel` (inside `top`) is a symlink: git then calls the path
/// removed (`has_symlink_leading_path`).
#[must_use]
pub fn symlink_above(top: &Path, rel: &[u8]) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let mut at = top.to_path_buf();
    let mut parts = rel.split(|&b| b == b'/').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            return false;
        }
        at.push(std::ffi::OsStr::from_bytes(part));
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return true,
            Ok(m) if m.is_dir() => {}
            _ => return false,
        }
    }
    false
}

/// What git's work-tree status says of the gitlink `entry` of the repository at `top`.
///
/// # Errors
/// Why it cannot be told (unreadable, the budget, too deep).
pub fn check(
    env: Option<&Env>,
    rules: &Rules,
    top: &Path,
    entry: &Entry,
    budget: &Budget,
    depth: u8,
    dirs: &mut Vec<std::path::PathBuf>,
) -> Result<Dirty, String> {
    let flags = rules.of(&entry.path);
    if flags.all {
        return Ok(Dirty::default());
    }
    let removed = Dirty {
        changed: true,
        ..Dirty::default()
    };
    use std::os::unix::ffi::OsStrExt;
    let folder = top.join(std::ffi::OsStr::from_bytes(&entry.path));
    let meta = match std::fs::symlink_metadata(&folder) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(removed),
        Err(e) => return Err(format!("{}: {e}", folder.display())),
    };
    if symlink_above(top, &entry.path) || !meta.is_dir() {
        return Ok(removed);
    }
    let repo = match open(&folder) {
        Ok(Opened::NotCheckedOut) => return Ok(Dirty::default()),
        Ok(Opened::Repo(paths)) => paths,
        Err(why) => return Err(why),
    };
    dirs.push(repo.git_dir.clone());
    if repo.common_dir != repo.git_dir {
        dirs.push(repo.common_dir.clone());
    }
    let changed = head_of(&repo)?.is_some_and(|head| head != entry.oid);
    if flags.dirty {
        return Ok(Dirty {
            changed,
            ..Dirty::default()
        });
    }
    if changed && depth == 0 {
        // Listed whatever its content; only a parent's parent would ask what is inside.
        return Ok(Dirty {
            changed,
            modified: false,
            untracked: Some(false),
        });
    }
    if depth >= MAX_DEPTH {
        return Err(format!("submodules nested deeper than {MAX_DEPTH}"));
    }
    let inside = modified_inside(env, &repo, flags.untracked, budget, depth, dirs)?;
    Ok(Dirty { changed, ..inside })
}

/// The commit checked out in the submodule (`None`: an unborn branch, which git takes as
/// matching the gitlink).
fn head_of(repo: &Paths) -> Result<Option<super::objects::Oid>, String> {
    match super::refs::Refs::new(repo).head()? {
        super::refs::HeadState::Branch(_, id) => Ok(id),
        super::refs::HeadState::Detached(id) => Ok(Some(id)),
    }
}

/// `is_submodule_modified`: the submodule's own status (with `-uno` when `ignore_untracked`),
/// read as git reads its porcelain v2 lines.
fn modified_inside(
    env: Option<&Env>,
    repo: &Paths,
    ignore_untracked: bool,
    budget: &Budget,
    depth: u8,
    dirs: &mut Vec<std::path::PathBuf>,
) -> Result<Dirty, String> {
    let child = Budget {
        max_per_class: 1,
        ..*budget
    };
    let (status, inner) = super::gather_level(
        env,
        repo,
        &child,
        super::Level {
            depth: depth + 1,
            untracked_no: ignore_untracked,
        },
    );
    dirs.extend(status.submodule_dirs.iter().cloned());
    let positive = |c: &Count| match c {
        Count::Exact(n) | Count::AtLeast(n) => Some(*n > 0),
        Count::Unknown(_) => None,
    };
    let nested_untracked_only = inner.nested.iter().any(Dirty::untracked_only);
    let nested_modified = inner.nested.iter().any(|d| d.any() && !d.untracked_only());
    // A staged path is a modification unless it is a submodule whose line is `S..U`; which
    // paths are staged is not kept, so with such a submodule a staged count proves nothing.
    let staged = match positive(&status.staged) {
        Some(true) if nested_untracked_only => None,
        other => other,
    };
    let plain = match inner.plain {
        (n, _) if n > 0 => Some(true),
        (0, 0) => Some(false),
        _ => None,
    };
    let signs = [
        plain,
        positive(&status.conflicted),
        staged,
        Some(nested_modified),
    ];
    let modified = if signs.contains(&Some(true)) {
        true
    } else if signs.contains(&None) {
        return Err("its status is not fully known".into());
    } else {
        false
    };
    let nested_untracked = inner.nested.iter().any(|d| d.untracked == Some(true));
    let untracked = if modified && ignore_untracked {
        None
    } else if nested_untracked {
        Some(true)
    } else {
        match positive(&status.untracked) {
            Some(u) => Some(u),
            None if modified => None,
            None => return Err("its untracked files are not known".into()),
        }
    };
    if inner.nested_unknown && !modified {
        return Err("a submodule inside it is not known".into());
    }
    Ok(Dirty {
        changed: false,
        modified,
        untracked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitmodules_first_values_win_and_odd_names_are_skipped() {
        let text = b"[submodule \"a\"]\n\tpath = lib/a\n\tignore = bogus\n\tignore = dirty\n\
                     \tignore = all\n[submodule \"../x\"]\n\tpath = x\n[submodule \"b\"]\n\tpath = b\n";
        let m = parse_gitmodules(text).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].path.as_deref(), Some(b"lib/a".as_slice()));
        assert_eq!(m[0].ignore.as_deref(), Some(b"dirty".as_slice()));
        assert_eq!(m[1].ignore, None);
        assert!(suspicious(b"a/../b") && !suspicious(b"a..b"));
    }

    #[test]
    fn ignore_arguments_as_git_handles_them() {
        assert!(handle(b"all").unwrap().all);
        assert!(handle(b"untracked").unwrap().untracked);
        assert!(handle(b"bogus").is_err());
        assert_eq!(
            handle(b"none").unwrap(),
            Flags {
                set: true,
                ..Flags::default()
            }
        );
    }
}
