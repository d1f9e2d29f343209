//! Renders the segment from a configured [`Format`]. Everything the user wrote (template text,
//! symbols) and everything found on disk (names) goes through [`push_text`] and is inert in
//! every shell; only the style escapes awesh itself writes are left raw, wrapped as invisible.

use std::io::Write;

use super::style::{close, open, Style};
use super::{push_name, push_text, state_label, Buf, Shell};
use crate::config::format::{Part, Piece, Template, Var};
use crate::config::Format;
use crate::segment::git;
use crate::segment::git::status::{Count, Status};
use crate::segment::kube::KubeView;

/// Writes the segment in `format`. Literal text of the segment template is kept only when
/// at least one part is shown, so nothing is printed where nothing is known.
pub fn prompt_with(
    out: &mut Buf,
    shell: Shell,
    format: &Format,
    git: Option<&git::Info>,
    kube: Option<&KubeView<'_>>,
    status: Option<&Status>,
) {
    let start = out.len();
    let mut shown = false;
    for piece in &format.segment.pieces {
        match piece {
            Piece::Text(text) => push_text(out, shell, text.as_bytes()),
            Piece::Var(Var::Context) => {
                if let Some(k) = kube {
                    let (symbol, name) = (k.symbol, k.context.as_bytes());
                    part(out, shell, &format.context.format, k.style, |out, var| {
                        name_var(out, shell, var, symbol, name);
                    });
                    shown = true;
                }
            }
            Piece::Var(Var::Namespace) => {
                if let Some((k, ns)) = kube.and_then(|k| k.namespace.as_ref().map(|ns| (k, ns))) {
                    let symbol = &format.namespace.symbol;
                    part(
                        out,
                        shell,
                        &format.namespace.format,
                        k.namespace_style,
                        |out, var| {
                            name_var(out, shell, var, symbol, ns.as_bytes());
                        },
                    );
                    shown = true;
                }
            }
            Piece::Var(Var::Branch) => {
                if let Some(g) = git {
                    branch(out, shell, format, g);
                    shown = true;
                }
            }
            Piece::Var(Var::State) => {
                if let Some(g) = git.filter(|g| g.state.is_some()) {
                    state(out, shell, format, g);
                    shown = true;
                }
            }
            Piece::Var(Var::Status) => {
                if let Some(st) = status.filter(|_| git.is_some()) {
                    shown |= status_part(out, shell, format, st);
                }
            }
            Piece::Var(_) => {}
        }
    }
    if !shown {
        out.truncate(start);
    }
}

/// The branch part, or the detached part when there is no branch but a commit id.
fn branch(out: &mut Buf, shell: Shell, format: &Format, g: &git::Info) {
    match (&g.branch, g.short_id()) {
        (None, Some(id)) => simple(out, shell, &format.detached, id),
        (Some(name), _) => simple(out, shell, &format.branch, name.as_bytes()),
        // Neither: the classic format still shows the branch symbol, with no name.
        (None, None) => simple(out, shell, &format.branch, b""),
    }
}

/// A part whose placeholders are `{symbol}` and one value (`{name}` or `{id}`).
fn simple(out: &mut Buf, shell: Shell, p: &Part, value: &[u8]) {
    part(out, shell, &p.format, &p.style, |out, var| {
        name_var(out, shell, var, &p.symbol, value);
    });
}

fn name_var(out: &mut Buf, shell: Shell, var: Var, symbol: &str, value: &[u8]) {
    match var {
        Var::Symbol => push_text(out, shell, symbol.as_bytes()),
        Var::Name | Var::Id => push_name(out, shell, value),
        _ => {}
    }
}

fn state(out: &mut Buf, shell: Shell, format: &Format, g: &git::Info) {
    let Some(s) = g.state else { return };
    let p = &format.state;
    part(out, shell, &p.format, &p.style, |out, var| match var {
        Var::Symbol => push_text(out, shell, p.symbol.as_bytes()),
        Var::Label => out.extend_from_slice(state_label(s, g.ambiguous_apply).as_bytes()),
        Var::Progress => {
            if let Some((step, total)) = g.progress {
                for piece in &format.progress.pieces {
                    match piece {
                        Piece::Text(text) => push_text(out, shell, text.as_bytes()),
                        Piece::Var(Var::Step) => {
                            let _ = write!(out, "{step}");
                        }
                        Piece::Var(Var::Total) => {
                            let _ = write!(out, "{total}");
                        }
                        Piece::Var(_) => {}
                    }
                }
            }
        }
        _ => {}
    });
}

/// The count behind a status marker.
fn count_of(status: &Status, var: Var) -> Option<Count> {
    Some(match var {
        Var::Conflicted => status.conflicted.clone(),
        Var::Staged => status.staged.clone(),
        Var::Unstaged => status.unstaged.clone(),
        Var::Untracked => status.untracked.clone(),
        Var::Stash => status.stash.clone(),
        Var::Ahead => status.ahead_behind().0,
        Var::Behind => status.ahead_behind().1,
        _ => return None,
    })
}

/// The status part: each marker whose count is above zero, and the `unknown` marker when a
/// count shown here could not be known. Nothing at all (not even the template's text) when no
/// marker shows; returns whether one did.
fn status_part(out: &mut Buf, shell: Shell, format: &Format, status: &Status) -> bool {
    let format = format.status.get();
    let unknown = format.part.format.pieces.iter().any(|piece| {
        matches!(piece, Piece::Var(var) if matches!(count_of(status, *var), Some(Count::Unknown(_))))
    });
    let start = out.len();
    let mut shown = false;
    let p = &format.part;
    part(out, shell, &p.format, &p.style, |out, var| {
        if var == Var::Symbol {
            push_text(out, shell, p.symbol.as_bytes());
            return;
        }
        let (n, cut) = match count_of(status, var) {
            Some(Count::Exact(n)) => (n, false),
            Some(Count::AtLeast(n)) => (n, true),
            Some(Count::Unknown(_)) => return,
            None if var == Var::Unknown && unknown => (1, false),
            None => return,
        };
        if n == 0 {
            return;
        }
        let Some(m) = format.marker(var) else { return };
        shown = true;
        part(out, shell, &m.format, &m.style, |out, v| match v {
            Var::Symbol => push_text(out, shell, m.symbol.as_bytes()),
            Var::Count if var != Var::Unknown => {
                let _ = write!(out, "{n}{}", if cut { "+" } else { "" });
            }
            _ => {}
        });
    });
    if !shown {
        out.truncate(start);
    }
    shown
}

/// Writes one part: style on, the template with `value` filling each placeholder, style off.
fn part(
    out: &mut Buf,
    shell: Shell,
    template: &Template,
    style: &Style,
    mut value: impl FnMut(&mut Buf, Var),
) {
    open(out, shell, style);
    for piece in &template.pieces {
        match piece {
            Piece::Text(text) => push_text(out, shell, text.as_bytes()),
            Piece::Var(var) => value(out, *var),
        }
    }
    close(out, shell, style);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::name::Name;
    use crate::render::prompt;
    use crate::segment::kube;

    fn kube_info(context: &str, ns: Option<&str>) -> kube::Info {
        kube::Info {
            context: Name::from(context),
            namespace: ns.map(Name::from),
            context_from: 0,
            defined_in: Some(0),
        }
    }

    fn branch_info(branch: Option<&str>) -> git::Info {
        git::Info {
            branch: branch.map(Name::from),
            detached: branch.is_none(),
            detached_id: Some(Name::from("0123456789abcdef0123456789abcdef01234567")),
            state: None,
            progress: None,
            ambiguous_apply: false,
            abbrev: 7,
        }
    }

    fn render(
        config: &Config,
        shell: Shell,
        g: Option<&git::Info>,
        k: Option<&kube::Info>,
    ) -> String {
        let view = k.map(|k| crate::segment::kube::view::view(config, k));
        let mut out = Buf::new();
        prompt_with(&mut out, shell, &config.format, g, view.as_ref(), None);
        String::from_utf8(out.to_vec()).unwrap()
    }

    fn gits() -> Vec<Option<git::Info>> {
        let b = branch_info(Some("feature/login"));
        vec![
            None,
            Some(b.clone()),
            Some(branch_info(None)),
            Some(git::Info {
                state: Some(git::State::Rebase),
                progress: Some((2, 5)),
                ..b.clone()
            }),
            Some(git::Info {
                branch: None,
                state: Some(git::State::Bisect),
                ..branch_info(None)
            }),
            Some(git::Info {
                branch: None,
                detached_id: None,
                state: Some(git::State::Am),
                ambiguous_apply: true,
                abbrev: 7,
                ..b.clone()
            }),
            Some(git::Info {
                branch: Some(Name::from("100%-%F{red}")),
                ..b
            }),
        ]
    }

    fn kubes() -> Vec<Option<kube::Info>> {
        vec![
            None,
            Some(kube_info("prod-eu", Some("payments"))),
            Some(kube_info("prod-eu", Some("default"))),
            Some(kube_info("c", None)),
            Some(kube_info("%n$(id)", Some("a\x1bb"))),
        ]
    }

    #[test]
    fn no_config_is_byte_identical_to_the_classic_prompt() {
        let config = Config::default();
        for shell in [Shell::Plain, Shell::Bash, Shell::Zsh] {
            for g in gits() {
                for k in kubes() {
                    let mut classic = Buf::new();
                    prompt(&mut classic, shell, g.as_ref(), k.as_ref());
                    let got = render(&config, shell, g.as_ref(), k.as_ref());
                    assert_eq!(got.as_bytes(), &classic[..], "{shell:?} {g:?} {k:?}");
                }
            }
        }
    }

    fn configured(text: &str) -> Config {
        let (config, problems) = Config::from_text(text);
        assert!(problems.is_empty(), "{text}: {problems:?}");
        config
    }

    #[test]
    fn every_part_follows_its_template() {
        let b = branch_info(Some("main"));
        let detached = branch_info(None);
        let rebase = git::Info {
            state: Some(git::State::Rebase),
            progress: Some((3, 7)),
            ..b.clone()
        };
        let merge = git::Info {
            state: Some(git::State::Merge),
            ..b.clone()
        };
        let k = kube_info("prod", Some("web"));
        let cases: Vec<(&str, Option<&git::Info>, Option<&kube::Info>, &str)> = vec![
            (
                "format = '{branch} on {context}'",
                Some(&b),
                Some(&k),
                ":🌿main on :☸️prod",
            ),
            ("format = '[{context}]'", None, None, ""),
            ("format = '[{context}]'", Some(&b), None, ""),
            ("format = '[{context}]'", Some(&b), Some(&k), "[:☸️prod]"),
            (
                "[context]\nformat = '<{name}>'",
                None,
                Some(&k),
                "<prod>:☸️web",
            ),
            (
                "[context]\nsymbol = 'k8s '",
                None,
                Some(&k),
                ":k8s prod:☸️web",
            ),
            (
                "[namespace]\nformat = '/{name}'",
                None,
                Some(&k),
                ":☸️prod/web",
            ),
            ("[namespace]\nsymbol = ''", None, Some(&k), ":☸️prod:web"),
            (
                "[branch]\nformat = ' {symbol} {name}'\nsymbol = 'git:'",
                Some(&b),
                None,
                " git: main",
            ),
            (
                "[detached]\nformat = ' @{id}'",
                Some(&detached),
                None,
                " @0123456",
            ),
            (
                "[detached]\nsymbol = '➦'",
                Some(&detached),
                None,
                ":➦(0123456)",
            ),
            (
                "[state]\nformat = ' ({state}{progress})'",
                Some(&rebase),
                None,
                ":🌿main (REBASE 3/7)",
            ),
            (
                "[state]\nprogress = ' [{step} of {total}]'",
                Some(&rebase),
                None,
                ":🌿main|REBASE [3 of 7]",
            ),
            (
                "[state]\nprogress = ' [{step} of {total}]'",
                Some(&merge),
                None,
                ":🌿main|MERGING",
            ),
            (
                "[state]\nsymbol = '⚠'\nformat = '{symbol}{state}'",
                Some(&merge),
                None,
                ":🌿main⚠MERGING",
            ),
            (
                "format = '{state}{branch}'",
                Some(&merge),
                None,
                "|MERGING:🌿main",
            ),
            ("format = '{branch}'", Some(&merge), None, ":🌿main"),
            ("format = '{{{branch}}}'", Some(&b), None, "{:🌿main}"),
        ];
        for (text, g, k, want) in cases {
            let config = configured(text);
            assert_eq!(render(&config, Shell::Plain, g, k), want, "{text}");
        }
    }

    #[test]
    fn styles_are_escaped_per_shell_and_user_text_stays_inert() {
        let text = "[context]\nstyle = 'bold red'\nsymbol = '%K'\nformat = '%{symbol}{name}'\n\
                    [branch]\nstyle = 'green'";
        let config = configured(text);
        let k = kube_info("100%", None);
        let b = branch_info(Some("main"));
        let cases: &[(Shell, &str)] = &[
            (Shell::Plain, "%%K100%:🌿main"),
            (
                Shell::Bash,
                "\x01\x1b[1;31m\x02%%K100%\x01\x1b[0m\x02\x01\x1b[32m\x02:🌿main\x01\x1b[0m\x02",
            ),
            (
                Shell::Zsh,
                "%{\x1b[1;31m%}%%%%K100%%%{\x1b[0m%}%{\x1b[32m%}:🌿main%{\x1b[0m%}",
            ),
        ];
        for (shell, want) in cases {
            assert_eq!(
                render(&config, *shell, Some(&b), Some(&k)),
                *want,
                "{shell:?}"
            );
        }
        // A symbol holding escape bytes or readline markers is shown, not obeyed.
        let config = configured("[context]\nsymbol = \"\\u001b[5m\\u0001\"");
        assert_eq!(render(&config, Shell::Bash, None, Some(&k)), ":^[[5m^A100%");
    }

    #[test]
    fn highlight_style_replaces_the_part_style() {
        let config = configured(
            "[context]\nstyle = 'blue'\n[[context.highlight]]\nregex = '^prod'\nstyle = 'bold red'\n\
             namespace_style = 'red'\nsymbol = '!'",
        );
        let prod = kube_info("prod-eu", Some("web"));
        let dev = kube_info("dev", Some("web"));
        let cases: &[(&kube::Info, &str)] = &[
            (
                &prod,
                "%{\x1b[1;31m%}:!prod-eu%{\x1b[0m%}%{\x1b[31m%}:☸️web%{\x1b[0m%}",
            ),
            (&dev, "%{\x1b[34m%}:☸️dev%{\x1b[0m%}:☸️web"),
        ];
        for (k, want) in cases {
            assert_eq!(render(&config, Shell::Zsh, None, Some(k)), *want);
        }
    }
}
