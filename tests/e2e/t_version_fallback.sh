#!/bin/bash
# Version fallback: a host that only speaks WIN8 (2.4) refuses every newer version the
# guest asks for; the guest falls back to 2.4 and still enumerates its devices.  The
# backup (VSS) service needs VMBus 3.0, so on this host hvis_vss says once that it is
# not supported and stays unbound, while the other services work.
source "$(dirname "$0")/../qemu/lib.sh"

FH_DEVICES="heartbeat,shutdown,vss"
FH_VERSIONS=2.4 vm_start "$KVER"
vm_load_vmbus

assert_match "$(guest dmesg)" 'Vmbus version:2\.4' "guest dmesg: Vmbus version:2.4"
fh_wait_event VERSION_NEGOTIATED 10
assert_ge "$(fh_event_count VERSION_REFUSED)" 1 "host refused newer versions (VERSION_REFUSED events)"
wait_driver_bound hvis_heartbeat
guest_until 30 'lsmod | grep -q "^hvis_vss "' || fail "hvis_vss was not autoloaded for the VSS offer"
guest_until 10 'dmesg | grep -q "VSS: backup (volume snapshot) is not supported on VMBus 2.4 hosts"' ||
	fail "no 'not supported' line from hvis_vss"
assert_eq "$(guest 'dmesg | grep -c "VSS: backup (volume snapshot) is not supported"')" 1 \
	"the refusal is logged once"
assert_guest "hvis_vss is not bound" '! ls -d /sys/bus/vmbus/drivers/hvis_vss/*-* >/dev/null 2>&1'
assert_kernel_clean
