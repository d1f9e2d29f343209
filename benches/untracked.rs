//! The untracked walk (src/segment/git/status/untracked.rs) against `git status` on one
//! generated repository: 10k tracked files in 100 folders, a 20k-file `node_modules` that
//! `.gitignore` ignores, and a few untracked paths. Built once in a temp dir, deleted at the
//! end. Compares the walk on rayon and on one thread, the whole native status, and the
//! `git status --porcelain=v2 -unormal` process (which also refreshes stat data).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

use awesh::env::Env;
use awesh::segment::git::status::untracked::{self, Limits, Walk};
use awesh::segment::git::status::{gather_in, index, untracked_config, Budget, Paths};

fn git(dir: &Path, home: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "b")
        .env("GIT_AUTHOR_EMAIL", "b@example.com")
        .env("GIT_COMMITTER_NAME", "b")
        .env("GIT_COMMITTER_EMAIL", "b@example.com")
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?}");
}

/// The fixture: (temp dir, home, work tree). 10k + 20k files, a fixed, bounded count.
fn fixture() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let home = tmp.path().join("home");
    let work = tmp.path().join("work");
    std::fs::create_dir_all(home.join(".config")).expect("home");
    std::fs::create_dir_all(&work).expect("work");
    git(&work, &home, &["init", "-q", "-b", "main"]);
    for d in 0..100 {
        let dir = work.join(format!("src/m{d:03}"));
        std::fs::create_dir_all(&dir).expect("dir");
        for f in 0..100 {
            std::fs::write(dir.join(format!("f{f:03}.rs")), "x\n").expect("file");
        }
    }
    std::fs::write(work.join(".gitignore"), "node_modules/\n*.log\n").expect("gitignore");
    git(&work, &home, &["add", "-A"]);
    git(&work, &home, &["commit", "-q", "-m", "fixture"]);
    for p in 0..200 {
        let dir = work.join(format!("node_modules/p{p:03}"));
        std::fs::create_dir_all(&dir).expect("dir");
        for f in 0..100 {
            std::fs::write(dir.join(format!("i{f:03}.js")), "").expect("file");
        }
    }
    for u in 0..5 {
        std::fs::write(work.join(format!("src/m00{u}/new{u}.rs")), "").expect("file");
    }
    std::fs::create_dir_all(work.join("scratch")).expect("dir");
    std::fs::write(work.join("scratch/notes.txt"), "").expect("file");
    std::fs::write(work.join("src/m010/debug.log"), "").expect("file");
    (tmp, home, work)
}

fn budget() -> Budget {
    Budget {
        max_index_entries: 1_000_000,
        max_per_class: 0,
        deadline: Instant::now() + Duration::from_secs(3600),
    }
}

fn bench(c: &mut Criterion) {
    let (tmp, home, work) = fixture();
    let g = work.join(".git");
    let paths = Paths {
        git_dir: g.clone(),
        common_dir: g.clone(),
        work_tree: Some(work.clone()),
    };
    let env = Env::new(
        &work,
        [
            ("HOME", home.clone().into_os_string()),
            ("XDG_CONFIG_HOME", home.join(".config").into_os_string()),
        ],
    );
    let settings = untracked_config::read(&env, &paths).expect("settings");
    let data = std::fs::read(g.join("index")).expect("index");
    let entries = index::parse(&data, 1_000_000).expect("parse").entries;
    let rules = untracked::rules(&paths, &settings).expect("rules");
    let mut group = c.benchmark_group("untracked_10k_ignored_20k");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    for parallel in [true, false] {
        let limits = Limits {
            parallel,
            ..Limits::default()
        };
        let name = if parallel {
            "walk rayon"
        } else {
            "walk one thread"
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                let walk = Walk::new(&work, &paths, &entries, &settings, &budget(), limits);
                walk.run(&rules);
                walk.count()
            })
        });
    }
    group.bench_function("native status (gather_in)", |b| {
        b.iter(|| gather_in(Some(&env), &paths, &budget()))
    });
    group.bench_function("git status -unormal (process)", |b| {
        b.iter(|| {
            Command::new("git")
                .args([
                    "--no-optional-locks",
                    "status",
                    "--porcelain=v2",
                    "-unormal",
                ])
                .current_dir(&work)
                .env("HOME", &home)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
                .expect("git runs")
        })
    });
    group.finish();
    drop(tmp);
}

criterion_group!(group, bench);
criterion_main!(group);
