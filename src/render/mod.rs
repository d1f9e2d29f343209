//! The only code that knows how each shell reads prompt text. Names come from disk and may be
//! hostile (`$(rm -rf ~)`, `%F{red}`, ESC sequences): every name passes through
//! [`push_text`], which makes it inert for the target shell and shows control bytes as
//! visible caret notation instead of printing them raw.

// No panic may reach the prompt (issue 13): with panic = "abort" in release, one would take
// every other segment with it. Tests are exempt.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod format;
pub mod style;

use smallvec::SmallVec;

use crate::segment::git;

/// The prompt buffer: inline for any ordinary prompt, spilling to the heap for long names.
pub type Buf = SmallVec<[u8; 256]>;

pub use crate::shell::Shell;

pub use crate::config::format::{GIT_SYMBOL, KUBE_SYMBOL};

/// Writes the default segment, `:☸️CONTEXT:☸️NAMESPACE:🌿BRANCH`, each part only when known and
/// the namespace only when it is not `default`: the original format, written out by hand. The
/// prompt renders through `format::prompt_with`; this stays as the oracle its tests hold the
/// default template to, byte for byte.
#[cfg(test)]
pub fn prompt(
    out: &mut Buf,
    shell: Shell,
    git: Option<&git::Info>,
    kube: Option<&crate::segment::kube::Info>,
) {
    if let Some(k) = kube {
        out.push(b':');
        out.extend_from_slice(KUBE_SYMBOL.as_bytes());
        push_text(out, shell, k.context.as_bytes());
        if let Some(ns) = k
            .namespace
            .as_ref()
            .filter(|ns| ns.as_bytes() != b"default")
        {
            out.push(b':');
            out.extend_from_slice(KUBE_SYMBOL.as_bytes());
            push_text(out, shell, ns.as_bytes());
        }
    }
    if let Some(g) = git {
        out.push(b':');
        out.extend_from_slice(GIT_SYMBOL.as_bytes());
        push_branch(out, shell, g);
    }
}

/// The branch part: `name`, or `(abc1234)` when detached, then `|STATE step/total`.
pub fn push_branch(out: &mut Buf, shell: Shell, g: &git::Info) {
    match (&g.branch, g.short_id()) {
        (Some(branch), _) => push_name(out, shell, branch.as_bytes()),
        (None, Some(id)) => {
            out.push(b'(');
            push_text(out, shell, id);
            out.push(b')');
        }
        (None, None) => {}
    }
    if let Some(state) = g.state {
        out.push(b'|');
        out.extend_from_slice(state_label(state, g.ambiguous_apply).as_bytes());
        if let Some((step, total)) = g.progress {
            use std::io::Write;
            let _ = write!(out, " {step}/{total}");
        }
    }
}

/// The upper-case words `git-prompt.sh` uses.
#[must_use]
pub fn state_label(state: git::State, ambiguous_apply: bool) -> &'static str {
    match state {
        git::State::Rebase => "REBASE",
        git::State::Am if ambiguous_apply => "AM/REBASE",
        git::State::Am => "AM",
        git::State::Merge => "MERGING",
        git::State::CherryPick => "CHERRY-PICKING",
        git::State::Revert => "REVERTING",
        git::State::Bisect => "BISECTING",
    }
}

/// The most of one name the prompt shows: a 200 KB context name would fill the screen.
pub const MAX_SHOWN: usize = 512;

/// [`push_text`] for a name found on disk: one over [`MAX_SHOWN`] bytes is cut at a
/// character boundary and ends in `…`, so the cut is never silent.
pub fn push_name(out: &mut Buf, shell: Shell, name: &[u8]) {
    if name.len() <= MAX_SHOWN {
        return push_text(out, shell, name);
    }
    // Cut where a character starts (a byte that is not a UTF-8 continuation byte).
    let mut end = MAX_SHOWN;
    while end > MAX_SHOWN - 4 && name.get(end).is_some_and(|b| b & 0xc0 == 0x80) {
        end -= 1;
    }
    let cut = name.get(..end).unwrap_or_default();
    push_text(out, shell, cut);
    out.extend_from_slice("…".as_bytes());
}

/// Appends a name so that `shell` shows it as text and never interprets it.
///
/// - C0 controls and DEL become caret notation (`^[`, `^G`, `^M`, `^?`): visible, inert.
/// - C1 controls and the bidirectional overrides that can disguise text become U+FFFD.
/// - Invalid UTF-8 becomes U+FFFD.
/// - zsh: `%` becomes `%%`.
pub fn push_text(out: &mut Buf, shell: Shell, bytes: &[u8]) {
    escape(out, shell, bytes, |_| false);
}

/// Appends text of several lines (a model's answer, a server's message) so that a terminal
/// shows it as text: as [`push_text`] with [`Shell::Plain`], except that line feeds and tabs
/// stay what they are, so prose keeps its lines. Everything else that could move the cursor,
/// change colours or talk to the terminal is shown, not obeyed.
pub fn push_lines(out: &mut Buf, bytes: &[u8]) {
    escape(out, Shell::Plain, bytes, |c| c == '\n' || c == '\t');
}

/// The one escaping rule of awesh, for prompt names and for everything `ask` shows; `keep`
/// lets a caller pass some C0 controls through as they are.
#[inline(always)]
fn escape(out: &mut Buf, shell: Shell, bytes: &[u8], keep: impl Fn(char) -> bool) {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\0'..='\x1f' if keep(c) => out.push(c as u8),
                '\0'..='\x1f' => {
                    out.push(b'^');
                    out.push(c as u8 + 0x40);
                }
                '\x7f' => out.extend_from_slice(b"^?"),
                '\u{80}'..='\u{9f}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{061c}' => out.extend_from_slice("\u{fffd}".as_bytes()),
                '%' if shell == Shell::Zsh => out.extend_from_slice(b"%%"),
                _ => {
                    let mut utf8 = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                }
            }
        }
        if !chunk.invalid().is_empty() {
            out.extend_from_slice("\u{fffd}".as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::Name;
    use crate::segment::kube;

    fn text(shell: Shell, input: &[u8]) -> String {
        let mut out = Buf::new();
        push_text(&mut out, shell, input);
        String::from_utf8(out.to_vec()).unwrap()
    }

    #[test]
    fn names_are_inert_in_every_shell() {
        let cases: &[(Shell, &[u8], &str)] = &[
            (Shell::Plain, b"main", "main"),
            (Shell::Bash, b"$(touch${IFS}pwned)", "$(touch${IFS}pwned)"),
            (Shell::Bash, b"`id`", "`id`"),
            (Shell::Zsh, b"%F{red}x", "%%F{red}x"),
            (Shell::Plain, b"%F{red}x", "%F{red}x"),
            (Shell::Bash, b"a\x1b[31mb", "a^[[31mb"),
            (Shell::Zsh, b"bell\x07cr\r", "bell^Gcr^M"),
            (Shell::Plain, b"del\x7f", "del^?"),
            (Shell::Fish, b"a\x1b[31mb%", "a^[[31mb%"),
            (Shell::Fish, b"(touch pwned)", "(touch pwned)"),
            (Shell::Bash, b"\x01hide\x02", "^Ahide^B"),
            (Shell::Plain, "c1\u{9b}31m".as_bytes(), "c1\u{fffd}31m"),
            (Shell::Plain, "rtl\u{202e}gnp".as_bytes(), "rtl\u{fffd}gnp"),
            (Shell::Plain, b"bad\xffutf8", "bad\u{fffd}utf8"),
        ];
        for (shell, input, want) in cases {
            assert_eq!(text(*shell, input), *want, "{shell:?} {input:?}");
        }
    }

    /// Issue 13, case 6: a huge name is shown cut, at a character boundary, with `…`.
    #[test]
    fn issue_13_huge_names_are_shown_cut() {
        let mut out = Buf::new();
        push_name(&mut out, Shell::Bash, b"short");
        assert_eq!(out.as_slice(), b"short");
        for name in [
            "x".repeat(200_000),
            "é".repeat(100_000),
            format!("x{}", "☸".repeat(1000)),
        ] {
            let mut out = Buf::new();
            push_name(&mut out, Shell::Bash, name.as_bytes());
            let shown = std::str::from_utf8(&out).unwrap();
            assert!(shown.ends_with('…'), "{shown}");
            assert!(shown.len() <= MAX_SHOWN + 3 && shown.len() > MAX_SHOWN - 4);
            assert!(name.starts_with(shown.trim_end_matches('…')));
        }
    }

    #[test]
    fn lines_keep_line_feeds_and_tabs_and_nothing_else() {
        let mut out = Buf::new();
        push_lines(&mut out, b"a\tb\nc\r\n\x1b]52;c;eA==\x07\x1b[8m%x\xc2\x9b");
        assert_eq!(
            String::from_utf8(out.to_vec()).unwrap(),
            "a\tb\nc^M\n^[]52;c;eA==^G^[[8m%x\u{fffd}"
        );
    }

    #[test]
    fn default_format_matches_the_original() {
        let kube = kube::Info {
            context: Name::from("prod-eu"),
            namespace: Some(Name::from("payments")),
            context_from: 0,
            defined_in: Some(0),
        };
        let git = git::Info {
            branch: Some(Name::from("feature/login")),
            detached: false,
            detached_id: None,
            state: None,
            progress: None,
            ambiguous_apply: false,
            abbrev: 7,
        };
        let render = |g: Option<&git::Info>, k: Option<&kube::Info>| {
            let mut out = Buf::new();
            prompt(&mut out, Shell::Plain, g, k);
            String::from_utf8(out.to_vec()).unwrap()
        };
        assert_eq!(
            render(Some(&git), Some(&kube)),
            ":☸️prod-eu:☸️payments:🌿feature/login"
        );
        assert_eq!(render(None, None), "");
        let default_ns = kube::Info {
            namespace: Some(Name::from("default")),
            ..kube.clone()
        };
        assert_eq!(render(None, Some(&default_ns)), ":☸️prod-eu");
        let detached = git::Info {
            branch: None,
            detached: true,
            detached_id: Some(Name::from("0123456789abcdef0123456789abcdef01234567")),
            state: Some(git::State::Bisect),
            ..git.clone()
        };
        assert_eq!(render(Some(&detached), None), ":🌿(0123456)|BISECTING");
        let rebase = git::Info {
            detached: true,
            state: Some(git::State::Rebase),
            progress: Some((2, 5)),
            ..git
        };
        assert_eq!(render(Some(&rebase), None), ":🌿feature/login|REBASE 2/5");
    }
}
