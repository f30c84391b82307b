#!/usr/bin/python3
"""Makes the qr-inspect fixtures: QR codes of every payload kind and reason, the image
transforms a real photo or screenshot puts a code through, and blocklists in every format.

Run from anywhere:  python3 testdata/qr-inspect/make-fixtures.py
Needs qrencode (Debian: apt-get install qrencode) and a Python with pillow, segno and rmqrcode
(python3 -m venv v && v/bin/pip install pillow segno rmqrcode; zxing-cpp too, to check every
new image against zxing-cpp's reader). The tests use the committed output only.
payloads.json maps each image to the texts encoded in it, in reading order (top to bottom, left
to right); binary.json maps the images of binary payloads to their bytes in hex.
"""

import io
import json
import math
import os
import random
import subprocess
import warnings

import rmqrcode
import segno
from PIL import Image, ImageDraw, ImageFilter, ImageOps

try:
    import zxingcpp
except ImportError:
    zxingcpp = None

HERE = os.path.dirname(os.path.abspath(__file__))
ESC = "\x1b"
BEL = "\x07"

# (file, payload): one code per image, one image per kind and per reason.
SINGLE = [
    ("url-ok.png", "https://example.org/welcome"),
    ("kind-wifi.png", "WIFI:T:WPA;S:Home Net;P:correct-horse-PKSECRET;H:false;;"),
    ("kind-otpauth.png", "otpauth://totp/Example:alice@example.org?secret=JBSWY3DPEHPK3PXPPKSECRET&issuer=Example"),
    ("kind-tel.png", "tel:+441234567890"),
    ("kind-sms.png", "SMSTO:+441234567890:Your parcel is waiting"),
    ("kind-mailto.png", "mailto:support@example.org?subject=Hello"),
    ("kind-geo.png", "geo:48.8584,2.2945"),
    ("kind-vcard.png", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alice Example\r\nTEL:+441234567890\r\nEND:VCARD"),
    ("kind-text.png", "Meet at the north entrance at 10."),
    ("reason-insecure-scheme.png", "http://example.org/login"),
    ("reason-dangerous-scheme.png", "javascript:alert(document.cookie)"),
    ("reason-ip-literal.png", "https://192.0.2.44/account/verify"),
    ("reason-userinfo.png", "https://paypal.com@evil.example/signin"),
    ("reason-punycode.png", "https://xn--80ak6aa92e.com/"),
    ("reason-mixed-script.png", "https://\u0430pple.com/id"),
    ("reason-shortener.png", "https://bit.ly/3xQrPk"),
    ("reason-nonstandard-port.png", "https://example.org:8443/pay"),
    ("reason-control-chars.png", "Scan me " + ESC + "]0;owned" + BEL + ESC + "[2J" + "\u202egnp.exe"),
    ("reason-blocklisted.png", "https://login.ads.tracker.example/promo"),
    # A message hidden in Unicode tag characters after a link, and a Hangul filler (both invisible).
    ("reason-tag-chars.png", "https://example.org/" + "".join(chr(0xE0000 + ord(c)) for c in "run rm -rf") + "\u3164"),
    ("reason-wifi-open.png", "WIFI:T:nopass;S:Free Airport WiFi;;"),
    ("allowlisted.png", "https://safe.cdn.tracker.example/lib.js"),
    ("blocked-by-hosts.png", "https://hosts-listed.example/"),
    ("blocked-by-wildcard.png", "https://x.wild.example/"),
    ("blocked-by-dnscrypt-glob.png", "https://ads.shop.example/"),
    ("blocked-by-dnscrypt-exact.png", "https://exact.example/"),
    ("not-blocked-below-exact.png", "https://www.exact.example/"),
    ("blocked-mailto.png", "mailto:winner@hosts-listed.example"),
]

MULTI = ["https://example.org/one", "WIFI:T:nopass;S:Cafe;;", "http://example.org/three"]
TRANSFORMED = "https://example.org/transformed"


def qr(text, scale=8, margin=4):
    png = subprocess.run(
        ["qrencode", "-t", "PNG", "-s", str(scale), "-m", str(margin), "-l", "M", "-o", "-"],
        input=text.encode("utf-8"), stdout=subprocess.PIPE, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def save(img, name, **kw):
    img.save(os.path.join(HERE, name), **kw)


def main():
    # qrencode writes a palette PNG with a transparency chunk; PIL warns on every conversion.
    warnings.simplefilter("ignore", UserWarning)
    payloads = {}
    for name, text in SINGLE:
        save(qr(text), name)
        payloads[name] = [text]

    # Several codes in one image, in reading order: two on the first row, one below.
    a, b, c = (qr(t, scale=6) for t in MULTI)
    w = a.width + b.width + 60
    canvas = Image.new("L", (w, a.height + c.height + 60), 255)
    canvas.paste(a, (0, 0))
    canvas.paste(b, (a.width + 60, 0))
    canvas.paste(c, (0, a.height + 60))
    save(canvas, "multi.png")
    payloads["multi.png"] = MULTI

    base = qr(TRANSFORMED, scale=8)
    white = 255
    big = ImageOps.expand(base, border=80, fill=white)
    transforms = {
        "rotated.png": big.rotate(33, resample=Image.BICUBIC, expand=True, fillcolor=white),
        "blurred.png": big.filter(ImageFilter.GaussianBlur(2.5)),
        "inverted.png": ImageOps.invert(big),
        "low-contrast.png": big.point(lambda v: 110 + v * 50 // 255),
        "tiny.png": qr(TRANSFORMED, scale=2, margin=2),
        "skewed.png": big.transform(big.size, Image.PERSPECTIVE,
                                    (1.0, 0.15, -20, 0.05, 1.0, -10, 0.0002, 0.0001),
                                    resample=Image.BICUBIC, fillcolor=white),
        "small-in-photo.png": ImageOps.expand(base.resize((80, 80), Image.BILINEAR), border=500, fill=200),
    }
    for name, img in transforms.items():
        save(img, name)
        payloads[name] = [TRANSFORMED]
    save(big, "jpeg-compressed.jpg", quality=25)
    save(big.convert("P"), "format.gif")
    save(big, "format.bmp")
    save(big, "format.webp", lossless=True)
    rgba = Image.new("RGBA", base.size, (0, 0, 0, 0))
    rgba.putalpha(ImageOps.invert(base))
    save(rgba, "transparent.png")
    for name in ["jpeg-compressed.jpg", "format.gif", "format.bmp", "format.webp", "transparent.png"]:
        payloads[name] = [TRANSFORMED]

    # No code at all; and a corrupt image (a PNG cut in the middle of its data).
    gradient = Image.linear_gradient("L").resize((320, 240))
    save(gradient, "no-code.png")
    buf = io.BytesIO()
    base.save(buf, format="PNG")
    with open(os.path.join(HERE, "corrupt.png"), "wb") as f:
        f.write(buf.getvalue()[: len(buf.getvalue()) // 2])

    payloads.update(more_fixtures())
    payloads.update(small_module_fixtures())
    payloads.update(model1_fixtures())
    with open(os.path.join(HERE, "payloads.json"), "w", encoding="utf-8") as f:
        json.dump(payloads, f, indent=1, ensure_ascii=True, sort_keys=True)
        f.write("\n")
    write_lists()


def render(matrix, px, dots=False, quiet=4):
    """A module matrix (rows of 0/1) drawn black on white, `px` pixels a module; with `dots`, the
    data modules are round and a little smaller (the finder patterns stay square), as designer
    generators draw them."""
    rows, cols = len(matrix), len(matrix[0])

    def in_finder(x, y):
        return (x < 8 or x >= cols - 8) and (y < 8) or (x < 8 and y >= rows - 8)
    img = Image.new("L", ((cols + 2 * quiet) * px, (rows + 2 * quiet) * px), 255)
    draw = ImageDraw.Draw(img)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                box = [(x + quiet) * px, (y + quiet) * px, (x + quiet + 1) * px - 1, (y + quiet + 1) * px - 1]
                if dots and not in_finder(x, y):
                    draw.ellipse([box[0] + 1, box[1] + 1, box[2] - 1, box[3] - 1], fill=0)
                else:
                    draw.rectangle(box, fill=0)
    return img


def seg(text_or_bytes, px, micro=False, **kw):
    code = segno.make_micro(text_or_bytes, **kw) if micro else segno.make_qr(text_or_bytes, **kw)
    return render([list(r) for r in code.matrix], px, quiet=2 if micro else 4)


def photo(size, seed):
    """A grey, noisy, unevenly lit background, like paper photographed under a lamp."""
    rnd = random.Random(seed)
    w, h = size
    bg = Image.linear_gradient("L").resize((w, h)).point(lambda v: 150 + v // 4)
    noise = Image.effect_noise((w, h), 18)
    return Image.blend(bg, noise, 0.25).point(lambda v: min(255, v + rnd.randint(0, 3)))


def place(canvas, code, at, angle=0):
    code = code.convert("L")
    if angle:
        code = code.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    canvas.paste(code, at)


def perspective(img, coeffs):
    return img.transform(img.size, Image.PERSPECTIVE, coeffs, resample=Image.BICUBIC, fillcolor=255)


# Three codes side by side, the middle one blocklisted (adblock.txt), the last a shortener.
SIDE_BY_SIDE = ["https://example.org/menu", "https://login.ads.tracker.example/promo", "https://bit.ly/3xQrPk"]
PHOTO_CODES = ["https://example.org/small", "https://hosts-listed.example/", "https://example.org/large"]
# 210 bytes of a PNG file in byte mode (version 9): not text in any encoding.
BINARY = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + random.Random(7).randbytes(194)


def more_fixtures():
    """Several codes per image, binary and non-UTF-8 payloads, Micro QR, rMQR, and the photos
    and renders ZXing's Java port misses (tilted, perspective, dot modules, 2 px modules)."""
    payloads = {}

    row = [seg(t, 6) for t in SIDE_BY_SIDE]
    canvas = Image.new("L", (sum(c.width for c in row) + 80, max(c.height for c in row)), 255)
    x = 0
    for c in row:
        canvas.paste(c, (x, 0))
        x += c.width + 40
    save(canvas, "side-by-side.png")
    payloads["side-by-side.png"] = SIDE_BY_SIDE

    # A harmless code beside a blocklisted one printed light on dark: a reader that stops at the
    # first pass that finds something reports only the harmless one.
    dark = ImageOps.invert(seg(SIDE_BY_SIDE[1], 6))
    light = seg(SIDE_BY_SIDE[0], 6)
    canvas = Image.new("L", (light.width + dark.width + 40, max(light.height, dark.height)), 255)
    canvas.paste(light, (0, 0))
    canvas.paste(dark, (light.width + 40, 0))
    save(canvas, "light-and-dark.png")
    payloads["light-and-dark.png"] = SIDE_BY_SIDE[:2]

    # A 1536x2048 photo with three codes of different sizes (3, 6 and 12 px a module).
    canvas = photo((1536, 2048), 1)
    place(canvas, seg(PHOTO_CODES[0], 3), (200, 150))
    place(canvas, seg(PHOTO_CODES[1], 6), (900, 700), angle=8)
    place(canvas, seg(PHOTO_CODES[2], 12), (150, 1250))
    save(canvas.filter(ImageFilter.GaussianBlur(0.8)), "photo-three-sizes.jpg", quality=85)
    payloads["photo-three-sizes.jpg"] = PHOTO_CODES

    save(seg(BINARY, 4, mode="byte"), "binary.png")

    # Byte mode without an ECI: ISO-8859-1 by default; kanji mode is Shift_JIS.
    latin1 = "Caf\u00e9 cr\u00e8me, 3\u00a0\u20ac".replace("\u20ac", "EUR")
    save(seg(latin1, 6, encoding="latin-1", eci=False), "latin1.png")
    payloads["latin1.png"] = [latin1]
    kanji = "\u6771\u4eac\u99c5\u5317\u53e3"
    save(seg(kanji, 6, mode="kanji"), "shift-jis.png")
    payloads["shift-jis.png"] = [kanji]

    micro = "HTTP://EVIL.EXAMPLE"
    save(seg(micro, 8, micro=True), "micro-qr.png")
    payloads["micro-qr.png"] = [micro]
    rmqr_text = "https://example.org/rmqr"
    r = rmqrcode.rMQR.fit(rmqr_text, ecc=rmqrcode.ErrorCorrectionLevel.M)
    save(render(r.to_list(with_quiet_zone=False), 6, quiet=2), "rmqr.png")
    payloads["rmqr.png"] = [rmqr_text]

    # What the Java port of ZXing misses.
    text = "https://example.org/transformed"
    sticker = ImageOps.expand(seg(text, 4), border=40, fill=255)
    canvas = photo((700, 600), 2)
    place(canvas, perspective(sticker, (1.0, 0.25, -30, 0.12, 1.0, -20, 0.0009, 0.0004)), (180, 140), angle=60)
    save(canvas, "tilted-photo.jpg", quality=90)
    save(render([list(r) for r in segno.make_qr(text).matrix], 10, dots=True), "dot-modules.png")
    save(seg("https://example.org/" + "x" * 300, 2), "two-px-modules.png")
    for name in ["tilted-photo.jpg", "dot-modules.png"]:
        payloads[name] = [text]
    payloads["two-px-modules.png"] = ["https://example.org/" + "x" * 300]

    check_with_zxingcpp(payloads)
    with open(os.path.join(HERE, "binary.json"), "w", encoding="utf-8") as f:
        json.dump({"binary.png": BINARY.hex()}, f, indent=1)
        f.write("\n")
    return payloads


def small_module_fixtures():
    """Codes drawn with 1 or 2 pixels a module, as small screenshots hold them: a version 6 code
    at 1 pixel a module with no quiet zone at all (cropped to the code), and a version 34 code
    at 2 pixels a module (161x161 modules with its quiet zone in 322x322 pixels), pasted into a
    larger screenshot. Run alone:
    python3 -c 'import importlib; importlib.import_module("make-fixtures").small_module_fixtures()'
    (from this directory; payloads.json is then updated by hand or by a full run)."""
    payloads = {}
    one_px = "https://example.org/one-pixel-a-module/no-quiet-zone/0123456789"
    save(render([list(r) for r in segno.make_qr(one_px, version=6, error="m").matrix], 1, quiet=0),
         "one-px-no-quiet-zone.png")
    payloads["one-px-no-quiet-zone.png"] = [one_px]
    rnd = random.Random(34)
    v34 = "https://example.org/version-34/" + "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(1200))
    code = seg(v34, 2, version=34, error="m")
    canvas = Image.new("L", (350, 375), 235)
    canvas.paste(code, (14, 30))
    save(canvas, "v34-two-px.png")
    payloads["v34-two-px.png"] = [v34]
    check_with_zxingcpp(payloads)
    return payloads


MODEL1 = "N023X-3431800-V034PG03X-3436010-A1125032918310706"


def model1_fixtures():
    """QR Model 1, which no generator at hand writes: model1-issue940.png is a copy of zxing-cpp's
    test image test/samples/qrcode-2/#940.png (https://github.com/zxing-cpp/zxing-cpp, Apache
    License 2.0; see model1-issue940.NOTICE), a version 5-H Model 1 symbol drawn one pixel a
    module, whose two error-correction blocks follow each other instead of being interleaved.
    From it: the same symbol printed larger and photographed at an angle. Run alone as
    small_module_fixtures() is."""
    payloads = {"model1-issue940.png": [MODEL1]}
    src = Image.open(os.path.join(HERE, "model1-issue940.png")).convert("L")
    big = ImageOps.expand(src.resize((src.width * 6, src.height * 6), Image.NEAREST), border=24, fill=255)
    canvas = photo((420, 400), 3)
    place(canvas, big.rotate(25, resample=Image.BICUBIC, expand=True, fillcolor=255), (40, 30))
    save(canvas.filter(ImageFilter.GaussianBlur(0.7)), "model1-rotated.png")
    payloads["model1-rotated.png"] = [MODEL1]
    check_with_zxingcpp(payloads)
    return payloads


def check_with_zxingcpp(payloads):
    """Every new image reads in zxing-cpp, the strongest open decoder, as it should."""
    if zxingcpp is None:
        print("zxing-cpp not installed: new fixtures not checked")
        return
    formats = [zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.MicroQRCode, zxingcpp.BarcodeFormat.RMQRCode]
    for name, want in payloads.items():
        got = sorted(r.text for r in zxingcpp.read_barcodes(Image.open(os.path.join(HERE, name)), formats=formats))
        assert got == sorted(want), f"{name}: zxing-cpp read {got}"
    got = zxingcpp.read_barcodes(Image.open(os.path.join(HERE, "binary.png")), formats=formats)
    assert len(got) == 1 and got[0].bytes == BINARY, "binary.png"


LISTS = {
    # A hosts file as StevenBlack's and most ad-blocking hosts files are written.
    "hosts.txt": "# hosts format\n127.0.0.1 localhost\n::1 localhost ip6-localhost\n"
                 "0.0.0.0 hosts-listed.example\n0.0.0.0 a.example b.example # two names\n",
    # oisd "domains" (plain names, each covering its subdomains).
    "oisd-domains.txt": "# oisd small, domains format\ntracker.example\nmetrics.example\n",
    # oisd "domainswild": subdomains only.
    "oisd-wild.txt": "*.wild.example\n",
    # An adblock-syntax DNS list, with an exception for one subdomain.
    "adblock.txt": "[Adblock Plus 2.0]\n! Title: test\n||ads.tracker.example^\n"
                   "||cdn.tracker.example^$important\n@@||safe.cdn.tracker.example^\n"
                   "example.org##.banner\n||example.org/ads/\n",
    # dnscrypt-proxy blocked_names: exact names, glob patterns, time restrictions, comments.
    "dnscrypt-blocked-names.txt": "# blocked names\n=exact.example\nads.*\n*casino*\n"
                                  "timed.example @work\nnot a rule at all\n",
    # An allowlist (--allowlist) in plain domain format.
    "allow.txt": "# never block\nsafe.cdn.tracker.example\n",
}


def write_lists():
    os.makedirs(os.path.join(HERE, "lists"), exist_ok=True)
    for name, body in LISTS.items():
        with open(os.path.join(HERE, "lists", name), "w", encoding="utf-8") as f:
            f.write(body)


if __name__ == "__main__":
    main()
