//! The module graph has no cycles: every `crate::…` and `super::…` path in `src/` (test modules
//! left out) names the module it depends on, and following those edges never comes back to
//! where it started. A module may use its own children; a child using its parent's items is an
//! edge like any other, so shared types live in leaves (`segment/kube/types.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/segment/kube/mod.rs` → `segment::kube`; `src/lib.rs` → `crate`.
fn module(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
        return "crate".into();
    }
    parts.join("::")
}

/// The paths after `prefix` in `text` (`crate::a::b::{c, d}` gives `a::b`).
fn paths<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().last();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        out.push(rest[..end].trim_end_matches(':'));
    }
    out
}

/// Each module of `src/` and the modules it names (test modules left out).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let names: BTreeSet<String> = all.iter().map(|f| module(&src, f)).collect();
    // The longest module named by a path's leading parts.
    let resolve = |path: &str| {
        let parts: Vec<&str> = path.split("::").collect();
        (1..=parts.len())
            .rev()
            .map(|k| parts[..k].join("::"))
            .find(|m| names.contains(m))
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &all {
        let me = module(&src, file);
        let text = std::fs::read_to_string(file).unwrap();
        let text = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        let parent = me.rsplit_once("::").map_or("", |(p, _)| p).to_string();
        let mut deps = BTreeSet::new();
        for path in paths(text, "crate::") {
            deps.extend(resolve(path));
        }
        for path in paths(text, "super::") {
            let full = if parent.is_empty() {
                path.to_string()
            } else {
                format!("{parent}::{path}")
            };
            deps.extend(resolve(&full).or_else(|| (!parent.is_empty()).then(|| parent.clone())));
        }
        deps.retain(|d| d != &me && !d.starts_with(&format!("{me}::")));
        edges.insert(me, deps);
    }
    edges
}

/// The layers, lowest first: a module may use modules of its own layer or below, never above.
/// The config is near the bottom (it holds what the user wrote; the segments and renderers
/// read it), the renderers know shells but not how anything is gathered, and the commands sit
/// on top of the one pipeline.
const LAYERS: &[&[&str]] = &[
    &["name", "shell"],
    &["env"],
    &["io"],
    &["config"],
    &["segment"],
    &["render"],
    &["pipeline"],
    &["serve", "agent"],
    &["cli", "cli_fast"],
    &["cmd", "crate"],
];

fn layer(module: &str) -> usize {
    let top = module.split("::").next().unwrap();
    LAYERS
        .iter()
        .position(|l| l.contains(&top))
        .unwrap_or_else(|| panic!("{module}: not in a layer of tests/layout.rs"))
}

#[test]
fn no_module_imports_a_higher_layer() {
    let mut wrong = Vec::new();
    for (me, deps) in graph() {
        for d in deps {
            if layer(&d) > layer(&me) {
                wrong.push(format!("{me} -> {d}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports upward: {wrong:#?}");
}

#[test]
fn the_module_graph_has_no_cycles() {
    let edges = graph();
    // Depth-first search for a way back.
    fn visit(
        m: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == m) {
            let mut cycle = path[at..].to_vec();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for d in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in edges.keys() {
        let found = visit(m, &edges, &mut Vec::new(), &mut done);
        assert!(
            found.is_none(),
            "an import cycle: {}",
            found.unwrap().join(" -> ")
        );
    }
    assert!(edges.len() > 20, "read too few modules: {:?}", edges.keys());
}
