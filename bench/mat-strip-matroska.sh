#!/usr/bin/env bash
# Benchmark: privkit mat-strip on a large Matroska file against cp of the same file, in the same
# run (mat2 and exiftool cannot write Matroska: nothing else to compare with). The file is the
# fixture's streams looped by ffmpeg (stream copy: many small clusters, the worst case for the
# walk) to SIZE_MB (1024 by default), with a title, tags and a cover attachment added.
# Prints the best wall time of 3 runs of each, the ratio, and privkit's peak RSS.
#
#   bench/mat-strip-matroska.sh [SIZE_MB]
# Needs ffmpeg and GNU time (/usr/bin/time). Writes to BENCH_TMP (default /tmp), deleted after.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${1:-1024}
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/privkit-mkvbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet -p privkit
PRIVKIT=$PWD/target/release/privkit
FIXTURE=testdata/mat-strip/media/mkv-tagged.mkv

# One loop of the fixture's streams is about 17 KB.
LOOPS=$(( SIZE_MB * 1024 / 17 ))
ffmpeg -v error -stream_loop "$LOOPS" -i "$FIXTURE" -attach testdata/mat-strip/jpeg-baseline.jpg \
  -metadata:s:t mimetype=image/jpeg -map 0:V -map 0:a -c copy -metadata title="Bench title" \
  -metadata artist="Bench artist" -metadata location="+48.8583+002.2944/" "$WORK/big.mkv"
ls -l "$WORK/big.mkv"

best() { # best wall time in seconds of 3 runs of "$@"
  local best=999999 t
  for _ in 1 2 3; do
    sync
    t=$( { /usr/bin/time -f %e "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
    best=$(echo "$t $best" | awk '{print ($1 < $2) ? $1 : $2}')
    rm -f "$WORK/out.mkv"
  done
  echo "$best"
}

CP=$(best cp "$WORK/big.mkv" "$WORK/out.mkv")
PK=$(best "$PRIVKIT" mat-strip -o "$WORK/out.mkv" "$WORK/big.mkv")
RSS=$( { /usr/bin/time -f %M "$PRIVKIT" mat-strip -o "$WORK/out.mkv" "$WORK/big.mkv" >/dev/null; } 2>&1 | tail -1)
"$PRIVKIT" mat-strip --check "$WORK/out.mkv"
echo "cp:                ${CP} s"
echo "privkit mat-strip: ${PK} s ($(echo "$PK $CP" | awk '{printf "%.2f", $1 / ($2 > 0 ? $2 : 0.01)}')x cp), peak RSS $((RSS / 1024)) MB"
