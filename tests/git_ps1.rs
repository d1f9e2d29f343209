//! awesh's drop-in `__git_ps1` (shell-init/git-prompt.sh, issue 16) side by side with git's own
//! script (tests/fixtures/git-prompt-v2.47.3.sh, the installed git's release), in real bash and
//! zsh: for each repository state and each combination of `GIT_PS1_*` settings, the
//! command-substitution output (default and a custom format) and, in PS1 mode, PS1 itself, the
//! exit status it keeps, `__git_ps1_branch_name`, `__git_ps1_upstream_name` and
//! `GIT_PS1_SHOWUPSTREAM` afterwards, with PS1 expansion on and off. Every line must be byte
//! for byte git's, except where awesh reports a fact as unknown (a status class not yet
//! implemented, a describe style it does not compute): then the line must show the unknown
//! marker `?`, and the test counts it as such.
//!
//! Speed: each state is built once, and each script runs every combination in one shell
//! process per shell. What is left is process start-up, most of it the `git` processes of
//! git's script (several per call, ~700 calls per state). Those are memoised within one shell
//! run ([`GIT_MEMO`]): the repository does not change while a run lasts (awesh's runs are
//! checked to write nothing; git's script only reads), so a `git` command with the same
//! arguments in the same folder gives the same output and status; the first one runs the
//! real `git`, later ones replay its bytes and exit status. The states are split over several
//! tests so both cores are kept busy.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use awesh::cmd::git_ps1::compose::{Described, HeadName, Tri, Upstream};
use awesh::cmd::git_ps1::{facts, opts::Opts};

const GIT_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/git-prompt-v2.47.3.sh"
);
const AWESH_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/shell-init/git-prompt.sh");

/// A `git` function for git's script in a test run: the first call with given arguments in
/// a folder runs the real `git` and keeps its stdout (bytes, trailing newlines counted) and
/// exit status under `$GITMEMO`; later identical calls replay them without a process. `-z`
/// output (NUL bytes, which shell variables cannot hold) and arguments with newlines always
/// run the real `git`. Works in bash and zsh.
const GIT_MEMO: &str = r#"
: >"$GITMEMO/index"
git() {
	local __k="$PWD" __a __n=0 __l __f='' __rc __nl __out
	for __a in "$@"; do __k="$__k"$'\001'"$__a"; done
	case $__k in *$'\n'* | *$'\001'-z$'\001'* | *$'\001'-z) command git "$@"; return ;; esac
	while IFS= read -r __l; do
		__n=$((__n + 1))
		if [ "$__l" = "$__k" ]; then __f=$__n; break; fi
	done <"$GITMEMO/index"
	if [ -z "$__f" ]; then
		__f=$((__n + 1))
		command git "$@" >"$GITMEMO/$__f.out"
		__rc=$?
		__out=$(command cat "$GITMEMO/$__f.out"; printf .)
		__out=${__out%.}
		__l=$(<"$GITMEMO/$__f.out")
		printf '%s %s\n' "$__rc" "$((${#__out} - ${#__l}))" >"$GITMEMO/$__f.rc"
		printf '%s\n' "$__k" >>"$GITMEMO/index"
	fi
	read -r __rc __nl <"$GITMEMO/$__f.rc"
	__out=$(<"$GITMEMO/$__f.out")
	printf '%s' "$__out"
	while [ "$__nl" -gt 0 ]; do printf '\n'; __nl=$((__nl - 1)); done
	return "$__rc"
}
"#;

/// Settings combinations: each a list of `GIT_PS1_*` assignments.
fn combos() -> Vec<Vec<(&'static str, &'static str)>> {
    let one = |k: &'static str, v: &'static str| vec![(k, v)];
    vec![
        vec![],
        one("SHOWDIRTYSTATE", "1"),
        one("SHOWSTASHSTATE", "1"),
        one("SHOWUNTRACKEDFILES", "1"),
        one("SHOWUPSTREAM", "auto"),
        one("SHOWUPSTREAM", "verbose"),
        one("SHOWUPSTREAM", "verbose name"),
        one("SHOWUPSTREAM", "auto verbose name legacy git"),
        one("SHOWUPSTREAM", "svn"),
        one("SHOWCONFLICTSTATE", "yes"),
        one("SHOWCONFLICTSTATE", "1"),
        one("DESCRIBE_STYLE", "default"),
        one("DESCRIBE_STYLE", "contains"),
        one("DESCRIBE_STYLE", "branch"),
        one("DESCRIBE_STYLE", "tag"),
        one("DESCRIBE_STYLE", "describe"),
        one("HIDE_IF_PWD_IGNORED", "1"),
        vec![("STATESEPARATOR", ""), ("SHOWSTASHSTATE", "1")],
        vec![("STATESEPARATOR", "_"), ("SHOWSTASHSTATE", "1")],
        one("SHOWCOLORHINTS", "1"),
        vec![
            ("SHOWCOLORHINTS", "1"),
            ("COLOR_PRE", "<"),
            ("COLOR_POST", ">"),
            ("SHOWSTASHSTATE", "1"),
        ],
        one("COMPRESSSPARSESTATE", "1"),
        one("OMITSPARSESTATE", "1"),
        vec![
            ("SHOWDIRTYSTATE", "1"),
            ("SHOWSTASHSTATE", "1"),
            ("SHOWUNTRACKEDFILES", "1"),
            ("SHOWUPSTREAM", "verbose name"),
            ("SHOWCONFLICTSTATE", "yes"),
            ("SHOWCOLORHINTS", "1"),
            ("COMPRESSSPARSESTATE", "1"),
        ],
    ]
}

/// A shell single-quoted word.
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The driver: sources `script`, then for each combination prints one line per call.
fn driver(script: &str, zsh: bool) -> String {
    let mut s = String::new();
    s.push_str(&format!(". {}\n", q(script)));
    if script == GIT_SCRIPT {
        s.push_str(GIT_MEMO);
    }
    s.push_str("[ -f \"$T/envsh\" ] && . \"$T/envsh\"\ncd \"$T/$(cat \"$T/cwd\")\" || exit 9\n");
    s.push_str(
        r#"show() {
  printf '%s rc=%s PS1=[%s] b=[%s] u=[%s] up=[%s]\n' "$1" "$2" "$PS1" "${__git_ps1_branch_name-UNSET}" "${__git_ps1_upstream_name-UNSET}" "${GIT_PS1_SHOWUPSTREAM-UNSET}"
}
run() {
  printf '%s cs=[%s]\n' "$1" "$(__git_ps1)"
  printf '%s cf=[%s]\n' "$1" "$(__git_ps1 '<%s>')"
  (exit 7); __git_ps1 'PRE ' ' POST'; show "$1 pc" $?
  __git_ps1 'PRE ' ' POST' '{%s}'; show "$1 pf" $?
}
"#,
    );
    let (on, off) = if zsh {
        ("setopt PROMPT_SUBST", "unsetopt PROMPT_SUBST")
    } else {
        ("shopt -s promptvars", "shopt -u promptvars")
    };
    // Word splitting of GIT_PS1_SHOWUPSTREAM's options: zsh only splits with SH_WORD_SPLIT;
    // bash splits on IFS, whatever it holds.
    let split = if zsh {
        "setopt PROMPT_SUBST SH_WORD_SPLIT"
    } else {
        "IFS=' ,'"
    };
    for (pass, set) in [("x", on), ("n", off), ("w", split)] {
        for (i, combo) in combos().iter().enumerate() {
            // Without expansion only a few combinations: the names go in PS1 directly.
            if pass == "n" && ![0, 6, 19].contains(&i) {
                continue;
            }
            if pass == "w" && ![6, 7].contains(&i) {
                continue;
            }
            s.push_str(&format!("( {set}; "));
            for (k, v) in combo {
                s.push_str(&format!("GIT_PS1_{k}={}; ", q(v)));
            }
            s.push_str(&format!("run {pass}{i} )\n"));
        }
    }
    s
}

/// The environment every git and shell run gets: no user or system config, fixed identity.
fn base_env(cmd: &mut Command, t: &Path) {
    let home = t.join("home");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_EDITOR", "true")
        .env("TERM", "dumb")
        .env("LC_ALL", "C")
        .env("T", t);
}

/// Builds a state: runs `setup` (bash, `set -e`) in a fresh folder; it leaves the working
/// directory to test in `$T/cwd` (default `r`) and may write shell lines to `$T/envsh`.
fn build(setup: &str) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(t.path().join("home")).unwrap();
    std::fs::write(t.path().join("cwd"), "r").unwrap();
    let prelude = r#"set -e
cd "$T"
mk() { git init -q -b main "$@"; }
commit() { git commit -q --allow-empty -m "$1"; }
base() { mk r; cd r; echo one > f; echo keep > k; git add f k; commit c1; }
n=0
tick() { n=$((n+1)); export GIT_COMMITTER_DATE="@$((1700000000 + n * 60)) +0000"; }
tcommit() { tick; commit "$1"; }
"#;
    let mut cmd = Command::new("bash");
    base_env(&mut cmd, t.path());
    let out = cmd
        .args(["--norc", "-c", &format!("{prelude}{setup}")])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "setup failed: {setup}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Date every index after its entries (not racily clean), as a repository whose files were
    // last written a while ago is; awesh reports a racy entry as unknown, never as clean.
    let later = std::time::SystemTime::now() + Duration::from_secs(100);
    for entry in walk(t.path()) {
        if entry.file_name().is_some_and(|n| n == "index")
            && entry.components().any(|c| c.as_os_str() == ".git")
        {
            let f = std::fs::File::options().write(true).open(&entry).unwrap();
            f.set_modified(later).unwrap();
        }
    }
    t
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Every file under `dir` with its size, mtime and bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (std::time::SystemTime, Vec<u8>)> {
    walk(dir)
        .into_iter()
        .filter_map(|p| {
            let meta = std::fs::symlink_metadata(&p).ok()?;
            let bytes = if meta.is_file() {
                std::fs::read(&p).ok()?
            } else {
                Vec::new()
            };
            Some((p, (meta.modified().ok()?, bytes)))
        })
        .collect()
}

/// Runs the driver for `script` in `shell`, as `label -> line`.
fn run_shell(t: &Path, shell: &str, script: &str) -> BTreeMap<String, String> {
    let zsh = shell == "zsh";
    // Outside the fixture, so the files it holds are not in the no-write check's snapshot.
    let memo = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(shell);
    base_env(&mut cmd, t);
    cmd.env("AWESH_BIN", env!("CARGO_BIN_EXE_awesh"))
        .env("GITMEMO", memo.path());
    let flag = if zsh { "-f" } else { "--norc" };
    let out = cmd
        .args([flag, "-c", &driver(script, zsh)])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{shell} driver failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (a, b) = l.split_once(' ')?;
            let (kind, rest) = b.split_once('=')?;
            Some((format!("{a} {kind}"), rest.to_string()))
        })
        .collect()
}

/// Whether awesh, in-process, calls a fact this combination uses unknown.
fn uses_unknown(t: &Path, combo: &[(&str, &str)], zsh: bool) -> bool {
    let mut args: Vec<OsString> = combo
        .iter()
        .map(|(k, v)| OsString::from(format!("GIT_PS1_{k}={v}")))
        .collect();
    if zsh {
        args.push("--zsh".into());
    } else {
        args.push("--ifs= \t\n".into());
    }
    let opts = Opts::parse(&args).unwrap();
    let cwd = t.join(std::fs::read_to_string(t.join("cwd")).unwrap().trim());
    let mut vars: Vec<(String, OsString)> = vec![("HOME".into(), t.join("home").into())];
    if let Ok(envsh) = std::fs::read_to_string(t.join("envsh")) {
        for line in envsh.lines() {
            if let Some((k, v)) = line.trim_start_matches("export ").split_once('=') {
                vars.push((k.to_string(), v.trim_matches('\'').into()));
            }
        }
    }
    let env = awesh::env::Env::new(cwd, vars);
    let Ok(f) = facts::gather(&env, &opts, Duration::from_secs(5)) else {
        return false;
    };
    let unk = |t: Tri| t == Tri::Unknown;
    let upstream_on = opts.show_upstream.as_ref().is_some_and(|v| !v.is_empty());
    (opts.dirty && (unk(f.unstaged) || unk(f.staged)))
        || (opts.stash && unk(f.stash))
        || (opts.untracked && unk(f.untracked))
        || (opts.conflict_yes && unk(f.conflict))
        || (upstream_on
            && (matches!(f.upstream, Upstream::Unknown(_))
                // `legacy` in a shell that does not split lines: unknown (compose.rs).
                || combo.iter().any(|(_, v)| v.contains("legacy"))
                || f.svn_remote
                || combo.iter().any(|(_, v)| v.contains("svn"))))
        || matches!(f.head, HeadName::Detached(Described::Unknown))
}

/// Whether git's line `want` is one awesh's line `got` allows: each unknown marker in `got`
/// stands for git's marker or nothing (a space before it is then optional), `<?>` for any
/// upstream sign, `|u?` for any verbose upstream part, `ID...?` for any name. Lines with colour
/// codes only need to show the unknown marker.
fn could_be(got: &str, want: &str) -> bool {
    if !got.contains('?') {
        return false;
    }
    if got.contains('\x1b') || got.contains("%F{") {
        return true;
    }
    // An upstream awesh cannot name (SVN mode) leaves __git_ps1_upstream_name unset.
    let owned;
    let want = if got.contains("|u?") && got.contains(" u=[UNSET] ") {
        let re = regex_lite::Regex::new(r" u=\[[^\]]*\] ").unwrap();
        owned = re.replace(want, " u=[UNSET] ").into_owned();
        owned.as_str()
    } else {
        want
    };
    let mut re = String::from("^");
    let mut rest = got;
    let tokens: [(&str, &str); 7] = [
        ("*?", "\\*?"),
        ("+?", "\\+?"),
        ("%%?", "(%%)?"),
        ("%?", "%?"),
        ("<?>", "(=|<|>|<>)?"),
        (
            "|u?",
            "(\\|u(=|\\+[0-9]+|-[0-9]+|\\+[0-9]+-[0-9]+)( \\S+)?)?",
        ),
        ("|CONFLICT?", "(\\|CONFLICT)?"),
    ];
    'outer: while !rest.is_empty() {
        if let Some(at) = rest.find("...?)") {
            // The detached name: from the "(" that opens it.
            if rest[..at]
                .rfind('(')
                .is_some_and(|open| !rest[open..at].contains(' '))
            {
                let open = rest[..at].rfind('(').unwrap();
                re.push_str(&regex_lite::escape(&rest[..=open]));
                re.push_str("[^ ]+\\)");
                rest = &rest[at + 5..];
                continue;
            }
        }
        // The separator before flags that may all be absent.
        if let Some(r) = rest.strip_prefix(' ') {
            if ["*?", "+?", "%?", "%%?", "<?>"]
                .iter()
                .any(|t| r.starts_with(t))
            {
                re.push_str(" ?");
                rest = r;
                continue;
            }
        }
        for (tok, pat) in tokens {
            if let Some(r) = rest.strip_prefix(tok) {
                re.push_str(pat);
                rest = r;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap();
        re.push_str(&regex_lite::escape(&c.to_string()));
        rest = &rest[c.len_utf8()..];
    }
    re.push('$');
    regex_lite::Regex::new(&re).is_ok_and(|r| r.is_match(want))
}

/// Compares both scripts in both shells for one state; returns (strict lines, unknown lines).
fn compare(name: &str, expect: &str, setup: &str) -> (usize, usize) {
    let t = build(setup);
    let (mut strict, mut unknown) = (0, 0);
    let mut failures = Vec::new();
    let mut theirs_x0 = String::new();
    for shell in ["bash", "zsh"] {
        let zsh = shell == "zsh";
        // awesh writes nothing anywhere: every file's bytes and mtime are the same after.
        let before = snapshot(t.path());
        let ours = run_shell(t.path(), shell, AWESH_SCRIPT);
        assert!(
            snapshot(t.path()) == before,
            "{name} {shell}: awesh changed a file"
        );
        let theirs = run_shell(t.path(), shell, GIT_SCRIPT);
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>(),
            "{name} {shell}: not the same calls"
        );
        let combos = combos();
        if !zsh {
            theirs_x0 = theirs.get("x0 cs").cloned().unwrap_or_default();
        }
        for (label, want) in &theirs {
            let got = &ours[label];
            if got == want {
                strict += 1;
                continue;
            }
            let i: usize = label
                .split(' ')
                .next()
                .and_then(|l| l.get(1..))
                .and_then(|n| n.parse().ok())
                .unwrap();
            if uses_unknown(t.path(), &combos[i], zsh) && could_be(got, want) {
                unknown += 1;
                continue;
            }
            failures.push(format!(
                "{name} {shell} {label} {:?}\n   git:   {want}\n   awesh: {got}",
                combos[i]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} lines differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The fixture is the state it claims to be (as git's own script shows it).
    assert!(
        theirs_x0.contains(expect),
        "{name}: git shows {theirs_x0}, expected {expect}"
    );
    eprintln!(
        "{name}: {strict} lines equal, {unknown} unknown; git says {}",
        theirs_x0
    );
    (strict, unknown)
}

fn check(states: &[(&str, &str, &str)]) {
    for (name, expect, setup) in states {
        compare(name, expect, setup);
    }
}

#[test]
fn branch_states() {
    check(&[
        ("outside", "[]", "mkdir r"),
        ("clean", "[ (main)]", "base"),
        (
            "subdir",
            "[ (main)]",
            "base; mkdir -p d/e; echo x > d/e/x; git add d; commit c2; echo r/d/e > $T/cwd",
        ),
        ("dirty", "[ (main)]", "base; echo longer-now > f"),
        (
            "staged",
            "[ (main)]",
            "base; echo longer-now > f; git add f",
        ),
        ("untracked", "[ (main)]", "base; echo new > u"),
        (
            "stash",
            "[ (main)]",
            "base; echo longer-now > f; git stash -q",
        ),
        ("unborn", "[ (main)]", "mk r"),
        (
            "unborn-staged",
            "[ (main)]",
            "mk r; cd r; echo a > a; git add a",
        ),
    ]);
}

#[test]
fn layout_states() {
    check(&[
        ("inside-git-dir", "GIT_DIR!", "base; echo r/.git > $T/cwd"),
        ("inside-git-refs", "GIT_DIR!", "base; echo r/.git/refs > $T/cwd"),
        ("bare", "BARE:main", "base; cd ..; git clone -q --bare r b.git; echo b.git > $T/cwd"),
        ("git-dir-env", "(main)", "base; echo \"export GIT_DIR=$T/r/.git\" > $T/envsh; mkdir $T/elsewhere; echo elsewhere > $T/cwd"),
        ("odd-branch-name", "feat/$(echo${IFS}pwned)", "base; git checkout -q -b 'feat/$(echo${IFS}pwned)'"),
        ("config-off", "(main)", "base; echo longer-now > f; echo u > u; git config bash.showDirtyState false; git config bash.showUntrackedFiles false; git config bash.showUpstream ''"),
        ("intent-to-add", "(main)", "base; echo n > n; git add -N n"),
        ("deleted", "(main)", "base; rm f"),
        ("head-no-newline", "[]", "base; printf 'ref: refs/heads/main' > .git/HEAD"),
    ]);
}

#[test]
fn storage_states() {
    check(&[
        ("linked-worktree", "(wt)", "base; git worktree add -q -b wt ../w; cd ../w; echo x-longer > f; git stash -q; echo w > $T/cwd"),
        ("reftable", "(main)", "mk --ref-format=reftable r; cd r; echo one > f; git add f; commit c1; echo two-longer > f; git stash -q"),
        ("reftable-detached", "...)", "mk --ref-format=reftable r; cd r; echo one > f; git add f; commit c1; commit c2; git checkout -q --detach HEAD~1"),
        ("reftable-tag", "((v1))", "mk --ref-format=reftable r; cd r; echo one > f; git add f; commit c1; git tag -a -m a v1; git tag light; commit c2; git tag -d light >/dev/null; git tag -a -m b v0 HEAD~1; git tag -d v0 >/dev/null; git checkout -q v1"),
        ("reftable-describe", "...)", "mk --ref-format=reftable r; cd r; echo one > f; git add f; commit c1; tick; git tag -a -m a v1; tcommit c2; git tag t2; tcommit c3; git checkout -q --detach HEAD"),
        ("sparse", "|SPARSE", "base; mkdir a b; echo 1 > a/1; echo 2 > b/2; git add a b; commit c2; git sparse-checkout set a"),
    ]);
}

#[test]
fn ignored_states() {
    check(&[
        ("ignored-pwd", "(main)", "base; echo ign/ > .gitignore; git add .gitignore; commit c2; mkdir ign; echo r/ign > $T/cwd"),
        ("ignored-parent", "(main)", "base; echo ign > .gitignore; mkdir -p ign/deep; echo r/ign/deep > $T/cwd"),
        ("ignored-negated", "(main)", "base; printf 'x*\\n!xkeep\\n' > .gitignore; mkdir -p xkeep; echo r/xkeep > $T/cwd"),
        ("ignored-nested-file", "(main)", "base; mkdir -p a/b; echo 'b/' > a/.gitignore; echo r/a/b > $T/cwd"),
        ("ignored-slash-pattern", "(main)", "base; mkdir -p a/b; echo '/a/b' > .gitignore; echo r/a/b > $T/cwd"),
        ("ignored-info-exclude", "(main)", "base; mkdir -p tmp; echo tmp > .git/info/exclude; echo r/tmp > $T/cwd"),
        ("ignored-global", "(main)", "base; mkdir -p $T/home/.config/git; echo build > $T/home/.config/git/ignore; mkdir build; echo r/build > $T/cwd"),
        ("ignored-but-tracked", "(main)", "base; mkdir ign; echo t > ign/t; git add ign/t; commit c2; echo ign > .gitignore; echo r/ign > $T/cwd"),
        ("ignored-config-off", "(main)", "base; echo ign > .gitignore; mkdir ign; git config bash.hideIfPwdIgnored false; echo r/ign > $T/cwd"),
    ]);
}

#[test]
fn operation_states() {
    let conflict = "base; git checkout -q -b side; echo side-side > f; git commit -q -am s; git checkout -q main; echo main-main-main > f; git commit -q -am m";
    check(&[
        ("merge-conflict", "|MERGING", &format!("{conflict}; git merge -q side >/dev/null 2>&1 || true")),
        ("merge-conflict-subdir", "|MERGING", &format!("{conflict}; mkdir -p d; echo x > d/x; git add d; git commit -q -m d; git merge -q side >/dev/null 2>&1 || true; echo r/d > $T/cwd")),
        ("rebase-merge", "(side|REBASE 1/1)", &format!("{conflict}; git checkout -q side; git rebase main >/dev/null 2>&1 || true")),
        ("rebase-apply", "(side|REBASE 1/1)", &format!("{conflict}; git checkout -q side; git rebase --apply main >/dev/null 2>&1 || true")),
        ("rebase-detached", "(detached HEAD|REBASE 1/1)", &format!("{conflict}; git checkout -q --detach side; git rebase main >/dev/null 2>&1 || true")),
    ]);
}

#[test]
fn sequence_states() {
    let conflict = "base; git checkout -q -b side; echo side-side > f; git commit -q -am s; git checkout -q main; echo main-main-main > f; git commit -q -am m";
    check(&[
        ("am", "|AM 1/1", &format!("{conflict}; git format-patch -q -1 side -o $T/p; git am $T/p/*.patch >/dev/null 2>&1 || true")),
        ("cherry-pick", "|CHERRY-PICKING", &format!("{conflict}; git cherry-pick side >/dev/null 2>&1 || true")),
        ("revert", "|REVERTING", "base; echo two > f; git commit -q -am two; echo three > f; git commit -q -am three; git revert --no-edit HEAD~1 >/dev/null 2>&1 || true"),
        ("sequencer-todo", "|CHERRY-PICKING", &format!("{conflict}; git checkout -q side; echo extra > e; git add e; git commit -q -m e; git checkout -q main; git cherry-pick side~1 side >/dev/null 2>&1 || true; git checkout -q --theirs f; echo resolved-here > f; git add f; git commit -q -m resolved")),
        ("bisect", "|BISECTING", "base; commit c2; commit c3; git bisect start -q 2>/dev/null || git bisect start >/dev/null; git bisect bad >/dev/null; git bisect good HEAD~2 >/dev/null"),
    ]);
}

#[test]
fn detached_states() {
    check(&[
        ("detached", "...)", "base; commit c2; git checkout -q --detach HEAD~1"),
        ("detached-light-tag", "((v1))", "base; git tag v1; commit c2; git checkout -q v1"),
        ("detached-annotated", "((v2))", "base; git tag -a -m a v2; commit c2; git checkout -q v2"),
        ("detached-two-tags", "((zz-ann))", "base; git tag -a -m a zz-ann; git tag aa-light; commit c2; git checkout -q zz-ann"),
        ("detached-two-annotated", "((a-new))", "base; GIT_COMMITTER_DATE=2024-02-01T00:00:00Z git tag -a -m a a-new; git tag -a -m b b-old; commit c2; git checkout -q a-new"),
        ("detached-packed-tag", "((v3))", "base; git tag -a -m a v3; git pack-refs --all; commit c2; git checkout -q v3"),
        ("detached-after-tag", "...)", "base; git tag -a -m a v1; commit c2; commit c3; git checkout -q --detach HEAD"),
        ("detached-abbrev", "...)", "base; git config core.abbrev 12; commit c2; git checkout -q --detach HEAD~1"),
    ]);
}

#[test]
fn describe_states() {
    check(&[
        ("describe-linear", "...)", "base; tick; git tag -a -m a v1; tcommit c2; tcommit c3; git checkout -q --detach HEAD"),
        ("describe-light-only", "...)", "base; git tag t1; tcommit c2; tcommit c3; git checkout -q --detach HEAD"),
        ("describe-light-nearer", "...)", "base; tick; git tag -a -m a v1; tcommit c2; git tag t2; tcommit c3; git checkout -q --detach HEAD"),
        ("describe-merge", "...)", "base; tick; git tag -a -m a v1; git checkout -q -b side; tcommit s1; tick; git tag -a -m b v2; tcommit s2; git checkout -q main; tcommit m1; tcommit m2; tick; git merge -q --no-ff -m merge side; git checkout -q --detach HEAD"),
        ("describe-merge-same-dates", "...)", "base; git tag -a -m a v1; git checkout -q -b side; commit s1; git tag -a -m b v2; commit s2; git checkout -q main; commit m1; commit m2; git merge -q --no-ff -m merge side; git checkout -q --detach HEAD"),
    ]);
}

#[test]
fn describe_odd_states() {
    check(&[
        ("describe-misnamed", "(v1-0-g", "base; git tag -a -m a v1; git update-ref refs/tags/other $(git rev-parse v1); git tag -d v1 >/dev/null; git checkout -q --detach HEAD"),
        ("describe-misnamed-behind", "...)", "base; git tag -a -m a v1; git update-ref refs/tags/other $(git rev-parse v1); git tag -d v1 >/dev/null; tcommit c2; git checkout -q --detach HEAD"),
        ("describe-many-candidates", "...)", "base; for i in 01 02 03 04 05 06 07 08 09 10 11 12; do tcommit c$i; git tag -a -m x v$i; done; tcommit last; git checkout -q --detach HEAD"),
        ("describe-many-branches", "...)", "base; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do git checkout -q -b b$i main; tcommit b$i; git tag -a -m x t$i; done; git checkout -q main; tick; git merge -q --no-ff -m m b1 b2 b3 b4 b5 b6 b7 b8 b9 b10 b11 b12 >/dev/null; tcommit top; git checkout -q --detach HEAD"),
    ]);
}

#[test]
fn upstream_states() {
    let remote = "base; cd ..; git clone -q r c; cd c; echo c > $T/cwd";
    check(&[
        ("no-upstream", "(topic)", "base; git checkout -q -b topic"),
        ("equal", "(main)", remote),
        ("ahead", "(main)", &format!("{remote}; commit a1")),
        ("behind", "(main)", &format!("{remote}; commit a1; git reset -q --hard HEAD~1; cd ../r; commit r1; cd ../c; git fetch -q")),
        ("diverged", "(main)", &format!("{remote}; commit a1; cd ../r; commit r1; cd ../c; git fetch -q")),
        ("gone", "(main)", &format!("{remote}; git update-ref -d refs/remotes/origin/main")),
    ]);
}

#[test]
fn svn_states() {
    let remote = "base; cd ..; git clone -q r c; cd c; echo c > $T/cwd";
    check(&[
        ("svn-remote", "(main)", &format!("{remote}; git config svn-remote.svn.url https://svn.example/x")),
        ("svn-remote-ahead", "(main)", &format!("{remote}; commit a1; git config svn-remote.svn.url https://svn.example/x")),
        ("svn-ref", "(main)", &format!("{remote}; git branch svn")),
        ("svn-commits", "(main)", &format!("{remote}; git commit -q --allow-empty -m 'x\n\ngit-svn-id: https://svn.example/x/trunk@5 0-0'; git config svn-remote.svn.url https://svn.example/x")),
        ("config-showupstream", "(main)", &format!("{remote}; git config bash.showUpstream 'verbose name'")),
    ]);
}

#[test]
fn script_passes_shellcheck_and_strict_mode() {
    // shellcheck is optional on a developer's machine; when it is there, it must pass.
    match Command::new("shellcheck").arg(AWESH_SCRIPT).output() {
        Ok(out) => assert!(
            out.status.success(),
            "shellcheck: {}",
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(_) => assert!(std::env::var_os("CI").is_none(), "shellcheck is missing"),
    }
    // Sourced and called under `set -eu` in both shells, inside and outside a repository,
    // in both modes, it neither fails nor trips on an unset variable, and keeps $?.
    let t = build("base");
    for shell in ["bash", "zsh"] {
        let flag = if shell == "zsh" { "-f" } else { "--norc" };
        let script = format!(
            "set -eu; . {}; cd \"$T/r\"; s=$(__git_ps1); __git_ps1 a b || true; \
             (exit 4) || {{ __git_ps1 a b && exit 1 || echo \"rc=$?\"; }}; \
             cd \"$T\"; o=$(__git_ps1); printf '%s|%s|%s\\n' \"$s\" \"$PS1\" \"$o\"",
            q(AWESH_SCRIPT)
        );
        let mut cmd = Command::new(shell);
        base_env(&mut cmd, t.path());
        cmd.env("AWESH_BIN", env!("CARGO_BIN_EXE_awesh"));
        let out = cmd.args([flag, "-c", &script]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("rc=4"), "{shell}: $? not kept: {text}");
        // zsh -f has PROMPT_SUBST off: the name goes in PS1 itself.
        let ps1 = if shell == "zsh" {
            "a (main)b"
        } else {
            "a (${__git_ps1_branch_name})b"
        };
        assert!(
            text.ends_with(&format!(" (main)|{ps1}|\n")),
            "{shell}: {text}"
        );
    }
}

#[test]
fn bad_fields_print_nothing_and_exit_zero() {
    let t = build("base");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_awesh"));
    base_env(&mut cmd, t.path());
    let out = cmd
        .current_dir(t.path().join("r"))
        .args(["git-ps1", "--", "GIT_PS1_BOGUS=1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown variable GIT_PS1_BOGUS"));
    // Outside a repository: nothing, exit 0.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_awesh"));
    base_env(&mut cmd, t.path());
    let out = cmd
        .current_dir(t.path())
        .args(["git-ps1"])
        .output()
        .unwrap();
    assert!(out.status.success() && out.stdout.is_empty());
}
