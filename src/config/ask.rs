//! The `[ask]` section: which model `awesh ask` uses (`url`, `model`), the name of the
//! variable holding its key (`key_env`, never the key itself), how long it waits
//! (`timeout_ms`) and which agents run (`agents`). Parsed only by `ask`, `config check` and
//! `explain`: the prompt's own parse skips the section, so it costs the prompt nothing.

use toml::de::{DeTable, DeValue};

use super::Problem;

/// The agents, in their fixed priority order.
pub const AGENTS: &[&str] = &["context", "kube", "git", "command", "model"];

/// The longest wait `timeout_ms` may ask for (the whole answer is bounded at 600 s anyway).
pub const MAX_TIMEOUT_MS: u64 = 600_000;

/// What `[ask]` says; `None` where it says nothing (or something wrong).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ask {
    /// The model's base URL (`…/v1`) or chat-completions URL.
    pub url: Option<String>,
    /// The model name.
    pub model: Option<String>,
    /// The environment variable that holds the API key.
    pub key_env: Option<String>,
    /// The wait for connecting and for each part of the answer.
    pub timeout_ms: Option<u64>,
    /// The agents that run, in priority order (a subset of [`AGENTS`]).
    pub agents: Option<Vec<&'static str>>,
}

const KEYS: &[&str] = &["url", "model", "key_env", "timeout_ms", "agents"];

/// Parses the `[ask]` section of a config file's text; problems carry byte offsets.
#[must_use]
pub fn parse(text: &str) -> (Ask, Vec<Problem>) {
    let mut ask = Ask::default();
    let mut problems = Vec::new();
    let (root, _) = DeTable::parse_recoverable(text);
    let Some(section) = root.get_ref().get("ask") else {
        return (ask, problems);
    };
    let mut problem = |at: usize, message: String| problems.push(Problem { at, message });
    let DeValue::Table(table) = section.get_ref() else {
        problem(section.span().start, "ask must be a table ([ask])".into());
        return (ask, problems);
    };
    for (key, value) in table.iter() {
        let name = key.get_ref().as_ref();
        let at = value.span().start;
        let string = |v: &DeValue<'_>| match v {
            DeValue::String(s) => Some(s.to_string()),
            _ => None,
        };
        match name {
            "url" => match string(value.get_ref()) {
                Some(u) if u.starts_with("http://") || u.starts_with("https://") => {
                    ask.url = Some(u);
                }
                Some(_) => problem(at, "ask.url must start with http:// or https://".into()),
                None => problem(at, "ask.url must be a string".into()),
            },
            "model" => match string(value.get_ref()) {
                Some(m) if !m.trim().is_empty() => ask.model = Some(m),
                _ => problem(at, "ask.model must be a non-empty string".into()),
            },
            "key_env" => match string(value.get_ref()) {
                Some(v) if is_variable_name(&v) => ask.key_env = Some(v),
                // The value is never echoed: it may be the key itself, pasted by mistake.
                _ => problem(
                    at,
                    "ask.key_env must be the name of the variable that holds the key (such as \
                     OPENAI_API_KEY: upper-case letters, digits and _), never the key itself"
                        .into(),
                ),
            },
            "timeout_ms" => match value.get_ref() {
                DeValue::Integer(i) => match u64::from_str_radix(i.as_str(), i.radix()).ok() {
                    Some(ms) if (1..=MAX_TIMEOUT_MS).contains(&ms) => ask.timeout_ms = Some(ms),
                    _ => problem(
                        at,
                        format!("ask.timeout_ms must be between 1 and {MAX_TIMEOUT_MS}"),
                    ),
                },
                _ => problem(at, "ask.timeout_ms must be a number of milliseconds".into()),
            },
            "agents" => match value.get_ref() {
                DeValue::Array(items) => {
                    let mut chosen = Vec::new();
                    let mut broken = false;
                    for item in items.iter() {
                        match string(item.get_ref()) {
                            Some(a) => match AGENTS.iter().find(|k| **k == a) {
                                Some(k) if !chosen.contains(k) => chosen.push(*k),
                                Some(_) => {}
                                None => {
                                    broken = true;
                                    problem(
                                        item.span().start,
                                        format!(
                                            "unknown agent {a:?} in ask.agents (known: {}); \
                                             every agent runs",
                                            AGENTS.join(", ")
                                        ),
                                    );
                                }
                            },
                            None => {
                                broken = true;
                                problem(
                                    item.span().start,
                                    "ask.agents must be a list of agent names".into(),
                                );
                            }
                        }
                    }
                    // Priority is fixed: the list says which run, not in what order. A broken
                    // list keeps the default (every agent), like any broken key.
                    chosen.sort_by_key(|a| AGENTS.iter().position(|k| k == a));
                    if !broken {
                        ask.agents = Some(chosen);
                    }
                }
                _ => problem(
                    at,
                    "ask.agents must be a list such as [\"context\", \"model\"]".into(),
                ),
            },
            _ => problem(
                key.span().start,
                format!("unknown key {name:?} in [ask] (known: {})", KEYS.join(", ")),
            ),
        }
    }
    (ask, problems)
}

fn is_variable_name(v: &str) -> bool {
    let mut bytes = v.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_uppercase() || b == b'_')
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_read() {
        let (ask, problems) = parse(
            "[ask]\nurl = \"http://127.0.0.1:11434/v1\"\nmodel = \"llama3.2\"\nkey_env = \"MY_KEY\"\n\
             timeout_ms = 5000\nagents = [\"model\", \"context\", \"model\"]\n",
        );
        assert_eq!(problems, []);
        assert_eq!(
            ask,
            Ask {
                url: Some("http://127.0.0.1:11434/v1".into()),
                model: Some("llama3.2".into()),
                key_env: Some("MY_KEY".into()),
                timeout_ms: Some(5000),
                agents: Some(vec!["context", "model"]),
            }
        );
        assert_eq!(parse("format = \"x\"\n"), (Ask::default(), vec![]));
    }

    #[test]
    fn problems_name_the_key_and_never_echo_a_key() {
        let text = "[ask]\nurl = \"ftp://x\"\nkey_env = \"sk-proj-abcdef123456\"\ntimeout_ms = 0\n\
                    agents = [\"modle\"]\nmodle = 1\n";
        let (ask, problems) = parse(text);
        assert_eq!(ask.url, None);
        assert_eq!(ask.key_env, None);
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 5, "{messages:#?}");
        assert!(
            messages.iter().all(|m| !m.contains("sk-proj")),
            "{messages:#?}"
        );
        let has = |part: &str| messages.iter().any(|m| m.contains(part));
        assert!(has("ask.key_env must be the name"), "{messages:#?}");
        assert!(has("unknown agent \"modle\""), "{messages:#?}");
        assert!(has("unknown key \"modle\" in [ask]"), "{messages:#?}");
        assert!(has("ask.timeout_ms must be between"), "{messages:#?}");
        // Offsets point at the value.
        let url = problems
            .iter()
            .find(|p| p.message.contains("ask.url"))
            .unwrap();
        assert_eq!(&text[url.at..url.at + 5], "\"ftp:");
    }
}
