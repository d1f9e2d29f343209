//! A seeded generator of valid kubeconfigs in many shapes, shared by the kubectl differential
//! test and the fast-path property test (issue 13): block, flow and JSON layouts; plain,
//! single, double-quoted (with escapes), literal and folded scalars; comments; anchors and
//! merge keys; LF, CRLF and CR line ends; a BOM; NEL, LS and PS inside quoted scalars; decoy
//! `current-context` lines hidden in comments, block and multi-line scalars, later documents
//! and repeated keys; sizes either side of the 4 KiB fast-path threshold; several files.
#![allow(dead_code)]

thread_local! {
    /// Whether the file being written is a plain, kubectl-like one.
    static CLEAN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// xorshift64*: small, seeded, the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What one file says: its `current-context` and its contexts, before it is written out.
#[derive(Debug, Clone)]
pub struct FileModel {
    pub current: Option<String>,
    pub contexts: Vec<(String, Option<String>)>,
}

/// One generated case: the files' bytes in `KUBECONFIG` order; `None` is a listed path that
/// does not exist.
#[derive(Debug)]
pub struct Case {
    pub files: Vec<Option<Vec<u8>>>,
    pub label: String,
}

const PLAIN_SPECIALS: &[&str] = &["yes", "on", "n", "0o17", "1e3", "123", "true", "Off"];

/// A context or namespace name; `special` ones are read by kubectl as booleans or numbers
/// and are only ever written plain.
fn name(rng: &mut Rng) -> (String, bool) {
    let simple = |rng: &mut Rng| {
        let mut s = String::from(*rng.pick(&["dev", "prod", "stage", "kind", "team", "qa"]));
        for _ in 0..rng.below(3) {
            s.push(*rng.pick(&['-', 'x', '1', 'a', 'z', '9']));
        }
        s
    };
    match rng.below(12) {
        0 => (
            format!("arn:aws:eks:eu-west-1:123456789012:cluster/{}", simple(rng)),
            false,
        ),
        1 => (format!("gke_acme_europe-west1_{}", simple(rng)), false),
        2 => (format!("admin@{}.example.com", simple(rng)), false),
        3 => (format!("{}-é☸", simple(rng)), false),
        4 if rng.chance(30) => (rng.pick(PLAIN_SPECIALS).to_string(), true),
        _ => (simple(rng), false),
    }
}

/// How a scalar is written.
#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    Single,
    Double,
    DoubleEscaped,
    Literal,
    Folded,
}

fn quoted(s: &str, style: Style) -> String {
    match style {
        Style::Single => format!("'{}'", s.replace('\'', "''")),
        Style::Double | Style::DoubleEscaped => {
            let mut out = String::from("\"");
            for (i, c) in s.chars().enumerate() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    'a'..='z' if style == Style::DoubleEscaped && i % 3 == 0 => {
                        out.push_str(&format!("\\x{:02x}", c as u32));
                    }
                    'é' if style == Style::DoubleEscaped => out.push_str("\\u00e9"),
                    _ => out.push(c),
                }
            }
            out.push('"');
            out
        }
        _ => s.to_string(),
    }
}

/// `key: value` at `indent`, the value in `style` (block scalars take the next line).
fn scalar_line(out: &mut String, indent: usize, key: &str, value: &str, style: Style) {
    let pad = " ".repeat(indent);
    match style {
        Style::Literal | Style::Folded => {
            let ind = if style == Style::Literal { "|-" } else { ">-" };
            out.push_str(&format!("{pad}{key}: {ind}\n{pad}  {value}\n"));
        }
        _ => out.push_str(&format!("{pad}{key}: {}\n", quoted(value, style))),
    }
}

fn style(rng: &mut Rng, special: bool, block_ok: bool) -> Style {
    if special {
        return Style::Plain;
    }
    if CLEAN.with(std::cell::Cell::get) {
        return *rng.pick(&[Style::Plain, Style::Plain, Style::Single, Style::Double]);
    }
    let styles: &[Style] = if block_ok {
        &[
            Style::Plain,
            Style::Plain,
            Style::Single,
            Style::Double,
            Style::DoubleEscaped,
            Style::Literal,
            Style::Folded,
        ]
    } else {
        &[
            Style::Plain,
            Style::Single,
            Style::Double,
            Style::DoubleEscaped,
        ]
    };
    *rng.pick(styles)
}

/// Padding: a `users` section of certificates (`n` entries), with decoys hidden in scalars
/// that span lines or hold YAML 1.1 line breaks, and in comments.
fn users(rng: &mut Rng, n: usize) -> String {
    let mut s = String::from("users:\n");
    for i in 0..n {
        s.push_str(&format!(
            "- name: u{i}\n  user:\n    client-key-data: {}\n",
            "QUJDRA".repeat(40)
        ));
        if CLEAN.with(std::cell::Cell::get) {
            continue;
        }
        match rng.below(10) {
            0 => s.push_str("    note: |\n      current-context: decoy-block\n"),
            1 => s.push_str("    note: \"one\n      current-context: decoy-multi\"\n"),
            2 => s.push_str("    note: \"a\u{2028}current-context: decoy-ls\"\n"),
            3 => s.push_str("    note: 'a\u{85}current-context: decoy-nel'\n"),
            4 => s.push_str("# current-context: decoy-comment\n"),
            5 => s.push_str("    note: \"p\u{2029}s\"\n"),
            _ => {}
        }
    }
    s
}

/// A file in block style, as kubectl writes it and as people edit it.
fn block(rng: &mut Rng, m: &FileModel, specials: &[bool], padding: usize) -> String {
    let mut top: Vec<String> = Vec::new();
    top.push("apiVersion: v1\n".into());
    top.push("kind: Config\n".into());
    top.push("clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\n".into());
    let clean = CLEAN.with(std::cell::Cell::get);
    let merge = !clean && rng.chance(20);
    if merge {
        top.push("defaults: &defaults\n  namespace: merged-ns\n  cluster: c\n".into());
    }
    if let Some(cur) = &m.current {
        let mut s = String::new();
        if !clean && rng.chance(15) {
            s.push_str("current-context: decoy-repeated\n");
        }
        scalar_line(
            &mut s,
            0,
            "current-context",
            cur,
            style(rng, specials[0], true),
        );
        top.push(s);
    }
    let mut ctx = String::from("contexts:\n");
    let (seq, item) = if rng.chance(50) { (0, 2) } else { (2, 4) };
    for (i, (name, ns)) in m.contexts.iter().enumerate() {
        let special = specials.get(i + 1).copied().unwrap_or(false);
        let mut body = String::new();
        let deeper = item + 2;
        if merge && rng.chance(50) {
            if let Some(ns) = ns.as_ref().filter(|_| rng.chance(50)) {
                scalar_line(&mut body, deeper, "namespace", ns, Style::Plain);
            }
            body.push_str(&format!("{}<<: *defaults\n", " ".repeat(deeper)));
            if let Some(ns) = ns.as_ref().filter(|_| rng.chance(50)) {
                scalar_line(&mut body, deeper, "namespace", ns, Style::Plain);
            }
        } else {
            body.push_str(&format!("{}cluster: c\n", " ".repeat(deeper)));
            if let Some(ns) = ns {
                scalar_line(&mut body, deeper, "namespace", ns, style(rng, false, true));
            }
        }
        if rng.chance(10) {
            body.push_str(&format!("{}# a comment\n", " ".repeat(deeper)));
        }
        let mut name_line = String::new();
        scalar_line(&mut name_line, 0, "name", name, style(rng, special, true));
        let context_line = format!("context:\n{body}");
        let dash = format!("{}- ", " ".repeat(seq));
        let rest = " ".repeat(item);
        let indent_lines = |text: &str| -> String {
            text.lines()
                .map(|l| format!("{rest}{l}\n"))
                .collect::<String>()
        };
        if rng.chance(50) {
            let mut lines = name_line.lines();
            ctx.push_str(&format!("{dash}{}\n", lines.next().unwrap()));
            for l in lines {
                ctx.push_str(&format!("{rest}{l}\n"));
            }
            ctx.push_str(&format!("{rest}{context_line}"));
        } else {
            ctx.push_str(&format!("{dash}{context_line}"));
            ctx.push_str(&indent_lines(&name_line));
        }
    }
    if m.contexts.is_empty() {
        ctx = "contexts: []\n".into();
    }
    top.push(ctx);
    top.push(users(rng, padding));
    if rng.chance(10) {
        top.push("preferences: {}\n".into());
    }
    // Shuffle the top-level sections (kubectl sorts them; people do not); an anchor must
    // come before its aliases.
    for i in (1..top.len()).rev() {
        let j = rng.below(i + 1);
        top.swap(i, j);
    }
    if let Some(at) = top.iter().position(|t| t.starts_with("defaults")) {
        let defaults = top.remove(at);
        top.insert(0, defaults);
    }
    let mut s = String::new();
    if !clean && rng.chance(10) {
        s.push_str("---\n");
    }
    if rng.chance(15) {
        s.push_str("# generated by a test\n");
    }
    for section in top {
        s.push_str(&section);
    }
    match if clean { 99 } else { rng.below(12) } {
        0 => s.push_str("---\ncurrent-context: decoy-second-doc\n"),
        1 => s.push_str("...\n---\ncurrent-context: decoy-after-end\n"),
        _ => {}
    }
    s
}

/// A file whose contexts are a flow sequence, on one line or several.
fn flow(rng: &mut Rng, m: &FileModel, specials: &[bool], padding: usize) -> String {
    let mut s = String::from("apiVersion: v1\n");
    let entries: Vec<String> = m
        .contexts
        .iter()
        .enumerate()
        .map(|(i, (name, ns))| {
            let special = specials.get(i + 1).copied().unwrap_or(false);
            let name = quoted(name, style(rng, special, false));
            match ns {
                Some(ns) => format!(
                    "{{name: {name}, context: {{cluster: c, namespace: {}}}}}",
                    quoted(ns, style(rng, false, false))
                ),
                None => format!("{{name: {name}, context: {{cluster: c}}}}"),
            }
        })
        .collect();
    if rng.chance(50) {
        s.push_str(&format!("contexts: [{}]\n", entries.join(", ")));
    } else {
        s.push_str(&format!("contexts: [\n  {}\n]\n", entries.join(",\n  ")));
    }
    s.push_str(&users(rng, padding));
    if let Some(cur) = &m.current {
        scalar_line(
            &mut s,
            0,
            "current-context",
            cur,
            style(rng, specials[0], false),
        );
    }
    s
}

/// A file written as JSON (kubectl's `view -o json` shape).
fn json(rng: &mut Rng, m: &FileModel, padding: usize) -> String {
    let contexts: Vec<serde_json::Value> = m
        .contexts
        .iter()
        .map(|(name, ns)| {
            let mut body = serde_json::json!({"cluster": "c"});
            if let Some(ns) = ns {
                body["namespace"] = serde_json::Value::String(ns.clone());
            }
            serde_json::json!({"name": name, "context": body})
        })
        .collect();
    let users: Vec<serde_json::Value> = (0..padding)
        .map(|i| serde_json::json!({"name": format!("u{i}"), "user": {"token": "QUJDRA".repeat(40)}}))
        .collect();
    let mut doc = serde_json::json!({"apiVersion": "v1", "contexts": contexts, "users": users});
    if let Some(cur) = &m.current {
        doc["current-context"] = serde_json::Value::String(cur.clone());
    }
    if rng.chance(50) {
        serde_json::to_string_pretty(&doc).unwrap()
    } else {
        doc.to_string()
    }
}

/// Writes one file from its model, in a random layout, with random line ends and BOM.
pub fn render(rng: &mut Rng, m: &FileModel, specials: &[bool], label: &mut String) -> Vec<u8> {
    // Four files in ten are written as kubectl writes them (no decoys, no odd scalars), so the
    // fast path gets its share of the cases.
    let clean = rng.chance(40);
    CLEAN.with(|c| c.set(clean));
    if clean {
        label.push_str("clean ");
    }
    let padding = if rng.chance(50) {
        0
    } else {
        10 + rng.below(30)
    };
    let any_special = specials.iter().any(|&s| s);
    let layout = rng.below(10);
    let text = match layout {
        0 if !any_special => {
            label.push_str("json ");
            json(rng, m, padding)
        }
        1 | 2 => {
            label.push_str("flow ");
            flow(rng, m, specials, padding)
        }
        _ => {
            label.push_str("block ");
            block(rng, m, specials, padding)
        }
    };
    let text = match if clean {
        1 + rng.below(9)
    } else {
        rng.below(10)
    } {
        0 | 1 => {
            label.push_str("crlf ");
            text.replace('\n', "\r\n")
        }
        2 if layout != 0 => {
            label.push_str("cr ");
            text.replace('\n', "\r")
        }
        _ => text,
    };
    let mut bytes = Vec::new();
    if rng.chance(10) {
        label.push_str("bom ");
        bytes.extend_from_slice(b"\xEF\xBB\xBF");
    }
    bytes.extend_from_slice(text.as_bytes());
    label.push_str(&format!("{}B; ", bytes.len()));
    bytes
}

/// One case: one to three files (sometimes a missing one among them), the decisive
/// `current-context` in any of them, contexts spread over them, some defined twice.
pub fn case(seed: u64) -> Case {
    let mut rng = Rng::new(seed);
    let n = 1 + rng.below(3);
    let mut pool: Vec<(String, bool)> = (0..6).map(|_| name(&mut rng)).collect();
    pool.sort();
    pool.dedup_by(|a, b| a.0 == b.0);
    let mut files = Vec::new();
    let mut label = format!("seed {seed}: ");
    for i in 0..n {
        if n > 1 && rng.chance(10) {
            label.push_str("missing; ");
            files.push(None);
            continue;
        }
        let current = if rng.chance(if i == 0 { 60 } else { 40 }) {
            Some(rng.pick(&pool).clone())
        } else {
            None
        };
        let mut contexts = Vec::new();
        let mut specials = vec![current.as_ref().is_some_and(|c| c.1)];
        for (name, special) in &pool {
            if rng.chance(50) {
                let ns = rng.chance(70).then(|| {
                    let (ns, sp) = self::name(&mut rng);
                    if sp {
                        "default".to_string()
                    } else {
                        ns
                    }
                });
                contexts.push((name.clone(), ns));
                specials.push(*special);
            }
        }
        let model = FileModel {
            current: current.map(|c| c.0),
            contexts,
        };
        files.push(Some(render(&mut rng, &model, &specials, &mut label)));
    }
    Case { files, label }
}
