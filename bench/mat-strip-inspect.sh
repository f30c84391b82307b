#!/usr/bin/env bash
# Does `mat-strip --show` name what exiftool names? For every file of the shared corpora
# (../shared/corpora, or CORPORA=DIR; or the files given as arguments) that mat-strip reads,
# every identifying tag exiftool reports (authors, creators, GPS, serials, make and model,
# owner, software, last editor, city) must appear among --show --json's values, compared
# normalised (case and spaces; GPS as decimal degrees to 1e-4; dates ISO). Prints one line per
# miss (`MISS FILE GROUP:TAG VALUE`), then the totals:
#
#   files 119, read by mat-strip 80, exiftool tags 412, identifying 97, found 95, missed 2
#
# Needs exiftool (libimage-exiftool-perl) and python3. PRIVKIT=path picks the binary (default:
# the debug build, built if missing). Files mat-strip refuses are counted apart: they are the
# corpora benchmark's business (bench/mat-strip-corpora.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
CORPORA=${CORPORA:-$PWD/../shared/corpora}
if [ -z "${PRIVKIT:-}" ]; then
  cargo build --quiet -p privkit
  PRIVKIT=$PWD/target/debug/privkit
fi
command -v exiftool >/dev/null || { echo "exiftool not installed" >&2; exit 69; }
if [ $# -eq 0 ]; then
  mapfile -d '' files < <(find "$CORPORA" -type f ! -name 'README*' -print0 | sort -z)
else
  files=("$@")
fi
PRIVKIT=$PRIVKIT python3 - "${files[@]}" <<'EOF'
import json, os, re, subprocess, sys

files = sys.argv[1:]
# Tag names (exiftool's, without group) that identify a person, a place or a device.
IDENTIFYING = re.compile(
    r"^(.*Author.*|.*Creator.*|Artist|By-line|.*Owner.*|.*SerialNumber|Make|Model|LensMake|"
    r"LensModel|Software|GPSLatitude|GPSLongitude|LastModifiedBy|Company|City|HostComputer|"
    r"Producer|Writer-Editor|Copyright|Rights)$"
)
# Groups that describe the file system or exiftool itself, or values exiftool computes.
SKIP_GROUPS = {"System", "ExifTool", "File", "Composite"}


def norm(v):
    return re.sub(r"\s+", " ", str(v)).strip().lower()


def values(items):
    return [norm(i.get("value", "")) for i in items]


def as_float(v):
    try:
        return abs(float(str(v).split()[0]))
    except (ValueError, IndexError):
        return None


def matches(tag, value, shown):
    want = norm(", ".join(map(str, value)) if isinstance(value, list) else value)
    if not want:
        return True
    if tag.startswith("GPS"):
        x = as_float(value)
        return x is not None and any(
            (y := as_float(s)) is not None and abs(x - y) < 1e-4 for s in shown
        )
    want = want[:100]
    return any(want in s or (len(s) >= 20 and s.rstrip(".") in want) for s in shown)


exif = {}
for i in range(0, len(files), 50):
    out = subprocess.run(
        ["exiftool", "-j", "-n", "-G1", "-a", "-u", "-struct", "--", *files[i:i + 50]],
        capture_output=True, text=True,
    ).stdout
    for entry in json.loads(out or "[]"):
        exif[entry["SourceFile"]] = entry

read = tags_total = identifying = found = 0
for f in files:
    r = subprocess.run(
        [os.environ["PRIVKIT"], "mat-strip", "--show", "--json", "--", f],
        capture_output=True, text=True,
    )
    try:
        report = json.loads(r.stdout.splitlines()[0])
    except (IndexError, json.JSONDecodeError):
        continue
    if report.get("status") not in ("shown",):
        continue
    read += 1
    shown = values(report.get("removed", []) + report.get("kept", []) + report.get("unchecked", []))
    for key, value in exif.get(f, {}).items():
        if ":" not in key:
            continue
        group, tag = key.split(":", 1)
        # ICC profiles are kept on purpose (colours): their creator is a colour library.
        if group in SKIP_GROUPS or group.startswith("ICC"):
            continue
        tags_total += 1
        if not IDENTIFYING.match(tag) or tag.startswith("MakerNote"):
            continue
        if isinstance(value, str) and value.startswith("(Binary data"):
            continue
        identifying += 1
        if matches(tag, value, shown):
            found += 1
        else:
            print(f"MISS {f} {key} {str(value)[:80]!r}")
print(
    f"files {len(files)}, read by mat-strip {read}, exiftool tags {tags_total}, "
    f"identifying {identifying}, found {found}, missed {identifying - found}"
)
EOF
