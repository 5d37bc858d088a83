#!/bin/bash
# Hot-add under memory pressure, then several GiB in one request, on a stock guest
# (dm_lib's default: no memhp_default_state, the packaged udev rule onlines the blocks
# the kernel leaves offline).  The guest boots with mem=2G of a 6 GiB RAM file, so all
# hot-added memory lies above q35's PCI hole, from 4 GiB (tests/bench/dm_bench.sh).
# 1. A workload (hvis-memcheck) holds 80 % of MemAvailable and keeps verifying it
#    while the host hot-adds 512 MiB: the hot-add completes with every page and
#    MemTotal grows by 512 MiB.  The workload then only holds its memory (stopped).
# 2. One `ctl memory set` asks for 3.5 GiB more: exactly one MEM_HOT_ADD_REQUEST
#    covers it and is answered with every page, MemTotal grows by 3.5 GiB, every
#    hot-added memory block is online, guest and host agree on hot-added and assigned
#    memory, and a second hvis-memcheck over more than was available before it
#    (so it needs the new memory) reads back no wrong word.
# Both workloads end with no bad word and neither is OOM-killed; no kernel warning.
source "$(dirname "$0")/dm_lib.sh"

DM_RAM_BYTES=$((6144 * 1024 * 1024)) DM_BOOT_MEM=2G
dm_vm_start startup=2G policy=fixed target=2G

avail_mb() { guest "awk '/^MemAvailable/ { print int(\$2 / 1024) }' /proc/meminfo"; }
no_oom() { assert_no_match "$(guest dmesg)" "Out of memory|oom-kill|Killed process" "$1"; }
# stop_memcheck [N]: ends workload N (/tmp/stopN, /tmp/mcN.out); prints its last line
# (passes=P errors=E).
stop_memcheck() {
	guest "touch /tmp/stop${1:-}" || fail "touch /tmp/stop${1:-}"
	guest_until 300 "grep -q '^passes=' /tmp/mc${1:-}.out" || fail "memcheck did not finish: $(guest "cat /tmp/mc${1:-}.out")"
	guest "tail -n 1 /tmp/mc${1:-}.out"
}
# grow TO_MB PAGES WHAT: one `memory set`; checks the single request and its answer.
grow() {
	local s line
	s=$(fh_since)
	assert_fh "memory set $1M" memory set "$1M"
	line=$(wait_ev DM_HOT_ADD_DONE "$s" 300)
	dm_settle
	note "$line"
	assert_match "$line" "pages=$2 requested=$2 result=1" "host: $3 hot-added, every page"
	assert_eq "$(fh events "$s" | grep -c DM_HOT_ADD_SENT)" 1 "host: $3 in one request"
	assert_match "$(fh events "$s" | grep DM_HOT_ADD_SENT)" " pages=$2 " "host: the request covers $3"
}

# 1. Under pressure.
m0=$(memtotal_mb)
hold=$(($(avail_mb) * 80 / 100))
note "MemTotal $m0 MiB (hot-added blocks: $(guest 'cat /sys/devices/system/memory/auto_online_blocks') by the kernel's policy); the workload holds $hold MiB"
assert_guest "start hvis-memcheck $hold" "rm -f /tmp/stop; hvis-memcheck $hold /tmp/stop >/tmp/mc.out 2>&1 & echo \$! >/tmp/mc.pid"
guest_until 300 "grep -q '^filled' /tmp/mc.out" || fail "memcheck did not fill: $(guest 'cat /tmp/mc.out; dmesg | tail -n 5')"
grow 2560 131072 "512 MiB under pressure"
m1=$(memtotal_mb)
note "MemTotal $m0 -> $m1 MiB"
assert_ge $((m1 - m0)) 510 "MemTotal grew by 512 MiB"
assert_ge $((m0 + 514)) "$m1" "MemTotal grew by no more than 512 MiB"
guest "kill -0 \$(cat /tmp/mc.pid)" || fail "the workload is gone: $(guest 'cat /tmp/mc.out; dmesg | tail -n 20')"
note "ok: the workload kept running through the hot-add"
no_oom "no OOM kill under pressure"
# It keeps its memory but leaves the CPUs to the second workload.
assert_guest "stop (SIGSTOP) the workload" 'kill -STOP $(cat /tmp/mc.pid)'

# 2. 3.5 GiB in one request.
m1=$(memtotal_mb) a1=$(avail_mb)
grow 6144 917504 "3.5 GiB"
m2=$(memtotal_mb)
note "MemTotal $m1 -> $m2 MiB"
assert_ge $((m2 - m1)) 3582 "MemTotal grew by 3.5 GiB"
assert_ge $((m1 + 3586)) "$m2" "MemTotal grew by no more than 3.5 GiB"
# Every block from 4 GiB up (the 4 GiB hot-added) is there and online.
bs_mb=$(($(guest 'cat /sys/devices/system/memory/block_size_bytes' | sed 's/^/0x/') / 1048576))
blocks=$(guest "for d in /sys/devices/system/memory/memory*; do i=\${d##*memory}; [ \$((i * $bs_mb)) -ge 4096 ] && cat \$d/state; done | sort | uniq -c | tr -s ' \n' '  '")
note "hot-added blocks ($bs_mb MiB each): $blocks"
assert_match "$blocks" "^ ?$((4096 / bs_mb)) online ?$" "all $((4096 / bs_mb)) hot-added blocks online"
assert_eq "$(guest "cat $SYS/hot_added_mb")" 4096 "guest: hot_added_mb"
assert_eq "$(guest "cat $SYS/hot_add_waiting_mb")" 0 "guest: nothing waits for its block"
assert_eq "$(dmkv hot_added_mb)" 4096 "host: hot_added_mb"
assert_eq "$(guest "cat $SYS/assigned_mb")" "$(dmkv assigned_mb)" "guest assigned_mb equals host's"
assert_eq "$(dmkv assigned_mb)" 6144 "host: assigned 6 GiB"
# More than the guest had available before this hot-add: it needs the new memory.
mc=$((a1 + 256))
note "hvis-memcheck over $mc MiB (MemAvailable was $a1 MiB)"
assert_guest "start hvis-memcheck $mc" "rm -f /tmp/stop2; hvis-memcheck $mc /tmp/stop2 >/tmp/mc2.out 2>&1 & echo \$! >/tmp/mc2.pid"
guest_until 300 "grep -q '^filled' /tmp/mc2.out" || fail "memcheck did not fill: $(guest 'cat /tmp/mc2.out; dmesg | tail -n 5')"
out=$(stop_memcheck 2)
note "$out"
assert_match "$out" "^passes=[0-9]+ errors=0$" "the new memory holds its data"
assert_guest "continue the first workload" 'kill -CONT $(cat /tmp/mc.pid)'
out=$(stop_memcheck)
note "$out"
assert_match "$out" "^passes=[1-9][0-9]* errors=0$" "the first workload verified its data throughout, no bad word"
no_oom "no OOM kill"
assert_kernel_clean
