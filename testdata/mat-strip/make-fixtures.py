#!/usr/bin/python3
"""Makes the mat-strip fixtures: small images carrying metadata in every place mat-strip removes.

Run once, from anywhere; the files are committed and the tests need no tool to read them.
Needs Debian's python3-pil and libimage-exiftool-perl. Every planted text value contains
PKSECRET, so a test can search an output's raw bytes for it.
"""
import io
import os
import struct
import subprocess
import zlib

from PIL import Image, TiffImagePlugin

HERE = os.path.dirname(os.path.abspath(__file__))
S = "PKSECRET"


def path(name):
    return os.path.join(HERE, name)


def picture(mode="RGB", size=(64, 48), seed=0):
    """A picture with gradients and noise, so compressed data is not trivial."""
    img = Image.new("RGB", size)
    px = img.load()
    for y in range(size[1]):
        for x in range(size[0]):
            px[x, y] = ((x * 4 + seed * 30) % 256, (y * 5 + x) % 256, ((x ^ y) * 7 + seed) % 256)
    return img.convert(mode)


def exiftool(name, *args):
    subprocess.run(["exiftool", "-q", "-overwrite_original", *args, path(name)], check=True)


def segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def insert_after_soi(data, *segments):
    assert data[:2] == b"\xff\xd8"
    return data[:2] + b"".join(segments) + data[2:]


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_insert_before_iend(data, *chunks):
    at = data.rindex(b"IEND") - 4
    return data[:at] + b"".join(chunks) + data[at:]


def gps_exif(img=None, orientation=None):
    """An EXIF block (with its Exif\\0\\0 prefix) holding IFD0, ExifIFD and GPS tags, made by
    exiftool on a scratch JPEG (Pillow 9 does not write sub-directories it did not read)."""
    scratch = path("exif.tmp.jpg")
    picture(size=(8, 8)).save(scratch)
    args = [
        f"-IFD0:Make={S}-Make", f"-IFD0:Model={S}-Model", f"-IFD0:Artist={S}-Artist",
        f"-IFD0:Software={S}-Software", "-IFD0:ModifyDate=2021:01:02 03:04:05", f"-IFD0:Copyright={S}-Copyright",
        "-GPSLatitude=48.8583", "-GPSLatitudeRef=N", "-GPSLongitude=2.2944", "-GPSLongitudeRef=E",
        "-ExifIFD:DateTimeOriginal=2021:01:02 03:04:05", f"-ExifIFD:OwnerName={S}-Owner",
        f"-ExifIFD:SerialNumber={S}-Serial",
    ]
    if orientation:
        args.append(f"-IFD0:Orientation#={orientation}")
    subprocess.run(["exiftool", "-q", "-overwrite_original", *args, scratch], check=True)
    data = open(scratch, "rb").read()
    os.remove(scratch)
    at = data.index(b"Exif\x00\x00")
    length = struct.unpack(">H", data[at - 2:at])[0]
    return data[at:at - 2 + length]


XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    f"<dc:creator><rdf:Seq><rdf:li>{S}-XMP-Creator</rdf:li></rdf:Seq></dc:creator>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
    '<?xpacket end="w"?>'
)


def jpeg_fixtures():
    # Baseline: EXIF with GPS, thumbnail and Orientation 6, XMP, IPTC, comment, FlashPix,
    # vendor APPn, a JFIF thumbnail, and a trailer after EOI (as motion photos append video).
    img = picture()
    img.save(path("jpeg-baseline.jpg"), quality=90, exif=gps_exif(img, orientation=6))
    thumb = io.BytesIO()
    picture(size=(16, 12)).save(thumb, "JPEG")
    with open(path("thumb.tmp.jpg"), "wb") as f:
        f.write(thumb.getvalue())
    exiftool(
        "jpeg-baseline.jpg",
        f"-ThumbnailImage<={path('thumb.tmp.jpg')}",
        f"-XMP-dc:Creator={S}-XMP-Creator",
        f"-XMP-dc:Description={S}-XMP-Description",
        f"-IPTC:By-line={S}-IPTC-Byline",
        f"-IPTC:Keywords={S}-IPTC-Keyword",
        f"-Comment={S}-Comment",
    )
    os.remove(path("thumb.tmp.jpg"))
    with open(path("jpeg-baseline.jpg"), "rb") as f:
        data = f.read()
    # Replace PIL's JFIF header with one carrying a 1x1 thumbnail.
    assert data[2:4] == b"\xff\xe0"
    jfif_len = struct.unpack(">H", data[4:6])[0]
    jfif = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x01\x01" + b"\x80\x80\x80"
    data = data[:2] + segment(0xE0, jfif) + data[4 + jfif_len:]
    data = data[:2] + segment(0xE0, jfif) + segment(0xE3, f"Meta\x00{S}-APP3".encode()) + segment(
        0xE2, b"FPXR\x00\x00" + f"{S}-FlashPix".encode()) + segment(0xEC, b"Ducky\x00" + f"{S}-APP12".encode()) + data[2 + 2 + len(jfif) + 2:]
    data += b"\x00\x00\x00\x18ftypmp42" + f"{S}-motion-photo-video".encode()
    with open(path("jpeg-baseline.jpg"), "wb") as f:
        f.write(data)

    # Progressive, with an ICC profile (kept unless --strip-icc).
    img = picture(seed=1)
    img.save(path("jpeg-progressive.jpg"), quality=85, progressive=True, exif=gps_exif(img), icc_profile=icc())
    exiftool("jpeg-progressive.jpg", f"-XMP-dc:Creator={S}-XMP-Creator", f"-Comment={S}-Comment")

    # CMYK (Adobe APP14 colour transform kept) with IPTC and Photoshop data.
    picture(seed=2).convert("CMYK").save(path("jpeg-cmyk.jpg"), quality=90)
    exiftool("jpeg-cmyk.jpg", f"-IPTC:By-line={S}-IPTC-Byline", f"-IPTC:City={S}-City", f"-Photoshop:URL={S}-URL")

    # Grayscale with an XMP packet larger than one segment: extended XMP.
    picture(seed=3).convert("L").save(path("jpeg-gray.jpg"), quality=90)
    exiftool("jpeg-gray.jpg", f"-XMP-dc:Description={S}-" + "x" * 70000, f"-XMP-dc:Creator={S}-XMP-Creator")

    # Multi-picture (MPF): a second image after the first one's EOI, each with EXIF.
    a, b = picture(seed=4), picture(seed=5)
    a.save(path("jpeg-mpf.jpg"), "MPO", save_all=True, append_images=[b], exif=gps_exif(a))


def png_fixtures():
    img = picture()
    out = io.BytesIO()
    from PIL import PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", f"{S}-tEXt-Author")
    info.add_text("Comment", f"{S}-zTXt-Comment " * 20, zip=True)
    info.add_itxt("Description", f"{S}-iTXt-Description", lang="en", tkey="Beschreibung")
    img.save(out, "PNG", pnginfo=info, exif=gps_exif(img), icc_profile=icc())
    data = out.getvalue()
    data = png_insert_before_iend(
        data,
        chunk(b"tIME", struct.pack(">HBBBBB", 2021, 1, 2, 3, 4, 5)),
        chunk(b"prVt", f"{S}-private-chunk".encode()),
        chunk(b"gAMA", struct.pack(">I", 45455)),
    )
    data += f"{S}-after-IEND".encode()
    with open(path("png-rgb.png"), "wb") as f:
        f.write(data)

    info = PngImagePlugin.PngInfo()
    info.add_text("Software", f"{S}-tEXt-Software")
    pal = picture(seed=1).convert("P", palette=Image.ADAPTIVE, colors=16)
    pal.info["transparency"] = 0
    pal.save(path("png-palette.png"), pnginfo=info, transparency=0)

    info = PngImagePlugin.PngInfo()
    info.add_itxt("Title", f"{S}-iTXt-Title")
    sixteen = Image.new("I;16", (40, 30))
    sixteen.putdata([(x * 1500 + y * 37) % 65536 for y in range(30) for x in range(40)])
    sixteen.save(path("png-16bit.png"), pnginfo=info)

    # Interlaced (Adam7), written by hand: Pillow does not write interlaced PNGs.
    w, h = 33, 27
    pixels = [[(x * 7 + y * 3) % 256 for x in range(w)] for y in range(h)]
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = b""
    for x0, y0, dx, dy in passes:
        for y in range(y0, h, dy):
            row = bytes(pixels[y][x] for x in range(x0, w, dx))
            if row:
                raw += b"\x00" + row
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 1))
    data += chunk(b"tEXt", b"Author\x00" + f"{S}-interlaced-Author".encode())
    data += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    with open(path("png-interlaced.png"), "wb") as f:
        f.write(data)

    # APNG: three frames, with text.
    frames = [picture(seed=s) for s in range(3)]
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", f"{S}-apng-Author")
    frames[0].save(path("apng.png"), save_all=True, append_images=frames[1:], duration=100, loop=0, pnginfo=info)


def icc():
    from PIL import ImageCms
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def webp_fixtures():
    img = picture()
    kw = dict(exif=gps_exif(), xmp=XMP.encode(), icc_profile=icc())
    img.save(path("webp-lossy.webp"), quality=80, **kw)
    img.save(path("webp-lossless.webp"), lossless=True, **kw)
    frames = [picture(seed=s).convert("RGBA") for s in range(3)]
    frames[0].save(path("webp-animated.webp"), save_all=True, append_images=frames[1:], duration=100, loop=0,
                   exif=gps_exif(), xmp=XMP.encode())


def gif_fixtures():
    frames = [picture(seed=s).convert("P", palette=Image.ADAPTIVE, colors=32) for s in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0,
                   comment=f"{S}-GIF-Comment".encode())
    data = out.getvalue()
    # An XMP application extension, as Adobe writes it, before the trailer.
    xmp = XMP.encode() + bytes([1] + list(range(255, -1, -1)))  # the "magic trailer"
    blocks = b"".join(bytes([len(xmp[i:i + 255])]) + xmp[i:i + 255] for i in range(0, len(xmp), 255))
    ext = b"\x21\xff\x0bXMP DataXMP" + blocks + b"\x00"
    assert data.endswith(b"\x3b")
    data = data[:-1] + ext + b"\x3b"
    with open(path("gif-animated.gif"), "wb") as f:
        f.write(data)


def tiff_fixtures():
    pages = [picture(seed=s) for s in range(2)]
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[270] = f"{S}-ImageDescription"
    info[271] = f"{S}-Make"
    info[272] = f"{S}-Model"
    info[305] = f"{S}-Software"
    info[306] = "2021:01:02 03:04:05"
    info[315] = f"{S}-Artist"
    info[33432] = f"{S}-Copyright"
    pages[0].save(path("tiff-multipage.tif"), save_all=True, append_images=pages[1:], tiffinfo=info,
                  compression="tiff_deflate")
    exiftool("tiff-multipage.tif", f"-XMP-dc:Creator={S}-XMP-Creator", f"-IPTC:By-line={S}-IPTC-Byline",
             "-GPSLatitude=48.85", "-GPSLatitudeRef=N", f"-ExifIFD:OwnerName={S}-Owner",
             f"-ExifIFD:SerialNumber={S}-Serial",
             "-DateTimeOriginal=2021:01:02 03:04:05")
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[274] = 8
    info[271] = f"{S}-Make"
    picture(seed=3).save(path("tiff-lzw.tif"), tiffinfo=info, compression="tiff_lzw")


def svg_fixtures():
    svg = f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) by {S}-comment -->
<svg
   width="64mm"
   height="48mm"
   viewBox="0 0 64 48"
   version="1.1"
   id="svg5"
   inkscape:version="1.2.2 (b0a8486541, 2022-12-01)"
   sodipodi:docname="{S}-docname.svg"
   inkscape:export-filename="/home/{S}-user/drawing.png"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns="http://www.w3.org/2000/svg"
   xmlns:svg="http://www.w3.org/2000/svg"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
   xmlns:cc="http://creativecommons.org/ns#"
   xmlns:dc="http://purl.org/dc/elements/1.1/">
  <sodipodi:namedview
     id="namedview7"
     pagecolor="#ffffff"
     inkscape:window-width="1920"
     inkscape:current-layer="layer1" />
  <metadata id="metadata1">
    <rdf:RDF>
      <cc:Work rdf:about="">
        <dc:creator><cc:Agent><dc:title>{S}-Creator</dc:title></cc:Agent></dc:creator>
        <dc:date>2021-01-02</dc:date>
      </cc:Work>
    </rdf:RDF>
  </metadata>
  <defs id="defs2"><linearGradient id="g"><stop offset="0" style="stop-color:#ff0000"/><stop offset="1" style="stop-color:#0000ff"/></linearGradient></defs>
  <title id="title1">A drawing</title>
  <g inkscape:label="{S}-Layer" inkscape:groupmode="layer" id="layer1">
    <rect style="fill:url(#g);stroke:#000000;stroke-width:0.5" id="rect1" width="40" height="20" x="4" y="4" />
    <!-- {S}-inner-comment -->
    <path d="M 4,40 C 20,30 40,50 60,40" style="fill:none;stroke:#008000" id="path1" sodipodi:nodetypes="cc" />
    <text x="8" y="36" id="text1" style="font-size:6px">Hello &amp; welcome</text>
  </g>
</svg>
"""
    with open(path("inkscape.svg"), "w") as f:
        f.write(svg)


if __name__ == "__main__":
    jpeg_fixtures()
    png_fixtures()
    webp_fixtures()
    gif_fixtures()
    tiff_fixtures()
    svg_fixtures()
    for name in sorted(os.listdir(HERE)):
        if not name.endswith((".py", ".md")):
            print(f"{os.path.getsize(path(name)):8d} {name}")
