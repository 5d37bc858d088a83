# SPDX-License-Identifier: GPL-2.0-only
# tests/install/lib.sh: a Debian 12 guest on a disk image, for the install tests.  Sourced
# after tests/qemu/lib.sh, whose vm_start/guest/fh it uses.
#
#   disk_create ROOTFS IMG          an ext4 image holding a copy of the root fs directory
#                                   (no partition table; its UUID in $DISK_UUID)
#   disk_mount IMG                  loop-mount it at $DISK_MNT, with /proc, /sys, /dev bound
#                                   and services kept from starting (policy-rc.d)
#   in_disk CMD...                  run CMD in a chroot of the mounted disk
#   disk_umount                     undo disk_mount (also done at exit)
#   disk_boot KVER IMG INITRD BUS   vm_start a guest whose root fs is IMG, kernel
#                                   /boot/vmlinuz-KVER, the disk's own initramfs, root=UUID=;
#                                   BUS hvis: IMG is LUN 0:0:0 of the fake host's synthetic
#                                   SCSI controller (hvis_storvsc drives it); BUS virtio:
#                                   QEMU's virtio-blk (a guest without hvis).  Never both at
#                                   once: each boot is its own QEMU and fake host.
#                                   DISK_APPEND: more kernel command line (crashkernel=).
#   harness_install                 put the test agent (tests/qemu/guest/hvis-agent, as a
#                                   systemd unit on ttyS1), a fstab (root by UUID, so one
#                                   fstab serves both buses) and the fake-host transport's
#                                   initramfs entry into the mounted disk
#   step NAME / step_end            timing of the test's phases, printed as notes

DISK_MNT= DISK_BINDS=() DISK_UUID=
STEP_NAME= STEP_T0= STEP_TIMES=()

step() {
	step_end
	STEP_NAME=$1 STEP_T0=$SECONDS
	note "---- $1"
}

step_end() {
	[ -n "$STEP_NAME" ] || return 0
	STEP_TIMES+=("$(printf '%-40s %4ds' "$STEP_NAME" $((SECONDS - STEP_T0)))")
	note "time: $STEP_NAME $((SECONDS - STEP_T0))s"
	STEP_NAME=
}

step_report() {
	step_end
	local l
	note "phase times:"
	for l in "${STEP_TIMES[@]}"; do note "  $l"; done
}

disk_create() { # rootfs img
	rm -f "$2"
	truncate -s 4G "$2"
	mkfs.ext4 -q -F -L hvis-root -d "$1" "$2" >/dev/null || fail "mkfs.ext4 -d $1 $2 failed"
	DISK_UUID=$(blkid -p -o value -s UUID "$2")
	[ -n "$DISK_UUID" ] || fail "no file system UUID on $2"
}

disk_mount() { # img
	DISK_MNT=$(mktemp -d "${TMPDIR:-/tmp}/hvis-disk.XXXXXX")
	mount -o loop "$1" "$DISK_MNT" || fail "cannot loop-mount $1"
	DISK_BINDS=("$DISK_MNT")
	local m
	for m in proc sys dev dev/pts; do
		mount --bind "/$m" "$DISK_MNT/$m" || fail "cannot bind /$m into the disk"
		DISK_BINDS+=("$DISK_MNT/$m")
	done
	printf '#!/bin/sh\nexit 101\n' >"$DISK_MNT/usr/sbin/policy-rc.d"
	chmod 755 "$DISK_MNT/usr/sbin/policy-rc.d"
}

disk_umount() {
	[ -n "$DISK_MNT" ] || return 0
	rm -f "$DISK_MNT/usr/sbin/policy-rc.d"
	local i
	for ((i = ${#DISK_BINDS[@]} - 1; i >= 0; i--)); do
		umount "${DISK_BINDS[$i]}" 2>/dev/null || umount -l "${DISK_BINDS[$i]}" 2>/dev/null || true
	done
	rmdir "$DISK_MNT" 2>/dev/null || true
	DISK_MNT= DISK_BINDS=()
}

in_disk() {
	chroot "$DISK_MNT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

harness_install() {
	install -D -m 755 "$HVIS_TOP/tests/qemu/guest/hvis-agent" "$DISK_MNT/usr/local/sbin/hvis-agent"
	cat >"$DISK_MNT/etc/systemd/system/hvis-test-agent.service" <<-'EOF'
		[Unit]
		Description=hvis test agent on ttyS1 (install test harness, not part of hvis)
		After=systemd-udev-settle.service local-fs.target
		[Service]
		ExecStart=/usr/local/sbin/hvis-agent
		Restart=always
		[Install]
		WantedBy=multi-user.target
	EOF
	mkdir -p "$DISK_MNT/etc/systemd/system/multi-user.target.wants"
	ln -sf /etc/systemd/system/hvis-test-agent.service \
		"$DISK_MNT/etc/systemd/system/multi-user.target.wants/hvis-test-agent.service"
	echo "UUID=$DISK_UUID / ext4 rw,errors=remount-ro 0 1" >"$DISK_MNT/etc/fstab"
	# The test host's choice, not the package's: the fake-host transport has no modalias,
	# so the initramfs loads it by name (it pulls in hvis_vmbus).
	echo hvis_vmbus_fakehost >>"$DISK_MNT/etc/initramfs-tools/modules"
	echo hvis-guest >"$DISK_MNT/etc/hostname"
	in_disk passwd -d root >/dev/null
}

# The disk is unmounted at exit, before tests/qemu/lib.sh's own exit handler runs.
trap 'rc=$?; disk_umount; (exit $rc); _lib_exit' EXIT

# install_run_dir NAME: the test's scratch directory, build/install/NAME-KVER.XXXXXX, in
# RUN, with IMG=$RUN/disk.img; at exit the disk is unmounted and the directory removed.
install_run_dir() {
	mkdir -p "$HVIS_TOP/build/install"
	RUN=$(mktemp -d "$HVIS_TOP/build/install/$1-$KVER.XXXXXX")
	IMG=$RUN/disk.img
	trap 'rc=$?; disk_umount; rm -rf "$RUN"; (exit $rc); _lib_exit' EXIT
}

# Extended-regex form of a literal string (versions hold '+' and '.').
re() { sed 's/[][\\.*^$+?(){}|/]/\\&/g' <<<"$1"; }

# Boots the disk: Debian's kernel image, the initramfs update-initramfs built in the disk,
# which finds the root fs by UUID.  A Debian boot under TCG takes longer than the harness
# initramfs's 15 s, so the first-boot stall limit (tests/qemu/lib.sh) is raised here.
# DISK_APPEND: more kernel parameters (the install test's mem=, the fake host's stand-in
# for a VM's startup memory below what QEMU gives it).
disk_boot() { # kver img initrd hvis|virtio
	local devices=${FH_DEVICES:-heartbeat,shutdown} drive=() args=("${FH_ARGS[@]}")
	case $4 in
	hvis)
		devices+=,scsi
		FH_ARGS+=(--disks "0:0:0=$2")
		;;
	virtio) drive=(-drive "file=$2,if=virtio,format=raw") ;;
	*) fail "disk_boot: bus '$4' is neither hvis nor virtio" ;;
	esac
	FH_DEVICES=$devices VM_KERNEL=/boot/vmlinuz-$1 VM_INITRD=$3 VM_APPEND="root=UUID=$DISK_UUID rw${DISK_APPEND:+ $DISK_APPEND}" \
		VM_BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-400} VM_FIRST_BOOT_TIMEOUT=${VM_FIRST_BOOT_TIMEOUT:-180} \
		vm_start "$1" "${drive[@]}"
	FH_ARGS=("${args[@]}")
}
