#!/usr/bin/env bash
# Fuzzes every parser for a bounded time each, starting from the test fixtures:
#   fuzz/run.sh [SECONDS] [TARGET...]   (default 300 s per target, all targets; needs nightly
#                                        and cargo-fuzz: cargo install cargo-fuzz)
# Targets: kdbx_open, kdbx_xml, mat_strip, qr_inspect, qr_blocklist. A crash is saved under
# fuzz/artifacts/TARGET/ and the script exits non-zero: add the file to the applet's testdata
# (testdata/kdbx-audit/crash/ is run by tests/kdbx_audit.rs, testdata/qr-inspect/crash/ by
# tests/qr_inspect.rs; for mat-strip, testdata/mat-strip/crash/ is run by
# tests/mat_strip/hardening.rs, or add a fixture and a test that fails on it) and fix it.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_TO_RUN=${1:-300}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(kdbx_open kdbx_xml mat_strip qr_inspect qr_blocklist)

seed() {
    local target=$1 corpus=corpus/$1
    mkdir -p "$corpus"
    case $target in
        kdbx_open) cp ../testdata/kdbx-audit/*.kdbx ../testdata/kdbx-audit/crash/*.kdbx "$corpus"/ ;;
        # The fixtures' decrypted XML (keepassxc-cli, if installed: the crate's parser reads
        # KeePassXC's export as the decrypted payload, protected values in clear).
        kdbx_xml) if command -v keepassxc-cli >/dev/null; then
                      for db in ../testdata/kdbx-audit/{kdbx3,kdbx4-aes-argon2d,history-self,empty-attachment,url-password,known-bad}.kdbx; do
                          echo "correct horse battery staple fixture" |
                              keepassxc-cli export -q --format xml "$db" > "$corpus/$(basename "$db" .kdbx).xml" || true
                      done
                  fi ;;
        # Every fixture file (not the scripts that made them), media formats included.
        mat_strip) find ../testdata/mat-strip -type f ! -name '*.py' ! -name '*.md' ! -name '*.sh' \
                       -size -1M -exec cp {} "$corpus"/ \;
                   # And the media fixtures cut short (cleaned with a warning, or refused).
                   for f in ../testdata/mat-strip/media/*; do
                       case $f in *.py | *.md) continue ;; esac
                       size=$(stat -c %s "$f")
                       if [ "$size" -lt 1048576 ]; then head -c $((size * 4 / 5)) "$f" > "$corpus/cut-${f##*/}"; fi
                   done ;;
        qr_inspect) find ../testdata/qr-inspect -type f \( -name '*.png' -o -name '*.jpg' -o -name '*.gif' \
                       -o -name '*.webp' -o -name '*.bmp' \) -size -1M -exec cp {} "$corpus"/ \; ;;
        qr_blocklist) cp ../testdata/qr-inspect/lists/* "$corpus"/ ;;
    esac
}

for target in "${TARGETS[@]}"; do
    seed "$target"
    # -rss_limit_mb bounds memory, -timeout any input that takes too long (a hang is a bug).
    # kdbx fixtures whose key derivation is slow are kept but not derived (see its target).
    cargo +nightly fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$SECONDS_TO_RUN" -max_len=1048576 -timeout=10 -rss_limit_mb=1024
done
