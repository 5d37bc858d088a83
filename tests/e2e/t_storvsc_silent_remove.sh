#!/bin/bash
# hvis_storvsc removed while the host leaves a command unanswered: the SYNCHRONIZE CACHE
# sd sends on removal loses its completion (`ctl disk bad 0 lost-completion`), as when a
# hostile campaign's garbled RESCIND left the host silent on a controller
# (docs/hostile.md, "a controller whose host goes silent cannot be unloaded").  The
# removal must still end: the command is given up after abort_after like any other and
# the bus reset retries it, instead of its timer being reset for good.
source "$(dirname "$0")/storvsc_lib.sh"

FH_DEVICES="heartbeat,shutdown,scsi"
DISK=$(disk_image silent.img 32M)
FH_ARGS=(--disks "0:0:0=$DISK")
storvsc_vm_start
sd=$(wait_guest_disk 0 0 0)
note "disk: 0:0:0=$sd"
assert_guest "abort_after 6 s, $sd timeout 3 s, a write in its cache" \
	"echo 6 >/sys/module/hvis_storvsc/parameters/abort_after && echo 3 >/sys/block/$sd/device/timeout &&
	head -c 65536 /dev/urandom | dd of=/dev/$sd bs=64k 2>/dev/null"
guest_log_mark
s=$(fh_since)
assert_fh "the next completion is lost" disk bad 0 lost-completion
t0=$SECONDS
out=$(guest -t 120 "rmmod hvis_storvsc && echo removed") ||
	fail "rmmod hvis_storvsc did not return in 120 s with a lost completion: $(guest_log_since | grep -iE 'storvsc|sd ' | tail -n 5)"
assert_match "$out" removed "rmmod hvis_storvsc returned ($((SECONDS - t0)) s)"
fh wait-event STOR_RESET --since "$s" --timeout 5 >/dev/null || fail "the guest sent no bus reset for the lost command"
note "ok: $(guest_log_since | grep -E 'hvis_storvsc.*given up' | head -n 1 | sed -E 's/^\[[ 0-9.]+\] //')"
assert_kernel_clean
