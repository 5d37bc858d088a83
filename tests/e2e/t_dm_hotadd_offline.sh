#!/bin/bash
# kernels: all
# Hot-add into a memory block that is not online.  The guest boots with
# memhp_default_state=offline (Debian's 6.1 leaves hot-added memory offline by
# default; 6.12 onlines it unless told otherwise), so the block the host hot-adds
# half of stays offline; the host then continues into the rest of that block (`dm
# inject hot-add-offline`).  No page of the offline block may reach the page
# allocator: no kernel complaint, MemTotal unchanged, one clear line; the host is
# told the pages were taken.  Onlining the block afterwards brings in every backed
# page (128 MiB).
source "$(dirname "$0")/dm_lib.sh"

DM_MEMHP=offline
dm_vm_start startup=1G policy=fixed target=1G
m0=$(memtotal_mb)

s=$(fh_since)
assert_fh "memory set 1088M" memory set 1088M
line=$(wait_ev DM_HOT_ADD_SENT "$s" 60)
assert_match "$line" "start=0x40000 pages=16384" "host: hot-add of 64 MiB at 1 GiB"
line=$(wait_ev DM_HOT_ADD_DONE "$s" 60)
note "$line"
assert_match "$line" "pages=16384 requested=16384 result=1" "host: the guest took the 64 MiB"
blk=$(guest 'for d in /sys/devices/system/memory/memory*; do [ "$(cat $d/phys_index)" = 00000008 ] && echo ${d##*/}; done')
[ -n "$blk" ] || blk=memory8
note "block at 1 GiB: $blk ($(guest "cat /sys/devices/system/memory/$blk/state"))"
assert_eq "$(guest "cat /sys/devices/system/memory/$blk/state")" offline "guest: the hot-added block stays offline"
assert_eq "$(memtotal_mb)" "$m0" "guest: MemTotal unchanged while the block is offline"

s=$(fh_since)
for _ in $(seq 50); do fh dm inject hot-add-offline >/dev/null 2>&1 && break; sleep 0.2; done
line=$(wait_ev DM_HOT_ADD_SENT "$s" 30)
assert_match "$line" "start=0x44000 pages=16384 .*injected=1" "host: continuation into the same block"
line=$(wait_ev DM_HOT_ADD_DONE "$s" 60)
note "$line"
assert_match "$line" "pages=16384 requested=16384 result=1" "host: the guest took the continuation"
sleep 2
assert_eq "$(memtotal_mb)" "$m0" "guest: MemTotal unchanged (nothing onlined in an offline block)"
assert_eq "$(guest "cat $SYS/hot_added_mb")" 0 "guest: nothing onlined yet"
assert_eq "$(guest "cat $SYS/hot_add_waiting_mb")" 128 "guest: 128 MiB wait for their block"
log=$(guest 'dmesg | grep hvis_balloon')
note "$log"
assert_eq "$(grep -c 'wait for their memory block to come online' <<<"$log")" 1 "guest: one clear line"
assert_no_match "$log" "hvis-dm-1|refused" "guest: no error, nothing refused"
assert_kernel_clean

assert_guest "online $blk" "echo online > /sys/devices/system/memory/$blk/state"
m1=$(memtotal_mb)
note "MemTotal ${m0} -> ${m1} MiB"
assert_ge $((m1 - m0)) 127 "guest: onlining the block brought in 128 MiB"
assert_ge $((m0 + 129)) "$m1" "guest: and no more than the backed 128 MiB"
assert_eq "$(guest "cat $SYS/hot_added_mb")" 128 "guest: hot_added_mb 128"
assert_eq "$(guest "cat $SYS/hot_add_waiting_mb")" 0 "guest: nothing waiting"
# The memory is usable: fill and verify 200 MiB for a few seconds.
assert_guest "hvis-memcheck 200" 'rm -f /tmp/stop; hvis-memcheck 200 /tmp/stop >/tmp/mc.out 2>&1 & p=$!; sleep 10; touch /tmp/stop; wait $p'
assert_match "$(guest 'cat /tmp/mc.out')" "errors=0" "guest: memcheck found no bad word"
assert_kernel_clean
