//! Per-program rules for risk labels: which subcommands and flags of rm, dd, git, kubectl,
//! docker, helm... read, change, or destroy. Unknown programs are "changes things".

use super::{base, strip_wrappers, Risk};

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

pub(super) fn simple(words: &[String], whole: &str) -> Risk {
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
        p if matches!(p, "sh" | "bash" | "zsh" | "dash")
            && (whole.contains("curl") || whole.contains("wget"))
            && (whole.contains("$(") || whole.contains("<(")) =>
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
