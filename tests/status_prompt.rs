//! The working-tree status as the prompt shows it: `[status] enabled = true` puts git's counts
//! (from the real `git status --porcelain=v2 --branch --show-stash`) into the segment as
//! markers, a count awesh cannot know shows the `unknown` marker instead of a wrong "clean",
//! and with the status off (the default) the prompt is the classic one.

mod common;

use std::path::Path;
use std::process::Command;

use common::status::{expected_markers, git_counts, COUNTED};
use common::{stdout, World};

fn explain(world: &World, dir: &str) -> serde_json::Value {
    let mut cmd = world.awesh();
    cmd.args(["explain", "--json"]).current_dir(world.path(dir));
    serde_json::from_str(&stdout(cmd)).unwrap()
}

fn prompt(world: &World, dir: &str, args: &[&str]) -> String {
    let mut cmd = world.awesh();
    cmd.arg("prompt").args(args).current_dir(world.path(dir));
    stdout(cmd)
}

/// Checks the prompt in `dir` against git: each class awesh knows shows git's count (exact,
/// or `N+` for a lower bound at most git's), each class it does not know shows no marker and
/// makes `?` appear, and nothing shows for a clean tree. Returns the status part.
#[track_caller]
fn matches_git(world: &World, dir: &str, branch: &str) -> String {
    let truth = git_counts(world, dir);
    let json = explain(world, dir);
    let status = &json["git"]["status"];
    assert!(status.is_object(), "no status in {json}");
    let want = expected_markers(status, &truth, dir);
    let part = if want.is_empty() {
        String::new()
    } else {
        format!(" [{want}]")
    };
    assert_eq!(
        prompt(world, dir, &[]),
        format!(":\u{1f33f}{branch}{part}"),
        "{dir}: git says {truth:?}"
    );
    part
}

/// Moves every file of the work tree a minute into the past and refreshes the index, so no
/// entry is racily clean (an mtime not older than the index makes git look at the content,
/// and awesh call it unknown).
fn settle(world: &World, dir: &str) {
    let root = world.path(dir);
    let when = format!("@{}", now_secs() - 60);
    let status = Command::new("find")
        .arg(&root)
        .args([
            "-path", "*/.git", "-prune", "-o", "-type", "f", "-exec", "touch", "-h", "-d",
        ])
        .arg(&when)
        .args(["{}", "+"])
        .status()
        .unwrap();
    assert!(status.success());
    // (With unmerged entries it says "needs merge" and fails; the rest is refreshed.)
    let _ = world
        .command("git")
        .args(["update-index", "-q", "--really-refresh"])
        .current_dir(&root)
        .output()
        .unwrap();
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Writes `text` to `file` in `dir` with an mtime in the past (but not the index's).
fn edit(world: &World, dir: &str, file: &str, text: &str) {
    let path = world.path(dir).join(file);
    std::fs::write(&path, text).unwrap();
    back_date(&path, 30);
}

fn back_date(path: &Path, secs: u64) {
    let status = Command::new("touch")
        .args(["-h", "-d", &format!("@{}", now_secs() - secs)])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn off_by_default_and_the_classic_prompt_is_unchanged() {
    let world = World::new();
    world.repo("repo", "main");
    edit(&world, "repo", "first.txt", "changed, and longer");
    assert_eq!(prompt(&world, "repo", &[]), ":\u{1f33f}main");
    let json = explain(&world, "repo");
    assert_eq!(json["segments"]["status"]["status"], "off", "{json}");
    assert!(json["segments"]["status"]["reason"]
        .as_str()
        .unwrap()
        .contains("enabled is false"));
    // Enabled, but a format without {status}: nothing gathered, nothing shown.
    world.config("format = '{branch}'\n[status]\nenabled = true\n");
    assert_eq!(prompt(&world, "repo", &[]), ":\u{1f33f}main");
    assert_eq!(
        explain(&world, "repo")["segments"]["status"]["status"],
        "off"
    );
}

#[test]
fn markers_follow_gits_counts() {
    let world = World::new();
    world.config(COUNTED);
    world.repo("repo", "main");
    world.commit("repo", "second");
    world.commit("repo", "third");
    settle(&world, "repo");
    // Clean: no status part at all (its text is shown only with a marker).
    assert_eq!(matches_git(&world, "repo", "main"), "");

    edit(&world, "repo", "first.txt", "first, changed");
    edit(&world, "repo", "second.txt", "second, changed");
    assert!(matches_git(&world, "repo", "main").contains("*2"));

    world.git("repo", &["stash", "-q"]);
    settle(&world, "repo");
    assert!(matches_git(&world, "repo", "main").contains("$1"));

    edit(&world, "repo", "third.txt", "third, staged");
    world.git("repo", &["add", "third.txt"]);
    settle(&world, "repo");
    let staged = matches_git(&world, "repo", "main");
    let why = &explain(&world, "repo")["segments"]["status"]["reason"];
    assert!(
        staged.contains("+1") && !staged.contains('?'),
        "{staged}: {why}"
    );

    world.write("repo/new.txt", "untracked");
    world.write("repo/dir/a.txt", "untracked dir");
    settle(&world, "repo");
    // Every class known: a new file and a new folder are two untracked entries, as git lists them.
    assert!(matches_git(&world, "repo", "main").contains("%2"));

    std::fs::remove_file(world.path("repo/second.txt")).unwrap();
    matches_git(&world, "repo", "main");
}

#[test]
fn a_conflict_is_counted_as_git_counts_it() {
    let world = World::new();
    world.config(COUNTED);
    world.repo("repo", "main");
    world.git("repo", &["checkout", "-q", "-b", "side"]);
    edit(&world, "repo", "first.txt", "side");
    world.git("repo", &["commit", "-qam", "side"]);
    world.git("repo", &["checkout", "-q", "main"]);
    edit(&world, "repo", "first.txt", "main");
    world.git("repo", &["commit", "-qam", "main"]);
    let out = world
        .command("git")
        .args(["merge", "-q", "side"])
        .current_dir(world.path("repo"))
        .output()
        .unwrap();
    assert!(!out.status.success(), "the merge should conflict");
    settle(&world, "repo");
    let truth = git_counts(&world, "repo");
    assert_eq!(truth[0], ("conflicted", 1));
    let shown = prompt(&world, "repo", &[]);
    assert!(shown.starts_with(":\u{1f33f}main|MERGING [=1"), "{shown}");
}

#[test]
fn upstream_ahead_and_behind() {
    let world = World::new();
    world.config(COUNTED);
    world.repo("origin", "main");
    world.git(".", &["clone", "-q", "origin", "clone"]);
    world.commit("origin", "theirs");
    world.git("clone", &["fetch", "-q"]);
    world.commit("clone", "mine1");
    world.commit("clone", "mine2");
    settle(&world, "clone");
    let truth = git_counts(&world, "clone");
    assert_eq!(&truth[5..], [("ahead", 2), ("behind", 1)]);
    matches_git(&world, "clone", "main");
}

#[test]
fn limits_give_unknown_never_clean() {
    let world = World::new();
    world.repo("repo", "main");
    world.commit("repo", "second");
    settle(&world, "repo");
    edit(&world, "repo", "first.txt", "changed, and longer");
    // An index over the limit is not read: `?`, never a clean-looking prompt.
    world.config(
        "[status]\nenabled = true\nmax_index_entries = 1\nformat = ' {unstaged}{unknown}'\n",
    );
    assert_eq!(prompt(&world, "repo", &[]), ":\u{1f33f}main ?");
    // Within the limit the change shows.
    world.config("[status]\nenabled = true\nformat = ' {unstaged}{unknown}'\n");
    assert_eq!(prompt(&world, "repo", &[]), ":\u{1f33f}main *");
    // `--off status` (the `awesh_off status` toggle) leaves it out.
    assert_eq!(
        prompt(&world, "repo", &["--off", "status"]),
        ":\u{1f33f}main"
    );
    // Stopping at one: with markers alone, a count past one is still just the marker.
    edit(&world, "repo", "second.txt", "changed too, longer");
    assert_eq!(prompt(&world, "repo", &[]), ":\u{1f33f}main *");
    world.config("[status]\nenabled = true\nmax_count = 1\nformat = ' {unstaged}'\n[status.unstaged]\nformat = '{symbol}{count}'\n");
    assert_eq!(prompt(&world, "repo", &[]), ":\u{1f33f}main *1+");
}

#[test]
fn no_work_tree_no_status() {
    let world = World::new();
    world.config(COUNTED);
    world.repo("repo", "main");
    world.git(".", &["clone", "-q", "--bare", "repo", "bare.git"]);
    assert_eq!(prompt(&world, "bare.git", &[]), ":\u{1f33f}main");
    let json = explain(&world, "bare.git");
    assert!(
        json["git"]["status"]["none"]
            .as_str()
            .unwrap()
            .contains("bare"),
        "{json}"
    );
    // Inside the .git folder of a normal repository: no work tree either.
    assert_eq!(prompt(&world, "repo/.git", &[]), ":\u{1f33f}main");
}

#[test]
fn markers_are_text_in_every_shell() {
    let world = World::new();
    world.repo("repo", "main");
    world.commit("repo", "second");
    settle(&world, "repo");
    edit(&world, "repo", "first.txt", "changed, and longer");
    world.config(
        "[status]\nenabled = true\nformat = ' {unstaged}'\n[status.unstaged]\n\
         symbol = \"%F{red}$(id)\\u001b\"\nstyle = 'red'\n",
    );
    let zsh = prompt(&world, "repo", &["--shell", "zsh"]);
    assert_eq!(
        zsh, ":\u{1f33f}main %{\x1b[31m%}%%F{red}$(id)^[%{\x1b[0m%}",
        "{zsh:?}"
    );
    let bash = prompt(&world, "repo", &["--shell", "bash"]);
    assert!(
        bash.contains("\x01\x1b[31m\x02%F{red}$(id)^[\x01\x1b[0m\x02"),
        "{bash:?}"
    );
    let plain = prompt(&world, "repo", &[]);
    assert_eq!(plain, ":\u{1f33f}main %F{red}$(id)^[");
}

/// Right after a commit or checkout every file is as new as the index (racily clean): decided
/// by content, as git decides it, so a fresh checkout shows clean, not unknown; where an
/// attributes file could convert content (which only a filter run could settle), unknown.
#[test]
fn a_fresh_checkout_is_clean_not_unknown() {
    let world = World::new();
    world.config("[status]\nenabled = true\nformat = ' {unstaged}{unknown}'\n");
    world.repo("repo", "main");
    world.git("repo", &["checkout", "-q", "-b", "other"]);
    assert_eq!(prompt(&world, "repo", &[]), ":\u{1f33f}other");
    // A same-size rewrite in the same second: git hashes it, and so does awesh.
    std::fs::write(world.path("repo/first.txt"), "FIRST").unwrap();
    let truth = git_counts(&world, "repo");
    assert_eq!(truth[1], ("unstaged", 1));
    assert_eq!(prompt(&world, "repo", &[]), ":\u{1f33f}other *");
    // With an attributes file, the same change needs a conversion to be judged: unknown.
    world.write("repo/.gitattributes", "*.txt text eol=crlf\n");
    assert_eq!(prompt(&world, "repo", &[]), ":\u{1f33f}other ?");
}
