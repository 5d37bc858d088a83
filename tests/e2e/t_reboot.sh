#!/bin/bash
# Reboot: `hvis-fakehost ctl reboot` reboots the guest in an orderly way; it comes back,
# reconnects to the same fake host and negotiates again.  QEMU runs without
# -no-reboot here, so the reboot is a real one; boots are counted on the agent port.
source "$(dirname "$0")/../qemu/lib.sh"

VM_REBOOT=1 vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_shutdown
fh_wait_event VERSION_NEGOTIATED 10

assert_fh "fh reboot" reboot
vm_wait_ready 2 || fail "guest did not come back after fh reboot"
note "ok: guest booted a second time"
log=$(tr -d '\r' <"$VM_DIR/serial.log")
assert_match "$log" 'hvis-init: orderly shutdown' "init ran its shutdown actions"
assert_match "$log" 'reboot: Restarting system' "kernel restarted"
assert_eq "$(grep -c 'hvis-init: boot' <<<"$log")" 2 "boots in the serial log"

vm_load_vmbus
wait_driver_bound hvis_heartbeat
wait_for 20 "host saw a second VERSION_NEGOTIATED" eval '[ "$(fh_event_count VERSION_NEGOTIATED)" -ge 2 ]'
vm_poweroff || fail "QEMU exit status after poweroff"
assert_kernel_clean
