//! Where git's config and its other per-user files live outside any repository: the system
//! file, then the global ones (`$XDG_CONFIG_HOME/git/config` or `~/.config/git/config`, then
//! `~/.gitconfig`), lowest precedence first. One list for everything that reads them: the
//! ownership check, the status's settings, the abbreviation length, the server's kept status.

use std::path::{Path, PathBuf};

use crate::env::Env;

/// git's own config folder: `$XDG_CONFIG_HOME/git`, else `~/.config/git`.
#[must_use]
pub fn xdg_dir(env: &Env) -> Option<PathBuf> {
    match env.non_empty("XDG_CONFIG_HOME") {
        Some(xdg) => Some(Path::new(xdg).join("git")),
        None => env
            .non_empty("HOME")
            .map(|h| Path::new(h).join(".config/git")),
    }
}

/// The config files outside the repository, in the order git reads them (by default).
#[must_use]
pub fn config_files(env: &Env) -> Vec<PathBuf> {
    let mut files = vec![PathBuf::from("/etc/gitconfig")];
    files.extend(xdg_dir(env).map(|d| d.join("config")));
    files.extend(
        env.non_empty("HOME")
            .map(|h| Path::new(h).join(".gitconfig")),
    );
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_then_xdg_then_home() {
        let env = Env::new("/", [("HOME", "/h")]);
        assert_eq!(
            config_files(&env),
            [
                PathBuf::from("/etc/gitconfig"),
                PathBuf::from("/h/.config/git/config"),
                PathBuf::from("/h/.gitconfig")
            ]
        );
        let env = Env::new("/", [("HOME", "/h"), ("XDG_CONFIG_HOME", "/x")]);
        assert_eq!(config_files(&env)[1], PathBuf::from("/x/git/config"));
        assert_eq!(xdg_dir(&Env::new("/", [("A", "b")])), None);
    }
}
