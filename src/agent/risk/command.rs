//! One simple command, after the shell has parsed and unquoted it: how commands run other
//! commands. Wrappers are looked through with their options (`sudo -u x`, `timeout 5`,
//! `nice -n 19`, `env A=b`); strings run as code are parsed again (`bash -c`, `eval`,
//! `watch`, `xargs`, `su -c`); a program chosen at run time, and code read from a pipe, a
//! download or a here-document, raise the label. Then the program table decides, with the
//! per-program checks of `special.rs` and the path rules of `paths.rs`.

use super::paths::{env_runs_code, secret_path, writes};
use super::programs;
use super::scan::{base, texts, Arg, Output, Scan, Stdin};
use super::special;
use super::Risk::{Changes as C, Destructive as D, Safe as S};

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

pub fn exec(s: &mut Scan, words: &[Arg], stdin: &Stdin) -> Output {
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
            special::tmux(s, name, args, &what);
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
    let ran_elsewhere = special::special(s, name, args, &parsed, &what);
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
    for target in special::write_targets(name, args, &parsed) {
        writes(s, &target, false, &what);
    }
    special::network(s, name, args, &parsed, stdin, &what);
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
    s.run_words(rest, &Stdin::Inherited, "run by xargs");
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
        s.run_words(rest, &Stdin::Inherited, "run by watch");
    } else if rest.iter().any(|a| a.dynamic) {
        s.note(D, what, "watch runs code chosen at run time");
    } else {
        s.nested(&texts(rest).join(" "), "run by watch");
    }
}
