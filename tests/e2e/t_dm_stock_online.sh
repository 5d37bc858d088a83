#!/bin/bash
# Hot-add on a stock guest: no memhp_default_state on the command line and the kernel's
# policy leaves hot-added blocks offline (Debian's 6.1 default; 6.12 is told so with
# memhp_default_state=offline, its own default being online).  systemd-udevd runs with the
# rule the package ships (packaging/udev/80-hvis-memory-online.rules): the host's
# hot-add of 256 MiB reaches MemTotal with no command from the guest's user.  Masked
# the way the rule says (a link to /dev/null in /etc/udev/rules.d), a further hot-add
# stays offline and MemTotal does not move.
source "$(dirname "$0")/dm_lib.sh"

# dm_lib's default set-up: the packaged rule under systemd-udevd (DM_UDEV).
DM_UDEV=1
case $KVER in
6.1.*) DM_MEMHP= ;;
*) DM_MEMHP=offline ;;
esac
dm_vm_start startup=1G policy=fixed target=1G
assert_eq "$(guest 'cat /sys/devices/system/memory/auto_online_blocks')" offline \
	"the kernel's policy: hot-added blocks stay offline"

m0=$(memtotal_mb)
s=$(fh_since)
assert_fh "memory set 1280M" memory set 1280M
line=$(wait_ev DM_HOT_ADD_DONE "$s" 60)
assert_match "$line" "result=1" "host: the guest took the hot-add"
guest_until 60 "[ $GUEST_MEMTOTAL_MB -ge $((m0 + 250)) ]" ||
	fail "MemTotal $(memtotal_mb) MiB, not $m0 + 256: blocks $(guest 'grep -l offline /sys/devices/system/memory/memory*/state | tr "\n" " "')"
note "MemTotal $m0 -> $(memtotal_mb) MiB"
assert_eq "$(guest 'grep -l offline /sys/devices/system/memory/memory*/state 2>/dev/null | wc -l')" 0 \
	"every hot-added block is online"

# The user's opt-out.
assert_guest "mask the rule" "ln -s /dev/null /etc/udev/rules.d/$DM_RULE && udevadm control --reload-rules"
m1=$(memtotal_mb)
s=$(fh_since)
assert_fh "memory set 1536M" memory set 1536M
wait_ev DM_HOT_ADD_DONE "$s" 60 >/dev/null
guest 'udevadm settle -t 30' >/dev/null
sleep 2
assert_ge "$(guest 'grep -l offline /sys/devices/system/memory/memory*/state 2>/dev/null | wc -l')" 1 \
	"masked: the new blocks stay offline"
assert_eq "$(memtotal_mb)" "$m1" "masked: MemTotal unchanged"
assert_kernel_clean
