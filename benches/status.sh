#!/usr/bin/env bash
# What the working-tree status costs as a whole process, side by side in one run: `awesh prompt`
# with the status on and off, `git status --porcelain=v2 --branch --show-stash`, starship's
# `git_status` module, and a hello-world binary (the floor), on generated repositories of 1k,
# 10k and 100k files and one with 10k tracked files beside 200k ignored ones in node_modules,
# each clean and with a few changes, with a warm page cache and (as root) a cold one.
#
#   benches/status.sh                      # everything; results in target/status-bench/
#   SIZES="1000 10000" COLD=0 benches/status.sh   # a quicker run
#   AWESH=path/to/awesh benches/status.sh         # measure another build
#   benches/status_chart.py target/status-bench/results.json docs/status-bench.svg
#
# The fixtures are made once in a temp dir (about 320k files; checked against free space and
# inodes first) and deleted at the end. Needs hyperfine; starship is measured when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sizes=${SIZES:-"1000 10000 100000"}
ignored=${IGNORED:-200000}
runs=${RUNS:-30}
cold=${COLD:-1}
out=${OUT:-$root/target/status-bench}
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/awesh-status.XXXXXX")
trap 'rm -rf "$work"' EXIT

need_files=$((ignored + 10000))
for n in $sizes; do need_files=$((need_files + n)); done
free_inodes=$(df -Pi "$work" | awk 'NR == 2 {print $4}')
free_kb=$(df -Pk "$work" | awk 'NR == 2 {print $4}')
if ((free_inodes < need_files * 2 || free_kb < need_files * 8)); then
  echo "status.sh: not enough room in $work for $need_files files" >&2
  exit 1
fi

if [[ -z ${AWESH:-} ]]; then
  cargo build --release --quiet
fi
awesh=${AWESH:-$root/target/release/awesh}
# shellcheck source=benches/hello.sh
source "$root/benches/hello.sh"
write_hello "$work/hello"
(cd "$work" && cargo build --release --quiet --manifest-path hello/Cargo.toml --target-dir "$work/t")
hello=$work/t/release/hello

export HOME=$work/home GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache STARSHIP_CONFIG=$work/starship.toml
export STARSHIP_LOG=error
mkdir -p "$HOME" "$XDG_CONFIG_HOME/awesh"
# Counts shown for every class, so nothing stops at the first path.
cat >"$XDG_CONFIG_HOME/awesh/config.toml" <<'EOF'
[status]
enabled = true
timeout_ms = 5000
[status.unstaged]
format = "{symbol}{count}"
[status.staged]
format = "{symbol}{count}"
[status.untracked]
format = "{symbol}{count}"
EOF
printf '[git_status]\ndisabled = false\n' >"$STARSHIP_CONFIG"
export AWESH_TIMEOUT_MS=10000

# make_repo DIR TRACKED IGNORED: TRACKED files in folders of 100 (one commit), and IGNORED
# files under node_modules/ listed in .gitignore. Bounded by the sizes above.
make_repo() {
  python3 - "$1" "$2" "$3" <<'EOF'
import os, sys
top, tracked, ignored = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
assert tracked <= 1_000_000 and ignored <= 1_000_000
for i in range(tracked):
    d = os.path.join(top, "src", f"d{i // 100:05d}")
    if i % 100 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i % 100:02d}.txt"), "w") as f:
        f.write(f"file {i}\n")
for i in range(ignored):
    d = os.path.join(top, "node_modules", f"p{i // 200:05d}")
    if i % 200 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"m{i % 200:03d}.js"), "w") as f:
        f.write("module.exports = 1;\n")
with open(os.path.join(top, ".gitignore"), "w") as f:
    f.write("node_modules/\n")
EOF
  git -C "$1" init -q -b main
  git -C "$1" add -A
  git -C "$1" commit -q -m fixture
  # Files older than the index, so none is racily clean (as in a repository in daily use).
  find "$1" -path "$1/.git" -prune -o -type f -exec touch -d '-1 hour' {} +
  git -C "$1" update-index -q --really-refresh
}

# A few changes: three files edited, one staged, two new.
dirty() {
  local d=$1
  for f in src/d00000/f01.txt src/d00000/f02.txt src/d00000/f03.txt; do
    echo changed >>"$d/$f"
    touch -d '-30 min' "$d/$f"
  done
  git -C "$d" add src/d00000/f03.txt
  echo new >"$d/src/new1.txt"
  echo new >"$d/new2.txt"
}

declare -a repos=()
for n in $sizes; do
  make_repo "$work/r$n" "$n" 0
  repos+=("r$n")
done
if ((ignored > 0)); then
  make_repo "$work/nm" 10000 "$ignored"
  repos+=("nm")
fi

results=$out/results.jsonl
: >"$results"
bench() { # repo state cache
  local repo=$1 state=$2 cache=$3 json=$work/h.json
  local -a prep=() cmds=()
  if [[ $cache == cold ]]; then
    prep=(--prepare "sh -c 'sync; echo 3 > /proc/sys/vm/drop_caches'" --runs 5)
  else
    prep=(--warmup 3 --runs "$runs")
  fi
  cmds=(-n "hello" "$hello"
    -n "awesh, status off" "$awesh prompt --off status"
    -n "awesh, status on" "$awesh prompt"
    -n "git status" "git --no-optional-locks status --porcelain=v2 --branch --show-stash")
  if command -v starship >/dev/null; then
    cmds+=(-n "starship git_status" "starship module git_status")
  fi
  (cd "$work/$repo" && hyperfine -N --style none "${prep[@]}" --export-json "$json" "${cmds[@]}" >/dev/null)
  python3 - "$json" "$repo" "$state" "$cache" >>"$results" <<'EOF'
import json, sys
path, repo, state, cache = sys.argv[1:]
for r in json.load(open(path))["results"]:
    print(json.dumps({"repo": repo, "state": state, "cache": cache, "command": r["command"],
                      "median_ms": r["median"] * 1000, "min_ms": r["min"] * 1000,
                      "runs": len(r["times"])}))
EOF
  # The answers, for the record: awesh's status next to git's.
  echo "$repo $state $cache: awesh $(cd "$work/$repo" && "$awesh" prompt)" >>"$out/answers.txt"
}

: >"$out/answers.txt"
for repo in "${repos[@]}"; do
  for state in clean dirty; do
    if [[ $state == dirty ]]; then dirty "$work/$repo"; fi
    bench "$repo" "$state" warm
    if [[ $cold == 1 && $(id -u) == 0 ]]; then bench "$repo" "$state" cold; fi
  done
done

python3 - "$results" "$out/results.json" <<'EOF'
import json, os, platform, sys, time
rows = [json.loads(l) for l in open(sys.argv[1])]
meta = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.release()}",
        "load": open("/proc/loadavg").read().split()[:3]}
json.dump({"meta": meta, "rows": rows}, open(sys.argv[2], "w"), indent=1)
print(f"# {meta['date']}, {meta['machine']}, load {' '.join(meta['load'])}")
print("| repo | state | cache | command | median ms | × git status | × hello |")
print("| --- | --- | --- | --- | ---: | ---: | ---: |")
for key in sorted({(r["repo"], r["state"], r["cache"]) for r in rows}, key=lambda k: (k[0], k[1], k[2])):
    group = [r for r in rows if (r["repo"], r["state"], r["cache"]) == key]
    git = next(r["median_ms"] for r in group if r["command"].startswith("git status"))
    hello = next(r["median_ms"] for r in group if r["command"] == "hello")
    for r in group:
        print(f"| {key[0]} | {key[1]} | {key[2]} | {r['command']} | {r['median_ms']:.2f} | "
              f"{r['median_ms'] / git:.2f} | {r['median_ms'] / hello:.2f} |")
EOF
