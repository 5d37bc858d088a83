#!/bin/bash
# Dynamic Memory end to end on a guest that boots with 1 GiB of a 2 GiB RAM file:
# protocol handshake (2.0) and capabilities, status reports every second, ballooning
# with real reclaim (the host's RAM file shrinks), unballoon, hot-add in 128 MiB blocks
# (a partly backed request, then one that continues it), the floor on a runtime
# shrink, the same figures in sysfs / `hvis-balloon status` and `ctl dm status`, and
# bad host requests refused with nothing changed.
# kernels: all
source "$(dirname "$0")/dm_lib.sh"

dm_vm_start startup=1G policy=fixed target=1G

gsys() { guest "cat $SYS/$1"; }
blocks_mb() { echo $(($(stat -c '%b * %B' "$VM_RAM") / 1048576)); }

line=$(fh wait-event DM_VERSION_NEGOTIATED --timeout 30) || fail "no DM_VERSION_NEGOTIATED"
assert_match "$line" "version=2.0" "host: protocol 2.0 negotiated"
line=$(fh wait-event DM_CAPABILITIES --timeout 30) || fail "no DM_CAPABILITIES"
assert_match "$line" "balloon=1 hot_add=1 alignment_mb=128" "host: capabilities"
assert_eq "$(gsys protocol_version)" 2.0 "guest: protocol version"
assert_eq "$(gsys state)" ready "guest: state"
r1=$(dmkv status_reports); sleep 4; r2=$(dmkv status_reports)
note "status reports: $r1 -> $r2 in 4 s"
[ $((r2 - r1)) -ge 3 ] && [ $((r2 - r1)) -le 6 ] || fail "status reports not once a second: $r1 -> $r2"
assert_eq "$(gsys startup_mb)" 1024 "guest: startup_mb"

# Touch 420 MiB in the guest, then free it, so the RAM file has blocks to give back.
assert_guest "touch 420 MiB" 'mkdir -p /tmp && dd if=/dev/zero of=/tmp/fill bs=1M count=420 2>&1 && rm /tmp/fill'
b0=$(blocks_mb); m0=$(memtotal_mb)
s=$(fh_since)
assert_fh "memory set 640M" memory set 640M
line=$(wait_ev DM_BALLOON_DONE "$s" 120)
note "$line"
assert_match "$line" "pages=98304 requested=98304 partial=0" "host: 384 MiB ballooned"
b1=$(blocks_mb); m1=$(memtotal_mb)
note "RAM file: ${b0} MiB -> ${b1} MiB allocated; guest MemTotal ${m0} -> ${m1} MiB"
assert_ge $((b0 - b1)) 300 "host RAM file shrank (MiB)"
assert_ge $((m0 - m1)) 380 "guest MemTotal dropped (MiB)"
assert_eq "$(gsys ballooned_mb)" 384 "guest: ballooned_mb"
assert_eq "$(gsys assigned_mb)" "$(dmkv assigned_mb)" "guest assigned_mb equals host's"
out=$(guest hvis-balloon status) || fail "hvis-balloon status failed"
note "$out"
assert_match "$out" "assigned_mb +640" "CLI shows assigned 640 MiB"

# Bad host requests: refused with a log line, nothing changes.
guest 'dmesg -c >/dev/null'
for k in unballoon-unknown balloon-huge hot-add-outside hot-add-boot bad-size; do
	s=$(fh_since)
	assert_fh "dm inject $k" dm inject "$k"
	sleep 1
	log=$(guest 'dmesg -c | grep hvis_balloon')
	note "$k -> $log"
	assert_match "$log" "refused" "$k refused in the guest"
	assert_eq "$(gsys ballooned_mb)" 384 "$k: ballooned unchanged"
	assert_eq "$(gsys hot_added_mb)" 0 "$k: hot_added unchanged"
done

s=$(fh_since)
assert_fh "memory set 1G" memory set 1G
line=$(wait_ev DM_UNBALLOON "$s" 60)
assert_match "$line" "ballooned=0" "host: all unballooned"
guest_until 10 "[ \$(cat $SYS/ballooned_mb) = 0 ]" || fail "guest ballooned_mb not 0"
note "guest MemTotal $(memtotal_mb) MiB after unballoon"

# Hot-add 512 MiB: four whole blocks.
m0=$(memtotal_mb); s=$(fh_since)
assert_fh "memory set 1536M" memory set 1536M
line=$(wait_ev DM_HOT_ADD_DONE "$s" 120)
dm_settle
note "$line"
assert_match "$line" "pages=131072 requested=131072 result=1" "host: 512 MiB hot-added"
m1=$(memtotal_mb)
note "guest MemTotal ${m0} -> ${m1} MiB"
assert_ge $((m1 - m0)) 510 "guest MemTotal grew by 512 MiB"
assert_eq "$(gsys hot_added_mb)" 512 "guest: hot_added_mb"

# Partly backed: 64 MiB more = half a block; then the rest continues it.
s=$(fh_since)
assert_fh "memory set 1600M" memory set 1600M
line=$(wait_ev DM_HOT_ADD_DONE "$s" 120)
dm_settle
assert_match "$line" "pages=16384 requested=16384 result=1" "host: 64 MiB (half a block) hot-added"
assert_eq "$(gsys hot_added_mb)" 576 "guest: 576 MiB hot-added"
m2=$(memtotal_mb)
assert_ge $((m2 - m1)) 63 "guest MemTotal grew by 64 MiB only"
[ $((m2 - m1)) -le 65 ] || fail "unbacked half block went online: $m1 -> $m2"
s=$(fh_since)
assert_fh "memory set 1664M" memory set 1664M
line=$(wait_ev DM_HOT_ADD_DONE "$s" 120)
dm_settle
assert_match "$line" "pages=16384 requested=16384 result=1" "host: the continuation"
m3=$(memtotal_mb)
assert_ge $((m3 - m2)) 63 "guest MemTotal grew by the other 64 MiB"
assert_eq "$(gsys hot_added_mb)" 640 "guest: 640 MiB hot-added"
assert_eq "$(gsys assigned_mb)" "$(dmkv assigned_mb)" "guest assigned_mb equals host's"

# The floor: a shrink far below demand is met only down to the floor.
floor=$(gsys floor_mb)
note "floor ${floor} MiB"
s=$(fh_since)
assert_fh "memory set 128M" memory set 128M
end=$((SECONDS + 180))
until line=$(fh events "$s" | grep -m1 "DM_BALLOON_DONE.*partial=1"); do
	[ $SECONDS -lt $end ] || fail "no partly met balloon within 180 s"
	sleep 1
done
note "$line"
note "ok: host: the balloon was partly met"
assert_match "$(guest 'dmesg | grep hvis_balloon | tail -n 3')" "partly met: .* floor" "guest logged the floor"
avail=$(guest "awk '/^MemAvailable/ { print int(\$2 / 1024) }' /proc/meminfo")
note "guest MemAvailable ${avail} MiB with floor ${floor} MiB"
assert_ge "$avail" $((floor - 8)) "guest keeps at least the floor available"
assert_eq "$(gsys assigned_mb)" "$(dmkv assigned_mb)" "guest assigned_mb equals host's after the floor"
assert_fh "memory set 1664M" memory set 1664M
guest_until 60 "[ \$(cat $SYS/ballooned_mb) = 0 ]" || fail "floor balloon not returned"
assert_kernel_clean
