//! Stable-Rust property tests (issue 13), the same properties the fuzz targets in fuzz/ check,
//! on seeded inputs so every run is the same: the kubeconfig fast paths (the cut, serde_json)
//! agree with the full parse whenever they answer; the reftable reader, HEAD parsing, the
//! config parser and the serve protocol never panic on random or mutated input, and what they
//! do answer is something the input says.

#[path = "gen/kubeconfig.rs"]
mod gen;

use awesh::segment::git::{self, reftable};
use awesh::segment::kube::parse as kube_parse;
use gen::Rng;

/// Bytes that change how YAML splits or reads a file.
const NASTY: &[&[u8]] = &[
    b"\r",
    b"\n",
    b"\r\n",
    b"\t",
    b" ",
    b"\"",
    b"'",
    b"|",
    b">",
    b"{",
    b"}",
    b"[",
    b"]",
    b"#",
    b"&a ",
    b"*a",
    b"!t ",
    b":",
    b": ",
    b"- ",
    b"-",
    b"...",
    b"---",
    b"<<: ",
    b"%",
    b"?",
    "\u{85}".as_bytes(),
    "\u{2028}".as_bytes(),
    "\u{2029}".as_bytes(),
    "\u{feff}".as_bytes(),
    b"\\",
    b"\x00",
    b"\xff",
    b"current-context: fake\n",
    b"\ncurrent-context: fake\n",
    b"yes",
    b"0o17",
];

/// One random edit of `bytes`: insert a nasty piece, delete a run, duplicate a line, or flip.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    if bytes.is_empty() {
        bytes.extend_from_slice(NASTY[rng.below(NASTY.len())]);
        return;
    }
    let at = rng.below(bytes.len() + 1);
    match rng.below(5) {
        0 | 1 => {
            let piece = NASTY[rng.below(NASTY.len())];
            bytes.splice(at..at, piece.iter().copied());
        }
        2 => {
            let end = (at + 1 + rng.below(8)).min(bytes.len());
            bytes.drain(at.min(end)..end);
        }
        3 => {
            let start = bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let end = bytes[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |p| at + p + 1);
            let line = bytes[start..end].to_vec();
            bytes.splice(start..start, line);
        }
        _ => {
            let i = at.min(bytes.len() - 1);
            bytes[i] ^= 1 << rng.below(8);
        }
    }
}

#[test]
fn issue_13_the_kubeconfig_fast_paths_agree_with_the_full_parse() {
    let (mut inputs, mut cut_answered, mut json_answered) = (0, 0, 0);
    for seed in 0..700u64 {
        let case = gen::case(seed);
        let mut rng = Rng::new(seed ^ 0x5eed);
        for file in case.files.into_iter().flatten() {
            for round in 0..4 {
                let mut bytes = file.clone();
                for _ in 0..round * (1 + rng.below(3)) {
                    mutate(&mut rng, &mut bytes);
                }
                inputs += 1;
                let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
                let full = kube_parse::parse_full(&bytes);
                if let Some(fast) = kube_parse::fast_answer(&bytes) {
                    if body.first() == Some(&b'{') {
                        json_answered += 1;
                    } else {
                        cut_answered += 1;
                    }
                    assert_eq!(
                        fast.as_ref(),
                        full.as_ref(),
                        "seed {seed} round {round}: the fast path answered otherwise:\n{}",
                        String::from_utf8_lossy(&bytes)
                    );
                }
                // And parse, whichever path it takes, is the full parse.
                assert_eq!(kube_parse::parse(&bytes), full, "seed {seed} round {round}");
            }
        }
    }
    eprintln!("{inputs} kubeconfigs: the cut answered {cut_answered}, serde_json {json_answered}, all as the full parse");
    assert!(
        cut_answered > inputs / 40,
        "the cut answered only {cut_answered} of {inputs}"
    );
    assert!(
        json_answered > 20,
        "serde_json answered only {json_answered}"
    );
}

/// A real table written by git, when git can write reftables.
fn git_table() -> Option<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !git(&["init", "-q", "--ref-format=reftable", "-b", "main"]) {
        eprintln!("SKIPPED the real-table part: this git cannot write reftables");
        return None;
    }
    assert!(git(&["commit", "-q", "--allow-empty", "-m", "x"]));
    for i in 0..40 {
        assert!(git(&["branch", &format!("b{i:02}-{}", "y".repeat(30))]));
    }
    assert!(git(&["pack-refs", "--all"]));
    let rt = dir.path().join(".git/reftable");
    let list = std::fs::read_to_string(rt.join("tables.list")).unwrap();
    std::fs::read(rt.join(list.lines().last()?)).ok()
}

/// The footer's CRC-32, recomputed so a mutation reaches the blocks instead of stopping there.
fn fix_footer(table: &mut [u8]) {
    let footer_len = match table.get(4) {
        Some(2) => 72,
        _ => 68,
    };
    let Some(start) = table.len().checked_sub(footer_len) else {
        return;
    };
    let mut crc = !0u32;
    for &b in &table[start..table.len() - 4] {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    let end = table.len();
    table[end - 4..].copy_from_slice(&(!crc).to_be_bytes());
}

#[test]
fn issue_13_the_reftable_reader_never_panics() {
    let mut rng = Rng::new(13);
    let mut found = 0;
    let real = git_table();
    if let Some(table) = &real {
        assert!(matches!(
            reftable::find_in_table(table, b"HEAD"),
            Ok(Some(reftable::Value::Symbolic(_)))
        ));
    }
    for i in 0..20_000u32 {
        let mut table = match &real {
            Some(t) if i % 4 != 0 => t.clone(),
            _ => {
                let mut t = b"REFT\x01\x00\x10\x00".to_vec();
                t.extend((0..rng.below(300)).map(|_| rng.next() as u8));
                t
            }
        };
        for _ in 0..1 + rng.below(4) {
            if table.is_empty() {
                break;
            }
            let at = rng.below(table.len());
            match rng.below(4) {
                0 => table[at] = rng.next() as u8,
                1 => table[at] = *rng.pick(&[0, 0xff, b'r', 1, 2]),
                2 => table.truncate(at),
                _ => table[at] ^= 1 << rng.below(8),
            }
        }
        if rng.chance(70) {
            fix_footer(&mut table);
        }
        for name in [&b"HEAD"[..], b"refs/heads/main", b"refs/heads/b20-"] {
            if let Ok(Some(value)) = reftable::find_in_table(&table, name) {
                found += 1;
                if let reftable::Value::Object(id) = value {
                    assert!(id.as_bytes().iter().all(u8::is_ascii_hexdigit));
                }
            }
        }
    }
    eprintln!("20000 mutated tables read without a panic; {found} lookups still answered");
}

#[test]
fn issue_13_head_parsing_answers_only_what_head_says() {
    let mut rng = Rng::new(7);
    let seeds: &[&[u8]] = &[
        b"ref: refs/heads/main\n",
        b"ref:refs/heads/feature/x",
        b"0123456789abcdef0123456789abcdef01234567\n",
        b"ref: refs/heads/.invalid\n",
    ];
    for _ in 0..50_000 {
        let mut line = rng.pick(seeds).to_vec();
        for _ in 0..rng.below(4) {
            mutate(&mut rng, &mut line);
        }
        match git::parse_head(&line) {
            Some(git::Head::Symbolic(target)) => {
                let t = target.as_bytes();
                assert!(
                    git::is_ref_name(t) || t == b"refs/heads/.invalid",
                    "{line:?}"
                );
                assert!(line.windows(t.len()).any(|w| w == t));
            }
            Some(git::Head::Detached(id)) => {
                assert!(matches!(id.as_bytes().len(), 40 | 64));
                assert!(id.as_bytes().iter().all(u8::is_ascii_hexdigit));
            }
            None => {}
        }
    }
}

#[test]
fn issue_13_config_and_serve_parsers_never_panic() {
    let mut rng = Rng::new(99);
    let config = "[format]\nsegment = '{context}{namespace}{branch}'\n[[context.alias]]\nregex = '^arn:(.+)$'\nto = '$1'\n[[context.highlight]]\nname = 'prod'\nstyle = 'bold red'\n[kube]\nshow = 'detect'\ndetect = ['k8s/*.yaml']\n";
    for _ in 0..5_000 {
        let mut text = config.as_bytes().to_vec();
        for _ in 0..1 + rng.below(6) {
            mutate(&mut rng, &mut text);
        }
        let text = String::from_utf8_lossy(&text);
        let _ = awesh::config::Config::from_text(&text);
    }
    let request = awesh::serve::protocol::encode(&[
        ("id", b"1"),
        ("cwd", b"/tmp"),
        ("shell", b"bash"),
        ("x/KUBECONFIG", b"/a:/b"),
    ]);
    for _ in 0..5_000 {
        let mut bytes = request.clone();
        for _ in 0..1 + rng.below(6) {
            mutate(&mut rng, &mut bytes);
        }
        let mut input = &bytes[..];
        let (mut req, mut field) = (Default::default(), Vec::new());
        // Every request ends: the loop is bounded by the input's length.
        for _ in 0..=bytes.len() {
            if awesh::serve::protocol::read_request(&mut input, &mut req, &mut field).is_err()
                && input.is_empty()
            {
                break;
            }
        }
        assert!(input.is_empty());
    }
}
