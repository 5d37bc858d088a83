#!/bin/bash
# Echo stress: one million packets from the guest to the host's echo device and one
# million echoed back; none lost, none corrupted.
source "$(dirname "$0")/../qemu/lib.sh"

PACKETS=${PACKETS:-1000000}
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_echo
relid=$(guest_relid_of hvis_echo) || fail "no echo device"
dbg=/sys/kernel/debug/hvis_echo/$relid

t0=$(date +%s%N)
guest -t 900 "echo $PACKETS > $dbg/run" || fail "echo run failed"
secs=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
res=$(guest cat "$dbg/result")
note "guest: $res ($secs s)"
assert_eq "$(kv "$res" sent)" "$PACKETS" "packets the guest sent"
assert_eq "$(kv "$res" received)" "$PACKETS" "packets the guest received back"
assert_eq "$(kv "$res" errors)" 0 "errors"
host=$(fh echo-stats "$relid")
note "host: $host"
assert_ge "$(kv "$host" received)" "$PACKETS" "packets the host received"
assert_ge "$(kv "$host" sent)" "$PACKETS" "packets the host echoed"
assert_kernel_clean
