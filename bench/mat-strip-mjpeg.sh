#!/usr/bin/env bash
# Benchmark: privkit mat-strip on Motion JPEG video whose every frame carries EXIF (the frames'
# segments are read and their metadata wiped in place), against cp of the same file, in the same
# run; and, beside it, an H.264 AVI of the same size (its frames are never read: the cost of
# the Motion JPEG check must not show there). The inputs are the fixtures' streams looped by
# ffmpeg (stream copy, so every frame keeps its EXIF) to SIZE_MB (200 by default); the H.264
# one is encoded (lossless, so as big).
# Prints the best wall time of 3 runs of each, the ratios and privkit's peak RSS.
#
#   bench/mat-strip-mjpeg.sh [SIZE_MB]
# Needs ffmpeg and GNU time (/usr/bin/time). Writes to BENCH_TMP (default /tmp), deleted after.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${1:-200}
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/privkit-mjpegbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet -p privkit
PRIVKIT=$PWD/target/release/privkit

# One loop of mjpeg-exif.avi's 5 frames is about 45 KB (small frames: the most frames a MB).
ffmpeg -v error -stream_loop $((SIZE_MB * 1024 / 45)) -i testdata/mat-strip/media/mjpeg-exif.avi \
  -c copy "$WORK/mjpeg.avi"
# Lossless H.264 of a test pattern: about 0.55 MB a second.
ffmpeg -v error -f lavfi -i testsrc2=size=640x480:rate=25 -t $((SIZE_MB * 2)) -c:v libx264 \
  -preset ultrafast -qp 0 "$WORK/h264.avi"
ls -l "$WORK"/*.avi

# Prints "wall maxrss_kb": the fastest of 3 runs.
best() {
  local best="" now
  for _ in 1 2 3; do
    rm -f "$WORK/out.avi"
    sync
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; return 1; }
    now=$(cat "$WORK/time")
    if [ -z "$best" ] || awk -v a="$now" -v b="$best" 'BEGIN { split(a, x); split(b, y); exit !(x[1] < y[1]) }'; then
      best=$now
    fi
  done
  echo "$best"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / (b > 0 ? b : 0.01) }'; }

echo "best of 3 runs each"
for input in mjpeg h264; do
  cat "$WORK/$input.avi" >/dev/null
  read -r CP _ < <(best cp "$WORK/$input.avi" "$WORK/out.avi")
  read -r PK RSS < <(best "$PRIVKIT" mat-strip -o "$WORK/out.avi" "$WORK/$input.avi")
  "$PRIVKIT" mat-strip -o "$WORK/out.avi" "$WORK/$input.avi" >/dev/null
  "$PRIVKIT" mat-strip --check "$WORK/out.avi"
  echo "$input.avi: cp ${CP} s, privkit mat-strip ${PK} s ($(ratio "$PK" "$CP")x cp), peak RSS $((RSS / 1024)) MB"
done
