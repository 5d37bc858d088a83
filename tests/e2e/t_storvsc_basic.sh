#!/bin/bash
# Synthetic storage smoke test (hvis_storvsc against the fake host's storvsp): the SCSI
# controller binds, negotiates VSTOR 6.2 and asks for its subchannel; the LUN appears as
# /dev/sda with the image's size under a host named storvsc_host with one blk-mq
# hardware queue per channel; a pattern written with direct I/O lands in the image file
# on the host at the right offset and reads back; a pattern the host writes into the
# file reads back in the guest; a 512 KiB transfer (the host's max_transfer_bytes) goes
# through in one request; three unload/reload cycles bring the disk back with its data;
# nothing is refused and the kernel log stays clean.  t_storvsc covers all of this in
# make check; this smoke test runs in make check-all (both kernels).
# kernels: all
# tier: all
source "$(dirname "$0")/storvsc_lib.sh"

VM_SMP=2
export HVIS_GUEST_KMODS="sd_mod"
export HVIS_GUEST_TOOLS="blockdev"
FH_DEVICES="heartbeat,shutdown,scsi"
IMG=$(disk_image basic.img 64M)
FH_ARGS=(--disks "0:0:0=$IMG")
vm_start "$KVER"
vm_load_vmbus
storvsc_wait_bound 1

sd=$(wait_guest_disk 0 0 0)
assert_eq "$sd" sda "LUN 0:0:0 is the guest's first SCSI disk"
assert_eq "$(guest blockdev --getsize64 /dev/sda)" $((64 << 20)) "/dev/sda has the image's 64 MiB"
assert_eq "$(guest 'cat /sys/block/sda/device/../../scsi_host/host*/proc_name')" storvsc_host \
	"the SCSI host's proc_name is storvsc_host"
assert_match "$(grep -w STOR_INIT "$VM_DIR/events.log" | tail -n 1)" "c=0 version=0x602 channels=2" \
	"VSTOR 6.2 agreed (the host allows 2 channels)"
assert_match "$(grep -w STOR_SUBCHANNELS "$VM_DIR/events.log" | tail -n 1)" "c=0 asked=1 offered=1" \
	"one subchannel asked for (2 CPUs) and offered"
assert_eq "$(guest 'ls -d /sys/block/sda/mq/* | wc -l')" 2 "two hardware queues, one per channel"
assert_eq "$(guest cat /sys/block/sda/queue/max_hw_sectors_kb)" 512 \
	"max_hw_sectors_kb is the host's max_transfer_bytes (512 KiB)"

# Guest -> host: 4 MiB of random bytes at 3 MiB, direct I/O, 1 MiB and 512 KiB blocks.
assert_guest "4 MiB pattern written to /dev/sda at 3 MiB" \
	"head -c 4194304 /dev/urandom >/tmp/p && dd if=/tmp/p of=/dev/sda bs=1M seek=3 oflag=direct 2>/dev/null"
want=$(guest sha256sum /tmp/p | cut -c1-64)
assert_eq "$(dd if="$IMG" bs=1M skip=3 count=4 2>/dev/null | sha256sum | cut -c1-64)" "$want" \
	"the host's image file holds the guest's pattern at 3 MiB"
assert_eq "$(guest 'dd if=/dev/sda bs=512K skip=6 count=8 iflag=direct 2>/dev/null | sha256sum' | cut -c1-64)" \
	"$want" "the pattern reads back in 512 KiB direct reads"
assert_eq "$(dd if="$IMG" bs=1M count=3 2>/dev/null | tr -d '\0' | wc -c)" 0 \
	"the 3 MiB before it are still zero in the image"

# Host -> guest: a pattern the host writes into the file is what the guest reads.
head -c 1048576 /dev/urandom >"$DISK_DIR/h.bin"
dd if="$DISK_DIR/h.bin" of="$IMG" bs=1M seek=40 conv=notrunc 2>/dev/null
assert_eq "$(guest 'dd if=/dev/sda bs=64K skip=640 count=16 iflag=direct 2>/dev/null | sha256sum' | cut -c1-64)" \
	"$(sha256sum <"$DISK_DIR/h.bin" | cut -c1-64)" "the guest reads the host's pattern at 40 MiB"

# Unload and reload: the disk comes back with its data.
for i in 1 2 3; do
	assert_guest "cycle $i: rmmod hvis_storvsc" "$(rmmod_storvsc_cmd)"' && ! ls /sys/block | grep -q ^sd'
	assert_guest "cycle $i: modprobe hvis_storvsc" modprobe hvis_storvsc
	sd=$(wait_guest_disk 0 0 0)
	assert_eq "$(guest "dd if=/dev/$sd bs=1M skip=3 count=4 iflag=direct 2>/dev/null | sha256sum" | cut -c1-64)" \
		"$want" "cycle $i: $sd holds the pattern"
done

out=$(guest 'dmesg | grep hvis_storvsc')
note "$(grep -m1 'VSTOR' <<<"$out")"
assert_no_match "$out" "refused|cannot|failed|obsolete" "no hvis_storvsc refusal or failure in the guest log"
assert_kernel_clean
note "PASS"
