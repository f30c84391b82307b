#!/usr/bin/env bash
# Benchmark: privkit mat-strip on audio (issue 14), against cp of the same input in the same run,
# with mat2 and `exiftool -all=` measured beside it (exiftool cannot write FLAC, WAV or MP3: it
# refuses them, and its time is the time it takes to say so).
#   - a WAV of WAV_MB (500) MB with bext, LIST/INFO and iXML chunks (the BWF fixture's),
#   - a FLAC of FLAC_MB (200) MB (noise, so it does not shrink) with a VORBIS_COMMENT, the
#     fixture's cover art and a leading ID3 tag,
#   - MP3S (2000) copies of the tagged MP3 fixture (ID3v2.3, APEv2, ID3v1, cover art), cleaned
#     into a directory (-o DIR/) against `cp -r`.
# cp and privkit run in turn RUNS times (5), each after `sync` with the previous output removed
# (bench/lib/race.sh); printed: best and median wall time, each against cp's, median user+sys
# CPU, peak RSS (GNU time %M). Both write new files without flushing them: cp does not, and
# privkit does not flush a new output beside an input that stays. cp here copies with
# copy_file_range (FICLONE is refused on ext4), as privkit moves the audio. Peers run once
# (RUNS=1). Run as root, the script runs itself under `nice -n -10`.
#
#   bench/mat-strip-audio.sh [WAV_MB [FLAC_MB [MP3S]]]      (defaults 500 200 2000)
# Needs ffmpeg, flac, GNU time; mat2 and exiftool if installed. Writes to BENCH_TMP (default /tmp),
# deleted after.
set -euo pipefail
. "$(dirname "$0")/lib/race.sh"
race_renice "$@"
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

for f in big.wav big.flac; do
  ext=${f##*.}
  echo "$f ($(( $(stat -c %s "$WORK/$f") >> 20 )) MB):"
  race_clean_file "$WORK/$f" "$WORK/out.$ext"
  echo "  peers, once (exiftool cannot write $ext: its time is the time it takes to say so):"
  cp "$WORK/$f" "$WORK/peer.$ext"
  CLEAN="rm -f '$WORK/out.$ext' '$WORK/peer.cleaned.$ext'"
  peers=(cp -- cp "$WORK/$f" "$WORK/out.$ext")
  if command -v mat2 >/dev/null; then peers+=(:: mat2 -- mat2 "$WORK/peer.$ext"); fi
  if command -v exiftool >/dev/null; then
    peers+=(:: "exiftool -all=" -- sh -c 'exiftool -all= -o "$1" "$2" || true' sh "$WORK/out.$ext" "$WORK/peer.$ext")
  fi
  RUNS=1 race "${peers[@]}" || echo "  a peer failed (its message is above)"
  rm -f "$WORK/peer.$ext"
done

echo "$MP3S tagged MP3s (-o DIR/, -r; default -j):"
CLEAN="race_aside '$WORK/out'"
race "cp -r" -- cp -r "$WORK/mp3" "$WORK/out" \
  :: "privkit mat-strip -r" -- "$PRIVKIT" mat-strip -q -r -o "$WORK/out/" "$WORK/mp3" \
  :: "privkit mat-strip -r -j1" -- "$PRIVKIT" mat-strip -q -j1 -r -o "$WORK/out/" "$WORK/mp3"
