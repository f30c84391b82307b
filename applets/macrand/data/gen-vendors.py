#!/usr/bin/env python3
"""Builds vendors.bin, macrand's built-in vendor database, from Debian's ieee-data package
(`apt-get install ieee-data`): the IEEE registries MA-L (24-bit prefixes), MA-M (28-bit) and
MA-S with the older IAB (36-bit).

    python3 applets/macrand/data/gen-vendors.py [/usr/share/ieee-data] > applets/macrand/data/vendors.bin

Encoding (documented in ../src/vendor/embedded.rs, which reads it): a raw DEFLATE stream of
    b"PKOUI1\\n", u64 LE date (ieee-data's .lastupdate, seconds since 1970),
    u32 LE name count, the names each ended by b"\\n" (most used first),
    for MA-L, MA-M, MA-S in turn: u32 LE entry count, then for the entries sorted by prefix
    the LEB128 differences from the previous prefix, then their LEB128 name indices.
Names are stored once (Apple, Huawei, Cisco hold hundreds of prefixes), the most used get the
one-byte indices, sorted prefixes become small differences, and keeping differences apart from
indices lets DEFLATE find the repeats in each (3% smaller than interleaved).
"""

import collections
import csv
import os
import struct
import sys
import unicodedata
import zlib

SOURCES = [  # (registry kept, files, hex digits of the prefix)
    ("MA-L", ["oui.csv"], 6),
    ("MA-M", ["mam.csv"], 7),
    ("MA-S", ["oui36.csv", "iab.csv"], 9),
]


def leb128(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


# Invisible characters that are dropped from names, as privkit_core::escape::is_terminal_trap
# defines them (and the CSV reader in ../src/vendor/csv.rs drops them): controls, bidi marks,
# zero-width characters, the BOM, tag characters, Hangul fillers.
TRAPS = [
    (0x00AD, 0x00AD), (0x061C, 0x061C), (0x180E, 0x180E), (0x200B, 0x200F),
    (0x2028, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB), (0x115F, 0x1160), (0x3164, 0x3164), (0xFFA0, 0xFFA0),
    (0xE0000, 0xE007F),
]


def is_trap(c):
    o = ord(c)
    return unicodedata.category(c) == "Cc" or any(a <= o <= b for a, b in TRAPS)


def clean(name):
    # One line per name (the reader splits on newlines), without invisible characters, and
    # runs of white space made one space.
    return " ".join("".join(c for c in name if not is_trap(c)).split())


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/ieee-data"
    with open(os.path.join(base, ".lastupdate")) as f:
        date = int(f.read().strip())
    tables = []
    for _, files, digits in SOURCES:
        entries = {}
        for name in files:
            with open(os.path.join(base, name), newline="", encoding="utf-8") as f:
                rows = csv.reader(f)
                next(rows)
                for row in rows:
                    if len(row) < 3 or len(row[1]) != digits:
                        raise SystemExit(f"{name}: unexpected row {row!r}")
                    entries.setdefault(int(row[1], 16), clean(row[2]))
        tables.append(sorted(entries.items()))
    uses = collections.Counter(n for t in tables for _, n in t)
    names = [n for n, _ in sorted(uses.items(), key=lambda kv: (-kv[1], kv[0]))]
    index = {n: i for i, n in enumerate(names)}
    out = bytearray(b"PKOUI1\n")
    out += struct.pack("<I", len(names))
    for n in names:
        out += n.encode("utf-8") + b"\n"
    for table in tables:
        out += struct.pack("<I", len(table))
        prev = 0
        for prefix, _ in table:
            out += leb128(prefix - prev)
            prev = prefix
        for _, name in table:
            out += leb128(index[name])
    z = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    packed = z.compress(bytes(out)) + z.flush()
    sys.stdout.buffer.write(struct.pack("<Q", date) + packed)
    print(
        f"{sum(len(t) for t in tables)} prefixes, {len(names)} names, "
        f"{len(out)} bytes, compressed to {len(packed)}",
        file=sys.stderr,
    )


main()
