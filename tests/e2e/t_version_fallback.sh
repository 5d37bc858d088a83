#!/bin/bash
# Version fallback: a host that only speaks WIN8 (2.4) refuses every newer version the
# guest asks for; the guest falls back to 2.4 and still enumerates its devices.
source "$(dirname "$0")/../qemu/lib.sh"

FH_VERSIONS=2.4 vm_start "$KVER"
vm_load_vmbus

assert_match "$(guest dmesg)" 'Vmbus version:2\.4' "guest dmesg: Vmbus version:2.4"
fh_wait_event VERSION_NEGOTIATED 10
assert_ge "$(fh_event_count VERSION_REFUSED)" 1 "host refused newer versions (VERSION_REFUSED events)"
wait_driver_bound hvis_heartbeat
assert_kernel_clean
