//! The redaction corpus of issue 14 run through `redact`: every secret form loses its secret,
//! every look-alike comes out exactly as it went in (the data is in `corpus_data.rs`).

use super::corpus_data::{corpus, CONTROLS};
use super::redact;

#[test]
fn issue_14_every_secret_of_the_corpus_is_redacted() {
    let corpus = corpus();
    assert!(corpus.len() >= 60, "{} forms", corpus.len());
    let mut leaks = Vec::new();
    for (template, secret) in &corpus {
        let text = template.replacen("{}", secret, 1);
        let out = redact(&text);
        if out.text.contains(secret.as_str()) || out.kinds.is_empty() {
            leaks.push(format!("{text:?} -> {:?}", out.text));
        }
        // The words before the secret survive.
        let before = template.split("{}").next().unwrap();
        let first = before.split_whitespace().next().unwrap_or("");
        if !out.text.contains(first) {
            leaks.push(format!("{first:?} lost: {:?}", out.text));
        }
    }
    assert!(
        leaks.is_empty(),
        "{} of {}:\n{leaks:#?}",
        leaks.len(),
        corpus.len()
    );
}

#[test]
fn issue_14_look_alikes_keep_their_meaning() {
    let changed: Vec<String> = CONTROLS
        .iter()
        .filter_map(|text| {
            let out = redact(text);
            (out.text != *text).then(|| format!("{text:?} -> {:?}", out.text))
        })
        .collect();
    assert!(changed.is_empty(), "{changed:#?}");
}
