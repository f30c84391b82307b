#!/usr/bin/env bash
# Benchmark: privkit mat-strip on a large Ogg Opus file against cp of the same file, in the same
# run. The file is the fixture's Opus packets looped by ffmpeg (stream copy) to SIZE_MB (200 by
# default), with tags and a cover (METADATA_BLOCK_PICTURE) in OpusTags: the cleaned headers are
# spread over as many pages as before, so the audio pages are moved as one range.
# Prints the best wall time of 3 runs of each, the ratio, and privkit's peak RSS.
#
#   bench/mat-strip-ogg.sh [SIZE_MB]
# Needs ffmpeg, python3-mutagen (to build the cover comment) and GNU time (/usr/bin/time).
# Writes to BENCH_TMP (default /tmp), deleted after.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${1:-200}
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/privkit-oggbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet -p privkit
PRIVKIT=$PWD/target/release/privkit
FIXTURE=testdata/mat-strip/media/opus-tagged.opus

PICTURE=$(/usr/bin/python3 -c '
import base64, sys
from mutagen.flac import Picture
p = Picture(); p.type, p.mime, p.desc = 3, "image/jpeg", "Bench cover"
p.data = open(sys.argv[1], "rb").read()
print(base64.b64encode(p.write()).decode())' testdata/mat-strip/jpeg-baseline.jpg)
# One loop of the fixture is about 13 KB of Opus packets.
LOOPS=$(( SIZE_MB * 1024 / 13 ))
ffmpeg -v error -stream_loop "$LOOPS" -i "$FIXTURE" -map 0:a -c copy -map_metadata -1 \
  -metadata artist="Bench artist" -metadata location="+48.8583+002.2944/" \
  -metadata METADATA_BLOCK_PICTURE="$PICTURE" -f ogg "$WORK/big.opus"
ls -l "$WORK/big.opus"

best() { # best wall time in seconds of 3 runs of "$@"
  local best=999999 t
  for _ in 1 2 3; do
    sync
    /usr/bin/time -f %e -o "$WORK/time" "$@" >/dev/null 2>&1
    t=$(tail -1 "$WORK/time")
    best=$(echo "$t $best" | awk '{print ($1 < $2) ? $1 : $2}')
    rm -f "$WORK/out.opus"
  done
  echo "$best"
}

CP=$(best cp "$WORK/big.opus" "$WORK/out.opus")
PK=$(best "$PRIVKIT" mat-strip -o "$WORK/out.opus" "$WORK/big.opus")
RSS=$( { /usr/bin/time -f %M "$PRIVKIT" mat-strip -o "$WORK/out.opus" "$WORK/big.opus" >/dev/null; } 2>&1 | tail -1)
"$PRIVKIT" mat-strip --check "$WORK/out.opus"
echo "cp:                ${CP} s"
echo "privkit mat-strip: ${PK} s ($(echo "$PK $CP" | awk '{printf "%.2f", $1 / ($2 > 0 ? $2 : 0.01)}')x cp), peak RSS $((RSS / 1024)) MB"
