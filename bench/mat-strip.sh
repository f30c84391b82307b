#!/usr/bin/env bash
# Benchmark: privkit mat-strip against cp (the physical limit: copying the files), exiftool
# -all= and mat2, on generated camera-like JPEGs, all measured in the same run.
#
#   bench/mat-strip.sh [LARGE_COUNT [SMALL_COUNT]]     (defaults: 200 and 2000)
#
# (a) LARGE_COUNT 12-megapixel JPEGs with full EXIF (GPS, maker data), XMP, IPTC and a thumbnail;
# (b) SMALL_COUNT ~150 KB ones with the same metadata. Prints wall time, user+sys CPU and the
# ratios to cp; peak memory of privkit per set (it must not grow with the batch).
# Needs python3-pil and libimage-exiftool-perl; mat2 is timed when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
LARGE=${1:-200}
SMALL=${2:-2000}
# On tmpfs by default: on a disk, whichever tool happens to cross the dirty-page threshold pays
# for flushing everyone's writes, which swamps the differences being measured. BENCH_TMP=/var/tmp
# measures on disk instead.
WORK=$(mktemp -d "${BENCH_TMP:-/dev/shm}/privkit-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet
PRIVKIT=$PWD/target/release/privkit

make_set() { # NAME COUNT WIDTH HEIGHT
  local dir=$WORK/$1
  mkdir -p "$dir/src"
  /usr/bin/python3 - "$dir/src" "$3" "$4" <<'PY'
import os, random, sys
from PIL import Image
out, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(1)
for i in range(4):
    # Noise over gradients: compresses like a photo (about 4-5 MB at 12 MP, quality 92).
    noise = Image.effect_noise((w, h), 40 + 10 * i).convert("RGB")
    grad = Image.linear_gradient("L").resize((w, h)).convert("RGB")
    Image.blend(noise, grad, 0.5).save(f"{out}/base{i}.jpg", quality=92)
    thumb = Image.blend(noise, grad, 0.5).resize((160, 120))
    thumb.save(f"{out}/thumb{i}.jpg", quality=80)
PY
  for i in 0 1 2 3; do
    exiftool -q -overwrite_original "-ThumbnailImage<=$dir/src/thumb$i.jpg" \
      -Make=Canon -Model="EOS R5" -Artist="Jane Doe" -Copyright="Jane Doe" -Software="Firmware 1.8" \
      -DateTimeOriginal="2024:06:01 12:00:00" -SerialNumber=123456789 -LensModel="RF24-105mm" \
      -GPSLatitude=48.8583 -GPSLatitudeRef=N -GPSLongitude=2.2944 -GPSLongitudeRef=E -GPSAltitude=35 \
      -XMP-dc:Creator="Jane Doe" -XMP-dc:Description="Holiday" -XMP-xmp:Rating=5 \
      -IPTC:By-line="Jane Doe" -IPTC:City=Paris -IPTC:Keywords=holiday "$dir/src/base$i.jpg"
    rm "$dir/src/thumb$i.jpg"
  done
  mkdir -p "$dir/in"
  for n in $(seq 1 "$2"); do cp "$dir/src/base$((n % 4)).jpg" "$dir/in/IMG_$(printf %05d "$n").jpg"; done
  echo "$1: $2 files, $(du -sh "$dir/in" | cut -f1), $(stat -c %s "$dir/src/base0.jpg") bytes each"
}

# Prints "wall user+sys maxrss_kb" for a command: the fastest of $REPEAT runs (outputs removed
# between runs by the caller's CLEAN command).
REPEAT=${REPEAT:-3}
CLEAN=true
measure() {
  local best="" i
  for i in $(seq "$REPEAT"); do
    eval "$CLEAN"
    sync
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; return 1; }
    local now
    now=$(awk '{printf "%.3f %.3f %d\n", $1, $2 + $3, $4}' "$WORK/time")
    if [ -z "$best" ] || awk -v a="$now" -v b="$best" 'BEGIN { split(a, x); split(b, y); exit !(x[1] < y[1]) }'; then
      best=$now
    fi
  done
  echo "$best"
}

run_set() { # NAME
  local dir=$WORK/$1 files
  files=("$dir"/in/IMG_*.jpg)
  cat "${files[@]}" > /dev/null # warm the page cache for everyone alike
  printf '\n%s (best of %s runs; mat2 once)\n%-26s %8s %9s %9s %9s %10s\n' "$1" "$REPEAT" tool wall_s cpu_s wall/cp cpu/cp peak_rss
  local cp_wall cp_cpu w c rss pk_cpu
  row() { # LABEL WALL CPU RSS
    awk -v l="$1" -v w="$2" -v c="$3" -v r="$4" -v cw="$cp_wall" -v cc="$cp_cpu" \
      'BEGIN { printf "%-26s %8.2f %9.2f %9.2f %9.2f %8d KB\n", l, w, c, w / cw, c / (cc > 0 ? cc : 0.01), r }'
  }
  CLEAN="rm -rf '$dir/out'; mkdir '$dir/out'"
  read -r cp_wall cp_cpu rss < <(measure cp "${files[@]}" "$dir/out/")
  row "cp" "$cp_wall" "$cp_cpu" "$rss"
  CLEAN="rm -rf '$dir/out'; rm -f '$dir'/in/*.cleaned.jpg"
  read -r w c rss < <(measure "$PRIVKIT" mat-strip "${files[@]}")
  row "privkit mat-strip" "$w" "$c" "$rss"
  pk_cpu=$c
  read -r w c rss < <(measure "$PRIVKIT" mat-strip -j1 "${files[@]}")
  row "privkit mat-strip -j1" "$w" "$c" "$rss"
  CLEAN="rm -f '$dir'/in/*.cleaned.jpg; rm -rf '$dir/out'; mkdir '$dir/out'"
  read -r w c rss < <(measure exiftool -q -all= -o "$dir/out/" "${files[@]}")
  row "exiftool -all=" "$w" "$c" "$rss"
  awk -v e="$c" -v p="$pk_cpu" 'BEGIN { printf "%-26s %8.1fx less CPU than exiftool\n", "privkit vs exiftool", e / (p > 0 ? p : 0.01) }'
  if command -v mat2 >/dev/null; then
    CLEAN="rm -rf '$dir/out'; mkdir '$dir/out'; cp '$dir'/in/IMG_*.jpg '$dir/out/'"
    read -r w c rss < <(REPEAT=1 measure mat2 "$dir"/out/IMG_*.jpg)
    row "mat2" "$w" "$c" "$rss"
  fi
  rm -rf "$dir/out"
  CLEAN=true
}

make_set large "$LARGE" 4000 3000
make_set small "$SMALL" 640 480
run_set large
run_set small
