//! The first filter: secrets are cut out of the question before any handler sees it, so
//! nothing unredacted can reach a model or a log. Hand-written matchers rather than regexes:
//! the kinds are few and prefix-shaped, matching is one pass, and `ask` pays no regex
//! compilation at start-up. Each secret becomes `[redacted:<kind>]`, so the model still knows
//! something was there.

/// A question with its secrets replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    /// The text every later agent sees.
    pub text: String,
    /// The kind of each secret removed, in order of appearance.
    pub kinds: Vec<&'static str>,
}

/// A secret's byte range in the text and its kind.
type Span = (usize, usize, &'static str);

/// A prefix-identified token: (prefix, kind, allowed characters after it, minimum length after).
type Prefixed = (&'static str, &'static str, fn(u8) -> bool, usize);

const PREFIXED: &[Prefixed] = &[
    ("sk-", "openai-key", is_word, 20),
    ("github_pat_", "github-token", is_word, 20),
    ("ghp_", "github-token", is_alnum, 30),
    ("gho_", "github-token", is_alnum, 30),
    ("ghu_", "github-token", is_alnum, 30),
    ("ghs_", "github-token", is_alnum, 30),
    ("ghr_", "github-token", is_alnum, 30),
    ("glpat-", "gitlab-token", is_word, 20),
    ("xoxb-", "slack-token", is_word, 10),
    ("xoxp-", "slack-token", is_word, 10),
    ("xoxa-", "slack-token", is_word, 10),
    ("xoxr-", "slack-token", is_word, 10),
    ("xoxs-", "slack-token", is_word, 10),
    ("xapp-", "slack-token", is_word, 10),
    ("AIza", "google-api-key", is_word, 35),
    ("sk_live_", "stripe-key", is_alnum, 16),
    ("rk_live_", "stripe-key", is_alnum, 16),
    ("sk_test_", "stripe-key", is_alnum, 16),
    ("hf_", "huggingface-token", is_alnum, 30),
    ("npm_", "npm-token", is_alnum, 36),
    ("pypi-", "pypi-token", is_word, 50),
    ("dop_v1_", "digitalocean-token", is_alnum, 64),
    ("ya29.", "google-oauth-token", is_token_char, 20),
    ("1//", "google-refresh-token", is_word, 30),
    ("hvs.", "vault-token", is_word, 20),
    ("hvb.", "vault-token", is_word, 20),
    ("hvr.", "vault-token", is_word, 20),
    ("SG.", "sendgrid-key", is_dotted, 60),
    ("glrt-", "gitlab-token", is_word, 20),
    ("glptt-", "gitlab-token", is_word, 20),
    ("gldt-", "gitlab-token", is_word, 20),
    ("glsoat-", "gitlab-token", is_word, 20),
    ("GR1348941", "gitlab-token", is_word, 20),
    ("dapi", "databricks-token", is_hex, 32),
    ("shpat_", "shopify-token", is_hex, 32),
    ("shpss_", "shopify-token", is_hex, 32),
    ("shpca_", "shopify-token", is_hex, 32),
    ("shppa_", "shopify-token", is_hex, 32),
    ("key-", "mailgun-key", is_alnum, 32),
    ("AGE-SECRET-KEY-1", "age-secret-key", is_upper_alnum, 50),
    ("xoxe.xoxp-", "slack-token", is_word, 10),
    ("sq0atp-", "square-token", is_word, 22),
    ("sq0csp-", "square-token", is_word, 40),
    ("pk_live_", "stripe-key", is_alnum, 16),
    ("whsec_", "stripe-key", is_alnum, 24),
    ("ATATT3", "atlassian-token", is_token_char, 100),
    ("lin_api_", "linear-key", is_alnum, 32),
    ("nfp_", "netlify-token", is_alnum, 32),
    ("doo_v1_", "digitalocean-token", is_alnum, 64),
    ("sntrys_", "sentry-token", is_token_char, 60),
    ("glc_", "grafana-token", is_token_char, 32),
    ("rubygems_", "rubygems-key", is_alnum, 48),
];

fn is_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

fn is_upper_alnum(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

fn is_dotted(b: u8) -> bool {
    is_word(b) || b == b'.'
}

fn is_token_char(b: u8) -> bool {
    is_token(b)
}

/// The four-letter prefixes of AWS access key ids (then 16 upper-case letters or digits).
const AWS_PREFIXES: &[&str] = &[
    "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA",
];

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Characters of a token value (bearer tokens, JWTs, base64).
fn is_token(b: u8) -> bool {
    is_word(b) || matches!(b, b'.' | b'~' | b'+' | b'/' | b'=')
}

fn run(bytes: &[u8], from: usize, ok: fn(u8) -> bool) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| !ok(b))
        .map_or(bytes.len(), |n| from + n)
}

/// Replaces every secret in `text`.
#[must_use]
pub fn redact(text: &str) -> Redacted {
    let mut spans: Vec<Span> = Vec::new();
    private_keys(text, &mut spans);
    tokens(text, &mut spans);
    bearer(text, &mut spans);
    url_passwords(text, &mut spans);
    keys::key_values(text, &mut spans);
    keys::flags(text, &mut spans);
    keys::files(text, &mut spans);
    spans.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
    let mut out = String::with_capacity(text.len());
    let mut kinds = Vec::new();
    let mut at = 0;
    for (start, end, kind) in spans {
        if start < at {
            continue; // inside a span already replaced
        }
        out.push_str(&text[at..start]);
        out.push_str("[redacted:");
        out.push_str(kind);
        out.push(']');
        kinds.push(kind);
        at = end;
    }
    out.push_str(&text[at..]);
    Redacted { text: out, kinds }
}

fn private_keys(text: &str, spans: &mut Vec<Span>) {
    let mut from = 0;
    while let Some(n) = text[from..].find("-----BEGIN ") {
        let start = from + n;
        let header_end = text[start + 11..].find("-----").map(|n| start + 11 + n + 5);
        let Some(header_end) = header_end else { break };
        if !text[start..header_end].contains("PRIVATE KEY") {
            from = header_end;
            continue;
        }
        // To the end of the END line, or of the text when the block is cut off.
        let end = text[header_end..]
            .find("-----END ")
            .and_then(|n| {
                let e = header_end + n + 9;
                text[e..].find("-----").map(|m| e + m + 5)
            })
            .unwrap_or(text.len());
        spans.push((start, end, "private-key"));
        from = end;
    }
}

fn tokens(text: &str, spans: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // A token may follow any non-alphanumeric byte: `repo-ghp_…`, `x_AKIA…`, a path.
        if i > 0 && bytes[i - 1].is_ascii_alphanumeric() || !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let rest = &text[i..];
        let mut found = None;
        for &(prefix, kind, ok, min) in PREFIXED {
            if rest.starts_with(prefix) {
                let end = run(bytes, i + prefix.len(), ok);
                // Random keys have digits; words joined by dashes ("sk-learn-...") do not.
                let body = &bytes[i + prefix.len()..end];
                if body.len() >= min && body.iter().any(u8::is_ascii_digit) {
                    found = Some((end, kind));
                    break;
                }
            }
        }
        if found.is_none() && AWS_PREFIXES.iter().any(|p| rest.starts_with(p)) {
            let end = run(bytes, i, |b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if end - i == 20 && !bytes.get(end).copied().is_some_and(is_alnum) {
                found = Some((end, "aws-access-key"));
            }
        }
        if found.is_none() && rest.starts_with("eyJ") {
            // A JWT (Kubernetes service-account tokens are JWTs): three base64url parts; a
            // JWE has five, and its second (the encrypted key) may be empty.
            let end = run(bytes, i, |b| is_word(b) || b == b'.');
            let jwt = &text[i..end];
            let dots = jwt.matches('.').count();
            if jwt.split('.').filter(|p| !p.is_empty()).count() >= 2
                && (dots == 2 || dots == 4)
                && end - i >= 30
            {
                found = Some((end, if dots == 2 { "kube-token" } else { "jwe-token" }));
            }
        }
        if found.is_none() && rest.starts_with("s.") {
            // A legacy Vault token: `s.` and 24 random letters and digits.
            let end = run(bytes, i + 2, is_alnum);
            let body = &bytes[i + 2..end];
            if body.len() == 24
                && !bytes.get(end).copied().is_some_and(is_token)
                && body.iter().any(u8::is_ascii_digit)
                && body.iter().any(u8::is_ascii_uppercase)
                && body.iter().any(u8::is_ascii_lowercase)
            {
                found = Some((end, "vault-token"));
            }
        }
        if found.is_none() {
            // A Kubernetes bootstrap token: [a-z0-9]{6}.[a-z0-9]{16}.
            let lower = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
            let end = run(bytes, i, lower);
            if end - i == 6 && bytes.get(end) == Some(&b'.') {
                let end2 = run(bytes, end + 1, lower);
                if end2 - end - 1 == 16 && !bytes.get(end2).copied().is_some_and(is_token) {
                    found = Some((end2, "kube-token"));
                }
            }
        }
        if found.is_none() && bytes[i].is_ascii_digit() {
            // A Telegram bot token: 8-10 digits, a colon, 35 characters.
            let digits = run(bytes, i, |b| b.is_ascii_digit());
            if (8..=10).contains(&(digits - i)) && bytes.get(digits) == Some(&b':') {
                let end = run(bytes, digits + 1, is_word);
                if end - digits - 1 == 35 {
                    found = Some((end, "telegram-token"));
                }
            }
        }
        match found {
            Some((end, kind)) => {
                spans.push((i, end, kind));
                i = end;
            }
            None => i += 1,
        }
    }
    // Slack incoming webhooks carry their secret in the path.
    let hook = "hooks.slack.com/services/";
    let mut from = 0;
    while let Some(n) = text[from..].find(hook) {
        let start = from + n + hook.len();
        let end = run(bytes, start, |b| is_word(b) || b == b'/');
        if end > start {
            spans.push((start, end, "slack-webhook"));
        }
        from = end.max(start);
    }
}

fn bearer(text: &str, spans: &mut Vec<Span>) {
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    for (word, kind) in [("bearer ", "bearer-token"), ("basic ", "basic-auth")] {
        let mut from = 0;
        while let Some(n) = lower[from..].find(word) {
            let at = from + n;
            let start = run(bytes, at + word.len(), |b| b == b' ');
            let end = run(bytes, start, is_token);
            let boundary = at == 0 || !is_alnum(bytes[at - 1]);
            // A real token is long and not an English word ("bearer of bad news").
            let value = &text[start..end];
            let tokenish = value.len() >= 16
                || (value.len() >= 8 && value.bytes().any(|b| b.is_ascii_digit()));
            if boundary && tokenish && (kind == "bearer-token" || lower[..at].ends_with(": ")) {
                spans.push((start, end, kind));
            }
            from = end.max(at + word.len());
        }
    }
}

fn url_passwords(text: &str, spans: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(n) = text[from..].find("://") {
        let start = from + n + 3;
        let end = bytes[start..]
            .iter()
            .position(|&b| {
                b.is_ascii_whitespace() || matches!(b, b'/' | b'?' | b'#' | b'"' | b'\'')
            })
            .map_or(bytes.len(), |p| start + p);
        let authority = &text[start..end];
        if let Some(at) = authority.rfind('@') {
            if let Some(colon) = authority[..at].find(':') {
                if colon + 1 < at {
                    spans.push((start + colon + 1, start + at, "url-password"));
                }
            }
        }
        from = end.max(start);
    }
}

#[cfg(test)]
mod corpus;
#[cfg(test)]
mod corpus_data;
mod keys;
#[cfg(test)]
mod tests;
