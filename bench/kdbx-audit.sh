#!/usr/bin/env bash
# Benchmark: privkit kdbx-audit on a generated 10,000-entry database, against keepassxc-cli
# opening the same file in the same run (the floor: key derivation and decryption), and
# Have I Been Pwned look-ups in a generated 1 GB file sorted by hash.
#
#   bench/kdbx-audit.sh [ENTRIES [HIBP_MB [RUNS]]]     (defaults 10000, 1024 and 5)
# Each command runs RUNS times, alternating with the others, and the medians are compared: on a
# machine shared with other work one run says little; CPU times are printed beside wall times.
# Needs keepassxc (keepassxc-cli) and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
ENTRIES=${1:-10000}
HIBP_MB=${2:-1024}
RUNS=${3:-5}
# PRIVKIT=path: a binary already built (e.g. with only this applet:
# cargo build --release -p privkit --no-default-features --features kdbx-audit).
if [ -z "${PRIVKIT:-}" ]; then
  cargo build --release --quiet
  PRIVKIT=$PWD/target/release/privkit
fi
WORK=$(mktemp -d /var/tmp/privkit-kdbx-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
PW="benchmark password"

/usr/bin/python3 - "$WORK" "$ENTRIES" "$HIBP_MB" <<'PY'
import base64, hashlib, os, random, sys, uuid
out, n, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(7)
words = ["apple", "river", "stone", "cloud", "tiger", "piano", "green", "laser", "maple", "orbit"]
def u(): return base64.b64encode(uuid.uuid4().bytes).decode()
entries = []
for i in range(n):
    r = random.random()
    if r < 0.2: pw = random.choice(["password1", "letmein", "qwerty123", "dragon", "sunshine"])
    elif r < 0.4: pw = "-".join(random.choice(words) for _ in range(3))
    else: pw = "".join(random.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#$%") for _ in range(20))
    url = random.choice(["https://", "http://"]) + f"site{i}.example"
    entries.append(f"<Entry><UUID>{u()}</UUID><String><Key>Title</Key><Value>Site {i}</Value></String>"
                   f"<String><Key>Password</Key><Value>{pw}</Value></String><String><Key>URL</Key><Value>{url}</Value></String></Entry>")
groups = "".join(f"<Group><UUID>{u()}</UUID><Name>G{g}</Name>{''.join(entries[g::20])}</Group>" for g in range(20))
open(f"{out}/db.xml", "w").write(f'<?xml version="1.0" encoding="utf-8"?><KeePassFile><Meta><Generator>bench</Generator></Meta>'
                                 f"<Root><Group><UUID>{u()}</UUID><Name>Root</Name>{groups}</Group></Root></KeePassFile>")
# A sorted SHA1HEX:COUNT file of about MB megabytes: increasing hashes with random gaps, plus the
# real hashes of the weak passwords above.
real = sorted(hashlib.sha1(p.encode()).hexdigest().upper() for p in ["password1", "letmein", "qwerty123", "dragon", "sunshine"])
lines_wanted = mb * 1024 * 1024 // 45
step = (1 << 160) // lines_wanted
with open(f"{out}/hibp.txt", "w") as f:
    h, ri, buf = 0, 0, []
    for i in range(lines_wanted):
        h += random.randint(1, 2 * step - 1)
        hexh = f"{h:040X}"[:40]
        while ri < len(real) and real[ri] < hexh:
            buf.append(f"{real[ri]}:{1000 + ri}\r\n"); ri += 1
        buf.append(f"{hexh}:{random.randint(1, 50)}\r\n")
        if len(buf) > 100000:
            f.write("".join(buf)); buf = []
    buf.extend(f"{r}:{1000 + k}\r\n" for k, r in enumerate(real[ri:], ri))
    f.write("".join(buf))
PY
printf '%s\n%s\n' "$PW" "$PW" | keepassxc-cli import -q -p -t 1000 "$WORK/db.xml" "$WORK/db.kdbx" 2>/dev/null
echo "database: $ENTRIES entries, $(stat -c %s "$WORK/db.kdbx") bytes (KDBX 3.1, AES-KDF tuned to ~1 s); HIBP file: $(du -h "$WORK/hibp.txt" | cut -f1)"

# COMMAND... -> "WALL CPU" seconds (CPU = user + system: what the command itself costs, which a
# machine loaded by other work does not change), password on stdin.
seconds() {
  local t
  t=$(mktemp)
  printf '%s\n' "$PW" | /usr/bin/time -f '%e %U %S' -o "$t" "$@" > /dev/null 2>&1 || true
  # (GNU time puts "Command exited with non-zero status N" first: findings exit 1)
  tail -n 1 "$t" | awk '{ printf "%.3f %.3f", $1, $2 + $3 }'
  rm -f "$t"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
opens=() audits=() hibps=()
for _ in $(seq "$RUNS"); do
  opens+=("$(seconds keepassxc-cli ls -q "$WORK/db.kdbx")")
  audits+=("$(seconds "$PRIVKIT" kdbx-audit --password-stdin "$WORK/db.kdbx")")
  hibps+=("$(seconds "$PRIVKIT" kdbx-audit --password-stdin --hibp "$WORK/hibp.txt" "$WORK/db.kdbx")")
done
echo "runs: $RUNS (wall/CPU s); keepassxc-cli ${opens[*]// //}; kdbx-audit ${audits[*]// //}; --hibp ${hibps[*]// //}"
med() { local field=$1; shift; printf '%s\n' "$@" | awk -v f="$field" '{ print $f }' | median; }
open_s=$(med 1 "${opens[@]}") audit_s=$(med 1 "${audits[@]}") hibp_s=$(med 1 "${hibps[@]}")
open_c=$(med 2 "${opens[@]}") audit_c=$(med 2 "${audits[@]}")
# The best run of each too: on a shared machine it is the one least slowed by other work.
best() { local field=$1; shift; printf '%s\n' "$@" | awk -v f="$field" '{ print $f }' | sort -n | head -n 1; }
open_b=$(best 1 "${opens[@]}") audit_b=$(best 1 "${audits[@]}")
awk -v o="$open_s" -v a="$audit_s" -v h="$hibp_s" -v oc="$open_c" -v ac="$audit_c" -v n="$ENTRIES" \
    -v ob="$open_b" -v ab="$audit_b" 'BEGIN {
  printf "medians:\nkeepassxc-cli opening the file   %7.3f s (CPU %.3f s)\n", o, oc
  printf "privkit kdbx-audit (full audit)  %7.3f s (CPU %.3f s)   audit beyond opening: %.3f s (target < 0.5 s), CPU %.3f s\n", a, ac, a - o, ac - oc
  printf "privkit kdbx-audit --hibp        %7.3f s   per look-up: %.3f ms (target < 1 ms)\n", h, (h - a) * 1000 / n
  printf "best runs: keepassxc-cli %.3f s, kdbx-audit %.3f s: ratio %.2f, beyond opening %.3f s\n", ob, ab, ab / ob, ab - ob
}'
