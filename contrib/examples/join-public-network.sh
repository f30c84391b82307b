#!/bin/sh
# Before joining a public network (café, hotel, airport): a new machine id, so nothing that
# reads it links this session to the last one, and a random MAC address, so the network cannot
# recognise the laptop. Run as root, with the interface down or about to be (re)connected.
#
# The trade-off (man privkit-machine-id, "Rotating while running"): the id is rotated now, so
# every program started from here on sees the new one, but programs already running (D-Bus,
# the journal, a browser) keep the old one until they restart. For a clean break, rotate at
# shutdown instead (systemctl enable privkit-machine-id-rotate.service) and reboot before
# joining; this script is for when there is no time to reboot.
#
#   join-public-network.sh IFACE
#
# ROOT (default /) is where machine-id acts, PRIVKIT_MACRAND_ARGS extra macrand flags: a test
# points them at scratch directories.
# Exit status: 0 done; otherwise privkit's (69 no such interface, 77 not permitted, ...).
set -eu
iface=${1:?usage: join-public-network.sh IFACE}
root=${ROOT:-/}
# Each command's output is captured first: in a pipeline its exit status would be lost.
# --json: the new value is in "new".
id=$(privkit machine-id rotate --root "$root" --json)
printf '%s\n' "$id" | sed -n 's/.*"new":"\([0-9a-f]*\)".*/machine id: \1/p'
echo "note: programs already running keep the old machine id until they restart" >&2
# shellcheck disable=SC2086 # the extra flags are meant to be split
mac=$(privkit macrand ${PRIVKIT_MACRAND_ARGS:-} --random --json "$iface")
printf '%s\n' "$mac" | sed -n 's/.*"new":"\([0-9a-f:]*\)".*/MAC address: \1/p'
