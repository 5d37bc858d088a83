#!/bin/bash
# Root on an IDE-class disk: the guest's root file system (ext4) lives on a disk the fake
# host serves on its IDE accelerator controller (`--devices heartbeat,shutdown,ide
# --disks 0:0:0=IMG`), the class a Generation 1 Hyper-V VM boots from.
#
#   host   builds the harness initramfs, copies its tree (plus a marker file) into IMG
#          with mkfs.ext4 -d;
#   guest  the initramfs's /init (hvis.root=/dev/sda, tests/qemu/guest/init) loads
#          hvis_vmbus_fakehost, hvis_storvsc, sd_mod and ext4, mounts /dev/sda and
#          switch_roots into it; the agent then runs from the disk;
#   checks / is ext4 on sda (the marker is there), sda's SCSI host is a storvsc_host on a
#          VMBus IDE controller bound to hvis_storvsc; a file written and synced on /
#          reaches the image: after `ctl shutdown` (the guest remounts / read-only and
#          powers off) the host reads it back with debugfs, and e2fsck finds IMG clean.
source "$(dirname "$0")/../qemu/lib.sh"

for c in mkfs.ext4 debugfs e2fsck cpio; do
	command -v $c >/dev/null || skip "$c missing (make deps)"
done
IDE_CLASS="{32412632-86cb-44a2-9b5c-50d1417354f5}"
export HVIS_GUEST_KMODS="${HVIS_GUEST_KMODS:-} sd_mod ext4 crc32c_generic"

RUN=$(mktemp -d "${TMPDIR:-/tmp}/hvis-ide-root.XXXXXX")
IMG=$RUN/root.img
trap 'rc=$?; rm -rf "$RUN"; (exit $rc); _lib_exit' EXIT

# The root fs: the initramfs's own tree (busybox, agent, modules), so the switched-to
# root boots exactly as the initramfs would; the marker tells the disk's root from the
# initramfs.  The image is two cpio archives back to back (tests/qemu/mkinitramfs.sh): a
# first one with only dev/ and dev/console (the root devtmpfs provides those), then the
# tree, which starts at the 4-byte boundary after the first one's "TRAILER!!!" name.
"$HVIS_TOP/tests/qemu/mkinitramfs.sh" "$KVER" "$RUN/initrd.gz" 2>"$RUN/mkinitramfs.log" ||
	fail "mkinitramfs failed: $(tail -n 3 "$RUN/mkinitramfs.log")"
zcat "$RUN/initrd.gz" >"$RUN/initrd.cpio"
off=$(grep -obUa -m1 'TRAILER!!!' "$RUN/initrd.cpio" | head -n 1 | cut -d: -f1)
[ -n "$off" ] || fail "no cpio trailer in the initramfs"
mkdir "$RUN/tree"
(cd "$RUN/tree" && tail -c +$(((off + 11 + 3) / 4 * 4 + 1)) "$RUN/initrd.cpio" | cpio -idm --quiet) &&
	[ -x "$RUN/tree/init" ] || fail "cannot unpack the initramfs's tree"
rm -f "$RUN/initrd.cpio"
MARK=ide-root-$RANDOM$RANDOM
echo "$MARK" >"$RUN/tree/etc/hvis-root-mark"
truncate -s 128M "$IMG"
mkfs.ext4 -q -F -L hvis-ide-root -d "$RUN/tree" "$IMG" >/dev/null || fail "mkfs.ext4 -d failed"
rm -rf "$RUN/tree"
note "root image: 128 MiB ext4 holding the initramfs tree"

FH_DEVICES=heartbeat,shutdown,ide
FH_ARGS=(--disks "0:0:0=$IMG")
VM_INITRD=$RUN/initrd.gz \
	VM_APPEND="hvis.root=/dev/sda hvis.rootmods=hvis_vmbus_fakehost,hvis_storvsc,sd_mod,crc32c_generic,ext4" \
	vm_start "$KVER"

log=$(tr -d '\r' <"$VM_DIR/serial.log")
assert_match "$log" 'hvis-init: root /dev/sda mounted' "the initramfs mounted /dev/sda and switched to it"
assert_eq "$(guest 'awk "\$2 == \"/\" { print \$1, \$3 }" /proc/mounts')" "/dev/sda ext4" "/ in /proc/mounts"
assert_eq "$(guest cat /etc/hvis-root-mark)" "$MARK" "/ is the disk's tree (its marker file)"
assert_eq "$(guest cat /sys/block/sda/device/../../scsi_host/host*/proc_name)" storvsc_host \
	"sda's SCSI host is a storvsc_host"
out=$(guest 'v=$(readlink -f /sys/block/sda/device/../../..); echo "$(basename "$(readlink "$v/driver")") $(cat "$v/class_id")"')
assert_eq "$out" "hvis_storvsc $IDE_CLASS" "sda's SCSI host sits on a VMBus IDE controller bound to hvis_storvsc"
assert_match "$(guest basename "\$(readlink /sys/block/sda/device)")" '^[0-9]+:0:0:0$' \
	"sda is channel 0, target 0, LUN 0 of its host"
assert_eq "$(guest cat /sys/block/sda/size)" $((128 * 1024 * 1024 / 512)) "sda's size in 512-byte sectors"
assert_guest "no virtio disk" '! ls /sys/block | grep -q "^vd"'

# A file written on / reaches the image.
PAYLOAD="written on the IDE root $RANDOM$RANDOM"
assert_guest "write and sync a file on /" "echo '$PAYLOAD' >/root/ide-root.txt && sync"
assert_eq "$(guest 'echo 3 >/proc/sys/vm/drop_caches; cat /root/ide-root.txt')" "$PAYLOAD" \
	"the file reads back after dropping the page cache"
out=$(fh disk list) || fail "fh disk list failed: $out"
note "fh disk list: $out"
assert_ge "$(kv "$out" writes)" 1 "writes the fake host served"
assert_ge "$(kv "$out" flushes)" 1 "cache flushes the fake host served (sync)"

wait_driver_bound hvis_shutdown
assert_fh "fh shutdown" shutdown
vm_wait_exit 120 || fail "guest did not power off within 120 s of ctl shutdown (status $?)"
log=$(tr -d '\r' <"$VM_DIR/serial.log")
assert_match "$log" 'hvis-init: root remounted read-only' "the shutdown remounted / read-only"
assert_kernel_clean
vm_stop

out=$(e2fsck -fn "$IMG" 2>&1) || fail "e2fsck -fn on the image after shutdown: $(tail -n 5 <<<"$out")"
note "ok: e2fsck -fn: the image's file system is clean"
assert_eq "$(debugfs -R 'cat /root/ide-root.txt' "$IMG" 2>/dev/null)" "$PAYLOAD" \
	"the host reads the file from the image (debugfs)"
