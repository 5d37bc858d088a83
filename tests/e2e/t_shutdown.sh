#!/bin/bash
# Shutdown: `hvis-fakehost ctl shutdown` powers the guest off in an orderly way (init
# runs its shutdown actions) and QEMU exits 0 within 30 s.
source "$(dirname "$0")/../qemu/lib.sh"

vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_shutdown

t0=$SECONDS
assert_fh "fh shutdown" shutdown
vm_wait_exit 30
rc=$?
[ $rc = 124 ] && fail "guest still running 30 s after fh shutdown"
assert_eq "$rc" 0 "QEMU exit status"
note "guest was off $((SECONDS - t0))s after fh shutdown"
log=$(tr -d '\r' <"$VM_DIR/serial.log")
assert_match "$log" 'hvis-init: orderly shutdown' "init ran its shutdown actions"
assert_match "$log" 'reboot: Power down' "kernel powered down"
assert_kernel_clean
