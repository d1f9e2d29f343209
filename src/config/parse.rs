//! Turns the text of a config file into a [`Config`], key by key. The TOML is parsed into a
//! span-carrying tree and walked by hand (not `deny_unknown_fields`) so that every problem is
//! found in one pass, each with its byte offset, and each broken key simply keeps its default:
//! one typo never costs the rest of the config.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::format::{
    Part, Template, Var, DETACHED_VARS, NAME_VARS, PROGRESS_VARS, SEGMENT_VARS, STATE_VARS,
};
use super::rules::{Alias, Highlight, LazyRegex, Matcher, Rule, Rules};
use super::show::{Pattern, Show};
use super::{Config, Problem};
use crate::render::style::Style;

type Value<'i> = Spanned<DeValue<'i>>;

/// The patterns `kube.show = "detect"` uses when `kube.detect` is not set.
pub const DEFAULT_DETECT: &[&str] = &[
    "Chart.yaml",
    "kustomization.yaml",
    "kustomization.yml",
    "helmfile.yaml",
    "skaffold.yaml",
    "k8s/*.yaml",
    "k8s/*.yml",
];

const PART_KEYS: &[&str] = &["format", "symbol", "style"];

/// Parses `text`; returns the config (defaults wherever something is wrong) and the problems.
#[must_use]
pub fn parse(text: &str) -> (Config, Vec<Problem>) {
    let mut p = Parser {
        problems: Vec::new(),
    };
    let mut config = Config::default();
    let (root, errors) = DeTable::parse_recoverable(text);
    for e in errors {
        p.problems.push(Problem {
            at: e.span().map_or(0, |s| s.start),
            message: e.message().trim().to_string(),
        });
    }
    p.root(root.get_ref(), &mut config);
    p.problems.sort_by_key(|x| x.at);
    (config, p.problems)
}

struct Parser {
    problems: Vec<Problem>,
}

impl Parser {
    fn problem(&mut self, at: usize, message: String) {
        self.problems.push(Problem { at, message });
    }

    /// Reports every key of `table` not in `known`.
    fn unknown_keys(&mut self, table: &DeTable<'_>, section: &str, known: &[&str]) {
        for (key, _) in table.iter() {
            if !known.contains(&key.get_ref().as_ref()) {
                let at = if section.is_empty() {
                    String::from("at the top level")
                } else {
                    format!("in [{section}]")
                };
                self.problem(
                    key.span().start,
                    format!(
                        "unknown key {:?} {at} (known: {})",
                        key.get_ref(),
                        known.join(", ")
                    ),
                );
            }
        }
    }

    fn string<'v>(&mut self, v: &'v Value<'_>, path: &str) -> Option<&'v str> {
        if let DeValue::String(s) = v.get_ref() {
            return Some(s);
        }
        self.problem(
            v.span().start,
            format!("{path} must be a string, not {}", v.get_ref().type_str()),
        );
        None
    }

    fn bool(&mut self, v: &Value<'_>, path: &str) -> Option<bool> {
        if let DeValue::Boolean(b) = v.get_ref() {
            return Some(*b);
        }
        self.problem(
            v.span().start,
            format!(
                "{path} must be true or false, not {}",
                v.get_ref().type_str()
            ),
        );
        None
    }

    fn table<'v, 'i>(&mut self, v: &'v Value<'i>, path: &str) -> Option<&'v DeTable<'i>> {
        if let DeValue::Table(t) = v.get_ref() {
            return Some(t);
        }
        self.problem(
            v.span().start,
            format!(
                "{path} must be a table ([{path}]), not {}",
                v.get_ref().type_str()
            ),
        );
        None
    }

    /// An array of tables (`[[path]]`); a single table is accepted as a list of one.
    fn tables<'v, 'i>(&mut self, v: &'v Value<'i>, path: &str) -> Vec<&'v Value<'i>> {
        match v.get_ref() {
            DeValue::Array(items) => items.iter().collect(),
            DeValue::Table(_) => vec![v],
            other => {
                self.problem(
                    v.span().start,
                    format!(
                        "{path} must be a list of tables ([[{path}]]), not {}",
                        other.type_str()
                    ),
                );
                Vec::new()
            }
        }
    }

    fn template(&mut self, v: &Value<'_>, path: &str, vars: &[(&str, Var)]) -> Option<Template> {
        let text = self.string(v, path)?;
        Template::parse(text, vars)
            .map_err(|e| self.problem(v.span().start, format!("{path}: {e}")))
            .ok()
    }

    fn style(&mut self, v: &Value<'_>, path: &str) -> Option<Style> {
        let text = self.string(v, path)?;
        Style::parse(text)
            .map_err(|e| self.problem(v.span().start, format!("{path}: {e}")))
            .ok()
    }

    fn root(&mut self, root: &DeTable<'_>, config: &mut Config) {
        const TOP: &[&str] = &[
            "format",
            "context",
            "namespace",
            "branch",
            "detached",
            "state",
            "kube",
        ];
        self.unknown_keys(root, "", TOP);
        if let Some(v) = root.get("format") {
            if let Some(t) = self.template(v, "format", SEGMENT_VARS) {
                config.format.segment = t;
            }
        }
        if let Some(t) = root.get("context").and_then(|v| self.table(v, "context")) {
            let known = [PART_KEYS, &["alias", "highlight"]].concat();
            self.unknown_keys(t, "context", &known);
            self.part(t, "context", NAME_VARS, &mut config.format.context);
            if let Some(v) = t.get("alias") {
                config.aliases = self.aliases(v);
            }
            if let Some(v) = t.get("highlight") {
                config.highlights = self.highlights(v);
            }
        }
        if let Some(t) = root
            .get("namespace")
            .and_then(|v| self.table(v, "namespace"))
        {
            let known = [PART_KEYS, &["hide_default", "hide_when_context"]].concat();
            self.unknown_keys(t, "namespace", &known);
            self.part(t, "namespace", NAME_VARS, &mut config.format.namespace);
            let rules = &mut config.namespace_rules;
            if let Some(b) = t
                .get("hide_default")
                .and_then(|v| self.bool(v, "namespace.hide_default"))
            {
                rules.hide_default = b;
            }
            if let Some(b) = t
                .get("hide_when_context")
                .and_then(|v| self.bool(v, "namespace.hide_when_context"))
            {
                rules.hide_when_context = b;
            }
        }
        for (section, vars) in [("branch", NAME_VARS), ("detached", DETACHED_VARS)] {
            if let Some(t) = root.get(section).and_then(|v| self.table(v, section)) {
                self.unknown_keys(t, section, PART_KEYS);
                let part = if section == "branch" {
                    &mut config.format.branch
                } else {
                    &mut config.format.detached
                };
                self.part(t, section, vars, part);
            }
        }
        if let Some(t) = root.get("state").and_then(|v| self.table(v, "state")) {
            self.unknown_keys(t, "state", &[PART_KEYS, &["progress"]].concat());
            self.part(t, "state", STATE_VARS, &mut config.format.state);
            if let Some(v) = t.get("progress") {
                if let Some(tpl) = self.template(v, "state.progress", PROGRESS_VARS) {
                    config.format.progress = tpl;
                }
            }
        }
        if let Some(t) = root.get("kube").and_then(|v| self.table(v, "kube")) {
            self.unknown_keys(t, "kube", &["show", "detect"]);
            config.show = self.show(t);
        }
    }

    fn part(&mut self, t: &DeTable<'_>, section: &str, vars: &[(&str, Var)], part: &mut Part) {
        if let Some(v) = t.get("format") {
            if let Some(tpl) = self.template(v, &format!("{section}.format"), vars) {
                part.format = tpl;
            }
        }
        if let Some(v) = t.get("symbol") {
            if let Some(s) = self.string(v, &format!("{section}.symbol")) {
                part.symbol = s.into();
            }
        }
        if let Some(v) = t.get("style") {
            if let Some(s) = self.style(v, &format!("{section}.style")) {
                part.style = s;
            }
        }
    }

    /// `name = "..."` or `regex = "..."`, exactly one; `None` (with a problem) otherwise.
    fn matcher(&mut self, t: &DeTable<'_>, at: usize, path: &str) -> Option<(Matcher, usize)> {
        match (t.get("name"), t.get("regex")) {
            (Some(_), Some(v)) => {
                self.problem(
                    v.span().start,
                    format!("{path}: give either name or regex, not both; rule ignored"),
                );
                None
            }
            (Some(v), None) => {
                let name = self.string(v, &format!("{path}.name"))?;
                Some((Matcher::Name(name.into()), v.span().start))
            }
            (None, Some(v)) => {
                let pattern = self.string(v, &format!("{path}.regex"))?;
                Some((Matcher::Regex(LazyRegex::new(pattern)), v.span().start))
            }
            (None, None) => {
                self.problem(
                    at,
                    format!("{path}: a rule needs name = \"...\" or regex = \"...\"; rule ignored"),
                );
                None
            }
        }
    }

    fn aliases(&mut self, v: &Value<'_>) -> Rules<Alias> {
        let mut rules = Rules::default();
        for item in self.tables(v, "context.alias") {
            let Some(t) = self.table(item, "context.alias") else {
                continue;
            };
            self.unknown_keys(t, "[context.alias]", &["name", "regex", "to"]);
            let matcher = self.matcher(t, item.span().start, "context.alias");
            let to = match t.get("to") {
                Some(v) => self.string(v, "context.alias.to"),
                None => {
                    self.problem(
                        item.span().start,
                        "context.alias: a rule needs to = \"...\"; rule ignored".into(),
                    );
                    None
                }
            };
            if let (Some((matcher, at)), Some(to)) = (matcher, to) {
                rules.list.push(Rule {
                    matcher,
                    then: Alias { to: to.into() },
                    at,
                });
            }
        }
        rules
    }

    fn highlights(&mut self, v: &Value<'_>) -> Rules<Highlight> {
        let mut rules = Rules::default();
        for item in self.tables(v, "context.highlight") {
            let Some(t) = self.table(item, "context.highlight") else {
                continue;
            };
            let known = ["name", "regex", "symbol", "style", "namespace_style"];
            self.unknown_keys(t, "[context.highlight]", &known);
            let Some((matcher, at)) = self.matcher(t, item.span().start, "context.highlight")
            else {
                continue;
            };
            let then = Highlight {
                symbol: t
                    .get("symbol")
                    .and_then(|v| self.string(v, "context.highlight.symbol"))
                    .map(Into::into),
                style: t
                    .get("style")
                    .and_then(|v| self.style(v, "context.highlight.style")),
                namespace_style: t
                    .get("namespace_style")
                    .and_then(|v| self.style(v, "context.highlight.namespace_style")),
            };
            rules.list.push(Rule { matcher, then, at });
        }
        rules
    }

    fn show(&mut self, t: &DeTable<'_>) -> Show {
        let detect = t.get("detect").map(|v| self.patterns(v));
        let Some(v) = t.get("show") else {
            return Show::default();
        };
        match self.string(v, "kube.show") {
            Some("always") => Show::Always,
            Some("never") => Show::Never,
            Some("detect") => Show::Detect(detect.unwrap_or_else(|| {
                DEFAULT_DETECT
                    .iter()
                    .filter_map(|p| Pattern::parse(p).ok())
                    .collect()
            })),
            Some(other) => {
                self.problem(
                    v.span().start,
                    format!("kube.show must be \"always\", \"never\" or \"detect\", not {other:?}"),
                );
                Show::default()
            }
            None => Show::default(),
        }
    }

    fn patterns(&mut self, v: &Value<'_>) -> Vec<Pattern> {
        let DeValue::Array(items) = v.get_ref() else {
            self.problem(
                v.span().start,
                format!(
                    "kube.detect must be a list of patterns, not {}",
                    v.get_ref().type_str()
                ),
            );
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| {
                let text = self.string(item, "kube.detect entry")?;
                Pattern::parse(text)
                    .map_err(|e| self.problem(item.span().start, format!("kube.detect: {e}")))
                    .ok()
            })
            .collect()
    }
}
