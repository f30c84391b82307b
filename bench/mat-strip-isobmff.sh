#!/usr/bin/env bash
# Benchmark (issue 13): privkit mat-strip on phone media against cp of the same files, with the
# peers measured in the same run:
# (a) a SIZE_MB (1024 by default) phone-style MOV: the iPhone fixture's streams looped by ffmpeg
#     (stream copy) with its timed metadata track, location, make and model; privkit, cp,
#     `exiftool -all=` and mat2 (an ffmpeg remux);
# (b) COUNT (500 by default) HEIC photos of 2016x1512 with EXIF (GPS, make, model, serial), XMP
#     and a thumbnail, into a directory: privkit -o DIR/ against cp FILES DIR/, and exiftool.
# cp and privkit run in turn RUNS times (5), each after `sync` with the previous output removed
# (bench/lib/race.sh); printed: best and median wall time, each against cp's, median user+sys
# CPU, peak RSS. Both write new files without flushing them (cp does not; privkit does not
# flush a new output beside an input that stays). cp here copies with copy_file_range (strace:
# FICLONE is refused on ext4), as privkit moves the coded data. Peers run once (RUNS=1). Run as
# root, the script runs itself under `nice -n -10`.
#
#   bench/mat-strip-isobmff.sh [SIZE_MB [COUNT]]
# Needs ffmpeg, libheif-examples (heif-enc), python3-pil, libimage-exiftool-perl, GNU time;
# mat2 is timed when installed. Writes to BENCH_TMP (default /tmp), deleted after.
set -euo pipefail
. "$(dirname "$0")/lib/race.sh"
race_renice "$@"
cd "$(dirname "$0")/.."
SIZE_MB=${1:-1024}
COUNT=${2:-500}
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/privkit-isobmffbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet -p privkit
PRIVKIT=$PWD/target/release/privkit
MEDIA=testdata/mat-strip/media

# (a) One loop of the fixture is about 24 KB. SIZE_MB 0 skips it.
if [ "$SIZE_MB" -gt 0 ]; then
LOOPS=$((SIZE_MB * 1024 / 24))
ffmpeg -v error -stream_loop "$LOOPS" -i "$MEDIA/mov-iphone.mov" -map 0 -c copy \
  -movflags use_metadata_tags -metadata location="+48.8583+002.2944/" \
  -metadata make=BenchMake -metadata model=BenchModel -f mov "$WORK/big.mov"
echo "(a) $(stat -c %s "$WORK/big.mov") bytes"
cat "$WORK/big.mov" >/dev/null
race_clean_file "$WORK/big.mov" "$WORK/out.mov"
echo "  peers, once:"
RUNS=1 race cp -- cp "$WORK/big.mov" "$WORK/out.mov" \
  :: "exiftool -all=" -- exiftool -q -all= -o "$WORK/out.mov" "$WORK/big.mov" \
  || echo "  exiftool failed (its message is above)"
if command -v mat2 >/dev/null; then
  # mat2 goes by the extension and refuses .mov (video/quicktime): the same file as .mp4.
  ln "$WORK/big.mov" "$WORK/big.mp4"
  CLEAN="rm -f '$WORK'/big.cleaned.mp4 '$WORK/out.mov'"
  RUNS=1 race cp -- cp "$WORK/big.mov" "$WORK/out.mov" :: mat2 -- mat2 "$WORK/big.mp4" \
    || echo "  mat2 failed (its message is above)"
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
echo "(b) $COUNT HEIC files of $(stat -c %s "$WORK/heic/base.heic") bytes"
cat "${files[@]}" >/dev/null
CLEAN="race_aside '$WORK/heic/out'; mkdir '$WORK/heic/out'"
race cp -- cp "${files[@]}" "$WORK/heic/out/" \
  :: "privkit mat-strip -o DIR/" -- "$PRIVKIT" mat-strip -q -o "$WORK/heic/out/" "${files[@]}"
"$PRIVKIT" mat-strip -q -o "$WORK/heic/out/" "${files[@]}"
"$PRIVKIT" mat-strip --check "$WORK"/heic/out/*.heic >/dev/null
echo "  peers, once:"
RUNS=1 race cp -- cp "${files[@]}" "$WORK/heic/out/" \
  :: "exiftool -all=" -- exiftool -q -all= -o "$WORK/heic/out/" "${files[@]}" \
  || echo "  exiftool failed (its message is above)"
