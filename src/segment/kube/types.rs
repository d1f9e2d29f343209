//! The types the Kubernetes segment's parts share (the parse, the merge, the cache and the
//! segment itself), in a leaf of their own so that none of those parts imports another in a
//! circle.

use crate::name::Name;

/// What one kubeconfig file contributes: its `current-context` and its contexts' namespaces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    /// `current-context`, when set and non-empty.
    pub current_context: Option<Name>,
    /// `(name, namespace)` of each context, in file order.
    pub contexts: Vec<(Name, Option<Name>)>,
}

/// What the prompt shows for Kubernetes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// The current context.
    pub context: Name,
    /// The context's namespace, when it sets a non-empty one (even `default`: hiding it is the
    /// renderer's choice).
    pub namespace: Option<Name>,
    /// Index into [`Raw::sources`](crate::segment::kube::Raw::sources) of the file whose `current-context` was used.
    pub context_from: usize,
    /// Index of the file that defines the context, if any does.
    pub defined_in: Option<usize>,
}

/// One context as read: its name, and its body's namespace when it has a body.
pub(crate) type ContextEntry = (Option<String>, Option<Option<String>>);
/// The fields of one kubeconfig document, however they were read: `current-context`, and each
/// context's name and, when it has a body, its namespace.
#[derive(Debug, Default)]
pub(crate) struct Doc {
    pub(crate) current_context: Option<String>,
    pub(crate) contexts: Option<Vec<ContextEntry>>,
}
