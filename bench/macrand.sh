#!/usr/bin/env bash
# Benchmark: 1,000 random MAC changes with privkit macrand against macchanger, in the same run,
# on a veth inside a network namespace this script creates and deletes (never a real
# interface). Needs root, iproute2 and macchanger.
#
#   sudo bench/macrand.sh [COUNT]     (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-1000}
cargo build --release --quiet
PRIVKIT=$PWD/target/release/privkit
NS=privkit-bench-$$
STATE=$(mktemp -d)
trap 'ip netns del "$NS" 2>/dev/null; rm -rf "$STATE"' EXIT
ip netns add "$NS"
ip -n "$NS" link add va type veth peer name vb
ip -n "$NS" link set va up

time_loop() { # LABEL COMMAND...
  local label=$1; shift
  local start end
  start=$(date +%s.%N)
  ip netns exec "$NS" sh -c "for i in \$(seq $COUNT); do $* >/dev/null || exit 1; done"
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v n="$COUNT" -v l="$label" \
    'BEGIN { printf "%-22s %8.3f s  %8.3f ms per change\n", l, e - s, (e - s) * 1000 / n }'
  echo "$end $start" > "$STATE/$label.t"
}

echo "$COUNT random MAC changes on a veth:"
time_loop privkit "$PRIVKIT macrand --state-dir $STATE va"
time_loop macchanger "macchanger -r va"
awk 'FNR == 1 { t[FILENAME] = $1 - $2 } END { printf "%-22s %8.2fx (macchanger time / privkit time)\n", "ratio", t[ARGV[2]] / t[ARGV[1]] }' \
  "$STATE/privkit.t" "$STATE/macchanger.t"
