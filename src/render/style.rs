//! The one place a style's escape bytes are written: SGR sequences wrapped the way each shell
//! must be told they take no columns (bash: readline's `\001`...`\002`; zsh: `%{`...`%}`), and
//! nothing at all for plain output. The style itself is the config's (`config::style`).

use super::{Buf, Shell};
pub use crate::config::style::Style;

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
        // fish measures the prompt itself and skips SGR sequences: no wrapper.
        Shell::Fish => body(out),
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
            // fish skips SGR itself when it measures the prompt: raw, unwrapped.
            (Shell::Fish, "bold red", "\x1b[1;31mx\x1b[0m"),
            (Shell::Fish, "", "x"),
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
