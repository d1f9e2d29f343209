//! In-process cost of the staged count and ahead/behind (src/segment/git/status/staged.rs,
//! upstream.rs) on a 10k-file repository made once in a temp dir: a clean index (the
//! cache-tree answers at the root), one folder touched (one path of folders walked), every
//! cache-tree node invalidated (all 101 trees read), and an upstream 200 commits behind.
//! `git status --porcelain=v2` on the same repository is timed alongside, as a process.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

use awesh::segment::git::status::{index, staged, upstream, Budget, Paths};

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?}");
}

/// 100 folders of 100 files, committed; then the branch is moved 200 commits behind a
/// copy of itself standing in for the upstream.
fn fixture(work: &Path) {
    git(work, &["init", "-q", "-b", "main"]);
    for d in 0..100 {
        let dir = work.join(format!("d{d:03}"));
        std::fs::create_dir_all(&dir).unwrap();
        for f in 0..100 {
            std::fs::write(dir.join(format!("f{f:03}.txt")), format!("{d} {f}\n")).unwrap();
        }
    }
    git(work, &["add", "-A"]);
    git(work, &["commit", "-q", "-m", "base"]);
    for i in 0..200 {
        git(
            work,
            &["commit", "-q", "--allow-empty", "-m", &format!("c{i}")],
        );
    }
    git(work, &["branch", "up"]);
    git(work, &["reset", "-q", "--soft", "HEAD~200"]);
    git(work, &["config", "branch.main.remote", "."]);
    git(work, &["config", "branch.main.merge", "refs/heads/up"]);
    git(work, &["gc", "-q"]);
}

fn budget() -> Budget {
    Budget {
        max_index_entries: 1_000_000,
        max_per_class: 0,
        deadline: Instant::now() + Duration::from_secs(3600),
    }
}

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    fixture(&work);
    let g = work.join(".git");
    let paths = Paths {
        git_dir: g.clone(),
        common_dir: g.clone(),
        work_tree: Some(work.clone()),
    };
    let read = || index::parse(&std::fs::read(g.join("index")).unwrap(), 1_000_000).unwrap();
    let mut group = c.benchmark_group("status_tree");
    let idx = read();
    let s = staged::of(&paths, &idx, &budget());
    eprintln!("clean: {:?}, {} trees read", s.count, s.trees_read);
    eprintln!("upstream: {:?}", upstream::of(&paths, &budget()));
    group.bench_function("staged, 10k files, clean", |b| {
        b.iter(|| black_box(staged::of(&paths, &idx, &budget())))
    });
    group.bench_function("upstream, 200 behind", |b| {
        b.iter(|| black_box(upstream::of(&paths, &budget())))
    });
    std::fs::write(work.join("d050/f050.txt"), "changed\n").unwrap();
    git(&work, &["add", "d050/f050.txt"]);
    let idx = read();
    let s = staged::of(&paths, &idx, &budget());
    eprintln!(
        "one folder changed: {:?}, {} trees read",
        s.count, s.trees_read
    );
    group.bench_function("staged, 10k files, one folder changed", |b| {
        b.iter(|| black_box(staged::of(&paths, &idx, &budget())))
    });
    git(&work, &["rm", "-q", "-r", "--cached", "."]);
    git(&work, &["add", "-A"]);
    let idx = read();
    let s = staged::of(&paths, &idx, &budget());
    eprintln!(
        "cache-tree invalidated: {:?}, {} trees read",
        s.count, s.trees_read
    );
    group.bench_function("staged, 10k files, cache-tree invalidated", |b| {
        b.iter(|| black_box(staged::of(&paths, &idx, &budget())))
    });
    group.sample_size(20);
    group.bench_function("git status --porcelain=v2 (process)", |b| {
        b.iter(|| {
            Command::new("git")
                .args([
                    "--no-optional-locks",
                    "status",
                    "--porcelain=v2",
                    "--branch",
                ])
                .current_dir(&work)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
                .unwrap()
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
