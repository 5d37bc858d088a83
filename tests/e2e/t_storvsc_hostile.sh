#!/bin/bash
# Synthetic storage against a hostile or failing host: every `ctl disk bad` case is fed
# while fio writes and verifies with crc32c; each is refused with one kernel line naming
# the field, and fio never reads wrong data (a request may fail, never complete with
# wrong bytes).  The four bad QUERY_PROPERTIES answers are fed to fresh loads of the
# driver, and a load runs under the host's stream of completions of I/O never sent.  A
# subchannel, then the whole controller, is rescinded in the middle of fio: nothing
# hangs, the module still unloads; a rescind ends a probe that waits for the host.  The
# IDE accelerator class serves a disk too, and the Fibre Channel class one, its fc_host
# showing the host's port WWN.
source "$(dirname "$0")/storvsc_lib.sh"

VM_SMP=2
STORVSC_OPTS="storvsc_vcpus_per_sub_channel=1"
FH_DEVICES="heartbeat,shutdown,scsi,ide,fc"
N_CONTROLLERS=3
DISK=$(disk_image h.img 64M)
IDE=$(disk_image ide.img 32M)
FCD=$(disk_image fc.img 16M)
FH_ARGS=(--disks "0:0:0=$DISK,1:0:0=$IDE,2:0:0=$FCD")
storvsc_vm_start


sd=$(wait_guest_disk 0 0 0)
ide_inst=$(controller_inst 1)
ide=$(wait_guest_disk "$ide_inst" '*' 0)
sdfc=$(wait_guest_disk 2 0 0)
note "disks: 0:0:0=$sd, IDE 1:0:0=$ide, FC 2:0:0=$sdfc"

# ---- the IDE class: one channel, data lands in the image ----
assert_eq "$(guest "ls -d /sys/block/$ide/mq/* | wc -l")" 1 "IDE controller: one hardware queue (no subchannels)"
assert_eq "$(grep -w STOR_SUBCHANNELS "$VM_DIR/events.log" | grep -cw c=1)" 0 "IDE controller: no subchannels asked"
assert_eq "$(guest blockdev --getsize64 /dev/$ide)" $((32 << 20)) "IDE disk: 32 MiB"
assert_guest "IDE disk: 1 MiB written at 1 MiB" \
	"head -c 1048576 /dev/urandom >/tmp/p && dd if=/tmp/p of=/dev/$ide bs=1M seek=1 oflag=direct 2>/dev/null"
assert_eq "$(dd if="$IDE" bs=1M skip=1 count=1 2>/dev/null | sha256sum | cut -c1-64)" \
	"$(guest sha256sum /tmp/p | cut -c1-64)" "IDE disk: the guest's write is in the image"

# ---- the FC controller: its scsi_host is an fc_host with the host's port WWN ----
fcinst=$(controller_inst 2)
fch=$(guest "basename \$(ls -d /sys/bus/vmbus/devices/$fcinst/host* | head -n 1)")
pn=$(guest cat /sys/class/fc_host/$fch/port_name) || fail "no /sys/class/fc_host/$fch/port_name"
nn=$(guest cat /sys/class/fc_host/$fch/node_name) || fail "no /sys/class/fc_host/$fch/node_name"
note "fc_host $fch: port_name=$pn node_name=$nn"
# The host's FCHBA_DATA WWNs, as `disk stats` of the FC controller prints them
# (docs/fakehost-ctl.md): the guest's fc_host must show exactly those.
host_pn=$(fh disk stats 2 | grep -oE 'port_wwn=0x[0-9a-fA-F]+' | cut -d= -f2)
host_nn=$(fh disk stats 2 | grep -oE 'node_wwn=0x[0-9a-fA-F]+' | cut -d= -f2)
[ -n "$host_pn" ] && [ -n "$host_nn" ] || fail "disk stats 2 prints no port_wwn/node_wwn"
assert_eq "${pn,,}" "${host_pn,,}" "fc_host port_name = the host's port WWN"
assert_eq "${nn,,}" "${host_nn,,}" "fc_host node_name = the host's node WWN"
assert_match "${pn,,}" '^0x1000[0-9a-f]{12}$' "fc_host port_name is the host's 10:00:... WWN, in wire byte order"
assert_eq "${nn,,}" "0x2000${pn:6}" "fc_host node_name is 20:00: and the port WWN's six bytes"
[ "${pn:6}" != 000000000000 ] || fail "fc_host port_name carries no host bytes: $pn"

assert_guest "FC disk: write and read back 256 KiB" \
	"head -c 262144 /dev/urandom >/tmp/q && dd if=/tmp/q of=/dev/$sdfc bs=64k oflag=direct 2>/dev/null &&
	dd if=/dev/$sdfc bs=64k count=4 iflag=direct 2>/dev/null | cmp - /tmp/q"

# fio_bg NAME SIZE: fio random read/write with crc32c verify on $sd in the background,
# 2 jobs of SIZE each; its output and exit status go to /tmp/NAME.log.
fio_bg() {
	assert_guest "fio $1 started" "($(fio_verify_cmd /dev/$sd "$2" 2) ${3:-}
		echo rc=\$?) </dev/null >/tmp/$1.log 2>&1 &"
}
# fio_end NAME SECS: waits for fio, then FIO_OUT is its log.
fio_end() {
	guest_until "$2" '! pidof fio' || fail "$1: fio still running after $2 s: $(guest "tail -n 5 /tmp/$1.log; ps | grep fio")"
	FIO_OUT=$(guest cat "/tmp/$1.log")
}
host_requests() { chan_stats 0 | awk '{ s += $2 } END { print s + 0 }'; }
requests_ge() { [ "$(host_requests)" -ge "$1" ]; }

# ---- bad completions and offers while fio verifies ----
# The refusal each case must log: the field, and what is wrong with it.
field_of() {
	case $1 in
	unknown-tid | wild-queue-tid) echo "trans_id .*not in flight" ;;
	dup-completion) echo "trans_id .*(not in flight|completed already)" ;;
	overlong-data) echo "data_transfer_length (beyond|above|[0-9]+ refused)" ;;
	long-sense) echo "sense_info_length (above|[0-9]+ refused)" ;;
	bad-srb-status) echo "srb_status (unknown|0x3f refused)|unknown srb_status" ;;
	short-completion) echo "shorter than a vstor_packet.*retried" ;;
	huge-completion) echo "too big for a vstor_packet.*retried" ;;
	unasked-subchannel) echo "sub_?channel.*(not asked|refused)|refused.*sub_?channel" ;;
	props-*-channels) echo "max_channel_cnt" ;;
	props-*-xfer) echo "max_transfer_bytes" ;;
	esac
}
# bad_under_fio CASE: CASE fed into a 4 MiB fio verify run, then fio's end; FIO_OUT is
# its log (checked for wrong data), BAD_SINCE the host's event log before it.  Armed
# before fio starts, to fire 100 completions into it: a fast fio cannot end before the
# case is armed (it did once, waiting for 100 requests first).
bad_under_fio() {
	guest_log_mark
	BAD_SINCE=$(fh_since)
	if [ "$1" = unasked-subchannel ]; then
		fio_bg "$1" 4M
		assert_fh "disk bad 0 $1" disk bad 0 "$1"
	else
		assert_fh "disk bad 0 $1 after=100" disk bad 0 "$1" after=100
		fio_bg "$1" 4M
	fi
	fh wait-event DISK_BAD --since "$BAD_SINCE" --timeout 30 >/dev/null || fail "$1: no DISK_BAD event"
	fio_end "$1" 120
	assert_no_verify_error "$FIO_OUT" "$1"
}
for c in unknown-tid wild-queue-tid dup-completion overlong-data long-sense bad-srb-status short-completion huge-completion unasked-subchannel; do
	bad_under_fio "$c"
	out=$FIO_OUT
	if grep -q '^rc=0$' <<<"$out"; then
		note "ok: $c: fio passed its verification"
	else
		assert_match "$out" "Input/output error|err= ?[1-9]" "$c: fio failed with an I/O error, not wrong data"
	fi
	f=$(field_of "$c")
	guest_until 10 "dmesg | tail -n +$((GUEST_LOG_MARK + 1)) | grep -E 'hvis_storvsc.*refused' | grep -Eq '$f'" ||
		fail "$c: no hvis_storvsc refusal naming $f: $(guest_log_since | grep -i storvsc | tail -n 5)"
	note "ok: $c refused: $(guest_log_since | grep -E 'hvis_storvsc.*refused' | head -n 1)"
done
# The disk still works after them all (each case's fio also ran after the one before).
out=$(guest -t 120 "$(fio_verify_cmd /dev/$sd 1M 2)") || fail "fio verify after the bad completions failed: $(tail -n 15 <<<"$out")"
assert_no_verify_error "$out" "after the bad completions"

# ---- an answer the host loses, and one it sends late: given up, bus reset, retried ----
# With abort_after 6 s and the device's timeout 3 s, the command whose answer never
# comes is given up after 6-9 s; the SCSI error handler resets the bus and retries it,
# and fio completes and verifies.  The late answer turns up after the reset (the fake
# host holds it until it has answered RESET_BUS): its command was given up or already
# sent again, so it is refused, never taken as the retry's answer.
assert_guest "abort_after 6 s, $sd timeout 3 s" \
	"echo 6 >/sys/module/hvis_storvsc/parameters/abort_after && echo 3 >/sys/block/$sd/device/timeout"
for c in lost-completion late-completion; do
	bad_under_fio "$c"
	s=$BAD_SINCE out=$FIO_OUT
	assert_match "$out" '^rc=0$' "$c: fio completed and verified"
	# The lost answer is the 101st completion after arming: mostly one of fio's, which
	# then waited for the retry, but it can be another command of the disk's (one CI run
	# saw fio end first), so the line may still be to come.
	up='hvis_storvsc.*no answer from the host in [0-9]+ s; given up'
	guest_until 30 "dmesg | tail -n +$((GUEST_LOG_MARK + 1)) | grep -Eq '$up'" ||
		fail "$c: no 'given up' line within 30 s: $(guest_log_since | grep -i storvsc | tail -n 5)"
	gave=$(guest_log_since | grep -E "$up" | head -n 1)
	secs=$(grep -oE 'in [0-9]+ s' <<<"$gave" | grep -oE '[0-9]+')
	[ "$secs" -ge 6 ] && [ "$secs" -le 20 ] || fail "$c: given up after $secs s, not 6-20 s: $gave"
	note "ok: $c: $(sed -E 's/^\[[ 0-9.]+\] //' <<<"$gave")"
	fh wait-event STOR_RESET --since "$s" --timeout 30 >/dev/null || fail "$c: the guest sent no bus reset"
	guest_until 10 "dmesg | tail -n +$((GUEST_LOG_MARK + 1)) | grep -q 'hvis_storvsc.*bus reset (try 1)'" ||
		fail "$c: no 'bus reset (try 1)' line: $(guest_log_since | grep -i storvsc | tail -n 5)"
	note "ok: $c: bus reset at the first try"
	if [ "$c" = late-completion ]; then
		fh wait-event DISK_LATE --since "$s" --timeout 30 >/dev/null || fail "late-completion: the host never sent it"
		guest_until 10 "dmesg | tail -n +$((GUEST_LOG_MARK + 1)) | grep -Eq 'hvis_storvsc.*refused: trans_id .*not in flight \((completed or given up already|not its tag.s current send)\)'" ||
			fail "late-completion: not refused: $(guest_log_since | grep -i storvsc | tail -n 5)"
		note "ok: late-completion refused: $(guest_log_since | grep -E 'hvis_storvsc.*refused' | tail -n 1 | sed -E 's/^\[[ 0-9.]+\] //')"
	fi
done
assert_guest "abort_after and the timeout back to their defaults" \
	"echo 600 >/sys/module/hvis_storvsc/parameters/abort_after && echo 180 >/sys/block/$sd/device/timeout"

# ---- bad QUERY_PROPERTIES answers, each to a fresh load ----
unload() {
	assert_guest "rmmod hvis_storvsc" "$(rmmod_storvsc_cmd)"'
		i=0; while ls /sys/block | grep -q ^sd; do i=$((i + 1)); [ $i -lt 50 ] || exit 1; sleep 0.2; done'
}
for c in props-zero-channels props-huge-channels props-zero-xfer props-huge-xfer; do
	unload
	guest_log_mark
	s=$(fh_since)
	assert_fh "disk bad 0 $c" disk bad 0 "$c"
	assert_guest "modprobe hvis_storvsc ($c)" modprobe hvis_storvsc
	fh wait-event DISK_BAD --since "$s" --timeout 30 >/dev/null || fail "$c: no DISK_BAD event"
	f=$(field_of "$c")
	guest_until 20 "dmesg | tail -n +$((GUEST_LOG_MARK + 1)) | grep -E 'hvis_storvsc.*refused' | grep -Eq '$f'" ||
		fail "$c: no hvis_storvsc refusal naming $f: $(guest_log_since | grep -i storvsc | tail -n 5)"
	note "ok: $c refused: $(guest_log_since | grep -E 'hvis_storvsc.*refused' | head -n 1)"
	# Whatever the driver made of it, a disk it shows must keep the data right.
	if d=$(guest_disk 0 0 0); then
		out=$(guest -t 120 "$(fio_verify_cmd /dev/$d 1M 2)") || fail "$c: fio verify on $d failed: $(tail -n 15 <<<"$out")"
		assert_no_verify_error "$out" "$c"
		note "ok: $c: the disk came up ($d) and verifies"
	else
		note "ok: $c: controller 0 not brought up"
	fi
done
# ---- completions of I/O never sent, from the host's first answer on ----
# The fake host's pump sends them back to back (and an ENUMERATE_BUS every 64th), also
# while the driver initializes.  The hostile campaign found the driver looking their tag
# up before scsi_add_host had made the tag set: a NULL dereference in softirq.
unload
guest_log_mark
assert_fh "pump on scsi" pump on scsi
assert_guest "modprobe hvis_storvsc (the host pumping completions of I/O never sent)" modprobe hvis_storvsc
sd=$(wait_guest_disk 0 0 0)
out=$(guest -t 120 "$(fio_verify_cmd /dev/$sd 1M 2)") || fail "fio verify under the pump failed: $(tail -n 15 <<<"$out")"
assert_no_verify_error "$out" "under the pump"
assert_fh "pump off scsi" pump off scsi
pumped=$(fh pump status | awk '$2 == "scsi" { sub("sent=", "", $4); print $4 }')
[ "${pumped:-0}" -ge 1000 ] || fail "the pump sent only ${pumped:-0} messages to controller 0"
guest_until 10 "dmesg | tail -n +$((GUEST_LOG_MARK + 1)) | grep -q 'hvis_storvsc.*refused: trans_id 0x7fffffff.*not in flight'" ||
	fail "no refusal of a pumped completion: $(guest_log_since | grep -i storvsc | tail -n 5)"
note "ok: loaded and verified with $pumped pumped messages, refused: $(guest_log_since | grep -E 'hvis_storvsc.*refused' | head -n 1 | sed -E 's/^\[[ 0-9.]+\] //')"

unload
assert_guest "modprobe hvis_storvsc (clean properties)" modprobe hvis_storvsc
sd=$(wait_guest_disk 0 0 0)
assert_match "$(grep -w STOR_SUBCHANNELS "$VM_DIR/events.log" | grep -w c=0 | tail -n 1)" "asked=1 offered=1" \
	"a clean load asks for its subchannel again"
guest_until 20 "[ \$(ls -d /sys/block/$sd/mq/* | wc -l) -eq 2 ]" || fail "$sd: not 2 hardware queues after the clean load"

# ---- rescind a subchannel in the middle of fio ----
sub=$(fh disk stats 0 | grep -w 'sub=1' | grep -oE 'relid=[0-9]+' | cut -d= -f2)
[ -n "$sub" ] || fail "no subchannel in: $(fh disk stats 0)"
r0=$(host_requests)
fio_bg rescind-sub 16M
wait_for 60 "fio's requests reach the host" requests_ge $((r0 + 300))
# An open subchannel's relid is released when the driver closes it (as upstream's
# vmbus_onoffer_rescind): the driver closes it at once, requeueing what was in flight
# on it (the host answers nothing more there).
assert_fh "rescind subchannel relid $sub" rescind "$sub"
fio_end rescind-sub 120
wait_for 30 "the guest released the rescinded subchannel (relid $sub) while the controller stays" \
	grep -Eq "RELID_RELEASED relid=$sub( |\$)" "$VM_DIR/events.log"
out=$FIO_OUT
assert_no_verify_error "$out" "subchannel rescind"
note "fio across the subchannel rescind: $(grep -E '^rc=|err=' <<<"$out" | tr '\n' ' ')"
out=$(guest -t 120 "$(fio_verify_cmd /dev/$sd 1M 2)") || fail "fio verify after the subchannel rescind failed: $(tail -n 15 <<<"$out")"
assert_no_verify_error "$out" "after the subchannel rescind"
note "ok: the disk verifies on the remaining channel"

# ---- rescind the controller in the middle of fio ----
inst=$(controller_inst 0)
prim=$(fh list | awk -v i="$inst" '$4 == i { print $1 }')
fio_bg rescind-ctl 16M
r0=$(host_requests)
wait_for 60 "fio's requests reach the host" requests_ge $((r0 + 300))
s=$(fh_since)
assert_fh "rescind controller relid $prim" rescind "$prim"
released() { grep -Eq "RELID_RELEASED relid=$1( |\$)" "$VM_DIR/events.log"; }
wait_for 30 "the guest released the controller's channel (relid $prim)" released "$prim"
wait_for 30 "the guest released the rescinded subchannel (relid $sub)" released "$sub"
guest_until 60 "[ ! -e /sys/block/$sd ]" || fail "$sd still there 60 s after the controller rescind"
fio_end rescind-ctl 120
out=$FIO_OUT
assert_no_verify_error "$out" "controller rescind"
assert_no_match "$out" "^rc=0$" "fio failed when its disk went away"
note "fio across the controller rescind: $(grep -E '^rc=|err=' <<<"$out" | tr '\n' ' ')"
assert_eq "$(guest "ls /sys/bus/vmbus/drivers/hvis_storvsc/ | grep -c -- -")" 2 "hvis_storvsc keeps the IDE and FC controllers"
ide=$(wait_guest_disk "$ide_inst" '*' 0)
assert_guest "IDE disk still reads" "dd if=/dev/$ide bs=1M skip=1 count=1 iflag=direct 2>/dev/null | cmp - /tmp/p"

# ---- removal while the host leaves a command unanswered ----
# The SYNCHRONIZE CACHE sd sends on removal loses its completion, as when a hostile
# campaign's garbled RESCIND left the host silent on a controller (docs/hostile.md).  The
# removal must end: the command is given up after abort_after like any other and the bus
# reset retries it, instead of its timer being restarted for good.  The IDE controller
# is the host's first now (the SCSI one left its configuration with the rescind).
assert_guest "abort_after 6 s, $ide timeout 3 s, a write in its cache" \
	"echo 6 >/sys/module/hvis_storvsc/parameters/abort_after && echo 3 >/sys/block/$ide/device/timeout &&
	head -c 65536 /dev/urandom | dd of=/dev/$ide bs=64k seek=4 2>/dev/null && udevadm settle -t 30"
# udev's probe of the written disk is over before the host loses an answer: the lost one
# is the removal's, not blkid's.
guest_log_mark
s=$(fh_since)
assert_fh "the IDE controller's next completion is lost" disk bad 0 lost-completion
t0=$SECONDS
out=$(guest -t 120 "$(rmmod_storvsc_cmd) && echo removed") ||
	fail "rmmod hvis_storvsc failed or did not return in 120 s with a lost completion: $out $(guest_log_since | grep -iE 'storvsc|sd ' | tail -n 5)"
assert_match "$out" removed "rmmod hvis_storvsc returned ($((SECONDS - t0)) s)"
fh wait-event STOR_RESET --since "$s" --timeout 5 >/dev/null || fail "the guest sent no bus reset for the lost command"
note "ok: $(guest_log_since | grep -E 'hvis_storvsc.*given up' | head -n 1 | sed -E 's/^\[[ 0-9.]+\] //')"

# ---- a rescind while the driver's probe waits for the host ----
# The host unplugs and plugs the IDE controller (the host's first now) and loses the
# first completion of the new probe's scan (the one after the removal's cache flush); it
# then rescinds the controller.  The probe runs in the bus's offer work, which the
# rescind's work queues behind: the command that waits must fail at once so that the
# probe ends and the removal runs.  Before, the probe
# waited for the command's timeout and then abort_after (600 s), and the bus handled no
# offer or rescind meanwhile.
assert_guest "modprobe hvis_storvsc" modprobe hvis_storvsc
ide=$(wait_guest_disk "$ide_inst" '*' 0)
old=$(fh list | awk -v i="$ide_inst" '$4 == i { print $1 }')
s=$(fh_since)
# The removal's SYNCHRONIZE CACHE (write cache on) is answered; the next is the scan's.
assert_fh "the IDE controller's second completion from now is lost" disk bad 0 lost-completion after=1
assert_fh "unplug and plug the IDE controller (relid $old)" replug "$old"
fh wait-event DISK_BAD --since "$s" --timeout 60 >/dev/null || fail "the new probe's scan sent no I/O"
new=$(fh list | awk -v i="$ide_inst" '$4 == i { print $1 }')
[ -n "$new" ] && [ "$new" != "$old" ] || fail "no new relid for the IDE controller: $(fh list)"
sleep 2
guest "ls -d /sys/bus/vmbus/devices/$ide_inst/host*/target*/*/block/*" >/dev/null 2>&1 &&
	fail "the IDE disk came up with its scan's completion lost"
t0=$SECONDS
assert_fh "rescind the IDE controller (relid $new)" rescind "$new"
wait_for 30 "the guest released the IDE controller's channel (relid $new)" released "$new"
note "ok: the probe ended and the channel was released $((SECONDS - t0)) s after the rescind"
assert_kernel_clean
