#!/bin/bash
# kernels: all
# A hot-add whose last memory block cannot be added.  The guest boots with mem=1280M of a
# 2 GiB RAM file; q35 keeps its ACPI tables at the top of low RAM, inside 1920-2048 MiB,
# so add_memory() of that block fails (-EEXIST: the range is already claimed).  The host
# asks for 768 MiB at 1280 MiB in one request.  hvis_balloon adds the blocks out of
# address order (the first, the third onwards, then the second: dm_hot_add.c), falls
# back to single blocks when a 1 GiB call fails, and must end with exactly the blocks
# below the one that failed: 640 MiB, all online, answered as 640 MiB, one clear line
# naming the block; nothing of the failed block in the guest's memory map.  Ballooning
# work afterwards; the host, told of fewer pages than it asked for, hot-adds no more.
source "$(dirname "$0")/dm_lib.sh"

DM_BOOT_MEM=1280M
dm_vm_start startup=1280M policy=fixed target=1280M
m0=$(memtotal_mb)

# phys_index (hex, in blocks) -> state, for the blocks from 1280 MiB up.
blocks() {
	guest 'for d in /sys/devices/system/memory/memory*; do
		i=$((0x$(cat $d/phys_index))); [ $i -ge 10 ] && echo "$i $(cat $d/state)"; done | sort -n' | tr '\n' ' '
}

guest 'dmesg -c >/dev/null'
s=$(fh_since)
assert_fh "memory set 2G" memory set 2G
line=$(wait_ev DM_HOT_ADD_SENT "$s" 60)
assert_match "$line" "start=0x50000 pages=196608" "host: one request, 768 MiB at 1280 MiB"
line=$(wait_ev DM_HOT_ADD_DONE "$s" 120)
dm_settle
note "$line"
assert_match "$line" "pages=163840 requested=196608 result=1" "host: the guest took 640 MiB, the blocks below 1920 MiB"
assert_eq "$(blocks)" "10 online 11 online 12 online 13 online 14 online " \
	"guest: blocks 10-14 (1280-1920 MiB) added and online, none at 1920 MiB"
m1=$(memtotal_mb)
note "MemTotal $m0 -> $m1 MiB"
assert_ge $((m1 - m0)) 638 "MemTotal grew by 640 MiB"
assert_ge $((m0 + 642)) "$m1" "MemTotal grew by no more than 640 MiB"
dm=$(guest 'dmesg')
assert_match "$dm" "hvis-dm-1 error \(hot-add\): add_memory failed: -17 \(pfn 0x78000\)" \
	"guest: one line names the block that failed (1920 MiB) and the error"
assert_eq "$(grep -c 'add_memory failed' <<<"$dm")" 1 "guest: said once"
assert_no_match "$(guest 'cat /proc/iomem')" "^ *7[89a-f][0-9a-f]{6}-[0-9a-f]+ : System RAM" \
	"guest: no System RAM at 1920 MiB in /proc/iomem"
assert_eq "$(kv "$(fh dm status)" hot_added_mb)" 640 "host: hot_added_mb 640"

# Ballooning takes memory back and returns it.
s=$(fh_since)
assert_fh "memory set 1664M (balloon 256 MiB)" memory set 1664M
line=$(wait_ev DM_BALLOON_DONE "$s" 120)
assert_match "$line" "pages=65536 requested=65536" "host: 256 MiB ballooned"
s=$(fh_since)
assert_fh "memory set 1920M (give it back)" memory set 1920M
wait_ev DM_UNBALLOON "$s" 120 >/dev/null
guest_until 30 "[ \$(awk '/^MemTotal/ { print int(\$2 / 1024) }' /proc/meminfo) -ge $((m1 - 2)) ]" ||
	fail "MemTotal did not come back to $m1 MiB: $(memtotal_mb)"
note "ok: MemTotal back to $(memtotal_mb) MiB"

# A success with fewer pages than asked tells the host the guest hit a limit: it stops
# hot-adding (dm_requests.c), so a higher target adds nothing and asks nothing.
s=$(fh_since)
assert_fh "memory set 2G again" memory set 2G
sleep 3
assert_eq "$(fh events "$s" | grep -c DM_HOT_ADD_SENT)" 0 "host: no new hot-add request after the partial answer"
assert_eq "$(kv "$(fh dm status)" assigned_mb)" 1920 "host: assigned_mb stays 1920"
assert_eq "$(blocks)" "10 online 11 online 12 online 13 online 14 online " "guest: the same five blocks"
assert_kernel_clean
