#!/bin/bash
# CPU hotplug with channels bound to CPUs (drivers/vmbus/cpu_hotplug.c, docs/architecture.md
# "CPU hotplug").  A guest with 2 vCPUs of at most 3 and a SCSI disk whose two channels
# interrupt CPUs 0 and 1, under direct I/O the whole time:
#   - CPU 1 goes offline: its channel moves to CPU 0 (MODIFYCHANNEL seen by the host), the
#     I/O running meanwhile completes and its data reads back;
#   - CPU 1 comes back and a channel moves to it again through sysfs;
#   - a third vCPU is plugged in through QMP (device_add), brought online, a channel is
#     moved to it and its interrupts arrive there (the fake-host vector of CPU 2 counts
#     on CPU 2 in /proc/interrupts);
#   - the vCPU is unplugged (device_del): the kernel offlines it and its channel moves.
# CPU 0, which receives the VMBus messages, cannot be offlined here (x86 keeps it).
# The plug-in half needs a kernel that counts QEMU 7.2's absent CPU as possible: 6.1 does,
# 6.12 does not (it says so and stops after the offline/online half).
# kernels: all
source "$(dirname "$0")/storvsc_lib.sh"

export VM_SMP=2 VM_MAXCPUS=3 VM_QMP=1
export HVIS_GUEST_KMODS="sd_mod"
FH_DEVICES="heartbeat,shutdown,scsi"
IMG=$(disk_image hotplug.img 64M)
FH_ARGS=(--disks "0:0:0=$IMG")
vm_start "$KVER"
vm_load_vmbus
storvsc_wait_bound 1
sd=$(wait_guest_disk 0 0 0)
CH=/sys/bus/vmbus/drivers/hvis_storvsc/*-*/channels

# "relid:cpu" of each channel of the disk's controller.
chan_cpus() { guest "for c in $CH/*; do echo \$(basename \$c):\$(cat \$c/cpu); done" | sort -n | tr '\n' ' '; }
# Direct I/O in the background: 16 MiB of random data written and read back by sha256.
io_start() {
	guest "head -c 16777216 /dev/urandom >/tmp/io.$1
		(dd if=/tmp/io.$1 of=/dev/$sd bs=64K oflag=direct 2>/tmp/io.$1.err &&
		 dd if=/dev/$sd bs=64K count=256 iflag=direct 2>>/tmp/io.$1.err | sha256sum >/tmp/io.$1.back;
		 echo \$? >/tmp/io.$1.rc) >/dev/null 2>&1 &"
}
io_check() {
	guest_until 120 "[ -s /tmp/io.$1.rc ]" || fail "$2: the I/O did not finish within 120 s"
	assert_eq "$(guest cat /tmp/io.$1.rc)" 0 "$2: the direct I/O finished without error"
	assert_eq "$(guest "cut -c1-64 /tmp/io.$1.back")" "$(guest "sha256sum </tmp/io.$1 | cut -c1-64")" \
		"$2: the 16 MiB written read back unchanged"
}
modified_since() { # SEQ RELID CPU: a CHANNEL_MODIFIED for RELID to CPU after SEQ
	awk -v s="$1" -v r="relid=$2" -v c="cpu=$3" '$1 > s && $2 == "CHANNEL_MODIFIED" {
		f = 0; for (i = 3; i <= NF; i++) if ($i == r) f++; else if ($i == c) f++; if (f == 2) ok = 1 }
		END { exit !ok }' "$VM_DIR/events.log"
}
# The shell's redirection does not expand a glob: the loop names the one file.
chan_to() { echo "for f in $CH/$1/cpu; do echo $2 >\$f; done"; }
last_seq() { tail -n 1 "$VM_DIR/events.log" | cut -d' ' -f1; }

before=$(chan_cpus)
note "channels (relid:cpu): $before"
assert_eq "$(wc -w <<<"$before")" 2 "the controller has two channels (primary and one subchannel)"
# The perf-class round robin may have put both on one CPU: make sure one is on CPU 1.
if ! grep -q ':1 ' <<<"$before"; then
	relid=${before%%:*}
	assert_guest "channel $relid moved to CPU 1 through sysfs" "$(chan_to "$relid" 1)"
fi
on1=$(chan_cpus | tr ' ' '\n' | awk -F: '$2 == 1 { print $1; exit }')
[ -n "$on1" ] || fail "no channel on CPU 1: $(chan_cpus)"

# ---- CPU 1 offline under I/O ----
seq=$(last_seq)
io_start 1
assert_guest "CPU 1 goes offline while I/O runs" "echo 0 >/sys/devices/system/cpu/cpu1/online"
after=$(chan_cpus)
note "after CPU 1 went offline: $after"
assert_no_match "$after" ':1( |$)' "no channel interrupts CPU 1 any more"
modified_since "$seq" "$on1" 0 || fail "the host saw no MODIFYCHANNEL of relid $on1 to CPU 0"
note "ok: the host moved relid $on1 to CPU 0 (CHANNEL_MODIFIED)"
assert_match "$(guest dmesg)" "CPU 1 going offline: [0-9]+ channel\(s\) moved" "the guest says it moved the channels"
io_check 1 "CPU 1 offline"

# ---- CPU 1 back, a channel moved to it ----
assert_guest "CPU 1 comes back online" "echo 1 >/sys/devices/system/cpu/cpu1/online"
seq=$(last_seq)
assert_guest "channel $on1 moved back to CPU 1 through sysfs" "$(chan_to "$on1" 1)"
modified_since "$seq" "$on1" 1 || fail "the host saw no MODIFYCHANNEL of relid $on1 to CPU 1"
io_start 2
io_check 2 "CPU 1 back"

# ---- a third vCPU plugged in ----
# 6.12's CPU enumeration does not count the absent CPU of QEMU 7.2's MADT (its entry is
# disabled but not marked online-capable), so that kernel has no CPU to plug in; 6.1 does.
if [ "$(guest cat /sys/devices/system/cpu/possible)" = 0-1 ]; then
	note "skip: kernel $KVER sees no hotpluggable CPU in this QEMU's MADT (possible CPUs 0-1); the plug-in part runs on 6.1"
	assert_kernel_clean
	exit 0
fi
cpus=$(qmp '{"execute":"query-hotpluggable-cpus"}') || fail "query-hotpluggable-cpus: $cpus"
type=$(grep -oE '"type": *"[^"]+"' <<<"$cpus" | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/')
[ -n "$type" ] || fail "no hotpluggable CPU type in: $cpus"
out=$(qmp "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"$type\",\"id\":\"cpu2\",\"socket-id\":2,\"core-id\":0,\"thread-id\":0}}") ||
	fail "device_add $type: $out"
note "ok: QMP device_add $type socket 2"
guest_until 30 "[ -e /sys/devices/system/cpu/cpu2/online ]" || fail "the guest never saw CPU 2"
assert_guest "CPU 2 online" "grep -q 1 /sys/devices/system/cpu/cpu2/online || echo 1 >/sys/devices/system/cpu/cpu2/online"
seq=$(last_seq)
assert_guest "channel $on1 moved to the new CPU 2" "$(chan_to "$on1" 2)"
modified_since "$seq" "$on1" 2 || fail "the host saw no MODIFYCHANNEL of relid $on1 to CPU 2"
# The fake-host transport's vector of CPU 2 (the third "hvis_fakehost" line), CPU 2's column.
irq2() { guest "awk '/hvis_fakehost/ { n++; if (n == 3) print \$4 }' /proc/interrupts"; }
i0=$(irq2)
io_start 3
io_check 3 "CPU 2 plugged in"
i1=$(irq2)
note "CPU 2's vector on CPU 2: $i0 -> $i1 interrupts"
[ "${i1:-0}" -gt "${i0:-0}" ] || fail "no interrupt reached CPU 2 through its vector ($i0 -> $i1)"
note "ok: the channel's interrupts arrive on CPU 2"

# ---- the vCPU unplugged: the kernel offlines it, the channel moves ----
seq=$(last_seq)
io_start 4
out=$(qmp '{"execute":"device_del","arguments":{"id":"cpu2"}}') || fail "device_del cpu2: $out"
guest_until 60 "[ ! -e /sys/devices/system/cpu/cpu2/online ] || grep -q 0 /sys/devices/system/cpu/cpu2/online" ||
	fail "CPU 2 still online 60 s after device_del"
note "ok: CPU 2 unplugged"
assert_no_match "$(chan_cpus)" ':2( |$)' "no channel interrupts the unplugged CPU"
modified_since "$seq" "$on1" 0 || modified_since "$seq" "$on1" 1 ||
	fail "the host saw no MODIFYCHANNEL of relid $on1 away from CPU 2"
io_check 4 "CPU 2 unplugged"
assert_kernel_clean
