//! The Kubernetes segment against kubectl's loading rules: kubeconfigs written by hand in temp
//! dirs, `KUBECONFIG` and `HOME` set per case, and awesh's answer compared with `kubectl config
//! current-context` and `kubectl config view` when kubectl is installed.

mod common;

use std::path::Path;

use common::{kubeconfig, World};
use serde_json::Value;

fn explain(w: &World, env: &[(&str, String)]) -> Value {
    let mut cmd = w.awesh();
    cmd.args(["explain", "--json"])
        .envs(env.iter().map(|(k, v)| (k, v)));
    serde_json::from_str(&common::stdout(cmd)).unwrap()
}

fn prompt(w: &World, env: &[(&str, String)]) -> String {
    let mut cmd = w.awesh();
    cmd.args(["prompt", "--no-git"])
        .envs(env.iter().map(|(k, v)| (k, v)));
    common::stdout(cmd)
}

fn kubectl_installed() -> bool {
    let found = std::process::Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("SKIPPED comparison with kubectl: not installed");
    }
    found
}

/// kubectl's `(current-context, namespace)`; `None` context when it says none is set.
fn kubectl(w: &World, env: &[(&str, String)]) -> (Option<String>, Option<String>) {
    let run = |args: &[&str]| {
        let mut cmd = w.command("kubectl");
        cmd.args(args).envs(env.iter().map(|(k, v)| (k, v)));
        let out = cmd.output().unwrap();
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    };
    let context = run(&["config", "current-context"]);
    // `view --minify` also insists on the cluster and user existing; filter the merged view instead.
    let namespace = context.as_ref().and_then(|c| {
        let path = format!("jsonpath={{.contexts[?(@.name==\"{c}\")].context.namespace}}");
        run(&["config", "view", "-o", &path]).filter(|n| !n.is_empty())
    });
    (context, namespace)
}

/// Checks awesh's JSON (and kubectl's answer, when installed) against the expectation.
fn check(w: &World, env: &[(&str, String)], want: (Option<&str>, Option<&str>)) {
    let json = explain(w, env);
    let got = (
        json["kube"]["context"].as_str().map(str::to_string),
        json["kube"]["namespace"].as_str().map(str::to_string),
    );
    let want = (want.0.map(str::to_string), want.1.map(str::to_string));
    assert_eq!(got, want, "awesh, env {env:?}");
    if kubectl_installed() {
        assert_eq!(kubectl(w, env), want, "kubectl, env {env:?}");
    }
}

fn kc(paths: &[&Path]) -> Vec<(&'static str, String)> {
    let joined: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    vec![("KUBECONFIG", joined.join(":"))]
}

#[test]
fn default_path_is_home_kube_config() {
    let w = World::new();
    check(&w, &[], (None, None));
    assert_eq!(prompt(&w, &[]), "");
    w.write(
        "home/.kube/config",
        kubeconfig(Some("prod-eu"), &[("prod-eu", Some("payments"))]),
    );
    check(&w, &[], (Some("prod-eu"), Some("payments")));
    assert_eq!(prompt(&w, &[]), ":☸️prod-eu:☸️payments");
    // An empty KUBECONFIG means the default path too.
    check(
        &w,
        &[("KUBECONFIG", String::new())],
        (Some("prod-eu"), Some("payments")),
    );
}

#[test]
fn merge_rules_match_kubectl() {
    let w = World::new();
    let a = w.write(
        "a.yaml",
        kubeconfig(None, &[("shared", Some("from-a")), ("only-a", None)]),
    );
    let b = w.write(
        "b.yaml",
        kubeconfig(
            Some("shared"),
            &[("shared", Some("from-b")), ("b-ctx", Some("nb"))],
        ),
    );
    let c = w.write("c.yaml", kubeconfig(Some("b-ctx"), &[]));
    let missing = w.path("missing.yaml");
    // The first current-context in list order wins; the context comes whole from the first file defining it.
    check(&w, &kc(&[&a, &b, &c]), (Some("shared"), Some("from-a")));
    check(&w, &kc(&[&c, &b, &a]), (Some("b-ctx"), Some("nb")));
    check(&w, &kc(&[&b, &a]), (Some("shared"), Some("from-b")));
    // Missing files are skipped; duplicates and empty entries dropped.
    check(
        &w,
        &kc(&[&missing, &a, &missing, &c, &a, &b]),
        (Some("b-ctx"), Some("nb")),
    );
    let with_empties = vec![("KUBECONFIG", format!("::{}::{}:", c.display(), b.display()))];
    check(&w, &with_empties, (Some("b-ctx"), Some("nb")));
    // Nothing sets current-context.
    check(&w, &kc(&[&a]), (None, None));
    // A context defined without a namespace in the first file hides a later file's namespace.
    let d = w.write(
        "d.yaml",
        kubeconfig(Some("only-a"), &[("only-a", Some("late"))]),
    );
    check(&w, &kc(&[&a, &d]), (Some("only-a"), None));
}

#[test]
fn undefined_current_context_still_shows_its_name() {
    let w = World::new();
    let f = w.write("f.yaml", kubeconfig(Some("ghost"), &[("real", Some("x"))]));
    let json = explain(&w, &kc(&[&f]));
    assert_eq!(json["kube"]["context"], "ghost");
    assert_eq!(json["kube"]["namespace"], Value::Null);
    assert_eq!(json["kube"]["defined_in"], Value::Null);
    assert_eq!(prompt(&w, &kc(&[&f])), ":☸️ghost");
    if kubectl_installed() {
        assert_eq!(kubectl(&w, &kc(&[&f])).0.as_deref(), Some("ghost"));
    }
}

#[test]
fn default_namespace_is_hidden_in_the_prompt_only() {
    let w = World::new();
    let f = w.write("f.yaml", kubeconfig(Some("c"), &[("c", Some("default"))]));
    check(&w, &kc(&[&f]), (Some("c"), Some("default")));
    assert_eq!(prompt(&w, &kc(&[&f])), ":☸️c");
}

#[test]
fn syntaxes_kubectl_accepts() {
    let w = World::new();
    let cases: &[(&str, &str)] = &[
        ("json", r#"{"apiVersion":"v1","kind":"Config","current-context":"j","contexts":[{"name":"j","context":{"cluster":"c","namespace":"ns"}}]}"#),
        ("quoted", "\"current-context\": \"j\"\n'contexts':\n- {'name': \"j\", \"context\": {\"namespace\": 'ns'}}\n"),
        ("flow", "{current-context: j, contexts: [{name: j, context: {namespace: ns}}]}\n"),
        ("anchors", "x-base: &base\n  cluster: c\n  namespace: ns\ncurrent-context: j\ncontexts:\n- name: j\n  context: *base\n"),
        ("crlf", "current-context: j\r\ncontexts:\r\n- name: j\r\n  context:\r\n    namespace: ns\r\n"),
        ("bom", "\u{feff}current-context: j\ncontexts:\n- name: j\n  context:\n    namespace: ns\n"),
        ("comments and docs", "# a comment\n---\ncurrent-context: j # trailing\ncontexts:\n- name: j\n  context:\n    namespace: ns\n"),
    ];
    for (label, text) in cases {
        let f = w.write(&format!("{label}.cfg"), text);
        let json = explain(&w, &kc(&[&f]));
        assert_eq!(json["kube"]["context"], "j", "{label}: {json}");
        assert_eq!(json["kube"]["namespace"], "ns", "{label}");
        if kubectl_installed() {
            assert_eq!(
                kubectl(&w, &kc(&[&f])),
                (Some("j".into()), Some("ns".into())),
                "kubectl, {label}"
            );
        }
    }
}

#[test]
fn garbage_files_give_nothing_and_a_reason() {
    let w = World::new();
    let good = w.write("good.yaml", kubeconfig(Some("g"), &[("g", Some("ns"))]));
    for (label, text) in [
        ("unclosed", &b"current-context: [oops\ncontexts: {\n"[..]),
        ("binary", b"\x00\x01\x02\xff\xfe"),
        ("half-written", b"apiVersion: v1\ncurrent-context: x\ncontexts:\n- name: x\n  context:\n    namespace: \"unterminated\n"),
    ] {
        let bad = w.write(&format!("{label}.yaml"), text);
        // Alone: no kube part, a reason naming the file.
        let json = explain(&w, &kc(&[&bad]));
        assert_eq!(json["kube"], Value::Null, "{label}");
        let reason = json["segments"]["kube"]["reason"].as_str().unwrap();
        assert!(reason.contains(&*bad.to_string_lossy()), "{label}: {reason}");
        // Just written, so it may be taken as mid-rewrite; either way it contributes nothing.
        let status = json["segments"]["kube"]["files"][0]["status"].as_str().unwrap();
        assert!(status == "error" || status == "being-rewritten", "{status}");
        assert_eq!(prompt(&w, &kc(&[&bad])), "");
        // Beside a good file, before or after it: the bad file could have decided, and
        // kubectl would refuse both, so no answer (issue 13, case 3), and explain says why.
        for list in [kc(&[&bad, &good]), kc(&[&good, &bad])] {
            assert_eq!(prompt(&w, &list), "", "{label}");
            let reason = explain(&w, &list)["segments"]["kube"]["reason"]
                .as_str()
                .unwrap()
                .to_string();
            assert!(reason.starts_with("unknown: a listed kubeconfig was not read"), "{reason}");
        }
    }
    // The reason carries the line of the error.
    let bad = w.write(
        "lined.yaml",
        "current-context: a\ncontexts:\n- name: a\n  context: [\n",
    );
    let json = explain(&w, &kc(&[&bad]));
    let error = json["segments"]["kube"]["files"][0]["error"]
        .as_str()
        .unwrap();
    assert!(error.contains("line"), "{error}");
}

#[test]
fn long_and_hostile_names_are_whole_and_inert() {
    let w = World::new();
    let long = format!(
        "arn:aws:eks:eu-west-1:123456789012:cluster/{}",
        "p".repeat(250)
    );
    let f = w.write("long.yaml", kubeconfig(Some(&long), &[(&long, Some("ns"))]));
    assert_eq!(prompt(&w, &kc(&[&f])), format!(":☸️{long}:☸️ns"));
    let f = w.write("hostile.yaml", "current-context: \"`id`\\e[31m\\a\"\ncontexts:\n- name: \"`id`\\e[31m\\a\"\n  context: {namespace: \"%F{red}x\"}\n");
    let shown = prompt(&w, &kc(&[&f]));
    assert_eq!(shown, ":☸️`id`^[[31m^G:☸️%F{red}x");
    let mut zsh = w.awesh();
    zsh.args(["prompt", "--shell", "zsh"]).envs(kc(&[&f]));
    assert_eq!(common::stdout(zsh), ":☸️`id`^[[31m^G:☸️%%F{red}x");
}

#[test]
fn prompt_exits_zero_whatever_the_input() {
    let w = World::new();
    let dir = w.path("a-directory");
    std::fs::create_dir_all(&dir).unwrap();
    for env in [
        kc(&[&dir]),
        vec![("KUBECONFIG", "/dev/null".into())],
        vec![("AWESH_TIMEOUT_MS", "junk".into())],
    ] {
        let mut cmd = w.awesh();
        let out = cmd
            .arg("prompt")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap();
        assert!(out.status.success(), "{env:?}");
        assert!(
            out.stderr.is_empty(),
            "{env:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let json = explain(&w, &[("AWESH_TIMEOUT_MS", "junk".into())]);
    assert!(json["notes"][0]
        .as_str()
        .unwrap()
        .contains("AWESH_TIMEOUT_MS"));
}

#[test]
fn edge_cases_match_kubectl() {
    let w = World::new();
    let cases: &[(&str, &str, Option<&str>)] = &[
        (
            "repeated key: last wins",
            "current-context: a\ncurrent-context: b\n",
            Some("b"),
        ),
        (
            "second document ignored",
            "current-context: a\n---\ncurrent-context: b\n",
            Some("a"),
        ),
        ("number is refused", "current-context: 123\n", None),
        (
            "context defined twice is refused",
            "current-context: a\ncontexts:\n- name: a\n- name: a\n",
            None,
        ),
        ("keys are case-sensitive", "Current-Context: a\n", None),
        ("null current-context", "current-context: ~\n", None),
        ("tagged string", "current-context: !!str a\n", Some("a")),
        (
            "unknown keys ignored",
            "current-context: a\nbogus: [1, {x: y}]\ncontexts:\n- name: a\n  extra: 1\n",
            Some("a"),
        ),
    ];
    for (i, (label, text, want)) in cases.iter().enumerate() {
        let f = w.write(&format!("edge{i}.yaml"), text);
        let json = explain(&w, &kc(&[&f]));
        assert_eq!(json["kube"]["context"].as_str(), *want, "awesh, {label}");
        if kubectl_installed() {
            assert_eq!(
                kubectl(&w, &kc(&[&f])).0.as_deref(),
                *want,
                "kubectl, {label}"
            );
        }
    }
}

#[test]
fn big_files_match_kubectl() {
    let w = World::new();
    let cert = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t".repeat(85);
    let mut text = String::from("apiVersion: v1\nclusters:\n");
    for i in 0..400 {
        text.push_str(&format!("- cluster:\n    certificate-authority-data: {cert}\n    server: https://c{i}.example.com\n  name: c{i}\n"));
    }
    text.push_str("contexts:\n");
    for i in 0..400 {
        text.push_str(&format!("- context:\n    cluster: c{i}\n    namespace: ns{i}\n    user: u{i}\n  name: arn:aws:eks:eu-west-1:123456789012:cluster/c{i}\n"));
    }
    text.push_str("current-context: arn:aws:eks:eu-west-1:123456789012:cluster/c217\nkind: Config\npreferences: {}\nusers:\n");
    for i in 0..400 {
        text.push_str(&format!(
            "- name: u{i}\n  user:\n    client-key-data: {cert}\n"
        ));
    }
    assert!(text.len() > 2_000_000);
    let f = w.write("big.yaml", &text);
    check(
        &w,
        &kc(&[&f]),
        (
            Some("arn:aws:eks:eu-west-1:123456789012:cluster/c217"),
            Some("ns217"),
        ),
    );
    // The same as JSON (kubectl's own `view -o json` shape).
    let json = serde_json::json!({
        "apiVersion": "v1",
        "current-context": "c9",
        "contexts": (0..400).map(|i| serde_json::json!({"name": format!("c{i}"), "context": {"cluster": format!("c{i}"), "namespace": format!("j{i}")}})).collect::<Vec<_>>(),
        "users": (0..400).map(|i| serde_json::json!({"name": format!("u{i}"), "user": {"client-key-data": cert}})).collect::<Vec<_>>(),
    });
    let f = w.write("big.json", json.to_string());
    check(&w, &kc(&[&f]), (Some("c9"), Some("j9")));
}

#[test]
fn a_fifo_kubeconfig_is_refused_unopened() {
    let w = World::new();
    let fifo = w.path("fifo.yaml");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let good = w.write("good.yaml", kubeconfig(Some("g"), &[("g", Some("ns"))]));
    // Nobody ever writes the FIFO: opening it would block for ever, even on the main thread.
    // It is not read, so it could have decided: no answer rather than good.yaml's.
    assert_eq!(prompt(&w, &kc(&[&fifo, &good])), "");
    assert_eq!(prompt(&w, &kc(&[&good])), ":☸️g:☸️ns");
    let json = explain(&w, &kc(&[&fifo, &good]));
    assert!(json["segments"]["kube"]["files"][0]["error"]
        .as_str()
        .unwrap()
        .contains("not a regular file"));
}

#[test]
fn kubeconfigs_too_big_to_parse_inline_keep_the_deadline_threads() {
    let w = World::new();
    let mut text = kubeconfig(Some("big"), &[("big", Some("ns"))]);
    text.push_str("preferences:\n  padding: \"");
    text.push_str(&"x".repeat(5 << 20));
    text.push_str("\"\n");
    let f = w.write("big.yaml", &text);
    let json = explain(&w, &kc(&[&f]));
    assert_eq!(json["gathered"]["on"], "threads", "{}", json["gathered"]);
    assert_eq!(json["kube"]["context"], "big");
    if awesh::segment::inline::machine_is_local().is_ok() {
        let small = w.write("small.yaml", kubeconfig(Some("s"), &[]));
        assert_eq!(explain(&w, &kc(&[&small]))["gathered"]["on"], "main-thread");
    }
}

/// Pads a kubeconfig past the 4 KiB where the fast path starts, with a `users` section.
fn padded(text: &str, users_first: bool) -> String {
    let mut users = String::from("users:\n");
    for i in 0..40 {
        users.push_str(&format!(
            "- name: u{i}\n  user:\n    client-key-data: {}\n",
            "QUJD".repeat(40)
        ));
    }
    if users_first {
        format!("{users}{text}")
    } else {
        format!("{text}{users}")
    }
}

/// Issue 13, cases 1 and 2: line breaks YAML sees and a line scan does not (lone CR, NEL,
/// LS, PS), multi-line scalars and flow collections, hidden document ends and merge keys,
/// either side of the fast path's 4 KiB, all give kubectl's answer.
#[test]
fn issue_13_hostile_layouts_match_kubectl() {
    let w = World::new();
    let tail = "contexts:\n- name: real\n  context:\n    namespace: rns\n- name: fake\n  context:\n    namespace: fns\n";
    let cases = [
        "current-context: real\rcurrent-context: fake\n",
        "current-context: fake\rcurrent-context: real\n",
        "x: \"a\u{85}current-context: fake\"\ncurrent-context: real\n",
        "x: a\u{85}current-context: fake\ncurrent-context: real\n",
        "current-context: real\nx: a\u{2028}current-context: fake\n",
        "current-context: real\nx: a\u{2029}current-context: fake\n",
        "x: \"multi\ncurrent-context: fake\"\ncurrent-context: real\n",
        "current-context: real\nx: 'multi\ncurrent-context: fake'\n",
        "current-context: real\nx: |\n  a\ncurrent-context: fake\n",
        "current-context: real\nx: {a: 1,\ncurrent-context: fake}\n",
        "current-context: real\nx: [a,\ncurrent-context: fake]\n",
        "current-context: real\r...\ncurrent-context: fake\n",
        "current-context: real\n",
    ];
    let mut n = 0;
    for (i, head) in cases.iter().enumerate() {
        for (j, text) in [
            format!("{head}{tail}"),
            padded(&format!("{head}{tail}"), true),
            padded(&format!("{head}{tail}"), false),
        ]
        .iter()
        .enumerate()
        {
            let f = w.write(&format!("hostile{i}-{j}.yaml"), text);
            let json = explain(&w, &kc(&[&f]));
            let got = (
                json["kube"]["context"].as_str().map(str::to_string),
                json["kube"]["namespace"].as_str().map(str::to_string),
            );
            if kubectl_installed() {
                assert_eq!(got, kubectl(&w, &kc(&[&f])), "{text:?}");
                n += 1;
            } else {
                assert_ne!(got.0.as_deref(), Some("fake"), "{text:?}");
            }
        }
    }
    eprintln!("{n} hostile layouts agree with kubectl");
    // Merge keys, applied in kubectl's (go-yaml v2's) order.
    let d = "d: &d\n  namespace: fromd\ne: &e\n  namespace: frome\ncurrent-context: a\ncontexts:\n- name: a\n  context:\n";
    for (body, want) in [
        ("    namespace: own\n    <<: *d\n", "fromd"),
        ("    <<: *d\n    namespace: own\n", "own"),
        ("    <<: [*e, *d]\n", "frome"),
    ] {
        for (j, text) in [format!("{d}{body}"), padded(&format!("{d}{body}"), true)]
            .iter()
            .enumerate()
        {
            let f = w.write(&format!("merge{j}.yaml"), text);
            check(&w, &kc(&[&f]), (Some("a"), Some(want)));
        }
    }
}

/// Issue 13, case 3: with `KUBECONFIG=a:b`, an `a` that holds `current-context` but is not
/// read (over the size limit, not a regular file) gives no answer, never `b`'s.
#[test]
fn issue_13_a_skipped_file_makes_the_answer_unknown() {
    let w = World::new();
    let b = w.write("b.yaml", kubeconfig(Some("b"), &[("b", Some("bns"))]));
    let big = w.write("big.yaml", kubeconfig(Some("a"), &[("a", Some("ans"))]));
    // Sparse: past the 64 MiB limit without writing 64 MiB.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&big)
        .unwrap()
        .set_len(65 << 20)
        .unwrap();
    let dir = w.path("a-directory");
    std::fs::create_dir_all(&dir).unwrap();
    // Seen as older than the cache's racy window, so an entry made from these files would be
    // trusted as a hit. (A file's change time cannot be set back: the run's clock is moved
    // forward instead of waiting the window out; nothing here changes after this.)
    let settled = |a: &Path| {
        let window =
            awesh::segment::kube::cache::RACY_WINDOW + std::time::Duration::from_millis(200);
        let mut env = kc(&[a, &b]);
        env.push((awesh::env::CLOCK_OFFSET, window.as_millis().to_string()));
        env
    };
    for a in [&big, &dir] {
        assert_eq!(prompt(&w, &settled(a)), "", "{a:?}");
        // Twice: the second prompt must not answer from a cache entry either, and explain
        // must still say why.
        assert_eq!(prompt(&w, &settled(a)), "", "{a:?}");
        let json = explain(&w, &settled(a));
        assert_eq!(json["kube"], Value::Null);
        let reason = json["segments"]["kube"]["reason"].as_str().unwrap();
        assert!(reason.contains(&*a.to_string_lossy()), "{reason}");
    }
    // A missing file is skipped, as kubectl skips it.
    check(
        &w,
        &kc(&[&w.path("missing.yaml"), &b]),
        (Some("b"), Some("bns")),
    );
}
