#!/bin/bash
# storvsc_bench.sh [KVER]: synthetic storage against virtio-blk (a benchmark, not a test).
#
# One QEMU run, one image file on tmpfs (/dev/shm, SIZE_MB MiB) served three times: as
# LUN 0:0:0 of the fake host's SCSI controller 0, offered with a monitor (Hyper-V's
# default for storage: the guest sets a trigger bit the host scans for instead of
# ringing the doorbell), as LUN 1:0:0 of controller 1, offered without one
# (+nomonitor, what --no-monitor does to every controller), both hvis_storvsc with the
# driver's default parameters, and as QEMU's virtio-blk disk (cache=none,
# aio=$VBLK_AIO; QEMU's default of one queue per vCPU).  The three are measured one
# after the other, never at once.
# fio (libaio, direct=1, one job, RUNTIME seconds a cell) runs 4k random read, 4k random
# write and 1 MiB sequential read at iodepth 1 and 32 on each, and the table gives IOPS
# (MB/s for the sequential read), the hvis/virtio-blk ratio and, per I/O:
#   hvis   guest-to-host doorbells (sig) and monitor triggers (trig) the host found,
#          host-to-guest interrupts, from the fake host's `disk stats` (summed over the
#          controller's channels); "nomon" the same for controller 1;
#   virtio interrupts, from the guest's /proc/interrupts lines of the disk's virtqueues
#          (QEMU counts no guest-to-host notifications we can read: "-").
# holds/IO: drains after which the host kept the ring masked (--hold-us; HOLD_US sets it,
# 0 turns it off).  WORKLOADS
# ("randread 4k,randwrite 4k,read 1M") and QDS ("1 32") choose the cells.
# Targets (issue 10): hvis >= 1.2x virtio-blk on 4k IOPS at QD32, < 0.1 signals per I/O
# at QD32.  TCG: absolute figures are the emulator's, the ratios are what compare.
source "$(dirname "$0")/../e2e/storvsc_lib.sh"

RUNTIME=${RUNTIME:-4}
SIZE_MB=${SIZE_MB:-256}
VBLK_AIO=${VBLK_AIO:-io_uring}
export HVIS_GUEST_KMODS="$STORAGE_GUEST_KMODS virtio_pci virtio_blk"
FH_DEVICES="heartbeat,shutdown,scsi,scsi+nomonitor"
N_CONTROLLERS=2
IMG=/dev/shm/hvis-bench-$$.img
HVIS_CLEANUP+=("$IMG")
rm -f "$IMG"
# Written through, so neither side reads holes.
dd if=/dev/zero of="$IMG" bs=1M count="$SIZE_MB" status=none || fail "cannot make $IMG"
FH_ARGS=(--disks "0:0:0=$IMG,1:0:0=$IMG" ${HOLD_US:+--hold-us "$HOLD_US"})
storvsc_vm_start -drive "file=$IMG,if=none,id=vb,format=raw,cache=none,aio=$VBLK_AIO,file.locking=off" \
	-device virtio-blk-pci,drive=vb,serial=vblk
sd=$(wait_guest_disk 0 0 0) sdn=$(wait_guest_disk 1 0 0)
guest "modprobe virtio_pci; modprobe virtio_blk" >/dev/null
guest_until 20 '[ -e /sys/block/vda ]' || fail "no virtio-blk disk (vda) in the guest"
vq=$(guest 'basename $(readlink -f /sys/block/vda/device)')

# Host-side hvis counters of controller C: "doorbells triggers interrupts holds" summed
# over its channels.
hvis_sig() {
	fh disk stats "$1" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] += kv[2] } }
		END { print v["signals_in"] + 0, v["monitor_in"] + 0, v["interrupts_out"] + 0, v["holds"] + 0 }'
}
# Guest-side interrupts of the virtio disk's queues.
vblk_irq() {
	guest "awk '/$vq-(req|request)/ { for (i = 2; i <= NF && \$i ~ /^[0-9]+\$/; i++) s += \$i } END { print s + 0 }' /proc/interrupts"
}
# fio's JSON (after any kernel chatter) -> "ios value" for the read or write side.
FIO_JSON='
import json, sys
text = sys.stdin.read()
side = json.loads(text[text.index("{"):])["jobs"][0]["write" if "write" in sys.argv[1] else "read"]
print(side["total_ios"], "%.1f" % (side["bw_bytes"] / 1e6) if sys.argv[2] == "1M" else "%.0f" % side["iops"])
'
# cell DEV RW BS QD: runs fio, prints "ios value" (value: IOPS, or MB/s for bs=1M).
cell() {
	local out
	out=$(guest -t $((RUNTIME + 120)) "fio --name=b --filename=/dev/$1 --rw=$2 --bs=$3 --iodepth=$4 \
		--ioengine=libaio --direct=1 --time_based --runtime=$RUNTIME --size=$((SIZE_MB - 16))M \
		--output-format=json") || fail "fio $*: $(tail -n 5 <<<"$out")"
	python3 -c "$FIO_JSON" "$2" "$3" <<<"$out"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
per_io() { awk -v a="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.3f", a / n; else print "-" }'; }

echo
echo "storvsc benchmark, kernel $KVER, TCG, ${VM_SMP:-2} vCPUs, ${SIZE_MB} MiB image on /dev/shm, ${RUNTIME} s a cell"
echo "hvis: $sd (LUN 0:0:0, $(chan_stats 0 | wc -l) channel(s), monitored); nomon: $sdn (LUN 1:0:0, $(chan_stats 1 | wc -l) channel(s)); virtio-blk: vda ($vq, aio=$VBLK_AIO)"
printf '%-16s %3s %12s %12s %12s %6s %9s %9s %9s %9s %9s %9s %9s\n' workload QD hvis nomon virtio-blk ratio \
	"sig/IO" "trig/IO" "int/IO" "holds/IO" "nm sig/IO" "nm int/IO" "vblk int"
IFS=, read -ra workloads <<<"${WORKLOADS:-randread 4k,randwrite 4k,read 1M}"
for w in "${workloads[@]}"; do
	set -- $w
	for qd in ${QDS:-1 32}; do
		read -r d0 m0 i0 h0 <<<"$(hvis_sig 0)"
		r=$(cell "$sd" "$1" "$2" "$qd") || exit 1
		read -r hn hv <<<"$r"
		read -r d1 m1 i1 h1 <<<"$(hvis_sig 0)"
		read -r nd0 _ ni0 _ <<<"$(hvis_sig 1)"
		r=$(cell "$sdn" "$1" "$2" "$qd") || exit 1
		read -r nn nv <<<"$r"
		read -r nd1 _ ni1 _ <<<"$(hvis_sig 1)"
		v0=$(vblk_irq)
		r=$(cell vda "$1" "$2" "$qd") || exit 1
		read -r vn vv <<<"$r"
		v1=$(vblk_irq)
		unit=IOPS
		[ "$2" = 1M ] && unit=MB/s
		printf '%-16s %3s %7s %4s %7s %4s %7s %4s %6s %9s %9s %9s %9s %9s %9s %9s\n' "$2 $1" "$qd" \
			"$hv" "$unit" "$nv" "$unit" "$vv" "$unit" "$(ratio "$hv" "$vv")" \
			"$(per_io $((d1 - d0)) "$hn")" "$(per_io $((m1 - m0)) "$hn")" \
			"$(per_io $((i1 - i0)) "$hn")" "$(per_io $((h1 - h0)) "$hn")" \
			"$(per_io $((nd1 - nd0)) "$nn")" "$(per_io $((ni1 - ni0)) "$nn")" \
			"$(per_io $((v1 - v0)) "$vn")"
	done
done
echo "  ratio: hvis (monitored) / virtio-blk; sig: doorbells, trig: monitor triggers the host found, nm: nomon"
echo "host: $(fh disk stats 0 | tr '\n' '|')"
echo "host: $(fh disk stats 1 | tr '\n' '|')"
echo "host: $(fh status | grep '^monitor ')"
vm_poweroff >/dev/null
