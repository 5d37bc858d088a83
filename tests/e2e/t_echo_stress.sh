#!/bin/bash
# Echo stress: one million packets from the guest to the host's echo device and one
# million echoed back; none lost, none corrupted.  Then a host that echoes but never
# publishes its read index (`ctl echo-freeze`): the run gives up, and unbinding the device
# ends a waiting run.
source "$(dirname "$0")/../qemu/lib.sh"

PACKETS=${PACKETS:-1000000}
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_echo
relid=$(guest_relid_of hvis_echo) || fail "no echo device"
dbg=/sys/kernel/debug/hvis_echo/$relid

t0=$(date +%s%N)
guest -t 900 "echo $PACKETS > $dbg/run" || fail "echo run failed"
secs=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
res=$(guest cat "$dbg/result")
note "guest: $res ($secs s)"
assert_eq "$(kv "$res" sent)" "$PACKETS" "packets the guest sent"
assert_eq "$(kv "$res" received)" "$PACKETS" "packets the guest received back"
assert_eq "$(kv "$res" errors)" 0 "errors"
host=$(fh echo-stats "$relid")
note "host: $host"
assert_ge "$(kv "$host" received)" "$PACKETS" "packets the host received"
assert_ge "$(kv "$host" sent)" "$PACKETS" "packets the host echoed"

# ---- a host that reads and echoes but never hands the ring's space back ----
# The guest's ring stays full with every echo back.  In stop 33's bus campaign a run
# looped on that for good, and `rmmod` of the modules waited for it (hung task).  The
# run must give up after ECHO_STALL_SECS (10) and the device's removal must end a
# waiting run.
assert_fh "the host freezes the echo channel's read index" echo-freeze "$relid" on
guest "dmesg -c >/dev/null; (echo 100000 >$dbg/run; echo rc=\$? >/tmp/frozen.rc) >/dev/null 2>&1 &"
guest_until 40 '[ -s /tmp/frozen.rc ]' ||
	fail "the run still loops 40 s after the host froze its read index: $(guest cat "$dbg/result")"
res=$(guest cat "$dbg/result")
note "frozen ring: $(guest cat /tmp/frozen.rc), $res"
assert_ge "$(kv "$res" sent)" 100 "packets written before the ring filled"
assert_eq "$(kv "$res" received)" "$(kv "$res" sent)" "every packet written was echoed (a full ring, all echoes back)"
assert_match "$(guest 'dmesg | grep "echo run stopped"')" "stopped after [0-9]+ packets: -110" \
	"the run gave up with ETIMEDOUT, in the log"
# The device's removal (what rmmod of the bus does to each device) with a run waiting:
# unbound through sysfs, since the open debugfs file holds the module itself.
drv=/sys/bus/vmbus/drivers/hvis_echo
dev=$(guest "basename \$(ls -d $drv/*-* | head -n 1)")
guest "(echo 100000 >$dbg/run; echo rc=\$? >/tmp/frozen2.rc) >/dev/null 2>&1 &"
sleep 2
guest -t 30 "echo $dev >$drv/unbind" ||
	fail "unbinding the echo device does not return while a run waits on the frozen ring"
note "ok: unbinding the echo device ended the waiting run ($(guest cat /tmp/frozen2.rc))"
assert_guest "the run's write failed" "grep -qv rc=0 /tmp/frozen2.rc"
assert_fh "the host hands the space back" echo-freeze "$relid" off
assert_guest "the echo device bound again" "echo $dev >$drv/bind"
wait_driver_bound hvis_echo
relid=$(guest_relid_of hvis_echo) || fail "no echo device after the reload"
dbg=/sys/kernel/debug/hvis_echo/$relid
assert_guest "1000 echoes after the thaw" "echo 1000 >$dbg/run"
assert_eq "$(kv "$(guest cat "$dbg/result")" received)" 1000 "echoes received after the thaw"
assert_kernel_clean
