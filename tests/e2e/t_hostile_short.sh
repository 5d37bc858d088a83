#!/bin/bash
# The hostile host, short form (docs/hostile.md): a guest with every device the fake
# host offers (ICs, Dynamic Memory, the NIC on a TAP wire, two SCSI disks, keyboard,
# mouse, video, hvsock) runs ping, fio with crc32c verify and an hvsock stream while
# the fake host mutates its packets and channel messages with a fixed seed
# (`ctl hostile on SEED,RATE`) for a fixed time.  Then the host behaves again and a
# user's checks must hold: the guest is alive, its kernel log has no BUG, KASAN, UBSAN,
# WARNING, Oops, GPF, list corruption, soft lockup or hung task; mutations were
# applied (printed by kind); each device works, or was taken down with a line in the
# log and works again after a reload of the drivers; a file written before the
# campaign reads back with the same sha256, and fio verifies data written after it.
# A garbled storage completion is a lost one to the guest: hvis_storvsc gives up on its
# command after abort_after seconds (10 here) and the bus reset retries it
# (docs/hostile.md); before that, fio could hang for good.
# HOSTILE_WITH (default empty: the default kinds) adds opt-in kinds (with=stall,rescind,
# revoke,rndis) and HOSTILE_ONLY a focus (only=CLASS,...); a device the campaign
# replugged (rescind) is found again and the NIC's address set again before the checks.
source "$(dirname "$0")/../hostile/hostile_lib.sh"

SEED=${HOSTILE_SEED:-20261205}
RATE=${HOSTILE_RATE:-0.05}
SECS=${HOSTILE_SECS:-$(by_tier 30 120)}
WITH=${HOSTILE_WITH:-}
ONLY=${HOSTILE_ONLY:-}
MIN_MUTATIONS=50

# The campaign's guest (tests/hostile/hostile_lib.sh): every device, the NIC up, both
# disks found (sd0, sd1).
hostile_vm_start
note "disks: 0:0:0=$sd0 (fio), 0:0:1=$sd1 (a file written before the campaign)"
# A storage completion the campaign garbles is lost to the guest: give up on its command
# after 10 s (checked every 5 s), not the default 600, so that fio ends in time.
assert_guest "abort_after 10 s, disk timeouts 5 s" \
	"echo 10 >/sys/module/hvis_storvsc/parameters/abort_after &&
	echo 5 >/sys/block/$sd0/device/timeout && echo 5 >/sys/block/$sd1/device/timeout"

# ---- before: 4 MiB of random data on the second disk ----
before=$(guest "head -c 4194304 /dev/urandom >/tmp/before && sha256sum </tmp/before | cut -c1-64 &&
	dd if=/tmp/before of=/dev/$sd1 bs=1M seek=2 oflag=direct 2>/dev/null") ||
	fail "writing the file before the campaign failed: $before"
note "before the campaign: 4 MiB at 2 MiB of $sd1, sha256 $before"

# ---- load: ping, fio verify, an hvsock stream, typing on the console ----
HS=$VM_DIR/hvsock
socat -u UNIX-LISTEN:"$HS/5001.listen",fork OPEN:/dev/null >/dev/null 2>&1 &
HVIS_CLEANUP_CMDS+=("kill $!")
assert_guest "load started" "
	(ping -i 0.05 -w $((SECS + 5)) $NET_HOST4 >/tmp/ping.log 2>&1 &)
	($(fio_verify_cmd /dev/"$sd0" 16M 2 "--time_based --runtime=$((SECS + 10))"); echo rc=\$?) </dev/null >/tmp/fio.log 2>&1 &
	(i=0; while [ \$i -lt $((SECS / 2)) ]; do head -c 262144 /dev/urandom | socat -u - VSOCK-CONNECT:2:5001; i=\$((i + 1)); done) >/tmp/vsock.log 2>&1 &"

# ---- the campaign ----
t0=$SECONDS
opts=()
[ -z "$WITH" ] || opts+=("with=$WITH")
[ -z "$ONLY" ] || opts+=("only=$ONLY")
assert_fh "hostile on (seed $SEED, rate $RATE${opts[*]:+ ${opts[*]}})" hostile on "$SEED,$RATE" "${opts[@]}"
end=$((SECONDS + SECS))
while [ $SECONDS -lt $end ]; do
	fh key a >/dev/null 2>&1 || true
	fh mouse $((RANDOM % 32768)) $((RANDOM % 32768)) >/dev/null 2>&1 || true
	sleep 1
done
# Off first, then the counters: a mutation between the two would otherwise be logged
# but not counted (the counters survive `off`).
assert_fh "hostile off" hostile off
status=$(fh hostile status) || fail "ctl hostile status failed: $status"
note "$SECS s of hostile mode (seed $SEED, rate $RATE):"
note "$(head -n 1 <<<"$status")"
note "by kind: $(awk '$1 == "kind" && $3 > 0 { printf "%s=%s ", $2, $3 }' <<<"$status")"
note "by field: $(awk '$1 == "field" { printf "%s=%s ", $2, $3 }' <<<"$status" | head -c 1500)"
note "by class: $(awk '$1 == "class" && $3 != "seen=0" { printf "%s(%s %s %s) ", $2, $3, $4, $5 }' <<<"$status")"
mutated=$(grep -oE 'mutated=[0-9]+' <<<"$status" | head -n 1 | cut -d= -f2)
assert_ge "${mutated:-0}" "$MIN_MUTATIONS" "mutations applied"
logged=$(grep -c '^hostile seed=' "$VM_DIR/hostile.log" || true)
assert_eq "$logged" "$mutated" "every mutation has its line in hostile.log"

# ---- the guest survived ----
assert_guest "the guest answers after the campaign" true
guest_until $((SECS + 60)) '! pidof fio' || fail "fio still running $((SECS + 60)) s after the campaign"
note "fio under the campaign: $(guest "grep -E 'rc=|err=|verify' /tmp/fio.log | head -n 5" | tr '\n' ' ')"
note "ping under the campaign: $(guest "grep -E 'packets transmitted' /tmp/ping.log")"
bad='WARNING:|BUG:|KASAN|UBSAN|Oops|general protection|list_del corruption|list_add corruption|soft lockup|hung task|blocked for more than|Kernel panic'
found=$(guest "dmesg | grep -E '$bad' | head -n 5")
[ -z "$found" ] || fail "the guest's kernel complained: $found"
note "ok: no $bad in dmesg"
assert_kernel_clean

# The guest's reactions: the drivers' refusal lines, by driver.
refusals=$(guest "dmesg | grep -iE 'hvis|vmbus|storvsc|netvsc|balloon' |
	grep -ciE 'refus|invalid|malformed|bad |unknown|not in flight|broken|too (short|long|big|large)|beyond|above|drop|ignor|unexpected|mismatch'")
note "guest refusal lines in dmesg: ${refusals:-0}"
note "$(guest "dmesg | grep -iE 'refus|invalid|malformed|unknown|not in flight|broken|unexpected' |
	sed -E 's/^\[[ 0-9.]+\] //; s/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -n 25")"

# ---- devices the campaign replugged (with=rescind) come back under new names ----
replugs=$(fh_event_count REPLUG_RESCIND)
if [ "${replugs:-0}" -gt 0 ]; then
	note "the campaign replugged $replugs device(s): $(grep -w REPLUG_RESCIND "$VM_DIR/events.log" |
		grep -oE 'class=[a-z]+' | sort | uniq -c | tr '\n' ' ')"
	# Only the replugged classes' drivers: another may have gone down for a reason of
	# its own (a mutated rescind), which the checks below handle.
	for c in $(grep -w REPLUG_RESCIND "$VM_DIR/events.log" | grep -oE 'class=[a-z]+' | cut -d= -f2 | sort -u); do
		case $c in
		nic) d=hvis_netvsc ;;
		scsi) d=hvis_storvsc ;;
		dm) d=hvis_balloon ;;
		*) d=hvis_$c ;;
		esac
		wait_driver_bound "$d" 90 >/dev/null
	done
	sd0=$(wait_guest_disk 0 0 0 60)
	sd1=$(wait_guest_disk 0 0 1 60)
	guest "echo 5 >/sys/block/$sd0/device/timeout; echo 5 >/sys/block/$sd1/device/timeout" || true
	guest "ip -4 addr show | grep -q '${NET_GUEST4}/'" || net_guest_up >/dev/null
fi
revokes=$(fh_event_count HOSTILE_REVOKE)
[ "${revokes:-0}" -eq 0 ] || note "GPADLs revoked (GPADL_TORNDOWN lies): $revokes"

# ---- once the host behaves: every device works, else it went down with a line ----
net_ok() { guest "ping -c 2 -W 2 $NET_HOST4 >/dev/null"; }
disk_ok() { guest "dd if=/dev/$1 of=/dev/null bs=64k count=16 iflag=direct 2>/dev/null"; }
hb_ok() {
	local a b
	a=$(fh_heartbeat_seq) && sleep 3 && b=$(fh_heartbeat_seq) && [ "$b" -gt "$a" ]
}
broken=()
net_ok || broken+=(nic)
disk_ok "$sd0" && disk_ok "$sd1" || broken+=(disks)
hb_ok || broken+=(heartbeat)
for d in $DRIVERS; do
	guest "ls -d /sys/bus/vmbus/drivers/$d/*-* >/dev/null 2>&1" || broken+=("$d(unbound)")
done
if [ ${#broken[@]} -gt 0 ]; then
	note "not working after the campaign: ${broken[*]}"
	[ "${refusals:-0}" -gt 0 ] || fail "devices broken (${broken[*]}) with no driver line saying why"
	# The host behaves again: the drivers are unloaded and loaded, the bus reconnects.
	assert_guest "hvsock closed" "killall socat ping 2>/dev/null; true"
	guest_unload_all >/dev/null || fail "the hvis modules do not unload after the campaign: $(guest 'lsmod | grep hvis')"
	note "ok: every hvis module unloaded"
	vm_load_vmbus
	assert_guest "modprobe hvis_sock" modprobe hvis_sock
	all_bound 90
	net_guest_up >/dev/null
	sd0=$(wait_guest_disk 0 0 0)
	sd1=$(wait_guest_disk 0 0 1)
fi
net_ok || fail "the NIC does not ping $NET_HOST4 after the campaign"
note "ok: ping works"
wait_for 15 "heartbeats advance" hb_ok
after=$(guest "dd if=/dev/$sd1 bs=1M skip=2 count=4 iflag=direct 2>/dev/null | sha256sum | cut -c1-64")
assert_eq "$after" "$before" "the file written before the campaign reads back (sha256)"
out=$(guest -t 180 "$(fio_verify_cmd /dev/"$sd0" 8M 2)") || fail "fio verify after the campaign failed: $(tail -n 5 <<<"$out")"
assert_no_verify_error "$out" "after the campaign"
assert_match "$out" 'err= *0' "fio after the campaign: no error"
got=$(guest -t 30 "echo hello | socat -u - VSOCK-CONNECT:2:5001 && echo sent") ||
	fail "hvsock to the host after the campaign: $got"
note "ok: hvsock connects after the campaign"
found=$(guest "dmesg | grep -E '$bad' | head -n 5")
[ -z "$found" ] || fail "the guest's kernel complained during recovery: $found"
assert_kernel_clean
note "campaign and recovery took $((SECONDS - t0)) s"
