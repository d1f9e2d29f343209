//! Issue 14: no secret of the redaction corpus reaches a model. Each form is asked, as a
//! question, of a loopback chat server (the model as the only agent, so nothing answers
//! first); the bytes the server receives never hold the secret, and each look-alike arrives
//! exactly as it was typed.

mod common;

#[path = "../src/agent/redact/corpus_data.rs"]
mod corpus_data;

use common::chat::{ChatServer, Script};
use common::World;

fn asked(w: &World, question: &str) -> String {
    let server = ChatServer::start(Script::Stream(vec!["ok\n".into()]));
    w.config(&format!(
        "[ask]\nurl = \"{}\"\nagents = [\"model\"]\n",
        server.url()
    ));
    let out = w
        .awesh()
        .current_dir(w.path("repo"))
        .args(["ask", "--", question])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{question:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{question:?}");
    requests.into_iter().next().unwrap()
}

fn user_text(request: &str) -> String {
    let body: serde_json::Value =
        serde_json::from_str(request.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    body["messages"][1]["content"].as_str().unwrap().to_owned()
}

#[test]
fn issue_14_no_secret_of_the_corpus_reaches_the_model() {
    let w = World::new();
    w.repo("repo", "main");
    let corpus = corpus_data::corpus();
    let mut leaks = Vec::new();
    for (template, secret) in &corpus {
        let question = template.replacen("{}", secret, 1);
        let request = asked(&w, &question);
        // The raw bytes, and the JSON-decoded text (a secret with a quote is escaped on the wire).
        if request.contains(secret.as_str()) || user_text(&request).contains(secret.as_str()) {
            leaks.push(question);
        }
    }
    assert!(
        leaks.is_empty(),
        "{} of {} reached the server:\n{leaks:#?}",
        leaks.len(),
        corpus.len()
    );
}

#[test]
fn issue_14_look_alikes_reach_the_model_unchanged() {
    let w = World::new();
    w.repo("repo", "main");
    for text in corpus_data::CONTROLS {
        let request = asked(&w, text);
        assert_eq!(user_text(&request), *text);
    }
}
