//! The format of the segment: a template for the whole segment and one per part (context,
//! namespace, branch, detached, operation state), each with its symbol and style. Templates are
//! parsed once when the config is read, so rendering is a walk over a few pieces.

use super::style::Style;

/// The kube symbol: U+2638 WHEEL OF DHARMA + U+FE0F emoji presentation.
pub const KUBE_SYMBOL: &str = "\u{2638}\u{fe0f}";
/// The git symbol: U+1F33F HERB.
pub const GIT_SYMBOL: &str = "\u{1f33f}";

/// A `{placeholder}` in a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Var {
    /// The whole context part (segment template).
    Context,
    /// The whole namespace part (segment template).
    Namespace,
    /// The branch part, or the detached part when HEAD is detached (segment template).
    Branch,
    /// The operation-state part (segment template).
    State,
    /// The part's symbol.
    Symbol,
    /// The context, namespace or branch name.
    Name,
    /// The abbreviated commit id of a detached HEAD.
    Id,
    /// The operation's label, e.g. `REBASE`.
    Label,
    /// The progress of a rebase or am, rendered with the `progress` template.
    Progress,
    /// The current step of a rebase or am.
    Step,
    /// The number of steps of a rebase or am.
    Total,
    /// The working-tree status part (segment template).
    Status,
    /// A status marker: paths with a conflict (status template).
    Conflicted,
    /// A status marker: changes staged in the index (status template).
    Staged,
    /// A status marker: changes in the work tree not staged (status template).
    Unstaged,
    /// A status marker: untracked files (status template).
    Untracked,
    /// A status marker: stash entries (status template).
    Stash,
    /// A status marker: commits ahead of the upstream (status template).
    Ahead,
    /// A status marker: commits behind the upstream (status template).
    Behind,
    /// A status marker: some count could not be known (status template).
    Unknown,
    /// How many, in a marker's template (`N`, or `N+` for a count cut short).
    Count,
}

/// The placeholders of the segment template.
pub const SEGMENT_VARS: &[(&str, Var)] = &[
    ("context", Var::Context),
    ("namespace", Var::Namespace),
    ("branch", Var::Branch),
    ("state", Var::State),
    ("status", Var::Status),
];
/// The placeholders of the context, namespace and branch templates.
pub const NAME_VARS: &[(&str, Var)] = &[("symbol", Var::Symbol), ("name", Var::Name)];
/// The placeholders of the detached template.
pub const DETACHED_VARS: &[(&str, Var)] = &[("symbol", Var::Symbol), ("id", Var::Id)];
/// The placeholders of the state template.
pub const STATE_VARS: &[(&str, Var)] = &[
    ("symbol", Var::Symbol),
    ("state", Var::Label),
    ("progress", Var::Progress),
];
/// The placeholders of the status template: its symbol and every marker.
pub const STATUS_VARS: &[(&str, Var)] = &[
    ("symbol", Var::Symbol),
    ("conflicted", Var::Conflicted),
    ("staged", Var::Staged),
    ("unstaged", Var::Unstaged),
    ("untracked", Var::Untracked),
    ("stash", Var::Stash),
    ("ahead", Var::Ahead),
    ("behind", Var::Behind),
    ("unknown", Var::Unknown),
];
/// The placeholders of a status marker's template.
pub const MARKER_VARS: &[(&str, Var)] = &[("symbol", Var::Symbol), ("count", Var::Count)];
/// The placeholders of the progress template.
pub const PROGRESS_VARS: &[(&str, Var)] = &[("step", Var::Step), ("total", Var::Total)];

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text (escaped for the shell like any name).
    Text(Box<str>),
    /// A placeholder.
    Var(Var),
}

/// A parsed template: literal text and `{placeholders}`; `{{` and `}}` are literal braces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    /// The pieces, in order.
    pub pieces: Vec<Piece>,
}

impl Template {
    /// Parses `text`, accepting only the placeholders of `vars`.
    ///
    /// # Errors
    /// An unknown placeholder or an unmatched brace, with the names that are allowed.
    pub fn parse(text: &str, vars: &[(&str, Var)]) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(i) = rest.find(['{', '}']) {
            literal.push_str(&rest[..i]);
            let tail = &rest[i..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                literal.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            if tail.starts_with('}') {
                return Err("unmatched '}' (write '}}' for a literal brace)".into());
            }
            let Some(end) = tail.find('}') else {
                return Err("unclosed '{' (write '{{' for a literal brace)".into());
            };
            let name = tail[1..end].trim();
            let Some(&(_, var)) = vars.iter().find(|(n, _)| *n == name) else {
                let known: Vec<String> = vars.iter().map(|(n, _)| format!("{{{n}}}")).collect();
                return Err(format!(
                    "unknown placeholder {{{name}}} (known here: {})",
                    known.join(", ")
                ));
            };
            if !literal.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut literal).into()));
            }
            pieces.push(Piece::Var(var));
            rest = &tail[end + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal.into()));
        }
        Ok(Template { pieces })
    }

    /// Parses a built-in template (which is known to be valid).
    fn builtin(text: &str, vars: &[(&str, Var)]) -> Template {
        Template::parse(text, vars).unwrap_or_default()
    }
}

/// One part of the segment: its template, symbol and style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// What the part looks like.
    pub format: Template,
    /// The text of `{symbol}`.
    pub symbol: String,
    /// The style around the whole part.
    pub style: Style,
}

impl Part {
    fn new(format: &str, vars: &[(&str, Var)], symbol: &str) -> Part {
        Part {
            format: Template::builtin(format, vars),
            symbol: symbol.into(),
            style: Style::default(),
        }
    }
}

/// Default segment template: every part in the classic order. `{status}` shows only when
/// `[status] enabled = true`, so the default prompt is the classic one.
pub const DEFAULT_SEGMENT: &str = "{context}{namespace}{branch}{state}{status}";
/// Default status template: the markers, in `__git_ps1`'s order where it has them.
pub const DEFAULT_STATUS: &str =
    " {conflicted}{unstaged}{staged}{untracked}{stash}{ahead}{behind}{unknown}";
/// Default template of a marker that shows only that there is something.
pub const DEFAULT_MARKER: &str = "{symbol}";
/// Default template of a marker that shows how many (ahead, behind).
pub const DEFAULT_COUNTED: &str = "{symbol}{count}";
/// The status markers: the placeholder each fills, its config section under `[status]`, and
/// its default symbol and template.
pub const MARKERS: &[(Var, &str, &str, &str)] = &[
    (Var::Conflicted, "conflicted", "=", DEFAULT_MARKER),
    (Var::Unstaged, "unstaged", "*", DEFAULT_MARKER),
    (Var::Staged, "staged", "+", DEFAULT_MARKER),
    (Var::Untracked, "untracked", "%", DEFAULT_MARKER),
    (Var::Stash, "stash", "$", DEFAULT_MARKER),
    (Var::Ahead, "ahead", "\u{21e1}", DEFAULT_COUNTED),
    (Var::Behind, "behind", "\u{21e3}", DEFAULT_COUNTED),
    (Var::Unknown, "unknown", "?", DEFAULT_MARKER),
];
/// Default context, namespace and branch template.
pub const DEFAULT_NAME: &str = ":{symbol}{name}";
/// Default detached template.
pub const DEFAULT_DETACHED: &str = ":{symbol}({id})";
/// Default state template.
pub const DEFAULT_STATE: &str = "|{state}{progress}";
/// Default progress template.
pub const DEFAULT_PROGRESS: &str = " {step}/{total}";

/// The whole format: the segment template and every part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Format {
    /// The segment template (placeholders: the parts).
    pub segment: Template,
    /// The Kubernetes context.
    pub context: Part,
    /// The Kubernetes namespace.
    pub namespace: Part,
    /// The git branch.
    pub branch: Part,
    /// A detached HEAD.
    pub detached: Part,
    /// The operation in progress (rebase, merge...).
    pub state: Part,
    /// How `{progress}` of the state part looks.
    pub progress: Template,
    /// The working-tree status part and its markers: built only when a config sets one of
    /// their keys (most prompts never show a status, and parsing its ten templates would
    /// cost every prompt), else the defaults, built once when first needed.
    pub status: LazyStatus,
}

/// The status's format, or `None` for the defaults.
#[derive(Debug, Clone, Default)]
pub struct LazyStatus(Option<Box<StatusFormat>>);

impl LazyStatus {
    /// The status's format in effect.
    #[must_use]
    pub fn get(&self) -> &StatusFormat {
        static DEFAULT: std::sync::OnceLock<StatusFormat> = std::sync::OnceLock::new();
        match &self.0 {
            Some(format) => format,
            None => DEFAULT.get_or_init(StatusFormat::default),
        }
    }

    /// The status's format, to change (the defaults are built first).
    pub fn get_mut(&mut self) -> &mut StatusFormat {
        self.0.get_or_insert_with(Box::default)
    }
}

impl PartialEq for LazyStatus {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for LazyStatus {}

/// How the working-tree status looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusFormat {
    /// The status part (its `{symbol}` is empty by default).
    pub part: Part,
    /// The markers, in [`MARKERS`] order.
    pub markers: Vec<(Var, Part)>,
}

impl Default for StatusFormat {
    fn default() -> Self {
        StatusFormat {
            part: Part::new(DEFAULT_STATUS, STATUS_VARS, ""),
            markers: MARKERS
                .iter()
                .map(|(var, _, symbol, format)| (*var, Part::new(format, MARKER_VARS, symbol)))
                .collect(),
        }
    }
}

impl StatusFormat {
    /// The marker filling `var` in the status template.
    #[must_use]
    pub fn marker(&self, var: Var) -> Option<&Part> {
        self.markers.iter().find(|(v, _)| *v == var).map(|(_, p)| p)
    }

    /// Whether the status template shows the marker for `var`.
    #[must_use]
    pub fn shows(&self, var: Var) -> bool {
        self.part.format.pieces.contains(&Piece::Var(var))
    }

    /// Whether any marker the status template shows writes its `{count}`: if none does, each
    /// class can stop counting at one.
    #[must_use]
    pub fn counts_shown(&self) -> bool {
        self.markers.iter().any(|(var, part)| {
            self.shows(*var) && part.format.pieces.contains(&Piece::Var(Var::Count))
        })
    }
}

impl Default for Format {
    /// The format of `awesh prompt` with no config: `:☸️CONTEXT:☸️NAMESPACE:🌿BRANCH`.
    fn default() -> Self {
        // Three parts share one template: parsed once (each parse is ~1.7k instructions of a
        // prompt's start-up).
        let name = Part::new(DEFAULT_NAME, NAME_VARS, KUBE_SYMBOL);
        Format {
            segment: Template::builtin(DEFAULT_SEGMENT, SEGMENT_VARS),
            branch: Part {
                symbol: GIT_SYMBOL.into(),
                ..name.clone()
            },
            context: name.clone(),
            namespace: name,
            detached: Part::new(DEFAULT_DETACHED, DETACHED_VARS, GIT_SYMBOL),
            state: Part::new(DEFAULT_STATE, STATE_VARS, ""),
            progress: Template::builtin(DEFAULT_PROGRESS, PROGRESS_VARS),
            status: LazyStatus::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_text_and_placeholders() {
        let t = |s: &str| Piece::Text(s.into());
        let cases: Vec<(&str, Vec<Piece>)> = vec![
            ("", vec![]),
            (
                ":{symbol}{name}",
                vec![t(":"), Piece::Var(Var::Symbol), Piece::Var(Var::Name)],
            ),
            ("{ name }!", vec![Piece::Var(Var::Name), t("!")]),
            ("{{{name}}}", vec![t("{"), Piece::Var(Var::Name), t("}")]),
            ("a{{b}}c", vec![t("a{b}c")]),
        ];
        for (text, want) in cases {
            assert_eq!(
                Template::parse(text, NAME_VARS).unwrap().pieces,
                want,
                "{text:?}"
            );
        }
    }

    #[test]
    fn bad_templates_say_what_is_allowed() {
        let cases: &[(&str, &str)] = &[
            (
                "{id}",
                "unknown placeholder {id} (known here: {symbol}, {name})",
            ),
            ("{name", "unclosed '{'"),
            ("name}", "unmatched '}'"),
            ("{}", "unknown placeholder {}"),
        ];
        for (text, want) in cases {
            let err = Template::parse(text, NAME_VARS).unwrap_err();
            assert!(err.starts_with(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn builtin_templates_are_valid() {
        for (text, vars) in [
            (DEFAULT_SEGMENT, SEGMENT_VARS),
            (DEFAULT_NAME, NAME_VARS),
            (DEFAULT_DETACHED, DETACHED_VARS),
            (DEFAULT_STATE, STATE_VARS),
            (DEFAULT_PROGRESS, PROGRESS_VARS),
            (DEFAULT_STATUS, STATUS_VARS),
            (DEFAULT_MARKER, MARKER_VARS),
            (DEFAULT_COUNTED, MARKER_VARS),
        ] {
            assert!(Template::parse(text, vars).is_ok(), "{text}");
        }
    }
}
