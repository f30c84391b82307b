#!/usr/bin/env bash
# Fuzzes kdbx-audit's open path for a bounded time, starting from the test fixtures:
#   fuzz/run.sh [SECONDS]        (default 300; needs nightly and cargo-fuzz)
# A crash is saved under fuzz/artifacts/kdbx_open/ and the script exits non-zero: add the file
# to testdata/kdbx-audit/crash/ (tests/kdbx_audit.rs runs every file there) and fix it.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_TO_RUN=${1:-300}
CORPUS=corpus/kdbx_open
mkdir -p "$CORPUS"
cp ../testdata/kdbx-audit/*.kdbx ../testdata/kdbx-audit/crash/*.kdbx "$CORPUS"/
# Fixtures whose key derivation is slow are kept (their headers are mutated too) but the target
# skips deriving them; -rss_limit_mb bounds memory, -timeout any input that takes too long.
cargo +nightly fuzz run kdbx_open "$CORPUS" -- \
    -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 -rss_limit_mb=1024
