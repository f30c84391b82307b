#!/usr/bin/env bash
# Benchmark: privkit qr-inspect against zbarimg in the same run.
#
# 1. Decoding: every image of ZXing's QR test corpus (../shared/corpora/zxing-qrcode), one
#    process per image for both tools; an image counts as decoded when its expected text is
#    among the texts decoded. Prints decode counts and the wall-time ratio.
# 2. Blocklists: a generated oisd-style list of 1,000,000 names. Prints the time to load it and
#    check one URL (the whole command, less the same command without the list), peak memory,
#    and the engine's load, index and per-lookup times (examples/blocklist-bench.rs).
#
#   bench/qr-inspect.sh [CORPUS_DIR]
# Needs zbar-tools (zbarimg) for the comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-../shared/corpora/zxing-qrcode}
cargo build --release --quiet
cargo build --release --quiet -p privkit-qr-inspect --example blocklist-bench
PRIVKIT=$PWD/target/release/privkit
BENCH=$PWD/target/release/examples/blocklist-bench
WORK=$(mktemp -d /dev/shm/privkit-qr-bench.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$WORK"' EXIT

now() { date +%s.%N; }

if [ -d "$CORPUS" ]; then
  images=$(find "$CORPUS" -name '*.png' | sort)
  total=$(echo "$images" | wc -l)
  ours=0 theirs=0
  # Decode counts (untimed: the checking is done in python).
  for img in $images; do
    want=${img%.png}.txt
    # (Exit codes 1/2 are verdicts, not failures: only the texts matter here.)
    if { "$PRIVKIT" qr-inspect --no-default-lists --json --show-secrets "$img" 2>/dev/null || true; } |
      /usr/bin/python3 -c 'import sys, json
want = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
sys.exit(0 if any(json.loads(l)["text"] == want for l in sys.stdin) else 1)' "$want"; then
      ours=$((ours + 1))
    fi
    if command -v zbarimg > /dev/null &&
      { zbarimg -q --raw -Sdisable -Sqrcode.enable -Sbinary "$img" 2>/dev/null || true; } |
      /usr/bin/python3 -c 'import sys
sys.exit(0 if open(sys.argv[1], "rb").read() in sys.stdin.buffer.read() else 1)' "$want"; then
      theirs=$((theirs + 1))
    fi
  done
  # Wall time: best of 3 passes over the corpus, one process per image, output discarded.
  best() {
    local best=999999 s e t
    for _ in 1 2 3; do
      s=$(now)
      for img in $images; do "$@" "$img" > /dev/null 2>&1 || true; done
      e=$(now)
      t=$(echo "$e - $s" | bc)
      best=$(echo "if ($t < $best) $t else $best" | bc)
    done
    echo "$best"
  }
  t_ours=$(best "$PRIVKIT" qr-inspect --no-default-lists)
  echo "decode: privkit $ours/$total images in ${t_ours}s"
  if command -v zbarimg > /dev/null; then
    t_theirs=$(best zbarimg -q --raw -Sdisable -Sqrcode.enable)
    echo "decode: zbarimg $theirs/$total images in ${t_theirs}s"
    echo "decode ratio (privkit/zbarimg): images $(echo "scale=3; $ours / $theirs" | bc), time $(echo "scale=2; $t_ours / $t_theirs" | bc)"
  fi
else
  echo "no corpus at $CORPUS: decode comparison skipped"
fi

/usr/bin/python3 - "$WORK/oisd.txt" <<'PY'
import random, string, sys
random.seed(1)
tlds = ["com", "net", "org", "io", "xyz", "info", "ru", "de"]
with open(sys.argv[1], "w") as f:
    f.write("# generated oisd-style list (domains format), 1,000,000 names\n")
    for i in range(1_000_000):
        name = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(random.randint(5, 14)))
        f.write(f"{random.choice(['', 'ads.', 'cdn.', 'track.', 'm.'])}{name}.{random.choice(tlds)}\n")
PY
cp testdata/qr-inspect/reason-blocklisted.png "$WORK/code.png"
best_ms() {
  local best=999999 s e t
  for _ in 1 2 3 4 5; do
    s=$(now); "$@" > /dev/null 2>&1 || true; e=$(now)
    t=$(echo "($e - $s) * 1000" | bc)
    best=$(echo "if ($t < $best) $t else $best" | bc)
  done
  echo "$best"
}
with=$(best_ms "$PRIVKIT" qr-inspect --no-default-lists --blocklist "$WORK/oisd.txt" "$WORK/code.png")
without=$(best_ms "$PRIVKIT" qr-inspect --no-default-lists "$WORK/code.png")
rss=$(/usr/bin/time -f %M "$PRIVKIT" qr-inspect --no-default-lists --blocklist "$WORK/oisd.txt" "$WORK/code.png" 2>&1 >/dev/null | tail -1)
echo "blocklist: 1,000,000 rules: load + check one URL $(echo "$with - $without" | bc) ms (whole command $with ms, $without ms without the list); peak memory $((rss / 1024)) MB"
hosts="$(sed -n '2p;500000p;1000001p' "$WORK/oisd.txt" | tr '\n' ' ') www.example.org a.b.c.not-listed.example"
"$BENCH" "$WORK/oisd.txt" $hosts | sed 's/^/blocklist engine: /'
s=$(now); grep -qFx "www.example.org" "$WORK/oisd.txt" || true; e=$(now)
echo "reference: one grep -Fx over the same list: $(echo "($e - $s) * 1000" | bc) ms"
