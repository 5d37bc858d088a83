#!/bin/bash
# Dynamic Memory under a live workload, 20 cycles (8 in make check): a guest process fills 300 MiB and
# keeps verifying and rewriting it (hvis-memcheck) while the host grows the guest to
# 1152 MiB (the first cycle hot-adds a 128 MiB block, later ones unballoon) and
# shrinks it to 896 MiB (balloon) 20 times.  Checks: the process is never killed and
# reads back no wrong word; after every shrink MemTotal and assigned_mb (guest and
# host) return to the same figures; kernel memory (slab and the rest, with per-CPU
# free lists counted as free), read when grown, does not grow over cycles 2..20; no
# kernel warning.
source "$(dirname "$0")/dm_lib.sh"

CYCLES=${CYCLES:-$(by_tier 8 20)}
dm_vm_start startup=1G policy=fixed target=1G

assert_guest "start hvis-memcheck 300" 'rm -f /tmp/stop; hvis-memcheck 300 /tmp/stop >/tmp/mc.out 2>&1 & echo $! >/tmp/mc.pid'
guest_until 60 'grep -q "^filled 300" /tmp/mc.out' || fail "memcheck did not fill: $(guest cat /tmp/mc.out)"
note "ok: 300 MiB filled"

mem0= fig0=
for i in $(seq "$CYCLES"); do
	s=$(fh_since)
	fh memory set 1152M >/dev/null || fail "cycle $i: memory set 1152M"
	if [ "$i" = 1 ]; then
		line=$(wait_ev DM_HOT_ADD_DONE "$s" 60)
		dm_settle
		assert_match "$line" "pages=32768 requested=32768 result=1" "cycle 1: 128 MiB hot-added"
	else
		line=$(wait_ev DM_UNBALLOON "$s" 60)
		grep -q "ballooned=0" <<<"$line" || fail "cycle $i: unballoon left pages: $line"
	fi
	# Kernel memory is read with everything given back: a balloon takes the hot-added
	# block whole when it can (offlined and removed, its memmap freed with it) and in
	# 2 MiB chunks when the kernel has put something unmovable in it, so the shrunk
	# state's kernel memory differs by the block's 2 MiB memmap from cycle to cycle.
	[ "$i" = 2 ] && mem0=$(guest_kmem)
	s=$(fh_since)
	fh memory set 896M >/dev/null || fail "cycle $i: memory set 896M"
	line=$(wait_ev DM_BALLOON_DONE "$s" 60)
	grep -q "pages=65536 requested=65536 partial=0" <<<"$line" || fail "cycle $i: balloon: $line"
	guest "kill -0 \$(cat /tmp/mc.pid)" || fail "cycle $i: hvis-memcheck is gone: $(guest 'cat /tmp/mc.out; dmesg | tail -n 20')"
	fig="memtotal=$(memtotal_mb) guest_assigned=$(guest "cat $SYS/assigned_mb") host_assigned=$(dmkv assigned_mb)"
	if [ "$i" = 1 ]; then
		fig0=$fig
		note "cycle 1 at 896M: $fig"
		assert_match "$fig" "guest_assigned=896 host_assigned=896" "assigned 896 MiB on both sides"
	else
		[ "$fig" = "$fig0" ] || fail "cycle $i: figures moved: $fig (cycle 1: $fig0)"
	fi
done
note "ok: $CYCLES cycles, the same figures after each: $fig0"
s=$(fh_since)
fh memory set 1152M >/dev/null || fail "memory set 1152M after the cycles"
line=$(wait_ev DM_UNBALLOON "$s" 60)
grep -q "ballooned=0" <<<"$line" || fail "after the cycles: unballoon left pages: $line"
assert_kmem_flat "$mem0" "$(guest_kmem)" "cycles 2..$CYCLES"

assert_guest "stop hvis-memcheck" 'touch /tmp/stop'
guest_until 60 'grep -q "^passes=" /tmp/mc.out' || fail "memcheck did not finish: $(guest cat /tmp/mc.out)"
out=$(guest cat /tmp/mc.out)
note "$out"
assert_match "$out" "errors=0$" "no corrupted word"
passes=$(grep -oE 'passes=[0-9]+' <<<"$out" | cut -d= -f2)
assert_ge "$passes" 1 "verify passes over 300 MiB while ballooning"
assert_no_match "$(guest dmesg)" "Out of memory|oom-kill|Killed process" "no OOM kill"
assert_kernel_clean
