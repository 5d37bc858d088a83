#!/bin/bash
# Boot, connect and enumerate: hvis_vmbus loads, negotiates VMBus 5.3 with the fake
# host, every device the host offers appears in sysfs with the host's class id, and
# the class drivers load by themselves from the devices' modaliases.  The integration
# services appear under Hyper-V's fixed instance GUIDs (upstream's hv_fcopy_uio_daemon
# opens the file-copy one by path); every device has numa_node; monitor_id and the
# monitor attributes exist only for a device offered with a monitor (echo+monitor), as
# upstream's sysfs shows them.
# kernels: all
source "$(dirname "$0")/../qemu/lib.sh"

FCOPY_INSTANCE=eb765408-105f-49b6-b4aa-c123b64d17d4
HB_INSTANCE=fd149e91-82e0-4a7d-afa6-2a4166cbd7c0
SD_INSTANCE=b6650ff7-33bc-4840-8048-e0676786f393
ECHO_CLASS=6876697a-6563-686f-8e5c-1d0a2b409137
MONITOR_ATTRS="monitor_id server_monitor_pending client_monitor_pending server_monitor_latency
	client_monitor_latency server_monitor_conn_id client_monitor_conn_id"
FH_DEVICES="heartbeat,shutdown,echo+monitor,fcopy"
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
assert_guest "devices report state and have a channels/ directory" \
	'for d in /sys/bus/vmbus/devices/*; do cat $d/state >/dev/null && [ -d $d/channels ] || exit 1; done'

for inst in $FCOPY_INSTANCE $HB_INSTANCE $SD_INSTANCE; do
	assert_guest "/sys/bus/vmbus/devices/$inst exists (Hyper-V's fixed instance)" \
		"[ -d /sys/bus/vmbus/devices/$inst ]"
done
assert_eq "$(guest "cat /sys/bus/vmbus/devices/$FCOPY_INSTANCE/class_id")" \
	"{34d14be3-dee4-41c8-9ae7-6b174977c192}" "the fixed fcopy instance is the file-copy class"

assert_eq "$(guest 'for d in /sys/bus/vmbus/devices/*; do grep -xE -- "-?[0-9]+" $d/numa_node >/dev/null || echo "${d##*/}"; done')" \
	"" "every device has a numeric numa_node (devices without one listed)"

echo_dev=$(guest "grep -lx '{$ECHO_CLASS}' /sys/bus/vmbus/devices/*/class_id") ||
	fail "no echo device in guest sysfs"
echo_dev=${echo_dev%/class_id}
echo_relid=$(guest "cat $echo_dev/id")
# The host's offer: monitor_allocated=1, monitorid 0 (the first one handed out).
assert_eq "$(guest "cat $echo_dev/monitor_id")" 0 "echo+monitor: monitor_id shows the offer's monitorid"
for a in $MONITOR_ATTRS; do
	assert_guest "echo+monitor: $a is present and readable" "cat $echo_dev/$a"
done
for a in monitor_id pending latency; do
	assert_guest "echo+monitor: channels/$echo_relid/$a is present and readable" \
		"cat $echo_dev/channels/$echo_relid/$a"
done
hb=/sys/bus/vmbus/devices/$HB_INSTANCE
hb_relid=$(guest "cat $hb/id")
for a in $MONITOR_ATTRS; do
	assert_guest "heartbeat (no monitor): no $a" "[ ! -e $hb/$a ]"
done
for a in monitor_id pending latency; do
	assert_guest "heartbeat (no monitor): no channels/$hb_relid/$a" \
		"[ ! -e $hb/channels/$hb_relid/$a ]"
done

vm_poweroff || fail "QEMU exit status after poweroff"
assert_kernel_clean
