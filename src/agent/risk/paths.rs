//! What names say: environment variables that make programs run other code, paths whose
//! contents are secrets (sending one leaks it), paths whose overwriting breaks a login or a
//! machine (startup files, `~/.ssh`, `/etc`, devices), and the label of writing a file.

use super::scan::{Arg, Scan};
use super::Risk::{Changes as C, Destructive as D};

/// Environment variables that make programs load or run other code.
pub fn env_runs_code(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "PAGER",
        "MANPAGER",
        "LESSOPEN",
        "LESSCLOSE",
        "EDITOR",
        "VISUAL",
        "BROWSER",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_EXTERNAL_DIFF",
        "GIT_ASKPASS",
        "SSH_ASKPASS",
        "SUDO_ASKPASS",
        "GIT_PROXY_COMMAND",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
        "GIT_EXEC_PATH",
        "GIT_TEMPLATE_DIR",
        "GIT_EDITOR",
        "GIT_SEQUENCE_EDITOR",
        "SUDO_EDITOR",
        "PROMPT_COMMAND",
        "BASH_ENV",
        "ENV",
        "ZDOTDIR",
        "PS0",
        "PS1",
        "PS2",
        "PS4",
        "PYTHONSTARTUP",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONINSPECT",
        "PERL5OPT",
        "PERL5LIB",
        "PERLLIB",
        "RUBYOPT",
        "RUBYLIB",
        "NODE_OPTIONS",
        "NODE_PATH",
        "JAVA_TOOL_OPTIONS",
        "_JAVA_OPTIONS",
        "JDK_JAVA_OPTIONS",
        "PATH",
        "SHELLOPTS",
        "BASHOPTS",
        "EXINIT",
        "VIMINIT",
        "GCONV_PATH",
        "HOSTALIASES",
        "TERMINFO",
        "LD_PRELOAD",
        "LD_LIBRARY_PATH",
        "LD_AUDIT",
        "CDPATH_HOOK",
        "FPATH",
        "PROMPT",
        "RPROMPT",
        "KUBECTL_EXTERNAL_DIFF",
        "SYSTEMD_PAGER",
        "SYSTEMD_EDITOR",
        "DIFFPROG",
        "MAKEFLAGS",
        "CARGO_TARGET_DIR_HOOK",
    ];
    EXACT.contains(&name)
        || name.ends_with("_PAGER")
        || name.ends_with("_EDITOR")
        || name.starts_with("LD_")
        || name.starts_with("DYLD_")
        || name.starts_with("GIT_CONFIG_KEY_")
        || name.starts_with("GIT_CONFIG_VALUE_")
        || name.starts_with("BASH_FUNC_")
}

/// Paths whose contents are secrets: sending one anywhere leaks it.
#[must_use]
pub fn secret_path(word: &str) -> bool {
    let path = word.rsplit_once("=@").map_or(word, |(_, p)| p);
    let path = path.trim_start_matches(['@', '<']);
    let path = home_relative(path);
    const PREFIXES: &[&str] = &[
        "~/.ssh",
        "~/.aws/credentials",
        "~/.aws/config",
        "~/.kube/config",
        "~/.netrc",
        "~/.pgpass",
        "~/.docker/config.json",
        "~/.gnupg",
        "~/.git-credentials",
        "~/.config/gh/hosts.yml",
        "~/.vault-token",
        "~/.password-store",
        "~/.config/gcloud",
        "~/.azure",
        "~/.npmrc",
        "~/.pypirc",
        "/etc/shadow",
        "/etc/gshadow",
        "/etc/ssh/ssh_host_",
        "/etc/sudoers",
        "/var/run/secrets",
        "/run/secrets",
    ];
    let name = path.rsplit('/').next().unwrap_or(&path);
    PREFIXES.iter().any(|p| path.starts_with(p))
        || name.starts_with("id_rsa")
        || name.starts_with("id_ed25519")
        || name.starts_with("id_ecdsa")
        || name.starts_with("id_dsa")
        || name == ".env"
        || name.ends_with(".pem") && name.contains("key")
}

/// `/root/x`, `/home/me/x` written as `~/x`, so one list covers them.
pub fn home_relative(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("/root/") {
        return format!("~/{rest}");
    }
    if let Some(rest) = path.strip_prefix("/home/") {
        if let Some((_, after)) = rest.split_once('/') {
            return format!("~/{after}");
        }
    }
    path.to_owned()
}

/// Paths whose overwriting breaks a login, a machine or a key: shell startup files, `~/.ssh`,
/// credentials, `/etc`, system directories.
#[must_use]
pub fn important_path(path: &str) -> bool {
    let path = home_relative(path);
    const STARTUP: &[&str] = &[
        "~/.bashrc",
        "~/.bash_profile",
        "~/.bash_login",
        "~/.bash_logout",
        "~/.profile",
        "~/.zshrc",
        "~/.zprofile",
        "~/.zshenv",
        "~/.zlogin",
        "~/.zlogout",
        "~/.inputrc",
        "~/.config/fish",
        "~/.ssh",
        "~/.gnupg",
        "~/.gitconfig",
        "~/.config/git",
        "~/.kube",
        "~/.aws",
        "~/.docker",
        "~/.netrc",
        "~/.pgpass",
        "~/.npmrc",
        "~/.pypirc",
        "~/.config/autostart",
        "~/.config/systemd",
        "~/.xinitrc",
        "~/.xprofile",
        "~/.vimrc",
        "~/.tmux.conf",
        "~/.config/awesh",
        "/etc",
        "/boot",
        "/usr",
        "/bin",
        "/sbin",
        "/lib",
        "/lib64",
        "/var",
        "/root",
        "/sys",
        "/proc",
        "/opt",
    ];
    // A repository's hooks and config run code at the next git command.
    let git_code = path.contains(".git/hooks") || path.ends_with(".git/config");
    path == "/"
        || path == "/*"
        || path == "~"
        || path == "~/"
        || git_code
        || STARTUP
            .iter()
            .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// Records that a file is written: at least "changes"; a startup, key or system file, or a
/// device, is destructive.
pub fn writes(s: &mut Scan, target: &Arg, _append: bool, how: &str) {
    let t = target.text.as_str();
    if matches!(
        t,
        "/dev/null" | "/dev/stdout" | "/dev/stderr" | "/dev/tty" | "-"
    ) || t.starts_with("/dev/fd/")
    {
        return;
    }
    if t.starts_with("/dev/") {
        s.note(D, how, &format!("writes to the device {t}"));
    } else if important_path(t) {
        s.note(
            D,
            how,
            &format!("overwrites {t}, a startup, key or system file"),
        );
    } else if target.dynamic {
        s.note(C, how, "writes a file named at run time");
    } else {
        s.note(C, how, &format!("writes {t}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        for p in [
            "~/.ssh/id_rsa",
            "@~/.ssh/id_ed25519",
            "file=@~/.aws/credentials",
            "/home/me/.kube/config",
            "/root/.netrc",
            "~/.ssh",
        ] {
            assert!(secret_path(p), "{p}");
        }
        for p in ["~/notes.txt", "./id.txt", "/etc/hosts"] {
            assert!(!secret_path(p), "{p}");
        }
        for p in [
            ".git/hooks/pre-commit",
            "~/.bashrc",
            "/etc/passwd",
            "~/.ssh/authorized_keys",
            "/root/.profile",
            "/usr/bin/x",
            "/",
        ] {
            assert!(important_path(p), "{p}");
        }
        for p in ["./out.txt", "/tmp/x", "~/notes.txt", "build/a"] {
            assert!(!important_path(p), "{p}");
        }
    }
}
