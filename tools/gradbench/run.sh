#!/usr/bin/env bash
# Sets GradBench up without Docker and runs every eval against wengert and the peers (manual,
# ADOL-C, JAX), then writes a Markdown table (docs/gradbench.md explains it).
#
#   tools/gradbench/run.sh [WORKDIR]          # default: ../gradbench-work next to the repo
#
# Environment:
#   GRADBENCH_SRC   an existing GradBench checkout to copy instead of cloning (offline)
#   GRADBENCH_REV   the commit to check out (default: the one docs/gradbench.md was run on)
#   LSTM_TEXT       evals/lstm/data/lstm_full.txt, if the checkout lacks it (a clone without
#                   Git LFS does)
#   EVALS           the evals to run (default: all twelve)
#   TOOLS           the tools to run (default: "wengert manual adol-c jax")
#   MIN_RUNS, MIN_SECONDS   repetitions per evaluate (default 3 and 0.5: JAX needs a few runs
#                   after its compiling one to reach its speed)
#   SIZES_<eval>    the eval's workload arguments, replacing the defaults below
#   SKIP_SETUP=1    reuse WORKDIR's venv and builds as they are
#
# Needs: git, python3 (3.11+, with venv), g++ and make, cargo; Debian packages
# nlohmann-json3-dev, libadolc-dev and libboost-dev (ADOL-C's headers include Boost's), which
# the script installs with apt-get when it runs as root and they are missing.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mkdir -p "${1:-$REPO/../gradbench-work}" && cd "${1:-$REPO/../gradbench-work}" && pwd)"
GB="$WORK/gradbench"
VENV="$WORK/venv"
LOGS="$WORK/logs"
REV="${GRADBENCH_REV:-f26651a7}"
EVALS="${EVALS:-hello lse llsq det ode kmeans gmm lstm ba ht particle saddle}"
TOOLS="${TOOLS:-wengert manual adol-c jax}"
MIN_RUNS="${MIN_RUNS:-3}"
MIN_SECONDS="${MIN_SECONDS:-0.5}"
SCRIPTS="$REPO/tools/gradbench/scripts"

# Workloads: each eval's defaults except where this 2-core machine makes them too slow for
# one run of the whole suite (docs/gradbench.md says which and why).
declare -A SIZES=(
  [hello]=""
  [lse]="-n 2500 10000 40000 160000 640000 1280000"
  [llsq]="-n 16 64 256 1024 4096 16392"
  [det]="-l 5 7 9 10"
  [ode]="-n 1000 10000 -s 1 10 100"
  [kmeans]="-k 10 100 1000 -n 1000 -d 8 16"
  [gmm]="-d 2 10 20 64 -k 5 25 100"
  [lstm]="-l 2 4 6 -c 1024 4096"
  [ba]="--min 1 --max 6"
  [ht]="--min 1 --max 8"
  [particle]=""
  [saddle]=""
)

setup() {
  if [ ! -d "$GB" ]; then
    if [ -n "${GRADBENCH_SRC:-}" ]; then
      cp -r "$GRADBENCH_SRC" "$GB"
    else
      git clone https://github.com/gradbench/gradbench "$GB"
      git -C "$GB" checkout "$REV"
    fi
  fi
  if [ ! -s "$GB/evals/lstm/data/lstm_full.txt" ] && [ -n "${LSTM_TEXT:-}" ]; then
    cp "$LSTM_TEXT" "$GB/evals/lstm/data/lstm_full.txt"
  fi

  local missing=()
  [ -f /usr/include/nlohmann/json.hpp ] || missing+=(nlohmann-json3-dev)
  [ -f /usr/include/adolc/adolc.h ] || missing+=(libadolc-dev)
  [ -f /usr/include/boost/pool/pool_alloc.hpp ] || missing+=(libboost-dev)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      # a fresh machine (or container) has no package lists yet: install alone fails there
      apt-get update -q
      apt-get install -y "${missing[@]}"
    else
      echo "run: sudo apt-get install ${missing[*]}" >&2
      exit 1
    fi
  fi
  cp /usr/include/nlohmann/json.hpp "$GB/cpp/json.hpp"

  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q numpy pydantic dataclasses-json scipy "jax[cpu]"

  make -C "$GB/tools/manual" -j2 all
  make -C "$GB/tools/adol-c" -j2 all
  (cd "$REPO" && cargo build --release -p wengert-gradbench)
}

tool_cmd() {
  case "$1" in
    wengert) echo "$REPO/target/release/wengert-gradbench" ;;
    manual | adol-c) echo "$VENV/bin/python $SCRIPTS/cpp_tool.py $1" ;;
    jax) echo "$VENV/bin/python $SCRIPTS/jax_tool.py" ;;
  esac
}

has_eval() { # does tool $1 implement eval $2?
  case "$1" in
    wengert) return 0 ;;
    manual | adol-c) grep -qx "$2" "$GB/tools/$1/evals.txt" ;;
    jax) [ -f "$GB/python/gradbench/gradbench/tools/jax/$2.py" ] ;;
  esac
}

[ "${SKIP_SETUP:-0}" = 1 ] || setup
mkdir -p "$LOGS"
cd "$GB"
export PYTHONPATH="$GB/python/gradbench"
for ev in $EVALS; do
  var="SIZES_$ev"
  args="${!var-${SIZES[$ev]}}"
  [ "$ev" = hello ] || args="$args --min-runs $MIN_RUNS --min-seconds $MIN_SECONDS"
  for tool in $TOOLS; do
    has_eval "$tool" "$ev" || continue
    echo "== $ev on $tool ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$LOGS/load.txt" >&2
    "$VENV/bin/python" "$SCRIPTS/harness.py" \
      --eval "$VENV/bin/python -m gradbench.evals.$ev.run $args" \
      --tool "$(tool_cmd "$tool")" --log "$LOGS/$ev-$tool.jsonl" || echo "   ($ev on $tool: invalid outputs or a failure, see the log)" >&2
  done
  echo "   $ev done ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$LOGS/load.txt" >&2
done
"$VENV/bin/python" "$SCRIPTS/table.py" "$LOGS" "$EVALS" | tee "$WORK/table.md"
