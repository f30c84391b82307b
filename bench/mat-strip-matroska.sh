#!/usr/bin/env bash
# Benchmark: privkit mat-strip on a large Matroska file against cp of the same file, in the same
# run (mat2 and exiftool cannot write Matroska: nothing else to compare with). The file is the
# fixture's streams looped by ffmpeg (stream copy: many small clusters, the worst case for the
# walk) to SIZE_MB (1024 by default), with a title, tags and a cover attachment added.
# Prints the best wall time of 3 runs of each (cp, cp && sync, privkit), the ratios and privkit's
# peak RSS.
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

# Prints "wall maxrss_kb": the fastest of 3 runs. GNU time writes to its own file (-o): its
# report used to go to /dev/null with the command's standard error, so RSS was never printed.
best() {
  local best="" now
  for _ in 1 2 3; do
    rm -f "$WORK/out.mkv"
    sync
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; return 1; }
    now=$(cat "$WORK/time")
    if [ -z "$best" ] || awk -v a="$now" -v b="$best" 'BEGIN { split(a, x); split(b, y); exit !(x[1] < y[1]) }'; then
      best=$now
    fi
  done
  echo "$best"
}

cat "$WORK/big.mkv" >/dev/null
read -r CP _ < <(best cp "$WORK/big.mkv" "$WORK/out.mkv")
# cp followed by sync: the cost of putting the copy on disk, which privkit's atomic writer pays
# (it fsyncs the file) and plain cp does not.
read -r CPSYNC _ < <(best sh -c 'cp "$1" "$2" && sync "$2"' sh "$WORK/big.mkv" "$WORK/out.mkv")
read -r PK RSS < <(best "$PRIVKIT" mat-strip -o "$WORK/out.mkv" "$WORK/big.mkv")
"$PRIVKIT" mat-strip -o "$WORK/out.mkv" "$WORK/big.mkv" >/dev/null
"$PRIVKIT" mat-strip --check "$WORK/out.mkv"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / (b > 0 ? b : 0.01) }'; }
echo "best of 3 runs each"
echo "cp:                ${CP} s"
echo "cp && sync:        ${CPSYNC} s"
echo "privkit mat-strip: ${PK} s ($(ratio "$PK" "$CP")x cp, $(ratio "$PK" "$CPSYNC")x cp+sync), peak RSS $((RSS / 1024)) MB"
