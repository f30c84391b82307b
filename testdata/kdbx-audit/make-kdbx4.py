#!/usr/bin/env python3
"""Writes the KDBX 4 fixtures (and re-saves KDBX 3.1 in Twofish) with pykeepass (pip install
pykeepass) so that keepassxc-cli reads them exactly as kdbx-audit does: AES-256/Argon2d,
ChaCha20/Argon2id and Twofish/AES-KDF, each with the content of make-fixtures.py (that of
kdbx3.kdbx), passwords as protected values, which pykeepass encrypts in the inner stream the way
KeePassXC expects. (The keepass crate's writer, used before, wrote protected values that
keepassxc-cli 2.7 decrypted to garbage.) Run by make-fixtures.py."""
import base64
import datetime
import importlib.util
import os
import shutil
import struct

from construct import Container

from lxml import etree
from pykeepass import PyKeePass, create_database

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("fixtures", os.path.join(HERE, "make-fixtures.py"))
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)

# As many rounds as KeePassXC chose for 0.1 s when the first fixtures were made.
AES_ROUNDS = 60000
EPOCH = datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc)


def kdbx4_time(text):
    """KDBX 4 stores times as Base64 of little-endian seconds since 0001-01-01."""
    t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return base64.b64encode(struct.pack("<q", int((t - EPOCH).total_seconds()))).decode()


def content(kdbx4):
    tree = etree.fromstring(fixtures.main_xml().encode())
    for value in tree.iterfind(".//String/Value"):
        if value.getparent().findtext("Key") == "Password":
            value.set("Protected", "True")
    if kdbx4:
        for t in tree.iterfind(".//Times/*"):
            if t.tag.endswith("Time") and t.text:
                t.text = kdbx4_time(t.text)
    return etree.ElementTree(tree)


def resave(name, kdbx4, path=None):
    path = path or os.path.join(HERE, name)
    kp = PyKeePass(path, password=fixtures.DB_PASSWORD)
    kp.kdbx.body.payload.xml = content(kdbx4)
    kp.save()


def check(name):
    kp = PyKeePass(os.path.join(HERE, name), password=fixtures.DB_PASSWORD)
    printer = kp.find_entries(title="Printer", first=True)
    assert printer.password == fixtures.C, (name, printer.password)
    print(f"{os.path.getsize(os.path.join(HERE, name)):8d} {name} ({kp.encryption_algorithm}, {kp.kdf_algorithm})")


ARGON2ID = bytes.fromhex("9e298b1956db4773b23dfc3ec6f0a1e6")
AES_KDF = bytes.fromhex("c9d9f39a628a4460bf740d08c18a4fea")


def make4(name, cipher, kdf=None):
    """A new KDBX 4 file (pykeepass's blank database: AES-256, Argon2d) in `cipher`, its KDF
    parameters changed by `kdf` (a function of the parameter dictionary), with the content."""
    path = os.path.join(HERE, name)
    kp = create_database(path, password=fixtures.DB_PASSWORD)
    header = kp.kdbx.header.value.dynamic_header
    header.cipher_id.data = cipher
    params = header.kdf_parameters.data
    if "M" in params.dict:
        # 1 MiB, 2 passes: the tests derive the key many times.
        params.dict["M"].value = 1 << 20
        params.dict["I"].value = 2
    if kdf:
        kdf(params)
    kp.kdbx.body.payload.xml = content(True)
    kp.save()
    check(name)


def argon2id(params):
    params.dict["$UUID"].value = ARGON2ID


def aes_kdf(params):
    # (pykeepass knows AES-KDF by its KDBX 3 UUID, which KeePass accepts in KDBX 4 too.)
    params.dict = Container({
        "$UUID": Container(type=66, key="$UUID", value=AES_KDF, next_byte=5),
        "R": Container(type=5, key="R", value=AES_ROUNDS, next_byte=66),
        "S": Container(type=66, key="S", value=os.urandom(32), next_byte=0),
    })


make4("kdbx4-aes-argon2d.kdbx", "aes256")
make4("kdbx4-chacha20-argon2id.kdbx", "chacha20", argon2id)
make4("kdbx4-twofish-aeskdf.kdbx", "twofish", aes_kdf)
# KDBX 3.1 in Twofish, made by make-fixtures.py by changing the cipher of kdbx3.kdbx: its
# content again (pykeepass writes no Meta/HeaderHash, so none is left that no longer matches).
resave("kdbx3-twofish.kdbx", False)
check("kdbx3-twofish.kdbx")
