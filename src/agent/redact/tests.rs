//! Redaction tables: every listed kind is caught (the secret's bytes are gone from the output),
//! and ordinary questions, commands and code are left exactly as they were. Secrets are built
//! from pieces so that no scanner mistakes this file for a leak.

use super::redact;

fn fake(prefix: &str, body: &str, n: usize) -> String {
    let mut s = prefix.to_owned();
    while s.len() < prefix.len() + n {
        s.push_str(body);
    }
    s.truncate(prefix.len() + n);
    s
}

/// (text around the secret, the secret, the kind it must be reported as)
fn cases() -> Vec<(String, String, &'static str)> {
    let jwt = format!(
        "{}.{}.{}",
        fake("eyJ", "hbGciOiJSUzI1NiIsImtpZCI6", 30),
        fake("eyJ", "pc3MiOiJrdWJlcm5ldGVzL3Nl", 60),
        fake("", "Sig_nAtUrE-0123", 40)
    );
    let pem = format!(
        "-----BEGIN {k}-----\n{}\n{}\n-----END {k}-----",
        fake("MIIE", "owIBAAKCAQEA", 64),
        fake("", "xYz0123456789", 40),
        k = "RSA PRIVATE KEY"
    );
    vec![
        (
            "my key is {} why 401".into(),
            fake("sk-", "a1B2c3D4e5", 48),
            "openai-key",
        ),
        (
            "use {}".into(),
            fake("sk-proj-", "Xy9_zW-8", 60),
            "openai-key",
        ),
        (
            "openrouter {} fails".into(),
            fake("sk-or-v1-", "0f3a", 64),
            "openai-key",
        ),
        (
            "clone with {} please".into(),
            fake("ghp_", "A1b2C3d4E5", 36),
            "github-token",
        ),
        (
            "token {}".into(),
            fake("github_pat_", "11ABCDE_xyz", 70),
            "github-token",
        ),
        (
            "id {} leaked".into(),
            fake("AKIA", "IOSFODNN7EXAMPLE", 16),
            "aws-access-key",
        ),
        (
            "slack {} broken".into(),
            fake("xoxb-", "1234-5678-abcd", 40),
            "slack-token",
        ),
        (
            "key {}".into(),
            fake("AIza", "SyD-abc_123", 35),
            "google-api-key",
        ),
        (
            "curl -H 'Authorization: Bearer {}' x".into(),
            fake("", "abc.DEF-123_x", 40),
            "bearer-token",
        ),
        (
            "get https://admin:{}@db.example.com/x".into(),
            "hunter2-S3cret".into(),
            "url-password",
        ),
        (
            "git clone https://bob:{}@github.com/o/r".into(),
            fake("", "p4ss", 12),
            "url-password",
        ),
        ("why does this fail:\n{}\nhelp".into(), pem, "private-key"),
        (
            "kubectl --token={} get pods".into(),
            jwt.clone(),
            "kube-token",
        ),
        ("my sa token {} expired?".into(), jwt, "kube-token"),
        (
            "kubeadm join --token {} x".into(),
            "abcdef.0123456789abcdef".into(),
            "kube-token",
        ),
        (
            "DB_PASSWORD={} ./run".into(),
            "correct-horse-battery".into(),
            "secret-value",
        ),
        (
            "export AWS_SECRET_ACCESS_KEY={}".into(),
            fake("", "wJalrXUtnFEMI/K7MDENG/bPxRfiCY", 40),
            "secret-value",
        ),
        (
            "set API_KEY=\"{}\" and go".into(),
            "plainvalue with space".into(),
            "secret-value",
        ),
        (
            "config {{\"password\": \"{}\"}}".into(),
            "p@ss w0rd".into(),
            "secret-value",
        ),
        ("token: {}".into(), "abc123def456".into(), "secret-value"),
        (
            "mysql --password {} -u root".into(),
            "s3cr3t!".into(),
            "secret-value",
        ),
        (
            "client-key-data: {}".into(),
            fake("LS0tLS1", "CRUdJTiBSU0E", 80),
            "secret-value",
        ),
        (
            "webhook https://hooks.slack.com/services/{} down".into(),
            "T000/B000/XXXXabcd".into(),
            "slack-webhook",
        ),
    ]
}

#[test]
fn every_listed_kind_is_redacted() {
    for (template, secret, kind) in cases() {
        let text = template.replacen("{}", &secret, 1);
        let out = redact(&text);
        assert!(
            !out.text.contains(secret.as_str()),
            "{kind} leaked: {text:?} -> {:?}",
            out.text
        );
        assert!(
            out.kinds.contains(&kind),
            "{text:?}: got {:?}, want {kind}",
            out.kinds
        );
        assert!(
            out.text.contains(&format!("[redacted:{kind}]")),
            "{:?}",
            out.text
        );
        // The words around the secret survive.
        let first = template
            .split("{}")
            .next()
            .unwrap()
            .trim_end_matches(['=', '"', ' ', ':', '\'']);
        let first = first.rsplit_once(' ').map_or(first, |(a, _)| a);
        assert!(out.text.contains(first), "{first:?} lost: {:?}", out.text);
    }
}

#[test]
fn ordinary_text_is_left_alone() {
    let cases = [
        "which cluster am I on",
        "undo the last commit",
        "kubectl logs web-7f9c6d-abcde -n prod --tail=100",
        "git log --author=bob --oneline",
        "what is a bearer token and how do I rotate it?",
        "how do I reset my password on the cluster",
        "curl https://example.com/api/v1?x=1",
        "echo $OPENAI_API_KEY is set",
        "export PWD=/home/me OLDPWD=/tmp",
        "max_tokens=100 temperature=0.2",
        "ssh user@host.example.com",
        "skip the sk-short key",
        "pip install sk-learn-tutorial-for-absolute-beginners",
        "-----BEGIN CERTIFICATE----- is public",
        "AKIA is the prefix of an access key",
        "git push origin feature/login-form",
        "docker run -e MODE=fast nginx:1.25",
        "the secret ingredient is love",
        "rm -rf ./build && mkdir build",
    ];
    for text in cases {
        let out = redact(text);
        assert_eq!(out.text, text, "changed");
        assert!(out.kinds.is_empty(), "{text}: {:?}", out.kinds);
    }
}

#[test]
fn several_secrets_in_one_text_are_all_redacted_in_order() {
    let a = fake("sk-", "Q1w2E3r4T5", 40);
    let b = fake("ghp_", "Z9y8X7w6V5", 36);
    let text = format!("first {a} then {b} end");
    let out = redact(&text);
    assert_eq!(
        out.text,
        "first [redacted:openai-key] then [redacted:github-token] end"
    );
    assert_eq!(out.kinds, ["openai-key", "github-token"]);
}

#[test]
fn a_cut_off_private_key_block_is_redacted_to_the_end() {
    let text = format!(
        "-----BEGIN OPENSSH PRIVATE KEY-----\n{}",
        fake("b3Bl", "bnNzaC1rZXk", 70)
    );
    let out = redact(&text);
    assert_eq!(out.text, "[redacted:private-key]");
}

/// Generated text from secret-looking pieces, separators and multi-byte characters: redaction
/// never panics (a panic aborts awesh) and every `sk-` key it is given goes.
#[test]
fn generated_text_never_panics_and_keys_always_go() {
    const PIECES: &[&str] = &[
        "password",
        "token",
        "secret",
        "api_key",
        "=",
        ":",
        " ",
        "\n",
        "  ",
        "\"",
        "'",
        "\\",
        "é",
        "☸️",
        "🌿",
        "\u{202e}",
        "-",
        "_",
        ".",
        "@",
        "://",
        "/",
        "Bearer ",
        "-----BEGIN ",
        "PRIVATE KEY-----",
        "eyJ",
        "AKIA",
        "ghp_",
        "|",
        "- ",
        "{",
        "}",
        ",",
        ";",
        "&",
        "?",
        "machine ",
        "login ",
        "mysql -p",
        "curl -u ",
        "<<",
        "0123456789",
        "abcDEF",
        "x",
    ];
    let runs: usize = std::env::var("AWESH_REDACT_FUZZ_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let key = fake("sk-proj-", "Qx7Lm2Np9Rt4", 40);
    for _ in 0..runs {
        let len = 1 + (next() % 16) as usize;
        let text: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let _ = redact(&text);
        let with_key = format!("{text} {key} {text}");
        let out = redact(&with_key);
        assert!(!out.text.contains(&key), "{with_key:?} -> {:?}", out.text);
    }
}
