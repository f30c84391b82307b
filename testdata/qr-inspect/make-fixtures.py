#!/usr/bin/python3
"""Makes the qr-inspect fixtures: QR codes of every payload kind and reason, the image
transforms a real photo or screenshot puts a code through, and blocklists in every format.

Run from anywhere:  /usr/bin/python3 testdata/qr-inspect/make-fixtures.py
Needs qrencode and python3-pil (Debian: apt-get install qrencode python3-pil). The tests use the
committed output only. payloads.json maps each image to the texts encoded in it, in reading
order (top to bottom, left to right).
"""

import io
import json
import os
import subprocess
import warnings

from PIL import Image, ImageFilter, ImageOps

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

    with open(os.path.join(HERE, "payloads.json"), "w", encoding="utf-8") as f:
        json.dump(payloads, f, indent=1, ensure_ascii=True, sort_keys=True)
        f.write("\n")
    write_lists()


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
