//! Server-sent events, as chat-completions endpoints stream them: `data:` lines joined until a
//! blank line make one event; comments (`: keep-alive`, OpenRouter's `: PROCESSING`) and other
//! fields are skipped.

use std::io::{self, BufRead};

/// Reads the next event's data; `None` at the end of the stream. A stream that ends in the
/// middle of an event yields that event (the caller decides whether it was complete).
///
/// # Errors
/// Read errors, and lines that are not UTF-8.
pub fn next_event(reader: &mut impl BufRead) -> io::Result<Option<String>> {
    let mut data: Option<String> = None;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(data);
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            if data.is_some() {
                return Ok(data);
            }
            continue;
        }
        if l.starts_with(':') {
            continue;
        }
        let (field, value) = l.split_once(':').unwrap_or((l, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        if field == "data" {
            match &mut data {
                Some(d) => {
                    d.push('\n');
                    d.push_str(value);
                }
                None => data = Some(value.to_owned()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events() {
        let text = ": keep-alive\n\ndata: {\"a\":1}\n\nevent: x\ndata: one\ndata: two\r\n\r\ndata: [DONE]\n\n";
        let mut r = text.as_bytes();
        assert_eq!(next_event(&mut r).unwrap().as_deref(), Some("{\"a\":1}"));
        assert_eq!(next_event(&mut r).unwrap().as_deref(), Some("one\ntwo"));
        assert_eq!(next_event(&mut r).unwrap().as_deref(), Some("[DONE]"));
        assert_eq!(next_event(&mut r).unwrap(), None);
    }
}
