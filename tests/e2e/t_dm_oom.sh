#!/bin/bash
# The floor under pressure: a process holds 70 % of the guest's available memory and
# keeps rewriting it while the host asks to shrink the guest from 1 GiB to 256 MiB
# for 20 s (it retries every 5 s).  The guest gives only what it can above its floor,
# says so (partly met, in its log and in the page counts the host receives), keeps
# at least the floor available, and no process is OOM-killed; the workload's data
# stays intact.  Then the host gives everything back.
source "$(dirname "$0")/dm_lib.sh"

dm_vm_start startup=1G policy=fixed target=1G

avail_mb() { guest "awk '/^MemAvailable/ { print int(\$2 / 1024) }' /proc/meminfo"; }

floor=$(guest "cat $SYS/floor_mb")
hold=$(($(avail_mb) * 70 / 100))
note "floor ${floor} MiB; the workload holds ${hold} MiB"
assert_guest "start hvis-memcheck" "rm -f /tmp/stop; hvis-memcheck $hold /tmp/stop >/tmp/mc.out 2>&1 & echo \$! >/tmp/mc.pid"
guest_until 60 "grep -q '^filled' /tmp/mc.out" || fail "memcheck did not fill: $(guest cat /tmp/mc.out)"

s=$(fh_since)
assert_fh "memory set 256M" memory set 256M
sleep 20
ev=$(fh events "$s" | grep DM_BALLOON_DONE)
note "$ev"
[ -n "$ev" ] || fail "no balloon answered"
assert_match "$ev" "partial=1" "host: the balloon was partly met"
guest "kill -0 \$(cat /tmp/mc.pid)" || fail "the workload is gone: $(guest 'cat /tmp/mc.out; dmesg | tail -n 20')"
note "ok: the workload is still running"
log=$(guest 'dmesg')
assert_no_match "$log" "Out of memory|oom-kill|Killed process" "no OOM kill"
assert_match "$(grep hvis_balloon <<<"$log")" "partly met: .* floor" "guest said how much it gave"
bp=$(guest "cat $SYS/ballooned_pages")
assert_eq "$(dmkv ballooned_pages)" "$bp" "host received exactly the pages the guest gave"
assert_ge "$bp" 1 "guest gave something"
a=$(avail_mb)
note "guest MemAvailable ${a} MiB, floor ${floor} MiB, ballooned $((bp / 256)) MiB"
# MemAvailable moves after the balloon (page cache, kernel allocations); it must stay
# near the floor, where a request of 768 MiB met in full would leave nothing.
assert_ge "$a" $((floor * 3 / 4)) "guest keeps about the floor available"

assert_fh "memory set 1G" memory set 1G
guest_until 60 "[ \$(cat $SYS/ballooned_mb) = 0 ]" || fail "balloon not returned"
assert_guest "stop hvis-memcheck" 'touch /tmp/stop'
guest_until 60 'grep -q "^passes=" /tmp/mc.out' || fail "memcheck did not finish"
out=$(guest cat /tmp/mc.out)
note "$out"
assert_match "$out" "errors=0$" "the workload's data is intact"
assert_kernel_clean
