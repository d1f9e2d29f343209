//! The kubectl differential test (issue 13): hundreds of generated kubeconfigs of every shape
//! (tests/gen/kubeconfig.rs), each compared with kubectl on the context and namespace shown,
//! and on every field awesh parses (`current-context`, each context's name and namespace). awesh
//! is run in-process (the same `gather` + `compute` as `awesh prompt`, without the cache);
//! kubectl once per case, as `kubectl config view -o json`, which loads the files exactly as
//! `current-context` and `view --minify` do and gives both answers from one start-up.

mod common;
#[path = "gen/kubeconfig.rs"]
mod gen;

use std::collections::BTreeMap;
use std::path::PathBuf;

use awesh::env::Env;
use awesh::segment::kube;

const CASES: u64 = 600;

/// A context and its namespace, as shown.
type Answer = Option<(String, Option<String>)>;
/// Every field awesh parses, merged over the files as kubectl merges them: `current-context`
/// (the first non-empty one) and each context's namespace by name (the first file to define
/// a name gives it whole). `None` when the files are refused.
type View = Option<(Option<String>, BTreeMap<String, Option<String>>)>;
/// One case: its seed, its description, kubectl's answer and view and awesh's.
type Outcome = (u64, String, (Answer, View), (Answer, View));

/// kubectl's `(current-context, namespace)`, and its view of the fields awesh parses; `None`
/// when it refuses the files (the answer also when no current-context is set).
fn kubectl(kubeconfig: &str, home: &std::path::Path) -> (Answer, View) {
    let out = std::process::Command::new("kubectl")
        .args(["config", "view", "-o", "json"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("KUBECONFIG", kubeconfig)
        .output()
        .unwrap();
    if !out.status.success() {
        return (None, None);
    }
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let non_empty =
        |v: &serde_json::Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    let contexts: BTreeMap<String, Option<String>> = view["contexts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let name = c["name"].as_str().unwrap_or_default().to_string();
            (name, non_empty(&c["context"]["namespace"]))
        })
        .collect();
    let current = non_empty(&view["current-context"]);
    let answer = current
        .clone()
        .map(|c| (c.clone(), contexts.get(&c).cloned().flatten()));
    (answer, Some((current, contexts)))
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

/// awesh's answer, and its view: the fields of every file it parsed, merged as kubectl does
/// (`None` when a listed file that exists was not parsed: kubectl refuses such a list).
fn awesh(kubeconfig: &str) -> (Answer, View) {
    let env = Env::new("/", [("KUBECONFIG", kubeconfig)]);
    let raw = kube::gather(&env);
    let answer = kube::compute(&raw).map(|info| {
        (
            info.context.to_string(),
            info.namespace.map(|n| n.to_string()),
        )
    });
    let mut current = None;
    let mut contexts = BTreeMap::new();
    for source in &raw.sources {
        match &source.outcome {
            kube::SourceOutcome::Parsed(parsed) => {
                if current.is_none() {
                    current = parsed.current_context.as_ref().map(|c| c.to_string());
                }
                for (name, namespace) in &parsed.contexts {
                    contexts
                        .entry(name.to_string())
                        .or_insert_with(|| namespace.as_ref().map(|n| n.to_string()));
                }
            }
            kube::SourceOutcome::Missing => {}
            _ => return (answer, None),
        }
    }
    (answer, Some((current, contexts)))
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
                                want.0,
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
    let mut contexts_compared = 0;
    for (seed, label, want, got) in &results {
        with_context += usize::from(want.0.is_some());
        contexts_compared += want.1.as_ref().map_or(0, |(_, c)| c.len());
        if want.0 != got.0 {
            disagree.push(format!(
                "{label}\n  kubectl {:?}\n  awesh   {:?}\n  (seed {seed})",
                want.0, got.0
            ));
        } else if want.1 != got.1 {
            disagree.push(format!(
                "{label}: the same answer, other fields\n  kubectl {:?}\n  awesh   {:?}\n  (seed {seed})",
                want.1, got.1
            ));
        }
    }
    let agree = results.len() - disagree.len();
    eprintln!(
        "kubectl differential: {agree} of {} generated cases agree ({with_context} with a context, {contexts_compared} contexts compared)",
        results.len()
    );
    assert!(
        disagree.is_empty(),
        "{} disagreements:\n{}",
        disagree.len(),
        disagree.join("\n")
    );
    // Nor would one whose files hold next to no contexts.
    assert!(
        contexts_compared > results.len(),
        "{contexts_compared} contexts in {} cases",
        results.len()
    );
    // A generator whose cases mostly have no answer would prove little.
    assert!(
        with_context * 2 > results.len(),
        "{with_context} of {}",
        results.len()
    );
}
