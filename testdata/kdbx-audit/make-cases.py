#!/usr/bin/env python3
"""Makes the kdbx-audit fixtures that keepassxc-cli cannot write: a KDBX 3 writer of ~60 lines
(pip install pycryptodomex) for KDBX 2.x, an empty compressed attachment, URL passwords,
KeePassXC's "exclude from reports" flag, history holding the current password and a
64-hex-digit key file; then byte edits of valid fixtures: a tampered KDBX 3.1 header, damaged
and malformed XML key files, and one file per place where a corrupt database once panicked
(crash/). Run from anywhere after make-fixtures.py; every file opens in keepassxc-cli as the
tests expect (tests/kdbx_audit.rs checks where keepassxc-cli is installed)."""
import base64
import gzip
import hashlib
import importlib.util
import os
import struct
import uuid
from xml.sax.saxutils import escape

from Cryptodome.Cipher import AES, ChaCha20

HERE = os.path.dirname(os.path.abspath(__file__))
CRASH = os.path.join(HERE, "crash")
PASSWORD = "correct horse battery staple fixture"
AES_ID = bytes.fromhex("31c1f2e6bf714350be5805216afc5aff")
CHACHA20_ID = bytes.fromhex("d6038a2b8b6f4cb5a524339a31dbb59a")
ROUNDS = 1000

spec = importlib.util.spec_from_file_location("fixtures", os.path.join(HERE, "make-fixtures.py"))
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)


def uid():
    return base64.b64encode(uuid.uuid4().bytes).decode()


def composite(password, key32):
    parts = b""
    if password is not None:
        parts += hashlib.sha256(password.encode()).digest()
    if key32 is not None:
        parts += key32
    return hashlib.sha256(parts).digest()


def kdbx3(path, meta, root, password=PASSWORD, key32=None, major=3, minor=1, cipher=AES_ID,
          header_hash=True):
    master_seed, transform_seed = os.urandom(32), os.urandom(32)
    iv = os.urandom(12 if cipher == CHACHA20_ID else 16)
    stream_start = os.urandom(32)
    fields = [(2, cipher), (3, struct.pack("<I", 1)), (4, master_seed), (5, transform_seed),
              (6, struct.pack("<Q", ROUNDS)), (7, iv), (8, os.urandom(32)), (9, stream_start),
              (10, struct.pack("<I", 2)), (0, b"\r\n\r\n")]
    header = bytes.fromhex("03d9a29a67fb4bb5") + struct.pack("<HH", minor, major)
    header += b"".join(struct.pack("<BH", k, len(v)) + v for k, v in fields)
    if header_hash:
        meta = f"<HeaderHash>{base64.b64encode(hashlib.sha256(header).digest()).decode()}</HeaderHash>" + meta
    xml = ('<?xml version="1.0" encoding="utf-8" standalone="yes"?><KeePassFile><Meta>'
           f"<Generator>privkit make-cases</Generator>{meta}</Meta><Root>{root}</Root></KeePassFile>")
    data = gzip.compress(xml.encode())
    blocks = struct.pack("<I", 0) + hashlib.sha256(data).digest() + struct.pack("<I", len(data)) + data
    blocks += struct.pack("<I", 1) + bytes(32) + struct.pack("<I", 0)
    key = composite(password, key32)
    ecb = AES.new(transform_seed, AES.MODE_ECB)
    for _ in range(ROUNDS):
        key = ecb.encrypt(key)
    master = hashlib.sha256(master_seed + hashlib.sha256(key).digest()).digest()
    plain = stream_start + blocks
    if cipher == CHACHA20_ID:
        body = ChaCha20.new(key=master, nonce=iv).encrypt(plain)
    else:
        pad = 16 - len(plain) % 16
        body = AES.new(master, AES.MODE_CBC, iv).encrypt(plain + bytes([pad]) * pad)
    with open(os.path.join(HERE, path), "wb") as f:
        f.write(header + body)


def entry(title, password, url="", history=(), custom=""):
    def one(pw):
        return (f"<Entry><UUID>{u}</UUID>{custom}<String><Key>Title</Key><Value>{escape(title)}</Value></String>"
                f"<String><Key>Password</Key><Value>{escape(pw)}</Value></String>"
                f"<String><Key>URL</Key><Value>{escape(url)}</Value></String>")
    u = uid()
    hist = "".join(one(pw) + "</Entry>" for pw in history)
    return one(password) + (f"<History>{hist}</History>" if history else "") + "</Entry>"


def group(name, *children):
    return f"<Group><UUID>{uid()}</UUID><Name>{name}</Name>{''.join(children)}</Group>"


A = "Tr0ub4dor&3-shared-A"


def header_fields(data, size=2):
    """(type, value offset, value length) of each outer header field."""
    pos, out = 12, []
    while True:
        kind = data[pos]
        length = int.from_bytes(data[pos + 1:pos + 1 + size], "little")
        out.append((kind, pos + 1 + size, length))
        pos += 1 + size + length
        if kind == 0:
            return out


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def read(name):
    with open(os.path.join(HERE, name), "rb") as f:
        return f.read()


def vd(entries):
    out = b"\x00\x01"
    for kind, key, value in entries:
        out += bytes([kind]) + struct.pack("<I", len(key)) + key + struct.pack("<I", len(value)) + value
    return out + b"\x00"


def with_kdf_params(data, params):
    """A KDBX 4 file whose KDF parameter field (11) is replaced by `params`."""
    for kind, start, length in header_fields(data, 4):
        if kind == 11:
            return data[:start - 4] + struct.pack("<I", len(params)) + params + data[start + length:]
    raise ValueError("no KDF parameters")


if __name__ == "__main__":
    two = group("Root", entry("Site", A), entry("Other", A))
    kdbx3("kdbx2.kdbx", "", two, major=2, minor=1, header_hash=False)
    kdbx3("empty-attachment.kdbx", '<Binaries><Binary ID="0" Compressed="True"/></Binaries>',
          group("Root", entry("Notes", A).replace(
              "</Entry>", '<Binary><Key>empty.txt</Key><Value Ref="0"/></Binary></Entry>', 1)))
    kdbx3("url-password.kdbx", "", group(
        "Root", entry("Router", "Xr4!kP9#mQ2$wL7&-router", url="http://admin:S3cret-in-URL@192.168.1.1/")))
    known_bad = "<CustomData><Item><Key>KnownBad</Key><Value>true</Value></Item></CustomData>"
    kdbx3("known-bad.kdbx", "", group(
        "Root", entry("Flagged", "password", custom=known_bad), entry("Normal", "zq8#Lm2!vR9t$Wp4-unique1")))
    kdbx3("history-self.kdbx", "", group(
        "Root", entry("Bank", "q7!Rz#2vK9$mW4&pL8-bank", history=["q7!Rz#2vK9$mW4&pL8-bank", "older-Pw-9#x!"]),
        entry("Mail", "zq8#Lm2!vR9t$Wp4-unique1")))
    hex_key = "0123456789abcdefABCDEF0123456789fedcba9876543210FEDCBA9876543210"
    write(os.path.join(HERE, "hex-key.key"), hex_key.encode())
    kdbx3("hex-key.kdbx", "", two, password=None, key32=bytes.fromhex(hex_key))
    # KDBX 3.1 in ChaCha20 (a stream cipher: a truncated file decrypts without a padding error).
    kdbx3("kdbx3-chacha20.kdbx", "", two, cipher=CHACHA20_ID)

    # A header edited after saving: the inner stream key changed, the HeaderHash not.
    data = bytearray(read("kdbx3.kdbx"))
    (start,) = [s for k, s, _ in header_fields(data) if k == 8]
    data[start] ^= 0x01
    write(os.path.join(HERE, "kdbx3-tampered.kdbx"), data)
    key = read("keyfile-only.keyx").decode()
    write(os.path.join(HERE, "damaged.keyx"), key.replace('Hash="C96F0274"', 'Hash="C96F0275"').encode())
    write(os.path.join(HERE, "malformed.keyx"), key.replace("F38DBCD3", "F38DBCDZ").encode())

    # One file per place where a corrupt database panicked (all exit 65 now).
    os.makedirs(CRASH, exist_ok=True)
    chacha = read("kdbx3-chacha20.kdbx")
    end = header_fields(chacha)[-1]
    body = end[1] + end[2]
    write(os.path.join(CRASH, "kdbx3-head-300.kdbx"), chacha[:300])  # block data cut short
    write(os.path.join(CRASH, "kdbx3-stream-start-cut.kdbx"), chacha[:body + 20])
    write(os.path.join(CRASH, "kdbx3-block-header-cut.kdbx"), chacha[:body + 32 + 30])
    write(os.path.join(CRASH, "kdbx3-block-size-cut.kdbx"), chacha[:body + 32 + 4 + 32 + 2])
    write(os.path.join(CRASH, "kdbx3-header-cut.kdbx"), chacha[:60])
    aes3 = read("kdbx2.kdbx")
    (comp,) = [(s, n) for k, s, n in header_fields(aes3) if k == 3]
    write(os.path.join(CRASH, "kdbx3-short-compression-field.kdbx"),
          aes3[:comp[0] - 2] + struct.pack("<H", 1) + aes3[comp[0]:comp[0] + 1] + aes3[comp[0] + 4:])
    k4 = read("kdbx4-aes-argon2d.kdbx")
    argon2 = [(0x42, b"$UUID", bytes.fromhex("ef636ddf8c29444b91f7a9a403e30a0c")),
              (0x05, b"M", struct.pack("<Q", 1 << 20)), (0x05, b"I", struct.pack("<Q", 2)),
              (0x04, b"V", struct.pack("<I", 0x13)), (0x42, b"S", bytes(32))]
    huge = bytearray(vd(argon2 + [(0x04, b"P", struct.pack("<I", 2))]))
    huge[-5 - 4:-5] = struct.pack("<I", 0x7FFFFFFF)
    write(os.path.join(CRASH, "kdbx4-kdf-value-length.kdbx"), with_kdf_params(k4, bytes(huge)))
    write(os.path.join(CRASH, "kdbx4-kdf-empty-parallelism.kdbx"),
          with_kdf_params(k4, vd(argon2 + [(0x04, b"P", b"")])))
    huge_key = bytearray(vd(argon2))
    huge_key[3:7] = struct.pack("<I", 0xFFFFFFF0)
    write(os.path.join(CRASH, "kdbx4-kdf-key-length.kdbx"), with_kdf_params(k4, bytes(huge_key)))
    write(os.path.join(CRASH, "kdbx4-kdf-one-byte.kdbx"), with_kdf_params(k4, b"\x00"))
    write(os.path.join(CRASH, "kdbx4-kdf-aes-short-seed.kdbx"), with_kdf_params(k4, vd([
        (0x42, b"$UUID", bytes.fromhex("c9d9f39a628a4460bf740d08c18a4fea")),
        (0x05, b"R", struct.pack("<Q", 1000)), (0x42, b"S", bytes(5))])))
    # Timestamps that are not ISO 8601 are read as Base64 seconds: too short a value, and one
    # out of chrono's range.
    for name, stamp in [("kdbx3-short-timestamp.kdbx", "AAAA"),
                        ("kdbx3-huge-timestamp.kdbx", base64.b64encode(struct.pack("<q", -(1 << 62))).decode())]:
        times = f"<Times><LastModificationTime>{stamp}</LastModificationTime></Times>"
        kdbx3(os.path.join(CRASH, name), "", group("Root", entry("Site", "pw").replace("<UUID>", times + "<UUID>", 1)))
    # Groups nested 100,000 deep: 20 KB that overflowed the stack (abort, 134).
    deep = 100000
    kdbx3(os.path.join(CRASH, "kdbx3-deep-groups.kdbx"), "",
          f"<Group><UUID>{uid()}</UUID><Name>g</Name>" * deep + "</Group>" * deep)
    for name in sorted(os.listdir(CRASH)):
        print(f"{os.path.getsize(os.path.join(CRASH, name)):8d} crash/{name}")
