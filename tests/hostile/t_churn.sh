#!/bin/bash
# Load and churn (issue 15 item 5, `make churn`, part of `make hostile`; docs/hostile.md).
# One guest with every device the fake host offers, under traffic: the host's pump on
# the ICs (KVP, VSS and file copy answered by their daemons), Dynamic Memory, keyboard,
# mouse and video, the guest pinging the host, reading both disks, streaming over hvsock
# and echoing packets through the echo device.
#   1. Unplug and plug: the host rescinds each class's device and offers it again
#      (`ctl replug`) CHURN_REPLUGS times (default 1000), a device's next cycle as soon as
#      the guest has opened its new channel; the traffic keeps running, and after the
#      cycles every device works (its messages flow, the NIC pings, the disk reads).
#      All classes churn at once, each at its own pace (a guest busy with up to thirteen
#      probes and removals at a time; a progress line a minute gives each class's
#      count); CHURN_SERIAL=1 churns one class after the other instead, which names the
#      class that breaks.
#   2. Reload: every hvis module is unloaded while the traffic runs (only the hvsock
#      stream and the echo runs pause, and the daemons stop as a user stops them first:
#      an open socket holds hvis_sock, a run's open debugfs file hvis_echo, a daemon's
#      device file its module) and loaded again, the daemons started again,
#      CHURN_RELOADS times (default 100), every driver binding again each time.
# After each class and every 10 reloads the guest's log must hold no sanitizer, lockdep
# or kernel report; at the end kmemleak (debug kernel) finds no object allocated from
# hvis code, and on any kernel the guest's slab and other kernel memory did not grow by
# 512 kB or more in both halves of the reloads (a per-reload leak).
# CHURN_CLASSES picks classes (default: all of them); CHURN_REPLUGS=0 or CHURN_RELOADS=0
# skips a part.
source "$(dirname "$0")/hostile_lib.sh"

REPLUGS=${CHURN_REPLUGS:-1000}
RELOADS=${CHURN_RELOADS:-100}
CLASSES=${CHURN_CLASSES:-"heartbeat shutdown timesync kvp vss fcopy dm kbd mouse video echo nic scsi"}

hostile_vm_start
HS=$VM_DIR/hvsock
socat -u UNIX-LISTEN:"$HS/5001.listen",fork OPEN:/dev/null >/dev/null 2>&1 &
HVIS_CLEANUP_CMDS+=("kill $!")

# The guest's traffic; each loop survives its device going away and coming back.
guest_traffic() {
	assert_guest "guest traffic started" "rm -f /tmp/stop; $DAEMONS
	(while [ ! -e /tmp/stop ]; do ping -q -i 0.2 -c 10 -W 1 $NET_HOST4 >/dev/null 2>&1 || sleep 0.5; done &)
	(while [ ! -e /tmp/stop ]; do for b in /sys/bus/scsi/devices/*:0:0:*/block/*; do
		dd if=/dev/\${b##*/} of=/dev/null bs=64k count=64 iflag=direct 2>/dev/null; done; sleep 0.2; done &)
	(while [ ! -e /tmp/stop ]; do [ -e /tmp/pause-vsock ] && { sleep 0.2; continue; }
		head -c 262144 /dev/zero | socat -u - VSOCK-CONNECT:2:5001 2>/dev/null || sleep 0.5; done &)
	$ECHO_LOOP"
}
# The host's messages on the ICs, Dynamic Memory and the console devices, each device
# capped at PUMP_RATE a second (CHURN_PUMP_RATE, 0: back to back, as fast as the guest
# reads them, which on the debug kernel is 35,000-43,000 a second in all and leaves the
# guest little time for the reloads themselves).
PUMP_RATE=${CHURN_PUMP_RATE:-200}
pump_all() {
	local rate=
	[ "$1" = off ] || [ "$PUMP_RATE" = 0 ] || rate=$PUMP_RATE
	fh pump "$1" heartbeat,shutdown,timesync,kvp,vss,fcopy,dm,kbd,mouse,video $rate >/dev/null
}
guest_traffic
daemons_registered
pump_all on

# Whether CLASS works now (the host behaving, its traffic running).
class_works() {
	class_bound "$1" || return 1
	case $1 in
	nic) nic_pings ;;
	scsi) disk_reads "$(wait_guest_disk 0 0 0)" ;;
	echo) echo_works ;;
	*) pump_flows "$1" ;;
	esac
}

class_open() { [ -n "$(open_relid_of "$1")" ]; }

# ---- 1. unplug and plug ----
# "CLASS RELID" for each class's primary channel the guest has open, one `ctl status`.
open_relids() {
	fh status | awk '$1 == "channel" && $4 == "sub=0" && $5 == "state=open" {
		sub("class=", "", $3); sub("relid=", "", $2); print $3, $2 }'
}
# The classes in $1 at once, each at its own pace: replugged as soon as the guest has
# opened its new channel, until each was replugged REPLUGS times (a slow class does not
# hold the fast ones back).  A class not open again within 120 s of its last replug fails.
declare -A CYCLES LAST
churn() { # "CLASSES"
	local left=" $1 " c r out lo next_note=$((SECONDS + 60)) next_check=100
	for c in $1; do CYCLES[$c]=0 LAST[$c]=$SECONDS; done
	while [ -n "${left// /}" ]; do
		while read -r c r; do
			[[ $left == *" $c "* ]] || continue
			out=$(fh replug "$r") || fail "$c: replug $((CYCLES[$c] + 1)) of relid $r: $out"
			CYCLES[$c]=$((CYCLES[$c] + 1)) LAST[$c]=$SECONDS
			[ "${CYCLES[$c]}" -lt "$REPLUGS" ] || left=${left/ $c / }
		done < <(open_relids)
		for c in $left; do
			[ $((SECONDS - LAST[$c])) -lt 120 ] ||
				fail "$c: not open again 120 s after its replug ${CYCLES[$c]}: $(fh status | grep "class=$c ")"
		done
		lo=$(for c in $1; do echo "${CYCLES[$c]}"; done | sort -n | head -n 1)
		if [ "$lo" -ge "$next_check" ]; then
			sanitizer_check "after $lo cycles of each of:$1"
			next_check=$((next_check + 100))
		fi
		if [ $SECONDS -ge $next_note ]; then
			note "  $((SECONDS - t0)) s: cycles $(for c in $1; do printf '%s=%s ' "$c" "${CYCLES[$c]}"; done)"
			next_note=$((SECONDS + 60))
		fi
		sleep 0.05
	done
}
# After the cycles: open, bound and working.
churned_ok() { # class
	wait_for 120 "$1: open again after the last cycle" class_open "$1"
	wait_driver_bound "$(driver_of "$1")" 120 >/dev/null
	# A daemon whose device went away exits: a user (or systemd) starts it again.
	case $1 in kvp | vss | fcopy) guest "$DAEMONS" >/dev/null ;; esac
	[ "$1" != nic ] || net_guest_up >/dev/null	# a new interface: its address again
	wait_for 60 "$1 works after $REPLUGS cycles" class_works "$1"
}
if [ "$REPLUGS" -gt 0 ] && [ -n "${CHURN_SERIAL:-}" ]; then
	for c in $CLASSES; do
		t0=$SECONDS
		churn "$c"
		churned_ok "$c"
		sanitizer_check "$c after $REPLUGS replugs"
		note "ok: $c: $REPLUGS unplug/plug cycles under traffic in $((SECONDS - t0)) s, then it works"
	done
elif [ "$REPLUGS" -gt 0 ]; then
	t0=$SECONDS
	churn "$CLASSES"
	t1=$SECONDS
	for c in $CLASSES; do churned_ok "$c"; done
	sanitizer_check "after $REPLUGS replugs of every class"
	note "ok: $REPLUGS unplug/plug cycles of each of $(wc -w <<<"$CLASSES") classes at once under traffic in $((t1 - t0)) s, then every one works (checked in $((SECONDS - t1)) s)"
fi

# ---- 2. reload under traffic ----
# An open AF_VSOCK socket holds hvis_sock (as any vsock transport), an echo run's open
# debugfs file hvis_echo: the stream loop pauses and its socat ends, and the echo loop
# pauses after its run, before the unload; both go on after the load.  (On the debug
# kernel an echo run is long enough that rmmod found the file open six times in a row.)
# Seconds spent in each step, summed over the reloads (printed every 10): pausing the
# stream and echo loops, unloading, loading, waiting for every driver, the NIC's address.
T_PAUSE=0 T_UNLOAD=0 T_LOAD=0 T_BOUND=0 T_NET=0
reload_once() {
	local t=$SECONDS
	guest "touch /tmp/pause-vsock /tmp/pause-echo; killall socat 2>/dev/null; $DAEMONS_STOP
		for i in \$(seq 300); do [ -e /tmp/echo-paused ] && break; sleep 0.2; done; true" >/dev/null
	T_PAUSE=$((T_PAUSE + SECONDS - t)) t=$SECONDS
	# The debug kernel under traffic took over 60 s for the unload of reload 1.
	guest_unload_all 300 >/dev/null || fail "reload $1: the hvis modules do not unload: $(guest 'lsmod | grep hvis')"
	T_UNLOAD=$((T_UNLOAD + SECONDS - t)) t=$SECONDS
	vm_load_vmbus >/dev/null
	assert_guest "modprobe hvis_sock" modprobe hvis_sock >/dev/null
	T_LOAD=$((T_LOAD + SECONDS - t)) t=$SECONDS
	all_bound 120
	guest "$DAEMONS" >/dev/null
	T_BOUND=$((T_BOUND + SECONDS - t)) t=$SECONDS
	net_guest_up >/dev/null
	guest "rm -f /tmp/pause-vsock /tmp/pause-echo /tmp/echo-paused" >/dev/null
	T_NET=$((T_NET + SECONDS - t))
}
if [ "$RELOADS" -gt 0 ]; then
	t0=$SECONDS
	half=$((RELOADS / 2))
	k0='' k1='' k2=''
	for ((i = 1; i <= RELOADS; i++)); do
		sleep 1		# traffic on every device
		reload_once "$i"
		if [ $((i % 10)) -eq 0 ]; then
			sanitizer_check "after $i reloads"
			note "  $i reloads, $((SECONDS - t0)) s (of which pausing the loops $T_PAUSE s, unloading $T_UNLOAD s, loading $T_LOAD s, waiting for the drivers $T_BOUND s, the NIC's address $T_NET s)"
		fi
		# Kernel memory after reloads 2, 2 + half and the last, the traffic paused.
		case $i in 2 | $((2 + half)) | "$RELOADS") ;; *) continue ;; esac
		assert_guest "traffic paused for the reading" "touch /tmp/stop; sleep 2; true" >/dev/null
		pump_all off
		k=$(guest_kmem)
		# A debug kernel's stack depot (KASAN's and kmemleak's allocation stacks) keeps
		# every new stack for good, in pools of 16 KiB (include/linux/stackdepot.h
		# DEPOT_POOL_SIZE: 4 pages) that count as "other" here; a module loaded again
		# sits at new addresses, so each reload's stacks are new.  The depot is left out
		# (measured in stop 34: 2,144 of the 2,300 kB "other" grew over 4 reloads).
		depot=$(guest 'cat /sys/kernel/debug/stackdepot/stats 2>/dev/null' | awk '$1 == "pools:" { print $2 * 16 }')
		# Where "other" may sit, for a reader chasing growth (kB, /proc/meminfo).
		parts=$(guest 'awk "/^(VmallocUsed|PageTables|KernelStack|Percpu):/ { printf \"%s %s \", \$1, \$2 }" /proc/meminfo')
		note "  after reload $i: $parts"
		# A debug kernel's bookkeeping, which can grow with what reloads leave behind:
		# objects debugobjects tracks (and its longest hash chain), lockdep's classes,
		# dependencies, chains and stack traces.  Stop 35's run got slower reload after
		# reload (98 to 138 s) with memory flat.
		dbg=$(guest 'sed -nE "s/^(max_chain|pool_used) *:/\1=/p" /sys/kernel/debug/debug_objects/stats 2>/dev/null
			sed -nE "s/^ (lock-classes|direct dependencies|dependency chains|stack-trace entries): +([0-9]+).*/\1=\2/p" /proc/lockdep_stats 2>/dev/null' | tr ' \n' '_ ')
		[ -z "$dbg" ] || note "  debug bookkeeping after reload $i: $dbg"
		if [ "${depot:-0}" -gt 0 ]; then
			read -r ks ko <<<"$k"
			k="$ks $((ko - depot))"
			note "  kernel memory (slab, other kB) after reload $i: $k (the stack depot's $depot kB left out)"
		else
			note "  kernel memory (slab, other kB) after reload $i: $k"
		fi
		if [ -z "$k0" ]; then k0=$k; elif [ -z "$k1" ]; then k1=$k; else k2=$k; fi
		guest_traffic >/dev/null
		pump_all on
	done
	for c in nic scsi heartbeat kvp vss fcopy; do
		wait_for 60 "$c works after the reloads" class_works "$c"
	done
	note "ok: $RELOADS reloads of every hvis module under traffic in $((SECONDS - t0)) s"
	if [ -n "$k2" ] && _kmem_grew "$k0" "$k1" && _kmem_grew "$k1" "$k2"; then
		fail "kernel memory grew by 512 kB or more in both halves of the reloads: $k0 -> $k1 -> $k2"
	fi
	if [ -n "$k2" ]; then
		note "ok: no growth of 512 kB or more in both halves of the reloads ($k0 -> $k1 -> $k2)"
	else
		note "kernel memory read ${k1:+twice }(${k0}${k1:+ -> $k1}): the two-halves check needs three readings, CHURN_RELOADS of 5 or more"
	fi
fi

assert_guest "traffic stopped" "touch /tmp/stop; true"
pump_all off
sanitizer_check "the end"
kmemleak_check
