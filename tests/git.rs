//! The git segment against the real `git`: every repository shape and in-progress operation
//! is built in a temp dir with `git` itself, and awesh's answer is compared with
//! `git branch --show-current` / `git rev-parse` and with git's own `git-prompt.sh`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::World;
use serde_json::Value;

/// git's prompt script as Debian ships it; compared against when present.
const GIT_PROMPT: &str = "/usr/lib/git-core/git-sh-prompt";

fn explain(w: &World, dir: &Path, env: &[(&str, &str)]) -> Value {
    let mut cmd = w.awesh();
    cmd.args(["explain", "--json"])
        .current_dir(dir)
        .envs(env.iter().copied());
    serde_json::from_str(&common::stdout(cmd)).unwrap()
}

fn prompt(w: &World, dir: &Path, env: &[(&str, &str)]) -> String {
    let mut cmd = w.awesh();
    cmd.args(["prompt", "--no-kube"])
        .current_dir(dir)
        .envs(env.iter().copied());
    common::stdout(cmd)
}

/// What `__git_ps1 "%s"` prints in `dir`, normalised to awesh's detached form; `None` when the
/// script is not installed.
fn git_ps1(w: &World, dir: &Path, env: &[(&str, &str)]) -> Option<String> {
    if !Path::new(GIT_PROMPT).exists() {
        eprintln!("SKIPPED comparison with git-prompt.sh: {GIT_PROMPT} not installed");
        return None;
    }
    let mut cmd = w.command("bash");
    cmd.args(["-c", &format!(". {GIT_PROMPT}; __git_ps1 '%s'")])
        .current_dir(dir)
        .envs(env.iter().copied());
    let out = common::stdout(cmd);
    let out = out.strip_prefix("BARE:").unwrap_or(&out);
    Some(out.replace("...)", ")"))
}

fn git_in(w: &World, dir: &Path, args: &[&str]) -> String {
    let mut cmd = w.command("git");
    cmd.args(args).current_dir(dir);
    common::stdout(cmd).trim_end().to_string()
}

/// Asserts awesh's branch part equals git-prompt.sh's and its JSON matches `git`.
fn check(w: &World, dir: &Path, env: &[(&str, &str)], want_prompt: &str) {
    let shown = prompt(w, dir, env);
    assert_eq!(shown, want_prompt, "awesh prompt in {}", dir.display());
    if let Some(ps1) = git_ps1(w, dir, env) {
        assert_eq!(
            shown.strip_prefix(":🌿").unwrap_or(&shown),
            ps1,
            "git-prompt.sh in {}",
            dir.display()
        );
    }
    let json = explain(w, dir, env);
    assert_eq!(
        json["prompt"],
        Value::String(shown.clone()),
        "explain's prompt is prompt's"
    );
}

fn conflicting_branches(w: &World) -> PathBuf {
    let repo = w.repo("r", "main");
    w.write("r/f.txt", "base\n");
    w.git("r", &["add", "."]);
    w.git("r", &["commit", "-qm", "base"]);
    w.git("r", &["checkout", "-qb", "topic"]);
    for i in 1..=3 {
        w.write("r/f.txt", format!("topic {i}\n"));
        w.git("r", &["commit", "-qam", &format!("topic {i}")]);
    }
    w.git("r", &["checkout", "-q", "main"]);
    w.write("r/f.txt", "main\n");
    w.git("r", &["commit", "-qam", "main change"]);
    repo
}

fn git_fails(w: &World, dir: &Path, args: &[&str]) {
    let mut cmd = w.command("git");
    let out = cmd.args(args).current_dir(dir).output().unwrap();
    assert!(
        !out.status.success(),
        "expected git {args:?} to stop with a conflict"
    );
}

#[test]
fn branch_names_match_git() {
    let w = World::new();
    let repo = w.repo("r", "main");
    for branch in [
        "main",
        "feature/login",
        "ünïcödé-🌿",
        "$(touch${IFS}pwned)",
        "a.b_c-d",
    ] {
        w.git("r", &["checkout", "-qB", branch]);
        assert_eq!(git_in(&w, &repo, &["branch", "--show-current"]), branch);
        check(&w, &repo, &[], &format!(":🌿{branch}"));
        let json = explain(&w, &repo, &[]);
        assert_eq!(json["git"]["branch"], branch);
        assert_eq!(json["git"]["detached"], false);
        assert_eq!(
            json["git"]["head"],
            git_in(&w, &repo, &["rev-parse", "HEAD"])
        );
    }
    assert!(!w.path("pwned").exists() && !repo.join("pwned").exists());
}

#[test]
fn unborn_branch_in_a_fresh_init() {
    let w = World::new();
    std::fs::create_dir_all(w.path("fresh")).unwrap();
    w.git("fresh", &["init", "-q", "-b", "trunk"]);
    check(&w, &w.path("fresh"), &[], ":🌿trunk");
    let json = explain(&w, &w.path("fresh"), &[]);
    assert_eq!(json["git"]["head"], Value::Null);
    assert_eq!(json["git"]["branch"], "trunk");
}

#[test]
fn detached_head_shows_seven_hex_digits() {
    let w = World::new();
    let repo = w.repo("r", "main");
    w.commit("r", "second");
    w.git("r", &["checkout", "-q", "--detach", "HEAD~1"]);
    let short = git_in(&w, &repo, &["rev-parse", "--short=7", "HEAD"]);
    check(&w, &repo, &[], &format!(":🌿({short})"));
    let json = explain(&w, &repo, &[]);
    assert_eq!(json["git"]["detached"], true);
    assert_eq!(json["git"]["branch"], Value::Null);
    assert_eq!(
        json["git"]["head"],
        git_in(&w, &repo, &["rev-parse", "HEAD"])
    );
}

#[test]
fn packed_refs_resolve_for_explain() {
    let w = World::new();
    let repo = w.repo("r", "main");
    w.git("r", &["pack-refs", "--all"]);
    assert!(!repo.join(".git/refs/heads/main").exists());
    let json = explain(&w, &repo, &[]);
    assert_eq!(
        json["git"]["head"],
        git_in(&w, &repo, &["rev-parse", "HEAD"])
    );
}

#[test]
fn subdirectories_dot_git_bare_and_worktrees() {
    let w = World::new();
    let repo = w.repo("r", "main");
    std::fs::create_dir_all(repo.join("a/b/c")).unwrap();
    check(&w, &repo.join("a/b/c"), &[], ":🌿main");
    // Inside .git itself, and deeper inside it.
    assert_eq!(prompt(&w, &repo.join(".git"), &[]), ":🌿main");
    assert_eq!(prompt(&w, &repo.join(".git/refs"), &[]), ":🌿main");
    // A bare clone.
    let mut clone = w.command("git");
    clone.args(["clone", "-q", "--bare", "r", "bare.git"]);
    common::stdout(clone);
    check(&w, &w.path("bare.git"), &[], ":🌿main");
    // A linked worktree on its own branch, with its own HEAD.
    w.git("r", &["worktree", "add", "-q", "-b", "wt-branch", "../wt"]);
    check(&w, &w.path("wt"), &[], ":🌿wt-branch");
    let json = explain(&w, &w.path("wt"), &[]);
    assert_ne!(json["git"]["git_dir"], json["git"]["common_dir"]);
    assert_eq!(
        json["git"]["head"],
        git_in(&w, &w.path("wt"), &["rev-parse", "HEAD"])
    );
    // The main worktree is unaffected.
    check(&w, &repo, &[], ":🌿main");
}

#[test]
fn submodule_shows_its_own_head() {
    let w = World::new();
    w.repo("lib", "libmain");
    let repo = w.repo("r", "main");
    w.git(
        "r",
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            "../lib",
            "sub",
        ],
    );
    let sub = repo.join("sub");
    assert!(
        sub.join(".git").is_file(),
        "a submodule checkout has a .git file"
    );
    let want = git_in(&w, &sub, &["branch", "--show-current"]);
    assert_eq!(want, "libmain");
    check(&w, &sub, &[], ":🌿libmain");
}

#[test]
fn git_dir_and_work_tree_variables() {
    let w = World::new();
    let repo = w.repo("r", "main");
    w.git("r", &["checkout", "-qb", "via-env"]);
    std::fs::create_dir_all(w.path("elsewhere")).unwrap();
    let git_dir = repo.join(".git");
    let env = [
        ("GIT_DIR", git_dir.to_str().unwrap()),
        ("GIT_WORK_TREE", repo.to_str().unwrap()),
    ];
    check(&w, &w.path("elsewhere"), &env, ":🌿via-env");
    // A relative GIT_DIR is relative to the working directory.
    check(
        &w,
        &w.path("elsewhere"),
        &[("GIT_DIR", "../r/.git")],
        ":🌿via-env",
    );
    // A GIT_DIR that is not a repository shows nothing (git fails there too).
    let bogus = [("GIT_DIR", "/nonexistent")];
    assert_eq!(prompt(&w, &w.path("elsewhere"), &bogus), "");
    let json = explain(&w, &w.path("elsewhere"), &bogus);
    assert_eq!(json["git"], Value::Null);
    assert!(json["segments"]["git"]["reason"]
        .as_str()
        .unwrap()
        .contains("GIT_DIR"));
}

#[test]
fn ceiling_directories_stop_discovery_like_git() {
    let w = World::new();
    let repo = w.repo("r", "main");
    std::fs::create_dir_all(repo.join("sub/deeper")).unwrap();
    let deeper = repo.join("sub/deeper");
    let git_finds = |env: &[(&str, &str)]| {
        let mut cmd = w.command("git");
        cmd.args(["rev-parse", "--git-dir"])
            .current_dir(&deeper)
            .envs(env.iter().copied());
        cmd.output().unwrap().status.success()
    };
    let repo_s = repo.to_str().unwrap().to_string();
    let sub_s = repo.join("sub").to_str().unwrap().to_string();
    for ceiling in [
        repo_s.clone(),
        sub_s.clone(),
        format!("relative:{sub_s}"),
        format!(":{repo_s}"),
        "/nonexistent".into(),
    ] {
        let env = [("GIT_CEILING_DIRECTORIES", ceiling.as_str())];
        let found = !prompt(&w, &deeper, &env).is_empty();
        assert_eq!(found, git_finds(&env), "GIT_CEILING_DIRECTORIES={ceiling}");
    }
    // A ceiling spelled through a symlink is resolved (before any empty entry), as git does.
    std::os::unix::fs::symlink(&repo, w.path("link")).unwrap();
    let link_sub = w.path("link/sub").to_str().unwrap().to_string();
    for ceiling in [link_sub.clone(), format!(":{link_sub}")] {
        let env = [("GIT_CEILING_DIRECTORIES", ceiling.as_str())];
        let found = !prompt(&w, &deeper, &env).is_empty();
        assert_eq!(found, git_finds(&env), "GIT_CEILING_DIRECTORIES={ceiling}");
    }
}

#[test]
fn discovery_stops_at_a_filesystem_boundary_unless_allowed() {
    let w = World::new();
    let repo = w.repo("r", "main");
    let mnt = repo.join("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "tmpfs"])
        .arg(&mnt)
        .output();
    if !mounted.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIPPED filesystem-boundary test: cannot mount a tmpfs here (needs root)");
        return;
    }
    let _unmount = Unmount(mnt.clone());
    for (value, want_found) in [
        (None, false),
        (Some("true"), true),
        (Some("0"), false),
        (Some("yes"), true),
    ] {
        let env: Vec<(&str, &str)> = value
            .map(|v| ("GIT_DISCOVERY_ACROSS_FILESYSTEM", v))
            .into_iter()
            .collect();
        let mut cmd = w.command("git");
        cmd.args(["rev-parse", "--git-dir"])
            .current_dir(&mnt)
            .envs(env.iter().copied());
        assert_eq!(
            cmd.output().unwrap().status.success(),
            want_found,
            "git itself, {value:?}"
        );
        assert_eq!(
            !prompt(&w, &mnt, &env).is_empty(),
            want_found,
            "awesh, {value:?}"
        );
    }
}

struct Unmount(PathBuf);
impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn rebase_merge_backend_shows_branch_and_progress() {
    let w = World::new();
    let repo = conflicting_branches(&w);
    w.git("r", &["checkout", "-q", "topic"]);
    git_fails(&w, &repo, &["rebase", "--merge", "main"]);
    check(&w, &repo, &[], ":🌿topic|REBASE 1/3");
    let json = explain(&w, &repo, &[]);
    assert_eq!(json["git"]["state"], "rebase");
    assert_eq!(json["git"]["progress"], serde_json::json!([1, 3]));
    assert_eq!(json["git"]["branch"], "topic");
    assert_eq!(json["git"]["detached"], true);
}

#[test]
fn rebase_apply_backend_shows_branch_and_progress() {
    let w = World::new();
    let repo = conflicting_branches(&w);
    w.git("r", &["checkout", "-q", "topic"]);
    git_fails(&w, &repo, &["rebase", "--apply", "main"]);
    check(&w, &repo, &[], ":🌿topic|REBASE 1/3");
}

#[test]
fn interactive_rebase_of_a_detached_head() {
    let w = World::new();
    let repo = conflicting_branches(&w);
    w.git("r", &["checkout", "-q", "--detach", "topic"]);
    git_fails(&w, &repo, &["rebase", "main"]);
    let json = explain(&w, &repo, &[]);
    assert_eq!(
        json["git"]["branch"],
        Value::Null,
        "no branch is being rebased"
    );
    assert_eq!(json["git"]["state"], "rebase");
    let short = git_in(&w, &repo, &["rev-parse", "--short=7", "HEAD"]);
    assert_eq!(prompt(&w, &repo, &[]), format!(":🌿({short})|REBASE 1/3"));
}

#[test]
fn am_merge_cherry_pick_revert_and_bisect() {
    let w = World::new();
    let repo = conflicting_branches(&w);
    // merge
    git_fails(&w, &repo, &["merge", "topic"]);
    check(&w, &repo, &[], ":🌿main|MERGING");
    assert_eq!(explain(&w, &repo, &[])["git"]["state"], "merge");
    w.git("r", &["merge", "--abort"]);
    // cherry-pick
    git_fails(&w, &repo, &["cherry-pick", "topic~2"]);
    check(&w, &repo, &[], ":🌿main|CHERRY-PICKING");
    w.git("r", &["cherry-pick", "--abort"]);
    // a multi-pick that stopped, then had CHERRY_PICK_HEAD resolved away: only sequencer/todo is left
    git_fails(&w, &repo, &["cherry-pick", "topic~2", "topic~1"]);
    w.write("r/f.txt", "resolved\n");
    w.git("r", &["add", "f.txt"]);
    w.git(
        "r",
        &["-c", "core.editor=true", "commit", "-q", "--no-edit"],
    );
    assert!(!repo.join(".git/CHERRY_PICK_HEAD").exists());
    assert!(repo.join(".git/sequencer/todo").exists());
    check(&w, &repo, &[], ":🌿main|CHERRY-PICKING");
    w.git("r", &["cherry-pick", "--quit"]);
    w.git("r", &["reset", "-q", "--hard", "main@{0}"]);
    // revert
    w.git("r", &["checkout", "-q", "topic"]);
    w.write("r/f.txt", "later\n");
    w.git("r", &["commit", "-qam", "later"]);
    git_fails(&w, &repo, &["revert", "--no-edit", "HEAD~1"]);
    check(&w, &repo, &[], ":🌿topic|REVERTING");
    assert_eq!(explain(&w, &repo, &[])["git"]["state"], "revert");
    w.git("r", &["revert", "--abort"]);
    // am
    let patch = git_in(
        &w,
        &repo,
        &["format-patch", "-1", "HEAD~2", "-o", "../patches"],
    );
    w.git("r", &["checkout", "-q", "main"]);
    git_fails(&w, &repo, &["am", &patch]);
    check(&w, &repo, &[], ":🌿main|AM 1/1");
    assert_eq!(explain(&w, &repo, &[])["git"]["state"], "am");
    w.git("r", &["am", "--abort"]);
    // bisect
    w.git("r", &["bisect", "start"]);
    check(&w, &repo, &[], ":🌿main|BISECTING");
    assert_eq!(explain(&w, &repo, &[])["git"]["state"], "bisect");
}

#[test]
fn reftable_repositories_show_the_real_branch() {
    let w = World::new();
    std::fs::create_dir_all(w.path("rt")).unwrap();
    let init = w
        .command("git")
        .args(["init", "-q", "--ref-format=reftable", "-b", "main"])
        .current_dir(w.path("rt"))
        .output()
        .unwrap();
    if !init.status.success() {
        eprintln!("SKIPPED reftable test: this git cannot create reftable repositories");
        return;
    }
    let repo = w.path("rt");
    // Unborn first: HEAD is a symref in the table, the HEAD file a placeholder.
    assert_eq!(prompt(&w, &repo, &[]), ":🌿main");
    w.commit("rt", "one");
    // Enough branches to spill past the first block, then a switch.
    for i in 0..300 {
        w.git("rt", &["branch", &format!("b{i:03}-{}", "x".repeat(20))]);
    }
    w.git("rt", &["checkout", "-qb", "zz-last"]);
    w.commit("rt", "two");
    assert_eq!(git_in(&w, &repo, &["branch", "--show-current"]), "zz-last");
    assert_eq!(prompt(&w, &repo, &[]), ":🌿zz-last");
    let json = explain(&w, &repo, &[]);
    assert_eq!(json["git"]["ref_storage"], "reftable");
    assert_eq!(
        json["git"]["head"],
        git_in(&w, &repo, &["rev-parse", "HEAD"])
    );
    w.git("rt", &["checkout", "-q", "--detach", "HEAD~1"]);
    let short = git_in(&w, &repo, &["rev-parse", "--short=7", "HEAD"]);
    assert_eq!(prompt(&w, &repo, &[]), format!(":🌿({short})"));
    // Compacted into one table, the answer stays the same.
    w.git("rt", &["checkout", "-q", "b150-xxxxxxxxxxxxxxxxxxxx"]);
    w.git("rt", &["pack-refs", "--all"]);
    assert_eq!(prompt(&w, &repo, &[]), ":🌿b150-xxxxxxxxxxxxxxxxxxxx");
    assert!(!prompt(&w, &repo, &[]).contains(".invalid"));
}

#[test]
fn symlinked_head_of_old_repositories() {
    let w = World::new();
    let repo = w.repo("r", "main");
    w.git("r", &["branch", "other"]);
    std::fs::remove_file(repo.join(".git/HEAD")).unwrap();
    std::os::unix::fs::symlink("refs/heads/other", repo.join(".git/HEAD")).unwrap();
    assert_eq!(git_in(&w, &repo, &["branch", "--show-current"]), "other");
    assert_eq!(prompt(&w, &repo, &[]), ":🌿other");
}

#[test]
fn fifo_head_never_hangs_the_prompt() {
    let w = World::new();
    let repo = w.repo("r", "main");
    std::fs::remove_file(repo.join(".git/HEAD")).unwrap();
    let fifo = Command::new("mkfifo")
        .arg(repo.join(".git/HEAD"))
        .status()
        .unwrap();
    assert!(fifo.success());
    w.write(
        "home/.kube/config",
        common::kubeconfig(Some("ctx"), &[("ctx", None)]),
    );
    let mut cmd = w.awesh();
    cmd.args(["prompt", "--timeout-ms", "300"])
        .current_dir(&repo);
    // The kube part still prints; the git part is left out; exit 0.
    assert_eq!(common::stdout(cmd), ":☸️ctx");
    let json = explain(&w, &repo, &[("AWESH_TIMEOUT_MS", "300")]);
    assert_eq!(json["git"], Value::Null);
    let reason = json["segments"]["git"]["reason"]
        .as_str()
        .unwrap_or_default();
    // Discovery never opens it: the reason is given at once, not at the deadline.
    assert!(reason.contains("not a regular file"), "{reason}");
}

#[test]
fn garbage_head_is_explained() {
    let w = World::new();
    let repo = w.repo("r", "main");
    std::fs::write(repo.join(".git/HEAD"), "this is not a ref\n").unwrap();
    // git does not take a folder whose HEAD is not a ref for a repository, and looks further up.
    let ceiling = [("GIT_CEILING_DIRECTORIES", w.root().to_str().unwrap())];
    let mut git = w.command("git");
    git.args(["rev-parse", "--git-dir"])
        .current_dir(&repo)
        .envs(ceiling);
    assert!(!git.output().unwrap().status.success());
    let shown = prompt(&w, &repo, &ceiling);
    assert_eq!(shown, "");
    let json = explain(&w, &repo, &ceiling);
    assert_eq!(json["git"], Value::Null);
    let reason = json["segments"]["git"]["reason"].as_str().unwrap();
    assert!(reason.contains("not a git repository"), "{reason}");
    assert!(reason.contains("neither a ref nor a commit id"), "{reason}");
    assert!(reason.contains("this is not a ref"), "{reason}");
}

/// Folders that look like repositories but are not, and `.git` files of every kind: awesh
/// finds the git directory `git rev-parse --absolute-git-dir` finds, or, like git, none.
#[test]
fn discovery_matches_git_rev_parse() {
    let w = World::new();
    let outer = w.repo("outer", "outer-branch");
    let inner = |name: &str| {
        let dir = outer.join(name);
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        dir
    };
    let put = |path: PathBuf, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let mkdirs = |dir: &Path, subs: &[&str]| {
        for sub in subs {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
    };
    let mut cases: Vec<(&str, PathBuf)> = Vec::new();

    // A .git folder without objects, without refs, or with a HEAD git refuses: git passes
    // over it to the outer repository.
    let d = inner("no-objects");
    put(d.join(".git/HEAD"), "ref: refs/heads/x\n");
    mkdirs(&d.join(".git"), &["refs"]);
    cases.push(("no objects folder", d));
    let d = inner("no-refs");
    put(d.join(".git/HEAD"), "ref: refs/heads/x\n");
    mkdirs(&d.join(".git"), &["objects"]);
    cases.push(("no refs folder", d));
    for (name, head) in [
        ("head-not-under-refs", "ref: heads/x\n"),
        ("head-short-id", "0123456789abcdef\n"),
        ("head-empty", ""),
        ("head-tab", "ref:\trefs/heads/tabbed\n"),
        ("head-no-space", "ref:refs/heads/nospace\n"),
        ("head-crlf", "ref: refs/heads/crlf\r\n"),
        ("head-id", "0123456789abcdef0123456789abcdef01234567\n"),
    ] {
        let d = inner(name);
        put(d.join(".git/HEAD"), head);
        mkdirs(&d.join(".git"), &["objects", "refs"]);
        cases.push((name, d));
    }
    let d = inner("head-link-outside-refs");
    mkdirs(&d.join(".git"), &["objects", "refs"]);
    std::os::unix::fs::symlink("heads/x", d.join(".git/HEAD")).unwrap();
    cases.push(("HEAD links outside refs/", d));
    let d = inner("head-is-a-folder");
    mkdirs(&d.join(".git"), &["objects", "refs", "HEAD"]);
    cases.push(("HEAD is a folder", d));

    // .git files: a good one (relative and absolute), and the broken kinds, which stop git
    // with an error instead of passing over them.
    w.git("outer", &["init", "-q", "--bare", "../elsewhere.git"]);
    let gitfile = |name: &str, text: String| {
        let dir = outer.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(".git"), text).unwrap();
        dir
    };
    let rel = gitfile("gitfile-relative", "gitdir: ../../elsewhere.git\n".into());
    cases.push(("relative gitdir", rel));
    let abs = w.path("elsewhere.git").to_str().unwrap().to_string();
    cases.push((
        "absolute gitdir",
        gitfile("gitfile-absolute", format!("gitdir: {abs}\r\n")),
    ));
    cases.push((
        "gitfile format",
        gitfile("gitfile-bad", "not a gitfile\n".into()),
    ));
    cases.push((
        "gitfile no path",
        gitfile("gitfile-empty", "gitdir: \n".into()),
    ));
    cases.push((
        "gitfile not a repo",
        gitfile("gitfile-nowhere", "gitdir: /nonexistent\n".into()),
    ));

    // A bare repository as the working directory and above it; the inside of .git.
    let bare = w.path("elsewhere.git");
    cases.push(("bare", bare.clone()));
    cases.push(("inside bare/refs", bare.join("refs/heads")));
    cases.push(("inside .git/objects", outer.join(".git/objects")));
    cases.push(("plain subfolder", outer.join("no-refs")));

    let ceiling = [("GIT_CEILING_DIRECTORIES", w.root().to_str().unwrap())];
    for (what, dir) in cases {
        let mut git = w.command("git");
        git.args(["rev-parse", "--absolute-git-dir"])
            .current_dir(&dir)
            .envs(ceiling);
        let out = git.output().unwrap();
        let want = out
            .status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string());
        let json = explain(&w, &dir, &ceiling);
        let got = json["git"]["git_dir"].as_str().map(|p| {
            std::fs::canonicalize(p)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        });
        assert_eq!(got, want, "{what}: {}", json["segments"]["git"]);
    }
}

#[test]
fn outside_any_repository_prints_nothing() {
    let w = World::new();
    std::fs::create_dir_all(w.path("plain")).unwrap();
    let env = [("GIT_CEILING_DIRECTORIES", w.root().to_str().unwrap())];
    assert_eq!(prompt(&w, &w.path("plain"), &env), "");
    let json = explain(&w, &w.path("plain"), &env);
    assert_eq!(json["git"], Value::Null);
    assert!(json["segments"]["git"]["reason"]
        .as_str()
        .unwrap()
        .contains("not a git repository"));
}

#[test]
fn gathers_run_inline_only_when_no_read_can_block() {
    let w = World::new();
    let repo = w.repo("r", "main");
    let on = |dir: &Path, env: &[(&str, &str)]| {
        let json = explain(&w, dir, env);
        let gathered = &json["gathered"];
        (
            gathered["on"].as_str().unwrap_or_default().to_string(),
            gathered["why"].as_str().unwrap_or_default().to_string(),
        )
    };
    if let Err(why) = awesh::segment::inline::machine_is_local() {
        // A network or FUSE filesystem is mounted here: every prompt keeps its threads.
        eprintln!("*** this machine is not all-local ({why}): only the threads are checked ***");
        let plain = on(&repo, &[]);
        assert_eq!(plain.0, "threads");
        assert!(plain.1.contains("mount"), "{plain:?}");
        return;
    }
    // A plain repository on a local disk: no thread needed.
    assert_eq!(on(&repo, &[]).0, "main-thread", "{:?}", on(&repo, &[]));
    // Discovery across filesystems changes nothing: every mounted filesystem is local.
    assert_eq!(
        on(&repo, &[("GIT_DISCOVERY_ACROSS_FILESYSTEM", "1")]).0,
        "main-thread"
    );
    // A linked worktree's `.git` file, a FIFO HEAD: still inline, for discovery opens only
    // regular files, and the FIFO is explained instead of waited on.
    w.git("r", &["worktree", "add", "-q", "-b", "wt", "../wt"]);
    assert_eq!(on(&w.path("wt"), &[]).0, "main-thread");
    std::fs::remove_file(repo.join(".git/HEAD")).unwrap();
    assert!(Command::new("mkfifo")
        .arg(repo.join(".git/HEAD"))
        .status()
        .unwrap()
        .success());
    assert_eq!(on(&repo, &[]).0, "main-thread");
    let json = explain(&w, &repo, &[]);
    assert_eq!(json["git"], Value::Null);
    let reason = json["segments"]["git"]["reason"].as_str().unwrap();
    assert!(reason.contains("HEAD is a FIFO"), "{reason}");
}

#[test]
fn a_fifo_ref_never_hangs_explain() {
    let w = World::new();
    let repo = w.repo("r", "main");
    let head_ref = repo.join(".git/refs/heads/main");
    std::fs::remove_file(&head_ref).unwrap();
    assert!(Command::new("mkfifo")
        .arg(&head_ref)
        .status()
        .unwrap()
        .success());
    let mut cmd = w.awesh();
    cmd.args(["explain", "--json"]).current_dir(&repo);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(cmd.output());
    });
    let out = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("explain hung on a FIFO ref")
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["git"]["branch"], "main");
    assert_eq!(json["git"]["head"], Value::Null);
}

/// Issue 13 (nothing another user can write is trusted): git refuses a repository another
/// user owns ("dubious ownership", CVE-2022-24765) unless safe.directory allows it, and the
/// prompt shows its branch only when git would. Needs root to give the repository away.
#[test]
fn issue_13_a_repository_another_user_owns_shows_no_branch() {
    if awesh::io::files::euid() != 0 {
        eprintln!("SKIPPED: only root can give a repository to another user");
        return;
    }
    let w = World::new();
    let repo = w.repo("shared", "planted");
    w.git(
        "shared",
        &["worktree", "add", "-q", "../linked", "-b", "linked-branch"],
    );
    let sub = repo.join("deep/er");
    std::fs::create_dir_all(&sub).unwrap();
    // Owned by us: shown, as git shows it.
    assert_eq!(prompt(&w, &sub, &[]), ":🌿planted");
    let chown = |uid: &str, path: &Path| {
        let ok = std::process::Command::new("chown")
            .args(["-R", uid])
            .arg(path)
            .status()
            .unwrap();
        assert!(ok.success());
    };
    chown("4242", &repo);
    let git_says = |dir: &Path, env: &[(&str, &str)]| {
        let mut cmd = w.command("git");
        cmd.args(["branch", "--show-current"])
            .current_dir(dir)
            .envs(env.iter().copied());
        let out = cmd.output().unwrap();
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    // git refuses it, and so does the prompt (explain says why).
    assert_eq!(git_says(&sub, &[]), None);
    assert_eq!(prompt(&w, &sub, &[]), "");
    let why = explain(&w, &sub, &[])["segments"]["git"]["reason"].to_string();
    assert!(why.contains("dubious ownership"), "{why}");
    // A linked worktree whose main repository another user owns: refused too.
    assert_eq!(git_says(&w.path("linked"), &[]), None);
    assert_eq!(prompt(&w, &w.path("linked"), &[]), "");
    // safe.directory in the global config lets it through, for git and the prompt alike.
    let global = w.write(
        "home/.gitconfig",
        format!("[safe]\n\tdirectory = {}\n", repo.display()),
    );
    let env = [("GIT_CONFIG_GLOBAL", global.to_str().unwrap())];
    assert_eq!(git_says(&sub, &env).as_deref(), Some("planted"));
    assert_eq!(prompt(&w, &sub, &[]), ":🌿planted");
    std::fs::write(&global, "[safe]\n\tdirectory = *\n").unwrap();
    assert_eq!(git_says(&sub, &env).as_deref(), Some("planted"));
    assert_eq!(prompt(&w, &sub, &[]), ":🌿planted");
    std::fs::write(&global, "[safe]\n\tdirectory = *\n\tdirectory =\n").unwrap();
    assert_eq!(git_says(&sub, &env), None);
    assert_eq!(prompt(&w, &sub, &[]), "");
    chown("0", &repo);
}
