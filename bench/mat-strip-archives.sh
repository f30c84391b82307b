#!/usr/bin/env bash
# Benchmark: privkit mat-strip on big archives (issue 15), against cp of the same input and mat2
# (if installed) in the same run:
#   - a tar.gz of TGZ_MB (200) MB: a member of noise (does not compress, so the output is as big
#     as the input) and the tagged JPEG fixture; the output is compressed into a spool file,
#     so peak RSS stays bounded (target 64 MB) whatever the size;
#   - a zip holding a ZIP_MB (1024) MB member of a supported format (the JPEG fixture behind
#     64 KiB comment segments, stored), cleaned from a temporary file (no member held whole).
# Prints the best wall time of 3 runs, the ratio to cp, and each tool's peak RSS (GNU time %M).
#
#   bench/mat-strip-archives.sh [TGZ_MB [ZIP_MB]]      (defaults 200 1024)
# Needs python3, tar, gzip, GNU time; mat2 if installed. Writes to BENCH_TMP (default /tmp),
# deleted after.
set -euo pipefail
cd "$(dirname "$0")/.."
TGZ_MB=${1:-200}
ZIP_MB=${2:-1024}
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/privkit-archivebench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
if [ -z "${PRIVKIT:-}" ]; then
  cargo build --release --quiet -p privkit
  PRIVKIT=$PWD/target/release/privkit
fi
PHOTO=testdata/mat-strip/jpeg-baseline.jpg

mkdir "$WORK/tree"
head -c "$((TGZ_MB << 20))" /dev/urandom > "$WORK/tree/noise.bin"
cp "$PHOTO" "$WORK/tree/photo.jpg"
tar -czf "$WORK/big.tar.gz" -C "$WORK/tree" noise.bin photo.jpg
rm -rf "$WORK/tree"
/usr/bin/python3 - "$PHOTO" "$WORK/big.zip" "$ZIP_MB" <<'PY'
import sys, zipfile
photo, out, mb = open(sys.argv[1], "rb").read(), sys.argv[2], int(sys.argv[3])
comment = b"\xff\xfe\xff\xff" + b"c" * 65533
with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
    with z.open("video/photo.jpg", "w", force_zip64=True) as f:
        f.write(photo[:2])
        for _ in range((mb << 20) // len(comment)):
            f.write(comment)
        f.write(photo[2:])
PY
ls -l "$WORK/big.tar.gz" "$WORK/big.zip"

measure() { # OUT "$@" -> "best-wall-seconds peak-RSS-KB" of 3 runs; OUT removed after each
  local out=$1 best=999999 rss=0 line
  shift
  for _ in 1 2 3; do
    sync
    /usr/bin/time -o "$WORK/time" -f '%e %M' "$@" >/dev/null 2>&1 || true
    line=$(tail -1 "$WORK/time")
    best=$(echo "${line% *} $best" | awk '{print ($1 < $2) ? $1 : $2}')
    rss=${line#* }
    rm -rf "$out"
  done
  echo "$best $rss"
}
row() { # NAME WALL RSS CP
  printf '  %-24s %7.2f s  %6.2fx cp  peak RSS %4d MB\n' "$1" "$2" \
    "$(echo "$2 $4" | awk '{print $1 / ($2 > 0 ? $2 : 0.01)}')" "$(($3 / 1024))"
}

for f in big.tar.gz big.zip; do
  ext=${f#big.}
  read -r CP cprss < <(measure "$WORK/out" cp "$WORK/$f" "$WORK/out")
  read -r PK pkrss < <(measure "$WORK/out.$ext" "$PRIVKIT" mat-strip -o "$WORK/out.$ext" "$WORK/$f")
  # Exit 1: the noise member is kept and listed as unchecked.
  "$PRIVKIT" mat-strip -q -o "$WORK/out.$ext" "$WORK/$f" || [ $? -eq 1 ]
  "$PRIVKIT" mat-strip -q --check "$WORK/out.$ext" || [ $? -eq 1 ]
  rm "$WORK/out.$ext"
  echo "$f ($(( $(stat -c %s "$WORK/$f") >> 20 )) MB):"
  row "cp" "$CP" "$cprss" "$CP"
  row "privkit mat-strip" "$PK" "$pkrss" "$CP"
  if [ "$f" = big.tar.gz ]; then
    # Like for like: inflating and deflating again at gzip's default level is the floor.
    read -r GZ gzrss < <(measure "$WORK/out" sh -c 'gzip -dc "$1" | gzip -6 > "$2"' sh "$WORK/$f" "$WORK/out")
    row "gzip -dc | gzip -6" "$GZ" "$gzrss" "$CP"
  fi
  # mat2 refuses an archive holding a member of a format it does not know (the noise): its
  # time is then the time it takes to say so.
  if command -v mat2 >/dev/null; then
    cp "$WORK/$f" "$WORK/peer.$ext"
    read -r w rss < <(measure "$WORK/peer.cleaned.$ext" mat2 "$WORK/peer.$ext")
    row "mat2" "$w" "$rss" "$CP"
    rm -f "$WORK/peer.$ext"
  fi
done
