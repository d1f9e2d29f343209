#!/usr/bin/env bash
# Writes src/prompt.order: the functions `awesh prompt` runs, in the order it first runs them,
# which src/build.rs asks the linker to place together (a prompt then faults in a few pages of
# code instead of one page per 64 KiB it touches across 2.4 MB). Builds awesh with its symbols
# (AWESH_KEEP_SYMBOLS=1 gives the names of the stripped build), single-steps it through the
# prompts shells run most (benches/trace.rs) and names what ran with nm. Rerun after a Rust or
# dependency update, or a change on the prompt's path: a stale list is harmless, it just
# orders less. Prints how much of the code a prompt runs the list covers.
#
#   benches/order.sh          # x86_64 Linux; needs rustc, readelf, nm, git and python3
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/awesh-order.XXXXXX")
trap 'rm -rf "$work"' EXIT

target="$root/target/order" # its own folder, so target/release stays warm
AWESH_KEEP_SYMBOLS=1 CARGO_TARGET_DIR="$target" cargo build --release --quiet
bin="$target/release/awesh"
rustc --edition 2021 -O -o "$work/trace" benches/trace.rs

export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset KUBECONFIG GIT_DIR GIT_WORK_TREE AWESH_CONFIG AWESH_CACHE_DIR XDG_CONFIG_HOME XDG_CACHE_HOME
# shellcheck source=benches/scenarios.sh
. "$root/benches/scenarios.sh"
make_small_scenario "$work/repo" "$HOME"
mkdir -p "$work/plain" "$work/confhome/.config/awesh"
cp -r "$HOME/.kube" "$work/confhome/"
cat >"$work/confhome/.config/awesh/config.toml" <<'TOML'
[format]
segment = "{context}{namespace}{branch}{state}"
[kube]
alias = [{ match = "^prod-(.*)", name = "P:$1" }]
TOML

text=$(readelf -SW "$bin" | python3 -c '
import sys
for line in sys.stdin:
    f = line.replace("[ ", "[").split()
    if len(f) > 5 and f[1] == ".text":
        lo, size = int(f[3], 16), int(f[5], 16)
        print(f"{lo:x} {lo + size:x}")')
read -r lo hi <<<"$text"
trace() { # folder, HOME, then awesh's arguments
  local dir=$1 home=$2
  shift 2
  (cd "$dir" && HOME="$home" "$work/trace" "$lo" "$hi" "$bin" "$@") >>"$work/ran" 2>>"$work/log"
}
warm() { # folder, HOME: a settled cache entry, for a cache hit is what nearly every prompt is
  (cd "$1" && HOME="$2" "$bin" prompt >/dev/null && sleep 2.2 && HOME="$2" "$bin" prompt >/dev/null)
}
warm "$work/repo" "$HOME"
trace "$work/repo" "$HOME" prompt
trace "$work/repo" "$HOME" prompt --shell bash
trace "$work/repo" "$HOME" prompt --shell zsh
warm "$work/repo" "$work/confhome"
trace "$work/repo" "$work/confhome" prompt --shell zsh
trace "$work/plain" "$work/plain" prompt --shell bash
cat "$work/log" >&2

nm -n -S --defined-only "$bin" >"$work/symbols"
python3 - "$work/symbols" "$work/ran" "$root/src/prompt.order" <<'PY'
import bisect, sys
funcs = []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 4 and f[2] in "tTwW":
        funcs.append((int(f[0], 16), int(f[1], 16), f[3]))
funcs.sort()
starts = [f[0] for f in funcs]
order, seen, unnamed, size = [], set(), 0, 0
for line in open(sys.argv[2]):
    ip = int(line, 16)
    i = bisect.bisect_right(starts, ip) - 1
    if i < 0 or not funcs[i][0] <= ip < funcs[i][0] + max(funcs[i][1], 1):
        unnamed += 1
        continue
    if funcs[i][2] not in seen:
        seen.add(funcs[i][2])
        order.append(funcs[i][2])
        size += funcs[i][1]
with open(sys.argv[3], "w") as out:
    out.write("\n".join(order) + "\n")
print(f"{sys.argv[3]}: {len(order)} functions, {size} bytes of code "
      f"({unnamed} instructions run outside any named function)")
PY
