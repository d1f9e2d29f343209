//! What a config costs a prompt: parsing a 20-rule config, matching a context against its
//! rules (regexes compiled lazily, as in a real prompt: each iteration starts from a fresh
//! parse, so compile cost is counted), and rendering with styles. The whole-process
//! comparison is benches/config.sh (hyperfine).

use std::hint::black_box;

use awesh::config::Config;
use awesh::name::Name;
use awesh::render::{format::prompt_with, Buf, Shell};
use awesh::segment::{git, kube};
use criterion::{criterion_group, criterion_main, Criterion};

const RULES20: &str = include_str!("config20.toml");

fn kube_info(context: &str) -> kube::Info {
    kube::Info {
        context: Name::from(context),
        namespace: Some(Name::from("payments")),
        context_from: 0,
        defined_in: Some(0),
    }
}

fn bench_config(c: &mut Criterion) {
    let git = git::Info {
        branch: Some(Name::from("feature/login")),
        detached: false,
        detached_id: None,
        state: None,
        progress: None,
        ambiguous_apply: false,
        abbrev: 7,
    };
    let mut g = c.benchmark_group("config");
    g.bench_function("parse_default_toml", |b| {
        b.iter(|| Config::from_text(black_box(awesh::config::DEFAULT_TOML)))
    });
    g.bench_function("parse_20_rules", |b| {
        b.iter(|| Config::from_text(black_box(RULES20)))
    });
    // Parse + match + render, as one prompt does. The context decides how many regexes
    // get compiled: a literal hit compiles none, no match compiles all 15.
    let contexts = [
        ("literal_hit", "kind-dev-2"),
        ("last_alias", "gke_acme_europe-west1_growth-prod"),
        ("no_match", "docker-desktop"),
    ];
    for (label, context) in contexts {
        let info = kube_info(context);
        g.bench_function(format!("prompt_20_rules_{label}"), |b| {
            b.iter(|| {
                let (config, _) = Config::from_text(RULES20);
                let view = awesh::segment::kube::view::view(&config, black_box(&info));
                let mut out = Buf::new();
                prompt_with(
                    &mut out,
                    Shell::Zsh,
                    &config.format,
                    Some(&git),
                    Some(&view),
                    None,
                );
                black_box(out.len())
            })
        });
    }
    let info = kube_info("prod-eu");
    let default = Config::default();
    g.bench_function("render_no_config", |b| {
        b.iter(|| {
            let view = awesh::segment::kube::view::view(&default, black_box(&info));
            let mut out = Buf::new();
            prompt_with(
                &mut out,
                Shell::Zsh,
                &default.format,
                Some(&git),
                Some(&view),
                None,
            );
            black_box(out.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench_config);
criterion_main!(benches);
