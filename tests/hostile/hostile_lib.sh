#!/bin/bash
# hostile_lib.sh: what the hostile campaign (t_campaign.sh) and the churn test
# (t_churn.sh) share: a guest with every device the fake host offers, the class names
# and their drivers, the guest's sanitizer check and the kmemleak scan.
source "$(dirname "${BASH_SOURCE[0]}")/../qemu/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/net_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/storvsc_lib.sh"

# Classes `ctl pump` sends messages to back to back: the host's own (the ICs, dm, the
# console), and for the NIC, the disks and the bus messages the guest drops (pump.c).
PUMPED=" heartbeat shutdown timesync kvp vss fcopy dm kbd mouse video nic scsi bus "
DRIVERS="hvis_heartbeat hvis_shutdown hvis_timesync hvis_kvp hvis_vss hvis_fcopy hvis_balloon
	hvis_netvsc hvis_storvsc hvis_kbd hvis_mouse hvis_video hvis_echo"

# Boots a guest with every device (two SCSI disks, the NIC on a TAP in a namespace),
# loads hvis and waits for every driver; sets sd0, sd1 and kasan (1 on a debug kernel).
hostile_vm_start() {
	export HVIS_GUEST_TOOLS="ip fio mkfs.ext4 e2fsck"
	export HVIS_GUEST_KMODS="sd_mod ext4 crc32c_generic hid_generic evdev"
	VM_MEM_BYTES=$((2048 * 1024 * 1024))
	# tsc=unstable: TCG's guest TSC follows the host's raw TSC, which jumps when the
	# machine running QEMU is itself a VM that is snapshotted and resumed (stop 36: 42,452 s
	# at once, an hour into a run, whose guest then reported a 39,537 s soft lockup and an
	# RCU stall).  The guest keeps time by the HPET (QEMU's monotonic clock) instead, and
	# its scheduler clamps the TSC to a tick past that.
	VM_APPEND="mem=1G memhp_default_state=online tsc=unstable"
	FH_DEVICES="heartbeat,shutdown,timesync,kvp,vss,fcopy,dm,nic,scsi,kbd,mouse,video,echo"
	D0=$(disk_image c0.img 64M)
	D1=$(disk_image c1.img 64M)
	FH_ARGS=(--disks "0:0:0=$D0,0:0:1=$D1")
	net_setup
	vm_start "$KVER"
	assert_fh "dm config" dm config startup=1G policy=fixed target=1G
	vm_load_vmbus
	assert_guest "modprobe hvis_sock" modprobe hvis_sock
	kasan=$(guest 'dmesg | grep -c "KernelAddressSanitizer initialized"')
	if [ "${kasan:-0}" -gt 0 ]; then
		note "debug kernel: KASAN, lockdep and kmemleak on"
	else
		note "not a debug kernel: only the kernel's own checks (make hostile uses debug-6.12)"
	fi
	all_bound
	net_guest_up >/dev/null
	sd0=$(wait_guest_disk 0 0 0)
	sd1=$(wait_guest_disk 0 0 1)
	if [ "${kasan:-0}" -gt 0 ]; then
		# What leaked before this point is not the campaign's: scan and set it aside.
		guest -t 900 'echo scan >/sys/kernel/debug/kmemleak && echo clear >/sys/kernel/debug/kmemleak' ||
			fail "kmemleak: the first scan"
	fi
}

# Every hvis driver is bound to a device within SECS (90), or the test fails naming the
# ones that are not.
all_bound() { # [secs]
	local secs=${1:-90} d check= missing
	# One guest command for all of them: on the debug kernel under load each round trip
	# to the guest takes seconds.
	for d in $DRIVERS; do check+="ls -d /sys/bus/vmbus/drivers/$d/*-* && "; done
	guest_until "$secs" "${check}true" && return 0
	missing=$(guest "for d in $(echo $DRIVERS); do
		ls -d /sys/bus/vmbus/drivers/\$d/*-* >/dev/null 2>&1 || echo \$d; done" | tr '\n' ' ')
	fail "drivers not bound to a device within ${secs}s: ${missing}(lsmod: $(guest lsmod | tr '\n' ' '))"
}

# The host's relid of CLASS's primary channel, or nothing: open, offered, closed (the
# guest's probe of a device offered again gave up on a hostile answer and closed it), or
# one whose ring the hostile mode revoked.  Replugging it is the way back from each.
relid_of() {
	fh status | awk -v c="class=$1" '$1 == "channel" && $3 == c && $4 == "sub=0" &&
		$5 ~ /state=(open|offered|closed|revoked)/ { sub("relid=", "", $2); print $2; exit }'
}
# The same, open only.
open_relid_of() {
	fh status | awk -v c="class=$1" '$1 == "channel" && $3 == c && $4 == "sub=0" &&
		$5 == "state=open" { sub("relid=", "", $2); print $2; exit }'
}
# How many pump messages the host sent to CLASS's devices so far.
pumped_now() { fh pump status | awk -v c="$1" '$2 == c { sub("sent=", "", $4); s += $4 } END { print s + 0 }'; }
# Whether the host pumps CLASS now.
pump_is_on() { fh pump status | grep -q "^pump $1 on"; }
# What the campaign's and the churn's health checks share.  CLASS's driver is bound:
class_bound() { # class [secs]: bound now, or within SECS
	local check="ls -d /sys/bus/vmbus/drivers/$(driver_of "$1")/*-* >/dev/null 2>&1"
	if [ -n "${2:-}" ]; then guest_until "$2" "$check"; else guest "$check"; fi
}
# The host's pump messages to CLASS flow: their count grows within 2 s, in one of TRIES.
pump_flows() { # class [tries]
	local a i
	for ((i = 0; i < ${2:-1}; i++)); do
		a=$(pumped_now "$1")
		sleep 2
		[ "$(pumped_now "$1")" -le "$a" ] || return 0
	done
	return 1
}
nic_pings() { guest "ping -c 2 -W 3 $NET_HOST4 >/dev/null"; }
disk_reads() { guest -t 60 "dd if=/dev/$1 of=/dev/null bs=64k count=16 iflag=direct 2>/dev/null"; }
driver_of() {
	case $1 in
	dm) echo hvis_balloon ;; nic) echo hvis_netvsc ;; scsi) echo hvis_storvsc ;;
	hvsock) echo hvis_sock ;; bus) echo hvis_echo ;; *) echo "hvis_$1" ;;
	esac
}
# The integration services' daemons, as a user runs them (each started if not running:
# an unplugged device takes its daemon's file away).  KVP and VSS hold their version
# negotiation for their daemon.  hvis-kvpd keeps its pools in /var/lib/hyperv, whose
# parent a Debian system has and the test initramfs has not (until stop 32 no hvis-kvpd
# ran in the campaign: every KVP request was refused before its body was parsed).
DAEMONS="mkdir -p /tmp/in /var/lib/hyperv; for d in hvis-kvpd hvis-vssd hvis-fcopyd; do
	pidof \$d >/dev/null || (\$d -n >>/tmp/\$d.log 2>&1 &); done"
# Each holds its device's file open, and so its module: stopped (and gone) before an unload.
DAEMONS_STOP="killall hvis-kvpd hvis-vssd hvis-fcopyd 2>/dev/null
	for i in \$(seq 100); do pidof hvis-kvpd hvis-vssd hvis-fcopyd >/dev/null || break; sleep 0.1; done"
# Their first start: each daemon's registration line within 30 s.
daemons_registered() {
	guest_until 30 'for w in "KVP: daemon registered" "VSS: daemon registered" "FCopy: daemon registered"; do
		dmesg | grep -q "$w" || exit 1; done' ||
		fail "the integration services' daemons did not all register: $(guest 'tail -n 2 /tmp/hvis-*.log' | tr '\n' '|')"
}
# The echo device answers: 100 packets out through hvis_echo's debugfs run file, 100 back.
echo_works() {
	local r res
	r=$(guest_relid_of hvis_echo) || return 1
	res=$(guest -t 60 "echo 100 >/sys/kernel/debug/hvis_echo/$r/run && cat /sys/kernel/debug/hvis_echo/$r/result") ||
		return 1
	[ "$(kv "$res" received)" = 100 ]
}
# A guest loop of echo runs (1000 packets each) until /tmp/stop exists.  While
# /tmp/pause-echo exists it runs none and says so with /tmp/echo-paused: a run holds its
# debugfs file open, and so hvis_echo, as an open socket holds hvis_sock.
ECHO_LOOP='(while [ ! -e /tmp/stop ]; do
	if [ -e /tmp/pause-echo ]; then touch /tmp/echo-paused; sleep 0.2; continue; fi
	rm -f /tmp/echo-paused
	for f in /sys/kernel/debug/hvis_echo/*/run; do
	[ -e "$f" ] && echo 1000 >"$f" 2>/dev/null; done; sleep 0.2; done >/dev/null 2>&1 &)'


# What a sanitizer, lockdep, debug-objects or the kernel's own checks print.
HOSTILE_BAD='WARNING:|BUG:|KASAN|UBSAN|KFENCE|Oops|general protection|list_del corruption|list_add corruption|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU|ODEBUG|soft lockup|hung task|blocked for more than|Kernel panic'
# The guest's kernel log is read from its serial console, which gets every line (the
# harness's init sets printk level 7): the guest's own ring buffer (dmesg) wraps under a
# long phase's refusal lines, and a report early in a round would be gone by its end.
serial_log() { tr -d '\r' <"$VM_DIR/serial.log"; }
serial_mark() { SERIAL_MARK=$(wc -l <"$VM_DIR/serial.log"); }
serial_since() { serial_log | tail -n +$((SERIAL_MARK + 1)); }
sanitizer_check() { # where
	local found
	guest true || fail "$1: the guest does not answer"
	found=$(serial_log | grep -E "$HOSTILE_BAD" | head -n 20)
	[ -z "$found" ] || fail "$1: the guest's kernel reported:
$found
$(serial_log | grep -E -m 1 -A 60 "$HOSTILE_BAD")"
}

# On a debug kernel: kmemleak finds no unreferenced object allocated from hvis code (a
# backtrace through an hvis function, or through an address of an unloaded module).
kmemleak_check() {
	local report total hvis
	[ "${kasan:-0}" -gt 0 ] || return 0
	sleep 6		# objects younger than 5 s are not reported
	guest -t 900 'echo scan >/sys/kernel/debug/kmemleak' || fail "kmemleak: scan"
	report=$(guest 'cat /sys/kernel/debug/kmemleak')
	total=$(grep -c '^unreferenced object' <<<"$report" || true)
	hvis=$(awk '/^unreferenced object/ { if (b != "" && h) print b; b = ""; h = 0 }
		{ b = b $0 "\n" }
		/hvis_|^ +(\[<[0-9a-f]+>\] )?0xffffffff[a-f][0-9a-f]+ *$/ { h = 1 }
		END { if (b != "" && h) print b }' <<<"$report")
	[ -z "$hvis" ] || fail "kmemleak: objects allocated from hvis code leaked:
$(head -n 60 <<<"$hvis")"
	note "ok: kmemleak: no hvis object among $total unreferenced objects"
}
