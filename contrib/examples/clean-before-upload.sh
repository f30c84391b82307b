#!/bin/sh
# Cleans every file in a directory before it is uploaded or shared, and refuses to say "done"
# unless each one then checks clean.
#
#   clean-before-upload.sh DIR
#
# For each file: `mat-strip --check` first (exit 0: nothing to remove, 1: metadata found,
# 65: a format mat-strip does not handle). Files with metadata are cleaned in place (atomically:
# a failure leaves the original as it was) and checked again. Files of other formats are listed
# and make the script fail (after every other file has been handled), so that nothing unchecked
# is uploaded by accident.
# Exit status: 0 every file is clean, 1 something could not be cleaned or checked.
set -u
dir=${1:?usage: clean-before-upload.sh DIR}
status=0
cleaned=0
# -print0 / read -d '' is not POSIX sh; file names with newlines are handled by find -exec.
# Every file is handled: a failure is remembered (st) and the loop goes on, so one unsupported
# or broken file in the middle of the folder does not leave the files after it dirty.
find "$dir" -type f ! -name '*.cleaned.*' -exec sh -c '
  st=0
  for f in "$@"; do
    privkit mat-strip --check "$f" > /dev/null 2>&1
    case $? in
      0) ;;                                   # already clean
      1) if privkit mat-strip --inplace "$f" && privkit mat-strip --check "$f" > /dev/null; then
           echo "cleaned: $f"
         else
           echo "FAILED to clean: $f" >&2; st=1
         fi ;;
      65) echo "not checked (format not supported): $f" >&2; st=1 ;;
      *) echo "cannot read: $f" >&2; st=1 ;;
    esac
  done
  exit "$st"' sh {} + || status=1
[ "$status" -eq 0 ] && echo "all files in $dir are clean"
exit "$status"
