#!/bin/bash
# Install, upgrade and remove hvis in a real Debian 12 guest, as a user would.
#
#   1. `make deb` twice: version V1 (the tree's) and V2 = V1+upgrade1.
#   2. A cached debootstrap root fs (tests/install/mkrootfs.sh: systemd, udev,
#      initramfs-tools, linux-image/-headers-KVER, dkms) is copied onto an ext4 disk image;
#      in a chroot of it, `apt-get install ./hvis-dkms_V1 ./hvis-tools_V1`: DKMS builds the
#      modules for KVER and update-initramfs rebuilds the guest's initramfs.
#      An extra initramfs built with MODULES=list shows that the package's hook alone
#      brings the root-disk stack (hvis_storvsc, sd_mod, scsi_mod), whatever MODULES says.
#   3. Boot the disk in QEMU from an hvis disk: the fake host serves the image as LUN
#      0:0:0 of a synthetic SCSI controller (QEMU has no disk at all); Debian's kernel and
#      the disk's initramfs, root=UUID=.  The initramfs loads hvis_vmbus_fakehost (listed
#      by the harness in /etc/initramfs-tools/modules; the package never loads the
#      fake-host transport by itself), udev loads hvis_storvsc and sd_mod by alias and
#      the initramfs mounts the root fs from /dev/sda: / is on sda, whose SCSI host
#      (storvsc_host) sits on a VMBus SCSI controller bound to hvis_storvsc, no virtio
#      disk exists, the host served the reads and writes; udev loads the IC drivers
#      with no insmod,
#      lsvmbus lists what the host offers, heartbeats flow, udev/systemd start the KVP,
#      VSS and file-copy daemons, the host's KVP item persists across boots, the host's
#      Dynamic Memory hot-add grows MemTotal on the guest's own command line (booted with
#      mem=1G of 2 GiB; no memhp_default_state), `ctl shutdown` powers it off.
#   4. Upgrade to V2 with apt (chroot), boot again from the hvis disk, same checks, on
#      the V2 modules.
#   5. `apt-get remove hvis-dkms hvis-tools` (chroot; HVIS_REMOVE_IN_GUEST=1: in the running
#      guest, on the hvis disk): a last boot, from the same image on virtio-blk (nothing
#      drives an hvis disk without hvis), shows modules, blacklist and hook gone, no hvis
#      module loaded, the in-tree hv_* drivers back in the initramfs and hv_vmbus loadable
#      again.
# The packages are installed in a chroot, so the first boot with hvis is already on the hvis
# disk; a real machine moving from hv_storvsc to hvis takes the same path at its reboot.
# Needs root (debootstrap, chroot, loop mounts).  Prints phase times.
source "$(dirname "$0")/../qemu/lib.sh"
source "$(dirname "$0")/lib.sh"

FH_DEVICES="heartbeat,shutdown,echo,kvp,vss,fcopy,dm"

[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, chroot, loop mount)"
for c in debootstrap mkfs.ext4 dpkg-deb; do
	command -v $c >/dev/null || skip "$c missing (make deps)"
done

install_run_dir run

step "build packages"
V1=$("$HVIS_TOP/scripts/version.sh")
V2=$V1+upgrade1
"$HVIS_TOP/scripts/mkdeb.sh" --guest-only "$RUN/v1" >/dev/null 2>"$RUN/mkdeb.log" || fail "make deb: $(tail -n 5 "$RUN/mkdeb.log")"
HVIS_VERSION=$V2 "$HVIS_TOP/scripts/mkdeb.sh" --guest-only "$RUN/v2" >/dev/null 2>>"$RUN/mkdeb.log" ||
	fail "make deb (V2): $(tail -n 5 "$RUN/mkdeb.log")"
note "V1=$V1  V2=$V2"
MODULES=$("$HVIS_TOP/scripts/dkms-conf.sh" --modules | awk '{ print $2 }' | sort | tr '\n' ' ')
note "modules: $MODULES"
assert_match " $MODULES" " hvis_storvsc " "the package ships hvis_storvsc (the guest boots from it)"

step "root fs (cached)"
ROOTFS=$("$HVIS_TOP/tests/install/mkrootfs.sh" "$KVER") || fail "mkrootfs.sh $KVER failed"
note "root fs: ${ROOTFS#"$HVIS_TOP"/}"
cmp -s "$ROOTFS/boot/vmlinuz-$KVER" "/boot/vmlinuz-$KVER" ||
	fail "the guest's vmlinuz-$KVER differs from this machine's /boot/vmlinuz-$KVER"

step "disk image"
disk_create "$ROOTFS" "$IMG"
disk_mount "$IMG"
harness_install
mkdir -p "$DISK_MNT/root/debs"
cp -a "$RUN/v1" "$RUN/v2" "$DISK_MNT/root/debs/"

step "apt install V1 (chroot, DKMS build)"
in_disk sh -c 'apt-get install -y /root/debs/v1/hvis-dkms_*.deb /root/debs/v1/hvis-tools_*.deb' \
	>"$RUN/apt-v1.log" 2>&1 || { cat "$RUN/apt-v1.log" | tail -n 30 | sed 's/^/# /'; fail "apt-get install V1 failed"; }
grep -E 'Sign|sign|MOK' "$RUN/apt-v1.log" | head -n 4 | sed 's/^/#   /'
assert_match "$(in_disk dkms status -m hvis)" "^hvis/$(re "$V1"), $(re "$KVER"), x86_64: installed" "dkms status: V1 installed for $KVER"
cp "$DISK_MNT/boot/initrd.img-$KVER" "$RUN/initrd"

# MODULES=dep adds sd_mod only when the building machine has SCSI devices, MODULES=list
# never: the hook must add the storage stack itself.  A throw-away image from a copy of the
# configuration with MODULES=list.
step "initramfs with MODULES=list (chroot)"
out=$(in_disk sh -c "rm -rf /tmp/conf-list && cp -a /etc/initramfs-tools /tmp/conf-list &&
	sed -i 's/^MODULES=.*/MODULES=list/' /tmp/conf-list/initramfs.conf &&
	mkinitramfs -d /tmp/conf-list -o /tmp/initrd-list $KVER && lsinitramfs /tmp/initrd-list" 2>&1) ||
	fail "mkinitramfs with MODULES=list failed: $(tail -n 5 <<<"$out")"
for m in hvis_vmbus hvis_vmbus_fakehost hvis_storvsc sd_mod scsi_mod; do
	assert_match "$out" "/$m\.ko" "MODULES=list initramfs holds $m"
done
assert_no_match "$out" '/(hv_vmbus|hv_storvsc)\.ko' "MODULES=list initramfs holds no in-tree hv_vmbus or hv_storvsc"
in_disk rm -rf /tmp/conf-list /tmp/initrd-list
disk_umount

# check_root_hvis: / is the hvis disk, as a user would check it: its block device, the SCSI
# host above it (proc_name, which lsscsi -H prints), the VMBus device that host sits on
# and the driver bound to it; no virtio disk; the fake host served the I/O.
check_root_hvis() {
	local out
	assert_eq "$(guest findmnt -n -o SOURCE,FSTYPE /)" "/dev/sda ext4" "root fs (findmnt /)"
	assert_eq "$(guest cat /sys/block/sda/device/../../scsi_host/host*/proc_name)" storvsc_host \
		"sda's SCSI host is a storvsc_host"
	out=$(guest 'v=$(readlink -f /sys/block/sda/device/../../..); echo "$(basename "$(readlink "$v/driver")") $(cat "$v/class_id")"')
	assert_eq "$out" "hvis_storvsc {ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}" \
		"sda's SCSI host sits on a VMBus SCSI controller bound to hvis_storvsc"
	assert_guest "hvis_storvsc loaded, hv_storvsc not" '[ -d /sys/module/hvis_storvsc ] && [ ! -e /sys/module/hv_storvsc ]'
	assert_guest "no virtio disk, virtio_blk not loaded" \
		'! ls /sys/block | grep -q "^vd" && ! grep -q "^virtio_blk " /proc/modules'
	out=$(fh disk list) || fail "fh disk list failed: $out"
	note "fh disk list: $out"
	assert_match "$out" "^0:0:0 path=$(re "$IMG") " "the fake host serves the image as 0:0:0"
	assert_ge "$(kv "$out" reads)" 1 "reads the fake host served"
	assert_ge "$(kv "$out" writes)" 1 "writes the fake host served"
}

# check_booted VERSION: what must hold in a guest booted with hvis VERSION installed.
check_booted() {
	local v=$1 m out host n_host n_lines s1 s2
	check_root_hvis
	assert_eq "$(guest uname -r)" "$KVER" "guest kernel"
	assert_match "$(guest dkms status -m hvis)" "^hvis/$(re "$v"), $(re "$KVER"), x86_64: installed" "dkms status: hvis $v installed"
	assert_guest "no hvis version but $v registered with DKMS" \
		"[ \"\$(cd /var/lib/dkms/hvis && ls -d */source)\" = '$v/source' ]"
	guest_until 120 "grep -q '^hvis_heartbeat ' /proc/modules && grep -q '^hvis_shutdown ' /proc/modules" ||
		fail "hvis IC drivers not loaded at boot: $(guest lsmod)"
	note "ok: loaded at boot without insmod: $(guest "grep -o '^hvis_[a-z_]*' /proc/modules | sort | tr '\n' ' '")"
	for m in hvis_vmbus hvis_ic hvis_heartbeat hvis_shutdown; do
		out=$(guest modinfo -n "$m")
		assert_match "$out" "^/lib/modules/$(re "$KVER")/updates/dkms/$m\.ko" "$m comes from DKMS (updates/dkms)"
		guest "cmp -s $out /var/lib/dkms/hvis/$v/$KVER/x86_64/module/${out##*/}" ||
			fail "$m is not the module DKMS built for hvis $v"
	done
	assert_eq "$(guest modinfo -F signer hvis_vmbus)" "DKMS module signing key" "modules signed by DKMS's MOK key"
	assert_guest "no installed module claims the ivshmem device by alias (fake-host transport is opt-in)" \
		"! grep -qi ' pci:v00001AF4d00001110' /lib/modules/$KVER/modules.alias"
	assert_guest "udev bound the IC drivers" 'ls -d /sys/bus/vmbus/drivers/hvis_heartbeat/*-* /sys/bus/vmbus/drivers/hvis_shutdown/*-*'
	assert_guest "the in-tree hv_vmbus is not loaded" '! grep -q "^hv_vmbus " /proc/modules'
	assert_guest "hv_vmbus is blacklisted" 'modprobe -c | grep -q "^blacklist hv_vmbus$"'
	out=$(guest "lsinitramfs /boot/initrd.img-$KVER | grep -E '/(hvis_[a-z_]*|sd_mod|hv_vmbus|hv_storvsc|hv_netvsc|hv_utils|hyperv_keyboard)\.ko'")
	for m in $MODULES sd_mod; do
		assert_match "$out" "/$m\.ko" "initramfs holds $m"
	done
	assert_no_match "$out" '/(hv_vmbus|hv_storvsc|hv_netvsc|hv_utils|hyperv_keyboard)\.ko' "initramfs holds no in-tree hv_* module"
	# Early boot: the first hvis kernel message comes before systemd (PID 1 of the root fs)
	# starts, i.e. udev loaded hvis_vmbus inside the initramfs.
	# (dmesg goes to a file first: grep -m1 closing the pipe makes dmesg print a write error.)
	out=$(guest 'dmesg >/tmp/boot.dmesg; grep -n -m1 -e hvis -e "Vmbus version" /tmp/boot.dmesg | cut -d: -f1; grep -n -m1 "systemd\[1\]" /tmp/boot.dmesg | cut -d: -f1')
	[ "$(sed -n 1p <<<"$out")" -lt "$(sed -n 2p <<<"$out")" ] 2>/dev/null ||
		fail "hvis_vmbus did not load in the initramfs (dmesg lines: $(echo $out))"
	note "ok: hvis_vmbus loaded from the initramfs (dmesg line $(sed -n 1p <<<"$out") < systemd's $(sed -n 2p <<<"$out"))"

	host=$(fh list) || fail "fh list failed"
	n_host=$(grep -ciE '[0-9a-f]{8}-[0-9a-f]{4}-' <<<"$host")
	out=$(guest lsvmbus) || fail "lsvmbus failed: $out"
	note "lsvmbus:"
	note "$out"
	n_lines=$(grep -c . <<<"$out")
	assert_eq "$n_lines" "$n_host" "lsvmbus lines vs devices the fake host offers"
	assert_match "$out" '\[Heartbeat\]' "lsvmbus names the heartbeat device"
	assert_match "$(guest lsvmbus --json)" '"class_id"' "lsvmbus --json"

	wait_for 30 "host has a first heartbeat" fh_heartbeat_seq
	s1=$(fh_heartbeat_seq)
	sleep 3
	s2=$(fh_heartbeat_seq)
	[ -n "$s1" ] && [ -n "$s2" ] && [ "$s2" -gt "$s1" ] || fail "heartbeat seq did not advance: '$s1' -> '$s2'"
	note "ok: heartbeat seq $s1 -> $s2 over 3 s"
}

# check_services: udev starts the integration-service daemons through systemd when
# their devices appear; the KVP daemon answers the host.  An item the host set in an
# earlier boot (KVP_KEPT, set on the first boot) is still there: the pool file
# survived the reboot (and the upgrade).
KVP_KEPT=
check_services() {
	local d out
	for d in hvis-kvpd hvis-vssd hvis-fcopyd; do
		guest_until 90 "systemctl is-active -q $d" ||
			fail "$d is not active: $(guest "systemctl status --no-pager $d 2>&1 | tail -n 5" | tr '\n' '|')"
		note "ok: $d started by udev/systemd ($(guest "systemctl show -p MainPID --value $d" | sed 's/^/pid /'))"
	done
	guest_until 60 'journalctl -b -u hvis-kvpd | grep -q "KVP LIC Version"' ||
		fail "hvis-kvpd logged no registration: $(guest 'journalctl -b -u hvis-kvpd | tail -n 5' | tr '\n' '|')"
	wait_for 90 "the host's KVP channel is negotiated" fh kvp get 0 NoSuchKey
	if [ -z "$KVP_KEPT" ]; then
		KVP_KEPT=boot-$RANDOM
		assert_match "$(fh kvp set 0 InstallTest "$KVP_KEPT" 2>&1)" 'status=0( |$)' "host sets a KVP item"
	fi
	out=$(fh kvp get 0 InstallTest 2>&1)
	assert_match "$out" "status=0 value=$KVP_KEPT\$" "the host reads the item back (set on the first boot)"
	assert_guest "the item is in the pool file" "tr '\\0' '\\n' </var/lib/hyperv/.kvp_pool_0 | grep -qx '$KVP_KEPT'"
	out=$(fh kvp enum 2 2>&1; fh kvp items 2>&1)
	assert_match "$out" "OSBuildNumber=$(re "$KVER")" "the host reads the guest's intrinsic items"
}

# check_hot_add: Dynamic Memory on the installed guest's own command line (no
# memhp_default_state): the host hot-adds 256 MiB and MemTotal grows, every block online
# (the kernel's auto-online policy where it has one, else the package's udev rule).
# The guest boots with mem=1G of a 2 GiB RAM file (DISK_APPEND, VM_MEM_BYTES).
check_hot_add() {
	local m0 s out
	guest_until 60 "grep -q '^hvis_balloon ' /proc/modules" || fail "hvis_balloon not loaded at boot"
	fh wait-event DM_CAPABILITIES --timeout 60 >/dev/null || fail "no DM_CAPABILITIES from the guest"
	note "auto_online_blocks: $(guest cat /sys/devices/system/memory/auto_online_blocks)"
	assert_fh "dm config" dm config startup=1G policy=fixed target=1G
	m0=$(memtotal_mb)
	s=$(fh_since)
	assert_fh "memory set 1280M" memory set 1280M
	out=$(fh wait-event DM_HOT_ADD_DONE --since "$s" --timeout 60) || fail "no DM_HOT_ADD_DONE"
	assert_match "$out" "result=1" "host: the guest took the hot-add"
	guest_until 60 "[ $GUEST_MEMTOTAL_MB -ge $((m0 + 250)) ]" ||
		fail "MemTotal stayed near $m0 MiB: offline blocks $(guest 'grep -l offline /sys/devices/system/memory/memory*/state | tr "\n" " "')"
	note "ok: MemTotal $m0 -> $(memtotal_mb) MiB"
	assert_eq "$(guest 'grep -l offline /sys/devices/system/memory/memory*/state 2>/dev/null | wc -l')" 0 \
		"every hot-added block is online"
}

# shutdown_by_host: `ctl shutdown`; the guest powers off through systemd.
shutdown_by_host() {
	assert_fh "fh shutdown" shutdown
	vm_wait_exit 180 || fail "guest did not power off within 180 s of ctl shutdown (status $?)"
	note "ok: guest powered off after ctl shutdown"
	assert_kernel_clean
	vm_stop
}

step "boot V1 (root on the hvis disk)"
VM_MEM_BYTES=$((2048 * 1024 * 1024)) DISK_APPEND=mem=1G disk_boot "$KVER" "$IMG" "$RUN/initrd" hvis
note "guest booted to its agent in ${VM_BOOT_SECS}s"
step "checks V1"
check_booted "$V1"
check_services
check_hot_add
step "shutdown V1"
shutdown_by_host

step "apt upgrade to V2 (chroot, DKMS build)"
disk_mount "$IMG"
in_disk sh -c 'apt-get install -y /root/debs/v2/hvis-dkms_*.deb /root/debs/v2/hvis-tools_*.deb' \
	>"$RUN/apt-v2.log" 2>&1 || { tail -n 30 "$RUN/apt-v2.log" | sed 's/^/# /'; fail "apt-get install V2 failed"; }
assert_match "$(in_disk dpkg-query -W -f='${Version}' hvis-dkms)" "^$(re "$V2")\$" "hvis-dkms upgraded to V2"
assert_no_match "$(in_disk ls /usr/src)" "^hvis-$(re "$V1")\$" "V1 sources gone from /usr/src"
cp "$DISK_MNT/boot/initrd.img-$KVER" "$RUN/initrd"
disk_umount

step "boot V2 (root on the hvis disk)"
disk_boot "$KVER" "$IMG" "$RUN/initrd" hvis
note "guest booted to its agent in ${VM_BOOT_SECS}s"
step "checks V2"
check_booted "$V2"
check_services

# Removal: with apt in a chroot of the powered-off disk, or, with HVIS_REMOVE_IN_GUEST=1,
# in the running guest (realistic, but update-initramfs under TCG takes many minutes).
if [ -n "${HVIS_REMOVE_IN_GUEST:-}" ]; then
	step "apt remove (in the guest)"
	out=$(guest -t 1800 'apt-get remove -y hvis-dkms hvis-tools 2>&1') ||
		fail "apt-get remove failed: $(tail -n 20 <<<"$out")"
	step "shutdown after removal"
	# The V2 modules stay loaded until this boot ends: the host can still shut it down.
	shutdown_by_host
	disk_mount "$IMG"
else
	step "shutdown V2"
	shutdown_by_host
	step "apt remove (chroot)"
	disk_mount "$IMG"
	in_disk apt-get remove -y hvis-dkms hvis-tools >"$RUN/apt-remove.log" 2>&1 ||
		{ tail -n 30 "$RUN/apt-remove.log" | sed 's/^/# /'; fail "apt-get remove failed"; }
fi
cp "$DISK_MNT/boot/initrd.img-$KVER" "$RUN/initrd"
disk_umount

step "boot without hvis (root on virtio-blk)"
disk_boot "$KVER" "$IMG" "$RUN/initrd" virtio
note "guest booted to its agent in ${VM_BOOT_SECS}s"
step "checks after removal"
assert_eq "$(guest findmnt -n -o SOURCE,FSTYPE /)" "/dev/vda ext4" "root fs (findmnt /): the same image on virtio-blk"
assert_guest "dpkg: hvis-dkms and hvis-tools not installed" \
	'! dpkg-query -W -f="\${Status}\n" hvis-dkms hvis-tools 2>/dev/null | grep -q "ok installed"'
assert_eq "$(guest 'dkms status 2>/dev/null | grep "^hvis/"')" "" "dkms status: no hvis"
assert_guest "no hvis module file left" "! find /lib/modules/$KVER -name 'hvis_*' | grep -q ."
assert_guest "no /usr/src/hvis-*" '! ls -d /usr/src/hvis-* 2>/dev/null'
assert_guest "blacklist gone" '[ ! -e /lib/modprobe.d/hvis.conf ] && ! modprobe -c | grep -q "^blacklist hv_vmbus$"'
assert_guest "initramfs hook gone" '[ ! -e /usr/share/initramfs-tools/hooks/hvis ]'
assert_guest "lsvmbus gone" '! command -v lsvmbus'
assert_guest "no hvis module loaded" '! grep -q "^hvis_" /proc/modules'
out=$(guest "lsinitramfs /boot/initrd.img-$KVER | grep -E '/(hvis_[a-z_]*|hv_vmbus|hv_storvsc)\.ko'")
assert_no_match "$out" '/hvis_' "initramfs holds no hvis module"
assert_match "$out" '/hv_vmbus\.ko' "initramfs holds the in-tree hv_vmbus again"
assert_match "$out" '/hv_storvsc\.ko' "initramfs holds the in-tree hv_storvsc again"
assert_match "$(guest modprobe -n -v hv_vmbus)" "kernel/drivers/hv/hv_vmbus\.ko" "modprobe resolves the in-tree hv_vmbus"
# Not on Hyper-V, hv_vmbus's init answers ENODEV: it is tried, not refused by a blacklist.
out=$(guest 'modprobe hv_vmbus 2>&1; echo rc=$?')
assert_match "$out" 'No such device' "modprobe hv_vmbus runs the in-tree driver (ENODEV off Hyper-V)"
step "shutdown without hvis"
vm_poweroff || true
vm_stop

step_report
