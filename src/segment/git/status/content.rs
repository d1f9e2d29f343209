//! Deciding by content what the stat cannot: a racily clean entry (changed in the second the
//! index was written) or a same-size change is compared, as git compares it, by the blob id of
//! the file's bytes (of a symlink's target). Only where no conversion could apply: git would
//! run the bytes through attributes (`filter`, `text`, `eol`, `ident`, `working-tree-encoding`)
//! and `core.autocrlf`/`core.eol` first, and awesh runs no filter, so with any attributes file
//! or any of those keys (or a config include it does not follow here) the entry stays unknown.
//! Without this, every file of a fresh checkout (written in the same second as its index) would
//! show as unknown until some git command rewrote the index.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::index::Entry;
use crate::env::Env;
use crate::io::files;
use crate::segment::git::global;

/// Files larger than this are not read for a content check (they stay unknown).
pub const MAX_BYTES: u64 = 8 << 20;

/// Why content cannot be compared as bytes in this repository, or `None` when it can.
#[must_use]
pub fn conversions(
    env: Option<&Env>,
    git_dir: &Path,
    common_dir: &Path,
    work_tree: &Path,
    entries: &[Entry],
) -> Option<String> {
    let tracked_attributes = entries
        .iter()
        .any(|e| e.path == b".gitattributes" || e.path.ends_with(b"/.gitattributes"));
    if tracked_attributes || work_tree.join(".gitattributes").exists() {
        return Some("a .gitattributes file could convert its content".into());
    }
    let mut files: Vec<PathBuf> = vec![
        git_dir.join("info/attributes"),
        common_dir.join("info/attributes"),
    ];
    for attributes in &files {
        if attributes.exists() {
            return Some(format!(
                "{} could convert its content",
                attributes.display()
            ));
        }
    }
    let Some(env) = env else {
        return Some("the environment was not given, so the global config was not read".into());
    };
    if global::xdg_dir(env).is_some_and(|d| d.join("attributes").exists()) {
        return Some("the global attributes file could convert its content".into());
    }
    files = global::config_files(env);
    files.push(common_dir.join("config"));
    files.push(git_dir.join("config.worktree"));
    for var in [
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_COUNT",
        "GIT_CONFIG_PARAMETERS",
    ] {
        if env.non_empty(var).is_some() {
            return Some(format!("{var} is set (config not read for conversions)"));
        }
    }
    for file in &files {
        let text = match files::read_regular(file, 1 << 20) {
            Ok(Some(text)) => text.to_ascii_lowercase(),
            Ok(None) => continue,
            Err(why) => return Some(why),
        };
        // Any mention, in any section, is enough to stay unknown: never guess a conversion.
        for word in [
            "autocrlf",
            "eol",
            "attributesfile",
            "include",
            "safecrlf",
            "bigfilethreshold",
        ] {
            if memchr_word(&text, word.as_bytes()) {
                return Some(format!("{} mentions {word}", file.display()));
            }
        }
    }
    None
}

fn memchr_word(hay: &[u8], word: &[u8]) -> bool {
    hay.windows(word.len()).any(|w| w == word)
}

/// Whether the file (or symlink) at `path` holds exactly the blob `entry` names; `None` when it
/// cannot be read or is too big.
#[must_use]
pub fn same_blob(path: &Path, meta: &std::fs::Metadata, entry: &Entry) -> Option<bool> {
    let data = if meta.file_type().is_symlink() {
        std::fs::read_link(path)
            .ok()?
            .as_os_str()
            .as_bytes()
            .to_vec()
    } else if meta.file_type().is_file() && meta.len() <= MAX_BYTES {
        files::read_regular(path, MAX_BYTES).ok()??
    } else {
        return None;
    };
    let id = gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, &data).ok()?;
    Some(id.as_bytes() == entry.oid)
}
