//! The kube cache: every way a kubeconfig changes is followed by a prompt that must show the
//! new value; corrupt, unwritable and concurrently written caches never give a wrong answer;
//! a file caught mid-rewrite shows the last good value instead of nothing.

mod common;

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{kubeconfig, World};
use serde_json::Value;

/// For the one run it is given to, every file looks older than the cache's racy window, so
/// the entry made from it is trusted: a file's change time cannot be set back, so instead of
/// sleeping past the window the run's clock is moved forward. Given only to the runs before
/// a test changes any file, so the racy rule still judges every change the test makes.
fn settled() -> (&'static str, String) {
    let window = awesh::segment::kube::cache::RACY_WINDOW + Duration::from_millis(200);
    (awesh::env::CLOCK_OFFSET, window.as_millis().to_string())
}

fn prompt(w: &World, env: &[(&str, String)]) -> String {
    let mut cmd = w.awesh();
    cmd.args(["prompt", "--no-git", "--timeout-ms", "5000"])
        .envs(env.iter().map(|(k, v)| (k, v)));
    common::stdout(cmd)
}

fn explain(w: &World, env: &[(&str, String)]) -> Value {
    let mut cmd = w.awesh();
    cmd.args(["explain", "--json", "--timeout-ms", "5000"])
        .envs(env.iter().map(|(k, v)| (k, v)));
    serde_json::from_str(&common::stdout(cmd)).unwrap()
}

fn cache_status(w: &World, env: &[(&str, String)]) -> String {
    explain(w, env)["segments"]["kube"]["cache"]["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Rewrites a file in place the way kubectl does: truncate, then write.
fn rewrite_in_place(path: &Path, contents: &str) {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .unwrap();
    f.write_all(contents.as_bytes()).unwrap();
}

fn kc(paths: &[&Path]) -> (&'static str, String) {
    let joined: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    ("KUBECONFIG", joined.join(":"))
}

fn kubectl_installed() -> bool {
    std::process::Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn settled_files_are_answered_from_the_cache() {
    let w = World::new();
    w.write(
        "home/.kube/config",
        kubeconfig(Some("prod"), &[("prod", Some("pay"))]),
    );
    assert_eq!(cache_status(&w, &[settled()]), "miss");
    assert_eq!(cache_status(&w, &[]), "hit");
    assert_eq!(prompt(&w, &[]), ":☸️prod:☸️pay");
    // The cache lives in the XDG cache folder and holds no credentials.
    let dir = w.root().join("cache/awesh");
    let entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "the cache folder is private");
    let bytes = std::fs::read(&entries[0]).unwrap();
    assert!(
        !bytes.windows(6).any(|w| w == b"secret"),
        "no credentials in the cache"
    );
}

#[test]
fn kubectl_use_context_and_set_namespace_show_on_the_next_prompt() {
    let w = World::new();
    let cfg = w.write(
        "home/.kube/config",
        kubeconfig(
            Some("aaaa"),
            &[("aaaa", Some("n1")), ("bbbb", Some("n2")), ("cccc", None)],
        ),
    );
    assert_eq!(prompt(&w, &[settled()]), ":☸️aaaa:☸️n1");
    assert_eq!(cache_status(&w, &[]), "hit");
    if kubectl_installed() {
        let kubectl = |args: &[&str]| {
            common::stdout({
                let mut c = w.command("kubectl");
                c.args(args);
                c
            })
        };
        kubectl(&["config", "use-context", "bbbb"]);
        assert_eq!(prompt(&w, &[]), ":☸️bbbb:☸️n2");
        kubectl(&["config", "set-context", "--current", "--namespace=payments"]);
        assert_eq!(prompt(&w, &[]), ":☸️bbbb:☸️payments");
        // Two switches straight after each other, to names of equal length.
        kubectl(&["config", "use-context", "cccc"]);
        kubectl(&["config", "use-context", "aaaa"]);
        assert_eq!(prompt(&w, &[]), ":☸️aaaa:☸️n1");
    } else {
        eprintln!("SKIPPED kubectl part: kubectl not installed");
    }
    // An editor's save (new file renamed over the old one).
    let tmp = w.write(
        "home/.kube/config.new",
        kubeconfig(Some("cccc"), &[("cccc", Some("edited"))]),
    );
    std::fs::rename(tmp, &cfg).unwrap();
    assert_eq!(prompt(&w, &[]), ":☸️cccc:☸️edited");
}

#[test]
fn same_size_rewrites_within_one_tick_are_never_missed() {
    let w = World::new();
    let text = |c: &str| {
        kubeconfig(
            Some(c),
            &[
                ("aaaa", Some("na")),
                ("bbbb", Some("nb")),
                ("cccc", Some("nc")),
            ],
        )
    };
    let cfg = w.write("k.yaml", text("aaaa"));
    let env = [kc(&[&cfg])];
    assert_eq!(prompt(&w, &[kc(&[&cfg]), settled()]), ":☸️aaaa:☸️na");
    assert_eq!(cache_status(&w, &env), "hit");
    for _ in 0..20 {
        // Prompt between two same-size in-place rewrites made as fast as possible: the
        // second may share the first's timestamp, so the entry from the first is racy.
        rewrite_in_place(&cfg, &text("bbbb"));
        assert_eq!(prompt(&w, &env), ":☸️bbbb:☸️nb");
        rewrite_in_place(&cfg, &text("cccc"));
        assert_eq!(prompt(&w, &env), ":☸️cccc:☸️nc");
        // Two switches within the same millisecond, then the prompt: the second one shows.
        rewrite_in_place(&cfg, &text("aaaa"));
        rewrite_in_place(&cfg, &text("bbbb"));
        assert_eq!(prompt(&w, &env), ":☸️bbbb:☸️nb");
    }
}

#[test]
fn kubeconfig_list_changes_show_on_the_next_prompt() {
    let w = World::new();
    let a = w.write("a.yaml", kubeconfig(Some("from-a"), &[("from-a", None)]));
    let b = w.write(
        "b.yaml",
        kubeconfig(Some("from-b"), &[("from-b", Some("nb"))]),
    );
    let later = w.path("later.yaml");
    assert_eq!(prompt(&w, &[kc(&[&a, &b]), settled()]), ":☸️from-a");
    assert_eq!(
        prompt(&w, &[kc(&[&b, &a]), settled()]),
        ":☸️from-b:☸️nb",
        "KUBECONFIG reordered"
    );
    assert_eq!(
        prompt(&w, &[kc(&[&later, &b]), settled()]),
        ":☸️from-b:☸️nb"
    );
    assert_eq!(cache_status(&w, &[kc(&[&later, &b])]), "hit");
    // A listed file that did not exist appears.
    std::fs::write(&later, kubeconfig(Some("later"), &[("later", Some("nl"))])).unwrap();
    assert_eq!(
        prompt(&w, &[kc(&[&later, &b])]),
        ":☸️later:☸️nl",
        "file added"
    );
    // And goes away again.
    std::fs::remove_file(&later).unwrap();
    assert_eq!(
        prompt(&w, &[kc(&[&later, &b])]),
        ":☸️from-b:☸️nb",
        "file removed"
    );
    // KUBECONFIG unset again: back to ~/.kube/config (absent here).
    assert_eq!(prompt(&w, &[]), "");
}

#[test]
fn corrupt_cache_entries_are_ignored_and_rebuilt() {
    let w = World::new();
    w.write(
        "home/.kube/config",
        kubeconfig(Some("prod"), &[("prod", Some("pay"))]),
    );
    assert_eq!(prompt(&w, &[settled()]), ":☸️prod:☸️pay");
    let dir = w.root().join("cache/awesh");
    let entry = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let good = std::fs::read(&entry).unwrap();
    for bad in [
        b"garbage".to_vec(),
        good[..good.len() / 2].to_vec(),
        Vec::new(),
        {
            let mut flipped = good.clone();
            flipped[20] ^= 1;
            flipped
        },
    ] {
        std::fs::write(&entry, &bad).unwrap();
        let json = explain(&w, &[settled()]);
        assert_eq!(json["kube"]["context"], "prod");
        assert_eq!(json["segments"]["kube"]["cache"]["status"], "miss");
        assert_eq!(
            cache_status(&w, &[]),
            "hit",
            "rebuilt after {} bad bytes",
            bad.len()
        );
    }
}

#[test]
fn unwritable_cache_folder_means_no_caching_not_an_error() {
    let w = World::new();
    w.write(
        "home/.kube/config",
        kubeconfig(Some("prod"), &[("prod", None)]),
    );
    // A folder below a regular file can never be created, even by root.
    let blocker = w.write("not-a-dir", "x");
    let env = [(
        "AWESH_CACHE_DIR",
        blocker.join("awesh").display().to_string(),
    )];
    let mut cmd = w.awesh();
    let out = cmd
        .args(["prompt", "--no-git"])
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stderr.is_empty());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), ":☸️prod");
    let json = explain(&w, &env);
    assert_eq!(json["kube"]["context"], "prod");
    assert!(json["segments"]["kube"]["cache"]["write_error"]
        .as_str()
        .unwrap()
        .contains("cannot"));
}

#[test]
fn a_file_caught_mid_rewrite_shows_the_last_good_value() {
    let w = World::new();
    let good = kubeconfig(Some("prod"), &[("prod", Some("pay"))]);
    let cfg = w.write("home/.kube/config", &good);
    assert_eq!(prompt(&w, &[settled()]), ":☸️prod:☸️pay");
    // Truncated (kubectl's rewrite has begun), then half-written.
    rewrite_in_place(&cfg, "");
    assert_eq!(prompt(&w, &[]), ":☸️prod:☸️pay");
    assert_eq!(
        explain(&w, &[])["segments"]["kube"]["cache"]["status"],
        "last-good"
    );
    rewrite_in_place(&cfg, &good[..good.len() / 3]);
    rewrite_in_place(&cfg, "apiVersion: v1\ncurrent-context: \"sta");
    assert_eq!(prompt(&w, &[]), ":☸️prod:☸️pay");
    // Whole again, with a new value: the new value, at once.
    rewrite_in_place(
        &cfg,
        &kubeconfig(Some("staging"), &[("staging", Some("qa"))]),
    );
    assert_eq!(prompt(&w, &[]), ":☸️staging:☸️qa");
}

#[test]
fn concurrent_prompts_during_context_switches_show_only_valid_values() {
    let w = World::new();
    let states = [("prod-eu", "payments"), ("dev-us", "orders")];
    let text = move |i: usize| {
        kubeconfig(
            Some(states[i].0),
            &[
                (states[i].0, Some(states[i].1)),
                (states[1 - i].0, Some(states[1 - i].1)),
            ],
        )
    };
    let cfg = w.write("home/.kube/config", text(0));
    assert_eq!(prompt(&w, &[]), ":☸️prod-eu:☸️payments");
    let valid: Vec<String> = states
        .iter()
        .map(|(c, n)| format!(":☸️{c}:☸️{n}"))
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let switcher = {
        let stop = Arc::clone(&stop);
        let cfg = cfg.clone();
        std::thread::spawn(move || {
            let mut i = 0usize;
            let mut switches = 0;
            // Bounded: at most 20k switches even if the readers hang.
            while !stop.load(Ordering::Relaxed) && switches < 20_000 {
                i = 1 - i;
                rewrite_in_place(&cfg, &text(i));
                switches += 1;
                std::thread::sleep(Duration::from_micros(300));
            }
            switches
        })
    };
    let readers: Vec<_> = (0..16)
        .map(|_| {
            let awesh = env!("CARGO_BIN_EXE_awesh");
            let home = w.home();
            let root = w.root().to_path_buf();
            std::thread::spawn(move || {
                (0..25)
                    .map(|_| {
                        let out = std::process::Command::new(awesh)
                            .args(["prompt", "--no-git", "--timeout-ms", "5000"])
                            .env_clear()
                            .env("HOME", &home)
                            .env("XDG_CACHE_HOME", root.join("cache"))
                            .output()
                            .unwrap();
                        assert!(out.status.success());
                        String::from_utf8(out.stdout).unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let outputs: Vec<String> = readers
        .into_iter()
        .flat_map(|r| r.join().unwrap())
        .collect();
    stop.store(true, Ordering::Relaxed);
    let switches = switcher.join().unwrap();
    assert!(switches > 10, "the switcher ran ({switches} switches)");
    for out in &outputs {
        assert!(valid.contains(out), "printed {out:?}, never a valid state");
    }
    assert_eq!(outputs.len(), 16 * 25);
}

/// A flow-style kubeconfig of `contexts` entries: kubectl reads it, awesh cannot cut it to
/// its needed sections, so a cache miss parses it whole.
fn flow_kubeconfig(contexts: usize) -> String {
    let list: Vec<String> = (0..contexts)
        .map(|i| format!("{{name: c{i}, context: {{cluster: k{i}, user: u{i}, namespace: n{i}}}}}"))
        .collect();
    format!(
        "{{apiVersion: v1, current-context: c7, contexts: [{}]}}\n",
        list.join(", ")
    )
}

/// On a machine with only local filesystems the prompt gathers on its main thread, except a
/// cache miss on a kubeconfig too big to parse surely within the deadline: that parse gets a
/// thread and the deadline, so the rest of the prompt still prints on time.
#[test]
fn a_big_parse_on_a_cache_miss_keeps_the_deadline() {
    if awesh::segment::inline::machine_is_local().is_err() {
        eprintln!("*** a network or FUSE filesystem is mounted: every gather has its threads ***");
        return;
    }
    let w = World::new();
    let file = w.write("big", flow_kubeconfig(130_000)); // ~9 MB: seconds in a debug build
    let gathered = |env: &[(&str, String)], timeout: &str| {
        let mut cmd = w.awesh();
        cmd.args(["explain", "--json", "--timeout-ms", timeout])
            .envs(env.iter().map(|(k, v)| (k, v)));
        let json: Value = serde_json::from_str(&common::stdout(cmd)).unwrap();
        (json["gathered"].clone(), json["kube"].clone())
    };
    // The entries in the cache folder: a parse that ran to its end would have written one.
    let entries = || -> Vec<String> {
        let Ok(dir) = std::fs::read_dir(w.root().join("cache/awesh")) else {
            return Vec::new();
        };
        dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("kube-"))
            .collect()
    };
    let mut cmd = w.awesh();
    cmd.args(["prompt", "--timeout-ms", "100"])
        .env("KUBECONFIG", &file);
    assert_eq!(common::stdout(cmd), "");
    // Printed without the answer, and exited without waiting for the parse (not timed: the
    // parse's thread ended with the process before it could store its entry).
    assert_eq!(
        entries(),
        Vec::<String>::new(),
        "the prompt waited for the parse"
    );
    let (how, kube) = gathered(&[kc(&[&file])], "100");
    assert_eq!(how["on"], "threads", "{how}");
    assert!(how["why"].as_str().unwrap().contains("cache miss"), "{how}");
    assert_eq!(kube, Value::Null);
    assert_eq!(
        entries(),
        Vec::<String>::new(),
        "explain waited for the parse"
    );
    // Given the time, the same parse answers, and the next prompt is a cache hit, inline.
    let (_, kube) = gathered(&[kc(&[&file])], "60000");
    assert_eq!(kube["context"], "c7");
    assert_eq!(entries().len(), 1, "a finished parse stores its entry");
    // The entry made above is not trusted (the file is new): one more parse, with the file
    // settled, makes a trusted one.
    gathered(&[kc(&[&file]), settled()], "60000");
    let (how, kube) = gathered(&[kc(&[&file])], "60000");
    assert_eq!(how["on"], "main-thread", "{how}");
    assert_eq!(kube["namespace"], "n7");
    assert_eq!(cache_status(&w, &[kc(&[&file])]), "hit");
    // A small file of the same layout is parsed inline even on a miss.
    let small = w.write("small", flow_kubeconfig(100));
    let (how, kube) = gathered(&[kc(&[&small])], "5000");
    assert_eq!(how["on"], "main-thread", "{how}");
    assert_eq!(kube["context"], "c7");
}
