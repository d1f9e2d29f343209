//! The kube parts as the user configured them to be shown: aliases, highlights and the
//! namespace rules of the config applied to what the kube segment found. Pure; the config
//! holds the rules, this applies them, so the config layer never sees a segment's types.

use crate::config::rules::Hit;
use crate::config::style::Style;
use crate::config::Config;
use crate::name::Name;

use super::types::Info;

/// The kube parts as they will be shown: the output of [`view`], the input of the renderer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeView<'a> {
    /// The context name shown (the alias, when one applies).
    pub context: Name,
    /// The namespace shown, if any is left after the hiding rules.
    pub namespace: Option<Name>,
    /// The context symbol.
    pub symbol: &'a str,
    /// The context part's style.
    pub style: &'a Style,
    /// The namespace part's style.
    pub namespace_style: &'a Style,
    /// Index of the alias rule applied.
    pub alias: Option<usize>,
    /// Index of the highlight rule applied.
    pub highlight: Option<usize>,
}

/// Applies aliases, highlights and the namespace rules to what kube found. Pure.
#[must_use]
pub fn view<'a>(config: &'a Config, info: &Info) -> KubeView<'a> {
    view_before(config, info, None)
}

/// [`view`] with the prompt's deadline for expression matching ([`Rules::find_before`]).
#[must_use]
pub fn view_before<'a>(
    config: &'a Config,
    info: &Info,
    deadline: Option<std::time::Instant>,
) -> KubeView<'a> {
    let raw = info.context.to_str_lossy();
    let alias = config.aliases.find_before(&raw, deadline);
    let context = match &alias {
        Some(Hit {
            captures: Some(caps),
            rule,
            ..
        }) => {
            let mut shown = String::new();
            caps.expand(&rule.then.to, &mut shown);
            Name::from(shown.as_str())
        }
        Some(hit) => Name::from(hit.rule.then.to.as_str()),
        None => info.context.clone(),
    };
    let highlight = config
        .highlights
        .find_before(&raw, deadline)
        .map(|hit| (hit.index, hit.rule));
    let then = highlight.map(|(_, rule)| &rule.then);
    let ns_rules = config.namespace_rules;
    let namespace = info
        .namespace
        .as_ref()
        .filter(|ns| {
            !(ns_rules.hide_default && ns.as_bytes() == b"default"
                || ns_rules.hide_when_context && (**ns == info.context || **ns == context))
        })
        .cloned();
    let format = &config.format;
    KubeView {
        namespace,
        symbol: then
            .and_then(|h| h.symbol.as_deref())
            .unwrap_or(&format.context.symbol),
        style: then
            .and_then(|h| h.style.as_ref())
            .unwrap_or(&format.context.style),
        namespace_style: then
            .and_then(|h| h.namespace_style.as_ref())
            .unwrap_or(&format.namespace.style),
        alias: alias.map(|hit| hit.index),
        highlight: highlight.map(|(i, _)| i),
        context,
    }
}
