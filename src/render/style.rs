//! Text styles (colours, bold, dim...) as configured, and the one place their escape bytes are
//! written: SGR sequences wrapped the way each shell must be told they take no columns
//! (bash: readline's `\001`...`\002`; zsh: `%{`...`%}`), and nothing at all for plain output.

use super::{Buf, Shell};

/// A colour: one of the 16 terminal colours, a 256-colour index, or 24-bit RGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// The 16 ANSI colours: 0-7 normal, 8-15 bright.
    Ansi(u8),
    /// An index into the 256-colour palette.
    Fixed(u8),
    /// 24-bit colour.
    Rgb(u8, u8, u8),
}

/// Bold, dim, italic, underline, blink, reverse, strikethrough: the SGR codes of each bit.
const ATTRS: &[(&str, u8)] = &[
    ("bold", 1),
    ("dim", 2),
    ("italic", 3),
    ("underline", 4),
    ("blink", 5),
    ("reverse", 7),
    ("strikethrough", 9),
];

const NAMES: &[&str] = &[
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
];

/// A text style; the default is no style at all (no bytes are written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// Foreground colour.
    pub fg: Option<Color>,
    /// Background colour.
    pub bg: Option<Color>,
    /// One bit per entry of the attribute table, in its order.
    attrs: u8,
}

impl Style {
    /// Parses a style: words separated by spaces, each an attribute (`bold`, `dim`, `italic`,
    /// `underline`, `blink`, `reverse`, `strikethrough`), `fg:COLOUR`, `bg:COLOUR`, a bare
    /// `COLOUR` (foreground), or `none`. A colour is a name (`red`, `bright-red`, `purple`), a
    /// number 0-255, or `#rrggbb`.
    ///
    /// # Errors
    /// A message naming the first word that is not understood.
    pub fn parse(text: &str) -> Result<Style, String> {
        let mut style = Style::default();
        for word in text.split_whitespace() {
            let lower = word.to_ascii_lowercase();
            if lower == "none" {
                continue;
            }
            if let Some(i) = ATTRS.iter().position(|(name, _)| *name == lower) {
                style.attrs |= 1 << i;
            } else if let Some(c) = lower.strip_prefix("fg:") {
                style.fg = Some(parse_color(c).map_err(|e| format!("{e} in {word:?}"))?);
            } else if let Some(c) = lower.strip_prefix("bg:") {
                style.bg = Some(parse_color(c).map_err(|e| format!("{e} in {word:?}"))?);
            } else {
                style.fg = Some(parse_color(&lower).map_err(|_| {
                    format!(
                        "unknown style word {word:?} (expected bold, dim, italic, underline, \
                         blink, reverse, strikethrough, none, a colour, fg:COLOUR or bg:COLOUR)"
                    )
                })?);
            }
        }
        Ok(style)
    }

    /// True when the style writes nothing.
    #[must_use]
    pub fn is_plain(&self) -> bool {
        *self == Style::default()
    }

    /// The SGR parameters, e.g. `1;31` for bold red.
    fn sgr(&self, out: &mut Buf) {
        use std::io::Write;
        let mut sep = "";
        for (i, (_, code)) in ATTRS.iter().enumerate() {
            if self.attrs & (1 << i) != 0 {
                let _ = write!(out, "{sep}{code}");
                sep = ";";
            }
        }
        for (color, base) in [(self.fg, 30u8), (self.bg, 40u8)] {
            let _ = match color {
                None => Ok(()),
                Some(Color::Ansi(n)) if n < 8 => write!(out, "{sep}{}", base + n),
                Some(Color::Ansi(n)) => write!(out, "{sep}{}", base + 60 + (n - 8)),
                Some(Color::Fixed(n)) => write!(out, "{sep}{};5;{n}", base + 8),
                Some(Color::Rgb(r, g, b)) => write!(out, "{sep}{};2;{r};{g};{b}", base + 8),
            };
            if color.is_some() {
                sep = ";";
            }
        }
    }
}

fn parse_color(text: &str) -> Result<Color, String> {
    let bad = || {
        format!(
            "unknown colour {text:?} (expected black, red, green, yellow, blue, magenta, cyan, \
             white, bright-NAME, a number 0-255 or #rrggbb)"
        )
    };
    if let Some(hex) = text.strip_prefix('#') {
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        return Ok(Color::Rgb(byte(0)?, byte(2)?, byte(4)?));
    }
    if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
        return text.parse::<u8>().map(Color::Fixed).map_err(|_| bad());
    }
    let (bright, name) = match text.strip_prefix("bright-") {
        Some(name) => (8, name),
        None => (0, text),
    };
    let name = if name == "purple" { "magenta" } else { name };
    let index = NAMES.iter().position(|n| *n == name).ok_or_else(bad)?;
    #[allow(clippy::cast_possible_truncation)] // NAMES has 8 entries
    Ok(Color::Ansi(index as u8 + bright))
}

/// Writes the escape that turns `style` on, wrapped as invisible for `shell`; plain output
/// and a plain style write nothing.
pub fn open(out: &mut Buf, shell: Shell, style: &Style) {
    if style.is_plain() {
        return;
    }
    invisible(out, shell, |out| {
        out.extend_from_slice(b"\x1b[");
        style.sgr(out);
        out.push(b'm');
    });
}

/// Writes the escape that resets what [`open`] turned on.
pub fn close(out: &mut Buf, shell: Shell, style: &Style) {
    if style.is_plain() {
        return;
    }
    invisible(out, shell, |out| out.extend_from_slice(b"\x1b[0m"));
}

/// Wraps bytes that take no columns so the shell's line editor counts the width right
/// (readline: `\001`/`\002`, see bash(1) PROMPTING; zsh: `%{ %}`, see zshmisc(1)).
fn invisible(out: &mut Buf, shell: Shell, body: impl FnOnce(&mut Buf)) {
    match shell {
        Shell::Plain => {}
        Shell::Bash => {
            out.push(0x01);
            body(out);
            out.push(0x02);
        }
        Shell::Zsh => {
            out.extend_from_slice(b"%{");
            body(out);
            out.extend_from_slice(b"%}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(shell: Shell, style: &str) -> String {
        let style = Style::parse(style).unwrap();
        let mut out = Buf::new();
        open(&mut out, shell, &style);
        out.extend_from_slice(b"x");
        close(&mut out, shell, &style);
        String::from_utf8(out.to_vec()).unwrap()
    }

    #[test]
    fn styles_parse_to_sgr() {
        let cases: &[(&str, &str)] = &[
            ("red", "\x1b[31mx\x1b[0m"),
            ("bold red", "\x1b[1;31mx\x1b[0m"),
            ("fg:bright-red", "\x1b[91mx\x1b[0m"),
            ("BOLD bg:Red fg:white", "\x1b[1;37;41mx\x1b[0m"),
            ("dim italic underline", "\x1b[2;3;4mx\x1b[0m"),
            ("purple", "\x1b[35mx\x1b[0m"),
            ("208", "\x1b[38;5;208mx\x1b[0m"),
            ("bg:#ff8000", "\x1b[48;2;255;128;0mx\x1b[0m"),
            ("reverse strikethrough blink", "\x1b[5;7;9mx\x1b[0m"),
            ("", "x"),
            ("none", "x"),
        ];
        for (style, want) in cases {
            assert_eq!(
                wrapped(Shell::Bash, style).replace(['\x01', '\x02'], ""),
                *want,
                "{style:?}"
            );
        }
    }

    #[test]
    fn each_shell_wraps_escapes_its_own_way() {
        let cases: &[(Shell, &str, &str)] = &[
            (Shell::Plain, "bold red", "x"),
            (
                Shell::Bash,
                "bold red",
                "\x01\x1b[1;31m\x02x\x01\x1b[0m\x02",
            ),
            (Shell::Zsh, "bold red", "%{\x1b[1;31m%}x%{\x1b[0m%}"),
            (Shell::Bash, "", "x"),
            (Shell::Zsh, "none", "x"),
        ];
        for (shell, style, want) in cases {
            assert_eq!(wrapped(*shell, style), *want, "{shell:?} {style:?}");
        }
    }

    #[test]
    fn bad_styles_name_the_word() {
        let cases: &[(&str, &str)] = &[
            ("bold redd", "unknown style word \"redd\""),
            ("fg:#12345", "unknown colour \"#12345\""),
            ("bg:256", "unknown colour \"256\""),
            ("fg:bright-pink", "unknown colour \"bright-pink\""),
            ("bg:#gg0000", "unknown colour \"#gg0000\""),
        ];
        for (style, want) in cases {
            let err = Style::parse(style).unwrap_err();
            assert!(err.starts_with(want), "{style:?}: {err}");
        }
    }
}
