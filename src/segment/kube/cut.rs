//! The kubeconfig fast path's proof obligations. A big kubeconfig is cut down to its
//! `current-context` and `contexts` sections before the YAML parse (`kube_parse`), and a JSON
//! one is read by serde_json instead of the YAML parser. Both answer only when they can show
//! their answer is the full YAML parse's: every line of a file to be cut must belong to a
//! small, strictly checked subset of block YAML (spaces-only indentation that nests correctly,
//! `key:` and `- ` lines, one-line plain or quoted scalars, one-line flow collections in the
//! kept sections only, comments), and every byte must be one YAML gives no second meaning (no
//! lone CR, NEL, LS, PS, BOM, tab or control character). Anything else, however legal, falls
//! back to the full parse: a slow right answer beats a fast wrong one.

/// Files smaller than this are parsed whole: the scan would not pay for itself.
pub const CUT_THRESHOLD: usize = 4 << 10;

/// Keeps only the `current-context` and `contexts` top-level sections of a block-style YAML
/// kubeconfig (what kubectl writes), dropping `clusters`, `users` and their certificates
/// unparsed, or `None` when the file is small or not provably in the subset described above.
#[must_use]
pub fn cut_to_needed_sections(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() < CUT_THRESHOLD || !bytes_are_plain(bytes) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 16);
    let mut shape = Shape::default();
    let mut keep = false;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        match shape.line(body, keep)? {
            Some(Top::Needed) => keep = true,
            Some(Top::Other) => keep = false,
            None => {}
        }
        if keep {
            out.extend_from_slice(line);
        }
    }
    shape.finished().then_some(out)
}

/// True when no byte of `bytes` could be read by YAML as anything but itself: valid UTF-8,
/// no control character but LF (and CR right before LF), no tab, and none of the characters
/// YAML 1.1 takes as line breaks (NEL, LS, PS) or refuses (C1 controls, a BOM past the start,
/// U+FFFE, U+FFFF).
#[must_use]
pub fn bytes_are_plain(bytes: &[u8]) -> bool {
    let mut cr = false;
    for &b in bytes {
        if cr && b != b'\n' {
            return false;
        }
        cr = b == b'\r';
        if b < 0x20 && b != b'\n' && b != b'\r' || b == 0x7f {
            return false;
        }
    }
    if cr {
        return false;
    }
    if bytes.is_ascii() {
        return true;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    text.chars().all(|c| {
        let c = u32::from(c);
        c < 0x80
            || (0xa0..0xfeff).contains(&c) && c != 0x2028 && c != 0x2029
            || (0xff00..0xfffe).contains(&c)
            || c >= 0x1_0000
    })
}

/// True when serde_json's reading of `bytes` is provably the YAML parser's: ASCII only, no
/// escapes (YAML 1.1 and JSON disagree on some, surrogate pairs among them), no tabs or lone
/// CRs, and every object key short and on one line with its `:` (YAML's implicit keys must be).
#[must_use]
pub fn json_is_plain(bytes: &[u8]) -> bool {
    if !bytes.is_ascii() || !bytes_are_plain(bytes) || bytes.contains(&b'\\') {
        return false;
    }
    let mut rest = bytes;
    while let Some(open) = rest.iter().position(|&b| b == b'"') {
        let Some(after) = rest.get(open + 1..) else {
            return false;
        };
        let Some(len) = after.iter().position(|&b| b == b'"') else {
            return false;
        };
        let Some(tail) = after.get(len + 1..) else {
            return false;
        };
        let gap = tail.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let is_key = tail.get(gap) == Some(&b':');
        if is_key && (len > 500 || tail.get(..gap).is_some_and(|g| g.contains(&b'\n'))) {
            return false;
        }
        rest = tail;
    }
    true
}

/// A top-level key's section: one the cut keeps, or one it drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Top {
    Needed,
    Other,
}

/// An open block collection: a mapping or a sequence, and the column its entries start at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Map(usize),
    Seq(usize),
}

impl Open {
    fn column(self) -> usize {
        match self {
            Open::Map(c) | Open::Seq(c) => c,
        }
    }
}

/// The block structure seen so far: the open collections, innermost last, and whether the
/// last entry is still waiting for its value (a `key:` or a `-` with nothing after it).
#[derive(Debug, Default)]
struct Shape {
    open: Vec<Open>,
    /// The column of the `key:` (or `-`) whose value is still to come.
    pending: Option<(usize, bool)>,
}

/// Nesting deeper than this is not a kubeconfig: let the full parse decide.
const MAX_DEPTH: usize = 32;

impl Shape {
    /// Takes one line (without its line break); `Some(top)` when it opens a top-level section.
    /// `None` (the outer one) when the line is outside the subset.
    fn line(&mut self, body: &[u8], keep: bool) -> Option<Option<Top>> {
        let indent = body.iter().take_while(|&&b| b == b' ').count();
        let content = body.get(indent..)?;
        if content.is_empty() || content.first() == Some(&b'#') {
            return Some(None);
        }
        let mut column = indent;
        let mut content = content;
        let mut top = None;
        // A line may open several nested entries: `- - key: value`.
        loop {
            if let Some(after) = dash(content) {
                self.place(Open::Seq(column))?;
                let gap = after.iter().take_while(|&&b| b == b' ').count();
                let rest = after.get(gap..)?;
                if rest.is_empty() {
                    self.pending = Some((column, true));
                    return Some(top);
                }
                if rest.first() == Some(&b'#') {
                    // `- # comment`: the item's value is still to come.
                    if gap == 0 {
                        return None;
                    }
                    self.pending = Some((column, true));
                    return Some(top);
                }
                self.pending = Some((column, true));
                column += 2 + gap;
                content = rest;
                continue;
            }
            let Some((key, value)) = key_line(content) else {
                // A bare scalar: only as a sequence item on the same line as its `- `.
                if !matches!(self.pending, Some((c, true)) if c < column) {
                    return None;
                }
                self.pending = None;
                return value_ok(content, keep).then_some(top);
            };
            self.place(Open::Map(column))?;
            if column == 0 {
                if !key.first().is_some_and(u8::is_ascii_alphabetic) {
                    return None;
                }
                top = Some(if key == b"current-context" || key == b"contexts" {
                    Top::Needed
                } else {
                    Top::Other
                });
            }
            let keep = match top {
                Some(t) => t == Top::Needed,
                None => keep,
            };
            if value.is_empty() || value.first() == Some(&b'#') {
                self.pending = Some((column, false));
            } else {
                self.pending = None;
                if !value_ok(value, keep) {
                    return None;
                }
            }
            return Some(top);
        }
    }

    /// Makes `entry` the innermost open collection: a sibling of an open one at its column, or
    /// the value of the pending entry, or the first top-level mapping. `None` when YAML would
    /// not nest it so (bad indentation, a sequence where a key belongs...).
    fn place(&mut self, entry: Open) -> Option<()> {
        let column = entry.column();
        let pending = self.pending.take();
        // A new value for the pending entry, more indented than it (or a sequence at the same
        // column as its mapping key: `contexts:\n- name: a`).
        if let Some((at, _)) = pending {
            let compact_seq = matches!(entry, Open::Seq(c) if c == at)
                && matches!(self.open.last(), Some(Open::Map(m)) if *m == at);
            if column > at || compact_seq {
                if self.open.len() >= MAX_DEPTH {
                    return None;
                }
                self.open.push(entry);
                return Some(());
            }
        }
        while let Some(&last) = self.open.last() {
            let closes = last.column() > column
                || last.column() == column && matches!(last, Open::Seq(_)) && entry != last;
            if !closes {
                break;
            }
            self.open.pop();
        }
        match self.open.last() {
            Some(&last) if last == entry => Some(()),
            None if column == 0 && matches!(entry, Open::Map(_)) => {
                self.open.push(entry);
                Some(())
            }
            _ => None,
        }
    }

    /// True when the file ended in a state the full parse accepts: a mapping was opened.
    fn finished(&self) -> bool {
        matches!(self.open.first(), Some(Open::Map(0)))
    }
}

/// The rest of the line after a `- ` (or a lone `-`), when `content` starts a sequence entry.
fn dash(content: &[u8]) -> Option<&[u8]> {
    match content {
        [b'-'] => Some(&[]),
        [b'-', b' ', rest @ ..] => Some(rest),
        _ => None,
    }
}

/// `(key, value)` when `content` is `key:` or `key: value` with a plain, simple key.
fn key_line(content: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = content.iter().position(|&b| b == b':')?;
    let key = content.get(..colon)?;
    let after = content.get(colon + 1..)?;
    if !after.is_empty() && after.first() != Some(&b' ') {
        return None;
    }
    let simple = key.len() < 512
        && key
            .first()
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        && key
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'));
    simple.then(|| (key, after.trim_ascii()))
}

/// True when `value` (trimmed, not empty) is a scalar or collection that ends on this line
/// and that YAML cannot fail on: a plain scalar with no indicator in it, a closed quoted one,
/// or (in a kept section, which the parse sees anyway) a one-line flow collection.
fn value_ok(value: &[u8], keep: bool) -> bool {
    let Some(&first) = value.first() else {
        return true;
    };
    match first {
        b'"' => quoted_ends(value, b'"'),
        b'\'' => quoted_ends(value, b'\''),
        b'[' | b'{' => keep && flow_ends(value),
        b'-' | b'?' | b':' | b',' | b']' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>'
        | b'%' | b'@' | b'`' => false,
        _ => {
            let text = until_comment(value);
            !text.ends_with(b":") && !text.windows(2).any(|w| w == b": ")
        }
    }
}

/// The value without a trailing ` # comment`.
fn until_comment(value: &[u8]) -> &[u8] {
    let at = value
        .windows(2)
        .position(|w| w == b" #")
        .unwrap_or(value.len());
    value.get(..at).unwrap_or(value).trim_ascii_end()
}

/// True when the quoted scalar opened by `value[0]` closes on this line, with only a comment
/// after it, and holds no escape YAML could refuse.
fn quoted_ends(value: &[u8], quote: u8) -> bool {
    let mut i = 1;
    while let Some(&b) = value.get(i) {
        if b == quote {
            if quote == b'\'' && value.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            let rest = value.get(i + 1..).unwrap_or_default().trim_ascii_start();
            return rest.is_empty() || rest.first() == Some(&b'#');
        }
        if b == b'\\' && quote == b'"' {
            // Escapes that need no digits and mean one character in every YAML version.
            if !matches!(
                value.get(i + 1),
                Some(b'\\' | b'"' | b'n' | b't' | b'0' | b' ')
            ) {
                return false;
            }
            i += 1;
        }
        i += 1;
    }
    false
}

/// True when the flow collection opened by `value[0]` closes on this line, holds nothing that
/// could refer elsewhere in the file or change a scalar's meaning (quotes, anchors, aliases,
/// tags, comments), and has only a comment after it.
fn flow_ends(value: &[u8]) -> bool {
    let mut depth = 0usize;
    for (i, &b) in value.iter().enumerate() {
        match b {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = match depth.checked_sub(1) {
                    Some(d) => d,
                    None => return false,
                };
                if depth == 0 {
                    let rest = value.get(i + 1..).unwrap_or_default().trim_ascii_start();
                    return rest.is_empty() || rest.first() == Some(&b'#');
                }
            }
            b'"' | b'\'' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b'?'
            | b'<' => return false,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pads `text` with a big `users` section so the cut applies.
    fn padded(text: &str) -> String {
        let mut s = String::from("users:\n");
        for i in 0..80 {
            s.push_str(&format!(
                "- name: u{i}\n  user:\n    client-key-data: {}\n",
                "QUJD".repeat(64)
            ));
        }
        format!("{s}{text}")
    }

    #[test]
    fn the_cut_keeps_the_needed_sections() {
        let text = padded("current-context: a\ncontexts:\n- name: a\n  context:\n    namespace: n\nkind: Config\n");
        assert_eq!(
            cut_to_needed_sections(text.as_bytes()).as_deref(),
            Some(&b"current-context: a\ncontexts:\n- name: a\n  context:\n    namespace: n\n"[..])
        );
    }

    /// Issue 13, case 1: every layout whose lines YAML could join, split or end differently
    /// from a line scan is refused, so the full parse decides.
    #[test]
    fn issue_13_layouts_the_scan_cannot_prove_are_refused() {
        for odd in [
            "{current-context: a}\n",
            "? complex\n: key\n",
            "%YAML 1.1\n---\na: 1\n",
            "users: [\n]\n",
            "-x\n",
            "current-context: a\rcontexts: []\n",
            "x: \"a\u{85}current-context: b\"\n",
            "x: a\u{2028}current-context: b\n",
            "x: a\u{2029}current-context: b\n",
            "x: \"multi\ncurrent-context: evil\"\n",
            "x: 'multi\ncurrent-context: evil'\n",
            "x: |\n  a\ncurrent-context: b\n",
            "current-context: a\n  continued\n",
            "current-context: a\n...\ncurrent-context: b\n",
            "current-context: a\n---\ncurrent-context: b\n",
            "x: {a: 1,\ncurrent-context: evil}\n",
            "x: [a,\ncurrent-context: evil]\n",
            "x: &a 1\n",
            "<<: *a\n",
            "x: !tag 1\n",
            "1.5: x\ncurrent-context: a\n",
            "current-context: a\n  bad: indent\n",
            "current-context: a\tb\n",
            "x:\n  a: 1\n   b: 2\n",
            "x: a: b\n",
            "x: \"\\u0041\"\n",
        ] {
            assert_eq!(
                cut_to_needed_sections(padded(odd).as_bytes()),
                None,
                "{odd:?}"
            );
        }
    }

    #[test]
    fn json_with_escapes_or_split_keys_is_left_to_yaml() {
        assert!(json_is_plain(br#"{"current-context": "a"}"#));
        assert!(!json_is_plain(br#"{"current-context": "a\u2028"}"#));
        assert!(!json_is_plain(b"{\"current-context\"\n: \"a\"}"));
        assert!(!json_is_plain(
            "{\"current-context\": \"a\u{2028}\"}".as_bytes()
        ));
        let long = format!("{{\"{}\": 1}}", "k".repeat(600));
        assert!(!json_is_plain(long.as_bytes()));
    }
}
