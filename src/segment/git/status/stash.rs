//! The stash count as `git status --show-stash` gives it: the number of entries in the
//! reflog of `refs/stash`, read from the common directory (bounded; reftable is unknown).

use std::path::Path;

use super::Count;
use crate::io::files;

/// A stash reflog larger than this is not counted.
const LIMIT: u64 = 16 << 20;

/// Counts stash entries in the repository whose common directory is `common_dir`.
#[must_use]
pub fn count(common_dir: &Path) -> Count {
    if common_dir.join("reftable").is_dir() {
        return Count::Unknown("stash: reftable reflogs are not read yet".into());
    }
    match files::read_regular(&common_dir.join("logs/refs/stash"), LIMIT) {
        Ok(None) => Count::Exact(0),
        Ok(Some(data)) => {
            let lines = data
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .count();
            Count::Exact(u32::try_from(lines).unwrap_or(u32::MAX))
        }
        Err(why) => Count::Unknown(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_reflog_lines() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(count(dir.path()), Count::Exact(0));
        std::fs::create_dir_all(dir.path().join("logs/refs")).unwrap();
        std::fs::write(dir.path().join("logs/refs/stash"), "a\nb\n").unwrap();
        assert_eq!(count(dir.path()), Count::Exact(2));
    }
}
