//! `awesh ask` answered locally, as a user runs it: from the same git and Kubernetes context
//! as the prompt, with risk labels, `--json`, stdin, and the messages for a question only a
//! model could answer and for usage errors (issue 6).

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::World;

fn world() -> World {
    let w = World::new();
    w.repo("repo", "feature/login");
    w.write(
        "home/.kube/config",
        common::kubeconfig(
            Some("staging"),
            &[("staging", Some("shop")), ("prod", None)],
        ),
    );
    w
}

fn ask(w: &World, args: &[&str]) -> Command {
    let mut cmd = w.awesh();
    cmd.current_dir(w.path("repo")).arg("ask").args(args);
    cmd
}

#[test]
fn issue_6_context_questions_are_answered_from_the_engine() {
    let w = world();
    let table = [
        (
            "which cluster am I on",
            "You are on Kubernetes context staging (namespace shop).\n",
        ),
        (
            "what namespace?",
            "The namespace is shop (context staging).\n",
        ),
        ("what branch am I on", "You are on branch feature/login.\n"),
        ("am I in a rebase", "No: no rebase is in progress.\n"),
    ];
    for (q, want) in table {
        assert_eq!(common::stdout(ask(&w, &[q])), want, "{q}");
    }
}

#[test]
fn issue_6_a_rebase_in_progress_is_seen_and_aborted() {
    let w = world();
    w.git("repo", &["switch", "-q", "-c", "other"]);
    std::fs::write(w.path("repo/first.txt"), "theirs").unwrap();
    w.git("repo", &["commit", "-qam", "theirs"]);
    w.git("repo", &["switch", "-q", "feature/login"]);
    std::fs::write(w.path("repo/first.txt"), "ours").unwrap();
    w.git("repo", &["commit", "-qam", "ours"]);
    let out = w
        .command("git")
        .args(["rebase", "other"])
        .current_dir(w.path("repo"))
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "the rebase should stop on a conflict"
    );
    assert_eq!(
        common::stdout(ask(&w, &["am", "I", "in", "a", "rebase?"])),
        "Yes: a rebase is in progress on feature/login, step 1 of 1.\n"
    );
    assert_eq!(
        common::stdout(ask(&w, &["abort", "it"])),
        "Abort the rebase in progress.\ngit rebase --abort  # risk: changes things\n"
    );
}

#[test]
fn issue_6_kube_and_git_intents_use_the_current_context_and_are_risk_labelled() {
    let w = world();
    let table = [
        ("list pods", "kubectl get pods --context staging -n shop  # risk: safe"),
        ("delete namespace old-shop", "kubectl delete --context staging namespace old-shop  # risk: destructive"),
        ("restart deployment api", "kubectl rollout restart --context staging -n shop deployment/api  # risk: changes things"),
        ("force push", "git push --force-with-lease  # risk: destructive"),
        ("push this branch", "git push -u origin feature/login  # risk: changes things"),
        ("rm -rf ./target", "rm -rf ./target  # risk: destructive"),
        ("git status", "git status  # risk: safe"),
    ];
    for (q, want) in table {
        let out = common::stdout(ask(&w, &[q]));
        assert_eq!(out.lines().last(), Some(want), "{q}: {out}");
    }
}

#[test]
fn issue_6_json_has_every_agent_and_the_winner() {
    let w = world();
    let out = common::stdout(ask(&w, &["--json", "list", "pods"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["agent"], "kube");
    assert_eq!(v["command"], "kubectl get pods --context staging -n shop");
    assert_eq!(v["risk"], "safe");
    assert_eq!(v["destructive_request"], false);
    let agents = v["agents"].as_array().unwrap();
    let names: Vec<&str> = agents.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["context", "kube", "git", "command", "model"]);
    assert_eq!(agents[0]["outcome"], "declined");
    assert_eq!(agents[1]["outcome"], "answered");
    assert!(agents[1]["ms"].is_u64());
    assert_eq!(agents[4]["outcome"], "off");
}

#[test]
fn issue_6_the_question_can_come_on_stdin_and_secrets_are_redacted_first() {
    let w = world();
    let mut child = ask(&w, &["--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let key = format!("sk-{}", "Zz9".repeat(16));
    writeln!(
        child.stdin.take().unwrap(),
        "DB_PASSWORD=hunter22 ls -la {key}"
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["redacted"],
        serde_json::json!(["secret-value", "openai-key"])
    );
    assert_eq!(v["agent"], "command");
    assert_eq!(
        v["command"],
        "DB_PASSWORD=[redacted:secret-value] ls -la [redacted:openai-key]"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("hunter22"));
}

#[test]
fn issue_6_without_a_model_a_model_only_question_says_how_to_configure_one() {
    let w = world();
    let out = ask(&w, &["write", "me", "a", "haiku", "about", "yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("awesh: ask: no local agent can answer this, and no model is configured: set OPENAI_API_KEY"), "{err}");
    assert!(
        err.contains("AWESH_MODEL_URL") && err.contains("AWESH_MODEL "),
        "{err}"
    );
}

#[test]
fn issue_6_usage_errors_exit_2() {
    let w = world();
    let out = ask(&w, &[]).stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "awesh: ask: no question: the question is empty\n"
    );
    let out = ask(&w, &["--json", "--command-only", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn issue_6_command_only_prints_just_the_command_on_stdout() {
    let w = world();
    let out = ask(&w, &["--command-only", "new", "branch", "fix-42"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "git switch -c fix-42\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Create branch fix-42 here and switch to it.\nrisk: changes things (`git switch -c fix-42`: changes the repository)\n"
    );
}
