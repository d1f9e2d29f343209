#!/usr/bin/env bash
# Whole-process timing of `awesh prompt` beside its floor (a hello-world Rust binary built in
# the same run, with the same release profile) and the original three-command prompt script,
# in two scenarios: small (a small repo, a 3-context kubeconfig) and big (a repo with 20k
# packed tags and 2k loose branches, a 2.6 MB kubeconfig with 400 contexts, answered from the
# cache). Prints medians, ratios to the floor, and peak RSS.
#
#   benches/compare.sh            # needs hyperfine (apt-get install hyperfine); kubectl optional
#   RUNS=2000 benches/compare.sh  # more runs for steadier numbers (ROUNDS=10, SEED_RUNS=30)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs=${RUNS:-1000}     # per command and scenario, split over the rounds
rounds=${ROUNDS:-10}
seed_runs=${SEED_RUNS:-30}
work=$(mktemp -d "${TMPDIR:-/tmp}/awesh-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
awesh="$root/target/release/awesh"

# The floors, built in this run. "hello-world floor" is the issue's: the cheapest Rust process
# there is, with awesh's release profile and nothing else. "hello world, linked as awesh" adds
# awesh's build script (src/build.rs: unwinder linked in, position-dependent, stripped), which
# makes any Rust process start sooner; against it the ratio is awesh's own work alone.
# shellcheck source=benches/hello.sh
source "$root/benches/hello.sh"
make_hello() { # folder, then "linked" to give it awesh's build script
  write_hello "$1"
  if [[ ${2:-} == linked ]]; then cp "$root/src/build.rs" "$1/build.rs"; fi
  cargo build --release --quiet --manifest-path "$1/Cargo.toml" --target-dir "$1/target"
}
make_hello "$work/hello"
make_hello "$work/hello-linked" linked
hello_linked="$work/hello-linked/target/release/hello"
hello="$work/hello/target/release/hello"

# The two scenarios (benches/scenarios.sh): small, and big (20k packed tags, 2k loose
# branches, a 2.6 MB kubeconfig of 400 contexts).
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
# A login session's private runtime folder (systemd-logind makes one, 0700): awesh remembers
# its all-local mount verdict there (src/segment/inline.rs). Unset, every prompt checks in full.
export XDG_RUNTIME_DIR="$work/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
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

# Timing: hyperfine runs one command's runs one after another, so a machine whose speed drifts
# (shared, thermal) tilts the ratio, and a binary run back to back runs warmer than a prompt
# ever does (a prompt follows the user's commands). So every timed run is prepared by a run of
# another of the three (hyperfine --prepare), the floors and awesh are timed in ROUNDS rounds
# that rotate which goes first, and the medians and ratios come from the rounds' runs pooled
# (the spread of the per-round ratios is printed too). The seed script, 100x slower, is timed
# once with fewer runs.
bench() { # scenario name, its directory, its HOME, the awesh command's display name
  local scenario=$1 dir=$2 home=$3 name=$4 round
  (
    cd "$dir"
    # shellcheck disable=SC2030 # meant: this scenario's HOME, for this subshell only
    export HOME="$home" # not `env HOME=... cmd`: that would time a second exec
    local names=("hello-world floor" "hello world, linked as awesh" "$name")
    local cmds=("$hello" "$hello_linked" "$awesh prompt")
    for round in $(seq "$rounds"); do
      local args=() i k
      for k in 0 1 2; do
        i=$(((round + k) % 3))
        args+=(--prepare "${cmds[(i + 2) % 3]}" -n "${names[i]}" "${cmds[i]}")
      done
      hyperfine -N --warmup 30 --runs "$((runs / rounds))" \
        --export-json "$work/$scenario-$round.json" "${args[@]}" >/dev/null
    done
    if command -v kubectl >/dev/null; then
      hyperfine -N --warmup 3 --runs "$seed_runs" --export-json "$work/$scenario-seed.json" \
        -n "seed git+kubectl script" "$work/seed.sh" >/dev/null
    fi
  )
  python3 - "$scenario" "$work" "$rounds" "$name" <<'PY'
import glob, json, statistics, sys
scenario, work, rounds, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
floor_names = ["hello-world floor", "hello world, linked as awesh"]
pooled, ratios = {n: [] for n in floor_names + [name]}, {n: [] for n in floor_names}
for i in range(1, rounds + 1):
    results = {r["command"]: r for r in json.load(open(f"{work}/{scenario}-{i}.json"))["results"]}
    for n, r in results.items():
        pooled[n].extend(r["times"])
    for f in floor_names:
        ratios[f].append(results[name]["median"] / results[f]["median"])
for path in glob.glob(f"{work}/{scenario}-seed.json"):
    for r in json.load(open(path))["results"]:
        pooled[r["command"]] = r["times"]
floor, linked = (statistics.median(pooled[f]) for f in floor_names)
print(f"\n{scenario} scenario ({rounds} rotating rounds, each run prepared by another)")
print(f"{'command':<34}{'median':>11}{'mean':>11}{'ratio':>8}{'vs linked':>11}")
for n, times in pooled.items():
    median, mean = statistics.median(times), statistics.mean(times)
    print(f"{n:<34}{median*1e3:>9.3f}ms{mean*1e3:>9.3f}ms{median/floor:>7.2f}x{median/linked:>10.2f}x")
for f in floor_names:
    print(f"per-round ratio of awesh to {f}: {min(ratios[f]):.3f}x to {max(ratios[f]):.3f}x")
PY
}

echo "small: $(cd "$work/repo" && "$awesh" prompt)"
echo "big:   $(cd "$work/big" && "${big_env[@]}" "$awesh" prompt)"
# shellcheck disable=SC2031 # the outer HOME, the small scenario's
bench small "$work/repo" "$HOME" "awesh prompt"
bench big "$work/big" "$work/bighome" "awesh prompt (cache hit)"

rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo
echo "peak RSS: hello-world $(rss "$hello") KiB, awesh prompt $(cd "$work/repo" && rss "$awesh" prompt) KiB (small), $(cd "$work/big" && HOME="$work/bighome" rss "$awesh" prompt) KiB (big, cache hit)"
