//! Context rules: aliases (`arn:aws:eks:...:cluster/prod` shows as `prod`) and highlights (a
//! production context in red). A rule matches a context by its exact name or by a regular
//! expression; exact names are tried first, then expressions in file order, first match wins.
//! Expressions are compiled only when a context is matched, and only up to the first match,
//! so a prompt pays for the rules it reaches; a broken one is skipped (and reported by
//! `explain` and `config check`).

use std::sync::OnceLock;

use regex_lite::{Captures, Regex};

use super::style::Style;

/// The longest context name expressions are matched against. regex-lite's matching costs the
/// expression's size times the text's length: a counted repetition (`([a-z]+-){1,1000}x`)
/// against a 200 KB name took 15-24 s. Names are a few dozen bytes, EKS ARNs a few hundred;
/// a longer name is matched by exact-name rules only (issue 13, case 6).
pub const MAX_MATCHED: usize = 512;

/// The most memory one compiled expression may take, which also bounds the work per byte
/// matched; a bigger one is reported as broken (`config check`, `explain`) and skipped.
const MAX_COMPILED_BYTES: usize = 256 << 10;

/// How a rule picks contexts.
#[derive(Debug)]
pub enum Matcher {
    /// The exact context name.
    Name(String),
    /// A regular expression, compiled on first use.
    Regex(LazyRegex),
}

/// A regular expression compiled at most once, on first use.
#[derive(Debug)]
pub struct LazyRegex {
    pattern: String,
    compiled: OnceLock<Result<Regex, String>>,
}

impl LazyRegex {
    /// A pattern, not compiled yet.
    #[must_use]
    pub fn new(pattern: impl Into<String>) -> Self {
        LazyRegex {
            pattern: pattern.into(),
            compiled: OnceLock::new(),
        }
    }

    /// The pattern as written.
    #[must_use]
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The compiled expression, or why it does not compile.
    ///
    /// # Errors
    /// The regex parser's message.
    pub fn get(&self) -> Result<&Regex, &str> {
        self.compiled
            .get_or_init(|| {
                regex_lite::RegexBuilder::new(&self.pattern)
                    .size_limit(MAX_COMPILED_BYTES)
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// True once compiled (for tests of laziness).
    #[must_use]
    pub fn is_compiled(&self) -> bool {
        self.compiled.get().is_some()
    }
}

/// One rule: how it matches, what it does, and where it is in the file.
#[derive(Debug)]
pub struct Rule<T> {
    /// How the rule picks contexts.
    pub matcher: Matcher,
    /// What it does to a context it picks.
    pub then: T,
    /// Byte offset of the matcher's value in the config file (for messages).
    pub at: usize,
}

/// A rule that matched, with the captures of an expression.
#[derive(Debug)]
pub struct Hit<'r, 'h, T> {
    /// Index of the rule in its list.
    pub index: usize,
    /// The rule.
    pub rule: &'r Rule<T>,
    /// The captures, for an expression rule.
    pub captures: Option<Captures<'h>>,
}

/// An ordered list of rules.
#[derive(Debug)]
pub struct Rules<T> {
    /// The rules in file order.
    pub list: Vec<Rule<T>>,
}

impl<T> Default for Rules<T> {
    fn default() -> Self {
        Rules { list: Vec::new() }
    }
}

impl<T> Rules<T> {
    /// The rule for `name`: the first exact-name rule that equals it, else the first expression
    /// that matches it (for names up to [`MAX_MATCHED`] bytes). Expressions that do not
    /// compile are skipped.
    pub fn find<'h>(&self, name: &'h str) -> Option<Hit<'_, 'h, T>> {
        self.find_before(name, None)
    }

    /// [`Rules::find`], trying no expression once `deadline` has passed (the prompt's): a
    /// match costs up to milliseconds, and a config of many costly expressions must not hold
    /// the prompt past its deadline. Past it, no expression rule applies.
    pub fn find_before<'h>(
        &self,
        name: &'h str,
        deadline: Option<std::time::Instant>,
    ) -> Option<Hit<'_, 'h, T>> {
        let exact = self
            .list
            .iter()
            .enumerate()
            .find(|(_, rule)| match &rule.matcher {
                Matcher::Name(n) => n == name,
                Matcher::Regex(_) => false,
            });
        if let Some((index, rule)) = exact {
            return Some(Hit {
                index,
                rule,
                captures: None,
            });
        }
        if name.len() > MAX_MATCHED {
            return None;
        }
        self.list
            .iter()
            .enumerate()
            .take_while(|_| deadline.is_none_or(|d| std::time::Instant::now() < d))
            .find_map(|(index, rule)| match &rule.matcher {
                Matcher::Regex(lazy) => {
                    let captures = lazy.get().ok()?.captures(name)?;
                    Some(Hit {
                        index,
                        rule,
                        captures: Some(captures),
                    })
                }
                Matcher::Name(_) => None,
            })
    }

    /// Compiles every expression and returns `(offset, message)` for each that fails.
    #[must_use]
    pub fn broken(&self) -> Vec<(usize, String)> {
        self.list
            .iter()
            .filter_map(|rule| match &rule.matcher {
                Matcher::Regex(lazy) => lazy.get().err().map(|e| {
                    let first = e.lines().last().unwrap_or(e).trim();
                    (
                        rule.at,
                        format!("bad regex {:?}: {first}; rule ignored", lazy.pattern()),
                    )
                }),
                Matcher::Name(_) => None,
            })
            .collect()
    }
}

/// What an alias rule shows instead of the context name.
#[derive(Debug)]
pub struct Alias {
    /// The text shown; for an expression, `$1`, `${name}` are its captures (`$$` is `$`).
    pub to: String,
}

/// What a highlight rule changes in the kube parts.
#[derive(Debug, Default)]
pub struct Highlight {
    /// The context symbol to use instead of the configured one.
    pub symbol: Option<String>,
    /// The context part's style instead of the configured one.
    pub style: Option<Style>,
    /// The namespace part's style instead of the configured one.
    pub namespace_style: Option<Style>,
}

/// When to leave the namespace out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NamespaceRules {
    /// Leave out `default`.
    pub hide_default: bool,
    /// Leave out a namespace equal to the context's name or its alias.
    pub hide_when_context: bool,
}

impl Default for NamespaceRules {
    fn default() -> Self {
        NamespaceRules {
            hide_default: true,
            hide_when_context: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::name::Name;
    use crate::segment::kube::{self, view::view};

    fn alias(matcher: Matcher, to: &str) -> Rule<Alias> {
        Rule {
            matcher,
            then: Alias { to: to.into() },
            at: 0,
        }
    }

    fn re(p: &str) -> Matcher {
        Matcher::Regex(LazyRegex::new(p))
    }

    fn lit(p: &str) -> Matcher {
        Matcher::Name(p.into())
    }

    fn info(context: &str, namespace: Option<&str>) -> kube::Info {
        kube::Info {
            context: Name::from(context),
            namespace: namespace.map(Name::from),
            context_from: 0,
            defined_in: Some(0),
        }
    }

    fn config_with_aliases() -> Config {
        Config {
            aliases: Rules {
                list: vec![
                    alias(re("^arn:aws:eks:[^:]+:[0-9]+:cluster/(.+)$"), "$1"),
                    alias(
                        re("^gke_(?P<project>[^_]+)_[^_]+_(?P<cluster>.+)$"),
                        "${cluster}@${project}",
                    ),
                    alias(re("(unclosed"), "never"),
                    alias(re("^kind-(.*)"), "kind:$1"),
                    alias(lit("kind-special"), "special"),
                    alias(re("^minikube$"), "mk"),
                    alias(lit("minikube"), "mini"),
                    alias(re("(cost)$"), "$$$1"),
                ],
            },
            ..Config::default()
        }
    }

    #[test]
    fn aliases_literal_beats_regex_captures_expand_first_match_wins() {
        let config = config_with_aliases();
        let cases: &[(&str, &str, Option<usize>)] = &[
            (
                "arn:aws:eks:eu-west-1:123456789012:cluster/prod",
                "prod",
                Some(0),
            ),
            ("gke_acme_europe-west1_prod", "prod@acme", Some(1)),
            // literal beats an earlier regex that also matches
            ("kind-special", "special", Some(4)),
            ("kind-dev", "kind:dev", Some(3)),
            ("minikube", "mini", Some(6)),
            ("high-cost", "$cost", Some(7)),
            // no match: the name itself
            ("docker-desktop", "docker-desktop", None),
            // a broken regex (rule 2) is skipped, later rules still apply
            ("(unclosed", "(unclosed", None),
        ];
        for (context, shown, rule) in cases {
            let i = info(context, None);
            let v = view(&config, &i);
            assert_eq!(v.context, *shown, "{context}");
            assert_eq!(v.alias, *rule, "{context}");
        }
    }

    #[test]
    fn regexes_compile_lazily_up_to_the_first_match() {
        let config = config_with_aliases();
        let compiled = |c: &Config| -> Vec<bool> {
            c.aliases
                .list
                .iter()
                .map(|r| matches!(&r.matcher, Matcher::Regex(l) if l.is_compiled()))
                .collect()
        };
        assert_eq!(compiled(&config), vec![false; 8]);
        let i = info("kind-special", None);
        let _ = view(&config, &i);
        assert_eq!(
            compiled(&config),
            vec![false; 8],
            "a literal hit compiles nothing"
        );
        let i = info("arn:aws:eks:eu-west-1:1:cluster/x", None);
        let _ = view(&config, &i);
        let want = [true, false, false, false, false, false, false, false];
        assert_eq!(compiled(&config), want);
    }

    #[test]
    fn broken_regexes_are_reported_with_their_offset() {
        let mut config = config_with_aliases();
        config.aliases.list[2].at = 42;
        let broken = config.aliases.broken();
        assert_eq!(broken.len(), 1);
        assert_eq!(broken[0].0, 42);
        assert!(
            broken[0].1.starts_with("bad regex \"(unclosed\": "),
            "{}",
            broken[0].1
        );
        assert!(broken[0].1.ends_with("; rule ignored"), "{}", broken[0].1);
    }

    #[test]
    fn highlights_pick_symbol_and_styles() {
        let red = Style::parse("bold red").unwrap();
        let yellow = Style::parse("yellow").unwrap();
        let config = Config {
            highlights: Rules {
                list: vec![
                    Rule {
                        matcher: re("prod"),
                        then: Highlight {
                            symbol: Some("🔥".into()),
                            style: Some(red),
                            namespace_style: Some(red),
                        },
                        at: 0,
                    },
                    Rule {
                        matcher: lit("prod-sandbox"),
                        then: Highlight {
                            style: Some(yellow),
                            ..Highlight::default()
                        },
                        at: 0,
                    },
                    Rule {
                        matcher: re("["),
                        then: Highlight::default(),
                        at: 0,
                    },
                ],
            },
            ..Config::default()
        };
        let plain = Style::default();
        let cases: &[(&str, Option<usize>, &str, Style, Style)] = &[
            ("prod-eu", Some(0), "🔥", red, red),
            ("prod-sandbox", Some(1), "\u{2638}\u{fe0f}", yellow, plain),
            ("staging", None, "\u{2638}\u{fe0f}", plain, plain),
        ];
        for (context, rule, symbol, style, ns_style) in cases {
            let i = info(context, Some("ns"));
            let v = view(&config, &i);
            assert_eq!(v.highlight, *rule, "{context}");
            assert_eq!(v.symbol, *symbol, "{context}");
            assert_eq!(v.style, style, "{context}");
            assert_eq!(v.namespace_style, ns_style, "{context}");
            assert_eq!(v.context, *context, "highlights do not rename");
        }
    }

    #[test]
    fn namespace_rules() {
        let mut config = config_with_aliases();
        // (hide_default, hide_when_context, context, namespace, shown)
        type Row<'a> = (bool, bool, &'a str, Option<&'a str>, Option<&'a str>);
        let cases: &[Row] = &[
            (true, false, "c", Some("default"), None),
            (false, false, "c", Some("default"), Some("default")),
            (true, false, "c", Some("payments"), Some("payments")),
            (true, false, "c", None, None),
            (true, false, "payments", Some("payments"), Some("payments")),
            (true, true, "payments", Some("payments"), None),
            // equal to the alias shown
            (true, true, "kind-web", Some("kind:web"), None),
            (true, true, "kind-web", Some("web"), Some("web")),
        ];
        for (hide_default, hide_when_context, context, ns, want) in cases {
            config.namespace_rules = NamespaceRules {
                hide_default: *hide_default,
                hide_when_context: *hide_when_context,
            };
            let i = info(context, *ns);
            let v = view(&config, &i);
            assert_eq!(
                v.namespace.as_ref().map(ToString::to_string).as_deref(),
                *want,
                "{context} {ns:?}"
            );
        }
    }

    /// Issue 13, case 6: a counted repetition against a 200 KB name took 15-24 s; names over
    /// MAX_MATCHED bytes are not matched by expressions at all, exact names still are, and
    /// an expression too big to compile within the limit is reported and skipped.
    #[test]
    fn issue_13_expressions_never_scan_huge_names() {
        let rules = Rules {
            list: vec![
                alias(re("([a-z]+-){1,1000}x"), "slow"),
                alias(lit(&"ab-".repeat(70_000)), "exact"),
                alias(re("^ab"), "short"),
            ],
        };
        let huge = "ab-".repeat(70_000);
        assert_eq!(
            rules.find(&huge).map(|h| h.rule.then.to.as_str()),
            Some("exact")
        );
        let other = format!("{huge}y");
        assert!(rules.find(&other).is_none());
        // At the limit, expressions still apply.
        let fits = "ab-".repeat(MAX_MATCHED / 3);
        assert_eq!(
            rules.find(&fits).map(|h| h.rule.then.to.as_str()),
            Some("short")
        );
        let huge_pattern = Rules {
            list: vec![alias(re("(a{1,1000}){1,1000}"), "never")],
        };
        assert_eq!(huge_pattern.broken().len(), 1);
        assert!(huge_pattern.find("aaa").is_none());
        // Past the deadline, no expression is tried; exact names still answer.
        let past = Some(std::time::Instant::now());
        assert!(rules.find_before(&fits, past).is_none());
        assert_eq!(
            rules
                .find_before(&huge, past)
                .map(|h| h.rule.then.to.as_str()),
            Some("exact")
        );
    }
}
