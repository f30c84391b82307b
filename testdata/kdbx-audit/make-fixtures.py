#!/usr/bin/env python3
"""Makes the kdbx-audit fixtures with keepassxc-cli (Debian's keepassxc): a KeePass XML export
written here is imported (that gives KDBX 3.1, AES-256, AES-KDF), then re-saved as KDBX 4 with
AES-256/Argon2d, ChaCha20/Argon2id and Twofish/AES-KDF by make-kdbx4.py (pykeepass), and the
cases keepassxc-cli cannot write by make-cases.py. Run once from
the repository; the files are committed and the tests need no tool to read them.

KDBX 3.1 with Twofish and ChaCha20 is re-encrypted by pykeepass (pip install pykeepass).
Every password used is listed in passwords.txt, so a test can check none is ever printed."""
import base64
import os
import subprocess
import sys
import uuid
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
DB_PASSWORD = "correct horse battery staple fixture"
A = "Tr0ub4dor&3-shared-A"
B = "K9#vQ2$mZ7&xL4!p-shared-B"
C = "Gr33n-Apple-Sky-Piano-7c"
D = "V3ry-L0ng-Diff1cult-D-2024!x"
PASSWORDS = set()


def uid():
    return base64.b64encode(uuid.uuid4().bytes).decode()


def entry(title, password, url="", user="", expires=None, modified="2024-03-01T10:00:00Z", history=()):
    PASSWORDS.add(password)
    times = f"<LastModificationTime>{modified}</LastModificationTime>"
    if expires:
        times += f"<Expires>True</Expires><ExpiryTime>{expires}</ExpiryTime>"
    else:
        times += "<Expires>False</Expires>"
    fields = "".join(
        f"<String><Key>{k}</Key><Value>{escape(v)}</Value></String>"
        for k, v in [("Title", title), ("UserName", user), ("Password", password), ("URL", url)]
    )
    hist = "".join(entry(title, pw, url, user, modified=when) for pw, when in history)
    hist = f"<History>{hist}</History>" if history else ""
    return f"<Entry><UUID>{uid()}</UUID><Times>{times}</Times>{fields}{hist}</Entry>"


def group(name, *children, uuid_b64=None):
    return f"<Group><UUID>{uuid_b64 or uid()}</UUID><Name>{escape(name)}</Name>{''.join(children)}</Group>"


def main_xml():
    bin_uuid = uid()
    root = group(
        "Root",
        entry("Scratch", ""),
        entry("Backups", B, user="backup"),
        entry("Bank", "q7!Rz#2vK9$mW4&pL8-bank", url="https://bank.example",
              history=[("password1", "2021-05-01T09:30:00Z")]),
        group("Email",
              entry("Gmail", A, url="https://mail.google.com", user="alice"),
              entry("Fastmail", "zq8#Lm2!vR9t$Wp4-unique1", url="https://fastmail.com")),
        group("Shopping",
              entry("Amazon", A, url="https://amazon.com"),
              entry("eBay", A.lower(), url="https://ebay.com"),
              entry("Etsy", A + " ", url="https://etsy.com")),
        group("Work",
              group("Servers",
                    entry("Router", "Xr4!kP9#mQ2$wL7&-router", url="http://192.168.1.1"),
                    entry("VPN", "Hj6$tN3!pW8#zR5&-vpn", expires="2020-01-01T00:00:00Z"),
                    *[entry(f"db{i}", B) for i in range(1, 5)],
                    *[entry(f"ssh{i}", D) for i in range(1, 5)])),
        group("Home",
              entry("Wifi Home", C), entry("Wifi Office", C), entry("Printer", C)),
        group("Ünïcödé 日本語",
              entry("Forum", "letmein"),
              entry("Forum", "monkey123")),
        group("Recycle Bin", entry("Old bank", A), uuid_b64=bin_uuid),
    )
    return (
        '<?xml version="1.0" encoding="utf-8" standalone="yes"?><KeePassFile><Meta>'
        "<Generator>privkit make-fixtures</Generator><DatabaseName>fixture</DatabaseName>"
        f"<RecycleBinEnabled>True</RecycleBinEnabled><RecycleBinUUID>{bin_uuid}</RecycleBinUUID>"
        f"</Meta><Root>{root}</Root></KeePassFile>"
    )


def cli(*args, stdin=""):
    subprocess.run(["keepassxc-cli", *args], input=stdin.encode(), check=True, capture_output=True)


def make(name, xml, password=DB_PASSWORD, keyfile=None):
    path = os.path.join(HERE, name)
    xml_path = os.path.join(HERE, "tmp.xml")
    with open(xml_path, "w") as f:
        f.write(xml)
    if os.path.exists(path):
        os.remove(path)
    args = ["import", "-q", "-t", "100"]
    stdin = ""
    if password is not None:
        args.append("-p")
        stdin = f"{password}\n{password}\n"
    if keyfile:
        args += ["--set-key-file", os.path.join(HERE, keyfile)]
    cli(*args, xml_path, path, stdin=stdin)
    os.remove(xml_path)


if __name__ == "__main__":
    for f in os.listdir(HERE):
        if f.endswith((".kdbx", ".kdb", ".keyx")) or f == "passwords.txt":
            os.remove(os.path.join(HERE, f))
    xml = main_xml()
    make("kdbx3.kdbx", xml)
    # KDBX 3.1 with the other two outer ciphers: pykeepass (pip install pykeepass) re-encrypts it
    # with the cipher named in its header; neither keepassxc-cli nor the keepass crate can.
    from pykeepass import PyKeePass
    for cipher in ["twofish", "chacha20"]:
        dst = os.path.join(HERE, f"kdbx3-{cipher}.kdbx")
        with open(os.path.join(HERE, "kdbx3.kdbx"), "rb") as src, open(dst, "wb") as out:
            out.write(src.read())
        kp = PyKeePass(dst, password=DB_PASSWORD)
        header = kp.kdbx.header.value.dynamic_header
        header.cipher_id.data = cipher
        if cipher == "chacha20":
            header.encryption_iv.data = os.urandom(12)
        kp.save()
    # KDBX 4 with the same content, in each outer cipher and key derivation: keepassxc-cli only
    # writes KDBX 3.1 here, so pykeepass writes them (and re-saves kdbx3-twofish.kdbx, whose
    # header changed above, with its content and no stale header hash).
    subprocess.run([sys.executable, os.path.join(HERE, "make-kdbx4.py")], check=True)
    small = '<?xml version="1.0" encoding="utf-8"?><KeePassFile><Meta><Generator>privkit</Generator></Meta><Root>' + group(
        "Root", entry("Site", A), entry("Other", A)) + "</Root></KeePassFile>"
    make("keyfile-only.kdbx", small, password=None, keyfile="keyfile-only.keyx")
    make("password-and-keyfile.kdbx", small, keyfile="password-and-keyfile.keyx")
    # "Exclude from database reports" as KeePassXC 2.7 writes it: <QualityCheck>False</QualityCheck>
    # in the entry (keepassxc-cli then writes KDBX 4.1); make-cases.py's known-bad.kdbx has the
    # legacy form, custom data KnownBad = true.
    flagged = entry("Flagged", "letmein").replace("</Times>", "</Times><QualityCheck>False</QualityCheck>", 1)
    make("known-bad-keepassxc.kdbx", '<?xml version="1.0" encoding="utf-8"?><KeePassFile><Meta><Generator>privkit</Generator></Meta><Root>'
         + group("Root", flagged, entry("Normal", "zq8#Lm2!vR9t$Wp4-unique1")) + "</Root></KeePassFile>")
    make("empty.kdbx", '<?xml version="1.0" encoding="utf-8"?><KeePassFile><Meta><Generator>privkit</Generator></Meta><Root>'
         + group("Root") + "</Root></KeePassFile>")
    data = open(os.path.join(HERE, "kdbx3.kdbx"), "rb").read()
    open(os.path.join(HERE, "truncated.kdbx"), "wb").write(data[: len(data) // 2 + 3])
    open(os.path.join(HERE, "random.kdbx"), "wb").write(os.urandom(2048))
    # KeePass 1.x signature, then junk: refused as such.
    open(os.path.join(HERE, "old.kdb"), "wb").write(bytes.fromhex("03d9a29a65fb4bb5") + os.urandom(200))
    PASSWORDS.add(DB_PASSWORD)
    with open(os.path.join(HERE, "passwords.txt"), "w") as f:
        f.write("\n".join(sorted(p for p in PASSWORDS if p)) + "\n")
    subprocess.run([sys.executable, os.path.join(HERE, "make-cases.py")], check=True)
    for name in sorted(os.listdir(HERE)):
        print(f"{os.path.getsize(os.path.join(HERE, name)):8d} {name}")
