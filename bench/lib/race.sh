# Sourced by bench scripts: times commands against each other in the same run, fairly.
#
#   race_renice "$@"            at the top of a script: runs it again under `nice -n -10` when
#                               root (every tool timed equally, less noise from other jobs)
#   RUNS=5 CLEAN='rm -f out'    before each timed run CLEAN is evaluated (outside the time) and
#                               `sync` flushes the previous run's writes, so their writeback is
#                               not charged to the next run
#   race LABEL -- CMD... [:: LABEL -- CMD...]...
#                               runs the commands in turn, RUNS rounds (cp, privkit, cp,
#                               privkit...: a slow moment of the machine hits both), and prints
#                               per command the best and the median wall time, each as a ratio
#                               to the FIRST command's, the median user+sys CPU and the peak RSS
#   race_clean_file IN OUT      cp against privkit mat-strip on one file (see below)
#   race_aside PATH...          for CLEAN with many files: moves the previous run's outputs
#                               out of the way instead of deleting them (see below)
#
# Needs bash 5 (EPOCHREALTIME) and GNU time (/usr/bin/time). Writes scratch files to $WORK.

race_renice() {
  if [ -z "${RACE_NICED:-}" ] && [ "$(id -u)" = 0 ]; then
    RACE_NICED=1 exec nice -n -10 "$0" "$@"
  fi
}

# Sorted numbers on standard input -> the median.
race_median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Why outputs of many files are set aside rather than deleted between runs: on ext4 without a
# journal (this project's build machines), allocating an inode skips every inode freed in the
# last minute (the last six while their inode table block has unwritten changes, as it has
# while files are being created next to them), and checks each one it skips. After `rm -rf` of 2,000 outputs, the next
# run's 2,000 new files each scan past the 2,000 freed inodes of their block group: `cp -r` of
# 2,000 MP3s took 0.05 s or 0.45 s depending on where its directory landed, and so did
# privkit, whichever came next. Renaming frees nothing; everything set aside goes with $WORK.
# A benchmark run right after another one's clean-up (or any mass deletion under the same
# directory tree) pays the same way: leave a few minutes between them.
race_aside() {
  local p
  for p in "$@"; do
    if [ -e "$p" ]; then
      mv "$p" "$(mktemp -u "$WORK/aside.XXXXXXXX")"
    fi
  done
}

race() {
  local runs=${RUNS:-5} n=0 i k
  local -a labels=() cmds=()
  # Split the arguments into LABEL -- CMD... groups; each command is kept as one quoted string.
  while [ $# -gt 0 ]; do
    local label=$1 cmd=""
    shift
    [ "${1:-}" = -- ] || { echo "race: LABEL -- CMD expected" >&2; return 2; }
    shift
    while [ $# -gt 0 ] && [ "$1" != :: ]; do
      cmd="$cmd $(printf '%q' "$1")"
      shift
    done
    [ $# -gt 0 ] && shift
    labels[n]=$label
    cmds[n]=$cmd
    n=$((n + 1))
  done
  for k in $(seq 0 $((n - 1))); do : >"$WORK/race.$k"; done
  for i in $(seq "$runs"); do
    for k in $(seq 0 $((n - 1))); do
      eval "${CLEAN:-true}"
      sync
      # Wall time from the shell's clock (GNU time's %e has 10 ms steps: too coarse for a
      # 0.1 s copy); GNU time gives the CPU time and peak RSS.
      local t0=$EPOCHREALTIME
      if ! eval "/usr/bin/time -f '%U %S %M' -o '$WORK/race.time' ${cmds[k]}" >/dev/null 2>"$WORK/race.err"; then
        echo "${labels[k]}: failed:" >&2
        cat "$WORK/race.err" >&2
        return 1
      fi
      local t1=$EPOCHREALTIME
      echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') $(tail -1 "$WORK/race.time")" >>"$WORK/race.$k"
    done
  done
  eval "${CLEAN:-true}"
  local base_best base_med best med cpu rss
  printf '  %-28s %8s %7s %8s %7s %9s %8s\n' "($runs runs each, alternated)" best ratio median ratio "user+sys" "peak RSS"
  for k in $(seq 0 $((n - 1))); do
    best=$(cut -d' ' -f1 "$WORK/race.$k" | sort -g | head -1)
    med=$(cut -d' ' -f1 "$WORK/race.$k" | race_median)
    cpu=$(awk '{ print $2 + $3 }' "$WORK/race.$k" | race_median)
    rss=$(cut -d' ' -f4 "$WORK/race.$k" | sort -g | tail -1)
    if [ "$k" = 0 ]; then
      base_best=$best
      base_med=$med
    fi
    awk -v l="${labels[k]}" -v b="$best" -v m="$med" -v bb="$base_best" -v bm="$base_med" -v c="$cpu" -v r="$rss" \
      'BEGIN { printf "  %-28s %7.3fs %6.2fx %7.3fs %6.2fx %8.3fs %5d MB\n", l, b, b / (bb > 0 ? bb : 0.001), m, m / (bm > 0 ? bm : 0.001), c, r / 1024 }'
  done
}

# race_clean_file IN OUT: `cp IN OUT` against `$PRIVKIT mat-strip -o OUT IN`, then the output
# checked clean (--check) and removed.
race_clean_file() {
  CLEAN="rm -f '$2'"
  race cp -- cp "$1" "$2" :: "privkit mat-strip" -- "$PRIVKIT" mat-strip -o "$2" "$1"
  "$PRIVKIT" mat-strip -o "$2" "$1" >/dev/null
  "$PRIVKIT" mat-strip --check "$2" >/dev/null
  rm -f "$2"
}
