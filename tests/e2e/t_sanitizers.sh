#!/bin/bash
# Sanitizers (a debug kernel only: KVER=debug-6.12, scripts/debug-kernel.sh): the guest's
# kernel really runs KASAN, lockdep and kmemleak; every hvis class driver binds, all hvis
# modules unload and load again twice, and then kmemleak finds no unreferenced object
# allocated from hvis code (a backtrace through an hvis function, or through an address
# of an unloaded module); the kernel log stays clean (KASAN, UBSAN, KFENCE, lockdep,
# debug-objects and hung-task reports all fail the test).  On a kernel without KASAN it
# skips before booting anything.
source "$(dirname "$0")/storvsc_lib.sh"

config=${HVIS_KROOT:-}/boot/config-$KVER
grep -qx 'CONFIG_KASAN=y' "$config" 2>/dev/null ||
	skip "$KVER is not a debug kernel (no CONFIG_KASAN=y in $config; see make debug-kernel)"

DRIVERS="hvis_heartbeat hvis_shutdown hvis_echo hvis_kvp hvis_timesync hvis_vss hvis_fcopy
	hvis_kbd hvis_mouse hvis_video hvis_balloon hvis_netvsc hvis_storvsc"
FH_DEVICES="heartbeat,shutdown,echo,kvp,timesync,vss,fcopy,kbd,mouse,video,dm,nic,scsi"
export HVIS_GUEST_KMODS="sd_mod" HVIS_GUEST_TOOLS=
IMG=$(disk_image sanitizers.img 16M)
FH_ARGS=(--disks "0:0:0=$IMG")
vm_start "$KVER"

dmesg=$(guest dmesg) || fail "guest dmesg"
assert_match "$dmesg" 'KernelAddressSanitizer initialized' "KASAN is on"
assert_match "$dmesg" 'Lock dependency validator' "lockdep is on"
assert_match "$dmesg" 'Kernel memory leak detector initialized' "kmemleak is on"
assert_guest "kmemleak is not disabled" '[ -w /sys/kernel/debug/kmemleak ]'
# What leaked before hvis loaded is not hvis's: scan once and set it aside.
guest -t 600 'echo scan >/sys/kernel/debug/kmemleak && echo clear >/sys/kernel/debug/kmemleak' ||
	fail "kmemleak: first scan"

bind_all() {
	local d
	vm_load_vmbus
	for d in $DRIVERS; do
		wait_driver_bound "$d" 90
	done
}
bind_all
for i in 1 2; do
	guest_unload_all >/dev/null || fail "round $i: hvis modules would not unload: $(guest cat /proc/modules)"
	bind_all
done
note "ok: every class driver bound 3 times, 2 unloads"

# Objects younger than 5 s are not reported: let the last round's settle first.
sleep 6
guest -t 600 'echo scan >/sys/kernel/debug/kmemleak' || fail "kmemleak: scan"
report=$(guest 'cat /sys/kernel/debug/kmemleak') || fail "kmemleak: reading the report"
total=$(grep -c '^unreferenced object' <<<"$report" || true)
# One block per object: "unreferenced object ..." up to the next one.  A backtrace frame
# printed as a bare address (with or without "[<...>]") in module space, which on x86-64
# starts at 0xffffffffa0000000, is code of a module unloaded since.
hvis=$(awk '/^unreferenced object/ { if (b != "" && h) print b; b = ""; h = 0 }
	{ b = b $0 "\n" }
	/hvis_|^ +(\[<[0-9a-f]+>\] )?0xffffffff[a-f][0-9a-f]+ *$/ { h = 1 }
	END { if (b != "" && h) print b }' <<<"$report")
note "kmemleak: $total unreferenced objects after hvis loaded"
[ -z "$hvis" ] || fail "kmemleak: objects allocated from hvis code leaked:
$(head -n 60 <<<"$hvis")"
note "ok: none allocated from hvis code"
assert_kernel_clean
