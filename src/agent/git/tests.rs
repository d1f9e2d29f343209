//! Intent table for the git handler: question in, git command out, for a known repository state.
use super::*;
use crate::name::Name;
use crate::segment::git;

fn ctx(branch: &str, state: Option<State>) -> Context {
    Context {
        git: Some(git::Info {
            branch: Some(Name::new(branch.as_bytes())),
            detached: false,
            detached_id: None,
            state,
            progress: None,
            ambiguous_apply: false,
            abbrev: 7,
        }),
        ..Context::default()
    }
}

fn command(q: &str, c: &Context) -> Option<String> {
    let w = Words::new(q);
    if w.get(0) == Some("git") {
        return None;
    }
    intent(&w, c).and_then(|r| r.command)
}

#[test]
fn intents() {
    let c = ctx("feature/x", None);
    let table: &[(&str, Option<&str>)] = &[
        ("undo the last commit", Some("git reset --soft HEAD~1")),
        ("undo last 3 commits", Some("git reset --soft HEAD~3")),
        ("new branch fix-login", Some("git switch -c fix-login")),
        (
            "create a branch called feature/y",
            Some("git switch -c feature/y"),
        ),
        ("switch to branch main", Some("git switch main")),
        ("delete branch old-stuff", Some("git branch -d old-stuff")),
        ("rename branch to better", Some("git branch -m better")),
        ("what changed", Some("git diff HEAD")),
        ("what did I change?", Some("git diff HEAD")),
        ("show staged changes", Some("git diff --staged")),
        ("which files changed", Some("git status --short")),
        ("abort the rebase", Some("git rebase --abort")),
        ("abort the merge", Some("git merge --abort")),
        ("continue the rebase", Some("git rebase --continue")),
        ("stop bisecting", Some("git bisect reset")),
        (
            "amend the last commit",
            Some("git commit --amend --no-edit"),
        ),
        ("force push", Some("git push --force-with-lease")),
        ("push this branch", Some("git push -u origin feature/x")),
        ("stash my changes", Some("git stash push")),
        ("pop the stash", Some("git stash pop")),
        (
            "unstage src/main.rs",
            Some("git restore --staged src/main.rs"),
        ),
        ("discard my changes", Some("git restore .")),
        ("show the last 5 commits", Some("git log --oneline -n 5")),
        ("squash the last 3 commits", Some("git rebase -i HEAD~3")),
        ("git status", None),
        ("list pods", None),
        ("which cluster am I on", None),
        ("new branch $(reboot)", None),
    ];
    for (q, want) in table {
        assert_eq!(command(q, &c).as_deref(), *want, "{q}");
    }
}

#[test]
fn a_bare_abort_uses_the_operation_in_progress() {
    assert_eq!(
        command("abort", &ctx("x", Some(State::CherryPick))).as_deref(),
        Some("git cherry-pick --abort")
    );
    assert_eq!(
        command("continue", &ctx("x", Some(State::Merge))).as_deref(),
        Some("git merge --continue")
    );
    assert_eq!(command("abort", &ctx("x", None)), None);
}
