#!/bin/bash
# Live backup (VSS): with a writer appending to an ext2 filesystem on a RAM disk, the
# host's FREEZE blocks the writer until THAW and the writer then resumes; if the host
# never sends THAW the daemon thaws on its own; HOT_BACKUP and GET_DM_INFO are
# answered, an unknown operation and a request with no daemon are refused; Debian's
# hv_vss_daemon works too; the filesystem is clean and its data whole afterwards.
source "$(dirname "$0")/../qemu/lib.sh"

FH_DEVICES="heartbeat,shutdown,vss"
export HVIS_GUEST_KMODS="brd ext4 crc32c_generic"
AUTO_THAW=12
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_vss
assert_guest "/dev/vmbus/hv_vss exists" '[ -c /dev/vmbus/hv_vss ]'

vss() { fh vss "$@" 2>&1; }
expect() { # what regex vss-args...
	local what=$1 re=$2 out
	shift 2
	out=$(vss "$@")
	assert_match "$out" "$re" "$what"
}
lines() { guest 'wc -l </mnt/v/w'; }

assert_guest "ext2 on /dev/ram0 mounted at /mnt/v" 'modprobe crc32c_generic && modprobe brd rd_nr=1 rd_size=8192 &&
	mke2fs -q /dev/ram0 >/dev/null && mkdir -p /mnt/v && mount -t ext2 /dev/ram0 /mnt/v'
guest 'dmesg -c >/dev/null'
expect "FREEZE with no daemon fails" 'op=freeze status=0x80004005' freeze
assert_match "$(guest dmesg)" 'VSS: host request refused \(op FREEZE\): no VSS daemon registered' \
	"the refusal is logged in the guest"

guest "hvis-vssd -n -t $AUTO_THAW >/tmp/vssd.log 2>&1 &"
guest_until 20 'dmesg | grep -q "VSS: daemon registered (REGISTER1)"' || fail "hvis-vssd did not register"
note "ok: hvis-vssd registered"

# The writer appends one numbered line every 50 ms.
guest '( i=0; while :; do i=$((i + 1)); echo $i >>/mnt/v/w; sleep 0.05; done ) >/dev/null 2>&1 &
	echo $! >/tmp/writer.pid'
guest_until 20 '[ $(wc -l </mnt/v/w) -ge 5 ]' || fail "the writer does not write"

# freeze_and_check LABEL: FREEZE succeeds and the writer stops.
freeze_and_check() {
	local t0 n1 n2
	t0=$SECONDS
	expect "$1: FREEZE succeeds" 'op=freeze status=0 ' freeze
	n1=$(lines)
	sleep 2
	n2=$(lines)
	assert_eq "$n2" "$n1" "$1: writer blocked while frozen ($n1 lines, 2 s later still)"
	assert_match "$(guest 'grep State: /proc/$(cat /tmp/writer.pid)/status')" \
		'D \(disk sleep\)' "$1: the writer waits in the kernel (D state)"
	FROZEN_AT=$t0
	FROZEN_LINES=$n2
}
resumed() { # label secs
	guest_until "$2" "[ \$(wc -l </mnt/v/w) -gt $FROZEN_LINES ]" || fail "$1: writer did not resume"
	note "ok: $1: writer resumed ($(lines) lines)"
}

# 1. FREEZE, then THAW from the host.
freeze_and_check "hvis-vssd"
expect "THAW succeeds" 'op=thaw status=0 ' thaw
resumed "after THAW" 5
assert_match "$(vss status)" 'frozen=0 last=thaw last_status=0' "host status: thawed"
log=$(guest 'cat /tmp/vssd.log')
assert_match "$log" 'VSS: froze /mnt/v' "daemon log names the frozen filesystem"
assert_match "$log" 'op=FREEZE: succeeded, 1 filesystem' "daemon log: FREEZE succeeded"
assert_match "$log" 'op=THAW: succeeded' "daemon log: THAW succeeded"

# 2. The other operations.
expect "HOT_BACKUP answered with VSS_HBU_NO_AUTO_RECOVERY" 'op=hot-backup status=0 flags=5' hot-backup
expect "GET_DM_INFO answered with flags 0" 'op=dm-info status=0 flags=0' dm-info
guest 'dmesg -c >/dev/null'
expect "an unknown operation is refused" 'op=bad-op status=0x80004005' bad-op
assert_match "$(guest dmesg)" 'VSS: host request refused \(op 42\): unknown operation' \
	"the unknown operation is logged"

# 3. No THAW: the daemon thaws on its own after -t seconds.
freeze_and_check "auto-thaw"
resumed "auto-thaw" $((AUTO_THAW + 10))
took=$((SECONDS - FROZEN_AT))
note "writer resumed ${took} s after FREEZE (auto-thaw timeout ${AUTO_THAW} s)"
[ "$took" -ge $((AUTO_THAW - 1)) ] || fail "auto-thaw came too early (${took} s)"
assert_match "$(guest 'cat /tmp/vssd.log')" "no THAW from the host within $AUTO_THAW s; thawing on our own" \
	"daemon log: auto-thaw"
expect "a late THAW still succeeds" 'op=thaw status=0 ' thaw

# 4. Debian's hv_vss_daemon against the same device.
guest 'kill $(pidof hvis-vssd); sleep 0.5'
assert_match "$(guest 'cat /tmp/vssd.log')" 'hvis-vssd exiting' "hvis-vssd stops on SIGTERM"
if [ -x /usr/sbin/hv_vss_daemon ]; then
	guest 'dmesg -c >/dev/null; /usr/sbin/hv_vss_daemon -n >/tmp/hvvss.log 2>&1 &'
	guest_until 20 'dmesg | grep -q "VSS: daemon registered (REGISTER1)"' ||
		fail "hv_vss_daemon did not register"
	note "ok: Debian hv_vss_daemon registered"
	freeze_and_check "hv_vss_daemon"
	expect "hv_vss_daemon: THAW succeeds" 'op=thaw status=0 ' thaw
	resumed "hv_vss_daemon THAW" 5
	guest 'kill $(pidof hv_vss_daemon); sleep 0.5'
else
	note "skipped: hyperv-daemons is not installed"
fi

# 5. The filesystem is clean and the writer's data whole.
guest 'kill $(cat /tmp/writer.pid); sleep 0.3'
assert_guest "umount /mnt/v" 'umount /mnt/v'
st=$(guest 'dd if=/dev/ram0 bs=1 skip=1082 count=2 2>/dev/null | od -An -tu2 | tr -d " "')
assert_eq "$st" 1 "ext2 superblock state is clean (s_state = EXT2_VALID_FS)"
assert_guest "mount again" 'mount -t ext2 -o ro /dev/ram0 /mnt/v'
assert_guest "the writer's lines are 1..N with no gap or garbage" \
	'awk "\$0 != NR { exit 1 } END { exit NR < 10 }" /mnt/v/w'
note "writer wrote $(lines) lines"
assert_kernel_clean
