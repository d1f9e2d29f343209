//! The shells awesh knows, as one type: what `awesh prompt --shell` escapes for, what the
//! serve protocol's `shell=` names, what `awesh init` and `awesh completions` write for. Each
//! command says which of them it takes ([`Shell::PROMPT`], [`Shell::INIT`]); a leaf module,
//! so the command line, the renderer and the server all name shells the same way.

/// A shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shell {
    /// Plain text (for `$(awesh prompt)` or scripts): only control bytes are made visible,
    /// no style is written.
    #[default]
    Plain,
    /// bash: the text is stored in a variable that PS1 references, which bash does not
    /// re-expand; invisible bytes must sit between `\001` and `\002` for readline.
    Bash,
    /// zsh: prompt text is always scanned for `%` escapes, so `%` becomes `%%`; invisible
    /// bytes sit between `%{` and `%}`.
    Zsh,
    /// fish: the prompt function's output is printed as it is and fish measures it itself,
    /// skipping SGR escapes (as `set_color` writes them); names shown as plain text.
    Fish,
}

impl Shell {
    /// Every shell, in the order help text lists them.
    pub const ALL: &'static [Shell] = &[Shell::Plain, Shell::Bash, Shell::Zsh, Shell::Fish];
    /// What `awesh prompt --shell` and the serve protocol escape for.
    pub const PROMPT: &'static [Shell] = Shell::ALL;
    /// What `awesh init` and `awesh completions` have scripts for.
    pub const INIT: &'static [Shell] = &[Shell::Bash, Shell::Zsh, Shell::Fish];

    /// The name on the command line and in the protocol.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Shell::Plain => "plain",
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
        }
    }

    /// The shell named `name`, among `allowed`.
    #[must_use]
    pub fn named(name: &[u8], allowed: &[Shell]) -> Option<Shell> {
        allowed
            .iter()
            .copied()
            .find(|s| s.name().as_bytes() == name)
    }

    /// One line of help per shell, for the command line.
    #[must_use]
    pub fn help(self) -> &'static str {
        match self {
            Shell::Plain => "Plain text; control bytes made visible, no styles",
            Shell::Bash => "bash (readline `\\001`/`\\002` around invisible bytes)",
            Shell::Zsh => "zsh (`%` doubled, `%{ %}` around invisible bytes)",
            Shell::Fish => "fish (styles as raw SGR, as `set_color` writes them)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_within_each_list() {
        for &shell in Shell::ALL {
            assert_eq!(
                Shell::named(shell.name().as_bytes(), Shell::ALL),
                Some(shell)
            );
        }
        assert_eq!(Shell::named(b"plain", Shell::INIT), None);
        assert_eq!(Shell::named(b"Bash", Shell::ALL), None);
        assert_eq!(Shell::named(b"", Shell::ALL), None);
    }
}
