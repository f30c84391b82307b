#!/usr/bin/python3
"""Runs the peers (mat2, `exiftool -all=`) on copies of every fixture in this folder and prints
the table of peers.md: whether each cleaned the file, and which planted PKSECRET values are
left in the output (searched in the raw bytes and in every decompressed layer, as the tests
must: zip members, gzip/xz/bzip2/zstd, tar members, PDF streams, JPEG XL brob boxes, base64
runs such as Ogg's METADATA_BLOCK_PICTURE, and UTF-16 text as ID3 writes it).

Run from anywhere: /usr/bin/python3 testdata/mat-strip/media/check-peers.py > /tmp/peers.txt
Needs mat2, libimage-exiftool-perl, qpdf, zstd, python3-brotli. Works on copies in a
temporary folder; the fixtures are never touched.
"""
import base64
import binascii
import bz2
import gzip
import io
import lzma
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = (".py", ".md")
TOKEN = re.compile(rb"PKSECRET[-A-Za-z0-9_.]*")


def layers(data, depth=0):
    """data and every layer that can be unpacked from it."""
    yield data
    if depth > 4:
        return
    inner = []
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                inner += [z.read(n) for n in z.namelist()]
        except Exception:
            pass
    for magic, fn in ((b"\x1f\x8b", gzip.decompress), (b"\xfd7zXZ", lzma.decompress), (b"BZh", bz2.decompress)):
        if data.startswith(magic):
            try:
                inner.append(fn(data))
            except Exception:
                pass
    if data[:4] == b"\x28\xb5\x2f\xfd":
        r = subprocess.run(["zstd", "-dcq"], input=data, capture_output=True)
        inner.append(r.stdout)
    if len(data) > 512 and data[257:262] == b"ustar":
        try:
            with tarfile.open(fileobj=io.BytesIO(data)) as t:
                inner += [t.extractfile(m).read() for m in t.getmembers() if m.isfile()]
        except Exception:
            pass
    if data[:5] == b"%PDF-":
        with tempfile.TemporaryDirectory() as d:
            src, dst = os.path.join(d, "in.pdf"), os.path.join(d, "out.pdf")
            with open(src, "wb") as f:
                f.write(data)
            subprocess.run(["qpdf", "--qdf", "--object-streams=disable", "--decode-level=all", src, dst], capture_output=True)
            if os.path.exists(dst):
                inner.append(open(dst, "rb").read())
    if b"brob" in data[:4096]:
        try:
            import brotli
            at = 0
            while at + 8 <= len(data):
                size, kind = struct.unpack(">I4s", data[at:at + 8])
                if size < 8:
                    break
                if kind == b"brob":
                    inner.append(brotli.decompress(data[at + 12:at + size]))
                at += size
        except Exception:
            pass
    for run in re.findall(rb"[A-Za-z0-9+/]{200,}={0,2}", data):
        try:
            inner.append(base64.b64decode(run + b"=" * (-len(run) % 4)))
        except (binascii.Error, ValueError):
            pass
    for part in inner:
        yield from layers(part, depth + 1)


def leftovers(name):
    found = set()
    for layer in layers(open(name, "rb").read()):
        found.update(TOKEN.findall(layer))
        for enc in ("utf-16-le", "utf-16-be"):
            for shift in (0, 1):
                text = layer[shift:].decode(enc, errors="replace").encode("ascii", errors="replace")
                found.update(TOKEN.findall(text))
    return sorted(t.decode().rstrip(".") for t in found)


def clean_mat2(src, work, *flags):
    dst = os.path.join(work, "m-" + os.path.basename(src))
    shutil.copy(src, dst)
    r = subprocess.run(["mat2", *flags, dst], capture_output=True, text=True, timeout=300)
    base, ext = os.path.splitext(dst)
    out = base + ".cleaned" + ext
    msg = re.sub(r"/tmp/tmp\w+", "TMP", (r.stdout + r.stderr).replace(work + "/m-", "")).strip().splitlines()
    return (out if os.path.exists(out) else None), (msg[-1] if msg else "")


def clean_mat2_keep(src, work):
    """mat2 aborts on archive members of formats it does not know unless told to keep them."""
    out, msg = clean_mat2(src, work)
    if out is None and "isn't supported" in msg:
        out, msg2 = clean_mat2(src, work, "--unknown-members", "keep")
        return out, (msg2 if out is None else ""), "with --unknown-members keep: "
    return out, msg, ""


def clean_exiftool(src, work):
    out = os.path.join(work, "e-" + os.path.basename(src))
    r = subprocess.run(["exiftool", "-q", "-all=", "-o", out, src], capture_output=True, text=True, timeout=300)
    msg = (r.stdout + r.stderr).replace(HERE + "/", "").strip().splitlines()
    return (out if os.path.exists(out) else None), (msg[-1] if msg else ""), ""


MEDIA = (".mp4", ".mov", ".m4a", ".mkv", ".webm", ".avi", ".mp3", ".flac", ".ogg", ".opus", ".wav", ".aiff")


def streams(name):
    """The packets of the video (not cover) and audio streams, as the README's STREAMS."""
    r = subprocess.run(["ffmpeg", "-v", "error", "-i", name, "-map", "0:V?", "-map", "0:a?", "-c", "copy",
                        "-f", "streamhash", "-"], capture_output=True)
    return r.stdout


def content(src, out):
    """For media: whether the kept streams are packet for packet those of the input. (The
    MP3s' APE/Lyrics3 inputs decode extra junk, so their packets differ on ffmpeg's side.)"""
    if not src.endswith(MEDIA):
        return ""
    return "; streams equal" if streams(src) == streams(out) else "; STREAMS DIFFER"


def summary(tokens, limit=8):
    if not tokens:
        return "none"
    shown = ", ".join(t.replace("PKSECRET-", "") for t in tokens[:limit])
    return f"{len(tokens)}: {shown}" + (", …" if len(tokens) > limit else "")


def main():
    names = sorted(n for n in os.listdir(HERE) if not n.endswith(SKIP))
    with tempfile.TemporaryDirectory(prefix="pk-peers-") as work:
        print("| fixture | planted | mat2 | mat2 leaves | exiftool -all= | exiftool leaves |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name in names:
            src = os.path.join(HERE, name)
            planted = leftovers(src)
            cells = [name, str(len(planted))]
            for fn in (clean_mat2_keep, clean_exiftool):
                out, msg, how = fn(src, work)
                if out is None:
                    cells += [how + "refused: " + msg.replace("|", "/")[:110], "—"]
                else:
                    cells += [how + "cleaned" + content(src, out), summary(leftovers(out))]
                    os.remove(out)
            print("| " + " | ".join(cells) + " |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
