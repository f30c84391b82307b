#!/usr/bin/env bash
# Benchmark (issue 13): privkit mat-strip on phone media against cp of the same files, with the
# peers measured in the same run:
# (a) a SIZE_MB (1024 by default) phone-style MOV: the iPhone fixture's streams looped by ffmpeg
#     (stream copy) with its timed metadata track, location, make and model; privkit (wall and
#     peak RSS), cp, `exiftool -all=` and mat2 (an ffmpeg remux);
# (b) COUNT (500 by default) HEIC photos of 2016x1512 with EXIF (GPS, make, model, serial), XMP
#     and a thumbnail; privkit, cp, `exiftool -all=`.
# Prints the best wall time of 3 runs (peers: 1 run), the ratio to cp and privkit's peak RSS;
# `cp && sync` beside cp, since privkit's atomic writer makes each output durable (fsync) and cp
# does not.
#
#   bench/mat-strip-isobmff.sh [SIZE_MB [COUNT]]
# Needs ffmpeg, libheif-examples (heif-enc), python3-pil, libimage-exiftool-perl, GNU time;
# mat2 is timed when installed. Writes to BENCH_TMP (default /tmp), deleted after.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${1:-1024}
COUNT=${2:-500}
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/privkit-isobmffbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet -p privkit
PRIVKIT=$PWD/target/release/privkit
MEDIA=testdata/mat-strip/media

# Prints "wall maxrss_kb": the fastest of $REPEAT runs; $CLEAN runs before each.
REPEAT=${REPEAT:-3}
CLEAN=true
measure() {
  local best="" now
  for _ in $(seq "$REPEAT"); do
    eval "$CLEAN"
    sync
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; return 1; }
    now=$(cat "$WORK/time")
    if [ -z "$best" ] || awk -v a="$now" -v b="$best" 'BEGIN { split(a, x); split(b, y); exit !(x[1] < y[1]) }'; then
      best=$now
    fi
  done
  echo "$best"
}
row() { # LABEL WALL RSS_KB CP_WALL
  awk -v l="$1" -v w="$2" -v r="$3" -v c="$4" \
    'BEGIN { printf "%-22s %8.2f s %7.2fx cp %8d MB peak RSS\n", l, w, w / (c > 0 ? c : 0.01), r / 1024 }'
}

# A peer measured once; its failure is reported, not fatal. peer LABEL... -- COMMAND...
peer() {
  local label=""
  while [ "$1" != -- ]; do label="$label $1"; shift; done
  shift
  if out=$(REPEAT=1 measure "$@"); then
    row "${label# }" ${out} "$cp_wall"
  else
    echo "${label# }: failed (its message is above)"
  fi
}

# (a) One loop of the fixture is about 24 KB. SIZE_MB 0 skips it.
if [ "$SIZE_MB" -gt 0 ]; then
LOOPS=$((SIZE_MB * 1024 / 24))
ffmpeg -v error -stream_loop "$LOOPS" -i "$MEDIA/mov-iphone.mov" -map 0 -c copy \
  -movflags use_metadata_tags -metadata location="+48.8583+002.2944/" \
  -metadata make=BenchMake -metadata model=BenchModel -f mov "$WORK/big.mov"
echo "(a) $(stat -c %s "$WORK/big.mov") bytes, best of $REPEAT runs (peers once)"
cat "$WORK/big.mov" >/dev/null
CLEAN="rm -f '$WORK/out.mov'"
read -r cp_wall rss < <(measure cp "$WORK/big.mov" "$WORK/out.mov")
row cp "$cp_wall" "$rss" "$cp_wall"
read -r w rss < <(measure sh -c 'cp "$1" "$2" && sync' sh "$WORK/big.mov" "$WORK/out.mov")
row "cp && sync" "$w" "$rss" "$cp_wall"
read -r w rss < <(measure "$PRIVKIT" mat-strip -o "$WORK/out.mov" "$WORK/big.mov")
row "privkit mat-strip" "$w" "$rss" "$cp_wall"
"$PRIVKIT" mat-strip --check "$WORK/out.mov" >/dev/null
peer exiftool -all= -- exiftool -q -all= -o "$WORK/out.mov" "$WORK/big.mov"
if command -v mat2 >/dev/null; then
  # mat2 goes by the extension and refuses .mov (video/quicktime): the same file as .mp4.
  ln "$WORK/big.mov" "$WORK/big.mp4"
  CLEAN="rm -f '$WORK'/big.cleaned.mp4"
  peer mat2 -- mat2 "$WORK/big.mp4"
fi
rm -f "$WORK"/big.mov "$WORK"/big.mp4 "$WORK"/big.cleaned.mp4 "$WORK/out.mov"
fi

# (b) One photo-like picture (noise over a gradient) encoded once, metadata added, copied.
mkdir -p "$WORK/heic/in"
/usr/bin/python3 - "$WORK/heic/base.png" <<'PY'
import sys
from PIL import Image
noise = Image.effect_noise((2016, 1512), 50).convert("RGB")
grad = Image.linear_gradient("L").resize((2016, 1512)).convert("RGB")
Image.blend(noise, grad, 0.5).save(sys.argv[1])
PY
heif-enc -q 80 -p preset=ultrafast -o "$WORK/heic/base.heic" "$WORK/heic/base.png" >/dev/null
exiftool -q -overwrite_original -Make=Apple -Model="iPhone 15" -Software=17.1 -Artist="Jane Doe" \
  -SerialNumber=123456789 -DateTimeOriginal="2024:06:01 12:00:00" -GPSLatitude=48.8583 \
  -GPSLatitudeRef=N -GPSLongitude=2.2944 -GPSLongitudeRef=E -XMP-dc:Creator="Jane Doe" \
  "$WORK/heic/base.heic"
for n in $(seq 1 "$COUNT"); do cp "$WORK/heic/base.heic" "$WORK/heic/in/IMG_$(printf %05d "$n").heic"; done
files=("$WORK"/heic/in/IMG_*.heic)
echo "(b) $COUNT HEIC files of $(stat -c %s "$WORK/heic/base.heic") bytes, best of $REPEAT runs (exiftool once)"
cat "${files[@]}" >/dev/null
CLEAN="rm -rf '$WORK/heic/out'; mkdir '$WORK/heic/out'"
read -r cp_wall rss < <(measure cp "${files[@]}" "$WORK/heic/out/")
row cp "$cp_wall" "$rss" "$cp_wall"
read -r w rss < <(measure sh -c 'cp "$@" && sync' sh "${files[@]}" "$WORK/heic/out/")
row "cp && sync" "$w" "$rss" "$cp_wall"
CLEAN="rm -f '$WORK'/heic/in/*.cleaned.heic"
read -r w rss < <(measure "$PRIVKIT" mat-strip "${files[@]}")
row "privkit mat-strip" "$w" "$rss" "$cp_wall"
"$PRIVKIT" mat-strip --check "$WORK"/heic/in/*.cleaned.heic >/dev/null
CLEAN="rm -f '$WORK'/heic/in/*.cleaned.heic; rm -rf '$WORK/heic/out'; mkdir '$WORK/heic/out'"
peer exiftool -all= -- exiftool -q -all= -o "$WORK/heic/out/" "${files[@]}"
