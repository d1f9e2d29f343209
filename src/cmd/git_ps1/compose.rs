//! The pure half of `awesh git-ps1`: the facts read from the repository and the `GIT_PS1_*`
//! settings in, the status string of git's `__git_ps1` out (its `%s`), plus the variables that
//! keep names out of prompt expansion. No IO here, so every rule of git's script (v2.47,
//! contrib/completion/git-prompt.sh) can be checked by a table test.

use super::opts::Opts;

/// A yes/no fact awesh could not always decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    /// No (git's test fails).
    No,
    /// Yes (git's test succeeds).
    Yes,
    /// Not known: a budget was hit, or a piece is not implemented; shown with [`UNKNOWN`].
    Unknown,
}

impl Tri {
    /// Either: yes when one is yes, no when both are no, else unknown.
    #[must_use]
    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Unknown,
        }
    }
}

/// What awesh appends to a marker whose answer it does not know: `*?` is "maybe unstaged
/// changes". Never a bare "clean". (`?` alone is git's compressed sparse marker, and comes
/// first, so `*?` cannot be read as it.)
pub const UNKNOWN: &str = "?";

/// The upstream comparison, as git's `rev-list --count --left-right @{upstream}...HEAD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upstream {
    /// No upstream, or it cannot be resolved (git's count is empty: nothing is shown).
    None,
    /// Commits behind and ahead, and the upstream's short name (`rev-parse --abbrev-ref`).
    Counts {
        /// On the upstream only.
        behind: u32,
        /// On HEAD only.
        ahead: u32,
        /// e.g. `origin/main`.
        name: Vec<u8>,
    },
    /// The counts are not known; the upstream's short name when that is.
    Unknown(Option<Vec<u8>>),
}

/// What HEAD is, as the script decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadName {
    /// A symbolic ref (the full name, e.g. `refs/heads/main`), or the branch a rebase is on.
    Branch(Vec<u8>),
    /// Detached: what `git describe` in the chosen style said.
    Detached(Described),
}

/// The answer of `git describe` for a detached HEAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Described {
    /// The name describe prints.
    Name(Vec<u8>),
    /// describe finds no name (git then shows the short id and `...`).
    NoName,
    /// awesh does not compute this style, or could not read what it needs.
    Unknown,
}

/// Everything read from the repository (see `facts.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// `rev-parse --is-inside-git-dir`.
    pub inside_git_dir: bool,
    /// `rev-parse --is-bare-repository`.
    pub bare: bool,
    /// `rev-parse --is-inside-work-tree`.
    pub inside_work_tree: bool,
    /// `rev-parse --short HEAD`, `None` when HEAD names no commit (unborn).
    pub short_id: Option<Vec<u8>>,
    /// `core.sparseCheckout` is true (`git config --bool`).
    pub sparse: bool,
    /// The operation word, e.g. `|REBASE`, empty for none.
    pub op: &'static str,
    /// Step and total of a rebase or am, as the files hold them.
    pub step: Option<(Vec<u8>, Vec<u8>)>,
    /// HEAD.
    pub head: HeadName,
    /// Unmerged entries under the working directory (`ls-files --unmerged`).
    pub conflict: Tri,
    /// `git diff --quiet` fails (work tree differs from the index).
    pub unstaged: Tri,
    /// `git diff --cached --quiet` fails (index differs from HEAD).
    pub staged: Tri,
    /// `refs/stash` exists.
    pub stash: Tri,
    /// Some untracked, not ignored file exists.
    pub untracked: Tri,
    /// The upstream comparison.
    pub upstream: Upstream,
    /// `bash.showDirtyState` is false.
    pub dirty_off: bool,
    /// `bash.showUntrackedFiles` is false.
    pub untracked_off: bool,
    /// `bash.showUpstream` as configured (it replaces `GIT_PS1_SHOWUPSTREAM`, as in git's
    /// script, where the assignment outlives the call in PS1 mode).
    pub show_upstream: Option<Vec<u8>>,
    /// `svn-remote.*.url` is configured (git's script then looks for an SVN upstream).
    pub svn_remote: bool,
    /// Whether a first-parent commit of HEAD has a `git-svn-id: ` line (where git's script
    /// looks for its SVN upstream); `None` when not read or not known.
    pub svn_commits: Option<bool>,
    /// A ref named `svn` resolves (what `git rev-list svn...HEAD` would then compare).
    pub svn_ref: bool,
}

/// What the shell function does with the answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parts {
    /// The string that `__git_ps1`'s format's `%s` receives.
    pub gitstring: Vec<u8>,
    /// `__git_ps1_branch_name`, set in PS1 mode when PS1 is expanded.
    pub branch_var: Option<Vec<u8>>,
    /// `__git_ps1_upstream_name`: `Some(Some(v))` set, `Some(None)` unset, `None` untouched.
    pub upstream_var: Option<Option<Vec<u8>>>,
    /// A new value for `GIT_PS1_SHOWUPSTREAM` (from `bash.showUpstream`).
    pub show_upstream: Option<Vec<u8>>,
}

/// The colours of `__git_ps1_colorize_gitstring`: (red, green, light blue, clear).
fn colours(opts: &Opts) -> [Vec<u8>; 4] {
    if opts.zsh {
        return [
            b"%F{red}".to_vec(),
            b"%F{green}".to_vec(),
            b"%F{blue}".to_vec(),
            b"%f".to_vec(),
        ];
    }
    // bash: each escape between readline's zero-width markers (SOH, STX) unless changed.
    let pre = opts.color_pre.clone().unwrap_or_else(|| vec![1]);
    let post = opts.color_post.clone().unwrap_or_else(|| vec![2]);
    let sgr = |code: &[u8]| [&pre[..], b"\x1b[", code, b"m", &post[..]].concat();
    [sgr(b"31"), sgr(b"32"), sgr(b"1;34"), sgr(b"0")]
}

fn wrap(colour: &[u8], text: &[u8], clear: &[u8]) -> Vec<u8> {
    [colour, text, clear].concat()
}

/// A marker for a [`Tri`]: nothing, the marker, or the marker with [`UNKNOWN`].
fn marker(t: Tri, text: &str) -> Vec<u8> {
    match t {
        Tri::No => Vec::new(),
        Tri::Yes => text.as_bytes().to_vec(),
        Tri::Unknown => format!("{text}{UNKNOWN}").into_bytes(),
    }
}

/// The upstream options of `GIT_PS1_SHOWUPSTREAM` (after `bash.showUpstream`).
#[derive(Debug, Default)]
struct UpstreamOpts {
    verbose: bool,
    name: bool,
    /// The last of the `git` / `svn` options, if any.
    forced: Option<bool>,
    /// `legacy`: the script counts `rev-list` lines itself, in an unquoted loop.
    legacy: bool,
}

fn upstream_opts(value: &[u8], opts: &Opts) -> UpstreamOpts {
    let mut u = UpstreamOpts::default();
    for word in opts.words(value) {
        match word {
            b"git" => u.forced = Some(false),
            b"svn" => u.forced = Some(true),
            b"verbose" => u.verbose = true,
            b"name" => u.name = true,
            b"legacy" => u.legacy = true,
            // `auto` is no option at all.
            _ => {}
        }
    }
    u
}

/// The upstream part: `(p, upstream)` of git's script, and the upstream name variable.
fn upstream_part(facts: &Facts, opts: &Opts, parts: &mut Parts) -> (Vec<u8>, Vec<u8>) {
    let mut value = opts.show_upstream.clone().unwrap_or_default();
    if let Some(configured) = &facts.show_upstream {
        parts.show_upstream = Some(configured.clone());
        if configured.is_empty() {
            return (Vec::new(), Vec::new());
        }
        value.clone_from(configured);
    }
    let u = upstream_opts(&value, opts);
    // The SVN upstream (the `svn` option, or by default when an svn-remote is configured):
    // git's script takes it from a `git-svn-id:` line of the newest first-parent commit that
    // has one, which awesh does not parse (unknown). With no such commit, the default falls
    // back to @{upstream}, and the `svn` option compares a ref named `svn` (none: nothing).
    let svn = u.forced.unwrap_or(facts.svn_remote);
    let upstream = match (svn, facts.svn_commits) {
        (false, _) => &facts.upstream,
        (true, Some(false)) if u.forced != Some(true) => &facts.upstream,
        (true, Some(false)) if !facts.svn_ref => &Upstream::None,
        (true, _) => &Upstream::Unknown(None),
    };
    // `legacy` counts the words of `rev-list --left-right` output, one commit a line: a shell
    // that does not split on newlines (zsh without SH_WORD_SPLIT, an IFS without one) sees one
    // word, and git's script shows a count awesh does not reproduce (unknown), unless equal.
    let splits_lines = opts.ifs.as_ref().is_some_and(|ifs| ifs.contains(&b'\n'));
    let legacy_unknown;
    let upstream = match upstream {
        Upstream::Counts {
            behind,
            ahead,
            name,
        } if u.legacy && !splits_lines && (*behind, *ahead) != (0, 0) => {
            legacy_unknown = Upstream::Unknown(Some(name.clone()));
            &legacy_unknown
        }
        other => other,
    };
    if !u.verbose {
        let p: &[u8] = match upstream {
            Upstream::None => b"",
            Upstream::Unknown(_) => b"<?>",
            Upstream::Counts {
                behind: 0,
                ahead: 0,
                ..
            } => b"=",
            Upstream::Counts { behind: 0, .. } => b">",
            Upstream::Counts { ahead: 0, .. } => b"<",
            Upstream::Counts { .. } => b"<>",
        };
        return (p.to_vec(), Vec::new());
    }
    let (text, name) = match upstream {
        Upstream::None => return (Vec::new(), Vec::new()),
        Upstream::Unknown(name) => (format!("|u{UNKNOWN}"), name.as_ref()),
        Upstream::Counts {
            behind,
            ahead,
            name,
        } => (
            match (behind, ahead) {
                (0, 0) => "|u=".to_string(),
                (0, a) => format!("|u+{a}"),
                (b, 0) => format!("|u-{b}"),
                (b, a) => format!("|u+{a}-{b}"),
            },
            Some(name),
        ),
    };
    let mut text = text.into_bytes();
    if u.name {
        if let Some(name) = name {
            if opts.pcmode && opts.expanded {
                text.extend_from_slice(b" ${__git_ps1_upstream_name}");
                parts.upstream_var = Some(Some(name.clone()));
            } else {
                text.push(b' ');
                text.extend_from_slice(name);
                parts.upstream_var = Some(None);
            }
        }
    }
    (Vec::new(), text)
}

/// The string and variables `__git_ps1` would produce for `facts` under `opts`.
#[must_use]
pub fn compose(facts: &Facts, opts: &Opts) -> Parts {
    let mut parts = Parts::default();
    let sparse_flag = opts.compress_sparse || opts.omit_sparse;
    let sparse: &[u8] = if !sparse_flag && facts.sparse {
        b"|SPARSE"
    } else {
        b""
    };
    let mut r = facts.op.as_bytes().to_vec();
    let (mut b, detached) = match &facts.head {
        HeadName::Branch(name) => (name.clone(), false),
        HeadName::Detached(described) => {
            let short = facts.short_id.clone().unwrap_or_default();
            let inner = match described {
                Described::Name(name) => name.clone(),
                Described::NoName => [&short[..], b"..."].concat(),
                Described::Unknown => [&short[..], b"...", UNKNOWN.as_bytes()].concat(),
            };
            ([b"(", &inner[..], b")"].concat(), true)
        }
    };
    if let Some((step, total)) = &facts.step {
        if !step.is_empty() && !total.is_empty() {
            r.push(b' ');
            r.extend_from_slice(step);
            r.push(b'/');
            r.extend_from_slice(total);
        }
    }
    let conflict = if opts.conflict_yes {
        marker(facts.conflict, "|CONFLICT")
    } else {
        Vec::new()
    };
    let (mut w, mut i, mut s, mut u, mut h, mut c) = Default::default();
    let (mut p, mut upstream): (Vec<u8>, Vec<u8>) = Default::default();
    if facts.inside_git_dir {
        if facts.bare {
            c = b"BARE:".to_vec();
        } else {
            b = b"GIT_DIR!".to_vec();
        }
    } else if facts.inside_work_tree {
        if opts.dirty && !facts.dirty_off {
            w = marker(facts.unstaged, "*");
            i = marker(facts.staged, "+");
            if facts.short_id.is_none() && i.is_empty() {
                i = b"#".to_vec();
            }
        }
        if opts.stash {
            s = marker(facts.stash, "$");
        }
        if opts.untracked && !facts.untracked_off {
            u = marker(facts.untracked, if opts.zsh { "%%" } else { "%" });
        }
        if opts.compress_sparse && facts.sparse {
            h = b"?".to_vec();
        }
        if opts.show_upstream.as_ref().is_some_and(|v| !v.is_empty()) {
            (p, upstream) = upstream_part(facts, opts, &mut parts);
        }
    }
    if let Some(rest) = b.strip_prefix(b"refs/heads/") {
        b = rest.to_vec();
    }
    if opts.pcmode && opts.expanded {
        parts.branch_var = Some(std::mem::replace(
            &mut b,
            b"${__git_ps1_branch_name}".to_vec(),
        ));
    }
    if opts.colors {
        let [red, green, blue, clear] = colours(opts);
        let branch_colour = if detached { &red } else { &green };
        if !c.is_empty() {
            c = wrap(branch_colour, &c, &clear);
        }
        b = wrap(branch_colour, &b, &clear);
        if !w.is_empty() {
            w = wrap(&red, &w, &clear);
        }
        if !i.is_empty() {
            i = wrap(&green, &i, &clear);
        }
        if !s.is_empty() {
            s = wrap(&blue, &s, &clear);
        }
        if !u.is_empty() {
            u = wrap(&red, &u, &clear);
        }
    }
    let flags = [h, w, i, s, u, p].concat();
    let mut out = c;
    out.extend_from_slice(&b);
    if !flags.is_empty() {
        out.extend_from_slice(opts.separator.as_deref().unwrap_or(b" "));
        out.extend_from_slice(&flags);
    }
    out.extend_from_slice(sparse);
    out.extend_from_slice(&r);
    out.extend_from_slice(&upstream);
    out.extend_from_slice(&conflict);
    parts.gitstring = out;
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            inside_git_dir: false,
            bare: false,
            inside_work_tree: true,
            short_id: Some(b"abc1234".to_vec()),
            sparse: false,
            op: "",
            step: None,
            head: HeadName::Branch(b"refs/heads/main".to_vec()),
            conflict: Tri::No,
            unstaged: Tri::No,
            staged: Tri::No,
            stash: Tri::No,
            untracked: Tri::No,
            upstream: Upstream::None,
            dirty_off: false,
            untracked_off: false,
            show_upstream: None,
            svn_remote: false,
            svn_commits: None,
            svn_ref: false,
        }
    }

    fn s(f: &Facts, o: &Opts) -> String {
        String::from_utf8(compose(f, o).gitstring).unwrap()
    }

    #[test]
    fn unknown_is_never_shown_as_clean() {
        let o = Opts {
            dirty: true,
            untracked: true,
            conflict_yes: true,
            show_upstream: Some(b"auto".to_vec()),
            ..Opts::default()
        };
        let mut f = facts();
        assert_eq!(s(&f, &o), "main");
        f.unstaged = Tri::Unknown;
        f.staged = Tri::Yes;
        f.untracked = Tri::Unknown;
        f.conflict = Tri::Unknown;
        f.upstream = Upstream::Unknown(None);
        assert_eq!(s(&f, &o), "main *?+%?<?>|CONFLICT?");
        f.head = HeadName::Detached(Described::Unknown);
        f.inside_work_tree = false;
        f.conflict = Tri::No;
        assert_eq!(s(&f, &o), "(abc1234...?)");
    }

    #[test]
    fn upstream_forms_follow_the_script() {
        let counts = |behind, ahead| Upstream::Counts {
            behind,
            ahead,
            name: b"origin/main".to_vec(),
        };
        let cases: &[(&str, Upstream, &str)] = &[
            ("auto", counts(0, 0), "main ="),
            ("auto", counts(0, 2), "main >"),
            ("auto", counts(3, 0), "main <"),
            ("auto", counts(3, 2), "main <>"),
            ("auto", Upstream::None, "main"),
            ("verbose", counts(0, 0), "main|u="),
            ("verbose", counts(3, 2), "main|u+2-3"),
            ("verbose name", counts(0, 2), "main|u+2"),
            ("verbose name", counts(1, 0), "main|u-1"),
        ];
        for (value, up, want) in cases {
            let o = Opts {
                show_upstream: Some(value.as_bytes().to_vec()),
                ifs: Some(b" \t\n".to_vec()),
                ..Opts::default()
            };
            let f = Facts {
                upstream: up.clone(),
                ..facts()
            };
            let got = s(&f, &o);
            let want = if value.contains("name") {
                format!("{want} origin/main")
            } else {
                (*want).to_string()
            };
            assert_eq!(got, want, "{value} {up:?}");
        }
    }

    #[test]
    fn ps1_mode_keeps_names_in_variables() {
        let o = Opts {
            pcmode: true,
            expanded: true,
            colors: true,
            ..Opts::default()
        };
        let parts = compose(&facts(), &o);
        assert_eq!(parts.branch_var.as_deref(), Some(&b"main"[..]));
        assert_eq!(
            parts.gitstring,
            b"\x01\x1b[32m\x02${__git_ps1_branch_name}\x01\x1b[0m\x02".to_vec()
        );
    }
}
