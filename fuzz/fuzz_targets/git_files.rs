//! The git segment on hostile files: the first byte picks which file of a small repository
//! (HEAD, a gitfile, commondir, packed-refs, a loose ref) the rest replaces; gathering and
//! computing (and resolving HEAD as `explain` does, through gix) must not panic, and a branch
//! shown must be one the bytes hold.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use awesh::env::Env;
use awesh::segment::git;
use libfuzzer_sys::fuzz_target;

/// `main/.git` (a repository on `main`) and `wt/.git` (a gitfile into `main/.git/worktrees/wt`).
fn world() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let g = dir.join("main/.git");
        for sub in ["refs/heads", "objects", "worktrees/wt"] {
            std::fs::create_dir_all(g.join(sub)).unwrap();
        }
        std::fs::create_dir_all(dir.join("wt")).unwrap();
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let dir = world();
    let g = dir.join("main/.git");
    let wt = g.join("worktrees/wt");
    // The well-formed defaults, then the one file this input replaces.
    std::fs::write(g.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(wt.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(wt.join("commondir"), "../..\n").unwrap();
    std::fs::write(dir.join("wt/.git"), format!("gitdir: {}\n", wt.display())).unwrap();
    let (target, cwd) = match which % 5 {
        0 => (g.join("HEAD"), dir.join("main")),
        1 => (dir.join("wt/.git"), dir.join("wt")),
        2 => (wt.join("commondir"), dir.join("wt")),
        3 => (g.join("packed-refs"), dir.join("main")),
        _ => (wt.join("HEAD"), dir.join("wt")),
    };
    std::fs::write(&target, rest).unwrap();
    let env = Env::new(cwd, [("HOME", dir.as_os_str())]);
    if let Ok(raw) = git::gather(&env) {
        // What explain adds: the commit id, through gix's loose and packed refs.
        let _ = git::resolve_head(&raw);
        if let Some(info) = git::compute(&raw) {
            if let Some(branch) = info.branch {
                let b = branch.as_bytes();
                assert!(
                    b == b"main" || rest.windows(b.len()).any(|w| w == b),
                    "{branch:?}"
                );
            }
        }
    }
    let _ = std::fs::remove_file(g.join("packed-refs"));
});
