#!/bin/bash
# dm_bench.sh [KVER]: Dynamic Memory speed (a benchmark, not a test).
#
# ROUNDS (default 3) rounds, each in two fresh guests started alike (TCG, booted with
# mem=2G from a 7 GiB RAM file the fake host serves, so hot-added memory starts at 4 GiB,
# above q35's PCI hole) with three memory devices: hvis Dynamic Memory, a virtio-mem
# device (5 GiB) and a virtio-balloon; the first guest measures DM, the second the
# virtio devices (see guest_start below).  Each round times, from the host's request
# (sent on a control or QMP connection made before the clock starts) to the guest's
# MemTotal showing the change (polled in the guest every 5 ms, told on a serial port):
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
# every 5 ms without starting a program, and waits with a read that times out on a FIFO
# nobody writes: a `sleep 0.005` per round started a program 200 times a second on the
# guest's two vCPUs, next to the work being timed.  Returns once the poll runs.
arm() {
	guest "rm -f /tmp/dmbench.fifo; mkfifo /tmp/dmbench.fifo &&
		(exec 3<>/tmp/dmbench.fifo
		 while read -r _ kb _ </proc/meminfo; ! [ \$((kb / 1024)) $1 $2 ]; do read -r -t 0.005 -u 3 _; done
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
# measure OP DELTA TRACED CMD...: runs CMD (a request to a device) and sets MS to the
# time from T0 until MemTotal OP (its value before + DELTA MiB).  T0 is taken before
# CMD; a CMD that first makes its connection sets it again as its request goes out.
# Under DM_BENCH_TRACE when TRACED is 1.
measure() {
	local op=$1 delta=$2 traced=$3 m
	shift 3
	m=$(memtotal_mb)
	[ "$traced" = 0 ] || trace_start
	arm "$op" $((m + delta))
	T0=$(now_ms)
	"$@"
	changed
	MS=$(($(now_ms) - T0))
}
# timed NAME OP DELTA TRACED CMD...: measure, recorded as NAME (the virtio rows).
timed() {
	local name=$1
	shift
	measure "$@"
	record "$name" "$MS"
	[ "$3" = 0 ] || trace_report "$name"
}
# The virtio requests go over one QMP session opened before the clock starts (qmp_open):
# lib.sh's qmp() connects and negotiates each time, 50-56 ms here against 19-22 ms for a
# whole `fh` control command, and the time until QEMU ran the request was counted
# against virtio.  QEMU takes one QMP client at a time: nothing else uses QMP meanwhile.
qmp_open() {
	local line
	coproc QMPS { socat - "UNIX-CONNECT:$VM_DIR/qmp.sock" 2>/dev/null; }
	read -r -t 10 -u "${QMPS[0]}" line || fail "no QMP greeting"
	qmp_send '{"execute":"qmp_capabilities"}' || fail "QMP capabilities: $QMP_ANSWER"
}
qmp_close() {
	exec {QMPS[1]}>&-
	wait "$QMPS_PID" 2>/dev/null || true
}
# qmp_send CMD-JSON: sends one command on the open session, waits for its answer
# (skipping QEMU's events); fails when it is an error.  QMP_ANSWER is the answer.
qmp_send() {
	printf '%s\n' "$1" >&"${QMPS[1]}"
	while read -r -t 10 -u "${QMPS[0]}" QMP_ANSWER; do
		case $QMP_ANSWER in
		*'"return"'*) return 0 ;;
		*'"error"'*) return 1 ;;
		esac
	done
	QMP_ANSWER="no answer in 10 s"
	return 1
}
# dm_request SIZE: the DM side's request, `ctl memory set SIZE`, on a control connection
# made before the clock starts (T0 is set just before the line goes out), as the virtio
# requests go on a QMP session opened before it.  The fake host reads a connection's
# line as soon as it accepts it, so the line follows the connection within 50 ms.
dm_request() {
	coproc CTLS { socat - "UNIX-CONNECT:$VM_DIR/ctl.sock" 2>/dev/null; }
	# bash drops a coproc's descriptors once it exits: keep copies, so that an answer
	# that came before a slow change is seen (socat exits half a second after it).
	exec {CTL_IN}<&"${CTLS[0]}" {CTL_OUT}>&"${CTLS[1]}"
	sleep 0.05
	T0=$(now_ms)
	printf 'memory set %s\n' "$1" >&"$CTL_OUT"
	DM_REQUEST=$1
}
# dm_reply: the answer to dm_request, read once the change was seen (socat lingers half
# a second after the fake host closes the connection).
dm_reply() {
	local reply
	exec {CTL_OUT}>&-
	reply=$(cat <&"$CTL_IN")
	exec {CTL_IN}<&-
	wait "$CTLS_PID" 2>/dev/null || true
	grep -q '^ok' <<<"$reply" || fail "memory set $DM_REQUEST: $reply"
}
# virtio_balloon BYTES: the virtio-balloon's target size of the VM.
virtio_balloon() {
	qmp_send "{\"execute\": \"balloon\", \"arguments\": {\"value\": $1}}" || fail "QMP balloon $1: $QMP_ANSWER"
}
# virtio_size BYTES: sets the virtio-mem device's requested size.
virtio_size() {
	qmp_send "{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"/machine/peripheral/vmem\", \"property\": \"requested-size\", \"value\": $1}}" ||
		fail "qom-set requested-size $1: $QMP_ANSWER"
}
# DM_BENCH_TRACE=DEPTH: each hot-add runs under function_graph (add_memory_resource and
# what it calls, DEPTH levels deep; DM_BENCH_TRACE_FN=FUNC another function), and the
# time per function is printed after it (fgraph_sum.awk).  Tracing slows the hot-add
# several times over: its times are for finding where the time goes, not for the table.
TRACE=${DM_BENCH_TRACE:-} TRACE_FN=${DM_BENCH_TRACE_FN:-add_memory_resource}
[[ $TRACE_FN =~ ^[A-Za-z0-9_]+$ ]] || fail "DM_BENCH_TRACE_FN must be a function name"
[ -z "$TRACE" ] || [[ $TRACE =~ ^[1-9]$ ]] || fail "DM_BENCH_TRACE must be a depth, 1-9"
trace_start() {
	[ -n "$TRACE" ] || return 0
	# Turning the tracer on patches every function: over a minute under TCG at times.
	guest -t 300 "mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
		 cd /sys/kernel/tracing && echo 0 >tracing_on && echo nop >current_tracer && echo >trace &&
		 echo 8192 >buffer_size_kb && echo $TRACE_FN >set_graph_function &&
		 echo $TRACE >max_graph_depth && echo 1 >options/funcgraph-tail &&
		 echo function_graph >current_tracer && echo 1 >tracing_on" >/dev/null ||
		fail "cannot start function_graph on $TRACE_FN in the guest"
}
trace_report() { # WHAT
	[ -n "$TRACE" ] || return 0
	note "$1: where the time went (depth, function, calls, ms; under tracing)"
	guest -t 120 "echo 0 >/sys/kernel/tracing/tracing_on; cat /sys/kernel/tracing/trace" |
		awk -f "$(dirname "$0")/fgraph_sum.awk" | sort -k1,1n -k4,4nr | awk '$4 >= 1' | sed 's/^/#   /'
	guest "echo nop >/sys/kernel/tracing/current_tracer" >/dev/null
}

# dm_timed NAME OP DELTA TRACED SIZE EVENT: asks the host for SIZE (`ctl memory set`) and
# records NAME as measure does, with the host's own figures from its EVENT
# (DM_HOT_ADD_DONE or DM_BALLOON_DONE: request sent to response received, ms=).
dm_timed() {
	local name=$1 s ev
	s=$(fh_since)
	measure "$2" "$3" "$4" dm_request "$5"
	dm_reply
	[ "$4" = 0 ] || trace_report "$name"
	ev=$(fh wait-event "$6" --since "$s" --timeout 60) || fail "no $6"
	record "$name" "$MS" "host: $(grep -oE 'pages=.* ms=[0-9]+' <<<"$ev")"
}

# Each device is measured in a guest of its own, both guests started alike (the same
# QEMU command line, virtio devices included): onlining a block walks its zone from the
# start until the first hole (set_zone_contiguous), so in one guest the device that goes
# second pays for the first one's memory.  When virtio-mem went second, its 1 GiB plug on
# 6.1 spent 77 ms there (function_graph), DM's first 1 GiB 4 ms.  (virtio-mem cannot go
# first in a shared guest: hvis_balloon's rings would land in its memory, which the fake
# host does not map, and the two drivers cannot own the online-page callback at once.)
virtio_part() {
	assert_guest "modprobe virtio_mem virtio_balloon" 'modprobe virtio_pci; modprobe virtio_mem && modprobe virtio_balloon'
	guest_until 30 'ls -d /sys/bus/virtio/drivers/virtio_mem/virtio*' ||
		fail "virtio_mem did not bind: $(guest 'dmesg | grep virtio_mem | tail -n 3')"
	sleep 2
	qmp_open
	timed "virtio-mem plug 1 GiB" -ge 1020 1 virtio_size $((1 << 30))
	timed "virtio-mem plug 4 GiB more" -ge 4092 1 virtio_size $((5 << 30))
	timed "virtio-mem unplug 512 MiB" -le -510 0 virtio_size $(((5 << 30) - (512 << 20)))
	# The balloon's target is the VM's size as QEMU sees it: -m minus 512 MiB.
	timed "virtio-balloon inflate 512 MiB" -le -510 0 virtio_balloon $((VM_MEM_BYTES - (512 << 20)))
	qmp_close
}

guest_start() {
	vm_start "$KVER" "${qargs[@]}"
	mark_connect
}
guest_stop() {
	vm_stop
	exec {MARK}<&-
	rm -f "$MARK_DIR/mark.sock"
}

dm_part() {
	assert_fh "dm config" dm config startup=2048M policy=fixed target=2048M
	vm_load_vmbus
	assert_guest "modprobe hvis_balloon" modprobe hvis_balloon
	wait_driver_bound hvis_balloon >/dev/null
	fh wait-event DM_CAPABILITIES --timeout 30 >/dev/null || fail "no DM_CAPABILITIES"

	dm_timed "DM hot-add 1 GiB" -ge 1020 1 3072M DM_HOT_ADD_DONE
	dm_timed "DM hot-add 4 GiB more" -ge 4092 1 7168M DM_HOT_ADD_DONE
	dm_timed "DM balloon 512 MiB out" -le -510 0 6656M DM_BALLOON_DONE
}

one_round() {
	guest_start
	dm_part
	guest_stop
	[ -n "$virtio" ] || return 0
	guest_start
	virtio_part
	guest_stop
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
