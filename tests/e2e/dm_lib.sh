#!/bin/bash
# dm_lib.sh: what the Dynamic Memory tests share.  The guest boots with 1 GiB of a 2 GiB
# RAM file (the rest is there to be hot-added) and loads hvis_balloon only once the
# host's DM policy is set (hvis.noautoload); helpers read both sides' figures.
#
# By default the guest is set up as an installed one: no memhp_default_state on the
# command line (the kernel's own policy: Debian's 6.1 leaves hot-added blocks offline,
# 6.12 onlines them) and systemd-udevd running with the rule the package ships, which
# onlines what the kernel leaves offline.  After a hot-add, dm_settle waits for udev.
source "$(dirname "$0")/../qemu/lib.sh"

SYS='/sys/bus/vmbus/drivers/hvis_balloon/*-*/dynamic_memory'
DM_RULE=80-hvis-memory-online.rules

# DM_UDEV=1 (the default when DM_MEMHP is unset) puts Debian's udevd into the guest's
# image; dm_start_udev then runs it with the packaged rule.
dm_want_udev() { [ "${DM_UDEV:-$([ -z "${DM_MEMHP:-}" ] && echo 1)}" = 1 ]; }

# dm_start_udev: installs the packaged rule where the package puts it
# (/lib/udev/rules.d) and starts systemd-udevd, as on an installed guest.
dm_start_udev() {
	guest "mkdir -p /lib/udev/rules.d /etc/udev/rules.d && echo $(base64 -w0 "$HVIS_TOP/packaging/udev/$DM_RULE") | base64 -d >/lib/udev/rules.d/$DM_RULE" ||
		fail "could not install $DM_RULE in the guest"
	assert_guest "systemd-udevd running with $DM_RULE" '/lib/systemd/systemd-udevd --daemon --resolve-names=never'
}

# dm_settle: once the host saw a hot-add done, waits until udev has handled the new
# memory blocks' events (the rule onlines them); nothing to wait for without udevd.
dm_settle() {
	dm_want_udev || return 0
	guest 'udevadm settle -t 60' >/dev/null || fail "udev did not settle: $(guest 'grep -l offline /sys/devices/system/memory/memory*/state | tr "\n" " "')"
}

# dm_vm_start DM-CONFIG-ARGS...: boots the guest, configures the host's DM with
# `ctl dm config ARGS`, loads hvis_balloon and waits for its capabilities report.
# DM_MEMHP (default unset: the kernel's own default) is the kernel's memhp_default_state
# (online or offline).  DM_UDEV: see dm_want_udev.  DM_MODARGS are hvis_balloon's module
# parameters.  DM_RAM_BYTES (default 2 GiB: the RAM file) and DM_BOOT_MEM (default 1G:
# the command line's mem=) size the guest.
dm_vm_start() {
	VM_MEM_BYTES=${DM_RAM_BYTES:-$((2048 * 1024 * 1024))}
	VM_APPEND="mem=${DM_BOOT_MEM:-1G} hvis.noautoload"
	[ -z "${DM_MEMHP:-}" ] || VM_APPEND+=" memhp_default_state=$DM_MEMHP"
	if dm_want_udev; then
		case " ${HVIS_GUEST_TOOLS:-} " in
		*" udev "*) ;;
		*) export HVIS_GUEST_TOOLS="${HVIS_GUEST_TOOLS:+$HVIS_GUEST_TOOLS }udev" ;;
		esac
	fi
	FH_DEVICES=heartbeat,shutdown,dm
	vm_start "$KVER"
	if dm_want_udev; then dm_start_udev; fi
	assert_fh "dm config" dm config "$@"
	vm_load_vmbus
	assert_guest "modprobe hvis_balloon" modprobe hvis_balloon ${DM_MODARGS:-}
	wait_driver_bound hvis_balloon
	fh wait-event DM_CAPABILITIES --timeout 30 >/dev/null || fail "no DM_CAPABILITIES"
}

dmkv() { kv "$(fh dm status)" "$1"; }
# The newest host event's sequence number.
wait_ev() { # NAME SINCE SECS -> the event line
	fh wait-event "$1" --since "$2" --timeout "${3:-60}" || fail "no $1 after seq $2"
}
