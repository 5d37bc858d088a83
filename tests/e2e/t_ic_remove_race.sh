#!/bin/bash
# Remove while the daemons answer: the guest unbinds and rebinds hvis_vss and
# hvis_fcopy from their devices, round after round, while the host keeps sending
# HOT_BACKUP requests and file copies that hvis-vssd and hvis-fcopyd answer.  A
# daemon answer that arrives while the device goes away must never reach the freed
# IC state (freed slab objects are poisoned: slub_debug=FZP, so a stale pointer
# faults instead of reading old data); the kernel log stays clean, the daemons stay
# registered, and after the last round both services work.  IC_RACE_ROUNDS sets the
# number of rounds (default 25).
source "$(dirname "$0")/../qemu/lib.sh"

ROUNDS=${IC_RACE_ROUNDS:-25}
FH_DEVICES="heartbeat,vss,fcopy"
VM_APPEND="slub_debug=FZP"
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_vss
wait_driver_bound hvis_fcopy
guest 'mkdir -p /tmp/in; hvis-vssd -n >/tmp/vssd.log 2>&1 & hvis-fcopyd -n >/tmp/fcopyd.log 2>&1 &'
guest_until 20 'dmesg | grep -q "VSS: daemon registered" && dmesg | grep -q "FCopy: daemon registered"' ||
	fail "the daemons did not register"
note "ok: hvis-vssd and hvis-fcopyd registered"
dev_of() { guest "basename \$(ls -d /sys/bus/vmbus/drivers/$1/*-*)"; }
vss_dev=$(dev_of hvis_vss)
fc_dev=$(dev_of hvis_fcopy)
note "vss device $vss_dev, fcopy device $fc_dev"
assert_match "$(fh vss hot-backup 2>&1)" 'op=hot-backup status=0 ' "HOT_BACKUP answered before the race"

HOSTDIR=$(mktemp -d)
HVIS_CLEANUP+=("$HOSTDIR")
head -c 30000 /dev/urandom >"$HOSTDIR/f"
stop=$HOSTDIR/stop
# The host: requests back to back, each given up after 5 s (a device being rebound
# does not answer).
( while [ ! -e "$stop" ]; do timeout 5 "$FAKEHOST" ctl --ctl "$VM_DIR/ctl.sock" vss hot-backup; sleep 0.05; done \
	>"$HOSTDIR/vss.out" 2>&1 ) &
vss_loop=$!
( while [ ! -e "$stop" ]; do timeout 5 "$FAKEHOST" ctl --ctl "$VM_DIR/ctl.sock" copy-file "$HOSTDIR/f" /tmp/in/f --overwrite; sleep 0.05; done \
	>"$HOSTDIR/fcopy.out" 2>&1 ) &
fc_loop=$!

# The guest: unbind both, a short pause that varies, bind both, let them negotiate.
out=$(guest -t $((ROUNDS * 10 + 30)) "n=0; for i in \$(seq $ROUNDS); do
	echo $vss_dev >/sys/bus/vmbus/drivers/hvis_vss/unbind || exit 1
	echo $fc_dev >/sys/bus/vmbus/drivers/hvis_fcopy/unbind || exit 1
	usleep \$(( (i * 37) % 200 * 1000 ))
	echo $vss_dev >/sys/bus/vmbus/drivers/hvis_vss/bind || exit 1
	echo $fc_dev >/sys/bus/vmbus/drivers/hvis_fcopy/bind || exit 1
	usleep \$(( 300000 + (i * 53) % 400 * 1000 ))
	n=\$i
done; echo rounds=\$n")
touch "$stop"
wait "$vss_loop" "$fc_loop"
assert_eq "$out" "rounds=$ROUNDS" "$ROUNDS rounds of unbind and bind while the daemons answer"
ok_vss=$(grep -c 'op=hot-backup status=0 ' "$HOSTDIR/vss.out" || true)
ok_fc=$(grep -c 'status=0 ' "$HOSTDIR/fcopy.out" || true)
note "during the race the host got $ok_vss HOT_BACKUP and $ok_fc copy answers with status 0 (of $(wc -l <"$HOSTDIR/vss.out") and $(wc -l <"$HOSTDIR/fcopy.out") lines)"
assert_ge "$ok_vss" 1 "some HOT_BACKUP requests were answered during the race"
assert_ge "$ok_fc" 1 "some copies went through during the race"

# Afterwards both services work, with the same daemons.
wait_driver_bound hvis_vss
wait_driver_bound hvis_fcopy
sleep 1
assert_match "$(fh vss hot-backup 2>&1)" 'op=hot-backup status=0 ' "HOT_BACKUP answered after the race"
r=$(fh copy-file "$HOSTDIR/f" /tmp/in/after 2>&1)
assert_match "$r" 'status=0 ' "a copy after the race succeeds ($(guest 'grep -c "dropped (the host started another copy)" /tmp/fcopyd.log') copies cut off by an unbind were dropped by the daemon)"
assert_eq "$(guest "sha256sum /tmp/in/after | cut -d' ' -f1")" "$(sha256sum "$HOSTDIR/f" | cut -d' ' -f1)" \
	"the copied file is whole"
assert_guest "both daemons still run" 'pidof hvis-vssd >/dev/null && pidof hvis-fcopyd >/dev/null'
assert_kernel_clean
