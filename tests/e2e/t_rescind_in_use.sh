#!/bin/bash
# Rescind in use: the host rescinds the echo device while the guest streams packets
# through it.  The device leaves sysfs, the stream stops with an error, the guest stays
# up and the host sees the relid released.
# kernels: all
source "$(dirname "$0")/../qemu/lib.sh"

vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_echo
relid=$(guest_relid_of hvis_echo) || fail "no echo device"
uuid=$(guest "basename \$(dirname \$(grep -lx $relid /sys/bus/vmbus/devices/*/id))")
note "echo device $uuid relid $relid"
dbg=/sys/kernel/debug/hvis_echo/$relid

guest "(echo 100000000 > $dbg/run; echo \$? > /tmp/run.rc) >/dev/null 2>&1 &"
wait_for 20 "packets flow through the echo device" \
	eval '[ "$(kv "$(fh echo-stats '"$relid"')" received)" -gt 0 ]'

assert_fh "fh rescind $relid" rescind "$relid"
guest_until 15 "[ ! -e /sys/bus/vmbus/devices/$uuid ]" || fail "device $uuid still in sysfs 15 s after rescind"
note "ok: device left sysfs"
guest_until 15 "[ -s /tmp/run.rc ]" || fail "the stream did not end after the rescind"
note "stream ended with status $(guest cat /tmp/run.rc)"
fh_wait_event RELID_RELEASED 15
assert_eq "$(guest echo alive)" alive "guest answers after the rescind"
wait_for 10 "heartbeats continue" fh_heartbeat_seq
assert_kernel_clean
