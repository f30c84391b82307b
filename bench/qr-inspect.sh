#!/usr/bin/env bash
# Benchmark: privkit qr-inspect against zbarimg and zxing-cpp in the same run.
#
# 1. Decoding, on ZXing's QR test corpus (../shared/corpora/zxing-qrcode) and on zxing-cpp's own
#    test images beyond it (../shared/corpora/zxing-cpp-qr: its qrcode-2 additions, Micro QR,
#    rMQR, and images where any read is a false positive). An image counts as read when its
#    expected text is among the texts decoded; a false-positive image when anything is read.
#    privkit and zbarimg run one process per image; zxing-cpp (its Python binding, installed
#    in a venv under target/ when missing) decodes in one process, so its time excludes the
#    start-up of one process per image that the two others pay.
# 2. Blocklists: generated lists of 1,000,000 names, in every format the engine reads: oisd's
#    domains and wildcard (*.name, what oisd publishes for dnscrypt-proxy) formats, hosts files
#    (0.0.0.0 and 127.0.0.1), adblock, dnscrypt-proxy (=name, name @schedule) and a list with
#    Windows line ends. Prints the time to load one and check one URL (the whole command, less
#    the same command without the list; median of 5), peak memory, the instructions that adds
#    (valgrind, when installed: independent of the machine's load), and the engine's load,
#    index and per-lookup times
#    (examples/blocklist-bench.rs).
#
#   bench/qr-inspect.sh [CORPORA_DIR]
# Needs zbar-tools (zbarimg) and python3-venv for the comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPORA=${1:-../shared/corpora}
cargo build --release --quiet
cargo build --release --quiet -p privkit-qr-inspect --example blocklist-bench
PRIVKIT=$PWD/target/release/privkit
BENCH=$PWD/target/release/examples/blocklist-bench
WORK=$(mktemp -d /dev/shm/privkit-qr-bench.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$WORK"' EXIT

now() { date +%s.%N; }

PYTHON=python3
if ! "$PYTHON" -c 'import zxingcpp, PIL' 2> /dev/null; then
  PYTHON=$PWD/target/bench-venv/bin/python
  if ! "$PYTHON" -c 'import zxingcpp, PIL' 2> /dev/null; then
    python3 -m venv target/bench-venv && "$PYTHON" -m pip install --quiet zxing-cpp pillow ||
      echo "zxing-cpp could not be installed: its column is skipped"
  fi
fi

if [ -d "$CORPORA/zxing-qrcode" ]; then
  for corpus in zxing-qrcode zxing-cpp-qr; do
    [ -d "$CORPORA/$corpus" ] || continue
    for tool in privkit zbarimg zxing-cpp; do
      case $tool in
        zbarimg) command -v zbarimg > /dev/null || continue ;;
        zxing-cpp) "$PYTHON" -c 'import zxingcpp' 2> /dev/null || continue ;;
      esac
      PRIVKIT=$PRIVKIT "$PYTHON" - "$tool" "$CORPORA/$corpus" <<'PY'
import json, os, resource, subprocess, sys, time
tool, corpus = sys.argv[1], sys.argv[2]
if tool == "zxing-cpp":
    import zxingcpp
    from PIL import Image
    F = zxingcpp.BarcodeFormat
    FORMATS = [F.QRCode, F.MicroQRCode, F.RMQRCode]

def read(img):
    """The texts a tool reads in an image."""
    if tool == "privkit":
        out = subprocess.run([os.environ["PRIVKIT"], "qr-inspect", "--no-default-lists", "--json",
                              "--show-secrets", img], capture_output=True)
        objs = [json.loads(line) for line in out.stdout.decode().splitlines()]
        return [o.get("text") or o.get("bytes_hex") for o in objs if o.get("status") == "decoded"]
    if tool == "zbarimg":
        out = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", "-Sbinary", img],
                             capture_output=True)
        return [out.stdout.decode("utf-8", "replace")] if out.stdout else []
    try:
        return [r.text for r in zxingcpp.read_barcodes(Image.open(img), formats=FORMATS,
                                                      text_mode=zxingcpp.TextMode.Plain)]
    except Exception:
        return []

def cpu():
    """CPU seconds of the tool (the processes run, or this one for zxing-cpp): less noisy than
    the wall clock when other processes compete for the cores."""
    who = resource.RUSAGE_SELF if tool == "zxing-cpp" else resource.RUSAGE_CHILDREN
    return sum(getattr(resource.getrusage(who), f) for f in ("ru_utime", "ru_stime"))

read_ok = labelled = fp = negatives = 0
start, start_cpu = time.monotonic(), cpu()
for root, _, files in sorted(os.walk(corpus)):
    for name in sorted(files):
        if name.endswith((".txt", ".md")):
            continue
        img = os.path.join(root, name)
        texts = read(img)
        if "falsepositives" in root:
            negatives += 1
            fp += bool(texts)
            continue
        want_path = os.path.splitext(img)[0] + ".txt"
        if not os.path.exists(want_path):
            continue
        want = open(want_path, "rb").read().decode("utf-8", "replace")
        labelled += 1
        # zbarimg joins the codes of an image; its text is searched for the expected one.
        read_ok += any(t == want or (tool == "zbarimg" and want in t) for t in texts)
took, took_cpu = time.monotonic() - start, cpu() - start_cpu
extra = f", {fp}/{negatives} false-positive images" if negatives else ""
print(f"decode {os.path.basename(corpus)}: {tool:9} {read_ok}/{labelled} read{extra}, {took:.1f} s "
      f"({took_cpu:.1f} s CPU)")
PY
    done
  done
else
  echo "no corpora at $CORPORA: decode comparison skipped"
fi

/usr/bin/python3 - "$WORK/oisd.txt" <<'PY'
import random, string, sys
random.seed(1)
tlds = ["com", "net", "org", "io", "xyz", "info", "ru", "de"]
with open(sys.argv[1], "w") as f:
    f.write("# generated oisd-style list (domains format), 1,000,000 names\n")
    for i in range(1_000_000):
        name = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(random.randint(5, 14)))
        f.write(f"{random.choice(['', 'ads.', 'cdn.', 'track.', 'm.'])}{name}.{random.choice(tlds)}\n")
PY
# The same names in every format the engine reads (oisd publishes the first two).
sed '1!s/^/*./' "$WORK/oisd.txt" > "$WORK/oisd-wild.txt"
sed '1!s/^/0.0.0.0 /' "$WORK/oisd.txt" > "$WORK/hosts.txt"
sed '1!s/^/127.0.0.1 /' "$WORK/oisd.txt" > "$WORK/hosts-127.txt"
sed '1!s/^\(.*\)$/||\1^/' "$WORK/oisd.txt" > "$WORK/adblock.txt"
# dnscrypt-proxy blocked_names: exact names and time-restricted rules, alternately.
sed '1!{s/^/=/;n;s/$/ @work-hours/}' "$WORK/oisd.txt" > "$WORK/dnscrypt.txt"
# Windows line ends, as a list saved on Windows has them.
sed '1!s/$/\r/' "$WORK/oisd.txt" > "$WORK/crlf.txt"
cp testdata/qr-inspect/reason-blocklisted.png "$WORK/code.png"
ms() { local s e; s=$(now); "$@" > /dev/null 2>&1 || true; e=$(now); echo "($e - $s) * 1000" | bc; }
median() { sort -n | sed -n 3p; }
# Instructions executed (valgrind, when installed): unlike times, they do not depend on what
# else the machine is running.
instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
run=("$PRIVKIT" qr-inspect --no-default-lists)
command -v valgrind > /dev/null && base_ins=$(instructions "${run[@]}" "$WORK/code.png")
for list in oisd oisd-wild hosts hosts-127 adblock dnscrypt crlf; do
  # Runs with and without the list alternate, so both see the same load.
  with=() without=()
  for _ in 1 2 3 4 5; do
    without+=("$(ms "${run[@]}" "$WORK/code.png")")
    with+=("$(ms "${run[@]}" --blocklist "$WORK/$list.txt" "$WORK/code.png")")
  done
  w=$(printf '%s\n' "${with[@]}" | median)
  wo=$(printf '%s\n' "${without[@]}" | median)
  rss=$(/usr/bin/time -f %M "${run[@]}" --blocklist "$WORK/$list.txt" "$WORK/code.png" 2>&1 >/dev/null | tail -1)
  ins=""
  if [ -n "${base_ins:-}" ]; then
    with_ins=$(instructions "${run[@]}" --blocklist "$WORK/$list.txt" "$WORK/code.png")
    ins="; $(( (with_ins - base_ins) / 1000000 )) M instructions extra"
  fi
  printf 'blocklist %-9s 1,000,000 rules: load + check one URL %s ms extra (whole command %s ms, %s ms without a list; median of 5); peak memory %s MB%s\n' \
    "$list" "$(echo "$w - $wo" | bc)" "$w" "$wo" "$((rss / 1024))" "$ins"
done
hosts="$(sed -n '2p;500000p;1000001p' "$WORK/oisd.txt" | tr '\n' ' ') www.example.org a.b.c.not-listed.example"
"$BENCH" "$WORK/oisd.txt" $hosts | sed 's/^/blocklist engine: /'
s=$(now); grep -qFx "www.example.org" "$WORK/oisd.txt" || true; e=$(now)
echo "reference: one grep -Fx over the same list: $(echo "($e - $s) * 1000" | bc) ms"
