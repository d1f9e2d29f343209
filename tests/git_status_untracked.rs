//! Differential test of the untracked count (src/segment/git/status/untracked.rs) against the
//! real git: in every state, awesh's exact count must equal the number of `?` entries of
//! `git --no-optional-locks status --porcelain=v2 -z`, its lower bounds must not exceed it,
//! and nothing under `.git` may change. States cover each ignore-rule form, the three
//! `status.showUntrackedFiles` modes, nested repositories, submodules, symlinks, odd names,
//! budgets, and seeded random trees.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use awesh::env::Env;
use awesh::segment::git::status::untracked::{self, Limits, Walk};
use awesh::segment::git::status::{gather_in, index, untracked_config, Budget, Count, Paths};

/// A small deterministic PRNG (xorshift64*), so the random trees are the same every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One repository in a temp dir, with its own home (and `XDG_CONFIG_HOME` unless unset).
struct Repo {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    work: PathBuf,
    xdg: Option<PathBuf>,
}

impl Repo {
    /// A repository with three committed files in three folders.
    fn new() -> Repo {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        let work = tmp.path().join("work");
        std::fs::create_dir_all(home.join(".config")).unwrap();
        std::fs::create_dir_all(work.join("dir/sub")).unwrap();
        let repo = Repo {
            xdg: Some(home.join(".config")),
            _tmp: tmp,
            home,
            work,
        };
        repo.git(&["init", "-q", "-b", "main"]);
        for f in ["a.txt", "dir/b.txt", "dir/sub/c.txt"] {
            repo.write(f, "tracked\n");
        }
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "-m", "one"]);
        repo
    }

    fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let mut cmd = Command::new("git");
        cmd.args(args)
            .current_dir(dir)
            .env("HOME", &self.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_OPTIONAL_LOCKS", "0")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("GIT_ALLOW_PROTOCOL", "file")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_CONFIG_GLOBAL")
            .env_remove("GIT_CONFIG_PARAMETERS")
            .env_remove("GIT_CONFIG_COUNT");
        match &self.xdg {
            Some(x) => cmd.env("XDG_CONFIG_HOME", x),
            None => cmd.env_remove("XDG_CONFIG_HOME"),
        };
        let out = cmd.output().expect("git runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.work, args)
    }

    fn write(&self, rel: impl AsRef<OsStr>, text: &str) {
        let path = self.work.join(rel.as_ref());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn mkdir(&self, rel: &str) {
        std::fs::create_dir_all(self.work.join(rel)).unwrap();
    }

    fn env(&self) -> Env {
        let mut vars = vec![("HOME", self.home.clone().into_os_string())];
        if let Some(x) = &self.xdg {
            vars.push(("XDG_CONFIG_HOME", x.clone().into_os_string()));
        }
        Env::new(&self.work, vars)
    }

    fn paths(&self) -> Paths {
        let g = self.work.join(".git");
        Paths {
            git_dir: g.clone(),
            common_dir: g,
            work_tree: Some(self.work.clone()),
        }
    }

    /// git's `?` entries.
    fn truth(&self) -> u32 {
        let out = self.git(&["--no-optional-locks", "status", "--porcelain=v2", "-z"]);
        out.split('\0').filter(|e| e.starts_with("? ")).count() as u32
    }

    fn ours(&self, budget: &Budget) -> Count {
        let before = snapshot(&self.work.join(".git"));
        let status = gather_in(Some(&self.env()), &self.paths(), budget);
        assert_eq!(before, snapshot(&self.work.join(".git")), ".git changed");
        status.untracked
    }

    /// Asserts awesh's count is exactly git's; returns it.
    fn check(&self, state: &str) -> u32 {
        let ours = self.ours(&budget());
        let truth = self.truth();
        assert_eq!(ours, Count::Exact(truth), "{state}: git says {truth}");
        eprintln!("{state}: {truth}");
        truth
    }
}

/// Every file under `.git` with its bytes and mtime, to prove nothing was written.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let meta = std::fs::symlink_metadata(e.path()).unwrap();
            if meta.is_dir() {
                todo.push(e.path());
            } else if meta.is_file() {
                out.insert(
                    e.path(),
                    (std::fs::read(e.path()).unwrap(), meta.modified().unwrap()),
                );
            }
        }
    }
    out
}

fn budget() -> Budget {
    Budget {
        max_index_entries: 100_000,
        max_per_class: 0,
        deadline: Instant::now() + Duration::from_secs(3600),
    }
}

/// One named change applied to a fresh repository.
type Edit = dyn Fn(&mut Repo);

#[test]
fn named_states_match_git() {
    let states: &[(&str, &Edit)] = &[
        ("clean", &|_| {}),
        ("one untracked file", &|r| r.write("new.txt", "n")),
        ("untracked folder is one entry", &|r| {
            r.write("fresh/x.txt", "x");
            r.write("fresh/y.txt", "y");
            r.write("fresh/deep/z.txt", "z");
        }),
        ("untracked file deep in a tracked folder", &|r| {
            r.write("dir/sub/new.txt", "n");
            r.write("dir/new.txt", "n");
        }),
        ("empty folders are not listed", &|r| {
            r.mkdir("empty");
            r.mkdir("nest/of/empties");
            r.mkdir("dir/sub/empty");
        }),
        ("folder of only ignored files", &|r| {
            r.write(".gitignore", "*.o\n");
            r.write("objs/a.o", "");
            r.write("objs/deeper/b.o", "");
        }),
        ("glob and negation", &|r| {
            r.write(".gitignore", "*.log\n!keep.log\n");
            r.write("x.log", "");
            r.write("keep.log", "");
            r.write("dir/y.log", "");
            r.write("dir/keep.log", "");
        }),
        ("double star forms", &|r| {
            r.write(".gitignore", "**/gen\na/**/z\ndocs/**\n!docs/keep.md\n");
            r.write("gen", "");
            r.write("dir/gen", "");
            r.write("q/r/gen/file", "");
            r.write("a/z", "");
            r.write("a/b/c/z", "");
            r.write("a/b/c/other", "");
            r.write("docs/x.md", "");
            r.write("docs/keep.md", "");
        }),
        ("trailing slash matches folders only", &|r| {
            r.write(".gitignore", "build/\n");
            r.write("build/out.bin", "");
            r.write("dir/build", "a file named build");
            r.write("dir/sub/build/x", "");
        }),
        ("leading slash anchors", &|r| {
            r.write(".gitignore", "/top.txt\n/only/\n");
            r.write("top.txt", "");
            r.write("dir/top.txt", "");
            r.write("only/x", "");
            r.write("dir/only/x", "");
        }),
        ("middle slash anchors too", &|r| {
            r.write(".gitignore", "dir/sub/*.tmp\n");
            r.write("dir/sub/a.tmp", "");
            r.write("x/dir/sub/a.tmp", "");
            r.write("dir/sub/deeper/a.tmp", "");
        }),
        ("escaped hash and bang", &|r| {
            r.write(".gitignore", "\\#hash\n\\!bang\n#comment\n");
            r.write("#hash", "");
            r.write("!bang", "");
            r.write("#comment", "");
        }),
        ("trailing spaces", &|r| {
            r.write(".gitignore", "spaced.txt   \nkeep\\ \n");
            r.write("spaced.txt", "");
            r.write("keep ", "");
            r.write("keep", "");
        }),
        ("negated file under an ignored folder stays ignored", &|r| {
            r.write(".gitignore", "out/\n!out/keep.txt\n");
            r.write("out/keep.txt", "");
            r.write("out/other.txt", "");
        }),
        ("nested .gitignore overrides its parent", &|r| {
            r.write(".gitignore", "*.tmp\n");
            r.write("dir/.gitignore", "!*.tmp\nlocal.txt\n");
            r.write("a.tmp", "");
            r.write("dir/b.tmp", "");
            r.write("dir/sub/c.tmp", "");
            r.write("dir/local.txt", "");
            r.write("local.txt", "");
        }),
        ("info/exclude", &|r| {
            std::fs::create_dir_all(r.work.join(".git/info")).unwrap();
            std::fs::write(r.work.join(".git/info/exclude"), "secret*\n").unwrap();
            r.write("secret.key", "");
            r.write("dir/secret2", "");
            r.write("public", "");
        }),
        ("core.excludesFile absolute", &|r| {
            let f = r.home.join("my-ignores");
            std::fs::write(&f, "*.bak\n").unwrap();
            r.git(&["config", "core.excludesFile", f.to_str().unwrap()]);
            r.write("x.bak", "");
            r.write("x.txt", "");
        }),
        ("core.excludesFile in ~/", &|r| {
            std::fs::write(r.home.join(".ig"), "*.swp\n").unwrap();
            r.git(&["config", "--global", "core.excludesFile", "~/.ig"]);
            r.write("x.swp", "");
            r.write("y.txt", "");
        }),
        ("unset excludesFile: $XDG_CONFIG_HOME/git/ignore", &|r| {
            let xdg = r.home.join("xdg");
            std::fs::create_dir_all(xdg.join("git")).unwrap();
            std::fs::write(xdg.join("git/ignore"), "*.xdg\n").unwrap();
            r.xdg = Some(xdg);
            r.write("x.xdg", "");
            r.write("y.txt", "");
        }),
        ("unset excludesFile and XDG: ~/.config/git/ignore", &|r| {
            std::fs::create_dir_all(r.home.join(".config/git")).unwrap();
            std::fs::write(r.home.join(".config/git/ignore"), "*.cfg\n").unwrap();
            r.xdg = None;
            r.write("x.cfg", "");
            r.write("y.txt", "");
        }),
        ("showUntrackedFiles=no", &|r| {
            r.git(&["config", "status.showUntrackedFiles", "no"]);
            r.write("new.txt", "");
        }),
        ("showUntrackedFiles=false (a boolean)", &|r| {
            r.git(&["config", "status.showUntrackedFiles", "false"]);
            r.write("new.txt", "");
        }),
        ("showUntrackedFiles=all", &|r| {
            r.git(&["config", "status.showUntrackedFiles", "all"]);
            r.write("fresh/x.txt", "");
            r.write("fresh/deep/y.txt", "");
            r.mkdir("fresh/empty");
            r.write("dir/z.txt", "");
        }),
        ("showUntrackedFiles=all with a nested repository", &|r| {
            r.git(&["config", "status.showUntrackedFiles", "all"]);
            r.mkdir("inner");
            r.git_in(&r.work.join("inner"), &["init", "-q"]);
            r.write("inner/file", "");
        }),
        ("global showUntrackedFiles=all, local normal", &|r| {
            r.git(&["config", "--global", "status.showUntrackedFiles", "all"]);
            r.git(&["config", "status.showUntrackedFiles", "normal"]);
            r.write("fresh/x.txt", "");
            r.write("fresh/y.txt", "");
        }),
        ("nested repository is one entry", &|r| {
            r.mkdir("inner");
            r.git_in(&r.work.join("inner"), &["init", "-q"]);
            r.write("inner/a", "");
            r.write("inner/b/c", "");
        }),
        ("empty nested repository is still one entry", &|r| {
            r.mkdir("dir/inner");
            r.git_in(&r.work.join("dir/inner"), &["init", "-q"]);
        }),
        ("ignored nested repository", &|r| {
            r.write(".gitignore", "inner/\n");
            r.mkdir("inner");
            r.git_in(&r.work.join("inner"), &["init", "-q"]);
        }),
        ("junk .git file: not a repository", &|r| {
            r.write("odd/.git", "not a gitfile\n");
            r.write("odd/x", "");
        }),
        ("only a junk .git file: nothing", &|r| {
            r.write("odd/.git", "not a gitfile\n");
        }),
        ("submodule with untracked files inside", &|r| {
            let other = r.work.parent().unwrap().join("other");
            std::fs::create_dir_all(&other).unwrap();
            r.git_in(&other, &["init", "-q", "-b", "main"]);
            std::fs::write(other.join("o.txt"), "o").unwrap();
            r.git_in(&other, &["add", "-A"]);
            r.git_in(&other, &["commit", "-q", "-m", "o"]);
            let url = other.to_str().unwrap().to_string();
            r.git(&[
                "-c",
                "protocol.file.allow=always",
                "submodule",
                "add",
                "-q",
                &url,
                "sm",
            ]);
            r.write("sm/untracked-inside", "");
            r.write("new.txt", "");
        }),
        ("symlinks: to a folder, to a file, dangling", &|r| {
            std::os::unix::fs::symlink("dir", r.work.join("link-dir")).unwrap();
            std::os::unix::fs::symlink("a.txt", r.work.join("link-file")).unwrap();
            std::os::unix::fs::symlink("nowhere", r.work.join("dangling")).unwrap();
        }),
        ("symlink to a folder is not matched by dir/ rules", &|r| {
            r.write(".gitignore", "link-dir/\n");
            std::os::unix::fs::symlink("dir", r.work.join("link-dir")).unwrap();
        }),
        ("names with spaces, newlines, non-UTF-8", &|r| {
            r.write("with space.txt", "");
            r.write("new\nline", "");
            r.write(OsStr::from_bytes(b"bad\xff\xfe"), "");
            r.write(OsStr::from_bytes(b"d\xe9j\xe0/x"), "");
            r.write("tab\there", "");
        }),
        ("ignored node_modules with 200 entries", &|r| {
            r.write(".gitignore", "node_modules/\n");
            for i in 0..200 {
                r.write(format!("node_modules/p{i}/index.js"), "");
            }
            r.write("app.js", "");
        }),
        ("core.ignoreCase", &|r| {
            r.git(&["config", "core.ignoreCase", "true"]);
            r.write(".gitignore", "*.LOG\n/Upper/\n");
            r.write("a.log", "");
            r.write("upper/x", "");
            r.write("b.txt", "");
        }),
        (
            "tracked file in an ignored folder, untracked sibling",
            &|r| {
                r.write("vendor/tracked.txt", "");
                r.git(&["add", "vendor/tracked.txt"]);
                r.write(".gitignore", "vendor/\n");
                r.write("vendor/new.txt", "");
            },
        ),
        ("fifo is never listed", &|r| {
            Command::new("mkfifo")
                .arg(r.work.join("pipe"))
                .status()
                .unwrap();
            r.write("fifo-dir/x", "");
            Command::new("mkfifo")
                .arg(r.work.join("fifo-dir/p"))
                .status()
                .unwrap();
            std::fs::remove_file(r.work.join("fifo-dir/x")).unwrap();
        }),
        ("tracked file became a folder", &|r| {
            std::fs::remove_file(r.work.join("a.txt")).unwrap();
            r.write("a.txt/inside", "");
        }),
        ("CRLF and BOM in .gitignore", &|r| {
            r.write(".gitignore", "\u{feff}first\r\nsecond\r\n");
            r.write("first", "");
            r.write("second", "");
            r.write("third", "");
        }),
        ("symlinked .gitignore is not followed", &|r| {
            r.write("rules", "*.x\n");
            std::os::unix::fs::symlink("../rules", r.work.join("dir/.gitignore")).unwrap();
            r.write("dir/a.x", "");
        }),
        ("gitfile pointing at a repository", &|r| {
            let real = r.work.parent().unwrap().join("real.git");
            r.git_in(
                r.work.parent().unwrap(),
                &["init", "-q", "--bare", "real.git"],
            );
            r.write(
                "linked/.git",
                &format!("gitdir: {}\n", real.to_str().unwrap()),
            );
        }),
        ("ignored untracked folder holding a nested repo", &|r| {
            r.write(".gitignore", "cache/\n");
            r.mkdir("cache/inner");
            r.git_in(&r.work.join("cache/inner"), &["init", "-q"]);
        }),
        ("folder with only an ignored subfolder", &|r| {
            r.write(".gitignore", "tmp/\n");
            r.write("outer/tmp/x", "");
        }),
        ("rules in an untracked folder's own .gitignore", &|r| {
            r.write("fresh/.gitignore", "*\n");
            r.write("fresh/a", "");
            r.write("other/.gitignore", "*.o\n");
            r.write("other/a.o", "");
        }),
    ];
    for (state, edit) in states {
        let mut repo = Repo::new();
        edit(&mut repo);
        repo.check(state);
    }
    assert!(states.len() >= 30);
}

/// Sparse checkout: a full index with skip-worktree entries is exact; a sparse index is
/// exact while the folders outside the cone are absent, unknown once one is back.
#[test]
fn sparse_checkouts() {
    for sparse_index in [false, true] {
        let repo = Repo::new();
        repo.write("out/b", "");
        repo.write("out/deep/c", "");
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "-m", "two"]);
        let index_flag = if sparse_index {
            "--sparse-index"
        } else {
            "--no-sparse-index"
        };
        repo.git(&["sparse-checkout", "set", "--cone", index_flag, "dir"]);
        assert!(!repo.work.join("out").exists());
        repo.write("dir/new", "");
        repo.check(&format!("sparse checkout, index sparse {sparse_index}"));
        repo.write("out/x", "");
        if sparse_index {
            assert!(matches!(repo.ours(&budget()), Count::Unknown(_)));
        } else {
            repo.check("sparse checkout, a file outside the cone");
        }
    }
}

/// `include.path` and `includeIf` are followed as git follows them; a condition awesh does
/// not evaluate makes the count unknown.
#[test]
fn config_includes() {
    let setups: &[(&str, &Edit)] = &[
        ("include.path ~/", &|r| {
            r.git(&["config", "--global", "include.path", "~/extra"]);
        }),
        ("include.path relative to the including file", &|r| {
            r.git(&["config", "--global", "include.path", "extra"]);
        }),
        ("includeIf gitdir matching", &|r| {
            let pat = format!("gitdir:{}/", r.work.parent().unwrap().display());
            r.git(&[
                "config",
                "--global",
                &format!("includeIf.{pat}.path"),
                "~/extra",
            ]);
        }),
        ("includeIf gitdir relative (**/ prefix)", &|r| {
            r.git(&[
                "config",
                "--global",
                "includeIf.gitdir:work/.git.path",
                "~/extra",
            ]);
        }),
        ("includeIf gitdir/i", &|r| {
            r.git(&[
                "config",
                "--global",
                "includeIf.gitdir/i:WORK/.GIT.path",
                "~/extra",
            ]);
        }),
        ("includeIf gitdir not matching", &|r| {
            r.git(&[
                "config",
                "--global",
                "includeIf.gitdir:/elsewhere/.path",
                "~/extra",
            ]);
        }),
        ("includeIf onbranch matching", &|r| {
            r.git(&["config", "includeIf.onbranch:ma*.path", "~/extra"]);
        }),
        ("includeIf onbranch not matching", &|r| {
            r.git(&["config", "includeIf.onbranch:dev/.path", "~/extra"]);
        }),
        ("include of a missing file", &|r| {
            r.git(&["config", "--global", "include.path", "~/nothing-here"]);
        }),
        ("includeIf with an unknown condition is false", &|r| {
            r.git(&["config", "--global", "includeIf.nosuch:x.path", "~/extra"]);
        }),
    ];
    for (state, setup) in setups {
        let mut repo = Repo::new();
        std::fs::write(repo.home.join("ig"), "*.inc\n").unwrap();
        std::fs::write(
            repo.home.join("extra"),
            "[core]\n\texcludesFile = ~/ig\n[status]\n\tshowUntrackedFiles = all\n",
        )
        .unwrap();
        setup(&mut repo);
        repo.write("x.inc", "");
        repo.write("fresh/a", "");
        repo.write("fresh/b", "");
        repo.write("fresh/c", "");
        repo.check(state);
    }
    let repo = Repo::new();
    repo.git(&[
        "config",
        "--global",
        "includeIf.hasconfig:remote.*.url:https://x/**.path",
        "~/extra",
    ]);
    repo.write("new.txt", "");
    assert!(matches!(repo.ours(&budget()), Count::Unknown(_)));
}

/// A repository with no commit and no index yet: everything is untracked.
#[test]
fn fresh_repository_without_an_index() {
    let repo = Repo::new();
    std::fs::remove_file(repo.work.join(".git/index")).unwrap();
    repo.write(".gitignore", "*.o\n");
    repo.write("x.o", "");
    assert_eq!(repo.check("no index"), 3);
}

/// A linked worktree: its own git directory, `info/exclude` from the common one.
#[test]
fn linked_worktree() {
    let repo = Repo::new();
    std::fs::create_dir_all(repo.work.join(".git/info")).unwrap();
    std::fs::write(repo.work.join(".git/info/exclude"), "*.ex\n").unwrap();
    let wt = repo.work.parent().unwrap().join("wt");
    repo.git(&["worktree", "add", "-q", wt.to_str().unwrap()]);
    std::fs::write(wt.join("a.ex"), "").unwrap();
    std::fs::write(wt.join("b.txt"), "").unwrap();
    std::fs::create_dir_all(wt.join("fresh")).unwrap();
    std::fs::write(wt.join("fresh/c"), "").unwrap();
    let paths = Paths {
        git_dir: repo.work.join(".git/worktrees/wt"),
        common_dir: repo.work.join(".git"),
        work_tree: Some(wt.clone()),
    };
    let ours = gather_in(Some(&repo.env()), &paths, &budget()).untracked;
    let out = repo.git_in(
        &wt,
        &["--no-optional-locks", "status", "--porcelain=v2", "-z"],
    );
    let truth = out.split('\0').filter(|e| e.starts_with("? ")).count() as u32;
    assert_eq!(truth, 2);
    assert_eq!(ours, Count::Exact(truth));
}

#[test]
fn without_the_environment_the_count_is_unknown() {
    let repo = Repo::new();
    let status = awesh::segment::git::status::gather(&repo.paths(), &budget());
    assert!(matches!(status.untracked, Count::Unknown(_)));
}

#[test]
fn budgets_give_lower_bounds_never_a_wrong_zero() {
    let repo = Repo::new();
    for i in 0..20 {
        repo.write(format!("u{i}"), "");
        repo.write(format!("dir/sub/v{i}"), "");
    }
    let truth = repo.truth();
    assert_eq!(truth, 40);
    let one = Budget {
        max_per_class: 1,
        ..budget()
    };
    assert_eq!(repo.ours(&one), Count::AtLeast(1));
    let five = Budget {
        max_per_class: 5,
        ..budget()
    };
    assert_eq!(repo.ours(&five), Count::AtLeast(5));
    let past = Budget {
        deadline: Instant::now(),
        ..budget()
    };
    match repo.ours(&past) {
        Count::Exact(n) => assert_eq!(n, truth),
        Count::AtLeast(n) => assert!(n <= truth),
        Count::Unknown(_) => {}
    }
    // A cap on folder entries read.
    let paths = repo.paths();
    let settings = untracked_config::read(&repo.env(), &paths).unwrap();
    let idx = index_entries(&repo.work);
    let tight = Limits {
        max_dir_entries: 5,
        ..Limits::default()
    };
    let count = untracked::count(&repo.work, &paths, &idx, &settings, &budget(), tight);
    assert!(
        matches!(count, Count::AtLeast(n) if n <= truth) || matches!(count, Count::Unknown(_)),
        "{count:?}"
    );
}

fn index_entries(work: &Path) -> Vec<index::Entry> {
    let data = std::fs::read(work.join(".git/index")).unwrap();
    index::parse(&data, 100_000).unwrap().entries
}

#[test]
fn ignored_node_modules_is_not_read() {
    let repo = Repo::new();
    repo.write(".gitignore", "node_modules/\n");
    for i in 0..200 {
        repo.write(format!("node_modules/p{i}"), "");
    }
    let paths = repo.paths();
    let settings = untracked_config::read(&repo.env(), &paths).unwrap();
    let idx = index_entries(&repo.work);
    let walk = Walk::new(
        &repo.work,
        &paths,
        &idx,
        &settings,
        &budget(),
        Limits::default(),
    );
    walk.run(&untracked::rules(&paths, &settings).unwrap());
    assert_eq!(walk.count(), Count::Exact(repo.truth()));
    assert!(walk.entries_read() < 20, "read {}", walk.entries_read());
}

#[test]
fn seeded_random_trees_match_git() {
    const PATTERNS: &[&str] = &[
        "*.o", "!keep.o", "build/", "/top", "a/**/z", "**/gen", "d*/", "!d1/", "x?", "[ab]*",
        "sub/*.t", "*", "!*.c",
    ];
    const NAMES: &[&str] = &[
        "a", "b", "z", "x1", "keep.o", "m.o", "n.c", "top", "gen", "q.t",
    ];
    const DIRS: &[&str] = &["d1", "d2", "build", "sub", "a", "gen", "e"];
    let mut rng = Rng(0x5eed_0016_0000_0001);
    for round in 0..30 {
        let repo = Repo::new();
        if rng.below(3) == 0 {
            repo.git(&["config", "status.showUntrackedFiles", "all"]);
        }
        for _ in 0..1 + rng.below(12) {
            let depth = rng.below(4);
            let mut path = String::new();
            for _ in 0..depth {
                path.push_str(DIRS[rng.below(DIRS.len() as u64) as usize]);
                path.push('/');
            }
            match rng.below(5) {
                0 => {
                    let mut rules = String::new();
                    for _ in 0..1 + rng.below(3) {
                        rules.push_str(PATTERNS[rng.below(PATTERNS.len() as u64) as usize]);
                        rules.push('\n');
                    }
                    path.push_str(".gitignore");
                    repo.write(&path, &rules);
                }
                1 => repo.mkdir(&path),
                _ => {
                    path.push_str(NAMES[rng.below(NAMES.len() as u64) as usize]);
                    // A file may collide with a folder made before: skip that one.
                    let full = repo.work.join(&path);
                    if full.parent().is_some_and(|p| !p.is_file()) && !full.is_dir() {
                        let _ = std::fs::create_dir_all(full.parent().unwrap());
                        let _ = std::fs::write(&full, "r");
                    }
                }
            }
        }
        repo.check(&format!("random round {round}"));
    }
}
