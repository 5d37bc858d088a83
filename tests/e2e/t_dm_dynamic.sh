#!/bin/bash
# The fake host's pressure-driven policy (min 512 MiB, max 1152 MiB, buffer 20 %) on a
# guest that boots with 1 GiB: idle, the host shrinks it to the minimum by ballooning;
# a workload that grows to 800 MiB raises the guest's committed memory, and the host
# follows it up (unballoon, then hot-add) to the maximum (less its 2 % dead band) and
# no further, with no OOM kill; when the workload exits the host shrinks the guest to
# the minimum again.
source "$(dirname "$0")/dm_lib.sh"

dm_vm_start startup=1G policy=dynamic min=512M max=1152M buffer=20

# wait_assigned LO HI SECS: the host's assigned_mb settles in [LO, HI].
wait_assigned() {
	local end=$((SECONDS + $3)) a st
	while :; do
		st=$(fh dm status)
		a=$(kv "$st" assigned_mb)
		[ "$a" -ge "$1" ] && [ "$a" -le "$2" ] && grep -q 'pending=none' <<<"$st" && break
		[ $SECONDS -lt $end ] || fail "assigned_mb not in [$1, $2] within $3 s: $(fh dm status)"
		sleep 1
	done
	sleep 3
	a=$(dmkv assigned_mb)
	[ "$a" -ge "$1" ] && [ "$a" -le "$2" ] || fail "assigned_mb left [$1, $2]: $(fh dm status)"
	note "ok: host assigned ${a} MiB, in [$1, $2]"
	assert_eq "$(guest "cat $SYS/assigned_mb")" "$a" "guest assigned_mb equals host's"
}

fh wait-event DM_STATUS --timeout 30 >/dev/null || fail "no status report"
note "idle: $(fh dm status | grep -oE 'committed_mb=[0-9]+')"
wait_assigned 512 520 60
note "$(fh dm status)"
assert_ge "$(guest "cat $SYS/ballooned_mb")" 500 "idle guest ballooned down to the minimum"

assert_guest "start an 800 MiB workload" 'rm -f /tmp/stop; hvis-memcheck 800 /tmp/stop 80 >/tmp/mc.out 2>&1 & echo $! >/tmp/mc.pid'
guest_until 80 'grep -q "^filled" /tmp/mc.out' || fail "workload did not fill: $(guest 'cat /tmp/mc.out; dmesg | tail')"
# Up to the maximum, less the policy's dead band (2 %, 23 MiB), and never above it.
wait_assigned 1129 1152 60
dm_settle
note "$(fh dm status)"
ha=$(dmkv hot_added_mb)
assert_ge "$ha" 105 "host hot-added memory to approach the maximum"
assert_eq "$(guest "cat $SYS/hot_added_mb")" "$ha" "guest hot-added the same"
assert_eq "$(dmkv ballooned_mb)" 0 "nothing left ballooned under pressure"
guest "kill -0 \$(cat /tmp/mc.pid)" || fail "the workload is gone"
assert_no_match "$(guest dmesg)" "Out of memory|oom-kill|Killed process" "no OOM kill"

assert_guest "stop the workload" 'touch /tmp/stop'
guest_until 60 'grep -q "^passes=" /tmp/mc.out' || fail "workload did not finish"
assert_match "$(guest cat /tmp/mc.out)" "errors=0$" "workload data intact"
wait_assigned 512 520 60
note "$(fh dm status)"
assert_kernel_clean
