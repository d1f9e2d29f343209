#!/usr/bin/env bash
# Whole-process timing of `awesh prompt` beside its floor (a hello-world Rust binary built in
# the same run, with the same release profile) and the original three-command prompt script,
# in a small repo with a small kubeconfig. Prints medians, ratios to the floor, and peak RSS.
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

# The floor: the cheapest Rust process there is, built with awesh's own release settings.
mkdir -p "$work/hello/src"
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

# The small scenario: a repo with a few commits, a 3-context kubeconfig.
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
mkdir -p "$HOME/.kube" "$work/repo"
cat >"$HOME/.kube/config" <<'YAML'
apiVersion: v1
kind: Config
current-context: prod-eu
contexts:
- name: prod-eu
  context: {cluster: prod, user: admin, namespace: payments}
- name: staging
  context: {cluster: staging, user: admin}
- name: dev
  context: {cluster: dev, user: admin, namespace: default}
clusters:
- name: prod
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: admin
  user: {token: not-a-secret}
YAML
cd "$work/repo"
git init -q -b feature/login
for i in 1 2 3; do echo "$i" >"f$i"; git add .; git -c user.name=b -c user.email=b@b commit -qm "c$i"; done

# The seed's prompt: three processes in a row.
cat >"$work/seed.sh" <<'SH'
#!/bin/sh
b=$(git branch --show-current 2>/dev/null)
c=$(kubectl config current-context 2>/dev/null)
n=$(kubectl config view --minify -o 'jsonpath={..namespace}' 2>/dev/null)
printf ':☸️%s:☸️%s:🌿%s' "$c" "$n" "$b"
SH
chmod +x "$work/seed.sh"

echo "awesh prompt prints: $("$awesh" prompt)"
cmds=("$hello" "$awesh prompt")
names=("hello-world floor" "awesh prompt")
if command -v kubectl >/dev/null; then
  cmds+=("$work/seed.sh"); names+=("seed git+kubectl script")
fi
args=()
for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine -N --warmup 50 --runs "$runs" --export-json "$work/times.json" "${args[@]}" >/dev/null 2>&1 ||
  hyperfine --shell=none --warmup 50 --runs "$runs" --export-json "$work/times.json" "${args[@]}" >/dev/null

python3 - "$work/times.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
floor = results[0]["median"]
print(f"{'command':<28}{'median':>12}{'mean':>12}{'ratio':>9}")
for r in results:
    print(f"{r['command']:<28}{r['median']*1e3:>10.3f}ms{r['mean']*1e3:>10.3f}ms{r['median']/floor:>8.2f}x")
PY

rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo "peak RSS: hello-world $(rss "$hello") KiB, awesh prompt $(rss "$awesh" prompt) KiB"
