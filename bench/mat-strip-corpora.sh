#!/usr/bin/env bash
# Regression measure, not a speed one: runs mat-strip over every file of the shared corpora
# (../shared/corpora, or CORPORA=DIR) and prints one line per file, `CODE SHA256 PATH`, with the
# hash of the cleaned output (`-` when nothing was written), then a count per exit code on
# stderr. Run it before and after an engine change and diff the two listings: the same codes and
# the same output bytes are expected wherever the policy did not change.
#
#   bench/mat-strip-corpora.sh > before.txt; ...; bench/mat-strip-corpora.sh > after.txt
#   diff before.txt after.txt
#
# PRIVKIT=path/to/privkit picks the binary (default: the debug build, built if missing).
# A PDF's /ID is random on every run: it is blanked before hashing.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPORA=${CORPORA:-$PWD/../shared/corpora}
if [ -z "${PRIVKIT:-}" ]; then
  cargo build --quiet -p privkit
  PRIVKIT=$PWD/target/debug/privkit
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/privkit-corpora.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
declare -A counts
while IFS= read -r -d '' f; do
  rel=${f#"$CORPORA"/}
  out=$WORK/out
  rm -f "$out"
  code=0
  "$PRIVKIT" mat-strip -o "$out" "$f" >/dev/null 2>&1 </dev/null || code=$?
  if [ -f "$out" ]; then
    sum=$(python3 -c '
import hashlib, re, sys
data = open(sys.argv[1], "rb").read()
data = re.sub(rb"/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]", b"/ID[]", data)
print(hashlib.sha256(data).hexdigest())' "$out")
  else
    sum=-
  fi
  printf '%s %s %s\n' "$code" "$sum" "$rel"
  counts[$code]=$(( ${counts[$code]:-0} + 1 ))
done < <(find "$CORPORA" -type f ! -name 'README*' -print0 | sort -z)
for code in "${!counts[@]}"; do
  printf 'exit %s: %s files\n' "$code" "${counts[$code]}" >&2
done
