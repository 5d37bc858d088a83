#!/bin/bash
# The fake-host transport is opt-in and leaves other ivshmem devices alone.  Besides the
# fake host's ivshmem-doorbell, the guest gets two ivshmem-plain devices (same PCI id
# 1af4:1110) whose shared memory is not a fake-host link: one all zeros, one with the
# link's magic but version 99.  After boot (udev-style hotplug loads modules by
# modalias) no hvis module is loaded and no module alias names 1af4:1110; then
# `modprobe hvis_vmbus_fakehost` attaches the real link, logs exactly one line for each
# foreign device, binds neither, and writes nothing into their memory.
source "$(dirname "$0")/../qemu/lib.sh"

FOREIGN=$(mktemp -d "${TMPDIR:-/tmp}/hvis-foreign.XXXXXX")
trap 'rc=$?; rm -rf "$FOREIGN"; (exit $rc); _lib_exit' EXIT
# QEMU gives a BAR the size of its memory backend: powers of two.
truncate -s 1M "$FOREIGN/zeros"
truncate -s 2M "$FOREIGN/badver"
# struct hvis_link_header: magic "HVISLINK" (little-endian u64), then version 99.
printf 'HVISLINK\x63\x00\x00\x00' | dd of="$FOREIGN/badver" conv=notrunc status=none
sum_zeros=$(sha256sum <"$FOREIGN/zeros")
sum_badver=$(sha256sum <"$FOREIGN/badver")

ZERO_PCI=0000:00:10.0
BADVER_PCI=0000:00:11.0
vm_start "$KVER" \
	-object "memory-backend-file,id=fzero,mem-path=$FOREIGN/zeros,share=on,size=1M" \
	-device ivshmem-plain,memdev=fzero,addr=0x10 \
	-object "memory-backend-file,id=fbadver,mem-path=$FOREIGN/badver,share=on,size=2M" \
	-device ivshmem-plain,memdev=fbadver,addr=0x11

n=$(guest 'grep -il "^0x1110$" /sys/bus/pci/devices/*/device | wc -l')
assert_eq "$n" 3 "ivshmem devices (1af4:1110) in the guest: the link and two foreign ones"
# Hotplug ran for every device at boot: nothing of hvis came in by itself.
sleep 2
assert_guest "no hvis module loaded by modalias" '! grep -q "^hvis_" /proc/modules'
assert_guest "no module alias names the ivshmem device" \
	'! grep -qi " pci:v00001AF4d00001110" /lib/modules/$(uname -r)/modules.alias'

vm_load_vmbus
wait_driver_bound hvis_heartbeat
link=$(guest 'ls /sys/bus/pci/drivers/hvis_fakehost | grep "^0000:"')
note "hvis_fakehost bound: $link"
assert_eq "$(wc -w <<<"$link")" 1 "hvis_fakehost bound exactly one device, the link"
for d in $ZERO_PCI $BADVER_PCI; do
	assert_guest "$d has no driver" "[ ! -e /sys/bus/pci/devices/$d/driver ]"
done

msgs=$(guest dmesg | tr -d '\r')
zero_lines=$(grep -c "$ZERO_PCI: ivshmem device is not an hvis fake-host link" <<<"$msgs")
badver_lines=$(grep -c "$BADVER_PCI: hvis fake-host link version 99, this driver speaks version" <<<"$msgs")
note "$(grep -E "$ZERO_PCI|$BADVER_PCI" <<<"$msgs" | grep -i hvis)"
assert_eq "$zero_lines" 1 "one line for the zero-filled ivshmem device"
assert_eq "$badver_lines" 1 "one line for the link of an unknown version"
assert_eq "$(grep -cE "($ZERO_PCI|$BADVER_PCI):.*hvis" <<<"$msgs")" 2 \
	"no other hvis line about the foreign devices"
assert_eq "$(sha256sum <"$FOREIGN/zeros")" "$sum_zeros" "the zero-filled shared memory is unchanged"
assert_eq "$(sha256sum <"$FOREIGN/badver")" "$sum_badver" "the version-99 shared memory is unchanged"
assert_kernel_clean
