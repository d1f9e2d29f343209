//! One simple command, after the shell has parsed and unquoted it: what the program table
//! cannot say. Wrappers are looked through with their options (`sudo -u x`, `timeout 5`,
//! `nice -n 19`, `env A=b`); strings run as code are parsed again (`bash -c`, `eval`, `ssh
//! host …`, `watch`, `find -exec`, `xargs`, `kubectl exec -- …`); a program chosen at run
//! time, code read from a pipe or a download, environment variables and options that make a
//! program run other code, files written (startup files, `~/.ssh`, `/etc`, devices), and
//! secret files sent over the network raise the label.

use super::programs::{self, Parsed};
use super::shell::{Arg, Output, Scan, Stdin};
use super::Risk::{self, Changes as C, Destructive as D, Safe as S};

/// A wrapper: (name, options that take a value, positional words it takes before the command).
const WRAPPERS: &[(&str, &[&str], usize)] = &[
    (
        "sudo",
        &[
            "-u",
            "-g",
            "-C",
            "-D",
            "-h",
            "-p",
            "-r",
            "-t",
            "-T",
            "-U",
            "--user",
            "--group",
            "--chdir",
            "--prompt",
            "--role",
            "--type",
            "--host",
            "--close-from",
            "--other-user",
        ],
        0,
    ),
    ("doas", &["-u", "-C"], 0),
    ("pkexec", &["--user"], 0),
    ("nice", &["-n", "--adjustment"], 0),
    ("nohup", &[], 0),
    ("setsid", &[], 0),
    ("time", &["-f", "--format", "-o", "--output"], 0),
    ("command", &[], 0),
    ("builtin", &[], 0),
    ("exec", &["-a"], 0),
    ("timeout", &["-s", "--signal", "-k", "--kill-after"], 1),
    ("ionice", &["-c", "--class", "-n", "--classdata"], 0),
    (
        "stdbuf",
        &["-i", "-o", "-e", "--input", "--output", "--error"],
        0,
    ),
    (
        "chrt",
        &[
            "-T",
            "-P",
            "-D",
            "--sched-runtime",
            "--sched-period",
            "--sched-deadline",
        ],
        1,
    ),
    ("taskset", &[], 1),
    ("unbuffer", &[], 0),
    ("caffeinate", &["-t", "-w"], 0),
    ("chroot", &["--userspec", "--groups"], 1),
    ("strace", &["-o", "-e", "-s", "-u", "-E", "-P"], 0),
    ("ltrace", &["-o", "-e", "-s", "-u", "-n"], 0),
    ("firejail", &[], 0),
    ("proxychains", &["-f"], 0),
    ("proxychains4", &["-f"], 0),
    ("torsocks", &["-u", "-p", "-a", "-P"], 0),
    ("xvfb-run", &["-n", "-s", "-f", "-e"], 0),
    (
        "systemd-run",
        &[
            "-u",
            "--unit",
            "-p",
            "--property",
            "-E",
            "--setenv",
            "-M",
            "--machine",
            "--uid",
            "--gid",
            "--description",
            "--slice",
        ],
        0,
    ),
    ("dbus-run-session", &[], 0),
    ("catchsegv", &[], 0),
    ("env", &["-u", "--unset", "-C", "--chdir"], 0),
];

const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "hush", "fish", "yash", "tcsh", "csh",
];

/// Interpreters and the options that give them code as a string.
const INTERPRETERS: &[(&str, &[&str])] = &[
    ("python", &["-c"]),
    ("python2", &["-c"]),
    ("python3", &["-c"]),
    ("pypy", &["-c"]),
    ("pypy3", &["-c"]),
    ("perl", &["-e", "-E"]),
    ("ruby", &["-e"]),
    ("node", &["-e", "--eval", "-p", "--print"]),
    ("nodejs", &["-e", "--eval", "-p", "--print"]),
    ("deno", &["eval"]),
    ("bun", &["-e", "--eval"]),
    ("php", &["-r"]),
    ("lua", &["-e"]),
    ("luajit", &["-e"]),
    ("Rscript", &["-e"]),
    ("tclsh", &[]),
    ("pwsh", &["-c", "-Command", "-command", "-EncodedCommand"]),
    (
        "powershell",
        &["-c", "-Command", "-command", "-EncodedCommand"],
    ),
    ("osascript", &["-e"]),
];

/// Builtins and keywords that only read or set the shell's own state.
const SHELL_SAFE: &[&str] = &[
    ":", "exit", "return", "wait", "jobs", "fg", "bg", "shift", "break", "continue", "local",
    "declare", "typeset", "readonly", "let", "shopt", "ulimit", "hash", "getopts", "umask",
    "pushd", "popd", "dirs", "disown", "complete", "compgen", "caller", "times", "logout",
];

/// Environment variables that make programs load or run other code.
fn env_runs_code(name: &str) -> bool {
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
fn home_relative(path: &str) -> String {
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
    path == "/"
        || path == "/*"
        || path == "~"
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

fn summary(words: &[Arg]) -> String {
    let mut out = String::new();
    for w in words.iter().take(4) {
        if out.len() + w.text.len() > 48 {
            out.push_str(" …");
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w.text);
    }
    format!("`{out}`")
}

fn base(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

fn texts(words: &[Arg]) -> Vec<String> {
    words.iter().map(|w| w.text.clone()).collect()
}

/// An environment variable set for a command or exported: one that makes programs run other
/// code is destructive; `PATH=$PATH:/x` (appending) only changes which programs exist, and an
/// editor or pager variable naming a well-known editor or pager (`EDITOR=vim`) only changes
/// which of them runs.
fn assigned(s: &mut Scan, name: &str, value: &str) {
    const BENIGN: &[&str] = &[
        "vim",
        "vi",
        "nvim",
        "nano",
        "emacs",
        "emacsclient",
        "code",
        "subl",
        "micro",
        "hx",
        "kak",
        "less",
        "more",
        "most",
        "cat",
        "bat",
        "delta",
        "diff-so-fancy",
        "ssh",
    ];
    let program_var = name.ends_with("PAGER")
        || name.ends_with("EDITOR")
        || matches!(name, "VISUAL" | "GIT_SSH" | "DIFFPROG");
    let single = !value.is_empty()
        && !value.contains(|c: char| c.is_whitespace() || "$`;|&<>(){}'\"\\!*?".contains(c));
    if name == "PATH" && value.starts_with('$') {
        s.note(C, "PATH=$PATH:…", "adds directories to search for programs");
    } else if program_var && single && BENIGN.contains(&base(value)) {
        s.note(
            C,
            &format!("{name}={value}"),
            "changes which editor or pager programs run",
        );
    } else if env_runs_code(name) {
        s.note(
            D,
            &format!("{name}=…"),
            "makes programs load or run other code",
        );
    }
}

/// Labels one simple command: its assignments, then its words.
pub fn run(s: &mut Scan, assigns: &[(String, Arg)], words: &[Arg], stdin: &Stdin) -> Output {
    for (name, value) in assigns {
        assigned(s, name, &value.text);
    }
    if words.is_empty() {
        return Output::default();
    }
    exec(s, words, stdin)
}

/// Splits a wrapper's own options from the command it runs.
fn unwrap<'a>(
    words: &'a [Arg],
    values: &[&str],
    skip: usize,
) -> (Vec<(String, Option<&'a Arg>)>, &'a [Arg]) {
    let mut options = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let a = words[i].text.as_str();
        if a == "--" {
            i += 1;
            break;
        }
        if !(a.starts_with('-') && a.len() > 1) {
            break;
        }
        if values.contains(&a) {
            options.push((a.to_owned(), words.get(i + 1)));
            i += 2;
            continue;
        }
        if !a.starts_with("--") && values.contains(&&a[..2]) {
            options.push((a[..2].to_owned(), None));
        } else {
            options.push((a.split('=').next().unwrap_or(a).to_owned(), None));
        }
        i += 1;
    }
    let rest = words.get(i..).unwrap_or(&[]);
    (options, rest.get(skip..).unwrap_or(&[]))
}

fn exec(s: &mut Scan, words: &[Arg], stdin: &Stdin) -> Output {
    let program = &words[0];
    let what = summary(words);
    if program.dynamic {
        s.note(D, &what, "runs a program chosen at run time");
        return Output::default();
    }
    if program.glob {
        s.note(
            D,
            &what,
            "the program's name comes from a glob or brace expansion",
        );
        return Output::default();
    }
    let name = base(&program.text);
    let args = &words[1..];
    if let Some((_, values, skip)) = WRAPPERS.iter().find(|(w, _, _)| *w == name) {
        return wrapper(s, name, values, *skip, args, stdin, &what);
    }
    if SHELLS.contains(&name) {
        shell(s, name, args, stdin, &what);
        return Output::default();
    }
    if let Some((_, code_opts)) = INTERPRETERS.iter().find(|(i, _)| *i == name) {
        interpreter(s, name, code_opts, args, stdin, &what);
        return Output::default();
    }
    match name {
        // `busybox rm -rf ~` is `rm -rf ~`.
        "busybox" | "toybox" if !args.is_empty() => return exec(s, args, stdin),
        "su" | "runuser" | "sg" if code_option(args).is_some() => {
            match code_option(args) {
                Some(code) if code.dynamic => s.note(D, &what, "runs code chosen at run time"),
                Some(code) => s.nested(&code.text, "run by su -c"),
                None => {}
            }
            return Output::default();
        }
        "runuser" => {
            let (_, rest) = unwrap(args, &["-u", "-g", "-G", "-s", "--shell", "-w"], 0);
            if rest.is_empty() {
                s.note(C, &what, "opens a shell as another user");
                return Output::default();
            }
            return exec(s, rest, stdin);
        }
        "su" => {
            s.note(C, &what, "opens a shell as another user");
            return Output::default();
        }
        "sg" => {
            // `sg group command…`: the words after the group are one shell command.
            if args.len() > 1 {
                s.nested(&texts(&args[1..]).join(" "), "run by sg");
            }
            return Output::default();
        }
        "at" | "batch" => {
            s.note(C, &what, "schedules commands");
            if !args.iter().any(|a| {
                a.text == "-f" || a.text.starts_with("-l") || a.text == "-r" || a.text == "-d"
            }) {
                from_stdin(s, stdin, &what, true);
            }
            return Output::default();
        }
        "script" => {
            s.note(C, &what, "records a terminal session to a file");
            if let Some(code) = code_option(args) {
                s.nested(&code.text, "run by script -c");
            }
            return Output::default();
        }
        "parallel" => {
            let end = args
                .iter()
                .position(|a| a.text.starts_with(":::"))
                .unwrap_or(args.len());
            let cmd: Vec<&Arg> = args[..end]
                .iter()
                .skip_while(|a| a.text.starts_with('-'))
                .collect();
            if cmd.is_empty() {
                from_stdin(s, stdin, &what, false);
            } else if cmd.iter().any(|a| a.dynamic) {
                s.note(D, &what, "parallel runs code chosen at run time");
            } else {
                let code: Vec<String> = cmd.iter().map(|a| a.text.clone()).collect();
                s.nested(&code.join(" "), "run by parallel");
            }
            return Output::default();
        }
        "gdb" | "lldb" => {
            let runs_shell = args.windows(2).any(|w| {
                matches!(
                    w[0].text.as_str(),
                    "-ex" | "--eval-command" | "-o" | "--one-line"
                ) && ["shell", "!", "python", "system", "call "]
                    .iter()
                    .any(|k| w[1].text.contains(k))
            });
            s.note(
                if runs_shell { D } else { C },
                &what,
                if runs_shell {
                    "a debugger command that runs a shell"
                } else {
                    "runs a program under a debugger"
                },
            );
            return Output::default();
        }
        "tmux" | "screen" => {
            tmux(s, name, args, &what);
            return Output::default();
        }
        "eval" => {
            if args.iter().any(|a| a.dynamic) {
                s.note(D, &what, "eval runs code chosen at run time");
            } else {
                let code = texts(args).join(" ");
                s.nested(&code, "inside eval");
            }
            return Output::default();
        }
        "source" | "." => {
            source(s, args, stdin, &what);
            return Output::default();
        }
        "xargs" => {
            xargs(s, args, &what);
            return Output::default();
        }
        "watch" => {
            watch(s, args, &what);
            return Output::default();
        }
        "alias" => {
            for a in args {
                if let Some((_, value)) = a.text.split_once('=') {
                    s.note(C, &what, "defines an alias");
                    s.nested(value, "inside an alias");
                }
            }
        }
        "trap" => {
            if let Some(code) = args.first().filter(|a| !a.text.starts_with('-')) {
                s.note(C, &what, "sets a trap");
                if code.dynamic {
                    s.note(D, &what, "a trap runs code chosen at run time");
                } else {
                    s.nested(&code.text, "inside a trap");
                }
            }
        }
        "export" | "declare" | "typeset" | "readonly" | "local" => {
            for a in args {
                if let Some((var, value)) = a.text.split_once('=') {
                    assigned(s, var, value);
                }
            }
        }
        _ => {}
    }
    if SHELL_SAFE.contains(&name) {
        s.note(S, &what, "");
        return Output::default();
    }
    let arg_texts = texts(args);
    let parsed = programs::parse(name, &arg_texts);
    let ran_elsewhere = special(s, name, args, &parsed, &what);
    let extra = match stdin {
        Stdin::Doc { text, .. } => text.as_str(),
        _ => "",
    };
    match programs::label(name, &arg_texts, extra) {
        // `ssh host CMD`, `kubectl exec … -- CMD`: the command's own label is what counts.
        Some(_) if ran_elsewhere => {}
        Some((risk, rule)) => s.note(risk, &what, rule.why),
        None => s.note(
            C,
            &what,
            &format!("{name} is not in awesh's table, so it may change things"),
        ),
    }
    for target in write_targets(name, args, &parsed) {
        writes(s, &target, false, &what);
    }
    network(s, name, args, &parsed, stdin, &what);
    const DATABASES: &[&str] = &[
        "psql",
        "mysql",
        "mariadb",
        "sqlite3",
        "sqlcmd",
        "clickhouse-client",
        "cqlsh",
        "mongosh",
        "mongo",
        "redis-cli",
        "duckdb",
    ];
    if DATABASES.contains(&name) && matches!(stdin, Stdin::Pipe { .. }) {
        s.note(D, &what, "runs statements read from a pipe");
    }
    Output {
        downloads: matches!(
            name,
            "curl" | "wget" | "fetch" | "aria2c" | "http" | "https" | "xh" | "lwp-request" | "GET"
        ),
        reads_secret: parsed.positionals.iter().any(|p| secret_path(p))
            || args
                .iter()
                .any(|a| a.text.starts_with("if=") && secret_path(&a.text[3..]))
            || matches!(stdin, Stdin::File(f) if secret_path(f)),
    }
}

fn wrapper(
    s: &mut Scan,
    name: &str,
    values: &[&str],
    skip: usize,
    args: &[Arg],
    stdin: &Stdin,
    what: &str,
) -> Output {
    let (options, mut rest) = unwrap(args, values, skip);
    let has = |o: &str| options.iter().any(|(n, _)| n == o);
    if name == "env" {
        while let Some(first) = rest.first() {
            let Some((var, _)) = first.text.split_once('=') else {
                break;
            };
            if var.is_empty() || var.contains('/') {
                break;
            }
            assigned(s, var, first.text.split_once('=').map_or("", |x| x.1));
            rest = &rest[1..];
        }
        if let Some(split) = args
            .iter()
            .position(|a| a.text == "-S" || a.text == "--split-string")
        {
            if let Some(code) = args.get(split + 1) {
                s.nested(&code.text, "inside env -S");
            }
        }
    }
    if matches!(name, "command" | "builtin") && (has("-v") || has("-V")) {
        s.note(S, what, "looks a command up");
        return Output::default();
    }
    if name == "time" && (has("-o") || has("--output")) {
        s.note(C, what, "writes its report to a file");
    }
    if name == "sudo" && (has("-e") || has("--edit")) {
        for f in rest {
            writes(s, f, false, what);
        }
        return Output::default();
    }
    if rest.is_empty() {
        let risk = match name {
            "sudo" | "doas" | "chroot" | "runuser" | "pkexec"
                if !options.is_empty() || name == "chroot" =>
            {
                C
            }
            "env" | "nice" | "time" | "command" | "builtin" | "exec" | "sudo" | "doas" => S,
            _ => C,
        };
        s.note(risk, what, "runs no command of its own");
        return Output::default();
    }
    exec(s, rest, stdin)
}

/// The value of `-c CMD` / `--command CMD` / `--command=CMD` (su, runuser, script, sg).
fn code_option(args: &[Arg]) -> Option<Arg> {
    for (i, a) in args.iter().enumerate() {
        let cluster = a.text.len() > 1
            && a.text.starts_with('-')
            && !a.text.starts_with("--")
            && a.text[1..].bytes().all(|b| b.is_ascii_alphabetic())
            && a.text.ends_with('c');
        if cluster || a.text == "--command" {
            return args.get(i + 1).cloned();
        }
        if let Some(code) = a.text.strip_prefix("--command=") {
            return Some(Arg {
                text: code.to_owned(),
                dynamic: a.dynamic,
                ..Arg::default()
            });
        }
    }
    None
}

/// tmux and screen run shell commands they are given: `tmux new -d 'cmd'`, `send-keys`,
/// `run-shell`, `screen -dm cmd`.
fn tmux(s: &mut Scan, name: &str, args: &[Arg], what: &str) {
    s.note(C, what, "drives a terminal multiplexer");
    if args.iter().any(|a| a.dynamic) {
        s.note(
            D,
            what,
            "gives a terminal multiplexer code chosen at run time",
        );
        return;
    }
    if name == "screen" {
        let rest: Vec<&Arg> = args
            .iter()
            .skip_while(|a| a.text.starts_with('-') || a.text == "-S")
            .collect();
        if !rest.is_empty() {
            let code: Vec<String> = rest.iter().map(|a| a.text.clone()).collect();
            s.nested(&code.join(" "), "run by screen");
        }
        return;
    }
    let Some(sub) = args.iter().position(|a| !a.text.starts_with('-')) else {
        return;
    };
    let words: Vec<&Arg> = args[sub + 1..].iter().collect();
    let positional = |skip_values: &[&str]| -> Vec<String> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let t = words[i].text.as_str();
            if skip_values.contains(&t) {
                i += 2;
                continue;
            }
            if !t.starts_with('-') {
                out.push(t.to_owned());
            }
            i += 1;
        }
        out
    };
    match args[sub].text.as_str() {
        "send-keys" | "send" => {
            let keys: Vec<String> = positional(&["-t", "-N"])
                .into_iter()
                .filter(|k| !matches!(k.as_str(), "Enter" | "C-m" | "KPEnter" | "C-j"))
                .collect();
            if !keys.is_empty() {
                s.nested(&keys.join(" "), "typed into tmux");
            }
        }
        "new-session" | "new" | "new-window" | "neww" | "split-window" | "splitw"
        | "respawn-pane" | "respawnp" | "respawn-window" | "respawnw" | "run-shell" | "run"
        | "if-shell" | "if" | "display-popup" | "popup" => {
            let rest = positional(&["-t", "-s", "-n", "-c", "-x", "-y", "-e", "-F", "-l", "-w"]);
            for code in rest {
                s.nested(&code, "run by tmux");
            }
        }
        _ => {}
    }
}

/// `bash -c CODE`, `bash script`, `… | bash`, `bash <<EOF`.
fn shell(s: &mut Scan, name: &str, args: &[Arg], stdin: &Stdin, what: &str) {
    let mut code_flag = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "--" {
            i += 1;
            break;
        }
        if matches!(a, "-o" | "+o" | "-O" | "+O" | "--rcfile" | "--init-file") {
            if a.ends_with("file") {
                s.note(C, what, "reads a startup file awesh cannot see");
            }
            i += 2;
            continue;
        }
        if (a.starts_with('-') || a.starts_with('+')) && a.len() > 1 {
            if !a.starts_with("--") && a[1..].contains('c') {
                code_flag = true;
            }
            i += 1;
            continue;
        }
        break;
    }
    let first = args.get(i);
    let place = if name == "sh" {
        "inside sh -c"
    } else {
        "inside a shell's -c string"
    };
    if code_flag {
        match first {
            Some(code) if code.dynamic => s.note(D, what, "gives a shell code chosen at run time"),
            Some(code) => s.nested(&code.text, place),
            None => s.note(C, what, "a shell -c without code"),
        }
        return;
    }
    match first {
        Some(script) if script.procsub && script.downloads => {
            s.note(D, what, "runs a downloaded script");
        }
        Some(script) if script.dynamic => s.note(D, what, "runs a script chosen at run time"),
        Some(script) if script.text != "-" && script.text != "/dev/stdin" => {
            s.note(C, what, "runs a script awesh cannot see");
        }
        _ => from_stdin(s, stdin, what, true),
    }
}

/// Code a shell or interpreter reads from its standard input.
fn from_stdin(s: &mut Scan, stdin: &Stdin, what: &str, parse: bool) {
    match stdin {
        Stdin::Pipe {
            downloaded: true, ..
        } => s.note(D, what, "runs a downloaded script"),
        Stdin::Pipe { .. } => s.note(D, what, "runs code read from a pipe"),
        Stdin::Doc { dynamic: true, .. } => {
            s.note(D, what, "runs a here-document that expands at run time");
        }
        Stdin::Doc { text, .. } if parse => {
            s.nested(text, "inside a here-document given to a shell")
        }
        Stdin::Doc { .. } => s.note(D, what, "runs code given in a here-document"),
        Stdin::File(f) => s.note(C, what, &format!("runs {f}, which awesh cannot see")),
        Stdin::Inherited => s.note(C, what, "starts an interactive shell or interpreter"),
    }
}

fn interpreter(
    s: &mut Scan,
    name: &str,
    code_opts: &[&str],
    args: &[Arg],
    stdin: &Stdin,
    what: &str,
) {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if code_opts.contains(&a) {
            let code = args.get(i + 1).map(|c| c.text.as_str()).unwrap_or("");
            if name == "perl" && !perl_runs_things(code) {
                let risk = if args.iter().any(|a| {
                    a.text.starts_with("-i")
                        || a.text.starts_with("-pi")
                        || a.text.starts_with("-ni")
                }) {
                    C
                } else {
                    S
                };
                s.note(risk, what, "a perl substitution");
                return;
            }
            s.note(D, what, "gives an interpreter code as a string");
            return;
        }
        if name == "perl"
            && a.starts_with('-')
            && !a.starts_with("--")
            && (a.contains('e') || a.contains('E'))
        {
            let code = args.get(i + 1).map(|c| c.text.as_str()).unwrap_or("");
            if !perl_runs_things(code) {
                let in_place = args.iter().any(|a| {
                    a.text.starts_with('-') && !a.text.starts_with("--") && a.text.contains('i')
                });
                let risk = if in_place { C } else { S };
                s.note(risk, what, "a perl one-liner that edits text");
                return;
            }
            s.note(D, what, "gives an interpreter code as a string");
            return;
        }
        if a == "-m" {
            let module = args.get(i + 1).map(|m| m.text.as_str()).unwrap_or("");
            let rest = texts(args.get(i + 2..).unwrap_or(&[]));
            match module {
                "http.server" | "SimpleHTTPServer" => {
                    let local = rest.windows(2).any(|w| {
                        matches!(w[0].as_str(), "-b" | "--bind")
                            && matches!(w[1].as_str(), "127.0.0.1" | "localhost" | "::1")
                    });
                    if local {
                        s.note(C, what, "serves files on localhost");
                    } else {
                        s.note(D, what, "serves this directory to every network interface");
                    }
                }
                "json.tool" | "this" | "timeit" | "site" | "platform" => s.note(S, what, "reads"),
                "pip" => {
                    let risk = programs::label("pip", &rest, "").map_or(C, |(r, _)| r);
                    s.note(risk, what, "runs pip");
                }
                _ => s.note(C, what, "runs a module awesh cannot see"),
            }
            return;
        }
        if matches!(a, "--version" | "-V" | "--help" | "-h") {
            s.note(S, what, "prints its version or help");
            return;
        }
        if a.starts_with('-') && a.len() > 1 {
            i += 1;
            continue;
        }
        break;
    }
    match args.get(i) {
        Some(script) if script.procsub && script.downloads => {
            s.note(D, what, "runs a downloaded script")
        }
        Some(script) if script.dynamic => s.note(D, what, "runs a script chosen at run time"),
        Some(script) if script.text != "-" => s.note(C, what, "runs a script awesh cannot see"),
        _ => from_stdin(s, stdin, what, false),
    }
}

/// A perl one-liner that does more than edit text.
fn perl_runs_things(code: &str) -> bool {
    const WORDS: &[&str] = &[
        "system", "exec", "`", "qx", "unlink", "open", "rmtree", "eval", "require", "use ", "fork",
        "kill", "rename", "chmod", "chown", "mkdir", "rmdir", "syscall", "socket", "do ",
    ];
    WORDS.iter().any(|w| code.contains(w))
}

fn source(s: &mut Scan, args: &[Arg], stdin: &Stdin, what: &str) {
    match args.first() {
        Some(f) if f.procsub && f.downloads => s.note(D, what, "runs a downloaded script"),
        Some(f) if f.dynamic => s.note(D, what, "runs a script chosen at run time"),
        Some(f) if matches!(f.text.as_str(), "/dev/stdin" | "-") => {
            from_stdin(s, stdin, what, true)
        }
        Some(_) => s.note(C, what, "runs a script awesh cannot see"),
        None => s.note(C, what, "source without a file"),
    }
}

fn xargs(s: &mut Scan, args: &[Arg], what: &str) {
    const VALUES: &[&str] = &[
        "-I",
        "-L",
        "-n",
        "-P",
        "-s",
        "-d",
        "-E",
        "-a",
        "--arg-file",
        "--delimiter",
        "--max-args",
        "--max-lines",
        "--max-procs",
        "--replace",
        "--max-chars",
        "--eof",
    ];
    let mut replace: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if !a.starts_with('-') || a == "-" {
            break;
        }
        if a == "--" {
            i += 1;
            break;
        }
        if a == "-I" || a == "--replace" {
            replace = args.get(i + 1).map(|r| r.text.clone());
            i += 2;
            continue;
        }
        if let Some(r) = a.strip_prefix("-I") {
            replace = Some(r.to_owned());
        } else if let Some(r) = a.strip_prefix("--replace=") {
            replace = Some(r.to_owned());
        } else if a == "-i" {
            replace = Some("{}".into());
        } else if VALUES.contains(&a) {
            i += 2;
            continue;
        }
        i += 1;
    }
    let rest = args.get(i..).unwrap_or(&[]);
    let Some(first) = rest.first() else {
        s.note(S, what, "echoes its input");
        return;
    };
    let runs_code = SHELLS.contains(&base(&first.text))
        || INTERPRETERS.iter().any(|(n, _)| *n == base(&first.text))
        || first.text == "eval";
    if let Some(r) = replace.filter(|r| !r.is_empty()) {
        if runs_code && rest.iter().skip(1).any(|a| a.text.contains(r.as_str())) {
            s.note(D, what, "builds code from its input and runs it");
            return;
        }
    }
    s.place.push("run by xargs");
    exec(s, rest, &Stdin::Inherited);
    s.place.pop();
}

fn watch(s: &mut Scan, args: &[Arg], what: &str) {
    const VALUES: &[&str] = &["-n", "--interval", "-q", "--equexit"];
    let mut direct = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "-x" || a == "--exec" {
            direct = true;
        } else if VALUES.contains(&a) {
            i += 1;
        } else if !a.starts_with('-') {
            break;
        }
        i += 1;
    }
    let rest = args.get(i..).unwrap_or(&[]);
    if rest.is_empty() {
        s.note(C, what, "watch without a command");
    } else if direct {
        s.place.push("run by watch");
        exec(s, rest, &Stdin::Inherited);
        s.place.pop();
    } else if rest.iter().any(|a| a.dynamic) {
        s.note(D, what, "watch runs code chosen at run time");
    } else {
        s.nested(&texts(rest).join(" "), "run by watch");
    }
}

/// Checks for what only code can see in one program's arguments. `true` when the program
/// only carries a command that was labelled on its own (`ssh host CMD`).
fn special(s: &mut Scan, name: &str, args: &[Arg], parsed: &Parsed, what: &str) -> bool {
    let mut ran_elsewhere = false;
    let opt = |n: &'static str| {
        parsed
            .options
            .iter()
            .filter(move |(o, _)| o == n)
            .filter_map(|(_, v)| v.as_deref())
    };
    match name {
        "find" => find(s, args, what),
        "git" => git(s, args, what),
        "kubectl" | "oc" if parsed.positionals.first().is_some_and(|p| p == "exec") => {
            if let Some(dash) = args.iter().position(|a| a.text == "--") {
                let rest = &args[dash + 1..];
                if !rest.is_empty() {
                    s.place.push("inside the pod");
                    exec(s, rest, &Stdin::Inherited);
                    s.place.pop();
                    ran_elsewhere = true;
                }
            }
        }
        "docker" | "podman" | "nerdctl" => {
            let p = &parsed.positionals;
            let at = match p.first().map(String::as_str) {
                Some("exec" | "run") => Some(2),
                Some("container")
                    if matches!(p.get(1).map(String::as_str), Some("exec" | "run")) =>
                {
                    Some(3)
                }
                _ => None,
            };
            if let Some(cmd) = at.and_then(|n| p.get(n..)).filter(|c| !c.is_empty()) {
                let words: Vec<Arg> = cmd
                    .iter()
                    .map(|t| Arg {
                        text: t.clone(),
                        ..Arg::default()
                    })
                    .collect();
                s.place.push("inside the container");
                exec(s, &words, &Stdin::Inherited);
                s.place.pop();
                ran_elsewhere = p.first().is_some_and(|c| c == "exec");
            }
        }
        "ssh" => ran_elsewhere = ssh(s, args, parsed, what),
        "awk" | "gawk" | "mawk" | "nawk" | "busybox-awk" => awk(s, parsed, what),
        "sed" | "gsed" => {
            let mut scripts: Vec<&str> = opt("-e").chain(opt("--expression")).collect();
            if parsed
                .options
                .iter()
                .any(|(o, _)| o == "-f" || o == "--file")
            {
                s.note(C, what, "runs a sed script awesh cannot see");
            }
            if scripts.is_empty() {
                scripts.extend(parsed.positionals.first().map(String::as_str));
            }
            for script in scripts {
                if let Some((risk, why)) = sed_script(script) {
                    s.note(risk, what, why);
                }
            }
        }
        "man"
            if parsed
                .options
                .iter()
                .any(|(o, _)| matches!(o.as_str(), "-P" | "--pager" | "-H" | "--html")) =>
        {
            s.note(D, what, "man runs the pager or browser it is given");
        }
        "less" | "more" | "most" => {
            if args
                .iter()
                .any(|a| a.text.starts_with('+') && a.text.contains('!'))
            {
                s.note(D, what, "a less command that runs a shell");
            }
            if args
                .iter()
                .any(|a| a.text.starts_with("-o") || a.text.starts_with("--log-file"))
            {
                s.note(C, what, "writes a log file");
            }
        }
        "vim" | "vi" | "nvim" | "ex" | "view" | "gvim" => {
            let cmds = args
                .windows(2)
                .filter(|w| matches!(w[0].text.as_str(), "-c" | "--cmd"))
                .map(|w| w[1].text.as_str());
            let plus = args.iter().filter_map(|a| a.text.strip_prefix('+'));
            if cmds
                .chain(plus)
                .any(|c| c.contains('!') || c.contains("system("))
            {
                s.note(D, what, "an editor command that runs a shell");
            }
        }
        "chmod" => {
            let mode = parsed.positionals.first().map(String::as_str).unwrap_or("");
            let setuid = (mode.contains('+') || mode.contains('='))
                && mode
                    .split([',', '+', '=', '-'])
                    .skip(1)
                    .any(|p| p.contains('s'))
                || (mode.len() == 4
                    && mode.bytes().all(|b| b.is_ascii_digit())
                    && matches!(mode.as_bytes()[0], b'2' | b'4' | b'6' | b'7'));
            if setuid {
                s.note(D, what, "sets the setuid or setgid bit");
            }
            top_level_recursive(s, parsed, what);
        }
        "chown" | "chgrp" => top_level_recursive(s, parsed, what),
        "kill" => {
            let mut targets: &[String] = &parsed.positionals;
            let signal_first = args.first().is_some_and(|a| a.text.starts_with('-'));
            if signal_first && parsed.positionals.is_empty() {
                // `kill -9 -1`: the second dash word is a target.
                let dashed: Vec<&Arg> = args.iter().skip(1).collect();
                if dashed.iter().any(|a| a.text == "-1") {
                    s.note(D, what, "signals every process the user can reach");
                }
            }
            if args
                .first()
                .is_some_and(|a| a.text == "-s" || a.text == "-n")
            {
                targets = targets.get(1..).unwrap_or(&[]);
            }
            if targets
                .iter()
                .any(|t| matches!(t.as_str(), "-1" | "1" | "0"))
                || args.iter().skip(1).any(|a| a.text == "-1")
            {
                s.note(D, what, "signals every process, init, or its own group");
            }
        }
        "tar" => {
            for dir in opt("-C").chain(opt("--directory")) {
                if important_path(dir) {
                    s.note(D, what, &format!("extracts into {dir}"));
                }
            }
        }
        "rsync" => {
            for sh in opt("-e").chain(opt("--rsh")) {
                s.nested(sh, "as rsync's remote shell");
            }
        }
        "git-credential" => {}
        _ => {}
    }
    // A service bound to every interface.
    let all = |v: &str| matches!(v, "0.0.0.0" | "::" | "[::]" | "*") || v.starts_with("0.0.0.0:");
    let binds = parsed.options.iter().any(|(o, v)| {
        matches!(
            o.as_str(),
            "--host"
                | "--bind"
                | "--address"
                | "--ip"
                | "--listen"
                | "--addr"
                | "--bind-address"
                | "--listen-address"
                | "--http-address"
                | "-S"
        ) && v.as_deref().is_some_and(all)
    }) || (name == "php"
        && args
            .windows(2)
            .any(|w| w[0].text == "-S" && all(&w[1].text)));
    if binds {
        s.note(D, what, "binds a service to every network interface");
    }
    ran_elsewhere
}

fn top_level_recursive(s: &mut Scan, parsed: &Parsed, what: &str) {
    let recursive = parsed
        .options
        .iter()
        .any(|(o, _)| o == "-R" || o == "--recursive");
    let top = parsed.positionals.iter().skip(1).any(|p| {
        let p = home_relative(p);
        p == "/"
            || p == "~"
            || p == "/*"
            || p == "~/"
            || (p.starts_with('/') && p[1..].split('/').filter(|x| !x.is_empty()).count() == 1)
    });
    if recursive && top {
        s.note(D, what, "changes a whole system or home tree");
    }
}

fn find(s: &mut Scan, args: &[Arg], what: &str) {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if matches!(a, "-exec" | "-execdir" | "-ok" | "-okdir") {
            let end = args[i + 1..]
                .iter()
                .position(|w| w.text == ";" || w.text == "+")
                .map_or(args.len(), |n| i + 1 + n);
            let sub = &args[i + 1..end];
            if !sub.is_empty() {
                s.place.push("run by find -exec");
                exec(s, sub, &Stdin::Inherited);
                s.place.pop();
            }
            i = end + 1;
            continue;
        }
        if matches!(a, "-fprint" | "-fprint0" | "-fprintf" | "-fls") {
            if let Some(f) = args.get(i + 1) {
                writes(s, f, false, what);
            }
        }
        i += 1;
    }
}

/// `git -c KEY=VALUE` and `git config KEY VALUE` for keys that name a program to run.
fn git_key_runs_code(key: &str, value: &str) -> bool {
    let key = key.to_ascii_lowercase();
    const PARTS: &[&str] = &[
        "pager",
        "fsmonitor",
        "sshcommand",
        "editor",
        "hookspath",
        "gitproxy",
        "askpass",
        "external",
        "textconv",
        "program",
        "filter.",
        "difffilter",
        ".command",
        "packobjectshook",
        "receivepack",
        "uploadpack",
        "protocol.",
        "helper",
        ".cmd",
        "tool.",
        "sendemail.",
    ];
    PARTS.iter().any(|p| key.contains(p))
        || (key.starts_with("alias.") && value.trim_start().starts_with('!'))
}

fn git(s: &mut Scan, args: &[Arg], what: &str) {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "-c" {
            if let Some(kv) = args.get(i + 1) {
                let (k, v) = kv.text.split_once('=').unwrap_or((&kv.text, ""));
                if git_key_runs_code(k, v) || kv.dynamic {
                    s.note(
                        D,
                        what,
                        &format!("git -c {k} makes git run another program"),
                    );
                }
            }
            i += 2;
            continue;
        }
        if a.starts_with("--config-env")
            || a.starts_with("--exec-path=")
            || a.starts_with("--upload-pack")
            || a.starts_with("--receive-pack")
        {
            s.note(D, what, "a git option that runs another program");
        }
        if a == "-C" || a == "--git-dir" || a == "--work-tree" || a == "--namespace" {
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        break;
    }
    let rest = args.get(i..).unwrap_or(&[]);
    let sub = rest.first().map(|a| a.text.as_str());
    let tail = rest.get(1..).unwrap_or(&[]);
    match sub {
        Some("push") => {
            let refspecs = tail.iter().filter(|a| !a.text.starts_with('-')).skip(1);
            if refspecs
                .into_iter()
                .any(|a| a.text.starts_with('+') || (a.text.starts_with(':') && a.text.len() > 1))
            {
                s.note(D, what, "force-pushes or deletes a remote branch");
            }
        }
        Some("checkout") if tail.iter().any(|a| a.text == "--" || a.text == ".") => {
            s.note(D, what, "discards local changes to files");
        }
        Some("config") => {
            let pos: Vec<&Arg> = tail.iter().filter(|a| !a.text.starts_with('-')).collect();
            if let [k, v, ..] = pos.as_slice() {
                if git_key_runs_code(&k.text, &v.text) {
                    s.note(
                        D,
                        what,
                        &format!("sets {} to a program git will run", k.text),
                    );
                }
            }
        }
        Some("clone" | "fetch" | "pull" | "ls-remote" | "archive" | "submodule") => {
            if tail.iter().any(|a| {
                a.text == "-u"
                    || a.text.starts_with("--upload-pack")
                    || a.text.starts_with("--exec")
                    || a.text == "--config"
                    || a.text.starts_with("--config=")
                        && git_key_runs_code(a.text.split_once('=').map_or("", |x| x.1), "")
            }) {
                s.note(D, what, "a git option that runs another program");
            }
            if sub == Some("submodule") && tail.first().is_some_and(|a| a.text == "foreach") {
                let code = texts(&tail[1..]).join(" ");
                s.nested(&code, "run by git submodule foreach");
            }
        }
        Some("rebase") => {
            for w in tail.windows(2) {
                if w[0].text == "-x" || w[0].text == "--exec" {
                    s.nested(&w[1].text, "run by git rebase --exec");
                }
            }
            if tail.iter().any(|a| a.text.starts_with("--exec=")) {
                s.note(D, what, "git rebase --exec runs commands");
            }
        }
        Some("bisect") if tail.first().is_some_and(|a| a.text == "run") => {
            let cmd = &tail[1..];
            if !cmd.is_empty() {
                exec(s, cmd, &Stdin::Inherited);
            }
        }
        Some("difftool" | "mergetool")
            if tail
                .iter()
                .any(|a| a.text == "-x" || a.text.starts_with("--extcmd")) =>
        {
            s.note(D, what, "runs the tool it is given");
        }
        _ => {}
    }
}

fn ssh(s: &mut Scan, args: &[Arg], parsed: &Parsed, what: &str) -> bool {
    for (o, v) in &parsed.options {
        let v = v.as_deref().unwrap_or("");
        let lower = v.to_ascii_lowercase();
        if o == "-o"
            && [
                "proxycommand",
                "localcommand",
                "permitlocalcommand",
                "knownhostscommand",
                "match exec",
                "proxyusefdpass",
            ]
            .iter()
            .any(|k| lower.starts_with(k))
        {
            s.note(D, what, "an ssh option that runs a local command");
        }
        if matches!(o.as_str(), "-L" | "-R" | "-D")
            && (v.starts_with("0.0.0.0:") || v.starts_with("*:") || v.starts_with("[::]:"))
        {
            s.note(D, what, "exposes a forwarded port to the network");
        }
    }
    let Some(host) = parsed.positionals.first() else {
        return false;
    };
    let remote = &parsed.positionals[1..];
    if remote.is_empty() {
        return false;
    }
    let at = args.iter().position(|a| &a.text == host).unwrap_or(0);
    if args[at + 1..].iter().any(|a| a.dynamic) {
        s.note(D, what, "gives the remote shell code chosen at run time");
    } else {
        s.nested(&remote.join(" "), "on the remote host");
    }
    true
}

fn awk(s: &mut Scan, parsed: &Parsed, what: &str) {
    if parsed
        .options
        .iter()
        .any(|(o, _)| o == "-f" || o == "--file")
    {
        s.note(C, what, "runs an awk program awesh cannot see");
        return;
    }
    let program: String = parsed
        .options
        .iter()
        .filter(|(o, _)| o == "-e" || o == "--source")
        .filter_map(|(_, v)| v.clone())
        .chain(parsed.positionals.first().cloned())
        .collect::<Vec<_>>()
        .join("\n");
    let compact: String = program.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.contains("system(")
        || compact.contains("|getline")
        || compact.contains("|&")
        || compact.contains("|\"")
    {
        s.note(D, what, "the awk program runs commands");
    } else if compact.contains(">\"") || compact.contains(">>") || compact.contains(">$") {
        s.note(C, what, "the awk program writes files");
    }
    if parsed
        .options
        .iter()
        .any(|(o, v)| o == "-i" && v.as_deref() == Some("inplace"))
    {
        s.note(C, what, "edits files in place");
    }
}

/// What a sed script does beyond editing its stream: `e` runs commands, `w` writes files.
fn sed_script(script: &str) -> Option<(Risk, &'static str)> {
    let mut worst: Option<(Risk, &'static str)> = None;
    let mut raise = |r: Risk, why: &'static str| {
        if worst.is_none_or(|(w, _)| r > w) {
            worst = Some((r, why));
        }
    };
    for part in script.split([';', '\n']) {
        let mut p = part.trim_start().trim_start_matches('{').trim_start();
        // Skip the address: line numbers, $, ranges, steps, /regex/, negation.
        loop {
            let before = p.len();
            p = p.trim_start_matches(|c: char| {
                c.is_ascii_digit() || matches!(c, '$' | ',' | '~' | '+' | '!' | ' ')
            });
            if let Some(rest) = p.strip_prefix('/') {
                let end = rest.find('/').map_or(rest.len(), |n| n + 1);
                p = &rest[end.min(rest.len())..];
            }
            if p.len() == before {
                break;
            }
        }
        let mut chars = p.chars();
        match chars.next() {
            Some('e') => raise(D, "a sed script that runs commands (e)"),
            Some('w' | 'W') => raise(C, "a sed script that writes a file (w)"),
            Some('s') => {
                let Some(delim) = chars.next() else { continue };
                let body: String = chars.collect();
                let mut count = 0;
                let mut escaped = false;
                let mut flags = String::new();
                for c in body.chars() {
                    if count >= 2 {
                        flags.push(c);
                        continue;
                    }
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == delim {
                        count += 1;
                    }
                }
                let flags: String = flags
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if flags.contains('e') {
                    raise(D, "a sed substitution that runs its result (s///e)");
                } else if flags.contains('w') {
                    raise(C, "a sed substitution that writes a file (s///w)");
                }
            }
            _ => {}
        }
    }
    worst
}

/// Files a program writes, from its arguments.
fn write_targets(name: &str, args: &[Arg], parsed: &Parsed) -> Vec<Arg> {
    let arg = |t: &str| Arg {
        text: t.to_owned(),
        dynamic: args.iter().any(|a| a.text == t && a.dynamic),
        ..Arg::default()
    };
    let values = |names: &[&str]| -> Vec<Arg> {
        parsed
            .options
            .iter()
            .filter(|(o, _)| names.contains(&o.as_str()))
            .filter_map(|(_, v)| v.as_deref().map(arg))
            .collect()
    };
    let pos = &parsed.positionals;
    match name {
        // `mv x /dev/null` replaces the device node (as root) or loses x.
        "mv" if pos.last().is_some_and(|p| p.starts_with("/dev/")) => {
            vec![arg("/dev/(moved over)")]
        }
        "cp" | "mv" | "install" | "ln" => {
            let mut out = values(&["-t", "--target-directory"]);
            if out.is_empty() && pos.len() >= 2 {
                out.extend(pos.last().map(|p| arg(p)));
            }
            out
        }
        "tee" | "truncate" | "touch" | "mkdir" | "shred" => pos.iter().map(|p| arg(p)).collect(),
        "sed" | "gsed" | "perl"
            if parsed
                .options
                .iter()
                .any(|(o, _)| o.starts_with("-i") || o == "--in-place" || o == "-I") =>
        {
            pos.iter()
                .skip(usize::from(name != "perl"))
                .map(|p| arg(p))
                .collect()
        }
        "dd" => args
            .iter()
            .filter_map(|a| a.text.strip_prefix("of="))
            .map(arg)
            .collect(),
        "sort" => values(&["-o", "--output"]),
        "curl" => values(&[
            "-o",
            "--output",
            "--output-dir",
            "-c",
            "--cookie-jar",
            "-D",
            "--dump-header",
        ]),
        "wget" => values(&[
            "-O",
            "--output-document",
            "-P",
            "--directory-prefix",
            "-o",
            "--output-file",
        ]),
        "unzip" => values(&["-d"]),
        "openssl" => values(&["-out"]),
        "ssh-keygen"
            if !parsed
                .options
                .iter()
                .any(|(o, _)| matches!(o.as_str(), "-l" | "-y" | "-F" | "-R")) =>
        {
            values(&["-f"])
        }
        "scp" | "rsync" => pos
            .last()
            .filter(|p| !p.contains(':') && pos.len() >= 2)
            .map(|p| vec![arg(p)])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A local secret file sent over the network, as an argument, through stdin or a pipe.
fn network(s: &mut Scan, name: &str, args: &[Arg], parsed: &Parsed, stdin: &Stdin, what: &str) {
    const NET: &[&str] = &[
        "curl",
        "wget",
        "http",
        "https",
        "xh",
        "scp",
        "sftp",
        "rsync",
        "nc",
        "ncat",
        "netcat",
        "socat",
        "telnet",
        "ftp",
        "lftp",
        "mail",
        "mailx",
        "mutt",
        "sendmail",
        "gh",
        "glab",
        "aws",
        "gsutil",
        "gcloud",
        "az",
        "rclone",
        "s3cmd",
        "ssh",
        "curlie",
        "httpie",
        "openssl",
        "kubectl",
        "docker",
        "magic-wormhole",
        "wormhole",
        "croc",
        "transfer",
        "pastebinit",
        "nc.openbsd",
        "nc.traditional",
    ];
    if !NET.contains(&name) {
        return;
    }
    let sends_secret = match name {
        // The key ssh logs in with is not sent; what it carries on stdin or runs is.
        "ssh" | "kubectl" | "docker" | "openssl" => false,
        _ => {
            parsed.positionals.iter().any(|p| secret_path(p))
                || parsed.options.iter().any(|(o, v)| {
                    let login = matches!(
                        o.as_str(),
                        "-i" | "--identity"
                            | "-E"
                            | "--cert"
                            | "--key"
                            | "--cacert"
                            | "-K"
                            | "--config"
                    ) || (o == "-F" && matches!(name, "scp" | "sftp" | "rsync"));
                    !login && v.as_deref().is_some_and(secret_path)
                })
                || args
                    .iter()
                    .any(|a| a.text.starts_with('@') && secret_path(&a.text))
        }
    };
    if sends_secret {
        s.note(D, what, "sends a local secret file over the network");
    }
    let piped_secret = match stdin {
        Stdin::Pipe { secret, .. } => *secret,
        Stdin::File(f) => secret_path(f),
        _ => false,
    };
    if piped_secret && !matches!(name, "openssl" | "kubectl" | "docker") {
        s.note(
            D,
            what,
            "sends a secret file it reads on its input over the network",
        );
    }
}

/// A last net under the tree walk: a command that names a secret file and a program that
/// sends things over the network is treated as sending it, however the two are joined
/// (`k=$(cat ~/.aws/credentials); curl -d "$k" …`, `nc h 80 < <(cat ~/.ssh/id_rsa)`).
#[must_use]
pub fn secret_and_network(command: &str) -> Option<String> {
    const SENDERS: &[&str] = &[
        // Not ssh, scp or rsync: their key files (`-i ~/.ssh/id_ed25519`) log in, they are
        // not sent; what they do send is checked command by command.
        "curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "ftp", "lftp", "mail", "mailx",
        "sendmail", "mutt", "http", "https", "xh",
    ];
    let normal = command.replace("${HOME}", "~").replace("$HOME", "~");
    let words: Vec<&str> = normal
        .split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    ';' | '|' | '&' | '(' | ')' | '<' | '>' | '`' | '"' | '\'' | '$' | '='
                )
        })
        .filter(|w| !w.is_empty())
        .collect();
    let secret = words.iter().find(|w| secret_path(w))?;
    let sender = words.iter().find(|w| {
        let w = w.trim_start_matches('@');
        SENDERS.contains(&base(w)) || w.starts_with("/dev/tcp/") || w.starts_with("/dev/udp/")
    })?;
    Some(format!(
        "names the secret file {secret} and sends with {sender}"
    ))
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

    #[test]
    fn sed_scripts() {
        assert_eq!(sed_script("1e id").map(|x| x.0), Some(D));
        assert_eq!(sed_script("s/a/b/e").map(|x| x.0), Some(D));
        assert_eq!(sed_script("/x/w out").map(|x| x.0), Some(C));
        assert_eq!(sed_script("s/a/b/g").map(|x| x.0), None);
        assert_eq!(sed_script("s|e|x|").map(|x| x.0), None);
    }
}
