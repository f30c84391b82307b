#!/bin/sh
# Before joining a public network (café, hotel, airport): a new machine id, so nothing that
# reads it links this session to the last one, and a random MAC address, so the network cannot
# recognise the laptop. Run as root, with the interface down or about to be (re)connected.
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
# shellcheck disable=SC2086 # the extra flags are meant to be split
mac=$(privkit macrand ${PRIVKIT_MACRAND_ARGS:-} --random --json "$iface")
printf '%s\n' "$mac" | sed -n 's/.*"new":"\([0-9a-f:]*\)".*/MAC address: \1/p'
