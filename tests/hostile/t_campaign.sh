#!/bin/bash
# The hostile campaign (issue 15 item 3, `make hostile`, docs/hostile.md): one guest,
# normally on the debug kernel (KASAN, UBSAN, KFENCE, lockdep, kmemleak), with every
# device the fake host offers.  For each driver in turn the fake host mutates only that
# class's messages (`ctl hostile on SEED,RATE only=CLASS`) while the device is under load,
# until HOSTILE_TARGET messages of it were mutated or HOSTILE_PHASE_MAX seconds passed:
#   - the ICs, Dynamic Memory, keyboard, mouse and video get the host's own messages back
#     to back (`ctl pump`), Dynamic Memory also a memory resize loop, KVP a loop of pool
#     sets, gets and enumerations, VSS of backups, freezes and thaws, file copy of 64 KiB
#     copies;
#   - the NIC gets a ping flood from the host's namespace and the guest's own ping, and
#     the pump's broadcasts the guest drops;
#   - the disks run fio with crc32c verify for the whole campaign, and get the pump's
#     completions of I/O never sent and bus rescans;
#   - hvsock gets four streams both ways;
#   - the bus (channel messages) gets the echo device unplugged and plugged again, and
#     the pump's answers to requests nobody made.
# The mode runs in rounds of HOSTILE_ROUND seconds.  After each the host behaves, and the
# class must work again (its messages flow, its driver bound); if not, the host unplugs and
# plugs the device (`ctl replug`), and if that does not help either the hvis modules are
# reloaded; a device that still does not work fails the campaign.  After every round the
# guest's log must have no KASAN, UBSAN, KFENCE, lockdep, BUG, WARNING, hung-task or
# soft-lockup report.  At the end: fio's verify passes, a file written to an ext4 disk
# before the campaign reads back with the same sha256 and fsck finds nothing, a copied
# file arrives whole, and kmemleak reports no object allocated from hvis code.  Printed:
# per driver the messages seen and mutated, mutations by kind and field, recoveries, and
# the guest's refusal lines by kind.
#
# Knobs: HOSTILE_TARGET (default 1000000), HOSTILE_RATE (0.5), HOSTILE_IRQ_RATE (0.02),
# HOSTILE_WITH (stall,rescind,revoke,rndis: first rounds), HOSTILE_WITH_BULK (revoke,rndis:
# later rounds), HOSTILE_SKIP_BULK_HVSOCK (truncate,field,forge: hvsock's later rounds),
# HOSTILE_SEED (20261206),
# HOSTILE_ROUND (30 s), HOSTILE_PHASE_MAX (3600 s), HOSTILE_DRIVERS (default: all below).
source "$(dirname "$0")/hostile_lib.sh"

TARGET=${HOSTILE_TARGET:-1000000}
RATE=${HOSTILE_RATE:-0.5}
# Interrupts are dropped, doubled or delayed at their own, lower rate: a dropped one
# stalls its channel for a second, which at RATE would leave little time for messages.
IRQ_RATE=${HOSTILE_IRQ_RATE:-0.02}
# The opt-in kinds (docs/hostile.md): stalls, rescinds in the middle of I/O, GPADL
# revocation, RNDIS bodies, in every phase's first round (HOSTILE_WITH).  A stall holds a
# channel 1-3 s and a rescind unplugs its device, so at RATE they would leave a channel
# idle most of the time: the later rounds use HOSTILE_WITH_BULK, the kinds that do not.
WITH=${HOSTILE_WITH-stall,rescind,revoke,rndis}
WITH_BULK=${HOSTILE_WITH_BULK-revoke,rndis}
# A byte stream cannot resynchronise: a packet whose header is garbled (truncate, field,
# forge) rightly ends its hvsock connection, so at RATE hvsock mutates about two packets
# a connection.  Its later rounds leave those kinds out (skip=) and mutate what a stream
# carries on through: bit flips (mostly in the data), extension, duplicates, drops,
# reordering and replays.  The first round has every kind.
SKIP_BULK_HVSOCK=${HOSTILE_SKIP_BULK_HVSOCK-truncate,field,forge}
SEED=${HOSTILE_SEED:-20261206}
ROUND=${HOSTILE_ROUND:-30}
PHASE_MAX=${HOSTILE_PHASE_MAX:-3600}
ALL="heartbeat shutdown timesync kvp vss fcopy dm kbd mouse video nic scsi hvsock bus"
# The devices the bus phase checks and mends.
BUS_CLASSES="heartbeat shutdown timesync kvp vss fcopy dm kbd mouse video nic scsi echo"
CLASSES=${HOSTILE_DRIVERS:-$ALL}

hostile_vm_start

# ---- data the campaign must not touch: ext4 on the second disk ----
# Written, then unmounted: the campaign may take the disk away and bring it back.
before=$(guest -t 120 "mkfs.ext4 -q -F /dev/$sd1 && mkdir -p /mnt/d1 && mount -t ext4 /dev/$sd1 /mnt/d1 &&
	head -c 8388608 /dev/urandom >/mnt/d1/before && sha256sum </mnt/d1/before | cut -c1-64 &&
	umount /mnt/d1") || fail "writing the file before the campaign failed: $before"
note "before the campaign: 8 MiB on ext4 on LUN 0:0:1 ($sd1), sha256 $before"

# ---- load for the whole campaign: fio verify on the first disk, the guest's ping ----
assert_guest "abort_after 20 s, disk timeouts 10 s" \
	"echo 20 >/sys/module/hvis_storvsc/parameters/abort_after &&
	echo 10 >/sys/block/$sd0/device/timeout && echo 10 >/sys/block/$sd1/device/timeout"
# fio runs on LUN 0:0:0 under whatever name it has now (a replug renames it).
fio_loop="while [ ! -e /tmp/stop ]; do
	d=\$(ls /sys/bus/scsi/devices/*:0:0:0/block 2>/dev/null | head -n 1)
	[ -n \"\$d\" ] || { sleep 1; continue; }
	$(fio_verify_cmd '/dev/$d' 16M 2 "--time_based --runtime=60"); echo rc=\$?; sleep 1; done"
assert_guest "fio, ping and the integration services' daemons started" "
	$DAEMONS
	($fio_loop) </dev/null >/tmp/fio.log 2>&1 &
	(while [ ! -e /tmp/stop ]; do ping -q -i 0.2 -c 50 $NET_HOST4; done) >/tmp/ping.log 2>&1 &"
daemons_registered

# ---- helpers ----
# The NIC has its address (a NIC plugged again is a new interface) and reaches the host.
nic_up() {
	local ifc
	ifc=$(guest 'ls /sys/bus/vmbus/drivers/hvis_netvsc/*/net/ 2>/dev/null | head -n 1')
	[ -n "$ifc" ] || return 1
	guest "ip -4 addr show dev $ifc | grep -q '$NET_GUEST4/' ||
		{ ip link set $ifc up && ip addr add $NET_GUEST4/24 dev $ifc; }" >/dev/null &&
		guest_until 20 "ping -c 1 -W 1 $NET_HOST4"
}
# Whether CLASS works with the host behaving.
healthy() {
	local c=$1 was_on rc
	# The bus waits for every driver below (a device it offered again may still be
	# probing).
	[[ " hvsock bus " == *" $c "* ]] || class_bound "$c" || return 1
	case $c in
	nic) nic_up && nic_pings ;;
	scsi) disk_reads "$sd0" ;;
	hvsock) guest -t 60 "for i in 1 2 3; do echo ok | socat -u - VSOCK-CONNECT:2:5001 && exit 0; sleep 2; done; exit 1" ;;
	# The bus: every driver bound (the echo device offered again after its unplugs) and
	# a new channel made and torn down (an hvsock connection).
	bus)
		for d in $DRIVERS; do
			guest_until 30 "ls -d /sys/bus/vmbus/drivers/$d/*-*" ||
				{ note "  bus: no device bound to $d"; return 1; }
		done
		guest -t 60 "for i in 1 2 3; do echo ok | socat -u - VSOCK-CONNECT:2:5001 && exit 0; sleep 2; done; exit 1" ||
			{ note "  bus: no hvsock connection to the host"; return 1; }
		;;
	# The pump's messages flow again; up to 70 s: a device plugged again without its
	# daemon holds its negotiation 55 s (KVP), and the daemon is started again first.
	# The pump is left as it was: a pump left on after its phase would load the guest for
	# the rest of the campaign (seven of them made the final fio verify crawl).
	*)
		guest "$DAEMONS" >/dev/null
		was_on=
		! pump_is_on "$c" || was_on=1
		fh pump on "$c" >/dev/null
		pump_flows "$c" 35 && daemon_answers "$c"
		rc=$?
		[ -n "$was_on" ] || fh pump off "$c" >/dev/null
		return $rc
		;;
	esac
}
# KVP, VSS and file copy answer through their daemons, as a user checks them: the host
# reads back a pool value it set, freezes and thaws, copies a file.  Tried for up to
# 60 s: a request the round garbled may still be out, until the host gives up on it
# (45 s, tools/fakehost/dev_ic.h IC_REQUEST_TIMEOUT_MS).
ok_status() { [[ $1 =~ (^|[[:space:]])status=0([[:space:]]|$) ]]; }
daemon_answers() { # class
	local i=0 v out end=$((SECONDS + 60))
	[[ " kvp vss fcopy " == *" $1 "* ]] || return 0
	while [ $SECONDS -lt $end ]; do
		i=$((i + 1))
		case $1 in
		kvp)
			v=h$i$RANDOM
			out=$(fh kvp set 0 CampaignHealth "$v" 2>&1) && ok_status "$out" &&
				out=$(fh kvp get 0 CampaignHealth 2>&1) && [[ $out == *"status=0 value=$v" ]]
			;;
		vss)
			out=$(fh vss freeze 2>&1) && ok_status "$out" &&
				out=$(fh vss thaw 2>&1) && ok_status "$out"
			;;
		fcopy)
			head -c 4096 /dev/urandom >"$VM_DIR/fcopy-health.bin"
			out=$(fh copy-file "$VM_DIR/fcopy-health.bin" /tmp/in/health.bin --overwrite 2>&1) &&
				ok_status "$out" &&
				[ "$(guest "sha256sum </tmp/in/health.bin | cut -c1-64")" = \
					"$(sha256sum <"$VM_DIR/fcopy-health.bin" | cut -c1-64)" ]
			;;
		esac && return 0
		sleep 3
	done
	note "  $1: its daemon does not answer: ${out:-no answer}"
	return 1
}
RECOVER_REPLUG=0 RECOVER_RELOAD=0
# The host's side of the class's load (the ping flood, the echo device's unplug loop)
# pauses while the class is checked and mended.
# The pumps of the classes the guest drives (nic, scsi, bus) are load like the rest: they
# pause too (the pumped classes' health check is their pump's flow, so theirs runs on).
recover() { # class
	local rc guest_driven=
	[[ " nic scsi bus " != *" $1 "* ]] || ! pump_is_on "$1" || guest_driven=1
	touch "$VM_DIR/pause-replug"
	[ ${#LOAD_PIDS[@]} -eq 0 ] || kill -STOP "${LOAD_PIDS[@]}" 2>/dev/null
	[ -z "$guest_driven" ] || fh pump off "$1" >/dev/null
	sleep 0.5
	recover_class "$1"
	rc=$?
	[ ${#LOAD_PIDS[@]} -eq 0 ] || kill -CONT "${LOAD_PIDS[@]}" 2>/dev/null
	[ -z "$guest_driven" ] || fh pump on "$1" >/dev/null
	rm -f "$VM_DIR/pause-replug"
	return $rc
}
# Devices of CLASS... came back under new relids: their daemons (KVP, VSS and file copy
# open the new device), the NIC's address, the disks' new names.
plugged_again() { # class...
	local all=" $* "
	[[ $all != *" kvp "* && $all != *" vss "* && $all != *" fcopy "* ]] ||
		guest "$DAEMONS" >/dev/null
	[[ $all != *" nic "* ]] || nic_up || true
	if [[ $all == *" scsi "* ]]; then
		sd0=$(wait_guest_disk 0 0 0)
		sd1=$(wait_guest_disk 0 0 1)
	fi
}
# CLASS's device under relid R is plugged in again.  When the host refuses (a replug of
# it already waits for the guest's release) and the guest has no device with relid R, the
# guest never saw its offer (stop 38: the round garbled the OFFERCHANNEL, the guest
# dropped it, and then dropped every rescind of R as one for a relid it does not have):
# the host offers the device again under a new relid (`ctl lost-offer`, which itself
# refuses unless a replug of R waits for the release).
replug_or_offer_lost() { # class relid
	fh replug "$2" >/dev/null && return 0
	guest "grep -qsx $2 /sys/bus/vmbus/devices/*/id" && return 0
	fh lost-offer "$2" >/dev/null &&
		note "  bus: the guest never saw the offer of $1 (relid $2): the host offered it again under a new relid"
}
recover_class() { # class
	local c=$1 r i
	healthy "$c" && return 0
	# A rescind of the campaign's own (with=rescind) offers the device again once the
	# guest lets go: wait for that before plugging it again.
	for i in $(seq 30); do
		r=$(relid_of "$c")
		[ -z "$r" ] || break
		sleep 1
	done
	# The bus: a rescind the round garbled may have named another device, which the
	# guest then released (RELID_RELEASED unasked); the host plugs such devices in again.
	# A device whose probe failed in the round (its OPENCHANNEL_RESULT garbled: the guest
	# gives up, as upstream does, and leaves it unbound) is unplugged and plugged.
	if [ "$c" = bus ]; then
		local k out back=
		# A rescind the round garbled never reached the guest: the host sends it again
		# (the replug then offers the device again once the guest lets go).
		for k in $BUS_CLASSES; do
			out=$(fh reoffer "$k" 2>/dev/null) || continue
			[ "$(kv "$out" reoffered)" = 0 ] && [ "$(kv "$out" rescinded_again)" = 0 ] ||
				back+=" $k"
		done
		[ -z "$back" ] || note "  bus: offered again or rescinded again (a garbled rescind):$back"
		[ -z "$back" ] || sleep 3
		# A device offered or rescinded again gets 10 s more to come back bound (stop
		# 34: the echo device and the mouse did not within 40 s, and only a reload
		# brought them back); then it, like one the round left unbound, is replugged.
		for k in $BUS_CLASSES; do
			class_bound "$k" && continue
			[[ $back == *" $k"* ]] && class_bound "$k" 10 && continue
			r=$(relid_of "$k")
			if [ -z "$r" ]; then
				# No channel: the guest let go of it after the rescind sent again.
				[ "$(kv "$(fh reoffer "$k" 2>/dev/null)" reoffered)" = 1 ] || continue
				note "  bus: $k had no channel after the round: the host offered it again"
			else
				note "  bus: $k has no driver bound after the round: the host unplugs and plugs it (relid $r)"
				replug_or_offer_lost "$k" "$r"
			fi
			[[ $back == *" $k"* ]] || back+=" $k"
		done
		if [ -n "$back" ]; then
			RECOVER_REPLUG=$((RECOVER_REPLUG + $(wc -w <<<"$back")))
			sleep 3
			plugged_again $back
			healthy bus && return 0
		fi
	fi
	if [ -n "$r" ] && [ "$c" != hvsock ] && [ "$c" != bus ]; then
		note "  $c does not work after the round: the host unplugs and plugs it (relid $r)"
		fh replug "$r" >/dev/null || true
		RECOVER_REPLUG=$((RECOVER_REPLUG + 1))
		sleep 3
		# Not bound in 90 s: the reload below is the next step.  What the guest's tasks
		# wait for goes to its console first (stop 31: a NIC replugged after its round
		# printed its probe's last line and never showed up as bound).
		if ! class_bound "$c" 90; then
			note "  $c: no device bound 90 s after the replug; the guest's blocked tasks are in its console log (sysrq w)"
			guest "echo w >/proc/sysrq-trigger" >/dev/null 2>&1 || true
		fi
		plugged_again "$c"
		healthy "$c" && return 0
	fi
	note "  $c still does not work: the hvis modules are reloaded"
	RECOVER_RELOAD=$((RECOVER_RELOAD + 1))
	# The file-copy daemon holds hvis_fcopy's device open, a socket hvis_sock.
	guest "touch /tmp/stop /tmp/stop-vsock /tmp/stop-echo
		killall fio ping socat hvis-kvpd hvis-vssd hvis-fcopyd 2>/dev/null; true" >/dev/null
	guest_until 300 '! pidof fio' || fail "fio does not stop within 300 s for the reload"
	# A disk whose host stopped answering takes abort_after (20 s) per command to let go.
	guest_unload_all 300 >/dev/null || fail "the hvis modules do not unload: $(guest 'lsmod | grep hvis')"
	vm_load_vmbus
	assert_guest "modprobe hvis_sock" modprobe hvis_sock
	all_bound 120
	nic_up || fail "the NIC does not reach the host after a reload of the hvis modules"
	sd0=$(wait_guest_disk 0 0 0)
	sd1=$(wait_guest_disk 0 0 1)
	assert_guest "load again" "rm -f /tmp/stop && $DAEMONS &&
		echo 20 >/sys/module/hvis_storvsc/parameters/abort_after &&
		echo 10 >/sys/block/$sd0/device/timeout && echo 10 >/sys/block/$sd1/device/timeout &&
		(($fio_loop) </dev/null >>/tmp/fio.log 2>&1 &)"
	guest_class_load "$c"
	healthy "$c" || fail "$c does not work after a reload of the hvis modules"
}

# ---- the class's own load, started before its rounds and stopped after ----
# The host's hvsock listeners stay for the whole campaign: the health check of hvsock
# connects to port 5001 too.
socat -u UNIX-LISTEN:"$VM_DIR/hvsock/5001.listen",fork OPEN:/dev/null >/dev/null 2>&1 &
HVIS_CLEANUP_CMDS+=("kill $!")
# Port 5002 sends 16 MiB to each guest that connects.
socat -U UNIX-LISTEN:"$VM_DIR/hvsock/5002.listen",fork SYSTEM:'head -c 16777216 /dev/zero' >/dev/null 2>&1 &
HVIS_CLEANUP_CMDS+=("kill $!")
LOAD_PIDS=()
# The guest's side of a class's load (again after a reload of the modules).
guest_class_load() {
	case $1 in
	# 256 KiB to the host, then 16 MiB from it (only the host's packets are mutated),
	# over and over, four streams at once.
	hvsock) guest "rm -f /tmp/stop-vsock; for k in 1 2 3 4; do (while [ ! -e /tmp/stop-vsock ]; do
		head -c 262144 /dev/zero | socat -u - VSOCK-CONNECT:2:5001
		socat -u VSOCK-CONNECT:2:5002 OPEN:/dev/null; done) >/dev/null 2>&1 & done" >/dev/null ;;
	# Channel messages: the echo channel's target CPU back and forth (MODIFYCHANNEL and
	# its response), hvsock connections (an offer, its open and GPADL, a rescind each),
	# echo traffic; the host unplugs and plugs the echo device meanwhile (load_start).
	bus) guest "rm -f /tmp/stop-echo; $(sed 's|/tmp/stop|/tmp/stop-echo|' <<<"$ECHO_LOOP")
		(while [ ! -e /tmp/stop-echo ]; do for f in /sys/bus/vmbus/drivers/hvis_echo/*/channels/*/cpu; do
			[ -e \"\$f\" ] && echo 1 >\"\$f\" && echo 0 >\"\$f\"; done 2>/dev/null; done >/dev/null 2>&1 &)
		(while [ ! -e /tmp/stop-echo ]; do echo x | socat -u - VSOCK-CONNECT:2:5001 || sleep 0.2; done >/dev/null 2>&1 &)" >/dev/null ;;
	esac
}
load_start() {
	case $1 in
	nic)
		# ping itself, not a shell around it (ns is a function): the pause and the end
		# of the phase signal $!, and a flood that outlived its phase made the final fio
		# verify crawl.
		ip netns exec "$NET_NS" ping -f -q "$NET_GUEST4" >/dev/null 2>&1 &
		LOAD_PIDS+=($!)
		fh pump on nic >/dev/null
		;;
	hvsock)
		guest_class_load hvsock
		;;
	dm)
		(while :; do fh memory set 1280M >/dev/null 2>&1; sleep 5; fh memory set 1024M >/dev/null 2>&1; sleep 5; done) &
		LOAD_PIDS+=($!)
		fh pump on dm >/dev/null
		;;
	bus)
		# The echo device again as soon as the guest opened it; one it has not opened
		# for 5 s (its probe gave up on a garbled answer) too, or the loop would stop.
		(n=0; while :; do
			r=$(relid_of echo)
			if [ -n "$r" ] && [ "$r" = "$(open_relid_of echo)" ]; then n=25; else n=$((n + 1)); fi
			# A replug already pending (its rescind garbled): the host rescinds again.
			if [ -n "$r" ] && [ $n -ge 25 ] && [ ! -e "$VM_DIR/pause-replug" ]; then
				fh replug "$r" >/dev/null 2>&1 || fh reoffer echo >/dev/null 2>&1
				n=0
			fi
			sleep 0.2
		done) &
		LOAD_PIDS+=($!)
		guest_class_load bus
		fh pump on bus >/dev/null
		;;
	# The pump has the ICs renegotiate; their own operations come from a loop each, so
	# that their parsers see them mutated too (a lost answer only times the call out).
	kvp)
		(i=0; while :; do
			i=$((i + 1))
			fh kvp set 0 "Campaign$((i % 16))" "v$i"; fh kvp get 0 "Campaign$((i % 16))"; fh kvp enum 0
			sleep 0.2
		done) >/dev/null 2>&1 &
		LOAD_PIDS+=($!)
		fh pump on kvp >/dev/null
		;;
	vss)
		(while :; do fh vss hot-backup; fh vss freeze; fh vss thaw; sleep 0.2; done) >/dev/null 2>&1 &
		LOAD_PIDS+=($!)
		fh pump on vss >/dev/null
		;;
	fcopy)
		head -c 65536 /dev/urandom >"$VM_DIR/fcopy-load.bin"
		(i=0; while :; do
			i=$((i + 1))
			fh copy-file "$VM_DIR/fcopy-load.bin" "/tmp/in/load$((i % 8)).bin" --overwrite
			sleep 0.2
		done) >/dev/null 2>&1 &
		LOAD_PIDS+=($!)
		fh pump on fcopy >/dev/null
		;;
	*) [[ $PUMPED == *" $1 "* ]] && fh pump on "$1" >/dev/null ;;
	esac
	HVIS_CLEANUP_CMDS+=("kill ${LOAD_PIDS[*]:-} 2>/dev/null")
}
load_stop() {
	if [ ${#LOAD_PIDS[@]} -gt 0 ]; then
		kill "${LOAD_PIDS[@]}" 2>/dev/null
		wait "${LOAD_PIDS[@]}" 2>/dev/null
	fi
	LOAD_PIDS=()
	[[ $PUMPED == *" $1 "* ]] && fh pump off "$1" >/dev/null
	[ "$1" = hvsock ] && guest "touch /tmp/stop-vsock" >/dev/null
	[ "$1" = bus ] && guest "touch /tmp/stop-echo" >/dev/null
	[ "$1" = dm ] && fh memory set 1024M >/dev/null 2>&1
	true
}

# ---- the phases ----
# The host's counters run for its whole life: a phase reports what grew during it.
class_counts() { # CLASS: "seen mutated" so far
	fh hostile status | awk -v c="$1" '$1 == "class" && $2 == c {
		sub("seen=", "", $3); sub("mutated=", "", $4); print $3, $4; f = 1 } END { if (!f) print 0, 0 }'
}
counters() { fh hostile status | awk '$1 == "kind" || $1 == "field" { print $1, $2, $3 }'; }
# counters_grown BEFORE AFTER KIND|FIELD: "name=delta" for each that grew, largest first.
counters_grown() {
	awk -v t="$3" 'FNR == NR { if ($1 == t) b[$2] = $3; next }
		$1 == t && $3 > b[$2] { print $3 - b[$2], $2 }' <(echo "$1") <(echo "$2") |
		sort -rn | awk '{ printf "%s=%s ", $2, $1 }'
}
SUMMARY=() SHORT=()
round_no=0
for c in $CLASSES; do
	[[ " $ALL " == *" $c "* ]] || fail "unknown driver $c (have: $ALL)"
	note "==== hostile phase: $c (target $TARGET mutated messages, rate $RATE, at most $PHASE_MAX s)"
	serial_mark
	RECOVER_REPLUG=0 RECOVER_RELOAD=0
	load_start "$c"
	read -r s0 m0 < <(class_counts "$c")
	before_counts=$(counters)
	t0=$SECONDS seen=0 mutated=0 rounds=0
	while [ "$mutated" -lt "$TARGET" ] && [ $((SECONDS - t0)) -lt "$PHASE_MAX" ]; do
		round_no=$((round_no + 1)) rounds=$((rounds + 1))
		w=$WITH_BULK sk=
		[ "$c" != hvsock ] || sk=$SKIP_BULK_HVSOCK
		[ "$rounds" -gt 1 ] || w=$WITH sk=
		fh hostile on "$((SEED + round_no)),$RATE" "only=$c" "irq=$IRQ_RATE" ${w:+"with=$w"} \
			${sk:+"skip=$sk"} >/dev/null || fail "ctl hostile on ... only=$c failed"
		end=$((SECONDS + ROUND))
		while [ $SECONDS -lt $end ]; do
			sleep 5
			read -r s m < <(class_counts "$c")
			[ $((m - m0)) -ge "$TARGET" ] && break
		done
		fh hostile off >/dev/null
		read -r s m < <(class_counts "$c")
		seen=$((s - s0)) mutated=$((m - m0))
		sanitizer_check "$c round $rounds"
		recover "$c"
		note "  round $rounds: $mutated of $seen $c messages mutated so far, $((SECONDS - t0)) s"
	done
	load_stop "$c"
	recover "$c"
	sanitizer_check "$c after its phase"
	after_counts=$(counters)
	refusals=$(serial_since | grep -ciE 'refus|invalid|malformed|bad |unknown|not in flight|broken|too (short|long|big|large)|beyond|above|unexpected|mismatch|disabl|given up|reset: host sent' || true)
	note "$c: $mutated of $seen messages mutated in $rounds rounds, $((SECONDS - t0)) s; recoveries: $RECOVER_REPLUG replug, $RECOVER_RELOAD reload; $refusals refusal lines"
	note "  by kind: $(counters_grown "$before_counts" "$after_counts" kind)"
	grown=$(counters_grown "$before_counts" "$after_counts" field)
	note "  by field ($(wc -w <<<"$grown") fields): $(head -c 900 <<<"$grown")"
	note "  guest reactions: $(serial_since | grep -iE 'refus|invalid|malformed|unknown|not in flight|broken|unexpected|disabl|given up|reset: host sent' |
		sed -E 's/^\[[ 0-9.]+\] //; s/[0-9a-f]{8}-[0-9a-f-]{27}/GUID/g; s/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -n 8 | tr '\n' ';')"
	SUMMARY+=("$(printf '%-9s %9s %9s %6s %6s %7s %7s' "$c" "$seen" "$mutated" "$rounds" \
		"$((SECONDS - t0))" "$RECOVER_REPLUG" "$RECOVER_RELOAD")")
	[ "$mutated" -ge "$TARGET" ] || SHORT+=("$c")
done

# ---- integrity once the host behaves ----
note "==== integrity after the campaign"
assert_guest "load stopped" "touch /tmp/stop /tmp/stop-vsock; true"
guest_until 150 '! pidof fio' || fail "fio still running 150 s after the campaign"
fio_out=$(guest "cat /tmp/fio.log")
assert_no_verify_error "$fio_out" "fio during the campaign"
sd0=$(wait_guest_disk 0 0 0)
# On the debug kernel a fresh 2 x 16 MiB write-and-verify takes minutes.
t=$SECONDS
final=$(guest -t 900 "$(fio_verify_cmd /dev/"$sd0" 16M 2)") ||
	fail "fio verify after the campaign failed ($((SECONDS - t)) s): $final
$(guest 'cat /sys/block/'"$sd0"'/inflight; dmesg | tail -n 20')"
assert_no_verify_error "$final" "fio after the campaign"
note "ok: fio verify after the campaign ($((SECONDS - t)) s)"
sd1=$(wait_guest_disk 0 0 1)
after=$(guest -t 120 "e2fsck -fn /dev/$sd1 >/tmp/fsck.log 2>&1 || { cat /tmp/fsck.log; exit 1; }
	mount -t ext4 /dev/$sd1 /mnt/d1 && sha256sum </mnt/d1/before | cut -c1-64") || fail "fsck or mount after the campaign: $after"
assert_eq "$after" "$before" "the file written before the campaign reads back (sha256), fsck clean"
head -c 2097152 /dev/urandom >"$VM_DIR/copy.bin"
want=$(sha256sum <"$VM_DIR/copy.bin" | cut -c1-64)
guest "$DAEMONS" >/dev/null
guest_until 20 'pidof hvis-fcopyd >/dev/null' || fail "hvis-fcopyd does not run after the campaign"
sleep 1
r=$(fh copy-file "$VM_DIR/copy.bin" /tmp/in/copied.bin 2>&1)
assert_match "$r" 'status=0x0?0*[^0-9a-fx]|status=0 |status=0$' "ctl copy-file after the campaign succeeds ($r)"
got=$(guest "sha256sum </tmp/in/copied.bin | cut -c1-64")
assert_eq "$got" "$want" "a file copied after the campaign arrives whole (sha256)"
sanitizer_check "the end"
kmemleak_check

note "driver       seen   mutated rounds   secs  replug  reload"
for l in "${SUMMARY[@]}"; do note "$l"; done
note "sanitizer verdict: no KASAN, UBSAN, KFENCE, lockdep, debug-objects, BUG, WARNING, hung-task or soft-lockup report"
[ ${#SHORT[@]} -eq 0 ] || note "below the target of $TARGET mutated messages: ${SHORT[*]}"
