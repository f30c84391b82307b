#!/usr/bin/python3
"""Makes the mat-strip fixtures of issue #14 (audio): MP3 with ID3v1, ID3v2.3, ID3v2.4, APEv2
and Lyrics3, FLAC with VORBIS_COMMENT/PICTURE/APPLICATION and a leading ID3, Ogg Vorbis and
Opus with tags and a cover, a BWF WAV (bext, iXML, LIST/INFO, id3, _PMX, axml) and an AIFF
(NAME, AUTH, (c), ANNO, COMT, APPL, ID3). Every planted text value contains PKSECRET, dates are
2019-03-04; every cover is ../jpeg-baseline.jpg, a JPEG that carries its own EXIF (GPS, make,
model with PKSECRET), so a cleaner that keeps a cover must clean the cover too.

Run from anywhere: /usr/bin/python3 testdata/mat-strip/media/make-audio-fixtures.py
Needs from Debian: ffmpeg, flac, vorbis-tools, opus-tools, python3-mutagen,
libimage-exiftool-perl. The tests use only the committed output. Serial numbers and encoder
flags are fixed so that a re-run gives the same files.
"""
import base64
import os
import shutil
import struct
import subprocess
import sys
import tempfile

from mutagen import id3
from mutagen.apev2 import APEv2
from mutagen.flac import Picture
from mutagen.oggflac import OggFLAC
from mutagen.oggspeex import OggSpeex
from mutagen.oggvorbis import OggVorbis

HERE = os.path.dirname(os.path.abspath(__file__))
PHOTO = os.path.join(HERE, "..", "jpeg-baseline.jpg")
S = "PKSECRET"
TMP = tempfile.mkdtemp(prefix="pk-audio-")
# Two seconds of a chord, synthetic and deterministic.
AUDIO_IN = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2",
            "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=44100:duration=2",
            "-filter_complex", "[0][1]amerge=inputs=2[a]", "-map", "[a]"]
BITEXACT = ["-fflags", "+bitexact", "-flags:a", "+bitexact", "-threads", "1", "-map_metadata", "-1"]


def path(name):
    return os.path.join(HERE, name)


def tmp(name):
    return os.path.join(TMP, name)


def run(*args):
    subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def ffmpeg(*args):
    run("ffmpeg", "-y", "-v", "error", *args)


def read(name):
    with open(name, "rb") as f:
        return f.read()


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


COVER = read(PHOTO)


# ---- MP3 ----

def id3_frames(version):
    """Every kind of ID3v2 frame a recorder, a tagger or a store writes, with PKSECRET values."""
    date = id3.TDRC(encoding=3, text="2019-03-04T05:06:07") if version == 4 else id3.TYER(encoding=1, text="2019")
    frames = [
        id3.TIT2(encoding=1, text=f"{S}-TIT2-Title"), id3.TPE1(encoding=1, text=f"{S}-TPE1-Artist"),
        id3.TALB(encoding=1, text=f"{S}-TALB-Album"), id3.TENC(encoding=1, text=f"{S}-TENC-EncodedBy"),
        id3.TSSE(encoding=1, text=f"{S}-TSSE-Encoder"), id3.TCOP(encoding=1, text=f"{S}-TCOP-Copyright"),
        date,
        id3.TXXX(encoding=1, desc="location", text=f"+48.8583+002.2944/ {S}-TXXX-location"),
        id3.TXXX(encoding=1, desc="com.apple.quicktime.make", text=f"{S}-TXXX-Make"),
        id3.COMM(encoding=1, lang="eng", desc="", text=f"{S}-COMM-Comment"),
        id3.PRIV(owner=f"{S}-PRIV-owner", data=f"{S}-PRIV-data".encode()),
        id3.GEOB(encoding=1, mime="text/plain", filename=f"{S}-GEOB.txt", desc=f"{S}-GEOB-desc",
                 data=f"{S}-GEOB-data".encode()),
        id3.UFID(owner="http://example.invalid/", data=f"{S}-UFID".encode()),
        id3.WXXX(encoding=1, desc="homepage", url=f"http://example.invalid/{S}-WXXX"),
        id3.APIC(encoding=1, mime="image/jpeg", type=3, desc=f"{S}-APIC-desc", data=COVER),
        # A chapter whose name is content (kept) and a table of contents.
        id3.CTOC(element_id="toc", flags=3, child_element_ids=["ch1"], sub_frames=[id3.TIT2(encoding=1, text="Contents")]),
        id3.CHAP(element_id="ch1", start_time=0, end_time=2000, sub_frames=[id3.TIT2(encoding=1, text="Chapter one")]),
    ]
    if version == 4:
        frames += [id3.TDEN(encoding=3, text="2019-03-04T05:06:07"), id3.TDTG(encoding=3, text="2019-03-04T05:06:07")]
    return frames


def id3_tag(version, v1=0, target=None):
    """Writes an ID3v2.<version> tag (and an ID3v1 if v1=2) onto target, an existing file."""
    tag = id3.ID3()
    for frame in id3_frames(version):
        tag.add(frame)
    tag.save(target, v1=v1, v2_version=version, padding=lambda info: 64)


def lyrics3v2():
    """A Lyrics3 v2 block (goes just before the ID3v1 tag): fields, size, LYRICS200."""
    fields = b""
    for key, value in ((b"IND", b"10"), (b"LYR", f"[00:00]{S}-Lyrics3-line".encode()), (b"AUT", f"{S}-Lyrics3-Author".encode()),
                       (b"INF", f"{S}-Lyrics3-Info".encode())):
        fields += key + b"%05d" % len(value) + value
    body = b"LYRICSBEGIN" + fields
    return body + b"%06d" % len(body) + b"LYRICS200"


def id3v1(title, artist, comment):
    """An ID3v1.1 tag: TAG, title, artist, album, year, comment, zero, track, genre."""
    def f(text, n):
        return text.encode()[:n].ljust(n, b"\0")
    return b"TAG" + f(title, 30) + f(artist, 30) + f(f"{S}-v1-Album", 30) + b"2019" + f(comment, 28) + b"\0\x01\x0c"


def mp3_fixtures():
    ffmpeg(*AUDIO_IN, "-c:a", "libmp3lame", "-b:a", "64k", *BITEXACT, "-write_xing", "1",
           "-id3v2_version", "0", "-write_id3v1", "0", tmp("plain.mp3"))
    # ID3v2.3 at the start, APEv2 then ID3v1 at the end.
    shutil.copy(tmp("plain.mp3"), path("mp3-id3v23-ape-v1.mp3"))
    id3_tag(3, v1=2, target=path("mp3-id3v23-ape-v1.mp3"))
    ape = APEv2()
    ape["Artist"] = f"{S}-APE-Artist"
    ape["Comment"] = f"{S}-APE-Comment"
    ape["Year"] = "2019"
    ape["Cover Art (Front)"] = b"cover.jpg\0" + COVER
    ape.save(path("mp3-id3v23-ape-v1.mp3"))
    # ID3v2.4 (with its own frames: TDRC, TDEN, TDTG).
    shutil.copy(tmp("plain.mp3"), path("mp3-id3v24.mp3"))
    id3_tag(4, target=path("mp3-id3v24.mp3"))
    # ID3v1.1 alone with Lyrics3 v2 before it (the old end-of-file layout of Winamp days).
    write(path("mp3-id3v1-lyrics3.mp3"), read(tmp("plain.mp3")) + lyrics3v2()
          + id3v1(f"{S}-v1-Title", f"{S}-v1-Artist", f"{S}-v1-Comment"))


# ---- FLAC ----

def flac_block(kind, payload, last=False):
    return bytes([kind | (0x80 if last else 0)]) + struct.pack(">I", len(payload))[1:] + payload


def flac_fixture():
    ffmpeg(*AUDIO_IN, "-c:a", "pcm_s16le", *BITEXACT, tmp("plain.wav"))
    run("flac", "--silent", "--force", "--best", "--no-seektable", "-S", "1s", "--padding=128",
        f"--tag=ARTIST={S}-VC-Artist", f"--tag=TITLE={S}-VC-Title", "--tag=DATE=2019-03-04",
        f"--tag=LOCATION=+48.8583+002.2944/ {S}-VC-Location", f"--tag=ENCODED_BY={S}-VC-EncodedBy",
        f"--tag=COMMENT={S}-VC-Comment", f"--picture=3|image/jpeg|{S}-PICTURE-desc||{PHOTO}",
        "-o", tmp("tagged.flac"), tmp("plain.wav"))
    data = read(tmp("tagged.flac"))
    assert data[:4] == b"fLaC"
    # An APPLICATION block (type 2) with an application id and private data, after STREAMINFO.
    at = 4
    first_len = struct.unpack(">I", b"\0" + data[at + 1:at + 4])[0]
    end = at + 4 + first_len
    app = flac_block(2, b"PKSC" + f"{S}-APPLICATION-data".encode())
    data = data[:end] + app + data[end:]
    # A leading ID3v2.4 tag, as some taggers write before 'fLaC'.
    write(tmp("id3only"), b"")
    tag = id3.ID3()
    tag.add(id3.TIT2(encoding=3, text=f"{S}-leading-ID3-Title"))
    tag.add(id3.TPE1(encoding=3, text=f"{S}-leading-ID3-Artist"))
    tag.add(id3.TXXX(encoding=3, desc="location", text=f"{S}-leading-ID3-location"))
    tag.save(tmp("id3only"), v2_version=4, padding=lambda info: 0)
    write(path("flac-tagged.flac"), read(tmp("id3only")) + data)


# ---- Ogg Vorbis / Opus ----

def picture_block():
    pic = Picture()
    pic.type, pic.mime, pic.desc, pic.data = 3, "image/jpeg", f"{S}-ogg-cover-desc", COVER
    pic.width, pic.height, pic.depth = 64, 48, 24
    return base64.b64encode(pic.write()).decode()


def ogg_fixtures():
    run("oggenc", "-Q", "--serial", "1234", "-q", "0", "-a", f"{S}-VC-Artist", "-t", f"{S}-VC-Title",
        "-d", "2019-03-04", "-c", f"LOCATION=+48.8583+002.2944/ {S}-VC-Location", "-c", f"COMMENT={S}-VC-Comment",
        "-o", path("ogg-vorbis-tagged.ogg"), tmp("plain.wav"))
    # The cover as a METADATA_BLOCK_PICTURE comment (mutagen rewrites the comment header pages).
    ogg = OggVorbis(path("ogg-vorbis-tagged.ogg"))
    ogg["METADATA_BLOCK_PICTURE"] = [picture_block()]
    ogg.save()
    # opusenc puts the picture in METADATA_BLOCK_PICTURE itself and adds ENCODER comments.
    run("opusenc", "--quiet", "--serial", "1234", "--bitrate", "32", "--artist", f"{S}-VC-Artist",
        "--title", f"{S}-VC-Title", "--date", "2019-03-04", "--comment", f"LOCATION=+48.8583+002.2944/ {S}-VC-Location",
        "--comment", f"COMMENT={S}-VC-Comment", "--picture", f"3|image/jpeg|{S}-opus-cover-desc||{PHOTO}",
        tmp("plain.wav"), path("opus-tagged.opus"))


def ogg_more_fixtures():
    """FLAC-in-Ogg and Speex (ffmpeg writes both), and a chained Ogg Vorbis file (two links,
    each with its own serial and tags), for the Ogg page rewriter."""
    tags = ["-metadata", f"ARTIST={S}-VC-Artist", "-metadata", f"LOCATION=+48.8583+002.2944/ {S}-VC-Location",
            "-metadata", "DATE=2019-03-04", "-metadata", f"COMMENT={S}-VC-Comment"]
    # ffmpeg's ENCODER comment names its version: planted values must hold PKSECRET only where
    # the test looks for them, so it is replaced by mutagen below, with the cover.
    ffmpeg(*AUDIO_IN, "-c:a", "flac", *BITEXACT, *tags, "-serial_offset", "1234", "-f", "ogg",
           path("oga-flac-tagged.oga"))
    ffmpeg(*AUDIO_IN, "-ac", "1", "-ar", "16000", "-c:a", "libspeex", *BITEXACT, *tags,
           "-serial_offset", "1234", "-f", "ogg", path("spx-tagged.spx"))
    for name, kind in (("oga-flac-tagged.oga", OggFLAC), ("spx-tagged.spx", OggSpeex)):
        f = kind(path(name))
        f["ENCODER"] = [f"{S}-VC-Encoder"]
        f["METADATA_BLOCK_PICTURE"] = [picture_block()]
        f.save()
    links = []
    for serial, part in ((1234, "link1"), (5678, "link2")):
        run("oggenc", "-Q", "--serial", str(serial), "-q", "0", "-a", f"{S}-{part}-Artist",
            "-c", f"COMMENT={S}-{part}-Comment", "-o", tmp(f"{part}.ogg"), tmp("plain.wav"))
        links.append(read(tmp(f"{part}.ogg")))
    write(path("ogg-chained.ogg"), b"".join(links))


# ---- WAV (BWF) ----

def riff_chunk(kind, payload):
    return kind + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) % 2 else b"")


IXML = f"""<?xml version="1.0" encoding="UTF-8"?>
<BWFXML><IXML_VERSION>1.61</IXML_VERSION><PROJECT>{S}-iXML-Project</PROJECT><SCENE>12A</SCENE>
<TAPE>{S}-iXML-Tape</TAPE><NOTE>{S}-iXML-Note recorded at 48.8583,2.2944</NOTE>
<USER>{S}-iXML-User</USER><FILE_UID>{S}-iXML-UID</FILE_UID></BWFXML>
""".encode()

XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    f"<dc:creator><rdf:Seq><rdf:li>{S}-XMP-Creator</rdf:li></rdf:Seq></dc:creator>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
    '<?xpacket end="w"?>'
).encode()


def wav_fixture():
    # ffmpeg writes bext from these keys and LIST/INFO from title/artist/comment/date.
    # One second (uncompressed files are large).
    ffmpeg(*AUDIO_IN, "-t", "1", "-c:a", "pcm_s16le", *BITEXACT, "-write_bext", "1",
           "-metadata", f"description={S}-bext-Description", "-metadata", f"originator={S}-bext-Originator",
           "-metadata", f"originator_reference={S}-bext-OrigRef", "-metadata", "origination_date=2019-03-04",
           "-metadata", "origination_time=05:06:07", "-metadata", "time_reference=0",
           "-metadata", f"coding_history=A=PCM,F=44100,W=16,M=stereo,T={S}-bext-CodingHistory",
           "-metadata", f"title={S}-INFO-Title", "-metadata", f"artist={S}-INFO-Artist",
           "-metadata", f"comment={S}-INFO-Comment", "-metadata", "date=2019-03-04",
           tmp("bwf.wav"))
    data = read(tmp("bwf.wav"))
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    # iXML, an 'id3 ' chunk, an XMP '_PMX' chunk and an 'axml' (EBU core) chunk after data.
    write(tmp("id3only"), b"")
    tag = id3.ID3()
    tag.add(id3.TIT2(encoding=3, text=f"{S}-wav-id3-Title"))
    tag.add(id3.TXXX(encoding=3, desc="location", text=f"{S}-wav-id3-location"))
    tag.save(tmp("id3only"), v2_version=4, padding=lambda info: 0)
    axml = (f'<ebuCoreMain xmlns="urn:ebu:metadata-schema:ebuCore_2014"><coreMetadata><creator>'
            f'<contactDetails><name>{S}-axml-Creator</name></contactDetails></creator></coreMetadata></ebuCoreMain>').encode()
    extra = riff_chunk(b"iXML", IXML) + riff_chunk(b"id3 ", read(tmp("id3only"))) + riff_chunk(b"_PMX", XMP) + riff_chunk(b"axml", axml)
    data = data + extra
    data = data[:4] + struct.pack("<I", len(data) - 8) + data[8:]
    write(path("wav-bwf.wav"), data)


# ---- AIFF ----

def iff_chunk(kind, payload):
    return kind + struct.pack(">I", len(payload)) + payload + (b"\0" if len(payload) % 2 else b"")


def aiff_fixture():
    ffmpeg(*AUDIO_IN, "-t", "1", "-c:a", "pcm_s16be", *BITEXACT, "-write_id3v2", "1", "-id3v2_version", "4",
           "-metadata", f"title={S}-aiff-id3-Title", "-metadata", f"artist={S}-aiff-id3-Artist", tmp("plain.aiff"))
    data = read(tmp("plain.aiff"))
    assert data[:4] == b"FORM" and data[8:12] == b"AIFF"
    comment = f"{S}-COMT-comment".encode()
    stamp = 2082844800 + 1551675967  # 2019-03-04T05:06:07Z in seconds since 1904
    comt = struct.pack(">H", 1) + struct.pack(">IHH", stamp, 0, len(comment)) + comment + (b"\0" if len(comment) % 2 else b"")
    extra = (iff_chunk(b"NAME", f"{S}-NAME".encode()) + iff_chunk(b"AUTH", f"{S}-AUTH".encode())
             + iff_chunk(b"(c) ", f"{S}-copyright".encode()) + iff_chunk(b"ANNO", f"{S}-ANNO-annotation".encode())
             + iff_chunk(b"COMT", comt) + iff_chunk(b"APPL", b"pdos" + f"{S}-APPL-data".encode()))
    # The text chunks go before SSND (where most writers put them), the ID3 chunk stays where
    # ffmpeg put it (at the end).
    at = data.index(b"SSND")
    data = data[:at] + extra + data[at:]
    data = data[:4] + struct.pack(">I", len(data) - 8) + data[8:]
    write(path("aiff-tagged.aiff"), data)


# ---- Ogg multiplexed, FLAC-in-Ogg with no header count, FLAC behind a big ID3, ID3v2.2 ----

def ogg_crc(data):
    """Ogg's CRC-32 (0x04C11DB7, not reflected, initial 0, no final XOR)."""
    r = 0
    for b in data:
        r ^= b << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if r & 0x80000000 else (r << 1) & 0xFFFFFFFF
    return r


def id3v2(version, frames):
    """An ID3v2 tag of `frames` ((id, payload) pairs): 3-character ids and 3-byte sizes for
    v2.2, 4 and 4 (big-endian) for v2.3."""
    body = b""
    for fid, payload in frames:
        if version == 2:
            body += fid + struct.pack(">I", len(payload))[1:] + payload
        else:
            body += fid + struct.pack(">I", len(payload)) + b"\0\0" + payload
    size = len(body)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3" + bytes([version, 0, 0]) + syncsafe + body


def without_id3v2(data):
    """The bytes after a leading ID3v2 tag."""
    assert data.startswith(b"ID3")
    size = 0
    for b in data[6:10]:
        size = size << 7 | b
    return data[10 + size:]


def more_fixtures_s3():
    # Theora video and Vorbis sound interleaved, each stream with its own comment header.
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=2", *AUDIO_IN[:8], "-map", "0:v",
           "-filter_complex", "[1][2]amerge=inputs=2[a]", "-map", "[a]",
           "-c:v", "libtheora", "-q:v", "5", "-c:a", "libvorbis", "-q:a", "0", *BITEXACT,
           "-metadata:s:v", f"TITLE={S}-theora-Title", "-metadata:s:v", f"ARTIST={S}-theora-Artist",
           "-metadata:s:a", f"ARTIST={S}-mux-Artist", "-metadata:s:a", f"LOCATION=+48.8583+002.2944/ {S}-mux-Location",
           "-serial_offset", "1234", "-f", "ogg", path("ogg-multiplexed.ogg"))
    # FLAC-in-Ogg whose first packet says 0 header packets ("unknown" in the mapping).
    data = bytearray(read(path("oga-flac-tagged.oga")))
    n = data[26]
    body = 27 + n
    assert data[body:body + 5] == b"\x7fFLAC"
    data[body + 7:body + 9] = b"\0\0"
    first = 27 + n + sum(data[27:27 + n])
    data[22:26] = b"\0\0\0\0"
    data[22:26] = struct.pack("<I", ogg_crc(bytes(data[:first])))
    write(path("oga-flac-count0.oga"), bytes(data))
    # A FLAC behind an ID3v2.3 tag of 300 KiB (a big cover): detection must look past it.
    big = id3v2(3, [(b"TPE1", b"\0" + f"{S}-bigid3-Artist".encode()),
                    (b"PRIV", f"{S}-bigid3-owner".encode() + b"\0" + bytes(300 * 1024))])
    write(path("flac-big-id3.flac"), big + without_id3v2(read(path("flac-tagged.flac"))))
    # ID3v2.2 (3-character frame ids) on the audio of the ID3v2.4 fixture.
    v22 = id3v2(2, [
        (b"TT2", b"\0" + f"{S}-TT2-Title".encode()),
        (b"TP1", b"\0" + f"{S}-TP1-Artist".encode()),
        (b"TAL", b"\0" + f"{S}-TAL-Album".encode()),
        (b"TYE", b"\x002019"),
        (b"COM", b"\0eng\0" + f"{S}-COM-Comment".encode()),
        (b"TXX", b"\0location\0" + f"+48.8583+002.2944/ {S}-TXX-location".encode()),
        (b"PIC", b"\0JPG\x03" + f"{S}-PIC-desc".encode() + b"\0" + COVER),
    ])
    write(path("mp3-id3v22.mp3"), v22 + without_id3v2(read(path("mp3-id3v24.mp3"))))


if __name__ == "__main__":
    # Names of steps to run (default: all), e.g. more_fixtures_s3: each step after the first
    # four reads only committed fixtures, so it can be run alone.
    STEPS = [mp3_fixtures, flac_fixture, ogg_fixtures, ogg_more_fixtures, wav_fixture, aiff_fixture,
             more_fixtures_s3]
    chosen = sys.argv[1:]
    try:
        for step in STEPS:
            if not chosen or step.__name__ in chosen:
                step()
    finally:
        shutil.rmtree(TMP)
    for name in sorted(os.listdir(HERE)):
        print(f"{os.path.getsize(path(name)):8d} {name}")
