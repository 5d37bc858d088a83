#!/bin/bash
# Heartbeat: the host sees the guest's heartbeat sequence number advance.
source "$(dirname "$0")/../qemu/lib.sh"

vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_heartbeat

wait_for 15 "host has a first heartbeat" fh_heartbeat_seq
s1=$(fh_heartbeat_seq)
sleep 3
s2=$(fh_heartbeat_seq)
note "host heartbeat seq: $s1 -> $s2 over 3 s"
[ -n "$s1" ] && [ -n "$s2" ] && [ "$s2" -gt "$s1" ] || fail "heartbeat seq did not advance: '$s1' -> '$s2'"
assert_kernel_clean
