#!/usr/bin/env bash
# Runs each fuzz target of issue 13 for a bounded time (default 60 s each; first argument to
# change it), growing the committed corpora in fuzz/corpus/. Needs a nightly toolchain and
# cargo-fuzz: without nightly it says so and exits 0; without cargo-fuzz it installs it when
# CI is set (a few minutes of CPU) and otherwise says so and exits 0. A crash fails the run,
# and its input is left in fuzz/artifacts/ to become a regression test.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
targets=(kube_fast_path reftable git_files config serve_protocol)

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: no nightly toolchain (rustup toolchain install nightly): skipped"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  if [ -n "${CI:-}" ]; then
    cargo install --locked cargo-fuzz
  else
    echo "fuzz: cargo-fuzz is not installed (cargo install --locked cargo-fuzz): skipped"
    exit 0
  fi
fi

cargo +nightly fuzz build -O
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  echo "fuzz: $target for ${seconds}s"
  # -rss_limit_mb: the prompt's own bound is 50 MB; libFuzzer itself needs some room.
  cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=512 -max_len=65536 -timeout=10 \
    -print_final_stats=1 2>&1 | grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|.*panicked)' || true
  if ls "artifacts/$target"/crash-* "artifacts/$target"/timeout-* "artifacts/$target"/oom-* >/dev/null 2>&1; then
    echo "fuzz: $target found a failure: see fuzz/artifacts/$target" >&2
    exit 1
  fi
done
