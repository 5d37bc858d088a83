#!/bin/bash
# Reload: unload every hvis module and load the bus driver again, 20 times.  Each time
# the modules leave cleanly (refcounts drop to zero, the bus disappears), the same
# devices re-enumerate and the class drivers bind again; kernel memory (slab and
# pages, measured after dropping caches) does not creep up and the kernel never warns.
source "$(dirname "$0")/../qemu/lib.sh"

ROUNDS=${ROUNDS:-20}
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_heartbeat
wait_driver_bound hvis_shutdown
before=$(guest 'echo $(ls /sys/bus/vmbus/devices)')
# Kernel memory after dropping caches, in kB: "<slab> <other>", where other is what
# neither user processes' caches nor slab explain (pages the kernel allocated directly,
# such as ring buffers, plus process memory, which stays level between rounds).  Pages
# freed to the per-CPU lists (zoneinfo "count") are free but not in MemFree: freed rings
# land there first, so they count as free here.
kmem() {
	guest 'sync; echo 3 > /proc/sys/vm/drop_caches; pcp=$(awk "/^ +count:/ { s += \$2 } END { print s * 4 }" /proc/zoneinfo); awk -v pcp=$pcp "
		/^MemTotal:/ { t = \$2 } /^MemFree:/ { f = \$2 } /^Buffers:/ { b = \$2 }
		/^Cached:/ { c = \$2 } /^Slab:/ { s = \$2 }
		END { print s, t - f - pcp - b - c - s }" /proc/meminfo'
}
mem0=

for i in $(seq "$ROUNDS"); do
	guest_unload_all >/dev/null || fail "round $i: hvis modules would not unload: $(guest cat /proc/modules)"
	guest '[ ! -e /sys/bus/vmbus ]' || fail "round $i: /sys/bus/vmbus still there after unload"
	guest modprobe hvis_vmbus || fail "round $i: modprobe hvis_vmbus"
	guest_until 30 "[ \"\$(echo \$(ls /sys/bus/vmbus/devices))\" = \"$before\" ]" ||
		fail "round $i: devices did not re-enumerate: $(guest ls /sys/bus/vmbus/devices)"
	guest_until 30 'ls -d /sys/bus/vmbus/drivers/hvis_heartbeat/*-* /sys/bus/vmbus/drivers/hvis_shutdown/*-*' ||
		fail "round $i: class drivers did not bind again"
	# Settle once, then measure from round 2 on.
	[ "$i" = 2 ] && mem0=$(kmem)
done
note "ok: $ROUNDS unload/load rounds"
mem1=$(kmem)
read -r slab0 other0 <<<"$mem0"
read -r slab1 other1 <<<"$mem1"
note "after round 2: slab ${slab0} kB, other kernel ${other0} kB;" \
	"after round $ROUNDS: slab ${slab1} kB, other kernel ${other1} kB"
# 18 rounds: 512 kB is 28 kB a round, about 7 leaked pages each time.
[ $((slab1 - slab0)) -lt 512 ] || fail "slab grew by $((slab1 - slab0)) kB over $((ROUNDS - 2)) rounds"
[ $((other1 - other0)) -lt 512 ] || fail "kernel memory grew by $((other1 - other0)) kB over $((ROUNDS - 2)) rounds"
note "ok: no growth in slab or other kernel memory beyond 512 kB"
assert_ge "$(fh_event_count VERSION_NEGOTIATED)" $((ROUNDS + 1)) "host saw one negotiation per load"
assert_kernel_clean
