#!/usr/bin/python3
"""Makes the mat-strip fixtures of issue #15: archives (zip, tar, tar.gz/.xz/.bz2/.zst) holding
a photo and a nested document, hostile archives, EPUB, HTML, CSS, a torrent, PSD, TIFF with
SubIFDs, a DNG-like TIFF, BigTIFF in both byte orders, PDFs (pdfTeX with an included figure,
inline annotations, a damaged linearized file), an xlsx with absPath and a pivot cache, an ODT
whose mimetype is not first, BMP, PNM/PAM with comments and a docx with an OLE2 embedding.
Every planted text value contains PKSECRET; planted dates are 2019-03-04T05:06:07Z (Unix time
1551675967) so a test can search raw bytes and every inflated/decompressed layer for them.

Run from anywhere: /usr/bin/python3 testdata/mat-strip/media/make-archive-fixtures.py
Needs from Debian: python3-pil, python3-tifffile, python3-numpy, imagemagick,
libimage-exiftool-perl, texlive-latex-base, qpdf, libgsf-bin, zstd. The tests use only the
committed output. Dates, ids and seeds are fixed so that a re-run gives the same files.
"""
import bz2
import gzip
import hashlib
import io
import lzma
import os
import re
import shutil
import struct
import subprocess
import tarfile
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PARENT = os.path.join(HERE, "..")
PHOTO = os.path.join(PARENT, "jpeg-baseline.jpg")  # EXIF (GPS, PKSECRET make/model), XMP, IPTC
DOCX = os.path.join(PARENT, "docx-review.docx")  # author, comments, custom properties...
S = "PKSECRET"
EPOCH = 1551675967  # 2019-03-04T05:06:07Z
STAMP = (2019, 3, 4, 5, 6, 8)  # zip times have 2-second steps
TMP = tempfile.mkdtemp(prefix="pk-archive-")
# zip extra fields: extended timestamp (0x5455) and Info-ZIP Unix uid/gid (0x7875).
ZIP_EXTRA = struct.pack("<HHBI", 0x5455, 5, 1, EPOCH) + struct.pack("<HHBBIBI", 0x7875, 11, 1, 4, 1000, 4, 1000)
FIGURE_ROOT = "/tmp/pk-media-fixtures"  # pdfTeX writes the figure's path into the PDF
IMCONVERT = "/usr/bin/convert"  # ImageMagick 6 (a stand-in may shadow it in /usr/local/bin)


def path(name):
    return os.path.join(HERE, name)


def tmp(name):
    return os.path.join(TMP, name)


def run(*args, **kw):
    subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def exiftool(name, *args):
    run("exiftool", "-q", "-overwrite_original", *args, name)


def read(name):
    with open(name, "rb") as f:
        return f.read()


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


# ---- archives ----

# A member of no known format: kept byte for byte, so it holds no planted value (a test can
# check it is unchanged and listed as unchecked).
NOTES = b"Meeting notes: bring the crates list. KEPT-unknown-member\n"


def members():
    """(name, bytes, mode) of the archive members: a photo, a nested document, a text file of
    no supported format (kept byte for byte), and a nested zip holding another photo."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        info = zipfile.ZipInfo("inner/photo.jpg", STAMP)
        info.extra, info.comment = ZIP_EXTRA, f"{S}-inner-EntryComment".encode()
        z.writestr(info, read(PHOTO))
        z.comment = f"{S}-inner-ZipComment".encode()
    return [
        ("album/photo.jpg", read(PHOTO), 0o644),
        ("album/review.docx", read(DOCX), 0o600),
        ("album/notes.txt", NOTES, 0o644),
        ("album/nested.zip", inner.getvalue(), 0o644),
        ("album/run.sh", b"#!/bin/sh\necho hello\n", 0o755),
    ]


def zip_fixture():
    with zipfile.ZipFile(path("zip-nested.zip"), "w") as z:
        for name, data, mode in members():
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that external_attr holds the mode
            info.external_attr = (0o100000 | mode) << 16
            info.extra = ZIP_EXTRA
            info.comment = f"{S}-EntryComment".encode()
            z.writestr(info, data)
        z.comment = f"{S}-ZipComment".encode()


def tar_bytes(entries):
    """A pax tar whose members carry the owner's names, ids, times and xattrs."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as t:
        for entry in entries:
            name, data, mode = entry[:3]
            info = tarfile.TarInfo(name)
            info.mode, info.mtime = mode, EPOCH
            info.uid, info.gid, info.uname, info.gname = 1000, 1000, f"{S}-user", f"{S}-group"
            info.pax_headers = {"atime": f"{EPOCH}.5", "ctime": f"{EPOCH}.25",
                                "SCHILY.xattr.user.xdg.origin.url": f"https://example.invalid/{S}-origin",
                                "comment": f"{S}-pax-comment"}
            kind = entry[3] if len(entry) > 3 else None
            if kind == "dir":
                info.type = tarfile.DIRTYPE
                t.addfile(info)
            elif kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, data.decode()
                t.addfile(info)
            elif kind == "hardlink":
                info.type, info.linkname = tarfile.LNKTYPE, data.decode()
                t.addfile(info)
            else:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
    return out.getvalue()


def tar_fixtures():
    # A global pax header too (as git archive writes: the commit id; here a planted comment).
    entries = [("album", b"", 0o755, "dir")] + members() + [("album/latest.jpg", b"photo.jpg", 0o777, "symlink")]
    data = tar_bytes(entries)
    glob = io.BytesIO()
    with tarfile.open(fileobj=glob, mode="w", format=tarfile.PAX_FORMAT, pax_headers={"comment": f"{S}-global-pax"}) as t:
        pass
    # tarfile writes the global header first; splice it before our members (drop its end blocks).
    head = glob.getvalue()
    head = head[:len(head) - 1024] if head.endswith(b"\0" * 1024) else head
    head = head.rstrip(b"\0")
    head += b"\0" * (-len(head) % 512)
    data = head + data
    write(path("tar-nested.tar"), data)
    # gzip's header has its own mtime and the original file name.
    with open(path("tar-nested.tar.gz"), "wb") as raw:
        with gzip.GzipFile(filename=f"{S}-original-name.tar", mode="wb", fileobj=raw, mtime=EPOCH) as g:
            g.write(data)
    write(path("tar-nested.tar.xz"), lzma.compress(data, preset=6))
    write(path("tar-nested.tar.bz2"), bz2.compress(data, 9))
    write(tmp("t.tar"), data)
    run("zstd", "-q", "-f", "-19", tmp("t.tar"), "-o", path("tar-nested.tar.zst"))


def hostile_fixtures():
    """Each refused as a whole (65): a member that would be written outside the target."""
    for name, member in (("zip-absolute-path.zip", f"/tmp/{S}-absolute.txt"), ("zip-dotdot-path.zip", f"album/../../{S}-dotdot.txt")):
        with zipfile.ZipFile(path(name), "w") as z:
            z.writestr(zipfile.ZipInfo("album/ok.txt", STAMP), b"fine\n")
            z.writestr(zipfile.ZipInfo(member, STAMP), f"{S}-escaped\n".encode())
    # A zip symlink (Unix mode 0120777 in the external attributes) pointing outside.
    with zipfile.ZipFile(path("zip-symlink-outside.zip"), "w") as z:
        info = zipfile.ZipInfo("album/passwd", STAMP)
        info.create_system, info.external_attr = 3, 0o120777 << 16
        z.writestr(info, b"../../../../etc/passwd")
    write(path("tar-absolute-path.tar"), tar_bytes([("album/ok.txt", b"fine\n", 0o644), (f"/tmp/{S}-absolute.txt", b"x\n", 0o644)]))
    write(path("tar-dotdot-path.tar"), tar_bytes([("album/ok.txt", b"fine\n", 0o644), (f"album/../../{S}-dotdot.txt", b"x\n", 0o644)]))
    # A symlink outside, then a file written through it (the classic two-step escape), and a
    # hard link to an absolute path.
    write(path("tar-symlink-outside.tar"), tar_bytes([
        ("album/etc", b"/etc", 0o777, "symlink"), (f"album/etc/{S}-planted.conf", b"x\n", 0o644)]))
    write(path("tar-hardlink-outside.tar"), tar_bytes([("album/shadow", b"/etc/shadow", 0o644, "hardlink")]))


# ---- EPUB ----

BOOK_ID = "urn:uuid:7d1e0b5c-3f4a-4b7e-9c21-5a6f0e8d2b19"  # planted: the cleaner must replace it


def epub_fixture():
    opf = f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="bookid" prefix="calibre: https://calibre-ebook.com">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
    <dc:title>A Walk in the Park</dc:title>
    <dc:language>en</dc:language>
    <dc:identifier id="bookid">{BOOK_ID}</dc:identifier>
    <dc:identifier id="calibre_id" opf:scheme="calibre">{S}-calibre-id</dc:identifier>
    <dc:creator id="creator">{S}-epub-Creator</dc:creator>
    <meta refines="#creator" property="file-as">{S}-epub-Creator-FileAs</meta>
    <dc:contributor>{S}-epub-Contributor (calibre 6.13.0)</dc:contributor>
    <dc:publisher>{S}-epub-Publisher</dc:publisher>
    <dc:rights>Copyright {S}-epub-Rights</dc:rights>
    <dc:date>2019-03-04T05:06:07Z</dc:date>
    <meta property="dcterms:modified">2019-03-04T05:06:07Z</meta>
    <meta name="calibre:timestamp" content="2019-03-04T05:06:07+00:00"/>
    <meta name="calibre:author_link_map" content="{{&quot;{S}-epub-Creator&quot;: &quot;https://example.invalid/{S}&quot;}}"/>
    <meta name="calibre:user_metadata:#read" content="{{&quot;#value#&quot;: &quot;{S}-calibre-user&quot;}}"/>
    <meta name="cover" content="cover-image"/>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
    <item id="ch1" href="chapter1.xhtml" media-type="application/xhtml+xml"/>
    <item id="cover-image" href="images/photo.jpg" media-type="image/jpeg" properties="cover-image"/>
  </manifest>
  <spine toc="ncx"><itemref idref="ch1"/></spine>
</package>
"""
    ncx = f"""<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
  <head><meta name="dtb:uid" content="{BOOK_ID}"/><meta name="dtb:depth" content="1"/>
    <meta name="dtb:generator" content="{S}-ncx-generator"/></head>
  <docTitle><text>A Walk in the Park</text></docTitle>
  <navMap><navPoint id="np1" playOrder="1"><navLabel><text>Chapter One</text></navLabel><content src="chapter1.xhtml"/></navPoint></navMap>
</ncx>
"""
    nav = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>Contents</title><meta name="dtb:uid" content="{BOOK_ID}"/></head>
<body><!-- {S}-nav-comment --><nav epub:type="toc" id="toc"><ol><li><a href="chapter1.xhtml">Chapter One</a></li></ol></nav></body>
</html>
"""
    chapter = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<!-- Converted by {S}-converter on 2019-03-04 from C:\\Users\\{S}-user\\book.docx -->
<html xmlns="http://www.w3.org/1999/xhtml">
<head><title>Chapter One</title><meta name="author" content="{S}-xhtml-author"/></head>
<body>
<h1>Chapter One</h1>
<!-- {S}-xhtml-comment: fix this paragraph before release -->
<p>It was a bright cold day, and the park was almost empty.</p>
<p><img src="images/photo.jpg" alt="The park"/></p>
</body>
</html>
"""
    container = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
"""
    with zipfile.ZipFile(path("epub-calibre.epub"), "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", STAMP), b"application/epub+zip")  # first, stored
        for name, data in (("META-INF/container.xml", container), ("OEBPS/content.opf", opf), ("OEBPS/toc.ncx", ncx),
                           ("OEBPS/nav.xhtml", nav), ("OEBPS/chapter1.xhtml", chapter), ("OEBPS/images/photo.jpg", read(PHOTO))):
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.extra = ZIP_EXTRA
            z.writestr(info, data.encode() if isinstance(data, str) else data)


# ---- HTML / CSS ----

HTML = f"""<!DOCTYPE html>
<!-- saved from url=(0042)https://intranet.example.invalid/{S}-saved -->
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="refresh" content="300">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="author" content="{S}-html-author">
<meta name="generator" content="{S}-html-generator 4.2">
<meta name="date" content="2019-03-04T05:06:07Z">
<meta name="dcterms.creator" content="{S}-html-dcterms-creator">
<meta property="article:author" content="{S}-html-og-author">
<meta name="description" content="Opening hours of the park">
<title>Park opening hours</title>
<style>
/* {S}-html-style-comment */
body {{ font-family: serif; }}
</style>
</head>
<body>
<!-- {S}-html-comment: TODO ask Anna -->
<h1>Opening hours</h1>
<p>Open daily from 8 to 20. A comment starts with &lt;!-- in HTML.</p>
<pre>Keep this    spacing &amp; text byte for byte.</pre>
</body>
</html>
"""

# Comments where the page's parser is not in plain markup: JavaScript comments in classic and
# module scripts (the old "<!--" wrapper line naming the author), a conditional comment with a
# comment nested in it (its "<![endif]-->" is then a bogus comment), a comment in <noscript>.
# What must stay: strings, regular expressions and templates holding "//", the licence notice,
# the JSON-LD data block, the text.
HTML_SCRIPT = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Script page</title>
<!--[if lt IE 9]><script src="html5shiv.js"></script><!-- {S}-conditional-inner --><![endif]-->
<script>
<!-- {S}-script-wrapper: written by Anna
// {S}-line-comment
var url = "http://example.invalid/a//b"; /* {S}-block-comment */
var re = /\/\/not-a-comment/g, half = 10 / 2 / 1;
var tpl = `a ${{ {{x: 1}}.x }} // kept in the template`;
/*! kept licence notice */
if (half) {{ console.log(url, re, tpl); }} /* {S}-multi
line */ var after = 1;
//-->
</script>
<script type="module">
// {S}-module-comment
export const a = '<!-- kept in a string -->';
</script>
<script type="application/ld+json">{{"name": "kept json"}}</script>
</head>
<body>
<noscript><!-- {S}-noscript-comment --><p>Enable JavaScript</p></noscript>
<![if !IE]><p>Not IE</p><![endif]>
</body>
</html>
"""

CSS = f"""/* {S}-css-comment: theme by {S}-css-author, 2019-03-04 */
@charset "utf-8";
body {{
  color: #222; /* {S}-css-inline-comment */
  background: url("data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'/>");
}}
a::after {{ content: "/* not a comment */"; }}
/*
 * {S}-css-multiline-comment
 */
.x{{margin:0}}
"""


# ---- torrent ----

def bencode(v):
    if isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, bytes):
        return b"%d:" % len(v) + v
    if isinstance(v, list):
        return b"l" + b"".join(bencode(x) for x in v) + b"e"
    if isinstance(v, dict):
        return b"d" + b"".join(bencode(k) + bencode(v[k]) for k in sorted(v, key=lambda k: k.encode() if isinstance(k, str) else k)) + b"e"
    raise TypeError(v)


def torrent_fixture():
    content = bytes(range(256)) * 200  # a 51,200-byte "file"
    piece = 16384
    pieces = b"".join(hashlib.sha1(content[i:i + piece]).digest() for i in range(0, len(content), piece))
    info = {"length": len(content), "name": "park-photos.bin", "piece length": piece, "pieces": pieces}
    meta = {
        "announce": "http://tracker.example.invalid/announce",
        "comment": f"{S}-torrent-comment",
        "created by": f"{S}-torrent-client/2.1",
        "creation date": EPOCH,
        "encoding": "UTF-8",
        "publisher": f"{S}-torrent-publisher",
        "publisher-url": f"https://example.invalid/{S}-publisher",
        "azureus_properties": {"Content": {"Creator": f"{S}-azureus-creator"}, "dht_backup_enable": 1},
        "info": info,
    }
    write(path("torrent-created.torrent"), bencode(meta))
    return hashlib.sha1(bencode(info)).hexdigest()


# ---- PSD ----

def psd_fixture():
    from PIL import Image
    Image.open(PHOTO).resize((16, 12)).save(tmp("thumb.jpg"), quality=80)
    # ImageMagick writes the layered PSD (one layer and the composite) with the IPTC it read;
    # exiftool adds EXIF, GPS, XMP, a thumbnail and a URL resource.
    run(IMCONVERT, PHOTO, "(", "+clone", "-negate", ")", "-delete", "1", path("psd-layers.psd"))
    exiftool(path("psd-layers.psd"), "-tagsFromFile", PHOTO, "-EXIF:all", "-GPS:all", "-XMP:all",
             f"-Photoshop:PhotoshopThumbnail<={tmp('thumb.jpg')}", f"-Photoshop:URL=https://example.invalid/{S}-URL")


def psd_layer_blocks_fixture():
    """psd-layers.psd with additional layer information blocks added to its layer record, as
    Photoshop writes them: luni (the layer's Unicode name), lnsr (where the name came from), lyid
    (the layer id), and shmd (metadata setting: a 'cust' descriptor with the layer's time and a
    planted string, to be emptied); the section's, layer info's and record's lengths patched."""
    b = bytearray(open(path("psd-layers.psd"), "rb").read())
    be = lambda x: int.from_bytes(x, "big")
    res = 30 + be(b[26:30])
    section = res + 4 + be(b[res:res + 4])
    info = section + 4
    record = info + 4 + 2
    channels = be(b[record + 16:record + 18])
    extra_len_at = record + 18 + 6 * channels + 12
    extra_end = extra_len_at + 4 + be(b[extra_len_at:extra_len_at + 4])
    name = "Layer one".encode("utf-16-be")
    luni = struct.pack(">I", len(name) // 2) + name
    luni += b"\0" * (-len(luni) % 4)
    desc = (b"\0\0\0\x01\0\0\0\0" + b"\0\0\0\x00" + b"metadata" + b"\0\0\0\x02"
            + b"\0\0\0\x00layerTimedoub" + struct.pack(">d", 1551675967.0)
            + b"\0\0\0\x00authortdta" + struct.pack(">I", len(f"{S}-shmd-author")) + f"{S}-shmd-author".encode())
    desc += b"\0" * (-len(desc) % 4)
    item = b"8BIMcust\0\0\0\0" + struct.pack(">I", len(desc)) + desc
    shmd = struct.pack(">I", 1) + item
    blocks = b""
    for key, data in ((b"luni", luni), (b"lnsr", b"layr"), (b"lyid", struct.pack(">I", 7)), (b"shmd", shmd)):
        blocks += b"8BIM" + key + struct.pack(">I", len(data)) + data
    assert len(blocks) % 4 == 0
    b[extra_end:extra_end] = blocks
    for at in (section, info, extra_len_at):
        b[at:at + 4] = struct.pack(">I", be(b[at:at + 4]) + len(blocks))
    write(path("psd-layer-blocks.psd"), bytes(b))


# ---- TIFF: SubIFDs, DNG-like, BigTIFF ----

def tiff_fixtures():
    import numpy
    import tifffile
    rng = numpy.random.default_rng(1)
    rgb = (numpy.indices((48, 64)).sum(axis=0) % 256).astype(numpy.uint8)
    rgb = numpy.stack([rgb, rgb[::-1], rng.integers(0, 256, (48, 64), dtype=numpy.uint8)], axis=-1)
    small = rgb[::4, ::4].copy()
    text = [(270, "s", 0, f"{S}-ImageDescription", True), (271, "s", 0, f"{S}-Make", True),
            (272, "s", 0, f"{S}-Model", True), (306, "s", 0, "2019:03:04 05:06:07", True),
            (315, "s", 0, f"{S}-Artist", True), (33432, "s", 0, f"{S}-Copyright", True)]
    xmp = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           f'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq>'
           f'<rdf:li>{S}-XMP-Creator</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>').encode()
    iptc = b"\x1c\x02\x50" + struct.pack(">H", len(f"{S}-IPTC-Byline")) + f"{S}-IPTC-Byline".encode()
    iptc += b"\0" * (-len(iptc) % 4)
    blobs = [(700, "B", len(xmp), xmp, True), (33723, "B", len(iptc), iptc, True)]

    # A plain TIFF whose first image has a reduced-resolution copy in a SubIFD (with its own
    # Software tag), then exiftool's GPS, ExifIFD owner/serial and dates in IFD0.
    with tifffile.TiffWriter(path("tiff-subifd.tif"), byteorder="<") as t:
        t.write(rgb, photometric="rgb", subifds=1, metadata=None, software=f"{S}-Software",
                compression="zlib", extratags=text + blobs)
        t.write(small, photometric="rgb", subfiletype=1, metadata=None, software=f"{S}-SubIFD-Software")
    exiftool(path("tiff-subifd.tif"), "-GPSLatitude=48.8583", "-GPSLatitudeRef=N", "-GPSLongitude=2.2944",
             "-GPSLongitudeRef=E", f"-ExifIFD:OwnerName={S}-Owner", f"-ExifIFD:SerialNumber={S}-Serial",
             "-ExifIFD:DateTimeOriginal=2019:03:04 05:06:07")

    # DNG-like: IFD0 a small RGB preview with the DNG tags; SubIFD the raw Bayer data (CFA)
    # with the tags the raw processing needs (kept) next to owner, serial and private data
    # (dropped).
    cfa = (rng.integers(64, 4000, (48, 64))).astype(numpy.uint16)
    dng = [(50706, "B", 4, bytes([1, 4, 0, 0]), True), (50707, "B", 4, bytes([1, 1, 0, 0]), True),
           (50708, "s", 0, "Pk Camera X1", True),  # UniqueCameraModel: needed to pick a profile (kept)
           (50721, "2i", 9, [1000, 1000, -200, 1000, 0, 1000, -300, 1000, 1300, 1000, 0, 1000, 0, 1000, -100, 1000, 1100, 1000], True),
           (50728, "2I", 3, [1, 2, 1, 1, 1, 2], True), (50778, "H", 1, 21, True),
           (50735, "s", 0, f"{S}-CameraSerialNumber", True),
           (50740, "B", 24, f"{S}-DNGPrivateData".encode().ljust(24, b"\0"), True),
           (50827, "s", 0, f"{S}-OriginalRawFileName.CR2", True)]
    raw_tags = [(33421, "H", 2, [2, 2], True), (33422, "B", 4, bytes([0, 1, 1, 2]), True),
                (50710, "B", 3, bytes([0, 1, 2]), True), (50711, "H", 1, 1, True),
                (50712, "H", 4, [0, 1365, 2730, 4095], True),  # LinearizationTable
                (50714, "H", 1, 64, True), (50717, "H", 1, 4000, True)]
    with tifffile.TiffWriter(path("dng-like.dng"), byteorder="<") as t:
        t.write(small, photometric="rgb", subfiletype=1, subifds=1, metadata=None, software=f"{S}-Software",
                extratags=text + [(700, "B", len(xmp), xmp, True)] + dng)
        t.write(cfa, photometric=32803, subfiletype=0, metadata=None, extratags=raw_tags)
    exiftool(path("dng-like.dng"), "-GPSLatitude=48.8583", "-GPSLatitudeRef=N", f"-ExifIFD:OwnerName={S}-Owner",
             f"-ExifIFD:SerialNumber={S}-BodySerial", "-ExifIFD:DateTimeOriginal=2019:03:04 05:06:07",
             f"-ExifIFD:LensSerialNumber={S}-LensSerial")

    # BigTIFF in both byte orders (exiftool cannot write BigTIFF: the tags come from tifffile).
    for order, name in (("<", "bigtiff-le.tif"), (">", "bigtiff-be.tif")):
        with tifffile.TiffWriter(path(name), bigtiff=True, byteorder=order) as t:
            t.write(rgb, photometric="rgb", metadata=None, software=f"{S}-Software", subifds=1, extratags=text + blobs)
            t.write(small, photometric="rgb", subfiletype=1, metadata=None)

def ojpeg_fixture():
    """Old-style JPEG-in-TIFF (Compression 6, TIFF 6.0 section 22, written by old scanners and
    cameras): IFD0 points at a whole JPEG stream (JPEGInterchangeFormat and its length) and its
    one strip at that stream's entropy-coded data, inside it; next to them an Artist tag and a
    date to remove. libtiff's OJPEG decoder (ImageMagick) reads it."""
    from PIL import Image
    w, h = 64, 48
    img = Image.new("RGB", (w, h))
    img.putdata([((x * 4) % 256, (y * 5) % 256, (x * y) % 256) for y in range(h) for x in range(w)])
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90, subsampling=0)
    jpeg = out.getvalue()
    sos = jpeg.index(b"\xff\xda")
    scan = sos + 2 + struct.unpack(">H", jpeg[sos + 2:sos + 4])[0]
    artist = f"{S}-OJPEG-Artist\0".encode()
    date = b"2019:03:04 05:06:07\0"
    count = 14
    values = 8 + 2 + 12 * count + 4
    bps, artist_at = values, values + 6
    date_at = artist_at + len(artist) + len(artist) % 2
    jif = date_at + len(date)
    tags = [(256, 3, 1, w), (257, 3, 1, h), (258, 3, 3, bps), (259, 3, 1, 6), (262, 3, 1, 6),
            (273, 4, 1, jif + scan), (277, 3, 1, 3), (278, 3, 1, h), (279, 4, 1, len(jpeg) - 2 - scan),
            (306, 2, len(date), date_at), (315, 2, len(artist), artist_at), (513, 4, 1, jif),
            (514, 4, 1, len(jpeg)), (530, 3, 2, None)]
    assert len(tags) == count
    b = b"II*\0" + struct.pack("<IH", 8, count)
    for tag, typ, n, v in tags:
        if v is None:  # YCbCrSubSampling 1 1 (no subsampling), inline
            b += struct.pack("<HHIHH", tag, typ, n, 1, 1)
        elif typ == 3 and n == 1:
            b += struct.pack("<HHIHH", tag, typ, n, v, 0)
        else:
            b += struct.pack("<HHII", tag, typ, n, v)
    b += struct.pack("<I", 0) + struct.pack("<HHH", 8, 8, 8) + artist + b"\0" * (len(artist) % 2) + date
    assert len(b) == jif
    write(path("tiff-ojpeg.tif"), b + jpeg)

def le_tiff(dirs):
    """A little-endian classic TIFF from `dirs`: each a list of (tag, type, count, value) where
    value is an int (inline), bytes (placed after the directory) or a callable of the layout
    (the offsets of every directory and blob, by name) giving an int. Blobs (image data) are
    (name, bytes) items of the list; directories chain as pages only if named "page*"."""
    sizes = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 13: 4}
    def build(at):
        out = bytearray(b"II*\0" + struct.pack("<I", at.get("page0", 8)))
        pages = [n for n, d in dirs if n.startswith("page")]
        for name, d in dirs:
            at[name] = len(out)
            if isinstance(d, bytes):
                out += d + b"\0" * (len(d) % 2)
                continue
            entries = sorted(d)
            values = bytearray()
            base = len(out) + 2 + 12 * len(entries) + 4
            out += struct.pack("<H", len(entries))
            for tag, typ, count, value in entries:
                if callable(value):
                    value = value(at) if at.get("done") else 0
                if isinstance(value, bytes):
                    if len(value) <= 4:
                        out += struct.pack("<HHI", tag, typ, count) + value.ljust(4, b"\0")
                    else:
                        out += struct.pack("<HHII", tag, typ, count, base + len(values))
                        values += value + b"\0" * (len(value) % 2)
                elif typ == 3:
                    out += struct.pack("<HHIHH", tag, typ, count, value, 0)
                else:
                    out += struct.pack("<HHII", tag, typ, count, value)
            nxt = pages.index(name) + 1 if name in pages else len(pages)
            out += struct.pack("<I", at.get(pages[nxt], 0) if nxt < len(pages) else 0)
            out += values
        return bytes(out)
    at = {}
    build(at)
    at["done"] = True
    return build(at)


def dng_jpeg_preview_fixture():
    """DNG whose IFD0 is a JPEG-compressed preview (NewSubFileType 1, Compression 7, one
    strip: a whole JPEG stream with its own EXIF APP1 naming the artist and model, and a
    comment), the raw CFA data in a SubIFD. The preview's JPEG is cleaned by the JPEG cleaner
    (its strip length patched); its scan data stays byte for byte."""
    from PIL import Image
    w, h = 64, 48
    img = Image.new("RGB", (w, h))
    img.putdata([((x * 4) % 256, (y * 5) % 256, (x * y) % 256) for y in range(h) for x in range(w)])
    exif = Image.Exif()
    exif[0x013b] = f"{S}-preview-Artist"
    exif[0x0110] = f"{S}-preview-Model"
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90, subsampling=0, exif=exif.tobytes())
    jpeg = out.getvalue()
    comment = f"{S}-preview-comment".encode()
    jpeg = jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpeg[2:]
    cfa = b"".join(struct.pack("<H", 64 + (i * 37) % 4000) for i in range(16 * 16))
    ifd0 = [(254, 4, 1, 1), (256, 3, 1, w), (257, 3, 1, h), (258, 3, 3, struct.pack("<HHH", 8, 8, 8)),
            (259, 3, 1, 7), (262, 3, 1, 6), (273, 4, 1, lambda at: at["jpeg"]), (277, 3, 1, 3),
            (278, 3, 1, h), (279, 4, 1, len(jpeg)), (315, 2, len(f"{S}-Artist") + 1, f"{S}-Artist\0".encode()),
            (330, 4, 1, lambda at: at["raw"]), (530, 3, 2, struct.pack("<HH", 1, 1)),
            (50706, 1, 4, bytes([1, 4, 0, 0])), (50707, 1, 4, bytes([1, 1, 0, 0])),
            (50708, 2, 13, b"Pk Camera X1\0")]
    raw = [(254, 4, 1, 0), (256, 3, 1, 16), (257, 3, 1, 16), (258, 3, 1, 16), (259, 3, 1, 1),
           (262, 3, 1, 32803), (273, 4, 1, lambda at: at["cfa"]), (277, 3, 1, 1), (278, 3, 1, 16),
           (279, 4, 1, len(cfa)), (33421, 3, 2, struct.pack("<HH", 2, 2)), (33422, 1, 4, bytes([0, 1, 1, 2]))]
    write(path("dng-jpeg-preview.dng"), le_tiff([("page0", ifd0), ("raw", raw), ("jpeg", jpeg), ("cfa", cfa)]))


# ---- PDF ----

FIGURE_TEX = r"""\pdfinfo{/Author (PKSECRET-figure-Author) /Title (PKSECRET-figure-Title) /Creator (PKSECRET-figure-Creator)}
\pdftrailerid{}
\documentclass{article}
\pagestyle{empty}
\begin{document}
\fbox{A figure: 3 crates}
\end{document}
"""

MAIN_TEX = r"""\pdfinfo{/Author (PKSECRET-pdftex-Author) /Title (Quarterly report) /Subject (PKSECRET-pdftex-Subject) /Keywords (PKSECRET-pdftex-Keywords)}
\pdftrailerid{}
\documentclass{article}
\usepackage{graphicx}
\begin{document}
Quarterly report: the north warehouse shipped 1,204 crates.

\includegraphics[width=4cm]{FIGURE}
\end{document}
"""

PAGES_TEX = r"""\pdfinfo{/Author (PKSECRET-linearized-Author) /Title (Four pages) /Creator (PKSECRET-linearized-Creator)}
\pdftrailerid{}
\documentclass{article}
\begin{document}
Page one.\newpage Page two.\newpage Page three.\newpage Page four.
\end{document}
"""


def pdflatex(directory, name, source):
    with open(os.path.join(directory, name + ".tex"), "w") as f:
        f.write(source)
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), FORCE_SOURCE_DATE="1")
    run("pdflatex", "-interaction=batchmode", "-halt-on-error", name + ".tex", cwd=directory, env=env)
    return os.path.join(directory, name + ".pdf")


def pdf_fixtures():
    # The figure lives in a folder named after the author, as on a real disk: pdfTeX writes its
    # path into /PTEX.FileName and its Info dict into /PTEX.InfoDict of the form XObject.
    # A fixed folder (not under TMP, whose name is random) so that a re-run gives the same file.
    figdir = os.path.join(FIGURE_ROOT, "home", f"{S}-user", "figures")
    shutil.rmtree(FIGURE_ROOT, ignore_errors=True)
    os.makedirs(figdir)
    figure = pdflatex(figdir, "figure", FIGURE_TEX)
    shutil.copy(pdflatex(TMP, "main", MAIN_TEX.replace("FIGURE", figure)), path("pdf-pdftex-figure.pdf"))
    shutil.rmtree(FIGURE_ROOT)

    # Inline annotation dictionaries (in the page's /Annots array, not separate objects). Their
    # /Contents is content (annotations are kept unless --remove-annotations): no PKSECRET.
    content = b"BT /F1 18 Tf 72 720 Td (Annotated page) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>"
        b" /Annots [ << /Type /Annot /Subtype /Text /Rect [72 600 92 620] /Contents (KEPT-annot-Contents: check the figures)"
        b" /T (" + S.encode() + b"-annot-Author) /M (D:20190304050607Z) /CreationDate (D:20190304050607Z) /Name /Comment >>"
        b" << /Type /Annot /Subtype /FreeText /Rect [100 500 300 540] /DA (/Helv 12 Tf 0 g) /Contents (KEPT-freetext-Contents)"
        b" /T (" + S.encode() + b"-freetext-Author) /M (D:20190304050607Z) >> ] >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Author (" + S.encode() + b"-Info-Author) /CreationDate (D:20190304050607Z) /Producer (" + S.encode() + b"-Producer) >>",
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    write(path("pdf-inline-annots.pdf"), out)

    # Damaged linearized file: see damage_linearized().
    pages = pdflatex(TMP, "pages", PAGES_TEX)
    run("qpdf", "--linearize", "--object-streams=disable", "--static-id", pages, tmp("linear.pdf"))
    write(path("pdf-damaged-linearized.pdf"), damage_linearized(read(tmp("linear.pdf"))))


def damage_linearized(data):
    """Breaks a linearized PDF the way the file of issue #15 was broken: the first-page xref's
    trailer keeps /Prev pointing at the main cross-reference table, but that offset now holds
    zeros (the 'xref' keyword line and subsection header overwritten with NUL bytes, lengths
    unchanged), so the main table lacks its 'xref' keyword. Every object is still in the file,
    so a reader that scans for objects (qpdf, poppler) recovers all four pages."""
    prev = int(re.search(rb"/Prev (\d+)", data).group(1))
    assert data[prev:prev + 4] == b"xref", data[prev:prev + 20]
    # Zero 'xref\n' and the '0 N\n' subsection header line that follows.
    end = data.index(b"\n", data.index(b"\n", prev) + 1) + 1
    return data[:prev] + b"\0" * (end - prev) + data[end:]


# ---- office: xlsx with absPath and a pivot cache; ODT with mimetype last; docx with OLE2 ----

def rezip(src, dst, edit, order=None):
    with zipfile.ZipFile(src) as z:
        names = [i.filename for i in z.infolist()]
        parts = {n: z.read(n) for n in names}
    edit(parts)
    names = [n for n in names if n in parts] + [n for n in parts if n not in names]
    if order:
        names = order(names)
    with zipfile.ZipFile(dst, "w") as z:
        for name in names:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(info, parts[name])


def add_override(parts, part, content_type):
    t = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = t.replace("</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>').encode()


def add_rel(parts, rels, rid, rtype, target):
    r = parts[rels].decode()
    parts[rels] = r.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"/></Relationships>').encode()


def xlsx_fixture():
    def edit(parts):
        wb = parts["xl/workbook.xml"].decode()
        wb = wb.replace('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
                        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x15 x15ac" '
                        'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" '
                        'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac">'
                        '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="22228"/>')
        wb = wb.replace("<workbookPr/>", '<workbookPr defaultThemeVersion="166925"/>'
                        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
                        '<mc:Choice Requires="x15"><x15ac:absPath xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac" '
                        f'url="C:\\Users\\{S}-user\\Documents\\Reports\\"/></mc:Choice></mc:AlternateContent>')
        assert "absPath" in wb
        wb = wb.replace("<calcPr", '<pivotCaches><pivotCache cacheId="1" r:id="rIdPkPivot"/></pivotCaches><calcPr')
        parts["xl/workbook.xml"] = wb.encode()
        parts["xl/pivotCache/pivotCacheDefinition1.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1" '
            f'refreshedBy="{S}-refreshedBy" refreshedDate="43528.212581018516" createdVersion="6" refreshedVersion="6" '
            'minRefreshableVersion="3" recordCount="2">'
            '<cacheSource type="worksheet"><worksheetSource ref="A1:B3" sheet="Crates"/></cacheSource>'
            '<cacheFields count="2"><cacheField name="Warehouse" numFmtId="0"><sharedItems/></cacheField>'
            '<cacheField name="Crates" numFmtId="0"><sharedItems containsSemiMixedTypes="0" containsString="0" '
            'containsNumber="1" containsInteger="1" minValue="0" maxValue="2000"/></cacheField></cacheFields>'
            '</pivotCacheDefinition>').encode()
        parts["xl/pivotCache/pivotCacheRecords1.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<pivotCacheRecords xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0"/>').encode()
        parts["xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/pivotCacheRecords" '
            'Target="pivotCacheRecords1.xml"/></Relationships>').encode()
        add_rel(parts, "xl/_rels/workbook.xml.rels", "rIdPkPivot",
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/pivotCacheDefinition",
                "pivotCache/pivotCacheDefinition1.xml")
        add_override(parts, "xl/pivotCache/pivotCacheDefinition1.xml",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml")
        add_override(parts, "xl/pivotCache/pivotCacheRecords1.xml",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheRecords+xml")
    rezip(os.path.join(PARENT, "xlsx-comments.xlsx"), path("xlsx-abspath-pivot.xlsx"), edit)


def odt_fixture():
    # The same ODT, re-zipped by a generic tool: mimetype stored but last, not first.
    rezip(os.path.join(PARENT, "odt-review.odt"), path("odt-mimetype-last.odt"), lambda parts: None,
          order=lambda names: [n for n in names if n != "mimetype"] + ["mimetype"])


def property_set(fmtid, props):
    """An OLE property set stream (MS-OLEPS) with one section. props: (id, vt, value)."""
    body, index = b"", []
    base = 8 + 8 * len(props)
    for pid, vt, value in props:
        index.append((pid, base + len(body)))
        if vt == 0x1E:  # VT_LPSTR, cp1252, NUL-terminated
            raw = value.encode("cp1252") + b"\0"
            item = struct.pack("<II", vt, len(raw)) + raw
        elif vt == 0x40:  # VT_FILETIME
            item = struct.pack("<IQ", vt, (value + 11644473600) * 10_000_000)
        elif vt == 0x02:  # VT_I2
            item = struct.pack("<Ih", vt, value)
        else:  # VT_I4
            item = struct.pack("<Ii", vt, value)
        body += item + b"\0" * (-len(item) % 4)
    section = struct.pack("<II", base + len(body), len(props)) + b"".join(struct.pack("<II", p, o) for p, o in index) + body
    header = struct.pack("<HHI", 0xFFFE, 0, 0x00020006) + b"\0" * 16 + struct.pack("<I", 1) + fmtid + struct.pack("<I", 48)
    return header + section


def guid(text):
    import uuid
    return uuid.UUID(text).bytes_le


def ole_object():
    """An OLE2 compound file as Word embeds a file dropped into a document (Package): the
    SummaryInformation and DocumentSummaryInformation property sets with the author, and an
    Ole10Native stream holding the dropped file (the photo, with its EXIF) and its path."""
    d = os.path.join(TMP, "ole")
    os.makedirs(d)
    summary = property_set(guid("F29F85E0-4FF9-1068-AB91-08002B27B3D9"), [
        (1, 0x02, 1252), (2, 0x1E, f"{S}-ole-Title"), (4, 0x1E, f"{S}-ole-Author"), (8, 0x1E, f"{S}-ole-LastAuthor"),
        (7, 0x1E, f"C:\\Users\\{S}-user\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm"),
        (18, 0x1E, f"{S}-ole-AppName"), (12, 0x40, EPOCH), (13, 0x40, EPOCH)])
    docsummary = property_set(guid("D5CDD502-2E9C-101B-9397-08002B2CF9AE"), [
        (1, 0x02, 1252), (15, 0x1E, f"{S}-ole-Company"), (14, 0x1E, f"{S}-ole-Manager")])
    photo = read(PHOTO)
    src = f"C:\\Users\\{S}-user\\Pictures\\park.jpg".encode()
    native = (struct.pack("<H", 2) + b"park.jpg\0" + src + b"\0" + struct.pack("<I", 0x00030000)
              + struct.pack("<I", len(src) + 1) + src + b"\0" + struct.pack("<I", len(photo)) + photo)
    native = struct.pack("<I", len(native)) + native
    write(os.path.join(d, "\x05SummaryInformation"), summary)
    write(os.path.join(d, "\x05DocumentSummaryInformation"), docsummary)
    write(os.path.join(d, "\x01Ole10Native"), native)
    names = sorted(os.listdir(d))
    for name in names:  # gsf records each file's mtime in its directory entry
        os.utime(os.path.join(d, name), (EPOCH, EPOCH))
    run("gsf", "createole", tmp("oleObject1.bin"), *names, cwd=d)
    return read(tmp("oleObject1.bin"))


def docx_ole_fixture():
    from PIL import Image
    icon = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 200, 200)).save(icon, "PNG")

    def edit(parts):
        parts["word/embeddings/oleObject1.bin"] = ole_object()
        parts["word/media/oleicon.png"] = icon.getvalue()
        add_rel(parts, "word/_rels/document.xml.rels", "rIdPkOle",
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject", "embeddings/oleObject1.bin")
        add_rel(parts, "word/_rels/document.xml.rels", "rIdPkIcon",
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image", "media/oleicon.png")
        t = parts["[Content_Types].xml"].decode()
        # .bin is the printer settings' type in this package: the OLE part gets an override.
        t = t.replace("</Types>", '<Default Extension="png" ContentType="image/png"/></Types>')
        parts["[Content_Types].xml"] = t.encode()
        add_override(parts, "word/embeddings/oleObject1.bin", "application/vnd.openxmlformats-officedocument.oleObject")
        doc = parts["word/document.xml"].decode()
        obj = ('<w:p><w:r><w:object w:dxaOrig="640" w:dyaOrig="640">'
               '<v:shape id="_x0000_i1025" type="#_x0000_t75" style="width:32pt;height:32pt" o:ole="">'
               '<v:imagedata r:id="rIdPkIcon" o:title=""/></v:shape>'
               '<o:OLEObject Type="Embed" ProgID="Package" ShapeID="_x0000_i1025" DrawAspect="Icon" '
               'ObjectID="_1612345678" r:id="rIdPkOle"/></w:object></w:r></w:p>')
        at = doc.rindex("<w:sectPr")
        parts["word/document.xml"] = (doc[:at] + obj + doc[at:]).encode()
    rezip(DOCX, path("docx-ole-embedding.docx"), edit)


# ---- BMP, PNM, PAM ----

def bitmap_fixtures():
    from PIL import Image
    img = Image.open(PHOTO).convert("RGB")
    w, h = img.size
    # BMP with a BITMAPV5HEADER and a gap between the headers and the pixels (bfOffBits
    # allows it) that holds a planted text, as some writers leave there; BMP has no comment
    # field, so this is the one place a BMP carries text outside the pixels.
    raw = img.transpose(Image.FLIP_TOP_BOTTOM).tobytes("raw", "BGR")
    stride = (w * 3 + 3) & ~3
    rows = b"".join(raw[y * w * 3:(y + 1) * w * 3].ljust(stride, b"\0") for y in range(h))
    gap = f"{S}-bmp-gap-text".encode().ljust(32, b"\0")
    v5 = struct.pack("<IiiHHIIiiII", 124, w, h, 1, 24, 0, len(rows), 2835, 2835, 0, 0)
    v5 += b"\0" * 16 + b"BGRs" + b"\0" * 36 + b"\0" * 12 + struct.pack("<IIII", 4, 0, 0, 0)  # LCS_GM_IMAGES
    assert len(v5) == 124
    off = 14 + len(v5) + len(gap)
    write(path("bmp-v5-gap.bmp"), b"BM" + struct.pack("<IHHI", off + len(rows), 0, 0, off) + v5 + gap + rows)
    # PNM/PAM: '#' comments are allowed anywhere in the header (netpbm keeps them).
    gray = img.convert("L")
    write(path("pnm-comments.ppm"), f"P6\n# {S}-ppm-comment created 2019-03-04\n# {S}-ppm-comment-2\n{w} {h}\n255\n".encode() + img.tobytes())
    write(path("pnm-comments.pgm"), f"P5\n# {S}-pgm-comment\n{w} {h}\n# {S}-before-maxval\n255\n".encode() + gray.tobytes())
    write(path("pnm-comments.pbm"), f"P1\n# {S}-pbm-comment\n8 2\n10101010\n01010101\n".encode())
    write(path("pam-comments.pam"), f"P7\n# {S}-pam-comment\nWIDTH {w}\nHEIGHT {h}\nDEPTH 3\nMAXVAL 255\n# {S}-pam-comment-2\nTUPLTYPE RGB\nENDHDR\n".encode() + img.tobytes())


if __name__ == "__main__":
    try:
        zip_fixture()
        tar_fixtures()
        hostile_fixtures()
        epub_fixture()
        write(path("html-meta.html"), HTML.encode())
        write(path("html-script.html"), HTML_SCRIPT.encode())
        write(path("css-comments.css"), CSS.encode())
        print("torrent infohash (info dict):", torrent_fixture())
        psd_fixture()
        psd_layer_blocks_fixture()
        tiff_fixtures()
        ojpeg_fixture()
        dng_jpeg_preview_fixture()
        pdf_fixtures()
        xlsx_fixture()
        odt_fixture()
        docx_ole_fixture()
        bitmap_fixtures()
    finally:
        shutil.rmtree(TMP)
