//! Risk labels for suggested commands (safe / changes things / destructive), and the filter
//! that flags a question asking for something destructive. awesh never runs a command; the
//! label is there so a person reviewing it in their edit line knows what they are about to do.
//! Classification is per simple command (split on pipes and lists, quote-aware); the command's
//! risk is the worst of its parts, and anything unknown is at least "changes things".

use super::words::Words;

/// How much a command can hurt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Risk {
    /// Only reads.
    Safe,
    /// Changes files, the repository or the cluster, recoverably.
    Changes,
    /// Can lose data or take things down: review before running.
    Destructive,
}

impl Risk {
    /// The word used in `--json`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Risk::Safe => "safe",
            Risk::Changes => "changes",
            Risk::Destructive => "destructive",
        }
    }

    /// The label shown beside a command.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Risk::Safe => "safe",
            Risk::Changes => "changes things",
            Risk::Destructive => "destructive",
        }
    }
}

/// Words that ask for something destructive.
const DESTRUCTIVE_WORDS: &[&str] = &[
    "delete",
    "remove",
    "destroy",
    "wipe",
    "erase",
    "drop",
    "purge",
    "nuke",
    "format",
    "shred",
    "truncate",
    "uninstall",
    "overwrite",
    "discard",
    "prune",
    "rm",
    "kill",
    "force-push",
];

/// The second filter: the question asks to run something destructive.
#[must_use]
pub fn asks_destructive(question: &str) -> bool {
    let w = Words::new(question);
    w.has(DESTRUCTIVE_WORDS)
        || w.has_phrase(&["force", "push"])
        || w.has_phrase(&["hard", "reset"])
        || w.has(&["--hard", "--force", "-rf", "-fr"])
        || classify(question) == Risk::Destructive
}

enum Token {
    Word(String),
    /// `>` / `>>` (with an optional fd) and its target.
    Redirect(String),
    /// `|`.
    Pipe,
    /// `;`, `&&`, `||`, `&`, a newline.
    List,
}

fn tokenize(cmd: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut redirect = false;
    let mut chars = cmd.chars().peekable();
    let flush =
        |out: &mut Vec<Token>, word: &mut String, in_word: &mut bool, redirect: &mut bool| {
            if *in_word {
                let w = std::mem::take(word);
                out.push(if *redirect {
                    Token::Redirect(w)
                } else {
                    Token::Word(w)
                });
                *redirect = false;
            }
            *in_word = false;
        };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            '>' => {
                // `2>`, `&>`: the fd belongs to the redirection, not to a word.
                if word.chars().all(|c| c.is_ascii_digit() || c == '&') {
                    word.clear();
                    in_word = false;
                } else {
                    flush(&mut out, &mut word, &mut in_word, &mut redirect);
                }
                if chars.peek() == Some(&'>') {
                    chars.next();
                }
                if chars.peek() == Some(&'&') {
                    // `2>&1` duplicates a descriptor: no file.
                    chars.next();
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                    continue;
                }
                redirect = true;
            }
            '|' | ';' | '&' | '\n' => {
                flush(&mut out, &mut word, &mut in_word, &mut redirect);
                let double = chars.peek() == Some(&c);
                if double {
                    chars.next();
                }
                out.push(if c == '|' && !double {
                    Token::Pipe
                } else {
                    Token::List
                });
            }
            c if c.is_whitespace() => {
                flush(&mut out, &mut word, &mut in_word, &mut redirect);
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    flush(&mut out, &mut word, &mut in_word, &mut redirect);
    out
}

/// Classifies a suggested command.
#[must_use]
pub fn classify(command: &str) -> Risk {
    let compact: String = command.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.contains(":(){:|:&};:") {
        return Risk::Destructive; // the fork bomb
    }
    let mut worst = Risk::Safe;
    let mut words: Vec<String> = Vec::new();
    let mut downloaded_into_pipe = false;
    let mut tokens = tokenize(command).into_iter().peekable();
    loop {
        let token = tokens.next();
        match token {
            Some(Token::Word(w)) => {
                words.push(w);
                continue;
            }
            Some(Token::Redirect(target)) => {
                worst = worst.max(redirect_risk(&target));
                continue;
            }
            _ => {}
        }
        // End of a simple command.
        if !words.is_empty() {
            let program = program_of(&words);
            if downloaded_into_pipe && is_shell(program.as_deref()) {
                worst = Risk::Destructive; // curl ... | sh
            }
            let downloads = matches!(program.as_deref(), Some("curl" | "wget" | "fetch"));
            downloaded_into_pipe = downloads || downloaded_into_pipe;
            worst = worst.max(simple(&words, command));
        }
        words.clear();
        match token {
            None => break,
            Some(Token::Pipe) => {}
            _ => downloaded_into_pipe = false,
        }
    }
    worst
}

fn redirect_risk(target: &str) -> Risk {
    if target == "/dev/null" || target == "/dev/stdout" || target == "/dev/stderr" {
        Risk::Safe
    } else if target.starts_with("/dev/") {
        Risk::Destructive // > /dev/sda
    } else {
        Risk::Changes
    }
}

/// Wrappers that run the rest of their arguments as a command.
const WRAPPERS: &[&str] = &[
    "sudo", "doas", "env", "nohup", "time", "command", "nice", "xargs", "watch", "exec",
];

fn strip_wrappers(words: &[String]) -> &[String] {
    let mut rest = words;
    loop {
        match rest.first() {
            Some(w) if w.contains('=') && !w.starts_with('-') && !w.starts_with('=') => {
                rest = &rest[1..]
            }
            Some(w) if WRAPPERS.contains(&base(w)) => {
                rest = &rest[1..];
                while rest.first().is_some_and(|w| w.starts_with('-')) {
                    rest = &rest[1..]; // sudo -E, nice -n 5 (the 5 is then skipped as a program? no: kept)
                }
            }
            _ => return rest,
        }
    }
}

fn base(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

fn program_of(words: &[String]) -> Option<String> {
    strip_wrappers(words).first().map(|w| base(w).to_owned())
}

fn is_shell(program: Option<&str>) -> bool {
    matches!(
        program,
        Some(
            "sh" | "bash"
                | "zsh"
                | "dash"
                | "ksh"
                | "fish"
                | "python"
                | "python3"
                | "perl"
                | "ruby"
                | "node"
        )
    )
}

/// Short flags (`-rf`) contain `letter`, or a long flag equals `long`.
fn flag(args: &[String], letter: char, long: &str) -> bool {
    args.iter().any(|a| {
        a == long || (a.starts_with('-') && !a.starts_with("--") && a[1..].contains(letter))
    })
}

fn has(args: &[String], any: &[&str]) -> bool {
    args.iter().any(|a| any.contains(&a.as_str()))
}

const SAFE: &[&str] = &[
    "ls",
    "cat",
    "less",
    "more",
    "head",
    "tail",
    "grep",
    "rg",
    "egrep",
    "fgrep",
    "echo",
    "printf",
    "pwd",
    "cd",
    "which",
    "type",
    "whoami",
    "id",
    "date",
    "uname",
    "hostname",
    "printenv",
    "ps",
    "top",
    "htop",
    "df",
    "du",
    "free",
    "uptime",
    "wc",
    "sort",
    "uniq",
    "cut",
    "tr",
    "jq",
    "yq",
    "diff",
    "cmp",
    "file",
    "stat",
    "tree",
    "history",
    "man",
    "help",
    "true",
    "false",
    "test",
    "[",
    "ping",
    "dig",
    "nslookup",
    "host",
    "lsof",
    "netstat",
    "ss",
    "journalctl",
    "dmesg",
    "base64",
    "sha256sum",
    "sha1sum",
    "md5sum",
    "xxd",
    "od",
    "strings",
    "readlink",
    "realpath",
    "basename",
    "dirname",
    "column",
    "nl",
    "tac",
    "rev",
    "seq",
    "sleep",
    "awesh",
    "whereis",
    "env",
    "locale",
    "nproc",
    "lscpu",
    "lsblk",
    "blkid",
    "mount",
    "findmnt",
    "last",
    "w",
    "who",
    "groups",
    "bat",
];

const DESTRUCTIVE_PROGRAMS: &[&str] = &[
    "shred",
    "wipefs",
    "mke2fs",
    "mkswap",
    "fdisk",
    "sfdisk",
    "parted",
    "gdisk",
    "blkdiscard",
    "reboot",
    "shutdown",
    "halt",
    "poweroff",
    "truncate",
    "srm",
];

fn simple(words: &[String], whole: &str) -> Risk {
    let words = strip_wrappers(words);
    let Some(program) = words.first() else {
        return Risk::Safe;
    };
    let program = base(program);
    let args = &words[1..];
    match program {
        "rm" => {
            if flag(args, 'r', "--recursive")
                || flag(args, 'R', "--recursive")
                || flag(args, 'f', "--force")
            {
                Risk::Destructive
            } else {
                Risk::Changes
            }
        }
        "dd" => {
            if args.iter().any(|a| a.starts_with("of=")) {
                Risk::Destructive
            } else {
                Risk::Changes
            }
        }
        p if p.starts_with("mkfs") || DESTRUCTIVE_PROGRAMS.contains(&p) => Risk::Destructive,
        "chmod" | "chown" | "chgrp" => {
            let top = args.iter().any(|a| {
                a == "/"
                    || a == "~"
                    || a == "/*"
                    || (a.starts_with('/')
                        && a[1..].split('/').filter(|s| !s.is_empty()).count() == 1)
            });
            if flag(args, 'R', "--recursive") && top {
                Risk::Destructive
            } else {
                Risk::Changes
            }
        }
        "find" => {
            if has(args, &["-delete"]) || args.windows(2).any(|w| w[0] == "-exec" && w[1] == "rm") {
                Risk::Destructive
            } else if has(args, &["-exec", "-execdir", "-ok"]) {
                Risk::Changes
            } else {
                Risk::Safe
            }
        }
        "sed" | "perl" if flag(args, 'i', "--in-place") => Risk::Changes,
        "sed" | "awk" => Risk::Safe,
        "rsync"
            if has(
                args,
                &[
                    "--delete",
                    "--delete-after",
                    "--delete-before",
                    "--remove-source-files",
                ],
            ) =>
        {
            Risk::Destructive
        }
        "curl" => {
            if has(
                args,
                &[
                    "-o",
                    "-O",
                    "--output",
                    "--remote-name",
                    "-T",
                    "--upload-file",
                    "-d",
                    "--data",
                    "-F",
                    "--form",
                ],
            ) || args.windows(2).any(|w| w[0] == "-X" && w[1] != "GET")
            {
                Risk::Changes
            } else {
                Risk::Safe
            }
        }
        "git" => git(args),
        "kubectl" | "k" | "oc" => kubectl(args),
        "helm" => match args.first().map(String::as_str) {
            Some("uninstall" | "delete" | "del" | "un") => Risk::Destructive,
            Some(
                "list" | "ls" | "status" | "get" | "show" | "template" | "search" | "history"
                | "version" | "lint",
            ) => Risk::Safe,
            _ => Risk::Changes,
        },
        "docker" | "podman" => docker(args),
        "terraform" | "tofu" => match args.first().map(String::as_str) {
            Some("destroy") => Risk::Destructive,
            Some("apply") if has(args, &["-destroy"]) => Risk::Destructive,
            Some("plan" | "show" | "validate" | "output" | "version" | "providers") => Risk::Safe,
            _ => Risk::Changes,
        },
        p if (p == "sh" || p == "bash" || p == "zsh")
            && (whole.contains("curl") || whole.contains("wget"))
            && whole.contains("$(")
            || whole.contains("<(curl")
            || whole.contains("<(wget") =>
        {
            Risk::Destructive // sh -c "$(curl ...)", bash <(curl ...)
        }
        p if SAFE.contains(&p) => Risk::Safe,
        _ => Risk::Changes,
    }
}

fn git(args: &[String]) -> Risk {
    // Skip global options: -C dir, -c k=v, --git-dir=..., --no-pager.
    let mut rest = args;
    while let Some(first) = rest.first() {
        match first.as_str() {
            "-C" | "-c" => rest = rest.get(2..).unwrap_or(&[]),
            f if f.starts_with('-') => rest = &rest[1..],
            _ => break,
        }
    }
    let Some((sub, args)) = rest.split_first() else {
        return Risk::Safe;
    };
    match sub.as_str() {
        "status" | "log" | "diff" | "show" | "blame" | "shortlog" | "describe" | "rev-parse"
        | "ls-files" | "ls-tree" | "grep" | "whatchanged" | "cat-file" | "rev-list" | "help"
        | "version" | "reflog"
            if !has(args, &["expire", "delete"]) =>
        {
            Risk::Safe
        }
        "push" => {
            if flag(args, 'f', "--force")
                || flag(args, 'd', "--delete")
                || args.iter().any(|a| {
                    a.starts_with("--force")
                        || a == "--mirror"
                        || a == "--prune"
                        || a.starts_with('+')
                        || (a.starts_with(':') && a.len() > 1)
                })
            {
                Risk::Destructive
            } else {
                Risk::Changes
            }
        }
        "reset" if has(args, &["--hard", "--merge", "--keep"]) => Risk::Destructive,
        "clean" => {
            if flag(args, 'n', "--dry-run") {
                Risk::Safe
            } else if flag(args, 'f', "--force") {
                Risk::Destructive
            } else {
                Risk::Changes
            }
        }
        "checkout"
            if flag(args, 'f', "--force") || has(args, &["--", ".", "--theirs", "--ours"]) =>
        {
            Risk::Destructive
        }
        "restore" if !has(args, &["--staged", "-S"]) || has(args, &["--worktree", "-W"]) => {
            Risk::Destructive
        }
        "branch" => {
            if has(args, &["-D"]) || (flag(args, 'd', "--delete") && flag(args, 'f', "--force")) {
                Risk::Destructive
            } else if args.is_empty()
                || args.iter().all(|a| {
                    matches!(
                        a.as_str(),
                        "-a" | "-r"
                            | "-v"
                            | "-vv"
                            | "--list"
                            | "--all"
                            | "--show-current"
                            | "--remotes"
                            | "--merged"
                            | "--no-merged"
                    )
                })
            {
                Risk::Safe
            } else {
                Risk::Changes
            }
        }
        "stash" => match args.first().map(String::as_str) {
            Some("drop" | "clear") => Risk::Destructive,
            Some("list" | "show") => Risk::Safe,
            _ => Risk::Changes,
        },
        "remote" | "tag" | "config" | "worktree"
            if args.is_empty() || has(args, &["-v", "--list", "-l", "--get", "list"]) =>
        {
            Risk::Safe
        }
        "filter-branch" | "filter-repo" | "reflog" | "update-ref" | "gc"
            if sub != "gc" || args.iter().any(|a| a.starts_with("--prune")) =>
        {
            Risk::Destructive
        }
        _ => Risk::Changes,
    }
}

fn kubectl(args: &[String]) -> Risk {
    let mut rest = args;
    while let Some(first) = rest.first() {
        match first.as_str() {
            "-n" | "--namespace" | "--context" | "--kubeconfig" | "--cluster" | "--user" | "-s"
            | "--server" => {
                rest = rest.get(2..).unwrap_or(&[]);
            }
            f if f.starts_with('-') => rest = &rest[1..],
            _ => break,
        }
    }
    let Some((sub, args)) = rest.split_first() else {
        return Risk::Safe;
    };
    match sub.as_str() {
        "get" | "describe" | "logs" | "top" | "explain" | "api-resources" | "api-versions"
        | "version" | "cluster-info" | "diff" | "auth" | "events" | "wait" | "port-forward"
        | "proxy" | "completion" => Risk::Safe,
        "delete" | "drain" => Risk::Destructive,
        "replace" if flag(args, 'f', "--force") && has(args, &["--force"]) => Risk::Destructive,
        "config" => match args.first().map(String::as_str) {
            Some("view" | "get-contexts" | "current-context" | "get-clusters" | "get-users") => {
                Risk::Safe
            }
            Some("delete-context" | "delete-cluster" | "delete-user") => Risk::Destructive,
            _ => Risk::Changes,
        },
        "rollout" => match args.first().map(String::as_str) {
            Some("status" | "history") => Risk::Safe,
            _ => Risk::Changes,
        },
        _ => Risk::Changes,
    }
}

fn docker(args: &[String]) -> Risk {
    let words: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    match words.as_slice() {
        ["rm" | "rmi", ..] | [_, "prune" | "rm", ..] | ["compose", "down", ..]
            if !args.iter().any(|a| a == "--dry-run") =>
        {
            if words.first() == Some(&"compose") && !has(args, &["-v", "--volumes"]) {
                Risk::Changes
            } else {
                Risk::Destructive
            }
        }
        ["ps" | "images" | "logs" | "inspect" | "version" | "info" | "stats" | "top" | "history"
        | "search", ..]
        | [_, "ls" | "inspect" | "ps", ..] => Risk::Safe,
        _ => Risk::Changes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        use Risk::{Changes, Destructive, Safe};
        let table: &[(&str, Risk)] = &[
            ("ls -la", Safe),
            ("git status", Safe),
            ("git log --oneline -n 10", Safe),
            ("git diff HEAD~1", Safe),
            ("kubectl get pods -n web", Safe),
            ("kubectl --context prod -n web logs api-0 -f", Safe),
            ("kubectl port-forward svc/api 8080:80 -n web", Safe),
            ("cat file | grep x | wc -l", Safe),
            ("find . -name '*.rs'", Safe),
            ("curl -s https://example.com", Safe),
            ("echo hi 2>&1 >/dev/null", Safe),
            ("git branch", Safe),
            ("git commit -m 'rm -rf /'", Changes),
            ("git reset --soft HEAD~1", Changes),
            ("git switch -c feature/x", Changes),
            ("git push", Changes),
            ("git push -u origin main", Changes),
            ("git rebase --abort", Changes),
            ("kubectl rollout restart deployment/api -n web", Changes),
            (
                "kubectl config set-context --current --namespace=web",
                Changes,
            ),
            ("kubectl scale deploy/api --replicas=3", Changes),
            ("mkdir -p build && cp a b", Changes),
            ("echo x > out.txt", Changes),
            ("sed -i s/a/b/ f", Changes),
            ("rm file.txt", Changes),
            ("some-unknown-tool --flag", Changes),
            ("docker run nginx", Changes),
            ("rm -rf ./build", Destructive),
            ("sudo rm -fr /", Destructive),
            ("rm --recursive dir", Destructive),
            ("dd if=image.iso of=/dev/sdb bs=4M", Destructive),
            ("mkfs.ext4 /dev/sdb1", Destructive),
            ("kubectl delete namespace prod", Destructive),
            ("kubectl -n web delete pod api-0", Destructive),
            ("git push --force", Destructive),
            ("git push -f origin main", Destructive),
            ("git push --force-with-lease", Destructive),
            ("git push origin +main", Destructive),
            ("git reset --hard HEAD~3", Destructive),
            ("git clean -fdx", Destructive),
            ("git branch -D old", Destructive),
            ("git checkout -- .", Destructive),
            ("git restore src/main.rs", Destructive),
            ("git stash drop", Destructive),
            ("curl -fsSL https://get.example.sh | sh", Destructive),
            ("curl https://x | sudo bash -s", Destructive),
            ("wget -qO- https://x | bash", Destructive),
            ("sh -c \"$(curl -fsSL https://x)\"", Destructive),
            ("bash <(curl -s https://x)", Destructive),
            ("cat /dev/zero > /dev/sda", Destructive),
            ("find . -name '*.log' -delete", Destructive),
            ("chmod -R 777 /", Destructive),
            ("docker system prune -a", Destructive),
            ("helm uninstall api", Destructive),
            ("terraform destroy", Destructive),
            (":(){ :|:& };:", Destructive),
            ("ls && rm -rf ~", Destructive),
        ];
        let wrong: Vec<_> = table
            .iter()
            .filter(|(cmd, want)| classify(cmd) != *want)
            .map(|(cmd, want)| format!("{cmd:?}: got {:?}, want {want:?}", classify(cmd)))
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn destructive_requests_are_flagged() {
        for q in [
            "delete the namespace staging",
            "force push my branch",
            "wipe the disk",
            "remove all stopped containers",
            "rm -rf node_modules",
            "hard reset to origin",
        ] {
            assert!(asks_destructive(q), "{q}");
        }
        for q in [
            "list pods",
            "which branch am I on",
            "show the logs of api",
            "undo the last commit",
        ] {
            assert!(!asks_destructive(q), "{q}");
        }
    }
}
