#!/usr/bin/env bash
# Start-up cost of `awesh prompt` in instructions (callgrind: repeatable, unlike time), side by
# side with the floors it is measured against: a hello-world built with awesh's release profile,
# linked dynamically and as static-pie. Two awesh fixtures: (a) a folder outside any git repo
# with no kubeconfig, (b) the small scenario of benches/scenarios.sh (a small repo, a kubeconfig).
#
#   benches/startup.sh                 # needs valgrind
#   AWESH=path/to/awesh benches/startup.sh   # measure another build of awesh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/awesh-startup.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [[ -z ${AWESH:-} ]]; then
  cargo build --release --quiet
fi
awesh=${AWESH:-$root/target/release/awesh}

# shellcheck source=benches/hello.sh
source "$root/benches/hello.sh"
write_hello "$work/hello"
# Built outside this tree, so no .cargo/config.toml of awesh's applies to the floors.
(cd "$work" && cargo build --release --quiet --manifest-path hello/Cargo.toml \
  --target-dir "$work/t-dyn")
(cd "$work" && RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --quiet \
  --manifest-path hello/Cargo.toml --target-dir "$work/t-static")

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
# shellcheck source=benches/scenarios.sh
. "$root/benches/scenarios.sh"
make_small_scenario "$work/repo" "$work/home"
mkdir -p "$work/nogit" "$work/emptyhome"

count() { # dir, HOME, command...: the instructions callgrind counts for the whole process
  local dir=$1 home=$2 out
  shift 2
  out=$(cd "$dir" && HOME=$home valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null)
  sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' <<<"$out"
}

printf '%-48s%14s\n' "process" "instructions"
printf '%-48s%14s\n' "hello-world, dynamic" "$(count "$work/nogit" "$work/emptyhome" "$work/t-dyn/release/hello")"
printf '%-48s%14s\n' "hello-world, static-pie" "$(count "$work/nogit" "$work/emptyhome" "$work/t-static/release/hello")"
printf '%-48s%14s\n' "awesh prompt, outside git, no kubeconfig" "$(count "$work/nogit" "$work/emptyhome" "$awesh" prompt)"
printf '%-48s%14s\n' "awesh prompt, small repo + kubeconfig" "$(count "$work/repo" "$work/home" "$awesh" prompt)"
file -b "$awesh" | cut -d, -f1-2 | sed 's/^/awesh binary: /'
