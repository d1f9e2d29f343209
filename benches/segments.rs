//! In-process costs of each step of a prompt (criterion): gathering git, parsing kubeconfigs
//! of growing size (a cache miss), answering from the cache (a hit, which must stay flat as
//! the file grows), and rendering. Whole-process timings are `benches/compare.sh`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

use awesh::env::Env;
use awesh::render::{self, Buf, Shell};
use awesh::segment::{self, git, kube, Want};

/// A kubeconfig with `n` contexts, each with a cluster and a user carrying ~6 KB of
/// certificate-like data, as EKS/GKE configs do (400 contexts come to about 2.5 MB).
fn big_kubeconfig(n: usize) -> String {
    let cert: String = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t".repeat(85);
    let mut s = String::from("apiVersion: v1\nkind: Config\nclusters:\n");
    for i in 0..n {
        s.push_str(&format!("- name: arn:aws:eks:eu-west-1:123456789012:cluster/c{i}\n  cluster:\n    server: https://c{i}.example.com\n    certificate-authority-data: {cert}\n"));
    }
    s.push_str("contexts:\n");
    for i in 0..n {
        s.push_str(&format!("- name: arn:aws:eks:eu-west-1:123456789012:cluster/c{i}\n  context:\n    cluster: arn:aws:eks:eu-west-1:123456789012:cluster/c{i}\n    user: u{i}\n    namespace: ns{i}\n"));
    }
    s.push_str(&format!(
        "current-context: arn:aws:eks:eu-west-1:123456789012:cluster/c{}\nusers:\n",
        n / 2
    ));
    for i in 0..n {
        s.push_str(&format!(
            "- name: u{i}\n  user:\n    client-key-data: {cert}\n"
        ));
    }
    s
}

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("repo")).unwrap();
        let git = |args: &[&str]| {
            let ok = Command::new("git")
                .args(args)
                .current_dir(root.join("repo"))
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .status()
                .unwrap()
                .success();
            assert!(ok);
        };
        git(&["init", "-q", "-b", "feature/login"]);
        std::fs::write(root.join("repo/f"), "x").unwrap();
        git(&["add", "."]);
        git(&[
            "-c",
            "user.name=b",
            "-c",
            "user.email=b@b",
            "commit",
            "-qm",
            "c",
        ]);
        std::fs::write(
            root.join("small.yaml"),
            "current-context: prod-eu\ncontexts:\n- name: prod-eu\n  context: {cluster: p, namespace: payments}\n- name: staging\n  context: {cluster: s}\n- name: dev\n  context: {cluster: d}\n",
        )
        .unwrap();
        for n in [1, 100, 400, 1000, 5000] {
            std::fs::write(root.join(format!("k{n}.yaml")), big_kubeconfig(n)).unwrap();
        }
        // Let the files age past the cache's racy window so cache entries are trusted.
        std::thread::sleep(Duration::from_millis(2200));
        Fixture { _dir: dir, root }
    }

    fn env(&self, cwd: &Path, kubeconfig: &str) -> Env {
        Env::new(
            cwd,
            [
                ("HOME", self.root.join("home").into_os_string()),
                ("KUBECONFIG", self.root.join(kubeconfig).into_os_string()),
                ("AWESH_CACHE_DIR", self.root.join("cache").into_os_string()),
            ],
        )
    }
}

fn benches(c: &mut Criterion) {
    let fx = Fixture::new();
    let repo = fx.root.join("repo");

    c.bench_function("gather_git/small_repo", |b| {
        let env = fx.env(&repo, "small.yaml");
        b.iter(|| black_box(git::gather(&env)));
    });

    let mut parse = c.benchmark_group("kube_miss_parse");
    for (label, file) in [
        ("3_contexts", "small.yaml".to_string()),
        ("400_contexts_2.5MB", "k400.yaml".into()),
    ] {
        parse.bench_function(label, |b| {
            let path = fx.root.join(&file);
            b.iter(|| black_box(kube::read(&path)));
        });
    }
    for n in [1usize, 100, 1000, 5000] {
        parse.bench_with_input(BenchmarkId::new("contexts", n), &n, |b, n| {
            let path = fx.root.join(format!("k{n}.yaml"));
            b.iter(|| black_box(kube::read(&path)));
        });
    }
    parse.finish();

    let mut hit = c.benchmark_group("kube_cache_hit");
    for n in [1usize, 100, 1000, 5000] {
        hit.bench_with_input(BenchmarkId::new("contexts", n), &n, |b, n| {
            let env = fx.env(&fx.root, &format!("k{n}.yaml"));
            let first = kube::gather(&env);
            assert!(kube::compute(&first).is_some());
            assert_eq!(kube::gather(&env).cache, kube::CacheUse::Hit);
            b.iter(|| black_box(kube::gather(&env)));
        });
    }
    hit.finish();

    c.bench_function("render/default_format", |b| {
        // What `awesh prompt` runs with no config file: the rules' view, then the template.
        let env = fx.env(&repo, "small.yaml");
        let g = git::compute(&git::gather(&env).unwrap());
        let k = kube::compute(&kube::gather(&env));
        let config = awesh::config::Config::default();
        let mut buf = Buf::new();
        b.iter(|| {
            buf.clear();
            let view = k
                .as_ref()
                .map(|k| awesh::segment::kube::view::view(&config, k));
            render::format::prompt_with(
                &mut buf,
                Shell::Bash,
                &config.format,
                g.as_ref(),
                view.as_ref(),
                None,
            );
            black_box(&buf);
        });
    });

    c.bench_function("prompt_in_process/small_with_cache", |b| {
        let env = Arc::new(fx.env(&repo, "small.yaml"));
        let _ = kube::gather(&env);
        b.iter(|| {
            black_box(segment::gather(
                &env,
                Want::all(),
                Duration::from_millis(200),
                segment::On::Auto,
            ))
        });
    });
}

criterion_group! {
    name = group;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
    targets = benches
}
criterion_main!(group);
