#!/bin/bash
# storvsc_lib.sh: what the synthetic storage tests (t_storvsc*.sh) and the storage benchmark
# share.  The guest gets the storage tools and udev (tests/qemu/lib.sh STORAGE_GUEST_*);
# disks are sparse image files on the host, named by the fake host as C:T:L (controller
# C = order of the storage devices in FH_DEVICES); helpers map them to the guest's sdX
# through sysfs (the SCSI host sits under the controller's VMBus device) and read the
# host's `disk list` / `disk stats`.
source "$(dirname "${BASH_SOURCE[0]}")/../qemu/lib.sh"

SCSI_CLASS=ba6163d9-04a1-4d29-b605-72e2ffb1dc7f
IDE_CLASS=32412632-86cb-44a2-9b5c-50d1417354f5
FC_CLASS=2f9bcc4a-0069-4af3-b76b-6fd0be528cda
export HVIS_GUEST_TOOLS=${HVIS_GUEST_TOOLS:-$STORAGE_GUEST_TOOLS}
export HVIS_GUEST_KMODS=${HVIS_GUEST_KMODS:-$STORAGE_GUEST_KMODS}
DISK_DIR=

# disk_image NAME SIZE: a sparse image file of SIZE (truncate's units) in the test's
# directory on the host (removed at exit); prints its path.
disk_image() {
	if [ -z "$DISK_DIR" ]; then
		DISK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hvis-disks.XXXXXX")
		HVIS_CLEANUP+=("$DISK_DIR")
	fi
	truncate -s "$2" "$DISK_DIR/$1" || fail "cannot make $DISK_DIR/$1"
	echo "$DISK_DIR/$1"
}

# Allocated 512-byte blocks of a host file (stat %b).
host_blocks() { stat -c %b "$1"; }

# storvsc_vm_start [QEMU-ARGS...]: boots with FH_DEVICES / FH_ARGS as set, writes the
# driver's options (STORVSC_OPTS) to /etc/modprobe.d, starts udevd, loads the bus and
# waits until hvis_storvsc is bound to N_CONTROLLERS devices.
storvsc_vm_start() {
	vm_start "$KVER" "$@"
	assert_guest "hvis_storvsc options: ${STORVSC_OPTS:-none}" \
		"mkdir -p /etc/modprobe.d && echo 'options hvis_storvsc ${STORVSC_OPTS:-}' >/etc/modprobe.d/hvis_storvsc.conf"
	# sg: udev's rules for it are not in the image; sg_inq works on sdX, sg_raw wants sgN.
	assert_guest "modprobe sg" modprobe sg
	guest_start_udev
	vm_load_vmbus
	storvsc_wait_bound "${N_CONTROLLERS:-1}"
}

# storvsc_wait_bound N [SECS]: hvis_storvsc is bound to N VMBus devices.
storvsc_wait_bound() {
	guest_until "${2:-30}" "[ \$(ls -d /sys/bus/vmbus/drivers/hvis_storvsc/*-* 2>/dev/null | wc -l) -eq $1 ]" ||
		fail "hvis_storvsc not bound to $1 controllers within ${2:-30}s: $(guest 'ls /sys/bus/vmbus/drivers/hvis_storvsc/; lsmod | grep -E "storvsc|sd_mod"')"
	note "ok: hvis_storvsc bound to $1 controllers"
}

# A guest shell command that unloads hvis_storvsc, tried again for 10 s while the module
# is busy (a udev worker's blkid probe, woken by a write's close, can hold a disk open
# just then; one CI run's rmmod failed that way); prints rmmod's last error and fails
# if the module never goes.
rmmod_storvsc_cmd() {
	echo 'i=0; until rmmod hvis_storvsc 2>/tmp/rmmod.err; do i=$((i + 1)); [ $i -lt 50 ] || { cat /tmp/rmmod.err; exit 1; }; sleep 0.2; done'
}

# The instance GUID of storage controller C (the C-th scsi/ide/fc device in `fh list`).
controller_inst() {
	fh list | awk -v c="$1" -v s="$SCSI_CLASS" -v i="$IDE_CLASS" -v f="$FC_CLASS" '
		$2 == "scsi" || $2 == "ide" || $2 == "fc" || index($0, s) || index($0, i) || index($0, f) {
			if (n++ == c) { print $4; exit } }'
}

# guest_disk C T L: the guest's block device name (sdX) of the host's LUN C:T:L.  T may
# be '*' (IDE: the guest's target id comes from the instance GUID).
# C may also be a controller's instance GUID (the C-th place shifts once a controller
# is rescinded: it leaves the host's configuration).
guest_disk() {
	local inst=$1
	[ ${#inst} -eq 36 ] || inst=$(controller_inst "$1")
	[ -n "$inst" ] || return 1
	guest "for b in /sys/block/sd*; do
		case \$(readlink -f \$b) in */$inst/*:$2:$3/block/*) echo \${b##*/}; exit 0 ;; esac
	done; exit 1"
}

# wait_guest_disk C T L [SECS]: waits for C:T:L in the guest and prints its sdX.
wait_guest_disk() {
	local end=$((SECONDS + ${4:-30})) d
	until d=$(guest_disk "$1" "$2" "$3"); do
		[ $SECONDS -lt $end ] || fail "LUN $1:$2:$3 not in the guest within ${4:-30}s: $(guest 'lsscsi; ls /sys/block')"
		sleep 0.5
	done
	echo "$d"
}

# disk_field C:T:L FIELD: FIELD (key=value) of the LUN's `disk list` line.
disk_field() {
	fh disk list | awk -v l="$1" -v f="$2" '$1 == l {
		for (i = 2; i <= NF; i++) if (index($i, f "=") == 1) { print substr($i, length(f) + 2); exit } }'
}

# chan_stats C: `disk stats C` as "relid requests completions signals_in interrupts_out holds"
# lines, one per channel.
chan_stats() {
	fh disk stats "$1" | awk '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (v["relid"] != "") print v["relid"], v["requests"], v["completions"], v["signals_in"], v["interrupts_out"], v["holds"]
		delete v }'
}

# The guest's hvis_storvsc kernel lines since the mark (guest_log_mark).
GUEST_LOG_MARK=0
guest_log_mark() { GUEST_LOG_MARK=$(guest 'dmesg | wc -l'); }
guest_log_since() { guest "dmesg | tail -n +$((GUEST_LOG_MARK + 1))"; }

# fio_verify FILE SIZE JOBS [EXTRA]: random 4k read/write at iodepth 32 with crc32c
# verification, JOBS jobs each on its own CPU (cpus_allowed_policy=split), so every
# blk-mq hardware queue gets I/O.  Prints fio's output; fails on a verify error.
FIO_COMMON="--ioengine=libaio --direct=1 --bs=4k --iodepth=32 --group_reporting"
fio_verify_cmd() { # file size jobs extra
	echo "fio --name=verify --filename=$1 --size=$2 --numjobs=$3 --cpus_allowed=0-$(($3 - 1))" \
		"--cpus_allowed_policy=split --rw=randrw --rwmixread=50 --offset_increment=$2" \
		"--verify=crc32c --verify_fatal=1 --do_verify=1 $FIO_COMMON ${4:-}"
}

# fio's output holds no data-integrity error (a verify mismatch, a bad header).
assert_no_verify_error() { # fio-output what
	assert_no_match "$1" "verify: bad|bad magic|crc32c: verify failed|verify failed|bad header" \
		"$2: fio found no wrong data"
}
