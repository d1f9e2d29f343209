//! The `git` handler: common git intents ("undo the last commit", "new branch x", "what
//! changed", "abort the rebase") turned into git commands, using the repository state from the
//! prompt engine (which operation is in progress, the current branch).

use std::time::Duration;

use super::words::{is_plain_name, Words};
use super::{Context, Handler, Reply, Request, Turn};
use crate::segment::git::State;

/// Turns git intents into git commands.
pub struct GitHandler;

const SKIP: &[&str] = &[
    "branch", "switch", "checkout", "create", "make", "delete", "remove", "rename", "go", "back",
    "file", "changes", "blame", "unstage", "discard", "local", "git",
];

impl Handler for GitHandler {
    fn name(&self) -> &'static str {
        "git"
    }

    fn deadline(&self) -> Duration {
        Duration::from_secs(1)
    }

    fn handle(&self, req: &Request, _turn: &Turn) -> anyhow::Result<Option<Reply>> {
        let w = Words::new(req.text());
        if w.is_empty() || w.get(0) == Some("git") {
            return Ok(None);
        }
        Ok(intent(&w, req.context()))
    }
}

fn reply(answer: impl Into<String>, command: impl Into<String>) -> Option<Reply> {
    Some(Reply {
        answer: answer.into(),
        command: Some(command.into()),
    })
}

fn name_after(w: &Words<'_>, i: usize) -> Option<String> {
    w.name_after(i, SKIP)
        .filter(|n| is_plain_name(n))
        .map(str::to_owned)
}

const OPERATIONS: &[(&[&str], State)] = &[
    (&["rebase", "rebasing"], State::Rebase),
    (&["merge", "merging"], State::Merge),
    (
        &["cherry-pick", "cherry-picking", "cherrypick"],
        State::CherryPick,
    ),
    (&["revert", "reverting"], State::Revert),
    (&["am", "patch"], State::Am),
    (&["bisect", "bisecting"], State::Bisect),
];

fn operation(w: &Words<'_>, ctx: &Context) -> Option<State> {
    OPERATIONS
        .iter()
        .find(|(words, _)| w.has(words))
        .map(|&(_, s)| s)
        .or_else(|| ctx.git.as_ref().and_then(|g| g.state))
}

fn command_of(state: State, action: &str) -> String {
    match (state, action) {
        (State::Bisect, "abort") => "git bisect reset".into(),
        (State::Bisect, _) => "git bisect good".into(),
        (s, a) => format!("git {} --{a}", s.key()),
    }
}

#[allow(clippy::too_many_lines)] // one flat table of intents reads better than ten helpers
fn intent(w: &Words<'_>, ctx: &Context) -> Option<Reply> {
    let branch = ctx.branch();
    // An operation in progress: abort / continue / skip.
    for action in ["abort", "continue", "skip"] {
        let asked = w.has(&[action]) || (action == "abort" && w.has(&["cancel", "stop", "quit"]));
        if asked
            && (w.has(&[
                "rebase",
                "merge",
                "cherry-pick",
                "revert",
                "am",
                "bisect",
                "rebasing",
                "merging",
                "bisecting",
                "cherrypick",
            ]) || ctx.git.as_ref().is_some_and(|g| g.state.is_some()))
        {
            let state = operation(w, ctx)?;
            if action == "skip" && state == State::Merge {
                return None;
            }
            return reply(
                format!("{} the {} in progress.", capital(action), state.key()),
                command_of(state, action),
            );
        }
    }
    if w.has(&["undo", "uncommit", "revert"]) && w.has(&["commit", "commits"]) {
        let n = w.number().filter(|&n| n > 0).unwrap_or(1);
        return reply(
            format!(
                "Undo the last {} keeping the changes staged (nothing is lost).",
                if n == 1 {
                    "commit".into()
                } else {
                    format!("{n} commits")
                }
            ),
            format!("git reset --soft HEAD~{n}"),
        );
    }
    if w.has(&["amend"]) || w.has_phrase(&["fix", "last", "commit"]) {
        return reply(
            "Add the staged changes to the last commit, keeping its message.",
            "git commit --amend --no-edit",
        );
    }
    if w.has_phrase(&["force", "push"]) || w.has(&["force-push"]) {
        return reply(
            "Push over the remote branch, but only if nobody else pushed to it since you fetched.",
            "git push --force-with-lease",
        );
    }
    if w.has(&["push"]) && !w.has(&["stash"]) {
        return Some(match &branch {
            Some(b) if is_plain_name(b) => Reply {
                answer: format!("Push {b} to origin and track it."),
                command: Some(format!("git push -u origin {b}")),
            },
            _ => Reply {
                answer: "Push the current branch.".into(),
                command: Some("git push".into()),
            },
        });
    }
    if w.has(&["branch"]) || w.has(&["checkout", "switch"]) {
        if let Some(i) = w.find(&["delete", "remove"]) {
            let name = name_after(w, i)?;
            return reply(
                format!("Delete branch {name} (refused by git if it is not merged)."),
                format!("git branch -d {name}"),
            );
        }
        if let Some(i) = w.find(&["rename"]) {
            let to = w.find(&["to"]).map_or(i, |t| t);
            let name = name_after(w, to)?;
            return reply(
                format!("Rename the current branch to {name}."),
                format!("git branch -m {name}"),
            );
        }
        if let Some(i) = w.find(&["new", "create", "make", "start"]) {
            let name = name_after(w, i)?;
            return reply(
                format!("Create branch {name} here and switch to it."),
                format!("git switch -c {name}"),
            );
        }
        if let Some(i) = w.find(&["switch", "checkout", "go"]) {
            let name = name_after(w, i)?;
            return reply(
                format!("Switch to branch {name}."),
                format!("git switch {name}"),
            );
        }
        if w.has(&["list", "branches", "all", "show"]) {
            return reply("List the local branches.", "git branch -v");
        }
        return None;
    }
    if w.has(&["unstage"]) {
        let file = w
            .find(&["unstage"])
            .and_then(|i| name_after(w, i))
            .unwrap_or_else(|| ".".into());
        return reply(
            format!("Unstage {file}, keeping the changes in the working tree."),
            format!("git restore --staged {file}"),
        );
    }
    if w.has(&["discard", "throw"]) || w.has_phrase(&["get", "rid", "of"]) && w.has(&["changes"]) {
        let file = w
            .find(&["to", "in"])
            .and_then(|i| name_after(w, i))
            .unwrap_or_else(|| ".".into());
        return reply(
            format!("Throw away the uncommitted changes to {file}: they cannot be recovered."),
            format!("git restore {file}"),
        );
    }
    if w.has(&["pull", "update"])
        && (w.has(&["latest", "changes", "remote", "origin", "branch"]) || w.len() <= 3)
    {
        return reply(
            "Fetch and integrate the remote branch's new commits.",
            "git pull",
        );
    }
    if w.has(&["stash", "stashes", "unstash"]) {
        if w.has(&["list", "show", "stashes", "all"]) {
            return reply("List the stashes.", "git stash list");
        }
        if w.has(&["pop", "apply", "restore", "back", "unstash"]) {
            return reply("Bring back the last stash and drop it.", "git stash pop");
        }
        return reply("Put the uncommitted changes aside.", "git stash push");
    }
    if w.has(&["squash"]) {
        let n = w.number().filter(|&n| n > 1)?;
        return reply(
            format!("Squash the last {n} commits interactively."),
            format!("git rebase -i HEAD~{n}"),
        );
    }
    if w.has(&["blame"]) || w.has_phrase(&["who", "changed"]) {
        let i = w.find(&["blame", "changed"])?;
        let file = name_after(w, i)?;
        return reply(
            format!("Who last changed each line of {file}."),
            format!("git blame {file}"),
        );
    }
    if (w.has(&["changed", "changes", "modified", "diff"])
        && w.has(&["what", "show", "which", "see", "my"]))
        || w.has_phrase(&["what", "did", "i", "change"])
    {
        if w.has(&["staged"]) {
            return reply("The staged changes.", "git diff --staged");
        }
        if w.has(&["files", "file"]) {
            return reply(
                "The files changed since the last commit.",
                "git status --short",
            );
        }
        return reply(
            "The changes since the last commit, staged or not.",
            "git diff HEAD",
        );
    }
    if w.has(&["history", "log", "commits"])
        && w.has(&[
            "show", "last", "recent", "list", "see", "git", "commit", "latest",
        ])
    {
        let n = w.number().filter(|&n| n > 0).unwrap_or(10);
        return reply(
            format!("The last {n} commits."),
            format!("git log --oneline -n {n}"),
        );
    }
    None
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
