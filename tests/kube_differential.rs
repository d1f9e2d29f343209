//! The kubectl differential test (issue 13): hundreds of generated kubeconfigs of every shape
//! (tests/gen/kubeconfig.rs), each compared with kubectl on the context and namespace. awesh
//! is run in-process (the same `gather` + `compute` as `awesh prompt`, without the cache);
//! kubectl once per case, as `kubectl config view -o json`, which loads the files exactly as
//! `current-context` and `view --minify` do and gives both answers from one start-up.

mod common;
#[path = "gen/kubeconfig.rs"]
mod gen;

use std::path::PathBuf;

use awesh::env::Env;
use awesh::segment::kube;

const CASES: u64 = 600;

/// A context and its namespace, as shown.
type Answer = Option<(String, Option<String>)>;
/// One case: its seed, its description, kubectl's answer and awesh's.
type Outcome = (u64, String, Answer, Answer);

/// kubectl's `(current-context, namespace)`; `None` when it refuses the files or no
/// current-context is set.
fn kubectl(kubeconfig: &str, home: &std::path::Path) -> Answer {
    let out = std::process::Command::new("kubectl")
        .args(["config", "view", "-o", "json"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("KUBECONFIG", kubeconfig)
        .output()
        .unwrap();
    if !out.status.success() {
        return None;
    }
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let context = view["current-context"].as_str().filter(|c| !c.is_empty())?;
    let namespace = view["contexts"]
        .as_array()
        .and_then(|list| list.iter().find(|c| c["name"].as_str() == Some(context)))
        .and_then(|c| c["context"]["namespace"].as_str())
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    Some((context.to_string(), namespace))
}

/// The same answer from the commands the issue names: `kubectl config current-context`, and
/// the namespace from `kubectl config view --minify` (which fails when the context is not
/// defined: no namespace then). Two start-ups, so used on a sample, to hold the one-call
/// oracle above to them.
fn kubectl_by_the_book(kubeconfig: &str, home: &std::path::Path) -> Answer {
    let run = |args: &[&str]| {
        let out = std::process::Command::new("kubectl")
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("KUBECONFIG", kubeconfig)
            .output()
            .unwrap();
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    };
    let context = run(&["config", "current-context"]).filter(|c| !c.is_empty())?;
    let namespace = run(&["config", "view", "--minify", "-o", "jsonpath={..namespace}"])
        .filter(|n| !n.is_empty());
    Some((context, namespace))
}

fn awesh(kubeconfig: &str) -> Answer {
    let env = Env::new("/", [("KUBECONFIG", kubeconfig)]);
    let info = kube::compute(&kube::gather(&env))?;
    Some((
        info.context.to_string(),
        info.namespace.map(|n| n.to_string()),
    ))
}

#[test]
fn issue_13_awesh_agrees_with_kubectl_on_generated_kubeconfigs() {
    if !common::have("kubectl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    // Two workers: kubectl's start-up (30-60 ms) is the cost, and the machine has two cores.
    let results: Vec<Outcome> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2u64)
            .map(|worker| {
                let (dir, home) = (dir.path(), home.as_path());
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for seed in (worker..CASES).step_by(2) {
                        let case = gen::case(seed);
                        let paths: Vec<PathBuf> = case
                            .files
                            .iter()
                            .enumerate()
                            .map(|(i, bytes)| {
                                let path = dir.join(format!("c{seed}-{i}.yaml"));
                                if let Some(bytes) = bytes {
                                    std::fs::write(&path, bytes).unwrap();
                                }
                                path
                            })
                            .collect();
                        let list = std::env::join_paths(&paths).unwrap();
                        let list = list.to_str().unwrap();
                        let want = kubectl(list, home);
                        if seed % 20 == 0 {
                            assert_eq!(
                                kubectl_by_the_book(list, home),
                                want,
                                "seed {seed}: the oracle differs from current-context / --minify"
                            );
                        }
                        out.push((seed, case.label, want, awesh(list)));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let mut disagree = Vec::new();
    let mut with_context = 0;
    for (seed, label, want, got) in &results {
        with_context += usize::from(want.is_some());
        if want != got {
            disagree.push(format!(
                "{label}\n  kubectl {want:?}\n  awesh   {got:?}\n  (seed {seed})"
            ));
        }
    }
    let agree = results.len() - disagree.len();
    eprintln!(
        "kubectl differential: {agree} of {} generated cases agree ({with_context} with a context)",
        results.len()
    );
    assert!(
        disagree.is_empty(),
        "{} disagreements:\n{}",
        disagree.len(),
        disagree.join("\n")
    );
    // A generator whose cases mostly have no answer would prove little.
    assert!(
        with_context * 2 > results.len(),
        "{with_context} of {}",
        results.len()
    );
}
