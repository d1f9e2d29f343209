//! `awesh explain`: what each segment found, where from, how long it took, and why a part is
//! missing. Text for people, `--json` for scripts; both come from the same gather as the
//! prompt, so `prompt` in the JSON is exactly what `awesh prompt` prints there.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::Arc;

use serde_json::{json, Value};

use crate::cli::ExplainArgs;
use crate::config::{self, show::Decision};
use crate::env::Env;
use crate::pipeline::{self, Deadline};
use crate::render::{self, Buf, Shell};
use crate::segment::git::status::{Count, Status};
use crate::segment::{self, git, kube, On, Parts, Slot};

/// Everything `explain` reports, computed once and printed as text or JSON.
struct Report {
    how: segment::How,
    git: Slot<Result<git::Raw, git::Missing>>,
    git_info: Option<git::Info>,
    git_head: Option<String>,
    /// The work tree git would use, and whether the working directory is inside the git dir.
    git_tree: Option<(git::worktree::WorkTree, bool)>,
    kube: Slot<kube::Raw>,
    kube_info: Option<kube::Info>,
    /// The working-tree status, and whether the config turned it on.
    status: Slot<segment::StatusResult>,
    status_enabled: bool,
    prompt: String,
    config: ConfigReport,
    notes: Vec<String>,
    timeout_ms: u128,
}

/// Runs `awesh explain`.
///
/// # Errors
/// Only when stdout cannot be written.
pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let env = Arc::new(Env::from_process());
    let report = build(&env, args.timeout_ms);
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&to_json(&report))?;
        s.push('\n');
        s
    } else {
        to_text(&report)
    };
    super::write_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// What the config file did to this prompt.
struct ConfigReport {
    path: Option<String>,
    status: String,
    problems: Vec<String>,
    kube: Decision,
    alias: Option<String>,
    highlight: Option<String>,
}

fn build(env: &Arc<Env>, timeout_flag: Option<u64>) -> Report {
    let deadline = Deadline::start(timeout_flag, env);
    let loaded = pipeline::load_config(env, &deadline);
    let outcome = pipeline::run(env, &loaded.config, Parts::all(), &deadline, On::Auto);
    let git_head = outcome
        .git
        .done()
        .and_then(|r| r.as_ref().ok())
        .and_then(git::resolve_head);
    let git_tree = outcome.git.done().and_then(|r| r.as_ref().ok()).map(|raw| {
        let inside = env.cwd().is_some_and(|cwd| cwd.starts_with(&raw.git_dir));
        (git::worktree::of(env, raw), inside)
    });
    let mut buf = Buf::new();
    outcome.render(&mut buf, Shell::Plain, &loaded.config.format);
    let config = config_report(&loaded, outcome.kube_decision, outcome.kube_view.as_ref());
    Report {
        how: outcome.how,
        git: outcome.git,
        git_info: outcome.git_info,
        git_head,
        git_tree,
        kube: outcome.kube,
        kube_info: outcome.kube_info,
        status: outcome.status,
        status_enabled: loaded.config.status.enabled,
        prompt: String::from_utf8_lossy(&buf).into_owned(),
        config,
        notes: deadline.note.clone().into_iter().collect(),
        timeout_ms: deadline.timeout().as_millis(),
    }
}

fn config_report(
    loaded: &config::Loaded,
    kube: Decision,
    view: Option<&kube::KubeView<'_>>,
) -> ConfigReport {
    let rule = |at: Option<usize>, i: usize, what: &str| {
        let line = loaded.line_col(at.unwrap_or(0)).0;
        format!("{what} rule {} at line {line}", i + 1)
    };
    let (aliases, highlights) = (&loaded.config.aliases.list, &loaded.config.highlights.list);
    ConfigReport {
        path: loaded
            .location
            .as_ref()
            .map(|l| l.path.display().to_string()),
        status: match &loaded.state {
            config::FileState::Absent if loaded.location.as_ref().is_some_and(|l| l.explicit) => {
                "absent (named by AWESH_CONFIG), defaults used".into()
            }
            config::FileState::Absent => "absent, defaults used".into(),
            config::FileState::Read => "read".into(),
            config::FileState::Unreadable(why) => format!("unreadable, defaults used: {why}"),
        },
        problems: loaded
            .all_problems()
            .iter()
            .map(|p| loaded.describe(p))
            .collect(),
        kube,
        alias: view.and_then(|v| {
            let i = v.alias?;
            let by = rule(aliases.get(i).map(|r| r.at), i, "alias");
            Some(format!("shown as {:?} by {by}", v.context.to_string()))
        }),
        highlight: view.and_then(|v| v.highlight).map(|i| {
            format!(
                "styled by {}",
                rule(highlights.get(i).map(|r| r.at), i, "highlight")
            )
        }),
    }
}

fn kube_decision(d: &Decision) -> String {
    match d {
        Decision::Always => "always".into(),
        Decision::Never => "never (kube.show = \"never\")".into(),
        Decision::Found(path) => format!("detect: found {}", path.display()),
        Decision::NotFound => {
            "detect: no matching file here or above (kube.show = \"detect\")".into()
        }
    }
}

fn name(n: &crate::name::Name) -> Value {
    Value::String(n.to_str_lossy().into_owned())
}

fn micros<T>(slot: &Slot<T>) -> Value {
    match slot {
        Slot::Done(t) => json!(t.micros),
        _ => Value::Null,
    }
}

fn status<T>(slot: &Slot<T>, found: bool) -> &'static str {
    match slot {
        Slot::Off => "off",
        Slot::TimedOut => "timed-out",
        Slot::Done(_) if found => "found",
        Slot::Done(_) => "missing",
    }
}

fn to_json(r: &Report) -> Value {
    let raw_git = r.git.done().and_then(|g| g.as_ref().ok());
    let git = match (&r.git_info, raw_git) {
        (Some(info), Some(raw)) => json!({
            "branch": info.branch.as_ref().map(name),
            "detached": info.detached,
            "head": r.git_head,
            "state": info.state.map(git::State::key),
            "progress": info.progress.map(|(s, t)| [s, t]),
            "git_dir": raw.git_dir,
            "common_dir": raw.common_dir,
            "ref_storage": if raw.reftable { "reftable" } else { "files" },
        }),
        // A repository whose HEAD cannot be read: still a repository, with nothing to show.
        (None, Some(raw)) => json!({
            "branch": null,
            "detached": false,
            "head": null,
            "state": null,
            "progress": null,
            "git_dir": raw.git_dir,
            "common_dir": raw.common_dir,
            "ref_storage": if raw.reftable { "reftable" } else { "files" },
        }),
        _ => Value::Null,
    };
    let mut git = git;
    if let (Some(obj), Some((tree, inside))) = (git.as_object_mut(), &r.git_tree) {
        obj.insert("work_tree".into(), json!(tree.top));
        obj.insert("work_tree_from".into(), json!(tree.why));
        obj.insert("bare".into(), json!(tree.bare));
        obj.insert("inside_git_dir".into(), json!(inside));
        obj.insert("status".into(), status_json(r));
    }
    let kube = r.kube_info.as_ref().map_or(Value::Null, |k| {
        let sources = &r.kube.done().map(|raw| &raw.sources);
        let path = |i: usize| sources.and_then(|s| s.get(i)).map(|s| s.path.clone());
        json!({
            "context": name(&k.context),
            "namespace": k.namespace.as_ref().map(name),
            "context_from": path(k.context_from),
            "defined_in": k.defined_in.and_then(path),
        })
    });
    let files: Vec<Value> = r
        .kube
        .done()
        .map(|raw| raw.sources.iter().map(source_json).collect())
        .unwrap_or_default();
    json!({
        "git": git,
        "kube": kube,
        "prompt": r.prompt,
        "config": {
            "path": r.config.path,
            "status": r.config.status,
            "problems": r.config.problems,
            "kube_shown": kube_decision(&r.config.kube),
            "alias": r.config.alias,
            "highlight": r.config.highlight,
        },
        "timeout_ms": r.timeout_ms,
        "gathered": match &r.how {
            segment::How::Inline => json!({"on": "main-thread", "why": "every read is local and none can block"}),
            segment::How::Threads(why) => json!({"on": "threads", "why": why}),
            segment::How::Server => json!({"on": "server", "why": "a server's one thread, guarded by its watchdog"}),
        },
        "segments": {
            "git": {
                "status": status(&r.git, r.git_info.is_some()),
                "micros": micros(&r.git),
                "reason": git_reason(r),
            },
            "status": {
                "status": status(&r.status, matches!(r.status.done(), Some(Ok(_)))),
                "micros": micros(&r.status),
                "reason": status_reason(r),
            },
            "kube": {
                "status": status(&r.kube, r.kube_info.is_some()),
                "micros": micros(&r.kube),
                "reason": kube_reason(r),
                "files": files,
                "cache": r.kube.done().map(cache_json),
            },
        },
        "notes": r.notes,
    })
}

/// The classes of the status, as `explain` names them.
fn classes(st: &Status) -> [(&'static str, Count); 7] {
    let (ahead, behind) = st.ahead_behind();
    [
        ("staged", st.staged.clone()),
        ("unstaged", st.unstaged.clone()),
        ("untracked", st.untracked.clone()),
        ("conflicted", st.conflicted.clone()),
        ("stash", st.stash.clone()),
        ("ahead", ahead),
        ("behind", behind),
    ]
}

fn count_json(c: &Count) -> Value {
    match c {
        Count::Exact(n) => json!({"count": n, "exact": true}),
        Count::AtLeast(n) => json!({"count": n, "exact": false, "at_least": true}),
        Count::Unknown(why) => json!({"count": null, "exact": false, "unknown": why}),
    }
}

/// `git.status`: each count (exact, a lower bound, or unknown and why), the upstream, what
/// was skipped, the paths that could not be decided, and the time of each phase.
fn status_json(r: &Report) -> Value {
    let Some(result) = r.status.done() else {
        return Value::Null;
    };
    let st = match result {
        Ok(st) => st,
        Err(why) => return json!({"none": why}),
    };
    let mut obj = serde_json::Map::new();
    for (class, count) in classes(st) {
        obj.insert(class.into(), count_json(&count));
    }
    obj.insert(
        "upstream".into(),
        match &st.upstream {
            Ok(Some(up)) => json!(up.name),
            Ok(None) => Value::Null,
            Err(why) => json!({"unknown": why}),
        },
    );
    obj.insert("skipped".into(), json!(st.skipped));
    obj.insert(
        "undecided".into(),
        json!(st
            .unknown
            .iter()
            .map(|(path, why)| json!({"path": path, "why": why}))
            .collect::<Vec<_>>()),
    );
    let phases: serde_json::Map<String, Value> = st
        .micros
        .iter()
        .map(|(phase, us)| ((*phase).to_string(), json!(us)))
        .collect();
    obj.insert("micros".into(), Value::Object(phases));
    Value::Object(obj)
}

fn status_reason(r: &Report) -> Option<String> {
    match &r.status {
        Slot::Done(t) => match &t.value {
            Err(why) => Some(why.clone()),
            Ok(st) => {
                let unknown: Vec<String> = classes(st)
                    .iter()
                    .filter_map(|(class, c)| match c {
                        Count::Unknown(why) => Some(format!("{class}: {why}")),
                        _ => None,
                    })
                    .collect();
                (!unknown.is_empty()).then(|| format!("unknown: {}", unknown.join("; ")))
            }
        },
        Slot::Off if !r.status_enabled => {
            Some("off: the config's [status] enabled is false (the default)".into())
        }
        Slot::Off if r.git_info.is_none() => Some("no git repository here".into()),
        Slot::Off => Some("turned off (`awesh_off status`, or {status} not in the format)".into()),
        Slot::TimedOut => Some(format!("not finished within {} ms", r.timeout_ms)),
    }
}

/// The status as one line of text: each class above zero, or unknown.
fn status_text(st: &Status) -> String {
    let mut parts = Vec::new();
    for (class, count) in classes(st) {
        match count {
            Count::Exact(0) => {}
            Count::Exact(n) => parts.push(format!("{n} {class}")),
            Count::AtLeast(n) => parts.push(format!("{n}+ {class}")),
            Count::Unknown(_) => parts.push(format!("{class} unknown")),
        }
    }
    if let Ok(Some(up)) = &st.upstream {
        parts.push(format!("upstream {}", up.name));
    }
    if parts.is_empty() {
        "clean".into()
    } else {
        parts.join(", ")
    }
}

fn source_json(s: &kube::Source) -> Value {
    match &s.outcome {
        kube::SourceOutcome::Parsed(p) => json!({
            "path": s.path,
            "status": "parsed",
            "current_context": p.current_context.as_ref().map(name),
            "contexts": p.contexts.len(),
        }),
        kube::SourceOutcome::Missing => json!({"path": s.path, "status": "missing"}),
        kube::SourceOutcome::Cached => json!({"path": s.path, "status": "cached"}),
        kube::SourceOutcome::InFlux(why) => {
            json!({"path": s.path, "status": "being-rewritten", "error": why})
        }
        kube::SourceOutcome::Failed(why) => {
            json!({"path": s.path, "status": "error", "error": why})
        }
    }
}

fn cache_json(raw: &kube::Raw) -> Value {
    let (status, reason) = cache_status(raw);
    json!({"status": status, "reason": reason, "write_error": raw.cache_note})
}

fn cache_status(raw: &kube::Raw) -> (&'static str, Option<&str>) {
    match &raw.cache {
        kube::CacheUse::Hit => ("hit", None),
        kube::CacheUse::Miss(why) => ("miss", Some(why.as_str())),
        kube::CacheUse::LastGood(why) => ("last-good", Some(why.as_str())),
        kube::CacheUse::Off(why) => ("off", Some(why.as_str())),
    }
}

fn git_reason(r: &Report) -> Option<String> {
    match &r.git {
        Slot::Off => Some("turned off".into()),
        Slot::TimedOut => Some(format!("not finished within {} ms", r.timeout_ms)),
        Slot::Done(t) => match &t.value {
            Err(missing) => Some(missing.to_string()),
            Ok(raw) => raw.head.as_ref().err().cloned(),
        },
    }
}

fn kube_reason(r: &Report) -> Option<String> {
    if r.kube_info.is_some() {
        return None;
    }
    match &r.kube {
        Slot::Off if !r.config.kube.wanted() => Some(format!(
            "turned off by the config: {}",
            kube_decision(&r.config.kube)
        )),
        Slot::Off => Some("turned off".into()),
        Slot::TimedOut => Some(format!("not finished within {} ms", r.timeout_ms)),
        Slot::Done(t) => {
            let sources = &t.value.sources;
            if sources.is_empty() {
                return Some("no kubeconfig: KUBECONFIG is empty and HOME is not set".into());
            }
            let read: Vec<_> = sources
                .iter()
                .filter(|s| !matches!(s.outcome, kube::SourceOutcome::Missing))
                .collect();
            if read.is_empty() {
                let list: Vec<_> = sources
                    .iter()
                    .map(|s| s.path.display().to_string())
                    .collect();
                return Some(format!("no kubeconfig file exists ({})", list.join(", ")));
            }
            let failed: Vec<_> = read
                .iter()
                .filter_map(|s| match &s.outcome {
                    kube::SourceOutcome::Failed(why) | kube::SourceOutcome::InFlux(why) => {
                        Some(why.as_str())
                    }
                    _ => None,
                })
                .collect();
            if !failed.is_empty() {
                return Some(format!(
                    "unknown: a listed kubeconfig was not read, and kubectl would not run without it: {}",
                    failed.join("; ")
                ));
            }
            Some("no current-context is set".into())
        }
    }
}

fn to_text(r: &Report) -> String {
    let mut s = String::new();
    let took = |m: Value| m.as_u64().map(|m| format!(" ({m} µs)")).unwrap_or_default();
    // git
    let _ = write!(s, "git    ");
    match (&r.git_info, r.git.done().and_then(|g| g.as_ref().ok())) {
        (Some(info), Some(raw)) => {
            let mut part = Buf::new();
            render::push_branch(&mut part, Shell::Plain, info);
            let _ = writeln!(
                s,
                "{}{}",
                String::from_utf8_lossy(&part),
                took(micros(&r.git))
            );
            let _ = writeln!(s, "  git dir     {}", raw.git_dir.display());
            if raw.common_dir != raw.git_dir {
                let _ = writeln!(s, "  common dir  {}", raw.common_dir.display());
            }
            if let Some((tree, _)) = &r.git_tree {
                match &tree.top {
                    Some(top) => {
                        let _ = writeln!(s, "  work tree   {} ({})", top.display(), tree.why);
                    }
                    None => {
                        let bare = if tree.bare { ", bare" } else { "" };
                        let _ = writeln!(s, "  work tree   none{bare} ({})", tree.why);
                    }
                }
            }
            if raw.reftable {
                let _ = writeln!(s, "  refs        reftable");
            }
            match &raw.head {
                Ok(git::Head::Symbolic(t)) => {
                    let _ = writeln!(
                        s,
                        "  HEAD        {} -> {}",
                        t,
                        r.git_head.as_deref().unwrap_or("(unborn)")
                    );
                }
                Ok(git::Head::Detached(id)) => {
                    let _ = writeln!(s, "  HEAD        detached at {id}");
                }
                Err(e) => {
                    let _ = writeln!(s, "  HEAD        {e}");
                }
            }
            if let Some(state) = info.state {
                let _ = writeln!(s, "  state       {}", state.key());
            }
            match r.status.done() {
                Some(Ok(st)) => {
                    let _ = writeln!(
                        s,
                        "  status      {}{}",
                        status_text(st),
                        took(micros(&r.status))
                    );
                    if let Some(why) = status_reason(r) {
                        let _ = writeln!(s, "  status why  {why}");
                    }
                    for why in &st.skipped {
                        let _ = writeln!(s, "  skipped     {why}");
                    }
                    for (path, why) in &st.unknown {
                        let _ = writeln!(s, "  undecided   {path}: {why}");
                    }
                }
                _ => {
                    let _ = writeln!(
                        s,
                        "  status      (none): {}",
                        status_reason(r).unwrap_or_default()
                    );
                }
            }
        }
        _ => {
            let _ = writeln!(
                s,
                "(none){}: {}",
                took(micros(&r.git)),
                git_reason(r).unwrap_or_default()
            );
        }
    }
    // kube
    let _ = write!(s, "kube   ");
    match &r.kube_info {
        Some(k) => {
            let _ = write!(s, "{}", k.context);
            if let Some(ns) = &k.namespace {
                let _ = write!(s, " / {ns}");
            }
            let _ = writeln!(s, "{}", took(micros(&r.kube)));
        }
        None => {
            let _ = writeln!(
                s,
                "(none){}: {}",
                took(micros(&r.kube)),
                kube_reason(r).unwrap_or_default()
            );
        }
    }
    if let Some(raw) = r.kube.done() {
        for (i, src) in raw.sources.iter().enumerate() {
            let role = match &r.kube_info {
                Some(k) if k.context_from == i && k.defined_in == Some(i) => {
                    " (current-context, context)"
                }
                Some(k) if k.context_from == i => " (current-context)",
                Some(k) if k.defined_in == Some(i) => " (context)",
                _ => "",
            };
            let what = match &src.outcome {
                kube::SourceOutcome::Parsed(p) => {
                    format!("parsed, {} contexts{role}", p.contexts.len())
                }
                kube::SourceOutcome::Missing => "missing, skipped".into(),
                kube::SourceOutcome::Cached => format!("unchanged, not read{role}"),
                kube::SourceOutcome::InFlux(why) => format!("being rewritten: {why}"),
                kube::SourceOutcome::Failed(why) => format!("error: {why}"),
            };
            let _ = writeln!(s, "  file        {}: {what}", src.path.display());
        }
    }
    if let Some(raw) = r.kube.done() {
        let (status, reason) = cache_status(raw);
        let _ = write!(s, "  cache       {status}");
        if let Some(reason) = reason.filter(|r| !r.is_empty()) {
            let _ = write!(s, ": {reason}");
        }
        if let Some(note) = &raw.cache_note {
            let _ = write!(s, " (not saved: {note})");
        }
        s.push('\n');
    }
    if let Some(k) = &r.kube_info {
        if k.defined_in.is_none() {
            let _ = writeln!(
                s,
                "  note        context {:?} is defined in no file",
                k.context.to_string()
            );
        }
    }
    for (what, rule) in [("alias", &r.config.alias), ("style", &r.config.highlight)] {
        if let Some(rule) = rule {
            let _ = writeln!(s, "  {what:<12}{rule}");
        }
    }
    let _ = writeln!(
        s,
        "config {} ({})",
        r.config.path.as_deref().unwrap_or("(no place to look)"),
        r.config.status
    );
    if !matches!(r.config.kube, Decision::Always) {
        let _ = writeln!(s, "  kube shown  {}", kube_decision(&r.config.kube));
    }
    for p in &r.config.problems {
        let _ = writeln!(s, "  ignored     {p}");
    }
    let _ = match &r.how {
        segment::How::Inline => writeln!(
            s,
            "gather on the main thread: every read is local and none can block"
        ),
        segment::How::Threads(why) => writeln!(
            s,
            "gather on threads under the {} ms deadline: {why}",
            r.timeout_ms
        ),
        segment::How::Server => writeln!(
            s,
            "gather on the server's thread, guarded by its watchdog ({} ms)",
            r.timeout_ms
        ),
    };
    let _ = writeln!(s, "prompt {}", r.prompt);
    for note in &r.notes {
        let _ = writeln!(s, "note   {note}");
    }
    s
}
