#!/bin/bash
# One UNBALLOON_REQUEST that names the same ballooned pages twice (the same range
# twice, or two overlapping ranges, each valid on its own) is refused as a whole:
# one clear line, the host still gets its UNBALLOON_RESPONSE, nothing is returned
# twice (MemTotal and the ballooned counts unchanged, no page-allocator complaint),
# and a later real unballoon returns everything.  A burst of such requests gives a
# bounded number of lines (rate limited).
source "$(dirname "$0")/dm_lib.sh"

dm_vm_start startup=1G policy=fixed target=1G

s=$(fh_since)
assert_fh "memory set 768M" memory set 768M
line=$(wait_ev DM_BALLOON_DONE "$s" 120)
assert_match "$line" "pages=65536 requested=65536" "256 MiB ballooned"
m0=$(memtotal_mb)
b0=$(guest "cat $SYS/ballooned_pages")
assert_eq "$b0" 65536 "guest: 65536 pages ballooned"

for kind in dup-unballoon overlap-unballoon; do
	s=$(fh_since)
	guest 'dmesg -c >/dev/null'
	assert_fh "dm inject $kind" dm inject "$kind"
	line=$(wait_ev DM_UNBALLOON "$s" 30)
	assert_match "$line" "pages=0" "host: $kind answered (UNBALLOON_RESPONSE)"
	log=$(guest 'dmesg | grep hvis_balloon')
	note "$log"
	assert_eq "$(grep -c 'unballoon refused: ranges 0 and 1 name the same pages' <<<"$log")" 1 \
		"guest: one line refusing $kind"
	assert_eq "$(grep -c . <<<"$log")" 1 "guest: no other hvis_balloon line"
	assert_eq "$(memtotal_mb)" "$m0" "guest: MemTotal unchanged after $kind"
	assert_eq "$(guest "cat $SYS/ballooned_pages")" "$b0" "guest: ballooned pages unchanged after $kind"
	assert_eq "$(dmkv ballooned_pages)" 65536 "host: ballooned pages unchanged after $kind"
	assert_eq "$(fh events "$s" | grep -c DM_GUEST_ERROR)" 0 "host: no guest error"
done
assert_kernel_clean

# A burst: 100 refused requests in a few seconds give a bounded number of lines
# (dev_err_ratelimited: at most 10 per 5 s window; a burst of E seconds touches at most
# E/5 + 2 windows).
guest 'dmesg -c >/dev/null'
s=$(fh_since)
t0=$SECONDS
for _ in $(seq 100); do
	for _ in $(seq 50); do fh dm inject dup-unballoon >/dev/null 2>&1 && break; sleep 0.05; done
done
for _ in $(seq 100); do
	[ "$(fh events "$s" | grep -c DM_UNBALLOON)" -ge 100 ] && break
	sleep 0.2
done
secs=$((SECONDS - t0))
assert_eq "$(fh events "$s" | grep -c 'DM_UNBALLOON ')" 100 "host: all 100 refused requests answered"
n=$(guest 'dmesg | grep -c "unballoon refused"')
note "100 refused requests in ${secs}s -> $n guest lines"
assert_ge $((10 * (secs / 5 + 2))) "$n" "guest: at most 10 lines per 5 s window"
assert_ge 50 "$n" "guest: far fewer lines than requests"
assert_eq "$(memtotal_mb)" "$m0" "guest: MemTotal unchanged after the burst"

# A real unballoon still works and returns everything.
s=$(fh_since)
assert_fh "memory set 1G" memory set 1G
line=$(wait_ev DM_UNBALLOON "$s" 60)
assert_match "$line" "pages=65536" "host: real unballoon of 256 MiB"
assert_eq "$(guest "cat $SYS/ballooned_pages")" 0 "guest: nothing ballooned"
assert_ge "$(memtotal_mb)" $((m0 + 255)) "guest: MemTotal back up by 256 MiB"
guest 'cat /proc/meminfo | head -3' | sed 's/^/# /'
assert_kernel_clean
