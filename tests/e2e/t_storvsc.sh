#!/bin/bash
# Synthetic storage (hvis_storvsc), what a user checks on a disk: two SCSI controllers
# (4 vCPUs, one subchannel per vCPU) with three LUNs appear in lsscsi
# with the host's sizes, serials and WWNs (sg_inq, /dev/disk/by-id/wwn-*);
# blk-mq has one hardware queue per channel the host opened; bytes written
# on either side read back on the other; mkfs.ext4 + e2fsck; fio random read/write with
# crc32c verification on every queue; fsync reaches the host as SYNCHRONIZE CACHE;
# fstrim and blkdiscard punch the image file; an online resize grows the mounted ext4; a
# read-only LUN refuses writes; a hot-added LUN appears and, removed under fio, goes
# away with I/O errors and no hang; 20 unload/reload cycles (10 in make check) leak no
# kernel memory; the kernel log stays clean and the host refused no request.
# Monitored notification: controller 0 is offered with a monitor (Hyper-V's default for
# storage): its sysfs shows the host's latency, and under fio the guest rings no
# doorbell, only monitor trigger bits the host finds; controller 1 (+nomonitor) rings
# the doorbell for its I/O.
# kernels: all
source "$(dirname "$0")/storvsc_lib.sh"

VM_SMP=4
STORVSC_OPTS="storvsc_vcpus_per_sub_channel=1"
FH_DEVICES="heartbeat,shutdown,scsi,scsi+nomonitor"
N_CONTROLLERS=2
MAIN=$(disk_image main.img 256M)
RO=$(disk_image ro.img 8M)
RAW=$(disk_image raw.img 64M)
HOT=$(disk_image hot.img 32M)
head -c 8M /dev/urandom >"$RO"
RO_SUM=$(sha256sum <"$RO" | cut -c1-64)
FH_ARGS=(--disks "0:0:0=$MAIN,0:0:1=$RO:ro,1:0:0=$RAW")
storvsc_vm_start

sda=$(wait_guest_disk 0 0 0) sdro=$(wait_guest_disk 0 0 1)
sdraw=$(wait_guest_disk 1 0 0)
note "disks: 0:0:0=$sda 0:0:1=$sdro 1:0:0=$sdraw"
guest_log_mark

# ---- what lsscsi, sysfs and the host say ----
ls=$(guest lsscsi)
note "lsscsi: $(tr '\n' '|' <<<"$ls")"
assert_eq "$(grep -c ' disk ' <<<"$ls")" 3 "lsscsi: 3 disks"
assert_eq "$(guest lsscsi -H | grep -c storvsc_host)" 2 "lsscsi -H: 2 storvsc_host adapters"
for l in 0:0:0 0:0:1 1:0:0; do
	d=$(guest_disk ${l//:/ })
	assert_eq "$(guest blockdev --getsize64 /dev/$d)" "$(disk_field $l bytes)" "$l ($d): size in the guest = the host's"
done
for c in 0 1; do
	assert_match "$(grep -w STOR_INIT "$VM_DIR/events.log" | grep -w "c=$c")" "version=0x602" \
		"controller $c: VSTOR 6.2 (Windows 10) negotiated"
done
# (4 vCPUs - 1) / 1 subchannels asked, as upstream sizes them; every channel is a queue.
for c in 0 1; do
	d=$(guest_disk $c 0 0)
	ev=$(grep -w STOR_SUBCHANNELS "$VM_DIR/events.log" | grep -w "c=$c" | tail -n 1)
	assert_match "$ev" "asked=3 offered=3" "controller $c: 3 subchannels asked and offered"
	assert_eq "$(chan_stats $c | wc -l)" 4 "controller $c: the host has 4 channels open"
	assert_eq "$(guest "ls -d /sys/block/$d/mq/* | wc -l")" 4 "controller $c: $d has 4 blk-mq hardware queues"
done
assert_eq "$(guest cat /sys/block/$sda/queue/write_cache)" "write back" "$sda: write cache on (flushes sent)"
assert_ge "$(guest cat /sys/block/$sda/queue/discard_max_bytes)" 4096 "$sda: discard supported"
assert_eq "$(guest cat /sys/block/$sdro/ro)" 1 "$sdro (read-only LUN) is read-only in the guest"
assert_eq "$(guest cat /sys/block/$sda/ro)" 0 "$sda is writable"

# ---- serial and WWN: sg_inq (VPD 0x80, 0x83) and udev's /dev/disk/by-id ----
check_ids() { # C:T:L sdX
	local serial wwn out
	serial=$(disk_field "$1" serial) wwn=$(disk_field "$1" wwn)
	wwn=${wwn,,}
	[ -n "$serial" ] && [ -n "$wwn" ] || fail "$1: no serial/wwn in \`disk list\`: $(fh disk list)"
	out=$(guest sg_inq -p 0x80 /dev/$2) || fail "sg_inq -p 0x80 /dev/$2: $out"
	assert_match "$out" "Unit serial number: $serial\$" "$1 ($2): VPD 0x80 serial = the host's ($serial)"
	out=$(guest sg_inq -p 0x83 /dev/$2) || fail "sg_inq -p 0x83 /dev/$2: $out"
	assert_match "${out,,}" "\\[$wwn\\]" "$1 ($2): VPD 0x83 NAA designator = the host's wwn ($wwn)"
	guest_until 10 "[ \"\$(readlink -f /dev/disk/by-id/wwn-$wwn)\" = /dev/$2 ]" ||
		fail "$1: /dev/disk/by-id/wwn-$wwn is not $2: $(guest ls -l /dev/disk/by-id/)"
	note "ok: /dev/disk/by-id/wwn-$wwn -> $2"
}
check_ids 0:0:0 "$sda"
check_ids 1:0:0 "$sdraw"
[ "$(disk_field 0:0:0 wwn)" != "$(disk_field 0:0:1 wwn)" ] || fail "two LUNs share a WWN"

# ---- bytes cross intact both ways (raw LUN 1:0:0) ----
assert_guest "1 MiB written at 6400 KiB on $sdraw" \
	"head -c 1048576 /dev/urandom >/tmp/p && dd if=/tmp/p of=/dev/$sdraw bs=64k seek=100 oflag=direct 2>/dev/null"
assert_eq "$(dd if="$RAW" bs=64k skip=100 count=16 2>/dev/null | sha256sum | cut -c1-64)" \
	"$(guest sha256sum /tmp/p | cut -c1-64)" "the guest's write is in the image, at its offset"
head -c 1048576 /dev/urandom >"$DISK_DIR/h.bin"
dd if="$DISK_DIR/h.bin" of="$RAW" bs=64k seek=300 conv=notrunc 2>/dev/null
assert_eq "$(guest "dd if=/dev/$sdraw bs=64k skip=300 count=16 iflag=direct 2>/dev/null | sha256sum" | cut -c1-64)" \
	"$(sha256sum <"$DISK_DIR/h.bin" | cut -c1-64)" "the guest reads what the host put in the image"

# ---- ext4 ----
assert_guest "mkfs.ext4 $sda" "mkfs.ext4 -q -F /dev/$sda"
assert_guest "e2fsck -fn $sda: clean" "e2fsck -fn /dev/$sda"
assert_guest "mount $sda on /mnt" "mkdir -p /mnt && mount -t ext4 /dev/$sda /mnt"

# ---- fio with crc32c verification, on every hardware queue ----
s0=$(chan_stats 0)
out=$(guest -t 300 "$(fio_verify_cmd /mnt/fio.dat 8M 4)") || fail "fio verify on ext4 failed: $(tail -n 25 <<<"$out")"
note "fio: $(grep -E '^ *(read|write):' <<<"$out" | tr -s ' ' | tr '\n' ' ')"
assert_match "$out" "err= 0" "fio random read/write at iodepth 32, 4 jobs on 4 CPUs: no error"
assert_no_verify_error "$out" "fio verify on ext4"
s1=$(chan_stats 0)
note "controller 0 channels (relid requests completions signals_in interrupts_out holds): $(tr '\n' '|' <<<"$s1")"
while read -r relid req _; do
	r0=$(awk -v r="$relid" '$1 == r { print $2 }' <<<"$s0")
	assert_ge $((req - ${r0:-0})) 100 "channel relid $relid carried fio's requests"
done <<<"$s1"
for q in 0 1 2 3; do
	f=/sys/kernel/debug/block/$sda/hctx$q/dispatched
	n=$(guest "if [ -e $f ]; then awk '{ s += \$2 } END { print s + 0 }' $f; else echo none; fi")
	[ "$n" = none ] || assert_ge "$n" 1 "$sda hctx$q dispatched requests"
done

# ---- monitored notification: triggers on controller 0, doorbells on controller 1 ----
# guest_signals RELID...: the guest's "doorbells monitor_triggers" summed over channels.
guest_signals() {
	guest "cat $(printf '/sys/kernel/debug/hvis_vmbus/%s/stats ' "$@")" |
		awk '/^signals:/ { d += $2 } /^monitor_triggers:/ { m += $2 } END { print d + 0, m + 0 }'
}
# host_signals C: the host's "signals_in monitor_in" summed over controller C's channels.
host_signals() {
	fh disk stats "$1" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "=")
		if (kv[1] == "signals_in") d += kv[2]; if (kv[1] == "monitor_in") m += kv[2] } }
		END { print d + 0, m + 0 }'
}
relids0=$(awk '{ print $1 }' <<<"$s1")
read -r gd gm <<<"$(guest_signals $relids0)"
read -r hd hm <<<"$(host_signals 0)"
note "controller 0 (monitored): guest doorbells=$gd triggers=$gm; host signals_in=$hd monitor_in=$hm"
assert_eq "$gd" 0 "controller 0 (monitored): the guest rang no doorbell, fio included"
assert_ge "$gm" 100 "controller 0 (monitored): the guest set monitor trigger bits"
assert_eq "$hd" 0 "controller 0 (monitored): the host took no doorbell"
assert_ge "$hm" 100 "controller 0 (monitored): the host's scans found the triggers"
pri0=$(fh disk stats 0 | awk '/ sub=0 / { sub("relid=", "", $1); print $1 }')
dev0=$(guest "grep -lx $pri0 /sys/bus/vmbus/devices/*/id") || fail "no guest device with relid $pri0"
dev0=${dev0%/id}
assert_eq "$(guest cat "$dev0/client_monitor_latency")" 1000 \
	"controller 0: client_monitor_latency is the host's 100 us (in 100 ns units)"
relids1=$(fh disk stats 1 | awk '{ sub("relid=", "", $1); print $1 }')
pri1=$(fh disk stats 1 | awk '/ sub=0 / { sub("relid=", "", $1); print $1 }')
assert_guest "controller 1 (+nomonitor): no client_monitor_latency in sysfs" \
	"d=\$(grep -lx $pri1 /sys/bus/vmbus/devices/*/id) && [ ! -e \${d%/id}/client_monitor_latency ]"
read -r gd gm <<<"$(guest_signals $relids1)"
read -r hd hm <<<"$(host_signals 1)"
assert_guest "64 direct 64 KiB writes to $sdraw (controller 1)" \
	"dd if=/dev/zero of=/dev/$sdraw bs=64k seek=512 count=64 oflag=direct 2>/dev/null"
read -r gd2 gm2 <<<"$(guest_signals $relids1)"
read -r hd2 hm2 <<<"$(host_signals 1)"
note "controller 1 (+nomonitor): guest doorbells $gd -> $gd2, triggers $gm2; host signals_in $hd -> $hd2, monitor_in $hm2"
assert_ge $((gd2 - gd)) 32 "controller 1 (+nomonitor): the guest rang the doorbell for its writes"
assert_ge $((hd2 - hd)) 32 "controller 1 (+nomonitor): the host took those doorbells"
assert_eq "$gm2 $hm2" "0 0" "controller 1 (+nomonitor): no monitor trigger on either side"

# ---- flush: fsync reaches the host as SYNCHRONIZE CACHE ----
f0=$(disk_field 0:0:0 flushes)
assert_guest "fsync on ext4" "dd if=/dev/urandom of=/mnt/flush bs=4k count=16 conv=fsync 2>/dev/null && sync"
assert_ge "$(disk_field 0:0:0 flushes)" $((f0 + 1)) "0:0:0: the host's flush counter rose (was $f0)"
f0=$(disk_field 1:0:0 flushes)
assert_guest "fsync of $sdraw" "dd if=/dev/urandom of=/dev/$sdraw bs=4k count=4 conv=fsync 2>/dev/null"
assert_ge "$(disk_field 1:0:0 flushes)" $((f0 + 1)) "1:0:0: the host's flush counter rose (was $f0)"

# ---- discard: fstrim and blkdiscard punch the image ----
assert_guest "48 MiB file on ext4" \
	"head -c 1048576 /dev/urandom >/tmp/m && for i in \$(seq 48); do cat /tmp/m; done >/mnt/big && sync"
b0=$(host_blocks "$MAIN") u0=$(disk_field 0:0:0 unmaps)
assert_guest "rm + fstrim /mnt" "rm /mnt/big && sync && fstrim -v /mnt"
b1=$(host_blocks "$MAIN")
note "main.img allocated: $((b0 / 2)) KiB -> $((b1 / 2)) KiB"
assert_ge $((b0 - b1)) $((44 * 2048)) "fstrim freed at least 44 of the 48 MiB in the image"
assert_ge "$(disk_field 0:0:0 unmaps)" $((u0 + 1)) "the host counted UNMAPs"
assert_guest "16 MiB on $sdraw" "dd if=/dev/urandom of=/dev/$sdraw bs=1M count=16 oflag=direct 2>/dev/null"
b0=$(host_blocks "$RAW")
assert_guest "blkdiscard $sdraw" "blkdiscard /dev/$sdraw"
b1=$(host_blocks "$RAW")
note "raw.img allocated: $((b0 / 2)) KiB -> $((b1 / 2)) KiB"
assert_ge $((b0 - b1)) $((16 * 2048)) "blkdiscard freed the 16 MiB written"
assert_eq "$b1" 0 "blkdiscard of the whole LUN left no block allocated"

# ---- online resize: the guest sees the new size, resize2fs grows the mounted ext4 ----
kb0=$(guest "df -k /mnt | awk 'NR == 2 { print \$2 }'")
assert_fh "disk resize 0:0:0 384M" disk resize 0:0:0 384M
fh_wait_event DISK_RESIZED 10
assert_eq "$(disk_field 0:0:0 bytes)" $((384 << 20)) "the host's LUN is 384 MiB"
guest_until 30 "dd if=/dev/$sda of=/dev/null bs=4k count=1 iflag=direct; [ \$(blockdev --getsize64 /dev/$sda) = $((384 << 20)) ]" ||
	fail "$sda not 384 MiB within 30s: $(guest blockdev --getsize64 /dev/$sda)"
note "ok: $sda is 384 MiB without a reboot ($(guest_log_since | grep -m1 -i 'capacity change' || echo 'no capacity line'))"
assert_guest "resize2fs $sda (mounted)" "resize2fs /dev/$sda"
kb1=$(guest "df -k /mnt | awk 'NR == 2 { print \$2 }'")
note "/mnt: $kb0 KiB -> $kb1 KiB"
assert_ge "$kb1" $((kb0 * 14 / 10)) "the mounted ext4 grew by 128 MiB"

# ---- read-only LUN: writes refused, data unchanged ----
out=$(guest "dd if=/dev/zero of=/dev/$sdro bs=4k count=1 oflag=direct 2>&1") &&
	fail "dd to the read-only $sdro succeeded: $out"
note "ok: dd to $sdro refused: $(tail -n 1 <<<"$out")"
sg=$(guest "ls /sys/block/$sdro/device/scsi_generic/") || fail "no sg node for $sdro"
out=$(guest "head -c 512 /dev/zero >/tmp/z && sg_raw -s 512 -i /tmp/z /dev/$sg 2a 00 00 00 00 00 00 00 01 00 2>&1") &&
	fail "WRITE(10) through /dev/$sg succeeded on the read-only LUN: $out"
assert_match "${out,,}" "data protect" "WRITE(10) to the read-only LUN: CHECK CONDITION, sense key DATA PROTECT"
assert_eq "$(sha256sum <"$RO" | cut -c1-64)" "$RO_SUM" "the read-only image is unchanged"
assert_eq "$(disk_field 0:0:1 writes)" 0 "the host wrote nothing to the read-only LUN"
assert_eq "$(guest "dd if=/dev/$sdro bs=1M iflag=direct 2>/dev/null | sha256sum" | cut -c1-64)" "$RO_SUM" \
	"the guest reads the read-only LUN's bytes"

# ---- hot-add a LUN with a given serial and WWN; hot-remove it under fio ----
HOT_WWN=0x500224801234abcd
assert_fh "disk add 0:0:2" disk add 0:0:2 "$HOT" serial=HVISHOT01 wwn=$HOT_WWN
fh_wait_event DISK_ADDED 10
sdhot=$(wait_guest_disk 0 0 2 30)
note "ok: 0:0:2 appeared as $sdhot"
assert_eq "$(guest lsscsi | grep -c ' disk ')" 4 "lsscsi: 4 disks after the hot-add"
assert_eq "$(disk_field 0:0:2 serial)" HVISHOT01 "disk list: the serial given"
check_ids 0:0:2 "$sdhot"
assert_eq "$(guest blockdev --getsize64 /dev/$sdhot)" $((32 << 20)) "$sdhot: 32 MiB"
assert_guest "fio writing to $sdhot in the background" \
	"(fio --name=inflight --filename=/dev/$sdhot --rw=randwrite --time_based --runtime=120 --numjobs=2 $FIO_COMMON
	echo rc=\$?) </dev/null >/tmp/hot.log 2>&1 &"
hot_writes_ge() { [ "$(disk_field 0:0:2 writes)" -ge "$1" ] 2>/dev/null; }
wait_for 60 "fio's writes reach 0:0:2" hot_writes_ge 200
assert_fh "disk remove 0:0:2 under fio" disk remove 0:0:2
ev=$(fh wait-event DISK_REMOVED --timeout 10) || fail "no DISK_REMOVED"
note "host: $ev"
guest_until 60 '! pidof fio' || fail "fio still running 60 s after the LUN was removed: $(guest 'cat /tmp/hot.log; ps')"
out=$(guest cat /tmp/hot.log)
note "fio after the removal: $(grep -E 'err=|rc=|error' <<<"$out" | head -n 4 | tr '\n' '|')"
assert_no_match "$out" "rc=0$" "fio failed (the LUN went away under it)"
assert_match "$out" "Input/output error|No such device|err= ?[1-9]|error=" "fio reported I/O errors"
guest_until 30 "[ ! -e /sys/block/$sdhot ]" || fail "$sdhot still there 30 s after the removal"
assert_eq "$(guest lsscsi | grep -c ' disk ')" 3 "lsscsi: 3 disks after the hot-remove"
guest_until 10 "[ ! -e /dev/disk/by-id/wwn-$HOT_WWN ]" || fail "by-id link of the removed LUN stayed"
assert_guest "ext4 on the same controller still works" "dd if=/dev/urandom of=/mnt/after bs=4k count=8 conv=fsync 2>/dev/null"

# ---- the normal path logged nothing wrong ----
log=$(guest_log_since)
assert_no_match "$(grep -i storvsc <<<"$log")" "refused|WARN|BUG" "no hvis_storvsc refusal or warning"
assert_eq "$(fh_event_count STOR_BAD)" 0 "the host refused no guest request"
assert_guest "umount /mnt" "umount /mnt"
assert_guest "e2fsck -fn $sda after fio, trim and resize: clean" "e2fsck -fn /dev/$sda"

# ---- unload/reload cycles ----
reload_cmd() { # rounds
	echo "for r in \$(seq $1); do
		$(rmmod_storvsc_cmd)
		i=0; while ls /sys/block | grep -q ^sd; do i=\$((i + 1)); [ \$i -lt 50 ] || { echo disks stayed; exit 1; }; sleep 0.2; done
		modprobe hvis_storvsc || exit 1
		i=0; until [ \$(ls /sys/block | grep -c ^sd) -eq 3 ]; do i=\$((i + 1)); [ \$i -lt 150 ] || { echo disks did not return; ls /sys/block; exit 1; }; sleep 0.2; done
	done; udevadm settle -t 30"
}
# udevd stops meanwhile: its workers and caches are kernel memory that is not the driver's.
assert_guest "udevd stopped" "killall systemd-udevd; sleep 0.5; ! pidof systemd-udevd"
# Kernel memory: tests/qemu/lib.sh assert_reload_no_leak, 20 rounds (make check: 10, a
# leak of 128 kB or more per round caught; make check-all: 57 kB).
half=$(by_tier 4 9)
assert_reload_no_leak reload_cmd unload/reload "$half"
sda=$(wait_guest_disk 0 0 0)
guest_start_udev
check_ids 0:0:0 "$sda"
assert_guest "ext4 after the reloads: mounts, clean" "e2fsck -fn /dev/$sda && mount -t ext4 /dev/$sda /mnt && ls /mnt/after && umount /mnt"
assert_ge "$(grep -w STOR_INIT "$VM_DIR/events.log" | grep -cw c=0)" $((3 + 2 * half)) "controller 0 initialised once per load"
assert_eq "$(fh_event_count STOR_BAD)" 0 "the host refused no guest request"
assert_no_match "$(guest dmesg | grep -i storvsc)" "refused|WARN|BUG" "no hvis_storvsc refusal or warning"
assert_kernel_clean
