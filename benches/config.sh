#!/usr/bin/env bash
# Whole-process cost of a config: `awesh prompt` with no config file vs with the 20-rule
# benches/config20.toml, in a git repository with a kubeconfig whose context walks every
# rule. Needs hyperfine and a release build (cargo build --release).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${AWESH_BIN:-$here/../target/release/awesh}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$work" init -q -b main
git -C "$work" -c user.name=b -c user.email=b@example.com commit -q --allow-empty -m init
cat >"$work/kubeconfig" <<'YAML'
current-context: docker-desktop
contexts:
- name: docker-desktop
  context: {cluster: c, user: u, namespace: payments}
YAML
export KUBECONFIG=$work/kubeconfig HOME=$work XDG_CONFIG_HOME=$work/xdg
cd "$work"
hyperfine -N --warmup 50 --runs "${RUNS:-500}" --export-json "$work/out.json" \
    -n 'no config' "env AWESH_CONFIG=$work/none.toml $bin prompt --shell zsh" \
    -n '20-rule config' "env AWESH_CONFIG=$here/config20.toml $bin prompt --shell zsh" \
    "$@"
# Medians and minimums: on a shared machine the means carry other people's builds.
python3 - "$work/out.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:>16}: median {r['median']*1e3:.2f} ms, min {r['min']*1e3:.2f} ms")
PY
