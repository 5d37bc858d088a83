#!/bin/bash
# Boot, connect and enumerate: hvis_vmbus loads, negotiates VMBus 5.3 with the fake
# host, every device the host offers appears in sysfs with the host's class id, and
# the class drivers load by themselves from the devices' modaliases.
# kernels: all
source "$(dirname "$0")/../qemu/lib.sh"

vm_start "$KVER"
vm_load_vmbus

assert_match "$(guest dmesg)" 'Vmbus version:5\.3' "guest dmesg: Vmbus version:5.3"
fh_wait_event VERSION_NEGOTIATED 10

host=$(fh list) || fail "fh list failed"
host=$(tr 'A-F' 'a-f' <<<"$host")
mine=$(guest_devices) || fail "listing guest devices failed"
mine=$(tr 'A-F{}' 'a-f  ' <<<"$mine")
note "fh list:"
note "$host"
note "guest sysfs (uuid class_id):"
note "$mine"
n_guest=$(grep -c . <<<"$mine")
n_host=$(grep -cE '[0-9a-f]{8}-[0-9a-f]{4}-' <<<"$host")
assert_eq "$n_guest" "$n_host" "devices in guest sysfs vs devices the host offers"
while read -r uuid class; do
	grep -F -- "$uuid" <<<"$host" | grep -qF -- "$class" ||
		fail "guest device $uuid class $class: fh list has no such device with that class"
done <<<"$mine"
note "ok: every device's class_id matches fh list"

wait_driver_bound hvis_heartbeat
wait_driver_bound hvis_shutdown
assert_guest "devices report state, monitor_id and a channels/ directory" \
	'for d in /sys/bus/vmbus/devices/*; do cat $d/state $d/monitor_id >/dev/null && [ -d $d/channels ] || exit 1; done'

vm_poweroff || fail "QEMU exit status after poweroff"
assert_kernel_clean
