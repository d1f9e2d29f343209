#!/usr/bin/env bash
# Whole-process timing of `awesh ask` answered locally, against a hello-world Rust binary built
# with the same optimisation: the target (issue 6) is a median at most 3x hello world. Runs in
# a scratch repo and HOME so the developer's own config plays no part, and with every model
# variable unset so nothing can reach a network. Usage: benches/ask.sh [hyperfine options]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/awesh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf 'fn main() { println!("hello"); }\n' >"$tmp/hello.rs"
# Linked as awesh is (build.rs): position-dependent on Linux unless AWESH_PIE is set.
link=()
if [[ $(uname) == Linux && ${AWESH_PIE:-0} == 0 ]]; then link=(-C link-arg=-no-pie); fi
rustc -C opt-level=3 -C panic=abort -C strip=symbols "${link[@]}" -o "$tmp/hello" "$tmp/hello.rs"

mkdir -p "$tmp/home/.kube" "$tmp/repo"
cat >"$tmp/home/.kube/config" <<'YAML'
apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: dev
  context: {cluster: c, user: u, namespace: web}
YAML
git -C "$tmp/repo" init -q -b main
cd "$tmp/repo"
unset KUBECONFIG OPENAI_API_KEY OPENAI_BASE_URL AWESH_MODEL_URL AWESH_MODEL_KEY AWESH_MODEL GIT_DIR
export HOME=$tmp/home

hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$tmp/times.json" "$@" \
    -n hello "$tmp/hello" \
    -n 'ask context' "$bin ask which branch am I on" \
    -n 'ask kube' "$bin ask list pods" \
    -n 'ask git' "$bin ask undo the last commit" \
    -n prompt "$bin prompt"

# The same local questions with a model configured (an https URL on loopback where nothing
# listens): the model must cost nothing when a local handler answers.
AWESH_MODEL_URL=https://127.0.0.1:9/v1 \
    hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$tmp/model.json" "$@" \
    -n hello "$tmp/hello" \
    -n 'ask context +model' "$bin ask which branch am I on" \
    -n 'ask kube +model' "$bin ask list pods"

python3 - "$tmp/times.json" "$tmp/model.json" <<'PY'
import json, sys
worst = 0
for path in sys.argv[1:]:
    results = json.load(open(path))["results"]
    hello = results[0]["median"]
    print(f"\n{'command':<18} {'median':>10} {'x hello':>8}")
    for r in results:
        print(f"{r['command']:<18} {r['median'] * 1e3:>8.3f}ms {r['median'] / hello:>7.2f}x")
        if r["command"].startswith("ask"):
            worst = max(worst, r["median"] / hello)
print(f"\nworst ask median / hello median = {worst:.2f} (target <= 3)")
PY
