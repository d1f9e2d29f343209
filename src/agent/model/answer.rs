//! Reading the model's response: a streamed answer (server-sent events, each piece passed on
//! as it arrives), a whole JSON answer from a server that ignored `stream`, and an error
//! status turned into a message that says what to do (the key variable, when to retry).

use std::io::{BufReader, Read};

use anyhow::anyhow;
use serde_json::Value;

use super::super::http;
use super::super::{sse, Turn};
use super::Config;

/// A short, single-line excerpt of an error body: the JSON `error.message` when there is one.
fn excerpt(body: &str) -> String {
    // A JSON body says something only in its error message; anything else is shown as text.
    let text = match serde_json::from_str::<Value>(body) {
        Ok(v) => v
            .pointer("/error/message")
            .or_else(|| v.get("error"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        Err(_) => body.trim().to_owned(),
    };
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 200 {
        format!("{}...", line.chars().take(200).collect::<String>())
    } else {
        line
    }
}

pub(super) fn status_error(
    what: &str,
    cfg: &Config,
    response: &mut http::Response,
) -> anyhow::Error {
    let mut body = Vec::new();
    let _ = response.by_ref().take(64 * 1024).read_to_end(&mut body);
    let detail = excerpt(&String::from_utf8_lossy(&body));
    let detail = if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    };
    let status = response.status;
    match status {
        401 | 403 => {
            let hint = match &cfg.key_var {
                Some(var) if cfg.key.is_none() => {
                    format!("the endpoint wants a key, and {var} is not set")
                }
                Some(var) => format!("the key in {var} was rejected"),
                None => "the endpoint wants a key: set AWESH_MODEL_KEY, or name the variable \
                         that holds it in [ask] key_env"
                    .into(),
            };
            anyhow!("{what}: {status} unauthorized: {hint}{detail}")
        }
        429 => {
            let retry = response.header("retry-after").map(str::trim).map_or_else(
                || "retry later".to_owned(),
                |r| match r.parse::<u64>() {
                    Ok(secs) => format!("retry after {secs} s"),
                    Err(_) => format!("retry after {r}"),
                },
            );
            anyhow!("{what}: 429 rate limited: {retry}{detail}")
        }
        500..=599 => anyhow!("{what}: server error {status} {}{detail}", response.reason),
        _ => anyhow!("{what}: {status} {}{detail}", response.reason),
    }
}

/// A non-streamed completion (a server that ignored `stream: true`).
pub(super) fn whole(what: &str, cfg: &Config, response: http::Response) -> anyhow::Result<String> {
    let mut body = String::new();
    BufReader::new(response)
        .read_to_string(&mut body)
        .map_err(|e| read_error(what, cfg, e))?;
    let v: Value =
        serde_json::from_str(&body).map_err(|e| anyhow!("{what}: malformed response: {e}"))?;
    v.pointer("/choices/0/message/content")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("{what}: malformed response: no choices[0].message.content"))
}

fn read_error(what: &str, cfg: &Config, e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        return anyhow!("{what}: the stream was cut off before the answer was complete");
    }
    anyhow!(
        "{what}: {}",
        http::io_error(e, "reading the answer", cfg.timeout)
    )
}

pub(super) fn stream(
    what: &str,
    cfg: &Config,
    response: http::Response,
    turn: &Turn,
) -> anyhow::Result<String> {
    let mut reader = BufReader::new(response);
    let mut answer = String::new();
    let mut finished = false;
    loop {
        let event = sse::next_event(&mut reader);
        if turn.is_cancelled() {
            return Ok(answer);
        }
        let Some(data) = event.map_err(|e| read_error(what, cfg, e))? else {
            if finished {
                return Ok(answer);
            }
            return Err(anyhow!(
                "{what}: the stream was cut off before the answer was complete"
            ));
        };
        if data.trim() == "[DONE]" {
            return Ok(answer);
        }
        let v: Value = serde_json::from_str(&data)
            .map_err(|e| anyhow!("{what}: malformed stream: {e} in \"{}\"", excerpt(&data)))?;
        if v.get("error").is_some() {
            return Err(anyhow!(
                "{what}: the model failed mid-answer: {}",
                excerpt(&data)
            ));
        }
        let Some(choice) = v.pointer("/choices/0") else {
            continue; // usage-only chunks
        };
        if let Some(text) = choice.pointer("/delta/content").and_then(Value::as_str) {
            if !text.is_empty() {
                turn.stream(text);
                answer.push_str(text);
            }
        }
        if choice.get("finish_reason").is_some_and(|f| !f.is_null()) {
            finished = true;
        }
    }
}
