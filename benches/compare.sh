#!/usr/bin/env bash
# Whole-process timing of `awesh prompt` beside its floor (a hello-world Rust binary built in
# the same run, with the same release profile) and the original three-command prompt script,
# in two scenarios: small (a small repo, a 3-context kubeconfig) and big (a repo with 20k
# packed tags and 2k loose branches, a 2.6 MB kubeconfig with 400 contexts, answered from the
# cache). Prints medians, ratios to the floor, and peak RSS.
#
#   benches/compare.sh            # needs hyperfine (apt-get install hyperfine); kubectl optional
#   RUNS=2000 benches/compare.sh  # more runs for steadier numbers
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs=${RUNS:-1000}
work=$(mktemp -d "${TMPDIR:-/tmp}/awesh-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
awesh="$root/target/release/awesh"

# The floor: the cheapest Rust process there is, built with awesh's own release settings and
# its build script (so linked the same way: position-dependent and stripped, see src/build.rs).
mkdir -p "$work/hello/src"
cp "$root/src/build.rs" "$work/hello/build.rs"
cat >"$work/hello/Cargo.toml" <<'TOML'
[package]
name = "hello"
version = "0.1.0"
edition = "2021"
[profile.release]
opt-level = 3
lto = "fat"
codegen-units = 1
panic = "abort"
strip = true
TOML
echo 'fn main() { println!("hello"); }' >"$work/hello/src/main.rs"
cargo build --release --quiet --manifest-path "$work/hello/Cargo.toml" --target-dir "$work/hello/target"
hello="$work/hello/target/release/hello"

# The two scenarios (benches/scenarios.sh): small, and big (20k packed tags, 2k loose
# branches, a 2.6 MB kubeconfig of 400 contexts).
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
# shellcheck source=benches/scenarios.sh
. "$root/benches/scenarios.sh"
make_small_scenario "$work/repo" "$HOME"
make_big_scenario "$work/big" "$work/bighome"

# The seed's prompt: three processes in a row.
cat >"$work/seed.sh" <<'SH'
#!/bin/sh
b=$(git branch --show-current 2>/dev/null)
c=$(kubectl config current-context 2>/dev/null)
n=$(kubectl config view --minify -o 'jsonpath={..namespace}' 2>/dev/null)
printf ':☸️%s:☸️%s:🌿%s' "$c" "$n" "$b"
SH
chmod +x "$work/seed.sh"

big_env=(env "HOME=$work/bighome")
sleep 2.2 # past the cache's racy window, so the cache entry is trusted
(cd "$work/big" && "${big_env[@]}" "$awesh" prompt >/dev/null && "${big_env[@]}" "$awesh" explain | grep cache)

bench() { # scenario name, its directory, its HOME, then hyperfine's -n NAME COMMAND pairs
  local scenario=$1 dir=$2 home=$3
  shift 3
  (
    cd "$dir"
    # shellcheck disable=SC2030 # meant: this scenario's HOME, for this subshell only
    export HOME="$home" # not `env HOME=... cmd`: that would time a second exec
    hyperfine -N --warmup 50 --runs "$runs" --export-json "$work/$scenario.json" "$@" >/dev/null
  )
  python3 - "$work/$scenario.json" "$scenario" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
floor = results[0]["median"]
print(f"\n{sys.argv[2]} scenario")
print(f"{'command':<34}{'median':>11}{'mean':>11}{'ratio':>8}")
for r in results:
    print(f"{r['command']:<34}{r['median']*1e3:>9.3f}ms{r['mean']*1e3:>9.3f}ms{r['median']/floor:>7.2f}x")
PY
}

echo "small: $(cd "$work/repo" && "$awesh" prompt)"
echo "big:   $(cd "$work/big" && "${big_env[@]}" "$awesh" prompt)"
small=(-n "hello-world floor" "$hello" -n "awesh prompt" "$awesh prompt")
big=(-n "hello-world floor" "$hello" -n "awesh prompt (cache hit)" "$awesh prompt")
if command -v kubectl >/dev/null; then
  small+=(-n "seed git+kubectl script" "$work/seed.sh")
  big+=(-n "seed git+kubectl script" "$work/seed.sh")
fi
# shellcheck disable=SC2031 # the outer HOME, the small scenario's
bench small "$work/repo" "$HOME" "${small[@]}"
bench big "$work/big" "$work/bighome" "${big[@]}"

rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo
echo "peak RSS: hello-world $(rss "$hello") KiB, awesh prompt $(cd "$work/repo" && rss "$awesh" prompt) KiB (small), $(cd "$work/big" && HOME="$work/bighome" rss "$awesh" prompt) KiB (big, cache hit)"
