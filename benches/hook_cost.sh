#!/usr/bin/env bash
# Per-prompt cost of the prompt hook, measured inside the shell (issue #7): the hook run N times
# in a loop, minus the same loop empty, for awesh's serve mode, awesh's plain mode (one
# `awesh prompt` per prompt), the original three-command script (git + kubectl twice), and the
# cost of starting any process from a hook (`$(exec /bin/true)`, the floor every one-process-
# per-prompt tool pays), in bash and zsh, in the small and the big scenario of
# benches/compare.sh. Writes docs/serve-bench.json and draws docs/serve-bench.svg from it
# (benches/hook_chart.py). starship is not installed here, so it is skipped, and says so.
#
#   benches/hook_cost.sh                 # needs bash and zsh; kubectl for the seed script
#   ROUNDS=5 N_SERVE=5000 benches/hook_cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rounds=${ROUNDS:-3}
n_serve=${N_SERVE:-3000}
n_plain=${N_PLAIN:-300}
n_seed=${N_SEED:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/awesh-hook-cost.XXXXXX")
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
awesh="$root/target/release/awesh"

# ---- The scenarios, as benches/compare.sh makes them ----
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
mkdir -p "$work/tmp"
# shellcheck source=benches/scenarios.sh
. benches/scenarios.sh
make_small_scenario "$work/small/repo" "$work/small/home"
make_big_scenario "$work/big/repo" "$work/big/home"
sleep 2.2 # past the kube cache's racy window, so cached answers are trusted

# ---- One measurement: prints "total-microseconds segment" ----
# The hook under test is run WARM times, then N times timed, then an empty loop N times.
# shellcheck disable=SC2016 # the quoted script is expanded by the shell it runs in
bash_run() { # setup n
  env -i PATH="$PATH" HOME="$work/$scenario/home" TMPDIR="$work/tmp" LANG=C.UTF-8 \
    GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
    bash --norc --noprofile -c '
    setup=$1 n=$2 bin=$3
    PS1="x\$ "
    seed() {
      b=$(git branch --show-current 2>/dev/null)
      c=$(kubectl config current-context 2>/dev/null)
      s=$(kubectl config view --minify -o "jsonpath={..namespace}" 2>/dev/null)
      AWESH_SEGMENT=":☸️$c:☸️$s:🌿$b"
    }
    floor() { AWESH_SEGMENT=$(exec /bin/true); }
    case $setup in
      serve) eval "$("$bin" init bash --serve)"; hook=__awesh_hook ;;
      plain) eval "$("$bin" init bash --no-serve)"; hook=__awesh_hook ;;
      seed) hook=seed ;;
      floor) hook=floor ;;
    esac
    for ((i = 0; i < (n < 50 ? 2 : 50); i++)); do $hook; done
    t0=$EPOCHREALTIME; for ((i = 0; i < n; i++)); do $hook; done; t1=$EPOCHREALTIME
    t2=$EPOCHREALTIME; for ((i = 0; i < n; i++)); do :; done; t3=$EPOCHREALTIME
    echo "$(( (${t1/./} - ${t0/./}) - (${t3/./} - ${t2/./}) )) $AWESH_SEGMENT"
  ' _ "$1" "$2" "$awesh"
}

# shellcheck disable=SC2016 # the quoted script is expanded by the shell it runs in
zsh_run() { # setup n
  env -i PATH="$PATH" HOME="$work/$scenario/home" TMPDIR="$work/tmp" LANG=C.UTF-8 \
    GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
    zsh -f -c '
    zmodload zsh/datetime
    setup=$1 n=$2 bin=$3
    PROMPT="x%# "
    seed() {
      b=$(git branch --show-current 2>/dev/null)
      c=$(kubectl config current-context 2>/dev/null)
      s=$(kubectl config view --minify -o "jsonpath={..namespace}" 2>/dev/null)
      AWESH_SEGMENT=":☸️$c:☸️$s:🌿$b"
    }
    floor() { AWESH_SEGMENT=$(/bin/true); }
    case $setup in
      serve) eval "$("$bin" init zsh --serve)"; hook=__awesh_precmd ;;
      plain) eval "$("$bin" init zsh --no-serve)"; hook=__awesh_precmd ;;
      seed) hook=seed ;;
      floor) hook=floor ;;
    esac
    for ((i = 0; i < (n < 50 ? 2 : 50); i++)); do $hook; done
    t0=$EPOCHREALTIME; for ((i = 0; i < n; i++)); do $hook; done; t1=$EPOCHREALTIME
    t2=$EPOCHREALTIME; for ((i = 0; i < n; i++)); do :; done; t3=$EPOCHREALTIME
    printf "%d %s\n" $(( ((t1 - t0) - (t3 - t2)) * 1e6 )) "$AWESH_SEGMENT"
  ' _ "$1" "$2" "$awesh"
}

# Another prompt tool's hook belongs beside these; starship (the obvious one) is compared only
# where it is installed, and it is not on the machine these numbers come from.
if ! command -v starship >/dev/null; then
  echo "starship: not installed, skipped"
else
  echo "starship: installed, but not measured by this script yet (its prompt runs in PS1)"
fi

results="$work/results.txt"
: >"$results"
for scenario in small big; do
  for shell in bash zsh; do
    for setup in serve floor plain seed; do
      case $setup in
        serve) n=$n_serve ;;
        seed) n=$n_seed ;;
        *) n=$n_plain ;;
      esac
      if [[ $setup == seed ]] && ! command -v kubectl >/dev/null; then
        echo "$scenario $shell seed: kubectl not installed, skipped"
        continue
      fi
      for ((round = 0; round < rounds; round++)); do
        out=$(cd "$work/$scenario/repo" && "${shell}_run" "$setup" "$n")
        total=${out%% *}
        segment=${out#* }
        echo "$scenario $shell $setup $n $total $segment" >>"$results"
        printf '%-6s %-5s %-6s %10s us/prompt  %s\n' "$scenario" "$shell" "$setup" \
          "$(awk -v t="$total" -v n="$n" 'BEGIN { printf "%.1f", t / n }')" "$segment"
      done
    done
  done
done

machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
python3 "$root/benches/hook_chart.py" "$results" "$machine" "$(bash --version | head -1 | sed 's/.*version \([^ (]*\).*/\1/')" \
  "$(zsh --version | cut -d' ' -f2)" "$root/docs/serve-bench.json" "$root/docs/serve-bench.svg"
