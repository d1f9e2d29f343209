//! The settings of one `__git_ps1` call, as the shell function hands them over: the shell's own
//! facts (zsh or bash, PS1 mode, whether PS1 is expanded, how it splits words) as flags, and
//! each `GIT_PS1_*` variable that is set as a `NAME=VALUE` argument. An unset variable is
//! absent, so "unset" and "set but empty" stay apart where git's script tells them apart
//! (`GIT_PS1_STATESEPARATOR`, `GIT_PS1_COLOR_PRE`/`_POST`).

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// One call's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opts {
    /// Running in zsh (`ZSH_VERSION` set): zsh colours and `%%`.
    pub zsh: bool,
    /// PS1 mode (`__git_ps1 PRE POST [FMT]`).
    pub pcmode: bool,
    /// The shell expands PS1 (bash `promptvars`, zsh `PROMPT_SUBST`): names go in variables.
    pub expanded: bool,
    /// The bytes the shell splits unquoted words on (bash: `$IFS`); `None` when it does not
    /// split them (zsh without `SH_WORD_SPLIT`).
    pub ifs: Option<Vec<u8>>,
    /// `GIT_PS1_SHOWDIRTYSTATE` non-empty.
    pub dirty: bool,
    /// `GIT_PS1_SHOWSTASHSTATE` non-empty.
    pub stash: bool,
    /// `GIT_PS1_SHOWUNTRACKEDFILES` non-empty.
    pub untracked: bool,
    /// `GIT_PS1_SHOWUPSTREAM` (unset: `None`).
    pub show_upstream: Option<Vec<u8>>,
    /// `GIT_PS1_SHOWCONFLICTSTATE` is exactly `yes`.
    pub conflict_yes: bool,
    /// `GIT_PS1_DESCRIBE_STYLE`.
    pub describe: Describe,
    /// `GIT_PS1_HIDE_IF_PWD_IGNORED` non-empty.
    pub hide_ignored: bool,
    /// `GIT_PS1_STATESEPARATOR` (unset: `None`, a space).
    pub separator: Option<Vec<u8>>,
    /// `GIT_PS1_SHOWCOLORHINTS` non-empty.
    pub colors: bool,
    /// `GIT_PS1_COMPRESSSPARSESTATE` non-empty.
    pub compress_sparse: bool,
    /// `GIT_PS1_OMITSPARSESTATE` non-empty.
    pub omit_sparse: bool,
    /// `GIT_PS1_COLOR_PRE` (unset: `None`, SOH).
    pub color_pre: Option<Vec<u8>>,
    /// `GIT_PS1_COLOR_POST` (unset: `None`, STX).
    pub color_post: Option<Vec<u8>>,
}

/// `GIT_PS1_DESCRIBE_STYLE`: how a detached HEAD is named.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Describe {
    /// Unset, `default` or anything else: a tag exactly at HEAD (`describe --tags --exact-match`).
    #[default]
    Default,
    /// `contains`: `describe --contains` (newer annotated tag).
    Contains,
    /// `branch`: `describe --contains --all`.
    Branch,
    /// `tag`: `describe --tags`.
    Tag,
    /// `describe`: `describe` (older annotated tag).
    Describe,
}

impl Opts {
    /// Reads the flags and `NAME=VALUE` fields.
    ///
    /// # Errors
    /// A field that is no `GIT_PS1_*` variable awesh knows, or a flag it does not know.
    pub fn parse(args: &[OsString]) -> Result<Opts, String> {
        let mut o = Opts::default();
        for arg in args {
            let bytes = arg.as_bytes();
            match bytes {
                b"--zsh" => o.zsh = true,
                b"--pcmode" => o.pcmode = true,
                b"--expanded" => o.expanded = true,
                _ => {
                    if let Some(ifs) = bytes.strip_prefix(b"--ifs=") {
                        o.ifs = Some(ifs.to_vec());
                        continue;
                    }
                    let eq = bytes.iter().position(|&b| b == b'=').ok_or_else(|| {
                        format!("unknown argument {}", String::from_utf8_lossy(bytes))
                    })?;
                    let (name, value) = bytes.split_at(eq);
                    o.set(name, value.get(1..).unwrap_or_default())?;
                }
            }
        }
        Ok(o)
    }

    fn set(&mut self, name: &[u8], value: &[u8]) -> Result<(), String> {
        let on = !value.is_empty();
        match name.strip_prefix(b"GIT_PS1_").unwrap_or(b"") {
            b"SHOWDIRTYSTATE" => self.dirty = on,
            b"SHOWSTASHSTATE" => self.stash = on,
            b"SHOWUNTRACKEDFILES" => self.untracked = on,
            b"SHOWUPSTREAM" => self.show_upstream = Some(value.to_vec()),
            b"SHOWCONFLICTSTATE" => self.conflict_yes = value == b"yes",
            b"DESCRIBE_STYLE" => {
                self.describe = match value {
                    b"contains" => Describe::Contains,
                    b"branch" => Describe::Branch,
                    b"tag" => Describe::Tag,
                    b"describe" => Describe::Describe,
                    _ => Describe::Default,
                }
            }
            b"HIDE_IF_PWD_IGNORED" => self.hide_ignored = on,
            b"STATESEPARATOR" => self.separator = Some(value.to_vec()),
            b"SHOWCOLORHINTS" => self.colors = on,
            b"COMPRESSSPARSESTATE" => self.compress_sparse = on,
            b"OMITSPARSESTATE" => self.omit_sparse = on,
            b"COLOR_PRE" => self.color_pre = Some(value.to_vec()),
            b"COLOR_POST" => self.color_post = Some(value.to_vec()),
            _ => {
                return Err(format!(
                    "unknown variable {}",
                    String::from_utf8_lossy(name)
                ))
            }
        }
        Ok(())
    }

    /// The words the shell's unquoted `for option in $VALUE` would loop over: split on the
    /// shell's IFS (empty fields, which match no option, dropped), or the value whole when the
    /// shell does not split (zsh). Globbing is not done (an option word with `*` matches no
    /// option in git's script either, unless a file of that name is in the directory).
    #[must_use]
    pub fn words<'a>(&self, value: &'a [u8]) -> Vec<&'a [u8]> {
        match &self.ifs {
            None if value.is_empty() => Vec::new(),
            None => vec![value],
            Some(ifs) => value
                .split(|b| ifs.contains(b))
                .filter(|w| !w.is_empty())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_unset_apart_from_empty() {
        let args: Vec<OsString> = [
            "--zsh",
            "GIT_PS1_STATESEPARATOR=",
            "GIT_PS1_SHOWDIRTYSTATE=",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let o = Opts::parse(&args).unwrap();
        assert!(o.zsh);
        assert_eq!(o.separator, Some(Vec::new()));
        assert!(!o.dirty);
        assert_eq!(o.color_pre, None);
        assert!(Opts::parse(&[OsString::from("GIT_PS1_NOPE=1")]).is_err());
    }

    #[test]
    fn words_split_like_the_shell() {
        let mut o = Opts::default();
        assert_eq!(o.words(b"verbose name"), vec![&b"verbose name"[..]]);
        o.ifs = Some(b" \t\n".to_vec());
        assert_eq!(
            o.words(b" verbose\tname "),
            vec![&b"verbose"[..], &b"name"[..]]
        );
    }
}
