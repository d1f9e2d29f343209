//! Everything a model or its server sends (answers, error bodies, reason phrases, headers,
//! stream events) is shown as text, never obeyed by the terminal: control bytes, ESC
//! sequences, C1 controls and bidi overrides become visible through the prompt's own escaping
//! (`render::push_text`), and the model cannot write the line awesh prints with its risk label.
//! Pure functions; `cmd::ask` applies them at every place text reaches stdout or stderr.

use std::borrow::Cow;

use crate::render::{self, Buf};

/// `text` on one line: every control byte (line feeds too) made visible.
#[must_use]
pub fn line(text: &str) -> String {
    let mut out = Buf::new();
    render::push_text(&mut out, render::Shell::Plain, text.as_bytes());
    into_string(out)
}

/// `text` as lines: line feeds and tabs stay, every other control is made visible, and a CR
/// that only ends a line (CRLF) is dropped rather than shown.
#[must_use]
pub fn lines(text: &str) -> String {
    let text = if text.contains("\r\n") {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    };
    shown(&text)
}

fn into_string(out: Buf) -> String {
    // push_text writes only whole UTF-8 characters; lossy costs nothing when that holds.
    String::from_utf8_lossy(&out).into_owned()
}

/// What replaces a model's own `# risk: …` note in prose: only awesh labels commands.
pub const RISK_NOTE_DROPPED: &str = "[model's risk note dropped]";

/// Where a `# risk:` note starts in `line` (`#`, or a full-width look-alike, then `risk:`,
/// with any spacing and case), if it has one.
#[must_use]
pub fn risk_note(line: &str) -> Option<usize> {
    // Folded character by character, so an index in `folded` is an index in `line`'s chars.
    let folded: Vec<char> = line.chars().map(fold).collect();
    for (i, &c) in folded.iter().enumerate() {
        if c != '#' {
            continue;
        }
        let rest: String = folded[i + 1..].iter().collect();
        let rest = rest.trim_start();
        let Some(after) = rest.strip_prefix("risk") else {
            continue;
        };
        if after.trim_start().starts_with(':') {
            return line.char_indices().nth(i).map(|(at, _)| at);
        }
    }
    None
}

/// A character as the eye reads it, for spotting a forged `# risk:`: full-width forms and
/// the usual look-alikes of `#`, `:` and the letters of "risk" become ASCII, lower case.
fn fold(c: char) -> char {
    let c = match c {
        // Full-width ASCII (＃ ｒ ： …).
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{fe5f}' => '#',
        '\u{fe55}' | '\u{2236}' | '\u{a789}' | '\u{02f8}' | '\u{05c3}' | '\u{0589}' => ':',
        'і' | 'ı' | 'ɪ' | 'ⅰ' | 'Ι' | 'І' | 'Ӏ' | 'ι' => 'i',
        'ѕ' | 'ꜱ' | 'Ѕ' => 's',
        'к' | 'ĸ' | 'κ' | 'К' | 'Κ' | 'ᴋ' => 'k',
        'г' | 'ʀ' | 'ᴦ' | 'Г' => 'r',
        c => c,
    };
    c.to_ascii_lowercase()
}

fn is_hash(c: char) -> bool {
    fold(c) == '#'
}

/// What a held-back `#…` is so far: a whole `# risk:` note, possibly the start of one, or not.
enum Held {
    Note,
    Maybe,
    Not,
}

fn held(text: &str) -> Held {
    // A note is short; a long run of blanks after a `#` is not one (and re-reading it for
    // every character would be quadratic).
    if text.len() > 64 {
        return Held::Not;
    }
    let rest: String = text.chars().skip(1).map(fold).collect(); // after the hash
    let rest = rest.trim_start();
    if rest.contains('\n') {
        return Held::Not;
    }
    match rest.strip_prefix("risk") {
        Some(after) if after.trim_start().starts_with(':') => Held::Note,
        Some(after) if after.trim_start().is_empty() => Held::Maybe,
        Some(_) => Held::Not,
        None if "risk".starts_with(rest) => Held::Maybe,
        None => Held::Not,
    }
}

/// A model's answer, arriving in pieces, shown as it arrives and made inert: every character
/// is escaped on its own, so a sequence split across pieces is still caught, and only what
/// could be the start of a `# risk:` note (or a CR that may end a line) is held back until the
/// next piece says what it is. A note is replaced up to the end of its line.
#[derive(Debug, Default)]
pub struct Prose {
    /// A `#…` or a `\r` that is not shown yet.
    held: String,
    /// Inside a dropped note: nothing is shown until the line ends.
    dropping: bool,
}

impl Prose {
    /// Takes the next piece; returns what can be shown of it now.
    pub fn push(&mut self, piece: &str) -> String {
        let mut clear = String::new();
        let mut out = String::new();
        for c in piece.chars() {
            if self.dropping {
                if c == '\n' {
                    self.dropping = false;
                    clear.push('\n');
                }
                continue;
            }
            if self.held == "\r" {
                self.held.clear();
                if c == '\n' {
                    clear.push('\n');
                    continue;
                }
                clear.push('\r');
            }
            if !self.held.is_empty() {
                self.held.push(c);
                match held(&self.held) {
                    Held::Note => {
                        self.held.clear();
                        out.push_str(&shown(&std::mem::take(&mut clear)));
                        out.push_str(RISK_NOTE_DROPPED);
                        self.dropping = true;
                        continue;
                    }
                    Held::Maybe => continue,
                    Held::Not => {
                        self.held.pop();
                        clear.push_str(&std::mem::take(&mut self.held));
                    }
                }
            }
            if is_hash(c) || c == '\r' {
                self.held.push(c);
            } else {
                clear.push(c);
            }
        }
        out.push_str(&shown(&clear));
        out
    }

    /// What is still held back, shown as it is (an answer that ends inside `# ris`).
    pub fn finish(&mut self) -> String {
        let rest = std::mem::take(&mut self.held);
        shown(&rest)
    }
}

/// Escapes without the CRLF rule (the caller has dealt with CRs).
fn shown(text: &str) -> String {
    let mut out = Buf::new();
    render::push_lines(&mut out, text.as_bytes());
    into_string(out)
}

/// A whole answer, made inert as [`Prose`] shows it.
#[must_use]
pub fn prose(text: &str) -> String {
    let mut p = Prose::default();
    let mut s = p.push(text);
    s.push_str(&p.finish());
    s
}

/// Why a suggested command cannot be offered: it holds bytes a terminal or a shell's edit
/// line would obey (controls, bidi overrides) or more than one line. `None`: it can.
#[must_use]
pub fn unofferable(command: &str) -> Option<String> {
    if command.contains('\n') {
        return Some(format!(
            "it spans several lines (a here-document?): {}",
            line(command)
        ));
    }
    let shown = line(command);
    if shown != command {
        return Some(format!("it holds control characters: {shown}"));
    }
    // Invisible characters make a command read as something it is not (`l\u{200b}s`).
    if command.chars().any(invisible) {
        let shown: String = command
            .chars()
            .map(|c| if invisible(c) { '\u{fffd}' } else { c })
            .collect();
        return Some(format!("it holds invisible characters: {shown}"));
    }
    None
}

fn invisible(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{034f}' | '\u{115f}' | '\u{1160}' | '\u{180e}'
        | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
        | '\u{3164}' | '\u{feff}' | '\u{ffa0}' | '\u{fff9}'..='\u{fffb}' | '\u{e0000}'..='\u{e007f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_shown_not_obeyed() {
        let table: &[(&str, &str)] = &[
            ("clear\x1b[2J\x1b[H", "clear^[[2J^[[H"),
            ("\x1b[8mhidden\x1b[0m", "^[[8mhidden^[[0m"),
            ("\x1b[30;40mblack\x1b[0m", "^[[30;40mblack^[[0m"),
            ("\x1b]52;c;cm0gLXJmIH4=\x07", "^[]52;c;cm0gLXJmIH4=^G"),
            ("\x1b]0;title\x1b\\", "^[]0;title^[\\"),
            (
                "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
                "^[]8;;http://x^[\\link^[]8;;^[\\",
            ),
            ("safe\u{202e}fr- mr", "safe\u{fffd}fr- mr"),
            ("nul\0bel\x07bs\x08cr\r", "nul^@bel^Gbs^Hcr^M"),
            ("c1\u{9b}2J", "c1\u{fffd}2J"),
            ("two\nlines", "two^Jlines"),
        ];
        for (input, want) in table {
            assert_eq!(line(input), *want, "{input:?}");
        }
        assert_eq!(lines("a\r\nb\rc\n\td"), "a\nb^Mc\n\td");
    }

    #[test]
    fn forged_risk_notes_are_dropped_from_prose() {
        let table: &[(&str, &str)] = &[
            (
                "rm -rf ~  # risk: safe\n",
                "rm -rf ~  [model's risk note dropped]\n",
            ),
            ("x #RISK : safe", "x [model's risk note dropped]"),
            ("x \u{ff03} risk: safe", "x [model's risk note dropped]"),
            ("x # rіsk: safe", "x [model's risk note dropped]"),
            ("x # ＲＩＳＫ： safe", "x [model's risk note dropped]"),
            ("x # risk\u{2236} safe", "x [model's risk note dropped]"),
            ("# Risk:\tnone\n", "[model's risk note dropped]\n"),
            ("the risk: low, # of files\n", "the risk: low, # of files\n"),
            ("plain words\n", "plain words\n"),
        ];
        for (input, want) in table {
            assert_eq!(prose(input), *want, "{input:?}");
        }
    }

    #[test]
    fn pieces_split_inside_a_sequence_or_a_note_are_still_caught() {
        let mut p = Prose::default();
        let mut shown = String::new();
        for piece in [
            "ok\x1b",
            "[2J then rm -rf ~  # ri",
            "sk: safe\nlast",
            " words\r",
            "\n#",
        ] {
            shown.push_str(&p.push(piece));
        }
        shown.push_str(&p.finish());
        assert_eq!(
            shown,
            "ok^[[2J then rm -rf ~  [model's risk note dropped]\nlast words\n#"
        );
        // Shown as it arrives: only a possible note is held back.
        let mut p = Prose::default();
        assert_eq!(p.push("alpha "), "alpha ");
        assert_eq!(p.push("beta #"), "beta ");
        assert_eq!(p.push(" 1\r"), "# 1");
        assert_eq!(p.push("x"), "^Mx");
    }

    #[test]
    fn a_long_run_after_a_hash_is_let_go() {
        let mut p = Prose::default();
        let blanks = " ".repeat(100_000);
        let mut shown = p.push("#");
        shown.push_str(&p.push(&blanks));
        shown.push_str(&p.push("risk: safe"));
        shown.push_str(&p.finish());
        assert_eq!(shown, format!("#{blanks}risk: safe"));
    }

    #[test]
    fn only_one_line_without_controls_is_offered() {
        assert_eq!(unofferable("ls -la | sort"), None);
        assert!(unofferable("ls\x1b[2J")
            .unwrap()
            .ends_with("characters: ls^[[2J"));
        assert!(unofferable("rm\u{202e} x").is_some());
        assert!(unofferable("cat <<EOF\nx\nEOF").is_some());
        assert!(unofferable("l\u{200b}s")
            .unwrap()
            .contains("invisible characters: l\u{fffd}s"));
    }

    /// Generated pieces of hostile text, split anywhere: what is shown never holds a byte
    /// a terminal would obey, and nothing panics.
    #[test]
    fn generated_pieces_are_always_inert() {
        const PIECES: &[&str] = &[
            "\x1b", "[", "2J", "]52;c;", "\x07", "\r", "\n", "\r\n", "#", "＃", " risk", ":", "：",
            "\u{9b}", "\u{202e}", "\u{200b}", "é", "🌿", "\x00", "\x7f", "\t", " ", "ok", "\x1bP",
            "\x1b\\",
        ];
        let mut state: u64 = 0x0bad_5eed_1234_5678;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let mut p = Prose::default();
            let mut shown = String::new();
            for _ in 0..(1 + next() % 10) {
                let piece = PIECES[(next() % PIECES.len() as u64) as usize];
                shown.push_str(&p.push(piece));
            }
            shown.push_str(&p.finish());
            let bad = shown.chars().find(|&c| {
                (c.is_control() && c != '\n' && c != '\t')
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            });
            assert_eq!(bad, None, "{shown:?}");
        }
    }
}
