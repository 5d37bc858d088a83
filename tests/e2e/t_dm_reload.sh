#!/bin/bash
# The host remembers what it hot-added when the DM channel closes: the guest hot-adds
# 128 MiB, the driver is reloaded (the memory stays in the guest), and the next grow
# continues after the hot-added block instead of offering the same range again; the
# guest accepts it and both sides agree on the assigned memory.
source "$(dirname "$0")/dm_lib.sh"

dm_vm_start startup=1G policy=fixed target=1G


s=$(fh_since)
assert_fh "memory set 1152M" memory set 1152M
line=$(wait_ev DM_HOT_ADD_SENT "$s" 60)
assert_match "$line" "start=0x40000 pages=32768" "host: first hot-add at 1 GiB"
line=$(wait_ev DM_HOT_ADD_DONE "$s" 60)
assert_match "$line" "pages=32768 requested=32768 result=1" "host: 128 MiB hot-added"
dm_settle
m0=$(memtotal_mb)

s=$(fh_since)
assert_guest "reload hvis_balloon" 'rmmod hvis_balloon && modprobe hvis_balloon'
wait_driver_bound hvis_balloon
line=$(wait_ev DM_CLOSED "$s" 30)
assert_match "$line" "hot_added=32768" "host: channel closed with 128 MiB hot-added"
wait_ev DM_CAPABILITIES "$s" 30 >/dev/null
assert_eq "$(memtotal_mb)" "$m0" "guest MemTotal kept over the reload"
assert_eq "$(kv "$(fh dm status)" hot_added_mb)" 128 "host still counts 128 MiB hot-added"
assert_eq "$(guest "cat $SYS/startup_mb")" 1152 "guest: startup_mb now includes the block"

s=$(fh_since)
assert_fh "memory set 1280M" memory set 1280M
line=$(wait_ev DM_HOT_ADD_SENT "$s" 60)
note "$line"
assert_match "$line" "start=0x48000 pages=32768" "host: continues at 1152 MiB, not the same range"
line=$(wait_ev DM_HOT_ADD_DONE "$s" 60)
assert_match "$line" "pages=32768 requested=32768 result=1" "guest accepted the new 128 MiB"
dm_settle
m1=$(memtotal_mb)
note "guest MemTotal ${m0} -> ${m1} MiB"
assert_ge $((m1 - m0)) 127 "guest MemTotal grew by 128 MiB"
assert_eq "$(guest "cat $SYS/assigned_mb")" 1280 "guest assigned_mb"
assert_eq "$(dmkv assigned_mb)" 1280 "host assigned_mb"
assert_no_match "$(guest 'dmesg | grep hvis_balloon')" "refused|hvis-dm-1" "guest refused nothing"
assert_eq "$(fh events "$s" | grep -c DM_GUEST_ERROR)" 0 "host: no guest error"
assert_kernel_clean
