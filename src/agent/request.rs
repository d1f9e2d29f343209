//! What the handlers are given and what they give back: the filtered question with its
//! context (gathered in parallel with start-up, waited for only by handlers that need it), and
//! a reply.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::segment;

/// Where the user is, as the handlers and the model see it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// `std::env::consts::OS`.
    pub os: String,
    /// The user's shell (basename of `$SHELL`), when known.
    pub shell: Option<String>,
    /// The working directory.
    pub cwd: Option<PathBuf>,
    /// The git segment, when in a repository.
    pub git: Option<segment::git::Info>,
    /// The Kubernetes segment, when a context is set.
    pub kube: Option<segment::kube::Info>,
}

impl Context {
    /// The current branch name, lossily decoded.
    #[must_use]
    pub fn branch(&self) -> Option<String> {
        let git = self.git.as_ref()?;
        git.branch.as_ref().map(|b| b.to_str_lossy().into_owned())
    }

    /// The current Kubernetes context name.
    #[must_use]
    pub fn kube_context(&self) -> Option<String> {
        Some(self.kube.as_ref()?.context.to_str_lossy().into_owned())
    }

    /// The namespace set in the current context, when one is.
    #[must_use]
    pub fn namespace(&self) -> Option<String> {
        let kube = self.kube.as_ref()?;
        kube.namespace
            .as_ref()
            .map(|n| n.to_str_lossy().into_owned())
    }
}

/// A question after the filters: redacted text, the destructive flag, and the context (which
/// may still be being gathered; [`Request::context`] waits for it).
#[derive(Debug, Clone)]
pub struct Request {
    text: Arc<str>,
    /// The question asks to run something destructive (every suggestion is risk-labelled anyway).
    pub destructive: bool,
    context: Arc<OnceLock<Context>>,
}

impl Request {
    /// A request whose context is already known.
    #[must_use]
    pub fn new(text: &str, destructive: bool, context: Context) -> Self {
        let cell = OnceLock::new();
        let _ = cell.set(context);
        Request {
            text: text.into(),
            destructive,
            context: Arc::new(cell),
        }
    }

    /// A request whose context `gather` computes on its own thread, in parallel with the rest
    /// of start-up. Handlers that need it wait; the others never do.
    #[must_use]
    pub fn gathering(
        text: &str,
        destructive: bool,
        gather: impl FnOnce() -> Context + Send + 'static,
    ) -> Self {
        let cell = Arc::new(OnceLock::new());
        let fill = Arc::clone(&cell);
        let spawned = std::thread::Builder::new()
            .name("awesh-context".into())
            .spawn(move || {
                let _ = fill.set(gather());
            });
        if spawned.is_err() {
            // No thread to spare: handlers get an empty context rather than wait forever.
            let _ = cell.set(Context::default());
        }
        Request {
            text: text.into(),
            destructive,
            context: cell,
        }
    }

    /// The (redacted) question.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The context, waiting for the gather when it has not finished yet.
    #[must_use]
    pub fn context(&self) -> &Context {
        self.context.wait()
    }
}

/// What a handler answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The answer for people.
    pub answer: String,
    /// The suggested command, never executed by awesh.
    pub command: Option<String>,
}
