//! Turns the text of a config file into a [`Config`], key by key. The TOML is parsed into a
//! span-carrying tree and walked by hand (not `deny_unknown_fields`) so that every problem is
//! found in one pass, each with its byte offset, and each broken key simply keeps its default:
//! one typo never costs the rest of the config.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::format::{
    Part, Template, Var, DETACHED_VARS, MARKERS, MARKER_VARS, NAME_VARS, PROGRESS_VARS,
    SEGMENT_VARS, STATE_VARS, STATUS_VARS,
};
use super::rules::{Alias, Highlight, LazyRegex, Matcher, Rule, Rules};
use super::show::{Pattern, Show};
use super::style::Style;
use super::{Config, Problem};

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
                let name = key.get_ref().as_ref();
                let hint = known
                    .iter()
                    .filter(|k| strsim::levenshtein(k, name) <= 2)
                    .min_by_key(|k| strsim::levenshtein(k, name))
                    .map(|k| format!("; did you mean {k:?}?"))
                    .unwrap_or_default();
                self.problem(
                    key.span().start,
                    format!(
                        "unknown key {name:?} {at} (known: {}){hint}",
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
            "status",
            "kube",
            // `awesh ask`'s own section, parsed by config::ask (never on the prompt path).
            "ask",
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
        if let Some(t) = root.get("status").and_then(|v| self.table(v, "status")) {
            self.status(t, config);
        }
        if let Some(t) = root.get("kube").and_then(|v| self.table(v, "kube")) {
            self.unknown_keys(t, "kube", &["show", "detect"]);
            config.show = self.show(t);
        }
    }

    /// `[status]`: the limits, its own part, and one sub-table per marker.
    fn status(&mut self, t: &DeTable<'_>, config: &mut Config) {
        const LIMITS: &[&str] = &["enabled", "timeout_ms", "max_index_entries", "max_count"];
        let markers: Vec<&str> = MARKERS.iter().map(|(_, name, _, _)| *name).collect();
        self.unknown_keys(t, "status", &[PART_KEYS, LIMITS, &markers].concat());
        self.part(
            t,
            "status",
            STATUS_VARS,
            &mut config.format.status.get_mut().part,
        );
        let limits = &mut config.status;
        if let Some(b) = t
            .get("enabled")
            .and_then(|v| self.bool(v, "status.enabled"))
        {
            limits.enabled = b;
        }
        if let Some(n) = t
            .get("timeout_ms")
            .and_then(|v| self.number(v, "status.timeout_ms", 0, 10_000))
        {
            limits.timeout_ms = n;
        }
        if let Some(n) = t
            .get("max_index_entries")
            .and_then(|v| self.number(v, "status.max_index_entries", 0, 100_000_000))
        {
            limits.max_index_entries = usize::try_from(n).unwrap_or(usize::MAX);
        }
        if let Some(n) = t
            .get("max_count")
            .and_then(|v| self.number(v, "status.max_count", 1, 1_000_000))
        {
            limits.max_count = u32::try_from(n).unwrap_or(u32::MAX);
        }
        for (var, name, _, _) in MARKERS {
            let path = format!("status.{name}");
            let Some(sub) = t.get(*name).and_then(|v| self.table(v, &path)) else {
                continue;
            };
            self.unknown_keys(sub, &path, PART_KEYS);
            let markers = &mut config.format.status.get_mut().markers;
            if let Some((_, part)) = markers.iter_mut().find(|(v, _)| v == var) {
                self.part(sub, &path, MARKER_VARS, part);
            }
        }
    }

    /// A whole number from `min` to `max`, written in decimal.
    fn number(&mut self, v: &Value<'_>, path: &str, min: u64, max: u64) -> Option<u64> {
        let n = match v.get_ref() {
            DeValue::Integer(i) if i.radix() == 10 => {
                i.as_str().replace('_', "").parse::<u64>().ok()
            }
            _ => None,
        };
        match n {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.problem(
                    v.span().start,
                    format!("{path} must be a whole number from {min} to {max}"),
                );
                None
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::line_col;
    use crate::config::rules::NamespaceRules;

    /// `line:col: message` of every problem in `text`, regex problems included.
    fn problems(text: &str) -> Vec<String> {
        let loaded = crate::config::Loaded {
            location: None,
            state: crate::config::FileState::Read,
            text: text.into(),
            config: parse(text).0,
            problems: parse(text).1,
        };
        loaded
            .all_problems()
            .iter()
            .map(|p| {
                let (line, col) = line_col(text, p.at);
                format!("{line}:{col}: {}", p.message)
            })
            .collect()
    }

    #[test]
    fn check_messages_name_line_column_and_cause() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("colour = 'red'", &["1:1: unknown key \"colour\" at the top level (known: format, context, namespace, branch, detached, state, status, kube, ask)"]),
            ("[status]\nenabled = 1", &["2:11: status.enabled must be true or false, not integer"]),
            ("[status]\ntimeout_ms = -5", &["2:14: status.timeout_ms must be a whole number from 0 to 10000"]),
            ("[status]\nmax_count = 0", &["2:13: status.max_count must be a whole number from 1 to 1000000"]),
            ("[status]\nmax_index_entries = 0x10", &["2:21: status.max_index_entries must be a whole number"]),
            ("[status]\nformat = '{dirty}'", &["2:10: status.format: unknown placeholder {dirty} (known here: {symbol}, {conflicted}, {staged}, {unstaged}, {untracked}, {stash}, {ahead}, {behind}, {unknown})"]),
            ("[status.staged]\nformat = '{name}'", &["2:10: status.staged.format: unknown placeholder {name} (known here: {symbol}, {count})"]),
            ("[status.stash]\nsymbl = 's'", &["2:1: unknown key \"symbl\" in [status.stash] (known: format, symbol, style); did you mean \"symbol\"?"]),
            ("[status]\nenable = true", &["2:1: unknown key \"enable\" in [status]"]),
            ("[kube]\nshwo = 'never'", &["2:1: unknown key \"shwo\" in [kube] (known: show, detect); did you mean \"show\"?"]),
            ("[namespace]\nhide_defaults = true", &["2:1: unknown key \"hide_defaults\" in [namespace] (known: format, symbol, style, hide_default, hide_when_context); did you mean \"hide_default\"?"]),
            ("[context]\nstyle = 'bold redd'", &["2:9: context.style: unknown style word \"redd\""]),
            ("[branch]\nstyle = 'fg:#12'", &["2:9: branch.style: unknown colour \"#12\""]),
            ("[context]\nsymbl = 'x'", &["2:1: unknown key \"symbl\" in [context] (known: format, symbol, style, alias, highlight); did you mean \"symbol\"?"]),
            ("[namespace]\nhide_default = 'yes'", &["2:16: namespace.hide_default must be true or false, not string"]),
            ("format = '{kube}'", &["1:10: format: unknown placeholder {kube} (known here: {context}, {namespace}, {branch}, {state}, {status})"]),
            ("[detached]\nformat = '{name}'", &["2:10: detached.format: unknown placeholder {name} (known here: {symbol}, {id})"]),
            ("[[context.alias]]\nregex = '(prod'\nto = 'p'", &["2:9: bad regex \"(prod\": "]),
            ("[[context.alias]]\nname = 'a'\nregex = 'b'\nto = 'p'", &["3:9: context.alias: give either name or regex, not both; rule ignored"]),
            ("[[context.alias]]\nname = 'a'", &["1:1: context.alias: a rule needs to = \"...\"; rule ignored"]),
            ("[[context.alias]]\nto = 'a'", &["1:1: context.alias: a rule needs name = \"...\" or regex = \"...\"; rule ignored"]),
            ("[[context.alias]]\nname = 'a'\nto = 'b'\nwith = 1", &["4:1: unknown key \"with\" in [[context.alias]] (known: name, regex, to)"]),
            ("[[context.highlight]]\nregex = '['\nstyle = 'red'", &["2:9: bad regex \"[\": "]),
            ("[kube]\nshow = 'sometimes'", &["2:8: kube.show must be \"always\", \"never\" or \"detect\", not \"sometimes\""]),
            ("[kube]\ndetect = ['/abs', 'ok.yaml']", &["2:11: kube.detect: pattern \"/abs\" is absolute"]),
            ("context = 3", &["1:11: context must be a table ([context]), not integer"]),
            ("format = 'x'\nformat = 'y'", &["2:1: duplicate key"]),
            ("[branch\nsymbol = 'x'", &["1:8: unclosed table, expected `]`", "2:1: unknown key \"symbol\" at the top level"]),
            // several problems, in file order
            ("[context]\nstyle = 'blu'\n[kube]\nshow = 1", &["2:9: context.style: unknown style word \"blu\"", "4:8: kube.show must be a string, not integer"]),
        ];
        for (text, want) in cases {
            let got = problems(text);
            assert_eq!(got.len(), want.len(), "{text:?}: {got:#?}");
            for (g, w) in got.iter().zip(want.iter()) {
                assert!(g.starts_with(w), "{text:?}:\n got {g}\nwant {w}");
            }
        }
    }

    #[test]
    fn broken_keys_keep_defaults_and_the_rest_applies() {
        let text = "[context]\nstyle = 'nope'\nsymbol = 'K'\n[namespace]\nhide_default = 1\n\
                    hide_when_context = true\n[kube]\nshow = 'never'\n";
        let (config, problems) = parse(text);
        assert_eq!(problems.len(), 2);
        assert_eq!(config.format.context.symbol, "K");
        assert!(config.format.context.style.is_plain());
        assert_eq!(
            config.namespace_rules,
            NamespaceRules {
                hide_default: true,
                hide_when_context: true
            }
        );
        assert_eq!(config.show, Show::Never);
    }

    #[test]
    fn status_keys_set_limits_and_markers() {
        let text = "[status]\nenabled = true\ntimeout_ms = 40\nmax_index_entries = 1_000\n\
                    max_count = 5\nformat = '[{staged}{ahead}]'\n[status.ahead]\nsymbol = 'A'\n\
                    style = 'red'\n";
        let (config, problems) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            config.status,
            crate::config::StatusConfig {
                enabled: true,
                timeout_ms: 40,
                max_index_entries: 1000,
                max_count: 5
            }
        );
        let status = config.format.status.get();
        let ahead = status.marker(Var::Ahead).unwrap();
        assert_eq!(ahead.symbol, "A");
        assert!(!ahead.style.is_plain());
        assert!(status.shows(Var::Staged) && !status.shows(Var::Unstaged));
        // ahead's default template writes {count}; a format with markers alone does not.
        assert!(status.counts_shown());
        let (plain, _) = parse("[status]\nformat = '{staged}{unstaged}'");
        assert!(!plain.format.status.get().counts_shown());
    }

    #[test]
    fn the_printed_default_config_is_the_default() {
        let (config, problems) = parse(crate::config::DEFAULT_TOML);
        assert!(problems.is_empty(), "{problems:?}");
        let default = Config::default();
        assert_eq!(config.format, default.format);
        assert_eq!(config.namespace_rules, default.namespace_rules);
        assert_eq!(config.show, default.show);
        assert_eq!(config.status, default.status);
        assert!(config.aliases.list.is_empty() && config.highlights.list.is_empty());
        // Its detect list is the one `show = "detect"` uses when none is given.
        let (detect, _) = parse(&crate::config::DEFAULT_TOML.replace("\"always\"", "\"detect\""));
        let (implicit, _) = parse("[kube]\nshow = 'detect'");
        assert_eq!(detect.show, implicit.show);
        assert!(matches!(&implicit.show, Show::Detect(p) if p.len() == DEFAULT_DETECT.len()));
    }

    #[test]
    fn rules_keep_file_order_and_kinds() {
        let text = "[[context.alias]]\nregex = 'a(.)'\nto = '$1'\n[[context.alias]]\nname = 'x'\nto = 'y'\n\
                    [[context.highlight]]\nname = 'p'\nsymbol = '!'\nstyle = 'red'\nnamespace_style = 'dim'";
        let (config, problems) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        let kinds: Vec<String> = config
            .aliases
            .list
            .iter()
            .map(|r| match &r.matcher {
                Matcher::Name(n) => format!("name {n} -> {}", r.then.to),
                Matcher::Regex(l) => format!("regex {} -> {}", l.pattern(), r.then.to),
            })
            .collect();
        assert_eq!(kinds, ["regex a(.) -> $1", "name x -> y"]);
        let h = &config.highlights.list[0].then;
        assert_eq!(h.symbol.as_deref(), Some("!"));
        assert_eq!(h.style, Some(Style::parse("red").unwrap()));
        assert_eq!(h.namespace_style, Some(Style::parse("dim").unwrap()));
        assert_eq!(line_col(text, config.highlights.list[0].at), (8, 8));
    }
}
