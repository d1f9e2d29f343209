//! The `context` handler: questions about where the user is (cluster, namespace, branch, an
//! operation in progress) answered from the same engine as the prompt, without a model.

use std::time::Duration;

use super::words::Words;
use super::{Context, Handler, Reply, Request, Turn};
use crate::segment::git::State;

/// Answers "which cluster am I on", "what namespace", "what branch", "am I in a rebase".
pub struct ContextHandler;

/// Words that make a question about where the user is.
const ASKING: &[&str] = &[
    "which", "what", "what's", "whats", "where", "am", "are", "current", "tell", "is",
];
/// Words that ask to do something rather than to know something: left to other handlers.
const DOING: &[&str] = &[
    "switch",
    "change",
    "use",
    "set",
    "list",
    "delete",
    "create",
    "new",
    "rename",
    "abort",
    "continue",
    "undo",
    "checkout",
    "push",
    "pull",
    "merge",
    "skip",
    "start",
    "stop",
    "remove",
    "contexts",
    "clusters",
    "namespaces",
    "branches",
    "all",
];

const STATE_WORDS: &[(&str, State)] = &[
    ("rebase", State::Rebase),
    ("rebasing", State::Rebase),
    ("merge", State::Merge),
    ("merging", State::Merge),
    ("cherry-pick", State::CherryPick),
    ("cherry-picking", State::CherryPick),
    ("revert", State::Revert),
    ("reverting", State::Revert),
    ("bisect", State::Bisect),
    ("bisecting", State::Bisect),
    ("am", State::Am),
];

impl Handler for ContextHandler {
    fn name(&self) -> &'static str {
        "context"
    }

    fn deadline(&self) -> Duration {
        // The gather has its own 200 ms deadline; this only guards against a stuck thread.
        Duration::from_secs(1)
    }

    fn handle(&self, req: &Request, _turn: &Turn) -> anyhow::Result<Option<Reply>> {
        let w = Words::new(req.text());
        let Some(topic) = topic(&w) else {
            return Ok(None);
        };
        let answer = answer(topic, req.context());
        Ok(Some(Reply {
            answer,
            command: None,
        }))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Topic {
    Cluster,
    Namespace,
    Branch,
    State(Option<State>),
    Everything,
}

fn topic(w: &Words<'_>) -> Option<Topic> {
    if w.is_empty() || w.len() > 12 {
        return None;
    }
    // "am I in a rebase" / "are we merging" / "is a bisect running".
    let in_operation = w.has_phrase(&["am", "i", "in"]) || w.has(&["are", "is", "in", "during"]);
    let state = STATE_WORDS
        .iter()
        .filter(|(word, _)| *word != "am")
        .find(|(word, _)| w.has(&[word]))
        .map(|&(_, s)| s);
    if w.has(&["git", "operation", "progress"]) && w.has(&["in", "progress"]) && !w.has(DOING) {
        return Some(Topic::State(None));
    }
    if let Some(s) = state {
        if in_operation && !w.has(&["abort", "continue", "skip", "undo", "how", "start"]) {
            return Some(Topic::State(Some(s)));
        }
        return None;
    }
    if !w.has(ASKING) || w.has(DOING) || w.has(&["how", "why"]) {
        return None;
    }
    if w.has_phrase(&["where", "am", "i"]) {
        return Some(Topic::Everything);
    }
    if w.has(&["namespace", "ns"]) {
        Some(Topic::Namespace)
    } else if w.has(&["cluster", "context", "kube", "kubernetes", "k8s", "kubectl"]) {
        Some(Topic::Cluster)
    } else if w.has(&["branch"]) {
        Some(Topic::Branch)
    } else {
        None
    }
}

fn answer(topic: Topic, ctx: &Context) -> String {
    match topic {
        Topic::Cluster => cluster(ctx),
        Topic::Namespace => namespace(ctx),
        Topic::Branch => branch(ctx),
        Topic::State(asked) => state(ctx, asked),
        Topic::Everything => {
            let mut s = String::new();
            if let Some(cwd) = &ctx.cwd {
                s.push_str(&format!("You are in {}.\n", cwd.display()));
            }
            s.push_str(&branch(ctx));
            s.push('\n');
            if ctx.git.as_ref().is_some_and(|g| g.state.is_some()) {
                s.push_str(&state(ctx, None));
                s.push('\n');
            }
            s.push_str(&cluster(ctx));
            s
        }
    }
}

fn cluster(ctx: &Context) -> String {
    match (ctx.kube_context(), ctx.namespace()) {
        (Some(c), Some(ns)) => format!("You are on Kubernetes context {c} (namespace {ns})."),
        (Some(c), None) => {
            format!("You are on Kubernetes context {c} (no namespace set: kubectl uses default).")
        }
        (None, _) => "No Kubernetes context is set (no current-context in your kubeconfig).".into(),
    }
}

fn namespace(ctx: &Context) -> String {
    match (ctx.kube_context(), ctx.namespace()) {
        (Some(c), Some(ns)) => format!("The namespace is {ns} (context {c})."),
        (Some(c), None) => {
            format!("Context {c} sets no namespace, so kubectl uses default.")
        }
        (None, _) => "No Kubernetes context is set, so there is no namespace.".into(),
    }
}

fn branch(ctx: &Context) -> String {
    let Some(git) = &ctx.git else {
        return "You are not in a git repository.".into();
    };
    match (&git.branch, git.detached) {
        (Some(b), false) => format!("You are on branch {b}."),
        (Some(b), true) => format!("HEAD is detached while {b} is being worked on."),
        (None, _) => match git.short_id() {
            Some(id) => format!("HEAD is detached at {}.", String::from_utf8_lossy(id)),
            None => "HEAD points at no branch.".into(),
        },
    }
}

fn state(ctx: &Context, asked: Option<State>) -> String {
    let Some(git) = &ctx.git else {
        return "No: you are not in a git repository.".into();
    };
    let progress = git
        .progress
        .map(|(step, total)| format!(", step {step} of {total}"))
        .unwrap_or_default();
    let on = git
        .branch
        .as_ref()
        .map(|b| format!(" on {b}"))
        .unwrap_or_default();
    match (git.state, asked) {
        (Some(s), Some(a)) if s == a => format!("Yes: a {} is in progress{on}{progress}.", s.key()),
        (Some(s), Some(a)) => format!(
            "No {} is in progress, but a {} is{on}{progress}.",
            a.key(),
            s.key()
        ),
        (Some(s), None) => format!("A {} is in progress{on}{progress}.", s.key()),
        (None, Some(a)) => format!("No: no {} is in progress.", a.key()),
        (None, None) => "No git operation is in progress.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::Name;
    use crate::segment::{git, kube};

    fn ctx(
        branch: Option<&str>,
        state: Option<State>,
        kube_ctx: Option<(&str, Option<&str>)>,
    ) -> Context {
        Context {
            os: "linux".into(),
            shell: None,
            cwd: None,
            git: branch.map(|b| git::Info {
                branch: Some(Name::new(b.as_bytes())),
                detached: false,
                detached_id: None,
                state,
                progress: state.map(|_| (2, 5)),
                ambiguous_apply: false,
                abbrev: 7,
            }),
            kube: kube_ctx.map(|(c, ns)| kube::Info {
                context: Name::new(c.as_bytes()),
                namespace: ns.map(|n| Name::new(n.as_bytes())),
                context_from: 0,
                defined_in: Some(0),
            }),
        }
    }

    fn ask(q: &str, c: &Context) -> Option<String> {
        topic(&Words::new(q)).map(|t| answer(t, c))
    }

    #[test]
    fn intents() {
        let c = ctx(
            Some("main"),
            Some(State::Rebase),
            Some(("prod", Some("web"))),
        );
        let table: &[(&str, Option<&str>)] = &[
            (
                "which cluster am I on",
                Some("You are on Kubernetes context prod (namespace web)."),
            ),
            (
                "what's my current kube context?",
                Some("You are on Kubernetes context prod (namespace web)."),
            ),
            (
                "what namespace",
                Some("The namespace is web (context prod)."),
            ),
            (
                "which namespace am i in",
                Some("The namespace is web (context prod)."),
            ),
            ("what branch am I on", Some("You are on branch main.")),
            ("current branch?", Some("You are on branch main.")),
            (
                "am I in a rebase",
                Some("Yes: a rebase is in progress on main, step 2 of 5."),
            ),
            (
                "are we merging?",
                Some("No merge is in progress, but a rebase is on main, step 2 of 5."),
            ),
            ("switch namespace to web", None),
            ("list pods", None),
            ("abort the rebase", None),
            ("undo the last commit", None),
            ("how do I create a branch", None),
            ("which python", None),
            ("list all contexts", None),
        ];
        for (q, want) in table {
            assert_eq!(ask(q, &c).as_deref(), *want, "{q}");
        }
    }

    #[test]
    fn answers_say_what_is_missing() {
        let none = ctx(None, None, None);
        assert_eq!(
            ask("which cluster am I on", &none).unwrap(),
            "No Kubernetes context is set (no current-context in your kubeconfig)."
        );
        assert_eq!(
            ask("what branch", &none).unwrap(),
            "You are not in a git repository."
        );
        let no_ns = ctx(Some("dev"), None, Some(("kind", None)));
        assert_eq!(
            ask("what namespace", &no_ns).unwrap(),
            "Context kind sets no namespace, so kubectl uses default."
        );
        assert_eq!(
            ask("am i in a rebase?", &no_ns).unwrap(),
            "No: no rebase is in progress."
        );
    }
}
