#!/bin/bash
# dm_lib.sh: what the Dynamic Memory tests share.  The guest boots with 1 GiB of a 2 GiB
# RAM file (the rest is there to be hot-added) and loads hvis_balloon only once the
# host's DM policy is set (hvis.noautoload); helpers read both sides' figures.
source "$(dirname "$0")/../qemu/lib.sh"

SYS='/sys/bus/vmbus/drivers/hvis_balloon/*-*/dynamic_memory'

# dm_vm_start DM-CONFIG-ARGS...: boots the guest, configures the host's DM with
# `ctl dm config ARGS`, loads hvis_balloon and waits for its capabilities report.
# DM_MEMHP (default online) is the kernel's memhp_default_state; DM_MEMHP=none leaves
# the kernel's own default.  DM_MODARGS are hvis_balloon's module parameters.
dm_vm_start() {
	local memhp=${DM_MEMHP:-online}
	VM_MEM_BYTES=$((2048 * 1024 * 1024))
	VM_APPEND="mem=1G hvis.noautoload"
	[ "$memhp" = none ] || VM_APPEND+=" memhp_default_state=$memhp"
	FH_DEVICES=heartbeat,shutdown,dm
	vm_start "$KVER"
	assert_fh "dm config" dm config "$@"
	vm_load_vmbus
	assert_guest "modprobe hvis_balloon" modprobe hvis_balloon ${DM_MODARGS:-}
	wait_driver_bound hvis_balloon
	fh wait-event DM_CAPABILITIES --timeout 30 >/dev/null || fail "no DM_CAPABILITIES"
}

dmkv() { kv "$(fh dm status)" "$1"; }
# The newest host event's sequence number.
since() { fh events | tail -n 1 | awk '{ print $1 }'; }
wait_ev() { # NAME SINCE SECS -> the event line
	fh wait-event "$1" --since "$2" --timeout "${3:-60}" || fail "no $1 after seq $2"
}
