#!/usr/bin/python3
"""Makes the mat-strip fixtures of issue #13 (phone photos and video): HEIC, AVIF, JPEG XL,
JPEG 2000, MP4, M4A, an iPhone-like MOV, a GoPro-like MP4, a fragmented MP4, Matroska, WebM,
AVI and ASF (WMV, WMA), each with metadata planted in every place mat-strip must clean. Every
planted text value contains PKSECRET; planted dates are 2020-05-01 (or 2019-03-04 where the tool
takes a string), so a test can search an output's raw bytes for them.

Run from anywhere: /usr/bin/python3 testdata/mat-strip/media/make-video-fixtures.py [GROUP...]
Needs from Debian: ffmpeg, libheif-examples, libjxl-tools, libopenjp2-tools, mkvtoolnix,
libimage-exiftool-perl, python3-pil, python3-brotli. The tests use only the committed output.
Encoders run single-threaded with bitexact flags so that a re-run gives the same streams.
"""
import os
import shutil
import struct
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PHOTO = os.path.join(HERE, "..", "jpeg-baseline.jpg")  # EXIF (GPS, PKSECRET make/model), XMP, IPTC
S = "PKSECRET"
TMP = tempfile.mkdtemp(prefix="pk-video-")
# ffmpeg input: a moving test pattern and a tone, both synthetic and deterministic.
VIDEO_IN = ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=1"]
AUDIO_IN = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1"]
BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-threads", "1"]
X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "30", "-pix_fmt", "yuv420p", "-x264-params", "threads=1"]


def path(name):
    return os.path.join(HERE, name)


def tmp(name):
    return os.path.join(TMP, name)


def run(*args):
    subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL)


def ffmpeg(*args):
    run("ffmpeg", "-y", "-v", "error", *args)


def exiftool(name, *args):
    run("exiftool", "-q", "-overwrite_original", *args, name)


def read(name):
    with open(name, "rb") as f:
        return f.read()


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


# ---- ISO base media boxes (HEIF, MP4/MOV; JPEG XL and JPEG 2000 use the same layout) ----

def box(kind, payload):
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def full_box(kind, version, flags, payload):
    return box(kind, struct.pack(">I", (version << 24) | flags) + payload)


def boxes(data, start=0, end=None):
    """(type, start, header length, end) of each box in data[start:end]."""
    end = len(data) if end is None else end
    out = []
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", data[at + 8:at + 16])[0]
            header = 16
        elif size == 0:
            size = end - at
        out.append((kind, at, header, at + size))
        at += size
    return out


def find(data, kind, start=0, end=None):
    for k, s, h, e in boxes(data, start, end):
        if k == kind:
            return s, h, e
    raise KeyError(kind)


def grow(data, starts, delta):
    """Adds delta to the 32-bit size of each box starting at the given offsets."""
    data = bytearray(data)
    for s in starts:
        struct.pack_into(">I", data, s, struct.unpack_from(">I", data, s)[0] + delta)
    return bytes(data)


# 2020-05-01 00:00:00 UTC in seconds since 1904 (QuickTime's epoch), the planted
# creation/modification time of the added tracks, as exiftool's -CreateDate=2020:05:01 writes.
MAC_TIME = 2082844800 + 1588291200


def meta_track(track_id, handler, name, sample_entry, samples, offset, duration=1000):
    """A trak box for a timed metadata track whose samples lie contiguously at `offset`."""
    n = len(samples)
    tkhd = full_box(b"tkhd", 0, 3, struct.pack(">IIIII", MAC_TIME, MAC_TIME, track_id, 0, duration)
                    + b"\0" * 8 + struct.pack(">hhhh", 0, 0, 0, 0)
                    + struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000) + struct.pack(">II", 0, 0))
    mdhd = full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", MAC_TIME, MAC_TIME, 1000, duration, 0x55C4, 0))
    hdlr = full_box(b"hdlr", 0, 0, b"\0\0\0\0" + handler + b"\0" * 12 + name + b"\0")
    dinf = box(b"dinf", full_box(b"dref", 0, 0, struct.pack(">I", 1) + full_box(b"url ", 0, 1, b"")))
    stsd = full_box(b"stsd", 0, 0, struct.pack(">I", 1) + sample_entry)
    stts = full_box(b"stts", 0, 0, struct.pack(">III", 1, n, duration // n))
    stsc = full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, n, 1))
    stsz = full_box(b"stsz", 0, 0, struct.pack(">II", 0, n) + b"".join(struct.pack(">I", len(s)) for s in samples))
    stco = full_box(b"stco", 0, 0, struct.pack(">II", 1, offset))
    minf = box(b"minf", full_box(b"nmhd", 0, 0, b"") + dinf + box(b"stbl", stsd + stts + stsc + stsz + stco))
    # A 'cdsc' track reference ties the metadata to the video track (track 1), as phones do.
    tref = box(b"tref", box(b"cdsc", struct.pack(">I", 1)))
    return box(b"trak", tkhd + tref + box(b"mdia", mdhd + hdlr + minf))


def add_meta_tracks(data, tracks, udta_children=b"", track1_udta=b""):
    """Adds timed metadata tracks to a movie laid out as ftyp mdat moov (moov last, as ffmpeg
    writes it without faststart): their samples go into a second mdat before moov, so no
    existing chunk offset moves. tracks: (handler, name, sample entry, [samples]) tuples.
    udta_children are appended to moov's udta (made if missing); track1_udta, if any, becomes
    a track-level udta of the first track."""
    moov_s, moov_h, moov_e = find(data, b"moov")
    assert moov_e == len(data), "moov must be the last box"
    payload, offsets = b"", []
    for _, _, _, samples in tracks:
        offsets.append(moov_s + 8 + len(payload))
        payload += b"".join(samples)
    moov = data[moov_s + moov_h:moov_e]
    mvhd_s, mvhd_h, mvhd_e = find(moov, b"mvhd")
    next_id = struct.unpack(">I", moov[mvhd_e - 4:mvhd_e])[0]  # the last field of mvhd
    traks = b"".join(meta_track(next_id + i, h, n, e, s, o) for i, ((h, n, e, s), o) in enumerate(zip(tracks, offsets)))
    moov = moov[:mvhd_e - 4] + struct.pack(">I", next_id + len(tracks)) + moov[mvhd_e:]
    if track1_udta:
        s, h, e = find(moov, b"trak")
        extra = box(b"udta", track1_udta)
        moov = grow(moov[:e] + extra + moov[e:], [s], len(extra))
    at = max(e for k, s, h, e in boxes(moov) if k in (b"trak", b"mvhd"))
    moov = moov[:at] + traks + moov[at:]
    if udta_children:
        try:
            s, h, e = find(moov, b"udta")
            moov = grow(moov[:e] + udta_children + moov[e:], [s], len(udta_children))
        except KeyError:
            moov += box(b"udta", udta_children)
    return data[:moov_s] + box(b"mdat", payload) + box(b"moov", moov)


# ---- HEIF / AVIF ----

def heif_add_irot(data, angle=1):
    """Gives the primary item an 'irot' property (angle * 90 degrees anti-clockwise), as phones
    write for a picture taken sideways; heif-enc 1.15 writes none. Fixes every size on the way
    and shifts iloc's file offsets by the bytes added."""
    meta_s, meta_h, meta_e = find(data, b"meta")
    inner = meta_s + meta_h + 4  # meta is a full box
    pitm_s, pitm_h, _ = find(data, b"pitm", inner, meta_e)
    primary = struct.unpack(">H", data[pitm_s + pitm_h + 4:pitm_s + pitm_h + 6])[0]
    iprp_s, iprp_h, iprp_e = find(data, b"iprp", inner, meta_e)
    ipco_s, ipco_h, ipco_e = find(data, b"ipco", iprp_s + iprp_h, iprp_e)
    ipma_s, ipma_h, ipma_e = find(data, b"ipma", iprp_s + iprp_h, iprp_e)
    nprops = len(boxes(data, ipco_s + ipco_h, ipco_e))
    irot = box(b"irot", bytes([angle]))
    vf = struct.unpack(">I", data[ipma_s + 8:ipma_s + 12])[0]
    version, wide = vf >> 24, vf & 1
    assoc = struct.pack(">H", 0x8000 | (nprops + 1)) if wide else bytes([0x80 | (nprops + 1)])
    delta = len(irot) + len(assoc)
    # Shift iloc offsets first (fixed-size fields, patched in place).
    iloc_s, iloc_h, iloc_e = find(data, b"iloc", inner, meta_e)
    d = bytearray(data)
    p = iloc_s + iloc_h
    iv = d[p]
    p += 4
    sizes = struct.unpack(">H", d[p:p + 2])[0]
    off_size, len_size, base_size = sizes >> 12, (sizes >> 8) & 15, (sizes >> 4) & 15
    idx_size = sizes & 15 if iv in (1, 2) else 0
    p += 2
    count = struct.unpack(">H" if iv < 2 else ">I", d[p:p + (2 if iv < 2 else 4)])[0]
    p += 2 if iv < 2 else 4

    def field(at, size, add):
        if size == 0:
            return at
        fmt = ">I" if size == 4 else ">Q"
        if add:
            struct.pack_into(fmt, d, at, struct.unpack_from(fmt, d, at)[0] + delta)
        return at + size

    for _ in range(count):
        p += 2 if iv < 2 else 4
        method = 0
        if iv in (1, 2):
            method = d[p + 1] & 15
            p += 2
        p += 2  # data_reference_index
        has_base = base_size != 0
        p = field(p, base_size, method == 0)
        extents = struct.unpack(">H", d[p:p + 2])[0]
        p += 2
        for _ in range(extents):
            p = field(p, idx_size, False)
            p = field(p, off_size, method == 0 and not has_base)
            p = field(p, len_size, False)
    data = bytes(d)
    # Now the ipma entry of the primary item gets one more association.
    p = ipma_s + 12
    entries = struct.unpack(">I", data[p:p + 4])[0]
    p += 4
    for _ in range(entries):
        item = struct.unpack(">H" if version < 1 else ">I", data[p:p + (2 if version < 1 else 4)])[0]
        p += 2 if version < 1 else 4
        n = data[p]
        if item == primary:
            end = p + 1 + n * (2 if wide else 1)
            data = data[:p] + bytes([n + 1]) + data[p + 1:end] + assoc + data[end:]
            break
        p += 1 + n * (2 if wide else 1)
    data = grow(data, [ipma_s], len(assoc))
    data = data[:ipco_e] + irot + data[ipco_e:]
    return grow(grow(data, [ipco_s], len(irot)), [meta_s, iprp_s], delta)


def heif_fixtures():
    # heif-enc copies the JPEG's EXIF (GPS, make, model, owner, serial) and XMP into Exif and
    # mime items; -t 16 adds a 16x12 thumbnail item.
    for name, extra in (("heic-phone.heic", []), ("avif-phone.avif", ["-A"])):
        run("heif-enc", "-q", "40", "-t", "16", *extra, PHOTO, "-o", tmp(name))
        write(path(name), heif_add_irot(read(tmp(name))))


# ---- JPEG XL ----

def jxl_fixtures():
    import brotli
    # From the JPEG: lossless recompression (jbrd); cjxl stores Exif and XMP brotli-compressed
    # in 'brob' boxes. Kept as it is for the brob case...
    subprocess.run(["cjxl", "--lossless_jpeg=1", PHOTO, tmp("photo.jxl")], check=True, capture_output=True)
    data = read(tmp("photo.jxl"))
    jumb = box(b"jumb", box(b"jumd", b"\x00" * 16 + b"\x03" + b"c2pa\0") + box(b"json", f'{{"author":"{S}-JUMBF"}}'.encode()))
    write(path("jxl-brob.jxl"), data + jumb)
    # ...and with the brob boxes expanded into plain Exif and 'xml ' boxes, which is what
    # exiftool reads (and what other writers produce).
    out = b""
    for k, s, h, e in boxes(data):
        if k == b"brob":
            out += box(data[s + h:s + h + 4], brotli.decompress(data[s + h + 4:e]))
        else:
            out += data[s:e]
    write(path("jxl-boxes.jxl"), out + jumb)


# ---- JPEG 2000 ----

XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
IPTC_UUID = bytes.fromhex("33C7A4D2B81D4723A0BAF1A3E097AD38")


def xmp_packet(label):
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f"<dc:creator><rdf:Seq><rdf:li>{S}-{label}-Creator</rdf:li></rdf:Seq></dc:creator>"
        "<xmp:CreateDate>2019-03-04T05:06:07Z</xmp:CreateDate>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def iptc():
    def ds(record, tag, value):
        return struct.pack(">BBBH", 0x1C, record, tag, len(value)) + value
    return ds(1, 90, b"\x1b%G") + ds(2, 80, f"{S}-IPTC-Byline".encode()) + ds(2, 90, f"{S}-IPTC-City".encode())


def jp2_fixtures():
    from PIL import Image
    Image.open(PHOTO).convert("RGB").save(tmp("photo.ppm"))
    run("opj_compress", "-i", tmp("photo.ppm"), "-o", tmp("photo.jp2"), "-r", "20")
    data = read(tmp("photo.jp2"))
    # The metadata boxes go between jp2h and jp2c (the order exiftool and Kakadu write).
    s, h, e = find(data, b"jp2c")
    extra = (box(b"xml ", xmp_packet("xml-box")) + box(b"uuid", XMP_UUID + xmp_packet("uuid-XMP"))
             + box(b"uuid", IPTC_UUID + iptc()))
    write(path("jp2-boxes.jp2"), data[:s] + extra + data[s:])
    # The EXIF uuid box by exiftool, from the photo's EXIF less its JPEG thumbnail (ffmpeg's
    # jpeg2000 parser takes bytes of an embedded JPEG for codestream markers).
    exiftool(path("jp2-boxes.jp2"), "-tagsFromFile", PHOTO, "-EXIF:all", "-ThumbnailImage=")


# ---- MP4 / MOV / M4A ----

QT_TAGS = [
    # UserData (udta, QuickTime '©' atoms) and ItemList (udta/meta/ilst) values.
    f"-UserData:GPSCoordinates=48.8583 N, 2.2944 E, 35",
    f"-UserData:Make={S}-udta-Make", f"-UserData:Model={S}-udta-Model", f"-UserData:SoftwareVersion={S}-udta-Software",
    f"-UserData:Author={S}-udta-Author",
    f"-ItemList:Title={S}-ilst-Title", f"-ItemList:Artist={S}-ilst-Artist", f"-ItemList:Encoder={S}-ilst-Encoder",
    f"-ItemList:Comment={S}-ilst-Comment", "-ItemList:ContentCreateDate=2019:03:04 05:06:07",
    f"-ItemList:CoverArt<={PHOTO}",
    # uuid XMP box.
    f"-XMP-dc:Creator={S}-XMP-Creator", "-XMP-xmp:CreateDate=2019:03:04 05:06:07",
    # mvhd/tkhd/mdhd times.
    "-QuickTime:CreateDate=2020:05:01 00:00:00", "-QuickTime:ModifyDate=2020:05:01 00:00:00",
    "-QuickTime:TrackCreateDate=2020:05:01 00:00:00", "-QuickTime:TrackModifyDate=2020:05:01 00:00:00",
    "-QuickTime:MediaCreateDate=2020:05:01 00:00:00", "-QuickTime:MediaModifyDate=2020:05:01 00:00:00",
]

APPLE_KEYS = [
    # moov/meta with mdta 'keys' + 'ilst', as an iPhone writes them.
    "-Keys:GPSCoordinates=48.8583 N, 2.2944 E, 35", f"-Keys:Make={S}-Apple-Make", f"-Keys:Model={S}-Apple-Model",
    f"-Keys:Software={S}-Apple-Software", "-Keys:CreationDate=2019:03:04 05:06:07+01:00",
    f"-Keys:Author={S}-Apple-Author",
]


def qt_string(kind, text):
    """A QuickTime user data text atom: length, language (0: English), text."""
    raw = text.encode()
    return box(kind, struct.pack(">HH", len(raw), 0) + raw)


def gpmf(key, typ, size, items):
    """One GPMF KLV: key, type char, structure size, repeat count, payload padded to 4."""
    payload = b"".join(items)
    return key + typ + struct.pack(">BH", size, len(items)) + payload + b"\0" * (-len(payload) % 4)


def gopro_sample(i):
    lat, lon = int((48.8583 + i * 1e-5) * 1e7), int(2.2944 * 1e7)
    strm = (gpmf(b"STNM", b"c", 1, [c.encode() for c in f"{S}-GPS"]) + gpmf(b"GPSU", b"U", 16, [b"200501000000.000"])
            + gpmf(b"SCAL", b"l", 4, [struct.pack(">l", v) for v in (10000000, 10000000, 1000, 1000, 100)])
            + gpmf(b"GPS5", b"l", 20, [struct.pack(">5l", lat, lon, 35000, 0, 0)]))
    devc = gpmf(b"DVID", b"L", 4, [struct.pack(">I", 1)]) + gpmf(b"DVNM", b"c", 1, [c.encode() for c in f"{S}-HERO"])
    devc += b"STRM" + b"\0" + struct.pack(">BH", 1, len(strm)) + strm
    return b"DEVC" + b"\0" + struct.pack(">BH", 1, len(devc)) + devc


def mebx_entry(keys):
    """A 'mebx' sample entry whose key table lists the given mdta keys (local ids 1..n)."""
    table = b"".join(box(struct.pack(">I", i + 1), box(b"keyd", b"mdta" + k.encode()) + box(b"dtyp", struct.pack(">II", 0, 1)))
                     for i, k in enumerate(keys))
    return box(b"mebx", b"\0" * 6 + struct.pack(">H", 1) + box(b"keys", table))


def mebx_sample(i):
    return box(struct.pack(">I", 1), f"+48.{8583 + i}+002.2944+035.000/".encode()) + box(struct.pack(">I", 2), f"{S}-mebx-{i}".encode())


def gpmd_entry():
    return box(b"gpmd", b"\0" * 6 + struct.pack(">H", 1) + b"\0" * 4)


def mp4_fixtures():
    ffmpeg(*VIDEO_IN, *AUDIO_IN, *X264, "-c:a", "aac", "-b:a", "64k", *BITEXACT, tmp("plain.mp4"))
    # MP4 with udta/meta/ilst tags (location, make/model, encoder, cover art), uuid XMP, dates.
    shutil.copy(tmp("plain.mp4"), path("mp4-tagged.mp4"))
    exiftool(path("mp4-tagged.mp4"), *QT_TAGS)

    # M4A (audio only) with the same tags.
    ffmpeg(*AUDIO_IN, "-c:a", "aac", "-b:a", "64k", *BITEXACT, tmp("plain.m4a"))
    shutil.copy(tmp("plain.m4a"), path("m4a-tagged.m4a"))
    exiftool(path("m4a-tagged.m4a"), *[t for t in QT_TAGS if "Track" not in t])

    # iPhone-like MOV: mdta keys + ilst, and a timed metadata track (mebx) with the location.
    ffmpeg(*VIDEO_IN, *AUDIO_IN, *X264, "-c:a", "aac", "-b:a", "64k", *BITEXACT, "-f", "mov", tmp("plain.mov"))
    data = add_meta_tracks(read(tmp("plain.mov")), [
        (b"meta", b"Core Media Metadata", mebx_entry(["com.apple.quicktime.location.ISO6709", "com.apple.quicktime.detected-face"]),
         [mebx_sample(i) for i in range(4)]),
    ], udta_children=qt_string(b"\xa9mak", f"{S}-udta-Make"),
        track1_udta=qt_string(b"\xa9xyz", "+48.8583+002.2944+35.000/") + qt_string(b"\xa9mak", f"{S}-track-udta-Make"))
    write(path("mov-iphone.mov"), data)
    exiftool(path("mov-iphone.mov"), *APPLE_KEYS, "-QuickTime:CreateDate=2020:05:01 00:00:00")

    # GoPro-like MP4: a 'gpmd' data track with GPS5 telemetry and the camera name, plus the
    # udta boxes GoPro writes (firmware, camera serial).
    udta = box(b"FIRM", f"{S}-FIRM-HD9.01".encode()) + box(b"CAME", f"{S}-CAME-serial".encode())
    data = add_meta_tracks(read(tmp("plain.mp4")), [(b"meta", b"\tGoPro MET", gpmd_entry(), [gopro_sample(i) for i in range(4)])], udta)
    write(path("mp4-gopro.mp4"), data)
    exiftool(path("mp4-gopro.mp4"), "-QuickTime:CreateDate=2020:05:01 00:00:00")

    # Fragmented MP4 (moof/mdat pairs after an empty moov) with tags in moov/udta.
    ffmpeg(*VIDEO_IN, *AUDIO_IN, *X264, "-c:a", "aac", "-b:a", "64k", *BITEXACT,
           "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-frag_duration", "300000",
           "-metadata", f"title={S}-frag-Title", "-metadata", f"artist={S}-frag-Artist",
           "-metadata", "location=+48.8583+002.2944/", "-metadata", "creation_time=2020-05-01T00:00:00Z",
           path("mp4-fragmented.mp4"))


def chain_trafs(data, first_track):
    """The same fragmented file with every track fragment's base chained (ISO 14496-12 8.8.7: no
    explicit base, not moof-relative: a track fragment after the first starts where the previous
    one's data ended) and the traf of `first_track` moved first in each moof. Each tfhd loses its
    8-byte base; a free box after the moof keeps every other offset where it was."""
    out = bytearray()
    trex = {}
    for k, s, h, e in boxes(data):
        if k == b"moov":
            mvex = find(data, b"mvex", s + h, e)
            for k2, s2, h2, e2 in boxes(data, mvex[0] + mvex[1], mvex[2]):
                if k2 == b"trex":
                    track, _, _, size = struct.unpack_from(">IIII", data, s2 + 12)
                    trex[track] = size
        if k != b"moof":
            out += data[s:e]
            continue
        kids = boxes(data, s + h, e)
        trafs = []
        for k2, s2, h2, e2 in kids:
            if k2 != b"traf":
                continue
            parts = boxes(data, s2 + h2, e2)
            tfhd = next(p for p in parts if p[0] == b"tfhd")
            flags, track = struct.unpack_from(">II", data, tfhd[1] + 8)
            assert flags & 1, "ffmpeg wrote no explicit base"
            base = struct.unpack_from(">Q", data, tfhd[1] + 16)[0]
            at = 8 + 8 + 4 * bool(flags & 2) + 4 * bool(flags & 8)
            default = struct.unpack_from(">I", data, tfhd[1] + 8 + at)[0] if flags & 0x10 else trex[track]
            runs = []
            for p in parts:
                if p[0] != b"trun":
                    continue
                tf, count, off = struct.unpack_from(">IIi", data, p[1] + 8)
                assert tf & 1, "a trun without a data offset"
                per = 4 * sum(bool(tf & f) for f in (0x100, 0x200, 0x400, 0x800))
                first = 20 + 4 * bool(tf & 4)
                if tf & 0x200:
                    sizes = [struct.unpack_from(">I", data, p[1] + first + i * per + 4 * bool(tf & 0x100))[0]
                             for i in range(count)]
                else:
                    sizes = [default] * count
                runs.append((p, base + off, sum(sizes)))
            trafs.append((track, parts, flags, tfhd, runs))
        trafs.sort(key=lambda t: t[0] != first_track)
        body = b"".join(data[s2:e2] for k2, s2, h2, e2 in kids if k2 != b"traf")
        prev_end = None
        for track, parts, flags, tfhd, runs in trafs:
            base = s if prev_end is None else prev_end
            tb = b""
            for p in parts:
                chunk = bytearray(data[p[1]:p[3]])
                if p[0] == b"tfhd":
                    chunk = chunk[:16] + chunk[24:]
                    struct.pack_into(">II", chunk, 0, len(chunk), 0)
                    chunk[4:8] = b"tfhd"
                    struct.pack_into(">I", chunk, 8, flags & ~1)
                elif p[0] == b"trun":
                    run = next(r for r in runs if r[0] == p)
                    struct.pack_into(">i", chunk, 16, run[1] - base)
                tb += bytes(chunk)
            body += box(b"traf", tb)
            prev_end = runs[-1][1] + runs[-1][2]
        moof = box(b"moof", body)
        out += moof + box(b"free", b"\0" * (e - s - len(moof) - 8))
    return bytes(out)


def fragment_fixtures():
    # The iPhone-like MOV fragmented with a segment index per track (global_sidx), one of them
    # indexing the metadata track, which leaves every moof.
    ffmpeg("-i", path("mov-iphone.mov"), "-map", "0", "-c", "copy", "-movflags",
           "frag_keyframe+empty_moov+default_base_moof+global_sidx", "-frag_duration", "200000",
           "-f", "mov", path("mov-sidx.mov"))
    # The same fragmented with chained track fragment bases, the metadata track's traf first in
    # each moof (so a kept traf's base is the end of a dropped one's data).
    ffmpeg("-i", path("mov-iphone.mov"), "-map", "0", "-c", "copy", "-movflags",
           "frag_keyframe+empty_moov", "-frag_duration", "200000", "-f", "mov", tmp("frag.mov"))
    write(path("mov-chained-traf.mov"), chain_trafs(read(tmp("frag.mov")), 3))


# ---- Matroska / WebM ----

TAGS_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<Tags>
  <Tag><Targets><TargetTypeValue>50</TargetTypeValue></Targets>
    <Simple><Name>ARTIST</Name><String>{S}-mkv-Artist</String></Simple>
    <Simple><Name>DATE_RECORDED</Name><String>2019-03-04</String></Simple>
    <Simple><Name>RECORDING_LOCATION</Name><String>+48.8583+002.2944/ {S}-mkv-Location</String></Simple>
    <Simple><Name>ENCODER</Name><String>{S}-mkv-Encoder</String></Simple>
  </Tag>
  <Tag><Targets><TargetTypeValue>30</TargetTypeValue><TrackUID>1</TrackUID></Targets>
    <Simple><Name>COMMENT</Name><String>{S}-mkv-Track-Comment</String></Simple>
  </Tag>
</Tags>
"""

CHAPTERS_XML = """<?xml version="1.0" encoding="UTF-8"?>
<Chapters><EditionEntry><EditionUID>1</EditionUID><ChapterAtom><ChapterUID>1</ChapterUID>
<ChapterTimeStart>00:00:00.000</ChapterTimeStart><ChapterDisplay><ChapterString>Opening</ChapterString>
<ChapterLanguage>eng</ChapterLanguage></ChapterDisplay></ChapterAtom></EditionEntry></Chapters>
"""


def mkv_fixtures():
    with open(tmp("tags.xml"), "w") as f:
        f.write(TAGS_XML)
    with open(tmp("chapters.xml"), "w") as f:
        f.write(CHAPTERS_XML)
    ffmpeg(*VIDEO_IN, *AUDIO_IN, *X264, "-c:a", "libvorbis", "-q:a", "0", *BITEXACT, tmp("plain.mkv"))
    # mkvmerge (its random UIDs and date fixed by no_variable_data; mkvpropedit then plants the
    # date and apps) writes Info (Title, MuxingApp, WritingApp, DateUTC), Tags, a chapter (content:
    # kept), a cover attachment (the photo, with its EXIF), SeekHead and Cues.
    mkvmerge_common = ["--title", f"{S}-mkv-Title", "--global-tags", tmp("tags.xml"), "--chapters", tmp("chapters.xml")]
    run("mkvmerge", "-q", "--engage", "no_variable_data", "-o", path("mkv-tagged.mkv"), *mkvmerge_common,
        "--attachment-name", "cover.jpg", "--attachment-mime-type", "image/jpeg",
        "--attachment-description", f"{S}-attachment-Description", "--attach-file", PHOTO,
        "--track-name", f"0:{S}-video-TrackName", tmp("plain.mkv"))
    run("mkvpropedit", "-q", path("mkv-tagged.mkv"), "--edit", "info", "--set", "date=2019-03-04T05:06:07Z",
        "--set", f"muxing-application={S}-MuxingApp", "--set", f"writing-application={S}-WritingApp")

    ffmpeg(*VIDEO_IN, *AUDIO_IN, "-c:v", "libvpx", "-b:v", "200k", "-deadline", "good", "-cpu-used", "4",
           "-c:a", "libopus", "-b:a", "48k", *BITEXACT, tmp("plain.webm"))
    run("mkvmerge", "-q", "--engage", "no_variable_data", "--webm", "-o", path("webm-tagged.webm"), "--title", f"{S}-webm-Title",
        "--global-tags", tmp("tags.xml"), tmp("plain.webm"))
    run("mkvpropedit", "-q", path("webm-tagged.webm"), "--edit", "info", "--set", "date=2019-03-04T05:06:07Z",
        "--set", f"writing-application={S}-WritingApp")


# ---- AVI ----

def riff_chunk(kind, payload):
    return kind + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) % 2 else b"")


def strd_exif():
    """strd as Pentax/Casio cameras write it: 'AVIF', 4 bytes, then a little-endian IFD0
    (offsets counted from the IFD, 8 bytes into the chunk data) with Make and Model."""
    make, model = f"{S}-strd-Make\0".encode(), f"{S}-strd-Model\0".encode()

    values_at = 2 + 2 * 12 + 4
    ifd = struct.pack("<H", 2)
    ifd += struct.pack("<HHII", 0x010F, 2, len(make), values_at)
    ifd += struct.pack("<HHII", 0x0110, 2, len(model), values_at + len(make))
    ifd += struct.pack("<I", 0)
    return b"AVIF" + b"\0" * 4 + ifd + make + model


def avi_fixture():
    # ffmpeg writes LIST/INFO from the metadata (INAM, IART, ICMT, ICRD, ISFT) and leaves a
    # JUNK chunk before 'movi' for tag editing; IDIT (the date a camera recorded) and strd (a
    # camera's vendor data) are carved out of that JUNK so no index offset moves.
    ffmpeg(*VIDEO_IN, *AUDIO_IN, "-c:v", "mjpeg", "-q:v", "8", "-c:a", "pcm_s16le", *BITEXACT,
           "-metadata", f"title={S}-avi-Title", "-metadata", f"artist={S}-avi-Artist",
           "-metadata", f"comment={S}-avi-Comment", "-metadata", "date=2019-03-04",
           "-metadata", f"copyright={S}-avi-Copyright", tmp("plain.avi"))
    data = read(tmp("plain.avi"))
    hdrl = data.index(b"hdrl") - 8
    strl = data.index(b"strl") - 8
    strl_size = struct.unpack("<I", data[strl + 4:strl + 8])[0]
    strd = riff_chunk(b"strd", strd_exif())
    idit = riff_chunk(b"IDIT", b"MON MAR 04 05:06:07 2019\n\0")
    junk = data.rindex(b"JUNK", 0, data.index(b"movi"))  # the one after LIST/INFO
    junk_size = struct.unpack("<I", data[junk + 4:junk + 8])[0]
    added = len(strd) + len(idit)
    assert junk_size > added + 64
    hdrl_size = struct.unpack("<I", data[hdrl + 4:hdrl + 8])[0]
    strl_end = strl + 8 + strl_size
    hdrl_end = hdrl + 8 + hdrl_size
    assert strl_end <= hdrl_end <= junk
    # The JUNK keeps a planted text in its padding (cameras leave data there).
    new_junk_payload = f"{S}-JUNK-padding".encode()
    new_junk_payload += b"\0" * (junk_size - added - len(new_junk_payload))
    out = (data[:strl_end] + strd + data[strl_end:hdrl_end] + idit + data[hdrl_end:junk]
           + b"JUNK" + struct.pack("<I", junk_size - added) + new_junk_payload + data[junk + 8 + junk_size:])
    out = bytearray(out)
    struct.pack_into("<I", out, strl + 4, strl_size + len(strd))
    struct.pack_into("<I", out, hdrl + 4, hdrl_size + added)
    assert len(out) == len(data)
    # An XMP '_PMX' chunk at the end of the RIFF, where Adobe's tools append it.
    out = bytes(out) + riff_chunk(b"_PMX", xmp_packet("avi-PMX"))
    out = out[:4] + struct.pack("<I", len(out) - 8) + out[8:]
    write(path("avi-info.avi"), out)


# ---- ASF (WMV, WMA) ----

def asf_guid(text):
    import uuid
    return uuid.UUID(text).bytes_le


ASF_HEADER = asf_guid("75B22630-668E-11CF-A6D9-00AA0062CE6C")
ASF_DATA = asf_guid("75B22636-668E-11CF-A6D9-00AA0062CE6C")
ASF_SIMPLE_INDEX = asf_guid("33000890-E5B1-11CF-89F4-00A0C90349CB")
ASF_FILE_PROPERTIES = asf_guid("8CABDCA1-A947-11CF-8EE4-00C00C205365")
ASF_HEADER_EXTENSION = asf_guid("5FBF03B5-A92E-11CF-8EE3-00C00C205365")
ASF_EXTENDED_CONTENT = asf_guid("D2D0A440-E307-11D2-97F0-00A0C95EA850")
ASF_METADATA = asf_guid("C5F8CBEA-5BAF-4877-8467-AA8C44FA4CCA")
ASF_METADATA_LIBRARY = asf_guid("44231C94-9498-49D1-A141-1D134E457054")
ASF_CONTENT_BRANDING = asf_guid("2211B3FA-BD23-11D2-B4B7-00A0C955FC6E")
ASF_PADDING = asf_guid("1806D474-CADF-4509-A4BA-9AABCB96AAE8")
ASF_MARKER = asf_guid("F487CD01-A951-11CF-8EE6-00C00C205365")
ASF_EXTENDED_STREAM = asf_guid("14E6A5CB-C672-4332-8399-A96952065B5A")
# A time-based (version 1) GUID, as old Windows Media encoders made File IDs: its last six
# bytes are a network card's address.
ASF_FILE_ID = asf_guid("5EC1E0A0-6B81-11EA-8D77-0242AC130003")
# 2020-05-01 00:00:00 UTC as a FILETIME (100 ns since 1601).
ASF_CREATED = (1588291200 + 11644473600) * 10_000_000


def asf_object(guid, payload):
    return guid + struct.pack("<Q", 24 + len(payload)) + payload


def asf_objects(data, start, end):
    """(guid, payload) of each object in data[start:end]."""
    out = []
    at = start
    while at < end:
        size = struct.unpack("<Q", data[at + 16:at + 24])[0]
        out.append((data[at:at + 16], data[at + 24:at + size]))
        at += size
    return out


def utf16z(text):
    return (text + "\0").encode("utf-16-le")


def asf_descriptor(name, kind, value):
    """An Extended Content Description attribute (0 string, 1 bytes, 3 DWORD, 4 QWORD, 6 GUID)."""
    if kind == 0:
        value = utf16z(value)
    n = utf16z(name)
    return struct.pack("<H", len(n)) + n + struct.pack("<HH", kind, len(value)) + value


def asf_record(stream, name, kind, value):
    """A Metadata / Metadata Library record."""
    if kind == 0:
        value = utf16z(value)
    n = utf16z(name)
    return struct.pack("<HHHHI", 0, stream, len(n), kind, len(value)) + n + value


def wm_picture(jpeg, description):
    return struct.pack("<BI", 3, len(jpeg)) + utf16z("image/jpeg") + utf16z(description) + jpeg


def asf_plant(src, dst, descriptors, header_extra, ext_extra, records=()):
    """Adds to ffmpeg's ASF header: WM/ attributes, objects (header_extra), Header Extension
    objects (ext_extra), Metadata records; sets a File ID (also in the Data Object and the
    Simple Index) and a creation date. Data packets are addressed by number: nothing moves."""
    data = read(src)
    header_size = struct.unpack("<Q", data[16:24])[0]
    objects = []
    for guid, body in asf_objects(data, 30, header_size):
        if guid == ASF_FILE_PROPERTIES:
            body = ASF_FILE_ID + body[16:24] + struct.pack("<Q", ASF_CREATED) + body[32:]
        elif guid == ASF_EXTENDED_CONTENT:
            count = struct.unpack("<H", body[:2])[0] + len(descriptors)
            body = struct.pack("<H", count) + body[2:] + b"".join(descriptors)
        elif guid == ASF_HEADER_EXTENSION:
            inner = []
            for g, b in asf_objects(body, 22, len(body)):
                if g == ASF_METADATA and records:
                    count = struct.unpack("<H", b[:2])[0] + len(records)
                    b = struct.pack("<H", count) + b[2:] + b"".join(records)
                inner.append(asf_object(g, b))
            inner = b"".join(inner + list(ext_extra))
            body = body[:18] + struct.pack("<I", len(inner)) + inner
        objects.append(asf_object(guid, body))
    objects += header_extra
    body = b"".join(objects)
    header = ASF_HEADER + struct.pack("<QI", 30 + len(body), len(objects)) + data[28:30] + body
    rest = bytearray(data[header_size:])
    for guid, at in ((ASF_DATA, 0), (ASF_SIMPLE_INDEX, None)):
        at = rest.find(guid) if at is None else at
        if at >= 0:
            assert rest[at:at + 16] == guid
            rest[at + 24:at + 40] = ASF_FILE_ID
    out = bytearray(header + rest)
    props = out.find(ASF_FILE_PROPERTIES)
    struct.pack_into("<Q", out, props + 40, len(out))
    write(dst, bytes(out))


def asf_markers(names):
    entries = b""
    for i, name in enumerate(names):
        n = name.encode("utf-16-le")
        entries += struct.pack("<QQHIII", 0, i * 5_000_000, 12 + len(n), 0, 0, len(name)) + n
    return asf_object(ASF_MARKER, bytes(16) + struct.pack("<IHH", len(names), 0, 0) + entries)


def asf_stream_name(stream, name, frame_time):
    """An Extended Stream Properties Object naming a stream (rates and buffer as ffmpeg's)."""
    n = name.encode("utf-16-le")
    return asf_object(ASF_EXTENDED_STREAM, struct.pack(
        "<QQIIIIIIIIHHQHH", 0, 0, 300000, 3100, 3100, 300000, 3100, 3100, 0, 0, stream, 0,
        frame_time, 1, 0) + struct.pack("<HH", 0, len(n)) + n)


def asf_fixtures():
    photo = read(PHOTO)
    tags = ["-metadata", f"title={S}-asf-Title", "-metadata", f"artist={S}-asf-Author",
            "-metadata", f"copyright={S}-asf-Copyright", "-metadata", f"comment={S}-asf-Description",
            "-metadata", "date=2019"]
    # WMV: Windows Media Video 8 and Audio 2 (ffmpeg's own encoders).
    ffmpeg(*VIDEO_IN, *AUDIO_IN, "-c:v", "wmv2", "-q:v", "8", "-c:a", "wmav2", *BITEXACT, *tags,
           tmp("plain.wmv"))
    asf_plant(
        tmp("plain.wmv"), path("asf-tagged.wmv"),
        [asf_descriptor("WM/EncodingSettings", 0, f"{S}-asf-EncodingSettings"),
         asf_descriptor("WM/ToolName", 0, f"{S}-asf-ToolName"),
         asf_descriptor("WM/EncodingTime", 4, struct.pack("<Q", ASF_CREATED)),
         asf_descriptor("WM/MediaClassPrimaryID", 6, asf_guid("DB9830BD-3AB3-4FAB-8A37-1A995F7FF74B"))],
        [asf_object(ASF_CONTENT_BRANDING, struct.pack("<II", 1, len(photo)) + photo
                    + struct.pack("<I", 34) + f"http://{S}-banner.example/".encode().ljust(34, b"/")
                    + struct.pack("<I", 37) + f"http://{S}-copyright.example/".encode().ljust(37, b"/")),
         asf_object(ASF_PADDING, f"{S}-asf-padding".encode() + bytes(64)),
         asf_markers(["KEPT-marker-Opening", "KEPT-marker-End"])],
        [asf_object(ASF_METADATA_LIBRARY, struct.pack("<H", 2)
                    + asf_record(0, "WM/Writer", 0, f"{S}-asf-library-Writer")
                    + asf_record(1, "WM/Picture", 1, wm_picture(photo, f"{S}-asf-library-picture"))),
         asf_object(ASF_PADDING, f"{S}-asf-ext-padding".encode() + bytes(32)),
         asf_stream_name(1, f"{S}-asf-stream-name", 1_000_000)],
        [asf_record(1, "WM/Producer", 0, f"{S}-asf-metadata-Producer")])
    # WMA: Windows Media Audio 2 with a WM/Picture cover (the photo, EXIF and all).
    ffmpeg(*AUDIO_IN, "-c:a", "wmav2", *BITEXACT, *tags, tmp("plain.wma"))
    asf_plant(
        tmp("plain.wma"), path("asf-cover.wma"),
        [asf_descriptor("WM/AlbumArtist", 0, f"{S}-asf-AlbumArtist"),
         asf_descriptor("WM/Year", 0, "2019"),
         asf_descriptor("WM/UniqueFileIdentifier", 0, f"AMGa_id={S}-asf-ufid"),
         asf_descriptor("WM/Picture", 1, wm_picture(photo, f"{S}-asf-cover"))],
        [], [])


def mjpeg_fixtures():
    """Motion JPEG in AVI, MOV, Matroska and ASF whose every frame carries what a camera writes
    (EXIF make, model, artist, serial, date and GPS; XMP; IPTC; a comment): JPEGs made by
    ffmpeg, tagged by exiftool, then muxed with -c copy, which keeps each frame's bytes."""
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=5:duration=1", "-c:v", "mjpeg",
           "-q:v", "5", "-pix_fmt", "yuvj420p", *BITEXACT, tmp("f%02d.jpg"))
    frames = [tmp(f"f{i:02d}.jpg") for i in range(1, 6)]
    for f in frames:
        exiftool(f, f"-Make={S}-mjpeg-Make", f"-Model={S}-mjpeg-Model",
                 f"-Artist={S}-mjpeg-Artist", f"-SerialNumber={S}-mjpeg-Serial",
                 "-DateTimeOriginal=2020:05:01 12:00:00", "-GPSLatitude=48.8584",
                 "-GPSLatitudeRef=N", "-GPSLongitude=2.2945", "-GPSLongitudeRef=E",
                 f"-Comment={S}-mjpeg-Comment", f"-XMP:Creator={S}-mjpeg-XMP",
                 f"-IPTC:By-line={S}-mjpeg-IPTC")
    for ext in ("avi", "mov", "mkv", "wmv"):
        out = path(f"mjpeg-exif.{ext}")
        ffmpeg("-framerate", "5", "-i", tmp("f%02d.jpg"), "-c", "copy", *BITEXACT, out)
        data = read(out)
        # ASF cuts frames into packet payloads: there, only the planted values are checked.
        whole = ext == "wmv" or all(read(f) in data for f in frames)
        assert whole and S.encode() in data, f"{out}: frames not copied as they were"


GROUPS = {"heif": heif_fixtures, "jxl": jxl_fixtures, "jp2": jp2_fixtures, "mp4": mp4_fixtures,
          "fragment": fragment_fixtures, "mkv": mkv_fixtures, "avi": avi_fixture,
          "asf": asf_fixtures, "mjpeg": mjpeg_fixtures}

if __name__ == "__main__":
    # Arguments name the groups to make again (`fragment`: only the fragmented MOVs); none: all.
    import sys
    try:
        for name in sys.argv[1:] or GROUPS:
            GROUPS[name]()
    finally:
        shutil.rmtree(TMP)
    for name in sorted(os.listdir(HERE)):
        print(f"{os.path.getsize(path(name)):8d} {name}")
