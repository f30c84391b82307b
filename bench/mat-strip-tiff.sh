#!/usr/bin/env bash
# Benchmark (issue 15): privkit mat-strip on a SIZE_MB (2048 by default) BigTIFF of 256 KiB
# strips with an Artist tag, against cat of the same file in the same run: the directories are
# read by bounded reads and the strips moved by range, so the peak RSS must stay under 64 MB
# whatever the size. The input is a sparse file (no disk used for its zeros); the output goes
# to /dev/null. exiftool is timed too (it cannot write BigTIFF: its failure is reported).
# Prints the best wall time of 3 runs, the ratio to cat and the peak RSS against the target.
#
#   bench/mat-strip-tiff.sh [SIZE_MB]
# Needs python3, GNU time; exiftool when installed. Writes to BENCH_TMP (default /tmp),
# deleted after.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${1:-2048}
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/privkit-tiffbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet -p privkit
PRIVKIT=$PWD/target/release/privkit
TARGET_MB=64

python3 - "$WORK/big.tif" "$SIZE_MB" <<'EOF'
import struct, sys
out, size_mb = sys.argv[1], int(sys.argv[2])
width, rows_per_strip = 16384, 16
strip = width * rows_per_strip
strips = max(1, size_mb * 1024 * 1024 // strip)
height = strips * rows_per_strip
first = 1 << 20
artist = b"Bench Artist\0"
offsets_at = 4096
counts_at = offsets_at + 8 * strips
entries = sorted([(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1),
                  (262, 3, 1, 1), (273, 16, strips, offsets_at), (278, 4, 1, rows_per_strip),
                  (279, 16, strips, counts_at), (315, 2, len(artist), 16 + 8 + 9 * 20 + 8)])
b = b"II+\0" + struct.pack("<HHQ", 8, 0, 16) + struct.pack("<Q", len(entries))
for tag, typ, count, value in entries:
    b += struct.pack("<HHQQ", tag, typ, count, value)
b += struct.pack("<Q", 0) + artist
b = b.ljust(offsets_at, b"\0")
b += b"".join(struct.pack("<Q", first + i * strip) for i in range(strips))
b += struct.pack("<Q", strip) * strips
with open(out, "wb") as f:
    f.write(b)
    f.truncate(first + strips * strip)
EOF

# Prints "wall maxrss_kb": the fastest of 3 runs.
measure() {
  local best="" now
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; return 1; }
    now=$(cat "$WORK/time")
    if [ -z "$best" ] || awk -v a="$now" -v b="$best" 'BEGIN { split(a, x); split(b, y); exit !(x[1] < y[1]) }'; then
      best=$now
    fi
  done
  echo "$best"
}

read -r cat_wall cat_rss < <(measure cat "$WORK/big.tif")
read -r pk_wall pk_rss < <(measure "$PRIVKIT" mat-strip -o - "$WORK/big.tif")
echo "BigTIFF of $(($(stat -c %s "$WORK/big.tif") / 1048576)) MiB"
awk -v w="$cat_wall" -v r="$cat_rss" 'BEGIN { printf "%-22s %8.2f s %8d MB peak RSS\n", "cat", w, r / 1024 }'
awk -v w="$pk_wall" -v c="$cat_wall" -v r="$pk_rss" -v t="$TARGET_MB" \
  'BEGIN { printf "%-22s %8.2f s %7.2fx cat %6d MB peak RSS (target <= %d MB: %s)\n", "privkit mat-strip", w, w / (c > 0 ? c : 0.01), r / 1024, t, (r / 1024 <= t ? "met" : "MISSED") }'
if command -v exiftool >/dev/null; then
  cp --sparse=always "$WORK/big.tif" "$WORK/peer.tif"
  if out=$(/usr/bin/time -f "%e %M" -o "$WORK/time" exiftool -q -all= -overwrite_original "$WORK/peer.tif" 2>&1); then
    awk -v l="exiftool -all=" -v t="$(cat "$WORK/time")" -v c="$cat_wall" \
      'BEGIN { split(t, x); printf "%-22s %8.2f s %7.2fx cat %6d MB peak RSS\n", l, x[1], x[1] / (c > 0 ? c : 0.01), x[2] / 1024 }'
  else
    echo "exiftool -all=: failed: $out"
  fi
fi
