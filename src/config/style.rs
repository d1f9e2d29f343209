//! Text styles (colours, bold, dim...) as the user configures them, and their SGR parameters.
//! A leaf of the config layer, so the config parser and the renderer share one type; how the
//! escape is wrapped for each shell is `render::style`'s business.

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
    pub fn sgr(&self, out: &mut impl std::io::Write) {
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
