//! Secrets found by what names them rather than by their shape: `KEY=value`, `key: value`
//! (also on the next line or in a YAML `|` block), `"key" : "value"`, `--key value`, the
//! password flags of programs (`mysql -pX`, `sshpass -p X`, `curl -u user:X`, `openssl -pass
//! pass:X`...), and credential files (`.netrc`, `.pgpass`, `~/.aws/credentials`). A key is
//! split into its words (`secretName` is `secret` + `name`), so a name that only describes a
//! secret (`secretName`, `password_min_length`, `tokenizer_class`) keeps its value.

use super::{is_token, is_word, run, Span};

/// Words that make a key name a secret: `DB_PASSWORD`, `clientSecret`, `x-api-key`...
const STRONG: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pass",
    "pwd",
    "pw",
    "secret",
    "secrets",
    "token",
    "apikey",
    "credential",
    "credentials",
    "authorization",
    "accountkey",
    "privatekey",
    "accesskey",
    "secretkey",
    "storepass",
    "keypass",
];

/// Word endings that do the same inside a run-together word (`identitytoken`, `dbpassword`).
const STRONG_ENDINGS: &[&str] = &[
    "token",
    "password",
    "passwd",
    "secret",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "accountkey",
];

/// Words that name a secret only when the value looks random: `session=`, `sig=`, `auth=`.
const WEAK: &[&str] = &[
    "session",
    "sessionid",
    "sess",
    "sid",
    "auth",
    "sig",
    "signature",
    "cookie",
];

/// `key` is a secret after these words: `api_key`, `access-key`, `AccountKey`, `x-api-key`.
const KEY_AFTER: &[&str] = &[
    "api",
    "access",
    "private",
    "secret",
    "account",
    "auth",
    "master",
    "encryption",
    "signing",
    "client",
    "shared",
    "storage",
    "subscription",
    "license",
    "app",
];

/// A last word that says the value describes a secret rather than being one.
const QUALIFIERS: &[&str] = &[
    "name",
    "names",
    "length",
    "len",
    "min",
    "max",
    "count",
    "size",
    "policy",
    "file",
    "path",
    "dir",
    "ref",
    "class",
    "type",
    "kind",
    "enabled",
    "required",
    "url",
    "uri",
    "endpoint",
    "id",
    "ttl",
    "timeout",
    "expiry",
    "expires",
    "expiration",
    "version",
    "header",
    "prefix",
    "mode",
    "format",
    "arn",
    "env",
    "var",
    "hint",
    "field",
    "rotation",
    "source",
    "store",
    "manager",
    "provider",
    "command",
    "cmd",
    "helper",
    "type",
];

/// Values that are never the secret itself.
const NOT_VALUES: &[&str] = &[
    "true", "false", "null", "none", "nil", "yes", "no", "required", "optional", "redacted",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Strength {
    /// Any value is a secret.
    Strong,
    /// Only a value that looks random is.
    Weak,
}

/// The words of a key: split on `_ - .` and lower-to-upper case changes, lower-cased.
fn words(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if matches!(c, '_' | '-' | '.') {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn strength(key: &str) -> Option<Strength> {
    let words = words(key);
    let last = words.last()?;
    if QUALIFIERS.contains(&last.as_str()) || words.iter().any(|w| w == "tokens") {
        return None;
    }
    let strong = words.iter().enumerate().any(|(i, w)| {
        STRONG.contains(&w.as_str())
            || STRONG_ENDINGS
                .iter()
                .any(|e| w.ends_with(e) && w != "keypass")
            || (w == "key"
                && (i > 0 && KEY_AFTER.contains(&words[i - 1].as_str())
                    || words.get(i + 1).is_some_and(|n| n == "data")))
    });
    if strong {
        return Some(Strength::Strong);
    }
    words
        .iter()
        .any(|w| WEAK.contains(&w.as_str()))
        .then_some(Strength::Weak)
}

/// A value that looks generated rather than chosen: long, with digits or mixed case.
fn random_looking(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() >= 8
        && (b.iter().any(u8::is_ascii_digit)
            || (b.iter().any(u8::is_ascii_uppercase) && b.iter().any(u8::is_ascii_lowercase)))
}

fn placeholder(value: &str) -> bool {
    value.is_empty()
        || value.starts_with('$')
        || value.starts_with("[redacted")
        || value.starts_with('<')
        || value.starts_with('{')
        || value.starts_with('[')
        || value.chars().all(|c| c == '*' || c == 'x' || c == '.')
        || NOT_VALUES.contains(&value.to_ascii_lowercase().as_str())
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |n| n + 1)
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |n| at + n)
}

/// The word before `at` (skipping blanks), for `aws configure set KEY VALUE`.
fn previous_word(text: &str, at: usize) -> &str {
    let before = text[..at].trim_end();
    let start = before
        .rfind(|c: char| c.is_whitespace())
        .map_or(0, |n| n + 1);
    &before[start..]
}

/// A YAML value on the lines after `key:` (a `|`/`>` block, or a plain scalar indented
/// below the key): the span of those lines, when there is one.
fn yaml_below(text: &str, key_at: usize, after_colon: usize) -> Option<(usize, usize)> {
    let rest_of_line = text[after_colon..line_end(text, after_colon)].trim();
    let block = rest_of_line.starts_with('|') || rest_of_line.starts_with('>');
    if !(rest_of_line.is_empty() || block) {
        return None;
    }
    let ls = line_start(text, key_at);
    let indent = text[ls..key_at]
        .chars()
        .take_while(|c| *c == ' ' || *c == '-')
        .count();
    let mut at = line_end(text, after_colon);
    let (mut start, mut end) = (None, at);
    while at < text.len() {
        let next = at + 1;
        let le = line_end(text, next);
        let line = &text[next..le];
        let trimmed = line.trim_start();
        let this_indent = line.len() - trimmed.len();
        if trimmed.is_empty() && block {
            at = le;
            continue;
        }
        if this_indent <= indent || trimmed.is_empty() {
            break;
        }
        if !block && start.is_none() {
            // A mapping or a list below the key is structure, not a value.
            let mapping = trimmed.starts_with("- ")
                || trimmed.split_once(": ").is_some()
                || trimmed.ends_with(':');
            if mapping {
                return None;
            }
        }
        start.get_or_insert(next + this_indent);
        end = le;
        at = le;
        if !block {
            break;
        }
    }
    start.map(|s| (s, end))
}

/// The value starting at `at`: a quoted string, or up to white space or a separator;
/// `Bearer x`/`Basic x` take the next word too.
fn value_span(text: &str, at: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    match bytes.get(at) {
        Some(&q @ (b'"' | b'\'')) => {
            // To the closing quote; in double quotes (and JSON) a backslash escapes one.
            let mut end = bytes.len();
            let mut k = at + 1;
            while k < bytes.len() {
                if bytes[k] == b'\\' && q == b'"' {
                    k += 2;
                    continue;
                }
                if bytes[k] == q {
                    end = k;
                    break;
                }
                k += 1;
            }
            (at + 1, end.min(bytes.len()))
        }
        Some(_) => {
            let stop = |b: &u8| {
                b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b',' | b'}' | b';' | b'&')
            };
            let end = bytes[at..]
                .iter()
                .position(stop)
                .map_or(bytes.len(), |p| at + p);
            let word = text[at..end].to_ascii_lowercase();
            if matches!(word.as_str(), "bearer" | "basic" | "token")
                && bytes.get(end) == Some(&b' ')
            {
                // `Authorization: Bearer x`: the scheme stays, the credential goes.
                let next = end + 1;
                let end2 = bytes[next..]
                    .iter()
                    .position(stop)
                    .map_or(bytes.len(), |p| next + p);
                return (next, end2);
            }
            (at, end)
        }
        None => (at, at),
    }
}

/// `KEY=value`, `key: value`, `"key" : "value"`, `--key value`, `set KEY value`, `.netrc`'s
/// `password value`, and YAML values below their key.
pub(super) fn key_values(text: &str, spans: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let key_char = |b: u8| is_word(b) || b == b'.';
    let netrc = text.contains("machine ");
    let mut i = 0;
    while i < bytes.len() {
        if !key_char(bytes[i]) || (i > 0 && key_char(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let key_end = run(bytes, i, key_char);
        let key = &text[i..key_end];
        let Some(strength) = strength(key) else {
            i = key_end;
            continue;
        };
        let mut j = key_end;
        if matches!(bytes.get(j), Some(b'"' | b'\'')) {
            j += 1;
        }
        let sep = run(bytes, j, |b| b == b' ' || b == b'\t');
        let blanks = |from: usize| run(bytes, from, |b| b == b' ' || b == b'\t');
        let flag = key.starts_with('-');
        let value_start = match bytes.get(sep) {
            Some(b'=') if bytes.get(sep + 1) != Some(&b'=') => blanks(sep + 1),
            Some(b':') if !flag && bytes.get(sep + 1) != Some(&b':') => {
                if let Some((s, e)) = yaml_below(text, i, sep + 1) {
                    spans.push((s, e, "secret-value"));
                    i = e;
                    continue;
                }
                blanks(sep + 1)
            }
            Some(_) if sep > j => {
                let lower = key.to_ascii_lowercase();
                let spaced = flag
                    || previous_word(text, i) == "set"
                    || (netrc && matches!(lower.as_str(), "password" | "passwd"));
                // Prose: "my password is Hunter2!", "the token was abc123def".
                let is = ["is ", "was ", "is: ", "= "]
                    .iter()
                    .find(|w| text[sep..].starts_with(**w))
                    .map(|w| sep + w.len());
                match is {
                    _ if spaced => sep,
                    Some(at) if strength == Strength::Strong => {
                        let (s2, e2) = value_span(text, at);
                        let v = text[s2..e2].trim_end_matches(['.', ',', '!', '?']);
                        if random_looking(v)
                            || (v.len() >= 6 && v.bytes().any(|b| b.is_ascii_punctuation()))
                        {
                            spans.push((s2, s2 + v.len(), "secret-value"));
                        }
                        i = e2.max(key_end);
                        continue;
                    }
                    _ => {
                        i = key_end;
                        continue;
                    }
                }
            }
            _ => {
                i = key_end;
                continue;
            }
        };
        let (start, end) = value_span(text, value_start);
        let value = &text[start..end];
        let exempt = placeholder(value)
            || (strength == Strength::Weak && !random_looking(value))
            // `PWD=/home/me` is the shell's working directory, not an ODBC password.
            || (key.eq_ignore_ascii_case("pwd") && (value.starts_with('/') || value.starts_with('~')));
        if !exempt {
            spans.push((start, end, "secret-value"));
        }
        i = end.max(key_end);
    }
}

/// How a program takes a password on its command line.
enum Takes {
    /// The next argument: `sshpass -p X`.
    Next,
    /// Glued to the flag only: `mysql -pX` (`-p` alone prompts).
    Glued,
    /// The next argument or glued: `redis-cli -a X`, `-aX`.
    Either,
    /// The part of the next argument after this character: `curl -u user:X`, `smbclient -U u%X`.
    After(char),
    /// The next argument after `pass:`: `openssl ... -pass pass:X`.
    PassColon,
    /// The n-th word after the flag: `htpasswd -b FILE USER PASSWORD`.
    Nth(usize),
}

/// (programs, flag, how): one row per rule.
const FLAGS: &[(&[&str], &str, Takes)] = &[
    (
        &[
            "mysql",
            "mysqldump",
            "mysqladmin",
            "mariadb",
            "mysqlimport",
            "mysqlshow",
        ],
        "-p",
        Takes::Glued,
    ),
    (
        &[
            "docker", "podman", "nerdctl", "helm", "oras", "skopeo", "buildah", "crane", "az",
            "heroku",
        ],
        "-p",
        Takes::Either,
    ),
    (
        &["mongo", "mongosh", "mongodump", "mongorestore", "sshpass"],
        "-p",
        Takes::Either,
    ),
    (&["redis-cli", "keydb-cli"], "-a", Takes::Either),
    (&["sqlcmd", "bcp"], "-P", Takes::Either),
    (
        &[
            "ldapsearch",
            "ldapmodify",
            "ldapadd",
            "ldapdelete",
            "ldapwhoami",
            "ldappasswd",
        ],
        "-w",
        Takes::Either,
    ),
    (&["curl"], "-u", Takes::After(':')),
    (&["curl"], "--user", Takes::After(':')),
    (&["curl"], "-U", Takes::After(':')),
    (&["curl"], "--proxy-user", Takes::After(':')),
    (
        &["smbclient", "rpcclient", "smbmap"],
        "-U",
        Takes::After('%'),
    ),
    (&["openssl"], "-pass", Takes::PassColon),
    (&["openssl"], "-passin", Takes::PassColon),
    (&["openssl"], "-passout", Takes::PassColon),
    (&["openssl"], "-k", Takes::Next),
    (&["keytool"], "-storepass", Takes::Next),
    (&["keytool"], "-keypass", Takes::Next),
    (&["htpasswd"], "-b", Takes::Nth(3)),
    (&["ssh-keygen"], "-N", Takes::Next),
    (&["ssh-keygen"], "-P", Takes::Next),
    (&["vncpasswd", "x11vnc"], "-passwd", Takes::Next),
];

/// Programs whose `-p` is a password only in their `login` command (`docker run -p` is a port).
const LOGIN_ONLY: &[&str] = &[
    "docker", "podman", "nerdctl", "helm", "oras", "skopeo", "buildah", "crane", "az", "heroku",
];

/// Password flags of the programs in [`FLAGS`], up to the end of their command.
pub(super) fn flags(text: &str, spans: &mut Vec<Span>) {
    // Words with their offsets; quotes are stripped from a value's span below.
    let words: Vec<(usize, &str)> = text
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
        .collect();
    let mut program: Option<&str> = None;
    let mut k = 0;
    while k < words.len() {
        let (at, w) = words[k];
        if matches!(w, "|" | "||" | "&&" | ";") || w.ends_with(';') {
            program = None;
        }
        let base = w.rsplit('/').next().unwrap_or(w);
        if FLAGS.iter().any(|(ps, _, _)| ps.contains(&base)) {
            let login = || {
                words[k + 1..]
                    .iter()
                    .take_while(|(_, w)| !matches!(*w, "|" | "||" | "&&" | ";"))
                    .any(|(_, w)| *w == "login")
            };
            program = (!LOGIN_ONLY.contains(&base) || login()).then_some(base);
            k += 1;
            continue;
        }
        let Some(p) = program else {
            k += 1;
            continue;
        };
        for (programs, flag, how) in FLAGS {
            if !programs.contains(&p) {
                continue;
            }
            let next = words.get(k + 1).copied();
            let span = match how {
                Takes::Next | Takes::Either if w == *flag => next.map(|(a, v)| (a, a + v.len())),
                Takes::Glued | Takes::Either
                    if w.len() > flag.len() && w.starts_with(flag) && !flag.starts_with("--") =>
                {
                    Some((at + flag.len(), at + w.len()))
                }
                Takes::After(c) if w == *flag => {
                    next.and_then(|(a, v)| v.find(*c).map(|n| (a + n + 1, a + v.len())))
                }
                Takes::PassColon if w == *flag => next
                    .and_then(|(a, v)| v.strip_prefix("pass:").map(|s| (a + 5, a + 5 + s.len()))),
                Takes::Nth(n) if w == *flag => words.get(k + n).map(|&(a, v)| (a, a + v.len())),
                _ => None,
            };
            if let Some((s, e)) = span {
                let (s, e) = unquote(text, s, e);
                if s < e && !text[s..e].starts_with('$') {
                    spans.push((s, e, "secret-value"));
                }
                break;
            }
        }
        k += 1;
    }
}

fn unquote(text: &str, s: usize, e: usize) -> (usize, usize) {
    let v = &text[s..e];
    let v2 = v.trim_start_matches(['"', '\'']);
    let s = s + (v.len() - v2.len());
    let v3 = v2.trim_end_matches(['"', '\'']);
    (s, s + v3.len())
}

/// Credential files pasted into a question: `.pgpass` lines (`host:port:db:user:password`),
/// and a bare AWS secret access key (40 characters of base64) where AWS is being talked about.
pub(super) fn files(text: &str, spans: &mut Vec<Span>) {
    for word in text.split_whitespace() {
        let at = word.as_ptr() as usize - text.as_ptr() as usize;
        let fields: Vec<&str> = word.split(':').collect();
        if fields.len() == 5
            && (fields[1] == "*" || fields[1].bytes().all(|b| b.is_ascii_digit()))
            && !fields[1].is_empty()
            && !fields[4].is_empty()
            && !fields[4].starts_with("[redacted")
        {
            let start = at + word.len() - fields[4].len();
            spans.push((start, at + word.len(), "secret-value"));
        }
    }
    let lower = text.to_ascii_lowercase();
    if !(lower.contains("aws") || spans.iter().any(|s| s.2 == "aws-access-key")) {
        return;
    }
    let bytes = text.as_bytes();
    let b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'/' || b == b'+';
    let mut i = 0;
    while i < bytes.len() {
        if !b64(bytes[i]) || (i > 0 && (is_token(bytes[i - 1]) && bytes[i - 1] != b'=')) {
            i += 1;
            continue;
        }
        let end = run(bytes, i, b64);
        let t = &bytes[i..end];
        if t.len() == 40
            && t.iter().any(u8::is_ascii_digit)
            && t.iter().any(u8::is_ascii_uppercase)
            && t.iter().any(u8::is_ascii_lowercase)
        {
            spans.push((i, end, "aws-secret-key"));
        }
        i = end.max(i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_split_into_words() {
        let table: &[(&str, &[&str])] = &[
            ("secretName", &["secret", "name"]),
            ("DB_PASSWORD", &["db", "password"]),
            ("x-api-key", &["x", "api", "key"]),
            ("--client-secret", &["client", "secret"]),
            ("AccountKey", &["account", "key"]),
            ("connect.sid", &["connect", "sid"]),
        ];
        for (key, want) in table {
            assert_eq!(words(key), *want, "{key}");
        }
    }
}
