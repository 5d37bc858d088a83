#!/bin/bash
# dm_bench.sh [KVER]: Dynamic Memory speed (a benchmark, not a test).
#
# ROUNDS (default 3) rounds, each in a fresh guest (TCG, booted with mem=2G from a 7 GiB
# RAM file the fake host serves, so hot-added memory starts at 4 GiB, above q35's PCI
# hole) with three memory devices: hvis Dynamic Memory, a virtio-mem device (5 GiB) and a
# virtio-balloon.  Each round times, from the host's request to the guest's MemTotal
# showing the change (polled in the guest every 5 ms, told on a serial port):
#   - DM hot-add of 1 GiB, then of 4 GiB more     vs  virtio-mem plug of 1 GiB, then 4 GiB;
#   - DM balloon of 512 MiB                        vs  virtio-mem unplug and virtio-balloon
#                                                      inflate of 512 MiB.
# It prints each round, then the median of each row and the ratios the issue tracker
# asks about (virtio time / DM time: above 1 means DM is faster).  The fake host's own
# figure for the last round (request sent to response received, ms= in its event log)
# is printed next to the DM rows.  Without virtio_mem/virtio_balloon modules for KVER
# only the DM rows are printed.  (Below 2 GiB the top of q35's low RAM holds the ACPI
# tables: a hot-add into 1920-2048 MiB fails with add_memory -EEXIST.)
#
# Both devices' memory is backed alike: shared shmem with 4 KiB host pages (the RAM file
# the fake host maps; a shared memfd for virtio-mem).  With QEMU's default private RAM
# backend, virtio-mem's memory got transparent huge pages on this host (THP "madvise";
# shmem "never") and DM's did not, and the memory core's memmap allocations, which
# land in the memory hot-added just before, took 2-3x longer on DM's side for that
# reason alone (function_graph of add_pages in the guest: 10-24 ms per 128 MiB block
# against 5 ms).
source "$(dirname "$0")/../qemu/lib.sh"

ROUNDS=${ROUNDS:-3}
VM_MEM_BYTES=$((7168 * 1024 * 1024))
VM_APPEND="mem=2G memhp_default_state=online hvis.noautoload"
FH_DEVICES=heartbeat,shutdown,dm
export VM_QMP=1

virtio=
if modinfo -k "$KVER" virtio_mem >/dev/null 2>&1 && modinfo -k "$KVER" virtio_balloon >/dev/null 2>&1; then
	virtio=1
	export HVIS_GUEST_KMODS="virtio_pci virtio_mem virtio_balloon"
fi
qargs=()
[ -n "$virtio" ] && qargs+=(-m "$((VM_MEM_BYTES >> 20))M,slots=2,maxmem=16G"
	-object memory-backend-memfd,id=vmem0,size=5G,share=on
	-device virtio-mem-pci,id=vmem,memdev=vmem0,block-size=2M,requested-size=0
	-device virtio-balloon-pci,id=vballoon)

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# The guest says "changed" on a serial port of its own (ttyS2; ttyS0 is the console,
# ttyS1 the agent) that the bench reads with a blocking read: the moment the guest saw
# MemTotal change reaches the host at once, where the agent's round trip (about 200 ms
# under TCG, longer than a 1 GiB hot-add takes in the guest) would hide it.
MARK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hvis-dmbench.XXXXXX")
HVIS_CLEANUP+=("$MARK_DIR")
qargs+=(-chardev "socket,id=mark,path=$MARK_DIR/mark.sock,server=on,wait=off" -serial chardev:mark)
# arm OP MB: starts a poll in the guest that writes a line to ttyS2 once MemTotal OP MB
# (-ge / -le).  MemTotal is /proc/meminfo's first line: the shell's own read takes it
# every 5 ms without starting a program.  Returns once the poll runs.
arm() {
	guest "(while read -r _ kb _ </proc/meminfo; ! [ \$((kb / 1024)) $1 $2 ]; do sleep 0.005; done
		echo changed >/dev/ttyS2) </dev/null >/dev/null 2>&1 &" >/dev/null || fail "cannot start the guest's MemTotal poll"
}
# changed: waits for the armed poll's line.
changed() {
	local line
	read -r -t 300 -u "$MARK" line || fail "MemTotal never reached what the bench armed for"
	[[ $line == changed* ]] || fail "unexpected line on the mark port: $line"
}
mark_connect() {
	local i
	for i in $(seq 50); do [ -S "$MARK_DIR/mark.sock" ] && break; sleep 0.1; done
	exec {MARK}< <(socat -u "UNIX-CONNECT:$MARK_DIR/mark.sock" STDOUT)
	assert_guest "the mark port (ttyS2) is there" 'stty -F /dev/ttyS2 raw -echo'
}
# Each row's times, one word per round: ROW[name]="t1 t2 ...".
declare -A ROW HOST
NAMES=()
record() { # name ms [host figure]
	[ -n "${ROW[$1]+x}" ] || NAMES+=("$1")
	ROW[$1]="${ROW[$1]:-} $2"
	[ -n "${3:-}" ] && HOST[$1]=$3
	note "round $round: $1: $2 ms"
}
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
# virtio_size BYTES: sets the virtio-mem device's requested size.
virtio_size() {
	qmp "{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"/machine/peripheral/vmem\", \"property\": \"requested-size\", \"value\": $1}}" >/dev/null ||
		fail "qom-set requested-size $1"
}
# dm_grow TO_MB NAME: asks the host for TO_MB and times it until MemTotal grew by what it added.
dm_grow() {
	local m s t0 t ev
	m=$(memtotal_mb) s=$(fh_since)
	arm -ge $((m + $3 - 4))
	t0=$(now_ms)
	fh memory set "$1M" >/dev/null || fail "memory set $1M"
	changed
	t=$(($(now_ms) - t0))
	ev=$(fh wait-event DM_HOT_ADD_DONE --since "$s" --timeout 60) || fail "no DM_HOT_ADD_DONE"
	record "$2" "$t" "host: $(grep -oE 'pages=[0-9]+ requested=[0-9]+ result=[0-9]+ ms=[0-9]+' <<<"$ev")"
}

one_round() {
	local m s t0 ev
	vm_start "$KVER" "${qargs[@]}"
	mark_connect
	assert_fh "dm config" dm config startup=2048M policy=fixed target=2048M
	vm_load_vmbus
	assert_guest "modprobe hvis_balloon" modprobe hvis_balloon
	wait_driver_bound hvis_balloon >/dev/null
	fh wait-event DM_CAPABILITIES --timeout 30 >/dev/null || fail "no DM_CAPABILITIES"

	dm_grow 3072 "DM hot-add 1 GiB" 1024
	dm_grow 7168 "DM hot-add 4 GiB more" 4096
	m=$(memtotal_mb) s=$(fh_since)
	arm -le $((m - 510))
	t0=$(now_ms)
	fh memory set 6656M >/dev/null || fail "memory set 6656M"
	changed
	ev=$(fh wait-event DM_BALLOON_DONE --since "$s" --timeout 60) || fail "no DM_BALLOON_DONE"
	record "DM balloon 512 MiB out" "$(($(now_ms) - t0))" \
		"host: $(grep -oE 'pages=[0-9]+ requested=[0-9]+ partial=[0-9]+ messages=[0-9]+ ms=[0-9]+' <<<"$ev")"

	if [ -n "$virtio" ]; then
		# Only one driver may own the kernel's online-page callback: hvis_balloon gives it
		# back when it is removed (returning its ballooned pages; hot-added memory stays).
		assert_guest "rmmod hvis_balloon" rmmod hvis_balloon
		assert_guest "modprobe virtio_mem virtio_balloon" 'modprobe virtio_pci; modprobe virtio_mem && modprobe virtio_balloon'
		guest_until 30 'ls -d /sys/bus/virtio/drivers/virtio_mem/virtio*' ||
			fail "virtio_mem did not bind: $(guest 'dmesg | grep virtio_mem | tail -n 3')"
		sleep 2
		m=$(memtotal_mb)
		arm -ge $((m + 1020))
		t0=$(now_ms)
		virtio_size $((1 << 30))
		changed
		record "virtio-mem plug 1 GiB" "$(($(now_ms) - t0))"
		m=$(memtotal_mb)
		arm -ge $((m + 4092))
		t0=$(now_ms)
		virtio_size $((5 << 30))
		changed
		record "virtio-mem plug 4 GiB more" "$(($(now_ms) - t0))"
		m=$(memtotal_mb)
		arm -le $((m - 510))
		t0=$(now_ms)
		virtio_size $(((5 << 30) - (512 << 20)))
		changed
		record "virtio-mem unplug 512 MiB" "$(($(now_ms) - t0))"
		m=$(memtotal_mb)
		arm -le $((m - 510))
		t0=$(now_ms)
		# The balloon's target is the VM's size as QEMU sees it: -m minus 512 MiB.
		qmp "{\"execute\": \"balloon\", \"arguments\": {\"value\": $((VM_MEM_BYTES - 536870912))}}" >/dev/null ||
			fail "QMP balloon"
		changed
		record "virtio-balloon inflate 512 MiB" "$(($(now_ms) - t0))"
	fi
	vm_stop
	exec {MARK}<&-
	rm -f "$MARK_DIR/mark.sock"
}

for ((round = 1; round <= ROUNDS; round++)); do
	one_round
done

ratio() { # virtio-row dm-row
	local v d
	v=$(median "${ROW[$1]:-}") d=$(median "${ROW[$2]:-}")
	[ -n "$v" ] && [ -n "$d" ] && [ "$d" -gt 0 ] || return 0
	awk -v v="$v" -v d="$d" -v a="$1" -v b="$2" 'BEGIN { printf "  %-44s %8.2fx\n", a " / " b, v / d }'
}
echo
echo "Dynamic Memory benchmark, kernel $KVER, TCG, $ROUNDS rounds; times from the host's request until the guest's MemTotal shows it (a 5 ms poll in the guest, told to the bench on a serial port of its own)"
printf '  %-44s %8s   %s\n' "" "median" "rounds (ms)"
for n in "${NAMES[@]}"; do
	printf '  %-44s %8s ms  %s   %s\n' "$n" "$(median "${ROW[$n]}")" "${ROW[$n]# }" "${HOST[$n]:-}"
done
if [ -n "$virtio" ]; then
	echo "Ratios of medians (above 1: hvis is faster)"
	ratio "virtio-mem plug 1 GiB" "DM hot-add 1 GiB"
	ratio "virtio-mem plug 4 GiB more" "DM hot-add 4 GiB more"
	ratio "virtio-balloon inflate 512 MiB" "DM balloon 512 MiB out"
	ratio "virtio-mem unplug 512 MiB" "DM balloon 512 MiB out"
else
	echo "  virtio-mem / virtio-balloon: no virtio_mem or virtio_balloon module for $KVER"
fi
