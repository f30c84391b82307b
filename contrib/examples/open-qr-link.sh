#!/bin/sh
# Reads the QR code in a screenshot (or photo) and opens its link only if qr-inspect calls it
# safe: a blocked link is never opened, a doubtful one only after you say so.
#
#   open-qr-link.sh IMAGE
#
# qr-inspect's exit code is the verdict (0 ok, 1 warn, 2 blocked, 4 no code, 65/66 bad image);
# --json gives the decoded text and the reasons. OPENER (default xdg-open) opens the link.
set -u
image=${1:?usage: open-qr-link.sh IMAGE}
opener=${OPENER:-xdg-open}
json=$(privkit qr-inspect --json "$image")
verdict=$?
# The first code that is a URL (jq is not assumed: the fields are on one line per code).
url=$(printf '%s\n' "$json" | sed -n 's/.*"text":"\([^"]*\)","kind":"url".*/\1/p' | head -n 1)
case $verdict in
  0) ;;
  1) printf '%s\n' "$json" | sed -n 's/.*"code":"\([a-z-]*\)".*/warning: \1/p' >&2
     if [ -t 0 ]; then
       printf 'Open %s anyway? [y/N] ' "$url" >&2
       read -r answer
       [ "$answer" = y ] || exit 1
     else
       echo "not opening without confirmation (no terminal)" >&2
       exit 1
     fi ;;
  2) echo "blocked: not opening it" >&2; exit 2 ;;
  4) echo "no QR code in $image" >&2; exit 4 ;;
  *) exit "$verdict" ;;
esac
if [ -z "$url" ]; then
  echo "the code holds no link" >&2
  exit 0
fi
# OPENER may carry arguments ("firefox --private-window"): split on purpose.
# shellcheck disable=SC2086
exec $opener "$url"
