# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2034
# fullvm.sh: a guest with every device hvis drives, for `make vm` and `make demo`.
# Sourced after tests/qemu/lib.sh and tests/e2e/net_lib.sh.
#
#   fullvm_start KVER   boots the guest against a fake host that offers every device class
#                       it knows of those hvis has a driver for (FULLVM_WANT), with the NIC
#                       on a TAP wire in a network namespace, a SCSI disk, Dynamic Memory
#                       (1 GiB at boot, up to 2 GiB), loads the bus and waits until each
#                       device's driver is bound, brings the NIC up and starts the KVP, VSS
#                       and file-copy daemons.  Sets FULLVM_DEVICES (what is offered) and
#                       FULLVM_DRIVERS (the drivers that bound).
#   FULLVM_SHELL=1      (before the call) the guest's third serial port (ttyS2) is the Unix
#                       socket $FULLVM_SHELL_SOCK, with a root shell on it (make vm)
#
# A class the fake host does not know (the console devices before they exist) is left
# out with a note; nothing else is optional: a driver that does not bind fails the start.

# class:driver pairs, in offer order.
FULLVM_WANT=(heartbeat:hvis_heartbeat shutdown:hvis_shutdown timesync:hvis_timesync
	kvp:hvis_kvp vss:hvis_vss fcopy:hvis_fcopy dm:hvis_balloon nic:hvis_netvsc
	scsi:hvis_storvsc kbd:hvis_kbd mouse:hvis_mouse video:hvis_video)

# The device classes this fake host build knows.
_fullvm_known_classes() {
	"$FAKEHOST" classes | tr "," " "
}

FULLVM_SHELL_SOCK=

fullvm_start() {
	local kver=$1 known pair class drv devices=() drivers=()
	known=" $(_fullvm_known_classes) "
	for pair in "${FULLVM_WANT[@]}"; do
		class=${pair%%:*} drv=${pair#*:}
		if [[ $known != *" $class "* ]]; then
			note "the fake host has no '$class' device yet: left out"
			continue
		fi
		devices+=("$class")
		drivers+=("$drv")
	done
	FULLVM_DEVICES=$(
		IFS=,
		echo "${devices[*]}"
	)
	FULLVM_DRIVERS="${drivers[*]}"

	# Dynamic Memory: the RAM file holds 2 GiB, the guest boots with 1 GiB of it
	# (mem=1G) and the rest is the host's to hot-add.
	VM_MEM_BYTES=$((2048 * 1024 * 1024))
	VM_APPEND="mem=1G memhp_default_state=online ${VM_APPEND:-}"
	VM_QMP=1
	FH_DEVICES=$FULLVM_DEVICES
	export HVIS_GUEST_KMODS="sd_mod ext4 crc32c_generic hid_generic evdev ${HVIS_GUEST_KMODS:-}"
	export HVIS_GUEST_TOOLS="mkfs.ext4 ${HVIS_GUEST_TOOLS:-}"
	net_setup
	FULLVM_DISK=$(mktemp /var/tmp/hvis-vm-disk.XXXXXX)
	HVIS_CLEANUP_CMDS+=("rm -f $FULLVM_DISK")
	truncate -s 256M "$FULLVM_DISK"
	[[ ,$FULLVM_DEVICES, == *,scsi,* ]] && FH_ARGS+=(--disks "0:0:0=$FULLVM_DISK")
	if [ -n "${FULLVM_SHELL:-}" ]; then
		# A third serial port (ttyS2) for the interactive shell: the harness keeps
		# ttyS0 (kernel console, logged) and ttyS1 (its agent).
		FULLVM_SHELL_SOCK=$(mktemp -d /tmp/hvis-shell.XXXXXX)/shell.sock
		HVIS_CLEANUP_CMDS+=("rm -rf ${FULLVM_SHELL_SOCK%/*}")
		set -- -chardev "socket,id=shell,path=$FULLVM_SHELL_SOCK,server=on,wait=off" -serial chardev:shell
	else
		set --
	fi
	vm_start "$kver" "$@"
	if [[ ,$FULLVM_DEVICES, == *,dm,* ]]; then
		assert_fh "dm config" dm config startup=1G policy=fixed target=1G
	fi
	vm_load_vmbus
	for drv in $FULLVM_DRIVERS; do
		wait_driver_bound "$drv" 60 >/dev/null
	done
	note "bound: $FULLVM_DRIVERS"
	if [[ ,$FULLVM_DEVICES, == *,nic,* ]]; then
		net_guest_up >/dev/null
	fi
	guest 'mkdir -p /var/lib/hyperv /usr/libexec/hypervkvpd /tmp/in; hostname hvis-vm'
	[[ ,$FULLVM_DEVICES, == *,kvp,* ]] && guest 'hvis-kvpd -n >/tmp/kvpd.log 2>&1 &'
	[[ ,$FULLVM_DEVICES, == *,vss,* ]] && guest 'hvis-vssd -n >/tmp/vssd.log 2>&1 &'
	[[ ,$FULLVM_DEVICES, == *,fcopy,* ]] && guest 'hvis-fcopyd -n >/tmp/fcopyd.log 2>&1 &'
	if [[ ,$FULLVM_DEVICES, == *,kbd,* ]]; then
		# The console: a root shell on tty1 that the synthetic keyboard types into.
		guest 'sh -c "while :; do setsid -c sh -l <>/dev/tty1 >&0 2>&1; done" </dev/null >/dev/null 2>&1 &'
	fi
	if [ -n "${FULLVM_SHELL:-}" ]; then
		# A login shell on ttyS2 with it as the controlling terminal, again after exit.
		guest 'sh -c "while :; do setsid -c sh -l <>/dev/ttyS2 >&0 2>&1; done" </dev/null >/dev/null 2>&1 &'
	fi
	return 0
}
