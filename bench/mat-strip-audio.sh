#!/usr/bin/env bash
# Benchmark: privkit mat-strip on audio (issue 14), against cp of the same input in the same run,
# with mat2 and `exiftool -all=` measured beside it (exiftool cannot write FLAC, WAV or MP3: it
# refuses them, and its time is the time it takes to say so).
#   - a WAV of WAV_MB (500) MB with bext, LIST/INFO and iXML chunks (the BWF fixture's),
#   - a FLAC of FLAC_MB (200) MB (noise, so it does not shrink) with a VORBIS_COMMENT, the
#     fixture's cover art and a leading ID3 tag,
#   - MP3S (2000) copies of the tagged MP3 fixture (ID3v2.3, APEv2, ID3v1, cover art), cleaned
#     into a directory (-o DIR/) against `cp -r`.
# Prints the best wall time of 3 runs, the ratio to cp, and each tool's peak RSS (GNU time %M).
# privkit fsyncs every output and its directory before renaming it into place (atomic, durable
# writes); cp does not, so "cp + fsync" rows give the like-for-like floor beside plain cp (on
# many small files the fsyncs, not the parsing, are what costs).
#
#   bench/mat-strip-audio.sh [WAV_MB [FLAC_MB [MP3S]]]      (defaults 500 200 2000)
# Needs ffmpeg, flac, GNU time; mat2 and exiftool if installed. Writes to BENCH_TMP (default /tmp),
# deleted after.
set -euo pipefail
cd "$(dirname "$0")/.."
WAV_MB=${1:-500}
FLAC_MB=${2:-200}
MP3S=${3:-2000}
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/privkit-audiobench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# PRIVKIT=path/to/privkit runs another build (a quick check of this script with a debug one).
if [ -z "${PRIVKIT:-}" ]; then
  cargo build --release --quiet -p privkit
  PRIVKIT=$PWD/target/release/privkit
fi
MEDIA=testdata/mat-strip/media

/usr/bin/python3 - "$WORK" "$WAV_MB" "$FLAC_MB" "$MEDIA" <<'PY'
import os, random, struct, sys
work, wav_mb, flac_mb, media = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(7)
src = open(f"{media}/wav-bwf.wav", "rb").read()
chunks, pos = {}, 12
while pos + 8 <= len(src):
    cid, size = src[pos:pos + 4], struct.unpack("<I", src[pos + 4:pos + 8])[0]
    chunks.setdefault(cid, src[pos:pos + 8 + size + (size & 1)])
    pos += 8 + size + (size & 1)
meta = b"".join(chunks[c] for c in (b"bext", b"LIST", b"iXML") if c in chunks)
data = wav_mb << 20
with open(f"{work}/big.wav", "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", 4 + len(chunks[b"fmt "]) + len(meta) + 8 + data) + b"WAVE")
    f.write(chunks[b"fmt "] + meta + b"data" + struct.pack("<I", data))
    for i in range(0, data, 1 << 20):
        f.write(rng.randbytes(min(1 << 20, data - i)))
with open(f"{work}/noise.raw", "wb") as f:
    n = flac_mb << 20
    for i in range(0, n, 1 << 20):
        f.write(rng.randbytes(min(1 << 20, n - i)))
PY
flac -s -0 --force-raw-format --endian=little --sign=signed --channels=2 --bps=16 \
  --sample-rate=44100 -T ARTIST="Bench artist" -T LOCATION="+48.8583+002.2944/" \
  --picture="3||cover|64x48x24|testdata/mat-strip/jpeg-baseline.jpg" -o "$WORK/plain.flac" "$WORK/noise.raw"
rm "$WORK/noise.raw"
# The fixture's leading ID3 tag before the big FLAC.
/usr/bin/python3 - "$MEDIA/flac-tagged.flac" "$WORK/plain.flac" "$WORK/big.flac" <<'PY'
import sys
tag = open(sys.argv[1], "rb").read()
tag = tag[: tag.index(b"fLaC")]
with open(sys.argv[3], "wb") as out, open(sys.argv[2], "rb") as f:
    out.write(tag)
    while chunk := f.read(1 << 20):
        out.write(chunk)
PY
rm "$WORK/plain.flac"
mkdir "$WORK/mp3"
for i in $(seq 1 "$MP3S"); do cp "$MEDIA/mp3-id3v23-ape-v1.mp3" "$WORK/mp3/$i.mp3"; done
ls -l "$WORK/big.wav" "$WORK/big.flac"
echo "$MP3S MP3s: $(du -sh "$WORK/mp3" | cut -f1)"

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
  printf '  %-24s %7.2f s  %5.2fx cp  peak RSS %4d MB\n' "$1" "$2" \
    "$(echo "$2 $4" | awk '{print $1 / ($2 > 0 ? $2 : 0.01)}')" "$(($3 / 1024))"
}
peer() { # NAME FILE: mat2 and exiftool on a copy (they write beside it)
  local name=$1 f=$2 ext=${2##*.} w rss
  if command -v mat2 >/dev/null; then
    cp "$f" "$WORK/peer.$ext"
    read -r w rss < <(measure "$WORK/peer.cleaned.$ext" mat2 "$WORK/peer.$ext")
    row "mat2" "$w" "$rss" "$CP"
  fi
  if command -v exiftool >/dev/null; then
    cp "$f" "$WORK/peer.$ext"
    read -r w rss < <(measure "$WORK/peer.out.$ext" exiftool -all= -o "$WORK/peer.out.$ext" "$WORK/peer.$ext")
    ok=$(exiftool -all= -o "$WORK/peer.out.$ext" "$WORK/peer.$ext" 2>&1 | tail -1 || true)
    row "exiftool -all= ($ok)" "$w" "$rss" "$CP"
    rm -f "$WORK/peer.out.$ext"
  fi
  rm -f "$WORK/peer.$ext"
}

for f in big.wav big.flac; do
  read -r CP cprss < <(measure "$WORK/out" cp "$WORK/$f" "$WORK/out")
  read -r PK pkrss < <(measure "$WORK/out.${f##*.}" "$PRIVKIT" mat-strip -o "$WORK/out.${f##*.}" "$WORK/$f")
  "$PRIVKIT" mat-strip -o "$WORK/out.${f##*.}" "$WORK/$f" >/dev/null
  "$PRIVKIT" mat-strip --check "$WORK/out.${f##*.}" >/dev/null
  rm "$WORK/out.${f##*.}"
  # privkit makes each output durable (fsync of the file and its directory, then rename): cp
  # followed by the same fsyncs is the like-for-like floor.
  read -r CPS cpsrss < <(measure "$WORK/out" sh -c 'cp "$1" "$2" && sync "$2" "$(dirname "$2")"' sh "$WORK/$f" "$WORK/out")
  echo "$f ($(( $(stat -c %s "$WORK/$f") >> 20 )) MB):"
  row "cp" "$CP" "$cprss" "$CP"
  row "cp + fsync" "$CPS" "$cpsrss" "$CP"
  row "privkit mat-strip" "$PK" "$pkrss" "$CP"
  peer "$f" "$WORK/$f"
done

read -r CP cprss < <(measure "$WORK/out" cp -r "$WORK/mp3" "$WORK/out")
read -r PK pkrss < <(measure "$WORK/out" "$PRIVKIT" mat-strip -q -r -o "$WORK/out/" "$WORK/mp3")
read -r CPS cpsrss < <(measure "$WORK/out" /usr/bin/python3 -c '
import os, shutil, sys
src, out = sys.argv[1:]
os.mkdir(out)
d = os.open(out, os.O_RDONLY)
for name in os.listdir(src):
    shutil.copyfile(os.path.join(src, name), os.path.join(out, name))
    fd = os.open(os.path.join(out, name), os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    os.fsync(d)
' "$WORK/mp3" "$WORK/out")
echo "$MP3S tagged MP3s (-o DIR/, -r; default -j):"
row "cp -r" "$CP" "$cprss" "$CP"
row "copy + fsync each (-j1)" "$CPS" "$cpsrss" "$CP"
row "privkit mat-strip -r" "$PK" "$pkrss" "$CP"
read -r PK1 pkrss < <(measure "$WORK/out" "$PRIVKIT" mat-strip -q -j1 -o "$WORK/out/" -r "$WORK/mp3")
row "privkit mat-strip -r -j1" "$PK1" "$pkrss" "$CP"
